//! Failed sign-ins, counted in the database so every node sees the same counts, and the
//! limits they set. An hour's lockout of an account would let anyone who knows an email lock
//! its owner out, so an account is never locked; instead:
//!
//! - **an address** that failed `per_ip_per_hour` times in the last hour, on any accounts,
//!   is refused until its oldest failure leaves the hour: that is the guesser's address;
//! - **an account from one address** that failed `per_account_per_hour` times in the last
//!   hour waits a growing delay after each further failure there (10 s, then twice as long
//!   each time, at most 15 minutes);
//! - **an account from every address together** past the same count (guesses spread over
//!   many addresses) delays attempts the same way, but only from addresses the account never
//!   signed in from: its owner, at an address they used in the last 90 days, is not delayed
//!   by failures from elsewhere.

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::{count_star, exists, max, min};
use diesel::prelude::*;

use super::IdentityError;
use crate::store::schema::{login_failures, sessions, users};
use crate::store::DbConnection;

#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub per_account_per_hour: u32,
    pub per_ip_per_hour: u32,
}

const WINDOW_HOURS: i64 = 1;
/// The first delay past an account's count; each further failure doubles it.
const FIRST_DELAY_SECONDS: i64 = 10;
const MAX_DELAY_SECONDS: i64 = 15 * 60;
/// How long an address the account signed in from stays its owner's usual address.
const USUAL_ADDRESS_DAYS: i64 = 90;

/// Refuses with `RateLimited` (and the seconds to wait) when the address is over its count,
/// or when the account must wait out its delay at this address.
pub fn check(
    conn: &mut DbConnection,
    limits: LoginLimits,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<(), IdentityError> {
    let since = now - Duration::hours(WINDOW_HOURS);
    let (count, oldest): (i64, Option<NaiveDateTime>) = login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::failed_at.gt(since))
        .select((count_star(), min(login_failures::failed_at)))
        .get_result(conn)?;
    if count >= i64::from(limits.per_ip_per_hour) {
        let frees_at = oldest.unwrap_or(now) + Duration::hours(WINDOW_HOURS);
        return Err(rate_limited(frees_at - now));
    }
    let of_account = login_failures::table
        .filter(login_failures::email.eq(email))
        .filter(login_failures::failed_at.gt(since));
    let from_here: (i64, Option<NaiveDateTime>) = of_account
        .filter(login_failures::ip.eq(ip))
        .select((count_star(), max(login_failures::failed_at)))
        .get_result(conn)?;
    wait_out_delay(from_here, limits.per_account_per_hour, now)?;
    let from_anywhere: (i64, Option<NaiveDateTime>) = of_account
        .select((count_star(), max(login_failures::failed_at)))
        .get_result(conn)?;
    if from_anywhere.0 < i64::from(limits.per_account_per_hour)
        || is_usual_address(conn, email, ip, now)?
    {
        return Ok(());
    }
    wait_out_delay(from_anywhere, limits.per_account_per_hour, now)
}

/// Past `limit` failures, the next attempt waits the delay after the last one.
fn wait_out_delay(
    (count, last): (i64, Option<NaiveDateTime>),
    limit: u32,
    now: NaiveDateTime,
) -> Result<(), IdentityError> {
    let excess = count - i64::from(limit);
    let Some(last) = last.filter(|_| excess >= 0) else {
        return Ok(());
    };
    let wait = last + delay(excess) - now;
    if wait > Duration::zero() {
        return Err(rate_limited(wait));
    }
    Ok(())
}

/// The delay after the `excess`-th failure past the count (0 for the first one past it).
fn delay(excess: i64) -> Duration {
    let doublings = u32::try_from(excess.clamp(0, 16)).unwrap_or(16);
    let seconds = FIRST_DELAY_SECONDS.saturating_mul(1 << doublings);
    Duration::seconds(seconds.min(MAX_DELAY_SECONDS))
}

fn rate_limited(wait: Duration) -> IdentityError {
    IdentityError::RateLimited {
        retry_after_secs: wait.num_seconds().max(1) as u64,
    }
}

/// Whether the account signed in from `ip` in the last 90 days.
fn is_usual_address(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<bool, IdentityError> {
    let since = now - Duration::days(USUAL_ADDRESS_DAYS);
    let owner_sessions = sessions::table
        .inner_join(users::table)
        .filter(users::email.eq(email))
        .filter(sessions::ip.eq(ip))
        .filter(sessions::created_at.gt(since));
    Ok(diesel::select(exists(owner_sessions)).get_result(conn)?)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_from_ten_seconds_to_at_most_fifteen_minutes() {
        let seconds: Vec<i64> = (0..9).map(|n| delay(n).num_seconds()).collect();
        assert_eq!(seconds, [10, 20, 40, 80, 160, 320, 640, 900, 900]);
        assert_eq!(delay(i64::MAX).num_seconds(), 900);
    }

    #[test]
    fn an_account_under_its_count_is_not_delayed() {
        let now = crate::clock::now();
        assert!(wait_out_delay((2, Some(now)), 3, now).is_ok());
        assert!(wait_out_delay((3, Some(now)), 3, now).is_err());
        let long_ago = now - Duration::seconds(11);
        assert!(wait_out_delay((3, Some(long_ago)), 3, now).is_ok());
    }
}
