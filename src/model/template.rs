//! `WorkflowTemplate` and `ClusterWorkflowTemplate` (`argoproj.io/v1alpha1`).
//!
//! Takes the template's JSON/YAML; keeps `spec` as an untyped `serde_json::Value` so the
//! object round-trips unchanged, and offers accessors for the one part dispatch reads:
//! `spec.workflowMetadata.labels` and `.annotations`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ModelError;
use super::meta::{ObjectMeta, json_type_name};

/// A namespaced WorkflowTemplate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowTemplate {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// The full `spec`, unchanged.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub spec: Value,
}

/// A cluster-scoped ClusterWorkflowTemplate (same shape as a WorkflowTemplate).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterWorkflowTemplate {
    /// Object metadata (no namespace).
    pub metadata: ObjectMeta,
    /// The full `spec`, unchanged.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub spec: Value,
}

/// Which map of `spec.workflowMetadata` to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkflowMetadataField {
    /// `spec.workflowMetadata.labels`
    Labels,
    /// `spec.workflowMetadata.annotations`
    Annotations,
}

impl WorkflowMetadataField {
    fn key(self) -> &'static str {
        match self {
            Self::Labels => "labels",
            Self::Annotations => "annotations",
        }
    }
}

/// Iterates the string entries of `spec.workflowMetadata.<field>`. Use [`check_workflow_metadata`]
/// at load time so that non-string values are reported instead of skipped.
fn workflow_metadata_entries(
    spec: &Value,
    field: WorkflowMetadataField,
) -> impl Iterator<Item = (&str, &str)> {
    spec.get("workflowMetadata")
        .and_then(|m| m.get(field.key()))
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter())
        .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)))
}

/// Checks that `spec` is an object (or absent) and that `spec.workflowMetadata.labels` and
/// `.annotations` are maps of strings, as the Kubernetes schema requires.
pub(crate) fn check_workflow_metadata(spec: &Value) -> Result<(), ModelError> {
    if !(spec.is_null() || spec.is_object()) {
        return Err(ModelError::InvalidField {
            field: "spec".into(),
            reason: format!("expected an object, found {}", json_type_name(spec)),
        });
    }
    let Some(wm) = spec.get("workflowMetadata") else {
        return Ok(());
    };
    if wm.is_null() {
        return Ok(());
    }
    if !wm.is_object() {
        return Err(ModelError::InvalidField {
            field: "spec.workflowMetadata".into(),
            reason: format!("expected an object, found {}", json_type_name(wm)),
        });
    }
    for field in [
        WorkflowMetadataField::Labels,
        WorkflowMetadataField::Annotations,
    ] {
        match wm.get(field.key()) {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                if let Some((k, v)) = m.iter().find(|(_, v)| !v.is_string()) {
                    return Err(ModelError::InvalidField {
                        field: format!("spec.workflowMetadata.{}.{k}", field.key()),
                        reason: format!("expected a string, found {}", json_type_name(v)),
                    });
                }
            }
            Some(other) => {
                return Err(ModelError::InvalidField {
                    field: format!("spec.workflowMetadata.{}", field.key()),
                    reason: format!("expected a map of strings, found {}", json_type_name(other)),
                });
            }
        }
    }
    Ok(())
}

macro_rules! template_accessors {
    ($t:ty) => {
        impl $t {
            /// `spec.workflowMetadata.labels`, string values only.
            pub fn workflow_metadata_labels(&self) -> impl Iterator<Item = (&str, &str)> {
                workflow_metadata_entries(&self.spec, WorkflowMetadataField::Labels)
            }

            /// `spec.workflowMetadata.annotations`, string values only.
            pub fn workflow_metadata_annotations(&self) -> impl Iterator<Item = (&str, &str)> {
                workflow_metadata_entries(&self.spec, WorkflowMetadataField::Annotations)
            }
        }
    };
}

template_accessors!(WorkflowTemplate);
template_accessors!(ClusterWorkflowTemplate);
