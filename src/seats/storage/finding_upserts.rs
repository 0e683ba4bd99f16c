//! The audit's writes of findings: drafts upserted by fingerprint, reopened when seen again,
//! resolved when no longer seen, and what changed, for the caller to act on (its alerts).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::findings::findings_by_fingerprint;
use crate::seats::findings::FindingDraft;
use crate::seats::records::{
    FindingRow, FindingState, ESTIMATE_KEY, EVIDENCE_CLASS_KEY, RESOLVED_BY_AUDIT,
};
use crate::store::schema::findings;
use crate::store::DbConnection;

/// What one audit did to the stored findings. The counts are the run's summary; the
/// transitions name each finding whose state or content changed.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct FindingChanges {
    pub opened: u32,
    pub updated: u32,
    pub reopened: u32,
    pub unchanged: u32,
    /// Each finding before and after, for the caller to act on in the same transaction
    /// (the alerts it calls for).
    #[serde(skip)]
    pub transitions: Vec<FindingTransition>,
}

/// What happened to one stored finding in one audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Opened,
    Updated,
    Reopened,
    /// The audit no longer produced it and resolved it.
    Resolved,
}

/// One stored finding as an audit changed it: what it was and what it became.
#[derive(Debug, Clone)]
pub struct FindingTransition {
    pub transition: Transition,
    /// The finding before the audit; `None` for a new finding.
    pub before: Option<FindingRow>,
    pub after: FindingRow,
}

impl FindingChanges {
    fn record(&mut self, row: &FindingRow, transition: Transition, previous: Option<&FindingRow>) {
        match transition {
            Transition::Opened => self.opened += 1,
            Transition::Updated => self.updated += 1,
            Transition::Reopened => self.reopened += 1,
            Transition::Resolved => {}
        }
        self.transitions.push(FindingTransition {
            transition,
            before: previous.cloned(),
            after: row.clone(),
        });
    }

    /// Fingerprints the audit resolved because it no longer produced them.
    pub fn resolved_by_audit(&self) -> Vec<&str> {
        self.transitions
            .iter()
            .filter(|t| t.transition == Transition::Resolved)
            .map(|t| t.after.fingerprint.as_str())
            .collect()
    }
}

/// Resolution note of a finding the audit no longer produces, in both languages since it is
/// stored once for every reader.
pub const AUDIT_RESOLUTION_NOTE: &str = "No longer seen by the audit over its lookback; \
     it reopens if it comes back. / Plus observé par l'audit sur sa période d'examen ; \
     il sera rouvert s'il revient.";

/// Upserts the audit's drafts by fingerprint. A persisting finding is updated (last seen,
/// evidence, headcount), keeping its earliest first sighting. A finding a person resolved is
/// reopened when it was seen again after that resolution, and otherwise left alone; one the
/// audit resolved reopens as soon as the audit produces it again. An unresolved finding the
/// audit no longer produces is resolved by the audit, with a note.
pub fn save_findings(
    conn: &mut DbConnection,
    company_id: &str,
    drafts: &[FindingDraft],
    now: NaiveDateTime,
) -> QueryResult<FindingChanges> {
    let mut changes = FindingChanges::default();
    // One read for all the drafts: the audit runs its writes on the writer's thread, where
    // every statement holds up the writes queued behind it.
    let prints: Vec<&str> = drafts.iter().map(|d| d.fingerprint.as_str()).collect();
    let mut stored_by_print: HashMap<String, FindingRow> =
        findings_by_fingerprint(conn, company_id, &prints)?
            .into_iter()
            .map(|row| (row.fingerprint.clone(), row))
            .collect();
    for draft in drafts {
        // A draft written goes back in the map, for a later draft of the same fingerprint.
        let Some(stored) = stored_by_print.get(&draft.fingerprint).cloned() else {
            let row = new_finding(company_id, draft);
            diesel::insert_into(findings::table)
                .values(&row)
                .execute(conn)?;
            changes.record(&row, Transition::Opened, None);
            stored_by_print.insert(row.fingerprint.clone(), row);
            continue;
        };
        // A resolved finding always carries when it was resolved.
        let seen_again = stored.resolved_by_audit()
            || stored
                .state_changed_at
                .is_none_or(|resolved_at| draft.last_seen.naive_utc() > resolved_at);
        if stored.is_resolved() && !seen_again {
            changes.unchanged += 1;
            continue;
        }
        let reopen = stored.is_resolved();
        let next = updated_finding(&stored, draft, reopen, now);
        if !reopen && same_content(&stored, &next) {
            changes.unchanged += 1;
            continue;
        }
        write_finding(conn, &next, stored.version)?;
        let transition = if reopen {
            Transition::Reopened
        } else {
            Transition::Updated
        };
        changes.record(&next, transition, Some(&stored));
        stored_by_print.insert(next.fingerprint.clone(), next);
    }
    resolve_unseen(conn, company_id, drafts, now, &mut changes)?;
    Ok(changes)
}

/// Resolves the company's unresolved findings that no draft of this audit names.
fn resolve_unseen(
    conn: &mut DbConnection,
    company_id: &str,
    drafts: &[FindingDraft],
    now: NaiveDateTime,
    changes: &mut FindingChanges,
) -> QueryResult<()> {
    let produced: HashSet<&str> = drafts.iter().map(|d| d.fingerprint.as_str()).collect();
    let unresolved: Vec<FindingRow> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::state.ne(FindingState::Resolved.as_str()))
        .select(FindingRow::as_select())
        .load(conn)?;
    for stored in unresolved {
        if produced.contains(stored.fingerprint.as_str()) {
            continue;
        }
        let mut next = stored.clone();
        next.state = FindingState::Resolved;
        next.resolved_by = Some(RESOLVED_BY_AUDIT.to_owned());
        next.resolution_note = Some(AUDIT_RESOLUTION_NOTE.to_owned());
        next.state_changed_by = Some(RESOLVED_BY_AUDIT.to_owned());
        next.state_changed_at = Some(now);
        next.version = stored.version + 1;
        write_finding(conn, &next, stored.version)?;
        changes.record(&next, Transition::Resolved, Some(&stored));
    }
    Ok(())
}

fn new_finding(company_id: &str, draft: &FindingDraft) -> FindingRow {
    FindingRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        kind: draft.kind.as_str().to_owned(),
        severity: draft.severity,
        state: FindingState::Open,
        login: draft.login.clone(),
        headcount: i64::from(draft.headcount),
        evidence: stored_evidence(draft),
        first_seen: draft.first_seen.naive_utc(),
        last_seen: draft.last_seen.naive_utc(),
        fingerprint: draft.fingerprint.clone(),
        resolved_by: None,
        resolution_note: None,
        state_changed_by: None,
        state_changed_at: None,
        version: 1,
    }
}

/// The draft's evidence with its class and estimate, which the stored row keeps there.
fn stored_evidence(draft: &FindingDraft) -> String {
    let mut evidence = draft.evidence.clone();
    if let Some(fields) = evidence.as_object_mut() {
        fields.insert(
            EVIDENCE_CLASS_KEY.to_owned(),
            draft.evidence_class.as_str().into(),
        );
        fields.insert(ESTIMATE_KEY.to_owned(), draft.headcount_estimate.into());
    }
    evidence.to_string()
}

fn updated_finding(
    stored: &FindingRow,
    draft: &FindingDraft,
    reopen: bool,
    now: NaiveDateTime,
) -> FindingRow {
    let mut next = stored.clone();
    next.severity = draft.severity;
    next.headcount = i64::from(draft.headcount);
    next.evidence = stored_evidence(draft);
    next.first_seen = stored.first_seen.min(draft.first_seen.naive_utc());
    next.last_seen = stored.last_seen.max(draft.last_seen.naive_utc());
    next.version = stored.version + 1;
    if reopen {
        // The auditor reopens: the resolution no longer holds, so it no longer shows.
        next.state = FindingState::Open;
        next.state_changed_at = Some(now);
        next.state_changed_by = None;
        next.resolved_by = None;
        next.resolution_note = None;
    }
    next
}

fn same_content(a: &FindingRow, b: &FindingRow) -> bool {
    (
        a.severity,
        a.headcount,
        &a.evidence,
        a.first_seen,
        a.last_seen,
    ) == (
        b.severity,
        b.headcount,
        &b.evidence,
        b.first_seen,
        b.last_seen,
    )
}

/// Writes every mutable field of `row` if the stored version is still `expected_version`;
/// returns the rows written (0: someone else changed it first).
pub fn write_finding(
    conn: &mut DbConnection,
    row: &FindingRow,
    expected_version: i64,
) -> QueryResult<usize> {
    diesel::update(findings::table.find(&row.id))
        .filter(findings::version.eq(expected_version))
        .set((
            findings::severity.eq(row.severity),
            findings::state.eq(row.state),
            findings::headcount.eq(row.headcount),
            findings::evidence.eq(&row.evidence),
            findings::first_seen.eq(row.first_seen),
            findings::last_seen.eq(row.last_seen),
            findings::resolved_by.eq(&row.resolved_by),
            findings::resolution_note.eq(&row.resolution_note),
            findings::state_changed_by.eq(&row.state_changed_by),
            findings::state_changed_at.eq(row.state_changed_at),
            findings::version.eq(row.version),
        ))
        .execute(conn)
}
