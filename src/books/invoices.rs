//! Invoices: draft (editable) -> sent (posted, numbered, immutable but for a void) -> partially
//! paid / paid by payments, or credited by credit notes; a sent invoice without payments or
//! credit notes may be voided by a reversing entry.

use diesel::prelude::*;
use serde::Serialize;

use super::chart::AccountClass;
use super::common::{counter, next_number, posting_problem, Saved};
use super::document_model::{
    self as model, document_table, DocumentHead, DocumentKind, DocumentRow, Draft, Editable, Move,
    Payable, Step,
};
use super::ledger::{self, entry_for_source};
use super::lines::LineView;
use super::parties::PartyKind;
use super::postings::{self, SourceKind};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, ResourceKind};
use crate::store::schema::invoices;
use crate::store::DbConnection;

pub mod status {
    pub const DRAFT: &str = "draft";
    pub const SENT: &str = "sent";
    pub use crate::books::document_model::settled::{CREDITED, PAID, PARTIALLY_PAID};
    pub const VOID: &str = "void";
}

/// The invoice kind of document.
pub struct Invoices;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InvoiceView {
    /// An invoice is numbered when it is sent, without gaps; its status is draft, sent,
    /// partially_paid, paid, credited or void.
    #[serde(flatten)]
    pub head: DocumentHead,
    pub customer_id: String,
    pub paid_cents: i64,
    /// Taken off what is due by credit notes.
    pub credited_cents: i64,
    pub open_cents: i64,
    pub estimate_id: Option<String>,
}

impl DocumentKind for Invoices {
    type View = InvoiceView;
    const RECORD: &'static str = "invoice";
    const RESOURCE: ResourceKind = ResourceKind::Invoice;
    const PARTY: PartyKind = PartyKind::Customer;
    const PARTY_FIELD: &'static str = "customer_id";
    const CLASS: AccountClass = AccountClass::Income;
    const NUMBERING: Option<(&'static str, &'static str)> = None;
    const FIRST_STATUS: &'static str = status::DRAFT;
    const VIEW: Action = Action::ViewInvoice;
    const CREATE: Action = Action::CreateInvoice;

    fn view(row: DocumentRow, lines: Vec<LineView>) -> InvoiceView {
        InvoiceView {
            customer_id: row.party_id.clone(),
            paid_cents: row.paid_cents,
            credited_cents: row.credited_cents,
            open_cents: row.open_cents(),
            estimate_id: row.link.clone(),
            head: DocumentHead::new(&row, lines),
        }
    }
}

impl Editable for Invoices {
    const UPDATE: Action = Action::UpdateInvoice;
}

impl Payable for Invoices {
    const PAYABLE: &'static [&'static str] = &[status::SENT, status::PARTIALLY_PAID];
    const UNPAYABLE: &'static str = "only a sent invoice can be paid";
}

document_table!(Invoices => invoices {
    party: customer_id,
    read: (
        invoices::number,
        invoices::paid_cents,
        credited_cents(),
        invoices::estimate_id
    ),
    insert: |row: &DocumentRow| (
        invoices::paid_cents.eq(row.paid_cents),
        invoices::estimate_id.eq(row.link.clone()),
    ),
    rewrite: |row: &DocumentRow, _: &Draft| invoices::estimate_id.eq(row.link.clone()),
    // What is credited is the sum of the credit notes, written with them.
    settle: |(paid, _): (i64, i64)| invoices::paid_cents.eq(paid),
});

/// The sum of an invoice's credit notes, read with it.
fn credited_cents() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql(
        "(SELECT CAST(COALESCE(SUM(credit_notes.total_cents), 0) AS BIGINT) \
         FROM credit_notes WHERE credit_notes.invoice_id = invoices.id)",
    )
}

const SEND: Step = Step {
    action: Action::SendInvoice,
    to: status::SENT,
    allowed: sendable,
};

fn sendable(row: &DocumentRow) -> Result<(), &'static str> {
    model::only_from(row, status::DRAFT, "only a draft can be sent")
}

const VOID: Step = Step {
    action: Action::VoidInvoice,
    to: status::VOID,
    allowed: voidable,
};

fn voidable(row: &DocumentRow) -> Result<(), &'static str> {
    if row.paid_cents > 0 {
        Err("an invoice with payments cannot be voided")
    } else if row.credited_cents > 0 {
        Err("an invoice with credit notes cannot be voided")
    } else {
        model::only_from(row, status::SENT, "only a sent invoice can be voided")
    }
}

/// Sends a draft: it gets its number and its entry (411 / 70x / 44571) is posted.
pub fn send(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    moved: Move<'_>,
) -> Result<Saved<InvoiceView>, BooksError> {
    let (company_id, id) = moved.target;
    model::transition::<Invoices, _>(conn, (authz, actor), (SEND, moved), |conn, row| {
        // Numbered only once the send is sure to commit: issued invoices have no gaps.
        let number = format!("F-{:06}", next_number(conn, company_id, counter::INVOICE)?);
        diesel::update(invoices::table.find(id))
            .set(invoices::number.eq(&number))
            .execute(conn)?;
        let row = DocumentRow {
            number: Some(number),
            ..row
        };
        model::post::<Invoices>(conn, actor, company_id, &row, postings::invoice_sent)?;
        model::full_view::<Invoices>(conn, company_id, id)
    })
}

/// Voids a sent invoice without payments or credit notes: its entry is reversed, dated today
/// (or on the invoice date, when that is later).
pub fn void(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    moved: Move<'_>,
) -> Result<Saved<InvoiceView>, BooksError> {
    let (company_id, id) = moved.target;
    model::transition::<Invoices, _>(conn, (authz, actor), (VOID, moved), |conn, row| {
        let posted = entry_for_source(conn, company_id, SourceKind::Invoice, id)?
            .ok_or_else(|| BooksError::Ledger(format!("sent invoice {id} has no entry")))?;
        let posted = ledger::stored_draft(conn, &posted)?;
        let date = chrono::Utc::now().date_naive().max(row.date);
        let draft = postings::invoice_voided(&posted, date).map_err(posting_problem)?;
        let entry_id = uuid::Uuid::now_v7().to_string();
        ledger::post(conn, actor, company_id, &entry_id, &draft)?;
        model::full_view::<Invoices>(conn, company_id, id)
    })
}
