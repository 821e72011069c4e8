//! RBAC evaluation: grants, denials, namespace scoping, resourceNames, subjects.

use super::set;
use crate::auth::rbac::{Rbac, ResourceAttributes};
use crate::auth::token::Identity;

const ARGO: &str = "argoproj.io";

/// The quick-start Role (spec §3) bound to `argo:jenkins`; a ClusterRole bound by a
/// RoleBinding in `team-b`; a ClusterRoleBinding for cluster templates; a named-resource role.
const POLICY: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: submit-workflow-template, namespace: argo}
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
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jenkins, namespace: argo}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: submit-workflow-template}
subjects:
- {kind: ServiceAccount, name: jenkins}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: workflow-admin}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-admin, namespace: team-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: workflow-admin}
subjects:
- {kind: ServiceAccount, name: ci, namespace: team-b}
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: alice}
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
metadata: {name: everyone-reads-cluster-templates}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-cluster-templates}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:argo"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: only-one-template, namespace: argo}
rules:
- apiGroups: [argoproj.io]
  resources: [workflowtemplates]
  resourceNames: [allowed-template]
  verbs: [get, list, update]
- apiGroups: [argoproj.io]
  resources: [workflows/status, "*/log"]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: narrow, namespace: argo}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: only-one-template}
subjects:
- {kind: ServiceAccount, name: narrow}
"#;

fn attrs(verb: &str, resource: &str, ns: Option<&str>, name: Option<&str>) -> ResourceAttributes {
    let mut a = ResourceAttributes::new(verb, ARGO, resource);
    if let Some(ns) = ns {
        a = a.in_namespace(ns);
    }
    if let Some(name) = name {
        a = a.named(name);
    }
    a
}

#[test]
fn quick_start_role_grants_exactly_its_rules() {
    let rbac = Rbac::from(&set(POLICY));
    let jenkins = Identity::service_account("argo", "jenkins");
    let ok = |verb, res| rbac.allowed(&jenkins, &attrs(verb, res, Some("argo"), None));
    assert!(ok("list", "workfloweventbindings"));
    assert!(rbac.allowed(
        &jenkins,
        &attrs(
            "get",
            "workflowtemplates",
            Some("argo"),
            Some("my-wf-tmple")
        )
    ));
    assert!(ok("create", "workflows"));
    // Not granted.
    assert!(!ok("get", "workfloweventbindings"));
    assert!(!ok("delete", "workflows"));
    assert!(!ok("list", "workflows"));
    assert!(!ok("create", "cronworkflows"));
    assert!(!rbac.allowed(
        &jenkins,
        &ResourceAttributes::new("create", "", "workflows").in_namespace("argo")
    ));
    // As the quick start notes: no `get clusterworkflowtemplates` from this Role. The
    // ClusterRoleBinding to the `system:serviceaccounts:argo` group gives it, though.
    assert!(rbac.allowed(
        &jenkins,
        &attrs("get", "clusterworkflowtemplates", None, Some("c"))
    ));
}

#[test]
fn a_token_for_namespace_a_never_gets_namespace_b() {
    let rbac = Rbac::from(&set(POLICY));
    let jenkins = Identity::service_account("argo", "jenkins");
    for ns in ["team-b", "default", "argo2", "", "ARGO"] {
        assert!(
            !rbac.allowed(&jenkins, &attrs("create", "workflows", Some(ns), None)),
            "{ns}"
        );
        assert!(
            !rbac.allowed(
                &jenkins,
                &attrs("list", "workfloweventbindings", Some(ns), None)
            ),
            "{ns}"
        );
    }
    // Nor cluster-wide.
    assert!(!rbac.allowed(&jenkins, &attrs("create", "workflows", None, None)));
    // A service account with the same name in another namespace gets nothing in argo.
    let other = Identity::service_account("team-b", "jenkins");
    assert!(!rbac.allowed(&other, &attrs("create", "workflows", Some("argo"), None)));
}

#[test]
fn cluster_role_through_a_role_binding_is_scoped_to_its_namespace() {
    let rbac = Rbac::from(&set(POLICY));
    let ci = Identity::service_account("team-b", "ci");
    assert!(rbac.allowed(
        &ci,
        &attrs("delete", "workflows", Some("team-b"), Some("w"))
    ));
    assert!(rbac.allowed(
        &ci,
        &ResourceAttributes::new("get", "", "secrets").in_namespace("team-b")
    ));
    assert!(!rbac.allowed(&ci, &attrs("create", "workflows", Some("argo"), None)));
    // Not cluster-wide either, even for cluster-scoped resources.
    assert!(!rbac.allowed(
        &ci,
        &attrs("get", "clusterworkflowtemplates", None, Some("c"))
    ));

    let alice = Identity::user("alice", &[]);
    assert!(rbac.allowed(&alice, &attrs("create", "workflows", Some("team-b"), None)));
    assert!(!rbac.allowed(&alice, &attrs("create", "workflows", Some("argo"), None)));
}

#[test]
fn cluster_role_binding_grants_everywhere_to_its_subjects_only() {
    let rbac = Rbac::from(&set(POLICY));
    let narrow = Identity::service_account("argo", "narrow");
    for ns in [None, Some("argo"), Some("elsewhere")] {
        assert!(rbac.allowed(
            &narrow,
            &attrs("get", "clusterworkflowtemplates", ns, Some("c"))
        ));
        assert!(!rbac.allowed(
            &narrow,
            &attrs("list", "clusterworkflowtemplates", ns, None)
        ));
    }
    // A service account of another namespace is not in the group.
    let ci = Identity::service_account("team-b", "ci");
    assert!(!rbac.allowed(
        &ci,
        &attrs("get", "clusterworkflowtemplates", None, Some("c"))
    ));
}

#[test]
fn resource_names_need_a_matching_name() {
    let rbac = Rbac::from(&set(POLICY));
    let narrow = Identity::service_account("argo", "narrow");
    let get = |name: Option<&str>| {
        rbac.allowed(
            &narrow,
            &attrs("get", "workflowtemplates", Some("argo"), name),
        )
    };
    assert!(get(Some("allowed-template")));
    assert!(!get(Some("other-template")));
    assert!(
        !get(None),
        "a rule with resourceNames never matches an unnamed request"
    );
    // `list` carries no name, so resourceNames never match it.
    assert!(!rbac.allowed(
        &narrow,
        &attrs("list", "workflowtemplates", Some("argo"), None)
    ));
    assert!(rbac.allowed(
        &narrow,
        &attrs(
            "update",
            "workflowtemplates",
            Some("argo"),
            Some("allowed-template")
        )
    ));
}

#[test]
fn subresources() {
    let rbac = Rbac::from(&set(POLICY));
    let narrow = Identity::service_account("argo", "narrow");
    let get = |res| rbac.allowed(&narrow, &attrs("get", res, Some("argo"), Some("w")));
    assert!(get("workflows/status"));
    assert!(get("workflows/log"), "*/log matches any resource's log");
    assert!(get("pods/log"));
    assert!(
        !get("workflows"),
        "a subresource rule does not grant the resource"
    );
    assert!(!get("workflows/spec"));
    // `*` covers subresources too.
    let ci = Identity::service_account("team-b", "ci");
    assert!(rbac.allowed(
        &ci,
        &attrs("get", "workflows/status", Some("team-b"), Some("w"))
    ));
}

#[test]
fn subjects_match_by_kind() {
    let policy = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: create-workflows}
rules:
- {apiGroups: [argoproj.io], resources: [workflows], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns1}
roleRef: {kind: ClusterRole, name: create-workflows}
subjects:
- {kind: Group, name: devs}
- {kind: User, name: "system:serviceaccount:ns1:by-username"}
- {kind: ServiceAccount, name: remote, namespace: ns2}
- {kind: Unknown, name: bob}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {kind: ClusterRole, name: create-workflows}
subjects:
- {kind: ServiceAccount, name: no-namespace}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: role-kind-is-ignored}
roleRef: {kind: Role, name: create-workflows}
subjects:
- {kind: User, name: carol}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dangling, namespace: ns1}
roleRef: {kind: Role, name: does-not-exist}
subjects:
- {kind: User, name: dave}
"#;
    let rbac = Rbac::from(&set(policy));
    let create =
        |id: &Identity, ns: &str| rbac.allowed(id, &attrs("create", "workflows", Some(ns), None));
    assert!(create(&Identity::user("eve", &["devs"]), "ns1"));
    assert!(!create(&Identity::user("eve", &["devs"]), "ns2"));
    assert!(!create(&Identity::user("eve", &["ops"]), "ns1"));
    assert!(create(
        &Identity::service_account("ns1", "by-username"),
        "ns1"
    ));
    // A ServiceAccount subject of another namespace, bound in ns1, acts in ns1.
    assert!(create(&Identity::service_account("ns2", "remote"), "ns1"));
    assert!(!create(&Identity::service_account("ns2", "remote"), "ns2"));
    assert!(!create(&Identity::user("bob", &[]), "ns1"));
    assert!(!create(
        &Identity::service_account("ns1", "no-namespace"),
        "ns1"
    ));
    assert!(!create(&Identity::user("carol", &[]), "ns1"));
    assert!(!create(&Identity::user("dave", &[]), "ns1"));
    // A user whose name is "alice" does not match a group "alice", and the reverse.
    assert!(!create(&Identity::user("devs", &[]), "ns1"));
}

#[test]
fn empty_snapshot_denies_everything() {
    let rbac = Rbac::default();
    let id = Identity::service_account("argo", "jenkins");
    assert!(!rbac.allowed(&id, &attrs("create", "workflows", Some("argo"), None)));
}

#[test]
fn verbs_and_groups_are_exact_or_star() {
    let policy = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: ns}
rules:
- {apiGroups: [""], resources: [secrets], verbs: ["*"]}
- {apiGroups: ["*"], resources: [workflows], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {kind: Role, name: r}
subjects: [{kind: User, name: u}]
"#;
    let rbac = Rbac::from(&set(policy));
    let u = Identity::user("u", &[]);
    let ok = |verb: &str, group: &str, res: &str| {
        rbac.allowed(
            &u,
            &ResourceAttributes::new(verb, group, res).in_namespace("ns"),
        )
    };
    assert!(ok("anything", "", "secrets"));
    assert!(
        !ok("get", ARGO, "secrets"),
        "the core group is not argoproj.io"
    );
    assert!(ok("get", ARGO, "workflows"));
    assert!(ok("get", "other.io", "workflows"));
    assert!(!ok("GET", ARGO, "workflows"), "verbs are case-sensitive");
    assert!(!ok("list", ARGO, "workflows"));
}
