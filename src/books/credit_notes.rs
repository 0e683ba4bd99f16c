//! Credit notes: a sale taken back, in full or in part, from a sent invoice. A credit note is
//! issued at once: numbered, posted as the reverse of an invoice's entry for the lines it
//! credits (70x and 44571 debited, 411 credited), and taken off what the invoice has open,
//! never beyond it. Like a payment, it is a fact: never changed.

use chrono::NaiveDate;
use serde::Serialize;

use super::chart::AccountClass;
use super::common::{counter, Created, IdempotencyKey};
use super::document_model::{
    self as model, document_table, zero, DocumentHead, DocumentKind, DocumentRow, Draft,
};
use super::documents::PricedDocument;
use super::invoices::{self, Invoices};
use super::lines::{load_lines, reprice, DocumentInput, LineView};
use super::parties::PartyKind;
use super::postings;
use super::BooksError;
use crate::authz::{Action, Actor, Authz, ResourceKind};
use crate::store::DbConnection;

pub mod status {
    pub const ISSUED: &str = "issued";
}

/// The credit note kind of document; its link is the invoice it credits.
pub struct CreditNotes;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreditNoteView {
    /// Its status is issued; its due date is its date, when the credit applies.
    #[serde(flatten)]
    pub head: DocumentHead,
    pub customer_id: String,
    /// The invoice it credits.
    pub invoice_id: String,
}

impl DocumentKind for CreditNotes {
    type View = CreditNoteView;
    const RECORD: &'static str = "credit note";
    const RESOURCE: ResourceKind = ResourceKind::CreditNote;
    const PARTY: PartyKind = PartyKind::Customer;
    const PARTY_FIELD: &'static str = "customer_id";
    const CLASS: AccountClass = AccountClass::Income;
    const NUMBERING: Option<(&'static str, &'static str)> = Some(("AV", counter::CREDIT_NOTE));
    const FIRST_STATUS: &'static str = status::ISSUED;
    const VIEW: Action = Action::ViewCreditNote;
    const CREATE: Action = Action::CreateCreditNote;

    fn view(row: DocumentRow, lines: Vec<LineView>) -> CreditNoteView {
        CreditNoteView {
            customer_id: row.party_id.clone(),
            invoice_id: row.link.clone().unwrap_or_default(),
            head: DocumentHead::new(&row, lines),
        }
    }
}

document_table!(CreditNotes => credit_notes {
    party: customer_id,
    read: (
        credit_notes::number.nullable(),
        zero(),
        zero(),
        credit_notes::invoice_id.nullable()
    ),
    insert: |row: &DocumentRow| (
        credit_notes::number.eq(row.number.clone().unwrap_or_default()),
        credit_notes::invoice_id.eq(row.link.clone().unwrap_or_default()),
    ),
});

/// A credit note as the client asks for it.
#[derive(Debug, Clone)]
pub struct CreditNoteInput {
    pub invoice_id: String,
    pub date: NaiveDate,
    /// The lines credited; the whole invoice when absent.
    pub lines: Option<PricedDocument>,
}

/// The invoice states a credit note may be issued against.
const CREDITABLE: [&str; 3] = [
    invoices::status::SENT,
    invoices::status::PARTIALLY_PAID,
    invoices::status::PAID,
];

pub fn create(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: CreditNoteInput,
    override_closing_date: bool,
    key: Option<&IdempotencyKey>,
) -> Result<Created<CreditNoteView>, BooksError> {
    // Read first: a full credit is decided on the amount of the invoice's lines.
    let invoice = model::named::<Invoices>(conn, company_id, ("invoice_id", &input.invoice_id))?;
    let priced = match input.lines {
        Some(priced) => priced,
        None => {
            let stored = load_lines(conn, std::slice::from_ref(&invoice.id))?;
            reprice(
                stored
                    .get(&invoice.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            )?
        }
    };
    let document = DocumentInput {
        party_id: invoice.party_id.clone(),
        date: input.date,
        due_date: input.date,
        priced,
    };
    let head = (company_id, input.date, document.priced.total_cents().get());
    model::create_with::<CreditNotes>(
        conn,
        authz,
        actor,
        head,
        (override_closing_date, key),
        |conn, id| issue(conn, actor, (company_id, id), &invoice, document),
    )
}

/// Takes the credit note off the invoice, then writes and posts it.
fn issue(
    conn: &mut DbConnection,
    actor: &Actor,
    (company_id, id): (&str, &str),
    invoice: &DocumentRow,
    document: DocumentInput,
) -> Result<CreditNoteView, BooksError> {
    if !CREDITABLE.contains(&invoice.status.as_str()) {
        return Err(model::state_error::<Invoices>(
            invoice,
            "only a sent invoice can be credited",
        ));
    }
    let asked_cents = document.priced.total_cents().get();
    let open_cents = invoice.open_cents();
    if asked_cents > open_cents {
        return Err(BooksError::ExceedsOpenAmount {
            record: Invoices::RECORD,
            open_cents,
            asked_cents,
        });
    }
    let credited_cents = invoice.credited_cents + asked_cents;
    model::settle::<Invoices>(conn, actor, invoice, (invoice.paid_cents, credited_cents))?;
    let draft = Draft {
        document,
        link: Some(invoice.id.clone()),
    };
    let view = model::insert::<CreditNotes>(conn, actor, (company_id, id), &draft)?;
    let row = model::find::<CreditNotes>(conn, company_id, id)?;
    model::post::<CreditNotes>(conn, actor, company_id, &row, postings::credit_note_issued)?;
    Ok(view)
}
