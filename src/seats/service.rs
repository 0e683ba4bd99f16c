//! The seat auditor's operations: each one authorizes first, then acts in the caller's
//! transaction. `audit_now` and `import_now` are the unchecked cores the command line and the
//! demo call, the operator there holding the database itself.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

use super::advice::SeatAdvice;
use super::audit::{audit_company, AuditOutcome, AuditSettings};
use super::import::{ParsedImport, RowError};
use super::plans::{count_seats, effective_seats, EffectiveSeats, SeatCount};
use super::records::{AuditRunRow, FindingRow, FindingState, FindingView};
use super::settings::{authorize_settings_view, claim_settings_version, counts_probable_sharing};
use super::store::{self, FindingChanges, FindingFilter, FindingPageRequest};
use super::timeline::SessionRecord;
use super::SeatsError;
use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::clock::rfc3339;
use crate::config::Settings;
use crate::identity::companies::{find_company, lock_company};
use crate::identity::enforcement::EnforcementMode;
use crate::identity::Role;
use crate::paging::Page;
use crate::store::schema::companies;
use crate::store::{pacing, DbConnection};

/// Longest note a person may leave on a finding.
const MAX_NOTE_CHARS: usize = 2_000;

/// How the auditor runs: its tuning, the idle timeout that cuts imported sessions, and how
/// far back it looks.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    pub settings: AuditSettings,
    pub idle_timeout: TimeDelta,
    pub lookback: TimeDelta,
}

impl AuditConfig {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            settings: settings.seat_audit.clone(),
            idle_timeout: settings.session_idle_timeout,
            lookback: settings.audit_lookback,
        }
    }
}

/// What one audit run found and changed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditSummary {
    pub run_id: String,
    pub audited_at: String,
    pub sessions_audited: i64,
    pub logins_audited: i64,
    /// Billable seats against the plan (as in GET seats).
    #[schema(value_type = Object)]
    pub seats: SeatCount,
    /// People behind the billable logins against the plan.
    #[schema(value_type = Object)]
    pub effective: EffectiveSeats,
    #[schema(value_type = Object)]
    pub advice: SeatAdvice,
    pub changes: FindingChanges,
    /// Open sessions flagged as shared after this run.
    pub flagged_sessions: usize,
    /// The findings this run saw, as stored now.
    pub findings: Vec<FindingView>,
    /// Findings this run no longer saw over the lookback, which it resolved.
    pub resolved_by_audit: Vec<FindingView>,
}

/// What an audit computed from one snapshot of the company, before it is stored.
pub struct AuditSnapshot {
    company_id: String,
    now: NaiveDateTime,
    sessions_audited: usize,
    outcome: AuditOutcome,
}

/// Reads and computes the audit (admins): the first half of running it, which needs no write.
pub fn audit_snapshot(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    config: &AuditConfig,
) -> Result<AuditSnapshot, SeatsError> {
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(conn, actor, Action::RunAudit, &resource, Options::default())?;
    read_audit(conn, company_id, config)
}

/// Runs the audit now (admins), reading and storing in the caller's transaction.
pub fn run_audit(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    config: &AuditConfig,
) -> Result<AuditSummary, SeatsError> {
    let snapshot = audit_snapshot(conn, authz, actor, company_id, config)?;
    store_audit(conn, &snapshot, &actor.user_id)
}

/// Audits one company and stores what it found. Unchecked: callers authorize.
pub fn audit_now(
    conn: &mut DbConnection,
    company_id: &str,
    config: &AuditConfig,
    triggered_by: &str,
) -> Result<AuditSummary, SeatsError> {
    let snapshot = read_audit(conn, company_id, config)?;
    store_audit(conn, &snapshot, triggered_by)
}

/// Reads the audit's input and computes its outcome. Unchecked: callers authorize.
pub fn read_audit(
    conn: &mut DbConnection,
    company_id: &str,
    config: &AuditConfig,
) -> Result<AuditSnapshot, SeatsError> {
    let company = find_company(conn, company_id)?;
    let now = crate::clock::now();
    let input =
        store::load_audit_input(conn, &company, now - config.lookback, config.idle_timeout)?;
    // One long computation: in a read on a snapshot, it too waits for the writes in flight.
    let outcome = pacing::step(|| audit_company(&input, &config.settings, now.and_utc()));
    Ok(AuditSnapshot {
        company_id: company_id.to_owned(),
        now,
        sessions_audited: input.sessions.len(),
        outcome,
    })
}

/// Stores what an audit found: findings, session flags and the run. Unchecked: callers
/// authorize.
pub fn store_audit(
    conn: &mut DbConnection,
    snapshot: &AuditSnapshot,
    triggered_by: &str,
) -> Result<AuditSummary, SeatsError> {
    let AuditSnapshot {
        company_id,
        now,
        sessions_audited,
        outcome,
    } = snapshot;
    let (company_id, now) = (company_id.as_str(), *now);
    let changes = store::save_findings(conn, company_id, &outcome.findings, now)?;
    let flagged_sessions = store::sync_flags(conn, company_id)?;
    let prints: Vec<&str> = outcome
        .findings
        .iter()
        .map(|draft| draft.fingerprint.as_str())
        .collect();
    let findings = store::findings_by_fingerprint(conn, company_id, &prints)?;
    let resolved_by_audit =
        store::findings_by_fingerprint(conn, company_id, &changes.resolved_by_audit())?;
    let open = findings.iter().filter(|row| !row.is_resolved()).count();
    let run = AuditRunRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        ran_at: now,
        triggered_by: triggered_by.to_owned(),
        sessions_audited: count(*sessions_audited),
        logins_audited: count(outcome.logins.len()),
        findings_open: count(open),
        summary: serde_json::json!({
            "seats": outcome.seats,
            "effective": outcome.effective,
            "advice": outcome.advice,
            "changes": changes,
        })
        .to_string(),
    };
    store::record_run(conn, &run)?;
    Ok(AuditSummary {
        run_id: run.id,
        audited_at: rfc3339(now),
        sessions_audited: run.sessions_audited,
        logins_audited: run.logins_audited,
        seats: outcome.seats.clone(),
        effective: outcome.effective.clone(),
        advice: outcome.advice.clone(),
        changes,
        flagged_sessions,
        findings: findings.into_iter().map(FindingView::from).collect(),
        resolved_by_audit: resolved_by_audit
            .into_iter()
            .map(FindingView::from)
            .collect(),
    })
}

fn count(items: usize) -> i64 {
    i64::try_from(items).unwrap_or(i64::MAX)
}

/// Seats against the plan, with the people the last audit proved behind the billable logins.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeatsView {
    pub plan: String,
    pub limit: u32,
    pub billable_total: u32,
    #[schema(value_type = Object)]
    pub billable_by_role: BTreeMap<Role, u32>,
    #[schema(value_type = Object)]
    pub free_by_role: BTreeMap<Role, u32>,
    pub accountants: AccountantSeats,
    /// Billable users minus the limit; negative means seats left.
    pub over_by: i64,
    pub over_limit: bool,
    pub external_billable: u32,
    pub billable_logins: Vec<String>,
    /// Active users whose free role the plan does not admit.
    pub not_allowed_on_plan: Vec<String>,
    /// People behind the billable logins (a proven lower bound from unresolved shared-login
    /// findings, at least one per login; with `count_probable_sharing`, their estimates).
    pub estimated_people: u32,
    /// Estimated people minus the limit.
    pub effective_over_by: i64,
    #[schema(value_type = Object)]
    pub shared_logins: BTreeMap<String, u32>,
    pub last_audit_at: Option<String>,
    /// Whether the company counts probable (hand-over) sharing in these figures.
    pub count_probable_sharing: bool,
}

/// Accountant users per ROLES.md: free up to the plan's allowance, billable beyond.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountantSeats {
    pub total: u32,
    pub free_allowance: u32,
    pub free: u32,
    pub billable: u32,
}

pub fn seats(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<SeatsView, SeatsError> {
    let resource = Resource::company_wide(ResourceKind::AuditData, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ViewSeats,
        &resource,
        Options::default(),
    )?;
    let company = find_company(conn, company_id)?;
    let plan = store::seat_plan(&company);
    let users = store::seat_users(&store::company_users(conn, company_id)?);
    let seats = count_seats(&users, plan);
    let count_probable_sharing = counts_probable_sharing(conn, company_id)?;
    let headcounts = store::unresolved_headcounts(conn, company_id, count_probable_sharing)?;
    let people: HashMap<&str, u32> = headcounts
        .iter()
        .map(|(login, people)| (login.as_str(), *people))
        .collect();
    let effective = effective_seats(&users, plan, &people);
    let accountants_total = users
        .iter()
        .filter(|user| user.active && user.role == Role::Accountant)
        .count() as u32;
    Ok(SeatsView {
        plan: seats.plan.as_str().to_owned(),
        limit: seats.limit,
        billable_total: seats.billable_total,
        accountants: AccountantSeats {
            total: accountants_total,
            free_allowance: plan.free_accountants(),
            free: accountants_total - seats.accountants_billable,
            billable: seats.accountants_billable,
        },
        over_by: seats.over_by,
        over_limit: seats.over_by > 0,
        external_billable: seats.external_billable,
        billable_by_role: seats.billable_by_role,
        free_by_role: seats.free_by_role,
        billable_logins: seats.billable_logins,
        not_allowed_on_plan: seats.not_allowed_on_plan,
        estimated_people: effective.people,
        effective_over_by: effective.over_by,
        shared_logins: effective.shared_logins,
        last_audit_at: store::last_run_at(conn, company_id)?.map(rfc3339),
        count_probable_sharing,
    })
}

/// The advice of an audit of the data as it is now; nothing is stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeatAdviceView {
    pub audited_at: String,
    /// current_plan, people_observed, recommended_plan, billable_needed, role_mix, splits,
    /// reasons...
    #[schema(value_type = Object)]
    pub advice: SeatAdvice,
}

pub fn seat_advice(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    config: &AuditConfig,
) -> Result<SeatAdviceView, SeatsError> {
    let resource = Resource::company_wide(ResourceKind::AuditData, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ViewSeats,
        &resource,
        Options::default(),
    )?;
    let audit = read_audit(conn, company_id, config)?;
    Ok(SeatAdviceView {
        audited_at: rfc3339(audit.now),
        advice: audit.outcome.advice,
    })
}

fn findings_resource(company_id: &str, finding_id: &str) -> Resource {
    Resource::new(ResourceKind::Finding, finding_id, company_id)
}

pub fn list_findings(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    filter: FindingFilter,
    request: &FindingPageRequest,
) -> Result<Page<FindingRow>, SeatsError> {
    let resource = findings_resource(company_id, "all");
    authz.authorize(
        conn,
        actor,
        Action::ViewFindings,
        &resource,
        Options::default(),
    )?;
    Ok(store::list_findings(conn, company_id, filter, request)?)
}

pub fn get_finding(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    finding_id: &str,
) -> Result<FindingRow, SeatsError> {
    let resource = findings_resource(company_id, finding_id);
    authz.authorize(
        conn,
        actor,
        Action::ViewFindings,
        &resource,
        Options::default(),
    )?;
    store::find_finding(conn, company_id, finding_id)?.ok_or(SeatsError::NotFound)
}

/// A finding with the sessions of its login on one day, for its timeline.
#[derive(Debug, Clone)]
pub struct FindingDay {
    pub finding: FindingRow,
    pub day: NaiveDate,
    pub sessions: Vec<SessionRecord>,
}

/// A finding and its login's sessions on `day`: by default the day its strongest proof is
/// about, so that the picture shows what its words say, else the day it was last seen.
pub fn finding_day(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    finding_id: &str,
    day: Option<NaiveDate>,
    idle_timeout: TimeDelta,
) -> Result<FindingDay, SeatsError> {
    let finding = get_finding(conn, authz, actor, company_id, finding_id)?;
    let day = day
        .or_else(|| proof_day(&finding))
        .unwrap_or(finding.last_seen.date());
    let from = day.and_time(NaiveTime::MIN);
    let sessions = match &finding.login {
        Some(login) => store::login_sessions(
            conn,
            company_id,
            login,
            (from, from + TimeDelta::days(1)),
            idle_timeout,
        )?,
        None => Vec::new(),
    };
    Ok(FindingDay {
        finding,
        day,
        sessions,
    })
}

fn proof_day(finding: &FindingRow) -> Option<NaiveDate> {
    let evidence: serde_json::Value = serde_json::from_str(&finding.evidence).ok()?;
    let strongest = evidence["proofs"]
        .as_array()?
        .iter()
        .rev()
        .max_by_key(|proof| proof["people"].as_u64())?;
    [
        "/window/start",
        "/overlap/start",
        "/conflict/at",
        "/pair/from/at",
    ]
    .iter()
    .find_map(|pointer| strongest.pointer(pointer)?.as_str())
    .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
    .map(|at| at.date_naive())
}

/// A person's change of a finding's state, from the version they saw.
#[derive(Debug, Clone)]
pub struct StateChange {
    pub state: FindingState,
    pub note: Option<String>,
    pub expected_version: i64,
}

/// Acknowledges, resolves (a note is required) or reopens a finding. Resolving a shared
/// login clears its sessions' flag; reopening sets it again.
pub fn change_finding_state(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    finding_id: &str,
    change: StateChange,
) -> Result<FindingRow, SeatsError> {
    let resource = findings_resource(company_id, finding_id);
    authz.authorize(
        conn,
        actor,
        Action::UpdateFinding,
        &resource,
        Options::default(),
    )?;
    let stored = store::find_finding(conn, company_id, finding_id)?.ok_or(SeatsError::NotFound)?;
    let conflict = |current: FindingRow| SeatsError::Conflict {
        expected: change.expected_version,
        current: Box::new(current.into()),
    };
    if stored.version != change.expected_version {
        return Err(conflict(stored));
    }
    let note = parse_note(change.state, change.note)?;
    if stored.state == change.state.as_str() && note.is_none() {
        return Ok(stored);
    }
    let now = crate::clock::now();
    let resolved = change.state == FindingState::Resolved;
    let mut next = stored.clone();
    next.state = change.state.as_str().to_owned();
    next.resolved_by = resolved.then(|| actor.user_id.clone());
    next.resolution_note = note;
    next.state_changed_by = Some(actor.user_id.clone());
    next.state_changed_at = Some(now);
    next.version = stored.version + 1;
    if store::write_finding(conn, &next, stored.version)? == 0 {
        let current = store::find_finding(conn, company_id, finding_id)?;
        return Err(current.map_or(SeatsError::NotFound, conflict));
    }
    if let (true, Some(login)) = (
        next.kind == super::findings::FindingKind::SharedLogin.as_str(),
        &next.login,
    ) {
        store::set_login_flag(conn, company_id, login, !resolved && next.is_proven())?;
    }
    Ok(next)
}

/// Resolving needs a note saying why; any note is trimmed and bounded.
fn parse_note(state: FindingState, note: Option<String>) -> Result<Option<String>, SeatsError> {
    let note = note
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    match &note {
        None if state == FindingState::Resolved => Err(SeatsError::Invalid {
            field: "note",
            problem: "is required to resolve a finding: say what was done".into(),
        }),
        Some(text) if text.chars().count() > MAX_NOTE_CHARS => Err(SeatsError::Invalid {
            field: "note",
            problem: format!("must have at most {MAX_NOTE_CHARS} characters"),
        }),
        Some(text) if crate::text::has_control_characters(text) => Err(SeatsError::Invalid {
            field: "note",
            problem: crate::text::CONTROL_CHARACTERS.into(),
        }),
        _ => Ok(note),
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub received: usize,
    /// Valid rows stored now.
    pub imported: usize,
    /// Valid rows already stored by an earlier import.
    pub duplicates: usize,
    /// Rows left out; `errors` says why.
    pub rejected: usize,
    /// Logins that became external users.
    pub users_created: Vec<String>,
    pub errors: Vec<RowError>,
}

pub fn import_session_events(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    parsed: ParsedImport,
) -> Result<ImportReport, SeatsError> {
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ImportSessionEvents,
        &resource,
        Options::default(),
    )?;
    import_now(conn, company_id, parsed)
}

/// Stores the valid rows and creates their unknown logins. Unchecked: callers authorize.
pub fn import_now(
    conn: &mut DbConnection,
    company_id: &str,
    parsed: ParsedImport,
) -> Result<ImportReport, SeatsError> {
    // Imports of one company queue here, so two cannot both create the same login.
    lock_company(conn, company_id)?;
    let now = crate::clock::now();
    let mut roles: BTreeMap<String, Role> = BTreeMap::new();
    for imported in &parsed.events {
        let role = roles
            .entry(imported.event.login.clone())
            .or_insert(Role::StandardAll);
        if let Some(given) = imported.role {
            *role = given;
        }
    }
    let users_created = store::create_external_users(conn, company_id, &roles, now)?;
    let events: Vec<_> = parsed.events.iter().map(|e| e.event.clone()).collect();
    let imported = store::insert_events(conn, company_id, &events, now)?;
    let rejected = parsed
        .errors
        .iter()
        .map(|error| error.row)
        .collect::<BTreeSet<_>>()
        .len();
    Ok(ImportReport {
        received: events.len() + rejected,
        imported,
        duplicates: events.len() - imported,
        rejected,
        users_created,
        errors: parsed.errors,
    })
}

/// The company's enforcement mode for concurrent sessions, with the version of the company
/// settings it belongs to.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct EnforcementView {
    /// monitor, deny_new, terminate_oldest or enforce
    pub mode: String,
    pub version: i64,
}

pub fn enforcement(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<EnforcementView, SeatsError> {
    authorize_settings_view(conn, authz, actor, company_id)?;
    current_enforcement(conn, company_id)
}

fn current_enforcement(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<EnforcementView, SeatsError> {
    let company = find_company(conn, company_id)?;
    Ok(EnforcementView {
        mode: company.enforcement_mode,
        version: company.version,
    })
}

pub fn set_enforcement(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    mode: EnforcementMode,
    expected_version: i64,
) -> Result<EnforcementView, SeatsError> {
    let claimed = claim_settings_version(conn, authz, actor, company_id, expected_version)?;
    if claimed {
        diesel::update(companies::table.find(company_id))
            .set(companies::enforcement_mode.eq(mode.as_str()))
            .execute(conn)?;
    }
    let current = current_enforcement(conn, company_id)?;
    if !claimed {
        return Err(SeatsError::SettingsConflict {
            expected: expected_version,
            current,
        });
    }
    Ok(current)
}
