//! Authentication and namespace isolation.

use crate::helpers::*;

/// A token bound only to namespace `a` gets 403 on `b`, and no workflow ever appears in `b`.
#[tokio::test]
async fn token_for_one_namespace_cannot_reach_another() {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    let manifests = [
        service_account("a", "sa-a", "token-a"),
        service_account("b", "sa-b", "token-b"),
        template("a", "t"),
        template("b", "t"),
        binding("a", "bind", "true", "t", false, r#""x""#),
        binding("b", "bind", "true", "t", false, r#""x""#),
    ]
    .join("---\n");
    app.write_manifest("ab.yaml", &manifests);
    app.wait_for_log("bindings=2").await;

    for disc in ["", "d"] {
        let r = app.post_event("b", disc, "{}", Some("token-a"), &[]).await;
        assert_eq!(r.status(), 403);
    }
    assert_eq!(app.get("/api/v1/workflows/b", Some("token-a")).await.0, 403);
    assert_eq!(
        app.get("/api/v1/workflow-event-bindings/b", Some("token-a"))
            .await
            .0,
        403
    );
    assert!(app.workflows_as("b", "token-b").await.is_empty());

    let r = app.post_event("a", "", "{}", Some("token-a"), &[]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.workflows_as("a", "token-a").await.len(), 1);
    assert!(app.workflows_as("b", "token-b").await.is_empty());
}

/// Without `create workflows`, a binding fails with Kubernetes' Forbidden text.
#[tokio::test]
async fn missing_create_permission_is_the_bindings_error() {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    let sa = service_account("c", "sa-c", "token-c")
        .replace("verbs: [create, get, list]", "verbs: [get, list]");
    let manifests = [
        sa,
        template("c", "t"),
        binding("c", "bind", "true", "t", false, r#""x""#),
    ]
    .join("---\n");
    app.write_manifest("c.yaml", &manifests);
    app.wait_for_log("bindings=1").await;
    let r = app.post_event("c", "", "{}", Some("token-c"), &[]).await;
    assert_eq!(r.status(), 500);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body["message"],
        "failed to dispatch event: [failed to create workflow: workflows.argoproj.io is forbidden: User \"system:serviceaccount:c:sa-c\" cannot create resource \"workflows\" in API group \"argoproj.io\" in the namespace \"c\"]"
    );
    assert!(app.workflows_as("c", "token-c").await.is_empty());
}

/// `--auth-mode server` needs no token and runs everything as the server.
#[tokio::test]
async fn server_mode_needs_no_token() {
    let mut opts = Options::default().sync().no_examples();
    opts.auth_mode = "server";
    let app = spawn_app(opts).await;
    app.write_manifest(
        "s.yaml",
        &[
            template("s", "t"),
            binding("s", "bind", "true", "t", false, r#""x""#),
        ]
        .join("---\n"),
    );
    app.wait_for_log("bindings=1").await;
    let r = app.post_event("s", "", "{}", None, &[]).await;
    assert_eq!(r.status(), 200);
    let (status, body) = app.get("/api/v1/workflows/s", None).await;
    assert_eq!(status, 200);
    let wf = &body["items"][0];
    assert_eq!(label(wf, "workflows.argoproj.io/creator"), None);
    assert_eq!(
        label(wf, "workflows.argoproj.io/workflow-event-binding"),
        Some("bind")
    );
}
