//! A company's alert settings as the API shows them, and as a conflict carries them back.

use serde::Serialize;

/// The settings as the API shows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertSettingsView {
    pub recipients: Vec<String>,
    /// low, medium or high: findings from this severity up are mailed at once.
    pub min_severity: String,
    /// A daily mail summing up the open findings.
    pub digest_enabled: bool,
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<String>,
}
