//! Journal entries and the closing date.

use chrono::NaiveDate;

use crate::authz::{Actor, Gate};
use crate::books::closing::{self, ClosingDateView, ExceptionView};
use crate::books::journal;
use crate::books::ledger::EntryView;
use crate::books::postings::ManualEntryInput;
use crate::books::{BooksError, Created, IdempotencyKey, Page, PageRequest, Saved};

/// A page of the journal, in entry number order.
pub async fn list_entries(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    request: PageRequest,
) -> Result<Page<EntryView>, BooksError> {
    gate.read(move |conn, authz| journal::list(conn, authz, &actor, &company_id, &request))
        .await
}

/// Posts a manual entry; a retry with the same `key` answers the first result.
pub async fn post_entry(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    (input, override_closing_date): (ManualEntryInput, bool),
    key: Option<IdempotencyKey>,
) -> Result<Created<EntryView>, BooksError> {
    gate.act(move |conn, authz| {
        let input = input.clone();
        let key = key.as_ref();
        journal::post(
            conn,
            authz,
            &actor,
            &company_id,
            input,
            override_closing_date,
            key,
        )
    })
    .await
}

pub async fn get_entry(
    gate: &Gate,
    actor: Actor,
    (company_id, id): (String, String),
) -> Result<EntryView, BooksError> {
    gate.read(move |conn, authz| journal::get(conn, authz, &actor, &company_id, &id))
        .await
}

/// Reverses a manual entry, dated `date` (today, or the entry's date if later, when absent).
pub async fn reverse_entry(
    gate: &Gate,
    actor: Actor,
    (company_id, id): (String, String),
    date: Option<NaiveDate>,
    override_closing_date: bool,
) -> Result<EntryView, BooksError> {
    gate.act(move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        journal::reverse(conn, authz, &actor, target, date, override_closing_date)
    })
    .await
}

pub async fn get_closing_date(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<ClosingDateView, BooksError> {
    gate.read(move |conn, authz| closing::get(conn, authz, &actor, &company_id))
        .await
}

/// Moves the closing date (`None` reopens every period) from the version the caller saw.
pub async fn set_closing_date(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    expected_version: i64,
    closing_date: Option<NaiveDate>,
) -> Result<Saved<ClosingDateView>, BooksError> {
    gate.act(move |conn, authz| {
        closing::set(
            conn,
            authz,
            &actor,
            &company_id,
            expected_version,
            closing_date,
        )
    })
    .await
}

/// A page of the writes made in the closed period with the override, oldest first.
pub async fn list_closing_exceptions(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    request: PageRequest,
) -> Result<Page<ExceptionView>, BooksError> {
    gate.read(move |conn, authz| closing::exceptions(conn, authz, &actor, &company_id, &request))
        .await
}
