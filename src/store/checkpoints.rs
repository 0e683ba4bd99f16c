//! SQLite checkpoints on a thread of their own. In WAL mode a commit only appends to the log;
//! a checkpoint copies the log back into the database file. Left to SQLite, the committing
//! writer runs it, and every writer of the service waits meanwhile. Here a background
//! connection runs a passive checkpoint, which never blocks writers, every `INTERVAL`; the
//! writers' own automatic checkpoint only fires if this thread falls far behind.

use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

const INTERVAL: Duration = Duration::from_millis(500);

/// Keeps the checkpoint thread running while any clone of it lives.
#[derive(Clone)]
pub struct Checkpoints {
    _alive: Arc<()>,
}

impl Checkpoints {
    /// Starts checkpointing the database at `path` until the last clone is dropped.
    pub fn start(path: PathBuf, busy_timeout_ms: u32) -> Self {
        let alive = Arc::new(());
        let watch = Arc::downgrade(&alive);
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoints".into())
            .spawn(move || run(&path, busy_timeout_ms, &watch));
        if let Err(error) = spawned {
            tracing::warn!(%error, "no checkpoint thread: writers will checkpoint themselves");
        }
        Self { _alive: alive }
    }
}

fn run(path: &std::path::Path, busy_timeout_ms: u32, alive: &Weak<()>) {
    let mut conn = match SqliteConnection::establish(&path.to_string_lossy()) {
        Ok(conn) => conn,
        Err(error) => {
            tracing::warn!(%error, "no checkpoint connection: writers will checkpoint themselves");
            return;
        }
    };
    if let Err(error) = conn.batch_execute(&format!("PRAGMA busy_timeout = {busy_timeout_ms};")) {
        tracing::warn!(%error, "checkpoint connection setup failed");
        return;
    }
    loop {
        std::thread::sleep(INTERVAL);
        if alive.upgrade().is_none() {
            return;
        }
        if let Err(error) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
            tracing::warn!(%error, "background checkpoint failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use diesel::sql_types::BigInt;
    use diesel::{QueryableByName, RunQueryDsl};

    use crate::store::{DatabaseUrl, Store};

    use super::*;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    /// Rows in a copy of the database file alone, without its write-ahead log.
    fn rows_in_main_file(path: &std::path::Path, dir: &std::path::Path) -> i64 {
        let copy = dir.join("copy.db");
        std::fs::copy(path, &copy).expect("copy the database file");
        let mut conn = SqliteConnection::establish(&copy.to_string_lossy()).expect("open copy");
        diesel::sql_query("SELECT COUNT(*) AS n FROM probe")
            .get_result::<Count>(&mut conn)
            .map_or(0, |count| count.n)
    }

    #[test]
    fn committed_writes_reach_the_database_file_without_any_writer_checkpointing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("main.db");
        let store = Store::open(&DatabaseUrl::Sqlite(path.clone()), 2).expect("store");
        let mut conn = store.connection().expect("connection");
        diesel::sql_query("CREATE TABLE probe (n INTEGER NOT NULL)")
            .execute(&mut *conn)
            .expect("table");
        for n in 0..200 {
            diesel::sql_query(format!("INSERT INTO probe (n) VALUES ({n})"))
                .execute(&mut *conn)
                .expect("insert");
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while rows_in_main_file(&path, dir.path()) < 200 {
            assert!(
                Instant::now() < deadline,
                "the background checkpoints never copied the log into the database file"
            );
            std::thread::sleep(INTERVAL);
        }
    }
}
