//! The audit of one company: per-login signals and headcounts, seats against the plan,
//! findings and advice, from plain data. No database, no clock: the caller passes `now`.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::thread;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::advice::{advise, LoginWork, SeatAdvice};
use super::explain;
use super::findings::{self, EvidenceClass, FindingDraft};
use super::index::{group_by_login, LoginTimeline};
use super::plans::{
    count_seats, effective_seats, EffectiveSeats, PlanCatalog, SeatCount, SeatPlan, SeatUser,
};
use super::timeline::SessionRecord;
use crate::seats::detectors::concurrency::{self, Concurrency};
use crate::seats::detectors::conflicts::{conflict_proofs, ConflictProof, SelfConflict};
use crate::seats::detectors::duty::{duty_spread, DutyAction, DutySpread};
use crate::seats::detectors::handover::{self, Handover, HandoverLimits};
use crate::seats::detectors::headcount::{headcount, Headcount, Signals};
use crate::seats::detectors::spread::{busy_days, SpreadDay, SpreadLimits};
use crate::seats::detectors::travel::{impossible_travel, TravelLimits, TravelPair};

/// Logins per worker below which threads cost more than they save.
const MIN_LOGINS_PER_WORKER: usize = 256;

/// What the audit looks at. Logins are compared exactly: the service stores emails lowercased.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditInput {
    /// The company's plan: `SeatPlan::new(company.plan, company.custom_seat_limit)`.
    pub plan: SeatPlan,
    /// Users of the company, oldest first (the order decides which accountant is free).
    pub users: Vec<SeatUser>,
    pub sessions: Vec<SessionRecord>,
    #[serde(default)]
    pub duty_actions: Vec<DutyAction>,
    #[serde(default)]
    pub self_conflicts: Vec<SelfConflict>,
    /// The company's choice: seats and advice count probable sharing (hand-over estimates)
    /// instead of the proven lower bounds only.
    #[serde(default)]
    pub count_probable_sharing: bool,
}

/// Tuning of the auditor; every field has a default, so config may name only what it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditSettings {
    /// Overlaps of two devices up to this long are a person switching devices.
    pub device_switch_grace_seconds: i64,
    pub max_travel_speed_kmh: f64,
    /// Distances below this are geo-IP noise.
    pub min_travel_distance_km: f64,
    pub max_devices_per_day: u32,
    pub max_ips_per_day: u32,
    /// A billable seat unused this long is dormant.
    pub dormant_days: i64,
    pub catalog: PlanCatalog,
    /// The hand-over signal (`[seat_audit.handover]`).
    pub handover: HandoverLimits,
}

impl Default for AuditSettings {
    fn default() -> Self {
        let travel = TravelLimits::default();
        let spread = SpreadLimits::default();
        AuditSettings {
            device_switch_grace_seconds: 120,
            max_travel_speed_kmh: travel.max_speed_kmh,
            min_travel_distance_km: travel.min_distance_km,
            max_devices_per_day: spread.max_devices_per_day,
            max_ips_per_day: spread.max_ips_per_day,
            dormant_days: 30,
            catalog: PlanCatalog::default(),
            handover: HandoverLimits::default(),
        }
    }
}

impl AuditSettings {
    pub fn travel_limits(&self) -> TravelLimits {
        TravelLimits {
            max_speed_kmh: self.max_travel_speed_kmh,
            min_distance_km: self.min_travel_distance_km,
        }
    }

    pub fn spread_limits(&self) -> SpreadLimits {
        SpreadLimits {
            max_devices_per_day: self.max_devices_per_day,
            max_ips_per_day: self.max_ips_per_day,
        }
    }
}

/// Everything the audit found about one login with sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoginAudit {
    pub login: String,
    pub sessions: u32,
    pub devices: u32,
    pub last_active_at: Option<DateTime<Utc>>,
    pub concurrency: Concurrency,
    pub travel: Vec<TravelPair>,
    pub busy_days: Vec<SpreadDay>,
    pub duty: DutySpread,
    pub self_conflicts: Vec<ConflictProof>,
    /// The proven lower bound.
    pub headcount: Headcount,
    /// Probable hand-over sharing, with its estimate.
    pub handover: Option<Handover>,
}

impl LoginAudit {
    /// People estimated behind the login: the hand-over estimate when larger than the bound.
    pub fn estimate(&self) -> u32 {
        self.handover
            .as_ref()
            .map_or(0, |found| found.estimate)
            .max(self.headcount.people)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditOutcome {
    pub audited_at: DateTime<Utc>,
    /// Logins with sessions, sorted by login.
    pub logins: Vec<LoginAudit>,
    pub seats: SeatCount,
    pub effective: EffectiveSeats,
    /// Sorted by kind, then login.
    pub findings: Vec<FindingDraft>,
    pub advice: SeatAdvice,
}

/// Audit one company.
pub fn audit_company(
    input: &AuditInput,
    settings: &AuditSettings,
    now: DateTime<Utc>,
) -> AuditOutcome {
    let timelines = group_by_login(&input.sessions);
    let actions = by_login(&input.duty_actions, |action| action.login.as_str());
    let conflicts = by_login(&input.self_conflicts, |conflict| conflict.login.as_str());
    let context = LoginContext {
        sessions: &input.sessions,
        actions: &actions,
        conflicts: &conflicts,
        settings,
    };
    let logins = audit_logins(&timelines, &context);
    // The index holds a span per session (tens of MB at scale); free it before the findings.
    drop(timelines);
    let seats = count_seats(&input.users, input.plan);
    let by_name: HashMap<&str, &LoginAudit> = logins
        .iter()
        .map(|audit| (audit.login.as_str(), audit))
        .collect();
    let proven: HashMap<&str, u32> = by_name
        .iter()
        .map(|(login, audit)| (*login, audit.headcount.people))
        .collect();
    let people: HashMap<&str, u32> = if input.count_probable_sharing {
        by_name
            .iter()
            .map(|(login, audit)| (*login, audit.estimate()))
            .collect()
    } else {
        proven.clone()
    };
    let effective = effective_seats(&input.users, input.plan, &people);
    let class = if effective == effective_seats(&input.users, input.plan, &proven) {
        EvidenceClass::Proven
    } else {
        EvidenceClass::Probable
    };
    let advice = advise(
        &work_of(input, &people, &actions),
        input.plan,
        &settings.catalog,
    );
    let findings = collect_findings(
        input,
        settings,
        now,
        &logins,
        &by_name,
        (&seats, &effective, class),
    );
    AuditOutcome {
        audited_at: now,
        logins,
        seats,
        effective,
        findings,
        advice,
    }
}

/// What every login's audit shares.
struct LoginContext<'a> {
    sessions: &'a [SessionRecord],
    actions: &'a HashMap<&'a str, Vec<&'a DutyAction>>,
    conflicts: &'a HashMap<&'a str, Vec<&'a SelfConflict>>,
    settings: &'a AuditSettings,
}

fn by_login<'a, T>(
    items: &'a [T],
    login: impl Fn(&'a T) -> &'a str,
) -> HashMap<&'a str, Vec<&'a T>> {
    let mut grouped: HashMap<&str, Vec<&T>> = HashMap::new();
    for item in items {
        grouped.entry(login(item)).or_default().push(item);
    }
    grouped
}

/// Logins are independent: split them over the machine's cores.
fn audit_logins(timelines: &[LoginTimeline<'_>], context: &LoginContext<'_>) -> Vec<LoginAudit> {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let workers = cores.min(timelines.len() / MIN_LOGINS_PER_WORKER).max(1);
    if workers == 1 {
        return timelines
            .iter()
            .map(|timeline| audit_login(timeline, context))
            .collect();
    }
    let chunk = timelines.len().div_ceil(workers);
    thread::scope(|scope| {
        let handles: Vec<_> = timelines
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|t| audit_login(t, context))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A worker only panics on a bug; re-raise it rather than return a partial audit.
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn audit_login(timeline: &LoginTimeline<'_>, context: &LoginContext<'_>) -> LoginAudit {
    let sessions = context.sessions;
    let settings = context.settings;
    let grace = settings.device_switch_grace_seconds;
    let no_actions = Vec::new();
    let actions = context.actions.get(timeline.login).unwrap_or(&no_actions);
    let no_conflicts = Vec::new();
    let conflicts = context
        .conflicts
        .get(timeline.login)
        .unwrap_or(&no_conflicts);
    let concurrency = concurrency::measure(timeline, sessions, grace);
    let travel = impossible_travel(timeline, sessions, settings.travel_limits());
    let duty = duty_spread(timeline, sessions, actions, grace);
    let self_conflicts = conflict_proofs(timeline, sessions, conflicts);
    let headcount = headcount(Signals {
        concurrency: &concurrency,
        travel: &travel,
        conflicts: &self_conflicts,
        duty: &duty,
    });
    let handover = handover::detect(timeline, sessions, &settings.handover, grace);
    LoginAudit {
        login: timeline.login.to_string(),
        sessions: timeline.spans.len() as u32,
        devices: timeline.devices.len() as u32,
        last_active_at: timeline.last_end().map(explain::instant),
        busy_days: busy_days(timeline, sessions, settings.spread_limits()),
        concurrency,
        travel,
        duty,
        self_conflicts,
        headcount,
        handover,
    }
}

/// The advisor's view of each active user.
fn work_of(
    input: &AuditInput,
    people: &HashMap<&str, u32>,
    actions: &HashMap<&str, Vec<&DutyAction>>,
) -> Vec<LoginWork> {
    input
        .users
        .iter()
        .filter(|user| user.active)
        .map(|user| LoginWork {
            login: user.login.clone(),
            role: user.role,
            people: people.get(user.login.as_str()).copied().unwrap_or(0),
            duties: actions
                .get(user.login.as_str())
                .map(|list| list.iter().map(|action| action.group).collect())
                .unwrap_or_default(),
        })
        .collect()
}

fn collect_findings(
    input: &AuditInput,
    settings: &AuditSettings,
    now: DateTime<Utc>,
    logins: &[LoginAudit],
    by_name: &HashMap<&str, &LoginAudit>,
    (seats, effective, class): (&SeatCount, &EffectiveSeats, EvidenceClass),
) -> Vec<FindingDraft> {
    let mut drafts: Vec<FindingDraft> = Vec::new();
    for audit in logins {
        drafts.extend(findings::shared_login(
            &audit.login,
            &audit.headcount,
            &audit.busy_days,
            audit.handover.as_ref(),
        ));
        drafts.extend(findings::impossible_travel(&audit.login, &audit.travel));
    }
    drafts.extend(findings::over_limit(seats, now));
    drafts.extend(findings::effective_over_limit(effective, seats, class, now));
    let users: HashMap<&str, &SeatUser> = input
        .users
        .iter()
        .map(|user| (user.login.as_str(), user))
        .collect();
    for login in &seats.billable_logins {
        let Some(user) = users.get(login.as_str()) else {
            continue;
        };
        let last_active = by_name
            .get(login.as_str())
            .and_then(|audit| audit.last_active_at);
        drafts.extend(findings::dormant_seat(
            user,
            last_active,
            now,
            settings.dormant_days,
        ));
    }
    drafts.sort_by(|a, b| (a.kind, &a.login).cmp(&(b.kind, &b.login)));
    drafts
}

#[cfg(test)]
mod handover_tests;
#[cfg(test)]
mod tests;
