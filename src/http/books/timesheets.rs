//! The caller's own timesheets.

use actix_web::{get, post, route, web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answers::{created, found, saved, Answer};
use super::caller::{Caller, PageQuery, Paging};
use super::parse::{idempotency_key, parse_date};
use crate::books::operations;
use crate::books::timesheets::{TimesheetInput, TimesheetView};
use crate::http::listing::Listing;
use crate::http::versions::expected_version;
use crate::web::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_timesheets)
        .service(create_timesheet)
        .service(get_timesheet)
        .service(update_timesheet);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_timesheets, create_timesheet, get_timesheet, update_timesheet))]
pub struct Api;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimesheetRequest {
    date: String,
    /// 1 to 1440.
    minutes: i64,
    description: Option<String>,
    version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TimesheetList {
    items: Vec<TimesheetView>,
    next: Option<String>,
}

fn parse(body: &TimesheetRequest) -> Result<TimesheetInput, ApiError> {
    let date = parse_date("date", &body.date)?;
    let description = body.description.as_deref().unwrap_or_default();
    Ok(TimesheetInput::parse(date, body.minutes, description)?)
}

/// The caller's own time entries.
#[utoipa::path(params(PageQuery), responses((status = 200, body = TimesheetList), (status = 403)), tag = "timesheets", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/timesheets")]
pub async fn list_timesheets(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    let paging = Paging::new(query, listing)?;
    let request = paging.request.clone();
    let page = operations::list_timesheets(&caller.gate, caller.actor, path.into_inner(), request);
    found(paging.sealed(page.await?))
}

/// Records time worked by the caller.
#[utoipa::path(request_body = TimesheetRequest, responses((status = 201, body = TimesheetView), (status = 400), (status = 403)), tag = "timesheets", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/timesheets")]
pub async fn create_timesheet(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<TimesheetRequest>,
) -> Answer {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let input = parse(&body)?;
    let company_id = path.into_inner();
    created(operations::create_timesheet(&caller.gate, caller.actor, company_id, input, key).await?)
}

/// One of the caller's time entries.
#[utoipa::path(responses((status = 200, body = TimesheetView), (status = 403), (status = 404)), tag = "timesheets", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/timesheets/{id}")]
pub async fn get_timesheet(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    found(operations::get_timesheet(&caller.gate, caller.actor, path.into_inner()).await?)
}

/// Changes one of the caller's time entries, from the version they saw.
#[utoipa::path(put, path = "/v1/companies/{company_id}/timesheets/{id}", request_body = TimesheetRequest, responses((status = 200, body = TimesheetView), (status = 409, description = "conflict")), tag = "timesheets", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/timesheets/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_timesheet(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<TimesheetRequest>,
) -> Answer {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let input = parse(&body)?;
    let target = path.into_inner();
    saved(operations::update_timesheet(&caller.gate, caller.actor, target, version, input).await?)
}
