//! Finding drafts: what the audit accuses, with evidence a person can read and data a page can
//! draw. Storage upserts drafts on `fingerprint`, so a finding that persists from one audit to
//! the next is updated, never duplicated; it keeps the earliest `first_seen` it has stored.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use super::explain;
use super::plans::{EffectiveSeats, SeatCount, SeatUser};
use super::text_enum::text_enum;
use crate::seats::detectors::handover::Handover;
use crate::seats::detectors::headcount::Headcount;
use crate::seats::detectors::spread::SpreadDay;
use crate::seats::detectors::travel::TravelPair;

/// Most items of a list copied into evidence; the counts say how many there were.
const MAX_LISTED: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    SharedLogin,
    OverLimit,
    EffectiveOverLimit,
    ImpossibleTravel,
    DormantSeat,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::SharedLogin => "shared_login",
            FindingKind::OverLimit => "over_limit",
            FindingKind::EffectiveOverLimit => "effective_over_limit",
            FindingKind::ImpossibleTravel => "impossible_travel",
            FindingKind::DormantSeat => "dormant_seat",
        }
    }
}

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Severity ("severity") {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
}

/// How a finding is known: `proven` by what was seen (the lower bounds), or `probable`, an
/// inference such as hand-over sharing that one honest explanation could still undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceClass {
    Proven,
    Probable,
}

impl EvidenceClass {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceClass::Proven => "proven",
            EvidenceClass::Probable => "probable",
        }
    }
}

/// A finding as the audit sees it now; storage adds id and state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingDraft {
    pub kind: FindingKind,
    pub severity: Severity,
    /// The login it is about, when about one.
    pub login: Option<String>,
    /// People behind the login (a proven lower bound); for company findings, the company's
    /// count the finding is about; 0 for a dormant seat.
    pub headcount: u32,
    /// People estimated behind the login, counting probable signals; never below `headcount`.
    pub headcount_estimate: u32,
    pub evidence_class: EvidenceClass,
    /// `summary` in words, then the structured proof.
    pub evidence: Value,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Same kind and same login give the same fingerprint, run after run.
    pub fingerprint: String,
}

/// `kind` or `kind:login` (logins compared case-insensitively, like emails).
pub fn fingerprint(kind: FindingKind, login: Option<&str>) -> String {
    match login {
        Some(login) => format!("{}:{}", kind.as_str(), login.trim().to_lowercase()),
        None => kind.as_str().to_string(),
    }
}

/// Several people behind one login: proven by the headcount's signals, or else probable from
/// a regular hand-over between workstations.
pub fn shared_login(
    login: &str,
    headcount: &Headcount,
    busy_days: &[SpreadDay],
    handover: Option<&Handover>,
) -> Option<FindingDraft> {
    let estimate = handover
        .map_or(0, |found| found.estimate)
        .max(headcount.people);
    if headcount.people < 2 {
        return handover.map(|found| probable_shared_login(login, headcount, found, estimate));
    }
    let (first_seen, last_seen) = (headcount.first_proof_at?, headcount.last_proof_at?);
    // Three people, or two proven by independent signals, leave little room for doubt.
    let severity = if headcount.people >= 3 || headcount.proofs.len() >= 2 {
        Severity::High
    } else {
        Severity::Medium
    };
    let latest_days = &busy_days[busy_days.len().saturating_sub(MAX_LISTED)..];
    let mut evidence = json!({
        "summary": headcount.explanation(),
        "people": headcount.people,
        "proofs": headcount.proofs,
        "busy_day_count": busy_days.len(),
        "busy_days": latest_days,
    });
    if let Some(found) = handover {
        evidence["handover"] = handover_evidence(found);
    }
    Some(FindingDraft {
        kind: FindingKind::SharedLogin,
        severity,
        login: Some(login.to_string()),
        headcount: headcount.people,
        headcount_estimate: estimate,
        evidence_class: EvidenceClass::Proven,
        evidence,
        first_seen,
        last_seen,
        fingerprint: fingerprint(FindingKind::SharedLogin, Some(login)),
    })
}

/// Hand-over sharing alone: the headcount stays the proven bound, the estimate says more.
fn probable_shared_login(
    login: &str,
    headcount: &Headcount,
    handover: &Handover,
    estimate: u32,
) -> FindingDraft {
    FindingDraft {
        kind: FindingKind::SharedLogin,
        severity: Severity::Medium,
        login: Some(login.to_string()),
        headcount: headcount.people,
        headcount_estimate: estimate,
        evidence_class: EvidenceClass::Probable,
        evidence: json!({
            "summary": handover.explanation(),
            "summary_fr": handover.explanation_fr(),
            "people": headcount.people,
            "estimate": estimate,
            "handover": handover_evidence(handover),
        }),
        first_seen: handover.first_switch_at,
        last_seen: handover.last_switch_at,
        fingerprint: fingerprint(FindingKind::SharedLogin, Some(login)),
    }
}

fn handover_evidence(handover: &Handover) -> Value {
    json!({
        "summary": handover.explanation(),
        "summary_fr": handover.explanation_fr(),
        "details": handover,
    })
}

/// Sign-ins of one login too far apart for one person; `pairs` in time order.
pub fn impossible_travel(login: &str, pairs: &[TravelPair]) -> Option<FindingDraft> {
    let (first, last) = (pairs.first()?, pairs.last()?);
    let summary = match pairs.len() {
        1 => first.explanation(),
        count => format!(
            "{count} impossible trips; the latest: {}",
            last.explanation()
        ),
    };
    Some(FindingDraft {
        kind: FindingKind::ImpossibleTravel,
        severity: Severity::Medium,
        login: Some(login.to_string()),
        headcount: 2,
        headcount_estimate: 2,
        evidence_class: EvidenceClass::Proven,
        evidence: json!({
            "summary": summary,
            "trip_count": pairs.len(),
            "trips": &pairs[pairs.len().saturating_sub(MAX_LISTED)..],
        }),
        first_seen: first.from.at,
        last_seen: last.to.at,
        fingerprint: fingerprint(FindingKind::ImpossibleTravel, Some(login)),
    })
}

/// More billable users than the plan allows.
pub fn over_limit(seats: &SeatCount, now: DateTime<Utc>) -> Option<FindingDraft> {
    if seats.over_by <= 0 {
        return None;
    }
    let summary = format!(
        "{} billable users on {}, which allows {}: {} over",
        seats.billable_total,
        seats.plan.as_str(),
        seats.limit,
        seats.over_by
    );
    Some(company_finding(
        FindingKind::OverLimit,
        seats.billable_total,
        EvidenceClass::Proven,
        json!({
            "summary": summary,
            "limit": seats.limit,
            "billable_total": seats.billable_total,
            "over_by": seats.over_by,
            "billable_by_role": seats.billable_by_role,
            "billable_logins": seats.billable_logins,
        }),
        now,
    ))
}

/// More people behind the billable logins than the plan allows, where sharing hides seats
/// (when the billable users alone exceed the limit, `over_limit` already says so). `class`
/// says whether the people counted include probable sharing (the company's choice).
pub fn effective_over_limit(
    effective: &EffectiveSeats,
    seats: &SeatCount,
    class: EvidenceClass,
    now: DateTime<Utc>,
) -> Option<FindingDraft> {
    if effective.over_by <= 0 || effective.people <= seats.billable_total {
        return None;
    }
    let counted = match class {
        EvidenceClass::Proven => "at least",
        EvidenceClass::Probable => "probably",
    };
    let summary = format!(
        "{counted} {} people work behind {} billable logins; the plan allows {}",
        effective.people, seats.billable_total, effective.limit
    );
    Some(company_finding(
        FindingKind::EffectiveOverLimit,
        effective.people,
        class,
        json!({
            "summary": summary,
            "limit": effective.limit,
            "people": effective.people,
            "billable_total": seats.billable_total,
            "over_by": effective.over_by,
            "shared_logins": effective.shared_logins,
        }),
        now,
    ))
}

fn company_finding(
    kind: FindingKind,
    headcount: u32,
    evidence_class: EvidenceClass,
    evidence: Value,
    now: DateTime<Utc>,
) -> FindingDraft {
    FindingDraft {
        kind,
        severity: Severity::High,
        login: None,
        headcount,
        headcount_estimate: headcount,
        evidence_class,
        evidence,
        first_seen: now,
        last_seen: now,
        fingerprint: fingerprint(kind, None),
    }
}

/// A billable seat nobody used for `dormant_days`. Without any sign-in the user's creation
/// date stands in, so a user added yesterday is no dormant seat.
pub fn dormant_seat(
    user: &SeatUser,
    last_active_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    dormant_days: i64,
) -> Option<FindingDraft> {
    let reference = last_active_at.or(user.created_at);
    let idle_since = reference.map(|at| now - at);
    if idle_since.is_some_and(|idle| idle <= TimeDelta::days(dormant_days)) {
        return None;
    }
    let summary = match last_active_at {
        Some(at) => format!(
            "{} has not been used since {} ({} days): the {} seat could be reclaimed",
            user.login,
            explain::moment(at),
            idle_since.map_or(0, |idle| idle.num_days()),
            user.role.as_str()
        ),
        None => format!(
            "{} has never signed in: the {} seat could be reclaimed",
            user.login,
            user.role.as_str()
        ),
    };
    Some(FindingDraft {
        kind: FindingKind::DormantSeat,
        severity: Severity::Low,
        login: Some(user.login.clone()),
        headcount: 0,
        headcount_estimate: 0,
        evidence_class: EvidenceClass::Proven,
        evidence: json!({
            "summary": summary,
            "role": user.role,
            "last_active_at": last_active_at,
            "idle_days": idle_since.map(|idle| idle.num_days()),
        }),
        first_seen: reference.map_or(now, |at| at + TimeDelta::days(dormant_days)),
        last_seen: now,
        fingerprint: fingerprint(FindingKind::DormantSeat, Some(&user.login)),
    })
}

#[cfg(test)]
mod tests;
