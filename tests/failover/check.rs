//! What the harness checks after the load, on the last primary: every acknowledged invoice
//! there once, no key with two invoices, every answered decision in the log, the chain intact.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use reqwest::Client;
use serde_json::Value;

use super::load::{Company, Records};
use super::node::Node;

#[derive(QueryableByName)]
struct KeyedInvoice {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Text)]
    id: String,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

/// A connection to the primary (the multi-host URL with `target_session_attrs=read-write`).
pub fn connect(database_url: &str) -> PgConnection {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match PgConnection::establish(database_url) {
            Ok(conn) => return conn,
            Err(error) if Instant::now() < deadline => {
                eprintln!("connecting to the primary: {error}; trying again");
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(error) => panic!("no primary to check on: {error}"),
        }
    }
}

#[derive(Debug, Default)]
pub struct Findings {
    pub acknowledged: usize,
    pub missing: usize,
    pub missing_examples: Vec<String>,
    /// Keys with more than one invoice (acknowledged or not).
    pub duplicates: usize,
    pub duplicate_examples: Vec<String>,
    pub invoices_in_database: usize,
    pub decisions_answered: usize,
    pub decisions_missing: usize,
    pub decision_examples: Vec<String>,
    pub chain_intact: bool,
    pub chain_records: i64,
    pub chain_answer: String,
}

/// Compares what the load recorded with the database of the primary.
pub fn compare(conn: &mut PgConnection, company: &Company, records: &Records) -> Findings {
    let rows: Vec<KeyedInvoice> = diesel::sql_query(
        "SELECT l.description AS key, i.id AS id FROM invoices i \
         JOIN document_lines l ON l.document_id = i.id AND l.company_id = i.company_id \
         WHERE i.company_id = $1",
    )
    .bind::<Text, _>(&company.id)
    .load(conn)
    .expect("reading the invoices");
    let mut by_key: HashMap<String, HashSet<String>> = HashMap::new();
    for row in &rows {
        by_key
            .entry(row.key.clone())
            .or_default()
            .insert(row.id.clone());
    }
    let mut findings = Findings {
        invoices_in_database: rows.iter().map(|r| &r.id).collect::<HashSet<_>>().len(),
        ..Findings::default()
    };
    for (key, ids) in &by_key {
        if ids.len() > 1 {
            findings.duplicates += 1;
            if findings.duplicate_examples.len() < 5 {
                findings.duplicate_examples.push(format!("{key}: {ids:?}"));
            }
        }
    }
    let acked = records.acked.lock().unwrap();
    findings.acknowledged = acked.len();
    for ack in acked.iter() {
        let there = by_key
            .get(&ack.key)
            .is_some_and(|ids| ids.contains(&ack.id));
        if !there {
            findings.missing += 1;
            if findings.missing_examples.len() < 5 {
                findings
                    .missing_examples
                    .push(format!("{} (invoice {})", ack.key, ack.id));
            }
        }
    }

    let logged: HashSet<String> =
        diesel::sql_query("SELECT id FROM decisions WHERE company_id = $1")
            .bind::<Text, _>(&company.id)
            .load::<Id>(conn)
            .expect("reading the decision log")
            .into_iter()
            .map(|row| row.id)
            .collect();
    let answered = records.decisions.lock().unwrap();
    findings.decisions_answered = answered.len();
    for id in answered.iter() {
        if !logged.contains(id) {
            findings.decisions_missing += 1;
            if findings.decision_examples.len() < 5 {
                findings.decision_examples.push(id.clone());
            }
        }
    }
    findings
}

/// `GET /v1/companies/{id}/decisions/verify` through a node (asked again on 503).
pub async fn verify_chain(client: &Client, node: &str, company: &Company, findings: &mut Findings) {
    let url = format!("{node}/v1/companies/{}/decisions/verify", company.id);
    for _ in 0..120 {
        match client
            .get(&url)
            .bearer_auth(&company.admin_token)
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => {
                let body: Value = response.json().await.expect("a chain check");
                findings.chain_intact = body["intact"] == Value::Bool(true);
                findings.chain_records = body["records_checked"].as_i64().unwrap_or(0);
                findings.chain_answer = body.to_string();
                return;
            }
            Ok(response) => {
                let status = response.status();
                findings.chain_answer =
                    format!("{status}: {}", response.text().await.unwrap_or_default());
            }
            Err(error) => findings.chain_answer = error.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// `POST /v1/companies/{id}/audit` through a node (asked again on 503): where the read
/// replica had replayed to when the audit read its input, None when it read the primary.
pub async fn audit_read_at(
    client: &Client,
    node: &str,
    company: &Company,
) -> Result<Option<String>, String> {
    let url = format!("{node}/v1/companies/{}/audit", company.id);
    let mut last = String::new();
    for _ in 0..60 {
        match client
            .post(&url)
            .bearer_auth(&company.admin_token)
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => {
                let body: Value = response.json().await.map_err(|e| e.to_string())?;
                return Ok(body["read_replica_at"]["replayed_to"]
                    .as_str()
                    .map(str::to_owned));
            }
            Ok(response) => {
                last = format!(
                    "{}: {}",
                    response.status(),
                    response.text().await.unwrap_or_default()
                );
            }
            Err(error) => last = error.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(format!("no audit ran: {last}"))
}

/// What is wrong with where the audit read, if anything.
pub fn audit_read_problem(
    replica_set: bool,
    read_at: &Result<Option<String>, String>,
) -> Option<String> {
    match (replica_set, read_at) {
        (_, Err(error)) => Some(error.clone()),
        (true, Ok(None)) => Some("the audit did not read the replica".into()),
        (false, Ok(Some(position))) => Some(format!(
            "the audit read a replica at {position}, with none set"
        )),
        _ => None,
    }
}

/// min / median / max of some durations, in seconds.
pub fn spread(values: &[Duration]) -> String {
    if values.is_empty() {
        return "none".into();
    }
    let mut sorted: Vec<f64> = values.iter().map(Duration::as_secs_f64).collect();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    format!(
        "min {:.2} s, median {:.2} s, max {:.2} s",
        sorted[0],
        median,
        sorted[sorted.len() - 1]
    )
}

/// The distinct ERROR lines of a node's log (their message part), with their counts.
pub fn log_errors(path: &std::path::Path) -> Vec<(String, usize)> {
    let raw = std::fs::read_to_string(path).unwrap_or_default();
    // Without the terminal colours of the log.
    let ansi = regex::Regex::new("\x1b\\[[0-9;]*m").expect("a regex");
    let text = ansi.replace_all(&raw, "");
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in text.lines().filter(|l| l.contains("ERROR")) {
        // Drop the timestamp, keep the rest (target, message, fields) short.
        let message: String = line
            .split_once("ERROR")
            .map_or(line, |(_, rest)| rest)
            .trim()
            .chars()
            .take(200)
            .collect();
        match counts.iter_mut().find(|(m, _)| *m == message) {
            Some((_, n)) => *n += 1,
            None => counts.push((message, 1)),
        }
    }
    counts
}

/// What every run prints and asserts about the load.
pub fn print_and_judge(
    title: &str,
    findings: &Findings,
    records: &Records,
    nodes: &[Node],
    extra: &[String],
) -> Vec<String> {
    let count_500 = records.count_500();
    let missing_retry_after = records
        .missing_retry_after
        .load(std::sync::atomic::Ordering::Relaxed);
    println!("\n==== {title} ====");
    for line in extra {
        println!("{line}");
    }
    println!(
        "acknowledged writes: {}, missing: {}, duplicates: {} (invoices in the database: {}, keys given up at the stop: {})",
        findings.acknowledged,
        findings.missing,
        findings.duplicates,
        findings.invoices_in_database,
        records.abandoned_keys.load(std::sync::atomic::Ordering::Relaxed)
    );
    println!(
        "keys asked more than once: {} (after an attempt that may have taken effect: {})",
        records
            .retried_keys
            .load(std::sync::atomic::Ordering::Relaxed),
        records
            .retried_after_unknown_outcome
            .load(std::sync::atomic::Ordering::Relaxed)
    );
    println!(
        "answered decisions: {}, missing: {}",
        findings.decisions_answered, findings.decisions_missing
    );
    println!(
        "chain intact: {} ({} records checked)",
        if findings.chain_intact { "yes" } else { "NO" },
        findings.chain_records
    );
    println!(
        "statuses (500s: {count_500}; 503s without Retry-After: {missing_retry_after}): {}",
        records.statuses_line()
    );
    for example in findings
        .missing_examples
        .iter()
        .chain(&findings.duplicate_examples)
        .chain(&findings.decision_examples)
    {
        println!("  e.g. {example}");
    }
    let unexpected = records.unexpected.lock().unwrap();
    for incident in unexpected.iter().take(5) {
        println!(
            "  unexpected: {} from {}: {}",
            incident.what, incident.node, incident.body
        );
    }
    if count_500 > 0 {
        for node in nodes {
            let errors = log_errors(node.log_path());
            if errors.is_empty() {
                continue;
            }
            println!(
                "  ERROR lines of {} ({}):",
                node.name,
                node.log_path().display()
            );
            for (message, n) in errors.iter().take(12) {
                println!("    {n} x {message}");
            }
        }
    }

    let mut failures = Vec::new();
    if findings.missing > 0 {
        failures.push(format!("{} acknowledged writes missing", findings.missing));
    }
    if findings.duplicates > 0 {
        failures.push(format!("{} keys with two invoices", findings.duplicates));
    }
    if findings.decisions_missing > 0 {
        failures.push(format!(
            "{} answered decisions missing",
            findings.decisions_missing
        ));
    }
    if !findings.chain_intact {
        failures.push(format!("chain not intact: {}", findings.chain_answer));
    }
    if count_500 > 0 {
        failures.push(format!("{count_500} answers of 500"));
    }
    if missing_retry_after > 0 {
        failures.push(format!(
            "{missing_retry_after} answers of 503 without Retry-After"
        ));
    }
    if !unexpected.is_empty() {
        failures.push(format!("{} unexpected answers", unexpected.len()));
    }
    if findings.acknowledged == 0 || findings.decisions_answered == 0 {
        failures.push("no load went through".into());
    }
    failures
}
