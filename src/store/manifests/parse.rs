//! Parsing one file's text: YAML documents or a JSON object, Lists, and `kubectl`'s
//! namespace rules.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::model::core::redact_secret_message;
use crate::model::{Kind, ModelError, Object, TypeMeta};

use super::{DEFAULT_NAMESPACE, Location, MAX_DOCUMENTS, ManifestError};

/// Parses YAML text (one or more documents) as if read from `path`.
pub fn parse_yaml(path: &Path, text: &str) -> Result<Vec<Object>, ManifestError> {
    let starts = yaml_document_lines(text);
    let mut objects = Vec::new();
    // Two parsers in lockstep: the first reads each document as a JSON value (to find its
    // kind, and List items); the second deserialises the typed object straight from the
    // YAML so that type errors carry a line and column.
    let untyped = serde_yaml::Deserializer::from_str(text);
    let typed = serde_yaml::Deserializer::from_str(text);
    for (index, (doc, typed_doc)) in untyped.zip(typed).enumerate() {
        let number = index + 1;
        let at = Location {
            path: path.to_owned(),
            line: starts.get(index).copied(),
            column: None,
            document: Some(number),
        };
        if index >= MAX_DOCUMENTS {
            return Err(ManifestError::Limit {
                path: path.to_owned(),
                what: format!("more than {MAX_DOCUMENTS} documents"),
            });
        }
        let value = Value::deserialize(doc).map_err(|e| yaml_error(&at, &e))?;
        match classify(&value, &at)? {
            Doc::Empty => {}
            Doc::List(default) => list_items(value, default, &at, &mut objects)?,
            Doc::Object(kind) => {
                let object = kind
                    .deserialize_object(typed_doc)
                    .map_err(|e| redact_if_secret(kind, yaml_error(&at, &e)))?;
                objects.push(finish(object, &at)?);
            }
        }
    }
    Ok(objects)
}

/// Parses JSON text (one object, possibly a List) as if read from `path`. Messages carry
/// the line and column, or the `items[i]` path for a List item.
pub fn parse_json(path: &Path, text: &str) -> Result<Vec<Object>, ManifestError> {
    let at = Location::file(path);
    let json_err = |e: serde_json::Error, field: Option<String>| ManifestError::Parse {
        at: Box::new(Location {
            line: Some(e.line()),
            column: Some(e.column()),
            ..at.clone()
        }),
        message: match field {
            Some(f) if !f.is_empty() && f != "." => format!("{f}: {e}"),
            _ => e.to_string(),
        }
        .replace(&format!(" at line {} column {}", e.line(), e.column()), ""),
    };
    let value: Value = serde_json::from_str(text).map_err(|e| json_err(e, None))?;
    let mut objects = Vec::new();
    match classify(&value, &at)? {
        Doc::Empty => {}
        Doc::List(default) => list_items(value, default, &at, &mut objects)?,
        Doc::Object(kind) => {
            let mut de = serde_json::Deserializer::from_str(text);
            let mut track = serde_path_to_error::Track::new();
            let object = kind
                .deserialize_object(serde_path_to_error::Deserializer::new(&mut de, &mut track))
                .map_err(|e| redact_if_secret(kind, json_err(e, Some(track.path().to_string()))))?;
            objects.push(finish(object, &at)?);
        }
    }
    Ok(objects)
}

/// What a document is.
enum Doc {
    /// `null` (an empty YAML document): skipped.
    Empty,
    /// A List; items without type fields take the kind of a `<Kind>List`, if any.
    List(Option<Kind>),
    /// One object.
    Object(Kind),
}

fn classify(value: &Value, at: &Location) -> Result<Doc, ManifestError> {
    let invalid = |source| ManifestError::Invalid {
        at: Box::new(at.clone()),
        source,
    };
    match value {
        Value::Null => return Ok(Doc::Empty),
        Value::Object(_) => {}
        other => {
            return Err(ManifestError::Parse {
                at: Box::new(at.clone()),
                message: format!(
                    "expected an object with apiVersion and kind, found {}",
                    json_type(other)
                ),
            });
        }
    }
    let tm = TypeMeta::deserialize(value).map_err(|e| ManifestError::Parse {
        at: Box::new(at.clone()),
        message: e.to_string(),
    })?;
    if tm.kind == "List" || (tm.kind.ends_with("List") && value.get("items").is_some()) {
        let item_kind = tm.kind.strip_suffix("List").filter(|k| !k.is_empty());
        let default = match item_kind {
            Some(k) => Some(Kind::from_type_meta(&tm.api_version, k).map_err(invalid)?),
            None => None,
        };
        return Ok(Doc::List(default));
    }
    Kind::from_type_meta(&tm.api_version, &tm.kind)
        .map(Doc::Object)
        .map_err(invalid)
}

fn list_items(
    value: Value,
    default: Option<Kind>,
    at: &Location,
    out: &mut Vec<Object>,
) -> Result<(), ManifestError> {
    let items = match value {
        Value::Object(mut m) => m.remove("items").unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let items = match items {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        other => {
            return Err(ManifestError::Parse {
                at: Box::new(at.clone()),
                message: format!("items: expected an array, found {}", json_type(&other)),
            });
        }
    };
    if items.len() > MAX_DOCUMENTS {
        return Err(ManifestError::Limit {
            path: at.path.clone(),
            what: format!("more than {MAX_DOCUMENTS} List items"),
        });
    }
    for (i, mut item) in items.into_iter().enumerate() {
        if let (Some(kind), Value::Object(m)) = (default, &mut item) {
            m.entry("apiVersion")
                .or_insert_with(|| kind.api_version().into());
            m.entry("kind").or_insert_with(|| kind.as_str().into());
        }
        let object = Object::from_value(item).map_err(|source| ManifestError::Invalid {
            at: Box::new(at.clone()),
            source: match source {
                ModelError::Decode { path, message } => ModelError::Decode {
                    path: if path.is_empty() || path == "." {
                        format!("items[{i}]")
                    } else {
                        format!("items[{i}].{path}")
                    },
                    message,
                },
                other => ModelError::InvalidField {
                    field: format!("items[{i}]"),
                    reason: other.to_string(),
                },
            },
        })?;
        out.push(finish(object, at)?);
    }
    Ok(())
}

/// Checks a parsed object and applies `kubectl`'s namespace rules.
fn finish(mut object: Object, at: &Location) -> Result<Object, ManifestError> {
    object.validate().map_err(|source| ManifestError::Invalid {
        at: Box::new(at.clone()),
        source,
    })?;
    let kind = object.kind();
    let meta = object.metadata_mut();
    if meta.name.is_empty() {
        return Err(ManifestError::MissingName {
            at: Box::new(at.clone()),
            kind,
        });
    }
    if kind.is_cluster_scoped() {
        meta.namespace.clear();
    } else if meta.namespace.is_empty() {
        meta.namespace = DEFAULT_NAMESPACE.to_owned();
    }
    Ok(object)
}

/// Parse errors inside a Secret never show the offending value.
fn redact_if_secret(kind: Kind, error: ManifestError) -> ManifestError {
    match error {
        ManifestError::Parse { at, message } if kind == Kind::Secret => ManifestError::Parse {
            at,
            message: redact_secret_message(&message),
        },
        other => other,
    }
}

fn yaml_error(at: &Location, e: &serde_yaml::Error) -> ManifestError {
    let mut message = e.to_string();
    let mut at = at.clone();
    if let Some(loc) = e.location() {
        // The position goes in front, as `file:line:column`; drop it from the message.
        message = message.replace(
            &format!(" at line {} column {}", loc.line(), loc.column()),
            "",
        );
        at.line = Some(loc.line());
        at.column = Some(loc.column());
    }
    ManifestError::Parse {
        at: Box::new(at),
        message,
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// 1-based line where each YAML document starts (best effort, for messages): a document
/// starts at a `---` marker, or at line 1 when content precedes the first marker.
fn yaml_document_lines(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut seen_content = false;
    for (i, line) in text.lines().enumerate() {
        let is_marker = line.starts_with("---")
            && line[3..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\t');
        if is_marker {
            starts.push(i + 1);
            seen_content = true;
        } else if !seen_content {
            let t = line.trim_start();
            if !(t.is_empty() || t.starts_with('#') || t.starts_with('%')) {
                starts.push(1);
                seen_content = true;
            }
        }
    }
    starts
}
