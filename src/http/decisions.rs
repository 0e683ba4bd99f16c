//! The decision log over HTTP: filtered pages (JSON or CSV) and the tamper check.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::listing::Listing;
use crate::app::AppState;
use crate::authz::decision_log::{ChainCheck, DecisionFilter};
use crate::authz::decision_views::{to_csv, DecisionView};
use crate::authz::{decisions, operations, Action};
use crate::paging::{checked_limit, decode_cursor, encode_cursor, PagingError};
use crate::web::error::ApiError;
use crate::web::extract::Auth;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DecisionQuery {
    /// Decisions at or after this instant (RFC 3339).
    from: Option<String>,
    /// Decisions before this instant (RFC 3339).
    to: Option<String>,
    user_id: Option<String>,
    action: Option<String>,
    /// allow or deny
    decision: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 10000 (default 100).
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionPage {
    items: Vec<DecisionView>,
    /// The cursor of the next page; null at the end (also as `next_cursor`).
    next: Option<String>,
    next_cursor: Option<String>,
}

pub(super) fn parse_instant(field: &'static str, text: &str) -> Result<NaiveDateTime, ApiError> {
    DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.naive_utc())
        .map_err(|_| ApiError::invalid_field(field, "must be an RFC 3339 instant"))
}

fn parse_filter(
    query: DecisionQuery,
    cursor: Option<&str>,
) -> Result<(DecisionFilter, i64), ApiError> {
    let allowed = match query.decision.as_deref() {
        None => None,
        Some("allow") => Some(true),
        Some("deny") => Some(false),
        Some(_) => return Err(ApiError::invalid_field("decision", "must be allow or deny")),
    };
    if let Some(action) = &query.action {
        Action::parse(action)
            .ok_or_else(|| ApiError::invalid_field("action", "is not an action of the schema"))?;
    }
    let before_seq = cursor.map(decision_cursor).transpose()?;
    let limit = checked_limit(Some(query.limit.unwrap_or(100)), decisions::MAX_PAGE)?;
    let filter = DecisionFilter {
        from: query
            .from
            .as_deref()
            .map(|t| parse_instant("from", t))
            .transpose()?,
        to: query
            .to
            .as_deref()
            .map(|t| parse_instant("to", t))
            .transpose()?,
        user_id: query.user_id,
        action: query.action,
        allowed,
        before_seq,
    };
    Ok((filter, limit))
}

/// The sequence number a cursor of the log carries.
fn decision_cursor(cursor: &str) -> Result<i64, PagingError> {
    let [seq] = decode_cursor::<1>(cursor)?;
    seq.parse().map_err(|_| PagingError::InvalidCursor)
}

pub(super) fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}

/// The company's decisions, newest first; `Accept: text/csv` gives CSV.
#[utoipa::path(params(DecisionQuery), responses(
    (status = 200, description = "JSON, or CSV with Accept: text/csv",
        content((DecisionPage = "application/json"), (String = "text/csv"))),
    (status = 403)), tag = "decisions", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/decisions")]
pub async fn list_decisions(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DecisionQuery>,
    listing: Listing,
) -> Result<HttpResponse, ApiError> {
    let company_id = path.into_inner();
    let query = query.into_inner();
    let after = listing.open(query.cursor.as_deref())?;
    let (filter, limit) = parse_filter(query, after.as_deref())?;
    let (records, next) =
        operations::list_decisions(state.gate(), actor, company_id, filter, limit).await?;
    let items: Vec<DecisionView> = records.into_iter().map(DecisionView::from).collect();
    let next = listing.seal(next.map(|seq| encode_cursor(&[&seq.to_string()])));
    if wants_csv(&req) {
        let mut response = HttpResponse::Ok();
        response.content_type("text/csv; charset=utf-8");
        if let Some(cursor) = &next {
            response.insert_header(("X-Next-Cursor", cursor.as_str()));
        }
        let csv = to_csv(&items).map_err(|e| ApiError::internal(&e))?;
        return Ok(response.body(csv));
    }
    Ok(HttpResponse::Ok().json(DecisionPage {
        items,
        next_cursor: next.clone(),
        next,
    }))
}

/// Re-computes the company's hash chain and names the first broken record.
#[utoipa::path(responses((status = 200, body = ChainCheck), (status = 403)), tag = "decisions", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/decisions/verify")]
pub async fn verify_decisions(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let company_id = path.into_inner();
    let check = operations::verify_decisions(state.gate(), actor, company_id).await?;
    Ok(HttpResponse::Ok().json(check))
}
