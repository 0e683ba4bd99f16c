//! Authorized reads off the writer. A read decides and reads in a read-only transaction on the
//! blocking pool, from one snapshot, beside the action queue's writer; its decisions are then
//! appended to the log by the queue, and the answer goes out only once they are committed, as
//! for an action. A long read (a report, the chain check, an audit's input) thus delays no
//! write.
//!
//! Reads run on threads of their own at the lowest CPU priority. On two cores two long reads
//! would otherwise take half the processor time from the writers and the HTTP workers each
//! time they are all runnable; at the lowest priority a read gets the cores the others leave
//! idle. Long reads also work in steps, each after the writes in flight (`store::pacing`).

use std::sync::LazyLock;

use thread_priority::ThreadPriority;

use super::decision_log::PendingDecision;
use super::deferred;
use super::{ActionError, ActionQueue};
use crate::store::pacing::Reading;
use crate::store::{read_transaction, DbConnection, Store, StoreError};

/// Runs `work` (which authorizes, then reads) on a snapshot; logs its decisions, a denial
/// included, before answering.
pub async fn read<T, E, F>(store: &Store, queue: &ActionQueue, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
{
    let (result, decisions) = on_a_snapshot(store, work).await?;
    queue.record(decisions).await?;
    result
}

/// Reads on a snapshot off the writer (`read`), then takes the writer only for `write`, given
/// what was read: the read's decisions are logged with the write's, in its transaction.
/// `write` may run more than once, like any action.
pub async fn read_then_act<S, T, E, R, W>(
    store: &Store,
    queue: &ActionQueue,
    read: R,
    write: W,
) -> Result<T, E>
where
    R: FnOnce(&mut DbConnection) -> Result<S, E> + Send + 'static,
    W: Fn(&mut DbConnection, &S) -> Result<T, E> + Send + 'static,
    S: Send + 'static,
    T: Send + 'static,
    E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
{
    let (result, decisions) = on_a_snapshot(store, read).await?;
    match result {
        Ok(snapshot) => {
            queue
                .act_after(decisions, move |conn| write(conn, &snapshot))
                .await
        }
        Err(error) => {
            queue.record(decisions).await?;
            Err(error)
        }
    }
}

type Decided<T, E> = (Result<T, E>, Vec<PendingDecision>);

async fn on_a_snapshot<T, E, F>(store: &Store, work: F) -> Result<Decided<T, E>, StoreError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: ActionError + From<diesel::result::Error> + Send + 'static,
{
    let store = store.clone();
    READERS
        .spawn_blocking(move || {
            let mut conn = store.connection()?;
            let _reading = Reading::enter(store.pacing().clone());
            // Allows are held in the scope instead of appended: the transaction cannot write.
            let scope = deferred::Scope::begin();
            let result = read_transaction(&mut conn, work);
            let decisions = scope.to_log(&result);
            Ok((result, decisions))
        })
        .await
        .map_err(|_| StoreError::Canceled)?
}

/// The blocking pool the reads run on: it grows with the reads in flight, like tokio's own,
/// and every thread it starts runs at the lowest priority.
static READERS: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("snapshot-reads")
        .thread_stack_size(super::WRITER_STACK_BYTES)
        .on_thread_start(lowest_priority)
        .build()
        .expect("a runtime for the snapshot reads")
});

/// SCHED_IDLE on Linux: a reading thread gets a core only when no ordinary thread wants it,
/// and an ordinary thread that wakes takes the core back at once, where at nice 19 it could
/// wait out the read's time slice (measured: p99 of invoice creation beside long reads
/// 4.5-4.7 ms against 6.1-6.6 ms at nice 19). A thread may always lower its own policy, no
/// privilege needed.
#[cfg(target_os = "linux")]
fn lowest_priority() {
    use thread_priority::unix::{
        set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
        ThreadSchedulePolicy,
    };
    let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
    if let Err(error) =
        set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle)
    {
        tracing::warn!(?error, "snapshot reads run at normal priority");
    }
}

/// Elsewhere, the lowest priority the system gives.
#[cfg(not(target_os = "linux"))]
fn lowest_priority() {
    if let Err(error) = thread_priority::set_current_thread_priority(ThreadPriority::Min) {
        tracing::warn!(?error, "snapshot reads run at normal priority");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use crate::authz::decision_log::{self, DecisionFilter};
    use crate::authz::Denial;
    use crate::store::DatabaseUrl;

    #[derive(Debug, thiserror::Error)]
    enum ProbeError {
        #[error(transparent)]
        Store(#[from] StoreError),
        #[error("denied")]
        Denied(Denial),
        #[error("{0}")]
        Probe(String),
    }

    crate::action_error!(ProbeError);

    fn decision(id: &str, allowed: bool) -> PendingDecision {
        PendingDecision {
            id: id.into(),
            company_id: "company".into(),
            decided_at: crate::clock::now(),
            user_id: Some("reader".into()),
            session_id: None,
            action: "view_decisions".into(),
            resource_type: "AuditData".into(),
            resource_id: "company".into(),
            allowed,
            policy_ids: Vec::new(),
            errors: Vec::new(),
            client_ip: None,
            policy_version: "v".into(),
            inputs: None,
        }
    }

    fn migrated_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store =
            Store::open(&DatabaseUrl::Sqlite(dir.path().join("reads.db")), 4).expect("store");
        store.migrate().expect("migrations");
        (dir, store)
    }

    fn logged_ids(store: &Store) -> Vec<String> {
        let mut conn = store.connection().expect("connection");
        let (records, _) = decision_log::list(&mut conn, "company", &DecisionFilter::default(), 10)
            .expect("the log reads");
        records.into_iter().map(|record| record.id).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_runs_while_the_writer_is_busy_and_answers_once_its_decision_is_logged() {
        let (_dir, store) = migrated_store();
        let queue = ActionQueue::start(store.clone());
        let (started, writer_busy) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let released = std::sync::Mutex::new(released);
        let busy = tokio::spawn({
            let queue = queue.clone();
            async move {
                queue
                    .act(move |_| {
                        let _ = started.send(());
                        let _ = released.lock().expect("lock").recv();
                        Ok::<_, ProbeError>(())
                    })
                    .await
            }
        });
        writer_busy
            .recv_timeout(Duration::from_secs(10))
            .expect("the writer took the long action");

        let (ran, read_ran) = mpsc::channel();
        let reading = tokio::spawn({
            let (store, queue) = (store.clone(), queue.clone());
            async move {
                read(&store, &queue, move |_| {
                    assert!(deferred::hold(decision("allowed-read", true)).is_none());
                    let _ = ran.send(());
                    Ok::<_, ProbeError>("the page")
                })
                .await
            }
        });
        read_ran
            .recv_timeout(Duration::from_secs(10))
            .expect("the read ran beside the busy writer");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            !reading.is_finished(),
            "the answer waits for the read's decision to be committed"
        );

        release.send(()).expect("release the writer");
        busy.await.expect("busy task").expect("the long action");
        assert_eq!(reading.await.expect("read task").expect("read"), "the page");
        assert_eq!(logged_ids(&store), ["allowed-read"]);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn reads_run_on_threads_the_scheduler_serves_only_when_others_are_idle() {
        use thread_priority::unix::{
            thread_schedule_policy, NormalThreadSchedulePolicy, ThreadSchedulePolicy,
        };
        let (_dir, store) = migrated_store();
        let queue = ActionQueue::start(store.clone());
        let policy = read(&store, &queue, |_| {
            thread_schedule_policy().map_err(|error| ProbeError::Probe(format!("{error:?}")))
        })
        .await
        .expect("the read");
        assert_eq!(
            policy,
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle)
        );
    }

    #[tokio::test]
    async fn a_denied_read_logs_its_denial_and_answers_it() {
        let (_dir, store) = migrated_store();
        let queue = ActionQueue::start(store.clone());
        let answer: Result<(), ProbeError> = read(&store, &queue, |_| {
            Err(ProbeError::Denied(Denial {
                decision: Box::new(decision("denied-read", false)),
                other_tenant: false,
            }))
        })
        .await;
        assert!(matches!(answer, Err(ProbeError::Denied(_))));
        assert_eq!(logged_ids(&store), ["denied-read"]);
    }

    #[tokio::test]
    async fn a_write_after_a_read_logs_both_decisions_in_its_transaction() {
        let (_dir, store) = migrated_store();
        let queue = ActionQueue::start(store.clone());
        let stored: Result<usize, ProbeError> = read_then_act(
            &store,
            &queue,
            |_| {
                assert!(deferred::hold(decision("audit-read", true)).is_none());
                Ok(3_usize)
            },
            |_, found: &usize| {
                assert!(deferred::hold(decision("audit-write", true)).is_none());
                Ok(*found)
            },
        )
        .await;
        assert_eq!(stored.expect("stored"), 3);
        // Newest first.
        assert_eq!(logged_ids(&store), ["audit-write", "audit-read"]);
    }
}
