//! Authorized invoice creations per second over HTTP: the real server in-process on a fresh
//! SQLite file (and on a fresh PostgreSQL database when `BENCH_POSTGRES_URL` names a
//! server), a fixed number of requests in flight for a few seconds, then the share of the
//! request time spent in the Cedar decision.
//!
//! The decision share: the server exposes no timer, so the bench calls `Engine::decide` itself
//! on the inputs a creation decides on (the same actor, company rules, action and resource
//! attributes, the same built-in policies), many times, and divides its mean time by the mean
//! latency of a creation measured by the client. Goals on a 2-core machine: 2,000/s on
//! SQLite, 1,000/s on PostgreSQL, the decision under 5 % of the request.
//!
//! Run with `cargo bench --bench books_http`.

#[path = "support/invoicing.rs"]
mod invoicing;
mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use invoicing::Target;
use seatwarden::authz::{
    self, Action, Actor, CompanyRules, Engine, Options, Resource, ResourceKind,
};
use seatwarden::identity::Role;
use support::PostgresDatabase;

const IN_FLIGHT: usize = 32;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURED: Duration = Duration::from_secs(5);
const DECISIONS: u32 = 20_000;

fn invoice(customer_id: &str, n: u64) -> Value {
    json!({"customer_id": customer_id, "date": "2026-03-02", "lines": [
        {"description": "Pose de carrelage", "quantity": 2, "unit_price_cents": 10_000 + (n % 500) as i64, "vat_rate_bp": 2000},
        {"description": "Déplacement", "quantity": 1.5, "unit_price_cents": 1_000, "vat_rate_bp": 1000}]})
}

/// Creations completed and their summed latency, while `measuring` is set.
#[derive(Default)]
struct Tally {
    created: AtomicU64,
    failed: AtomicU64,
    latency_micros: AtomicU64,
}

async fn load(target: Arc<Target>, tally: Arc<Tally>, deadline: Instant, measure_from: Instant) {
    let client = Client::new();
    let url = format!(
        "{}/v1/companies/{}/invoices",
        target.base, target.company_id
    );
    let mut n = 0_u64;
    while Instant::now() < deadline {
        n += 1;
        let started = Instant::now();
        let response = client
            .post(&url)
            .bearer_auth(&target.token)
            .json(&invoice(&target.customer_id, n))
            .send()
            .await;
        let ok = matches!(&response, Ok(r) if r.status() == StatusCode::CREATED);
        if let Ok(response) = response {
            let _ = response.bytes().await;
        }
        if started < measure_from {
            continue;
        }
        if ok {
            tally.created.fetch_add(1, Ordering::Relaxed);
            let micros = started.elapsed().as_micros() as u64;
            tally.latency_micros.fetch_add(micros, Ordering::Relaxed);
        } else {
            tally.failed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Runs the load; returns (creations per second, mean latency).
async fn run_load(target: Target) -> (f64, Duration, u64) {
    let target = Arc::new(target);
    let tally = Arc::new(Tally::default());
    let measure_from = Instant::now() + WARM_UP;
    let deadline = measure_from + MEASURED;
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| tokio::spawn(load(target.clone(), tally.clone(), deadline, measure_from)))
        .collect();
    for worker in workers {
        worker.await.expect("load worker");
    }
    let created = tally.created.load(Ordering::Relaxed);
    let mean = Duration::from_micros(tally.latency_micros.load(Ordering::Relaxed) / created.max(1));
    (
        created as f64 / MEASURED.as_secs_f64(),
        mean,
        tally.failed.load(Ordering::Relaxed),
    )
}

/// Mean time of one decision on the inputs of an invoice creation.
fn decision_time() -> Duration {
    let engine = Engine::new(authz::load_builtin().expect("policies")).expect("engine");
    let actor = Actor {
        user_id: uuid::Uuid::now_v7().to_string(),
        company_id: "company".into(),
        role: Role::PrimaryAdmin,
        active: true,
        session_id: Some(uuid::Uuid::now_v7().to_string()),
        session_flagged: false,
        client_ip: Some("127.0.0.1".into()),
    };
    let rules = CompanyRules {
        closing_date: None,
        enforcement_mode: "monitor".into(),
        sod_enabled: true,
    };
    let started = Instant::now();
    for _ in 0..DECISIONS {
        let resource = Resource::new(
            ResourceKind::Invoice,
            uuid::Uuid::now_v7().to_string(),
            "company",
        )
        .created_by(&actor.user_id)
        .dated(chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"))
        .amount(25_650);
        let verdict = engine.decide(
            &actor,
            &rules,
            Action::CreateInvoice,
            &resource,
            Options::default(),
        );
        assert!(
            verdict.allowed,
            "the bench's decision must allow: {verdict:?}"
        );
    }
    started.elapsed() / DECISIONS
}

async fn bench(backend: &str, database_url: &str, decision: Duration) {
    let (target, _) = invoicing::start(database_url, "plus").await;
    let (per_second, mean, failed) = run_load(target).await;
    let share = decision.as_secs_f64() / mean.as_secs_f64() * 100.0;
    println!(
        "{backend:>10}: {per_second:>7.0} invoice creations/s at {IN_FLIGHT} in flight over {}s \
         (mean latency {:.2} ms, {failed} failed); decision {:.1} us = {share:.2} % of a request",
        MEASURED.as_secs(),
        mean.as_secs_f64() * 1000.0,
        decision.as_secs_f64() * 1e6,
    );
}

#[tokio::main]
async fn main() {
    let decision = decision_time();
    println!(
        "Method: the client measures each creation's latency (POST /invoices, 201); the decision \
         time is Engine::decide timed in this process on the same inputs ({DECISIONS} runs); the \
         share is the mean decision time over the mean request latency."
    );
    let directory = tempfile::tempdir().expect("temporary directory");
    let sqlite_url = format!("sqlite://{}", directory.path().join("bench.db").display());
    bench("SQLite", &sqlite_url, decision).await;
    match std::env::var("BENCH_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let (_database, url) = PostgresDatabase::create(&admin_url);
            bench("PostgreSQL", &url, decision).await;
        }
        _ => println!("PostgreSQL: skipped (set BENCH_POSTGRES_URL=postgres://user:pass@host/db)"),
    }
}
