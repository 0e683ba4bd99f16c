//! The seat auditor over HTTP: seats, audit runs, findings, advice, imported sign-in events
//! and the enforcement mode. Parse, call the domain, answer.

use actix_web::{get, patch, post, put, web, HttpMessage, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::listing::Listing;
use super::versions::expected_version;
use crate::alerts::operations as alert_operations;
use crate::app::AppState;
use crate::identity::enforcement::EnforcementMode;
use crate::seats::findings::Severity;
use crate::seats::import::{self, ImportError, ParsedImport};
use crate::seats::operations;
use crate::seats::records::{parse_kind, FindingState, FindingView};
use crate::seats::service::audit_runs::AuditSummary;
use crate::seats::service::findings::StateChange;
use crate::seats::service::imports::ImportReport;
use crate::seats::service::seat_counts::{SeatAdviceView, SeatsView};
use crate::seats::setting_views::{EnforcementView, SeatAuditSettingsView};
use crate::seats::storage::findings::{FindingFilter, FindingPageRequest};
use crate::web::error::{ApiError, ErrorCode};
use crate::web::extract::Auth;

/// Largest import body: about 100,000 CSV rows.
const IMPORT_LIMIT_BYTES: usize = 20 * 1024 * 1024;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct FindingQuery {
    /// open, acknowledged or resolved
    state: Option<String>,
    /// shared_login, over_limit, effective_over_limit, impossible_travel or dormant_seat
    kind: Option<String>,
    /// low, medium or high
    severity: Option<String>,
    /// 1 to 200 findings; 50 when absent.
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FindingList {
    items: Vec<FindingView>,
    /// The cursor of the next page; null at the end (also as `next_cursor`).
    next: Option<String>,
    next_cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingPatch {
    /// acknowledged, resolved (with a note) or open
    state: String,
    /// Why: required to resolve.
    note: Option<String>,
    /// The version the change starts from (or the `If-Match` header).
    version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnforcementUpdate {
    /// monitor, deny_new, terminate_oldest or enforce
    mode: String,
    /// The company settings' version the change starts from (or the `If-Match` header).
    version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatAuditSettingsUpdate {
    /// Count probable (hand-over) sharing in the seats and the advice.
    count_probable_sharing: bool,
    /// The company settings' version the change starts from (or the `If-Match` header).
    version: Option<i64>,
}

fn parse_filter(query: &FindingQuery) -> Result<FindingFilter, ApiError> {
    Ok(FindingFilter {
        state: query
            .state
            .as_deref()
            .map(|text| {
                FindingState::parse(text).ok_or_else(|| {
                    ApiError::invalid_field("state", "must be open, acknowledged or resolved")
                })
            })
            .transpose()?,
        kind: query
            .kind
            .as_deref()
            .map(|text| {
                parse_kind(text).ok_or_else(|| {
                    ApiError::invalid_field(
                        "kind",
                        "must be shared_login, over_limit, effective_over_limit, impossible_travel or dormant_seat",
                    )
                })
            })
            .transpose()?,
        severity: query
            .severity
            .as_deref()
            .map(|text| {
                Severity::parse(text).ok_or_else(|| {
                    ApiError::invalid_field("severity", "must be low, medium or high")
                })
            })
            .transpose()?,
    })
}

/// Billable seats against the plan, free users, accountants, and the people estimated behind
/// the billable logins.
#[utoipa::path(responses((status = 200, body = SeatsView), (status = 403), (status = 404)), tag = "seats", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/seats")]
pub async fn get_seats(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = operations::seats(state.gate(), actor, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Runs the audit now: findings are upserted, shared logins' sessions flagged.
#[utoipa::path(responses((status = 200, body = AuditSummary), (status = 403), (status = 404)), tag = "seats", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/audit")]
pub async fn run_audit(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let config = state.settings.audit_config();
    let summary =
        alert_operations::run_audit(state.gate(), actor, path.into_inner(), config).await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// The company's findings, filtered by state, kind and severity.
#[utoipa::path(params(FindingQuery), responses((status = 200, body = FindingList), (status = 400), (status = 403)), tag = "seats", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/findings")]
pub async fn list_findings(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<FindingQuery>,
    listing: Listing,
) -> Result<HttpResponse, ApiError> {
    let filter = parse_filter(&query)?;
    let after = listing.open(query.cursor.as_deref())?;
    let request = FindingPageRequest::parse(query.limit, after.as_deref())?;
    let page = operations::list_findings(state.gate(), actor, path.into_inner(), filter, request)
        .await
        .map(|page| listing.sealed(page))?;
    Ok(HttpResponse::Ok().json(FindingList {
        items: page.items.into_iter().map(FindingView::from).collect(),
        next_cursor: page.next.clone(),
        next: page.next,
    }))
}

/// One finding with its evidence.
#[utoipa::path(responses((status = 200, body = FindingView), (status = 403), (status = 404)), tag = "seats", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/findings/{finding_id}")]
pub async fn get_finding(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, finding_id) = path.into_inner();
    let row = operations::finding(state.gate(), actor, company_id, finding_id).await?;
    Ok(HttpResponse::Ok().json(FindingView::from(row)))
}

/// Acknowledges, resolves (with a note) or reopens a finding, from the version seen.
#[utoipa::path(request_body = FindingPatch, responses(
    (status = 200, body = FindingView), (status = 400), (status = 403), (status = 404),
    (status = 409, description = "conflict: stale version, with the current finding")),
    tag = "seats", security(("bearer" = [])))]
#[patch("/v1/companies/{company_id}/findings/{finding_id}")]
pub async fn update_finding(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<FindingPatch>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let change = StateChange {
        state: FindingState::parse(&body.state).ok_or_else(|| {
            ApiError::invalid_field("state", "must be open, acknowledged or resolved")
        })?,
        note: body.note,
        expected_version: expected_version(&req, body.version)?,
    };
    let (company_id, finding_id) = path.into_inner();
    let row = operations::change_finding_state(state.gate(), actor, company_id, finding_id, change)
        .await?;
    Ok(HttpResponse::Ok().json(FindingView::from(row)))
}

/// The cheapest honest plan and role mix for the people observed (one person, one login).
#[utoipa::path(responses((status = 200, body = SeatAdviceView), (status = 403), (status = 404)), tag = "seats", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/seat-advice")]
pub async fn seat_advice(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let config = state.settings.audit_config();
    let view = operations::seat_advice(state.gate(), actor, path.into_inner(), config).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Imports sign-in events of another app: `application/json` (an array of objects) or
/// `text/csv` with the header `login,event,time,ip,user_agent,device_id,latitude,longitude,country,role`.
/// Bad rows are reported by row and field; good rows are kept; re-importing adds nothing.
#[utoipa::path(request_body(description = "A JSON array of events, or CSV with the header above",
        content((Vec<Object> = "application/json"), (String = "text/csv"))),
    responses((status = 200, body = ImportReport), (status = 400), (status = 403), (status = 413), (status = 415)),
    tag = "seats", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/session-events")]
pub async fn import_session_events(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let format = body_format(&req)?;
    let bytes = match payload.to_bytes_limited(IMPORT_LIMIT_BYTES).await {
        Ok(read) => read.map_err(|e| ApiError::invalid_field("body", &e.to_string()))?,
        Err(_) => {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                "The import is too large: send at most 20 MB per request.",
                "L'import est trop volumineux : envoyez au plus 20 Mo par requête.",
            ))
        }
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::invalid_field("body", "must be UTF-8 text"))?;
    let parsed = parse_import(format, text)?;
    let report =
        operations::import_session_events(state.gate(), actor, path.into_inner(), parsed).await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Clone, Copy)]
enum BodyFormat {
    Json,
    Csv,
}

/// `application/json` or `text/csv`, each with no parameter but an optional `charset=utf-8`:
/// the body is read as UTF-8.
fn body_format(req: &HttpRequest) -> Result<BodyFormat, ApiError> {
    use actix_web::mime;
    let content_type = req.mime_type().ok().flatten();
    match content_type {
        Some(json) if crate::web::content_type::is_json(&json) => Ok(BodyFormat::Json),
        Some(csv)
            if csv.type_() == mime::TEXT
                && csv.subtype() == mime::CSV
                && crate::web::content_type::is_utf8_text(&csv) =>
        {
            Ok(BodyFormat::Csv)
        }
        _ => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the events as application/json or text/csv.",
            "Envoyez les événements en application/json ou text/csv.",
        )),
    }
}

/// Parses an import body; a body that cannot be read at all is one error for the request.
fn parse_import(format: BodyFormat, text: &str) -> Result<ParsedImport, ApiError> {
    let now = chrono::Utc::now();
    let parsed = match format {
        BodyFormat::Json => import::parse_json(text, now),
        BodyFormat::Csv => import::parse_csv(text, now),
    };
    parsed.map_err(|error| match error {
        ImportError::TooManyRows => ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "At most {} events per import: split the file.",
                import::MAX_ROWS
            ),
            format!(
                "Au plus {} événements par import : découpez le fichier.",
                import::MAX_ROWS
            ),
        ),
        other => ApiError::invalid_field("body", &other.to_string()),
    })
}

/// The company's enforcement mode for concurrent sessions.
#[utoipa::path(responses((status = 200, body = EnforcementView), (status = 403), (status = 404)), tag = "seats", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/settings/enforcement")]
pub async fn get_enforcement(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = operations::enforcement(state.gate(), actor, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes the enforcement mode, from the company settings' version seen.
#[utoipa::path(request_body = EnforcementUpdate, responses(
    (status = 200, body = EnforcementView), (status = 400), (status = 403),
    (status = 409, description = "conflict: stale version, with the current setting")),
    tag = "seats", security(("bearer" = [])))]
#[put("/v1/companies/{company_id}/settings/enforcement")]
pub async fn set_enforcement(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<EnforcementUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mode = EnforcementMode::parse(&body.mode).ok_or_else(|| {
        ApiError::invalid_field(
            "mode",
            "must be monitor, deny_new, terminate_oldest or enforce",
        )
    })?;
    let version = expected_version(&req, body.version)?;
    let view =
        operations::set_enforcement(state.gate(), actor, path.into_inner(), mode, version).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The company's seat-audit settings: whether probable (hand-over) sharing counts.
#[utoipa::path(responses((status = 200, body = SeatAuditSettingsView), (status = 403), (status = 404)), tag = "seats", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/settings/seat-audit")]
pub async fn get_seat_audit_settings(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = operations::seat_audit_settings(state.gate(), actor, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes the seat-audit settings, from the company settings' version seen.
#[utoipa::path(request_body = SeatAuditSettingsUpdate, responses(
    (status = 200, body = SeatAuditSettingsView), (status = 400), (status = 403),
    (status = 409, description = "conflict: stale version, with the current settings")),
    tag = "seats", security(("bearer" = [])))]
#[put("/v1/companies/{company_id}/settings/seat-audit")]
pub async fn set_seat_audit_settings(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<SeatAuditSettingsUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let count = body.count_probable_sharing;
    let view =
        operations::set_seat_audit_settings(state.gate(), actor, path.into_inner(), count, version)
            .await?;
    Ok(HttpResponse::Ok().json(view))
}
