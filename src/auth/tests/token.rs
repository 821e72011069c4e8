//! Token index: lookup, constant-time comparison inputs, webhook service-account rule.

use super::set;
use crate::auth::token::{Identity, TokenError, TokenIndex};

/// Two service accounts in two namespaces, the `docs/access-token.md` way, plus noise.
const TOKENS: &str = r#"
apiVersion: v1
kind: ServiceAccount
metadata: {name: jenkins, namespace: argo}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: jenkins.service-account-token
  namespace: argo
  annotations: {kubernetes.io/service-account.name: jenkins}
data:
  token: dG9rZW4tYQ==
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: team-b}
secrets: [{name: ci-token-xyz}]
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: ci-token-xyz
  namespace: team-b
  annotations: {kubernetes.io/service-account.name: ci}
stringData:
  token: token-b
---
# Opaque secrets are never tokens.
apiVersion: v1
kind: Secret
type: Opaque
metadata: {name: opaque, namespace: argo, annotations: {kubernetes.io/service-account.name: jenkins}}
stringData: {token: token-opaque}
---
# A token whose service account does not exist authenticates nobody.
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: ghost.service-account-token
  namespace: argo
  annotations: {kubernetes.io/service-account.name: ghost}
stringData: {token: token-ghost}
"#;

#[test]
fn tokens_map_to_service_account_identities() {
    let index = TokenIndex::from_set(&set(TOKENS));
    assert_eq!(index.len(), 2);
    let a = index.authenticate("token-a").expect("token-a");
    assert_eq!(a.username, "system:serviceaccount:argo:jenkins");
    assert_eq!(a.service_account, Some(("argo".into(), "jenkins".into())));
    assert_eq!(
        a.groups,
        vec![
            "system:serviceaccounts",
            "system:serviceaccounts:argo",
            "system:authenticated"
        ]
    );
    assert_eq!(
        (a.email.as_deref(), a.preferred_username.as_deref()),
        (None, None)
    );
    assert_eq!(a, Identity::service_account("argo", "jenkins"));

    let b = index
        .authenticate("Bearer token-b")
        .expect("a whole header value works too");
    assert_eq!(b.username, "system:serviceaccount:team-b:ci");
}

#[test]
fn wrong_or_unusable_tokens_authenticate_nobody() {
    let index = TokenIndex::from_set(&set(TOKENS));
    for bad in [
        "",
        "Bearer ",
        "token-",
        "token-a ",
        "TOKEN-A",
        "token-opaque",
        "token-ghost",
        "dG9rZW4tYQ==",
        "Basic dG9rZW4tYQ==",
    ] {
        assert_eq!(index.authenticate(bad), None, "{bad:?}");
    }
    assert!(TokenIndex::default().authenticate("token-a").is_none());
}

#[test]
fn a_token_shared_by_two_service_accounts_is_ambiguous() {
    let yaml = format!(
        "{TOKENS}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: copy, namespace: argo}}\n---\n\
         apiVersion: v1\nkind: Secret\ntype: kubernetes.io/service-account-token\n\
         metadata: {{name: copy.service-account-token, namespace: argo, annotations: {{kubernetes.io/service-account.name: copy}}}}\n\
         stringData: {{token: token-a}}\n"
    );
    let index = TokenIndex::from_set(&set(&yaml));
    assert_eq!(index.authenticate("token-a"), None);
    assert!(index.authenticate("token-b").is_some());
    assert!(matches!(
        index.resolve_service_account("argo", "copy"),
        Err(TokenError::NotAToken { .. })
    ));
}

#[test]
fn debug_output_never_shows_tokens() {
    let index = TokenIndex::from_set(&set(TOKENS));
    let text = format!("{index:?}");
    assert!(
        !text.contains("token-a") && !text.contains("token-b"),
        "{text}"
    );
    assert!(text.contains("tokens: 2"), "{text}");
}

#[test]
fn webhook_rule_finds_the_token_secret() {
    let s = set(&format!(
        r#"{TOKENS}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: annotated
  namespace: argo
  annotations: {{workflows.argoproj.io/service-account-token.name: custom-name}}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata: {{name: custom-name, namespace: argo, annotations: {{kubernetes.io/service-account.name: annotated}}}}
stringData: {{token: token-c}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: no-secret, namespace: argo}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: points-at-opaque, namespace: argo}}
secrets: [{{name: opaque}}]
"#
    ));
    let index = TokenIndex::from_set(&s);
    // Default name `<sa>.service-account-token`.
    assert_eq!(
        index.service_account_token("argo", "jenkins"),
        Some(Identity::service_account("argo", "jenkins"))
    );
    // `secrets[0].name`.
    assert_eq!(
        index
            .service_account_token("team-b", "ci")
            .map(|i| i.username),
        Some("system:serviceaccount:team-b:ci".into())
    );
    // The annotation.
    assert_eq!(
        index
            .service_account_token("argo", "annotated")
            .map(|i| i.username),
        Some("system:serviceaccount:argo:annotated".into())
    );
    assert_eq!(
        index.resolve_service_account("argo", "missing"),
        Err(TokenError::ServiceAccountNotFound {
            namespace: "argo".into(),
            name: "missing".into()
        })
    );
    assert_eq!(
        index.resolve_service_account("argo", "no-secret"),
        Err(TokenError::SecretNotFound {
            namespace: "argo".into(),
            name: "no-secret.service-account-token".into()
        })
    );
    assert_eq!(
        index.resolve_service_account("argo", "points-at-opaque"),
        Err(TokenError::NotAToken {
            namespace: "argo".into(),
            name: "opaque".into()
        })
    );
    // The service account is looked up in its own namespace only.
    assert!(index.service_account_token("team-b", "jenkins").is_none());
}
