//! Rows of the seat tables and the views the API shows of them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::findings::{EvidenceClass, FindingKind, Severity};
use super::text_enum::text_enum;
use crate::clock::rfc3339;
use crate::store::schema::{audit_runs, findings, session_events};

pub const KINDS: [FindingKind; 5] = [
    FindingKind::SharedLogin,
    FindingKind::OverLimit,
    FindingKind::EffectiveOverLimit,
    FindingKind::ImpossibleTravel,
    FindingKind::DormantSeat,
];

pub fn parse_kind(text: &str) -> Option<FindingKind> {
    KINDS.into_iter().find(|kind| kind.as_str() == text)
}

text_enum! {
    /// Where a finding stands: the auditor opens and reopens, people acknowledge and resolve.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum FindingState ("finding state") {
        Open => "open",
        Acknowledged => "acknowledged",
        Resolved => "resolved",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = findings)]
pub struct FindingRow {
    pub id: String,
    pub company_id: String,
    pub kind: String,
    pub severity: Severity,
    pub state: FindingState,
    pub login: Option<String>,
    pub headcount: i64,
    /// JSON text: `summary` in words, then the structured proof.
    pub evidence: String,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
    pub fingerprint: String,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
    pub state_changed_by: Option<String>,
    pub state_changed_at: Option<NaiveDateTime>,
    pub version: i64,
}

/// Keys of the stored evidence that carry a finding's class and estimate.
pub const EVIDENCE_CLASS_KEY: &str = "evidence_class";
pub const ESTIMATE_KEY: &str = "headcount_estimate";

pub fn evidence_class(evidence: &str) -> EvidenceClass {
    let probable = serde_json::from_str::<Value>(evidence)
        .ok()
        .and_then(|value| value.get(EVIDENCE_CLASS_KEY)?.as_str().map(str::to_owned))
        .is_some_and(|class| class == EvidenceClass::Probable.as_str());
    if probable {
        EvidenceClass::Probable
    } else {
        EvidenceClass::Proven
    }
}

pub fn headcount_estimate(evidence: &str, headcount: i64) -> i64 {
    serde_json::from_str::<Value>(evidence)
        .ok()
        .and_then(|value| value.get(ESTIMATE_KEY)?.as_i64())
        .unwrap_or(headcount)
        .max(headcount)
}

/// Who resolves a finding the audit no longer produces.
pub const RESOLVED_BY_AUDIT: &str = "audit";

impl FindingRow {
    pub fn is_resolved(&self) -> bool {
        self.state == FindingState::Resolved
    }

    /// How the finding is known, from its evidence; findings stored before the hand-over
    /// signal were all proven.
    pub fn evidence_class(&self) -> EvidenceClass {
        evidence_class(&self.evidence)
    }

    pub fn is_proven(&self) -> bool {
        self.evidence_class() == EvidenceClass::Proven
    }

    /// People estimated behind the login, from its evidence; never below the bound.
    pub fn headcount_estimate(&self) -> i64 {
        headcount_estimate(&self.evidence, self.headcount)
    }

    /// Resolved by the audit itself, not by a person.
    pub fn resolved_by_audit(&self) -> bool {
        self.is_resolved() && self.resolved_by.as_deref() == Some(RESOLVED_BY_AUDIT)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = session_events, treat_none_as_default_value = false)]
pub struct SessionEventRow {
    pub id: String,
    pub company_id: String,
    pub login: String,
    pub event: String,
    pub occurred_at: NaiveDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_id: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub country: Option<String>,
    pub dedup_key: String,
    pub imported_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_runs)]
pub struct AuditRunRow {
    pub id: String,
    pub company_id: String,
    pub ran_at: NaiveDateTime,
    /// The user who asked, or `cli` / `demo`.
    pub triggered_by: String,
    pub sessions_audited: i64,
    pub logins_audited: i64,
    pub findings_open: i64,
    /// JSON text: seats, effective seats and advice of the run.
    pub summary: String,
}

/// A finding as the API shows it (DESIGN.md's contract).
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FindingView {
    pub id: String,
    /// shared_login, over_limit, effective_over_limit, impossible_travel or dormant_seat
    pub kind: String,
    /// low, medium or high
    pub severity: String,
    /// open, acknowledged or resolved
    pub state: String,
    /// The email the finding is about, where it is about one login.
    pub login: Option<String>,
    /// People behind that login (a proven lower bound); for company findings, the count the
    /// finding is about.
    pub headcount: i64,
    /// People estimated behind that login, counting probable signals (hand-over sharing);
    /// never below `headcount`.
    pub headcount_estimate: i64,
    /// `proven` (what was seen proves it) or `probable` (an inference, such as hand-over
    /// sharing).
    pub evidence_class: String,
    /// `summary` in words (with `summary_fr` for probable findings), then the structured proof.
    #[schema(value_type = Object)]
    pub evidence: Value,
    pub first_seen: String,
    pub last_seen: String,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
    pub state_changed_by: Option<String>,
    pub state_changed_at: Option<String>,
    pub version: i64,
}

impl From<FindingRow> for FindingView {
    fn from(row: FindingRow) -> Self {
        Self {
            evidence: serde_json::from_str(&row.evidence).unwrap_or(Value::Null),
            headcount_estimate: row.headcount_estimate(),
            evidence_class: row.evidence_class().as_str().to_owned(),
            id: row.id,
            kind: row.kind,
            severity: row.severity.as_str().to_owned(),
            state: row.state.as_str().to_owned(),
            login: row.login,
            headcount: row.headcount,
            first_seen: rfc3339(row.first_seen),
            last_seen: rfc3339(row.last_seen),
            resolved_by: row.resolved_by,
            resolution_note: row.resolution_note,
            state_changed_by: row.state_changed_by,
            state_changed_at: row.state_changed_at.map(rfc3339),
            version: row.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_into_the_same_values() {
        for kind in KINDS {
            assert_eq!(parse_kind(kind.as_str()), Some(kind));
        }
        for severity in Severity::ALL {
            assert_eq!(Severity::parse(severity.as_str()), Some(severity));
        }
        for state in FindingState::ALL {
            assert_eq!(FindingState::parse(state.as_str()), Some(state));
        }
        assert_eq!(parse_kind("shared"), None);
    }
}
