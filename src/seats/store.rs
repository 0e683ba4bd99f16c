//! The seat auditor's storage: its inputs read from the service's tables, findings upserted
//! by fingerprint, imported events, external logins and the sessions' shared-login flags.
//! Every function takes the caller's connection, so it runs inside the caller's transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::audit::AuditInput;
use super::conflicts::SelfConflict;
use super::duty::{DutyAction, DutyGroup};
use super::findings::{EvidenceClass, FindingDraft, FindingKind};
use super::plans::{SeatPlan, SeatUser};
use super::records::{
    evidence_class, headcount_estimate, AuditRunRow, FindingRow, FindingState, SessionEventRow,
    ESTIMATE_KEY, EVIDENCE_CLASS_KEY, RESOLVED_BY_AUDIT,
};
use super::time_pages::{self, page_end, within};
use super::timeline::{sessions_from_events, EventKind, SessionRecord, SignInEvent};
use crate::authz::Action;
use crate::identity::models::{status, CompanyRow, UserRow};
use crate::identity::{Plan, Role};
use crate::paging::{Page, SortedPageRequest};
use crate::store::schema::{
    audit_runs, companies, decisions, findings, self_conflicts, session_events, sessions, users,
};
use crate::store::{pacing, DbConnection};

/// Rows per insert statement: 13 columns stay far below both backends' parameter limits.
const INSERT_CHUNK_ROWS: usize = 1_000;

/// The writes of the books that tell which duty a session was doing, and timesheets, which
/// tell the advisor a person needs a time-tracking role at least.
const DUTY_ACTIONS: [(Action, DutyGroup); 23] = [
    (Action::CreateCustomer, DutyGroup::Sales),
    (Action::UpdateCustomer, DutyGroup::Sales),
    (Action::CreateEstimate, DutyGroup::Sales),
    (Action::UpdateEstimate, DutyGroup::Sales),
    (Action::ConvertEstimate, DutyGroup::Sales),
    (Action::CreateInvoice, DutyGroup::Sales),
    (Action::UpdateInvoice, DutyGroup::Sales),
    (Action::SendInvoice, DutyGroup::Sales),
    (Action::VoidInvoice, DutyGroup::Sales),
    (Action::ReceivePayment, DutyGroup::Sales),
    (Action::CreateVendor, DutyGroup::Purchases),
    (Action::UpdateVendor, DutyGroup::Purchases),
    (Action::CreateBill, DutyGroup::Purchases),
    (Action::UpdateBill, DutyGroup::Purchases),
    (Action::ApproveBill, DutyGroup::Purchases),
    (Action::PayBill, DutyGroup::Purchases),
    (Action::PostJournalEntry, DutyGroup::Accounting),
    (Action::ReverseJournalEntry, DutyGroup::Accounting),
    (Action::CreateAccount, DutyGroup::Accounting),
    (Action::UpdateAccount, DutyGroup::Accounting),
    (Action::SetClosingDate, DutyGroup::Accounting),
    (Action::CreateTimesheet, DutyGroup::Time),
    (Action::UpdateTimesheet, DutyGroup::Time),
];

/// The duty group of an action of the decision log, if it is one the auditor reads.
pub fn duty_group(action_name: &str) -> Option<DutyGroup> {
    DUTY_ACTIONS
        .iter()
        .find(|(action, _)| action.name() == action_name)
        .map(|(_, group)| *group)
}

pub fn seat_plan(company: &CompanyRow) -> SeatPlan {
    let plan = Plan::parse(&company.plan).unwrap_or(Plan::Custom);
    SeatPlan::new(plan, company.custom_seat_limit)
}

/// The company's users, oldest first (the order decides which accountants are free).
pub fn company_users(conn: &mut DbConnection, company_id: &str) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::company_id.eq(company_id))
        .order((users::created_at.asc(), users::id.asc()))
        .select(UserRow::as_select())
        .load(conn)
}

/// Users as seat counting sees them: disabled users hold no seat; invited and external ones do.
pub fn seat_users(rows: &[UserRow]) -> Vec<SeatUser> {
    rows.iter()
        .map(|user| SeatUser {
            login: user.email.clone(),
            role: Role::parse(&user.role).unwrap_or(Role::StandardAll),
            active: user.status != status::DISABLED,
            external: user.status == status::EXTERNAL,
            created_at: Some(user.created_at.and_utc()),
        })
        .collect()
}

/// What the audit of one company reads: activity since `since`; imported events become
/// sessions with the service's idle timeout.
pub fn load_audit_input(
    conn: &mut DbConnection,
    company: &CompanyRow,
    since: NaiveDateTime,
    idle_timeout: TimeDelta,
) -> QueryResult<AuditInput> {
    let users = company_users(conn, &company.id)?;
    let logins: HashMap<&str, &str> = users
        .iter()
        .map(|user| (user.id.as_str(), user.email.as_str()))
        .collect();
    let mut sessions = native_sessions(conn, &company.id, &logins, since)?;
    sessions.extend(imported_sessions(conn, &company.id, since, idle_timeout)?);
    Ok(AuditInput {
        plan: seat_plan(company),
        users: seat_users(&users),
        sessions,
        duty_actions: duty_actions(conn, &company.id, &logins, since)?,
        self_conflicts: recorded_self_conflicts(conn, &company.id, &logins, since)?,
        count_probable_sharing: super::settings::counts_probable_sharing(conn, &company.id)?,
    })
}

type NativeSession = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

fn native_sessions(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &HashMap<&str, &str>,
    since: NaiveDateTime,
) -> QueryResult<Vec<SessionRecord>> {
    let rows: Vec<NativeSession> = sessions::table
        .filter(sessions::company_id.eq(company_id))
        .filter(sessions::last_seen_at.ge(since))
        .select((
            sessions::id,
            sessions::user_id,
            sessions::device_id,
            sessions::ip,
            sessions::user_agent,
            sessions::created_at,
            sessions::last_seen_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let login = *logins.get(row.1.as_str())?;
            Some(native_record(row, login))
        })
        .collect())
}

fn native_record(
    (id, _user_id, device, ip, user_agent, created, seen): NativeSession,
    login: &str,
) -> SessionRecord {
    SessionRecord {
        session_id: id,
        login: login.to_owned(),
        device,
        ip,
        user_agent,
        started_at: created.and_utc(),
        last_active_at: seen.and_utc(),
        location: None,
        country: None,
    }
}

type StoredEvent = (
    String,
    String,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<String>,
);

fn imported_sessions(
    conn: &mut DbConnection,
    company_id: &str,
    since: NaiveDateTime,
    idle_timeout: TimeDelta,
) -> QueryResult<Vec<SessionRecord>> {
    let company_events = || {
        session_events::table
            .filter(session_events::company_id.eq(company_id))
            .into_boxed()
    };
    let rows: Vec<StoredEvent> = time_pages::read_by_time(
        conn,
        since,
        |conn, lower| page_end!(conn, company_events(), session_events::occurred_at, lower),
        |conn, window| {
            within!(company_events(), session_events::occurred_at, window)
                .select((
                    session_events::login,
                    session_events::event,
                    session_events::occurred_at,
                    session_events::ip,
                    session_events::user_agent,
                    session_events::device_id,
                    session_events::latitude,
                    session_events::longitude,
                    session_events::country,
                ))
                .load(conn)
        },
    )?;
    Ok(pacing::step(|| {
        sessions_from_events(&sign_in_events(rows), idle_timeout).0
    }))
}

fn sign_in_events(rows: Vec<StoredEvent>) -> Vec<SignInEvent> {
    rows.into_iter()
        .filter_map(
            |(login, event, time, ip, agent, device, lat, lon, country)| {
                Some(SignInEvent {
                    login,
                    event: EventKind::parse(&event)?,
                    time: time.and_utc(),
                    ip,
                    user_agent: agent,
                    device_id: device,
                    latitude: lat,
                    longitude: lon,
                    country,
                })
            },
        )
        .collect()
}

/// The sessions of one login that overlap `[from, to)`, native and imported, for the finding
/// page's timeline. Imported events are read from `idle_timeout` before `from`, so a session
/// already open at `from` is rebuilt whole.
pub fn login_sessions(
    conn: &mut DbConnection,
    company_id: &str,
    login: &str,
    (from, to): (NaiveDateTime, NaiveDateTime),
    idle_timeout: TimeDelta,
) -> QueryResult<Vec<SessionRecord>> {
    let user_ids: Vec<String> = users::table
        .filter(users::company_id.eq(company_id))
        .filter(users::email.eq(login))
        .select(users::id)
        .load(conn)?;
    let native: Vec<NativeSession> = sessions::table
        .filter(sessions::company_id.eq(company_id))
        .filter(sessions::user_id.eq_any(&user_ids))
        .filter(sessions::created_at.lt(to))
        .filter(sessions::last_seen_at.ge(from))
        .select((
            sessions::id,
            sessions::user_id,
            sessions::device_id,
            sessions::ip,
            sessions::user_agent,
            sessions::created_at,
            sessions::last_seen_at,
        ))
        .load(conn)?;
    let mut found: Vec<SessionRecord> = native
        .into_iter()
        .map(
            |(id, _, device, ip, user_agent, created, seen)| SessionRecord {
                session_id: id,
                login: login.to_owned(),
                device,
                ip,
                user_agent,
                started_at: created.and_utc(),
                last_active_at: seen.and_utc(),
                location: None,
                country: None,
            },
        )
        .collect();
    let rows: Vec<StoredEvent> = session_events::table
        .filter(session_events::company_id.eq(company_id))
        .filter(session_events::login.eq(login))
        .filter(session_events::occurred_at.ge(from - idle_timeout))
        .filter(session_events::occurred_at.lt(to))
        .select((
            session_events::login,
            session_events::event,
            session_events::occurred_at,
            session_events::ip,
            session_events::user_agent,
            session_events::device_id,
            session_events::latitude,
            session_events::longitude,
            session_events::country,
        ))
        .load(conn)?;
    let (from_utc, to_utc) = (from.and_utc(), to.and_utc());
    found.extend(
        sessions_from_events(&sign_in_events(rows), idle_timeout)
            .0
            .into_iter()
            .filter(|session| session.last_active_at >= from_utc && session.started_at < to_utc),
    );
    Ok(found)
}

/// `action IN (...)` over `DUTY_ACTIONS`, as literal SQL: the predicate of the partial index
/// `decisions_duty_actions`, which neither planner uses for a list of bound parameters.
static DUTY_ACTIONS_PREDICATE: LazyLock<String> = LazyLock::new(|| {
    let names: Vec<String> = DUTY_ACTIONS
        .iter()
        .map(|(action, _)| format!("'{}'", action.name()))
        .collect();
    format!("action IN ({})", names.join(", "))
});

/// The duty actions of the lookback, read along their own index: the decision log's reads,
/// most of it, are never walked.
fn duty_actions(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &HashMap<&str, &str>,
    since: NaiveDateTime,
) -> QueryResult<Vec<DutyAction>> {
    let company_duties = || {
        decisions::table
            .filter(decisions::company_id.eq(company_id))
            .filter(sql::<Bool>(&DUTY_ACTIONS_PREDICATE))
            .into_boxed()
    };
    let rows: Vec<(Option<String>, Option<String>, String, NaiveDateTime)> =
        time_pages::read_by_time(
            conn,
            since,
            |conn, lower| page_end!(conn, company_duties(), decisions::decided_at, lower),
            |conn, window| {
                within!(company_duties(), decisions::decided_at, window)
                    .filter(decisions::decision.eq("allow"))
                    .filter(decisions::session_id.is_not_null())
                    .select((
                        decisions::user_id,
                        decisions::session_id,
                        decisions::action,
                        decisions::decided_at,
                    ))
                    .load(conn)
            },
        )?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, session_id, action, at)| {
            Some(DutyAction {
                login: (*logins.get(user_id?.as_str())?).to_owned(),
                session_id: session_id?,
                at: at.and_utc(),
                group: duty_group(&action)?,
            })
        })
        .collect())
}

type ConflictRow = (String, String, String, String, String, NaiveDateTime);

fn recorded_self_conflicts(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &HashMap<&str, &str>,
    since: NaiveDateTime,
) -> QueryResult<Vec<SelfConflict>> {
    let rows: Vec<ConflictRow> = self_conflicts::table
        .filter(self_conflicts::company_id.eq(company_id))
        .filter(self_conflicts::occurred_at.ge(since))
        .select((
            self_conflicts::user_id,
            self_conflicts::record_type,
            self_conflicts::record_id,
            self_conflicts::losing_session_id,
            self_conflicts::winning_session_id,
            self_conflicts::occurred_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, kind, record_id, losing, winning, at)| {
            Some(SelfConflict {
                login: (*logins.get(user_id.as_str())?).to_owned(),
                at: at.and_utc(),
                session_a: losing,
                session_b: winning,
                record: format!("{kind}:{record_id}"),
            })
        })
        .collect())
}

/// What one audit did to the stored findings. The counts are the run's summary; the
/// transitions name each finding whose state or content changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FindingChanges {
    pub opened: u32,
    pub updated: u32,
    pub reopened: u32,
    pub unchanged: u32,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingTransition {
    pub finding_id: String,
    pub fingerprint: String,
    pub transition: Transition,
    /// Severity before the audit (None for a new finding) and after it.
    pub previous_severity: Option<String>,
    pub severity: String,
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
            finding_id: row.id.clone(),
            fingerprint: row.fingerprint.clone(),
            transition,
            previous_severity: previous.map(|stored| stored.severity.clone()),
            severity: row.severity.clone(),
        });
    }

    /// Fingerprints the audit resolved because it no longer produced them.
    pub fn resolved_by_audit(&self) -> Vec<&str> {
        self.transitions
            .iter()
            .filter(|t| t.transition == Transition::Resolved)
            .map(|t| t.fingerprint.as_str())
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
            crate::alerts::on_finding_written(conn, None, &row)?;
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
        crate::alerts::on_finding_written(conn, Some(&stored), &next)?;
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
        next.state = FindingState::Resolved.as_str().to_owned();
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
        severity: draft.severity.as_str().to_owned(),
        state: FindingState::Open.as_str().to_owned(),
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
    next.severity = draft.severity.as_str().to_owned();
    next.headcount = i64::from(draft.headcount);
    next.evidence = stored_evidence(draft);
    next.first_seen = stored.first_seen.min(draft.first_seen.naive_utc());
    next.last_seen = stored.last_seen.max(draft.last_seen.naive_utc());
    next.version = stored.version + 1;
    if reopen {
        // The auditor reopens: the resolution no longer holds, so it no longer shows.
        next.state = FindingState::Open.as_str().to_owned();
        next.state_changed_at = Some(now);
        next.state_changed_by = None;
        next.resolved_by = None;
        next.resolution_note = None;
    }
    next
}

fn same_content(a: &FindingRow, b: &FindingRow) -> bool {
    (
        &a.severity,
        a.headcount,
        &a.evidence,
        a.first_seen,
        a.last_seen,
    ) == (
        &b.severity,
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
            findings::severity.eq(&row.severity),
            findings::state.eq(&row.state),
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

/// Flags the sessions of every login with an unresolved, proven shared-login finding, and
/// clears the flag of logins whose finding was resolved or is only probable: under `enforce` a
/// flag costs writes, which a probability must not. Returns the open sessions now flagged.
pub fn sync_flags(conn: &mut DbConnection, company_id: &str) -> QueryResult<usize> {
    let shared: Vec<(Option<String>, String, String)> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::kind.eq(FindingKind::SharedLogin.as_str()))
        .select((findings::login, findings::state, findings::evidence))
        .load(conn)?;
    let (mut flagged, mut cleared) = (BTreeSet::new(), BTreeSet::new());
    for (login, state, evidence) in shared {
        let Some(login) = login else { continue };
        let unresolved = state != FindingState::Resolved.as_str()
            && evidence_class(&evidence) == EvidenceClass::Proven;
        if unresolved {
            flagged.insert(login);
        } else {
            cleared.insert(login);
        }
    }
    cleared.retain(|login| !flagged.contains(login));
    // Two statements for all the logins, not two per login: this runs on the writer's thread.
    set_logins_flag(conn, company_id, &cleared, false)?;
    set_logins_flag(conn, company_id, &flagged, true)
}

/// Sets the shared-login flag on the open sessions of a login (clearing reaches every session).
pub fn set_login_flag(
    conn: &mut DbConnection,
    company_id: &str,
    login: &str,
    flagged: bool,
) -> QueryResult<usize> {
    set_logins_flag(
        conn,
        company_id,
        &BTreeSet::from([login.to_owned()]),
        flagged,
    )
}

/// `set_login_flag` for several logins at once; the count is of the sessions updated.
fn set_logins_flag(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &BTreeSet<String>,
    flagged: bool,
) -> QueryResult<usize> {
    if logins.is_empty() {
        return Ok(0);
    }
    let holders = users::table
        .filter(users::company_id.eq(company_id))
        .filter(users::email.eq_any(logins))
        .select(users::id);
    let targets = sessions::table
        .filter(sessions::company_id.eq(company_id))
        .filter(sessions::user_id.eq_any(holders));
    if flagged {
        diesel::update(targets.filter(sessions::ended_at.is_null()))
            .set(sessions::flagged.eq(true))
            .execute(conn)
    } else {
        diesel::update(targets.filter(sessions::flagged.eq(true)))
            .set(sessions::flagged.eq(false))
            .execute(conn)
    }
}

/// Whether the login carries a proven shared-login finding nobody resolved yet.
pub fn shared_login_unresolved(
    conn: &mut DbConnection,
    company_id: &str,
    login: &str,
) -> QueryResult<bool> {
    let fingerprint = super::findings::fingerprint(FindingKind::SharedLogin, Some(login));
    let evidence: Vec<String> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::fingerprint.eq(fingerprint))
        .filter(findings::state.ne(FindingState::Resolved.as_str()))
        .select(findings::evidence)
        .load(conn)?;
    Ok(evidence
        .iter()
        .any(|text| evidence_class(text) == EvidenceClass::Proven))
}

/// People behind each login with an unresolved shared-login finding: the proven lower bound,
/// or the estimate when the company counts probable sharing.
pub fn unresolved_headcounts(
    conn: &mut DbConnection,
    company_id: &str,
    count_probable: bool,
) -> QueryResult<HashMap<String, u32>> {
    let rows: Vec<(Option<String>, i64, String)> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::kind.eq(FindingKind::SharedLogin.as_str()))
        .filter(findings::state.ne(FindingState::Resolved.as_str()))
        .select((findings::login, findings::headcount, findings::evidence))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(login, proven, evidence)| {
            let people = if count_probable {
                headcount_estimate(&evidence, proven)
            } else {
                proven
            };
            Some((login?, u32::try_from(people).unwrap_or(0)))
        })
        .collect())
}

/// Filters of a findings listing; absent means any.
#[derive(Debug, Clone, Copy, Default)]
pub struct FindingFilter {
    pub state: Option<FindingState>,
    pub kind: Option<FindingKind>,
    pub severity: Option<super::findings::Severity>,
}

diesel::define_sql_function! {
    fn coalesce(value: diesel::sql_types::Nullable<diesel::sql_types::Text>, otherwise: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Which page of the findings: sorted by kind, login (none first) and id.
pub type FindingPageRequest = SortedPageRequest<3>;

/// A page of the company's findings, by kind, then login, then id.
pub fn list_findings(
    conn: &mut DbConnection,
    company_id: &str,
    filter: FindingFilter,
    request: &FindingPageRequest,
) -> QueryResult<Page<FindingRow>> {
    let mut query = findings::table
        .filter(findings::company_id.eq(company_id))
        .into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(findings::state.eq(state.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(findings::kind.eq(kind.as_str()));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(findings::severity.eq(severity.as_str()));
    }
    // Both backends sort a missing login the same way: as an empty one.
    let login = || coalesce(findings::login, "");
    if let Some([kind, after_login, id]) = request.after.clone() {
        query = query.filter(
            findings::kind
                .gt(kind.clone())
                .or(findings::kind
                    .eq(kind.clone())
                    .and(login().gt(after_login.clone())))
                .or(findings::kind
                    .eq(kind)
                    .and(login().eq(after_login))
                    .and(findings::id.gt(id))),
        );
    }
    let rows = query
        .order((findings::kind.asc(), login().asc(), findings::id.asc()))
        .limit(request.fetch())
        .select(FindingRow::as_select())
        .load(conn)?;
    let keys = |row: &FindingRow| {
        let login = row.login.clone().unwrap_or_default();
        vec![row.kind.clone(), login, row.id.clone()]
    };
    Ok(Page::cut(rows, request.limit, keys, |row| row))
}

pub fn find_finding(
    conn: &mut DbConnection,
    company_id: &str,
    finding_id: &str,
) -> QueryResult<Option<FindingRow>> {
    findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::id.eq(finding_id))
        .select(FindingRow::as_select())
        .get_result(conn)
        .optional()
}

/// The stored findings of the given fingerprints, in the order given.
/// Every finding of the company not yet resolved, whatever their number: the daily digest
/// sums them all up.
pub fn unresolved_findings(
    conn: &mut DbConnection,
    company_id: &str,
) -> QueryResult<Vec<FindingRow>> {
    findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::state.ne(FindingState::Resolved.as_str()))
        .select(FindingRow::as_select())
        .load(conn)
}

pub fn findings_by_fingerprint(
    conn: &mut DbConnection,
    company_id: &str,
    fingerprints: &[&str],
) -> QueryResult<Vec<FindingRow>> {
    let mut rows: HashMap<String, FindingRow> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::fingerprint.eq_any(fingerprints))
        .select(FindingRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| (row.fingerprint.clone(), row))
        .collect();
    Ok(fingerprints
        .iter()
        .filter_map(|print| rows.remove(*print))
        .collect())
}

pub fn record_run(conn: &mut DbConnection, run: &AuditRunRow) -> QueryResult<usize> {
    diesel::insert_into(audit_runs::table)
        .values(run)
        .execute(conn)
}

pub fn last_run_at(
    conn: &mut DbConnection,
    company_id: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    audit_runs::table
        .filter(audit_runs::company_id.eq(company_id))
        .select(diesel::dsl::max(audit_runs::ran_at))
        .get_result(conn)
}

/// Every company, oldest first (the command line audits them all).
pub fn company_ids(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    companies::table
        .order((companies::created_at.asc(), companies::id.asc()))
        .select(companies::id)
        .load(conn)
}

/// Adds the logins no user of the company has yet, as external users with their role: they
/// hold seats as the other app counts them, and cannot sign in here. Returns their emails.
pub fn create_external_users(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &BTreeMap<String, Role>,
    now: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    let known: HashSet<String> = users::table
        .filter(users::company_id.eq(company_id))
        .select(users::email)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut created = Vec::new();
    for (login, role) in logins.iter().filter(|(l, _)| !known.contains(*l)) {
        let user = UserRow {
            id: uuid::Uuid::now_v7().to_string(),
            company_id: company_id.to_owned(),
            email: login.clone(),
            display_name: login.clone(),
            role: role.as_str().to_owned(),
            password_hash: None,
            status: status::EXTERNAL.to_owned(),
            invitation_hash: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(users::table)
            .values(&user)
            .execute(conn)?;
        created.push(login.clone());
    }
    Ok(created)
}

/// Stores events, skipping those already stored; returns how many were new.
pub fn insert_events(
    conn: &mut DbConnection,
    company_id: &str,
    events: &[SignInEvent],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let rows: Vec<SessionEventRow> = events
        .iter()
        .map(|event| SessionEventRow {
            id: uuid::Uuid::now_v7().to_string(),
            company_id: company_id.to_owned(),
            login: event.login.clone(),
            event: event.event.as_str().to_owned(),
            occurred_at: event.time.naive_utc(),
            ip: event.ip.clone(),
            user_agent: event.user_agent.clone(),
            device_id: event.device_id.clone(),
            latitude: event.latitude,
            longitude: event.longitude,
            country: event.country.clone(),
            dedup_key: dedup_key(event),
            imported_at: now,
        })
        .collect();
    let mut inserted = 0;
    for chunk in rows.chunks(INSERT_CHUNK_ROWS) {
        inserted += match conn {
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(session_events::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(session_events::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(inserted)
}

/// The identity of an event for idempotent imports: login, event, time, device id, address
/// and user agent. A location or country given later does not make it a new event.
fn dedup_key(event: &SignInEvent) -> String {
    let mut hasher = Sha256::new();
    let time = event.time.timestamp_micros().to_string();
    let parts = [
        event.login.as_str(),
        event.event.as_str(),
        time.as_str(),
        event.device_id.as_deref().unwrap_or(""),
        event.ip.as_deref().unwrap_or(""),
        event.user_agent.as_deref().unwrap_or(""),
    ];
    for part in parts {
        hasher.update(part.as_bytes());
        // A separator no field can hold keeps ("ab", "c") apart from ("a", "bc").
        hasher.update([0xff]);
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[derive(QueryableByName)]
    struct PlanStep {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }

    /// How SQLite would run the audit's read of duty actions, given an index clause.
    fn duty_actions_plan(indexed: &str) -> QueryResult<String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = crate::store::DatabaseUrl::Sqlite(dir.path().join("plan.db"));
        let store = crate::store::Store::open(&url, 1).expect("store");
        store.migrate().expect("migrations");
        let mut conn = store.connection().expect("connection");
        let steps: Vec<PlanStep> = diesel::sql_query(format!(
            "EXPLAIN QUERY PLAN SELECT decided_at FROM decisions {indexed} \
             WHERE company_id = 'c' AND {} AND decided_at >= '2026-03-02 09:00:00' \
             ORDER BY decided_at LIMIT 1 OFFSET {}",
            *DUTY_ACTIONS_PREDICATE,
            time_pages::PAGE_ROWS - 1
        ))
        .load(&mut conn)?;
        Ok(steps.into_iter().map(|step| step.detail).collect())
    }

    /// The audit's list of duty actions must be the partial index's, word for word, or the
    /// audit walks the whole decision log again: SQLite refuses `INDEXED BY` an index the
    /// query cannot use, and its planner picks that index unprompted.
    #[test]
    fn the_duty_actions_are_read_along_their_own_index() {
        let forced = duty_actions_plan("INDEXED BY decisions_duty_actions");
        assert!(
            forced.is_ok(),
            "the index does not serve the query: {forced:?}"
        );
        let chosen = duty_actions_plan("").expect("a plan");
        assert!(chosen.contains("decisions_duty_actions"), "plan: {chosen}");
    }

    fn event(device: Option<&str>) -> SignInEvent {
        SignInEvent {
            login: "team@x.test".into(),
            event: EventKind::SignIn,
            time: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
            ip: Some("10.0.0.1".into()),
            user_agent: None,
            device_id: device.map(Into::into),
            latitude: None,
            longitude: None,
            country: None,
        }
    }

    #[test]
    fn the_same_event_has_the_same_key_and_another_device_another() {
        assert_eq!(dedup_key(&event(Some("a"))), dedup_key(&event(Some("a"))));
        assert_ne!(dedup_key(&event(Some("a"))), dedup_key(&event(Some("b"))));
        assert_ne!(dedup_key(&event(Some("a"))), dedup_key(&event(None)));
        let mut located = event(Some("a"));
        located.latitude = Some(48.8);
        located.longitude = Some(2.3);
        assert_eq!(dedup_key(&located), dedup_key(&event(Some("a"))));
    }

    #[test]
    fn book_writes_map_to_their_duty_and_reads_to_none() {
        assert_eq!(duty_group("create_invoice"), Some(DutyGroup::Sales));
        assert_eq!(duty_group("approve_bill"), Some(DutyGroup::Purchases));
        assert_eq!(
            duty_group("post_journal_entry"),
            Some(DutyGroup::Accounting)
        );
        assert_eq!(duty_group("create_timesheet"), Some(DutyGroup::Time));
        assert_eq!(duty_group("view_invoice"), None);
        assert_eq!(duty_group("view_financial_report"), None);
    }
}
