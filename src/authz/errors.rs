//! Errors of the authorization module's own operations (decision log, decision point).

use super::Denial;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AuthzError {
    #[error("invalid `{field}`: {problem}")]
    Invalid { field: String, problem: String },
    #[error("not found")]
    NotFound,
    #[error("no valid credentials")]
    Unauthenticated,
    #[error("denied by policy")]
    Denied(Denial),
    #[error("the company's request budget is spent")]
    RateLimited,
    #[error("the decisions could not be made and logged: {0}")]
    GroupCommit(String),
    #[error("the decision point's writer stopped")]
    GroupCommitStopped,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AuthzError {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

crate::action_error!(AuthzError);
