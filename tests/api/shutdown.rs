//! SIGTERM: stop accepting (503), finish every queued event, then exit.

use std::time::Duration;

use crate::helpers::*;

#[tokio::test]
async fn sigterm_drains_every_queued_event() {
    // Writes limited to 2/s: eight events take about four seconds to drain.
    let opts = Options::default()
        .no_examples()
        .arg("--submit-qps=2")
        .arg("--submit-burst=1");
    let mut app = spawn_app(opts).await;
    app.reload_after(|| {
        app.write_manifest(
            "d.yaml",
            &[
                service_account("d", "sa", "tok"),
                template("d", "t"),
                binding("d", "b", "true", "t", false, r#""v""#),
            ]
            .join("---\n"),
        )
    })
    .await;
    let mut accepted = 0;
    for _ in 0..8 {
        let r = app.post_event("d", "", "{}", Some("tok"), &[]).await;
        assert_eq!(r.status(), 200);
        accepted += 1;
    }
    let before = app.workflows_as("d", "tok").await.len();
    assert!(
        before < accepted,
        "the test needs events still queued at SIGTERM"
    );

    let mut child = app.sigterm();
    // While draining: readiness fails and new events are refused with 503.
    let mut saw_refusal = false;
    for _ in 0..100 {
        match app.client.get(format!("{}/readyz", app.base)).send().await {
            Ok(r) if r.status() == 503 => {
                let r = app.post_event("d", "", "{}", Some("tok"), &[]).await;
                assert_eq!(r.status(), 503);
                let body: serde_json::Value = r.json().await.unwrap();
                assert_eq!(body["message"], "server is shutting down");
                saw_refusal = true;
                break;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            Err(_) => break,
        }
    }
    assert!(
        saw_refusal,
        "the server stopped before draining was observable"
    );
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(app.log().contains("every queued event is finished"));

    // Restart on the same data: every accepted event's workflow is there.
    app.restart_stopped().await;
    assert_eq!(app.workflows_as("d", "tok").await.len(), accepted);
}
