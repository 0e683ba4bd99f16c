//! Journal entries and the closing date.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answers::{created, found, saved, Answer};
use super::caller::{Caller, PageQuery, Paging};
use super::parse::{idempotency_key, override_requested, parse_date, parse_optional_date};
use crate::books::closing::{ClosingDateView, ExceptionView};
use crate::books::ledger::EntryView;
use crate::books::operations;
use crate::books::postings::{ManualEntryInput, ManualLineInput};
use crate::http::listing::Listing;
use crate::http::versions::expected_version;
use crate::web::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_entries)
        .service(post_entry)
        .service(get_entry)
        .service(reverse_entry)
        .service(get_closing_date)
        .service(set_closing_date)
        .service(list_closing_exceptions);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_entries,
    post_entry,
    get_entry,
    reverse_entry,
    get_closing_date,
    set_closing_date,
    list_closing_exceptions
))]
pub struct Api;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryLineRequest {
    account_number: String,
    #[serde(default)]
    debit_cents: i64,
    #[serde(default)]
    credit_cents: i64,
    /// The customer or vendor, on 411 and 401 lines.
    party_id: Option<String>,
}

/// A manual entry: at least 2 lines, each a debit or a credit, debits equal to credits.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    date: String,
    memo: Option<String>,
    lines: Vec<EntryLineRequest>,
    override_closing_date: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseRequest {
    /// The reversal's date; today (or the entry's date, if later) when absent.
    date: Option<String>,
    override_closing_date: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosingDateRequest {
    /// YYYY-MM-DD, or null to reopen every period.
    closing_date: Option<String>,
    version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EntryList {
    items: Vec<EntryView>,
    next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ExceptionList {
    items: Vec<ExceptionView>,
    next: Option<String>,
}

fn parse_entry(body: &EntryRequest) -> Result<ManualEntryInput, ApiError> {
    let lines = body
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let party_id = line
                .party_id
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty());
            if party_id.is_some_and(|p| p.len() > 64) {
                return Err(ApiError::invalid_field(
                    &format!("lines[{index}].party_id"),
                    "must name a customer or vendor",
                ));
            }
            Ok(ManualLineInput {
                account_number: line.account_number.clone(),
                debit_cents: line.debit_cents,
                credit_cents: line.credit_cents,
                party_id: party_id.map(str::to_owned),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ManualEntryInput {
        date: parse_date("date", &body.date)?,
        memo: body.memo.clone().unwrap_or_default(),
        lines,
    })
}

/// The journal, in entry number order.
#[utoipa::path(params(PageQuery), responses((status = 200, body = EntryList), (status = 403)), tag = "accounting", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/journal-entries")]
pub async fn list_entries(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    let paging = Paging::new(query, listing)?;
    let request = paging.request.clone();
    let page = operations::list_entries(&caller.gate, caller.actor, path.into_inner(), request);
    found(paging.sealed(page.await?))
}

/// Posts a manual journal entry.
#[utoipa::path(request_body = EntryRequest, responses((status = 201, body = EntryView), (status = 400, description = "e.g. unbalanced lines"), (status = 403)), tag = "accounting", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/journal-entries")]
pub async fn post_entry(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<EntryRequest>,
) -> Answer {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_entry(&body)?;
    let (company_id, entry) = (path.into_inner(), (input, override_closing_date));
    created(operations::post_entry(&caller.gate, caller.actor, company_id, entry, key).await?)
}

/// One journal entry.
#[utoipa::path(responses((status = 200, body = EntryView), (status = 404)), tag = "accounting", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/journal-entries/{id}")]
pub async fn get_entry(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    found(operations::get_entry(&caller.gate, caller.actor, path.into_inner()).await?)
}

/// Reverses a manual entry (someone else's); answers the reversing entry.
#[utoipa::path(request_body = ReverseRequest, responses((status = 201, body = EntryView), (status = 403, description = "e.g. reversing one's own entry"), (status = 409, description = "invalid_state")), tag = "accounting", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/journal-entries/{id}/reverse")]
pub async fn reverse_entry(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ReverseRequest>>,
) -> Answer {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let date = parse_optional_date("date", body.date.as_deref())?;
    let target = path.into_inner();
    let reversed = operations::reverse_entry(
        &caller.gate,
        caller.actor,
        target,
        date,
        override_closing_date,
    );
    Ok(HttpResponse::Created().json(reversed.await?))
}

/// The closing date and its version.
#[utoipa::path(responses((status = 200, body = ClosingDateView), (status = 403)), tag = "accounting", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/closing-date")]
pub async fn get_closing_date(caller: Caller, path: web::Path<String>) -> Answer {
    found(operations::get_closing_date(&caller.gate, caller.actor, path.into_inner()).await?)
}

/// Moves the closing date (admins and accountants), from the version the caller saw.
#[utoipa::path(request_body = ClosingDateRequest, responses((status = 200, body = ClosingDateView), (status = 403), (status = 409, description = "conflict")), tag = "accounting", security(("bearer" = [])))]
#[put("/v1/companies/{company_id}/closing-date")]
pub async fn set_closing_date(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<ClosingDateRequest>,
) -> Answer {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let closing_date = parse_optional_date("closing_date", body.closing_date.as_deref())?;
    let company_id = path.into_inner();
    let set = operations::set_closing_date(
        &caller.gate,
        caller.actor,
        company_id,
        version,
        closing_date,
    );
    saved(set.await?)
}

/// Each write made in the closed period with the override, oldest first.
#[utoipa::path(params(PageQuery), responses((status = 200, body = ExceptionList), (status = 403)), tag = "accounting", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/closing-date/exceptions")]
pub async fn list_closing_exceptions(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    let paging = Paging::new(query, listing)?;
    let (company_id, request) = (path.into_inner(), paging.request.clone());
    let page = operations::list_closing_exceptions(&caller.gate, caller.actor, company_id, request);
    found(paging.sealed(page.await?))
}
