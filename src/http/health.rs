//! `GET /healthz` (the process is up), `GET /readyz` (manifests loaded, not shutting down) and
//! `GET /metrics` (Prometheus text format).

use actix_web::{HttpResponse, web};

use super::AppState;

/// Liveness.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// Readiness: 503 while shutting down or before the first successful load.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.admission.is_draining() {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("shutting down")
    } else if !state.catalog.is_loaded() {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("not loaded")
    } else {
        HttpResponse::Ok().content_type("text/plain").body("ok")
    }
}

/// Prometheus metrics in the text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    match state.metrics.render(state.admission.in_flight()) {
        Ok(text) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(text),
        Err(e) => HttpResponse::InternalServerError()
            .content_type("text/plain")
            .body(e.to_string()),
    }
}
