//! `GET /healthz` (the process is up) and `GET /readyz` (manifests loaded, not shutting down).

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
