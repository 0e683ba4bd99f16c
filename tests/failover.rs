//! The failover harness's driver (issue 24). Its tests are ignored: `scripts/failover-harness` makes
//! a PostgreSQL primary and a synchronous streaming standby, then runs them with
//! `cargo test --test failover -- --ignored --nocapture` and the clusters named in
//! `SW_FAILOVER_*` variables. Without those they say so and pass.
//!
//! - `failover_under_load`: nodes on the multi-host URL, invoice creations with idempotency
//!   keys and `/v1/authorize` under load, rounds of kill -9 of the primary's postmaster and
//!   promotion of the standby; then nothing acknowledged or answered is missing, no key has
//!   two invoices, the decision chain is intact and no answer was 500.
//! - `nodes_come_and_go`: three nodes on the primary under load, one killed and restarted;
//!   the same checks, and each scheduled job started once per tick across the nodes.

#[path = "failover/callers.rs"]
mod callers;
#[path = "failover/check.rs"]
mod check;
#[path = "failover/cluster.rs"]
mod cluster;
#[path = "failover/jobs.rs"]
mod jobs;
#[path = "failover/load.rs"]
mod load;
#[path = "failover/node.rs"]
mod node;

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;

use callers::Load;
use check::print_and_judge;
use cluster::Harness;
use load::Company;
use node::{start_nodes, Node};

fn setting(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn harness_or_skip(test: &str) -> Option<Harness> {
    let harness = Harness::from_env();
    if harness.is_none() {
        eprintln!(
            "{test}: skipped, run scripts/failover-harness (it makes the PostgreSQL clusters)"
        );
    }
    harness
}

/// One failover, as the driver saw it.
struct Round {
    killed: String,
    killed_port: u16,
    promoted: String,
    pid: u32,
    killed_at: Instant,
    /// From the kill to the standby's first answer that it is out of recovery.
    promoted_after: Option<Duration>,
    /// From the kill to the first write acknowledged once the standby was primary (sent
    /// after the kill).
    first_write: Option<Duration>,
    /// Writes sent after the kill and acknowledged before the promotion: committed by the
    /// killed postmaster's last backends and flushed by the synchronous standby.
    writes_before_promotion: usize,
    rebuild_took: Duration,
}

fn seconds(duration: Option<Duration>) -> String {
    duration.map_or("NEVER (60 s)".to_owned(), |d| {
        format!("{:.2} s", d.as_secs_f64())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "run by scripts/failover-harness, which makes the PostgreSQL clusters"]
async fn failover_under_load() {
    let Some(mut harness) = harness_or_skip("failover_under_load") else {
        return;
    };
    let steady = Duration::from_millis(setting("SW_FAILOVER_STEADY_MS", 3000));
    let writers = setting("SW_FAILOVER_WRITERS", 4) as usize;
    let deciders = setting("SW_FAILOVER_DECIDERS", 4) as usize;
    let client = load::client();
    let started = Instant::now();
    let envs = harness.urls_for("seatwarden");
    let mut nodes = start_nodes(harness.nodes, "failover-node", &envs, &harness, &client).await;
    let addresses: Vec<String> = nodes.iter().map(Node::address).collect();
    let company = Company::sign_up(&client, &addresses[0]).await;
    let load = Load::start(
        client.clone(),
        addresses.clone(),
        company.clone(),
        "fo",
        writers,
        deciders,
    );
    println!(
        "failover: {} node(s) on {:?}; {writers} invoice writers, {deciders} decision-point callers, one chain check a second; node logs in {}",
        nodes.len(),
        envs,
        harness.log_dir.display()
    );

    let mut rounds: Vec<Round> = Vec::new();
    for number in 1..=harness.rounds {
        tokio::time::sleep(steady).await;
        let killed = harness.primary.name.clone();
        let killed_port = harness.primary.port;
        let promoted = harness.standby.name.clone();
        let watch = harness.watch_promotion();
        let _watching = watch.recv().expect("the promotion watcher starts");
        let (pid, killed_at) = harness.kill_primary();
        let promote_harness = harness.clone();
        tokio::task::spawn_blocking(move || promote_harness.promote_standby())
            .await
            .expect("promotion");
        let promoted_at = tokio::task::spawn_blocking(move || watch.recv().ok().flatten())
            .await
            .expect("the promotion watcher");
        let first_write = match promoted_at {
            Some(promoted_at) => load
                .records
                .wait_first_write(killed_at, promoted_at, Duration::from_secs(60))
                .await
                .map(|answered| answered - killed_at),
            None => None,
        };
        let writes_before_promotion = promoted_at.map_or(0, |promoted_at| {
            load.records.writes_between(killed_at, promoted_at)
        });
        let (back, rebuild_took) = tokio::task::spawn_blocking(move || {
            let took = harness.rebuild_old_primary();
            (harness, took)
        })
        .await
        .expect("rebuild");
        harness = back;
        let round = Round {
            killed,
            killed_port,
            promoted,
            pid,
            killed_at,
            promoted_after: promoted_at.map(|at| at - killed_at),
            first_write,
            writes_before_promotion,
            rebuild_took,
        };
        println!(
            "round {number}: kill -9 of {} (port {}, postmaster {}), {} primary {} after the kill, first write on it {} after the kill ({} writes acknowledged by the dying primary meanwhile); {} rebuilt as the synchronous standby in {:.1} s; {} writes, {} decisions, {} answers of 500 so far",
            round.killed,
            round.killed_port,
            round.pid,
            round.promoted,
            seconds(round.promoted_after),
            seconds(round.first_write),
            round.writes_before_promotion,
            round.killed,
            round.rebuild_took.as_secs_f64(),
            load.records.acked.lock().unwrap().len(),
            load.records.decisions.lock().unwrap().len(),
            load.records.count_500(),
        );
        rounds.push(round);
    }
    tokio::time::sleep(steady).await;
    let records = load.stop().await;

    let crashed: Vec<String> = nodes
        .iter_mut()
        .filter_map(|n| {
            n.exited()
                .map(|status| format!("{} exited: {status}", n.name))
        })
        .collect();
    let mut conn = check::connect(&harness.database_url);
    let mut findings = check::compare(&mut conn, &company, &records);
    check::verify_chain(&client, &addresses[0], &company, &mut findings).await;

    let first_writes: Vec<Duration> = rounds.iter().filter_map(|r| r.first_write).collect();
    let mut extra = vec![
        format!(
            "rounds: {} (nodes: {}, {writers} writers, {deciders} decision callers, {:.0} s in all)",
            rounds.len(),
            nodes.len(),
            started.elapsed().as_secs_f64()
        ),
        format!(
            "kill -> first write on the new primary: {} (per round: {})",
            check::spread(&first_writes),
            rounds
                .iter()
                .map(|r| r
                    .first_write
                    .map_or("never".into(), |d| format!("{:.2}", d.as_secs_f64())))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "kill -> standby promoted: {}",
            check::spread(
                &rounds
                    .iter()
                    .filter_map(|r| r.promoted_after)
                    .collect::<Vec<_>>()
            )
        ),
        format!(
            "writes acknowledged between the kill and the promotion (by the killed postmaster's last backends, synchronously replicated): {}",
            rounds.iter().map(|r| r.writes_before_promotion).sum::<usize>()
        ),
    ];
    // Where the 500s fell: which round, how long after the kill, before or after the first
    // write of that round (after it: a broken connection handed out again).
    for incident in records.server_errors.lock().unwrap().iter().take(20) {
        let round = rounds
            .iter()
            .enumerate()
            .rev()
            .find(|(_, r)| r.killed_at <= incident.at);
        let place = match round {
            Some((i, r)) => {
                let since = incident.at - r.killed_at;
                let after_first = r.first_write.is_some_and(|d| since > d);
                format!(
                    "round {}, {:.2} s after the kill, {} the first write",
                    i + 1,
                    since.as_secs_f64(),
                    if after_first { "AFTER" } else { "before" }
                )
            }
            None => "before the first kill".into(),
        };
        extra.push(format!(
            "  {} at {place} from {}: {}",
            incident.what, incident.node, incident.body
        ));
    }
    extra.extend(crashed.iter().cloned());
    // With a replica the audit reads there, and says how far it had replayed.
    let audit_read_at = check::audit_read_at(&client, &addresses[0], &company).await;
    extra.push(format!(
        "an audit after the load read at: {audit_read_at:?}"
    ));
    let mut failures = print_and_judge("failover summary", &findings, &records, &nodes, &extra);
    failures.extend(check::audit_read_problem(
        harness.read_url.is_some(),
        &audit_read_at,
    ));
    if first_writes.len() < rounds.len() {
        failures.push(format!(
            "{} rounds with no write within 60 s of the kill",
            rounds.len() - first_writes.len()
        ));
    }
    failures.extend(crashed);
    println!(
        "verdict: {}",
        if failures.is_empty() {
            "PASS".to_owned()
        } else {
            failures.join("; ")
        }
    );
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "run by scripts/failover-harness, which makes the PostgreSQL clusters"]
async fn nodes_come_and_go() {
    let Some(harness) = harness_or_skip("nodes_come_and_go") else {
        return;
    };
    let writers = setting("SW_FAILOVER_WRITERS", 4) as usize;
    let deciders = setting("SW_FAILOVER_DECIDERS", 4) as usize;
    let client = load::client();
    let started = Instant::now();

    // A database of its own, so that its job runs are this test's alone.
    let envs = harness.urls_for("seatwarden_nodes");
    let database_url = envs[0].1.clone();
    {
        let mut conn = check::connect(&harness.database_url);
        for statement in [
            "DROP DATABASE IF EXISTS seatwarden_nodes WITH (FORCE)",
            "CREATE DATABASE seatwarden_nodes",
        ] {
            diesel::sql_query(statement)
                .execute(&mut conn)
                .expect("the nodes test's database");
        }
    }
    let migrate = std::process::Command::new(env!("CARGO_BIN_EXE_seatwarden"))
        .arg("migrate")
        .env_remove("SEATWARDEN_CONFIG")
        .env("DATABASE_URL", &database_url)
        .output()
        .expect("seatwarden migrate runs");
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    jobs::record_runs(&mut check::connect(&database_url));

    let mut envs = envs;
    envs.extend(
        jobs::SCHEDULES
            .iter()
            .map(|(_, var, cron, _)| ((*var).to_owned(), (*cron).to_owned())),
    );
    let mut nodes = start_nodes(3, "nodes-node", &envs, &harness, &client).await;
    let addresses: Vec<String> = nodes.iter().map(Node::address).collect();
    let company = Company::sign_up(&client, &addresses[0]).await;
    let load = Load::start(
        client.clone(),
        addresses.clone(),
        company.clone(),
        "nodes",
        writers,
        deciders,
    );
    let phase = Duration::from_millis(setting("SW_FAILOVER_NODES_PHASE_MS", 8000));
    tokio::time::sleep(phase).await;
    let before_kill = load.records.acked.lock().unwrap().len();
    nodes[1].kill();
    println!(
        "nodes: killed {} (kill -9) after {} acknowledged writes",
        nodes[1].name, before_kill
    );
    tokio::time::sleep(phase / 2).await;
    nodes[1].restart();
    nodes[1].wait_ready(&client).await;
    println!("nodes: {} restarted and ready", nodes[1].name);
    tokio::time::sleep(phase).await;
    let records = load.stop().await;
    // A last tick after the load, so that every job's last gap is seen under no load too.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let crashed: Vec<String> = nodes
        .iter_mut()
        .filter_map(|n| {
            n.exited()
                .map(|status| format!("{} exited: {status}", n.name))
        })
        .collect();
    let mut conn = check::connect(&database_url);
    let mut findings = check::compare(&mut conn, &company, &records);
    check::verify_chain(&client, &addresses[0], &company, &mut findings).await;
    let runs = jobs::runs(&mut conn);

    let mut extra = vec![format!(
        "nodes: 3, one killed with kill -9 and restarted; {writers} writers, {deciders} decision callers, {:.0} s in all",
        started.elapsed().as_secs_f64()
    )];
    let mut job_failures = Vec::new();
    for (job, cron_var, cron, _) in jobs::SCHEDULES {
        let summary = runs.get(job);
        match summary {
            Some(s) => {
                extra.push(format!(
                    "job {job} ({cron_var}=\"{cron}\"): {} runs by {} node(s), {} ticks run twice, {} ticks missed{}",
                    s.runs,
                    s.holders,
                    s.twice,
                    s.missed,
                    if s.examples.is_empty() { String::new() } else { format!(" ({})", s.examples.join("; ")) }
                ));
                if s.twice > 0 {
                    job_failures.push(format!("{job}: {} ticks run twice", s.twice));
                }
                if s.missed > 0 {
                    job_failures.push(format!("{job}: {} ticks missed", s.missed));
                }
            }
            None => {
                extra.push(format!("job {job}: never ran"));
                job_failures.push(format!("{job} never ran"));
            }
        }
    }
    extra.extend(crashed.iter().cloned());
    for incident in records.server_errors.lock().unwrap().iter().take(10) {
        extra.push(format!(
            "  {} from {}: {}",
            incident.what, incident.node, incident.body
        ));
    }
    let mut failures = print_and_judge(
        "nodes come and go summary",
        &findings,
        &records,
        &nodes,
        &extra,
    );
    failures.extend(job_failures);
    failures.extend(crashed);
    println!(
        "verdict: {}",
        if failures.is_empty() {
            "PASS".to_owned()
        } else {
            failures.join("; ")
        }
    );
    assert!(failures.is_empty(), "{}", failures.join("; "));
}
