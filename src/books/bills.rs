//! Supplier bills: draft (editable) -> approved (posted 60x / 44566 / 401, immutable) ->
//! partially paid / paid by bill payments. Nobody approves or pays a bill they entered: the
//! segregation-of-duties policies decide it from the bill's `created_by`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::chart::AccountClass;
use super::common::{
    authorize, authorize_dated, counter, next_number, posting_problem, remember, replayed, stale,
    Created, IdempotencyKey, Page, PageRequest, Saved, Stamp,
};
use super::ledger::{self, load_chart};
use super::lines::{
    check_postable, insert_lines, line_views, load_lines, page_with_lines, replace_lines, reprice,
    DocumentInput, LineView,
};
use super::parties::{self, PartyKind};
use super::postings::{self, DocumentRef};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::bills;
use crate::store::DbConnection;

pub mod status {
    pub const DRAFT: &str = "draft";
    pub const APPROVED: &str = "approved";
    pub const PARTIALLY_PAID: &str = "partially_paid";
    pub const PAID: &str = "paid";
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bills)]
pub struct BillRow {
    pub id: String,
    pub company_id: String,
    pub number: String,
    pub vendor_id: String,
    pub reference: Option<String>,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: String,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub version: i64,
    pub updated_by: String,
    pub updated_by_session: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BillView {
    pub id: String,
    pub number: String,
    pub vendor_id: String,
    /// The supplier's own number for the bill.
    pub reference: Option<String>,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    /// draft, approved, partially_paid or paid
    pub status: String,
    pub lines: Vec<LineView>,
    pub subtotal_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub open_cents: i64,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl BillRow {
    fn view(self, lines: Vec<LineView>) -> BillView {
        let subtotal_cents = lines.iter().map(|l| l.subtotal_cents).sum();
        BillView {
            open_cents: self.total_cents - self.paid_cents,
            id: self.id,
            number: self.number,
            vendor_id: self.vendor_id,
            reference: self.reference,
            date: self.date,
            due_date: self.due_date,
            status: self.status,
            lines,
            subtotal_cents,
            vat_cents: self.total_cents - subtotal_cents,
            total_cents: self.total_cents,
            paid_cents: self.paid_cents,
            version: self.version,
            created_by: self.created_by,
            created_at: crate::clock::rfc3339(self.created_at),
            updated_by: self.updated_by,
            updated_at: crate::clock::rfc3339(self.updated_at),
        }
    }

    fn resource(&self) -> Resource {
        Resource::new(ResourceKind::Bill, &self.id, &self.company_id)
            .created_by(&self.created_by)
            .dated(self.date)
            .amount(self.total_cents)
    }
}

/// A bill as the client sends it: the document and the supplier's reference.
#[derive(Debug, Clone)]
pub struct BillInput {
    pub document: DocumentInput,
    pub reference: Option<String>,
}

pub fn find(conn: &mut DbConnection, company_id: &str, id: &str) -> Result<BillRow, BooksError> {
    bills::table
        .filter(bills::id.eq(id))
        .filter(bills::company_id.eq(company_id))
        .select(BillRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)
}

fn full_view(conn: &mut DbConnection, company_id: &str, id: &str) -> Result<BillView, BooksError> {
    let row = find(conn, company_id, id)?;
    let mut lines = load_lines(conn, std::slice::from_ref(&row.id))?;
    Ok(row.view(line_views(lines.remove(id))))
}

fn check_input(
    conn: &mut DbConnection,
    company_id: &str,
    input: &DocumentInput,
) -> Result<(), BooksError> {
    parties::require(
        conn,
        PartyKind::Vendor,
        company_id,
        &input.party_id,
        "vendor_id",
    )?;
    check_postable(conn, company_id, &input.priced, AccountClass::Expense)
}

pub fn create(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: BillInput,
    override_closing_date: bool,
    key: Option<&IdempotencyKey>,
) -> Result<Created<BillView>, BooksError> {
    let id = uuid::Uuid::now_v7().to_string();
    let document = &input.document;
    let new = Resource::new(ResourceKind::Bill, &id, company_id)
        .created_by(&actor.user_id)
        .dated(document.date)
        .amount(document.priced.total_cents().get());
    authorize_dated(
        conn,
        authz,
        actor,
        Action::CreateBill,
        &new,
        override_closing_date,
    )?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    check_input(conn, company_id, document)?;
    let now = crate::clock::now();
    let row = BillRow {
        id: id.clone(),
        company_id: company_id.to_owned(),
        number: format!("A-{:06}", next_number(conn, company_id, counter::BILL)?),
        vendor_id: document.party_id.clone(),
        reference: input.reference.clone(),
        date: document.date,
        due_date: document.due_date,
        status: status::DRAFT.to_owned(),
        total_cents: document.priced.total_cents().get(),
        paid_cents: 0,
        created_by: actor.user_id.clone(),
        created_at: now,
        version: 1,
        updated_by: actor.user_id.clone(),
        updated_by_session: actor.session_id.clone(),
        updated_at: now,
    };
    diesel::insert_into(bills::table)
        .values(&row)
        .execute(conn)?;
    let lines = insert_lines(conn, company_id, &id, &document.priced)?;
    let view = row.view(lines);
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

pub fn list(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<BillView>, BooksError> {
    let all = Resource::new(ResourceKind::Bill, "all", company_id);
    authorize(conn, authz, actor, Action::ViewBill, &all)?;
    let rows: Vec<BillRow> = bills::table
        .filter(bills::company_id.eq(company_id))
        .filter(bills::id.gt(request.after()))
        .order(bills::id.asc())
        .limit(request.fetch())
        .select(BillRow::as_select())
        .load(conn)?;
    page_with_lines(conn, rows, request, |row| &row.id, BillRow::view)
}

pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<BillView, BooksError> {
    let row = find(conn, company_id, id)?;
    authorize(conn, authz, actor, Action::ViewBill, &row.resource())?;
    full_view(conn, company_id, id)
}

fn stale_bill<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    id: &str,
    expected_version: i64,
) -> Result<Saved<T>, BooksError> {
    let current = find(conn, company_id, id)?;
    let stamp = Stamp {
        updated_by: current.updated_by.clone(),
        updated_by_session: current.updated_by_session.clone(),
        updated_at: current.updated_at,
    };
    let view = full_view(conn, company_id, id)?;
    stale(
        conn,
        actor,
        company_id,
        ("bill", id),
        expected_version,
        &view,
        &stamp,
    )
}

fn state_error(row: &BillRow, problem: &'static str) -> BooksError {
    BooksError::InvalidState {
        record: "bill",
        state: row.status.clone(),
        problem,
    }
}

pub fn update(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: i64,
    input: BillInput,
    override_closing_date: bool,
) -> Result<Saved<BillView>, BooksError> {
    let row = find(conn, company_id, id)?;
    let document = &input.document;
    let resource = row
        .resource()
        .dated(row.date.min(document.date))
        .amount(document.priced.total_cents().get());
    authorize_dated(
        conn,
        authz,
        actor,
        Action::UpdateBill,
        &resource,
        override_closing_date,
    )?;
    if row.version != expected_version {
        return stale_bill(conn, actor, company_id, id, expected_version);
    }
    if row.status != status::DRAFT {
        return Err(state_error(&row, "only a draft can be edited"));
    }
    check_input(conn, company_id, document)?;
    let changed = diesel::update(bills::table.find(id))
        .filter(bills::version.eq(expected_version))
        .set((
            bills::vendor_id.eq(&document.party_id),
            bills::reference.eq(&input.reference),
            bills::date.eq(document.date),
            bills::due_date.eq(document.due_date),
            bills::total_cents.eq(document.priced.total_cents().get()),
            bills::version.eq(expected_version + 1),
            bills::updated_by.eq(&actor.user_id),
            bills::updated_by_session.eq(&actor.session_id),
            bills::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return stale_bill(conn, actor, company_id, id, expected_version);
    }
    replace_lines(conn, company_id, id, &document.priced)?;
    Ok(Saved::Done(full_view(conn, company_id, id)?))
}

/// Sets the bill's status and paid amount if it is still at the version read.
fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &BillRow,
    new_status: &str,
    paid_cents: i64,
) -> Result<bool, BooksError> {
    let changed = diesel::update(bills::table.find(&row.id))
        .filter(bills::version.eq(row.version))
        .set((
            bills::status.eq(new_status),
            bills::paid_cents.eq(paid_cents),
            bills::version.eq(row.version + 1),
            bills::updated_by.eq(&actor.user_id),
            bills::updated_by_session.eq(&actor.session_id),
            bills::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Approves a draft bill and posts it.
pub fn approve(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: Option<i64>,
    override_closing_date: bool,
) -> Result<Saved<BillView>, BooksError> {
    let row = find(conn, company_id, id)?;
    authorize_dated(
        conn,
        authz,
        actor,
        Action::ApproveBill,
        &row.resource(),
        override_closing_date,
    )?;
    let version = expected_version.unwrap_or(row.version);
    if row.version != version {
        return stale_bill(conn, actor, company_id, id, version);
    }
    if row.status != status::DRAFT {
        return Err(state_error(&row, "only a draft can be approved"));
    }
    if !advance(conn, actor, &row, status::APPROVED, 0)? {
        return stale_bill(conn, actor, company_id, id, version);
    }
    let stored = load_lines(conn, std::slice::from_ref(&row.id))?;
    let priced = reprice(stored.get(id).map(Vec::as_slice).unwrap_or_default())?;
    let chart = load_chart(conn, company_id)?;
    let document = DocumentRef {
        id,
        number: &row.number,
        party_id: &row.vendor_id,
        date: row.date,
        priced: &priced,
    };
    let draft = postings::bill_approved(&chart, &document).map_err(posting_problem)?;
    ledger::post(
        conn,
        actor,
        company_id,
        &uuid::Uuid::now_v7().to_string(),
        &draft,
    )?;
    Ok(Saved::Done(full_view(conn, company_id, id)?))
}

/// Adds a payment to an approved bill, refusing more than is open.
pub fn apply_payment(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &BillRow,
    amount_cents: i64,
) -> Result<(), BooksError> {
    if row.status != status::APPROVED && row.status != status::PARTIALLY_PAID {
        return Err(state_error(row, "only an approved bill can be paid"));
    }
    let open_cents = row.total_cents - row.paid_cents;
    if amount_cents > open_cents {
        return Err(BooksError::invalid(
            "amount_cents",
            format!("is more than the {open_cents} cents open on the bill"),
        ));
    }
    let paid_cents = row.paid_cents + amount_cents;
    let new_status = if paid_cents == row.total_cents {
        status::PAID
    } else {
        status::PARTIALLY_PAID
    };
    if !advance(conn, actor, row, new_status, paid_cents)? {
        return Err(state_error(
            row,
            "it changed while the payment was recorded; retry",
        ));
    }
    Ok(())
}
