//! WorkflowEventBindings, compiled once, and the pure step that turns an event into Workflows.
//!
//! Takes a [`WorkflowEventBinding`] (at load time) and returns a [`CompiledBinding`] whose every
//! expression is already compiled, so no expression is compiled per event; a namespace's
//! bindings are kept together with their selector index ([`BindingSet`], [`index`]). At event
//! time [`dispatch::plan`] takes an [`Event`], the namespace's [`BindingSet`] and a
//! [`dispatch::Context`] (template cache, permissions, instance id) and returns, per binding
//! that matched or failed, either a Workflow to create or Argo's exact error text. No I/O
//! happens here.
//!
//! Not every selector runs: the index finds, per event, the bindings whose selector can be
//! true or fail, from the literal comparisons their selectors start with
//! (`payload.repository.full_name == "acme/x"`), so an event costs one evaluation per distinct
//! compared path plus the bindings that can match, not one selector per binding. This is
//! exact: a selector is skipped only when one of its `&&` conjuncts is a comparison the event
//! makes false and every conjunct before it can neither fail nor yield a non-bool, so the
//! selector is `false` without error and the binding would produce nothing
//! ([`crate::expr::index`] gives the argument). [`dispatch::plan_all`] runs every selector,
//! with the same outcomes.

pub mod dispatch;
pub mod index;
mod names;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde_json::Value;

use crate::auth::token::Identity;
use crate::expr::{EnvKind, Expression};
use crate::model::{WorkflowEventBinding, WorkflowTemplateRef};

pub use index::BindingSet;
pub use names::random_suffix;

/// Label naming the WorkflowTemplate a workflow came from.
pub const TEMPLATE_LABEL: &str = "workflows.argoproj.io/workflow-template";
/// Label naming the ClusterWorkflowTemplate a workflow came from.
pub const CLUSTER_TEMPLATE_LABEL: &str = "workflows.argoproj.io/cluster-workflow-template";
/// Label naming the controller instance.
pub const INSTANCE_LABEL: &str = "workflows.argoproj.io/controller-instanceid";
/// Label naming the binding that submitted a workflow.
pub const BINDING_LABEL: &str = "workflows.argoproj.io/workflow-event-binding";
/// Creator label (the caller's subject, DNS-friendly).
pub const CREATOR_LABEL: &str = "workflows.argoproj.io/creator";
/// Creator e-mail label.
pub const CREATOR_EMAIL_LABEL: &str = "workflows.argoproj.io/creator-email";
/// Creator preferred-username label.
pub const CREATOR_USERNAME_LABEL: &str = "workflows.argoproj.io/creator-preferred-username";
/// Annotation carrying the provider's delivery id of the event that created a workflow.
pub const DELIVERY_ID_ANNOTATION: &str = "flowgate.io/delivery-id";
/// Label that dispatch always removes.
pub const ACTION_LABEL: &str = "workflows.argoproj.io/action";

/// Errors of this module (internal invariants only; binding failures are Argo error strings).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindingError {
    /// The binding has no name.
    #[error("a WorkflowEventBinding in namespace {namespace:?} has no name")]
    NoName {
        /// Its namespace.
        namespace: String,
    },
}

/// One event, as the matchers see it.
#[derive(Debug, Clone)]
pub struct Event {
    /// Unique id, also written to each created workflow.
    pub id: String,
    /// `{namespace}` of the URL.
    pub namespace: String,
    /// `{discriminator}` of the URL (may be empty).
    pub discriminator: String,
    /// Lower-cased `x-` headers, each a list of strings.
    pub metadata: Value,
    /// The JSON body.
    pub payload: Value,
    /// Who sent it.
    pub caller: Caller,
    /// The provider's delivery id (`X-GitHub-Delivery`, `X-Gitlab-Event-UUID`,
    /// `X-Request-UUID` or `webhook-id`), for deduplicating redeliveries; written to each
    /// created workflow as [`DELIVERY_ID_ANNOTATION`].
    pub delivery_id: Option<String>,
    /// Permission answers resolved before matching (Kubernetes backend, client mode: see
    /// [`crate::auth::kube::grants`]); `None`: the catalog's RBAC answers.
    pub grants: Option<std::sync::Arc<crate::auth::kube::Grants>>,
}

/// The identity an event is processed as.
#[derive(Debug, Clone)]
pub enum Caller {
    /// `--auth-mode server`: the server itself, allowed everything, no creator claims.
    Server,
    /// A client identity (a service account).
    Client {
        /// Who: user name (e.g. `system:serviceaccount:argo:jenkins`), groups, claims.
        identity: Identity,
        /// The creator labels to set (value) or delete (`None`), in order.
        creator_labels: Vec<(String, Option<String>)>,
    },
}

/// A compiled `submit.metadata` value.
#[derive(Debug, Clone)]
pub struct CompiledMetadata {
    /// `name` expression.
    pub name: Option<Expression>,
    /// `generateName` expression.
    pub generate_name: Option<Expression>,
    /// Label key → expression, in key order.
    pub labels: Vec<(String, Expression)>,
    /// Annotation key → expression, in key order.
    pub annotations: Vec<(String, Expression)>,
}

/// A compiled parameter.
#[derive(Debug, Clone)]
pub struct CompiledParameter {
    /// Parameter name.
    pub name: String,
    /// `valueFrom.event`, or `None` when `valueFrom` is missing.
    pub event: Option<Expression>,
}

/// A compiled `spec.submit`.
#[derive(Debug, Clone)]
pub struct CompiledSubmit {
    /// The template reference.
    pub template_ref: WorkflowTemplateRef,
    /// `submit.metadata`.
    pub metadata: CompiledMetadata,
    /// `submit.arguments.parameters`, in order.
    pub parameters: Vec<CompiledParameter>,
}

/// A binding ready to be evaluated.
#[derive(Debug, Clone)]
pub struct CompiledBinding {
    /// Binding name.
    pub name: String,
    /// Binding namespace.
    pub namespace: String,
    /// The selector (a binding without spec has the empty selector, which fails to compile).
    pub selector: Expression,
    /// What to submit; `None` makes a match a no-op.
    pub submit: Option<CompiledSubmit>,
}

impl CompiledBinding {
    /// Compiles every expression of `binding`.
    pub fn compile(binding: &WorkflowEventBinding) -> Result<CompiledBinding, BindingError> {
        let meta = &binding.metadata;
        if meta.name.is_empty() {
            return Err(BindingError::NoName {
                namespace: meta.namespace.clone(),
            });
        }
        let spec = binding.spec.as_ref();
        let selector = Expression::new(
            spec.map_or("", |s| s.event.selector.as_str()),
            EnvKind::Plain,
        );
        let submit = spec.and_then(|s| s.submit.as_ref()).map(|s| {
            let m = &s.metadata;
            let meta_expr = |src: &str| Expression::new(src, EnvKind::Metadata);
            let opt = |src: &str| (!src.is_empty()).then(|| meta_expr(src));
            CompiledSubmit {
                template_ref: s.workflow_template_ref.clone(),
                metadata: CompiledMetadata {
                    name: opt(&m.name),
                    generate_name: opt(&m.generate_name),
                    labels: m
                        .labels
                        .iter()
                        .map(|(k, v)| (k.clone(), meta_expr(v)))
                        .collect(),
                    annotations: m
                        .annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), meta_expr(v)))
                        .collect(),
                },
                parameters: s
                    .arguments
                    .iter()
                    .flat_map(|a| a.parameters.iter())
                    .map(|p| CompiledParameter {
                        name: p.name.clone(),
                        event: p
                            .value_from
                            .as_ref()
                            .map(|v| Expression::new(&v.event, EnvKind::Plain)),
                    })
                    .collect(),
            }
        });
        Ok(CompiledBinding {
            name: meta.name.clone(),
            namespace: meta.namespace.clone(),
            selector,
            submit,
        })
    }

    /// Every expression that does not compile, as `(where, message)`, for load-time warnings.
    pub fn compile_problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut check = |what: String, e: &Expression| {
            if let Some(err) = e.syntax_error() {
                out.push((what, err.message.clone()));
            }
        };
        check("spec.event.selector".into(), &self.selector);
        if let Some(s) = &self.submit {
            if let Some(e) = &s.metadata.name {
                check("spec.submit.metadata.name".into(), e);
            }
            if let Some(e) = &s.metadata.generate_name {
                check("spec.submit.metadata.generateName".into(), e);
            }
            for (k, e) in &s.metadata.labels {
                check(format!("spec.submit.metadata.labels[{k:?}]"), e);
            }
            for (k, e) in &s.metadata.annotations {
                check(format!("spec.submit.metadata.annotations[{k:?}]"), e);
            }
            for p in &s.parameters {
                if let Some(e) = &p.event {
                    check(format!("spec.submit.arguments.parameters[{:?}]", p.name), e);
                }
            }
        }
        out
    }
}

/// The compiled and indexed bindings of one namespace, shared read-only with every matcher.
pub type NamespaceBindings = Arc<BindingSet>;
