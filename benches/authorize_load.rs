//! Load on the decision point: `wrk` drives `POST /v1/authorize` (one question a request) and
//! `POST /v1/authorize/batch` (100 questions a request) over loopback against the real
//! server, on the same cores, every decision durably logged before it is answered.
//!
//! Each backend is measured at both ends of the store's size: 100 users and 100 decisions
//! stored, then 100,000 of each (users in companies of 10,000, the largest custom plan). The
//! questions vary like an app's would: up to 250 active principals of four roles, five
//! actions on three resource types, a new resource id, date and amount every time, so no
//! answer can be a replay of the last.
//!
//! Run: `cargo bench --bench authorize_load` (release build; needs `wrk`, Debian package
//! `wrk`). PostgreSQL too when `BENCH_POSTGRES_URL` names a server the bench may create a
//! database on; on PostgreSQL a second node then joins the first on the same database and
//! both are loaded at once, their aggregate rate printed beside one node's. Everything a
//! reader needs to compare two runs is printed first.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use futures::{stream, StreamExt};
use serde_json::{json, Value};

use diesel::RunQueryDsl;
use seatwarden::config::{RawSettings, Settings};
use seatwarden::startup::Application;
use seatwarden::store::{DatabaseUrl, Store};

const WRK_THREADS: usize = 2;
const CONNECTIONS: usize = 64;
const WARM_UP: Duration = Duration::from_secs(3);
const MEASURE: Duration = Duration::from_secs(10);
const BATCH_MEASURE: Duration = Duration::from_secs(5);
const BATCH_SIZE: usize = 100;
/// The store's sizes measured: users and decisions stored before the load starts.
const STORED: [usize; 2] = [100, 100_000];
/// Principals the questions are about: active users, each of whom costs the seeding a
/// password hash.
const PRINCIPALS: usize = 250;
/// Users of one company at most: the largest seat limit of a custom plan.
const COMPANY_USERS: usize = 10_000;
/// Users added at once while seeding.
const SEEDING_IN_FLIGHT: usize = 32;

fn main() {
    let wrk = wrk_version().unwrap_or_else(|| {
        eprintln!("authorize_load needs wrk on the PATH (Debian: apt-get install wrk)");
        std::process::exit(2);
    });
    print_setup(&wrk);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // `BENCH_SKIP_SQLITE=1` leaves SQLite out, to profile PostgreSQL alone.
    let sqlite = std::env::var("BENCH_SKIP_SQLITE").map_or(true, |skip| skip != "1");
    for stored in STORED.into_iter().filter(|_| sqlite) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        runtime.block_on(run("SQLite", &url, stored));
    }
    if let Ok(admin_url) = std::env::var("BENCH_POSTGRES_URL") {
        for stored in STORED {
            let (_database, url) = support::PostgresDatabase::create(&admin_url);
            runtime.block_on(run("PostgreSQL", &url, stored));
        }
    }
}

fn print_setup(wrk: &str) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let profile = if cfg!(debug_assertions) {
        "debug (figures are not comparable: run `cargo bench`)"
    } else {
        "release"
    };
    println!("machine: {cpu}, {cores} cores shared by the server and wrk");
    println!("build profile: {profile}");
    println!(
        "load: {wrk}, {WRK_THREADS} threads, {CONNECTIONS} connections; {}s warm-up (not counted), \
         then {}s measured for single questions and {}s for batches of {BATCH_SIZE}",
        WARM_UP.as_secs(),
        MEASURE.as_secs(),
        BATCH_MEASURE.as_secs()
    );
    println!(
        "questions: {PRINCIPALS} active principals at most, 5 actions, a new resource each; \
         every decision committed to the log before its answer"
    );
}

async fn run(backend: &str, database_url: &str, stored: usize) {
    let settings = RawSettings {
        port: 0,
        database_url: database_url.to_owned(),
        database_pool_size: 16,
        log_filter: "error".into(),
        decision_point_requests_per_second: 10_000_000,
        ..RawSettings::default()
    }
    .validate()
    .expect("settings");
    let base = start_node(settings.clone());
    let seeding = Instant::now();
    let (key, principals) = seed(&base, stored).await;
    let seeded_in = seeding.elapsed();
    let (users, decisions) = stored_counts(database_url);
    let script = Script::new(&key, &principals);
    let url = format!("{base}/v1/authorize");
    let batch_url = format!("{base}/v1/authorize/batch");

    wrk(&script.single, &url, WARM_UP).await;
    let single = wrk(&script.single, &url, MEASURE).await;
    wrk(&script.batch, &batch_url, Duration::from_secs(1)).await;
    let batch = wrk(&script.batch, &batch_url, BATCH_MEASURE).await;
    println!(
        "{backend}, {users} users and {decisions} decisions stored (seeded in {:.1}s):\n  \
         /v1/authorize        {:>9.0} requests/s   p50 {:>7}  p99 {:>7}\n  \
         /v1/authorize/batch  {:>9.0} decisions/s  p50 {:>7}  p99 {:>7}  ({:.0} requests/s of {BATCH_SIZE})",
        seeded_in.as_secs_f64(),
        single.rate,
        single.p50,
        single.p99,
        batch.rate * BATCH_SIZE as f64,
        batch.p50,
        batch.p99,
        batch.rate,
    );
    if matches!(settings.database, DatabaseUrl::Postgres(_)) {
        two_nodes(settings, &base, &script, single.rate).await;
    }
}

/// A second node on the same PostgreSQL database: both are loaded at once, each with half
/// the connections, and their rates summed beside the one node's.
async fn two_nodes(settings: Settings, first: &str, script: &Script, one_node: f64) {
    let second = start_node(settings);
    let urls = [first, second.as_str()].map(|base| format!("{base}/v1/authorize"));
    wrk(&script.single, &urls[1], WARM_UP).await;
    let half = CONNECTIONS / 2;
    let (a, b) = tokio::join!(
        wrk_with(&script.single, &urls[0], MEASURE, half),
        wrk_with(&script.single, &urls[1], MEASURE, half)
    );
    println!(
        "  two nodes on this database, {half} connections each: {:>9.0} requests/s in all \
         ({:.0} + {:.0}; one node: {one_node:.0}); p99 {} and {}",
        a.rate + b.rate,
        a.rate,
        b.rate,
        a.p99,
        b.p99,
    );
}

/// Starts a node on `settings`; returns its address.
fn start_node(settings: Settings) -> String {
    let application = Application::build(settings).expect("server starts");
    let base = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    base
}

/// Users and decisions in the store, counted rather than assumed: seeding logs decisions too.
fn stored_counts(database_url: &str) -> (i64, i64) {
    #[derive(diesel::QueryableByName)]
    struct Counts {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        users: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        decisions: i64,
    }
    let url = DatabaseUrl::parse(database_url).expect("database URL");
    let store = Store::open(&url, 1).expect("store");
    let mut conn = store.connection().expect("connection");
    let counts: Counts = diesel::sql_query(
        "SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM decisions) AS decisions",
    )
    .get_result(&mut *conn)
    .expect("counts");
    (counts.users, counts.decisions)
}

/// How many users each company has so that they add up to `stored`.
fn company_sizes(stored: usize) -> Vec<usize> {
    let companies = stored.div_ceil(COMPANY_USERS);
    (0..companies)
        .map(|c| stored / companies + usize::from(c < stored % companies))
        .collect()
}

/// The wrk scripts: each request asks about the next principal, action and a new resource.
struct Script {
    single: tempfile::NamedTempFile,
    batch: tempfile::NamedTempFile,
}

impl Script {
    fn new(key: &str, principals: &[String]) -> Self {
        let ids: Vec<String> = principals.iter().map(|id| format!("\"{id}\"")).collect();
        let lua = |batch: usize| {
            format!(
                r#"wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
local principals = {{{principals}}}
local questions = {{
  {{"create_invoice", "Invoice", "inv"}}, {{"view_invoice", "Invoice", "inv"}},
  {{"approve_bill", "Bill", "bill"}}, {{"pay_bill", "Bill", "bill"}},
  {{"view_customer", "Customer", "cus"}}
}}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("first", threads * 1000000000)
end
local n = 0
function init(args)
  n = first
end
local function question()
  n = n + 1
  local q = questions[n % #questions + 1]
  return string.format(
    '{{"principal":{{"user_id":"%s"}},"action":"%s","resource":{{"type":"%s","id":"%s-%d","date":"2026-%02d-%02d","amount_cents":%d}}}}',
    principals[n % #principals + 1], q[1], q[2], q[3], n, n % 12 + 1, n % 28 + 1, n * 7919 % 10000000)
end
function request()
  if {batch} == 1 then
    return wrk.format(nil, nil, nil, question())
  end
  local items = {{}}
  for i = 1, {batch} do
    items[i] = question()
  end
  return wrk.format(nil, nil, nil, '{{"requests":[' .. table.concat(items, ",") .. ']}}')
end
"#,
                principals = ids.join(","),
            )
        };
        let write = |text: String| {
            let file = tempfile::NamedTempFile::new().expect("script file");
            std::fs::write(file.path(), text).expect("write script");
            file
        };
        Self {
            single: write(lua(1)),
            batch: write(lua(BATCH_SIZE)),
        }
    }
}

struct WrkRun {
    rate: f64,
    p50: String,
    p99: String,
}

fn wrk_version() -> Option<String> {
    let output = Command::new("wrk").arg("-v").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let first = text.lines().next()?.trim();
    Some(first.split(" [").next().unwrap_or(first).to_owned())
}

/// Runs wrk for `duration`; fails the bench on any error answer or socket error.
async fn wrk(script: &tempfile::NamedTempFile, url: &str, duration: Duration) -> WrkRun {
    wrk_with(script, url, duration, CONNECTIONS).await
}

async fn wrk_with(
    script: &tempfile::NamedTempFile,
    url: &str,
    duration: Duration,
    connections: usize,
) -> WrkRun {
    let mut command = Command::new("wrk");
    command
        .arg(format!("-t{WRK_THREADS}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs()))
        .args(["--latency", "--timeout", "10s", "-s"])
        .arg(script.path())
        .arg(url);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("wrk task")
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .map(|rest| rest.trim().to_owned())
    };
    assert!(
        field("Non-2xx or 3xx responses:").is_none() && field("Socket errors:").is_none(),
        "wrk saw failures:\n{text}"
    );
    let percentile = |p: &str| {
        field(p)
            .and_then(|rest| rest.split_whitespace().next().map(str::to_owned))
            .unwrap_or_else(|| "?".into())
    };
    WrkRun {
        rate: field("Requests/sec:")
            .and_then(|rate| rate.parse().ok())
            .unwrap_or_else(|| panic!("no rate in wrk's output:\n{text}")),
        p50: percentile("50%"),
        p99: percentile("99%"),
    }
}

/// `stored` users in companies of at most `COMPANY_USERS`, and `stored` decisions in the
/// first company's log; returns that company's API key and the principals the load asks
/// about: its first users, four roles in turn.
async fn seed(base: &str, stored: usize) -> (String, Vec<String>) {
    let client = reqwest::Client::new();
    let post = |path: String, token: String, body: Value| {
        let client = client.clone();
        async move {
            let response = client
                .post(format!("{base}{path}"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("request");
            let status = response.status();
            let body: Value = response.json().await.expect("JSON answer");
            assert!(status.is_success(), "{path} answered {status}: {body}");
            body
        }
    };
    let mut first = None;
    for (c, size) in company_sizes(stored).into_iter().enumerate() {
        let signup = post(
            "/v1/signup".into(),
            String::new(),
            json!({"company_name": format!("Bench {c}"), "plan": "custom", "custom_seat_limit": COMPANY_USERS,
                "email": format!("admin{c}@example.fr"), "password": "bench password", "display_name": "Bench"}),
        )
        .await;
        let company = signup["company"]["id"]
            .as_str()
            .expect("company id")
            .to_owned();
        let token = signup["token"].as_str().expect("token").to_owned();
        // The admin who signed up is one of the company's users.
        let users: Vec<String> = stream::iter(1..size)
            .map(|n| {
                let mut user =
                    json!({"email": format!("u{c}-{n}@example.fr"), "display_name": "U"});
                // The principals asked about are active users (a password makes them so) of
                // four roles; the others stay invited, in free roles, since a billable role
                // costs the seat check a count of the company's seats.
                if c == 0 && n < PRINCIPALS {
                    user["role"] = json!(
                        [
                            "standard_sales",
                            "standard_all",
                            "accountant",
                            "reports_only"
                        ][n % 4]
                    );
                    user["password"] = json!("principal password");
                } else {
                    user["role"] = json!(["reports_only", "time_tracking"][n % 2]);
                }
                post(
                    format!("/v1/companies/{company}/users"),
                    token.clone(),
                    user,
                )
            })
            .buffered(SEEDING_IN_FLIGHT)
            .map(|user| user["id"].as_str().expect("user id").to_owned())
            .collect()
            .await;
        if first.is_none() {
            let key = post(
                format!("/v1/companies/{company}/api-keys"),
                token,
                json!({"name": "bench"}),
            )
            .await["key"]
                .as_str()
                .expect("key")
                .to_owned();
            first = Some((key, users));
        }
    }
    let (key, users) = first.expect("at least one company");
    let principals: Vec<String> = users.into_iter().take(PRINCIPALS).collect();
    let questions = |round: usize| {
        let requests: Vec<Value> = (0..BATCH_SIZE.min(stored))
            .map(|i| {
                json!({"principal": {"user_id": principals[(round + i) % principals.len()]},
                    "action": "view_invoice", "resource": {"type": "Invoice", "id": format!("seed-{round}-{i}")}})
            })
            .collect();
        json!({"requests": requests})
    };
    let rounds = stored.div_ceil(BATCH_SIZE);
    stream::iter(0..rounds)
        .map(|round| post("/v1/authorize/batch".into(), key.clone(), questions(round)))
        .buffer_unordered(SEEDING_IN_FLIGHT)
        .collect::<Vec<_>>()
        .await;
    (key, principals)
}
