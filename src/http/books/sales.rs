//! Estimates, invoices, credit notes and customer payments.

use actix_web::{get, post, route, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::documents::{document_routes, document_step, requested_move, run_move, DocumentRequest};
use super::{
    parse_date, parse_document, parse_lines, parse_optional_date, parse_payment, required_id,
    resolve_due_date, LineRequest,
};
use crate::app::AppState;
use crate::books::credit_notes::{self, CreditNoteInput, CreditNoteView, CreditNotes};
use crate::books::document_model::{self as model, Draft};
use crate::books::estimates::{self, Conversion, EstimateView, Estimates};
use crate::books::invoices::{self, InvoiceView, Invoices};
use crate::books::payments::{self, PaymentInput, PaymentView};
use crate::web::error::ApiError;
use crate::web::extract::Auth;

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

document_routes! {
    tag: "sales",
    collection: "/v1/companies/{company_id}/estimates",
    item: "/v1/companies/{company_id}/estimates/{id}",
    request: SaleRequest,
    view: EstimateView,
    page: EstimateList,
    list: (list_estimates, model::list::<Estimates>),
    create: (create_estimate, model::create::<Estimates>),
    get: (get_estimate, model::get::<Estimates>),
    update: (update_estimate, model::update::<Estimates>),
}

document_routes! {
    tag: "sales",
    collection: "/v1/companies/{company_id}/invoices",
    item: "/v1/companies/{company_id}/invoices/{id}",
    request: SaleRequest,
    view: InvoiceView,
    page: InvoiceList,
    list: (list_invoices, model::list::<Invoices>),
    create: (create_invoice, model::create::<Invoices>),
    get: (get_invoice, model::get::<Invoices>),
    update: (update_invoice, model::update::<Invoices>),
}

document_routes! {
    tag: "sales",
    collection: "/v1/companies/{company_id}/credit-notes",
    item: "/v1/companies/{company_id}/credit-notes/{id}",
    request: CreditNoteRequest,
    view: CreditNoteView,
    page: CreditNoteList,
    list: (list_credit_notes, model::list::<CreditNotes>),
    create: (create_credit_note, credit_notes::create),
    get: (get_credit_note, model::get::<CreditNotes>),
}

document_routes! {
    tag: "sales",
    collection: "/v1/companies/{company_id}/payments",
    item: "/v1/companies/{company_id}/payments/{id}",
    request: PaymentRequest,
    view: PaymentView,
    page: PaymentList,
    list: (list_payments, payments::list),
    create: (receive_payment, payments::receive),
    get: (get_payment, payments::get),
}

document_step!(
    send_invoice,
    "/v1/companies/{company_id}/invoices/{id}/send",
    InvoiceView,
    "sales",
    invoices::send
);

document_step!(
    void_invoice,
    "/v1/companies/{company_id}/invoices/{id}/void",
    InvoiceView,
    "sales",
    invoices::void
);

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
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ConvertRequest>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let asked = requested_move(&req, (body.version, body.override_closing_date))?;
    let date = parse_optional_date("date", body.date.as_deref())?
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let due_date = resolve_due_date(date, body.due_date.as_deref())?;
    let conversion = Conversion { date, due_date };
    run_move(
        &state,
        actor,
        path,
        asked,
        move |conn, authz, actor, moved| estimates::convert(conn, authz, actor, moved, conversion),
    )
    .await
}
