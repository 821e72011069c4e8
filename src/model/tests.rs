//! Tests for the model types: Argo's documented examples parse, Workflows serialise like
//! Argo's objects, secrets never print, and bad documents give clear errors.

use serde_json::json;

use super::*;

fn yaml(text: &str) -> Object {
    let value: serde_json::Value = serde_yaml::from_str(text).expect("valid YAML");
    Object::from_value(value).expect("valid object")
}

/// `docs/events.md`: the binding `event-consumer`.
const EVENT_CONSUMER: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata:
  name: event-consumer
  namespace: argo
spec:
  event:
    # metadata header name must be lowercase to match in selector
    selector: payload.message != "" && metadata["x-argo-e2e"] == ["true"] && discriminator == "my-discriminator"
  submit:
    workflowTemplateRef:
      name: my-wf-tmple
    metadata:
      annotations:
        anno1: 'payload.message'
      labels:
        label1: 'payload.message'
      name: 'payload.message + "-world"'
    arguments:
      parameters:
      - name: message
        valueFrom:
          event: payload.message
"#;

#[test]
fn argo_example_binding_parses() {
    let Object::WorkflowEventBinding(b) = yaml(EVENT_CONSUMER) else {
        panic!("wrong kind");
    };
    assert_eq!(b.metadata.name, "event-consumer");
    assert_eq!(b.metadata.namespace, "argo");
    let spec = b.spec.expect("spec");
    assert_eq!(
        spec.event.selector,
        r#"payload.message != "" && metadata["x-argo-e2e"] == ["true"] && discriminator == "my-discriminator""#
    );
    let submit = spec.submit.expect("submit");
    assert_eq!(submit.workflow_template_ref.name, "my-wf-tmple");
    assert!(!submit.workflow_template_ref.cluster_scope);
    assert_eq!(submit.metadata.name, r#"payload.message + "-world""#);
    assert_eq!(submit.metadata.labels["label1"], "payload.message");
    assert_eq!(submit.metadata.annotations["anno1"], "payload.message");
    let params = submit.arguments.expect("arguments").parameters;
    assert_eq!(params.len(), 1);
    assert_eq!(params[0].name, "message");
    assert_eq!(
        params[0].value_from.as_ref().unwrap().event,
        "payload.message"
    );
}

#[test]
fn binding_without_spec_or_submit() {
    let Object::WorkflowEventBinding(b) = yaml(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding\nmetadata: {name: bare}\n",
    ) else {
        panic!("wrong kind");
    };
    assert!(b.spec.is_none());

    let Object::WorkflowEventBinding(b) = yaml(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding\nmetadata: {name: s}\nspec:\n  event: {selector: 'true'}\n",
    ) else {
        panic!("wrong kind");
    };
    let spec = b.spec.unwrap();
    assert_eq!(spec.event.selector, "true");
    assert!(spec.submit.is_none());
}

#[test]
fn parameter_without_value_from_is_kept_as_none() {
    let Object::WorkflowEventBinding(b) = yaml(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata: {name: p}
spec:
  event: {selector: "true"}
  submit:
    workflowTemplateRef: {name: t, clusterScope: true}
    arguments:
      parameters:
      - name: a
        value: "ignored"
      - name: b
        valueFrom: {}
"#,
    ) else {
        panic!("wrong kind");
    };
    let submit = b.spec.unwrap().submit.unwrap();
    assert!(submit.workflow_template_ref.cluster_scope);
    let params = submit.arguments.unwrap().parameters;
    assert!(params[0].value_from.is_none());
    assert_eq!(params[0].extra["value"], json!("ignored"));
    assert_eq!(params[1].value_from.as_ref().unwrap().event, "");
}

/// `docs/events.md`: the template `my-wf-tmple` in `argo`.
const MY_WF_TMPLE: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: my-wf-tmple
  namespace: argo
spec:
  workflowMetadata:
    labels: {team: a}
    annotations: {note: "from template"}
  templates:
    - name: main
      inputs:
        parameters:
          - name: message
            value: "{{workflow.parameters.message}}"
      container:
        image: docker/whalesay:latest
        command: [cowsay]
        args: ["{{inputs.parameters.message}}"]
  entrypoint: main
"#;

#[test]
fn argo_example_template_parses_and_round_trips_its_spec() {
    let obj = yaml(MY_WF_TMPLE);
    let Object::WorkflowTemplate(t) = &obj else {
        panic!("wrong kind");
    };
    assert_eq!(t.metadata.name, "my-wf-tmple");
    assert_eq!(t.spec["entrypoint"], json!("main"));
    assert_eq!(
        t.workflow_metadata_labels().collect::<Vec<_>>(),
        vec![("team", "a")]
    );
    assert_eq!(
        t.workflow_metadata_annotations().collect::<Vec<_>>(),
        vec![("note", "from template")]
    );
    let original: serde_json::Value = serde_yaml::from_str(MY_WF_TMPLE).unwrap();
    assert_eq!(obj.to_value(), original);
}

#[test]
fn template_workflow_metadata_must_be_strings() {
    let value: serde_json::Value = serde_yaml::from_str(
        "apiVersion: argoproj.io/v1alpha1\nkind: ClusterWorkflowTemplate\nmetadata: {name: c}\nspec:\n  workflowMetadata:\n    labels: {n: 1}\n",
    )
    .unwrap();
    let err = Object::from_value(value).unwrap_err();
    assert_eq!(
        err.to_string(),
        "spec.workflowMetadata.labels.n: expected a string, found a number"
    );
}

/// `manifests/quick-start/base/webhooks/submit-workflow-template-role.yaml`.
const SUBMIT_ROLE: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: submit-workflow-template
rules:
  - apiGroups: [argoproj.io]
    resources: [workfloweventbindings]
    verbs: [list]
  - apiGroups: [argoproj.io]
    resources: [workflowtemplates]
    verbs: [get]
  - apiGroups: [argoproj.io]
    resources: [workflows]
    verbs: [create]
"#;

#[test]
fn argo_example_role_parses() {
    let Object::Role(r) = yaml(SUBMIT_ROLE) else {
        panic!("wrong kind");
    };
    assert_eq!(r.rules.len(), 3);
    assert_eq!(r.rules[0].resources, vec!["workfloweventbindings"]);
    assert_eq!(r.rules[2].verbs, vec!["create"]);
    assert_eq!(r.rules[1].api_groups, vec!["argoproj.io"]);
}

#[test]
fn bindings_and_service_accounts_parse() {
    let Object::RoleBinding(rb) = yaml(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: argo}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
subjects:
- {kind: ServiceAccount, name: sa}
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: alice}
"#,
    ) else {
        panic!("wrong kind");
    };
    assert_eq!(rb.role_ref.kind, "ClusterRole");
    assert_eq!(rb.subjects[0].namespace, "");
    assert_eq!(rb.subjects[1].kind, "User");

    let Object::ServiceAccount(sa) = yaml(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: argo, annotations: {a: b}}\nsecrets: [{name: sa.service-account-token}]\n",
    ) else {
        panic!("wrong kind");
    };
    assert_eq!(sa.secrets[0].name, "sa.service-account-token");
    assert_eq!(sa.metadata.annotation("a"), Some("b"));
}

#[test]
fn secret_decodes_base64_and_never_prints_values() {
    let Object::Secret(s) = yaml(
        r#"
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: sa.service-account-token
  annotations: {kubernetes.io/service-account.name: sa}
data:
  token: c3VwZXItc2VjcmV0LXRva2Vu
stringData:
  other: plain-secret-value
"#,
    ) else {
        panic!("wrong kind");
    };
    assert_eq!(s.type_, SERVICE_ACCOUNT_TOKEN_TYPE);
    assert_eq!(s.value("token"), Some(&b"super-secret-token"[..]));
    assert_eq!(s.value("other"), Some(&b"plain-secret-value"[..]));
    assert_eq!(s.keys().collect::<Vec<_>>(), vec!["other", "token"]);
    for text in [
        format!("{s:?}"),
        format!("{s:#?}"),
        format!("{:?}", Object::Secret(s.clone())),
    ] {
        assert!(!text.contains("super-secret-token"), "{text}");
        assert!(!text.contains("c3VwZXItc2VjcmV0LXRva2Vu"), "{text}");
        assert!(!text.contains("plain-secret-value"), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
    // Serialising re-encodes data as base64.
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["data"]["token"], json!("c3VwZXItc2VjcmV0LXRva2Vu"));
}

#[test]
fn secret_with_bad_base64_is_an_error_naming_the_key() {
    let value = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"token": "%%%"}});
    let err = Object::from_value(value).unwrap_err().to_string();
    assert_eq!(err, "data: key \"token\" is not valid base64");
}

#[test]
fn workflow_serialises_like_argo() {
    let mut wf = Workflow::default();
    wf.metadata.generate_name = "my-wf-tmple-".into();
    wf.metadata.namespace = "argo".into();
    wf.metadata.labels.insert(
        "workflows.argoproj.io/workflow-template".into(),
        "my-wf-tmple".into(),
    );
    wf.spec.workflow_template_ref = Some(WorkflowTemplateRef {
        name: "my-wf-tmple".into(),
        cluster_scope: false,
    });
    wf.spec
        .arguments
        .parameters
        .push(Parameter::new("message", "hello"));
    assert_eq!(
        serde_json::to_value(&wf).unwrap(),
        json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": {
                "generateName": "my-wf-tmple-",
                "namespace": "argo",
                "labels": {"workflows.argoproj.io/workflow-template": "my-wf-tmple"}
            },
            "spec": {
                "workflowTemplateRef": {"name": "my-wf-tmple"},
                "arguments": {"parameters": [{"name": "message", "value": "hello"}]}
            }
        })
    );
    // clusterScope appears only when set; status only when present.
    wf.spec
        .workflow_template_ref
        .as_mut()
        .unwrap()
        .cluster_scope = true;
    wf.status = Some(json!({"phase": "Running"}));
    let v = serde_json::to_value(&wf).unwrap();
    assert_eq!(
        v["spec"]["workflowTemplateRef"],
        json!({"name": "my-wf-tmple", "clusterScope": true})
    );
    assert_eq!(v["status"], json!({"phase": "Running"}));
}

#[test]
fn workflow_round_trips_unknown_spec_fields_and_any_string_values() {
    let input = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"name": "w", "namespace": "argo", "uid": "u-1", "resourceVersion": "7",
                      "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"entrypoint": "main", "arguments": {"parameters": [{"name": "n", "value": 3}]}},
        "status": {"phase": "Succeeded"}
    });
    let Object::Workflow(wf) = Object::from_value(input.clone()).unwrap() else {
        panic!("wrong kind");
    };
    assert_eq!(wf.spec.arguments.parameters[0].value.as_deref(), Some("3"));
    assert_eq!(wf.spec.extra["entrypoint"], json!("main"));
    let mut expected = input;
    expected["spec"]["arguments"]["parameters"][0]["value"] = json!("3");
    assert_eq!(serde_json::to_value(&wf).unwrap(), expected);
}

#[test]
fn nulls_read_as_empty() {
    let Object::WorkflowEventBinding(b) = Object::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowEventBinding",
        "metadata": {"name": "n", "labels": null, "annotations": null},
        "spec": {"event": null, "submit": {"workflowTemplateRef": {"name": "t"}, "metadata": null}}
    }))
    .unwrap() else {
        panic!("wrong kind");
    };
    let spec = b.spec.unwrap();
    assert_eq!(spec.event.selector, "");
    assert!(spec.submit.unwrap().metadata.is_empty());
}

#[test]
fn unknown_kind_and_missing_type_fields_are_clear_errors() {
    let err = Object::from_value(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}),
    )
    .unwrap_err();
    assert!(matches!(&err, ModelError::UnknownKind { kind, .. } if kind == "ConfigMap"));
    assert!(
        err.to_string()
            .starts_with("unknown kind \"ConfigMap\" in apiVersion \"v1\"")
    );

    // A known kind under the wrong group is unknown too.
    let err =
        Object::from_value(json!({"apiVersion": "v1", "kind": "WorkflowTemplate"})).unwrap_err();
    assert!(matches!(err, ModelError::UnknownKind { .. }));

    assert_eq!(
        Object::from_value(json!({"kind": "Role"})).unwrap_err(),
        ModelError::MissingField("apiVersion")
    );
    assert_eq!(
        Object::from_value(json!({"apiVersion": "v1"})).unwrap_err(),
        ModelError::MissingField("kind")
    );
}

#[test]
fn type_errors_name_the_field_path() {
    let err = Object::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowEventBinding",
        "metadata": {"name": "n"},
        "spec": {"submit": {"metadata": {"labels": {"a": 1}}}}
    }))
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("spec.submit.metadata.labels.a: invalid type: integer `1`"),
        "{text}"
    );
}

#[test]
fn kinds_resolve_with_their_api_versions() {
    for kind in Kind::ALL {
        assert_eq!(
            Kind::from_type_meta(kind.api_version(), kind.as_str()),
            Ok(kind)
        );
    }
    assert_eq!(
        Kind::from_type_meta("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        Ok(Kind::ClusterRole)
    );
    assert!(Kind::ClusterWorkflowTemplate.is_cluster_scoped());
    assert!(!Kind::WorkflowTemplate.is_cluster_scoped());
    assert_eq!(Kind::Workflow.resource(), "workflows");
}

#[test]
fn object_serde_round_trip_adds_type_fields() {
    let obj = yaml(SUBMIT_ROLE);
    let text = serde_json::to_string(&obj).unwrap();
    let back: Object = serde_json::from_str(&text).unwrap();
    assert_eq!(back, obj);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["apiVersion"], json!("rbac.authorization.k8s.io/v1"));
    assert_eq!(v["kind"], json!("Role"));
}

#[test]
fn new_uids_are_version_4_and_distinct() {
    let ids: std::collections::HashSet<String> = (0..1000).map(|_| meta::new_uid()).collect();
    assert_eq!(ids.len(), 1000);
    for id in ids.iter().take(10) {
        let parsed = uuid::Uuid::parse_str(id).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(id.len(), 36);
    }
}
