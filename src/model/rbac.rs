//! RBAC objects (`rbac.authorization.k8s.io/v1`): `Role`, `ClusterRole`, `RoleBinding`,
//! `ClusterRoleBinding`.
//!
//! Takes their JSON/YAML; returns typed fields. Evaluation lives in `auth::rbac`.

use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, null_default};

/// One rule of a Role or ClusterRole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyRule {
    /// API groups (`""` is the core group, `*` all).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub api_groups: Vec<String>,
    /// Resources, `resource/subresource`, or `*`.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub resources: Vec<String>,
    /// Verbs, or `*`.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub verbs: Vec<String>,
    /// Resource names; empty means every name.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub resource_names: Vec<String>,
    /// Non-resource URLs (ClusterRole only); flowgate never checks these.
    #[serde(
        rename = "nonResourceURLs",
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub non_resource_urls: Vec<String>,
}

/// A namespaced Role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Role {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// The rules.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub rules: Vec<PolicyRule>,
}

/// A cluster-scoped ClusterRole. `aggregationRule` is not evaluated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterRole {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// The rules.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub rules: Vec<PolicyRule>,
}

/// Who a binding applies to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Subject {
    /// `ServiceAccount`, `User` or `Group`; other kinds never match.
    #[serde(deserialize_with = "null_default")]
    pub kind: String,
    /// Subject name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Namespace of a ServiceAccount subject. Empty in a RoleBinding means the binding's namespace.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub namespace: String,
    /// `apiGroup` (`rbac.authorization.k8s.io` for User and Group).
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub api_group: String,
}

/// The role a binding grants.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleRef {
    /// `rbac.authorization.k8s.io`.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub api_group: String,
    /// `Role` or `ClusterRole`.
    #[serde(deserialize_with = "null_default")]
    pub kind: String,
    /// Role name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
}

/// A namespaced RoleBinding: grants a Role, or a ClusterRole within its own namespace only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleBinding {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// Subjects.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub subjects: Vec<Subject>,
    /// The granted role.
    #[serde(deserialize_with = "null_default")]
    pub role_ref: RoleRef,
}

/// A ClusterRoleBinding: grants a ClusterRole in every namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterRoleBinding {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// Subjects.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub subjects: Vec<Subject>,
    /// The granted ClusterRole.
    #[serde(deserialize_with = "null_default")]
    pub role_ref: RoleRef,
}
