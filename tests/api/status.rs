//! Status codes and bodies of the events endpoint (spec §1).

use crate::helpers::*;
use serde_json::{Value, json};

async fn body(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn bad_json_is_400() {
    let app = spawn_default().await;
    let (s, b) = body(
        app.post_event("argo", "d", "{not json", Some(EXAMPLE_TOKEN), &[])
            .await,
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(b["code"], 3);
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("key must be a string"),
        "{b}"
    );
}

#[tokio::test]
async fn empty_body_and_trailing_data_are_accepted() {
    let app = spawn_default().await;
    assert_eq!(
        app.post_event("argo", "d", "", Some(EXAMPLE_TOKEN), &[])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.post_event("argo", "d", "{} trailing", Some(EXAMPLE_TOKEN), &[])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn missing_or_wrong_token_is_401() {
    let app = spawn_default().await;
    let want = json!({"code": 16, "message": "token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/"});
    // No Authorization header at all makes it a webhook request (spec §9): namespace `argo`
    // has no argo-workflows-webhook-clients Secret, so Argo's 403.
    let r = app.post_event("argo", "d", "{}", None, &[]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"message": "failed to process webhook request"}"#
    );
    assert_eq!(
        body(app.post_event("argo", "d", "{}", Some("wrong"), &[]).await).await,
        (401, want.clone())
    );
    let r = app
        .client
        .post(format!("{}/api/v1/events/argo/d", app.base))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(body(r).await, (401, want.clone()));
    assert_eq!(app.get("/api/v1/workflows/argo", None).await, (401, want));
    assert!(
        !app.log().contains(EXAMPLE_TOKEN),
        "the token must never be logged"
    );
}

#[tokio::test]
async fn namespace_without_permission_is_403() {
    let app = spawn_default().await;
    let (s, b) = body(
        app.post_event("other", "d", "{}", Some(EXAMPLE_TOKEN), &[])
            .await,
    )
    .await;
    assert_eq!(s, 403);
    assert_eq!(b["code"], 7);
    assert_eq!(
        b["message"],
        "workfloweventbindings.argoproj.io is forbidden: User \"system:serviceaccount:argo:jenkins\" cannot list resource \"workfloweventbindings\" in API group \"argoproj.io\" in the namespace \"other\""
    );
    let (s, _) = app
        .get("/api/v1/workflows/other", Some(EXAMPLE_TOKEN))
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .get("/api/v1/cluster-workflow-templates", Some(EXAMPLE_TOKEN))
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn unimplemented_routes_are_501() {
    let app = spawn_default().await;
    let want = (501, json!({"code": 12, "message": "Not Implemented"}));
    // With a token: without one, a POST under /api/v1/events/<ns>/ is a webhook request,
    // refused with 403 before routing when the namespace has no webhook clients (spec §9).
    let post = |path: &str| {
        app.client
            .post(format!("{}{path}", app.base))
            .header(
                "Authorization",
                format!("Bearer {}", app.token(EXAMPLE_TOKEN)),
            )
            .body("{}")
            .send()
    };
    assert_eq!(body(post("/api/v1/events/argo").await.unwrap()).await, want);
    assert_eq!(
        body(post("/api/v1/events/argo/a/b").await.unwrap()).await,
        want
    );
    assert_eq!(
        body(post("/api/v1/events/argo/verb:colon").await.unwrap()).await,
        want
    );
    let get = app
        .client
        .get(format!("{}/api/v1/events/argo/d", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(body(get).await, want);
    let (s, _) = app.get("/nowhere", None).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn body_over_the_limit_is_413() {
    let app = spawn_app(Options::default().arg("--max-body-bytes=1024")).await;
    let big = format!("{{\"a\":\"{}\"}}", "x".repeat(2000));
    let (s, b) = body(
        app.post_event("argo", "d", &big, Some(EXAMPLE_TOKEN), &[])
            .await,
    )
    .await;
    assert_eq!(s, 413);
    assert_eq!(b["code"], 8);
    let ok = format!("{{\"a\":\"{}\"}}", "x".repeat(900));
    assert_eq!(
        app.post_event("argo", "d", &ok, Some(EXAMPLE_TOKEN), &[])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn garbage_inputs_never_crash_the_server() {
    let app = spawn_default().await;
    let inputs: Vec<Vec<u8>> = vec![
        b"\xff\xfe\x00".to_vec(),
        "[".repeat(10_000).into_bytes(),
        b"1e999999".to_vec(),
        b"{\"a\":".to_vec(),
        vec![0u8; 4096],
    ];
    for input in inputs {
        let r = app
            .client
            .post(format!("{}/api/v1/events/argo/my-discriminator", app.base))
            .header(
                "Authorization",
                format!("Bearer {}", app.token(EXAMPLE_TOKEN)),
            )
            .header("X-Argo-E2E", "true")
            .body(input)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
    }
    let r = app
        .post_event(
            "argo",
            "d",
            "{}",
            Some(EXAMPLE_TOKEN),
            &[("x-weird-bin", "!!notbase64")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(app.get("/healthz", None).await.0, 200);
}

#[tokio::test]
async fn metrics_count_answers_workflows_and_binding_errors() {
    let app = spawn_app(Options::default().sync()).await;
    app.post_event("argo", "d", "{}", Some("wrong"), &[]).await;
    let ok = app
        .post_event(
            "argo",
            "my-discriminator",
            r#"{"message":"m"}"#,
            Some(EXAMPLE_TOKEN),
            &[("X-Argo-E2E", "true")],
        )
        .await;
    assert_eq!(ok.status(), 200);
    let text = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("flowgate_event_requests_total{code=\"401\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("flowgate_event_requests_total{code=\"200\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("flowgate_workflows_created_total 1"),
        "{text}"
    );
    assert!(text.contains("flowgate_events_in_flight 0"), "{text}");
}

/// A body that does not arrive in time gets 408 instead of holding the connection forever.
#[tokio::test]
async fn slow_body_is_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app(Options::default().arg("--body-timeout-secs=1")).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let token = app.token(EXAMPLE_TOKEN);
    let head = format!(
        "POST /api/v1/events/argo/d HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Length: 100\r\n\r\n{{\"a\":"
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&answer).contains("}") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(30), conn.read(&mut buf))
            .await
            .expect("no answer")
            .unwrap();
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains(r#"{"code":4,"message":"request body not received within 1 s"}"#),
        "{answer}"
    );
}
