//! The scheduled jobs and their cron expressions, parsed once at start exactly as
//! tokio-cron-scheduler parses them (six fields, seconds first).

use chrono::{DateTime, TimeDelta, Utc};
use croner::parser::{CronParser, Seconds};
use croner::Cron;

/// The jobs the scheduler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Audit,
    Digest,
    SessionExpiry,
    Mail,
}

impl Job {
    pub const ALL: [Job; 4] = [Job::Audit, Job::Digest, Job::SessionExpiry, Job::Mail];

    /// The job's name in logs and in the lease table.
    pub fn as_str(self) -> &'static str {
        match self {
            Job::Audit => "audit",
            Job::Digest => "digest",
            Job::SessionExpiry => "session_expiry",
            Job::Mail => "mail",
        }
    }

    /// The setting that holds the job's cron expression.
    pub fn setting(self) -> &'static str {
        match self {
            Job::Audit => "audit_cron",
            Job::Digest => "digest_cron",
            Job::SessionExpiry => "session_expiry_cron",
            Job::Mail => "mail_cron",
        }
    }
}

/// A valid cron expression.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    expression: String,
    cron: Cron,
}

impl CronSchedule {
    /// A blank expression disables the job (`None`).
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        let expression = text.trim();
        if expression.is_empty() {
            return Ok(None);
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Required)
            .dom_and_dow(true)
            .build()
            .parse(expression)
            .map_err(|error| {
                format!(
                    "`{expression}` is not a cron expression of six fields, seconds first \
                     (e.g. `0 */15 * * * *`): {error}"
                )
            })?;
        Ok(Some(Self {
            expression: expression.to_owned(),
            cron,
        }))
    }

    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The shortest time two runs of one tick can be apart on different nodes and still be
    /// the same tick: half the gap between the next two firings, so that a node that fires a
    /// little late joins the tick already run instead of running it again.
    pub fn same_tick_within(&self, now: DateTime<Utc>) -> TimeDelta {
        let mut upcoming = self.cron.iter_after(now);
        match (upcoming.next(), upcoming.next()) {
            (Some(first), Some(second)) => (second - first) / 2,
            // A schedule with fewer than two firings left: one run is all it gets.
            _ => TimeDelta::days(365),
        }
    }
}

/// The scheduler's settings: the master switch and one schedule per job (`None`: disabled).
#[derive(Debug, Clone)]
pub struct ScheduleSettings {
    pub enabled: bool,
    pub audit: Option<CronSchedule>,
    pub digest: Option<CronSchedule>,
    pub session_expiry: Option<CronSchedule>,
    pub mail: Option<CronSchedule>,
}

impl ScheduleSettings {
    pub fn of(&self, job: Job) -> Option<&CronSchedule> {
        match job {
            Job::Audit => self.audit.as_ref(),
            Job::Digest => self.digest.as_ref(),
            Job::SessionExpiry => self.session_expiry.as_ref(),
            Job::Mail => self.mail.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn blank_disables_and_nonsense_is_refused() {
        assert!(CronSchedule::parse("  ").unwrap().is_none());
        assert!(CronSchedule::parse("every day").is_err());
        assert!(CronSchedule::parse("0 */15 * * * *").unwrap().is_some());
    }

    #[test]
    fn one_tick_spans_half_the_period() {
        let every_quarter = CronSchedule::parse("0 */15 * * * *").unwrap().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 9, 1, 0).unwrap();
        assert_eq!(every_quarter.same_tick_within(now), TimeDelta::seconds(450));
    }
}
