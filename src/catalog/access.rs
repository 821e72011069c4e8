//! Authentication and RBAC over the loaded auth objects, in the terms the pipeline uses.
//!
//! Takes a [`ManifestSet`]; returns an [`Access`] that maps a bearer token to a
//! [`Caller`] (with its creator labels, spec §3) and answers "may this caller `verb` this
//! `argoproj.io` resource". Built on `auth::token` (constant-time token lookup) and
//! `auth::rbac` (Kubernetes RBAC evaluation). `Caller::Server` may do everything.

use crate::auth::creator::creator_labels;
use crate::auth::rbac::{Rbac, ResourceAttributes};
use crate::auth::token::{TokenError, TokenIndex};
use crate::binding::Caller;
use crate::store::manifests::ManifestSet;

/// The API group of every resource flowgate authorizes.
pub const ARGO_GROUP: &str = "argoproj.io";

/// Token index plus RBAC snapshot.
#[derive(Default)]
pub struct Access {
    tokens: TokenIndex,
    rbac: Rbac,
}

impl Access {
    /// Builds both indexes from the auth objects of `set`.
    pub fn from_set(set: &ManifestSet) -> Access {
        Access {
            tokens: TokenIndex::from_set(set),
            rbac: Rbac::from_set(set),
        }
    }

    /// The caller owning `token`, if any (compared in constant time by the token index).
    pub fn authenticate(&self, token: &str) -> Option<Caller> {
        let identity = self.tokens.authenticate(token)?;
        let creator_labels = creator_labels(&identity);
        Some(Caller::Client {
            identity,
            creator_labels,
        })
    }

    /// The caller that service account `namespace/name` runs as when a webhook client
    /// naming it is verified: the identity its token Secret authenticates as (spec §9 step 4).
    pub fn service_account_caller(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Caller, TokenError> {
        let identity = self.tokens.resolve_service_account(namespace, name)?;
        let creator_labels = creator_labels(&identity);
        Ok(Caller::Client {
            identity,
            creator_labels,
        })
    }

    /// Whether `caller` may `verb` the `resource` in `namespace` (`None`: cluster scope).
    pub fn allowed(
        &self,
        caller: &Caller,
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> bool {
        match caller {
            Caller::Server => true,
            Caller::Client { identity, .. } => {
                let attrs = ResourceAttributes {
                    verb: verb.to_string(),
                    group: ARGO_GROUP.to_string(),
                    resource: resource.to_string(),
                    namespace: namespace.map(str::to_string),
                    name: name.map(str::to_string),
                };
                self.rbac.allowed(identity, &attrs)
            }
        }
    }
}
