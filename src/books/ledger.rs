//! The ledger: numbered, balanced journal entries written once and never changed, the chart
//! they post to, and the lines reports read.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::chart::{Account, AccountClass, Chart};
use super::common::{counter, next_number};
use super::money::Cents;
use super::postings::{EntryDraft, PostingLine, SourceKind, SourceRef};
use super::reports::LedgerLine;
use super::BooksError;
use crate::authz::Actor;
use crate::store::schema::{accounts, journal_entries, journal_lines};
use crate::store::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = journal_entries)]
pub struct EntryRow {
    pub id: String,
    pub company_id: String,
    pub number: i64,
    pub date: NaiveDate,
    pub memo: String,
    pub source_kind: String,
    pub source_id: String,
    pub total_cents: i64,
    pub posted_by: String,
    pub posted_by_session: Option<String>,
    pub posted_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = journal_lines)]
pub struct EntryLineRow {
    pub entry_id: String,
    pub position: i64,
    pub account_number: String,
    pub debit_cents: i64,
    pub credit_cents: i64,
    pub party_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryLineView {
    pub account_number: String,
    pub debit_cents: i64,
    pub credit_cents: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party_id: Option<String>,
}

/// A posted journal entry as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: String,
    pub number: i64,
    pub date: NaiveDate,
    pub memo: String,
    /// invoice, invoice_void, payment, bill, bill_payment, journal_entry, reversal or
    /// credit_note.
    pub source_kind: String,
    pub source_id: String,
    pub total_cents: i64,
    pub posted_by: String,
    pub posted_at: String,
    pub lines: Vec<EntryLineView>,
}

pub fn source_kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Invoice => "invoice",
        SourceKind::InvoiceVoid => "invoice_void",
        SourceKind::Payment => "payment",
        SourceKind::Bill => "bill",
        SourceKind::BillPayment => "bill_payment",
        SourceKind::JournalEntry => "journal_entry",
        SourceKind::Reversal => "reversal",
        SourceKind::CreditNote => "credit_note",
    }
}

fn parse_source_kind(name: &str) -> Option<SourceKind> {
    [
        SourceKind::Invoice,
        SourceKind::InvoiceVoid,
        SourceKind::Payment,
        SourceKind::Bill,
        SourceKind::BillPayment,
        SourceKind::JournalEntry,
        SourceKind::Reversal,
        SourceKind::CreditNote,
    ]
    .into_iter()
    .find(|kind| source_kind_name(*kind) == name)
}

pub fn class_name(class: AccountClass) -> &'static str {
    match class {
        AccountClass::Asset => "asset",
        AccountClass::Liability => "liability",
        AccountClass::Equity => "equity",
        AccountClass::Income => "income",
        AccountClass::Expense => "expense",
    }
}

pub fn parse_class(name: &str) -> Option<AccountClass> {
    [
        AccountClass::Asset,
        AccountClass::Liability,
        AccountClass::Equity,
        AccountClass::Income,
        AccountClass::Expense,
    ]
    .into_iter()
    .find(|class| class_name(*class) == name)
}

/// The company's chart of accounts, as stored.
pub fn load_chart(conn: &mut DbConnection, company_id: &str) -> Result<Chart, BooksError> {
    let rows: Vec<(String, String, String, String)> = accounts::table
        .filter(accounts::company_id.eq(company_id))
        .select((
            accounts::number,
            accounts::name_fr,
            accounts::name_en,
            accounts::class,
        ))
        .load(conn)?;
    let accounts = rows
        .into_iter()
        .map(|(number, name_fr, name_en, class)| {
            Account::new(&number, &name_fr, &name_en, parse_class(&class))
                .map_err(|e| BooksError::Ledger(format!("stored account: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Chart::from_accounts(accounts).map_err(|e| BooksError::Ledger(e.to_string()))
}

/// Writes a balanced entry with the company's next number. Checked once more here, whatever
/// built the draft: the ledger never receives an unbalanced entry.
pub fn post(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    entry_id: &str,
    draft: &EntryDraft,
) -> Result<EntryRow, BooksError> {
    let debit_cents: i64 = draft.lines().iter().map(|l| l.debit_cents.get()).sum();
    let credit_cents: i64 = draft.lines().iter().map(|l| l.credit_cents.get()).sum();
    // An error, not a panic: a panic would leave the pooled connection inside its transaction.
    debug_assert_eq!(
        debit_cents, credit_cents,
        "an unbalanced entry reached the ledger"
    );
    if debit_cents != credit_cents || debit_cents <= 0 {
        return Err(BooksError::Ledger(format!(
            "entry debits {debit_cents} and credits {credit_cents} differ"
        )));
    }
    let number = next_number(conn, company_id, counter::JOURNAL_ENTRY)?;
    let entry = EntryRow {
        id: entry_id.to_owned(),
        company_id: company_id.to_owned(),
        number,
        date: draft.date(),
        memo: draft.memo().to_owned(),
        source_kind: source_kind_name(draft.source().kind).to_owned(),
        source_id: draft.source().id.clone(),
        total_cents: draft.total_cents().get(),
        posted_by: actor.user_id.clone(),
        posted_by_session: actor.session_id.clone(),
        posted_at: crate::clock::now(),
    };
    diesel::insert_into(journal_entries::table)
        .values(&entry)
        .execute(conn)?;
    insert_lines(conn, &entry, draft.lines())?;
    Ok(entry)
}

fn insert_lines(
    conn: &mut DbConnection,
    entry: &EntryRow,
    lines: &[PostingLine],
) -> Result<(), BooksError> {
    let rows: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            (
                journal_lines::company_id.eq(&entry.company_id),
                journal_lines::entry_id.eq(&entry.id),
                journal_lines::entry_number.eq(entry.number),
                journal_lines::date.eq(entry.date),
                journal_lines::position.eq(position as i64),
                journal_lines::account_number.eq(&line.account_number),
                journal_lines::debit_cents.eq(line.debit_cents.get()),
                journal_lines::credit_cents.eq(line.credit_cents.get()),
                journal_lines::party_id.eq(&line.party_id),
            )
        })
        .collect();
    // Multi-row inserts do not compile through the MultiConnection enum: one per backend.
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(journal_lines::table)
            .values(&rows)
            .execute(c)?,
        DbConnection::Postgres(c) => diesel::insert_into(journal_lines::table)
            .values(&rows)
            .execute(c)?,
    };
    Ok(())
}

pub fn find_entry(
    conn: &mut DbConnection,
    company_id: &str,
    entry_id: &str,
) -> Result<EntryRow, BooksError> {
    journal_entries::table
        .filter(journal_entries::id.eq(entry_id))
        .filter(journal_entries::company_id.eq(company_id))
        .select(EntryRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)
}

/// The entry a document event wrote, if it was written.
pub fn entry_for_source(
    conn: &mut DbConnection,
    company_id: &str,
    kind: SourceKind,
    source_id: &str,
) -> Result<Option<EntryRow>, BooksError> {
    Ok(journal_entries::table
        .filter(journal_entries::company_id.eq(company_id))
        .filter(journal_entries::source_kind.eq(source_kind_name(kind)))
        .filter(journal_entries::source_id.eq(source_id))
        .select(EntryRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn entry_lines(
    conn: &mut DbConnection,
    entry_ids: &[String],
) -> Result<HashMap<String, Vec<EntryLineRow>>, BooksError> {
    let rows: Vec<EntryLineRow> = journal_lines::table
        .filter(journal_lines::entry_id.eq_any(entry_ids))
        .order((journal_lines::entry_id, journal_lines::position))
        .select(EntryLineRow::as_select())
        .load(conn)?;
    let mut by_entry: HashMap<String, Vec<EntryLineRow>> = HashMap::new();
    for row in rows {
        by_entry.entry(row.entry_id.clone()).or_default().push(row);
    }
    Ok(by_entry)
}

/// A stored entry rebuilt as a draft (and checked again), to reverse it.
pub fn stored_draft(conn: &mut DbConnection, entry: &EntryRow) -> Result<EntryDraft, BooksError> {
    let lines = entry_lines(conn, std::slice::from_ref(&entry.id))?
        .remove(&entry.id)
        .unwrap_or_default()
        .into_iter()
        .map(|line| PostingLine {
            account_number: line.account_number,
            debit_cents: Cents::new(line.debit_cents),
            credit_cents: Cents::new(line.credit_cents),
            party_id: line.party_id,
        })
        .collect();
    let kind = parse_source_kind(&entry.source_kind)
        .ok_or_else(|| BooksError::Ledger(format!("entry {} has no known source", entry.id)))?;
    let source = SourceRef {
        kind,
        id: entry.source_id.clone(),
    };
    EntryDraft::new(entry.date, entry.memo.clone(), source, lines)
        .map_err(|e| BooksError::Ledger(format!("stored entry {}: {e}", entry.number)))
}

pub fn entry_view(entry: EntryRow, lines: Vec<EntryLineRow>) -> EntryView {
    EntryView {
        id: entry.id,
        number: entry.number,
        date: entry.date,
        memo: entry.memo,
        source_kind: entry.source_kind,
        source_id: entry.source_id,
        total_cents: entry.total_cents,
        posted_by: entry.posted_by,
        posted_at: crate::clock::rfc3339(entry.posted_at),
        lines: lines
            .into_iter()
            .map(|line| EntryLineView {
                account_number: line.account_number,
                debit_cents: line.debit_cents,
                credit_cents: line.credit_cents,
                party_id: line.party_id,
            })
            .collect(),
    }
}

/// Every ledger line of the company dated up to `through`, with its account's class.
pub fn ledger_lines(
    conn: &mut DbConnection,
    company_id: &str,
    through: NaiveDate,
) -> Result<Vec<LedgerLine>, BooksError> {
    let classes: HashMap<String, String> = accounts::table
        .filter(accounts::company_id.eq(company_id))
        .select((accounts::number, accounts::class))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let rows: Vec<(i64, NaiveDate, String, i64, i64)> = journal_lines::table
        .filter(journal_lines::company_id.eq(company_id))
        .filter(journal_lines::date.le(through))
        .select((
            journal_lines::entry_number,
            journal_lines::date,
            journal_lines::account_number,
            journal_lines::debit_cents,
            journal_lines::credit_cents,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(number, date, account_number, debit, credit)| {
            let class = classes
                .get(&account_number)
                .and_then(|name| parse_class(name))
                .ok_or_else(|| {
                    BooksError::Ledger(format!("account {account_number} has no class"))
                })?;
            Ok(LedgerLine {
                entry_number: u64::try_from(number).unwrap_or_default(),
                date,
                account_number,
                class,
                debit_cents: Cents::new(debit),
                credit_cents: Cents::new(credit),
            })
        })
        .collect()
}
