//! Unit tests of the catalog: compilation on apply, instance-id filtering, snapshot swaps.

use std::path::Path;

use super::*;
use crate::store::manifests::{ManifestSet, parse_yaml};

fn set(yaml: &str) -> ManifestSet {
    let path = Path::new("test.yaml");
    let mut set = ManifestSet::default();
    for o in parse_yaml(path, yaml).unwrap() {
        set.insert(o, path);
    }
    set
}

const OBJECTS: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: t, namespace: a}
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata: {name: plain, namespace: a}
spec: {event: {selector: 'true'}, submit: {workflowTemplateRef: {name: t}}}
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata:
  name: labelled
  namespace: a
  labels: {workflows.argoproj.io/controller-instanceid: blue}
spec: {event: {selector: 'true'}, submit: {workflowTemplateRef: {name: missing}}}
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata: {name: other, namespace: b}
spec: {event: {selector: 'true'}, submit: {workflowTemplateRef: {name: t}}}
"#;

#[test]
fn apply_compiles_and_filters_by_instance_id() {
    let catalog = Catalog::new(None);
    assert!(!catalog.is_loaded());
    let report = catalog.apply(set(OBJECTS));
    assert!(catalog.is_loaded());
    assert_eq!(report.bindings, 2);
    let names: Vec<_> = catalog
        .bindings("a")
        .unwrap()
        .iter()
        .map(|b| b.name.clone())
        .collect();
    assert_eq!(names, vec!["plain"]);
    assert_eq!(
        catalog.list_bindings("a").len(),
        2,
        "the read API does not filter"
    );
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0]
            .to_string()
            .contains("WorkflowEventBinding b/other (test.yaml)"),
        "{}",
        report.warnings[0]
    );

    let blue = Catalog::new(Some("blue".into()));
    let report = blue.apply(set(OBJECTS));
    assert_eq!(report.bindings, 1);
    assert!(blue.bindings("b").is_none());
    assert_eq!(report.warnings.len(), 1);
    assert!(
        report.warnings[0]
            .to_string()
            .contains("WorkflowEventBinding a/labelled (test.yaml)"),
        "{}",
        report.warnings[0]
    );
    assert!(
        report.warnings[0]
            .to_string()
            .contains("\"missing\", which does not exist")
    );
}

#[test]
fn apply_swaps_whole_namespaces() {
    let catalog = Catalog::new(None);
    catalog.apply(set(OBJECTS));
    let old = catalog.bindings("a").unwrap();
    catalog.apply(set(
        &OBJECTS.replace("name: other, namespace: b", "name: other, namespace: a")
    ));
    assert!(
        catalog.bindings("b").is_none(),
        "namespace without bindings is removed"
    );
    assert_eq!(catalog.bindings("a").unwrap().len(), 2);
    assert_eq!(old.len(), 1, "readers keep their snapshot");
    let ctx = catalog.dispatch_context();
    let r = WorkflowTemplateRef {
        name: "t".into(),
        cluster_scope: false,
    };
    assert!(ctx.template("a", &r).is_some());
    assert!(ctx.template("b", &r).is_none());
}
