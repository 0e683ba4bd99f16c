//! Customers and vendors: one set of handlers, told the kind of party by its route.

use actix_web::{get, post, route, web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answers::{created, found, saved, Answer};
use super::caller::{Caller, PageQuery, Paging};
use super::parse::idempotency_key;
use crate::books::operations;
use crate::books::parties::{PartyInput, PartyKind, PartyView};
use crate::http::listing::Listing;
use crate::http::versions::expected_version;
use crate::web::error::ApiError;

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

async fn list(caller: Caller, company_id: String, kind: PartyKind, paging: Paging) -> Answer {
    let request = paging.request.clone();
    let page = operations::list_parties(&caller.gate, caller.actor, (company_id, kind), request);
    found(paging.sealed(page.await?))
}

async fn create(
    caller: Caller,
    (req, company_id): (HttpRequest, String),
    kind: PartyKind,
    body: PartyRequest,
) -> Answer {
    let key = idempotency_key(&req, &body)?;
    let input = parse(&body)?;
    let party = (company_id, kind);
    created(operations::create_party(&caller.gate, caller.actor, party, input, key).await?)
}

async fn get_one(caller: Caller, (company_id, id): (String, String), kind: PartyKind) -> Answer {
    found(operations::get_party(&caller.gate, caller.actor, (company_id, kind), id).await?)
}

async fn update(
    caller: Caller,
    (req, (company_id, id)): (HttpRequest, (String, String)),
    kind: PartyKind,
    body: PartyRequest,
) -> Answer {
    let version = expected_version(&req, body.version)?;
    let input = parse(&body)?;
    let (party, target) = ((company_id, kind), (id, version));
    saved(operations::update_party(&caller.gate, caller.actor, party, target, input).await?)
}

/// The company's customers.
#[utoipa::path(params(PageQuery), responses((status = 200, body = PartyList), (status = 403), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/customers")]
pub async fn list_customers(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    let paging = Paging::new(query, listing)?;
    list(caller, path.into_inner(), PartyKind::Customer, paging).await
}

/// Adds a customer. `Idempotency-Key` makes a retry safe.
#[utoipa::path(request_body = PartyRequest, responses((status = 201, body = PartyView), (status = 400), (status = 403), (status = 422, description = "idempotency_key_reused")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/customers")]
pub async fn create_customer(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<PartyRequest>,
) -> Answer {
    create(
        caller,
        (req, path.into_inner()),
        PartyKind::Customer,
        body.into_inner(),
    )
    .await
}

/// One customer.
#[utoipa::path(responses((status = 200, body = PartyView), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/customers/{id}")]
pub async fn get_customer(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    get_one(caller, path.into_inner(), PartyKind::Customer).await
}

/// Changes a customer, from the version the caller saw (PUT or PATCH, whole record).
#[utoipa::path(put, path = "/v1/companies/{company_id}/customers/{id}", request_body = PartyRequest, responses((status = 200, body = PartyView), (status = 409, description = "conflict, with the current customer")), tag = "sales", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/customers/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_customer(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<PartyRequest>,
) -> Answer {
    update(
        caller,
        (req, path.into_inner()),
        PartyKind::Customer,
        body.into_inner(),
    )
    .await
}

/// The company's vendors.
#[utoipa::path(params(PageQuery), responses((status = 200, body = PartyList), (status = 403), (status = 404)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/vendors")]
pub async fn list_vendors(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    let paging = Paging::new(query, listing)?;
    list(caller, path.into_inner(), PartyKind::Vendor, paging).await
}

/// Adds a vendor. `Idempotency-Key` makes a retry safe.
#[utoipa::path(request_body = PartyRequest, responses((status = 201, body = PartyView), (status = 400), (status = 403), (status = 422, description = "idempotency_key_reused")), tag = "purchases", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/vendors")]
pub async fn create_vendor(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<PartyRequest>,
) -> Answer {
    create(
        caller,
        (req, path.into_inner()),
        PartyKind::Vendor,
        body.into_inner(),
    )
    .await
}

/// One vendor.
#[utoipa::path(responses((status = 200, body = PartyView), (status = 404)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/vendors/{id}")]
pub async fn get_vendor(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    get_one(caller, path.into_inner(), PartyKind::Vendor).await
}

/// Changes a vendor, from the version the caller saw (PUT or PATCH, whole record).
#[utoipa::path(put, path = "/v1/companies/{company_id}/vendors/{id}", request_body = PartyRequest, responses((status = 200, body = PartyView), (status = 409, description = "conflict, with the current vendor")), tag = "purchases", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/vendors/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_vendor(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<PartyRequest>,
) -> Answer {
    update(
        caller,
        (req, path.into_inner()),
        PartyKind::Vendor,
        body.into_inner(),
    )
    .await
}
