//! Self-conflicts: the accounting core refused a save because the same login, from another
//! session, had changed the record meanwhile. From two distinct devices that is two people at
//! work; from one device it is two tabs of one person, and proves nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::seats::explain;
use crate::seats::index::{LoginTimeline, SessionRef};
use crate::seats::timeline::SessionRecord;

/// A conflict between two sessions of one login, as recorded by the accounting core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfConflict {
    pub login: String,
    pub at: DateTime<Utc>,
    pub session_a: String,
    pub session_b: String,
    /// The record both sessions edited, e.g. `invoice:INV-0042`.
    pub record: String,
}

/// A self-conflict between two distinct devices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictProof {
    pub at: DateTime<Utc>,
    pub record: String,
    pub first: SessionRef,
    pub second: SessionRef,
}

impl ConflictProof {
    pub fn explanation(&self) -> String {
        format!(
            "{} and {} edited {} with this login at the same time ({}); \
             one of them lost the save",
            self.first.device,
            self.second.device,
            self.record,
            explain::moment(self.at)
        )
    }
}

/// Self-conflicts of one login that involve two distinct devices, in time order. Conflicts
/// naming a session this login does not have are ignored: they prove nothing about devices.
pub fn conflict_proofs(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    conflicts: &[&SelfConflict],
) -> Vec<ConflictProof> {
    if conflicts.is_empty() {
        return Vec::new();
    }
    let by_id: HashMap<&str, usize> = timeline
        .spans
        .iter()
        .enumerate()
        .filter_map(|(index, span)| Some((sessions.get(span.session)?.session_id.as_str(), index)))
        .collect();
    let span_of = |id: &str| by_id.get(id).and_then(|&index| timeline.spans.get(index));
    let mut proofs: Vec<ConflictProof> = conflicts
        .iter()
        .filter_map(|conflict| {
            let (a, b) = (span_of(&conflict.session_a)?, span_of(&conflict.session_b)?);
            if a.device == b.device {
                return None;
            }
            Some(ConflictProof {
                at: conflict.at,
                record: conflict.record.clone(),
                first: timeline.session_ref(sessions, a)?,
                second: timeline.session_ref(sessions, b)?,
            })
        })
        .collect();
    proofs.sort_by_key(|proof| proof.at);
    proofs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seats::detectors::test_sessions::{self, at};
    use crate::seats::index::group_by_login;

    fn session(id: &str, device: &str) -> SessionRecord {
        test_sessions::session(id, device, 0, 60)
    }

    fn conflict(a: &str, b: &str, minute: i64) -> SelfConflict {
        SelfConflict {
            login: "team@acme.test".into(),
            at: at(minute),
            session_a: a.into(),
            session_b: b.into(),
            record: "invoice:INV-0042".into(),
        }
    }

    #[test]
    fn only_distinct_devices_prove_anything() {
        let sessions = [session("s1", "a"), session("s2", "b"), session("s3", "a")];
        let timelines = group_by_login(&sessions);
        let conflicts = [
            conflict("s1", "s2", 30),
            conflict("s1", "s3", 20),
            conflict("s1", "unknown", 10),
        ];
        let refs: Vec<&SelfConflict> = conflicts.iter().collect();
        let proofs = conflict_proofs(&timelines[0], &sessions, &refs);
        assert_eq!(proofs.len(), 1);
        assert_eq!(proofs[0].second.session_id, "s2");
        assert!(proofs[0].explanation().contains("invoice:INV-0042"));
    }
}
