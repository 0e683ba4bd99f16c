//! The findings as people see and handle them: listed, one with its login's sessions of a
//! day, acknowledged, resolved with a note, or reopened.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::identity::companies::find_header;
use crate::paging::Page;
use crate::seats::days::CompanyDays;
use crate::seats::error::SeatsError;
use crate::seats::findings::FindingKind;
use crate::seats::records::{FindingRow, FindingState};
use crate::seats::storage;
use crate::seats::storage::findings::{FindingFilter, FindingPageRequest};
use crate::seats::timeline::SessionRecord;
use crate::store::DbConnection;

/// Longest note a person may leave on a finding.
const MAX_NOTE_CHARS: usize = 2_000;

/// Authorizes `action` on one finding of the company (`all` for the listing).
fn authorize_finding(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, finding_id): (&str, &str),
    action: Action,
) -> Result<(), SeatsError> {
    let resource = Resource::new(ResourceKind::Finding, finding_id, company_id);
    authz.authorize(conn, actor, action, &resource, Options::default())?;
    Ok(())
}

pub fn list_findings(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    filter: FindingFilter,
    request: &FindingPageRequest,
) -> Result<Page<FindingRow>, SeatsError> {
    authorize_finding(
        conn,
        authz,
        actor,
        (company_id, "all"),
        Action::ViewFindings,
    )?;
    Ok(storage::findings::list_findings(
        conn, company_id, filter, request,
    )?)
}

pub fn get_finding(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    finding_id: &str,
) -> Result<FindingRow, SeatsError> {
    authorize_finding(
        conn,
        authz,
        actor,
        (company_id, finding_id),
        Action::ViewFindings,
    )?;
    storage::findings::find_finding(conn, company_id, finding_id)?.ok_or(SeatsError::NotFound)
}

/// The company's days, in the time zone its pages show times in. Callers authorize first.
pub fn company_days(conn: &mut DbConnection, company_id: &str) -> Result<CompanyDays, SeatsError> {
    Ok(CompanyDays(find_header(conn, company_id)?.zone()))
}

/// A finding with the sessions of its login on one of the company's days, for its timeline.
#[derive(Debug, Clone)]
pub struct FindingDay {
    pub finding: FindingRow,
    pub day: NaiveDate,
    /// The company's days, `day` one of them.
    pub days: CompanyDays,
    pub sessions: Vec<SessionRecord>,
}

/// A finding and its login's sessions on `day`, one of the company's days: by default the day
/// its strongest proof is about, so that the picture shows what its words say, else the day
/// it was last seen.
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
    // Read once the finding has authorized the reader.
    let days = company_days(conn, company_id)?;
    let day = day
        .or_else(|| proof_day(&finding, days))
        .unwrap_or_else(|| days.day_of(finding.last_seen.and_utc()));
    let window = days.window(day);
    let sessions = match &finding.login {
        Some(login) => storage::sessions::login_sessions(
            conn,
            company_id,
            login,
            (window.0.naive_utc(), window.1.naive_utc()),
            idle_timeout,
        )?,
        None => Vec::new(),
    };
    Ok(FindingDay {
        finding,
        day,
        days,
        sessions,
    })
}

/// The day a finding's evidence is about: its strongest proof, its latest impossible trip, or
/// the last day a dormant seat was used.
fn proof_day(finding: &FindingRow, days: CompanyDays) -> Option<NaiveDate> {
    let evidence: serde_json::Value = serde_json::from_str(&finding.evidence).ok()?;
    let strongest = evidence["proofs"].as_array().and_then(|proofs| {
        proofs
            .iter()
            .rev()
            .max_by_key(|proof| proof["people"].as_u64())
    });
    let proof_at = strongest.and_then(|proof| {
        [
            "/window/start",
            "/overlap/start",
            "/conflict/at",
            "/pair/from/at",
        ]
        .iter()
        .find_map(|pointer| proof.pointer(pointer)?.as_str())
    });
    let trip_at = || {
        evidence["trips"]
            .as_array()?
            .last()?
            .pointer("/from/at")?
            .as_str()
    };
    proof_at
        .or_else(trip_at)
        .or_else(|| evidence["last_active_at"].as_str())
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|at| days.day_of(at.with_timezone(&Utc)))
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
    authorize_finding(
        conn,
        authz,
        actor,
        (company_id, finding_id),
        Action::UpdateFinding,
    )?;
    let stored = storage::findings::find_finding(conn, company_id, finding_id)?
        .ok_or(SeatsError::NotFound)?;
    let conflict = |current: FindingRow| SeatsError::Conflict {
        expected: change.expected_version,
        current: Box::new(current.into()),
    };
    if stored.version != change.expected_version {
        return Err(conflict(stored));
    }
    let note = parse_note(change.state, change.note)?;
    if stored.state == change.state && note.is_none() {
        return Ok(stored);
    }
    let now = crate::clock::now();
    let resolved = change.state == FindingState::Resolved;
    let mut next = stored.clone();
    next.state = change.state;
    next.resolved_by = resolved.then(|| actor.user_id.clone());
    next.resolution_note = note;
    next.state_changed_by = Some(actor.user_id.clone());
    next.state_changed_at = Some(now);
    next.version = stored.version + 1;
    if storage::finding_upserts::write_finding(conn, &next, stored.version)? == 0 {
        let current = storage::findings::find_finding(conn, company_id, finding_id)?;
        return Err(current.map_or(SeatsError::NotFound, conflict));
    }
    if let (true, Some(login)) = (next.kind == FindingKind::SharedLogin.as_str(), &next.login) {
        storage::flags::set_login_flag(conn, company_id, login, !resolved && next.is_proven())?;
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
