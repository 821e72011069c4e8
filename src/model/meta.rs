//! Kubernetes object metadata (`metadata`) and the small serde helpers shared by the model.
//!
//! Takes the `metadata` object of any Kubernetes/Argo JSON or YAML document; returns an
//! [`ObjectMeta`] that serialises back the way Go's `encoding/json` does with `omitempty`
//! (empty strings and maps are left out).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// The part of `metadata` flowgate reads and writes. Unknown fields are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    /// `metadata.name`; empty when only `generateName` is set.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub name: String,
    /// `metadata.generateName`: the prefix the server completes with random characters.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub generate_name: String,
    /// `metadata.namespace`; empty for cluster-scoped objects.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub namespace: String,
    /// `metadata.labels`.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub annotations: BTreeMap<String, String>,
    /// `metadata.uid`, set by the store.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub uid: String,
    /// `metadata.resourceVersion`, set by the store.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub resource_version: String,
    /// `metadata.creationTimestamp` (RFC 3339), set by the store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
}

impl ObjectMeta {
    /// A label value, if present.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(String::as_str)
    }

    /// An annotation value, if present.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }
}

/// Deserialises `null` as `T::default()`, as Go does for maps, slices and strings.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Deserialises a scalar (string, number or bool) into its text, like Argo's `AnyString`.
/// `null` gives `None`.
pub(crate) fn any_string<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(serde_json::Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(other) => Err(D::Error::custom(format!(
            "expected a string, number or bool, found {}",
            json_type_name(&other)
        ))),
    }
}

/// The JSON type name of a value, for error messages.
pub(crate) fn json_type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a bool",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// `true` for `false`, for `skip_serializing_if` on Go `bool` fields tagged `omitempty`.
pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

/// A random (version 4) UUID in its hyphenated form, for event ids and object uids. The bytes
/// come from the thread's CSPRNG (seeded from the operating system once), not from a system
/// call per id as `Uuid::new_v4` makes them.
pub fn new_uid() -> String {
    uuid::Builder::from_random_bytes(rand::random())
        .into_uuid()
        .hyphenated()
        .to_string()
}
