//! The company settings the auditor answers with, each with the version of the company
//! settings it belongs to: what a reader sees and what a conflict carries back.

use serde::Serialize;

/// The company's enforcement mode for concurrent sessions, with the version of the company
/// settings it belongs to.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct EnforcementView {
    /// monitor, deny_new, terminate_oldest or enforce
    pub mode: String,
    pub version: i64,
}

/// The seat-audit settings with the version of the company settings they belong to.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SeatAuditSettingsView {
    /// Count the people estimated behind logins shared by hand-over (`probable` findings) in
    /// the seats and the advice; off, only proven people count.
    pub count_probable_sharing: bool,
    pub version: i64,
}
