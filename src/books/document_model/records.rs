//! A kind's documents read, listed, created and edited: authorized first, optimistic
//! versions, priced lines.

use chrono::NaiveDate;

use crate::authz::{Actor, Authz, Resource};
use crate::books::common::{
    authorize, authorize_dated, next_number, remember, replayed, stale, Created, IdempotencyKey,
    Page, PageRequest, Saved,
};
use crate::books::lines::{
    check_postable, insert_lines, line_views, load_lines, page_with_lines, replace_lines,
    DocumentInput,
};
use crate::books::parties;
use crate::books::BooksError;
use crate::store::DbConnection;

use super::kinds::{DocumentKind, DocumentRow, Draft, Editable};

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
