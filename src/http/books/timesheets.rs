//! The caller's own timesheets.

use actix_web::{get, post, route, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{created, idempotency_key, page_request, parse_date, read, run, saved, PageQuery};
use crate::app::AppState;
use crate::books::timesheets::{self, TimesheetInput, TimesheetView};
use crate::http::listing::Listing;
use crate::http::versions::expected_version;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

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
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Result<HttpResponse, ApiError> {
    let request = page_request(query.into_inner(), &listing)?;
    let company_id = path.into_inner();
    let page = read(&state, move |conn, authz| {
        timesheets::list_own(conn, authz, &actor, &company_id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(listing.sealed(page)))
}

/// Records time worked by the caller.
#[utoipa::path(request_body = TimesheetRequest, responses((status = 201, body = TimesheetView), (status = 400), (status = 403)), tag = "timesheets", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/timesheets")]
pub async fn create_timesheet(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<TimesheetRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let input = parse(&body)?;
    let company_id = path.into_inner();
    let result = run(&state, move |conn, authz| {
        timesheets::create(
            conn,
            authz,
            &actor,
            &company_id,
            input.clone(),
            key.as_ref(),
        )
    })
    .await?;
    Ok(created(result))
}

/// One of the caller's time entries.
#[utoipa::path(responses((status = 200, body = TimesheetView), (status = 403), (status = 404)), tag = "timesheets", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/timesheets/{id}")]
pub async fn get_timesheet(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, id) = path.into_inner();
    let view = read(&state, move |conn, authz| {
        timesheets::get(conn, authz, &actor, &company_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes one of the caller's time entries, from the version they saw.
#[utoipa::path(put, path = "/v1/companies/{company_id}/timesheets/{id}", request_body = TimesheetRequest, responses((status = 200, body = TimesheetView), (status = 409, description = "conflict")), tag = "timesheets", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/timesheets/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_timesheet(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<TimesheetRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let input = parse(&body)?;
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        timesheets::update(conn, authz, &actor, target, version, input.clone())
    })
    .await?;
    saved(result)
}
