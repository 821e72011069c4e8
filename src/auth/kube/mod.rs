//! Client-mode authentication and authorization against the Kubernetes API server.
//!
//! Takes a bearer token, or an [`Identity`] and the [`ResourceAttributes`] of a request;
//! returns the [`Caller`] (with its creator labels, spec §3, from the TokenReview's user
//! info) or an allow/deny decision. The token is checked with a **TokenReview**, permissions
//! with **SubjectAccessReviews** for the same verbs the embedded mode checks. Both answers are
//! cached for a short TTL ([`KubeAuth::DEFAULT_TTL`]) in bounded caches that run concurrent
//! lookups of one key once, so a burst from one client costs one review of each kind.
//!
//! The reviews are sent with the server's own credentials. The caller's token is only put in
//! the TokenReview body: it is never stored (the cache key is its SHA-256 digest), logged or
//! used to call the API. Tokens over [`MAX_TOKEN_BYTES`] are refused without a review. A
//! review that fails (API server down, the server's own RBAC missing) is an error, not a
//! denial, and is not cached.
//!
//! - [`cache`]: the bounded TTL cache with one computation per key.
//! - [`grants`]: the permission answers an event needs, resolved by the events handler
//!   before matching so the Matchers stay pure ([`Grants`] travels on the event).
//!
//! Why answers travel on the event: the Matchers are synchronous actors that must not wait on
//! I/O, and a SubjectAccessReview is I/O. The embedded backend keeps its synchronous RBAC in
//! the catalog; the Kubernetes backend asks every question dispatch may ask (per binding of
//! the namespace: `get` its template; `create workflows`) in the handler, through the cache,
//! and dispatch reads the answers.

pub mod cache;
pub mod grants;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use k8s_openapi::api::authentication::v1::{TokenReview, TokenReviewSpec, UserInfo};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes as SarAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
};
use kube::api::PostParams;
use kube::{Api, Client};
use sha2::{Digest, Sha256};

use super::creator::creator_labels;
use super::rbac::ResourceAttributes;
use super::token::Identity;
use crate::binding::Caller;
use cache::{Lookup, TtlCache};
pub use grants::{Grants, resolve};

/// Longest bearer token sent to a TokenReview, in bytes.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Most cached entries per cache.
pub const MAX_ENTRIES: usize = 10_000;

/// Errors of a review.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum KubeAuthError {
    /// The review request failed.
    #[error("cannot review the request with the API server: {0}")]
    Review(String),
    /// The API server did not answer in time.
    #[error("the API server did not answer the review within {0:?}")]
    Timeout(Duration),
}

/// How many reviews were sent and answered from the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReviewStats {
    /// TokenReviews sent.
    pub token_reviews: u64,
    /// SubjectAccessReviews sent.
    pub access_reviews: u64,
    /// Lookups answered from a cache.
    pub cache_hits: u64,
}

/// What a SubjectAccessReview is cached under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct AccessKey {
    user: String,
    groups: Vec<String>,
    verb: String,
    group: String,
    resource: String,
    namespace: Option<String>,
    name: Option<String>,
}

/// TokenReview and SubjectAccessReview, cached.
pub struct KubeAuth {
    client: Client,
    timeout: Duration,
    tokens: TtlCache<[u8; 32], Option<Identity>>,
    access: TtlCache<AccessKey, bool>,
    token_reviews: AtomicU64,
    access_reviews: AtomicU64,
    hits: AtomicU64,
}

/// The identity Kubernetes reports for a user, in the terms RBAC and the creator labels use.
pub fn identity_from_user(user: &UserInfo) -> Identity {
    let username = user.username.clone().unwrap_or_default();
    let service_account = username
        .strip_prefix("system:serviceaccount:")
        .and_then(|rest| rest.split_once(':'))
        .filter(|(ns, name)| !ns.is_empty() && !name.is_empty() && !name.contains(':'))
        .map(|(ns, name)| (ns.to_string(), name.to_string()));
    Identity {
        username,
        service_account,
        groups: user.groups.clone().unwrap_or_default(),
        email: None,
        preferred_username: None,
    }
}

/// The caller a verified webhook client runs as with the Kubernetes backend: service
/// account `namespace/name` itself, with its creator labels.
pub fn service_account_caller(namespace: &str, name: &str) -> Caller {
    let identity = Identity::service_account(namespace, name);
    Caller::Client {
        creator_labels: creator_labels(&identity),
        identity,
    }
}

impl KubeAuth {
    /// How long a review answer is reused.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(10);

    /// Reviews sent with `client` (the server's credentials), cached for [`Self::DEFAULT_TTL`].
    pub fn new(client: Client) -> KubeAuth {
        KubeAuth::with_ttl(client, KubeAuth::DEFAULT_TTL)
    }

    /// Same, with another TTL.
    pub fn with_ttl(client: Client, ttl: Duration) -> KubeAuth {
        KubeAuth {
            client,
            timeout: Duration::from_secs(10),
            tokens: TtlCache::new(ttl, MAX_ENTRIES),
            access: TtlCache::new(ttl, MAX_ENTRIES),
            token_reviews: AtomicU64::new(0),
            access_reviews: AtomicU64::new(0),
            hits: AtomicU64::new(0),
        }
    }

    /// Reviews sent and cache hits so far.
    pub fn stats(&self) -> ReviewStats {
        ReviewStats {
            token_reviews: self.token_reviews.load(Ordering::Relaxed),
            access_reviews: self.access_reviews.load(Ordering::Relaxed),
            cache_hits: self.hits.load(Ordering::Relaxed),
        }
    }

    fn count(&self, lookup: Lookup) {
        if lookup == Lookup::Hit {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
    }

    async fn bounded<T>(
        &self,
        f: impl Future<Output = Result<T, kube::Error>>,
    ) -> Result<T, KubeAuthError> {
        match tokio::time::timeout(self.timeout, f).await {
            Err(_) => Err(KubeAuthError::Timeout(self.timeout)),
            Ok(Err(kube::Error::Api(s))) => Err(KubeAuthError::Review(s.message.clone())),
            Ok(Err(e)) => Err(KubeAuthError::Review(e.to_string())),
            Ok(Ok(v)) => Ok(v),
        }
    }

    /// Who owns `token` (without a `Bearer ` prefix): `None` when the API server does not
    /// authenticate it.
    pub async fn identify(&self, token: &str) -> Result<Option<Identity>, KubeAuthError> {
        if token.is_empty() || token.len() > MAX_TOKEN_BYTES {
            return Ok(None);
        }
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let (identity, lookup) = self
            .tokens
            .get_or_try_insert(key, || async {
                self.token_reviews.fetch_add(1, Ordering::Relaxed);
                let review = TokenReview {
                    spec: TokenReviewSpec {
                        token: Some(token.to_string()),
                        audiences: None,
                    },
                    ..TokenReview::default()
                };
                let api: Api<TokenReview> = Api::all(self.client.clone());
                let answer = self
                    .bounded(api.create(&PostParams::default(), &review))
                    .await?;
                let status = answer.status.unwrap_or_default();
                Ok(match (status.authenticated, status.user) {
                    (Some(true), Some(user)) if user.username.is_some() => {
                        Some(identity_from_user(&user))
                    }
                    _ => None,
                })
            })
            .await?;
        self.count(lookup);
        Ok(identity)
    }

    /// The caller owning `token`, with its creator labels; `None` when not authenticated.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Caller>, KubeAuthError> {
        Ok(self.identify(token).await?.map(|identity| Caller::Client {
            creator_labels: creator_labels(&identity),
            identity,
        }))
    }

    /// Whether `identity` may perform `attrs` (a SubjectAccessReview, cached).
    pub async fn allowed(
        &self,
        identity: &Identity,
        attrs: &ResourceAttributes,
    ) -> Result<bool, KubeAuthError> {
        let key = AccessKey {
            user: identity.username.clone(),
            groups: identity.groups.clone(),
            verb: attrs.verb.clone(),
            group: attrs.group.clone(),
            resource: attrs.resource.clone(),
            namespace: attrs.namespace.clone(),
            name: attrs.name.clone(),
        };
        let (allowed, lookup) = self
            .access
            .get_or_try_insert(key, || async {
                self.access_reviews.fetch_add(1, Ordering::Relaxed);
                let (resource, subresource) = match attrs.resource.split_once('/') {
                    Some((r, s)) => (r.to_string(), Some(s.to_string())),
                    None => (attrs.resource.clone(), None),
                };
                let review = SubjectAccessReview {
                    spec: SubjectAccessReviewSpec {
                        user: Some(identity.username.clone()),
                        groups: Some(identity.groups.clone()),
                        resource_attributes: Some(SarAttributes {
                            verb: Some(attrs.verb.clone()),
                            group: Some(attrs.group.clone()),
                            resource: Some(resource),
                            subresource,
                            namespace: attrs.namespace.clone(),
                            name: attrs.name.clone(),
                            ..SarAttributes::default()
                        }),
                        ..SubjectAccessReviewSpec::default()
                    },
                    ..SubjectAccessReview::default()
                };
                let api: Api<SubjectAccessReview> = Api::all(self.client.clone());
                let answer = self
                    .bounded(api.create(&PostParams::default(), &review))
                    .await?;
                Ok(answer.status.is_some_and(|s| s.allowed))
            })
            .await?;
        self.count(lookup);
        Ok(allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_account_users_are_recognised() {
        let user = UserInfo {
            username: Some("system:serviceaccount:argo:jenkins".into()),
            groups: Some(vec!["system:serviceaccounts".into()]),
            ..UserInfo::default()
        };
        let id = identity_from_user(&user);
        assert_eq!(
            id.service_account,
            Some(("argo".to_string(), "jenkins".to_string()))
        );
        assert_eq!(id.groups, vec!["system:serviceaccounts"]);
        let labels = creator_labels(&id);
        assert_eq!(
            labels[0].1.as_deref(),
            Some("system-serviceaccount-argo-jenkins")
        );
        let plain = identity_from_user(&UserInfo {
            username: Some("alice".into()),
            ..UserInfo::default()
        });
        assert_eq!(plain.service_account, None);
        assert!(plain.groups.is_empty());
    }
}
