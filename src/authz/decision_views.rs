//! The decision log as both faces show it: each record with its lists split and its instant
//! in RFC 3339 to the microsecond, and a page of them as CSV.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::decision_record::DecisionRecord;

#[derive(Serialize, ToSchema)]
pub struct DecisionView {
    id: String,
    seq: i64,
    decided_at: String,
    user_id: Option<String>,
    session_id: Option<String>,
    action: String,
    resource_type: String,
    resource_id: String,
    decision: String,
    policy_ids: Vec<String>,
    errors: Vec<String>,
    client_ip: Option<String>,
    policy_version: String,
    prev_hash: String,
    hash: String,
}

impl From<DecisionRecord> for DecisionView {
    fn from(record: DecisionRecord) -> Self {
        Self {
            decided_at: rfc3339_micros(record.decided_at),
            policy_ids: split_nonempty(&record.policy_ids, ','),
            errors: split_nonempty(&record.errors, '\n'),
            id: record.id,
            seq: record.seq,
            user_id: record.user_id,
            session_id: record.session_id,
            action: record.action,
            resource_type: record.resource_type,
            resource_id: record.resource_id,
            decision: record.decision,
            client_ip: record.client_ip,
            policy_version: record.policy_version,
            prev_hash: record.prev_hash,
            hash: record.hash,
        }
    }
}

fn split_nonempty(text: &str, separator: char) -> Vec<String> {
    text.split(separator)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

fn rfc3339_micros(instant: NaiveDateTime) -> String {
    instant
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// One line per decision, the lists joined with spaces (errors with ` | `).
pub fn to_csv(items: &[DecisionView]) -> Result<Vec<u8>, csv::Error> {
    write_csv(items, None)
}

/// [`to_csv`] with one more column at the end: the email of each decision's user, from
/// `emails` by user id (empty when unknown).
pub fn to_csv_with_emails(
    items: &[DecisionView],
    emails: Emails<'_>,
) -> Result<Vec<u8>, csv::Error> {
    write_csv(items, Some(emails))
}

/// A user's email by user id.
pub type Emails<'a> = &'a dyn Fn(&str) -> Option<String>;

const CSV_HEADER: [&str; 15] = [
    "id",
    "seq",
    "decided_at",
    "user_id",
    "session_id",
    "action",
    "resource_type",
    "resource_id",
    "decision",
    "policy_ids",
    "errors",
    "client_ip",
    "policy_version",
    "prev_hash",
    "hash",
];

fn write_csv(items: &[DecisionView], emails: Option<Emails<'_>>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let email_column = emails.map(|_| "user_email");
    writer.write_record(CSV_HEADER.iter().copied().chain(email_column))?;
    for item in items {
        let seq = item.seq.to_string();
        let policy_ids = item.policy_ids.join(" ");
        let errors = item.errors.join(" | ");
        let email =
            emails.map(|emails| item.user_id.as_deref().and_then(emails).unwrap_or_default());
        let fields = [
            item.id.as_str(),
            &seq,
            &item.decided_at,
            item.user_id.as_deref().unwrap_or(""),
            item.session_id.as_deref().unwrap_or(""),
            &item.action,
            &item.resource_type,
            &item.resource_id,
            &item.decision,
            &policy_ids,
            &errors,
            item.client_ip.as_deref().unwrap_or(""),
            &item.policy_version,
            &item.prev_hash,
            &item.hash,
        ];
        writer.write_record(fields.into_iter().chain(email.as_deref()))?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}
