//! The outbox: one row per mail and recipient, written in the transaction of the finding
//! change (or digest) that causes it, so an alert exists exactly when its cause does. Senders
//! claim a row before sending and record the outcome after; a failed attempt waits longer
//! each time, a 5xx marks the address failed for good.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::settings;
use crate::clock::rfc3339;
use crate::i18n::Locale;
use crate::seats::findings::{EvidenceClass, Severity};
use crate::seats::records::{parse_severity, FindingRow, FindingState};
use crate::store::schema::{alerts, companies};
use crate::store::DbConnection;

/// First retry after this long; each failure doubles it, up to `MAX_BACKOFF_SECS`.
const FIRST_BACKOFF_SECS: i64 = 30;
const MAX_BACKOFF_SECS: i64 = 3_600;
/// Findings listed in one digest; the count says how many there are in all.
pub const MAX_DIGEST_FINDINGS: usize = 50;

/// Where a mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Waiting for its first or next attempt.
    Queued,
    Sent,
    /// The recipient's server refused it for good.
    Failed,
}

impl AlertState {
    pub const ALL: [AlertState; 3] = [AlertState::Queued, AlertState::Sent, AlertState::Failed];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Queued => "queued",
            AlertState::Sent => "sent",
            AlertState::Failed => "failed",
        }
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
        let resolved = FindingState::Resolved.as_str();
        if before.state == resolved && after.state != resolved {
            return Some(Self::Reopened);
        }
        let severity_up = rank(&after.severity) > rank(&before.severity);
        (severity_up || after.headcount > before.headcount).then_some(Self::Escalated)
    }
}

fn rank(severity: &str) -> Option<Severity> {
    parse_severity(severity)
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
            severity: row.severity.clone(),
            state: row.state.clone(),
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
    fn kind(&self) -> &'static str {
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
    pub state: String,
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

/// The hook of the seat auditor's store: called with the finding as it was (`None` when new)
/// and as just written, in the same transaction. Queues one mail per recipient when the
/// change is worth one and the finding is severe enough; returns the mails queued.
pub fn on_finding_written(
    conn: &mut DbConnection,
    before: Option<&FindingRow>,
    after: &FindingRow,
) -> QueryResult<usize> {
    let Some(event) = FindingEvent::of(before, after) else {
        return Ok(0);
    };
    let (settings, _) = settings::load(conn, &after.company_id)?;
    let severe_enough = rank(&after.severity).is_some_and(|s| settings.mails_at_once(s));
    if settings.recipients.is_empty() || !severe_enough {
        return Ok(0);
    }
    let payload = Payload::Finding {
        event,
        finding: Box::new(FindingSnapshot::from(after)),
    };
    let dedup_key = format!("finding:{}:{}", after.id, after.version);
    let recipients: Vec<String> = settings
        .recipients
        .iter()
        .map(|email| email.as_str().to_owned())
        .collect();
    queue(
        conn,
        &after.company_id,
        Some(&after.id),
        &recipients,
        &payload,
        &dedup_key,
    )
}

/// Queues one mail per recipient; a mail with the same cause already queued is kept as it is.
pub fn queue(
    conn: &mut DbConnection,
    company_id: &str,
    finding_id: Option<&str>,
    recipients: &[String],
    payload: &Payload,
    dedup_key: &str,
) -> QueryResult<usize> {
    let locale: String = companies::table
        .find(company_id)
        .select(companies::locale)
        .get_result(conn)?;
    let now = crate::clock::now();
    let body = serde_json::to_string(payload).unwrap_or_default();
    let mut queued = 0;
    for recipient in recipients {
        let row = AlertRow {
            id: uuid::Uuid::now_v7().to_string(),
            company_id: company_id.to_owned(),
            kind: payload.kind().to_owned(),
            finding_id: finding_id.map(str::to_owned),
            recipient: recipient.clone(),
            locale: locale.clone(),
            payload: body.clone(),
            dedup_key: dedup_key.to_owned(),
            state: AlertState::Queued.as_str().to_owned(),
            attempts: 0,
            last_error: None,
            next_attempt_at: now,
            claimed_until: None,
            created_at: now,
            sent_at: None,
        };
        queued += match conn {
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(alerts::table)
                .values(&row)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(alerts::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(queued)
}

/// Mails waiting whose time has come and that no sender holds, oldest first.
pub fn due(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<AlertRow>> {
    alerts::table
        .filter(alerts::state.eq(AlertState::Queued.as_str()))
        .filter(alerts::next_attempt_at.le(now))
        .filter(
            alerts::claimed_until
                .is_null()
                .or(alerts::claimed_until.lt(now)),
        )
        .order((alerts::next_attempt_at.asc(), alerts::id.asc()))
        .limit(limit)
        .select(AlertRow::as_select())
        .load(conn)
}

/// Takes a mail for one sender until `until`; false when another sender holds it or it is
/// no longer waiting.
pub fn claim(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = diesel::update(alerts::table.find(id))
        .filter(alerts::state.eq(AlertState::Queued.as_str()))
        .filter(
            alerts::claimed_until
                .is_null()
                .or(alerts::claimed_until.lt(now)),
        )
        .set(alerts::claimed_until.eq(until))
        .execute(conn)?;
    Ok(claimed == 1)
}

pub fn mark_sent(conn: &mut DbConnection, row: &AlertRow, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(alerts::table.find(&row.id))
        .set((
            alerts::state.eq(AlertState::Sent.as_str()),
            alerts::attempts.eq(row.attempts + 1),
            alerts::sent_at.eq(now),
            alerts::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A failed attempt: the mail waits `backoff` before the next.
pub fn mark_retry(
    conn: &mut DbConnection,
    row: &AlertRow,
    error: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let attempts = row.attempts + 1;
    diesel::update(alerts::table.find(&row.id))
        .set((
            alerts::attempts.eq(attempts),
            alerts::last_error.eq(error),
            alerts::next_attempt_at.eq(now + backoff(attempts)),
            alerts::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The recipient's server refused for good: no more attempts.
pub fn mark_failed(conn: &mut DbConnection, row: &AlertRow, error: &str) -> QueryResult<()> {
    diesel::update(alerts::table.find(&row.id))
        .set((
            alerts::state.eq(AlertState::Failed.as_str()),
            alerts::attempts.eq(row.attempts + 1),
            alerts::last_error.eq(error),
            alerts::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// 30 s after the first failure, doubling, at most an hour: a long SMTP outage costs one
/// attempt an hour per mail, and nothing is given up.
pub fn backoff(attempts: i64) -> TimeDelta {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    TimeDelta::seconds(
        FIRST_BACKOFF_SECS
            .saturating_mul(1_i64 << doublings)
            .min(MAX_BACKOFF_SECS),
    )
}

/// Filters of an alert listing.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub state: Option<AlertState>,
    /// The id of the last alert of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// A company's alerts, newest first.
pub fn list(
    conn: &mut DbConnection,
    company_id: &str,
    filter: &AlertFilter,
) -> QueryResult<Vec<AlertRow>> {
    let mut query = alerts::table
        .filter(alerts::company_id.eq(company_id))
        .into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(alerts::state.eq(state.as_str()));
    }
    if let Some(cursor) = &filter.cursor {
        query = query.filter(alerts::id.lt(cursor.clone()));
    }
    query
        .order(alerts::id.desc())
        .limit(filter.limit)
        .select(AlertRow::as_select())
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: &str, state: &str, headcount: i64) -> FindingRow {
        FindingRow {
            id: "f".into(),
            company_id: "c".into(),
            kind: "shared_login".into(),
            severity: severity.into(),
            state: state.into(),
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

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(backoff(1), TimeDelta::seconds(30));
        assert_eq!(backoff(2), TimeDelta::seconds(60));
        assert_eq!(backoff(5), TimeDelta::seconds(480));
        assert_eq!(backoff(40), TimeDelta::seconds(3_600));
    }
}
