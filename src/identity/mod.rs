//! Identity: companies and their users, passwords, sessions and sign-in limits.

pub mod companies;
pub mod end_reasons;
pub mod enforcement;
pub mod fields;
pub mod locale_settings;
pub mod login_limits;
pub mod models;
pub mod operations;
pub mod passwords;
pub mod sessions;
pub mod sign_in;
pub mod users;

pub use crate::roles::{self, Plan, Role};

use crate::authz::Denial;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("invalid `{field}`: {problem}")]
    Invalid {
        field: &'static str,
        problem: &'static str,
    },
    #[error("this email is already used by another user")]
    EmailTaken,
    #[error("the plan's {limit} billable seats are all taken")]
    SeatLimitReached { limit: i64, billable: i64 },
    #[error("the `{plan}` plan does not include {role} users")]
    RoleNotInPlan {
        plan: &'static str,
        role: &'static str,
    },
    #[error("the company must keep exactly one primary admin")]
    PrimaryAdminRequired,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("too many failed sign-ins; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("no valid session")]
    Unauthenticated,
    #[error("the session ended: {reason}")]
    SessionEnded { reason: String },
    #[error("the login is already in use on {active_sessions} other device(s)")]
    ConcurrentSession { active_sessions: usize },
    #[error("not found")]
    NotFound,
    #[error("the user changed since version {expected}")]
    Conflict {
        expected: i64,
        current: Box<models::UserView>,
    },
    #[error("the company settings changed since version {expected}")]
    SettingsConflict {
        expected: i64,
        current: Box<locale_settings::LocaleSettingsView>,
    },
    #[error("denied by policy")]
    Denied(Denial),
    #[error(transparent)]
    Store(#[from] StoreError),
}

crate::action_error!(IdentityError);
