//! The `metadata` an event's expressions see: Argo's view of the request headers.
//!
//! Takes the request headers and the peer address; returns a JSON object mapping each
//! lower-cased `x-` header to the list of its values, as grpc-gateway and Argo's header
//! matcher build it (spec §4): repeated headers add list elements, `-bin` headers are
//! base64-decoded, and `x-forwarded-host` / `x-forwarded-for` are appended the way
//! grpc-gateway v1 does. `authorization` and `cookie` never appear (no `x-` prefix).

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;
use base64::Engine;
use serde_json::{Map, Value};

/// Headers grpc-gateway never forwards.
const DROPPED: [&str; 6] = [
    "content-length",
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
];

/// Errors building the metadata.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// A `-bin` header is not base64.
    #[error("invalid binary header {header}: {reason}")]
    BadBinaryHeader {
        /// The header name.
        header: String,
        /// The decoder's message.
        reason: String,
    },
}

fn decode_bin(name: &str, value: &[u8]) -> Result<String, MetadataError> {
    let engine = if value.len().is_multiple_of(4) {
        &base64::engine::general_purpose::STANDARD
    } else {
        &base64::engine::general_purpose::STANDARD_NO_PAD
    };
    let bytes = engine
        .decode(value)
        .map_err(|e| MetadataError::BadBinaryHeader {
            header: name.to_string(),
            reason: e.to_string(),
        })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn first(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .filter(|s| !s.is_empty())
}

/// Builds the `metadata` object.
pub fn event_metadata(headers: &HeaderMap, peer: Option<IpAddr>) -> Result<Value, MetadataError> {
    let mut map: Map<String, Value> = Map::new();
    let mut push = |k: &str, v: String| {
        let entry = map
            .entry(k.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(Value::String(v));
        }
    };
    for (name, value) in headers {
        let k = name.as_str();
        if !k.starts_with("x-") || DROPPED.contains(&k) {
            continue;
        }
        let v = if k.ends_with("-bin") {
            decode_bin(k, value.as_bytes())?
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        push(k, v);
    }
    if let Some(host) = first(headers, "x-forwarded-host").or_else(|| first(headers, "host")) {
        push("x-forwarded-host", host);
    }
    if let Some(ip) = peer {
        let v = match first(headers, "x-forwarded-for") {
            Some(fwd) => format!("{fwd}, {ip}"),
            None => ip.to_string(),
        };
        push("x-forwarded-for", v);
    }
    Ok(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};
    use serde_json::json;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn keeps_x_headers_as_lists_and_adds_forwarding() {
        let h = headers(&[
            ("X-Argo-E2E", "true"),
            ("x-multi", "a, b"),
            ("x-multi", "c"),
            ("Authorization", "Bearer secret"),
            ("Cookie", "c=1"),
            ("Host", "example:2746"),
            ("X-Forwarded-For", "10.0.0.1"),
        ]);
        let m = event_metadata(&h, Some("127.0.0.1".parse().unwrap())).unwrap();
        assert_eq!(
            m,
            json!({
                "x-argo-e2e": ["true"],
                "x-multi": ["a, b", "c"],
                "x-forwarded-for": ["10.0.0.1", "10.0.0.1, 127.0.0.1"],
                "x-forwarded-host": ["example:2746"],
            })
        );
    }

    #[test]
    fn decodes_bin_headers_and_rejects_bad_ones() {
        let m = event_metadata(&headers(&[("x-data-bin", "aGk=")]), None).unwrap();
        assert_eq!(m, json!({"x-data-bin": ["hi"]}));
        let m = event_metadata(&headers(&[("x-data-bin", "aGk")]), None).unwrap();
        assert_eq!(m, json!({"x-data-bin": ["hi"]}));
        assert!(event_metadata(&headers(&[("x-data-bin", "!!!")]), None).is_err());
    }
}
