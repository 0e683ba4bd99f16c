//! Estimates, invoices, credit notes and customer payments.

use actix_web::{get, post, route, web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answers::{saved, Answer};
use super::caller::{Caller, PageQuery, Paging};
use super::documents::{self, ActionRequest, DocumentList, DocumentRequest, Listed};
use super::parse::{
    parse_date, parse_document, parse_lines, parse_optional_date, parse_payment, required_id,
    resolve_due_date, LineRequest,
};
use crate::books::credit_notes::{CreditNoteInput, CreditNoteView, CreditNotes};
use crate::books::document_model::Draft;
use crate::books::estimates::{Conversion, EstimateView, Estimates};
use crate::books::filed::PaymentsOf;
use crate::books::invoices::{InvoiceView, Invoices};
use crate::books::operations;
use crate::books::payments::{PaymentInput, PaymentView};
use crate::http::listing::Listing;
use crate::web::error::ApiError;

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
        .service(list_credit_notes)
        .service(create_credit_note)
        .service(get_credit_note)
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
    list_credit_notes,
    create_credit_note,
    get_credit_note,
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

impl DocumentRequest for SaleRequest {
    type Input = Draft;

    fn parse(&self) -> Result<Draft, ApiError> {
        let party = ("customer_id", self.customer_id.as_str());
        parse_document(party, &self.date, self.due_date.as_deref(), &self.lines).map(Draft::from)
    }

    fn options(&self) -> (Option<i64>, Option<bool>) {
        (self.version, self.override_closing_date)
    }
}

/// A credit note against a sent invoice: the lines credited, or the whole invoice.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditNoteRequest {
    invoice_id: String,
    /// YYYY-MM-DD
    date: String,
    /// The lines taken back; every line of the invoice when absent.
    lines: Option<Vec<LineRequest>>,
    /// Admins and accountants: write in the closed period (or `X-Override-Closing-Date: true`).
    override_closing_date: Option<bool>,
}

impl DocumentRequest for CreditNoteRequest {
    type Input = CreditNoteInput;

    fn parse(&self) -> Result<CreditNoteInput, ApiError> {
        Ok(CreditNoteInput {
            invoice_id: required_id("invoice_id", &self.invoice_id)?,
            date: parse_date("date", &self.date)?,
            lines: self.lines.as_deref().map(parse_lines).transpose()?,
        })
    }

    fn options(&self) -> (Option<i64>, Option<bool>) {
        (None, self.override_closing_date)
    }
}

/// The pages of the sales' lists, under their schema names.
type EstimateList = DocumentList<EstimateView>;
type InvoiceList = DocumentList<InvoiceView>;
type CreditNoteList = DocumentList<CreditNoteView>;
type PaymentList = DocumentList<PaymentView>;

impl Listed for EstimateView {
    const LIST: &'static str = "EstimateList";
}

impl Listed for InvoiceView {
    const LIST: &'static str = "InvoiceList";
}

impl Listed for CreditNoteView {
    const LIST: &'static str = "CreditNoteList";
}

impl Listed for PaymentView {
    const LIST: &'static str = "PaymentList";
}

#[utoipa::path(params(PageQuery), responses((status = 200, body = EstimateList), (status = 403)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/estimates")]
pub async fn list_estimates(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    documents::list::<Estimates>(caller, path, Paging::new(query, listing)?).await
}

#[utoipa::path(request_body = SaleRequest, responses((status = 201, body = EstimateView), (status = 400), (status = 403), (status = 409, description = "invalid_state"), (status = 422, description = "idempotency_key_reused")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/estimates")]
pub async fn create_estimate(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<SaleRequest>,
) -> Answer {
    documents::create::<Estimates, _>(caller, (req, path), body).await
}

#[utoipa::path(responses((status = 200, body = EstimateView), (status = 403), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/estimates/{id}")]
pub async fn get_estimate(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    documents::get::<Estimates>(caller, path).await
}

#[utoipa::path(put, path = "/v1/companies/{company_id}/estimates/{id}", request_body = SaleRequest, responses((status = 200, body = EstimateView), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/estimates/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_estimate(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<SaleRequest>,
) -> Answer {
    documents::update::<Estimates, _>(caller, (req, path), body).await
}

#[utoipa::path(params(PageQuery), responses((status = 200, body = InvoiceList), (status = 403)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/invoices")]
pub async fn list_invoices(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    documents::list::<Invoices>(caller, path, Paging::new(query, listing)?).await
}

#[utoipa::path(request_body = SaleRequest, responses((status = 201, body = InvoiceView), (status = 400), (status = 403), (status = 409, description = "invalid_state"), (status = 422, description = "idempotency_key_reused")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/invoices")]
pub async fn create_invoice(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<SaleRequest>,
) -> Answer {
    documents::create::<Invoices, _>(caller, (req, path), body).await
}

#[utoipa::path(responses((status = 200, body = InvoiceView), (status = 403), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/invoices/{id}")]
pub async fn get_invoice(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    documents::get::<Invoices>(caller, path).await
}

#[utoipa::path(put, path = "/v1/companies/{company_id}/invoices/{id}", request_body = SaleRequest, responses((status = 200, body = InvoiceView), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/invoices/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_invoice(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<SaleRequest>,
) -> Answer {
    documents::update::<Invoices, _>(caller, (req, path), body).await
}

#[utoipa::path(post, path = "/v1/companies/{company_id}/invoices/{id}/send", request_body = ActionRequest, responses((status = 200, body = InvoiceView), (status = 403), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/invoices/{id}/send")]
pub async fn send_invoice(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ActionRequest>>,
) -> Answer {
    let asked = documents::step_asked(&req, path, body)?;
    saved(operations::send_invoice(&caller.gate, caller.actor, asked).await?)
}

#[utoipa::path(post, path = "/v1/companies/{company_id}/invoices/{id}/void", request_body = ActionRequest, responses((status = 200, body = InvoiceView), (status = 403), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/invoices/{id}/void")]
pub async fn void_invoice(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ActionRequest>>,
) -> Answer {
    let asked = documents::step_asked(&req, path, body)?;
    saved(operations::void_invoice(&caller.gate, caller.actor, asked).await?)
}

#[utoipa::path(params(PageQuery), responses((status = 200, body = CreditNoteList), (status = 403)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/credit-notes")]
pub async fn list_credit_notes(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    documents::list::<CreditNotes>(caller, path, Paging::new(query, listing)?).await
}

#[utoipa::path(request_body = CreditNoteRequest, responses((status = 201, body = CreditNoteView), (status = 400), (status = 403), (status = 409, description = "invalid_state"), (status = 422, description = "idempotency_key_reused")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/credit-notes")]
pub async fn create_credit_note(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<CreditNoteRequest>,
) -> Answer {
    documents::create::<CreditNotes, _>(caller, (req, path), body).await
}

#[utoipa::path(responses((status = 200, body = CreditNoteView), (status = 403), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/credit-notes/{id}")]
pub async fn get_credit_note(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    documents::get::<CreditNotes>(caller, path).await
}

#[utoipa::path(params(PageQuery), responses((status = 200, body = PaymentList), (status = 403)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/payments")]
pub async fn list_payments(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    documents::list::<PaymentsOf<Invoices>>(caller, path, Paging::new(query, listing)?).await
}

#[utoipa::path(request_body = PaymentRequest, responses((status = 201, body = PaymentView), (status = 400), (status = 403), (status = 409, description = "invalid_state"), (status = 422, description = "idempotency_key_reused")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/payments")]
pub async fn receive_payment(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<PaymentRequest>,
) -> Answer {
    documents::create::<PaymentsOf<Invoices>, _>(caller, (req, path), body).await
}

#[utoipa::path(responses((status = 200, body = PaymentView), (status = 403), (status = 404)), tag = "sales", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/payments/{id}")]
pub async fn get_payment(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    documents::get::<PaymentsOf<Invoices>>(caller, path).await
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

impl DocumentRequest for PaymentRequest {
    type Input = PaymentInput;

    fn parse(&self) -> Result<PaymentInput, ApiError> {
        let account = self.account_number.as_deref();
        let invoice = ("invoice_id", self.invoice_id.as_str());
        parse_payment(invoice, &self.date, self.amount_cents, account)
    }

    fn options(&self) -> (Option<i64>, Option<bool>) {
        (None, self.override_closing_date)
    }
}

/// Converts a draft estimate into a draft invoice with the same customer and lines.
#[utoipa::path(request_body = ConvertRequest, responses((status = 200, body = InvoiceView), (status = 409, description = "conflict or invalid_state")), tag = "sales", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/estimates/{id}/convert")]
pub async fn convert_estimate(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ConvertRequest>>,
) -> Answer {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let asked = documents::asked(&req, path, (body.version, body.override_closing_date))?;
    let date = parse_optional_date("date", body.date.as_deref())?
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let due_date = resolve_due_date(date, body.due_date.as_deref())?;
    let conversion = Conversion { date, due_date };
    saved(operations::convert_estimate(&caller.gate, caller.actor, asked, conversion).await?)
}
