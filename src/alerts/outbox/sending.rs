//! The senders' side of the outbox: the mails due, a claim before sending, and the outcome
//! after, with a longer wait after each failure.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::{AlertRow, AlertState};
use crate::store::schema::alerts;
use crate::store::DbConnection;

/// First retry after this long; each failure doubles it, up to `MAX_BACKOFF_SECS`.
const FIRST_BACKOFF_SECS: i64 = 30;
const MAX_BACKOFF_SECS: i64 = 3_600;

/// Mails waiting whose time has come and that no sender holds, oldest first.
pub fn due(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<AlertRow>> {
    alerts::table
        .filter(alerts::state.eq(AlertState::Queued))
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
        .filter(alerts::state.eq(AlertState::Queued))
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
            alerts::state.eq(AlertState::Sent),
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
            alerts::state.eq(AlertState::Failed),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(backoff(1), TimeDelta::seconds(30));
        assert_eq!(backoff(2), TimeDelta::seconds(60));
        assert_eq!(backoff(5), TimeDelta::seconds(480));
        assert_eq!(backoff(40), TimeDelta::seconds(3_600));
    }
}
