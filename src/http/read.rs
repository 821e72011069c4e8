//! The read API: workflows, bindings, templates and binding errors, Argo-shaped.
//!
//! Takes `GET` requests; returns `{"metadata":{},"items":[…]}` lists or single objects, after
//! authentication and an RBAC check (`list` or `get` on the resource).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::json;

use super::error::go_json;
use super::{ApiError, AppState, authenticate, authorize};
use crate::store::StoreError;

/// Most binding-error records returned by one call.
pub const MAX_BINDING_ERRORS: usize = 500;

fn ok_json(value: &serde_json::Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(go_json(value))
}

fn list<T: Serialize>(items: &[T]) -> HttpResponse {
    ok_json(&json!({ "metadata": {}, "items": items }))
}

fn store_error(e: StoreError) -> ApiError {
    tracing::error!(error = %e, "store read failed");
    ApiError::internal(e.to_string())
}

fn path<'a>(req: &'a HttpRequest, key: &str) -> &'a str {
    req.match_info().get(key).unwrap_or_default()
}

/// Authenticates the caller and checks that it may `verb` the `resource` (in `namespace`,
/// or cluster-wide for `None`); every read route starts with this.
async fn permit(
    req: &HttpRequest,
    state: &AppState,
    verb: &str,
    resource: &str,
    namespace: Option<&str>,
    name: Option<&str>,
) -> Result<(), ApiError> {
    let caller = authenticate(req, state).await?;
    authorize(state, &caller, verb, resource, namespace, name).await
}

/// `GET /api/v1/workflows/{ns}`.
pub async fn list_workflows(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ns = path(&req, "ns");
    permit(&req, &state, "list", "workflows", Some(ns), None).await?;
    let items = state.store.list_workflows(ns).await.map_err(store_error)?;
    Ok(list(&items))
}

/// `GET /api/v1/workflows/{ns}/{name}`.
pub async fn get_workflow(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (ns, name) = (path(&req, "ns"), path(&req, "name"));
    permit(&req, &state, "get", "workflows", Some(ns), Some(name)).await?;
    match state
        .store
        .get_workflow(ns, name)
        .await
        .map_err(store_error)?
    {
        Some(wf) => Ok(ok_json(&serde_json::to_value(&wf).unwrap_or_default())),
        None => Err(ApiError::not_found(format!(
            "workflows.argoproj.io {name:?} not found"
        ))),
    }
}

/// `GET /api/v1/workflow-event-bindings/{ns}`.
pub async fn list_bindings(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ns = path(&req, "ns");
    permit(
        &req,
        &state,
        "list",
        "workfloweventbindings",
        Some(ns),
        None,
    )
    .await?;
    Ok(list(&state.catalog.list_bindings(ns)))
}

/// `GET /api/v1/workflow-templates/{ns}`.
pub async fn list_templates(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ns = path(&req, "ns");
    permit(&req, &state, "list", "workflowtemplates", Some(ns), None).await?;
    Ok(list(&state.catalog.list_templates(ns)))
}

/// `GET /api/v1/cluster-workflow-templates`.
pub async fn list_cluster_templates(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    permit(&req, &state, "list", "clusterworkflowtemplates", None, None).await?;
    Ok(list(&state.catalog.list_cluster_templates()))
}

/// `GET /api/v1/binding-errors/{ns}`: the newest recorded binding errors, oldest first.
pub async fn list_binding_errors(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ns = path(&req, "ns");
    permit(
        &req,
        &state,
        "list",
        "workfloweventbindings",
        Some(ns),
        None,
    )
    .await?;
    let items = state
        .store
        .list_binding_errors(ns, MAX_BINDING_ERRORS)
        .await
        .map_err(store_error)?;
    Ok(list(&items))
}
