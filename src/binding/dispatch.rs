//! Turning one event into Workflows: Argo's `Operation.dispatch`, without I/O.
//!
//! Takes an [`Event`], the namespace's compiled bindings and a [`Context`]; returns one
//! [`Planned`] per binding that matched or failed (bindings whose selector is false, or that
//! have no `submit`, produce nothing). [`plan`] evaluates the bindings the namespace's
//! [`BindingIndex`](super::index::BindingIndex) does not rule out, and [`plan_all`] every
//! binding, with the same outcomes; bindings are evaluated in order, and an error in one does
//! not stop the next. The steps and error texts follow `server/event/dispatch/operation.go`
//! (spec §5–7); the name is chosen here, once, so a retried create reuses it. A name drawn from
//! `generateName` is marked as such ([`Planned::name_generated`]) so that a collision with
//! another object can be redrawn.

use std::sync::Arc;

use crate::expr::{ExprError, Expression, Input, Phase};
use crate::model::{Parameter, Workflow, WorkflowTemplateRef};
use crate::store::EVENT_ID_ANNOTATION;

use super::{
    ACTION_LABEL, BINDING_LABEL, BindingSet, CLUSTER_TEMPLATE_LABEL, CREATOR_EMAIL_LABEL,
    CREATOR_LABEL, CREATOR_USERNAME_LABEL, Caller, CompiledBinding, CompiledMetadata,
    DELIVERY_ID_ANNOTATION, Event, INSTANCE_LABEL, TEMPLATE_LABEL, random_suffix,
};

/// The part of a (Cluster)WorkflowTemplate dispatch reads, extracted at load time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateInfo {
    /// Template name.
    pub name: String,
    /// The template's `workflows.argoproj.io/controller-instanceid` label.
    pub instance_label: Option<String>,
    /// `spec.workflowMetadata.labels`.
    pub labels: Vec<(String, String)>,
    /// `spec.workflowMetadata.annotations`.
    pub annotations: Vec<(String, String)>,
}

/// What dispatch needs from the outside world, all from in-memory caches.
pub trait Context {
    /// The template `r` refers to from `namespace` (a ClusterWorkflowTemplate when `cluster_scope`).
    fn template(&self, namespace: &str, r: &WorkflowTemplateRef) -> Option<Arc<TemplateInfo>>;
    /// Whether the caller may `verb` the `resource` (group `argoproj.io`).
    fn allowed(
        &self,
        caller: &Caller,
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> bool;
    /// `--instance-id`.
    fn instance_id(&self) -> Option<&str>;
}

/// The outcome for one binding.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// Binding name.
    pub binding: String,
    /// The workflow to create (name chosen), or the binding's error text.
    pub result: Result<Workflow, String>,
    /// The name was drawn here (`metadata.generateName` + [`random_suffix`]) because the
    /// binding's `submit.metadata.name` was empty; the Submitter may draw another suffix when
    /// the name is taken by someone else's object. A name the binding gave is never changed.
    pub name_generated: bool,
}

impl Planned {
    fn new(binding: String, drafted: Result<(Workflow, bool), String>) -> Planned {
        let (result, name_generated) = match drafted {
            Ok((wf, generated)) => (Ok(wf), generated),
            Err(e) => (Err(e), false),
        };
        Planned {
            binding,
            result,
            name_generated,
        }
    }
}

/// The Kubernetes Forbidden message for a denied request.
pub fn forbidden_message(
    user: &str,
    verb: &str,
    resource: &str,
    namespace: Option<&str>,
    name: Option<&str>,
) -> String {
    let object = match name {
        Some(n) => format!("{resource}.argoproj.io {n:?}"),
        None => format!("{resource}.argoproj.io"),
    };
    let scope = match namespace {
        Some(ns) => format!("in the namespace {ns:?}"),
        None => "at the cluster scope".to_string(),
    };
    format!(
        "{object} is forbidden: User {user:?} cannot {verb} resource {resource:?} in API group \"argoproj.io\" {scope}"
    )
}

fn user_of(caller: &Caller) -> &str {
    match caller {
        Caller::Server => "system:serviceaccount:flowgate:server",
        Caller::Client { identity, .. } => &identity.username,
    }
}

fn check(
    ctx: &dyn Context,
    event: &Event,
    verb: &str,
    resource: &str,
    namespace: Option<&str>,
    name: Option<&str>,
) -> Result<(), String> {
    let allowed = match &event.grants {
        Some(grants) => grants.allowed(verb, resource, namespace, name),
        None => ctx.allowed(&event.caller, verb, resource, namespace, name),
    };
    if allowed {
        Ok(())
    } else {
        Err(forbidden_message(
            user_of(&event.caller),
            verb,
            resource,
            namespace,
            name,
        ))
    }
}

/// Evaluates the bindings of `bindings` that its index does not rule out for `event`, in
/// order: the same outcomes as [`plan_all`], as the index only skips selectors that are
/// `false` (see [`super::index`]).
pub fn plan(event: &Event, bindings: &BindingSet, ctx: &dyn Context) -> Vec<Planned> {
    let input = input_of(event);
    match bindings.index().candidates(&input) {
        Some(positions) => plan_each(
            event,
            &input,
            positions
                .iter()
                .filter_map(|&i| bindings.bindings().get(i as usize)),
            ctx,
        ),
        None => plan_each(event, &input, bindings.iter(), ctx),
    }
}

/// Evaluates every binding against `event`, in order, without the index.
pub fn plan_all(event: &Event, bindings: &[CompiledBinding], ctx: &dyn Context) -> Vec<Planned> {
    plan_each(event, &input_of(event), bindings.iter(), ctx)
}

fn input_of(event: &Event) -> Input<'_> {
    Input {
        namespace: &event.namespace,
        discriminator: &event.discriminator,
        metadata: &event.metadata,
        payload: &event.payload,
    }
}

fn plan_each<'b>(
    event: &Event,
    input: &Input<'_>,
    bindings: impl Iterator<Item = &'b CompiledBinding>,
    ctx: &dyn Context,
) -> Vec<Planned> {
    bindings
        .filter_map(|b| {
            dispatch_one(event, input, b, ctx)
                .transpose()
                .map(|result| Planned::new(b.name.clone(), result))
        })
        .collect()
}

fn dispatch_one(
    event: &Event,
    input: &Input<'_>,
    b: &CompiledBinding,
    ctx: &dyn Context,
) -> Result<Option<(Workflow, bool)>, String> {
    let matched = b.selector.selector(input).map_err(|e| {
        format!(
            "failed to evaluate workflow template expression: {}",
            e.message
        )
    })?;
    let Some(submit) = b.submit.as_ref().filter(|_| matched) else {
        return Ok(None);
    };
    let tref = &submit.template_ref;
    let (resource, scope) = if tref.cluster_scope {
        ("clusterworkflowtemplates", None)
    } else {
        ("workflowtemplates", Some(b.namespace.as_str()))
    };
    check(ctx, event, "get", resource, scope, Some(&tref.name))
        .map_err(|e| format!("failed to get workflow template: {e}"))?;
    let tmpl = ctx.template(&b.namespace, tref).ok_or_else(|| {
        format!(
            "failed to get workflow template: {resource}.argoproj.io {:?} not found",
            tref.name
        )
    })?;
    if tmpl.instance_label.as_deref() != ctx.instance_id() {
        return Err(format!(
            "failed to validate workflow template instanceid: '{}' is not managed by the current Argo Server",
            tmpl.name
        ));
    }

    let mut wf = Workflow::default();
    let m = &mut wf.metadata;
    m.namespace = b.namespace.clone();
    m.generate_name = format!("{}-", tmpl.name);
    wf.spec.workflow_template_ref = Some(WorkflowTemplateRef {
        name: tmpl.name.clone(),
        cluster_scope: tref.cluster_scope,
    });
    let label = if tref.cluster_scope {
        CLUSTER_TEMPLATE_LABEL
    } else {
        TEMPLATE_LABEL
    };
    m.labels.insert(label.into(), tmpl.name.clone());
    for (k, v) in &tmpl.labels {
        m.labels.insert(k.clone(), v.clone());
    }
    for (k, v) in &tmpl.annotations {
        m.annotations.insert(k.clone(), v.clone());
    }
    match ctx.instance_id() {
        Some(id) => m.labels.insert(INSTANCE_LABEL.into(), id.into()),
        None => m.labels.remove(INSTANCE_LABEL),
    };
    populate_metadata(&mut wf, &submit.metadata, input)?;
    let m = &mut wf.metadata;
    let name_generated = m.name.is_empty();
    if name_generated {
        m.name = format!("{}{}", m.generate_name, random_suffix());
    }
    let no_claims =
        [CREATOR_LABEL, CREATOR_EMAIL_LABEL, CREATOR_USERNAME_LABEL].map(|k| (k.to_string(), None));
    let creator: &[(String, Option<String>)] = match &event.caller {
        Caller::Server => &no_claims,
        Caller::Client { creator_labels, .. } => creator_labels,
    };
    for (k, v) in creator {
        match v {
            Some(v) => m.labels.insert(k.clone(), v.clone()),
            None => m.labels.remove(k),
        };
    }
    m.labels.remove(ACTION_LABEL);
    m.labels.insert(BINDING_LABEL.into(), b.name.clone());
    m.annotations
        .insert(EVENT_ID_ANNOTATION.into(), event.id.clone());
    if let Some(d) = &event.delivery_id {
        m.annotations
            .insert(DELIVERY_ID_ANNOTATION.into(), d.clone());
    }

    for p in &submit.parameters {
        let expr = p.event.as_ref().ok_or_else(|| {
            format!(
                "malformed workflow template parameter {:?}: valueFrom is nil",
                p.name
            )
        })?;
        let value = expr.param(input).map_err(|e| param_error(&p.name, &e))?;
        wf.spec
            .arguments
            .parameters
            .push(Parameter::new(p.name.clone(), value));
    }
    check(ctx, event, "create", "workflows", Some(&b.namespace), None)
        .map_err(|e| format!("failed to create workflow: {e}"))?;
    Ok(Some((wf, name_generated)))
}

fn param_error(name: &str, e: &ExprError) -> String {
    match e.phase {
        Phase::Compile => format!(
            "failed to compile workflow template parameter {name} expression: {}",
            e.message
        ),
        Phase::Marshal => format!(
            "failed to convert result to JSON {name:?} expression: {}",
            e.message
        ),
        Phase::Run | Phase::Cast | Phase::Type => {
            format!(
                "failed to evaluate workflow template parameter {name:?} expression: {}",
                e.message
            )
        }
    }
}

fn eval_string(e: &Expression, what: &str, input: &Input<'_>) -> Result<String, String> {
    e.metadata(input).map_err(|err| match err.phase {
        Phase::Type => format!("workflow {what} expression {}", err.message),
        _ => format!(
            "failed to evaluate workflow {what} expression: {}",
            err.message
        ),
    })
}

/// Argo's `populateWorkflowMetadata`: name, generateName, labels, annotations, overwriting.
fn populate_metadata(
    wf: &mut Workflow,
    m: &CompiledMetadata,
    input: &Input<'_>,
) -> Result<(), String> {
    if let Some(e) = &m.name {
        wf.metadata.name = eval_string(e, "name", input)?;
    }
    if let Some(e) = &m.generate_name {
        wf.metadata.generate_name = eval_string(e, "generateName", input)?;
    }
    for (k, e) in &m.labels {
        let v = eval_string(e, &format!("label {k:?}"), input)?;
        wf.metadata.labels.insert(k.clone(), v);
    }
    for (k, e) in &m.annotations {
        let v = eval_string(e, &format!("annotation {k:?}"), input)?;
        wf.metadata.annotations.insert(k.clone(), v);
    }
    Ok(())
}
