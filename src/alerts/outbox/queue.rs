//! Queueing mails: one per recipient, in the transaction of their cause; the same cause
//! queued twice is one mail.

use diesel::prelude::*;

use super::{AlertRow, AlertState, FindingEvent, FindingSnapshot, Payload};
use crate::alerts::settings;
use crate::seats::records::FindingRow;
use crate::seats::storage::finding_upserts::FindingTransition;
use crate::store::schema::{alerts, companies};
use crate::store::DbConnection;

/// Queues the mails an audit's changes call for, in the audit's transaction, in the order
/// the audit wrote the findings; returns the mails queued.
pub fn queue_finding_alerts(
    conn: &mut DbConnection,
    transitions: &[FindingTransition],
) -> QueryResult<usize> {
    let mut queued = 0;
    for transition in transitions {
        queued += on_finding_written(conn, transition.before.as_ref(), &transition.after)?;
    }
    Ok(queued)
}

/// Called with the finding as it was (`None` when new) and as just written, in the same
/// transaction. Queues one mail per recipient when the
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
    let severe_enough = settings.mails_at_once(after.severity);
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
            state: AlertState::Queued,
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
