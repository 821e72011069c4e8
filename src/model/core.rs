//! Core (`v1`) objects used for authentication: `ServiceAccount` and `Secret`.
//!
//! Takes their JSON/YAML; returns typed fields. `Secret.data` is base64-decoded into bytes at
//! parse time (a bad encoding is a parse error). A Secret's `Debug` output never shows values.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::meta::{ObjectMeta, null_default};

/// A ServiceAccount.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceAccount {
    /// Object metadata; annotations may name the token Secret.
    pub metadata: ObjectMeta,
    /// `secrets[]`: references to Secrets, the first one holding the token.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub secrets: Vec<ObjectReference>,
}

/// A `{name, namespace}` reference (`secrets[]` of a ServiceAccount).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectReference {
    /// Referenced name.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub name: String,
    /// Referenced namespace; empty means the referrer's.
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub namespace: String,
}

/// The Secret type of service-account tokens.
pub const SERVICE_ACCOUNT_TOKEN_TYPE: &str = "kubernetes.io/service-account-token";

/// A Secret. `Debug` redacts every value.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Secret {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// `type`, e.g. `kubernetes.io/service-account-token` or `Opaque`.
    #[serde(
        rename = "type",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub type_: String,
    /// `data`, base64-decoded.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "ser_base64_map",
        deserialize_with = "de_base64_map"
    )]
    pub data: BTreeMap<String, Vec<u8>>,
    /// `stringData`: plain values that override `data` (as the API server merges them).
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub string_data: BTreeMap<String, String>,
}

impl Secret {
    /// The value of `key`: `stringData` wins over `data`, as on a Kubernetes write.
    pub fn value(&self, key: &str) -> Option<&[u8]> {
        self.string_data
            .get(key)
            .map(String::as_bytes)
            .or_else(|| self.data.get(key).map(Vec::as_slice))
    }

    /// Every key present in `data` or `stringData`, sorted, without duplicates.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let mut keys: Vec<&str> = self
            .data
            .keys()
            .chain(self.string_data.keys())
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.keys().collect();
        f.debug_struct("Secret")
            .field("metadata", &self.metadata)
            .field("type", &self.type_)
            .field("keys", &keys)
            .field("values", &"<redacted>")
            .finish()
    }
}

fn ser_base64_map<S: Serializer>(map: &BTreeMap<String, Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        m.serialize_entry(k, &STANDARD.encode(v))?;
    }
    m.end()
}

fn de_base64_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Vec<u8>>, D::Error> {
    use serde::de::Error;
    let raw: BTreeMap<String, Option<String>> = null_default(d)?;
    raw.into_iter()
        .map(|(k, v)| {
            let text = v.unwrap_or_default();
            // Kubernetes accepts standard base64; tolerate surrounding whitespace and newlines
            // (as `base64 -w76` output folded into YAML block scalars).
            let cleaned: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            STANDARD
                .decode(cleaned.as_bytes())
                .map(|bytes| (k.clone(), bytes))
                .map_err(|_| D::Error::custom(format!("key {k:?} is not valid base64")))
        })
        .collect()
}

/// Removes the offending value from a serde message about a Secret, so that parse errors
/// never print secret material: `invalid type: string "s3cr3t", expected a map` becomes
/// `invalid type, expected a map`. Field paths and positions are kept.
pub fn redact_secret_message(message: &str) -> String {
    let mut out = message.to_owned();
    for marker in [
        "invalid type",
        "invalid value",
        "invalid length",
        "unknown variant",
    ] {
        let needle = format!("{marker}: ");
        if let Some(start) = out.find(&needle) {
            let after = start + needle.len();
            let end = out[after..]
                .find(", expected")
                .map_or(out.len(), |i| after + i);
            out.replace_range(start..end, marker);
        }
    }
    out
}
