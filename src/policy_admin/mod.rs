//! Policy administration: each company's policy versions (validated, tested, logged and
//! reversible), their differences, dry-runs of a change against logged decisions, the access
//! review of the roster, and explanations of one decision. Reading is `view_policies`,
//! changing is `edit_policies`: admins only, by the base policies.

pub mod access_review;
pub mod changes;
pub mod diff;
pub mod dry_run;
pub mod editor;
pub mod errors;
pub mod operations;
pub mod own_access;
pub mod service;
pub mod versions;

pub use errors::PolicyAdminError;
