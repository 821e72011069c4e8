//! The webhook interceptor: provider signatures (GitHub, GitLab, Bitbucket, Bitbucket
//! Server, generic HMAC, Standard Webhooks) as credentials for the events endpoint.
//!
//! Takes the request, its body stream and the [`AppState`]; returns the body (read once,
//! capped by `--max-body-bytes`) and, when a webhook client of the namespace verified the
//! request, the [`Caller`] it runs as; or a [`Refusal`] to answer with. Argo's
//! `server/auth/webhook/interceptor.go` (spec §9), with the checks of
//! [`crate::auth::webhook`]:
//!
//! 1. It acts only for a **POST** to `/api/v1/events/<ns>/…` carrying **no
//!    `Authorization` header** (a cookie does not count). Anything else reads the body as
//!    usual and authenticates normally.
//! 2. The namespace's `argo-workflows-webhook-clients` Secret, parsed when it was loaded
//!    ([`Catalog::webhook_clients`]), must exist: otherwise **403** with exactly
//!    `{"message": "failed to process webhook request"}` (this covers the empty namespace of
//!    `/api/v1/events//d`). In `--auth-mode server` a missing Secret is not an error: the
//!    request needs no credentials and runs as the server.
//! 3. The body is read with the `--max-body-bytes` cap; past it, the same **403** (Argo's
//!    2 MiB rule; bearer requests keep their 413).
//! 4. The clients are tried in ServiceAccount name order ([`verify_explained`]). On the
//!    first match the ServiceAccount is resolved to the identity of its token Secret
//!    ([`Catalog::webhook_caller`]); if that fails, the same **403**. (With the Kubernetes
//!    backend the ServiceAccount's identity is used directly, and its RBAC is checked with
//!    SubjectAccessReviews.) The request then runs as that ServiceAccount, with its RBAC
//!    and creator labels, in either auth mode.
//! 5. No match: the request goes on unauthenticated (401 in client mode, the server in
//!    server mode). Each client's reason is logged at debug level.
//!
//! Nothing here logs a secret, a signature or a token; the 403 body never says why.
//!
//! [`Catalog::webhook_clients`]: crate::catalog::Catalog::webhook_clients
//! [`Catalog::webhook_caller`]: crate::catalog::Catalog::webhook_caller

use std::time::SystemTime;

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::error::ApiError;
use super::events::read_body;
use crate::auth::kube::service_account_caller;
use crate::auth::webhook::{HeaderLookup, WEBHOOK_FAILURE_BODY, verify_explained};
use crate::binding::Caller;
use crate::config::AuthMode;

/// The path prefix the interceptor watches (Argo's `pathPrefix`).
pub const EVENTS_PREFIX: &str = "/api/v1/events/";

/// actix's [`HeaderMap`] as a [`HeaderLookup`]: names are case-insensitive, and a value
/// that is not valid UTF-8 is treated as absent.
pub struct HeaderMapLookup<'a>(pub &'a HeaderMap);

fn utf8(value: &HeaderValue) -> Option<&str> {
    std::str::from_utf8(value.as_bytes()).ok()
}

impl HeaderLookup for HeaderMapLookup<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(utf8)
    }

    fn get_all(&self, name: &str) -> Vec<&str> {
        self.0.get_all(name).filter_map(utf8).collect()
    }
}

/// Why the interceptor answers instead of the handler.
#[derive(Debug)]
pub enum Refusal {
    /// Argo's 403 `{"message": "failed to process webhook request"}`.
    Webhook,
    /// An ordinary API error while reading the body (408, 400, or 413 off the webhook path).
    Api(ApiError),
}

impl Refusal {
    /// The answer, in the handler's result type.
    pub fn respond(self) -> Result<HttpResponse, ApiError> {
        match self {
            Refusal::Webhook => Ok(failure_response()),
            Refusal::Api(e) => Err(e),
        }
    }
}

/// Argo's webhook 403: exact body, JSON content type.
pub fn failure_response() -> HttpResponse {
    HttpResponse::build(StatusCode::FORBIDDEN)
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ))
        .body(WEBHOOK_FAILURE_BODY)
}

/// The namespace a webhook request is for, or `None` when the interceptor does not act:
/// not a POST, an `Authorization` header present (even empty), or a path that is not
/// `/api/v1/events/<ns>/…`. The namespace may be empty (`/api/v1/events//d`).
pub fn webhook_namespace(req: &HttpRequest) -> Option<String> {
    if req.method() != Method::POST || req.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let rest = req.path().strip_prefix(EVENTS_PREFIX)?;
    let (raw, _) = rest.split_once('/')?;
    // The route's decoded segment when the route matched, as the handler uses it.
    Some(
        req.match_info()
            .get("ns")
            .map_or_else(|| raw.to_owned(), str::to_owned),
    )
}

/// Reads the body and, for a webhook request, checks its signature: see the module doc.
/// Returns the body and the verified caller (`None`: authenticate as usual).
pub async fn intercept(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<(web::Bytes, Option<Caller>), Refusal> {
    let Some(namespace) = webhook_namespace(req) else {
        return read_body(req, payload, state)
            .await
            .map(|body| (body, None))
            .map_err(Refusal::Api);
    };
    let Some(hooks) = state.catalog.webhook_clients(&namespace) else {
        if state.auth_mode == AuthMode::Server {
            return read_body(req, payload, state)
                .await
                .map(|body| (body, None))
                .map_err(Refusal::Api);
        }
        tracing::debug!(
            namespace = %namespace,
            "webhook request refused: no argo-workflows-webhook-clients Secret in the namespace"
        );
        // Drain the body so a keep-alive connection survives; the answer is 403 anyway.
        let _ = read_body(req, payload, state).await;
        return Err(Refusal::Webhook);
    };
    let body = match read_body(req, payload, state).await {
        Ok(body) => body,
        Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => {
            tracing::debug!(namespace = %namespace, "webhook request refused: body too large");
            return Err(Refusal::Webhook);
        }
        Err(e) => return Err(Refusal::Api(e)),
    };
    let lookup = HeaderMapLookup(req.headers());
    match verify_explained(&hooks.clients, &lookup, &body, SystemTime::now()) {
        // With the Kubernetes backend the ServiceAccount's identity is used directly (its
        // RBAC is then checked with SubjectAccessReviews); no token Secret is read.
        Ok(client) => match match state.kube_auth {
            Some(_) => Ok(service_account_caller(&namespace, &client.service_account)),
            None => state
                .catalog
                .webhook_caller(&namespace, &client.service_account),
        } {
            Ok(caller) => {
                tracing::debug!(
                    namespace = %namespace,
                    service_account = %client.service_account,
                    kind = client.verifier.kind(),
                    "webhook request verified"
                );
                Ok((body, Some(caller)))
            }
            Err(error) => {
                tracing::warn!(
                    namespace = %namespace,
                    service_account = %client.service_account,
                    %error,
                    "webhook request verified, but its ServiceAccount has no usable token; answering 403"
                );
                Err(Refusal::Webhook)
            }
        },
        Err(reasons) => {
            for (service_account, reason) in &reasons {
                tracing::debug!(
                    namespace = %namespace,
                    service_account,
                    %reason,
                    "webhook client did not match"
                );
            }
            Ok((body, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderName;
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn header_lookup_is_case_insensitive_and_skips_non_utf8() {
        let mut map = HeaderMap::new();
        map.append(
            HeaderName::from_static("x-hub-signature-256"),
            HeaderValue::from_static("sha256=ab"),
        );
        map.append(
            HeaderName::from_static("webhook-signature"),
            HeaderValue::from_bytes(b"v1,\xff").unwrap(),
        );
        map.append(
            HeaderName::from_static("webhook-signature"),
            HeaderValue::from_static("v1,abc"),
        );
        let l = HeaderMapLookup(&map);
        assert_eq!(l.get("X-Hub-Signature-256"), Some("sha256=ab"));
        assert_eq!(l.get("x-hub-signature-256"), Some("sha256=ab"));
        assert_eq!(l.get("X-Missing"), None);
        assert_eq!(l.get("not a header name"), None);
        assert_eq!(l.get_all("Webhook-Signature"), vec!["v1,abc"]);
        assert!(l.get_all("bad name").is_empty());
    }

    #[test]
    fn utf8_values_are_kept() {
        let mut map = HeaderMap::new();
        map.append(
            HeaderName::from_static("x-gitlab-token"),
            HeaderValue::from_bytes("sécret".as_bytes()).unwrap(),
        );
        assert_eq!(HeaderMapLookup(&map).get("X-Gitlab-Token"), Some("sécret"));
    }

    #[test]
    fn interceptor_acts_only_on_unauthenticated_event_posts() {
        let ns = |r: TestRequest| webhook_namespace(&r.to_http_request());
        // Spec §13 cases 9–13.
        assert_eq!(ns(TestRequest::get().uri("/api/v1/events/")), None);
        assert_eq!(
            ns(TestRequest::post()
                .uri("/api/v1/events/my-ns/")
                .insert_header(("Authorization", "existing"))),
            None
        );
        assert_eq!(
            ns(TestRequest::post()
                .uri("/api/v1/events/my-ns/")
                .insert_header(("Authorization", ""))),
            None
        );
        assert_eq!(ns(TestRequest::post().uri("/api/v1/xxx/")), None);
        assert_eq!(
            ns(TestRequest::post().uri("/api/v1/events//my-d")),
            Some(String::new())
        );
        assert_eq!(
            ns(TestRequest::post().uri("/api/v1/events/my-ns/")),
            Some("my-ns".into())
        );
        assert_eq!(
            ns(TestRequest::post().uri("/api/v1/events/my-ns/a/b")),
            Some("my-ns".into())
        );
        assert_eq!(ns(TestRequest::post().uri("/api/v1/events/my-ns")), None);
        // A cookie is not an Authorization header.
        assert_eq!(
            ns(TestRequest::post()
                .uri("/api/v1/events/my-ns/d")
                .insert_header(("Cookie", "authorization=Bearer x"))),
            Some("my-ns".into())
        );
    }

    #[test]
    fn refusal_answers() {
        let resp = Refusal::Webhook.respond().unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            resp.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
        let e = Refusal::Api(ApiError::too_large(3)).respond().unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
    }
}
