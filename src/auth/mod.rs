//! Authentication and authorization: who sent a request, and what it may do.
//!
//! - [`token`]: bearer tokens → [`Identity`], from service-account token Secrets, compared in
//!   constant time; the webhook rule that maps a service account to its token's identity.
//! - [`creator`]: the creator labels a submitted Workflow carries, and Argo's `dnsFriendly`.
//! - [`rbac`]: Kubernetes RBAC evaluation over Roles, ClusterRoles and their bindings.
//! - [`webhook`]: provider webhook signatures (who sent an unauthenticated event).
//! - [`kube`]: the Kubernetes backend's client mode: TokenReview and SubjectAccessReview,
//!   cached (the only part that does I/O).
//!
//! Takes a manifest snapshot ([`crate::store::manifests::ManifestSet`]) and request
//! credentials; returns identities and allow/deny decisions. Pure, except [`kube`]: no I/O. Tokens and secret
//! values are never logged or printed.

pub mod creator;
pub mod kube;
pub mod rbac;
pub mod token;
pub mod webhook;

#[cfg(test)]
mod tests;

pub use creator::{creator_labels, dns_friendly};
pub use rbac::{Rbac, ResourceAttributes};
pub use token::{Identity, TokenError, TokenIndex};
