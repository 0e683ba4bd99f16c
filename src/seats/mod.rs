//! The seat auditor: seats against the plan, shared credentials, the people behind each
//! login, and the cheapest honest plan.
//!
//! The signal modules (`timeline` to `audit`) are pure: plain data in, findings out.
//! `import` parses other apps' events, `store` reads and writes the tables (the large inputs a
//! page at a time, `time_pages`), `service` holds
//! the authorized operations, `demo` seeds the company of DESIGN.md and `table` prints findings
//! for the command line.

pub mod advice;
pub mod audit;
pub mod concurrency;
pub mod conflicts;
pub mod demo;
pub mod duty;
pub mod explain;
pub mod findings;
pub mod handover;
pub mod headcount;
pub mod import;
pub mod index;
pub mod plans;
pub mod records;
pub mod service;
pub mod settings;
pub mod spread;
pub mod store;
pub mod table;
pub mod time_pages;
pub mod timeline;
pub mod travel;

use crate::authz::Denial;
use crate::identity::IdentityError;
use crate::store::StoreError;
use records::FindingView;
use service::EnforcementView;
use settings::SeatAuditSettingsView;

#[derive(Debug, thiserror::Error)]
pub enum SeatsError {
    #[error("invalid `{field}`: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
    #[error("not found")]
    NotFound,
    #[error("the finding changed since version {expected}")]
    Conflict {
        expected: i64,
        current: Box<FindingView>,
    },
    #[error("the company settings changed since version {expected}")]
    SettingsConflict {
        expected: i64,
        current: EnforcementView,
    },
    #[error("the company settings changed since version {expected}")]
    SeatAuditSettingsConflict {
        expected: i64,
        current: SeatAuditSettingsView,
    },
    #[error("denied by policy")]
    Denied(Denial),
    #[error(transparent)]
    Identity(IdentityError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Identity's answers keep their meaning: a missing company is a missing resource here too.
impl From<IdentityError> for SeatsError {
    fn from(error: IdentityError) -> Self {
        match error {
            IdentityError::NotFound => Self::NotFound,
            IdentityError::Denied(denial) => Self::Denied(denial),
            IdentityError::Store(error) => Self::Store(error),
            other => Self::Identity(other),
        }
    }
}

crate::action_error!(SeatsError);
