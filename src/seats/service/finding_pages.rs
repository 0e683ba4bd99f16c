//! What the pages show around the findings, read in the same snapshot as the findings: the
//! people the rows name (by display name), the days each shared login was shared over the
//! lookback, the audits before this one, and the shared logins a company finding sums up.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use serde_json::Value;

use super::audit_runs::AuditConfig;
use super::findings::{company_days, finding_day, list_findings, FindingDay};
use super::seat_counts::{seats, SeatsView};
use crate::authz::{Actor, Authz};
use crate::paging::every_page;
use crate::seats::days::CompanyDays;
use crate::seats::detectors::concurrency;
use crate::seats::error::SeatsError;
use crate::seats::findings::{fingerprint, FindingKind};
use crate::seats::index::group_by_login;
use crate::seats::records::FindingRow;
use crate::seats::storage;
use crate::seats::storage::findings::FindingFilter;
use crate::seats::timeline::SessionRecord;
use crate::store::DbConnection;

/// A user of the company as pages name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
}

/// The company's users by id and by email, to name the people and logins of findings.
#[derive(Debug, Clone, Default)]
pub struct People {
    by_id: BTreeMap<String, PersonName>,
    by_email: BTreeMap<String, PersonName>,
}

impl People {
    fn read(conn: &mut DbConnection, company_id: &str) -> Result<Self, SeatsError> {
        let mut people = Self::default();
        for user in storage::users::company_users(conn, company_id)? {
            let person = PersonName {
                user_id: user.id,
                email: user.email,
                display_name: user.display_name,
            };
            people
                .by_email
                .insert(person.email.to_lowercase(), person.clone());
            people.by_id.insert(person.user_id.clone(), person);
        }
        Ok(people)
    }

    pub fn by_id(&self, user_id: &str) -> Option<&PersonName> {
        self.by_id.get(user_id)
    }

    pub fn by_email(&self, email: &str) -> Option<&PersonName> {
        self.by_email.get(&email.to_lowercase())
    }
}

/// The days of the lookback, and those on which a login was shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedDays {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub shared: BTreeSet<NaiveDate>,
}

/// The findings of a listing (most severe first, then the most recent) with the people they
/// name and, per shared-login finding id, its shared days.
#[derive(Debug, Clone)]
pub struct FindingsRead {
    pub findings: Vec<FindingRow>,
    pub people: People,
    pub shared_days: BTreeMap<String, SharedDays>,
}

/// The company at a glance: seats, every finding, the audits, and the findings' words.
#[derive(Debug, Clone)]
pub struct OverviewRead {
    pub seats: SeatsView,
    pub findings: FindingsRead,
    /// The latest audits, newest first.
    pub audits: Vec<AuditTrend>,
}

/// What one past audit counted.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditTrend {
    pub ran_at: NaiveDateTime,
    /// Findings left unresolved (open or acknowledged) by that audit.
    pub unresolved: i64,
    /// People the audit counted behind the billable logins, and those logins.
    pub people: Option<u64>,
    pub billable: Option<u64>,
}

/// How many past audits the overview compares.
const AUDITS_SHOWN: i64 = 5;

/// One finding's page: its day of sessions, the calendar of its login, the shared-login
/// findings it sums up, and the people it names.
#[derive(Debug, Clone)]
pub struct FindingPageRead {
    pub found: FindingDay,
    pub shared_days: Option<SharedDays>,
    pub related: Vec<FindingRow>,
    pub people: People,
}

pub fn findings_read(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    filter: FindingFilter,
    config: &AuditConfig,
) -> Result<FindingsRead, SeatsError> {
    let mut findings =
        every_page(|request| list_findings(conn, authz, actor, company_id, filter, request))?;
    let days = company_days(conn, company_id)?;
    findings
        .sort_by(|a, b| (b.severity, b.last_seen, &a.id).cmp(&(a.severity, a.last_seen, &b.id)));
    let people = People::read(conn, company_id)?;
    let mut shared_days = BTreeMap::new();
    for finding in &findings {
        if let Some(shared) = login_shared_days(conn, company_id, finding, config, days)? {
            shared_days.insert(finding.id.clone(), shared);
        }
    }
    Ok(FindingsRead {
        findings,
        people,
        shared_days,
    })
}

pub fn overview_read(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    config: &AuditConfig,
) -> Result<OverviewRead, SeatsError> {
    let seats = seats(conn, authz, actor, company_id)?;
    let findings = findings_read(
        conn,
        authz,
        actor,
        company_id,
        FindingFilter::default(),
        config,
    )?;
    let audits = storage::runs::recent_runs(conn, company_id, AUDITS_SHOWN)?
        .into_iter()
        .map(|run| {
            let summary: Value = serde_json::from_str(&run.summary).unwrap_or(Value::Null);
            AuditTrend {
                ran_at: run.ran_at,
                unresolved: run.findings_open,
                people: summary["effective"]["people"].as_u64(),
                billable: summary["seats"]["billable_total"].as_u64(),
            }
        })
        .collect();
    Ok(OverviewRead {
        seats,
        findings,
        audits,
    })
}

pub fn finding_page(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, finding_id): (&str, &str),
    day: Option<NaiveDate>,
    config: &AuditConfig,
) -> Result<FindingPageRead, SeatsError> {
    let found = finding_day(
        conn,
        authz,
        actor,
        company_id,
        finding_id,
        day,
        config.idle_timeout,
    )?;
    let shared_days = login_shared_days(conn, company_id, &found.finding, config, found.days)?;
    let related = summed_up(conn, company_id, &found.finding)?;
    let people = People::read(conn, company_id)?;
    Ok(FindingPageRead {
        found,
        shared_days,
        related,
        people,
    })
}

/// The shared-login findings of the logins a company finding counts.
fn summed_up(
    conn: &mut DbConnection,
    company_id: &str,
    finding: &FindingRow,
) -> Result<Vec<FindingRow>, SeatsError> {
    let evidence: Value = serde_json::from_str(&finding.evidence).unwrap_or(Value::Null);
    let shared = evidence["shared_logins"]
        .as_object()
        .into_iter()
        .flat_map(|logins| logins.keys().cloned());
    let billable = evidence["billable_logins"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|login| login.as_str().map(str::to_owned));
    let logins: BTreeSet<String> = shared.chain(billable).collect();
    if logins.is_empty() {
        return Ok(Vec::new());
    }
    let prints: Vec<String> = logins
        .iter()
        .map(|login| fingerprint(FindingKind::SharedLogin, Some(login)))
        .collect();
    let prints: Vec<&str> = prints.iter().map(String::as_str).collect();
    Ok(storage::findings::findings_by_fingerprint(
        conn, company_id, &prints,
    )?)
}

/// The lookback's days on which a shared-login finding's login was shared; `None` for other
/// findings.
fn login_shared_days(
    conn: &mut DbConnection,
    company_id: &str,
    finding: &FindingRow,
    config: &AuditConfig,
    days: CompanyDays,
) -> Result<Option<SharedDays>, SeatsError> {
    let login = match (&finding.login, finding.kind.as_str()) {
        (Some(login), kind) if kind == FindingKind::SharedLogin.as_str() => login,
        _ => return Ok(None),
    };
    let now = crate::clock::now().and_utc();
    let (first, last) = (days.day_of(now - config.lookback), days.day_of(now));
    let (from, to) = (days.start_of(first), days.window(last).1);
    let sessions = storage::sessions::login_sessions(
        conn,
        company_id,
        login,
        (from.naive_utc(), to.naive_utc()),
        config.idle_timeout,
    )?;
    let grace = config.settings.device_switch_grace_seconds;
    Ok(Some(SharedDays {
        first,
        last,
        shared: shared_days(&sessions, grace, days),
    }))
}

/// The company's days on which two devices or more worked on the login together for longer
/// than the device-switch grace, as the concurrency detector counts them, day by day.
pub fn shared_days(
    sessions: &[SessionRecord],
    grace_seconds: i64,
    days: CompanyDays,
) -> BTreeSet<NaiveDate> {
    let mut by_day: BTreeMap<NaiveDate, Vec<SessionRecord>> = BTreeMap::new();
    for session in sessions {
        let (start, end) = (
            session.started_at,
            session.last_active_at.max(session.started_at),
        );
        let mut day = days.day_of(start);
        while day <= days.day_of(end) {
            let (day_start, day_end) = days.window(day);
            let mut clipped = session.clone();
            clipped.started_at = start.max(day_start);
            clipped.last_active_at = end.min(day_end);
            by_day.entry(day).or_default().push(clipped);
            day += TimeDelta::days(1);
        }
    }
    by_day
        .into_iter()
        .filter(|(_, sessions)| {
            group_by_login(sessions).iter().any(|timeline| {
                concurrency::measure(timeline, sessions, grace_seconds).max_devices >= 2
            })
        })
        .map(|(day, _)| day)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, minute, 0).unwrap()
    }

    fn session(device: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> SessionRecord {
        SessionRecord {
            session_id: format!("{device}-{start}"),
            login: "team@x.example".into(),
            device: Some(device.into()),
            ip: None,
            user_agent: None,
            started_at: start,
            last_active_at: end,
            location: None,
            country: None,
        }
    }

    #[test]
    fn a_day_is_shared_when_two_devices_work_together_beyond_the_grace() {
        let sessions = [
            // The 2nd: two devices at once for two hours.
            session("pc-1", at(2, 8, 0), at(2, 12, 0)),
            session("pc-2", at(2, 10, 0), at(2, 13, 0)),
            // The 3rd: one device after the other, touching within the grace.
            session("pc-1", at(3, 8, 0), at(3, 10, 0)),
            session("pc-2", at(3, 9, 59), at(3, 12, 0)),
            // The 4th: one device, two tabs.
            session("pc-1", at(4, 8, 0), at(4, 10, 0)),
            session("pc-1", at(4, 9, 0), at(4, 11, 0)),
            // From the 5th to the 6th across midnight: shared on both days.
            session("pc-1", at(5, 22, 0), at(6, 2, 0)),
            session("pc-2", at(5, 23, 0), at(6, 1, 0)),
        ];
        let days: Vec<u32> = shared_days(&sessions, 120, CompanyDays::UTC)
            .into_iter()
            .map(|day| chrono::Datelike::day(&day))
            .collect();
        assert_eq!(days, [2, 5, 6]);
    }

    #[test]
    fn a_night_shared_after_midnight_in_paris_counts_on_the_paris_day() {
        // 23:10 to 23:50 UTC on the 9th is 00:10 to 00:50 on the 10th in Paris.
        let sessions = [
            session("pc-1", at(9, 23, 10), at(9, 23, 50)),
            session("pc-2", at(9, 23, 15), at(9, 23, 45)),
        ];
        let day_of = |days: CompanyDays| -> Vec<u32> {
            shared_days(&sessions, 120, days)
                .into_iter()
                .map(|day| chrono::Datelike::day(&day))
                .collect()
        };
        assert_eq!(day_of(CompanyDays(chrono_tz::Europe::Paris)), [10]);
        assert_eq!(day_of(CompanyDays::UTC), [9]);
    }
}
