//! Alert settings and the outbox over HTTP. Parse, call the domain, answer.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use super::listing::Listing;
use super::versions::expected_version;
use crate::alerts::operations;
use crate::alerts::outbox::listing::AlertFilter;
use crate::alerts::outbox::AlertState;
use crate::alerts::service::{AlertPage, MAX_PAGE};
use crate::alerts::settings::AlertSettings;
use crate::alerts::settings_view::AlertSettingsView;
use crate::app::AppState;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

#[derive(OpenApi)]
#[openapi(paths(get_alert_settings, set_alert_settings, list_alerts))]
pub struct Api;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_alert_settings)
        .service(set_alert_settings)
        .service(list_alerts);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertSettingsUpdate {
    /// Who is mailed: at most 20 addresses.
    recipients: Vec<String>,
    /// low, medium or high: findings from this severity up are mailed at once.
    min_severity: String,
    /// A daily mail summing up the open findings.
    digest_enabled: bool,
    /// The version the change starts from (or the `If-Match` header); 1 before any change.
    version: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AlertQuery {
    /// queued, sent or failed
    state: Option<String>,
    /// The `next` of the previous page.
    cursor: Option<String>,
    /// At most 200 (default 50).
    limit: Option<i64>,
}

/// Default page size of the alert listing.
const DEFAULT_PAGE: i64 = 50;

/// Who is mailed about findings, from which severity, and whether a daily digest goes out.
#[utoipa::path(responses((status = 200, body = AlertSettingsView), (status = 403), (status = 404)), tag = "alerts", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/alert-settings")]
pub async fn get_alert_settings(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = operations::alert_settings(state.gate(), actor, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Replaces the alert settings, from the version seen.
#[utoipa::path(request_body = AlertSettingsUpdate, responses(
    (status = 200, body = AlertSettingsView), (status = 400), (status = 403), (status = 404),
    (status = 409, description = "conflict: stale version, with the current settings")),
    tag = "alerts", security(("bearer" = [])))]
#[put("/v1/companies/{company_id}/alert-settings")]
pub async fn set_alert_settings(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<AlertSettingsUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let update = AlertSettings::parse(&body.recipients, &body.min_severity, body.digest_enabled)?;
    let version = expected_version(&req, body.version)?;
    let view =
        operations::set_alert_settings(state.gate(), actor, path.into_inner(), update, version)
            .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The company's mails, newest first: queued (not delivered yet), sent, or failed (the
/// address refused them for good), with attempts and the last error.
#[utoipa::path(params(AlertQuery), responses((status = 200, body = AlertPage), (status = 400), (status = 403), (status = 404)), tag = "alerts", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/alerts")]
pub async fn list_alerts(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<AlertQuery>,
    listing: Listing,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let filter = AlertFilter {
        state: query
            .state
            .as_deref()
            .map(|text| {
                AlertState::parse(text).ok_or_else(|| {
                    ApiError::invalid_field("state", "must be queued, sent or failed")
                })
            })
            .transpose()?,
        cursor: listing.open(query.cursor.as_deref())?,
        limit: match query.limit {
            None => DEFAULT_PAGE,
            Some(limit) if (1..=MAX_PAGE).contains(&limit) => limit,
            Some(_) => return Err(ApiError::invalid_field("limit", "must be from 1 to 200")),
        },
    };
    let mut page = operations::list_alerts(state.gate(), actor, path.into_inner(), filter).await?;
    page.next = listing.seal(page.next);
    Ok(HttpResponse::Ok().json(page))
}
