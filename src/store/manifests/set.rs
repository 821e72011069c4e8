//! [`ManifestSet`]: the loaded objects, grouped by kind and keyed by [`ObjectKey`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::{
    ClusterRole, ClusterRoleBinding, ClusterWorkflowTemplate, Kind, Object, Role, RoleBinding,
    Secret, ServiceAccount, Workflow, WorkflowEventBinding, WorkflowTemplate,
};

use super::display_key;

/// The key of an object within its kind: (namespace, name); namespace `""` when cluster-scoped.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// Namespace, `""` for cluster-scoped objects.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl ObjectKey {
    /// A key.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display_key(&self.namespace, &self.name))
    }
}

/// Every object from the manifest folders, grouped by kind and keyed by (namespace, name).
#[derive(Clone, Debug, Default)]
pub struct ManifestSet {
    /// WorkflowEventBindings.
    pub workflow_event_bindings: BTreeMap<ObjectKey, WorkflowEventBinding>,
    /// WorkflowTemplates.
    pub workflow_templates: BTreeMap<ObjectKey, WorkflowTemplate>,
    /// ClusterWorkflowTemplates (namespace `""`).
    pub cluster_workflow_templates: BTreeMap<ObjectKey, ClusterWorkflowTemplate>,
    /// Workflows given as manifests (rare; the backend stores submitted ones itself).
    pub workflows: BTreeMap<ObjectKey, Workflow>,
    /// ServiceAccounts.
    pub service_accounts: BTreeMap<ObjectKey, ServiceAccount>,
    /// Secrets.
    pub secrets: BTreeMap<ObjectKey, Secret>,
    /// Roles.
    pub roles: BTreeMap<ObjectKey, Role>,
    /// ClusterRoles (namespace `""`).
    pub cluster_roles: BTreeMap<ObjectKey, ClusterRole>,
    /// RoleBindings.
    pub role_bindings: BTreeMap<ObjectKey, RoleBinding>,
    /// ClusterRoleBindings (namespace `""`).
    pub cluster_role_bindings: BTreeMap<ObjectKey, ClusterRoleBinding>,
    /// The file each object came from.
    sources: BTreeMap<(Kind, ObjectKey), PathBuf>,
}

/// The objects of one namespace in a map keyed by [`ObjectKey`].
fn in_namespace<'a, T>(
    map: &'a BTreeMap<ObjectKey, T>,
    namespace: &str,
) -> impl Iterator<Item = &'a T> + use<'a, T> {
    let ns = namespace.to_owned();
    map.range(ObjectKey::new(namespace, "")..)
        .take_while(move |(k, _)| k.namespace == ns)
        .map(|(_, v)| v)
}

impl ManifestSet {
    /// Adds an object (already normalised: name set, namespace defaulted). Returns the file of
    /// the definition it replaced, if any.
    pub fn insert(&mut self, object: Object, source: &Path) -> Option<PathBuf> {
        let kind = object.kind();
        let meta = object.metadata();
        let key = ObjectKey::new(meta.namespace.clone(), meta.name.clone());
        match object {
            Object::WorkflowEventBinding(o) => {
                self.workflow_event_bindings.insert(key.clone(), o);
            }
            Object::WorkflowTemplate(o) => {
                self.workflow_templates.insert(key.clone(), o);
            }
            Object::ClusterWorkflowTemplate(o) => {
                self.cluster_workflow_templates.insert(key.clone(), o);
            }
            Object::Workflow(o) => {
                self.workflows.insert(key.clone(), o);
            }
            Object::ServiceAccount(o) => {
                self.service_accounts.insert(key.clone(), o);
            }
            Object::Secret(o) => {
                self.secrets.insert(key.clone(), o);
            }
            Object::Role(o) => {
                self.roles.insert(key.clone(), o);
            }
            Object::ClusterRole(o) => {
                self.cluster_roles.insert(key.clone(), o);
            }
            Object::RoleBinding(o) => {
                self.role_bindings.insert(key.clone(), o);
            }
            Object::ClusterRoleBinding(o) => {
                self.cluster_role_bindings.insert(key.clone(), o);
            }
        }
        self.sources.insert((kind, key), source.to_owned())
    }

    /// The file an object came from.
    pub fn source(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Path> {
        self.sources
            .get(&(kind, ObjectKey::new(namespace, name)))
            .map(PathBuf::as_path)
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// `true` when there are no objects.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Number of objects of one kind.
    pub fn count(&self, kind: Kind) -> usize {
        self.sources.keys().filter(|(k, _)| *k == kind).count()
    }

    /// The bindings of one namespace, in name order.
    pub fn bindings_in(&self, namespace: &str) -> impl Iterator<Item = &WorkflowEventBinding> {
        in_namespace(&self.workflow_event_bindings, namespace)
    }

    /// The WorkflowTemplates of one namespace, in name order.
    pub fn workflow_templates_in(
        &self,
        namespace: &str,
    ) -> impl Iterator<Item = &WorkflowTemplate> {
        in_namespace(&self.workflow_templates, namespace)
    }

    /// A WorkflowTemplate.
    pub fn workflow_template(&self, namespace: &str, name: &str) -> Option<&WorkflowTemplate> {
        self.workflow_templates
            .get(&ObjectKey::new(namespace, name))
    }

    /// A ClusterWorkflowTemplate.
    pub fn cluster_workflow_template(&self, name: &str) -> Option<&ClusterWorkflowTemplate> {
        self.cluster_workflow_templates
            .get(&ObjectKey::new("", name))
    }

    /// A ServiceAccount.
    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&ServiceAccount> {
        self.service_accounts.get(&ObjectKey::new(namespace, name))
    }

    /// A Secret.
    pub fn secret(&self, namespace: &str, name: &str) -> Option<&Secret> {
        self.secrets.get(&ObjectKey::new(namespace, name))
    }

    /// Every namespace that holds at least one namespaced object, sorted.
    pub fn namespaces(&self) -> BTreeSet<&str> {
        self.sources
            .keys()
            .filter(|(kind, _)| !kind.is_cluster_scoped())
            .map(|(_, key)| key.namespace.as_str())
            .collect()
    }
}
