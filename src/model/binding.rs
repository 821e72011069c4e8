//! `WorkflowEventBinding` (`argoproj.io/v1alpha1`): which events submit which workflows.
//!
//! Takes the binding's JSON/YAML; returns typed fields. Expression sources (the selector,
//! `submit.metadata` values, `valueFrom.event`) stay plain strings here: compiling them is
//! the binding module's job. Mirrors `pkg/apis/workflow/v1alpha1/event_types.go`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, is_false, null_default};

/// A WorkflowEventBinding. The minimal CRD allows a binding without `spec`, so it is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowEventBinding {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// `spec`; `None` when the object has no spec at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<WorkflowEventBindingSpec>,
}

/// `spec` of a WorkflowEventBinding.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowEventBindingSpec {
    /// `spec.event`: the selector.
    #[serde(deserialize_with = "null_default")]
    pub event: EventSelector,
    /// `spec.submit`: what to submit on a match; `None` makes the binding a no-op.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submit: Option<Submit>,
}

/// `spec.event`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSelector {
    /// The expr-lang selector source. Empty compiles to `unexpected token EOF`, as in Argo.
    #[serde(deserialize_with = "null_default")]
    pub selector: String,
}

/// A reference to a WorkflowTemplate, or to a ClusterWorkflowTemplate when `cluster_scope`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowTemplateRef {
    /// Template name.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub name: String,
    /// `true` for a ClusterWorkflowTemplate.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "null_default")]
    pub cluster_scope: bool,
}

/// `spec.submit`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Submit {
    /// The template to instantiate.
    #[serde(deserialize_with = "null_default")]
    pub workflow_template_ref: WorkflowTemplateRef,
    /// `submit.metadata`: every value is an expression source.
    #[serde(
        skip_serializing_if = "SubmitMetadata::is_empty",
        deserialize_with = "null_default"
    )]
    pub metadata: SubmitMetadata,
    /// `submit.arguments`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<SubmitArguments>,
}

/// `spec.submit.metadata`: only these four fields are used (Argo's `populateWorkflowMetadata`).
/// Each value is an expression source, so a literal needs inner quotes (`'"x"'`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubmitMetadata {
    /// Expression for the workflow name.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub name: String,
    /// Expression for the workflow generateName.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub generate_name: String,
    /// Label key → expression.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub labels: BTreeMap<String, String>,
    /// Annotation key → expression.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub annotations: BTreeMap<String, String>,
}

impl SubmitMetadata {
    /// `true` when no field is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_empty()
            && self.generate_name.is_empty()
            && self.labels.is_empty()
            && self.annotations.is_empty()
    }
}

/// `spec.submit.arguments`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubmitArguments {
    /// The parameters, in order.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub parameters: Vec<SubmitParameter>,
    /// Other fields (`artifacts`, …): ignored by dispatch, kept for the read API.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// One `submit.arguments.parameters[]` entry. Dispatch reads only `name` and `valueFrom.event`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubmitParameter {
    /// Parameter name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// `valueFrom`; `None` is the error `malformed workflow template parameter "<n>": valueFrom is nil`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ValueFrom>,
    /// Other fields (`value`, `default`, `enum`, `description`, …): ignored, kept for the read API.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// `valueFrom` of a submit parameter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ValueFrom {
    /// The expression source; empty compiles to `unexpected token EOF`, as in Argo.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub event: String,
    /// Other `valueFrom` fields: ignored, kept for the read API.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}
