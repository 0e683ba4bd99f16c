//! One company's policy work beside another company's writes: the latency of invoice
//! creations of company B, idle and while company A has large policy texts checked back to
//! back (`POST /policies/test` with a 250 KB text inside the limits, each a little different
//! so that nothing is cached) and 1 MB texts refused. Before the texts were checked off the
//! writer, a 1.1 MB text held every company's writes for 4.8 s.
//!
//! Run with `cargo bench --bench policy_isolation` (SQLite in a temporary directory).

#[path = "support/invoicing.rs"]
mod invoicing;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use invoicing::Target;

const WRITES: usize = 1_000;
const LARGE_POLICIES: usize = 900;

fn large_text(active: &str, round: usize) -> String {
    let mut text = format!("// round {round}\n{active}");
    for n in 0..LARGE_POLICIES {
        text.push_str(&format!(
            "@id(\"never-{n}\")\nforbid (principal, action == Seatwarden::Action::\"view_invoice\", resource)\nwhen {{ principal.role == \"nobody-{n}\" && resource.company.name == \"x{n}\" }};\n"
        ));
    }
    text
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[index]
}

/// Company B's invoice creations one after another; their latencies, sorted.
async fn writes(client: &Client, b: &Target) -> Vec<Duration> {
    let url = format!("{}/v1/companies/{}/invoices", b.base, b.company_id);
    let mut latencies = Vec::with_capacity(WRITES);
    for n in 0..WRITES {
        let invoice = json!({"customer_id": b.customer_id, "date": "2026-03-02", "lines": [
            {"description": "Pose de carrelage", "quantity": 2, "unit_price_cents": 10_000 + n, "vat_rate_bp": 2000}]});
        let started = Instant::now();
        let answer = client
            .post(&url)
            .bearer_auth(&b.token)
            .json(&invoice)
            .send()
            .await
            .expect("answered");
        assert_eq!(answer.status(), StatusCode::CREATED);
        latencies.push(started.elapsed());
    }
    latencies.sort();
    latencies
}

fn print_latencies(label: &str, sorted: &[Duration]) {
    println!(
        "{label:<44} p50 {:>8.2} ms   p99 {:>8.2} ms   max {:>8.2} ms",
        percentile(sorted, 0.5).as_secs_f64() * 1e3,
        percentile(sorted, 0.99).as_secs_f64() * 1e3,
        sorted[sorted.len() - 1].as_secs_f64() * 1e3
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let (b, _store) = invoicing::start(&url, "advanced").await;
    let client = Client::new();
    let (a_token, a_company) = invoicing::signup(
        &client,
        &b.base,
        ("Policy SARL", "advanced"),
        "policy@example.fr",
    )
    .await;
    let policies = format!("{}/v1/companies/{a_company}/policies", b.base);
    let active: Value = client
        .get(&policies)
        .bearer_auth(&a_token)
        .send()
        .await
        .expect("policies")
        .json()
        .await
        .expect("policies body");
    let active = active["policies"].as_str().expect("text").to_owned();

    writes(&client, &b).await;
    let idle = writes(&client, &b).await;

    let running = Arc::new(AtomicBool::new(true));
    let checker = tokio::spawn({
        let (client, running) = (client.clone(), running.clone());
        let test_url = format!("{policies}/test");
        async move {
            let (mut large, mut refused) = (Vec::new(), Vec::new());
            let megabyte = format!("// {}\n", "x".repeat(1024 * 1024));
            let mut round = 0;
            while running.load(Ordering::Relaxed) {
                round += 1;
                let body = json!({"policies": large_text(&active, round)});
                let started = Instant::now();
                let answer = client
                    .post(&test_url)
                    .bearer_auth(&a_token)
                    .json(&body)
                    .send();
                let status = answer.await.expect("answered").status();
                assert_eq!(status, StatusCode::OK, "the large text passes its tests");
                large.push(started.elapsed());
                let started = Instant::now();
                let answer = client
                    .post(&test_url)
                    .bearer_auth(&a_token)
                    .json(&json!({"policies": megabyte}))
                    .send();
                let status = answer.await.expect("answered").status();
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
                refused.push(started.elapsed());
            }
            (large, refused)
        }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let loaded = writes(&client, &b).await;
    running.store(false, Ordering::Relaxed);
    let (large, refused) = checker.await.expect("the checker ran");

    println!("policy_isolation on SQLite, {WRITES} invoice creations of company B per phase");
    print_latencies("B's invoices, idle", &idle);
    print_latencies("B's invoices, beside A's policy checks", &loaded);
    let mean = |times: &[Duration]| times.iter().sum::<Duration>() / times.len().max(1) as u32;
    println!(
        "A's 250 KB text ({LARGE_POLICIES} extra policies) checked and tested: {} times, mean {:.0} ms",
        large.len(),
        mean(&large).as_secs_f64() * 1e3
    );
    println!(
        "A's 1 MB text refused with 422: {} times, mean {:.2} ms",
        refused.len(),
        mean(&refused).as_secs_f64() * 1e3
    );
}
