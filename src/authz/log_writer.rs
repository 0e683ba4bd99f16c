//! Group commit for the decision point: many requests' decisions are appended in one
//! transaction by one writer thread, and each request is answered only once its decisions are
//! committed.

use tokio::sync::{mpsc, oneshot};

use super::decision_log::{self, PendingDecision};
use super::errors::AuthzError;
use crate::store::{write_transaction, Store};

/// Jobs waiting for the writer before callers are slowed down.
const QUEUE_CAPACITY: usize = 16_384;
/// Decisions in one transaction, to bound its size and latency.
const MAX_BATCH_DECISIONS: usize = 4_096;

struct Job {
    decisions: Vec<PendingDecision>,
    done: oneshot::Sender<Result<(), String>>,
}

#[derive(Clone)]
pub struct LogWriter {
    sender: mpsc::Sender<Job>,
}

impl LogWriter {
    /// Starts the writer thread; it stops when the last `LogWriter` is dropped.
    pub fn start(store: Store) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        std::thread::Builder::new()
            .name("decision-log-writer".into())
            .spawn(move || run(store, receiver))
            .expect("spawning a thread");
        Self { sender }
    }

    /// Appends decisions and waits until they are committed.
    pub async fn append(&self, decisions: Vec<PendingDecision>) -> Result<(), AuthzError> {
        let (done, committed) = oneshot::channel();
        self.sender
            .send(Job { decisions, done })
            .await
            .map_err(|_| AuthzError::LogWriterStopped)?;
        match committed.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(AuthzError::LogWrite(error)),
            Err(_) => Err(AuthzError::LogWriterStopped),
        }
    }
}

fn run(store: Store, mut receiver: mpsc::Receiver<Job>) {
    while let Some(first) = receiver.blocking_recv() {
        let mut jobs = vec![first];
        let mut count = jobs[0].decisions.len();
        while count < MAX_BATCH_DECISIONS {
            match receiver.try_recv() {
                Ok(job) => {
                    count += job.decisions.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let outcome = commit(&store, &jobs).map_err(|e| e.to_string());
        if let Err(error) = &outcome {
            tracing::error!(%error, decisions = count, "decision log batch failed");
        }
        for job in jobs {
            let _ = job.done.send(outcome.clone());
        }
    }
}

fn commit(store: &Store, jobs: &[Job]) -> Result<(), AuthzError> {
    let mut conn = store.connection()?;
    let decisions: Vec<PendingDecision> = jobs
        .iter()
        .flat_map(|job| job.decisions.iter().cloned())
        .collect();
    write_transaction(&mut conn, |conn| decision_log::append(conn, &decisions))?;
    Ok(())
}
