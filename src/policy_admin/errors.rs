//! Errors of policy administration.

use crate::authz::policy_files::Diagnostic;
use crate::authz::policy_tests::CaseResult;
use crate::authz::{ActionError, Denial};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum PolicyAdminError {
    #[error("invalid `{field}`: {problem}")]
    Invalid { field: String, problem: String },
    #[error("not found")]
    NotFound,
    #[error("denied by policy")]
    Denied(Denial),
    /// The change started from a version that is no longer the active one.
    #[error("the policies changed since version {expected}; version {current} is active")]
    StaleVersion { expected: i64, current: i64 },
    /// The text does not parse or validate against the schema.
    #[error("the policies are invalid")]
    InvalidPolicies(Vec<Diagnostic>),
    /// The company's policy tests do not pass on the proposed policies.
    #[error("{} policy test(s) failed", .0.len())]
    TestsFailed(Vec<CaseResult>),
    /// A test file that cannot be run at all.
    #[error("invalid policy test: {0}")]
    InvalidTests(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PolicyAdminError {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl From<diesel::result::Error> for PolicyAdminError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Store(StoreError::Query(error))
    }
}

impl From<Denial> for PolicyAdminError {
    fn from(denial: Denial) -> Self {
        Self::Denied(denial)
    }
}

impl ActionError for PolicyAdminError {
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
