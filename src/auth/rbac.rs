//! Kubernetes RBAC evaluation over a snapshot of Roles, ClusterRoles and their bindings.
//!
//! Takes a [`ManifestSet`]; returns an [`Rbac`] index answering
//! [`Rbac::allowed`]`(identity, attributes)` for resource requests exactly as the Kubernetes
//! RBAC authorizer does (`plugin/pkg/auth/authorizer/rbac`):
//!
//! - A rule matches when its `verbs`, `apiGroups` and `resources` each contain the requested
//!   value or `*`, and its `resourceNames` are empty or contain the requested name. A rule
//!   with `resourceNames` never matches a request without a name (`list`, `create`).
//!   `resources` may name `resource/subresource` or `*/subresource`.
//! - A RoleBinding grants its Role, or a ClusterRole's rules within the RoleBinding's own
//!   namespace only. A ClusterRoleBinding grants a ClusterRole in every namespace and for
//!   cluster-scoped resources.
//! - Subjects: `User` matches the user name, `Group` any of the identity's groups,
//!   `ServiceAccount` the user name `system:serviceaccount:<ns>:<name>` (a RoleBinding's
//!   subject without namespace means the binding's namespace; in a ClusterRoleBinding it
//!   matches nobody).
//! - A binding to a role that does not exist grants nothing. ClusterRole `aggregationRule`
//!   is not evaluated, and there are no built-in roles: everything comes from the snapshot.
//!
//! The index is built once per snapshot: grants are grouped by subject (user name or group),
//! then by namespace, so a check only visits the rules that can apply to the caller.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::PolicyRule;
use crate::store::manifests::{ManifestSet, ObjectKey};

use super::token::Identity;

/// What a request wants to do: a resource request in Kubernetes' terms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceAttributes {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, …
    pub verb: String,
    /// API group, e.g. `argoproj.io` (`""` for the core group).
    pub group: String,
    /// Plural resource, e.g. `workflows`, optionally `resource/subresource`.
    pub resource: String,
    /// Namespace; `None` for a cluster-scoped resource or a request across all namespaces.
    pub namespace: Option<String>,
    /// Object name; `None` for `list`, `create` without a name, and similar.
    pub name: Option<String>,
}

impl ResourceAttributes {
    /// A request for `verb` on `group`/`resource`, cluster-wide and unnamed.
    pub fn new(verb: &str, group: &str, resource: &str) -> Self {
        Self {
            verb: verb.to_owned(),
            group: group.to_owned(),
            resource: resource.to_owned(),
            namespace: None,
            name: None,
        }
    }

    /// The same request in `namespace`.
    #[must_use]
    pub fn in_namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_owned());
        self
    }

    /// The same request for the object `name`.
    #[must_use]
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }
}

/// The rules one subject holds.
#[derive(Debug, Default)]
struct Grants {
    /// Rules that apply in every namespace and to cluster-scoped resources.
    cluster: Vec<Arc<[PolicyRule]>>,
    /// Rules that apply only in one namespace.
    namespaced: HashMap<String, Vec<Arc<[PolicyRule]>>>,
}

/// An RBAC snapshot, indexed by subject.
#[derive(Debug, Default)]
pub struct Rbac {
    /// By user name (service accounts as `system:serviceaccount:<ns>:<name>`).
    users: HashMap<String, Grants>,
    /// By group name.
    groups: HashMap<String, Grants>,
}

impl From<&ManifestSet> for Rbac {
    fn from(set: &ManifestSet) -> Self {
        Rbac::from_set(set)
    }
}

fn service_account_username(namespace: &str, name: &str) -> String {
    format!("system:serviceaccount:{namespace}:{name}")
}

impl Rbac {
    /// Indexes the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings of `set`.
    pub fn from_set(set: &ManifestSet) -> Rbac {
        let roles: HashMap<&ObjectKey, Arc<[PolicyRule]>> = set
            .roles
            .iter()
            .map(|(k, r)| (k, Arc::from(r.rules.clone())))
            .collect();
        let cluster_roles: HashMap<&str, Arc<[PolicyRule]>> = set
            .cluster_roles
            .iter()
            .map(|(k, r)| (k.name.as_str(), Arc::from(r.rules.clone())))
            .collect();
        let mut rbac = Rbac::default();

        for (key, binding) in &set.role_bindings {
            let ns = key.namespace.as_str();
            let rules = match binding.role_ref.kind.as_str() {
                "Role" => roles
                    .get(&ObjectKey::new(ns, binding.role_ref.name.clone()))
                    .cloned(),
                "ClusterRole" => cluster_roles.get(binding.role_ref.name.as_str()).cloned(),
                _ => None,
            };
            let Some(rules) = rules.filter(|r| !r.is_empty()) else {
                continue;
            };
            for subject in &binding.subjects {
                if let Some(grants) =
                    rbac.grants_for(&subject.kind, &subject.name, &subject.namespace, ns)
                {
                    grants
                        .namespaced
                        .entry(ns.to_owned())
                        .or_default()
                        .push(rules.clone());
                }
            }
        }

        for binding in set.cluster_role_bindings.values() {
            if binding.role_ref.kind != "ClusterRole" {
                continue;
            }
            let Some(rules) = cluster_roles
                .get(binding.role_ref.name.as_str())
                .filter(|r| !r.is_empty())
            else {
                continue;
            };
            for subject in &binding.subjects {
                if let Some(grants) =
                    rbac.grants_for(&subject.kind, &subject.name, &subject.namespace, "")
                {
                    grants.cluster.push(rules.clone());
                }
            }
        }
        rbac
    }

    /// The grant list of one subject, or `None` for a subject that can match nobody.
    fn grants_for(
        &mut self,
        kind: &str,
        name: &str,
        subject_namespace: &str,
        binding_namespace: &str,
    ) -> Option<&mut Grants> {
        if name.is_empty() {
            return None;
        }
        match kind {
            "User" => Some(self.users.entry(name.to_owned()).or_default()),
            "Group" => Some(self.groups.entry(name.to_owned()).or_default()),
            "ServiceAccount" => {
                let ns = if subject_namespace.is_empty() {
                    binding_namespace
                } else {
                    subject_namespace
                };
                if ns.is_empty() {
                    return None;
                }
                Some(
                    self.users
                        .entry(service_account_username(ns, name))
                        .or_default(),
                )
            }
            _ => None,
        }
    }

    /// Whether `identity` may perform `attrs`.
    pub fn allowed(&self, identity: &Identity, attrs: &ResourceAttributes) -> bool {
        let subresource = attrs.resource.split_once('/').map_or("", |(_, s)| s);
        let request = Request {
            verb: &attrs.verb,
            group: &attrs.group,
            combined: &attrs.resource,
            subresource,
            name: attrs.name.as_deref().unwrap_or(""),
        };
        let subjects = std::iter::once(self.users.get(&identity.username))
            .chain(identity.groups.iter().map(|g| self.groups.get(g)))
            .flatten();
        for grants in subjects {
            let namespaced = attrs
                .namespace
                .as_deref()
                .and_then(|ns| grants.namespaced.get(ns))
                .into_iter()
                .flatten();
            if grants
                .cluster
                .iter()
                .chain(namespaced)
                .any(|rules| rules.iter().any(|r| request.matches(r)))
            {
                return true;
            }
        }
        false
    }
}

/// A request, pre-split for rule matching.
struct Request<'a> {
    verb: &'a str,
    group: &'a str,
    /// `resource` or `resource/subresource`, as requested.
    combined: &'a str,
    subresource: &'a str,
    /// `""` when the request names no object.
    name: &'a str,
}

impl Request<'_> {
    /// Kubernetes' `RuleAllows` for resource requests.
    fn matches(&self, rule: &PolicyRule) -> bool {
        let any_or = |list: &[String], v: &str| list.iter().any(|x| x == "*" || x == v);
        any_or(&rule.verbs, self.verb)
            && any_or(&rule.api_groups, self.group)
            && self.resource_matches(rule)
            && (rule.resource_names.is_empty()
                || (!self.name.is_empty() && rule.resource_names.iter().any(|n| n == self.name)))
    }

    /// Kubernetes' `ResourceMatches`: `*`, the exact (combined) resource, or `*/subresource`.
    fn resource_matches(&self, rule: &PolicyRule) -> bool {
        rule.resources.iter().any(|r| {
            r == "*"
                || r == self.combined
                || (!self.subresource.is_empty()
                    && r.strip_prefix("*/").is_some_and(|s| s == self.subresource))
        })
    }
}
