//! Customers and vendors.

use actix_web::{get, post, route, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{created, idempotency_key, page_request, read, run, saved, PageQuery};
use crate::app::AppState;
use crate::books::parties::{self, PartyInput, PartyKind, PartyView};
use crate::http::listing::Listing;
use crate::http::versions::expected_version;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(update_customer)
        .service(list_vendors)
        .service(create_vendor)
        .service(get_vendor)
        .service(update_vendor);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_customers,
    create_customer,
    get_customer,
    update_customer,
    list_vendors,
    create_vendor,
    get_vendor,
    update_vendor
))]
pub struct Api;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyRequest {
    name: String,
    email: Option<String>,
    /// Updates: the version the change starts from (or `If-Match`).
    version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PartyList {
    items: Vec<PartyView>,
    next: Option<String>,
}

fn parse(body: &PartyRequest) -> Result<PartyInput, ApiError> {
    Ok(PartyInput::parse(&body.name, body.email.as_deref())?)
}

async fn list(
    state: web::Data<AppState>,
    actor: crate::authz::Actor,
    company_id: String,
    kind: PartyKind,
    (query, listing): (PageQuery, Listing),
) -> Result<HttpResponse, ApiError> {
    let request = page_request(query, &listing)?;
    let page = read(&state, move |conn, authz| {
        parties::list(conn, authz, &actor, &company_id, kind, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(listing.sealed(page)))
}

async fn create(
    state: web::Data<AppState>,
    (actor, req): (crate::authz::Actor, HttpRequest),
    company_id: String,
    kind: PartyKind,
    body: PartyRequest,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency_key(&req, &body)?;
    let input = parse(&body)?;
    let result = run(&state, move |conn, authz| {
        parties::create(
            conn,
            authz,
            &actor,
            &company_id,
            kind,
            input.clone(),
            key.as_ref(),
        )
    })
    .await?;
    Ok(created(result))
}

async fn get_one(
    state: web::Data<AppState>,
    actor: crate::authz::Actor,
    (company_id, id): (String, String),
    kind: PartyKind,
) -> Result<HttpResponse, ApiError> {
    let view = read(&state, move |conn, authz| {
        parties::get(conn, authz, &actor, &company_id, kind, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn update(
    state: web::Data<AppState>,
    (actor, req): (crate::authz::Actor, HttpRequest),
    (company_id, id): (String, String),
    kind: PartyKind,
    body: PartyRequest,
) -> Result<HttpResponse, ApiError> {
    let version = expected_version(&req, body.version)?;
    let input = parse(&body)?;
    let result = run(&state, move |conn, authz| {
        parties::update(
            conn,
            authz,
            &actor,
            &company_id,
            (kind, &id),
            version,
            input.clone(),
        )
    })
    .await?;
    saved(result)
}

/// The company's customers.
#[utoipa::path(params(PageQuery), responses((status = 200, body = PartyList), (status = 403), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/customers")]
pub async fn list_customers(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Result<HttpResponse, ApiError> {
    list(
        state,
        actor,
        path.into_inner(),
        PartyKind::Customer,
        (query.into_inner(), listing),
    )
    .await
}

/// Adds a customer. `Idempotency-Key` makes a retry safe.
#[utoipa::path(request_body = PartyRequest, responses((status = 201, body = PartyView), (status = 400), (status = 403), (status = 422, description = "idempotency_key_reused")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<PartyRequest>,
) -> Result<HttpResponse, ApiError> {
    let kind = PartyKind::Customer;
    create(
        state,
        (actor, req),
        path.into_inner(),
        kind,
        body.into_inner(),
    )
    .await
}

/// One customer.
#[utoipa::path(responses((status = 200, body = PartyView), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    get_one(state, actor, path.into_inner(), PartyKind::Customer).await
}

/// Changes a customer, from the version the caller saw (PUT or PATCH, whole record).
#[utoipa::path(put, path = "/v1/companies/{company_id}/customers/{id}", request_body = PartyRequest, responses((status = 200, body = PartyView), (status = 409, description = "conflict, with the current customer")), tag = "sales", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/customers/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_customer(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<PartyRequest>,
) -> Result<HttpResponse, ApiError> {
    let kind = PartyKind::Customer;
    update(
        state,
        (actor, req),
        path.into_inner(),
        kind,
        body.into_inner(),
    )
    .await
}

/// The company's vendors.
#[utoipa::path(params(PageQuery), responses((status = 200, body = PartyList), (status = 403), (status = 404)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/vendors")]
pub async fn list_vendors(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Result<HttpResponse, ApiError> {
    list(
        state,
        actor,
        path.into_inner(),
        PartyKind::Vendor,
        (query.into_inner(), listing),
    )
    .await
}

/// Adds a vendor. `Idempotency-Key` makes a retry safe.
#[utoipa::path(request_body = PartyRequest, responses((status = 201, body = PartyView), (status = 400), (status = 403), (status = 422, description = "idempotency_key_reused")), tag = "purchases", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/vendors")]
pub async fn create_vendor(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<PartyRequest>,
) -> Result<HttpResponse, ApiError> {
    let kind = PartyKind::Vendor;
    create(
        state,
        (actor, req),
        path.into_inner(),
        kind,
        body.into_inner(),
    )
    .await
}

/// One vendor.
#[utoipa::path(responses((status = 200, body = PartyView), (status = 404)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/vendors/{id}")]
pub async fn get_vendor(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    get_one(state, actor, path.into_inner(), PartyKind::Vendor).await
}

/// Changes a vendor, from the version the caller saw (PUT or PATCH, whole record).
#[utoipa::path(put, path = "/v1/companies/{company_id}/vendors/{id}", request_body = PartyRequest, responses((status = 200, body = PartyView), (status = 409, description = "conflict, with the current vendor")), tag = "purchases", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/vendors/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_vendor(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<PartyRequest>,
) -> Result<HttpResponse, ApiError> {
    let kind = PartyKind::Vendor;
    update(
        state,
        (actor, req),
        path.into_inner(),
        kind,
        body.into_inner(),
    )
    .await
}
