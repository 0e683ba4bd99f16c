//! The bodies of the scheduled jobs. Each is a public function that tests call directly; the
//! scheduler adds only the timing and the once-per-tick lease.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::audits::audit_now;
use super::error::AlertsError;
use super::mailer::{Mailer, SendOutcome};
use super::message::{self, MailContext};
use super::outbox::queue::queue;
use super::outbox::{sending, FindingSnapshot, Payload, MAX_DIGEST_FINDINGS};
use super::settings;
use crate::identity::sessions::{self, SessionTimeouts};
use crate::seats::records::FindingRow;
use crate::seats::service::audit_runs::AuditConfig;
use crate::seats::storage::findings::unresolved_findings;
use crate::seats::storage::users::company_ids;
use crate::store::schema::companies;
use crate::store::{DbConnection, Store};

/// Mails one delivery run looks at, at most: a backlog drains over several runs.
const MAX_MAILS_PER_RUN: i64 = 500;
/// How long a sender holds a mail it is sending; past it, another may try.
const CLAIM_SECS: i64 = 300;

/// What a round of audits did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditRound {
    pub audited: usize,
    pub failed: usize,
}

/// Audits every company, each in its own transaction: the findings it writes queue their
/// alerts in that same transaction. One company's failure is logged and the others go on.
pub async fn run_audits(store: &Store, config: &AuditConfig) -> Result<AuditRound, AlertsError> {
    let ids = store
        .run(|conn| Ok::<_, AlertsError>(company_ids(conn)?))
        .await?;
    let mut round = AuditRound::default();
    for company_id in ids {
        let config = config.clone();
        let id = company_id.clone();
        let audited = store
            .write(move |conn| audit_now(conn, &id, &config, "scheduler"))
            .await;
        match audited {
            Ok(_) => round.audited += 1,
            Err(error) => {
                tracing::error!(%company_id, %error, "scheduled audit failed");
                round.failed += 1;
            }
        }
    }
    Ok(round)
}

/// Queues the day's digest of open findings for every company that wants one and has
/// recipients; a company with nothing open gets none. Returns the mails queued (a second
/// run on the same day queues nothing).
pub async fn queue_digests(store: &Store, now: NaiveDateTime) -> Result<usize, AlertsError> {
    let ids = store
        .run(|conn| Ok::<_, AlertsError>(company_ids(conn)?))
        .await?;
    let mut queued = 0;
    for company_id in ids {
        queued += store
            .write(move |conn| queue_digest(conn, &company_id, now))
            .await?;
    }
    Ok(queued)
}

fn queue_digest(
    conn: &mut DbConnection,
    company_id: &str,
    now: NaiveDateTime,
) -> Result<usize, AlertsError> {
    let (settings, _) = settings::load(conn, company_id)?;
    if !settings.digest_enabled || settings.recipients.is_empty() {
        return Ok(0);
    }
    let mut open: Vec<FindingRow> = unresolved_findings(conn, company_id)?;
    if open.is_empty() {
        return Ok(0);
    }
    // Most severe first: high, medium, low.
    open.sort_by_key(|row| std::cmp::Reverse(row.severity));
    let day = now.date().format("%Y-%m-%d").to_string();
    let payload = Payload::Digest {
        day: day.clone(),
        open_count: open.len(),
        findings: open
            .iter()
            .take(MAX_DIGEST_FINDINGS)
            .map(FindingSnapshot::from)
            .collect(),
    };
    let recipients: Vec<String> = settings
        .recipients
        .iter()
        .map(|email| email.as_str().to_owned())
        .collect();
    Ok(queue(
        conn,
        company_id,
        None,
        &recipients,
        &payload,
        &format!("digest:{day}"),
    )?)
}

/// Ends the sessions idle or past their lifetime, so lists and seat counts stop showing
/// them; returns how many ended.
pub async fn expire_sessions(
    store: &Store,
    timeouts: SessionTimeouts,
    now: NaiveDateTime,
) -> Result<usize, AlertsError> {
    Ok(store
        .write(move |conn| sessions::expire_sessions(conn, timeouts, now))
        .await?)
}

/// What a delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed this time; they wait and are tried again.
    pub retrying: usize,
    /// Refused for good.
    pub failed: usize,
}

/// Sends the mails that are due. Without a mailer (no `smtp_host`), nothing is sent and the
/// mails stay queued. Each mail is claimed before it is sent, so two nodes never send one
/// twice; its outcome is recorded right after.
pub async fn deliver_mail(
    store: &Store,
    mailer: Option<&Mailer>,
    public_url: &str,
    now: NaiveDateTime,
) -> Result<Delivery, AlertsError> {
    let mut delivery = Delivery::default();
    let Some(mailer) = mailer else {
        return Ok(delivery);
    };
    let due = store
        .run(move |conn| Ok::<_, AlertsError>(sending::due(conn, now, MAX_MAILS_PER_RUN)?))
        .await?;
    for row in due {
        let id = row.id.clone();
        let company_id = row.company_id.clone();
        let claimed = store
            .write(move |conn| claim(conn, &id, &company_id, now))
            .await?;
        let Some(company_name) = claimed else {
            continue;
        };
        let context = MailContext {
            public_url,
            company_id: &row.company_id,
            company_name: &company_name,
        };
        let outcome = match message::render(&row, context) {
            Some(Ok(mail)) => mailer.send(&mail).await,
            Some(Err(error)) => SendOutcome::Permanent(format!("cannot render the mail: {error}")),
            None => SendOutcome::Permanent("the queued mail cannot be read".to_owned()),
        };
        match &outcome {
            SendOutcome::Delivered => delivery.sent += 1,
            SendOutcome::Retry(error) => {
                tracing::warn!(alert = %row.id, %error, "mail not delivered; will retry");
                delivery.retrying += 1;
            }
            SendOutcome::Permanent(error) => {
                tracing::warn!(alert = %row.id, recipient = %row.recipient, %error, "mail refused");
                delivery.failed += 1;
            }
        }
        store
            .write(move |conn| {
                match &outcome {
                    SendOutcome::Delivered => sending::mark_sent(conn, &row, now)?,
                    SendOutcome::Retry(error) => sending::mark_retry(conn, &row, error, now)?,
                    SendOutcome::Permanent(error) => sending::mark_failed(conn, &row, error)?,
                }
                Ok::<_, AlertsError>(())
            })
            .await?;
    }
    Ok(delivery)
}

/// Claims one mail; the company's name when this sender holds it now.
fn claim(
    conn: &mut DbConnection,
    id: &str,
    company_id: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, AlertsError> {
    if !sending::claim(conn, id, now, now + TimeDelta::seconds(CLAIM_SECS))? {
        return Ok(None);
    }
    Ok(Some(
        companies::table
            .find(company_id)
            .select(companies::name)
            .get_result(conn)?,
    ))
}
