//! The alerts' one error, as both faces map it.

use super::settings_view::AlertSettingsView;
use crate::authz::Denial;
use crate::identity::IdentityError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    #[error("invalid `{field}`: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
    #[error("not found")]
    NotFound,
    #[error("the alert settings changed since version {expected}")]
    Conflict {
        expected: i64,
        current: Box<AlertSettingsView>,
    },
    #[error("denied by policy")]
    Denied(Denial),
    #[error("mail settings: {0}")]
    Mailer(String),
    #[error("scheduler: {0}")]
    Scheduler(#[from] tokio_cron_scheduler::JobSchedulerError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<IdentityError> for AlertsError {
    fn from(error: IdentityError) -> Self {
        match error {
            IdentityError::NotFound => Self::NotFound,
            IdentityError::Denied(denial) => Self::Denied(denial),
            IdentityError::Store(error) => Self::Store(error),
            other => Self::Invalid {
                field: "company",
                problem: other.to_string(),
            },
        }
    }
}

crate::action_error!(AlertsError);
