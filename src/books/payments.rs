//! Customer payments: money received against a sent invoice, posted 512 / 411 at once.
//! A payment is a fact, not a draft: it is never changed.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::chart;
use super::common::{
    authorize, authorize_dated, page, posting_problem, remember, replayed, Created, IdempotencyKey,
    Page, PageRequest,
};
use super::document_model as model;
use super::invoices::Invoices;
use super::ledger::{self, load_chart};
use super::money::Cents;
use super::postings::{self, PaymentRef};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::payments;
use crate::store::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    pub id: String,
    pub company_id: String,
    pub invoice_id: String,
    pub customer_id: String,
    pub date: NaiveDate,
    pub amount_cents: i64,
    pub account_number: String,
    pub journal_entry_id: String,
    pub created_by: String,
    pub created_by_session: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: String,
    pub invoice_id: String,
    pub customer_id: String,
    pub date: NaiveDate,
    pub amount_cents: i64,
    /// The bank or cash account the money came into.
    pub account_number: String,
    pub journal_entry_id: String,
    pub created_by: String,
    pub created_at: String,
}

impl From<PaymentRow> for PaymentView {
    fn from(row: PaymentRow) -> Self {
        Self {
            id: row.id,
            invoice_id: row.invoice_id,
            customer_id: row.customer_id,
            date: row.date,
            amount_cents: row.amount_cents,
            account_number: row.account_number,
            journal_entry_id: row.journal_entry_id,
            created_by: row.created_by,
            created_at: crate::clock::rfc3339(row.created_at),
        }
    }
}

/// A payment of a document (invoice or bill) as the client sends it.
#[derive(Debug, Clone)]
pub struct PaymentInput {
    /// The invoice (customer payments) or bill (bill payments) paid.
    pub document_id: String,
    pub date: NaiveDate,
    pub amount_cents: Cents,
    /// 512 when absent.
    pub account_number: Option<String>,
}

pub fn receive(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: PaymentInput,
    override_closing_date: bool,
    key: Option<&IdempotencyKey>,
) -> Result<Created<PaymentView>, BooksError> {
    let id = uuid::Uuid::now_v7().to_string();
    let new = Resource::new(ResourceKind::Payment, &id, company_id)
        .created_by(&actor.user_id)
        .dated(input.date)
        .amount(input.amount_cents.get());
    authorize_dated(
        conn,
        authz,
        actor,
        Action::ReceivePayment,
        &new,
        override_closing_date,
    )?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    let invoice = model::named::<Invoices>(conn, company_id, ("invoice_id", &input.document_id))?;
    model::apply_payment::<Invoices>(conn, actor, &invoice, input.amount_cents.get())?;
    let chart = load_chart(conn, company_id)?;
    let payment = PaymentRef {
        id: &id,
        party_id: &invoice.party_id,
        date: input.date,
        amount_cents: input.amount_cents,
        account_number: input.account_number.as_deref(),
    };
    let draft = postings::customer_payment(&chart, &payment).map_err(posting_problem)?;
    let entry_id = uuid::Uuid::now_v7().to_string();
    ledger::post(conn, actor, company_id, &entry_id, &draft)?;
    let row = PaymentRow {
        id,
        company_id: company_id.to_owned(),
        invoice_id: invoice.id,
        customer_id: invoice.party_id,
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
    diesel::insert_into(payments::table)
        .values(&row)
        .execute(conn)?;
    let view = PaymentView::from(row);
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

pub fn list(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<PaymentView>, BooksError> {
    let all = Resource::new(ResourceKind::Payment, "all", company_id);
    authorize(conn, authz, actor, Action::ViewPayment, &all)?;
    let rows: Vec<PaymentRow> = payments::table
        .filter(payments::company_id.eq(company_id))
        .filter(payments::id.gt(request.after()))
        .order(payments::id.asc())
        .limit(request.fetch())
        .select(PaymentRow::as_select())
        .load(conn)?;
    Ok(page(rows, request, |r| r.id.clone(), PaymentView::from))
}

pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<PaymentView, BooksError> {
    let row: PaymentRow = payments::table
        .filter(payments::id.eq(id))
        .filter(payments::company_id.eq(company_id))
        .select(PaymentRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)?;
    let resource = Resource::new(ResourceKind::Payment, id, company_id)
        .created_by(&row.created_by)
        .dated(row.date)
        .amount(row.amount_cents);
    authorize(conn, authz, actor, Action::ViewPayment, &resource)?;
    Ok(row.into())
}
