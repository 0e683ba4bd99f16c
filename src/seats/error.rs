//! The seat auditor's one error, as both faces map it.

use super::records::FindingView;
use super::setting_views::{EnforcementView, SeatAuditSettingsView};
use crate::authz::Denial;
use crate::identity::IdentityError;
use crate::store::StoreError;

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
