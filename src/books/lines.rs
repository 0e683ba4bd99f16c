//! Stored lines of estimates, invoices and bills, and the totals a document header keeps.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use super::chart::AccountClass;
use super::common::page;
use super::documents::{price_document, LineInput, PricedDocument};
use super::ledger::load_chart;
use super::{BooksError, Page, PageRequest};
use crate::store::schema::document_lines;
use crate::store::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = document_lines)]
pub struct LineRow {
    pub document_id: String,
    pub position: i64,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_cents: i64,
    pub vat_rate_bp: i64,
    pub account_number: Option<String>,
    pub subtotal_cents: i64,
}

/// A line as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub description: String,
    /// Exact to the thousandth.
    #[schema(value_type = f64)]
    pub quantity: serde_json::Number,
    pub unit_price_cents: i64,
    pub vat_rate_bp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    pub subtotal_cents: i64,
}

impl From<LineRow> for LineView {
    fn from(row: LineRow) -> Self {
        let quantity = if row.quantity_milli % 1000 == 0 {
            serde_json::Number::from(row.quantity_milli / 1000)
        } else {
            serde_json::Number::from_f64(row.quantity_milli as f64 / 1000.0)
                .unwrap_or_else(|| serde_json::Number::from(0))
        };
        Self {
            description: row.description,
            quantity,
            unit_price_cents: row.unit_price_cents,
            vat_rate_bp: row.vat_rate_bp,
            account_number: row.account_number,
            subtotal_cents: row.subtotal_cents,
        }
    }
}

/// A priced document's lines as the rows that store them, in order.
pub fn line_rows(document_id: &str, priced: &PricedDocument) -> Vec<LineRow> {
    priced
        .lines()
        .iter()
        .enumerate()
        .map(|(position, line)| LineRow {
            document_id: document_id.to_owned(),
            position: position as i64,
            description: line.description.clone(),
            quantity_milli: line.quantity.milli(),
            unit_price_cents: line.unit_price_cents.get(),
            vat_rate_bp: i64::from(line.vat_rate_bp),
            account_number: line.account_number.clone(),
            subtotal_cents: line.subtotal_cents.get(),
        })
        .collect()
}

/// Writes a new document's lines; returns them as the API shows them, so the caller need not
/// read back what it just wrote.
pub fn insert_lines(
    conn: &mut DbConnection,
    company_id: &str,
    document_id: &str,
    priced: &PricedDocument,
) -> Result<Vec<LineView>, BooksError> {
    let rows = line_rows(document_id, priced);
    let values: Vec<_> = rows
        .iter()
        .map(|row| {
            (
                document_lines::company_id.eq(company_id),
                document_lines::document_id.eq(&row.document_id),
                document_lines::position.eq(row.position),
                document_lines::description.eq(&row.description),
                document_lines::quantity_milli.eq(row.quantity_milli),
                document_lines::unit_price_cents.eq(row.unit_price_cents),
                document_lines::vat_rate_bp.eq(row.vat_rate_bp),
                document_lines::account_number.eq(&row.account_number),
                document_lines::subtotal_cents.eq(row.subtotal_cents),
            )
        })
        .collect();
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(document_lines::table)
            .values(&values)
            .execute(c)?,
        DbConnection::Postgres(c) => diesel::insert_into(document_lines::table)
            .values(&values)
            .execute(c)?,
    };
    Ok(line_views(Some(rows)))
}

/// Replaces a changed document's lines.
pub fn replace_lines(
    conn: &mut DbConnection,
    company_id: &str,
    document_id: &str,
    priced: &PricedDocument,
) -> Result<(), BooksError> {
    diesel::delete(document_lines::table.filter(document_lines::document_id.eq(document_id)))
        .execute(conn)?;
    insert_lines(conn, company_id, document_id, priced)?;
    Ok(())
}

/// The lines of several documents, in order, by document id.
pub fn load_lines(
    conn: &mut DbConnection,
    document_ids: &[String],
) -> Result<HashMap<String, Vec<LineRow>>, BooksError> {
    let rows: Vec<LineRow> = document_lines::table
        .filter(document_lines::document_id.eq_any(document_ids))
        .order((document_lines::document_id, document_lines::position))
        .select(LineRow::as_select())
        .load(conn)?;
    let mut by_document: HashMap<String, Vec<LineRow>> = HashMap::new();
    for row in rows {
        by_document
            .entry(row.document_id.clone())
            .or_default()
            .push(row);
    }
    Ok(by_document)
}

/// A page of documents (rows fetched with `PageRequest::fetch`), each shown with its lines,
/// read in one query.
pub fn page_with_lines<R, V>(
    conn: &mut DbConnection,
    rows: Vec<R>,
    request: &PageRequest,
    id_of: impl Fn(&R) -> &str,
    view: impl Fn(R, Vec<LineView>) -> V,
) -> Result<Page<V>, BooksError> {
    let ids: Vec<String> = rows.iter().map(|row| id_of(row).to_owned()).collect();
    let mut lines = load_lines(conn, &ids)?;
    Ok(page(
        rows,
        request,
        |row| id_of(row).to_owned(),
        |row| {
            let row_lines = line_views(lines.remove(id_of(&row)));
            view(row, row_lines)
        },
    ))
}

/// A stored document priced again from its lines, to post it or copy it.
pub fn reprice(rows: &[LineRow]) -> Result<PricedDocument, BooksError> {
    price_document(&as_inputs(rows))
        .map_err(|e| BooksError::Ledger(format!("stored lines no longer price: {e}")))
}

pub fn as_inputs(rows: &[LineRow]) -> Vec<LineInput> {
    rows.iter()
        .map(|row| LineInput {
            description: row.description.clone(),
            quantity: row.quantity_milli as f64 / 1000.0,
            unit_price_cents: row.unit_price_cents,
            vat_rate_bp: row.vat_rate_bp,
            account_number: row.account_number.clone(),
        })
        .collect()
}

/// Refuses a document that could not be posted: nothing to post, or a line naming an account
/// missing from the chart or of the wrong class. Checked when the document is written, so that
/// sending or approving it later cannot fail on its lines.
pub fn check_postable(
    conn: &mut DbConnection,
    company_id: &str,
    priced: &PricedDocument,
    class: AccountClass,
) -> Result<(), BooksError> {
    if !priced.total_cents().is_positive() {
        return Err(BooksError::invalid(
            "lines",
            "the document total must be greater than zero",
        ));
    }
    if priced.lines().iter().all(|l| l.account_number.is_none()) {
        return Ok(());
    }
    let chart = load_chart(conn, company_id)?;
    for (index, line) in priced.lines().iter().enumerate() {
        let Some(number) = &line.account_number else {
            continue;
        };
        let field = format!("lines[{index}].account_number");
        match chart.get(number) {
            None => {
                return Err(BooksError::invalid(
                    field,
                    "is not in the chart of accounts",
                ))
            }
            Some(account) if account.class() != class => {
                return Err(BooksError::invalid(
                    field,
                    format!("must be an account of class {class}"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// An estimate, invoice or bill as the client sends it, parsed and priced.
#[derive(Debug, Clone)]
pub struct DocumentInput {
    /// The customer (estimates, invoices) or vendor (bills).
    pub party_id: String,
    pub date: chrono::NaiveDate,
    pub due_date: chrono::NaiveDate,
    pub priced: PricedDocument,
}

/// Lines and totals of a stored document, as the API shows them.
pub fn line_views(rows: Option<Vec<LineRow>>) -> Vec<LineView> {
    rows.unwrap_or_default()
        .into_iter()
        .map(LineView::from)
        .collect()
}
