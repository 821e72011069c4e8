//! Argo-shaped error responses: `{"code":N,"message":"…"}` with a gRPC code and HTTP status.
//!
//! Takes a status and a message; returns an actix `ResponseError` whose JSON body is encoded
//! the way Go's `encoding/json` does it (`<`, `>`, `&`, U+2028 and U+2029 escaped), so clients
//! that compare bodies byte for byte see what Argo sends.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

/// Seconds a client should wait after a 503.
pub const RETRY_AFTER_SECS: u32 = 1;

/// An error answer of the HTTP API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// gRPC code in the body.
    pub code: u16,
    /// Message in the body.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
    /// 400, InvalidArgument.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, 3, message)
    }
    /// 401, Unauthenticated, with Argo's text.
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            16,
            "token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/",
        )
    }
    /// 403, PermissionDenied.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, 7, message)
    }
    /// 404, NotFound.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, 5, message)
    }
    /// 413, with the limit in the message.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            8,
            format!("request body is larger than the limit of {limit} bytes"),
        )
    }
    /// 408, DeadlineExceeded: the body did not arrive in time.
    pub fn body_timeout(limit: std::time::Duration) -> ApiError {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            4,
            format!("request body not received within {} s", limit.as_secs()),
        )
    }
    /// 500, Internal.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, 13, message)
    }
    /// 501, Unimplemented, Argo's body.
    pub fn not_implemented() -> ApiError {
        ApiError::new(StatusCode::NOT_IMPLEMENTED, 12, "Not Implemented")
    }
    /// 503, Unavailable (sent with `Retry-After`).
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, 14, message)
    }
}

/// Serialises `value` as JSON with Go's HTML-safe escaping.
pub fn go_json(value: &serde_json::Value) -> String {
    let raw = value.to_string();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let body = go_json(&serde_json::json!({ "code": self.code, "message": self.message }));
        let mut resp = HttpResponse::build(self.status);
        resp.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            resp.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS));
        }
        resp.body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_use_go_escaping() {
        let v = serde_json::json!({"code": 13, "message": "a <b> & \u{2028}"});
        assert_eq!(
            go_json(&v),
            r#"{"code":13,"message":"a \u003cb\u003e \u0026 \u2028"}"#
        );
    }
}
