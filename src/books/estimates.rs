//! Estimates (quotes): draft (editable) -> converted into a draft invoice with the same lines.
//! An estimate posts nothing: it is a promise, not a sale.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::chart::AccountClass;
use super::common::{counter, Saved};
use super::document_model::{
    self as model, document_table, zero, DocumentHead, DocumentKind, DocumentRow, Draft, Editable,
    Move, Step,
};
use super::invoices::{InvoiceView, Invoices};
use super::lines::{load_lines, reprice, DocumentInput, LineView};
use super::parties::PartyKind;
use super::BooksError;
use crate::authz::{Action, Actor, Authz, ResourceKind};
use crate::store::schema::estimates;
use crate::store::DbConnection;

pub mod status {
    pub const DRAFT: &str = "draft";
    pub const CONVERTED: &str = "converted";
}

/// The estimate kind of document.
pub struct Estimates;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EstimateView {
    /// Its status is draft or converted; its due date is the last day the quote holds.
    #[serde(flatten)]
    pub head: DocumentHead,
    pub customer_id: String,
    /// The invoice it became.
    pub invoice_id: Option<String>,
}

impl DocumentKind for Estimates {
    type View = EstimateView;
    const RECORD: &'static str = "estimate";
    const RESOURCE: ResourceKind = ResourceKind::Estimate;
    const PARTY: PartyKind = PartyKind::Customer;
    const PARTY_FIELD: &'static str = "customer_id";
    const CLASS: AccountClass = AccountClass::Income;
    const NUMBERING: Option<(&'static str, &'static str)> = Some(("D", counter::ESTIMATE));
    const FIRST_STATUS: &'static str = status::DRAFT;
    const VIEW: Action = Action::ViewEstimate;
    const CREATE: Action = Action::CreateEstimate;

    fn view(row: DocumentRow, lines: Vec<LineView>) -> EstimateView {
        EstimateView {
            customer_id: row.party_id.clone(),
            invoice_id: row.link.clone(),
            head: DocumentHead::new(&row, lines),
        }
    }
}

impl Editable for Estimates {
    const UPDATE: Action = Action::UpdateEstimate;
}

document_table!(Estimates => estimates {
    party: customer_id,
    read: (estimates::number.nullable(), zero(), zero(), estimates::invoice_id),
    insert: |row: &DocumentRow| estimates::number.eq(row.number.clone().unwrap_or_default()),
    rewrite: |row: &DocumentRow, _: &Draft| estimates::invoice_id.eq(row.link.clone()),
});

const CONVERT: Step = Step {
    action: Action::ConvertEstimate,
    to: status::CONVERTED,
    allowed: convertible,
};

fn convertible(row: &DocumentRow) -> Result<(), &'static str> {
    model::only_from(row, status::DRAFT, "only a draft can be converted")
}

/// What converting an estimate gives the new invoice: its dates.
#[derive(Debug, Clone, Copy)]
pub struct Conversion {
    pub date: NaiveDate,
    pub due_date: NaiveDate,
}

/// Converts a draft estimate into a draft invoice with the same customer and lines.
pub fn convert(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    moved: Move<'_>,
    conversion: Conversion,
) -> Result<Saved<InvoiceView>, BooksError> {
    let (company_id, id) = moved.target;
    let moved = Move {
        also_dated: Some(conversion.date),
        ..moved
    };
    model::transition::<Estimates, _>(conn, (authz, actor), (CONVERT, moved), |conn, row| {
        let invoice_id = uuid::Uuid::now_v7().to_string();
        diesel::update(estimates::table.find(id))
            .set(estimates::invoice_id.eq(Some(&invoice_id)))
            .execute(conn)?;
        let stored = load_lines(conn, std::slice::from_ref(&row.id))?;
        let document = DocumentInput {
            party_id: row.party_id.clone(),
            date: conversion.date,
            due_date: conversion.due_date,
            priced: reprice(stored.get(id).map(Vec::as_slice).unwrap_or_default())?,
        };
        let draft = Draft {
            document,
            link: Some(id.to_owned()),
        };
        model::insert::<Invoices>(conn, actor, (company_id, &invoice_id), &draft)
    })
}
