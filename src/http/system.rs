//! Health, readiness and metrics.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::app::AppState;
use crate::authz::ReplayPosition;
use crate::web::error::{ApiError, ErrorCode};
use crate::web::metrics::{may_scrape, Metrics};

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Readiness {
    status: &'static str,
    database: &'static str,
    /// The read replica (`database_read_url`), when one is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    replica: Option<ReplicaReadiness>,
}

/// A replica the node cannot reach leaves it ready (writes and short reads go on); its long
/// reads answer 503 until the replica answers again.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReplicaReadiness {
    /// `replaying`, `unreachable`, or `not_a_replica` (a server out of recovery, say one
    /// promoted by a failover).
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<ReplayPosition>,
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
    let backend = state.gate().database_answers().await.map_err(|error| {
        tracing::warn!(%error, "readiness check failed");
        ApiError::new(
            ErrorCode::ServiceUnavailable,
            "The database does not answer.",
            "La base de données ne répond pas.",
        )
    })?;
    let replica = state
        .gate()
        .replica_position()
        .await
        .map(|answer| match answer {
            Ok(Some(position)) => ReplicaReadiness {
                status: "replaying",
                position: Some(position),
            },
            Ok(None) => ReplicaReadiness {
                status: "not_a_replica",
                position: None,
            },
            Err(error) => {
                tracing::warn!(%error, "the read replica does not answer");
                ReplicaReadiness {
                    status: "unreachable",
                    position: None,
                }
            }
        });
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready",
        database: backend,
        replica,
    }))
}

/// Prometheus text exposition of the service's own figures (none per company). Without
/// `metrics_token`, served only to a client on this host that no proxy forwarded; with it,
/// only with `Authorization: Bearer <metrics_token>`.
#[utoipa::path(
    responses(
        (status = 200, description = "Prometheus text format"),
        (status = 401, description = "`metrics_token` is set and the request did not carry it"),
        (status = 403, description = "no `metrics_token` is set and the request came from another host or through a proxy"),
    ),
    tag = "system"
)]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    may_scrape(&req, state.settings.metrics_token.as_ref())?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render()))
}
