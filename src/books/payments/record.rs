//! The one payment flow: a payment of a `Paid` document recorded, listed and read.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::books::chart::{self, Chart};
use crate::books::common::{
    authorize, authorize_dated, page, posting_problem, remember, replayed, Created, IdempotencyKey,
    Page, PageRequest,
};
use crate::books::document_model::{self as model, DocumentRow, Payable};
use crate::books::ledger::{self, load_chart};
use crate::books::money::Cents;
use crate::books::postings::{EntryDraft, PaymentRef, PostingError};
use crate::books::BooksError;
use crate::store::DbConnection;

/// A payment as both tables store it, in column order.
#[derive(Debug, Clone, Queryable)]
pub struct PaymentRow {
    pub id: String,
    pub company_id: String,
    /// The invoice or bill paid.
    pub document_id: String,
    /// Its customer or vendor.
    pub party_id: String,
    pub date: NaiveDate,
    pub amount_cents: i64,
    pub account_number: String,
    pub journal_entry_id: String,
    pub created_by: String,
    pub created_by_session: Option<String>,
    pub created_at: NaiveDateTime,
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

/// A kind of document that payments settle: its payments' resource, actions, entry, view
/// and table.
pub trait Paid: Payable {
    type Payment: From<PaymentRow> + Serialize + Send + 'static;
    const PAYMENT: ResourceKind;
    /// Receiving a customer's payment, paying a bill.
    const PAY: Action;
    const VIEW_PAYMENTS: Action;
    /// The request field naming the document paid.
    const DOCUMENT_FIELD: &'static str;
    /// Whether who entered the document decides who may pay it: the document is then read
    /// before the decision.
    const AUTHOR_DECIDES: bool;

    /// The payment's entry.
    fn entry(chart: &Chart, payment: &PaymentRef<'_>) -> Result<EntryDraft, PostingError>;

    fn find_payment(
        conn: &mut DbConnection,
        company_id: &str,
        id: &str,
    ) -> QueryResult<Option<PaymentRow>>;
    fn page_payments(
        conn: &mut DbConnection,
        company_id: &str,
        request: &PageRequest,
    ) -> QueryResult<Vec<PaymentRow>>;
    fn insert_payment(conn: &mut DbConnection, row: &PaymentRow) -> QueryResult<()>;
}

/// Records a payment of a `K` document and posts its entry.
pub fn record<K: Paid>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: PaymentInput,
    (override_closing_date, key): (bool, Option<&IdempotencyKey>),
) -> Result<Created<K::Payment>, BooksError> {
    let named = (K::DOCUMENT_FIELD, input.document_id.as_str());
    let read_first = match K::AUTHOR_DECIDES {
        true => Some(model::named::<K>(conn, company_id, named)?),
        false => None,
    };
    let id = uuid::Uuid::now_v7().to_string();
    let mut new = Resource::new(K::PAYMENT, &id, company_id)
        .created_by(&actor.user_id)
        .dated(input.date)
        .amount(input.amount_cents.get());
    if let Some(document) = &read_first {
        new = new.bill_created_by(&document.created_by);
    }
    authorize_dated(conn, authz, actor, K::PAY, &new, override_closing_date)?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    let document = match read_first {
        Some(document) => document,
        None => model::named::<K>(conn, company_id, named)?,
    };
    model::apply_payment::<K>(conn, actor, &document, input.amount_cents.get())?;
    let row = post::<K>(conn, actor, (company_id, id), document, input)?;
    K::insert_payment(conn, &row)?;
    let view = K::Payment::from(row);
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

/// Posts the payment's entry; answers the row to store.
fn post<K: Paid>(
    conn: &mut DbConnection,
    actor: &Actor,
    (company_id, id): (&str, String),
    document: DocumentRow,
    input: PaymentInput,
) -> Result<PaymentRow, BooksError> {
    let chart = load_chart(conn, company_id)?;
    let payment = PaymentRef {
        id: &id,
        party_id: &document.party_id,
        date: input.date,
        amount_cents: input.amount_cents,
        account_number: input.account_number.as_deref(),
    };
    let draft = K::entry(&chart, &payment).map_err(posting_problem)?;
    let entry_id = uuid::Uuid::now_v7().to_string();
    ledger::post(conn, actor, company_id, &entry_id, &draft)?;
    Ok(PaymentRow {
        id,
        company_id: company_id.to_owned(),
        document_id: document.id,
        party_id: document.party_id,
        date: input.date,
        amount_cents: input.amount_cents.get(),
        account_number: input
            .account_number
            .unwrap_or_else(|| chart::BANK.to_owned()),
        journal_entry_id: entry_id,
        created_by: actor.user_id.clone(),
        created_by_session: actor.session_id.clone(),
        created_at: crate::clock::now(),
    })
}

pub fn list<K: Paid>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<K::Payment>, BooksError> {
    let all = Resource::new(K::PAYMENT, "all", company_id);
    authorize(conn, authz, actor, K::VIEW_PAYMENTS, &all)?;
    let rows = K::page_payments(conn, company_id, request)?;
    Ok(page(rows, request, |r| r.id.clone(), K::Payment::from))
}

pub fn get<K: Paid>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<K::Payment, BooksError> {
    let row = K::find_payment(conn, company_id, id)?.ok_or(BooksError::NotFound)?;
    let resource = Resource::new(K::PAYMENT, id, company_id)
        .created_by(&row.created_by)
        .dated(row.date)
        .amount(row.amount_cents);
    authorize(conn, authz, actor, K::VIEW_PAYMENTS, &resource)?;
    Ok(row.into())
}
