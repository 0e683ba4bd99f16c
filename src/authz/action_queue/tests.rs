//! The writer's group commits: actions batched, denials logged alone, failures retried alone.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};

use super::*;
use crate::authz::Denial;
use crate::store::DatabaseUrl;

#[derive(Debug, thiserror::Error)]
enum ProbeError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ProbeError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Store(StoreError::Query(error))
    }
}

impl ActionError for ProbeError {
    fn denial(&self) -> Option<&Denial> {
        None
    }

    fn failed_on_store(&self) -> bool {
        true
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn queue() -> (tempfile::TempDir, Store, ActionQueue) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = DatabaseUrl::Sqlite(dir.path().join("queue.db"));
    let store = Store::open(&url, 4).expect("store");
    let mut conn = store.connection().expect("connection");
    diesel::sql_query("CREATE TABLE probe (job TEXT NOT NULL)")
        .execute(&mut *conn)
        .expect("probe table");
    let queue = ActionQueue::start(store.clone());
    (dir, store, queue)
}

fn write(conn: &mut DbConnection, job: &str) -> Result<(), ProbeError> {
    diesel::sql_query(format!("INSERT INTO probe (job) VALUES ('{job}')")).execute(conn)?;
    Ok(())
}

fn rows_of(store: &Store, job: &str) -> i64 {
    let mut conn = store.connection().expect("connection");
    diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM probe WHERE job = '{job}'"
    ))
    .get_result::<Count>(&mut *conn)
    .expect("count")
    .n
}

fn store_failure() -> ProbeError {
    ProbeError::Store(StoreError::Query(diesel::result::Error::NotFound))
}

#[tokio::test]
async fn an_action_that_failed_on_the_store_runs_again_alone_without_its_first_writes() {
    let (_dir, store, queue) = queue();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let answer = queue
        .act(move |conn| {
            write(conn, "flaky")?;
            match counted.fetch_add(1, Ordering::SeqCst) {
                0 => Err(store_failure()),
                _ => Ok("done"),
            }
        })
        .await;
    assert_eq!(answer.expect("the second run succeeds"), "done");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(
        rows_of(&store, "flaky"),
        1,
        "the failed run's write is undone"
    );
}

#[tokio::test]
async fn an_action_that_keeps_failing_answers_its_failure_and_writes_nothing() {
    let (_dir, store, queue) = queue();
    let answer: Result<(), ProbeError> = queue
        .act(|conn| {
            write(conn, "broken")?;
            Err(store_failure())
        })
        .await;
    assert!(answer.is_err());
    assert_eq!(rows_of(&store, "broken"), 0);
}

#[tokio::test]
async fn a_panicking_action_is_canceled_and_its_neighbours_still_commit() {
    let (_dir, store, queue) = queue();
    let calm = |name: &'static str| {
        let queue = queue.clone();
        async move { queue.act(move |conn| write(conn, name)).await }
    };
    let panicking = queue.act(|conn| {
        write(conn, "panicking")?;
        panic!("a bug in an action");
    });
    let (first, panicked, second): (_, Result<(), ProbeError>, _) =
        tokio::join!(calm("first"), panicking, calm("second"));
    assert!(matches!(
        panicked,
        Err(ProbeError::Store(StoreError::Canceled))
    ));
    assert!(first.is_ok() && second.is_ok());
    assert_eq!(rows_of(&store, "first"), 1);
    assert_eq!(rows_of(&store, "second"), 1);
    assert_eq!(rows_of(&store, "panicking"), 0);
}
