//! Shared fixtures for the criterion benches: generated manifests (N bindings in one
//! namespace, M of them matching the bench event, a template, a service account with its token
//! and a Role), the ~1 KB GitHub-like push body of the load harness, and events built the way
//! the HTTP handler builds them.
//!
//! The manifests have the same shape as those `benches/load/gen-manifests.sh` writes for the
//! load harness, and go through the same path as the server's: YAML text → `parse_yaml` →
//! `ManifestSet` → `Catalog::apply`.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::Criterion;
use flowgate::binding::{Caller, Event};
use flowgate::catalog::Catalog;
use flowgate::store::manifests::{ManifestSet, parse_yaml};
use serde_json::{Value, json};

/// The namespace every bench binding lives in.
pub const NAMESPACE: &str = "bench";
/// The bearer token of the bench service account.
pub const TOKEN: &str = "flowgate-bench-token-0123456789abcdef";
/// The ~1 KB GitHub-like push delivery the load harness sends.
pub const PUSH_BODY: &str = include_str!("../load/push.json");

/// Criterion settings that keep the whole `cargo bench` within minutes on two cores.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

/// The auth objects and the template.
fn preamble(out: &mut String) {
    let ns = NAMESPACE;
    write!(
        out,
        r#"apiVersion: v1
kind: ServiceAccount
metadata: {{name: bench, namespace: {ns}}}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: bench.service-account-token
  namespace: {ns}
  annotations: {{kubernetes.io/service-account.name: bench}}
stringData: {{token: {TOKEN}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: bench-events, namespace: {ns}}}
rules:
  - {{apiGroups: [argoproj.io], resources: [workfloweventbindings], verbs: [list]}}
  - {{apiGroups: [argoproj.io], resources: [workflowtemplates], verbs: [get]}}
  - {{apiGroups: [argoproj.io], resources: [workflows], verbs: [create, get, list]}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: bench, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: bench-events}}
subjects: [{{kind: ServiceAccount, name: bench, namespace: {ns}}}]
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {{name: bench-tmpl, namespace: {ns}}}
spec:
  entrypoint: main
  arguments: {{parameters: [{{name: ref}}, {{name: commit}}]}}
  templates: [{{name: main, container: {{image: busybox, command: [echo]}}}}]
"#
    )
    .unwrap();
}

/// Whether binding `i` of `n` matches the bench event: `matching` of them, spread evenly.
pub fn is_matching(i: usize, n: usize, matching: usize) -> bool {
    if matching == 0 {
        return false;
    }
    let step = (n / matching).max(1);
    i.is_multiple_of(step) && i / step < matching
}

/// The bindings per generated file (a manifest file holds at most 10 000 documents).
pub const BINDINGS_PER_FILE: usize = 1000;

/// Manifests with `n` bindings, `matching` of which select the bench event, as YAML files:
/// `(file name, text)`. Every binding filters on the GitHub event header and the repository;
/// a match submits `bench-tmpl` with two parameters and one label computed from the payload.
pub fn manifest_files(n: usize, matching: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut auth = String::new();
    preamble(&mut auth);
    files.push(("auth.yaml".to_string(), auth));
    let ns = NAMESPACE;
    let mut out = String::new();
    for i in 0..n {
        let repo = if is_matching(i, n, matching) {
            "acme/widgets".to_string()
        } else {
            format!("acme/repo-{i}")
        };
        write!(
            out,
            r#"---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata: {{name: b-{i:05}, namespace: {ns}}}
spec:
  event:
    selector: 'metadata["x-github-event"] == ["push"] && payload.repository.full_name == "{repo}"'
  submit:
    workflowTemplateRef: {{name: bench-tmpl}}
    metadata:
      labels: {{repo: payload.repository.name}}
    arguments:
      parameters:
        - {{name: ref, valueFrom: {{event: payload.ref}}}}
        - {{name: commit, valueFrom: {{event: payload.head_commit.id}}}}
"#
        )
        .unwrap();
        if (i + 1).is_multiple_of(BINDINGS_PER_FILE) || i + 1 == n {
            let name = format!("bindings-{:03}.yaml", i / BINDINGS_PER_FILE);
            files.push((name, std::mem::take(&mut out)));
        }
    }
    files
}

/// The manifests above as a [`ManifestSet`], each file parsed as the server parses it.
pub fn manifest_set(n: usize, matching: usize) -> ManifestSet {
    let mut set = ManifestSet::default();
    for (name, text) in manifest_files(n, matching) {
        let path = Path::new(&name);
        for o in parse_yaml(path, &text).expect("generated manifests parse") {
            set.insert(o, path);
        }
    }
    set
}

/// A loaded catalog with `n` bindings, `matching` of them matching; panics on any warning.
pub fn catalog(n: usize, matching: usize) -> Arc<Catalog> {
    let catalog = Catalog::new(None);
    let report = catalog.apply(manifest_set(n, matching));
    assert_eq!(report.bindings, n, "{:?}", report.warnings);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    Arc::new(catalog)
}

/// The bench service account, authenticated by its token as the handler does.
pub fn caller(catalog: &Catalog) -> Caller {
    catalog
        .authenticate(TOKEN)
        .expect("the bench token authenticates")
}

/// The `metadata` a GitHub push delivery produces (`x-` headers, lower-cased, as lists).
pub fn github_metadata() -> Value {
    json!({
        "x-github-event": ["push"],
        "x-github-delivery": ["72d3162e-cc78-11e3-81ab-4c9367dc0958"],
        "x-github-hook-id": ["292430182"],
        "x-forwarded-host": ["127.0.0.1:2746"],
        "x-forwarded-for": ["127.0.0.1"],
    })
}

/// The bench event: the push body, from the bench service account.
pub fn push_event(catalog: &Catalog, id: usize) -> Event {
    Event {
        id: format!("bench-event-{id}"),
        namespace: NAMESPACE.to_string(),
        discriminator: "github".to_string(),
        metadata: github_metadata(),
        payload: serde_json::from_str(PUSH_BODY).expect("push.json is JSON"),
        caller: caller(catalog),
        delivery_id: None,
        grants: None,
    }
}
