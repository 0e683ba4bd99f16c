//! The moves of the documents' status machines: send and void an invoice, approve a bill,
//! convert an estimate. Each is one write, from the version the caller named (or the current
//! one).

use crate::authz::{Actor, Authz, Gate};
use crate::books::bills::{self, BillView};
use crate::books::document_model::Move;
use crate::books::estimates::{self, Conversion};
use crate::books::invoices::{self, InvoiceView};
use crate::books::{BooksError, Saved};
use crate::store::DbConnection;

/// A move as the caller asks for it: the document, the version it starts from (the current
/// one when absent) and the closing-date override.
#[derive(Debug, Clone)]
pub struct Asked {
    pub company_id: String,
    pub id: String,
    pub expected_version: Option<i64>,
    pub override_closing_date: bool,
}

/// Sends a draft invoice: numbered and posted.
pub async fn send_invoice(
    gate: &Gate,
    actor: Actor,
    asked: Asked,
) -> Result<Saved<InvoiceView>, BooksError> {
    make(gate, actor, asked, invoices::send).await
}

/// Voids a sent invoice without payments or credit notes.
pub async fn void_invoice(
    gate: &Gate,
    actor: Actor,
    asked: Asked,
) -> Result<Saved<InvoiceView>, BooksError> {
    make(gate, actor, asked, invoices::void).await
}

/// Approves a draft bill and posts it.
pub async fn approve_bill(
    gate: &Gate,
    actor: Actor,
    asked: Asked,
) -> Result<Saved<BillView>, BooksError> {
    make(gate, actor, asked, bills::approve).await
}

/// Converts a draft estimate into a draft invoice with the same customer and lines.
pub async fn convert_estimate(
    gate: &Gate,
    actor: Actor,
    asked: Asked,
    conversion: Conversion,
) -> Result<Saved<InvoiceView>, BooksError> {
    make(gate, actor, asked, move |conn, authz, actor, moved| {
        estimates::convert(conn, authz, actor, moved, conversion)
    })
    .await
}

/// Makes the move `step` in one write.
async fn make<V, F>(
    gate: &Gate,
    actor: Actor,
    asked: Asked,
    step: F,
) -> Result<Saved<V>, BooksError>
where
    V: Send + 'static,
    F: Fn(&mut DbConnection, &Authz, &Actor, Move<'_>) -> Result<Saved<V>, BooksError>
        + Send
        + 'static,
{
    gate.act(move |conn, authz| {
        let moved = Move {
            target: (asked.company_id.as_str(), asked.id.as_str()),
            expected_version: asked.expected_version,
            override_closing_date: asked.override_closing_date,
            also_dated: None,
        };
        step(conn, authz, &actor, moved)
    })
    .await
}
