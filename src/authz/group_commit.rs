//! Group commit for the decision point. A writer thread takes the questions waiting from
//! many callers and answers them in one transaction: their keys, rules and principals read
//! once, each question decided, every decision appended to the log. Each caller is answered
//! only once that transaction is committed, so no answer goes out unlogged, and the rows a
//! decision read are those of the transaction that logged it.
//!
//! One writer on SQLite, whose writes are serial anyway. Several on PostgreSQL: there a batch
//! spends most of its time in round trips and the commit's flush, which other batches can
//! fill; batches meet only on the chain heads' row locks, taken in company order (so they
//! cannot deadlock), and a batch waiting on a head reads the head its predecessor committed.

use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use super::decision_log::{self, PendingDecision};
use super::decision_point::{self, Caller, ExternalRequest, Lookups};
use super::errors::AuthzError;
use super::Authz;
use crate::store::pacing::Pacing;
use crate::store::{write_transaction, Store};

/// Callers waiting for the writer before new ones are slowed down.
const QUEUE_CAPACITY: usize = 16_384;
/// Questions in one transaction, to bound its size and latency.
const MAX_BATCH_QUESTIONS: usize = 4_096;

/// Writer threads where writes may run side by side (PostgreSQL).
const CONCURRENT_WRITERS: usize = 2;

/// Whether a company's request budget admits this many more questions.
pub type Admission = Arc<dyn Fn(&str, usize) -> bool + Send + Sync>;

type Answer = Result<Vec<PendingDecision>, AuthzError>;

struct Job {
    caller: Caller,
    requests: Vec<ExternalRequest>,
    done: oneshot::Sender<Answer>,
}

#[derive(Clone)]
pub struct GroupCommit {
    sender: mpsc::Sender<Job>,
    pacing: Arc<Pacing>,
}

impl GroupCommit {
    /// Starts the writer threads; they stop when the last `GroupCommit` is dropped.
    pub fn start(store: Store, authz: Arc<Authz>, admit: Admission) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let receiver = Arc::new(Mutex::new(receiver));
        let pacing = store.pacing().clone();
        let writers = if store.writes_are_serial() {
            1
        } else {
            CONCURRENT_WRITERS
        };
        for _ in 0..writers {
            let (store, authz, admit, receiver) = (
                store.clone(),
                authz.clone(),
                admit.clone(),
                receiver.clone(),
            );
            std::thread::Builder::new()
                .stack_size(super::WRITER_STACK_BYTES)
                .name("decision-point".into())
                .spawn(move || run(&store, &authz, &admit, &receiver))
                .expect("spawning a thread");
        }
        Self { sender, pacing }
    }

    /// Decides the caller's questions; the decisions come back once they are committed.
    pub async fn decide(&self, caller: Caller, requests: Vec<ExternalRequest>) -> Answer {
        let _writing = self.pacing.writing();
        let (done, answered) = oneshot::channel();
        let job = Job {
            caller,
            requests,
            done,
        };
        self.sender
            .send(job)
            .await
            .map_err(|_| AuthzError::GroupCommitStopped)?;
        answered.await.map_err(|_| AuthzError::GroupCommitStopped)?
    }
}

fn run(store: &Store, authz: &Authz, admit: &Admission, receiver: &Mutex<mpsc::Receiver<Job>>) {
    while let Some((jobs, questions)) = next_batch(receiver) {
        match answer_all(store, authz, admit, &jobs) {
            Ok(answers) => {
                for (job, answer) in jobs.into_iter().zip(answers) {
                    let _ = job.done.send(answer);
                }
            }
            Err(error) => {
                tracing::error!(%error, questions, "decision point batch failed");
                let error = error.to_string();
                for job in jobs {
                    let _ = job.done.send(Err(AuthzError::GroupCommit(error.clone())));
                }
            }
        }
    }
}

/// The jobs waiting, at least one, and their count of questions; `None` once every sender is
/// gone. The writer holding the receiver waits for the next job; the others wait their turn.
fn next_batch(receiver: &Mutex<mpsc::Receiver<Job>>) -> Option<(Vec<Job>, usize)> {
    let mut receiver = receiver
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let first = receiver.blocking_recv()?;
    let mut questions = first.requests.len();
    let mut jobs = vec![first];
    while questions < MAX_BATCH_QUESTIONS {
        match receiver.try_recv() {
            Ok(job) => {
                questions += job.requests.len();
                jobs.push(job);
            }
            Err(_) => break,
        }
    }
    Some((jobs, questions))
}

/// One transaction for every job. A caller refused (bad key, spent budget) fails alone; a
/// store error fails the batch, since the transaction cannot go on.
fn answer_all(
    store: &Store,
    authz: &Authz,
    admit: &Admission,
    jobs: &[Job],
) -> Result<Vec<Answer>, AuthzError> {
    let mut conn = store.connection()?;
    write_transaction(&mut conn, |conn| {
        let questions = jobs
            .iter()
            .map(|job| (&job.caller, job.requests.as_slice()));
        let lookups = Lookups::load(conn, authz.engines(), questions)?;
        let answers: Vec<Answer> = jobs
            .iter()
            .map(|job| {
                decision_point::decide_for_caller(
                    authz,
                    &lookups,
                    &job.caller,
                    &job.requests,
                    admit.as_ref(),
                )
            })
            .collect();
        decision_log::append(conn, answers.iter().flatten().flatten())?;
        Ok(answers)
    })
}
