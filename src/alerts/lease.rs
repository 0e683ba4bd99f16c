//! Once per tick across nodes: every node's scheduler fires, and the first to move the job's
//! row forward runs the tick; the others see it started moments ago and skip. A row in the
//! database, so it holds on SQLite and PostgreSQL alike.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::store::schema::job_leases;
use crate::store::DbConnection;

/// Starts a run of `job` for `holder` unless another run started within `same_tick_within`
/// before `now`; true when this node runs the tick. Call it in a write transaction.
pub fn try_start(
    conn: &mut DbConnection,
    job: &str,
    holder: &str,
    now: NaiveDateTime,
    same_tick_within: TimeDelta,
) -> QueryResult<bool> {
    let started_at: Option<NaiveDateTime> = job_leases::table
        .find(job)
        .select(job_leases::started_at)
        .get_result(conn)
        .optional()?;
    let taken = match started_at {
        None => {
            let row = (
                job_leases::job.eq(job),
                job_leases::holder.eq(holder),
                job_leases::started_at.eq(now),
            );
            match conn {
                DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(job_leases::table)
                    .values(row)
                    .execute(c)?,
                DbConnection::Postgres(c) => diesel::insert_into(job_leases::table)
                    .values(row)
                    .on_conflict_do_nothing()
                    .execute(c)?,
            }
        }
        Some(last) if now - last < same_tick_within => 0,
        // Compare-and-set on the start seen: of two nodes racing, one moves it.
        Some(last) => diesel::update(job_leases::table.find(job))
            .filter(job_leases::started_at.eq(last))
            .set((
                job_leases::holder.eq(holder),
                job_leases::started_at.eq(now),
            ))
            .execute(conn)?,
    };
    Ok(taken == 1)
}
