//! `Workflow` (`argoproj.io/v1alpha1`): the object a matched binding submits.
//!
//! Takes nothing but its fields; serialises like Argo's objects with empty fields left out.
//! Fields flowgate does not build (`spec.entrypoint`, `status`, …) are kept untyped so a
//! workflow read back from a store round-trips.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::binding::WorkflowTemplateRef;
use super::meta::{ObjectMeta, any_string, null_default};

/// `apiVersion` of every Argo object.
pub const ARGO_API_VERSION: &str = "argoproj.io/v1alpha1";
/// `kind` of a Workflow.
pub const WORKFLOW_KIND: &str = "Workflow";

/// A Workflow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Workflow {
    /// Always `argoproj.io/v1alpha1`.
    pub api_version: String,
    /// Always `Workflow`.
    pub kind: String,
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// `spec`.
    #[serde(deserialize_with = "null_default")]
    pub spec: WorkflowSpec,
    /// `status`, passed through untouched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
}

impl Default for Workflow {
    fn default() -> Self {
        Self {
            api_version: ARGO_API_VERSION.to_owned(),
            kind: WORKFLOW_KIND.to_owned(),
            metadata: ObjectMeta::default(),
            spec: WorkflowSpec::default(),
            status: None,
        }
    }
}

/// `spec` of a Workflow.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowSpec {
    /// `spec.workflowTemplateRef`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_template_ref: Option<WorkflowTemplateRef>,
    /// `spec.arguments`.
    #[serde(
        skip_serializing_if = "Arguments::is_empty",
        deserialize_with = "null_default"
    )]
    pub arguments: Arguments,
    /// Every other spec field, unchanged.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `spec.arguments` of a Workflow.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Arguments {
    /// `parameters`, in order.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub parameters: Vec<Parameter>,
    /// Other fields (`artifacts`), unchanged.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl Arguments {
    /// `true` when there is nothing to serialise.
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty() && self.extra.is_empty()
    }
}

/// One `spec.arguments.parameters[]` entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Parameter {
    /// Parameter name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// The value (Argo's `AnyString`: numbers and bools read as their text).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "any_string"
    )]
    pub value: Option<String>,
    /// Other fields (`default`, `enum`, `valueFrom`, …), unchanged.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl Parameter {
    /// A `{name, value}` parameter, as dispatch appends them.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
            extra: BTreeMap::new(),
        }
    }
}
