//! What every resource of the books shares: authorization with the closing-date override,
//! optimistic versions and self-conflicts, idempotent creates, counters and pages.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::errors::BooksError;
use super::postings::PostingError;
use crate::authz::{self, Action, Actor, Authz, Options, Resource};
pub use crate::paging::{Page, PageRequest};
use crate::store::schema::{
    book_counters, closing_date_exceptions, idempotency_keys, self_conflicts,
};
use crate::store::{is_unique_violation, DbConnection};

/// Longest free text kept on a record (names, memos, descriptions).
pub const MAX_TEXT_CHARS: usize = 500;

/// Decides a non-dated action; a denial becomes `BooksError::Denied`.
pub fn authorize(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    action: Action,
    resource: &Resource,
) -> Result<(), BooksError> {
    authz.authorize(conn, actor, action, resource, Options::default())?;
    Ok(())
}

/// Decides a dated write. When the caller gave the closing-date override and the record is in
/// the closed period, the allowed action is an exception to the closed books: it is recorded.
pub fn authorize_dated(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    action: Action,
    resource: &Resource,
    override_closing_date: bool,
) -> Result<(), BooksError> {
    let options = Options {
        override_closing_date,
        ..Options::default()
    };
    authz.authorize(conn, actor, action, resource, options)?;
    if !override_closing_date {
        return Ok(());
    }
    let (Some(record_date), Some(closing_date)) = (
        resource.date,
        authz::load_company_rules(conn, &resource.company_id)?.closing_date,
    ) else {
        return Ok(());
    };
    if record_date <= closing_date {
        diesel::insert_into(closing_date_exceptions::table)
            .values((
                closing_date_exceptions::id.eq(uuid::Uuid::now_v7().to_string()),
                closing_date_exceptions::company_id.eq(&resource.company_id),
                closing_date_exceptions::user_id.eq(&actor.user_id),
                closing_date_exceptions::session_id.eq(&actor.session_id),
                closing_date_exceptions::action.eq(action.name()),
                closing_date_exceptions::record_type.eq(resource.kind.type_name()),
                closing_date_exceptions::record_id.eq(&resource.id),
                closing_date_exceptions::record_date.eq(record_date),
                closing_date_exceptions::closing_date.eq(closing_date),
                closing_date_exceptions::occurred_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Who last wrote a record, as stored on it.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub updated_by: String,
    pub updated_by_session: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// A save refused because the record changed since the version the caller started from.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub record_type: &'static str,
    pub expected_version: i64,
    pub current: Value,
    pub changed_by: String,
    pub changed_at: NaiveDateTime,
}

/// The outcome of a versioned change. A stale version is a value, not an error, so that the
/// transaction commits what it learned: the decision and any self-conflict.
#[derive(Debug)]
pub enum Saved<T> {
    Done(T),
    Stale(Box<Conflict>),
}

/// Builds the conflict answer; when the other writer was this user from another session, the
/// stale save is evidence of a shared login and is recorded as a self-conflict.
pub fn stale<T: Serialize, U>(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    (record_type, record_id): (&'static str, &str),
    expected_version: i64,
    current: &T,
    stamp: &Stamp,
) -> Result<Saved<U>, BooksError> {
    let other_session = match (&stamp.updated_by_session, &actor.session_id) {
        (Some(winner), Some(loser)) if winner != loser => Some((winner, loser)),
        _ => None,
    };
    if let Some((winner, loser)) = other_session.filter(|_| stamp.updated_by == actor.user_id) {
        diesel::insert_into(self_conflicts::table)
            .values((
                self_conflicts::id.eq(uuid::Uuid::now_v7().to_string()),
                self_conflicts::company_id.eq(company_id),
                self_conflicts::user_id.eq(&actor.user_id),
                self_conflicts::record_type.eq(record_type),
                self_conflicts::record_id.eq(record_id),
                self_conflicts::losing_session_id.eq(loser),
                self_conflicts::winning_session_id.eq(winner),
                self_conflicts::occurred_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
    }
    let current = serde_json::to_value(current)
        .map_err(|e| BooksError::Ledger(format!("cannot show the current {record_type}: {e}")))?;
    Ok(Saved::Stale(Box::new(Conflict {
        record_type,
        expected_version,
        current,
        changed_by: stamp.updated_by.clone(),
        changed_at: stamp.updated_at,
    })))
}

/// The client's `Idempotency-Key` on a create, with a digest of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: String,
}

/// A create's answer: the new record, or the first answer to the same key and request.
#[derive(Debug)]
pub enum Created<T> {
    New(T),
    Replayed(Value),
}

/// The first answer stored for this key; `IdempotencyKeyReused` when it came with another
/// request.
pub fn replayed(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    key: Option<&IdempotencyKey>,
) -> Result<Option<Value>, BooksError> {
    let Some(key) = key else { return Ok(None) };
    let stored: Option<(String, String)> = idempotency_keys::table
        .find((company_id, &actor.user_id, &key.key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::response_body,
        ))
        .get_result(conn)
        .optional()?;
    match stored {
        None => Ok(None),
        Some((hash, _)) if hash != key.request_hash => Err(BooksError::IdempotencyKeyReused),
        Some((_, body)) => serde_json::from_str(&body)
            .map(Some)
            .map_err(|e| BooksError::Ledger(format!("stored answer is not JSON: {e}"))),
    }
}

/// Stores the answer of a create made with a key, in the transaction that created it.
pub fn remember<T: Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    key: Option<&IdempotencyKey>,
    view: &T,
) -> Result<(), BooksError> {
    if let Some(key) = key {
        let body = serde_json::to_string(view)
            .map_err(|e| BooksError::Ledger(format!("cannot store the answer: {e}")))?;
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::company_id.eq(company_id),
                idempotency_keys::user_id.eq(&actor.user_id),
                idempotency_keys::idempotency_key.eq(&key.key),
                idempotency_keys::request_hash.eq(&key.request_hash),
                idempotency_keys::status_code.eq(201_i64),
                idempotency_keys::response_body.eq(body),
                idempotency_keys::created_at.eq(crate::clock::now()),
            ))
            .execute(conn)
            .map_err(|error| {
                if is_unique_violation(&error) {
                    BooksError::IdempotencyKeyInFlight
                } else {
                    error.into()
                }
            })?;
    }
    Ok(())
}

/// Counters a company's books number things with.
pub mod counter {
    pub const JOURNAL_ENTRY: &str = "journal_entry";
    pub const INVOICE: &str = "invoice";
    pub const ESTIMATE: &str = "estimate";
    pub const BILL: &str = "bill";
    pub const CREDIT_NOTE: &str = "credit_note";
    pub const ALL: [&str; 5] = [JOURNAL_ENTRY, INVOICE, ESTIMATE, BILL, CREDIT_NOTE];
}

/// The next number of a company counter. The row stays locked until the transaction ends, so
/// numbers are handed out in commit order and a rollback gives the number back: no gaps.
pub fn next_number(
    conn: &mut DbConnection,
    company_id: &str,
    name: &str,
) -> Result<i64, BooksError> {
    diesel::update(book_counters::table.find((company_id, name)))
        .set(book_counters::value.eq(book_counters::value + 1))
        .returning(book_counters::value)
        .get_result(conn)
        .optional()?
        .ok_or_else(|| BooksError::Ledger(format!("the `{name}` counter is missing")))
}

/// Starts a company's counters at zero; part of seeding its books.
pub fn start_counters(conn: &mut DbConnection, company_id: &str) -> QueryResult<()> {
    for name in counter::ALL {
        diesel::insert_into(book_counters::table)
            .values((
                book_counters::company_id.eq(company_id),
                book_counters::name.eq(name),
                book_counters::value.eq(0_i64),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Cuts rows fetched with `PageRequest::fetch` into a page; the next page's cursor is the
/// sort key (an id, or an account number) of its last row.
pub fn page<R, T>(
    rows: Vec<R>,
    request: &PageRequest,
    key_of: impl Fn(&R) -> String,
    view: impl FnMut(R) -> T,
) -> Page<T> {
    Page::cut(rows, request.limit, |row| vec![key_of(row)], view)
}

/// A trimmed, bounded free text; `field` names it in the error.
pub fn checked_text(field: &str, text: &str, required: bool) -> Result<String, BooksError> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(BooksError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(BooksError::invalid(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if crate::text::has_control_characters(text) {
        return Err(BooksError::invalid(field, crate::text::CONTROL_CHARACTERS));
    }
    Ok(text.to_owned())
}

/// A posting builder's refusal, as the field of the request it is about.
pub fn posting_problem(error: PostingError) -> BooksError {
    use PostingError as E;
    let message = error.to_string();
    match error {
        E::UnknownAccount { index, .. } | E::WrongAccountClass { index, .. } => {
            BooksError::invalid(format!("lines[{index}].account_number"), message)
        }
        E::LineNotOneSided { index } | E::AmountTooLarge { index } => {
            BooksError::invalid(format!("lines[{index}]"), message)
        }
        E::TooFewLines { .. }
        | E::TooManyLines { .. }
        | E::TotalTooLarge
        | E::Unbalanced { .. }
        | E::NothingToPost => BooksError::invalid("lines", message),
        E::MemoTooLong | E::MemoControlCharacters => BooksError::invalid("memo", message),
        E::NotATreasuryAccount { .. } => BooksError::invalid("account_number", message),
        E::InvalidAmount => BooksError::invalid("amount_cents", message),
        E::WrongSource { .. } => BooksError::InvalidState {
            record: "journal entry",
            state: "written for a document".to_owned(),
            problem: "undo it through its document (void the invoice) instead",
        },
        E::MissingAccount { .. } => BooksError::Ledger(message),
    }
}
