//! The scheduler: one tokio-cron-scheduler job per configured cron expression. Every node
//! fires; the lease lets one of them run each tick. A failing run is logged and the next tick
//! comes as planned.

use std::sync::Arc;

use chrono::TimeDelta;
use tokio_cron_scheduler::{Job as CronJob, JobScheduler};

use super::error::AlertsError;
use super::jobs;
use super::lease;
use super::mailer::{MailSettings, Mailer};
use super::schedule::{Job, ScheduleSettings};
use crate::identity::sessions::SessionTimeouts;
use crate::seats::service::audit_runs::AuditConfig;
use crate::store::Store;

/// What the jobs take from the configuration, built at start.
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub schedule: ScheduleSettings,
    pub audit: AuditConfig,
    pub session_timeouts: SessionTimeouts,
    pub mail: MailSettings,
}

/// What the jobs of one node work with.
#[derive(Clone)]
pub struct JobContext {
    pub store: Store,
    pub settings: Arc<JobSettings>,
    pub mailer: Option<Mailer>,
    /// This node, as the lease names its holder.
    pub node_id: String,
}

impl JobContext {
    pub fn new(store: Store, settings: JobSettings) -> Result<Self, AlertsError> {
        let mailer = Mailer::from_settings(&settings.mail).map_err(AlertsError::Mailer)?;
        Ok(Self {
            store,
            settings: Arc::new(settings),
            mailer,
            node_id: uuid::Uuid::new_v4().to_string(),
        })
    }
}

/// Whether this node ran the tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    Ran,
    /// Another node started this tick already.
    Skipped,
}

/// Runs one tick of `job` if no node has run it yet.
pub async fn run_tick(context: &JobContext, job: Job) -> Result<Tick, AlertsError> {
    let now = crate::clock::now();
    let within = context
        .settings
        .schedule
        .of(job)
        .map_or(TimeDelta::zero(), |schedule| {
            schedule.same_tick_within(now.and_utc())
        });
    let holder = context.node_id.clone();
    let started = context
        .store
        .write(move |conn| {
            Ok::<_, AlertsError>(lease::try_start(conn, job.as_str(), &holder, now, within)?)
        })
        .await?;
    if !started {
        return Ok(Tick::Skipped);
    }
    run_job(context, job).await?;
    Ok(Tick::Ran)
}

/// The job's body, now.
pub async fn run_job(context: &JobContext, job: Job) -> Result<(), AlertsError> {
    let settings = &context.settings;
    let now = crate::clock::now();
    match job {
        Job::Audit => {
            let round = jobs::run_audits(&context.store, &settings.audit).await?;
            tracing::info!(
                audited = round.audited,
                failed = round.failed,
                "scheduled audit"
            );
        }
        Job::Digest => {
            let queued = jobs::queue_digests(&context.store, now).await?;
            tracing::info!(queued, "digests queued");
        }
        Job::SessionExpiry => {
            let ended =
                jobs::expire_sessions(&context.store, settings.session_timeouts, now).await?;
            tracing::debug!(ended, "idle and expired sessions ended");
        }
        Job::Mail => {
            let delivery = jobs::deliver_mail(
                &context.store,
                context.mailer.as_ref(),
                &settings.mail.public_url,
                now,
            )
            .await?;
            if delivery != jobs::Delivery::default() {
                tracing::info!(
                    sent = delivery.sent,
                    retrying = delivery.retrying,
                    failed = delivery.failed,
                    "mail delivery"
                );
            }
        }
    }
    Ok(())
}

/// Starts the jobs that have a cron expression; `None` when the scheduler is switched off.
pub async fn start(context: JobContext) -> Result<Option<JobScheduler>, AlertsError> {
    if !context.settings.schedule.enabled {
        return Ok(None);
    }
    let scheduler = JobScheduler::new().await?;
    for job in Job::ALL {
        let Some(schedule) = context.settings.schedule.of(job) else {
            continue;
        };
        let context = context.clone();
        let cron_job = CronJob::new_async(schedule.expression(), move |_, _| {
            let context = context.clone();
            Box::pin(async move {
                if let Err(error) = run_tick(&context, job).await {
                    tracing::error!(job = job.as_str(), %error, "scheduled job failed");
                }
            })
        })?;
        scheduler.add(cron_job).await?;
        tracing::info!(
            job = job.as_str(),
            cron = schedule.expression(),
            "job scheduled"
        );
    }
    scheduler.start().await?;
    Ok(Some(scheduler))
}
