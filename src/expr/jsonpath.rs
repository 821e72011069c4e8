//! Argo's `jsonpath(jsonStr, path)` helper for metadata expressions.
//!
//! Takes a JSON document as text and a JSONPath, returns the selected value: one value for a
//! path that names a single location, a list otherwise. Bad JSON fails with Go's
//! `encoding/json` message; a bad path or a path that selects nothing fails with a message
//! naming the path. Uses the `serde_json_path` crate (RFC 9535), which differs from Argo's
//! `evilmonkeyinc/jsonpath` only in rarely used extensions.

use serde_json_path::JsonPath;

use super::builtins::go_json_error;
use super::value::Value;

/// Evaluates `path` on the JSON text `doc`.
pub fn query(doc: &str, path: &str) -> Result<Value<'static>, String> {
    let json: serde_json::Value = serde_json::from_str(doc).map_err(|e| go_json_error(doc, &e))?;
    let parsed =
        JsonPath::parse(path).map_err(|e| format!("jsonpath: invalid path {path:?}: {e}"))?;
    let nodes = parsed.query(&json).all();
    let singular = !path.contains('*')
        && !path.contains("..")
        && !path.contains('?')
        && !path.contains(':')
        && !path.contains(',');
    if singular {
        return match nodes.first() {
            Some(v) => Ok(Value::from_owned_json((*v).clone())),
            None => Err(format!("jsonpath: no value found at {path:?}")),
        };
    }
    Ok(Value::list(
        nodes
            .into_iter()
            .map(|v| Value::from_owned_json(v.clone()))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_and_lists() {
        let doc = r#"{"foo":{"bar":"baz"},"list":["one","two"]}"#;
        assert_eq!(query(doc, "$.foo.bar").unwrap().as_str(), Some("baz"));
        assert_eq!(query(doc, "$.list").unwrap().array_len(), Some(2));
        assert_eq!(query(doc, "$.list[*]").unwrap().array_len(), Some(2));
        assert!(query(doc, "$.nope").is_err());
        assert_eq!(
            query("{bad", "$.a").unwrap_err(),
            "invalid character 'b' looking for beginning of object key string"
        );
    }
}
