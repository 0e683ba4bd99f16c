//! The moves of a kind's status machine, and the entry a move posts.

use chrono::NaiveDate;

use crate::authz::{Action, Actor, Authz};
use crate::books::chart::Chart;
use crate::books::common::{authorize_dated, posting_problem, Saved};
use crate::books::ledger::{self, load_chart};
use crate::books::lines::{load_lines, reprice};
use crate::books::postings::{DocumentRef, EntryDraft, PostingError};
use crate::books::BooksError;
use crate::store::DbConnection;

use super::kinds::{DocumentKind, DocumentRow};
use super::records::{find, resource, stale_document, state_error};

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
