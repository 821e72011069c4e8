//! The webhook clients of every namespace, parsed once per change of its
//! `argo-workflows-webhook-clients` Secret, never per event.
//!
//! Takes the [`ManifestSet`] that [`Catalog::apply`] is applying (a manifest folder, or the
//! Kubernetes watch cache, which puts the same Secret in [`ManifestSet::secrets`]); returns,
//! per namespace, an immutable [`NamespaceWebhooks`] behind an `Arc` in a
//! `DashMap<namespace, Arc<NamespaceWebhooks>>` (one insert per changed namespace).
//!
//! - **Parsed once.** A namespace whose Secret is byte-for-byte unchanged since the last
//!   apply keeps its parsed clients (compared by a SHA-256 fingerprint of the entries), so
//!   a manifest reload that does not touch the Secret neither re-parses it nor logs its
//!   problems again.
//! - **Problems are logged, never fatal.** Each unusable entry (bad YAML, unknown `type`,
//!   empty `secret`, …) is logged at warn with the namespace and the client name (the
//!   `data` key), never the secret; the other clients of the Secret stay usable.
//! - **Missing means missing.** A namespace without the Secret has no entry, which the
//!   events endpoint answers with Argo's 403 (see `crate::http::webhook`).
//!
//! It also adds the two lookups the interceptor needs to [`Catalog`]:
//! [`Catalog::webhook_clients`] and [`Catalog::webhook_caller`] (a verified client's
//! ServiceAccount → the [`Caller`] it runs as, with its RBAC and creator labels).

use std::collections::HashSet;
use std::sync::Arc;

use dashmap::DashMap;
use sha2::{Digest, Sha256};

use super::Catalog;
use crate::auth::token::TokenError;
use crate::auth::webhook::{ConfigError, WEBHOOK_CLIENTS_SECRET, WebhookClient, parse_entries};
use crate::binding::Caller;
use crate::model::Secret;
use crate::store::manifests::ManifestSet;

/// The parsed webhook clients of one namespace.
#[derive(Debug)]
pub struct NamespaceWebhooks {
    /// Usable clients, sorted by ServiceAccount name (the order they are tried in).
    pub clients: Vec<WebhookClient>,
    /// One error per unusable entry (already logged when the Secret was loaded).
    pub errors: Vec<ConfigError>,
    /// SHA-256 over the Secret's entries, to notice changes.
    fingerprint: [u8; 32],
}

/// Every namespace's webhook clients.
#[derive(Debug, Default)]
pub struct Webhooks {
    by_namespace: DashMap<String, Arc<NamespaceWebhooks>>,
}

/// The Secret's entries as the API server would merge them: `stringData` over `data`.
fn entries(secret: &Secret) -> impl Iterator<Item = (&str, &[u8])> {
    secret.keys().filter_map(|k| Some((k, secret.value(k)?)))
}

/// A digest of every (key, value) entry, length-prefixed so distinct entry lists never
/// collide by concatenation.
fn fingerprint(secret: &Secret) -> [u8; 32] {
    let mut h = Sha256::new();
    for (k, v) in entries(secret) {
        h.update((k.len() as u64).to_le_bytes());
        h.update(k.as_bytes());
        h.update((v.len() as u64).to_le_bytes());
        h.update(v);
    }
    h.finalize().into()
}

impl Webhooks {
    /// Brings every namespace in line with the clients Secrets of `set`: parses the
    /// Secrets that are new or changed (logging their problems), keeps the unchanged
    /// ones, and forgets the namespaces whose Secret is gone.
    pub fn apply(&self, set: &ManifestSet) {
        let mut present: HashSet<&str> = HashSet::new();
        for (key, secret) in set
            .secrets
            .iter()
            .filter(|(k, _)| k.name == WEBHOOK_CLIENTS_SECRET)
        {
            let namespace = key.namespace.as_str();
            present.insert(namespace);
            let print = fingerprint(secret);
            if self
                .by_namespace
                .get(namespace)
                .is_some_and(|e| e.fingerprint == print)
            {
                continue;
            }
            let parsed = parse_entries(entries(secret));
            for error in &parsed.errors {
                tracing::warn!(
                    namespace,
                    client = error.client(),
                    %error,
                    "webhook client disabled"
                );
            }
            tracing::info!(
                namespace,
                clients = parsed.clients.len(),
                disabled = parsed.errors.len(),
                "webhook clients loaded"
            );
            self.by_namespace.insert(
                namespace.to_owned(),
                Arc::new(NamespaceWebhooks {
                    clients: parsed.clients,
                    errors: parsed.errors,
                    fingerprint: print,
                }),
            );
        }
        self.by_namespace.retain(|ns, _| {
            let keep = present.contains(ns.as_str());
            if !keep {
                tracing::info!(namespace = %ns, "webhook clients removed");
            }
            keep
        });
    }

    /// The clients of `namespace`, or `None` when it has no clients Secret.
    pub fn get(&self, namespace: &str) -> Option<Arc<NamespaceWebhooks>> {
        self.by_namespace.get(namespace).map(|e| e.value().clone())
    }
}

impl Catalog {
    /// The webhook clients of `namespace`, or `None` when its
    /// `argo-workflows-webhook-clients` Secret does not exist.
    pub fn webhook_clients(&self, namespace: &str) -> Option<Arc<NamespaceWebhooks>> {
        self.webhooks.get(namespace)
    }

    /// The caller a verified webhook client runs as: its ServiceAccount `namespace/name`,
    /// resolved through the ServiceAccount's token Secret as Argo does (spec §9 step 4),
    /// with that account's RBAC and creator labels.
    pub fn webhook_caller(&self, namespace: &str, name: &str) -> Result<Caller, TokenError> {
        self.access.load().service_account_caller(namespace, name)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::store::manifests::parse_yaml;

    fn set(yaml: &str) -> ManifestSet {
        let path = Path::new("test.yaml");
        let mut set = ManifestSet::default();
        for o in parse_yaml(path, yaml).unwrap() {
            set.insert(o, path);
        }
        set
    }

    /// A clients Secret in `ns` with `stringData` entries.
    fn clients_secret(ns: &str, entries: &[(&str, &str)]) -> String {
        let mut out = format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: argo-workflows-webhook-clients, namespace: {ns}}}\nstringData:\n"
        );
        for (k, v) in entries {
            out.push_str(&format!("  {k}: {}\n", serde_json::to_string(v).unwrap()));
        }
        out
    }

    const TOKEN_OBJECTS: &str = r#"
apiVersion: v1
kind: ServiceAccount
metadata: {name: github, namespace: a}
secrets: [{name: gh-token}]
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: gh-token
  namespace: a
  annotations: {kubernetes.io/service-account.name: github}
stringData: {token: my-github-token}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: lonely, namespace: a}
"#;

    #[test]
    fn secrets_are_parsed_per_namespace_and_errors_kept() {
        let yaml = [
            clients_secret(
                "a",
                &[
                    ("github", "type: github\nsecret: sh!"),
                    ("broken", "type: nope\nsecret: x"),
                    ("empty", "type: gitlab\nsecret: ''"),
                ],
            ),
            clients_secret("b", &[("gitlab", "type: gitlab\nsecret: sh!")]),
            // Another Secret is not a clients Secret.
            "apiVersion: v1\nkind: Secret\nmetadata: {name: other, namespace: c}\nstringData: {x: 'type: github'}\n".to_string(),
        ]
        .join("---\n");
        let catalog = Catalog::new(None);
        catalog.apply(set(&yaml));
        let a = catalog.webhook_clients("a").unwrap();
        let names: Vec<_> = a
            .clients
            .iter()
            .map(|c| c.service_account.as_str())
            .collect();
        assert_eq!(names, vec!["github"]);
        let errors: Vec<_> = a.errors.iter().map(|e| e.client().to_owned()).collect();
        assert_eq!(errors, vec!["broken", "empty"]);
        assert_eq!(catalog.webhook_clients("b").unwrap().clients.len(), 1);
        assert!(catalog.webhook_clients("c").is_none());
        assert!(catalog.webhook_clients("").is_none());
    }

    #[test]
    fn unchanged_secret_is_not_parsed_again_and_removed_one_is_forgotten() {
        let a = clients_secret("a", &[("github", "type: github\nsecret: sh!")]);
        let b = clients_secret("b", &[("gitlab", "type: gitlab\nsecret: sh!")]);
        let catalog = Catalog::new(None);
        catalog.apply(set(&[a.clone(), b.clone()].join("---\n")));
        let first_a = catalog.webhook_clients("a").unwrap();
        let first_b = catalog.webhook_clients("b").unwrap();

        let b2 = clients_secret("b", &[("gitlab", "type: gitlab\nsecret: other")]);
        catalog.apply(set(&[a.clone(), b2].join("---\n")));
        assert!(Arc::ptr_eq(
            &first_a,
            &catalog.webhook_clients("a").unwrap()
        ));
        assert!(!Arc::ptr_eq(
            &first_b,
            &catalog.webhook_clients("b").unwrap()
        ));

        catalog.apply(set(&b));
        assert!(catalog.webhook_clients("a").is_none());
        assert!(catalog.webhook_clients("b").is_some());
    }

    #[test]
    fn string_data_wins_over_data() {
        // data says gitlab, stringData (which the API server merges over data) says github.
        let yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: argo-workflows-webhook-clients, namespace: a}\ndata: {github: dHlwZTogZ2l0bGFiCnNlY3JldDogc2gh}\nstringData: {github: \"type: github\\nsecret: sh!\"}\n";
        let catalog = Catalog::new(None);
        catalog.apply(set(yaml));
        let a = catalog.webhook_clients("a").unwrap();
        assert_eq!(a.clients[0].verifier.kind(), "github");
    }

    #[test]
    fn webhook_caller_is_the_service_account_of_the_token_secret() {
        let catalog = Catalog::new(None);
        catalog.apply(set(TOKEN_OBJECTS));
        match catalog.webhook_caller("a", "github").unwrap() {
            Caller::Client {
                identity,
                creator_labels,
            } => {
                assert_eq!(identity.username, "system:serviceaccount:a:github");
                assert!(creator_labels.contains(&(
                    crate::binding::CREATOR_LABEL.to_owned(),
                    Some("system-serviceaccount-a-github".to_owned())
                )));
            }
            Caller::Server => panic!("a webhook never runs as the server"),
        }
        assert!(matches!(
            catalog.webhook_caller("a", "lonely"),
            Err(TokenError::SecretNotFound { .. })
        ));
        assert!(matches!(
            catalog.webhook_caller("a", "nobody"),
            Err(TokenError::ServiceAccountNotFound { .. })
        ));
    }
}
