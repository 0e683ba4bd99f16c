//! Failed sign-ins, counted in the database so every node sees the same counts.

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use super::IdentityError;
use crate::store::schema::login_failures;
use crate::store::DbConnection;

#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub per_account_per_hour: u32,
    pub per_ip_per_hour: u32,
}

const WINDOW_HOURS: i64 = 1;

/// Refuses with `RateLimited` when the account or the address has used up its failures of the
/// last hour; `Retry-After` is when the oldest of them leaves the window.
pub fn check(
    conn: &mut DbConnection,
    limits: LoginLimits,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<(), IdentityError> {
    let since = now - Duration::hours(WINDOW_HOURS);
    let by_email = login_failures::table
        .filter(login_failures::email.eq(email))
        .filter(login_failures::failed_at.gt(since));
    let (count, oldest): (i64, Option<NaiveDateTime>) = by_email
        .select((count_star(), min(login_failures::failed_at)))
        .get_result(conn)?;
    refuse_when_over(count, limits.per_account_per_hour, oldest, now)?;
    let by_ip = login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::failed_at.gt(since));
    let (count, oldest): (i64, Option<NaiveDateTime>) = by_ip
        .select((count_star(), min(login_failures::failed_at)))
        .get_result(conn)?;
    refuse_when_over(count, limits.per_ip_per_hour, oldest, now)
}

fn refuse_when_over(
    count: i64,
    limit: u32,
    oldest: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(), IdentityError> {
    if count < i64::from(limit) {
        return Ok(());
    }
    let frees_at = oldest.unwrap_or(now) + Duration::hours(WINDOW_HOURS);
    let retry_after_secs = (frees_at - now).num_seconds().max(1) as u64;
    Err(IdentityError::RateLimited { retry_after_secs })
}

/// Records a failure and forgets this account's failures that left the window.
pub fn record_failure(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<(), IdentityError> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::email.eq(email),
            login_failures::ip.eq(ip),
            login_failures::failed_at.eq(now),
        ))
        .execute(conn)?;
    diesel::delete(
        login_failures::table
            .filter(login_failures::email.eq(email))
            .filter(login_failures::failed_at.le(now - Duration::hours(WINDOW_HOURS))),
    )
    .execute(conn)?;
    Ok(())
}
