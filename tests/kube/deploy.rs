//! Every file of deploy/ applies to the real API server, and the server's RBAC is what the
//! backend needs: no more (no plain secret reads, no deletes), no less.

use flowgate::auth::ResourceAttributes;
use flowgate::auth::kube::KubeAuth;
use flowgate::auth::token::Identity;

use crate::cluster::{cluster, repo};

#[test]
fn every_manifest_in_deploy_is_applied() {
    let c = cluster();
    eprintln!(
        "API server started and deploy/ applied in {:.1} s",
        c.startup.as_secs_f64()
    );
    let out = &c.deploy_output;
    assert!(
        out.contains("ok   applied every manifest in deploy/"),
        "{out}"
    );
    let mut files = Vec::new();
    for dir in ["deploy/crds", "deploy/server", "deploy/examples"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".yaml") && name != "kustomization.yaml" {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    assert!(files.len() >= 14, "{files:?}");
    let objects = c.kubectl(&[
        "get",
        "crd,namespace,serviceaccount,clusterrole,clusterrolebinding,deployment,service,poddisruptionbudget",
        "-A",
        "-l",
        "app.kubernetes.io/part-of=flowgate",
        "-o",
        "name",
    ]);
    for want in [
        "namespace/flowgate",
        "serviceaccount/flowgate",
        "clusterrole.rbac.authorization.k8s.io/flowgate",
        "clusterrolebinding.rbac.authorization.k8s.io/flowgate",
        "deployment.apps/flowgate",
        "service/flowgate",
        "poddisruptionbudget.policy/flowgate",
    ] {
        assert!(objects.contains(want), "{want} missing from:\n{objects}");
    }
    // The examples were applied (later scenarios may delete them, so read the apply output).
    for want in [
        "workflowtemplate.argoproj.io/my-wf-tmple",
        "workfloweventbinding.argoproj.io/event-consumer",
        "role.rbac.authorization.k8s.io/event-submitter",
        "rolebinding.rbac.authorization.k8s.io/event-submitter",
        "serviceaccount/event-submitter",
        "customresourcedefinition.apiextensions.k8s.io/workfloweventbindings.argoproj.io",
    ] {
        assert!(out.contains(want), "{want} missing from:\n{out}");
    }
}

#[tokio::test]
async fn the_server_role_grants_exactly_what_the_backend_uses() {
    let c = cluster();
    let auth = KubeAuth::new(c.admin().await);
    let server = Identity::service_account("flowgate", "flowgate");
    let can = |verb: &str, group: &str, resource: &str, ns: Option<&str>, name: Option<&str>| {
        let mut a = ResourceAttributes::new(verb, group, resource);
        a.namespace = ns.map(str::to_string);
        a.name = name.map(str::to_string);
        a
    };
    let allowed = [
        can("watch", "argoproj.io", "workfloweventbindings", None, None),
        can(
            "list",
            "argoproj.io",
            "workflowtemplates",
            Some("any"),
            None,
        ),
        can(
            "watch",
            "argoproj.io",
            "clusterworkflowtemplates",
            None,
            None,
        ),
        can("create", "argoproj.io", "workflows", Some("any"), None),
        can("get", "argoproj.io", "workflows", Some("any"), Some("w")),
        can("create", "events.k8s.io", "events", Some("any"), None),
        can("patch", "events.k8s.io", "events", Some("any"), Some("e")),
        can("list", "events.k8s.io", "events", Some("any"), None),
        can(
            "create",
            "authentication.k8s.io",
            "tokenreviews",
            None,
            None,
        ),
        can(
            "create",
            "authorization.k8s.io",
            "subjectaccessreviews",
            None,
            None,
        ),
        can(
            "watch",
            "",
            "secrets",
            Some("any"),
            Some("argo-workflows-webhook-clients"),
        ),
    ];
    for a in &allowed {
        assert!(
            auth.allowed(&server, a).await.unwrap(),
            "should allow {a:?}"
        );
    }
    let refused = [
        can("list", "", "secrets", Some("any"), None),
        can("get", "", "secrets", Some("any"), Some("other")),
        can("delete", "argoproj.io", "workflows", Some("any"), Some("w")),
        can(
            "update",
            "argoproj.io",
            "workfloweventbindings",
            Some("any"),
            Some("b"),
        ),
        can(
            "create",
            "argoproj.io",
            "workflowtemplates",
            Some("any"),
            None,
        ),
    ];
    for a in &refused {
        assert!(
            !auth.allowed(&server, a).await.unwrap(),
            "should refuse {a:?}"
        );
    }
}
