//! Each scheduled job once per tick across the nodes, seen from the database: the lease table
//! (`job_leases`) keeps only the last start of each job, so a trigger the harness adds copies
//! every start into `failover_job_runs` as it is written.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::sql_types::{Text, Timestamp};
use diesel::{PgConnection, QueryableByName, RunQueryDsl};

/// The cron expressions the nodes get (six fields, seconds first) and their period in seconds.
pub const SCHEDULES: [(&str, &str, &str, i64); 4] = [
    ("audit", "SEATWARDEN_AUDIT_CRON", "*/4 * * * * *", 4),
    ("digest", "SEATWARDEN_DIGEST_CRON", "*/6 * * * * *", 6),
    (
        "session_expiry",
        "SEATWARDEN_SESSION_EXPIRY_CRON",
        "*/2 * * * * *",
        2,
    ),
    ("mail", "SEATWARDEN_MAIL_CRON", "*/3 * * * * *", 3),
];

/// Adds the trigger that records every start of a job (run after the migrations).
pub fn record_runs(conn: &mut PgConnection) {
    for statement in [
        "CREATE TABLE failover_job_runs (id BIGSERIAL PRIMARY KEY, job TEXT NOT NULL, \
         holder TEXT NOT NULL, started_at TIMESTAMP NOT NULL, \
         recorded_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())",
        "CREATE FUNCTION failover_record_job_run() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN INSERT INTO failover_job_runs (job, holder, started_at) \
         VALUES (NEW.job, NEW.holder, NEW.started_at); RETURN NEW; END $$",
        "CREATE TRIGGER failover_job_runs AFTER INSERT OR UPDATE ON job_leases \
         FOR EACH ROW EXECUTE FUNCTION failover_record_job_run()",
    ] {
        diesel::sql_query(statement)
            .execute(conn)
            .expect("the job-run trigger");
    }
}

#[derive(QueryableByName)]
struct Run {
    #[diesel(sql_type = Text)]
    job: String,
    #[diesel(sql_type = Text)]
    holder: String,
    #[diesel(sql_type = Timestamp)]
    started_at: NaiveDateTime,
}

#[derive(Debug, Default)]
pub struct JobRuns {
    pub runs: usize,
    /// Distinct nodes that ran it.
    pub holders: usize,
    /// Two starts less than half a period apart: one tick run twice.
    pub twice: usize,
    /// Ticks with no start between the first and the last start seen.
    pub missed: i64,
    pub examples: Vec<String>,
}

/// Every job's runs, per job name.
pub fn runs(conn: &mut PgConnection) -> BTreeMap<String, JobRuns> {
    let rows: Vec<Run> = diesel::sql_query(
        "SELECT job, holder, started_at FROM failover_job_runs ORDER BY job, started_at",
    )
    .load(conn)
    .expect("reading the job runs");
    let mut by_job: BTreeMap<String, Vec<Run>> = BTreeMap::new();
    for row in rows {
        by_job.entry(row.job.clone()).or_default().push(row);
    }
    let mut result = BTreeMap::new();
    for (job, runs) in by_job {
        let period_ms = SCHEDULES
            .iter()
            .find(|(name, ..)| *name == job)
            .map_or(1000, |s| s.3 * 1000);
        let mut summary = JobRuns {
            runs: runs.len(),
            holders: runs
                .iter()
                .map(|r| &r.holder)
                .collect::<std::collections::HashSet<_>>()
                .len(),
            ..JobRuns::default()
        };
        for pair in runs.windows(2) {
            let gap = (pair[1].started_at - pair[0].started_at).num_milliseconds();
            if gap * 2 < period_ms {
                summary.twice += 1;
                if summary.examples.len() < 3 {
                    summary.examples.push(format!(
                        "{} by {} and {} by {}",
                        pair[0].started_at, pair[0].holder, pair[1].started_at, pair[1].holder
                    ));
                }
            } else if gap * 2 >= period_ms * 3 {
                summary.missed += (gap + period_ms / 2) / period_ms - 1;
                if summary.examples.len() < 3 {
                    summary
                        .examples
                        .push(format!("gap of {gap} ms after {}", pair[0].started_at));
                }
            }
        }
        result.insert(job, summary);
    }
    result
}
