//! Bill payments: money paid against an approved bill, posted 401 / 512 at once. Never changed.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::bills::Bills;
use super::chart;
use super::common::{
    authorize, authorize_dated, page, posting_problem, remember, replayed, Created, IdempotencyKey,
    Page, PageRequest,
};
use super::document_model as model;
use super::ledger::{self, load_chart};
use super::payments::PaymentInput;
use super::postings::{self, PaymentRef};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::bill_payments;
use crate::store::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bill_payments)]
pub struct BillPaymentRow {
    pub id: String,
    pub company_id: String,
    pub bill_id: String,
    pub vendor_id: String,
    pub date: NaiveDate,
    pub amount_cents: i64,
    pub account_number: String,
    pub journal_entry_id: String,
    pub created_by: String,
    pub created_by_session: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BillPaymentView {
    pub id: String,
    pub bill_id: String,
    pub vendor_id: String,
    pub date: NaiveDate,
    pub amount_cents: i64,
    /// The bank or cash account the money left from.
    pub account_number: String,
    pub journal_entry_id: String,
    pub created_by: String,
    pub created_at: String,
}

impl From<BillPaymentRow> for BillPaymentView {
    fn from(row: BillPaymentRow) -> Self {
        Self {
            id: row.id,
            bill_id: row.bill_id,
            vendor_id: row.vendor_id,
            date: row.date,
            amount_cents: row.amount_cents,
            account_number: row.account_number,
            journal_entry_id: row.journal_entry_id,
            created_by: row.created_by,
            created_at: crate::clock::rfc3339(row.created_at),
        }
    }
}

pub fn pay(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: PaymentInput,
    override_closing_date: bool,
    key: Option<&IdempotencyKey>,
) -> Result<Created<BillPaymentView>, BooksError> {
    // Read first: who entered the bill decides whether this user may pay it.
    let bill = model::named::<Bills>(conn, company_id, ("bill_id", &input.document_id))?;
    let id = uuid::Uuid::now_v7().to_string();
    let new = Resource::new(ResourceKind::BillPayment, &id, company_id)
        .created_by(&actor.user_id)
        .bill_created_by(&bill.created_by)
        .dated(input.date)
        .amount(input.amount_cents.get());
    authorize_dated(
        conn,
        authz,
        actor,
        Action::PayBill,
        &new,
        override_closing_date,
    )?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    model::apply_payment::<Bills>(conn, actor, &bill, input.amount_cents.get())?;
    let chart = load_chart(conn, company_id)?;
    let payment = PaymentRef {
        id: &id,
        party_id: &bill.party_id,
        date: input.date,
        amount_cents: input.amount_cents,
        account_number: input.account_number.as_deref(),
    };
    let draft = postings::bill_payment(&chart, &payment).map_err(posting_problem)?;
    let entry_id = uuid::Uuid::now_v7().to_string();
    ledger::post(conn, actor, company_id, &entry_id, &draft)?;
    let row = BillPaymentRow {
        id,
        company_id: company_id.to_owned(),
        bill_id: bill.id,
        vendor_id: bill.party_id,
        date: input.date,
        amount_cents: input.amount_cents.get(),
        account_number: input
            .account_number
            .unwrap_or_else(|| chart::BANK.to_owned()),
        journal_entry_id: entry_id,
        created_by: actor.user_id.clone(),
        created_by_session: actor.session_id.clone(),
        created_at: crate::clock::now(),
    };
    diesel::insert_into(bill_payments::table)
        .values(&row)
        .execute(conn)?;
    let view = BillPaymentView::from(row);
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

pub fn list(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<BillPaymentView>, BooksError> {
    let all = Resource::new(ResourceKind::BillPayment, "all", company_id);
    authorize(conn, authz, actor, Action::ViewBillPayment, &all)?;
    let rows: Vec<BillPaymentRow> = bill_payments::table
        .filter(bill_payments::company_id.eq(company_id))
        .filter(bill_payments::id.gt(request.after()))
        .order(bill_payments::id.asc())
        .limit(request.fetch())
        .select(BillPaymentRow::as_select())
        .load(conn)?;
    Ok(page(rows, request, |r| r.id.clone(), BillPaymentView::from))
}

pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<BillPaymentView, BooksError> {
    let row: BillPaymentRow = bill_payments::table
        .filter(bill_payments::id.eq(id))
        .filter(bill_payments::company_id.eq(company_id))
        .select(BillPaymentRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)?;
    let resource = Resource::new(ResourceKind::BillPayment, id, company_id)
        .created_by(&row.created_by)
        .dated(row.date)
        .amount(row.amount_cents);
    authorize(conn, authz, actor, Action::ViewBillPayment, &resource)?;
    Ok(row.into())
}
