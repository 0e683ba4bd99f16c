//! Supplier bills: draft (editable) -> approved (posted 60x / 44566 / 401, immutable) ->
//! partially paid / paid by bill payments. Nobody approves or pays a bill they entered: the
//! segregation-of-duties policies decide it from the bill's `created_by`.

use serde::Serialize;

use super::chart::AccountClass;
use super::common::{counter, Saved};
use super::document_model::{
    self as model, document_table, zero, DocumentHead, DocumentKind, DocumentRow, Draft, Editable,
    Move, Payable, Step,
};
use super::lines::LineView;
use super::parties::PartyKind;
use super::postings;
use super::BooksError;
use crate::authz::{Action, Actor, Authz, ResourceKind};
use crate::store::DbConnection;

pub mod status {
    pub const DRAFT: &str = "draft";
    pub const APPROVED: &str = "approved";
    pub use crate::books::document_model::settled::{PAID, PARTIALLY_PAID};
}

/// The bill kind of document; a draft's link is the supplier's reference.
pub struct Bills;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BillView {
    /// Its status is draft, approved, partially_paid or paid.
    #[serde(flatten)]
    pub head: DocumentHead,
    pub vendor_id: String,
    /// The supplier's own number for the bill.
    pub reference: Option<String>,
    pub paid_cents: i64,
    pub open_cents: i64,
}

impl DocumentKind for Bills {
    type View = BillView;
    const RECORD: &'static str = "bill";
    const RESOURCE: ResourceKind = ResourceKind::Bill;
    const PARTY: PartyKind = PartyKind::Vendor;
    const PARTY_FIELD: &'static str = "vendor_id";
    const CLASS: AccountClass = AccountClass::Expense;
    const NUMBERING: Option<(&'static str, &'static str)> = Some(("A", counter::BILL));
    const FIRST_STATUS: &'static str = status::DRAFT;
    const VIEW: Action = Action::ViewBill;
    const CREATE: Action = Action::CreateBill;

    fn view(row: DocumentRow, lines: Vec<LineView>) -> BillView {
        BillView {
            vendor_id: row.party_id.clone(),
            reference: row.link.clone(),
            paid_cents: row.paid_cents,
            open_cents: row.open_cents(),
            head: DocumentHead::new(&row, lines),
        }
    }
}

impl Editable for Bills {
    const UPDATE: Action = Action::UpdateBill;
}

impl Payable for Bills {
    const PAYABLE: &'static [&'static str] = &[status::APPROVED, status::PARTIALLY_PAID];
    const UNPAYABLE: &'static str = "only an approved bill can be paid";
}

document_table!(Bills => bills {
    party: vendor_id,
    read: (bills::number.nullable(), bills::paid_cents, zero(), bills::reference),
    insert: |row: &DocumentRow| (
        bills::number.eq(row.number.clone().unwrap_or_default()),
        bills::paid_cents.eq(row.paid_cents),
        bills::reference.eq(row.link.clone()),
    ),
    rewrite: |_: &DocumentRow, draft: &Draft| bills::reference.eq(draft.link.clone()),
    settle: |(paid, _): (i64, i64)| bills::paid_cents.eq(paid),
});

const APPROVE: Step = Step {
    action: Action::ApproveBill,
    to: status::APPROVED,
    allowed: approvable,
};

fn approvable(row: &DocumentRow) -> Result<(), &'static str> {
    model::only_from(row, status::DRAFT, "only a draft can be approved")
}

/// Approves a draft bill and posts it.
pub fn approve(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    moved: Move<'_>,
) -> Result<Saved<BillView>, BooksError> {
    let (company_id, id) = moved.target;
    model::transition::<Bills, _>(conn, (authz, actor), (APPROVE, moved), |conn, row| {
        model::post::<Bills>(conn, actor, company_id, &row, postings::bill_approved)?;
        model::full_view::<Bills>(conn, company_id, id)
    })
}
