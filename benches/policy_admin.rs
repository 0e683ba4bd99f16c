//! Policy administration at size: the dry-run of a change against 100,000 logged decisions
//! (goal under 3 s) and the access review of 1,000 users over every action (goal under 1 s),
//! on a SQLite file, as the service computes them (rows read, inputs parsed, Cedar).
//!
//! Run: `cargo bench --bench policy_admin` (release build).

use std::time::{Duration, Instant};

use diesel::prelude::*;

use seatwarden::authz::decision_log::{self, PendingDecision};
use seatwarden::authz::{
    self, Action, Actor, Authz, CompanyRules, Engines, Options, PolicyContent, Resource,
};
use seatwarden::identity::models::{status, CompanyRow, UserRow};
use seatwarden::identity::Role;
use seatwarden::policy_admin::access_review;
use seatwarden::policy_admin::dry_run::{self, Window};
use seatwarden::store::schema::{companies, users};
use seatwarden::store::{write_transaction, DatabaseUrl, DbConnection, Store};

const COMPANY: &str = "company-1";
const USERS: usize = 1_000;
const DECISIONS: usize = 100_000;
const RUNS: usize = 3;
/// A forbid that applies to every role and action: no decision can skip Cedar.
const EVERY_SLICE: &str = "\n@id(\"bench-lockdown\")\nforbid (principal, action, resource)\nwhen { context.session_flagged && context.enforcement_mode == \"lockdown\" };\n";

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&DatabaseUrl::Sqlite(dir.path().join("bench.db")), 2).expect("store");
    store.migrate().expect("migrations");
    let mut conn = store.connection().expect("connection");
    let authz = Authz::new(Engines::new(authz::builtin_base()).expect("base policies"));
    insert_company(&mut conn);
    let roster = insert_users(&mut conn);
    insert_decisions(&mut conn, &authz, &roster);

    let active = authz.engines().base().clone();
    let base = &authz.engines().base_policies().content;
    let proposed = authz
        .engines()
        .build(&PolicyContent {
            text: without_sales_invoices(&base.text),
            links: Vec::new(),
        })
        .expect("proposed policies");
    let every_slice = authz
        .engines()
        .build(&PolicyContent {
            text: format!("{}{EVERY_SLICE}", base.text),
            links: Vec::new(),
        })
        .expect("policies changing every role and action");
    let rules = authz::load_company_rules(&mut conn, COMPANY).expect("rules");

    let mut report = None;
    let dry_runs = timed(|| {
        report = Some(
            dry_run::dry_run(
                &mut conn,
                COMPANY,
                &rules,
                &active,
                &proposed,
                Window::Last(DECISIONS as i64),
            )
            .expect("dry-run"),
        );
    });
    let report = report.expect("a dry-run ran");
    let mut flipped_everywhere = 0;
    let full_dry_runs = timed(|| {
        flipped_everywhere = dry_run::dry_run(
            &mut conn,
            COMPANY,
            &rules,
            &active,
            &every_slice,
            Window::Last(DECISIONS as i64),
        )
        .expect("dry-run")
        .replay
        .flipped;
    });
    let mut logged = Vec::new();
    let loads = timed(|| {
        logged = dry_run::load_window(&mut conn, COMPANY, Window::Last(DECISIONS as i64))
            .expect("decisions");
    });
    let replays = timed(|| {
        dry_run::replay(&active, &proposed, COMPANY, &logged);
    });
    let mut users_reviewed = 0;
    let reviews = timed(|| {
        let roster = access_review::load_roster(&mut conn, COMPANY).expect("roster");
        users_reviewed = access_review::review(&active, COMPANY, &rules, roster)
            .users
            .len();
    });
    let one_user = timed(|| {
        let actor = actor(&roster[0]);
        for &action in Action::ALL {
            access_review::access(&active, &actor, &rules, action);
        }
    });

    println!(
        "dry-run of {} logged decisions (removing invoice creation from standard_sales): {} replayed, {} flipped",
        DECISIONS, report.replay.replayed, report.replay.flipped
    );
    line("  dry-run, as the service runs it (goal < 3 s)", &dry_runs);
    line("    of which reading the decisions", &loads);
    println!(
        "  a change to every role and action: every decision asked again, {flipped_everywhere} flipped"
    );
    line("  dry-run, as the service runs it", &full_dry_runs);
    line("    of which replaying them", &replays);
    println!(
        "access review of {users_reviewed} users × {} actions",
        Action::ALL.len()
    );
    line(
        "  access review, roster read included (goal < 1 s)",
        &reviews,
    );
    line(
        "  one user asked every action alone (a user named by a policy)",
        &one_user,
    );
}

fn timed(mut work: impl FnMut()) -> Vec<Duration> {
    (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect()
}

fn line(label: &str, samples: &[Duration]) {
    let best = samples.iter().min().expect("samples");
    let worst = samples.iter().max().expect("samples");
    println!(
        "{label:<64} best {:>8.1} ms  worst {:>8.1} ms",
        best.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
}

fn without_sales_invoices(text: &str) -> String {
    let permit = "action in [Seatwarden::Action::\"sales\", Seatwarden::Action::\"reports_receivables\"],\n  resource\n);";
    assert!(text.contains(permit), "the base policies changed");
    text.replace(
        permit,
        "action in [Seatwarden::Action::\"sales\", Seatwarden::Action::\"reports_receivables\"],\n  resource\n)\nunless { action == Seatwarden::Action::\"create_invoice\" };",
    )
}

fn insert_company(conn: &mut DbConnection) {
    let now = seatwarden::clock::now();
    let company = CompanyRow {
        id: COMPANY.into(),
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

/// 1,000 users over every role.
fn insert_users(conn: &mut DbConnection) -> Vec<UserRow> {
    let now = seatwarden::clock::now();
    let roster: Vec<UserRow> = (0..USERS)
        .map(|n| UserRow {
            id: format!("user-{n:04}"),
            company_id: COMPANY.into(),
            email: format!("user{n}@example.fr"),
            display_name: "User".into(),
            role: Role::ALL[n % Role::ALL.len()].as_str().into(),
            password_hash: None,
            status: status::ACTIVE.into(),
            invitation_hash: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    write_transaction(conn, |conn| {
        for user in &roster {
            diesel::insert_into(users::table)
                .values(user)
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .expect("users");
    roster
}

fn actor(user: &UserRow) -> Actor {
    Actor {
        user_id: user.id.clone(),
        company_id: COMPANY.into(),
        role: Role::parse(&user.role).expect("role"),
        active: true,
        session_id: Some(format!("session-{}", user.id)),
        session_flagged: false,
        client_ip: Some("10.0.0.1".into()),
    }
}

/// 100,000 decisions as the service logs them: every user, every action, in turn.
fn insert_decisions(conn: &mut DbConnection, authz: &Authz, roster: &[UserRow]) {
    let rules = CompanyRules {
        closing_date: None,
        enforcement_mode: "monitor".into(),
        sod_enabled: true,
    };
    let engine = authz.engines().base().clone();
    let pending: Vec<PendingDecision> = (0..DECISIONS)
        .map(|n| {
            let user = &roster[n % roster.len()];
            // Shifted each round of the roster, so every role meets every action whatever
            // the two counts have in common.
            let action = Action::ALL[(n + n / roster.len()) % Action::ALL.len()];
            let kind = engine.resource_kinds(action)[0];
            let resource = Resource::new(kind, format!("r-{n}"), COMPANY)
                .created_by(&roster[(n + 1) % roster.len()].id)
                .amount(10_000 + n as i64);
            authz.decide(
                Ok(&engine),
                &actor(user),
                &rules,
                action,
                &resource,
                Options::default(),
            )
        })
        .collect();
    for chunk in pending.chunks(10_000) {
        write_transaction(conn, |conn| decision_log::append(conn, chunk)).expect("decisions");
    }
}
