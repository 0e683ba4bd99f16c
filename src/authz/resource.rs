//! What an action is about: the resource's type, id and the attributes the rules read.

use chrono::NaiveDate;

/// Entity types of the schema that can be a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Customer,
    Vendor,
    Account,
    Estimate,
    Invoice,
    Payment,
    Bill,
    BillPayment,
    JournalEntry,
    Report,
    Timesheet,
    Session,
    PolicySet,
    Finding,
    Settings,
    AuditData,
    User,
    CreditNote,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 18] = [
        Self::Customer,
        Self::Vendor,
        Self::Account,
        Self::Estimate,
        Self::Invoice,
        Self::Payment,
        Self::Bill,
        Self::BillPayment,
        Self::JournalEntry,
        Self::Report,
        Self::Timesheet,
        Self::Session,
        Self::PolicySet,
        Self::Finding,
        Self::Settings,
        Self::AuditData,
        Self::User,
        Self::CreditNote,
    ];

    /// The entity type name in the schema, without the namespace.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Customer => "Customer",
            Self::Vendor => "Vendor",
            Self::Account => "Account",
            Self::Estimate => "Estimate",
            Self::Invoice => "Invoice",
            Self::Payment => "Payment",
            Self::Bill => "Bill",
            Self::BillPayment => "BillPayment",
            Self::JournalEntry => "JournalEntry",
            Self::Report => "Report",
            Self::Timesheet => "Timesheet",
            Self::Session => "Session",
            Self::PolicySet => "PolicySet",
            Self::Finding => "Finding",
            Self::Settings => "Settings",
            Self::AuditData => "AuditData",
            Self::User => "User",
            Self::CreditNote => "CreditNote",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.type_name() == name)
    }
}

/// A resource as the policies see it. Optional attributes are left out of the entity when
/// absent, as the schema declares them optional.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub kind: ResourceKind,
    pub id: String,
    pub company_id: String,
    pub created_by: Option<String>,
    pub posted_by: Option<String>,
    pub bill_created_by: Option<String>,
    pub owner: Option<String>,
    /// The owner's role, when a rule reads it (sessions of the primary admin).
    pub owner_role: Option<String>,
    pub date: Option<NaiveDate>,
    pub amount_cents: Option<i64>,
    /// Reports: which report. Users: their role.
    pub label: Option<String>,
    /// Users as resources: whether the account is active.
    pub active: Option<bool>,
}

impl Resource {
    pub fn new(kind: ResourceKind, id: impl Into<String>, company_id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
            company_id: company_id.into(),
            created_by: None,
            posted_by: None,
            bill_created_by: None,
            owner: None,
            owner_role: None,
            date: None,
            amount_cents: None,
            label: None,
            active: None,
        }
    }

    /// A company-wide resource (settings, seats, decision log, policies).
    pub fn company_wide(kind: ResourceKind, company_id: &str) -> Self {
        Self::new(kind, company_id, company_id)
    }

    pub fn created_by(mut self, user_id: impl Into<String>) -> Self {
        self.created_by = Some(user_id.into());
        self
    }

    pub fn posted_by(mut self, user_id: impl Into<String>) -> Self {
        self.posted_by = Some(user_id.into());
        self
    }

    pub fn bill_created_by(mut self, user_id: impl Into<String>) -> Self {
        self.bill_created_by = Some(user_id.into());
        self
    }

    pub fn owned_by(mut self, user_id: impl Into<String>) -> Self {
        self.owner = Some(user_id.into());
        self
    }

    pub fn owner_role(mut self, role: impl Into<String>) -> Self {
        self.owner_role = Some(role.into());
        self
    }

    pub fn dated(mut self, date: NaiveDate) -> Self {
        self.date = Some(date);
        self
    }

    pub fn amount(mut self, cents: i64) -> Self {
        self.amount_cents = Some(cents);
        self
    }

    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// A user as the resource of a user-management action.
    pub fn user(id: &str, company_id: &str, role: &str, active: bool) -> Self {
        let mut resource = Self::new(ResourceKind::User, id, company_id).labelled(role);
        resource.active = Some(active);
        resource
    }
}
