//! Tests for manifest loading: documents, Lists, namespaces, errors with file and line,
//! folders, duplicates, fingerprints, the reloading [`Loader`], and garbage input.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::model::Kind;

const BINDING: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata:
  name: event-consumer
  namespace: argo
spec:
  event:
    selector: payload.message != "" && discriminator == "my-discriminator"
  submit:
    workflowTemplateRef:
      name: my-wf-tmple
    arguments:
      parameters:
      - name: message
        valueFrom:
          event: payload.message
"#;

const TEMPLATE: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: my-wf-tmple
  namespace: argo
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: busybox}
"#;

const ROLE: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: submit-workflow-template
  namespace: argo
rules:
- apiGroups: [argoproj.io]
  resources: [workfloweventbindings]
  verbs: [list]
"#;

fn yaml(text: &str) -> Result<Vec<Object>, ManifestError> {
    parse_yaml(Path::new("m.yaml"), text)
}

fn at(e: &ManifestError) -> &Location {
    match e {
        ManifestError::Parse { at, .. }
        | ManifestError::Invalid { at, .. }
        | ManifestError::MissingName { at, .. } => at,
        other => panic!("no location in {other:?}"),
    }
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

// === documents ===

#[test]
fn multi_document_yaml_loads_every_object() {
    let text = format!("{BINDING}---\n{TEMPLATE}\n---\n# only a comment\n---\n{ROLE}");
    let objects = yaml(&text).unwrap();
    let kinds: Vec<Kind> = objects.iter().map(Object::kind).collect();
    assert_eq!(
        kinds,
        vec![
            Kind::WorkflowEventBinding,
            Kind::WorkflowTemplate,
            Kind::Role
        ]
    );
    assert_eq!(objects[0].metadata().name, "event-consumer");
}

#[test]
fn empty_files_and_documents_are_skipped() {
    assert!(yaml("").unwrap().is_empty());
    assert!(yaml("---\n---\n# nothing\n").unwrap().is_empty());
    assert!(yaml("~\n").unwrap().is_empty());
}

#[test]
fn namespaces_follow_kubectl() {
    let objects = yaml(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\n\
         apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cr, namespace: argo}\n---\n\
         apiVersion: argoproj.io/v1alpha1\nkind: ClusterWorkflowTemplate\nmetadata: {name: cwt}\n",
    )
    .unwrap();
    assert_eq!(objects[0].metadata().namespace, DEFAULT_NAMESPACE);
    assert_eq!(objects[1].metadata().namespace, "");
    assert_eq!(objects[2].metadata().namespace, "");
}

#[test]
fn yaml_list_and_typed_list() {
    let objects = yaml(
        r#"
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: a, namespace: x}}
- {apiVersion: argoproj.io/v1alpha1, kind: WorkflowTemplate, metadata: {name: t, namespace: x}}
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBindingList
items:
- metadata: {name: b1, namespace: x}
- metadata: {name: b2, namespace: x}
"#,
    )
    .unwrap();
    let kinds: Vec<Kind> = objects.iter().map(Object::kind).collect();
    assert_eq!(
        kinds,
        vec![
            Kind::ServiceAccount,
            Kind::WorkflowTemplate,
            Kind::WorkflowEventBinding,
            Kind::WorkflowEventBinding
        ]
    );
    assert_eq!(objects[3].metadata().name, "b2");
}

#[test]
fn json_object_and_list() {
    let one = parse_json(
        Path::new("a.json"),
        r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"argo"},"stringData":{"token":"t"}}"#,
    )
    .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].kind(), Kind::Secret);

    let list = parse_json(
        Path::new("l.json"),
        r#"{"apiVersion":"v1","kind":"List","items":[
            {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"a"}},
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"crb"},
             "roleRef":{"kind":"ClusterRole","name":"cr"},"subjects":[{"kind":"Group","name":"g"}]}]}"#,
    )
    .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].metadata().namespace, "default");
    assert_eq!(list[1].kind(), Kind::ClusterRoleBinding);
}

// === errors name the file, line and document ===

#[test]
fn yaml_type_error_names_file_line_column_and_document() {
    let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n\
                apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n  labels:\n    x: [1]\n";
    let err = yaml(text).unwrap_err();
    let loc = at(&err);
    assert_eq!(
        (loc.line, loc.column, loc.document),
        (Some(10), Some(8), Some(2))
    );
    assert_eq!(
        err.to_string(),
        "m.yaml:10:8 (document 2): metadata.labels.x: invalid type: sequence, expected a string"
    );
}

#[test]
fn yaml_syntax_error_names_the_line() {
    let err = yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [a\n").unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("m.yaml:5:1 (document 1): "), "{text}");
    assert!(
        !text.contains(" at line 5 column 1"),
        "position given twice: {text}"
    );
    // libyaml's context mark (where the unclosed sequence began) is kept.
    assert!(
        text.contains("while parsing a flow sequence at line 4 column 9"),
        "{text}"
    );

    let err = yaml("a: b\n  c: d\n").unwrap_err();
    assert_eq!(at(&err).line, Some(2), "{err}");
}

#[test]
fn json_errors_name_line_and_column() {
    let err = parse_json(
        Path::new("a.json"),
        "{\"apiVersion\":\"v1\",\n\"kind\":\"ServiceAccount\",\n\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":1}}}",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.json:3:38: metadata.labels.x: invalid type: integer `1`, expected a string"
    );

    let err = parse_json(Path::new("a.json"), "{\n  \"a\": ").unwrap_err();
    assert_eq!(err.to_string(), "a.json:2:7: EOF while parsing a value");

    let err = parse_json(
        Path::new("l.json"),
        r#"{"kind":"List","apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"t":5}}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "l.json: items[0].data.t: invalid type, expected a string"
    );
}

#[test]
fn unknown_kind_names_file_and_document() {
    let err = yaml(&format!(
        "{ROLE}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n"
    ))
    .unwrap_err();
    assert!(matches!(err, ManifestError::Invalid { .. }), "{err:?}");
    let loc = at(&err);
    assert_eq!(loc.path, Path::new("m.yaml"));
    assert_eq!(loc.document, Some(2));
    assert_eq!(loc.line, Some(ROLE.lines().count() + 1));
    assert!(
        err.to_string().contains("unknown kind \"ConfigMap\""),
        "{err}"
    );
}

#[test]
fn missing_name_names_file_and_document() {
    let err = yaml(&format!(
        "{TEMPLATE}---\n---\napiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding\nmetadata:\n  generateName: x-\n"
    ))
    .unwrap_err();
    assert!(matches!(
        err,
        ManifestError::MissingName {
            kind: Kind::WorkflowEventBinding,
            ..
        }
    ));
    assert_eq!(at(&err).document, Some(3));
    assert!(
        err.to_string()
            .ends_with("(document 3): WorkflowEventBinding has no metadata.name"),
        "{err}"
    );
}

#[test]
fn non_object_documents_are_errors() {
    for text in [
        "- a\n- b\n",
        "just a string\n",
        "42\n",
        "!!binary aGVsbG8=\n",
    ] {
        let err = yaml(text).unwrap_err();
        assert_eq!(at(&err).document, Some(1), "{text}: {err}");
    }
    assert!(yaml("apiVersion: v1\nkind: List\nitems: 3\n").is_err());
}

// === folders ===

#[test]
fn load_dirs_reads_recursively_skips_hidden_and_other_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/binding.yaml", BINDING);
    write(dir.path(), "a/b/template.yml", TEMPLATE);
    write(
        dir.path(),
        "role.JSON",
        &serde_json::to_string(&serde_yaml::from_str::<serde_json::Value>(ROLE).unwrap()).unwrap(),
    );
    write(dir.path(), ".hidden.yaml", "not: [valid");
    write(dir.path(), ".git/x.yaml", "not: [valid");
    write(dir.path(), "README.md", "# not a manifest");
    write(dir.path(), "notes.txt", "kind: nope");
    let (set, errors) = load_dirs(&[dir.path().to_owned()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(set.len(), 3);
    assert_eq!(set.bindings_in("argo").count(), 1);
    assert_eq!(set.bindings_in("default").count(), 0);
    assert!(set.workflow_template("argo", "my-wf-tmple").is_some());
    assert_eq!(set.roles.len(), 1);
    assert_eq!(
        set.source(Kind::WorkflowTemplate, "argo", "my-wf-tmple"),
        Some(dir.path().join("a/b/template.yml").as_path())
    );
    assert_eq!(
        set.namespaces().into_iter().collect::<Vec<_>>(),
        vec!["argo"]
    );
}

#[test]
fn a_bad_file_is_reported_and_the_others_still_load() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", BINDING);
    let bad = write(dir.path(), "bad.yaml", &format!("{TEMPLATE}---\nkind: [\n"));
    let (set, errors) = load_dirs(&[dir.path().to_owned()]);
    assert_eq!(set.len(), 1, "a file with an error contributes nothing");
    assert_eq!(errors.len(), 1);
    assert!(!errors[0].is_warning());
    assert_eq!(errors[0].path(), bad);
    assert!(
        errors[0]
            .to_string()
            .starts_with(&format!("{}:", bad.display())),
        "{}",
        errors[0]
    );
}

#[test]
fn duplicates_last_file_in_path_order_wins_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(dir.path(), "1.yaml", TEMPLATE);
    let second = write(
        dir.path(),
        "2.yaml",
        &TEMPLATE.replace("entrypoint: main", "entrypoint: other"),
    );
    let (set, errors) = load_dirs(&[dir.path().to_owned()]);
    assert_eq!(
        set.workflow_template("argo", "my-wf-tmple").unwrap().spec["entrypoint"],
        "other"
    );
    assert_eq!(errors.len(), 1);
    assert!(errors[0].is_warning());
    match &errors[0] {
        ManifestError::Duplicate {
            kind,
            namespace,
            name,
            first: f,
            second: s,
        } => {
            assert_eq!(
                (*kind, namespace.as_str(), name.as_str()),
                (Kind::WorkflowTemplate, "argo", "my-wf-tmple")
            );
            assert_eq!((f, s), (&first, &second));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_folder_is_an_io_error_and_a_file_path_works() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "one.yaml", ROLE);
    let (set, errors) = load_dirs(&[dir.path().join("absent"), file]);
    assert_eq!(set.len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], ManifestError::Io { .. }));
    assert!(errors[0].to_string().contains("absent"));
}

#[test]
fn oversized_file_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let f = fs::File::create(&path).unwrap();
    f.set_len(MAX_FILE_BYTES + 1).unwrap();
    assert!(matches!(
        load_file(&path),
        Err(ManifestError::TooLarge { .. })
    ));
}

#[test]
fn non_utf8_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bin.yaml");
    fs::write(&path, b"kind: \xff\xfe\n").unwrap();
    let err = load_file(&path).unwrap_err();
    assert!(err.to_string().contains("not UTF-8"), "{err}");
}

#[test]
fn byte_order_mark_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bom.json",
        "\u{feff}{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"a\"}}",
    );
    assert_eq!(load_file(&path).unwrap().len(), 1);
}

#[cfg(unix)]
#[test]
fn configmap_mount_layout_is_read_once() {
    // A mounted ConfigMap: real files in a hidden timestamped folder, `..data` pointing to
    // it, and a visible symlink per key.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "..2026_01_01/role.yaml", ROLE);
    std::os::unix::fs::symlink("..2026_01_01", dir.path().join("..data")).unwrap();
    std::os::unix::fs::symlink("..data/role.yaml", dir.path().join("role.yaml")).unwrap();
    let (set, errors) = load_dirs(&[dir.path().to_owned()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(set.len(), 1);
}

// === change detection ===

#[test]
fn fingerprint_changes_with_content_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let dirs = [dir.path().to_owned()];
    let a = write(dir.path(), "a.yaml", ROLE);
    let f0 = fingerprint(&dirs);
    assert_eq!(f0, fingerprint(&dirs), "stable while nothing changes");
    fs::write(&a, format!("{ROLE}\n# edited\n")).unwrap();
    let f1 = fingerprint(&dirs);
    assert_ne!(f0, f1);
    write(dir.path(), "b.yaml", TEMPLATE);
    let f2 = fingerprint(&dirs);
    assert_ne!(f1, f2);
    write(dir.path(), "ignored.txt", "x");
    assert_eq!(f2, fingerprint(&dirs), "non-manifest files do not count");
    fs::remove_file(&a).unwrap();
    assert_ne!(f2, fingerprint(&dirs));
}

#[test]
fn loader_keeps_the_last_good_version_of_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut loader = Loader::new(vec![dir.path().to_owned()]);
    let t = write(dir.path(), "t.yaml", TEMPLATE);
    write(dir.path(), "b.yaml", BINDING);

    let (set, errors) = loader.reload();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(set.len(), 2);

    // Break the template file (a different size, so the change is seen).
    fs::write(&t, format!("{TEMPLATE}\n  broken: [\n")).unwrap();
    let (set, errors) = loader.reload();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path(), t);
    assert!(
        set.workflow_template("argo", "my-wf-tmple").is_some(),
        "last good version kept"
    );

    // The error is reported again while the file stays broken.
    let (_, errors) = loader.reload();
    assert_eq!(errors.len(), 1);

    // Fixed, with a change.
    fs::write(&t, TEMPLATE.replace("my-wf-tmple", "renamed")).unwrap();
    let (set, errors) = loader.reload();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(set.workflow_template("argo", "my-wf-tmple").is_none());
    assert!(set.workflow_template("argo", "renamed").is_some());

    // Removed.
    fs::remove_file(&t).unwrap();
    let (set, _) = loader.reload();
    assert_eq!(set.len(), 1);
}

#[test]
fn loader_matches_load_dirs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "1.yaml", TEMPLATE);
    write(dir.path(), "2.yaml", TEMPLATE);
    write(dir.path(), "3.yaml", "kind: [");
    let (a, ea) = load_dirs(&[dir.path().to_owned()]);
    let (b, eb) = Loader::new(vec![dir.path().to_owned()]).reload();
    assert_eq!(a.len(), b.len());
    let texts = |e: &[ManifestError]| e.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(texts(&ea), texts(&eb));
}

// === robustness ===

/// Fragments that make YAML parsers work hard: anchors, aliases, tags, flow collections,
/// block scalars, document markers, odd indentation and Kubernetes-looking keys.
fn yaml_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("apiVersion: v1\n".to_owned()),
        Just("apiVersion: argoproj.io/v1alpha1\n".to_owned()),
        Just("kind: WorkflowEventBinding\n".to_owned()),
        Just("kind: List\n".to_owned()),
        Just("kind: Secret\n".to_owned()),
        Just("items:\n- ".to_owned()),
        Just("metadata: {name: x, namespace: y}\n".to_owned()),
        Just("spec:\n  event: {selector: 'true'}\n".to_owned()),
        Just("data: {token: '%%%'}\n".to_owned()),
        Just("---\n".to_owned()),
        Just("...\n".to_owned()),
        Just("&a [*a]\n".to_owned()),
        Just("a: &x {b: *x}\n".to_owned()),
        Just("!!binary |\n  aGk=\n".to_owned()),
        Just("? complex\n: key\n".to_owned()),
        Just("<<: *a\n".to_owned()),
        Just("  ".to_owned()),
        Just("\t".to_owned()),
        Just("[[[[[[[[[[".to_owned()),
        Just("{\"apiVersion\": \"v1\", ".to_owned()),
        "[ -~]{0,12}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn garbage_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_yaml(Path::new("g.yaml"), &text);
        let _ = parse_json(Path::new("g.json"), &text);
    }

    #[test]
    fn yaml_like_garbage_never_panics(parts in proptest::collection::vec(yaml_fragment(), 0..24)) {
        let text = parts.concat();
        let _ = parse_yaml(Path::new("g.yaml"), &text);
        let _ = parse_json(Path::new("g.json"), &text);
    }
}

#[test]
fn deep_nesting_and_alias_bombs_are_errors_not_crashes() {
    let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    assert!(yaml(&deep).is_err());
    assert!(parse_json(Path::new("d.json"), &deep).is_err());
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("a{}", i - 1)
        };
        bomb.push_str(&format!("b{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    assert!(yaml(&bomb).is_err());
}

#[test]
fn errors_inside_secrets_never_show_values() {
    let cases = [
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: s3cr3t-value\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {token: [s3cr3t-value]}\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {token: 's3cr3t-value!!'}\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: [s3cr3t-value]\n",
        "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}, data: s3cr3t-value}\n",
    ];
    for text in cases {
        let err = yaml(text).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(at(&err).document == Some(1), "{shown}");
    }
    let err = parse_json(
        Path::new("s.json"),
        r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":"s3cr3t-value"}"#,
    )
    .unwrap_err();
    assert!(!err.to_string().contains("s3cr3t"), "{err}");
    assert!(err.to_string().starts_with("s.json:1:"), "{err}");
    assert!(
        err.to_string()
            .contains("data: invalid type, expected a map"),
        "{err}"
    );
}
