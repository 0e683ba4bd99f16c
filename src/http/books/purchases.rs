//! Supplier bills and bill payments.

use actix_web::{get, post, route, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    created, idempotency_key, optional_version, override_requested, page_request, parse_document,
    parse_payment, run, saved, LineRequest, PageQuery,
};
use crate::books::bill_payments::{self, BillPaymentView};
use crate::books::bills::{self, BillInput, BillView};
use crate::books::common::checked_text;
use crate::http::error::ApiError;
use crate::http::extract::Auth;
use crate::http::state::AppState;
use crate::http::versions::expected_version;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_bills)
        .service(create_bill)
        .service(get_bill)
        .service(update_bill)
        .service(approve_bill)
        .service(list_bill_payments)
        .service(pay_bill)
        .service(get_bill_payment);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_bills,
    create_bill,
    get_bill,
    update_bill,
    approve_bill,
    list_bill_payments,
    pay_bill,
    get_bill_payment
))]
pub struct Api;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillRequest {
    vendor_id: String,
    /// The supplier's own number for the bill.
    reference: Option<String>,
    date: String,
    due_date: Option<String>,
    lines: Vec<LineRequest>,
    version: Option<i64>,
    override_closing_date: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    version: Option<i64>,
    override_closing_date: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillPaymentRequest {
    bill_id: String,
    date: String,
    amount_cents: i64,
    /// The bank or cash account (5xx); 512 when absent.
    account_number: Option<String>,
    override_closing_date: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct BillList {
    items: Vec<BillView>,
    next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BillPaymentList {
    items: Vec<BillPaymentView>,
    next: Option<String>,
}

fn parse_bill(body: &BillRequest) -> Result<BillInput, ApiError> {
    let party = ("vendor_id", body.vendor_id.as_str());
    let document = parse_document(party, &body.date, body.due_date.as_deref(), &body.lines)?;
    let reference = match body.reference.as_deref() {
        None => None,
        Some(text) => Some(checked_text("reference", text, false)?).filter(|r| !r.is_empty()),
    };
    Ok(BillInput {
        document,
        reference,
    })
}

/// The company's bills.
#[utoipa::path(params(PageQuery), responses((status = 200, body = BillList), (status = 403)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/bills")]
pub async fn list_bills(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = page_request(query.into_inner())?;
    let company_id = path.into_inner();
    let page = run(&state, move |conn, authz| {
        bills::list(conn, authz, &actor, &company_id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Enters a supplier bill as a draft. `Idempotency-Key` makes a retry safe.
#[utoipa::path(request_body = BillRequest, responses((status = 201, body = BillView), (status = 400), (status = 403), (status = 422, description = "idempotency_key_reused")), tag = "purchases", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/bills")]
pub async fn create_bill(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<BillRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_bill(&body)?;
    let company_id = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let key = key.as_ref();
        bills::create(
            conn,
            authz,
            &actor,
            &company_id,
            input.clone(),
            override_closing_date,
            key,
        )
    })
    .await?;
    Ok(created(result))
}

/// One bill.
#[utoipa::path(responses((status = 200, body = BillView), (status = 404)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/bills/{id}")]
pub async fn get_bill(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, id) = path.into_inner();
    let view = run(&state, move |conn, authz| {
        bills::get(conn, authz, &actor, &company_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes a draft bill, from the version the caller saw.
#[utoipa::path(put, path = "/v1/companies/{company_id}/bills/{id}", request_body = BillRequest, responses((status = 200, body = BillView), (status = 409, description = "conflict or invalid_state")), tag = "purchases", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/bills/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_bill(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<BillRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_bill(&body)?;
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        bills::update(
            conn,
            authz,
            &actor,
            target,
            version,
            input.clone(),
            override_closing_date,
        )
    })
    .await?;
    saved(result)
}

/// Approves a draft bill (not one's own) and posts it.
#[utoipa::path(request_body = ApproveRequest, responses((status = 200, body = BillView), (status = 403, description = "e.g. approving one's own bill"), (status = 409, description = "conflict or invalid_state")), tag = "purchases", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/bills/{id}/approve")]
pub async fn approve_bill(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ApproveRequest>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let version = optional_version(&req, body.version)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        bills::approve(conn, authz, &actor, target, version, override_closing_date)
    })
    .await?;
    saved(result)
}

/// Bill payments made.
#[utoipa::path(params(PageQuery), responses((status = 200, body = BillPaymentList), (status = 403)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/bill-payments")]
pub async fn list_bill_payments(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = page_request(query.into_inner())?;
    let company_id = path.into_inner();
    let page = run(&state, move |conn, authz| {
        bill_payments::list(conn, authz, &actor, &company_id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Pays an approved bill (not one's own), at most what is open, and posts it.
#[utoipa::path(request_body = BillPaymentRequest, responses((status = 201, body = BillPaymentView), (status = 400), (status = 403), (status = 409, description = "invalid_state")), tag = "purchases", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/bill-payments")]
pub async fn pay_bill(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<BillPaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_payment(
        ("bill_id", &body.bill_id),
        &body.date,
        body.amount_cents,
        body.account_number.as_deref(),
    )?;
    let company_id = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let key = key.as_ref();
        bill_payments::pay(
            conn,
            authz,
            &actor,
            &company_id,
            input.clone(),
            override_closing_date,
            key,
        )
    })
    .await?;
    Ok(created(result))
}

/// One bill payment.
#[utoipa::path(responses((status = 200, body = BillPaymentView), (status = 404)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/bill-payments/{id}")]
pub async fn get_bill_payment(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, id) = path.into_inner();
    let view = run(&state, move |conn, authz| {
        bill_payments::get(conn, authz, &actor, &company_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
