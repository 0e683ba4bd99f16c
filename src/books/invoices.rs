//! Invoices: draft (editable) -> sent (posted, numbered, immutable but for a void) -> partially
//! paid / paid by payments; a sent invoice without payments may be voided by a reversing entry.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::chart::AccountClass;
use super::common::{
    authorize, authorize_dated, counter, next_number, posting_problem, remember, replayed, stale,
    Created, IdempotencyKey, Page, PageRequest, Saved, Stamp,
};
use super::ledger::{self, entry_for_source, load_chart};
use super::lines::{
    check_postable, insert_lines, line_views, load_lines, page_with_lines, replace_lines, reprice,
    DocumentInput, LineView,
};
use super::parties::{self, PartyKind};
use super::postings::{self, DocumentRef, SourceKind};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::invoices;
use crate::store::DbConnection;

pub mod status {
    pub const DRAFT: &str = "draft";
    pub const SENT: &str = "sent";
    pub const PARTIALLY_PAID: &str = "partially_paid";
    pub const PAID: &str = "paid";
    pub const VOID: &str = "void";
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub id: String,
    pub company_id: String,
    pub number: Option<String>,
    pub customer_id: String,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: String,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub estimate_id: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub version: i64,
    pub updated_by: String,
    pub updated_by_session: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InvoiceView {
    pub id: String,
    /// Given when the invoice is sent, without gaps.
    pub number: Option<String>,
    pub customer_id: String,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    /// draft, sent, partially_paid, paid or void
    pub status: String,
    pub lines: Vec<LineView>,
    pub subtotal_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub open_cents: i64,
    pub estimate_id: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl InvoiceRow {
    pub fn view(self, lines: Vec<LineView>) -> InvoiceView {
        let subtotal_cents = lines.iter().map(|l| l.subtotal_cents).sum();
        InvoiceView {
            open_cents: self.total_cents - self.paid_cents,
            id: self.id,
            number: self.number,
            customer_id: self.customer_id,
            date: self.date,
            due_date: self.due_date,
            status: self.status,
            lines,
            subtotal_cents,
            vat_cents: self.total_cents - subtotal_cents,
            total_cents: self.total_cents,
            paid_cents: self.paid_cents,
            estimate_id: self.estimate_id,
            version: self.version,
            created_by: self.created_by,
            created_at: crate::clock::rfc3339(self.created_at),
            updated_by: self.updated_by,
            updated_at: crate::clock::rfc3339(self.updated_at),
        }
    }

    pub fn resource(&self) -> Resource {
        Resource::new(ResourceKind::Invoice, &self.id, &self.company_id)
            .created_by(&self.created_by)
            .dated(self.date)
            .amount(self.total_cents)
    }

    fn stamp(&self) -> Stamp {
        Stamp {
            updated_by: self.updated_by.clone(),
            updated_by_session: self.updated_by_session.clone(),
            updated_at: self.updated_at,
        }
    }
}

pub fn find(conn: &mut DbConnection, company_id: &str, id: &str) -> Result<InvoiceRow, BooksError> {
    invoices::table
        .filter(invoices::id.eq(id))
        .filter(invoices::company_id.eq(company_id))
        .select(InvoiceRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)
}

/// The stored invoice with its lines.
pub fn full_view(
    conn: &mut DbConnection,
    company_id: &str,
    id: &str,
) -> Result<InvoiceView, BooksError> {
    let row = find(conn, company_id, id)?;
    let mut lines = load_lines(conn, std::slice::from_ref(&row.id))?;
    Ok(row.view(line_views(lines.remove(id))))
}

/// A new draft invoice, written in the caller's transaction after its own authorization
/// (creating one, or converting an estimate into one).
pub fn insert_draft(
    conn: &mut DbConnection,
    actor: &Actor,
    (company_id, id): (&str, &str),
    input: &DocumentInput,
    estimate_id: Option<&str>,
) -> Result<InvoiceView, BooksError> {
    parties::require(
        conn,
        PartyKind::Customer,
        company_id,
        &input.party_id,
        "customer_id",
    )?;
    check_postable(conn, company_id, &input.priced, AccountClass::Income)?;
    let now = crate::clock::now();
    let row = InvoiceRow {
        id: id.to_owned(),
        company_id: company_id.to_owned(),
        number: None,
        customer_id: input.party_id.clone(),
        date: input.date,
        due_date: input.due_date,
        status: status::DRAFT.to_owned(),
        total_cents: input.priced.total_cents().get(),
        paid_cents: 0,
        estimate_id: estimate_id.map(str::to_owned),
        created_by: actor.user_id.clone(),
        created_at: now,
        version: 1,
        updated_by: actor.user_id.clone(),
        updated_by_session: actor.session_id.clone(),
        updated_at: now,
    };
    diesel::insert_into(invoices::table)
        .values(&row)
        .execute(conn)?;
    let lines = insert_lines(conn, company_id, id, &input.priced)?;
    Ok(row.view(lines))
}

pub fn create(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: DocumentInput,
    override_closing_date: bool,
    key: Option<&IdempotencyKey>,
) -> Result<Created<InvoiceView>, BooksError> {
    let id = uuid::Uuid::now_v7().to_string();
    let new = Resource::new(ResourceKind::Invoice, &id, company_id)
        .created_by(&actor.user_id)
        .dated(input.date)
        .amount(input.priced.total_cents().get());
    authorize_dated(
        conn,
        authz,
        actor,
        Action::CreateInvoice,
        &new,
        override_closing_date,
    )?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    let view = insert_draft(conn, actor, (company_id, &id), &input, None)?;
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

pub fn list(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<InvoiceView>, BooksError> {
    let all = Resource::new(ResourceKind::Invoice, "all", company_id);
    authorize(conn, authz, actor, Action::ViewInvoice, &all)?;
    let rows: Vec<InvoiceRow> = invoices::table
        .filter(invoices::company_id.eq(company_id))
        .filter(invoices::id.gt(request.after()))
        .order(invoices::id.asc())
        .limit(request.fetch())
        .select(InvoiceRow::as_select())
        .load(conn)?;
    page_with_lines(conn, rows, request, |row| &row.id, InvoiceRow::view)
}

pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<InvoiceView, BooksError> {
    let row = find(conn, company_id, id)?;
    authorize(conn, authz, actor, Action::ViewInvoice, &row.resource())?;
    full_view(conn, company_id, id)
}

/// The conflict answer for an invoice that changed since `expected_version`.
fn stale_invoice<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    id: &str,
    expected_version: i64,
) -> Result<Saved<T>, BooksError> {
    let current = find(conn, company_id, id)?;
    let stamp = current.stamp();
    let view = full_view(conn, company_id, id)?;
    stale(
        conn,
        actor,
        company_id,
        ("invoice", id),
        expected_version,
        &view,
        &stamp,
    )
}

fn state_error(row: &InvoiceRow, problem: &'static str) -> BooksError {
    BooksError::InvalidState {
        record: "invoice",
        state: row.status.clone(),
        problem,
    }
}

/// Changes a draft: its customer, dates and lines, from the version the caller saw.
pub fn update(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: i64,
    input: DocumentInput,
    override_closing_date: bool,
) -> Result<Saved<InvoiceView>, BooksError> {
    let row = find(conn, company_id, id)?;
    // The earlier date decides: moving a draft into a closed period is a write there too.
    let resource = row
        .resource()
        .dated(row.date.min(input.date))
        .amount(input.priced.total_cents().get());
    authorize_dated(
        conn,
        authz,
        actor,
        Action::UpdateInvoice,
        &resource,
        override_closing_date,
    )?;
    if row.version != expected_version {
        return stale_invoice(conn, actor, company_id, id, expected_version);
    }
    if row.status != status::DRAFT {
        return Err(state_error(&row, "only a draft can be edited"));
    }
    parties::require(
        conn,
        PartyKind::Customer,
        company_id,
        &input.party_id,
        "customer_id",
    )?;
    check_postable(conn, company_id, &input.priced, AccountClass::Income)?;
    let changed = diesel::update(invoices::table.find(id))
        .filter(invoices::version.eq(expected_version))
        .set((
            invoices::customer_id.eq(&input.party_id),
            invoices::date.eq(input.date),
            invoices::due_date.eq(input.due_date),
            invoices::total_cents.eq(input.priced.total_cents().get()),
            invoices::version.eq(expected_version + 1),
            invoices::updated_by.eq(&actor.user_id),
            invoices::updated_by_session.eq(&actor.session_id),
            invoices::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return stale_invoice(conn, actor, company_id, id, expected_version);
    }
    replace_lines(conn, company_id, id, &input.priced)?;
    Ok(Saved::Done(full_view(conn, company_id, id)?))
}

/// Moves the invoice to `new_status` if it is still at `version`; false when it changed.
fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &InvoiceRow,
    new_status: &str,
) -> Result<bool, BooksError> {
    let changed = diesel::update(invoices::table.find(&row.id))
        .filter(invoices::version.eq(row.version))
        .set((
            invoices::status.eq(new_status),
            invoices::version.eq(row.version + 1),
            invoices::updated_by.eq(&actor.user_id),
            invoices::updated_by_session.eq(&actor.session_id),
            invoices::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Sends a draft: it gets its number and its entry (411 / 70x / 44571) is posted.
pub fn send(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: Option<i64>,
    override_closing_date: bool,
) -> Result<Saved<InvoiceView>, BooksError> {
    let row = find(conn, company_id, id)?;
    authorize_dated(
        conn,
        authz,
        actor,
        Action::SendInvoice,
        &row.resource(),
        override_closing_date,
    )?;
    let version = expected_version.unwrap_or(row.version);
    if row.version != version {
        return stale_invoice(conn, actor, company_id, id, version);
    }
    if row.status != status::DRAFT {
        return Err(state_error(&row, "only a draft can be sent"));
    }
    if !advance(conn, actor, &row, status::SENT)? {
        return stale_invoice(conn, actor, company_id, id, version);
    }
    // Numbered only once the send is sure to commit: issued invoices have no gaps.
    let number = format!("F-{:06}", next_number(conn, company_id, counter::INVOICE)?);
    diesel::update(invoices::table.find(id))
        .set(invoices::number.eq(&number))
        .execute(conn)?;
    let stored = load_lines(conn, std::slice::from_ref(&row.id))?;
    let priced = reprice(stored.get(id).map(Vec::as_slice).unwrap_or_default())?;
    let chart = load_chart(conn, company_id)?;
    let document = DocumentRef {
        id,
        number: &number,
        party_id: &row.customer_id,
        date: row.date,
        priced: &priced,
    };
    let draft = postings::invoice_sent(&chart, &document).map_err(posting_problem)?;
    ledger::post(
        conn,
        actor,
        company_id,
        &uuid::Uuid::now_v7().to_string(),
        &draft,
    )?;
    Ok(Saved::Done(full_view(conn, company_id, id)?))
}

/// Voids a sent invoice without payments: its entry is reversed, dated today (or on the
/// invoice date, when that is later).
pub fn void(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: Option<i64>,
    override_closing_date: bool,
) -> Result<Saved<InvoiceView>, BooksError> {
    let row = find(conn, company_id, id)?;
    authorize_dated(
        conn,
        authz,
        actor,
        Action::VoidInvoice,
        &row.resource(),
        override_closing_date,
    )?;
    let version = expected_version.unwrap_or(row.version);
    if row.version != version {
        return stale_invoice(conn, actor, company_id, id, version);
    }
    if row.status != status::SENT {
        let problem = if row.paid_cents > 0 {
            "an invoice with payments cannot be voided"
        } else {
            "only a sent invoice can be voided"
        };
        return Err(state_error(&row, problem));
    }
    if !advance(conn, actor, &row, status::VOID)? {
        return stale_invoice(conn, actor, company_id, id, version);
    }
    let posted = entry_for_source(conn, company_id, SourceKind::Invoice, id)?
        .ok_or_else(|| BooksError::Ledger(format!("sent invoice {id} has no entry")))?;
    let posted = ledger::stored_draft(conn, &posted)?;
    let date = chrono::Utc::now().date_naive().max(row.date);
    let draft = postings::invoice_voided(&posted, date).map_err(posting_problem)?;
    ledger::post(
        conn,
        actor,
        company_id,
        &uuid::Uuid::now_v7().to_string(),
        &draft,
    )?;
    Ok(Saved::Done(full_view(conn, company_id, id)?))
}

/// Adds a payment to a sent invoice, refusing more than is open.
pub fn apply_payment(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &InvoiceRow,
    amount_cents: i64,
) -> Result<(), BooksError> {
    if row.status != status::SENT && row.status != status::PARTIALLY_PAID {
        return Err(state_error(row, "only a sent invoice can be paid"));
    }
    let open_cents = row.total_cents - row.paid_cents;
    if amount_cents > open_cents {
        return Err(BooksError::invalid(
            "amount_cents",
            format!("is more than the {open_cents} cents open on the invoice"),
        ));
    }
    let paid_cents = row.paid_cents + amount_cents;
    let new_status = if paid_cents == row.total_cents {
        status::PAID
    } else {
        status::PARTIALLY_PAID
    };
    let changed = diesel::update(invoices::table.find(&row.id))
        .filter(invoices::version.eq(row.version))
        .set((
            invoices::paid_cents.eq(paid_cents),
            invoices::status.eq(new_status),
            invoices::version.eq(row.version + 1),
            invoices::updated_by.eq(&actor.user_id),
            invoices::updated_by_session.eq(&actor.session_id),
            invoices::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(state_error(
            row,
            "it changed while the payment was recorded; retry",
        ));
    }
    Ok(())
}
