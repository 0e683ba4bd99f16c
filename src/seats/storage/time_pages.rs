//! The audit's large inputs (sign-in events, the duty actions among the decisions) read a page
//! at a time along their time index, each page paced behind the writes (`store::pacing`).
//!
//! A page is a window of time holding about `PAGE_ROWS` rows: from just after the previous
//! window, up to the time of the `PAGE_ROWS`-th row after it, that time included. Rows of equal
//! time thus always fall in one window, so no row is read twice or skipped, without a second
//! key; and a page's size does not depend on how many of its rows the read's filters keep.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::store::{pacing, DbConnection};

/// Rows of the time index one page covers: a page takes a millisecond or two, so a write that
/// arrives during it is not held long.
pub const PAGE_ROWS: i64 = 250;

/// Where a window starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lower {
    /// At this time, included: the lookback's start.
    From(NaiveDateTime),
    /// Just after this time: the previous window's end.
    After(NaiveDateTime),
}

/// A window of time; `upper` (included) is `None` for the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub lower: Lower,
    pub upper: Option<NaiveDateTime>,
}

/// Reads every row from `since` on, window after window. `last_of_page` gives the time of the
/// `PAGE_ROWS`-th row from `lower` on, or `None` when fewer remain; `rows` reads one window.
pub fn read_by_time<T>(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    last_of_page: impl Fn(&mut DbConnection, Lower) -> QueryResult<Option<NaiveDateTime>>,
    rows: impl Fn(&mut DbConnection, Window) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let mut lower = Lower::From(since);
    let mut read = Vec::new();
    loop {
        let (upper, page) = pacing::step(|| {
            let upper = last_of_page(conn, lower)?;
            rows(conn, Window { lower, upper }).map(|page| (upper, page))
        })?;
        read.extend(page);
        match upper {
            Some(upper) => lower = Lower::After(upper),
            None => return Ok(read),
        }
    }
}

/// Narrows a boxed query to the rows whose `$column` is at or after the window's `lower`.
macro_rules! from_lower {
    ($query:expr, $column:expr, $lower:expr) => {
        match $lower {
            $crate::seats::storage::time_pages::Lower::From(at) => $query.filter($column.ge(at)),
            $crate::seats::storage::time_pages::Lower::After(at) => $query.filter($column.gt(at)),
        }
    };
}

/// Narrows a boxed query to the rows whose `$column` lies in `$window`.
macro_rules! within {
    ($query:expr, $column:expr, $window:expr) => {{
        let window: $crate::seats::storage::time_pages::Window = $window;
        let query = $crate::seats::storage::time_pages::from_lower!($query, $column, window.lower);
        match window.upper {
            Some(upper) => query.filter($column.le(upper)),
            None => query,
        }
    }};
}

/// The time of the `PAGE_ROWS`-th row of a boxed query from `$lower` on, if there is one:
/// a `last_of_page` for `read_by_time`.
macro_rules! page_end {
    ($conn:expr, $query:expr, $column:expr, $lower:expr) => {
        $crate::seats::storage::time_pages::from_lower!($query, $column, $lower)
            .select($column)
            .order($column.asc())
            .offset($crate::seats::storage::time_pages::PAGE_ROWS - 1)
            .limit(1)
            .get_result($conn)
            .optional()
    };
}

pub(crate) use {from_lower, page_end, within};

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeDelta};
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::*;
    use crate::store::{DatabaseUrl, Store};

    diesel::table! {
        stamps (id) {
            id -> Integer,
            at -> Timestamp,
        }
    }

    /// Seven rows share each second, so most windows end inside a run of equal times.
    const ROWS: i32 = 12_003;
    const SAME_TIME: i32 = 7;

    fn time_of(row: i32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|day| day.and_hms_opt(9, 0, 0))
            .expect("a time")
            + TimeDelta::seconds(i64::from(row / SAME_TIME))
    }

    #[test]
    fn every_row_from_the_start_is_read_once_even_when_windows_end_among_equal_times() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store =
            Store::open(&DatabaseUrl::Sqlite(dir.path().join("pages.db")), 1).expect("store");
        let mut conn = store.connection().expect("connection");
        conn.batch_execute(
            "CREATE TABLE stamps (id INTEGER PRIMARY KEY, at TIMESTAMP NOT NULL);
             CREATE INDEX stamps_at ON stamps(at);",
        )
        .expect("table");
        let values: Vec<String> = (0..ROWS)
            .map(|id| format!("({id}, '{}')", time_of(id).format("%F %T")))
            .collect();
        conn.batch_execute(&format!(
            "INSERT INTO stamps (id, at) VALUES {};",
            values.join(",")
        ))
        .expect("insert");
        let first_kept = 10;
        let since = time_of(first_kept);

        let mut ids = read_by_time(
            &mut conn,
            since,
            |conn, lower| page_end!(conn, stamps::table.into_boxed(), stamps::at, lower),
            |conn, window| {
                within!(stamps::table.into_boxed(), stamps::at, window)
                    .select(stamps::id)
                    .load::<i32>(conn)
            },
        )
        .expect("read");

        ids.sort_unstable();
        let kept_from = first_kept / SAME_TIME * SAME_TIME;
        assert_eq!(ids, (kept_from..ROWS).collect::<Vec<_>>());
    }
}
