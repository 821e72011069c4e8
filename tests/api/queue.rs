//! The bounded queue: 503 + Retry-After when full, and no accepted event lost.

use crate::helpers::*;

/// A server with a queue of 1 and writes limited to 1/s, and in namespace `ns` (token
/// `token-<ns>`) two bindings with `selector` that each create a workflow: an admitted event
/// that matches holds the only queue slot for about a second.
async fn one_slot_two_writes(ns: &str, selector: &str) -> TestApp {
    let opts = Options::default()
        .queue(1)
        .no_examples()
        .arg("--submit-qps=1")
        .arg("--submit-burst=1");
    let app = spawn_app(opts).await;
    let manifests = [
        service_account(ns, &format!("sa-{ns}"), &format!("token-{ns}")),
        template(ns, "t"),
        binding(ns, "one", selector, "t", false, r#""1""#),
        binding(ns, "two", selector, "t", false, r#""2""#),
    ]
    .join("---\n");
    app.write_manifest(&format!("{ns}.yaml"), &manifests);
    app.wait_for_log("bindings=2").await;
    app
}

/// Queue of 1 under a burst: some events get 503, and every accepted event's workflows exist.
#[tokio::test]
async fn full_queue_answers_503_and_accepted_events_complete() {
    let app = one_slot_two_writes("q", "true").await;

    let sends = (0..16).map(|_| app.post_event("q", "", "{}", Some("token-q"), &[]));
    let responses = futures_util::future::join_all(sends).await;
    let mut accepted = 0;
    let mut rejected = 0;
    for r in responses {
        match r.status().as_u16() {
            200 => accepted += 1,
            503 => {
                assert_eq!(r.headers().get("retry-after").unwrap(), "1");
                let body: serde_json::Value = r.json().await.unwrap();
                assert_eq!(
                    body,
                    serde_json::json!({"code": 14, "message": "operation queue full"})
                );
                rejected += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(accepted >= 1, "no event accepted");
    assert!(rejected >= 1, "no event rejected with a queue of 1");
    let wfs = app
        .wait_for_workflows_as("q", 2 * accepted, "token-q")
        .await;
    assert_eq!(wfs.len(), 2 * accepted);
}

/// A flood of 300 concurrent events (more than tokio's per-poll budget of 128) into a queue
/// large enough for all of them: no spurious 503, and one workflow per event.
#[tokio::test]
async fn flood_below_the_bound_is_fully_accepted() {
    let opts = Options::default()
        .queue(512)
        .no_examples()
        .arg("--submit-qps=1000")
        .arg("--submit-burst=1000");
    let app = spawn_app(opts).await;
    let manifests = [
        service_account("f", "sa-f", "token-f"),
        template("f", "t"),
        binding("f", "one", "true", "t", false, "payload.n"),
    ]
    .join("---\n");
    app.write_manifest("f.yaml", &manifests);
    app.wait_for_log("bindings=1").await;

    let bodies: Vec<String> = (0..300).map(|n| format!("{{\"n\":{n}}}")).collect();
    let sends = bodies
        .iter()
        .map(|b| app.post_event("f", "", b, Some("token-f"), &[]));
    let statuses: Vec<u16> = futures_util::future::join_all(sends)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let wfs = app.wait_for_workflows_as("f", 300, "token-f").await;
    let mut values: Vec<u32> = wfs
        .iter()
        .map(|w| params(w)[0].1.parse().unwrap())
        .collect();
    values.sort();
    assert_eq!(values, (0..300).collect::<Vec<u32>>());
}

/// An event that no binding can match is answered 200 without a queue slot, even while the
/// queue is full, and creates nothing; an event that may match still gets 503.
#[tokio::test]
async fn events_no_binding_can_match_skip_the_full_queue() {
    // The first "slow" event holds the only slot.
    let app = one_slot_two_writes("skip", r#"discriminator == "slow""#).await;

    let first = app
        .post_event("skip", "slow", "{}", Some("token-skip"), &[])
        .await;
    assert_eq!(first.status().as_u16(), 200);
    // The slot is still held (the second workflow waits for its rate-limit token).
    let busy = app
        .post_event("skip", "slow", "{}", Some("token-skip"), &[])
        .await;
    assert_eq!(busy.status().as_u16(), 503);
    for _ in 0..5 {
        let r = app
            .post_event("skip", "other", "{}", Some("token-skip"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers().contains_key("x-flowgate-event-id"));
    }
    // Bad JSON is still a 400 on that path.
    let bad = app
        .post_event("skip", "other", "{", Some("token-skip"), &[])
        .await;
    assert_eq!(bad.status().as_u16(), 400);
    let wfs = app.wait_for_workflows_as("skip", 2, "token-skip").await;
    assert_eq!(wfs.len(), 2);
}
