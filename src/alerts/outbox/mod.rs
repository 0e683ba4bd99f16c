//! The outbox: one row per mail and recipient, written in the transaction of the finding
//! change (or digest) that causes it, so an alert exists exactly when its cause does. Senders
//! claim a row before sending and record the outcome after; a failed attempt waits longer
//! each time, a 5xx marks the address failed for good.
//!
//! This module holds what a mail is; `queue` writes them, `sending` records the senders'
//! attempts and `listing` pages them for admins.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub mod listing;
pub mod queue;
pub mod sending;

use crate::clock::rfc3339;
use crate::i18n::Locale;
use crate::seats::findings::EvidenceClass;
use crate::seats::records::{FindingRow, FindingState};
use crate::seats::text_enum::text_enum;
use crate::store::schema::alerts;

/// Findings listed in one digest; the count says how many there are in all.
pub const MAX_DIGEST_FINDINGS: usize = 50;

text_enum! {
    /// Where a mail stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum AlertState ("alert state") {
        /// Waiting for its first or next attempt.
        Queued => "queued",
        Sent => "sent",
        /// The recipient's server refused it for good.
        Failed => "failed",
    }
}

/// What happened to the finding that a mail tells about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingEvent {
    New,
    /// More severe, or more people proven, than when last written.
    Escalated,
    /// Resolved by a person, then seen again by the auditor.
    Reopened,
}

impl FindingEvent {
    /// The change from `before` to `after` worth a mail, if any.
    pub fn of(before: Option<&FindingRow>, after: &FindingRow) -> Option<Self> {
        let Some(before) = before else {
            return Some(Self::New);
        };
        let resolved = FindingState::Resolved;
        if before.state == resolved && after.state != resolved {
            return Some(Self::Reopened);
        }
        let severity_up = after.severity > before.severity;
        (severity_up || after.headcount > before.headcount).then_some(Self::Escalated)
    }
}

/// A finding as it was when the mail was queued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingSnapshot {
    pub id: String,
    pub kind: String,
    pub severity: String,
    pub state: String,
    pub login: Option<String>,
    pub headcount: i64,
    /// `proven`, or `probable` (hand-over sharing): then `headcount_estimate` says more.
    #[serde(default)]
    pub evidence_class: String,
    #[serde(default)]
    pub headcount_estimate: i64,
    pub evidence: Value,
    pub first_seen: String,
    pub last_seen: String,
}

impl FindingSnapshot {
    pub fn is_probable(&self) -> bool {
        self.evidence_class == EvidenceClass::Probable.as_str()
    }
}

impl From<&FindingRow> for FindingSnapshot {
    fn from(row: &FindingRow) -> Self {
        Self {
            id: row.id.clone(),
            kind: row.kind.clone(),
            severity: row.severity.as_str().to_owned(),
            state: row.state.as_str().to_owned(),
            login: row.login.clone(),
            headcount: row.headcount,
            evidence_class: row.evidence_class().as_str().to_owned(),
            headcount_estimate: row.headcount_estimate(),
            evidence: serde_json::from_str(&row.evidence).unwrap_or(Value::Null),
            first_seen: rfc3339(row.first_seen),
            last_seen: rfc3339(row.last_seen),
        }
    }
}

/// What a mail says, kept with the row and rendered when it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    Finding {
        event: FindingEvent,
        finding: Box<FindingSnapshot>,
    },
    Digest {
        /// The day summed up, `YYYY-MM-DD`.
        day: String,
        open_count: usize,
        findings: Vec<FindingSnapshot>,
    },
}

impl Payload {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Payload::Finding { .. } => "finding",
            Payload::Digest { .. } => "digest",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = alerts)]
pub struct AlertRow {
    pub id: String,
    pub company_id: String,
    pub kind: String,
    pub finding_id: Option<String>,
    pub recipient: String,
    pub locale: String,
    /// JSON of `Payload`.
    pub payload: String,
    pub dedup_key: String,
    pub state: AlertState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl AlertRow {
    pub fn payload(&self) -> Option<Payload> {
        serde_json::from_str(&self.payload).ok()
    }

    pub fn locale(&self) -> Locale {
        Locale::parse(&self.locale).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seats::findings::Severity;

    fn finding(severity: &str, state: &str, headcount: i64) -> FindingRow {
        let severity = Severity::parse(severity).expect("a severity");
        let state = FindingState::parse(state).expect("a finding state");
        FindingRow {
            id: "f".into(),
            company_id: "c".into(),
            kind: "shared_login".into(),
            severity,
            state,
            login: Some("team@x.test".into()),
            headcount,
            evidence: "{}".into(),
            first_seen: NaiveDateTime::default(),
            last_seen: NaiveDateTime::default(),
            fingerprint: "shared_login:team@x.test".into(),
            resolved_by: None,
            resolution_note: None,
            state_changed_by: None,
            state_changed_at: None,
            version: 1,
        }
    }

    #[test]
    fn new_escalated_and_reopened_findings_are_worth_a_mail_and_others_not() {
        let medium = finding("medium", "open", 2);
        assert_eq!(FindingEvent::of(None, &medium), Some(FindingEvent::New));
        assert_eq!(
            FindingEvent::of(Some(&medium), &finding("high", "open", 2)),
            Some(FindingEvent::Escalated)
        );
        assert_eq!(
            FindingEvent::of(Some(&medium), &finding("medium", "open", 3)),
            Some(FindingEvent::Escalated)
        );
        assert_eq!(
            FindingEvent::of(Some(&finding("medium", "resolved", 2)), &medium),
            Some(FindingEvent::Reopened)
        );
        assert_eq!(FindingEvent::of(Some(&medium), &medium), None);
        assert_eq!(
            FindingEvent::of(Some(&finding("high", "open", 3)), &medium),
            None
        );
    }
}
