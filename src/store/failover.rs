//! What a failover of PostgreSQL looks like from here, and how the pool gets over it.
//!
//! When the primary dies, every pooled connection to it is dead, though nothing says so until
//! it is used. An error that shows a lost server (below) is a `StoreError::Unavailable`,
//! answered 503 with `Retry-After`; it also starts a new epoch. A connection last known good
//! in an older epoch is checked (one `SELECT 1`) before it is handed out again, and dropped
//! if dead, so that the pool refills with connections to the new primary, which the
//! multi-host URL (`target_session_attrs=read-write`) finds. In the same epoch no check is
//! made: a healthy pool pays nothing.
//!
//! The read replica's pool has the opposite worry: a standby promoted in a failover keeps its
//! connections, and the long reads would go on running on the new primary. After a loss its
//! connections are checked to still be on a standby. One that could only reach the primary
//! (no standby up, `target_session_attrs=prefer-standby`) is given up after a while, so that
//! the pool looks for a standby again once one is rebuilt.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::result::{DatabaseErrorKind, Error};

use super::DbConnection;

static EPOCH: AtomicU64 = AtomicU64::new(0);

/// Fails on a standby: a server demoted without a restart keeps its connections.
const PRIMARY_PROBE: &str = "DO $$ BEGIN IF pg_is_in_recovery() THEN \
    RAISE EXCEPTION 'this server is a standby'; END IF; END $$";

/// Fails on a primary: a standby promoted in a failover keeps its connections.
const STANDBY_PROBE: &str = "DO $$ BEGIN IF NOT pg_is_in_recovery() THEN \
    RAISE EXCEPTION 'this server is no longer a standby'; END IF; END $$";

/// How long a long-read connection that reached only the primary is kept before the pool
/// looks for a standby again.
const FALLBACK_KEPT: Duration = Duration::from_secs(5);

/// What PostgreSQL and libpq say when the server went away, shut down, or is a standby now.
const LOST_SERVER: [&str; 12] = [
    "server closed the connection",
    "no connection to the server",
    "terminating connection",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "the database system is not yet accepting connections",
    "could not receive data from server",
    "could not send data to server",
    "connection to server",
    "ssl connection has been closed",
    "connection refused",
];

/// Whether `error` means the database server is out of reach (or no longer the primary),
/// rather than anything wrong with the query. Counts a new epoch when it does.
pub fn connection_lost(error: &Error) -> bool {
    let lost = match error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        // A write refused because the server is a standby now (hot standby after a failover).
        Error::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, info) => {
            info.message().contains("read-only transaction")
        }
        Error::DatabaseError(_, info) => {
            let message = info.message().to_ascii_lowercase();
            LOST_SERVER.iter().any(|text| message.contains(text))
        }
        Error::BrokenTransactionManager => true,
        _ => false,
    };
    if lost {
        EPOCH.fetch_add(1, Ordering::Relaxed);
    }
    lost
}

/// How far a read replica has replayed the primary's log: what its long reads may miss.
#[derive(Debug, Clone, PartialEq, diesel::QueryableByName, serde::Serialize, utoipa::ToSchema)]
pub struct ReplayPosition {
    /// The last log position replayed (`pg_last_wal_replay_lsn`).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub replayed_to: Option<String>,
    /// Seconds since the last transaction it replayed was committed on the primary: the
    /// replication delay under writes, and the idle time when there are none.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub seconds_behind: Option<f64>,
}

/// Where a replica stands; None from a server that is no replica.
pub fn replay_position(conn: &mut DbConnection) -> Result<Option<ReplayPosition>, Error> {
    use diesel::RunQueryDsl;
    if !matches!(conn, DbConnection::Postgres(_)) {
        return Ok(None);
    }
    let position: ReplayPosition = diesel::sql_query(
        // A primary keeps the position its last start-up recovery reached: ask it first.
        "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END \
         AS replayed_to, \
         EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS seconds_behind",
    )
    .get_result(conn)?;
    Ok(position.replayed_to.is_some().then_some(position))
}

/// What a pool's connections are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serves {
    /// The primary: writes and the reads that decide them.
    Writes,
    /// The read replica: long reads only.
    LongReads,
}

/// A pooled connection and the epoch in which it was last known to work.
pub struct Pooled {
    conn: DbConnection,
    epoch: u64,
    /// A long-read connection that reached the primary, no standby answering: since when.
    on_primary_since: Option<Instant>,
}

impl Pooled {
    /// A new connection; for long reads on PostgreSQL, one round trip to learn whether it
    /// reached a standby.
    pub fn new(mut conn: DbConnection, serves: Serves) -> Result<Self, Error> {
        let on_primary = match &mut conn {
            DbConnection::Postgres(pg) if serves == Serves::LongReads => {
                use diesel::RunQueryDsl;
                !diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "pg_is_in_recovery()",
                ))
                .get_result::<bool>(pg)?
            }
            _ => false,
        };
        Ok(Self {
            conn,
            epoch: EPOCH.load(Ordering::Relaxed),
            on_primary_since: on_primary.then(Instant::now),
        })
    }

    /// Free in the epoch the connection was last good in; one round trip after a loss. A
    /// connection of the primary's pool must also still be on a primary, one of the
    /// replica's still on a standby if it was.
    pub fn check(&mut self, serves: Serves) -> Result<(), Error> {
        let now = EPOCH.load(Ordering::Relaxed);
        if self.epoch == now {
            return Ok(());
        }
        let probe = match (&self.conn, serves) {
            (DbConnection::Postgres(_), Serves::Writes) => PRIMARY_PROBE,
            (DbConnection::Postgres(_), Serves::LongReads) if self.on_primary_since.is_none() => {
                STANDBY_PROBE
            }
            _ => "SELECT 1",
        };
        self.conn.batch_execute(probe)?;
        self.epoch = now;
        Ok(())
    }

    /// Whether the pool should drop this connection rather than keep it: a long read's
    /// fallback to the primary, kept long enough.
    pub fn fallback_expired(&self) -> bool {
        self.on_primary_since
            .is_some_and(|since| since.elapsed() >= FALLBACK_KEPT)
    }
}

impl Deref for Pooled {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Said(&'static str);

    impl diesel::result::DatabaseErrorInformation for Said {
        fn message(&self) -> &str {
            self.0
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn said(kind: DatabaseErrorKind, message: &'static str) -> Error {
        Error::DatabaseError(kind, Box::new(Said(message)))
    }

    #[test]
    fn a_lost_server_is_told_from_a_wrong_query_and_starts_an_epoch() {
        let before = EPOCH.load(Ordering::Relaxed);
        for lost in [
            said(
                DatabaseErrorKind::Unknown,
                "server closed the connection unexpectedly",
            ),
            said(DatabaseErrorKind::Unknown, "no connection to the server\n"),
            said(
                DatabaseErrorKind::Unknown,
                "FATAL: terminating connection due to administrator command",
            ),
            said(
                DatabaseErrorKind::ReadOnlyTransaction,
                "cannot execute INSERT in a read-only transaction",
            ),
            said(DatabaseErrorKind::ClosedConnection, ""),
        ] {
            assert!(connection_lost(&lost), "{lost}");
        }
        assert!(EPOCH.load(Ordering::Relaxed) >= before + 5);
        for wrong in [
            said(DatabaseErrorKind::UniqueViolation, "duplicate key value"),
            said(
                DatabaseErrorKind::Unknown,
                "syntax error at or near \"FORM\"",
            ),
            Error::NotFound,
        ] {
            assert!(!connection_lost(&wrong), "{wrong}");
        }
    }
}
