//! The accounting core: double-entry books that ask the policy engine before every action.

pub mod chart;
pub mod documents;
pub mod money;
pub mod postings;
pub mod reports;
