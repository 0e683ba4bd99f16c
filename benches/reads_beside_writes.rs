//! Reads beside writes: the latency of invoice creation over HTTP while long reads run beside
//! it. The real server runs in-process on a fresh SQLite file (and on a fresh PostgreSQL
//! database when `BENCH_POSTGRES_URL` names a server); the company's decision log is seeded
//! with 1,000,000 chained records and 100,000 imported sessions.
//!
//! Invoices are created at a fixed rate (open loop: a request leaves every few milliseconds
//! whether or not the previous ones were answered), in rounds: first with nothing else
//! running, then while one client runs `GET /decisions/verify` (the whole chain) and another
//! `POST /audit` (the 100,000 sessions) back to back. It prints each round's p99s, then p50,
//! p99 and the worst latency of both phases over all rounds, and how long each verify and
//! audit took, alone (nothing beside them) and beside the invoices. Goal: the p99 under load
//! at most twice the idle p99.
//!
//! With `BENCH_POSTGRES_REPLICA_URL` naming a streaming standby of the `BENCH_POSTGRES_URL`
//! server, the same rounds run again against a second node on the same database whose long
//! reads go to the standby (`database_read_url`); the two setups print one after the other.
//! Goal with the replica: the p99 under load at most 1.2x idle in every round.
//!
//! Run with `cargo bench --bench reads_beside_writes`; `BENCH_LONG_READS=verify` or `=audit`
//! runs only that long read beside the invoices.

#[path = "support/invoicing.rs"]
mod invoicing;
mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use invoicing::Target;
use seatwarden::authz::decision_log::{self, PendingDecision};
use seatwarden::seats::import;
use seatwarden::seats::service::imports::import_now;
use seatwarden::store::{write_transaction, Store};
use support::PostgresDatabase;

const DECISIONS_SEEDED: usize = 1_000_000;
const DECISIONS_PER_TRANSACTION: usize = 20_000;
const LOGINS: usize = 1_000;
const SESSIONS_PER_LOGIN: usize = 100;
/// Invoice creations started per second, in both phases.
const RATE_PER_SECOND: u64 = 200;
const MEASURED: Duration = Duration::from_secs(10);
/// Idle and loaded phases alternate this many times, so that a drift of the machine's speed
/// weighs on both alike; the figures pool every round's creations.
const ROUNDS: usize = 3;

/// Appends `DECISIONS_SEEDED` decisions to the company's chain, as the service would.
fn seed_decisions(store: &Store, company_id: &str) {
    let mut conn = store.connection().expect("connection");
    let mut seeded = 0;
    while seeded < DECISIONS_SEEDED {
        let batch: Vec<PendingDecision> = (seeded..seeded + DECISIONS_PER_TRANSACTION)
            .map(|n| PendingDecision {
                id: uuid::Uuid::now_v7().to_string(),
                company_id: company_id.to_owned(),
                decided_at: seatwarden::clock::now(),
                user_id: Some(format!("user-{}", n % 64)),
                session_id: None,
                action: "view_invoice".into(),
                resource_type: "Invoice".into(),
                resource_id: format!("invoice-{n}"),
                allowed: n % 7 != 0,
                policy_ids: vec!["standard-all".into()],
                errors: Vec::new(),
                client_ip: Some("127.0.0.1".into()),
                policy_version: "bench".into(),
                inputs: None,
            })
            .collect();
        write_transaction(&mut conn, |conn| {
            decision_log::append(conn, &batch).map(|_| ())
        })
        .expect("seed decisions");
        seeded += DECISIONS_PER_TRANSACTION;
    }
}

/// Imports `LOGINS * SESSIONS_PER_LOGIN` sessions (a sign-in and a sign-out each) over the
/// last 100 days; one login in twenty is shared by two people at once.
fn seed_sessions(store: &Store, company_id: &str) {
    let now = Utc::now();
    let first_day = now - TimeDelta::days(100);
    let mut rows = Vec::with_capacity(LOGINS * SESSIONS_PER_LOGIN * 2);
    for login in 0..LOGINS {
        let shared = login % 20 == 0;
        for session in 0..SESSIONS_PER_LOGIN {
            let device = if shared { session % 2 } else { 0 };
            let day = (session / if shared { 2 } else { 1 }) as i64;
            let start = first_day
                + TimeDelta::days(day)
                + TimeDelta::minutes((login % 120) as i64 + 10 * device as i64);
            let end = start + TimeDelta::hours(3);
            let who = format!("login{login}@bench.test");
            let agent = format!("Mozilla/5.0 device-{device}");
            let device_id = format!("{who}-device-{device}");
            for (event, at) in [("sign_in", start), ("sign_out", end)] {
                rows.push(format!(
                    "{who},{event},{},192.0.2.{},{agent},{device_id},48.85,2.35,FR,standard_all",
                    at.to_rfc3339(),
                    1 + device
                ));
            }
        }
    }
    let mut conn = store.connection().expect("connection");
    for chunk in rows.chunks(import::MAX_ROWS) {
        let text = format!(
            "login,event,time,ip,user_agent,device_id,latitude,longitude,country,role\n{}",
            chunk.join("\n")
        );
        let parsed = import::parse_csv(&text, now).expect("bench import parses");
        assert!(parsed.errors.is_empty(), "bench rows: {:?}", parsed.errors);
        write_transaction(&mut conn, |conn| import_now(conn, company_id, parsed))
            .expect("seed sessions");
    }
}

fn invoice(customer_id: &str, n: u64) -> Value {
    json!({"customer_id": customer_id, "date": "2026-03-02", "lines": [
        {"description": "Pose de carrelage", "quantity": 2, "unit_price_cents": 10_000 + (n % 500) as i64, "vat_rate_bp": 2000},
        {"description": "Déplacement", "quantity": 1.5, "unit_price_cents": 1_000, "vat_rate_bp": 1000}]})
}

/// Latencies of the creations started during `MEASURED`, and why the failed ones failed.
async fn create_invoices(target: Arc<Target>, client: Client) -> (Vec<Duration>, Vec<String>) {
    let url = format!(
        "{}/v1/companies/{}/invoices",
        target.base, target.company_id
    );
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let mut ticks = tokio::time::interval(Duration::from_micros(1_000_000 / RATE_PER_SECOND));
    let deadline = Instant::now() + MEASURED;
    let mut requests = Vec::new();
    let mut n = 0_u64;
    while Instant::now() < deadline {
        ticks.tick().await;
        n += 1;
        let (client, url, target) = (client.clone(), url.clone(), target.clone());
        let (latencies, failures) = (latencies.clone(), failures.clone());
        requests.push(tokio::spawn(async move {
            let started = Instant::now();
            let response = client
                .post(&url)
                .bearer_auth(&target.token)
                .json(&invoice(&target.customer_id, n))
                .send()
                .await;
            match response {
                Ok(response) if response.status() == StatusCode::CREATED => {
                    let _ = response.bytes().await;
                    latencies.lock().expect("latencies").push(started.elapsed());
                }
                Ok(response) => {
                    let status = response.status();
                    let body = response.text().await.unwrap_or_default();
                    failures
                        .lock()
                        .expect("failures")
                        .push(format!("{status} {body}"));
                }
                Err(error) => failures.lock().expect("failures").push(error.to_string()),
            }
        }));
    }
    for request in requests {
        request.await.expect("request task");
    }
    let latencies = std::mem::take(&mut *latencies.lock().expect("latencies"));
    let failures = std::mem::take(&mut *failures.lock().expect("failures"));
    (latencies, failures)
}

/// Runs one long request again and again until `until`; returns each run's duration.
async fn repeat(
    client: Client,
    request: impl Fn(&Client) -> reqwest::RequestBuilder,
    until: Instant,
) -> Vec<Duration> {
    let mut runs = Vec::new();
    while Instant::now() < until {
        let started = Instant::now();
        let response = request(&client).send().await.expect("long request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "the long request answers"
        );
        let _ = response.bytes().await;
        runs.push(started.elapsed());
    }
    runs
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn describe(phase: &str, mut latencies: Vec<Duration>, failures: &[String]) -> Duration {
    latencies.sort();
    let p99 = percentile(&latencies, 0.99);
    println!(
        "  {phase:<12} {} creations, {} failed: p50 {}, p99 {}, max {}",
        latencies.len(),
        failures.len(),
        millis(percentile(&latencies, 0.50)),
        millis(p99),
        millis(latencies.last().copied().unwrap_or_default()),
    );
    if let Some(first) = failures.first() {
        println!("    first failure: {first}");
    }
    p99
}

fn runs(name: &str, runs: &[Duration]) -> String {
    let total: Duration = runs.iter().sum();
    let mean = total / u32::try_from(runs.len().max(1)).unwrap_or(1);
    format!(
        "{} {name} run(s), {} each on average",
        runs.len(),
        millis(mean)
    )
}

/// Lets the store finish with the seeding before anything is timed: otherwise the idle phase
/// measures SQLite copying the seeding's log back into the file, PostgreSQL's autovacuum of a
/// million fresh rows or the checkpoint the seeding's log started (which spreads its writes
/// over minutes, and makes each commit log whole pages meanwhile), or the kernel writing them
/// out while each commit waits on its flush.
fn settle(store: &Store) {
    use diesel::connection::SimpleConnection;
    let mut conn = store.connection().expect("connection");
    // One statement per call: PostgreSQL runs a batch as one transaction, which VACUUM refuses.
    let settle: &[&str] = match &*conn {
        seatwarden::store::DbConnection::Sqlite(_) => &["PRAGMA wal_checkpoint(TRUNCATE);"],
        seatwarden::store::DbConnection::Postgres(_) => &["VACUUM ANALYZE;", "CHECKPOINT;"],
    };
    for statement in settle {
        conn.batch_execute(statement).expect("settle the store");
    }
    let synced = std::process::Command::new("sync").status();
    assert!(synced.is_ok_and(|s| s.success()), "sync failed");
    std::thread::sleep(Duration::from_secs(3));
}

async fn bench(backend: &str, database_url: &str, replica_admin: Option<&str>) {
    let (target, store) = invoicing::start(database_url, "advanced").await;
    let seeding = Instant::now();
    let company_id = target.company_id.clone();
    let seed_store = store.clone();
    tokio::task::spawn_blocking(move || {
        seed_decisions(&seed_store, &company_id);
        seed_sessions(&seed_store, &company_id);
        settle(&seed_store);
    })
    .await
    .expect("seeding");
    println!(
        "{backend}: seeded {DECISIONS_SEEDED} decisions and {} sessions in {:.1} s",
        LOGINS * SESSIONS_PER_LOGIN,
        seeding.elapsed().as_secs_f64()
    );
    let target = Arc::new(target);
    let client = Client::new();
    let verify_url = format!(
        "{}/v1/companies/{}/decisions/verify",
        target.base, target.company_id
    );
    let audit_url = format!("{}/v1/companies/{}/audit", target.base, target.company_id);
    let long_reads = LongReads {
        client: client.clone(),
        token: target.token.clone(),
        verify_url,
        audit_url,
    };
    warm("long reads on the primary", &long_reads).await;
    measure(&long_reads, &target, &client).await;
    if let Some(replica_admin) = replica_admin {
        // The same database on the standby: only the database's name differs.
        let name = database_url.rsplit('/').next().expect("a database name");
        let base = replica_admin
            .rsplit_once('/')
            .map_or(replica_admin, |(base, _)| base);
        let read_url = format!("{base}/{name}");
        wait_for_replay(&store, &read_url);
        let (replica_base, _) = invoicing::serve(database_url, Some(&read_url));
        let beside = Arc::new(Target {
            base: replica_base.clone(),
            token: target.token.clone(),
            company_id: target.company_id.clone(),
            customer_id: target.customer_id.clone(),
        });
        let long_reads = LongReads {
            verify_url: long_reads.verify_url.replace(&target.base, &replica_base),
            audit_url: long_reads.audit_url.replace(&target.base, &replica_base),
            ..long_reads
        };
        warm("long reads on the replica", &long_reads).await;
        measure(&long_reads, &beside, &client).await;
    }
}

/// Runs both long reads once to fill the page cache, then once more each with nothing beside
/// them, and prints that second time: the speed the long reads have when no write is paced
/// against them, to set beside their time in the loaded rounds.
async fn warm(setup: &str, reads: &LongReads) {
    println!("  {setup}:");
    let once = |url: &String, post: bool| {
        reads.repeat_until(url, post, Instant::now() + Duration::from_millis(1))
    };
    once(&reads.verify_url, false).await;
    once(&reads.audit_url, true).await;
    let alone_verify = once(&reads.verify_url, false).await;
    let alone_audit = once(&reads.audit_url, true).await;
    println!(
        "  alone, nothing beside them: {}; {}",
        runs("verify", &alone_verify),
        runs("audit", &alone_audit)
    );
}

/// Rounds of invoice creations idle, then beside the long reads; prints what they took.
async fn measure(long_reads: &LongReads, target: &Arc<Target>, client: &Client) {
    let (mut idle, mut loaded) = (Vec::new(), Vec::new());
    let (mut idle_failures, mut loaded_failures) = (Vec::new(), Vec::new());
    let (mut verify_runs, mut audit_runs) = (Vec::new(), Vec::new());
    let mut worst_round = 0.0_f64;
    for round in 1..=ROUNDS {
        let (mut round_idle, failures) = create_invoices(target.clone(), client.clone()).await;
        idle_failures.extend(failures);
        let (mut round_loaded, failures, verifies, audits) =
            beside_long_reads(long_reads, target.clone()).await;
        loaded_failures.extend(failures);
        round_idle.sort();
        round_loaded.sort();
        let (idle_p99, loaded_p99) = (
            percentile(&round_idle, 0.99),
            percentile(&round_loaded, 0.99),
        );
        let ratio = loaded_p99.as_secs_f64() / idle_p99.as_secs_f64().max(1e-9);
        worst_round = worst_round.max(ratio);
        println!(
            "  round {round}: p99 idle {}, under load {} ({ratio:.2}x)",
            millis(idle_p99),
            millis(loaded_p99)
        );
        idle.extend(round_idle);
        loaded.extend(round_loaded);
        verify_runs.extend(verifies);
        audit_runs.extend(audits);
    }
    let idle_p99 = describe("idle", idle, &idle_failures);
    let loaded_p99 = describe("under load", loaded, &loaded_failures);
    println!(
        "  beside it: {}; {}",
        runs("verify", &verify_runs),
        runs("audit", &audit_runs)
    );
    println!(
        "  p99 under load / idle p99 = {:.2}x, worst round {worst_round:.2}x (goal: at most 1.2x with a replica)",
        loaded_p99.as_secs_f64() / idle_p99.as_secs_f64().max(1e-9)
    );
}

/// Waits until the standby has replayed everything the primary wrote so far (the seeding).
fn wait_for_replay(primary: &Store, read_url: &str) {
    use diesel::{Connection, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Lsn {
        #[diesel(sql_type = diesel::sql_types::Text)]
        lsn: String,
    }
    #[derive(QueryableByName)]
    struct Caught {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        caught: bool,
    }
    let mut conn = primary.connection().expect("primary");
    let written: Lsn = diesel::sql_query("SELECT pg_current_wal_lsn()::text AS lsn")
        .get_result(&mut *conn)
        .expect("the primary's position");
    let mut replica = diesel::PgConnection::establish(read_url).expect("the replica");
    let started = Instant::now();
    loop {
        let caught: Caught = diesel::sql_query(format!(
            "SELECT pg_last_wal_replay_lsn() >= '{}'::pg_lsn AS caught",
            written.lsn
        ))
        .get_result(&mut replica)
        .expect("the replica's position");
        if caught.caught {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the replica lags"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The clients of the long reads and where they go.
struct LongReads {
    client: Client,
    token: String,
    verify_url: String,
    audit_url: String,
}

impl LongReads {
    /// Runs the long read at `url` (a POST when `post`) again and again until `until`.
    fn repeat_until(
        &self,
        url: &str,
        post: bool,
        until: Instant,
    ) -> impl std::future::Future<Output = Vec<Duration>> + Send + 'static {
        let (client, url, token) = (self.client.clone(), url.to_owned(), self.token.clone());
        async move {
            let request =
                |c: &Client| if post { c.post(&url) } else { c.get(&url) }.bearer_auth(&token);
            repeat(client, request, until).await
        }
    }
}

type LoadedPhase = (Vec<Duration>, Vec<String>, Vec<Duration>, Vec<Duration>);

/// Creates invoices for `MEASURED` while the chain check and the audit run back to back
/// beside them; `BENCH_LONG_READS=verify` or `=audit` runs only that one.
async fn beside_long_reads(reads: &LongReads, target: Arc<Target>) -> LoadedPhase {
    let only = std::env::var("BENCH_LONG_READS").unwrap_or_default();
    let start = |runs: bool, url: &String, post: bool| {
        let until = Instant::now() + if runs { MEASURED } else { Duration::ZERO };
        tokio::spawn(reads.repeat_until(url, post, until))
    };
    let verify = start(only != "audit", &reads.verify_url, false);
    let audit = start(only != "verify", &reads.audit_url, true);
    let (loaded, failures) = create_invoices(target, reads.client.clone()).await;
    let verifies = verify.await.expect("verify runs");
    let audits = audit.await.expect("audit runs");
    (loaded, failures, verifies, audits)
}

#[tokio::main]
async fn main() {
    println!(
        "Method: {RATE_PER_SECOND} invoice creations started per second (open loop), {ROUNDS} \
         rounds of {}s idle then {}s beside back-to-back GET /decisions/verify of \
         {DECISIONS_SEEDED} records and POST /audit of {} sessions; latency measured by the \
         client, pooled over the rounds.",
        MEASURED.as_secs(),
        MEASURED.as_secs(),
        LOGINS * SESSIONS_PER_LOGIN
    );
    let directory = tempfile::tempdir().expect("temporary directory");
    let sqlite_url = format!("sqlite://{}", directory.path().join("bench.db").display());
    // `BENCH_SKIP_SQLITE=1` leaves SQLite out, to look at PostgreSQL alone.
    if std::env::var("BENCH_SKIP_SQLITE").map_or(true, |skip| skip != "1") {
        bench("SQLite", &sqlite_url, None).await;
    }
    match std::env::var("BENCH_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let (_database, url) = PostgresDatabase::create(&admin_url);
            // `BENCH_POSTGRES_REPLICA_URL`: the same server's streaming standby (a database of
            // it, any: the bench's own is used), to measure the long reads moved there.
            let replica = std::env::var("BENCH_POSTGRES_REPLICA_URL").ok();
            bench(
                "PostgreSQL",
                &url,
                replica.as_deref().filter(|u| !u.is_empty()),
            )
            .await;
        }
        _ => println!("PostgreSQL: skipped (set BENCH_POSTGRES_URL=postgres://user:pass@host/db)"),
    }
}
