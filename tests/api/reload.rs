//! Manifests are reloaded on change; a broken file keeps its last good state.

use crate::helpers::*;

#[tokio::test]
async fn binding_hot_reload_and_broken_file() {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    let line = app
        .reload_after(|| {
            app.write_manifest(
                "base.yaml",
                &[service_account("r", "sa", "tok"), template("r", "t")].join("---\n"),
            )
        })
        .await;
    assert!(line.contains("bindings=0 errors=0"), "{line}");
    assert_eq!(
        app.post_event("r", "", "{}", Some("tok"), &[])
            .await
            .status(),
        200
    );
    assert!(app.workflows_as("r", "tok").await.is_empty());

    // Add a binding: it applies without a restart.
    let line = app
        .reload_after(|| {
            app.write_manifest(
                "binding.yaml",
                &binding("r", "b", "true", "t", false, r#""v1""#),
            )
        })
        .await;
    assert!(line.contains("bindings=1 errors=0"), "{line}");
    assert_eq!(
        app.post_event("r", "", "{}", Some("tok"), &[])
            .await
            .status(),
        200
    );
    let wfs = app.workflows_as("r", "tok").await;
    assert_eq!(wfs.len(), 1);
    assert_eq!(params(&wfs[0])[0].1, "v1");

    // Break the file: the error names the file and line, and the last good binding stays.
    let line = app
        .reload_after(|| {
            app.write_manifest(
                "binding.yaml",
                "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding\nmetadata: {name: b\n  namespace: r\n",
            )
        })
        .await;
    assert!(line.contains("bindings=1 errors=1"), "{line}");
    let log = app.log();
    let rejected = log
        .lines()
        .find(|l| l.contains("manifest rejected"))
        .unwrap();
    assert!(rejected.contains("binding.yaml"), "{rejected}");
    assert!(rejected.contains("line"), "{rejected}");
    assert_eq!(
        app.post_event("r", "", "{}", Some("tok"), &[])
            .await
            .status(),
        200
    );
    assert_eq!(app.workflows_as("r", "tok").await.len(), 2);

    // Fix it with a new parameter value: the new version applies.
    let line = app
        .reload_after(|| {
            app.write_manifest(
                "binding.yaml",
                &binding("r", "b", "true", "t", false, r#""v2""#),
            )
        })
        .await;
    assert!(line.contains("bindings=1 errors=0"), "{line}");
    assert_eq!(
        app.post_event("r", "", "{}", Some("tok"), &[])
            .await
            .status(),
        200
    );
    let mut values: Vec<String> = app
        .workflows_as("r", "tok")
        .await
        .iter()
        .map(|w| params(w)[0].1.clone())
        .collect();
    values.sort();
    assert_eq!(values, vec!["v1", "v1", "v2"]);

    // Remove it: no more workflows.
    let line = app
        .reload_after(|| app.remove_manifest("binding.yaml"))
        .await;
    assert!(line.contains("bindings=0 errors=0"), "{line}");
    assert_eq!(
        app.post_event("r", "", "{}", Some("tok"), &[])
            .await
            .status(),
        200
    );
    assert_eq!(app.workflows_as("r", "tok").await.len(), 3);
}

#[tokio::test]
async fn unknown_kind_and_missing_template_are_logged_by_name() {
    let app = spawn_app(Options::default().no_examples()).await;
    app.reload_after(|| {
        app.write_manifest(
            "odd.yaml",
            "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n",
        );
        app.write_manifest(
            "dangling.yaml",
            &binding("d", "dangling", "true", "nope", false, r#""v""#),
        );
    })
    .await;
    let log = app.wait_for_log("Gadget").await;
    let line = log.lines().find(|l| l.contains("Gadget")).unwrap();
    assert!(line.contains("odd.yaml"), "{line}");
    let log = app.wait_for_log("WorkflowEventBinding d/dangling").await;
    let line = log.lines().find(|l| l.contains("d/dangling")).unwrap();
    assert!(
        line.contains("dangling.yaml") && line.contains("\"nope\""),
        "{line}"
    );
}
