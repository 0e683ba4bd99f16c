//! Supplier bills and bill payments.

use actix_web::{get, post, route, web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answers::{saved, Answer};
use super::caller::{Caller, PageQuery, Paging};
use super::documents::{self, ActionRequest, DocumentList, DocumentRequest, Listed};
use super::parse::{parse_document, parse_payment, LineRequest};
use crate::books::bills::{BillView, Bills};
use crate::books::common::checked_text;
use crate::books::document_model::Draft;
use crate::books::filed::PaymentsOf;
use crate::books::operations;
use crate::books::payments::{BillPaymentView, PaymentInput};
use crate::http::listing::Listing;
use crate::web::error::ApiError;

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

impl DocumentRequest for BillRequest {
    type Input = Draft;

    fn parse(&self) -> Result<Draft, ApiError> {
        let party = ("vendor_id", self.vendor_id.as_str());
        let document = parse_document(party, &self.date, self.due_date.as_deref(), &self.lines)?;
        let link = match self.reference.as_deref() {
            None => None,
            Some(text) => Some(checked_text("reference", text, false)?).filter(|r| !r.is_empty()),
        };
        Ok(Draft { document, link })
    }

    fn options(&self) -> (Option<i64>, Option<bool>) {
        (self.version, self.override_closing_date)
    }
}

/// The pages of the purchases' lists, under their schema names.
type BillList = DocumentList<BillView>;
type BillPaymentList = DocumentList<BillPaymentView>;

impl Listed for BillView {
    const LIST: &'static str = "BillList";
}

impl Listed for BillPaymentView {
    const LIST: &'static str = "BillPaymentList";
}

#[utoipa::path(params(PageQuery), responses((status = 200, body = BillList), (status = 403)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/bills")]
pub async fn list_bills(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    documents::list::<Bills>(caller, path, Paging::new(query, listing)?).await
}

#[utoipa::path(request_body = BillRequest, responses((status = 201, body = BillView), (status = 400), (status = 403), (status = 409, description = "invalid_state"), (status = 422, description = "idempotency_key_reused")), tag = "purchases", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/bills")]
pub async fn create_bill(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<BillRequest>,
) -> Answer {
    documents::create::<Bills, _>(caller, (req, path), body).await
}

#[utoipa::path(responses((status = 200, body = BillView), (status = 403), (status = 404)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/bills/{id}")]
pub async fn get_bill(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    documents::get::<Bills>(caller, path).await
}

#[utoipa::path(put, path = "/v1/companies/{company_id}/bills/{id}", request_body = BillRequest, responses((status = 200, body = BillView), (status = 409, description = "conflict or invalid_state")), tag = "purchases", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/bills/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_bill(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<BillRequest>,
) -> Answer {
    documents::update::<Bills, _>(caller, (req, path), body).await
}

#[utoipa::path(post, path = "/v1/companies/{company_id}/bills/{id}/approve", request_body = ActionRequest, responses((status = 200, body = BillView), (status = 403), (status = 409, description = "conflict or invalid_state")), tag = "purchases", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/bills/{id}/approve")]
pub async fn approve_bill(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ActionRequest>>,
) -> Answer {
    let asked = documents::step_asked(&req, path, body)?;
    saved(operations::approve_bill(&caller.gate, caller.actor, asked).await?)
}

#[utoipa::path(params(PageQuery), responses((status = 200, body = BillPaymentList), (status = 403)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/bill-payments")]
pub async fn list_bill_payments(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    documents::list::<PaymentsOf<Bills>>(caller, path, Paging::new(query, listing)?).await
}

#[utoipa::path(request_body = BillPaymentRequest, responses((status = 201, body = BillPaymentView), (status = 400), (status = 403), (status = 409, description = "invalid_state"), (status = 422, description = "idempotency_key_reused")), tag = "purchases", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/bill-payments")]
pub async fn pay_bill(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<BillPaymentRequest>,
) -> Answer {
    documents::create::<PaymentsOf<Bills>, _>(caller, (req, path), body).await
}

#[utoipa::path(responses((status = 200, body = BillPaymentView), (status = 403), (status = 404)), tag = "purchases", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/bill-payments/{id}")]
pub async fn get_bill_payment(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    documents::get::<PaymentsOf<Bills>>(caller, path).await
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

impl DocumentRequest for BillPaymentRequest {
    type Input = PaymentInput;

    fn parse(&self) -> Result<PaymentInput, ApiError> {
        let account = self.account_number.as_deref();
        let bill = ("bill_id", self.bill_id.as_str());
        parse_payment(bill, &self.date, self.amount_cents, account)
    }

    fn options(&self) -> (Option<i64>, Option<bool>) {
        (None, self.override_closing_date)
    }
}
