//! TokenReview and SubjectAccessReview against the real API server, and their caches.

use std::sync::Arc;

use flowgate::auth::ResourceAttributes;
use flowgate::auth::kube::KubeAuth;
use flowgate::binding::Caller;

use crate::cluster::{SERVER_USER, cluster, namespace, sa_token};

fn create_workflows(ns: &str) -> ResourceAttributes {
    ResourceAttributes::new("create", "argoproj.io", "workflows").in_namespace(ns)
}

#[tokio::test]
async fn tokens_are_reviewed_and_give_creator_labels() {
    let c = cluster();
    let admin = c.admin().await;
    let ns = namespace(&admin, "authn").await;
    let sa_token = sa_token(&admin, &ns, "jenkins").await;
    let auth = KubeAuth::new(c.server_client().await);

    let Some(Caller::Client {
        identity,
        creator_labels,
    }) = auth.authenticate(&sa_token).await.unwrap()
    else {
        panic!("the service-account token was not authenticated")
    };
    assert_eq!(
        identity.username,
        format!("system:serviceaccount:{ns}:jenkins")
    );
    assert_eq!(
        identity.service_account,
        Some((ns.clone(), "jenkins".to_string()))
    );
    assert!(
        identity
            .groups
            .contains(&format!("system:serviceaccounts:{ns}"))
    );
    assert_eq!(
        creator_labels[0],
        (
            "workflows.argoproj.io/creator".to_string(),
            Some(format!("system-serviceaccount-{ns}-jenkins"))
        )
    );
    assert_eq!(creator_labels[1].1, None, "no email claim");

    let user = auth.identify(&c.wfeb_token).await.unwrap().unwrap();
    assert_eq!(user.username, "wfeb-controller");
    assert_eq!(user.service_account, None);
    assert!(user.groups.contains(&"wfeb-controllers".to_string()));

    assert_eq!(auth.identify("not-a-token").await.unwrap(), None);
    let before = auth.stats().token_reviews;
    assert_eq!(auth.identify("").await.unwrap(), None);
    assert_eq!(auth.identify(&"x".repeat(20_000)).await.unwrap(), None);
    assert_eq!(
        auth.stats().token_reviews,
        before,
        "refused without a review"
    );
}

#[tokio::test]
async fn permissions_are_subject_access_reviews() {
    let c = cluster();
    let admin = c.admin().await;
    let ns = namespace(&admin, "authz").await;
    let other = namespace(&admin, "authz-other").await;
    c.apply(&format!(
        r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: submit, namespace: {ns}}}
rules:
- apiGroups: [argoproj.io]
  resources: [workflows]
  verbs: [create]
- apiGroups: [argoproj.io]
  resources: [workflowtemplates]
  resourceNames: [allowed-tmpl]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: submit, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: submit}}
subjects:
- {{kind: Group, name: wfeb-controllers, apiGroup: rbac.authorization.k8s.io}}
"#
    ));
    let auth = KubeAuth::new(c.server_client().await);
    let user = auth.identify(&c.wfeb_token).await.unwrap().unwrap();
    let get_tmpl = |name: &str| {
        ResourceAttributes::new("get", "argoproj.io", "workflowtemplates")
            .in_namespace(&ns)
            .named(name)
    };
    assert!(auth.allowed(&user, &create_workflows(&ns)).await.unwrap());
    assert!(
        !auth
            .allowed(&user, &create_workflows(&other))
            .await
            .unwrap()
    );
    assert!(
        auth.allowed(&user, &get_tmpl("allowed-tmpl"))
            .await
            .unwrap()
    );
    assert!(!auth.allowed(&user, &get_tmpl("other-tmpl")).await.unwrap());
    let nobody = auth.identify(&c.nobody_token).await.unwrap().unwrap();
    assert!(!auth.allowed(&nobody, &create_workflows(&ns)).await.unwrap());
}

#[tokio::test]
async fn a_burst_from_one_client_costs_one_review_of_each_kind() {
    let c = cluster();
    let admin = c.admin().await;
    let ns = namespace(&admin, "burst").await;
    let token = sa_token(&admin, &ns, "ci").await;
    let auth = Arc::new(KubeAuth::new(c.server_client().await));
    let mark = c.audit_mark();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (auth, token, ns) = (auth.clone(), token.clone(), ns.clone());
        tasks.push(tokio::spawn(async move {
            let identity = auth.identify(&token).await.unwrap().unwrap();
            auth.allowed(&identity, &create_workflows(&ns))
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        assert!(!t.await.unwrap(), "the service account has no role");
    }
    let stats = auth.stats();
    assert_eq!(stats.token_reviews, 1);
    assert_eq!(stats.access_reviews, 1);
    assert_eq!(stats.cache_hits, 98);

    let audit = c.audit_since(mark).await;
    let by_server: Vec<_> = audit.iter().filter(|a| a.user == SERVER_USER).collect();
    let count = |resource: &str| {
        by_server
            .iter()
            .filter(|a| a.verb == "create" && a.resource == resource)
            .count()
    };
    assert_eq!(count("tokenreviews"), 1, "{by_server:#?}");
    assert_eq!(count("subjectaccessreviews"), 1, "{by_server:#?}");
    assert!(
        audit
            .iter()
            .all(|a| a.user != format!("system:serviceaccount:{ns}:ci")),
        "the caller's token is never used to call the API"
    );
}
