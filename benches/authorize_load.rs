//! Load on the decision point: 64 connections drive `POST /v1/authorize` over loopback against
//! the real server, every decision durably logged before it is answered. Prints requests per
//! second on SQLite, and on PostgreSQL when `BENCH_POSTGRES_URL` names a server the
//! bench may create a database on.
//!
//! Run: `cargo bench --bench authorize_load` (release build). The load comes from `wrk` when
//! it is installed (Debian package `wrk`: a C load generator, so most of the two cores serve),
//! otherwise from an in-process client that takes a larger share of the cores. Either way the
//! generator shares the machine with the server, so the figure is a floor.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use serde_json::{json, Value};

use seatwarden::config::RawSettings;
use seatwarden::startup::Application;

const CONNECTIONS: usize = 64;
const WARM_UP: Duration = Duration::from_secs(2);
const MEASURE: Duration = Duration::from_secs(8);
/// Users stored besides the askers, to show the rate does not depend on the data size.
const EXTRA_USERS: usize = 2_000;
/// Users of four roles the questions are about, in turn, each about its own invoice.
const ASKERS: usize = 64;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sqlite_dir = tempfile::tempdir().expect("temporary directory");
    let sqlite_url = format!("sqlite://{}", sqlite_dir.path().join("bench.db").display());
    runtime.block_on(run("SQLite", &sqlite_url));
    if let Ok(admin_url) = std::env::var("BENCH_POSTGRES_URL") {
        let name = format!("sw_bench_{}", std::process::id());
        let mut admin = diesel::PgConnection::establish(&admin_url).expect("PostgreSQL admin");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create bench database");
        let url = format!(
            "{}/{name}",
            admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base)
        );
        runtime.block_on(run("PostgreSQL", &url));
        let _ = diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut admin);
    }
}

async fn run(backend: &str, database_url: &str) {
    let settings = RawSettings {
        port: 0,
        database_url: database_url.to_owned(),
        database_pool_size: 16,
        log_filter: "error".into(),
        decision_point_requests_per_second: 1_000_000,
        ..RawSettings::default()
    }
    .validate()
    .expect("settings");
    let application = Application::build(settings).expect("server starts");
    let base = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .expect("client");
    let (key, askers) = seed(&client, &base).await;
    let bodies: Vec<Value> = askers
        .iter()
        .enumerate()
        .map(|(n, asker)| request_body(asker, n))
        .collect();
    if let Some(report) = drive_with_wrk(&base, &key, &bodies).await {
        println!(
            "{backend}: {report}, {} users stored, every decision logged before its answer",
            EXTRA_USERS + askers.len() + 1
        );
        return;
    }
    let count = Arc::new(AtomicU64::new(0));
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = Instant::now() + WARM_UP + MEASURE;
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|n| {
            let (client, base, key) = (client.clone(), base.clone(), key.clone());
            let asker = askers[n % askers.len()].clone();
            let (count, measuring) = (count.clone(), measuring.clone());
            tokio::spawn(async move {
                let body = request_body(&asker, n);
                while Instant::now() < stop {
                    let response = client
                        .post(format!("{base}/v1/authorize"))
                        .bearer_auth(&key)
                        .json(&body)
                        .send()
                        .await;
                    let ok = matches!(&response, Ok(r) if r.status().is_success());
                    assert!(ok, "authorize failed: {response:?}");
                    if measuring.load(Ordering::Relaxed) {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(WARM_UP).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(MEASURE).await;
    let done = count.load(Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    for worker in workers {
        let _ = worker.await;
    }
    println!(
        "{backend}: {:.0} authorize requests/s over {CONNECTIONS} connections, in-process client ({done} in {elapsed:.1} s, {} users stored, every decision logged before its answer)",
        done as f64 / elapsed,
        EXTRA_USERS + askers.len() + 1,
    );
}

fn request_body(asker: &str, n: usize) -> Value {
    json!({"principal": {"user_id": asker}, "action": "create_invoice",
        "resource": {"type": "Invoice", "id": format!("inv-{n}"), "date": "2026-11-02", "amount_cents": 9900}})
}

/// Drives the load with `wrk` (2 threads, 64 connections), each request asking the next of
/// `bodies`; None when wrk is not installed.
async fn drive_with_wrk(base: &str, key: &str, bodies: &[Value]) -> Option<String> {
    let script = tempfile::NamedTempFile::new().expect("script file");
    let table: Vec<String> = bodies.iter().map(|body| format!("[[{body}]]")).collect();
    let lua = format!(
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
         wrk.headers[\"Authorization\"] = \"Bearer {key}\"\n\
         local bodies = {{{}}}\nlocal next = 0\n\
         request = function()\n  next = next % #bodies + 1\n  \
         return wrk.format(nil, nil, nil, bodies[next])\nend\n",
        table.join(", ")
    );
    std::fs::write(script.path(), lua).expect("write script");
    let url = format!("{base}/v1/authorize");
    let script_path = script.path().to_owned();
    let seconds = (WARM_UP + MEASURE).as_secs().to_string();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("wrk")
            .args(["-t2", "-c64", "-d", &format!("{seconds}s"), "-s"])
            .arg(&script_path)
            .arg(&url)
            .output()
    })
    .await
    .expect("wrk task")
    .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))?
        .trim()
        .to_owned();
    let errors = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .map_or(0, |n| n.trim().parse::<u64>().unwrap_or(u64::MAX));
    assert_eq!(errors, 0, "wrk saw failed answers:\n{text}");
    let latency = text
        .lines()
        .find(|l| l.trim_start().starts_with("Latency"))
        .unwrap_or("")
        .trim()
        .to_owned();
    Some(format!(
        "{rate} authorize requests/s over {CONNECTIONS} connections from wrk ({latency})"
    ))
}

/// A company with an API key, askers of four roles and many other users.
async fn seed(client: &reqwest::Client, base: &str) -> (String, Vec<String>) {
    let signup: Value = client
        .post(format!("{base}/v1/signup"))
        .json(
            &json!({"company_name": "Bench", "plan": "custom", "custom_seat_limit": 10000,
            "email": "bench@example.fr", "password": "bench password", "display_name": "Bench"}),
        )
        .send()
        .await
        .expect("signup")
        .json()
        .await
        .expect("signup body");
    let company = signup["company"]["id"]
        .as_str()
        .expect("company id")
        .to_owned();
    let token = signup["token"].as_str().expect("token").to_owned();
    let key: Value = client
        .post(format!("{base}/v1/companies/{company}/api-keys"))
        .bearer_auth(&token)
        .json(&json!({"name": "bench"}))
        .send()
        .await
        .expect("api key")
        .json()
        .await
        .expect("key body");
    let mut askers = Vec::new();
    for n in 0..EXTRA_USERS + ASKERS {
        let role = [
            "standard_sales",
            "standard_all",
            "accountant",
            "reports_only",
        ][n % 4];
        let user: Value = client
            .post(format!("{base}/v1/companies/{company}/users"))
            .bearer_auth(&token)
            .json(&json!({"email": format!("u{n}@example.fr"), "display_name": "U", "role": role}))
            .send()
            .await
            .expect("add user")
            .json()
            .await
            .expect("user body");
        if n < ASKERS {
            askers.push(user["id"].as_str().expect("user id").to_owned());
        }
    }
    (key["key"].as_str().expect("key").to_owned(), askers)
}
