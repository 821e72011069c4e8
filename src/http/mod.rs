//! The HTTP API (actix-web): the events endpoint, the read API and health checks.
//!
//! Takes requests; returns Argo-shaped JSON. Routes:
//!
//! | Route | What |
//! |---|---|
//! | `POST /api/v1/events/{ns}/` and `/api/v1/events/{ns}/{discriminator}` | receive an event ([`events`]) |
//! | `GET /api/v1/workflows/{ns}` and `/api/v1/workflows/{ns}/{name}` | created workflows |
//! | `GET /api/v1/workflow-event-bindings/{ns}` | bindings (no instance-id filter, as in Argo) |
//! | `GET /api/v1/workflow-templates/{ns}`, `/api/v1/cluster-workflow-templates` | templates |
//! | `GET /api/v1/binding-errors/{ns}` | recorded binding errors (flowgate's event log) |
//! | `GET /healthz`, `GET /readyz` | health |
//! | `GET /metrics` | Prometheus metrics |
//!
//! Other methods or shapes under `/api/v1/events/` answer 501, like Argo; any other path 404.
//! A POST under `/api/v1/events/<ns>/` without an `Authorization` header first goes through the
//! provider webhook interceptor ([`webhook`]), as in Argo.
//! Every API route authenticates the caller ([`authenticate`]) and checks RBAC ([`authorize`]).

pub mod error;
pub mod events;
pub mod health;
pub mod metadata;
pub mod read;
pub mod webhook;

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::actors::Admission;
use crate::auth::ResourceAttributes;
use crate::auth::kube::{KubeAuth, KubeAuthError};
use crate::binding::Caller;
use crate::binding::dispatch::forbidden_message;
use crate::catalog::Catalog;
use crate::config::AuthMode;
use crate::metrics::Metrics;
use crate::store::Store;

pub use error::ApiError;

/// State shared by every worker thread.
pub struct AppState {
    /// Bindings, templates and auth objects.
    pub catalog: Arc<Catalog>,
    /// Workflows and binding errors.
    pub store: Arc<dyn Store>,
    /// The global event bound.
    pub admission: Arc<Admission>,
    /// `--auth-mode`.
    pub auth_mode: AuthMode,
    /// `--event-async-dispatch`.
    pub async_dispatch: bool,
    /// `--max-body-bytes`.
    pub max_body_bytes: usize,
    /// `--body-timeout-secs`.
    pub body_timeout: std::time::Duration,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Sent in `Grpc-Metadata-Argo-Version`.
    pub version: String,
    /// Kubernetes backend: TokenReview and SubjectAccessReview replace the catalog's tokens
    /// and RBAC in client mode. `None` with the embedded backend.
    pub kube_auth: Option<Arc<KubeAuth>>,
}

/// 503 (with `Retry-After`) when the API server cannot answer a review.
fn review_failed(e: KubeAuthError) -> ApiError {
    tracing::warn!(error = %e, "cannot review a request");
    ApiError::unavailable(e.to_string())
}

/// Who is calling: the server in server mode, else the owner of the bearer token (a
/// TokenReview with the Kubernetes backend, cached).
pub async fn authenticate(req: &HttpRequest, state: &AppState) -> Result<Caller, ApiError> {
    if state.auth_mode == AuthMode::Server {
        return Ok(Caller::Server);
    }
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(ApiError::unauthenticated)?;
    let caller = match &state.kube_auth {
        Some(kube) => kube.authenticate(token).await.map_err(review_failed)?,
        None => state.catalog.authenticate(token),
    };
    caller.ok_or_else(ApiError::unauthenticated)
}

/// 403 with Kubernetes' Forbidden text unless `caller` may `verb` the `resource` (a
/// SubjectAccessReview with the Kubernetes backend, cached).
pub async fn authorize(
    state: &AppState,
    caller: &Caller,
    verb: &str,
    resource: &str,
    namespace: Option<&str>,
    name: Option<&str>,
) -> Result<(), ApiError> {
    let allowed = match (&state.kube_auth, caller) {
        (Some(kube), Caller::Client { identity, .. }) => {
            let attrs = ResourceAttributes {
                verb: verb.to_string(),
                group: "argoproj.io".to_string(),
                resource: resource.to_string(),
                namespace: namespace.map(str::to_string),
                name: name.map(str::to_string),
            };
            kube.allowed(identity, &attrs)
                .await
                .map_err(review_failed)?
        }
        _ => state
            .catalog
            .allowed(caller, verb, resource, namespace, name),
    };
    if allowed {
        return Ok(());
    }
    let user = match caller {
        Caller::Server => "server",
        Caller::Client { identity, .. } => identity.username.as_str(),
    };
    Err(ApiError::forbidden(forbidden_message(
        user, verb, resource, namespace, name,
    )))
}

async fn fallback(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if req.path().starts_with("/api/v1/events/") || req.path() == "/api/v1/events" {
        return events::not_implemented(req, body, state).await;
    }
    events::read_body(&req, body, &state).await?;
    Err(ApiError::not_found("Not Found"))
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/events/{ns}/")
            .route(web::post().to(events::receive))
            .default_service(web::to(events::not_implemented)),
    )
    .service(
        web::resource("/api/v1/events/{ns}/{disc}")
            .route(web::post().to(events::receive))
            .default_service(web::to(events::not_implemented)),
    )
    .route(
        "/api/v1/workflows/{ns}",
        web::get().to(read::list_workflows),
    )
    .route(
        "/api/v1/workflows/{ns}/{name}",
        web::get().to(read::get_workflow),
    )
    .route(
        "/api/v1/workflow-event-bindings/{ns}",
        web::get().to(read::list_bindings),
    )
    .route(
        "/api/v1/workflow-templates/{ns}",
        web::get().to(read::list_templates),
    )
    .route(
        "/api/v1/cluster-workflow-templates",
        web::get().to(read::list_cluster_templates),
    )
    .route(
        "/api/v1/binding-errors/{ns}",
        web::get().to(read::list_binding_errors),
    )
    .route("/healthz", web::get().to(health::healthz))
    .route("/readyz", web::get().to(health::readyz))
    .route("/metrics", web::get().to(health::metrics))
    .default_service(web::to(fallback));
}
