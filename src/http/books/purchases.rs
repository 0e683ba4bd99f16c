//! Supplier bills and bill payments.

use actix_web::{get, post, route, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::documents::{document_routes, document_step, DocumentRequest};
use super::{parse_document, parse_payment, LineRequest};
use crate::books::bill_payments::{self, BillPaymentView};
use crate::books::bills::{self, BillView, Bills};
use crate::books::common::checked_text;
use crate::books::document_model::{self as model, Draft};
use crate::books::payments::PaymentInput;
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

document_routes! {
    tag: "purchases",
    collection: "/v1/companies/{company_id}/bills",
    item: "/v1/companies/{company_id}/bills/{id}",
    request: BillRequest,
    view: BillView,
    page: BillList,
    list: (list_bills, model::list::<Bills>),
    create: (create_bill, model::create::<Bills>),
    get: (get_bill, model::get::<Bills>),
    update: (update_bill, model::update::<Bills>),
}

document_routes! {
    tag: "purchases",
    collection: "/v1/companies/{company_id}/bill-payments",
    item: "/v1/companies/{company_id}/bill-payments/{id}",
    request: BillPaymentRequest,
    view: BillPaymentView,
    page: BillPaymentList,
    list: (list_bill_payments, bill_payments::list),
    create: (pay_bill, bill_payments::pay),
    get: (get_bill_payment, bill_payments::get),
}

document_step!(
    approve_bill,
    "/v1/companies/{company_id}/bills/{id}/approve",
    BillView,
    "purchases",
    bills::approve
);

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
