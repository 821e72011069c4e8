//! Bearer tokens → identities, from service-account token Secrets.
//!
//! Takes a [`ManifestSet`]: every Secret of type `kubernetes.io/service-account-token` whose
//! annotation `kubernetes.io/service-account.name` names a ServiceAccount that exists in the
//! same namespace, with its token in `data.token` (base64) or `stringData.token`. Returns a
//! [`TokenIndex`] that maps a bearer token to an [`Identity`] the way the Kubernetes API
//! server does for legacy service-account tokens (user `system:serviceaccount:<ns>:<sa>`,
//! groups `system:serviceaccounts`, `system:serviceaccounts:<ns>`, `system:authenticated`).
//!
//! Tokens are never stored, logged or printed: the index keeps only their SHA-256 digests,
//! and [`TokenIndex::authenticate`] compares the digest of the presented token with every
//! stored digest in constant time (`subtle`), without stopping at the first match. A token
//! shared by two different service accounts is ambiguous and authenticates nobody.
//!
//! [`TokenIndex::service_account_token`] follows Argo's webhook rule (spec §9 step 4) to find
//! the identity a verified webhook client runs as.

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::model::SERVICE_ACCOUNT_TOKEN_TYPE;
use crate::store::manifests::ManifestSet;

/// Annotation on a token Secret naming its ServiceAccount.
pub const SERVICE_ACCOUNT_NAME_ANNOTATION: &str = "kubernetes.io/service-account.name";
/// Annotation on a ServiceAccount naming its token Secret (Argo's fallback).
pub const TOKEN_SECRET_ANNOTATION: &str = "workflows.argoproj.io/service-account-token.name";
/// The data key holding the token.
pub const TOKEN_KEY: &str = "token";

/// Who a request runs as.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Identity {
    /// The Kubernetes user name (also the JWT subject), e.g. `system:serviceaccount:argo:jenkins`.
    pub username: String,
    /// `(namespace, name)` when the identity is a service account.
    pub service_account: Option<(String, String)>,
    /// Group names.
    pub groups: Vec<String>,
    /// The `email` claim, when there is one (never for service accounts).
    pub email: Option<String>,
    /// The `preferred_username` claim, when there is one (never for service accounts).
    pub preferred_username: Option<String>,
}

impl Identity {
    /// The identity of a service account, with the groups Kubernetes gives it.
    pub fn service_account(namespace: &str, name: &str) -> Identity {
        Identity {
            username: format!("system:serviceaccount:{namespace}:{name}"),
            service_account: Some((namespace.to_owned(), name.to_owned())),
            groups: vec![
                "system:serviceaccounts".to_owned(),
                format!("system:serviceaccounts:{namespace}"),
                "system:authenticated".to_owned(),
            ],
            email: None,
            preferred_username: None,
        }
    }

    /// A plain user with the given groups (`system:authenticated` is added).
    pub fn user(username: &str, groups: &[&str]) -> Identity {
        let mut groups: Vec<String> = groups.iter().map(|g| (*g).to_owned()).collect();
        if !groups.iter().any(|g| g == "system:authenticated") {
            groups.push("system:authenticated".to_owned());
        }
        Identity {
            username: username.to_owned(),
            service_account: None,
            groups,
            email: None,
            preferred_username: None,
        }
    }
}

/// Why [`TokenIndex::resolve_service_account`] found no identity.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The ServiceAccount does not exist.
    #[error("service account {namespace}/{name} not found")]
    ServiceAccountNotFound {
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
    },
    /// The token Secret the ServiceAccount points to does not exist.
    #[error("token secret {namespace}/{name} not found")]
    SecretNotFound {
        /// Namespace.
        namespace: String,
        /// Secret name.
        name: String,
    },
    /// The Secret exists but holds no usable service-account token (wrong type, no
    /// `kubernetes.io/service-account.name` annotation, no `token`, no such ServiceAccount,
    /// or a token shared with another service account).
    #[error("secret {namespace}/{name} is not a usable service-account token")]
    NotAToken {
        /// Namespace.
        namespace: String,
        /// Secret name.
        name: String,
    },
}

/// One token: its digest and who it belongs to.
struct Entry {
    digest: [u8; 32],
    /// Index into `TokenIndex::identities`, or `AMBIGUOUS`.
    identity: u32,
}

const AMBIGUOUS: u32 = u32::MAX;

/// Bearer-token lookup built from the token Secrets of a [`ManifestSet`].
#[derive(Default)]
pub struct TokenIndex {
    entries: Vec<Entry>,
    identities: Vec<Identity>,
    /// `(namespace, service account)` → the webhook identity, or why there is none.
    by_service_account: BTreeMap<(String, String), Result<u32, TokenError>>,
}

impl fmt::Debug for TokenIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenIndex")
            .field("tokens", &self.entries.len())
            .field("identities", &self.identities.len())
            .finish()
    }
}

fn digest(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

impl TokenIndex {
    /// Indexes every usable service-account token Secret in `set`.
    pub fn from_set(set: &ManifestSet) -> TokenIndex {
        let mut index = TokenIndex::default();
        let mut by_identity: BTreeMap<(String, String), u32> = BTreeMap::new();
        let mut by_secret: BTreeMap<(&str, &str), [u8; 32]> = BTreeMap::new();
        for (key, secret) in &set.secrets {
            if secret.type_ != SERVICE_ACCOUNT_TOKEN_TYPE {
                continue;
            }
            let Some(sa) = secret.metadata.annotation(SERVICE_ACCOUNT_NAME_ANNOTATION) else {
                continue;
            };
            if sa.is_empty() || set.service_account(&key.namespace, sa).is_none() {
                continue;
            }
            let Some(token) = secret.value(TOKEN_KEY).filter(|t| !t.is_empty()) else {
                continue;
            };
            let id = *by_identity
                .entry((key.namespace.clone(), sa.to_owned()))
                .or_insert_with(|| {
                    index
                        .identities
                        .push(Identity::service_account(&key.namespace, sa));
                    (index.identities.len() - 1) as u32
                });
            let d = digest(token);
            match index.entries.iter_mut().find(|e| e.digest == d) {
                Some(existing) if existing.identity != id => existing.identity = AMBIGUOUS,
                Some(_) => {}
                None => index.entries.push(Entry {
                    digest: d,
                    identity: id,
                }),
            }
            by_secret.insert((&key.namespace, &key.name), d);
        }
        for (key, sa) in &set.service_accounts {
            let (namespace, name) = (key.namespace.as_str(), key.name.as_str());
            let secret_name = sa
                .secrets
                .first()
                .map(|r| r.name.as_str())
                .filter(|n| !n.is_empty())
                .or_else(|| {
                    sa.metadata
                        .annotation(TOKEN_SECRET_ANNOTATION)
                        .filter(|n| !n.is_empty())
                })
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{name}.service-account-token"));
            let resolved = if set.secret(namespace, &secret_name).is_none() {
                Err(TokenError::SecretNotFound {
                    namespace: namespace.to_owned(),
                    name: secret_name,
                })
            } else {
                by_secret
                    .get(&(namespace, secret_name.as_str()))
                    .and_then(|d| index.entries.iter().find(|e| e.digest == *d))
                    .map(|e| e.identity)
                    .filter(|id| *id != AMBIGUOUS)
                    .ok_or(TokenError::NotAToken {
                        namespace: namespace.to_owned(),
                        name: secret_name,
                    })
            };
            index
                .by_service_account
                .insert((namespace.to_owned(), name.to_owned()), resolved);
        }
        index
    }

    /// Number of distinct tokens indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when no token is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The identity owning `bearer` (the token itself, or a whole `Bearer <token>` header
    /// value). Every stored digest is compared, in constant time, whatever matches.
    pub fn authenticate(&self, bearer: &str) -> Option<Identity> {
        let token = bearer.strip_prefix("Bearer ").unwrap_or(bearer);
        if token.is_empty() {
            return None;
        }
        let presented = digest(token.as_bytes());
        let mut found = subtle::Choice::from(0u8);
        let mut identity = 0u32;
        for entry in &self.entries {
            let hit = entry.digest.ct_eq(&presented);
            identity.conditional_assign(&entry.identity, hit);
            found |= hit;
        }
        if bool::from(found) && identity != AMBIGUOUS {
            self.identities.get(identity as usize).cloned()
        } else {
            None
        }
    }

    /// Argo's webhook rule (spec §9 step 4): the identity that the token Secret of service
    /// account `namespace/name` authenticates as. The Secret is `secrets[0].name` of the
    /// ServiceAccount, else its annotation `workflows.argoproj.io/service-account-token.name`,
    /// else `<name>.service-account-token`.
    pub fn resolve_service_account(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Identity, TokenError> {
        match self
            .by_service_account
            .get(&(namespace.to_owned(), name.to_owned()))
        {
            None => Err(TokenError::ServiceAccountNotFound {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
            }),
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(id)) => self.identities.get(*id as usize).cloned().ok_or_else(|| {
                TokenError::ServiceAccountNotFound {
                    namespace: namespace.to_owned(),
                    name: name.to_owned(),
                }
            }),
        }
    }

    /// [`TokenIndex::resolve_service_account`], without the reason.
    pub fn service_account_token(&self, namespace: &str, name: &str) -> Option<Identity> {
        self.resolve_service_account(namespace, name).ok()
    }
}
