//! Serde types for the Kubernetes and Argo objects flowgate reads and writes.
//!
//! Takes JSON or YAML documents shaped like the Kubernetes API (camelCase fields, unknown
//! fields ignored, `null` read as empty); returns typed objects. Where an object must
//! round-trip unchanged (a template's `spec`, a workflow's `status`), the original is kept
//! as a `serde_json::Value`. Serialising leaves out empty fields, like Go's `omitempty`.
//! Pure: no I/O. A [`core::Secret`]'s `Debug` output never shows its values.

pub mod binding;
pub mod core;
pub mod meta;
pub mod object;
pub mod rbac;
pub mod template;
pub mod workflow;

#[cfg(test)]
mod tests;

pub use self::core::{ObjectReference, SERVICE_ACCOUNT_TOKEN_TYPE, Secret, ServiceAccount};
pub use binding::{
    EventSelector, Submit, SubmitArguments, SubmitMetadata, SubmitParameter, ValueFrom,
    WorkflowEventBinding, WorkflowEventBindingSpec, WorkflowTemplateRef,
};
pub use meta::ObjectMeta;
pub use object::{Kind, Object, TypeMeta};
pub use rbac::{ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject};
pub use template::{ClusterWorkflowTemplate, WorkflowTemplate};
pub use workflow::{ARGO_API_VERSION, Arguments, Parameter, WORKFLOW_KIND, Workflow, WorkflowSpec};

/// Errors turning a document into a typed object.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    /// `apiVersion` or `kind` is missing or empty.
    #[error("missing {0}")]
    MissingField(&'static str),
    /// The `apiVersion` + `kind` pair is not one flowgate reads.
    #[error(
        "unknown kind {kind:?} in apiVersion {api_version:?} (expected WorkflowEventBinding, \
         WorkflowTemplate, ClusterWorkflowTemplate or Workflow in argoproj.io/v1alpha1; \
         ServiceAccount or Secret in v1; Role, ClusterRole, RoleBinding or ClusterRoleBinding \
         in rbac.authorization.k8s.io/v1)"
    )]
    UnknownKind {
        /// The document's `apiVersion`.
        api_version: String,
        /// The document's `kind`.
        kind: String,
    },
    /// A field has the wrong shape (serde's message, with the field path).
    #[error("{}{message}", if path.is_empty() || path == "." { String::new() } else { format!("{path}: ") })]
    Decode {
        /// Dotted path to the field, e.g. `spec.submit.metadata.labels`.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// A field's value is invalid although it has the right JSON type.
    #[error("{field}: {reason}")]
    InvalidField {
        /// Dotted path to the field.
        field: String,
        /// What was wrong.
        reason: String,
    },
}
