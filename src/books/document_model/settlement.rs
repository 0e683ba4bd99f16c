//! What is paid and credited on a document, and the status that leads to.

use crate::authz::Actor;
use crate::books::BooksError;
use crate::store::DbConnection;

use super::kinds::{DocumentKind, DocumentRow, SettledTable};
use super::records::state_error;

/// The statuses a payable document reaches as it is settled.
pub mod settled {
    pub const PARTIALLY_PAID: &str = "partially_paid";
    pub const PAID: &str = "paid";
    /// Settled by credit notes alone.
    pub const CREDITED: &str = "credited";
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
