//! What a document is (its row, head and draft) and what makes a kind of document itself.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::authz::{Action, Actor, ResourceKind};
use crate::books::chart::AccountClass;
use crate::books::common::{PageRequest, Stamp};
use crate::books::lines::{DocumentInput, LineView};
use crate::books::parties::PartyKind;
use crate::store::DbConnection;

/// A document head as every kind's table stores it. Columns a kind lacks read as zero or
/// null: an estimate is never paid, only an invoice is credited.
#[derive(Debug, Clone, Queryable)]
pub struct DocumentRow {
    pub id: String,
    /// Bills and estimates are numbered when written, invoices when sent.
    pub number: Option<String>,
    /// The customer or vendor.
    pub party_id: String,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: String,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub credited_cents: i64,
    /// What the document points at: an estimate's invoice, an invoice's estimate, a bill's
    /// supplier reference, a credit note's invoice.
    pub link: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub version: i64,
    pub updated_by: String,
    pub updated_by_session: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl DocumentRow {
    /// What is still due: the total less payments and credit notes.
    pub fn open_cents(&self) -> i64 {
        self.total_cents - self.paid_cents - self.credited_cents
    }

    pub(super) fn stamp(&self) -> Stamp {
        Stamp {
            updated_by: self.updated_by.clone(),
            updated_by_session: self.updated_by_session.clone(),
            updated_at: self.updated_at,
        }
    }
}

/// What every document shows, whatever its kind; a kind's view adds its own fields beside it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentHead {
    pub id: String,
    pub number: Option<String>,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: String,
    pub lines: Vec<LineView>,
    pub subtotal_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl DocumentHead {
    pub fn new(row: &DocumentRow, lines: Vec<LineView>) -> Self {
        let subtotal_cents = lines.iter().map(|l| l.subtotal_cents).sum();
        Self {
            id: row.id.clone(),
            number: row.number.clone(),
            date: row.date,
            due_date: row.due_date,
            status: row.status.clone(),
            lines,
            subtotal_cents,
            vat_cents: row.total_cents - subtotal_cents,
            total_cents: row.total_cents,
            version: row.version,
            created_by: row.created_by.clone(),
            created_at: crate::clock::rfc3339(row.created_at),
            updated_by: row.updated_by.clone(),
            updated_at: crate::clock::rfc3339(row.updated_at),
        }
    }
}

/// A document as the client sends it: the priced document and the kind's link (a bill's
/// supplier reference).
#[derive(Debug, Clone)]
pub struct Draft {
    pub document: DocumentInput,
    pub link: Option<String>,
}

impl From<DocumentInput> for Draft {
    fn from(document: DocumentInput) -> Self {
        Self {
            document,
            link: None,
        }
    }
}

/// The rows of one kind's table, written by `document_table!`.
pub trait DocumentTable {
    fn find_row(
        conn: &mut DbConnection,
        company_id: &str,
        id: &str,
    ) -> QueryResult<Option<DocumentRow>>;
    fn page_rows(
        conn: &mut DbConnection,
        company_id: &str,
        request: &PageRequest,
    ) -> QueryResult<Vec<DocumentRow>>;
    fn insert_row(conn: &mut DbConnection, company_id: &str, row: &DocumentRow) -> QueryResult<()>;
    /// Moves the row to `status` if it is still at its version; false when it changed.
    fn advance_row(
        conn: &mut DbConnection,
        actor: &Actor,
        row: &DocumentRow,
        status: &str,
    ) -> QueryResult<bool>;
}

/// Kinds whose drafts are edited.
pub trait EditableTable {
    /// Writes a draft's new content if the row is still at its version.
    fn rewrite_row(
        conn: &mut DbConnection,
        actor: &Actor,
        row: &DocumentRow,
        draft: &Draft,
    ) -> QueryResult<bool>;
}

/// Kinds that are paid (and credited): the amounts settled and the status they lead to.
pub trait SettledTable {
    fn settle_row(
        conn: &mut DbConnection,
        actor: &Actor,
        row: &DocumentRow,
        status: &str,
        paid_and_credited_cents: (i64, i64),
    ) -> QueryResult<bool>;
}

/// What makes a kind of document itself.
pub trait DocumentKind: DocumentTable + 'static {
    type View: Serialize + Send + 'static;
    /// Its name in errors and conflicts.
    const RECORD: &'static str;
    const RESOURCE: ResourceKind;
    const PARTY: PartyKind;
    /// The request field naming the party.
    const PARTY_FIELD: &'static str;
    /// The class of the accounts its lines post to.
    const CLASS: AccountClass;
    /// The number prefix and counter of kinds numbered when written.
    const NUMBERING: Option<(&'static str, &'static str)>;
    const FIRST_STATUS: &'static str;
    const VIEW: Action;
    const CREATE: Action;

    fn view(row: DocumentRow, lines: Vec<LineView>) -> Self::View;
}

/// Kinds whose drafts (rows still in their first status) are edited, and by which action.
pub trait Editable: DocumentKind + EditableTable {
    const UPDATE: Action;
}
