//! One decision as the service makes it — the company's rules and the principal read from
//! their rows, entities and request built, Cedar deciding; logging apart — beside the raw
//! `is_authorized` call on the same policies with a prebuilt request. Measured with a small
//! company, then again after the company grows to 10,000 users and 100,000 logged decisions.
//!
//! Run: `cargo bench --bench decision` (release build).

use std::str::FromStr;
use std::time::{Duration, Instant};

use cedar_policy::{Authorizer, Context, Entities, EntityUid, Request};
use diesel::prelude::*;
use serde_json::json;

use seatwarden::authz::decision_log::{self, PendingDecision};
use seatwarden::authz::{
    self, Action, Actor, CompanyRules, Engine, Options, Resource, ResourceKind,
};
use seatwarden::identity::models::{status, CompanyRow, UserRow};
use seatwarden::identity::Role;
use seatwarden::store::schema::{companies, users};
use seatwarden::store::{write_transaction, DatabaseUrl, DbConnection, Store};

const SAMPLES: usize = 20_000;

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&DatabaseUrl::Sqlite(dir.path().join("bench.db")), 2).expect("store");
    store.migrate().expect("migrations");
    let engine = Engine::new(authz::load_builtin().expect("policies")).expect("engine");
    let mut conn = store.connection().expect("connection");
    let company_id = "company-1";
    insert_company(&mut conn, company_id);
    insert_users(&mut conn, company_id, 0, 10);

    let raw = measure_raw(&engine);
    let engine_only = measure_engine(&engine, company_id);
    measure_service(&mut conn, &engine, company_id);
    let small = measure_service(&mut conn, &engine, company_id);
    insert_users(&mut conn, company_id, 10, 10_000);
    insert_decisions(&mut conn, company_id, 100_000);
    let grown = measure_service(&mut conn, &engine, company_id);

    let raw_median = median(&raw);
    report("raw is_authorized, prebuilt request", raw, raw_median);
    report(
        "of which the engine (entities, request, Cedar)",
        engine_only,
        raw_median,
    );
    report("service decision, 10 users", small, raw_median);
    report(
        "service decision, 10,000 users, 100,000 decisions logged",
        grown,
        raw_median,
    );
}

/// Reads the rules and the principal from their rows and decides, as a request does.
fn measure_service(conn: &mut DbConnection, engine: &Engine, company_id: &str) -> Vec<Duration> {
    let resource = Resource::new(ResourceKind::Invoice, "inv-1", company_id)
        .created_by("user-3")
        .amount(12_000);
    let mut samples = Vec::with_capacity(SAMPLES);
    for n in 0..SAMPLES {
        let user_id = format!("user-{}", n % 10);
        let started = Instant::now();
        let rules = authz::load_company_rules(conn, company_id).expect("rules");
        let user: UserRow = users::table
            .find(&user_id)
            .select(UserRow::as_select())
            .get_result(conn)
            .expect("user");
        let actor = Actor {
            user_id: user.id,
            company_id: user.company_id,
            role: Role::parse(&user.role).expect("role"),
            active: user.status == status::ACTIVE,
            session_id: Some("session-1".into()),
            session_flagged: false,
            client_ip: Some("127.0.0.1".into()),
        };
        let verdict = engine.decide(
            &actor,
            &rules,
            Action::CreateInvoice,
            &resource,
            Options::default(),
        );
        samples.push(started.elapsed());
        assert!(verdict.allowed, "{verdict:?}");
    }
    samples
}

/// The service's decision without the two reads: entities and request built, Cedar deciding
/// on the policies that can apply to the role and action.
fn measure_engine(engine: &Engine, company_id: &str) -> Vec<Duration> {
    let resource = Resource::new(ResourceKind::Invoice, "inv-1", company_id)
        .created_by("user-3")
        .amount(12_000);
    let rules = CompanyRules {
        closing_date: None,
        enforcement_mode: "monitor".into(),
        sod_enabled: true,
    };
    let actor = Actor {
        user_id: "user-0".into(),
        company_id: company_id.into(),
        role: Role::StandardSales,
        active: true,
        session_id: Some("session-1".into()),
        session_flagged: false,
        client_ip: Some("127.0.0.1".into()),
    };
    let decide = || {
        engine.decide(
            &actor,
            &rules,
            Action::CreateInvoice,
            &resource,
            Options::default(),
        )
    };
    for _ in 0..SAMPLES {
        decide();
    }
    (0..SAMPLES)
        .map(|_| {
            let started = Instant::now();
            let verdict = decide();
            let elapsed = started.elapsed();
            assert!(verdict.allowed, "{verdict:?}");
            elapsed
        })
        .collect()
}

/// The same question with everything built beforehand: Cedar's own cost.
fn measure_raw(engine: &Engine) -> Vec<Duration> {
    let loaded = engine.policies();
    let entities = Entities::from_json_value(
        json!([
            {"uid": {"type": "Seatwarden::User", "id": "user-0"},
             "attrs": {"company": {"__entity": {"type": "Seatwarden::Company", "id": "company-1"}},
                       "role": "standard_sales", "active": true},
             "parents": [{"type": "Seatwarden::Role", "id": "standard_sales"}]},
            {"uid": {"type": "Seatwarden::Invoice", "id": "inv-1"},
             "attrs": {"company": {"__entity": {"type": "Seatwarden::Company", "id": "company-1"}},
                       "created_by": {"__entity": {"type": "Seatwarden::User", "id": "user-3"}},
                       "total_cents": 12000},
             "parents": []}
        ]),
        Some(&loaded.schema),
    )
    .expect("entities");
    let action = EntityUid::from_str(r#"Seatwarden::Action::"create_invoice""#).expect("action");
    let context = Context::from_json_value(
        json!({"session_id": "session-1", "session_flagged": false, "enforcement_mode": "monitor",
               "override_closing_date": false, "sod_enabled": true, "client_ip": "127.0.0.1"}),
        Some((&loaded.schema, &action)),
    )
    .expect("context");
    let request = Request::new(
        EntityUid::from_str(r#"Seatwarden::User::"user-0""#).expect("principal"),
        action,
        EntityUid::from_str(r#"Seatwarden::Invoice::"inv-1""#).expect("resource"),
        context,
        Some(&loaded.schema),
    )
    .expect("request");
    let authorizer = Authorizer::new();
    // Warm caches and the CPU's clock before measuring, as the service path is measured warm.
    for _ in 0..SAMPLES {
        authorizer.is_authorized(&request, &loaded.policies, &entities);
    }
    (0..SAMPLES)
        .map(|_| {
            let started = Instant::now();
            let response = authorizer.is_authorized(&request, &loaded.policies, &entities);
            let elapsed = started.elapsed();
            assert_eq!(response.decision(), cedar_policy::Decision::Allow);
            elapsed
        })
        .collect()
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2]
}

fn report(label: &str, mut samples: Vec<Duration>, raw_median: Duration) {
    samples.sort_unstable();
    let median = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100];
    let ratio = median.as_secs_f64() / raw_median.as_secs_f64();
    println!(
        "{label:<58} median {:>6.1} µs  p99 {:>6.1} µs  ({ratio:.2}× raw median)",
        median.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6
    );
}

fn insert_company(conn: &mut DbConnection, company_id: &str) {
    let now = seatwarden::clock::now();
    let company = CompanyRow {
        id: company_id.into(),
        name: "Bench".into(),
        plan: "advanced".into(),
        custom_seat_limit: None,
        locale: "fr".into(),
        enforcement_mode: "monitor".into(),
        sod_enabled: true,
        closing_date: None,
        version: 1,
        lock_seq: 0,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(companies::table)
        .values(&company)
        .execute(conn)
        .expect("company");
}

fn insert_users(conn: &mut DbConnection, company_id: &str, from: usize, to: usize) {
    let now = seatwarden::clock::now();
    write_transaction(conn, |conn| {
        for n in from..to {
            let user = UserRow {
                id: format!("user-{n}"),
                company_id: company_id.into(),
                email: format!("user{n}@example.fr"),
                display_name: "User".into(),
                role: "standard_sales".into(),
                password_hash: None,
                status: status::ACTIVE.into(),
                invitation_hash: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            diesel::insert_into(users::table)
                .values(&user)
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .expect("users");
}

fn insert_decisions(conn: &mut DbConnection, company_id: &str, count: usize) {
    let pending: Vec<PendingDecision> = (0..count)
        .map(|n| PendingDecision {
            id: format!("decision-{n}"),
            company_id: company_id.into(),
            decided_at: seatwarden::clock::now(),
            user_id: Some(format!("user-{}", n % 10_000)),
            session_id: None,
            action: "view_invoice".into(),
            resource_type: "Invoice".into(),
            resource_id: format!("inv-{n}"),
            allowed: true,
            policy_ids: vec!["standard-sales-sales".into()],
            errors: Vec::new(),
            client_ip: None,
            policy_version: "bench".into(),
            inputs: None,
        })
        .collect();
    for chunk in pending.chunks(10_000) {
        write_transaction(conn, |conn| decision_log::append(conn, chunk)).expect("decisions");
    }
}
