//! Health, readiness, metrics and the OpenAPI document.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;

use super::error::{ApiError, ErrorCode};
use super::state::AppState;
use crate::identity::sessions::count_open_sessions;
use crate::store::{self, StoreError};

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Readiness {
    status: &'static str,
    database: &'static str,
}

/// The process is up.
#[utoipa::path(responses((status = 200, body = Health)), tag = "system")]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The process can serve: its database answers.
#[utoipa::path(
    responses((status = 200, body = Readiness), (status = 503, description = "database down")),
    tag = "system"
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let backend = state.store.backend_name();
    state
        .store
        .run(store::ping)
        .await
        .map_err(|error: StoreError| {
            tracing::warn!(%error, "readiness check failed");
            ApiError::new(
                ErrorCode::ServiceUnavailable,
                "The database does not answer.",
                "La base de données ne répond pas.",
            )
        })?;
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready",
        database: backend,
    }))
}

/// Prometheus text exposition.
#[utoipa::path(responses((status = 200, description = "Prometheus text format")), tag = "system")]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let active = state.store.run(count_open_sessions).await?;
    state.metrics.set_active_sessions(active);
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render()))
}

/// This document.
#[utoipa::path(responses((status = 200, description = "OpenAPI 3 document")), tag = "system")]
#[get("/openapi.json")]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(super::openapi::document())
}
