//! The decision log over HTTP: filtered pages (JSON or CSV) and the tamper check.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::listing::Listing;
use crate::app::AppState;
use crate::authz::decision_log::{ChainCheck, DecisionFilter, DecisionRecord};
use crate::authz::{self, decisions, Action};
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
pub struct DecisionView {
    id: String,
    seq: i64,
    decided_at: String,
    user_id: Option<String>,
    session_id: Option<String>,
    action: String,
    resource_type: String,
    resource_id: String,
    decision: String,
    policy_ids: Vec<String>,
    errors: Vec<String>,
    client_ip: Option<String>,
    policy_version: String,
    prev_hash: String,
    hash: String,
}

impl From<DecisionRecord> for DecisionView {
    fn from(record: DecisionRecord) -> Self {
        Self {
            decided_at: rfc3339_micros(record.decided_at),
            policy_ids: split_nonempty(&record.policy_ids, ','),
            errors: split_nonempty(&record.errors, '\n'),
            id: record.id,
            seq: record.seq,
            user_id: record.user_id,
            session_id: record.session_id,
            action: record.action,
            resource_type: record.resource_type,
            resource_id: record.resource_id,
            decision: record.decision,
            client_ip: record.client_ip,
            policy_version: record.policy_version,
            prev_hash: record.prev_hash,
            hash: record.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DecisionPage {
    items: Vec<DecisionView>,
    /// The cursor of the next page; null at the end (also as `next_cursor`).
    next: Option<String>,
    next_cursor: Option<String>,
}

fn split_nonempty(text: &str, separator: char) -> Vec<String> {
    text.split(separator)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

fn rfc3339_micros(instant: NaiveDateTime) -> String {
    instant
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
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
    let authz = state.authz.clone();
    let (records, next) = authz::read(&state.store, &state.actions, move |conn| {
        decisions::list_decisions(conn, &authz, &actor, &company_id, &filter, limit)
    })
    .await?;
    let items: Vec<DecisionView> = records.into_iter().map(DecisionView::from).collect();
    let next = listing.seal(next.map(|seq| encode_cursor(&[&seq.to_string()])));
    if wants_csv(&req) {
        let mut response = HttpResponse::Ok();
        response.content_type("text/csv; charset=utf-8");
        if let Some(cursor) = &next {
            response.insert_header(("X-Next-Cursor", cursor.as_str()));
        }
        return Ok(response.body(to_csv(&items)?));
    }
    Ok(HttpResponse::Ok().json(DecisionPage {
        items,
        next_cursor: next.clone(),
        next,
    }))
}

pub(crate) fn to_csv(items: &[DecisionView]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "id",
            "seq",
            "decided_at",
            "user_id",
            "session_id",
            "action",
            "resource_type",
            "resource_id",
            "decision",
            "policy_ids",
            "errors",
            "client_ip",
            "policy_version",
            "prev_hash",
            "hash",
        ])
        .map_err(|e| ApiError::internal(&e))?;
    for item in items {
        let seq = item.seq.to_string();
        writer
            .write_record([
                item.id.as_str(),
                &seq,
                &item.decided_at,
                item.user_id.as_deref().unwrap_or(""),
                item.session_id.as_deref().unwrap_or(""),
                &item.action,
                &item.resource_type,
                &item.resource_id,
                &item.decision,
                &item.policy_ids.join(" "),
                &item.errors.join(" | "),
                item.client_ip.as_deref().unwrap_or(""),
                &item.policy_version,
                &item.prev_hash,
                &item.hash,
            ])
            .map_err(|e| ApiError::internal(&e))?;
    }
    writer.into_inner().map_err(|e| ApiError::internal(&e))
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
    let authz = state.authz.clone();
    let check = authz::read(&state.store, &state.actions, move |conn| {
        decisions::verify_decisions(conn, &authz, &actor, &company_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(check))
}
