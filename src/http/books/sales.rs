//! Estimates, invoices and customer payments.

use actix_web::{get, post, route, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    created, idempotency_key, optional_version, override_requested, page_request, parse_document,
    parse_optional_date, parse_payment, run, saved, LineRequest, PageQuery,
};
use crate::books::estimates::{self, Conversion, EstimateView};
use crate::books::invoices::{self, InvoiceView};
use crate::books::lines::DocumentInput;
use crate::books::payments::{self, PaymentView};
use crate::http::error::ApiError;
use crate::http::extract::Auth;
use crate::http::state::AppState;
use crate::http::versions::expected_version;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_estimates)
        .service(create_estimate)
        .service(get_estimate)
        .service(update_estimate)
        .service(convert_estimate)
        .service(list_invoices)
        .service(create_invoice)
        .service(get_invoice)
        .service(update_invoice)
        .service(send_invoice)
        .service(void_invoice)
        .service(list_payments)
        .service(receive_payment)
        .service(get_payment);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_estimates,
    create_estimate,
    get_estimate,
    update_estimate,
    convert_estimate,
    list_invoices,
    create_invoice,
    get_invoice,
    update_invoice,
    send_invoice,
    void_invoice,
    list_payments,
    receive_payment,
    get_payment
))]
pub struct Api;

/// An estimate or invoice: the service computes every amount from the lines.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaleRequest {
    customer_id: String,
    /// YYYY-MM-DD
    date: String,
    /// YYYY-MM-DD; 30 days after `date` when absent.
    due_date: Option<String>,
    lines: Vec<LineRequest>,
    /// Updates: the version the change starts from (or `If-Match`).
    version: Option<i64>,
    /// Admins and accountants: write in the closed period (or `X-Override-Closing-Date: true`).
    override_closing_date: Option<bool>,
}

/// Send, void: the version may be named; the override may be asked for.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    version: Option<i64>,
    override_closing_date: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertRequest {
    /// The invoice's date; today when absent.
    date: Option<String>,
    due_date: Option<String>,
    version: Option<i64>,
    override_closing_date: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    invoice_id: String,
    date: String,
    amount_cents: i64,
    /// The bank or cash account (5xx); 512 when absent.
    account_number: Option<String>,
    override_closing_date: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct EstimateList {
    items: Vec<EstimateView>,
    next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceList {
    items: Vec<InvoiceView>,
    next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentList {
    items: Vec<PaymentView>,
    next: Option<String>,
}

fn parse_sale(body: &SaleRequest) -> Result<DocumentInput, ApiError> {
    let party = ("customer_id", body.customer_id.as_str());
    parse_document(party, &body.date, body.due_date.as_deref(), &body.lines)
}

/// The company's estimates.
#[utoipa::path(params(PageQuery), responses((status = 200, body = EstimateList), (status = 403)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/estimates")]
pub async fn list_estimates(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = page_request(query.into_inner())?;
    let company_id = path.into_inner();
    let page = run(&state, move |conn, authz| {
        estimates::list(conn, authz, &actor, &company_id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Writes an estimate (a quote).
#[utoipa::path(request_body = SaleRequest, responses((status = 201, body = EstimateView), (status = 400), (status = 403), (status = 422, description = "idempotency_key_reused")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/estimates")]
pub async fn create_estimate(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<SaleRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_sale(&body)?;
    let company_id = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let key = key.as_ref();
        estimates::create(
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

/// One estimate.
#[utoipa::path(responses((status = 200, body = EstimateView), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/estimates/{id}")]
pub async fn get_estimate(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, id) = path.into_inner();
    let view = run(&state, move |conn, authz| {
        estimates::get(conn, authz, &actor, &company_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes a draft estimate, from the version the caller saw.
#[utoipa::path(put, path = "/v1/companies/{company_id}/estimates/{id}", request_body = SaleRequest, responses((status = 200, body = EstimateView), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/estimates/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_estimate(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<SaleRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_sale(&body)?;
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        estimates::update(
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

/// Converts a draft estimate into a draft invoice with its lines; answers the invoice.
#[utoipa::path(request_body = ConvertRequest, responses((status = 200, body = InvoiceView), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/estimates/{id}/convert")]
pub async fn convert_estimate(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ConvertRequest>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let version = optional_version(&req, body.version)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let date = parse_optional_date("date", body.date.as_deref())?
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let due_date = parse_optional_date("due_date", body.due_date.as_deref())?
        .unwrap_or(date + chrono::Days::new(super::DEFAULT_TERMS_DAYS));
    if due_date < date {
        return Err(ApiError::invalid_field(
            "due_date",
            "must not be before date",
        ));
    }
    let conversion = Conversion { date, due_date };
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        estimates::convert(
            conn,
            authz,
            &actor,
            target,
            version,
            conversion,
            override_closing_date,
        )
    })
    .await?;
    saved(result)
}

/// The company's invoices.
#[utoipa::path(params(PageQuery), responses((status = 200, body = InvoiceList), (status = 403)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = page_request(query.into_inner())?;
    let company_id = path.into_inner();
    let page = run(&state, move |conn, authz| {
        invoices::list(conn, authz, &actor, &company_id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Writes a draft invoice. `Idempotency-Key` makes a retry safe.
#[utoipa::path(request_body = SaleRequest, responses((status = 201, body = InvoiceView), (status = 400), (status = 403), (status = 422, description = "idempotency_key_reused")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/invoices")]
pub async fn create_invoice(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<SaleRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_sale(&body)?;
    let company_id = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let key = key.as_ref();
        invoices::create(
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

/// One invoice.
#[utoipa::path(responses((status = 200, body = InvoiceView), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/invoices/{id}")]
pub async fn get_invoice(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, id) = path.into_inner();
    let view = run(&state, move |conn, authz| {
        invoices::get(conn, authz, &actor, &company_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes a draft invoice, from the version the caller saw.
#[utoipa::path(put, path = "/v1/companies/{company_id}/invoices/{id}", request_body = SaleRequest, responses((status = 200, body = InvoiceView), (status = 409, description = "conflict (with the current invoice) or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/invoices/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_invoice(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<SaleRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_sale(&body)?;
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        invoices::update(
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

/// Sends a draft invoice: it is numbered and posted.
#[utoipa::path(request_body = ActionRequest, responses((status = 200, body = InvoiceView), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/invoices/{id}/send")]
pub async fn send_invoice(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ActionRequest>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let version = optional_version(&req, body.version)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        invoices::send(conn, authz, &actor, target, version, override_closing_date)
    })
    .await?;
    saved(result)
}

/// Voids a sent invoice without payments: its entry is reversed.
#[utoipa::path(request_body = ActionRequest, responses((status = 200, body = InvoiceView), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/invoices/{id}/void")]
pub async fn void_invoice(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ActionRequest>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let version = optional_version(&req, body.version)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        invoices::void(conn, authz, &actor, target, version, override_closing_date)
    })
    .await?;
    saved(result)
}

/// Customer payments received.
#[utoipa::path(params(PageQuery), responses((status = 200, body = PaymentList), (status = 403)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/payments")]
pub async fn list_payments(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = page_request(query.into_inner())?;
    let company_id = path.into_inner();
    let page = run(&state, move |conn, authz| {
        payments::list(conn, authz, &actor, &company_id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Records a payment against a sent invoice (at most what is open) and posts it.
#[utoipa::path(request_body = PaymentRequest, responses((status = 201, body = PaymentView), (status = 400), (status = 403), (status = 409, description = "invalid_state")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/payments")]
pub async fn receive_payment(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<PaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let override_closing_date = override_requested(&req, body.override_closing_date)?;
    let input = parse_payment(
        ("invoice_id", &body.invoice_id),
        &body.date,
        body.amount_cents,
        body.account_number.as_deref(),
    )?;
    let company_id = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let key = key.as_ref();
        payments::receive(
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

/// One payment.
#[utoipa::path(responses((status = 200, body = PaymentView), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/payments/{id}")]
pub async fn get_payment(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, id) = path.into_inner();
    let view = run(&state, move |conn, authz| {
        payments::get(conn, authz, &actor, &company_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
