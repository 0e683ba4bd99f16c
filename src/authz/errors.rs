//! Errors of the authorization module's own operations (decision log, decision point).

use super::{ActionError, Denial};
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

impl From<diesel::result::Error> for AuthzError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Store(StoreError::Query(error))
    }
}

impl From<Denial> for AuthzError {
    fn from(denial: Denial) -> Self {
        Self::Denied(denial)
    }
}

impl ActionError for AuthzError {
    fn denial(&self) -> Option<&Denial> {
        match self {
            Self::Denied(denial) => Some(denial),
            _ => None,
        }
    }

    fn failed_on_store(&self) -> bool {
        matches!(self, Self::Store(_))
    }
}
