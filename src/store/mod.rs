//! Storage: one diesel codebase over SQLite (embedded default) and PostgreSQL.
//!
//! Every query function in the domain takes `&mut DbConnection` so it composes into the
//! transactions opened here; nothing above this module picks a backend.
//!
//! Look-ups of one row by a unique key use `get_result`, not `first`: `first` binds its
//! `LIMIT` as a parameter, and SQLite (3.53) then re-prepares the statement on every
//! execution — measured at an eighth of a decision's time.

mod checkpoints;
mod failover;
pub mod pacing;
pub mod schema;
mod secrets;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};

use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
pub use failover::{replay_position, ReplayPosition};
use failover::{Pooled, Serves};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long a SQLite writer waits for the write lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;
/// Pages of write-ahead log (4 KB each) past which a committing writer checkpoints itself:
/// only when the background checkpoints fall this far behind.
const SQLITE_WRITER_CHECKPOINT_PAGES: u32 = 40_000;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Query(diesel::result::Error),
    /// The server went away or is no longer the primary (a failover): retry shortly.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("cannot reach the database: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] ConnectionError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("the blocking pool is gone")]
    Canceled,
    /// The shared transaction of a group commit failed; every action in it is undone.
    #[error("the batch's transaction failed: {0}")]
    Batch(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> Self {
        if failover::connection_lost(&error) {
            Self::Unavailable(error.to_string())
        } else {
            Self::Query(error)
        }
    }
}

impl StoreError {
    /// Whether the database could not be reached, rather than the work being wrong: the
    /// answer is 503 and the same request may succeed in a moment.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::Unavailable(_) | Self::Pool(_) | Self::Connect(_)
        )
    }
}

/// Which database a `DATABASE_URL` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://…` or `postgresql://…` pick PostgreSQL; `sqlite://path` or a bare path pick
    /// SQLite.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("is empty".into());
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Self::Postgres(text.to_owned()));
        }
        if let Some((scheme, _)) = text.split_once("://") {
            if scheme != "sqlite" {
                return Err(format!(
                    "scheme `{scheme}` is not supported (use sqlite:// or postgres://)"
                ));
            }
        }
        let path = text.strip_prefix("sqlite://").unwrap_or(text);
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// r2d2 manager that opens the right backend and sets SQLite's pragmas on every connection.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    serves: Serves,
}

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        let conn = self.open()?;
        Pooled::new(conn, self.serves).map_err(r2d2::Error::QueryError)
    }

    /// Checks a connection only when a failover may have killed it (`failover`).
    fn is_valid(&self, conn: &mut Pooled) -> Result<(), r2d2::Error> {
        conn.check(self.serves).map_err(r2d2::Error::QueryError)
    }

    /// A connection left inside a transaction (an action panicked in a group commit) is
    /// closed rather than handed out again, as is a long read's expired fallback to the
    /// primary (`failover`).
    fn has_broken(&self, conn: &mut Pooled) -> bool {
        if conn.fallback_expired() {
            return true;
        }
        match &mut **conn {
            DbConnection::Postgres(c) => c.is_broken(),
            DbConnection::Sqlite(c) => c.is_broken(),
        }
    }
}

impl Manager {
    fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?;
                // The busy timeout first: switching to WAL takes a lock other new
                // connections may hold. Checkpoints run on their own thread (checkpoints.rs).
                // A 16 MB page cache (default 2 MB) keeps the indexes' hot pages of a busy
                // log in memory instead of re-reading them. FULL flushes the log at each
                // commit: with NORMAL a committed decision could vanish in a power cut.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                     PRAGMA wal_autocheckpoint = {SQLITE_WRITER_CHECKPOINT_PAGES}; \
                     PRAGMA cache_size = -16000;"
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

pub type Pool = r2d2::Pool<Manager>;

fn pool(url: &DatabaseUrl, size: u32, serves: Serves) -> Result<Pool, StoreError> {
    Ok(r2d2::Pool::builder()
        .max_size(size)
        // The checkout test is free unless a failover may have killed the connection.
        .test_on_check_out(true)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager {
            url: url.clone(),
            serves,
        })?)
}
/// A connection of the pool, back in it when dropped.
pub struct PooledConnection(r2d2::PooledConnection<Manager>);

impl std::ops::Deref for PooledConnection {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.0
    }
}

impl std::ops::DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.0
    }
}

/// The database: a connection pool and the blocking-pool runner every query goes through.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    backend: &'static str,
    serial_writes: bool,
    pacing: Arc<pacing::Pacing>,
    _checkpoints: Option<checkpoints::Checkpoints>,
    /// The read replica's store, for the long reads; None: they read this one.
    replica: Option<Arc<Store>>,
}

impl Store {
    pub fn open(url: &DatabaseUrl, pool_size: u32) -> Result<Self, StoreError> {
        let pool = pool(url, pool_size, Serves::Writes)?;
        // After the pool: its first connection has switched the file to WAL.
        let checkpoints = match url {
            DatabaseUrl::Sqlite(path) => Some(checkpoints::Checkpoints::start(
                path.clone(),
                SQLITE_BUSY_TIMEOUT_MS,
            )),
            DatabaseUrl::Postgres(_) => None,
        };
        Ok(Self {
            pool,
            backend: url.backend_name(),
            serial_writes: matches!(url, DatabaseUrl::Sqlite(_)),
            pacing: pacing::Pacing::new(),
            _checkpoints: checkpoints,
            replica: None,
        })
    }

    /// Sends the long reads to a read replica of this (PostgreSQL) database. Writes and the
    /// reads that decide a write stay here. A replica's reads give way to no write (none runs
    /// there), so they are not paced.
    pub fn with_read_replica(
        mut self,
        url: &DatabaseUrl,
        pool_size: u32,
    ) -> Result<Self, StoreError> {
        let replica = Store {
            pool: pool(url, pool_size, Serves::LongReads)?,
            backend: url.backend_name(),
            serial_writes: false,
            pacing: pacing::Pacing::new(),
            _checkpoints: None,
            replica: None,
        };
        self.replica = Some(Arc::new(replica));
        Ok(self)
    }

    /// Where the long reads (the chain check, the audit's inputs, reports, the access review,
    /// the dry-run's replay, the log's search) run: the replica when there is one.
    pub fn for_long_reads(&self) -> Store {
        self.replica
            .as_deref()
            .cloned()
            .unwrap_or_else(|| self.clone())
    }

    /// The read replica's position, when there is one.
    pub async fn replica_position(&self) -> Option<Result<Option<ReplayPosition>, StoreError>> {
        let replica = self.replica.as_deref()?.clone();
        Some(replica.run(|conn| Ok(replay_position(conn)?)).await)
    }

    pub fn backend_name(&self) -> &'static str {
        self.backend
    }

    /// Whether one write transaction at a time can run (SQLite's file lock): a second
    /// writer thread would only wait.
    pub fn writes_are_serial(&self) -> bool {
        self.serial_writes
    }

    /// The writes in flight, which long reads give way to.
    pub fn pacing(&self) -> &Arc<pacing::Pacing> {
        &self.pacing
    }

    pub fn migrate(&self) -> Result<usize, StoreError> {
        let mut conn = self.pool.get()?;
        run_migrations(&mut conn)
    }

    /// The 32-byte secret `name` every node shares: made by the first node that asks.
    pub fn shared_secret(&self, name: &str) -> Result<[u8; 32], StoreError> {
        let mut conn = self.connection()?;
        secrets::shared_secret(&mut conn, name)
    }

    pub fn connection(&self) -> Result<PooledConnection, StoreError> {
        Ok(PooledConnection(self.pool.get()?))
    }

    /// Runs `work` with a connection on tokio's blocking pool: diesel is synchronous and
    /// must never hold an async worker thread.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(StoreError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|_| StoreError::Canceled)?
    }

    /// Runs `work` in one write transaction on the blocking pool.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, work)).await
    }
}

pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(applied.len())
}

/// A transaction that writes. On SQLite it takes the write lock up front (BEGIN IMMEDIATE):
/// a deferred transaction that reads then writes fails at once with SQLITE_BUSY when another
/// writer got in between, whatever the busy timeout.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if matches!(conn, DbConnection::Sqlite(_)) {
        transaction_begun_with(conn, "BEGIN IMMEDIATE", work)
    } else {
        conn.transaction(work)
    }
}

/// A transaction that only reads, from one snapshot taken at its first read, and takes no
/// write lock: REPEATABLE READ READ ONLY on PostgreSQL (a write in it fails); a deferred
/// transaction on SQLite, whose WAL mode gives readers a snapshot beside the writer.
pub fn read_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let begin = match conn {
        DbConnection::Sqlite(_) => "BEGIN DEFERRED",
        DbConnection::Postgres(_) => "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY",
    };
    transaction_begun_with(conn, begin, work)
}

fn transaction_begun_with<T, E, F>(conn: &mut DbConnection, begin: &str, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    // Through diesel's transaction manager, so that diesel's own nested transactions (SQLite
    // batch inserts use one) become savepoints inside this one.
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, begin),
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction_sql(c, begin),
    }?;
    match work(conn) {
        Ok(value) => match end_transaction(conn, true) {
            Ok(()) => Ok(value),
            Err(error) => {
                let _ = end_transaction(conn, false);
                Err(error.into())
            }
        },
        Err(error) => {
            // The original error matters more than a failed rollback.
            let _ = end_transaction(conn, false);
            Err(error)
        }
    }
}

fn end_transaction(conn: &mut DbConnection, commit: bool) -> QueryResult<()> {
    match (conn, commit) {
        (DbConnection::Sqlite(c), true) => AnsiTransactionManager::commit_transaction(c),
        (DbConnection::Sqlite(c), false) => AnsiTransactionManager::rollback_transaction(c),
        (DbConnection::Postgres(c), true) => AnsiTransactionManager::commit_transaction(c),
        (DbConnection::Postgres(c), false) => AnsiTransactionManager::rollback_transaction(c),
    }
}

/// Whether the database answers (for `/readyz`).
pub fn ping(conn: &mut DbConnection) -> Result<(), StoreError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

/// True when the error is a unique-constraint violation (a concurrent insert won).
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
