//! Errors of policy administration.

use crate::authz::policy_files::Diagnostic;
use crate::authz::policy_tests::CaseResult;
use crate::authz::Denial;
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

crate::action_error!(PolicyAdminError);
