//! Scheduled audits and email alerts that are never lost.
//!
//! `schedule` parses the jobs' cron expressions, `scheduler` runs them (once per tick across
//! nodes, through `lease`), `jobs` holds their bodies. `settings` are a company's recipients
//! and thresholds; `outbox` queues mails in the transaction of the finding change that causes
//! them; `message` writes them in the company's language and `mailer` sends them over SMTP.

pub mod jobs;
pub mod lease;
pub mod mailer;
pub mod message;
pub mod outbox;
pub mod schedule;
pub mod scheduler;
pub mod service;
pub mod settings;

pub use outbox::on_finding_written;

use crate::authz::Denial;
use crate::identity::IdentityError;
use crate::store::StoreError;
use settings::AlertSettingsView;

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
