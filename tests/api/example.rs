//! The documented examples from Argo's events documentation, end to end.

use crate::helpers::*;

/// The quick start: POST the documented event, get 200 and a workflow from my-wf-tmple.
#[tokio::test]
async fn documented_example_creates_a_workflow() {
    let app = spawn_default().await;
    let resp = app
        .post_event(
            "argo",
            "my-discriminator",
            r#"{"message": "hello events"}"#,
            Some(EXAMPLE_TOKEN),
            &[("X-Argo-E2E", "true")],
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().contains_key("grpc-metadata-argo-version"));
    assert_eq!(resp.text().await.unwrap(), "{}");

    let wfs = app.wait_for_workflows("argo", 1).await;
    assert_eq!(wfs.len(), 1);
    let wf = &wfs[0];
    let name = wf["metadata"]["name"].as_str().unwrap();
    let suffix = name
        .strip_prefix("my-wf-tmple-")
        .expect("name starts with the template name");
    assert_eq!(suffix.len(), 5);
    assert!(
        suffix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "{name}"
    );
    assert_eq!(wf["metadata"]["generateName"], "my-wf-tmple-");
    assert_eq!(wf["metadata"]["namespace"], "argo");
    assert_eq!(wf["spec"]["workflowTemplateRef"]["name"], "my-wf-tmple");
    assert_eq!(
        params(wf),
        vec![("message".to_string(), "hello events".to_string())]
    );
    assert_eq!(
        label(wf, "workflows.argoproj.io/workflow-template"),
        Some("my-wf-tmple")
    );
    assert_eq!(
        label(wf, "workflows.argoproj.io/workflow-event-binding"),
        Some("event-consumer")
    );
    assert_eq!(
        label(wf, "workflows.argoproj.io/creator"),
        Some("system-serviceaccount-argo-jenkins")
    );
    assert_eq!(
        label(wf, "workflows.argoproj.io/controller-instanceid"),
        None
    );
    assert_eq!(
        label(wf, "workflows.argoproj.io/cluster-workflow-template"),
        None
    );

    let (status, one) = app
        .get(
            &format!("/api/v1/workflows/argo/{name}"),
            Some(EXAMPLE_TOKEN),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(one["metadata"]["name"], name);
}

/// The same event without the header, or with another discriminator, creates nothing.
#[tokio::test]
async fn documented_example_selector_rejects_other_events() {
    let app = spawn_app(Options::default().sync()).await;
    let r = app
        .post_event(
            "argo",
            "my-discriminator",
            r#"{"message": "hi"}"#,
            Some(EXAMPLE_TOKEN),
            &[],
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_event(
            "argo",
            "other",
            r#"{"message": "hi"}"#,
            Some(EXAMPLE_TOKEN),
            &[("X-Argo-E2E", "true")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_event(
            "argo",
            "my-discriminator",
            r#"{"message": ""}"#,
            Some(EXAMPLE_TOKEN),
            &[("X-Argo-E2E", "true")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(app.workflows("argo").await.is_empty());
    assert!(app.binding_errors("argo").await.is_empty());
}

/// `submit.metadata` as in Argo's documentation (written with `payload.message`, since
/// the documented `event.payload.message` does not compile in Argo either).
#[tokio::test]
async fn submit_metadata_example() {
    let app = spawn_app(Options::default().sync()).await;
    app.write_manifest(
        "metadata-binding.yaml",
        r#"apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata:
  name: event-consumer-metadata
  namespace: argo
spec:
  event:
    selector: discriminator == "meta"
  submit:
    workflowTemplateRef:
      name: my-wf-tmple
    metadata:
      annotations:
        anAnnotation: payload.message
      labels:
        someLabel: '"literal-string"'
      name: payload.message + "-world"
"#,
    );
    app.wait_for_log("bindings=2").await;
    let r = app
        .post_event(
            "argo",
            "meta",
            r#"{"message": "hello"}"#,
            Some(EXAMPLE_TOKEN),
            &[],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let wfs = app.workflows("argo").await;
    assert_eq!(wfs.len(), 1);
    let wf = &wfs[0];
    assert_eq!(wf["metadata"]["name"], "hello-world");
    assert_eq!(label(wf, "someLabel"), Some("literal-string"));
    assert_eq!(wf["metadata"]["annotations"]["anAnnotation"], "hello");
    assert_eq!(
        label(wf, "workflows.argoproj.io/workflow-event-binding"),
        Some("event-consumer-metadata")
    );

    // A fixed name that already exists is that binding's error, as in Argo.
    let r = app
        .post_event(
            "argo",
            "meta",
            r#"{"message": "hello"}"#,
            Some(EXAMPLE_TOKEN),
            &[],
        )
        .await;
    assert_eq!(r.status(), 500);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body["message"],
        "failed to dispatch event: [failed to create workflow: workflows.argoproj.io \"hello-world\" already exists]"
    );
    assert_eq!(app.workflows("argo").await.len(), 1);
}
