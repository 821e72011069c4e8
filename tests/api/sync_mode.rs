//! `--event-async-dispatch=false`: 200 after the workflows exist, 500 with the errors otherwise.

use crate::helpers::*;

#[tokio::test]
async fn sync_mode_answers_after_the_workflow_exists() {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    app.write_manifest(
        "s.yaml",
        &[
            service_account("s", "sa", "tok"),
            template("s", "t"),
            binding("s", "b", "true", "t", false, r#""v""#),
        ]
        .join("---\n"),
    );
    app.wait_for_log("bindings=1").await;
    for i in 1..=3 {
        let r = app.post_event("s", "", "{}", Some("tok"), &[]).await;
        assert_eq!(r.status(), 200);
        // No polling: in synchronous mode the workflow exists when the answer arrives.
        assert_eq!(app.workflows_as("s", "tok").await.len(), i);
    }
}

#[tokio::test]
async fn sync_mode_500_lists_every_binding_error() {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    let bad_param = binding("s", "b-param", "true", "t", false, "")
        .replace("event: \"\"", "event: \"\"\n      - name: q");
    app.write_manifest(
        "s.yaml",
        &[
            service_account("s", "sa", "tok"),
            template("s", "t"),
            binding("s", "a-cast", r#""garbage""#, "t", false, r#""v""#),
            bad_param,
        ]
        .join("---\n"),
    );
    app.wait_for_log("bindings=2").await;
    let r = app.post_event("s", "", "{}", Some("tok"), &[]).await;
    assert_eq!(r.status(), 500);
    let text = r.text().await.unwrap();
    assert_eq!(
        text,
        r#"{"code":13,"message":"failed to dispatch event: [failed to evaluate workflow template expression: unable to cast expression result 'garbage' to bool failed to compile workflow template parameter p expression: unexpected token EOF]"}"#
    );
    assert!(app.workflows_as("s", "tok").await.is_empty());
}
