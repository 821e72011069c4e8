//! Unit tests of binding compilation and dispatch planning (Argo's operation_test cases that
//! the placeholder expression engine can evaluate).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;

use super::dispatch::{Context, Planned, TemplateInfo};
use super::*;
use crate::auth::token::Identity;
use crate::model::WorkflowEventBinding;

struct Fake {
    templates: HashMap<(bool, String), Arc<TemplateInfo>>,
    deny: Vec<(&'static str, &'static str)>,
    instance_id: Option<String>,
}

impl Fake {
    fn new() -> Fake {
        let mut templates = HashMap::new();
        let t = |name: &str, instance: Option<&str>| {
            Arc::new(TemplateInfo {
                name: name.into(),
                instance_label: instance.map(str::to_string),
                labels: vec![
                    ("env".into(), "from-template".into()),
                    ("template-only".into(), "yes".into()),
                ],
                annotations: vec![("note".into(), "from-template".into())],
            })
        };
        templates.insert((false, "my-wft".into()), t("my-wft", Some("my-instanceid")));
        templates.insert(
            (true, "my-cwft".into()),
            t("my-cwft", Some("my-instanceid")),
        );
        templates.insert((false, "my-wft-3".into()), t("my-wft-3", None));
        Fake {
            templates,
            deny: Vec::new(),
            instance_id: Some("my-instanceid".into()),
        }
    }
}

impl Context for Fake {
    fn template(&self, _ns: &str, r: &WorkflowTemplateRef) -> Option<Arc<TemplateInfo>> {
        self.templates
            .get(&(r.cluster_scope, r.name.clone()))
            .cloned()
    }
    fn allowed(
        &self,
        _c: &Caller,
        verb: &str,
        resource: &str,
        _ns: Option<&str>,
        _n: Option<&str>,
    ) -> bool {
        !self.deny.contains(&(verb, resource))
    }
    fn instance_id(&self) -> Option<&str> {
        self.instance_id.as_deref()
    }
}

/// Plans through the index, as the Matcher does.
fn plan(event: &Event, bindings: &[CompiledBinding], ctx: &dyn Context) -> Vec<Planned> {
    dispatch::plan(event, &BindingSet::new(bindings.to_vec()), ctx)
}

fn compile(yaml: &str) -> CompiledBinding {
    let b: WorkflowEventBinding = serde_yaml::from_str(yaml).unwrap();
    CompiledBinding::compile(&b).unwrap()
}

fn event() -> Event {
    let identity = Identity::service_account("my-ns", "my-sa");
    Event {
        id: "ev-1".into(),
        namespace: "my-ns".into(),
        discriminator: "".into(),
        metadata: json!({}),
        payload: json!({"foo": {"bar": "baz"}}),
        delivery_id: None,
        grants: None,
        caller: Caller::Client {
            identity,
            creator_labels: vec![
                (
                    CREATOR_LABEL.into(),
                    Some("system-serviceaccount-my-ns-my-sa".into()),
                ),
                (CREATOR_EMAIL_LABEL.into(), None),
                (CREATOR_USERNAME_LABEL.into(), None),
            ],
        },
    }
}

fn binding(name: &str, selector: &str, tmpl: &str, extra: &str) -> String {
    format!(
        "metadata: {{name: {name}, namespace: my-ns}}\nspec:\n  event: {{selector: '{selector}'}}\n  submit:\n    workflowTemplateRef: {{name: {tmpl}}}\n{extra}"
    )
}

fn errors(p: &[Planned]) -> Vec<(&str, &str)> {
    p.iter()
        .filter_map(|p| {
            p.result
                .as_ref()
                .err()
                .map(|e| (p.binding.as_str(), e.as_str()))
        })
        .collect()
}

#[test]
fn argo_operation_errors_and_no_ops() {
    let bindings = vec![
        compile("metadata: {name: malformed, namespace: my-ns}"),
        compile(&binding("not-found", "true", "not-found", "")),
        compile(&binding("wrong-instance", "true", "my-wft-3", "")),
        compile(&binding("cast", "\"garbage\"", "my-wft", "")),
        compile(&binding("false", "false", "my-wft", "")),
        compile("metadata: {name: no-submit, namespace: my-ns}\nspec: {event: {selector: 'true'}}"),
        compile(&binding(
            "bad-param",
            "true",
            "my-wft",
            "    arguments: {parameters: [{name: my-param, valueFrom: {event: ''}}]}",
        )),
        compile(&binding(
            "nil-param",
            "true",
            "my-wft",
            "    arguments: {parameters: [{name: p, value: x}]}",
        )),
    ];
    let planned = plan(&event(), &bindings, &Fake::new());
    assert_eq!(
        errors(&planned),
        vec![
            (
                "malformed",
                "failed to evaluate workflow template expression: unexpected token EOF"
            ),
            (
                "not-found",
                "failed to get workflow template: workflowtemplates.argoproj.io \"not-found\" not found"
            ),
            (
                "wrong-instance",
                "failed to validate workflow template instanceid: 'my-wft-3' is not managed by the current Argo Server"
            ),
            (
                "cast",
                "failed to evaluate workflow template expression: unable to cast expression result 'garbage' to bool"
            ),
            (
                "bad-param",
                "failed to compile workflow template parameter my-param expression: unexpected token EOF"
            ),
            (
                "nil-param",
                "malformed workflow template parameter \"p\": valueFrom is nil"
            ),
        ]
    );
    assert_eq!(
        planned.len(),
        6,
        "false selectors and bindings without submit produce nothing"
    );
}

#[test]
fn workflow_skeleton_labels_and_parameters() {
    let b = compile(&binding(
        "ok",
        "true",
        "my-wft",
        "    metadata:\n      labels: {env: '\"from-binding\"'}\n    arguments: {parameters: [{name: my-param, valueFrom: {event: '\"bar\"'}}]}",
    ));
    let planned = plan(&event(), &[b], &Fake::new());
    let wf = planned[0].result.as_ref().unwrap();
    let m = &wf.metadata;
    assert_eq!(m.namespace, "my-ns");
    assert_eq!(m.generate_name, "my-wft-");
    assert!(
        planned[0].name_generated,
        "no submit.metadata.name: drawn here"
    );
    let suffix = m.name.strip_prefix("my-wft-").unwrap();
    assert_eq!(suffix.len(), 5);
    assert!(
        suffix
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert_eq!(m.label(TEMPLATE_LABEL), Some("my-wft"));
    assert_eq!(m.label(CLUSTER_TEMPLATE_LABEL), None);
    assert_eq!(m.label("env"), Some("from-binding"));
    assert_eq!(m.label("template-only"), Some("yes"));
    assert_eq!(m.annotation("note"), Some("from-template"));
    assert_eq!(m.label(INSTANCE_LABEL), Some("my-instanceid"));
    assert_eq!(
        m.label(CREATOR_LABEL),
        Some("system-serviceaccount-my-ns-my-sa")
    );
    assert_eq!(m.label(BINDING_LABEL), Some("ok"));
    assert_eq!(
        m.annotation(crate::store::EVENT_ID_ANNOTATION),
        Some("ev-1")
    );
    let wref = wf.spec.workflow_template_ref.as_ref().unwrap();
    assert_eq!((wref.name.as_str(), wref.cluster_scope), ("my-wft", false));
    let params: Vec<_> = wf
        .spec
        .arguments
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_deref()))
        .collect();
    assert_eq!(params, vec![("my-param", Some("bar"))]);
}

#[test]
fn cluster_template_and_fixed_name() {
    let b = compile(
        &binding(
            "c",
            "true",
            "my-cwft",
            "    metadata: {name: '\"my-wfeb-2\"'}",
        )
        .replace("{name: my-cwft}", "{name: my-cwft, clusterScope: true}"),
    );
    let planned = plan(&event(), &[b], &Fake::new());
    let wf = planned[0].result.as_ref().unwrap();
    assert_eq!(wf.metadata.name, "my-wfeb-2");
    assert!(!planned[0].name_generated, "the binding's own name");
    assert_eq!(wf.metadata.label(CLUSTER_TEMPLATE_LABEL), Some("my-cwft"));
    assert_eq!(wf.metadata.label(TEMPLATE_LABEL), None);
}

#[test]
fn metadata_type_errors_and_permissions() {
    let b = compile(&binding(
        "typed",
        "true",
        "my-wft",
        "    metadata: {labels: {x: 'true'}}",
    ));
    let planned = plan(&event(), std::slice::from_ref(&b), &Fake::new());
    assert_eq!(
        errors(&planned),
        vec![(
            "typed",
            "workflow label \"x\" expression must evaluate to a string, not a bool"
        )]
    );

    let ok = compile(&binding("ok", "true", "my-wft", ""));
    let mut ctx = Fake::new();
    ctx.deny = vec![("get", "workflowtemplates")];
    let planned = plan(&event(), std::slice::from_ref(&ok), &ctx);
    assert_eq!(
        errors(&planned),
        vec![(
            "ok",
            "failed to get workflow template: workflowtemplates.argoproj.io \"my-wft\" is forbidden: User \"system:serviceaccount:my-ns:my-sa\" cannot get resource \"workflowtemplates\" in API group \"argoproj.io\" in the namespace \"my-ns\""
        )]
    );
    ctx.deny = vec![("create", "workflows")];
    let planned = plan(&event(), &[ok], &ctx);
    assert_eq!(
        errors(&planned),
        vec![(
            "ok",
            "failed to create workflow: workflows.argoproj.io is forbidden: User \"system:serviceaccount:my-ns:my-sa\" cannot create resource \"workflows\" in API group \"argoproj.io\" in the namespace \"my-ns\""
        )]
    );
}

#[test]
fn server_caller_has_no_creator_labels_and_no_instance_id_removes_the_label() {
    let b = compile(&binding(
        "ok",
        "true",
        "my-wft-3",
        "    metadata: {labels: {workflows.argoproj.io/creator: '\"spoofed\"'}}",
    ));
    let mut ev = event();
    ev.caller = Caller::Server;
    let mut ctx = Fake::new();
    ctx.instance_id = None;
    let planned = plan(&ev, &[b], &ctx);
    let wf = planned[0].result.as_ref().unwrap();
    assert_eq!(wf.metadata.label(CREATOR_LABEL), None);
    assert_eq!(wf.metadata.label(INSTANCE_LABEL), None);
}

#[test]
fn compile_problems_name_the_field() {
    let b = compile(&binding(
        "p",
        "",
        "t",
        "    arguments: {parameters: [{name: a, valueFrom: {event: ''}}]}",
    ));
    let problems = b.compile_problems();
    assert_eq!(
        problems[0],
        (
            "spec.event.selector".to_string(),
            "unexpected token EOF".to_string()
        )
    );
    assert_eq!(problems[1].0, "spec.submit.arguments.parameters[\"a\"]");
}
