//! One model for the dated documents of a party: estimates, invoices, bills and credit notes.
//!
//! A kind declares what makes it itself (its table, party, account class, numbering, Cedar
//! actions and view); this module writes, reads, lists, edits and moves every kind along its
//! status machine the same way: authorized first, optimistic versions, priced lines.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::chart::{AccountClass, Chart};
use super::common::{
    authorize, authorize_dated, next_number, posting_problem, remember, replayed, stale, Created,
    IdempotencyKey, Page, PageRequest, Saved, Stamp,
};
use super::ledger::{self, load_chart};
use super::lines::{
    check_postable, insert_lines, line_views, load_lines, page_with_lines, replace_lines, reprice,
    DocumentInput, LineView,
};
use super::parties::{self, PartyKind};
use super::postings::{DocumentRef, EntryDraft, PostingError};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
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

    fn stamp(&self) -> Stamp {
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

/// The kind's resource for the policies: its author, date and amount.
pub fn resource<K: DocumentKind>(company_id: &str, row: &DocumentRow) -> Resource {
    Resource::new(K::RESOURCE, &row.id, company_id)
        .created_by(&row.created_by)
        .dated(row.date)
        .amount(row.total_cents)
}

pub fn find<K: DocumentKind>(
    conn: &mut DbConnection,
    company_id: &str,
    id: &str,
) -> Result<DocumentRow, BooksError> {
    K::find_row(conn, company_id, id)?.ok_or(BooksError::NotFound)
}

/// A document the request names in `field`, refused as bad input when there is none.
pub fn named<K: DocumentKind>(
    conn: &mut DbConnection,
    company_id: &str,
    (field, id): (&str, &str),
) -> Result<DocumentRow, BooksError> {
    find::<K>(conn, company_id, id).map_err(|error| match error {
        BooksError::NotFound => {
            let article = if K::RECORD.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            BooksError::invalid(field, format!("does not name {article} {}", K::RECORD))
        }
        other => other,
    })
}

/// The stored document with its lines.
pub fn full_view<K: DocumentKind>(
    conn: &mut DbConnection,
    company_id: &str,
    id: &str,
) -> Result<K::View, BooksError> {
    let row = find::<K>(conn, company_id, id)?;
    let mut lines = load_lines(conn, std::slice::from_ref(&row.id))?;
    Ok(K::view(row, line_views(lines.remove(id))))
}

pub fn state_error<K: DocumentKind>(row: &DocumentRow, problem: &'static str) -> BooksError {
    BooksError::InvalidState {
        record: K::RECORD,
        state: row.status.clone(),
        problem,
    }
}

/// The conflict answer for a document that changed since `expected_version`.
pub fn stale_document<K: DocumentKind, T>(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    id: &str,
    expected_version: i64,
) -> Result<Saved<T>, BooksError> {
    let stamp = find::<K>(conn, company_id, id)?.stamp();
    let view = full_view::<K>(conn, company_id, id)?;
    let record = (K::RECORD, id);
    stale(
        conn,
        actor,
        company_id,
        record,
        expected_version,
        &view,
        &stamp,
    )
}

/// Refuses a draft whose party is not of the company or whose lines could not be posted.
fn check_draft<K: DocumentKind>(
    conn: &mut DbConnection,
    company_id: &str,
    document: &DocumentInput,
) -> Result<(), BooksError> {
    parties::require(
        conn,
        K::PARTY,
        company_id,
        &document.party_id,
        K::PARTY_FIELD,
    )?;
    check_postable(conn, company_id, &document.priced, K::CLASS)
}

/// Writes a new document in the caller's transaction, after its own authorization.
pub fn insert<K: DocumentKind>(
    conn: &mut DbConnection,
    actor: &Actor,
    (company_id, id): (&str, &str),
    draft: &Draft,
) -> Result<K::View, BooksError> {
    let document = &draft.document;
    check_draft::<K>(conn, company_id, document)?;
    let number = match K::NUMBERING {
        Some((prefix, counter)) => Some(format!(
            "{prefix}-{:06}",
            next_number(conn, company_id, counter)?
        )),
        None => None,
    };
    let now = crate::clock::now();
    let row = DocumentRow {
        id: id.to_owned(),
        number,
        party_id: document.party_id.clone(),
        date: document.date,
        due_date: document.due_date,
        status: K::FIRST_STATUS.to_owned(),
        total_cents: document.priced.total_cents().get(),
        paid_cents: 0,
        credited_cents: 0,
        link: draft.link.clone(),
        created_by: actor.user_id.clone(),
        created_at: now,
        version: 1,
        updated_by: actor.user_id.clone(),
        updated_by_session: actor.session_id.clone(),
        updated_at: now,
    };
    K::insert_row(conn, company_id, &row)?;
    let lines = insert_lines(conn, company_id, id, &document.priced)?;
    Ok(K::view(row, lines))
}

/// Creates a document with `write` (which inserts it, and posts it for kinds posted at once),
/// then keeps the answer for its `Idempotency-Key`.
pub fn create_with<K: DocumentKind>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, date, total_cents): (&str, NaiveDate, i64),
    (override_closing_date, key): (bool, Option<&IdempotencyKey>),
    write: impl FnOnce(&mut DbConnection, &str) -> Result<K::View, BooksError>,
) -> Result<Created<K::View>, BooksError> {
    let id = uuid::Uuid::now_v7().to_string();
    // The closing date applies to the new document's date.
    let new = Resource::new(K::RESOURCE, &id, company_id)
        .created_by(&actor.user_id)
        .dated(date)
        .amount(total_cents);
    authorize_dated(conn, authz, actor, K::CREATE, &new, override_closing_date)?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    let view = write(conn, &id)?;
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

pub fn create<K: DocumentKind>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    draft: Draft,
    override_closing_date: bool,
    key: Option<&IdempotencyKey>,
) -> Result<Created<K::View>, BooksError> {
    let document = &draft.document;
    let head = (
        company_id,
        document.date,
        document.priced.total_cents().get(),
    );
    create_with::<K>(
        conn,
        authz,
        actor,
        head,
        (override_closing_date, key),
        |conn, id| insert::<K>(conn, actor, (company_id, id), &draft),
    )
}

pub fn list<K: DocumentKind>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<K::View>, BooksError> {
    let all = Resource::new(K::RESOURCE, "all", company_id);
    authorize(conn, authz, actor, K::VIEW, &all)?;
    let rows = K::page_rows(conn, company_id, request)?;
    page_with_lines(conn, rows, request, |row| &row.id, K::view)
}

pub fn get<K: DocumentKind>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<K::View, BooksError> {
    let row = find::<K>(conn, company_id, id)?;
    authorize(
        conn,
        authz,
        actor,
        K::VIEW,
        &resource::<K>(company_id, &row),
    )?;
    full_view::<K>(conn, company_id, id)
}

/// Changes a draft: its party, dates, lines (and link), from the version the caller saw.
pub fn update<K: Editable>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: i64,
    draft: Draft,
    override_closing_date: bool,
) -> Result<Saved<K::View>, BooksError> {
    let row = find::<K>(conn, company_id, id)?;
    let document = &draft.document;
    // The earlier date decides: moving a draft into a closed period is a write there too.
    let changed = resource::<K>(company_id, &row)
        .dated(row.date.min(document.date))
        .amount(document.priced.total_cents().get());
    authorize_dated(
        conn,
        authz,
        actor,
        K::UPDATE,
        &changed,
        override_closing_date,
    )?;
    if row.version != expected_version {
        return stale_document::<K, _>(conn, actor, company_id, id, expected_version);
    }
    if row.status != K::FIRST_STATUS {
        return Err(state_error::<K>(&row, "only a draft can be edited"));
    }
    check_draft::<K>(conn, company_id, document)?;
    if !K::rewrite_row(conn, actor, &row, &draft)? {
        return stale_document::<K, _>(conn, actor, company_id, id, expected_version);
    }
    replace_lines(conn, company_id, id, &document.priced)?;
    Ok(Saved::Done(full_view::<K>(conn, company_id, id)?))
}

/// The statuses a payable document reaches as it is settled.
pub mod settled {
    pub const PARTIALLY_PAID: &str = "partially_paid";
    pub const PAID: &str = "paid";
    /// Settled by credit notes alone.
    pub const CREDITED: &str = "credited";
}

/// One move of a status machine: who may make it, to which status, and from which rows.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub action: Action,
    pub to: &'static str,
    /// Why the row cannot make the move, if it cannot.
    pub allowed: fn(&DocumentRow) -> Result<(), &'static str>,
}

/// A move allowed from one status only.
pub fn only_from(
    row: &DocumentRow,
    status: &str,
    problem: &'static str,
) -> Result<(), &'static str> {
    if row.status == status {
        Ok(())
    } else {
        Err(problem)
    }
}

/// The document a move is about, from the version the caller named (or the current one);
/// `also_dated` is one more date the closing-date check covers (the date of what it makes).
#[derive(Debug, Clone, Copy)]
pub struct Move<'a> {
    pub target: (&'a str, &'a str),
    pub expected_version: Option<i64>,
    pub override_closing_date: bool,
    pub also_dated: Option<NaiveDate>,
}

/// Authorizes and makes `step`, then `then` on the row as it was before; or the conflict
/// answer.
pub fn transition<K: DocumentKind, T>(
    conn: &mut DbConnection,
    (authz, actor): (&Authz, &Actor),
    (step, moved): (Step, Move<'_>),
    then: impl FnOnce(&mut DbConnection, DocumentRow) -> Result<T, BooksError>,
) -> Result<Saved<T>, BooksError> {
    let (company_id, id) = moved.target;
    let row = find::<K>(conn, company_id, id)?;
    let date = moved.also_dated.map_or(row.date, |d| d.min(row.date));
    let decided = resource::<K>(company_id, &row).dated(date);
    authorize_dated(
        conn,
        authz,
        actor,
        step.action,
        &decided,
        moved.override_closing_date,
    )?;
    let version = moved.expected_version.unwrap_or(row.version);
    if row.version != version {
        return stale_document::<K, _>(conn, actor, company_id, id, version);
    }
    (step.allowed)(&row).map_err(|problem| state_error::<K>(&row, problem))?;
    if !K::advance_row(conn, actor, &row, step.to)? {
        return stale_document::<K, _>(conn, actor, company_id, id, version);
    }
    then(conn, row).map(Saved::Done)
}

/// Posts a numbered document's entry, built by `build` from its stored lines.
pub fn post<K: DocumentKind>(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    row: &DocumentRow,
    build: fn(&Chart, &DocumentRef<'_>) -> Result<EntryDraft, PostingError>,
) -> Result<(), BooksError> {
    let number = row
        .number
        .as_deref()
        .ok_or_else(|| BooksError::Ledger(format!("{} {} has no number", K::RECORD, row.id)))?;
    let stored = load_lines(conn, std::slice::from_ref(&row.id))?;
    let priced = reprice(stored.get(&row.id).map(Vec::as_slice).unwrap_or_default())?;
    let chart = load_chart(conn, company_id)?;
    let document = DocumentRef {
        id: &row.id,
        number,
        party_id: &row.party_id,
        date: row.date,
        priced: &priced,
    };
    let draft = build(&chart, &document).map_err(posting_problem)?;
    let entry_id = uuid::Uuid::now_v7().to_string();
    ledger::post(conn, actor, company_id, &entry_id, &draft)?;
    Ok(())
}

/// Kinds that are paid, in which states, and why the others are not.
pub trait Payable: DocumentKind + SettledTable {
    const PAYABLE: &'static [&'static str];
    const UNPAYABLE: &'static str;
}

/// Records what is now paid and credited on a document, and the status that leads to: fully
/// settled with money is paid, with credit notes alone credited; a credit note alone leaves
/// the status as it was.
pub fn settle<K: Payable>(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &DocumentRow,
    (paid_cents, credited_cents): (i64, i64),
) -> Result<(), BooksError> {
    let status = if paid_cents + credited_cents >= row.total_cents {
        if paid_cents > 0 {
            settled::PAID
        } else {
            settled::CREDITED
        }
    } else if paid_cents > 0 {
        settled::PARTIALLY_PAID
    } else {
        row.status.as_str()
    };
    if !K::settle_row(conn, actor, row, status, (paid_cents, credited_cents))? {
        return Err(state_error::<K>(
            row,
            "it changed while the amount was recorded; retry",
        ));
    }
    Ok(())
}

/// Adds a payment to a document, refusing more than is open.
pub fn apply_payment<K: Payable>(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &DocumentRow,
    amount_cents: i64,
) -> Result<(), BooksError> {
    if !K::PAYABLE.contains(&row.status.as_str()) {
        return Err(state_error::<K>(row, K::UNPAYABLE));
    }
    let open_cents = row.open_cents();
    if amount_cents > open_cents {
        return Err(BooksError::invalid(
            "amount_cents",
            format!(
                "is more than the {open_cents} cents open on the {}",
                K::RECORD
            ),
        ));
    }
    let paid_cents = row.paid_cents + amount_cents;
    settle::<K>(conn, actor, row, (paid_cents, row.credited_cents))
}

/// The zero a kind without such a column reads (a BIGINT: PostgreSQL reads a bare 0 as INT).
pub fn zero() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(0 AS BIGINT)")
}

/// Writes the `DocumentTable` (and `EditableTable`, `SettledTable`) of a kind from its table,
/// party column, the expressions its number, paid and credited amounts and link read from, and
/// how its own columns are written.
macro_rules! document_table {
    ($kind:ty => $table:ident {
        party: $party:ident,
        read: ($number:expr, $paid:expr, $credited:expr, $link:expr),
        insert: $insert:expr,
        $(rewrite: $rewrite:expr,)?
        $(settle: $settle:expr,)?
    }) => {
        const _: () = {
            use diesel::prelude::*;
            use $crate::authz::Actor;
            use $crate::books::document_model::{DocumentRow, DocumentTable};
            use $crate::books::PageRequest;
            use $crate::store::schema::$table;
            use $crate::store::DbConnection;

            macro_rules! columns {
                () => {
                    (
                        $table::id,
                        $number,
                        $table::$party,
                        $table::date,
                        $table::due_date,
                        $table::status,
                        $table::total_cents,
                        $paid,
                        $credited,
                        $link,
                        $table::created_by,
                        $table::created_at,
                        $table::version,
                        $table::updated_by,
                        $table::updated_by_session,
                        $table::updated_at,
                    )
                };
            }

            /// The next version, written by `actor` now.
            fn stamped(
                actor: &Actor,
                row: &DocumentRow,
            ) -> (
                diesel::dsl::Eq<$table::version, i64>,
                diesel::dsl::Eq<$table::updated_by, String>,
                diesel::dsl::Eq<$table::updated_by_session, Option<String>>,
                diesel::dsl::Eq<$table::updated_at, chrono::NaiveDateTime>,
            ) {
                (
                    $table::version.eq(row.version + 1),
                    $table::updated_by.eq(actor.user_id.clone()),
                    $table::updated_by_session.eq(actor.session_id.clone()),
                    $table::updated_at.eq($crate::clock::now()),
                )
            }

            impl DocumentTable for $kind {
                fn find_row(
                    conn: &mut DbConnection,
                    company_id: &str,
                    id: &str,
                ) -> QueryResult<Option<DocumentRow>> {
                    $table::table
                        .filter($table::id.eq(id))
                        .filter($table::company_id.eq(company_id))
                        .select(columns!())
                        .get_result(conn)
                        .optional()
                }

                fn page_rows(
                    conn: &mut DbConnection,
                    company_id: &str,
                    request: &PageRequest,
                ) -> QueryResult<Vec<DocumentRow>> {
                    $table::table
                        .filter($table::company_id.eq(company_id))
                        .filter($table::id.gt(request.after()))
                        .order($table::id.asc())
                        .limit(request.fetch())
                        .select(columns!())
                        .load(conn)
                }

                fn insert_row(
                    conn: &mut DbConnection,
                    company_id: &str,
                    row: &DocumentRow,
                ) -> QueryResult<()> {
                    diesel::insert_into($table::table)
                        .values((
                            (
                                $table::id.eq(&row.id),
                                $table::company_id.eq(company_id),
                                $table::$party.eq(&row.party_id),
                                $table::date.eq(row.date),
                                $table::due_date.eq(row.due_date),
                                $table::status.eq(&row.status),
                                $table::total_cents.eq(row.total_cents),
                            ),
                            (
                                $table::created_by.eq(&row.created_by),
                                $table::created_at.eq(row.created_at),
                                $table::version.eq(row.version),
                                $table::updated_by.eq(&row.updated_by),
                                $table::updated_by_session.eq(&row.updated_by_session),
                                $table::updated_at.eq(row.updated_at),
                            ),
                            ($insert)(row),
                        ))
                        .execute(conn)?;
                    Ok(())
                }

                fn advance_row(
                    conn: &mut DbConnection,
                    actor: &Actor,
                    row: &DocumentRow,
                    status: &str,
                ) -> QueryResult<bool> {
                    let changed = diesel::update($table::table.find(&row.id))
                        .filter($table::version.eq(row.version))
                        .set(($table::status.eq(status), stamped(actor, row)))
                        .execute(conn)?;
                    Ok(changed == 1)
                }
            }

            $(
                impl $crate::books::document_model::EditableTable for $kind {
                    fn rewrite_row(
                        conn: &mut DbConnection,
                        actor: &Actor,
                        row: &DocumentRow,
                        draft: &$crate::books::document_model::Draft,
                    ) -> QueryResult<bool> {
                        let document = &draft.document;
                        let changed = diesel::update($table::table.find(&row.id))
                            .filter($table::version.eq(row.version))
                            .set((
                                $table::$party.eq(&document.party_id),
                                $table::date.eq(document.date),
                                $table::due_date.eq(document.due_date),
                                $table::total_cents.eq(document.priced.total_cents().get()),
                                stamped(actor, row),
                                ($rewrite)(row, draft),
                            ))
                            .execute(conn)?;
                        Ok(changed == 1)
                    }
                }
            )?

            $(
                impl $crate::books::document_model::SettledTable for $kind {
                    fn settle_row(
                        conn: &mut DbConnection,
                        actor: &Actor,
                        row: &DocumentRow,
                        status: &str,
                        amounts: (i64, i64),
                    ) -> QueryResult<bool> {
                        let changed = diesel::update($table::table.find(&row.id))
                            .filter($table::version.eq(row.version))
                            .set(($table::status.eq(status), stamped(actor, row), ($settle)(amounts)))
                            .execute(conn)?;
                        Ok(changed == 1)
                    }
                }
            )?
        };
    };
}

pub(crate) use document_table;
