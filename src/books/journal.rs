//! Journal entries: manual entries posted by the finance staff, and every entry the documents
//! wrote, read back. A posted entry is never changed; a manual one is corrected by a reversal,
//! which someone other than its poster writes (segregation of duties).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::common::{
    authorize, authorize_dated, page, posting_problem, remember, replayed, Created, IdempotencyKey,
    Page, PageRequest,
};
use super::ledger::{
    self, entry_for_source, entry_lines, entry_view, load_chart, EntryRow, EntryView,
};
use super::postings::{self, ManualEntryInput, SourceKind};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::journal_entries;
use crate::store::DbConnection;

fn resource(entry: &EntryRow) -> Resource {
    Resource::new(ResourceKind::JournalEntry, &entry.id, &entry.company_id)
        .created_by(&entry.posted_by)
        .posted_by(&entry.posted_by)
        .dated(entry.date)
}

fn full_view(conn: &mut DbConnection, entry: EntryRow) -> Result<EntryView, BooksError> {
    let mut lines = entry_lines(conn, std::slice::from_ref(&entry.id))?;
    let entry_lines = lines.remove(&entry.id).unwrap_or_default();
    Ok(entry_view(entry, entry_lines))
}

pub fn post(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: ManualEntryInput,
    override_closing_date: bool,
    key: Option<&IdempotencyKey>,
) -> Result<Created<EntryView>, BooksError> {
    let id = uuid::Uuid::now_v7().to_string();
    let new = Resource::new(ResourceKind::JournalEntry, &id, company_id)
        .created_by(&actor.user_id)
        .posted_by(&actor.user_id)
        .dated(input.date);
    authorize_dated(
        conn,
        authz,
        actor,
        Action::PostJournalEntry,
        &new,
        override_closing_date,
    )?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    let chart = load_chart(conn, company_id)?;
    let draft = postings::manual_entry(&chart, &id, &input).map_err(posting_problem)?;
    let entry = ledger::post(conn, actor, company_id, &id, &draft)?;
    let view = full_view(conn, entry)?;
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

pub fn list(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<EntryView>, BooksError> {
    let all = Resource::new(ResourceKind::JournalEntry, "all", company_id);
    authorize(conn, authz, actor, Action::ViewJournalEntry, &all)?;
    // Entries page in number order: the cursor is the last number seen.
    let after: i64 = request.after().parse().unwrap_or(0);
    let rows: Vec<EntryRow> = journal_entries::table
        .filter(journal_entries::company_id.eq(company_id))
        .filter(journal_entries::number.gt(after))
        .order(journal_entries::number.asc())
        .limit(request.fetch())
        .select(EntryRow::as_select())
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut lines = entry_lines(conn, &ids)?;
    Ok(page(
        rows,
        request,
        |row| row.number.to_string(),
        |row| {
            let row_lines = lines.remove(&row.id).unwrap_or_default();
            entry_view(row, row_lines)
        },
    ))
}

pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<EntryView, BooksError> {
    let entry = ledger::find_entry(conn, company_id, id)?;
    authorize(
        conn,
        authz,
        actor,
        Action::ViewJournalEntry,
        &resource(&entry),
    )?;
    full_view(conn, entry)
}

/// Reverses a manual entry with its mirror image, dated `date` (today when absent, or the
/// entry's own date when that is later).
pub fn reverse(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    date: Option<NaiveDate>,
    override_closing_date: bool,
) -> Result<EntryView, BooksError> {
    let entry = ledger::find_entry(conn, company_id, id)?;
    let date = date.unwrap_or_else(|| chrono::Utc::now().date_naive().max(entry.date));
    let decided = resource(&entry).dated(entry.date.min(date));
    authorize_dated(
        conn,
        authz,
        actor,
        Action::ReverseJournalEntry,
        &decided,
        override_closing_date,
    )?;
    if entry_for_source(conn, company_id, SourceKind::Reversal, id)?.is_some() {
        return Err(BooksError::InvalidState {
            record: "journal entry",
            state: "reversed".to_owned(),
            problem: "an entry is reversed once",
        });
    }
    let posted = ledger::stored_draft(conn, &entry)?;
    let draft = postings::reversal(&posted, date).map_err(posting_problem)?;
    let reversal = ledger::post(
        conn,
        actor,
        company_id,
        &uuid::Uuid::now_v7().to_string(),
        &draft,
    )?;
    full_view(conn, reversal)
}
