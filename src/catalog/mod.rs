//! The in-memory view of bindings, templates and auth objects that every event reads.
//!
//! Takes a [`ManifestSet`] (from the embedded backend's manifest folders; a Kubernetes
//! backend would feed watch results the same way) and returns nothing: [`Catalog::apply`]
//! compiles every binding once and swaps the new state in. Readers get immutable snapshots:
//! compiled and indexed bindings per namespace in a `DashMap<namespace, Arc<BindingSet>>` (the
//! selector index is built here, once per namespace; one insert per namespace on change),
//! templates and auth behind `ArcSwap`, and the parsed webhook clients per namespace
//! ([`Webhooks`]). Nothing here does I/O.

mod access;
#[cfg(test)]
mod tests;
mod webhooks;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use arc_swap::ArcSwap;
use dashmap::DashMap;

use crate::binding::dispatch::{Context, TemplateInfo};
use crate::binding::{
    BindingError, BindingSet, Caller, CompiledBinding, INSTANCE_LABEL, NamespaceBindings,
};
use crate::model::{
    ClusterWorkflowTemplate, Kind, WorkflowEventBinding, WorkflowTemplate, WorkflowTemplateRef,
};
use crate::store::manifests::ManifestSet;

pub use access::Access;
pub use webhooks::{NamespaceWebhooks, Webhooks};

/// Template metadata, by namespace and name, and by name for cluster templates.
#[derive(Debug, Default)]
pub struct Templates {
    namespaced: HashMap<(String, String), Arc<TemplateInfo>>,
    cluster: HashMap<String, Arc<TemplateInfo>>,
}

impl Templates {
    fn from_set(set: &ManifestSet) -> Templates {
        let info = |name: &str,
                    labels: &std::collections::BTreeMap<String, String>,
                    l: Vec<(&str, &str)>,
                    a: Vec<(&str, &str)>| {
            Arc::new(TemplateInfo {
                name: name.to_string(),
                instance_label: labels.get(INSTANCE_LABEL).cloned(),
                labels: l
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                annotations: a
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            })
        };
        let namespaced = set
            .workflow_templates
            .values()
            .map(|t: &WorkflowTemplate| {
                let m = &t.metadata;
                let i = info(
                    &m.name,
                    &m.labels,
                    t.workflow_metadata_labels().collect(),
                    t.workflow_metadata_annotations().collect(),
                );
                ((m.namespace.clone(), m.name.clone()), i)
            })
            .collect();
        let cluster = set
            .cluster_workflow_templates
            .values()
            .map(|t: &ClusterWorkflowTemplate| {
                let m = &t.metadata;
                let i = info(
                    &m.name,
                    &m.labels,
                    t.workflow_metadata_labels().collect(),
                    t.workflow_metadata_annotations().collect(),
                );
                (m.name.clone(), i)
            })
            .collect();
        Templates {
            namespaced,
            cluster,
        }
    }

    /// The template a reference from `namespace` points to.
    pub fn get(&self, namespace: &str, r: &WorkflowTemplateRef) -> Option<Arc<TemplateInfo>> {
        if r.cluster_scope {
            self.cluster.get(&r.name).cloned()
        } else {
            self.namespaced
                .get(&(namespace.to_string(), r.name.clone()))
                .cloned()
        }
    }
}

/// A problem found in the manifests while compiling them (the binding still loads unless
/// it has no name; at event time it fails with Argo's error text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogProblem {
    /// A binding could not be compiled at all.
    #[error("{file}: {source}")]
    Binding {
        /// The manifest file.
        file: String,
        /// Why.
        #[source]
        source: BindingError,
    },
    /// An expression of a binding does not compile.
    #[error(
        "WorkflowEventBinding {namespace}/{name} ({file}): {field} does not compile: {message}"
    )]
    DoesNotCompile {
        /// Binding namespace.
        namespace: String,
        /// Binding name.
        name: String,
        /// The manifest file.
        file: String,
        /// Which field (e.g. `spec.event.selector`).
        field: String,
        /// The compiler's message.
        message: String,
    },
    /// A binding refers to a template that is not loaded.
    #[error(
        "WorkflowEventBinding {namespace}/{name} ({file}): refers to {kind} {template:?}, which does not exist"
    )]
    MissingTemplate {
        /// Binding namespace.
        namespace: String,
        /// Binding name.
        name: String,
        /// The manifest file.
        file: String,
        /// `WorkflowTemplate` or `ClusterWorkflowTemplate`.
        kind: &'static str,
        /// The template name.
        template: String,
    },
}

/// A summary of one [`Catalog::apply`], for logs and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    /// Bindings in force (after the instance-id filter).
    pub bindings: usize,
    /// Problems found: expressions that do not compile, missing templates, unnamed bindings.
    pub warnings: Vec<CatalogProblem>,
}

/// The shared state the matchers and the HTTP layer read.
pub struct Catalog {
    instance_id: Option<String>,
    bindings: DashMap<String, NamespaceBindings>,
    templates: ArcSwap<Templates>,
    access: ArcSwap<Access>,
    objects: ArcSwap<ManifestSet>,
    webhooks: Webhooks,
    loaded: AtomicBool,
}

/// What [`crate::binding::dispatch::plan`] reads, captured once per event.
pub struct DispatchContext<'a> {
    templates: Arc<Templates>,
    access: Arc<Access>,
    instance_id: Option<&'a str>,
}

impl Context for DispatchContext<'_> {
    fn template(&self, namespace: &str, r: &WorkflowTemplateRef) -> Option<Arc<TemplateInfo>> {
        self.templates.get(namespace, r)
    }

    fn allowed(
        &self,
        caller: &Caller,
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> bool {
        self.access.allowed(caller, verb, resource, namespace, name)
    }

    fn instance_id(&self) -> Option<&str> {
        self.instance_id
    }
}

fn managed(labels: &std::collections::BTreeMap<String, String>, instance_id: Option<&str>) -> bool {
    labels.get(INSTANCE_LABEL).map(String::as_str) == instance_id
}

impl Catalog {
    /// An empty catalog (nothing loaded yet).
    pub fn new(instance_id: Option<String>) -> Catalog {
        Catalog {
            instance_id,
            bindings: DashMap::new(),
            templates: ArcSwap::from_pointee(Templates::default()),
            access: ArcSwap::from_pointee(Access::default()),
            objects: ArcSwap::from_pointee(ManifestSet::default()),
            webhooks: Webhooks::default(),
            loaded: AtomicBool::new(false),
        }
    }

    /// Compiles `set` and makes it the current state.
    pub fn apply(&self, set: ManifestSet) -> ApplyReport {
        let mut report = ApplyReport::default();
        let templates = Templates::from_set(&set);
        let mut by_ns: HashMap<String, Vec<CompiledBinding>> = HashMap::new();
        for b in set.workflow_event_bindings.values() {
            if !managed(&b.metadata.labels, self.instance_id.as_deref()) {
                continue;
            }
            let file = set
                .source(
                    Kind::WorkflowEventBinding,
                    &b.metadata.namespace,
                    &b.metadata.name,
                )
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let compiled = match CompiledBinding::compile(b) {
                Ok(c) => c,
                Err(e) => {
                    report
                        .warnings
                        .push(CatalogProblem::Binding { file, source: e });
                    continue;
                }
            };
            let (namespace, name) = (&b.metadata.namespace, &b.metadata.name);
            for (field, message) in compiled.compile_problems() {
                report.warnings.push(CatalogProblem::DoesNotCompile {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    file: file.clone(),
                    field,
                    message,
                });
            }
            if let Some(s) = &compiled.submit
                && templates
                    .get(&compiled.namespace, &s.template_ref)
                    .is_none()
            {
                let kind = if s.template_ref.cluster_scope {
                    "ClusterWorkflowTemplate"
                } else {
                    "WorkflowTemplate"
                };
                report.warnings.push(CatalogProblem::MissingTemplate {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    file: file.clone(),
                    kind,
                    template: s.template_ref.name.clone(),
                });
            }
            by_ns
                .entry(compiled.namespace.clone())
                .or_default()
                .push(compiled);
        }
        report.bindings = by_ns.values().map(Vec::len).sum();
        self.templates.store(Arc::new(templates));
        self.access.store(Arc::new(Access::from_set(&set)));
        self.webhooks.apply(&set);
        self.bindings.retain(|ns, _| by_ns.contains_key(ns));
        for (ns, list) in by_ns {
            self.bindings.insert(ns, Arc::new(BindingSet::new(list)));
        }
        self.objects.store(Arc::new(set));
        self.loaded.store(true, Ordering::Release);
        report
    }

    /// The compiled bindings of a namespace.
    pub fn bindings(&self, namespace: &str) -> Option<NamespaceBindings> {
        self.bindings.get(namespace).map(|e| e.value().clone())
    }

    /// A consistent view for one event's dispatch.
    pub fn dispatch_context(&self) -> DispatchContext<'_> {
        DispatchContext {
            templates: self.templates.load_full(),
            access: self.access.load_full(),
            instance_id: self.instance_id.as_deref(),
        }
    }

    /// The caller owning a bearer token.
    pub fn authenticate(&self, token: &str) -> Option<Caller> {
        self.access.load().authenticate(token)
    }

    /// Whether `caller` may `verb` the `resource` (API group `argoproj.io`).
    pub fn allowed(
        &self,
        caller: &Caller,
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> bool {
        self.access
            .load()
            .allowed(caller, verb, resource, namespace, name)
    }

    /// Whether a load has succeeded.
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    /// Every binding of a namespace, as loaded (no instance-id filter, as in Argo).
    pub fn list_bindings(&self, namespace: &str) -> Vec<WorkflowEventBinding> {
        self.objects
            .load()
            .bindings_in(namespace)
            .cloned()
            .collect()
    }

    /// The WorkflowTemplates of a namespace.
    pub fn list_templates(&self, namespace: &str) -> Vec<WorkflowTemplate> {
        self.objects
            .load()
            .workflow_templates_in(namespace)
            .cloned()
            .collect()
    }

    /// Every ClusterWorkflowTemplate.
    pub fn list_cluster_templates(&self) -> Vec<ClusterWorkflowTemplate> {
        self.objects
            .load()
            .cluster_workflow_templates
            .values()
            .cloned()
            .collect()
    }
}
