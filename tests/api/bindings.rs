//! Binding semantics: cluster templates, several matches, failures beside successes.

use crate::helpers::*;

const NS: &str = "team";
const TOKEN: &str = "team-token";

fn cluster_template_access() -> &'static str {
    r#"apiVersion: argoproj.io/v1alpha1
kind: ClusterWorkflowTemplate
metadata: {name: shared-tmpl}
spec:
  entrypoint: main
  workflowMetadata:
    labels: {origin: cluster-template}
  templates: [{name: main, container: {image: busybox}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: read-cluster-templates}
rules:
- apiGroups: [argoproj.io]
  resources: [clusterworkflowtemplates]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: team-reads-cluster-templates}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-cluster-templates}
subjects:
- {kind: ServiceAccount, name: team-sa, namespace: team}
"#
}

async fn team_app(opts: Options, extra: &str) -> TestApp {
    let app = spawn_app(opts.no_examples()).await;
    app.write_manifest(
        "team.yaml",
        &format!(
            "{}---\n{}---\n{}",
            service_account(NS, "team-sa", TOKEN),
            template(NS, "tmpl-a"),
            extra
        ),
    );
    app
}

#[tokio::test]
async fn cluster_template_ref() {
    let extra = format!(
        "{}---\n{}",
        cluster_template_access(),
        binding(NS, "uses-cluster", "true", "shared-tmpl", true, r#""bar""#)
    );
    let app = team_app(Options::default().sync(), &extra).await;
    app.wait_for_log("bindings=1").await;
    let r = app.post_event(NS, "", "{}", Some(TOKEN), &[]).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let wfs = app.workflows_as(NS, TOKEN).await;
    assert_eq!(wfs.len(), 1);
    let wf = &wfs[0];
    assert_eq!(
        label(wf, "workflows.argoproj.io/cluster-workflow-template"),
        Some("shared-tmpl")
    );
    assert_eq!(label(wf, "workflows.argoproj.io/workflow-template"), None);
    assert_eq!(label(wf, "origin"), Some("cluster-template"));
    assert_eq!(
        wf["spec"]["workflowTemplateRef"],
        serde_json::json!({"name": "shared-tmpl", "clusterScope": true})
    );
    assert_eq!(params(wf), vec![("p".to_string(), "bar".to_string())]);
    assert!(
        wf["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("shared-tmpl-")
    );
}

#[tokio::test]
async fn cluster_template_without_permission_is_the_bindings_error() {
    let extra = binding(NS, "uses-cluster", "true", "shared-tmpl", true, r#""bar""#);
    let app = team_app(Options::default().sync(), &extra).await;
    app.wait_for_log("bindings=1").await;
    let r = app.post_event(NS, "", "{}", Some(TOKEN), &[]).await;
    assert_eq!(r.status(), 500);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body["message"],
        "failed to dispatch event: [failed to get workflow template: clusterworkflowtemplates.argoproj.io \"shared-tmpl\" is forbidden: User \"system:serviceaccount:team:team-sa\" cannot get resource \"clusterworkflowtemplates\" in API group \"argoproj.io\" at the cluster scope]"
    );
}

#[tokio::test]
async fn several_bindings_match_one_event() {
    let extra = [
        binding(NS, "one", "true", "tmpl-a", false, r#""first""#),
        binding(NS, "two", "true", "tmpl-a", false, r#""second""#),
        binding(NS, "three", "false", "tmpl-a", false, r#""never""#),
    ]
    .join("---\n");
    let app = team_app(Options::default(), &extra).await;
    app.wait_for_log("bindings=3").await;
    let r = app.post_event(NS, "d", "{}", Some(TOKEN), &[]).await;
    assert_eq!(r.status(), 200);
    let wfs = app.wait_for_workflows_as(NS, 2, TOKEN).await;
    let mut seen: Vec<(String, String)> = wfs
        .iter()
        .map(|w| {
            (
                label(w, "workflows.argoproj.io/workflow-event-binding")
                    .unwrap()
                    .to_string(),
                params(w)[0].1.clone(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("one".into(), "first".into()),
            ("two".into(), "second".into())
        ]
    );
}

#[tokio::test]
async fn failing_binding_beside_a_working_one() {
    // No selector: it compiles to Argo's `unexpected token EOF`. (`spec` itself is required by
    // the CRD, so a binding without one cannot exist on a cluster.)
    let malformed = "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding\nmetadata: {name: malformed, namespace: team}\nspec: {}\n";
    let extra = [
        malformed.to_string(),
        binding(NS, "missing-template", "true", "not-found", false, r#""x""#),
        binding(NS, "works", "true", "tmpl-a", false, r#""ok""#),
    ]
    .join("---\n");
    let app = team_app(Options::default().sync(), &extra).await;
    app.wait_for_log("bindings=3").await;
    let r = app.post_event(NS, "", "{}", Some(TOKEN), &[]).await;
    assert_eq!(r.status(), 500);
    let body: serde_json::Value = r.json().await.unwrap();
    // Bindings are evaluated in name order: malformed, missing-template, works.
    assert_eq!(body["code"], 13);
    assert_eq!(
        body["message"],
        "failed to dispatch event: [failed to evaluate workflow template expression: unexpected token EOF failed to get workflow template: workflowtemplates.argoproj.io \"not-found\" not found]"
    );
    let wfs = app.workflows_as(NS, TOKEN).await;
    assert_eq!(wfs.len(), 1);
    assert_eq!(
        label(&wfs[0], "workflows.argoproj.io/workflow-event-binding"),
        Some("works")
    );
    let errors = app
        .get(&format!("/api/v1/binding-errors/{NS}"), Some(TOKEN))
        .await
        .1;
    let errors = errors["items"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["binding"], "malformed");
    assert_eq!(errors[0]["reason"], "WorkflowEventBindingError");
    assert_eq!(
        errors[0]["message"],
        "failed to dispatch event: failed to evaluate workflow template expression: unexpected token EOF"
    );
    assert_eq!(errors[1]["binding"], "missing-template");
    let log = app.log();
    assert!(
        log.contains("team/missing-template")
            && log.contains("\"not-found\", which does not exist"),
        "{log}"
    );
}

/// Argo's `TestNewOperation` cases, over HTTP: real selectors and parameters from the payload.
#[tokio::test]
async fn argo_operation_cases_over_http() {
    let extra = [
        binding(
            NS,
            "a-nested",
            "payload.foo.bar == 'baz'",
            "tmpl-a",
            false,
            "payload.foo",
        ),
        binding(
            NS,
            "b-formatted",
            "true",
            "tmpl-a",
            false,
            "payload.formatted",
        ),
        binding(NS, "c-garbage", "garbage!!!!!!", "tmpl-a", false, r#""x""#),
        binding(
            NS,
            "d-metadata",
            r#"metadata["x-valid"] == ["true"] && namespace == "team""#,
            "tmpl-a",
            false,
            "discriminator",
        ),
        binding(
            NS,
            "e-no-match",
            "payload.foo.bar == 'nope'",
            "tmpl-a",
            false,
            r#""x""#,
        ),
    ]
    .join("---\n");
    let app = team_app(Options::default().sync(), &extra).await;
    app.wait_for_log("bindings=5").await;
    let body = r#"{"foo":{"bar":"baz"},"formatted":"My%Test%"}"#;
    let r = app
        .post_event(
            NS,
            "my-d",
            body,
            Some(TOKEN),
            &[("X-Valid", "true"), ("ignored", "x")],
        )
        .await;
    assert_eq!(r.status(), 500);
    let text = r.text().await.unwrap();
    assert_eq!(
        text,
        r#"{"code":13,"message":"failed to dispatch event: [failed to evaluate workflow template expression: unexpected token Operator(\"!\") (1:8)\n | garbage!!!!!!\n | .......^]"}"#
    );
    let mut seen: Vec<(String, String)> = app
        .workflows_as(NS, TOKEN)
        .await
        .iter()
        .map(|w| {
            (
                label(w, "workflows.argoproj.io/workflow-event-binding")
                    .unwrap()
                    .to_string(),
                params(w)[0].1.clone(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("a-nested".into(), r#"{"bar":"baz"}"#.into()),
            ("b-formatted".into(), "My%Test%".into()),
            ("d-metadata".into(), "my-d".into()),
        ]
    );
}

/// `--instance-id`: only labelled bindings run, only labelled templates are accepted, and the
/// workflow carries the label.
#[tokio::test]
async fn instance_id_filters_bindings_and_templates() {
    let instance_label = "  labels: {workflows.argoproj.io/controller-instanceid: blue}\n";
    let labelled = |yaml: String, name: &str| {
        yaml.replacen(
            &format!("metadata: {{name: {name}, namespace: team}}\n"),
            &format!("metadata:\n  name: {name}\n  namespace: team\n{instance_label}"),
            1,
        )
    };
    let extra = [
        labelled(template(NS, "blue-tmpl"), "blue-tmpl"),
        labelled(
            binding(NS, "blue", "true", "blue-tmpl", false, r#""b""#),
            "blue",
        ),
        labelled(
            binding(NS, "blue-unmanaged-tmpl", "true", "tmpl-a", false, r#""b""#),
            "blue-unmanaged-tmpl",
        ),
        binding(NS, "unlabelled", "true", "tmpl-a", false, r#""u""#),
    ]
    .join("---\n");
    let app = team_app(Options::default().sync().arg("--instance-id=blue"), &extra).await;
    app.wait_for_log("bindings=2").await;
    let r = app.post_event(NS, "", "{}", Some(TOKEN), &[]).await;
    assert_eq!(r.status(), 500);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body["message"],
        "failed to dispatch event: [failed to validate workflow template instanceid: 'tmpl-a' is not managed by the current Argo Server]"
    );
    let wfs = app.workflows_as(NS, TOKEN).await;
    assert_eq!(wfs.len(), 1);
    assert_eq!(
        label(&wfs[0], "workflows.argoproj.io/controller-instanceid"),
        Some("blue")
    );
    assert_eq!(
        label(&wfs[0], "workflows.argoproj.io/workflow-event-binding"),
        Some("blue")
    );
}
