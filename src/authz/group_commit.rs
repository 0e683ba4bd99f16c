//! Group commit for the decision point. One thread takes the questions waiting from many
//! callers and answers them in one transaction: their keys, rules and principals read once,
//! each question decided, every decision appended to the log. Each caller is answered only
//! once that transaction is committed, so no answer goes out unlogged, and the rows a
//! decision read are those of the transaction that logged it.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::decision_log::{self, PendingDecision};
use super::decision_point::{self, Caller, ExternalRequest, Lookups};
use super::errors::AuthzError;
use super::Authz;
use crate::store::{write_transaction, Store};

/// Callers waiting for the writer before new ones are slowed down.
const QUEUE_CAPACITY: usize = 16_384;
/// Questions in one transaction, to bound its size and latency.
const MAX_BATCH_QUESTIONS: usize = 4_096;

/// Whether a company's request budget admits this many more questions.
pub type Admission = Box<dyn Fn(&str, usize) -> bool + Send>;

type Answer = Result<Vec<PendingDecision>, AuthzError>;

struct Job {
    caller: Caller,
    requests: Vec<ExternalRequest>,
    done: oneshot::Sender<Answer>,
}

#[derive(Clone)]
pub struct GroupCommit {
    sender: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread; it stops when the last `GroupCommit` is dropped.
    pub fn start(store: Store, authz: Arc<Authz>, admit: Admission) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        std::thread::Builder::new()
            .name("decision-point".into())
            .spawn(move || run(&store, &authz, &admit, receiver))
            .expect("spawning a thread");
        Self { sender }
    }

    /// Decides the caller's questions; the decisions come back once they are committed.
    pub async fn decide(&self, caller: Caller, requests: Vec<ExternalRequest>) -> Answer {
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

fn run(store: &Store, authz: &Authz, admit: &Admission, mut receiver: mpsc::Receiver<Job>) {
    while let Some(first) = receiver.blocking_recv() {
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
                    admit,
                )
            })
            .collect();
        decision_log::append(conn, answers.iter().flatten().flatten())?;
        Ok(answers)
    })
}
