//! Group commit for authorized actions. Every `act` becomes a job on a queue; one writer
//! thread takes the jobs waiting and runs them in one transaction, each in its own savepoint,
//! then appends all their decisions to the log with one advance of each company's chain
//! head, commits, and only then answers the callers.
//!
//! Why: a transaction's fixed costs (taking the write lock, the chain head, writing the
//! touched pages at commit) were paid by every action; shared by a batch, they are paid once.
//! On SQLite, whose writers are serial anyway, the queue also replaces the busy-wait for the
//! file lock. One writer on PostgreSQL too: two batches, each holding the row locks of many
//! actions (a company's number counters above all) taken in no common order, deadlock each
//! other, and the server takes a second to notice.
//!
//! An action that fails rolls back to its savepoint and leaves nothing behind; a denial's own
//! decision is still logged. An action that failed on the store, or whose batch was undone
//! before its commit, runs again alone before its failure is the answer: a neighbour may have
//! caused it. A failed commit is answered as such and never retried: it may have taken effect.

#[cfg(test)]
mod tests;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use diesel::Connection;
use tokio::sync::{mpsc, oneshot};

use super::decision_log::{self, PendingDecision};
use super::{deferred, ActionError};
use crate::store::pacing::Pacing;
use crate::store::{write_transaction, DbConnection, Store, StoreError};

/// Actions waiting before new callers are slowed down.
const QUEUE_CAPACITY: usize = 4_096;
/// Actions in one transaction, to bound how long the first of them waits for its answer.
const MAX_BATCH_ACTIONS: usize = 64;
/// Runs alone of an action that failed on the store, before its failure is the answer.
const RETRIES_ALONE: usize = 3;
const PANICKED: &str = "an action panicked; its transaction was rolled back";

trait Job: Send {
    /// Runs the action in its own savepoint of the open transaction; returns the decisions
    /// to log.
    fn run(&mut self, conn: &mut DbConnection) -> Vec<PendingDecision>;
    /// Whether the last run failed on the store.
    fn failed_on_store(&self) -> bool;
    /// Sends the answer: the last run's result when its transaction committed, else `failure`.
    fn answer(self: Box<Self>, failure: Option<StoreError>);
}

struct Action<F, T, E> {
    work: F,
    /// Decisions made before the action (by a read on a snapshot), logged with its own when
    /// it succeeds.
    carried: Vec<PendingDecision>,
    result: Option<Result<T, E>>,
    done: oneshot::Sender<Result<T, E>>,
}

impl<F, T, E> Job for Action<F, T, E>
where
    F: Fn(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
{
    fn run(&mut self, conn: &mut DbConnection) -> Vec<PendingDecision> {
        let scope = deferred::Scope::begin();
        let result = conn.transaction(&self.work);
        let mut decisions = scope.to_log(&result);
        if result.is_ok() && !self.carried.is_empty() {
            decisions.splice(0..0, self.carried.iter().cloned());
        }
        self.result = Some(result);
        decisions
    }

    fn failed_on_store(&self) -> bool {
        matches!(&self.result, Some(Err(error)) if error.failed_on_store())
    }

    fn answer(self: Box<Self>, failure: Option<StoreError>) {
        let answer = match (failure, self.result) {
            (None, Some(result)) => result,
            (Some(error), _) => Err(E::from(error)),
            (None, None) => Err(E::from(StoreError::Canceled)),
        };
        let _ = self.done.send(answer);
    }
}

/// Decisions made off the writer (by reads), to append to the log.
struct Record {
    decisions: Vec<PendingDecision>,
    done: oneshot::Sender<Result<(), StoreError>>,
}

impl Job for Record {
    fn run(&mut self, _: &mut DbConnection) -> Vec<PendingDecision> {
        self.decisions.clone()
    }

    fn failed_on_store(&self) -> bool {
        false
    }

    fn answer(self: Box<Self>, failure: Option<StoreError>) {
        let _ = self.done.send(failure.map_or(Ok(()), Err));
    }
}

/// The queue of authorized actions, and its writer thread.
#[derive(Clone)]
pub struct ActionQueue {
    sender: mpsc::Sender<Box<dyn Job>>,
    pacing: Arc<Pacing>,
}

impl ActionQueue {
    /// Starts the writer thread; it stops when the last `ActionQueue` is dropped.
    pub fn start(store: Store) -> Self {
        let (sender, mut receiver) = mpsc::channel(QUEUE_CAPACITY);
        let pacing = store.pacing().clone();
        std::thread::Builder::new()
            .stack_size(super::WRITER_STACK_BYTES)
            .name("actions".into())
            .spawn(move || {
                while let Some(jobs) = next_batch(&mut receiver) {
                    commit_batch(&store, jobs);
                }
            })
            .expect("spawning a thread");
        Self { sender, pacing }
    }

    /// Runs `work` as one action of a group commit; the answer comes once it is committed.
    /// `work` may run more than once: a run that failed on the store is undone, then retried.
    pub async fn act<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        self.act_after(Vec::new(), work).await
    }

    /// Like `act`, for an action that follows a read: the read's `decisions` are logged with
    /// the action's own when it succeeds.
    pub async fn act_after<T, E, F>(&self, decisions: Vec<PendingDecision>, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        let _writing = self.pacing.writing();
        let (done, answered) = oneshot::channel();
        let job = Action {
            work,
            carried: decisions,
            result: None,
            done,
        };
        self.sender
            .send(Box::new(job))
            .await
            .map_err(|_| StoreError::Canceled)?;
        answered.await.map_err(|_| StoreError::Canceled)?
    }

    /// Appends `decisions` in the next group commit; returns once they are committed.
    pub async fn record(&self, decisions: Vec<PendingDecision>) -> Result<(), StoreError> {
        if decisions.is_empty() {
            return Ok(());
        }
        let _writing = self.pacing.writing();
        let (done, answered) = oneshot::channel();
        self.sender
            .send(Box::new(Record { decisions, done }))
            .await
            .map_err(|_| StoreError::Canceled)?;
        answered.await.map_err(|_| StoreError::Canceled)?
    }
}

/// The jobs waiting, at least one; `None` once every sender is gone.
fn next_batch(receiver: &mut mpsc::Receiver<Box<dyn Job>>) -> Option<Vec<Box<dyn Job>>> {
    let mut jobs = vec![receiver.blocking_recv()?];
    while jobs.len() < MAX_BATCH_ACTIONS {
        match receiver.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    Some(jobs)
}

fn commit_batch(store: &Store, mut jobs: Vec<Box<dyn Job>>) {
    let again = match run_on_a_connection(store, &mut jobs) {
        Ok(()) => {
            let (again, done): (Vec<_>, Vec<_>) =
                jobs.into_iter().partition(|job| job.failed_on_store());
            for job in done {
                job.answer(None);
            }
            again
        }
        Err(Unfinished::Panicked(index)) => {
            // Its caller sees the answer canceled; the others run again.
            jobs.remove(index);
            jobs
        }
        Err(Unfinished::Undone(error)) if matches!(error, StoreError::Pool(_)) => {
            // No connection to be had: running each alone would only wait as long again.
            tracing::error!(%error, actions = jobs.len(), "no database connection for a batch of actions");
            for job in jobs {
                job.answer(Some(StoreError::Unavailable(error.to_string())));
            }
            return;
        }
        Err(Unfinished::Undone(error)) => {
            tracing::warn!(%error, actions = jobs.len(), "a batch of actions was undone; each runs again alone");
            jobs
        }
        Err(Unfinished::CommitFailed(error)) => {
            tracing::error!(%error, actions = jobs.len(), "the commit of a batch of actions failed");
            for job in jobs {
                job.answer(Some(commit_failure(&error)));
            }
            return;
        }
    };
    for job in again {
        retry_alone(store, job);
    }
}

/// Runs a job again alone, up to `RETRIES_ALONE` times; once only when the database is
/// out of reach (a failover), whose answer is then 503 at once.
fn retry_alone(store: &Store, mut job: Box<dyn Job>) {
    for attempt in 1..=RETRIES_ALONE {
        let last = attempt == RETRIES_ALONE;
        match run_on_a_connection(store, std::slice::from_mut(&mut job)) {
            Ok(()) if job.failed_on_store() && !last => {}
            Ok(()) => return job.answer(None),
            Err(Unfinished::Panicked(_)) => return,
            Err(Unfinished::Undone(error)) if last || error.is_unavailable() => {
                return job.answer(Some(error))
            }
            Err(Unfinished::Undone(_)) => {}
            Err(Unfinished::CommitFailed(error)) => {
                return job.answer(Some(commit_failure(&error)))
            }
        }
    }
}

/// What each action of a batch whose commit failed is told. A lost server (a failover) is
/// 503: whether the commit took effect is unknown, and the caller's retry with its
/// idempotency key finds out safely.
fn commit_failure(error: &StoreError) -> StoreError {
    if error.is_unavailable() {
        StoreError::Unavailable(error.to_string())
    } else {
        StoreError::Batch(error.to_string())
    }
}

/// How a transaction of jobs ended without committing.
enum Unfinished {
    /// Undone before its commit: its jobs may run again.
    Undone(StoreError),
    /// The commit itself failed. Whether it took effect is unknown, so nothing runs again:
    /// an action could otherwise be done twice.
    CommitFailed(StoreError),
    /// The job at this index panicked; the transaction, whose state is unknown, is undone.
    Panicked(usize),
}

fn run_on_a_connection(store: &Store, jobs: &mut [Box<dyn Job>]) -> Result<(), Unfinished> {
    let mut conn = store.connection().map_err(Unfinished::Undone)?;
    let mut panicked = None;
    let mut committing = false;
    let result = write_transaction(&mut conn, |conn| {
        let mut decisions = Vec::new();
        for (index, job) in jobs.iter_mut().enumerate() {
            match catch_unwind(AssertUnwindSafe(|| job.run(conn))) {
                Ok(made) => decisions.extend(made),
                Err(_) => {
                    panicked = Some(index);
                    return Err(StoreError::Batch(PANICKED.into()));
                }
            }
        }
        decision_log::append(conn, &decisions)?;
        committing = true;
        Ok(())
    });
    match (result, panicked) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(index)) => Err(Unfinished::Panicked(index)),
        (Err(error), None) if committing => Err(Unfinished::CommitFailed(error)),
        (Err(error), None) => Err(Unfinished::Undone(error)),
    }
}
