//! `POST /api/v1/events/{namespace}/{discriminator}`: Argo's event endpoint.
//!
//! Takes the request (headers, peer address, body); returns 200 `{}` once the event is
//! queued (asynchronous dispatch, the default) or once its workflows exist (synchronous),
//! or an Argo-shaped error. Steps: read the body (capped by `--max-body-bytes`, 413 past
//! it) and check a provider webhook signature when there is no `Authorization` header
//! ([`webhook`]: Argo's 403 on the webhook path), authenticate (401), authorize
//! `list workfloweventbindings` in the namespace (403), build `metadata` and parse the JSON
//! body (400). An event that no binding of the namespace can match (the selector index proves
//! every selector `false` without error) is answered 200 at once: dispatching it would create
//! and record nothing, so it takes no queue slot. Any other event takes an admission slot
//! (503 with `Retry-After` when the queue is full or the server is shutting down) and goes to
//! this thread's Dispatcher with `try_send`. The body is always read before answering, so
//! keep-alive connections survive rejections.

use actix::Addr;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::sync::oneshot;

use super::error::ApiError;
use super::metadata::event_metadata;
use super::webhook::{self, HeaderMapLookup};
use super::{AppState, authenticate, authorize};
use crate::actors::dispatcher::{Dispatch, Dispatcher, offer};
use crate::actors::{DispatchOutcome, Rejected};
use crate::auth::webhook::delivery_id;
use crate::binding::{Caller, Event};
use crate::expr::Input;

/// Header carrying the event id on a 200.
pub const EVENT_ID_HEADER: &str = "x-flowgate-event-id";

/// Reads the whole body, refusing more than `state.max_body_bytes` bytes (413) or a body
/// that takes longer than `state.body_timeout` to arrive (408).
pub async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    state: &AppState,
) -> Result<web::Bytes, ApiError> {
    let limit = state.max_body_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::too_large(limit));
    }
    let read = async {
        let mut buf = web::BytesMut::with_capacity(declared.map_or(0, |n| n as usize));
        while let Some(chunk) = payload.next().await {
            let chunk = chunk
                .map_err(|e| ApiError::bad_request(format!("cannot read the request body: {e}")))?;
            if buf.len() + chunk.len() > limit {
                return Err(ApiError::too_large(limit));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    };
    actix_rt::time::timeout(state.body_timeout, read)
        .await
        .map_err(|_| ApiError::body_timeout(state.body_timeout))?
}

/// Parses the first JSON value of the body; an empty body is `null`, as in Argo.
pub fn parse_payload(body: &[u8]) -> Result<Value, ApiError> {
    let mut values = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    match values.next() {
        None => Ok(Value::Null),
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(ApiError::bad_request(e.to_string())),
    }
}

/// Argo's 500 text: `failed to dispatch event: [e1 e2]` (Go `%v` of a `[]error`).
pub fn dispatch_failure(errors: &[String]) -> String {
    format!("failed to dispatch event: [{}]", errors.join(" "))
}

/// The handler: [`handle`], counted in the metrics by status.
pub async fn receive(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    dispatcher: web::Data<Addr<Dispatcher>>,
) -> Result<HttpResponse, ApiError> {
    let result = handle(req, body, &state, &dispatcher).await;
    let code = match &result {
        Ok(r) => r.status().as_u16(),
        Err(e) => e.status.as_u16(),
    };
    state.metrics.event_request(code);
    result
}

async fn handle(
    req: HttpRequest,
    body: web::Payload,
    state: &AppState,
    dispatcher: &Addr<Dispatcher>,
) -> Result<HttpResponse, ApiError> {
    let (body, signed) = match webhook::intercept(&req, body, state).await {
        Ok(passed) => passed,
        Err(refusal) => return refusal.respond(),
    };
    let namespace = req.match_info().get("ns").unwrap_or_default().to_string();
    let discriminator = req.match_info().get("disc").unwrap_or_default().to_string();
    if discriminator.contains(':') {
        return Err(ApiError::not_implemented());
    }
    let caller = match signed {
        Some(caller) => caller,
        None => authenticate(&req, state).await?,
    };
    authorize(
        state,
        &caller,
        "list",
        "workfloweventbindings",
        Some(&namespace),
        None,
    )
    .await?;
    let metadata = event_metadata(req.headers(), req.peer_addr().map(|a| a.ip()))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let payload = parse_payload(&body)?;
    let id = crate::model::meta::new_uid();
    let bindings = state.catalog.bindings(&namespace);
    let input = Input {
        namespace: &namespace,
        discriminator: &discriminator,
        metadata: &metadata,
        payload: &payload,
    };
    if !bindings.as_deref().is_some_and(|b| b.may_match(&input)) {
        // Every selector is false without error (or there is no binding): dispatching would
        // create nothing and record nothing, so the event never takes a queue slot.
        if state.admission.is_draining() {
            return Err(ApiError::unavailable("server is shutting down"));
        }
        tracing::debug!(event_id = %id, namespace = %namespace, "no binding can match");
        return Ok(accepted(state, &id));
    }
    let permit = state.admission.try_acquire().map_err(|e| match e {
        Rejected::Full => ApiError::unavailable("operation queue full"),
        Rejected::Draining => ApiError::unavailable("server is shutting down"),
    })?;
    let grants = match (&state.kube_auth, &caller) {
        (Some(kube), Caller::Client { identity, .. }) => {
            let bindings = bindings.as_deref().map_or(&[][..], |b| b.bindings());
            let grants = crate::auth::kube::resolve(kube, identity, &namespace, bindings)
                .await
                .map_err(super::review_failed)?;
            Some(std::sync::Arc::new(grants))
        }
        _ => None,
    };

    let event = Event {
        id: id.clone(),
        namespace,
        discriminator,
        metadata,
        payload,
        caller,
        delivery_id: delivery_id(&HeaderMapLookup(req.headers())),
        grants,
    };
    let (tx, rx) = if state.async_dispatch {
        (None, None)
    } else {
        let (tx, rx) = oneshot::channel::<DispatchOutcome>();
        (Some(tx), Some(rx))
    };
    offer(
        dispatcher,
        Dispatch {
            event,
            permit,
            reply: tx,
        },
    )
    .map_err(|e| {
        tracing::warn!(error = %e, "event refused at the dispatcher");
        ApiError::unavailable("operation queue full")
    })?;
    if let Some(rx) = rx {
        let outcome = rx.await.map_err(|_| {
            ApiError::internal(dispatch_failure(&[
                "the event was dropped before dispatch finished".into(),
            ]))
        })?;
        if !outcome.errors.is_empty() {
            return Err(ApiError::internal(dispatch_failure(&outcome.errors)));
        }
    }
    Ok(accepted(state, &id))
}

/// Argo's 200 `{}`, with the event id.
fn accepted(state: &AppState, id: &str) -> HttpResponse {
    let mut resp = HttpResponse::Ok();
    resp.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    ));
    resp.insert_header(("grpc-metadata-argo-version", state.version.as_str()));
    if let Ok(v) = HeaderValue::from_str(id) {
        resp.insert_header((EVENT_ID_HEADER, v));
    }
    resp.body("{}")
}

/// 501 for the event routes Argo does not implement (another method, a missing or extra segment).
pub async fn not_implemented(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if let Err(refusal) = webhook::intercept(&req, body, &state).await {
        return refusal.respond();
    }
    Err(ApiError::not_implemented())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_parsing_follows_argo() {
        assert_eq!(parse_payload(b"").unwrap(), Value::Null);
        assert_eq!(parse_payload(b"  ").unwrap(), Value::Null);
        assert_eq!(parse_payload(b"null").unwrap(), Value::Null);
        assert_eq!(
            parse_payload(br#"{"a":1} trailing"#).unwrap(),
            serde_json::json!({"a":1})
        );
        assert_eq!(parse_payload(b"!").unwrap_err().code, 3);
        let deep = "[".repeat(100_000);
        assert_eq!(parse_payload(deep.as_bytes()).unwrap_err().code, 3);
    }

    #[test]
    fn dispatch_failure_is_go_error_list() {
        assert_eq!(
            dispatch_failure(&["a: x".into(), "b".into()]),
            "failed to dispatch event: [a: x b]"
        );
    }
}

#[cfg(test)]
mod robustness {
    use proptest::prelude::*;

    use super::*;
    use crate::http::metadata::event_metadata;
    use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Any body gives a value or a 400, never a panic.
        #[test]
        fn any_body_parses_or_is_400(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Err(e) = parse_payload(&body) {
                prop_assert_eq!(e.code, 3);
            }
        }

        /// Any header set gives metadata or a clear error, never a panic.
        #[test]
        fn any_headers_give_metadata_or_an_error(
            headers in proptest::collection::vec(("x-[a-z0-9-]{0,12}(-bin)?", proptest::collection::vec(32u8..127, 0..40)), 0..8)
        ) {
            let mut map = HeaderMap::new();
            for (k, v) in &headers {
                if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_bytes(v)) {
                    map.append(k, v);
                }
            }
            if let Ok(m) = event_metadata(&map, Some("127.0.0.1".parse().unwrap())) {
                prop_assert!(m["x-forwarded-for"][0] == "127.0.0.1" || m["x-forwarded-for"].as_array().is_some_and(|l| l.len() >= 2));
            }
        }
    }
}
