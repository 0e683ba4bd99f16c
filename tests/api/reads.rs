//! Authorized reads run beside the writer: each is logged like an action (its allow or its
//! denial) before it is answered; the profit and loss defaults to the year to date.

use chrono::{Datelike, Utc};
use reqwest::StatusCode;
use serde_json::Value;

use crate::books_support::Books;
use seatwarden::store::{DatabaseUrl, Store};

use crate::helpers::{expect_error, expect_status, spawn_app, spawn_app_with, TestDatabase};

#[tokio::test]
async fn a_denied_read_is_logged_with_its_denial_before_it_is_answered() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (clerk_id, clerk_token) = app.add_user(&company, "standard_sales").await;
    let denied = app
        .get(
            &format!("/v1/companies/{}/decisions/verify", company.id),
            Some(&clerk_token),
        )
        .await;
    let denial = expect_error(denied, StatusCode::FORBIDDEN, "forbidden").await;

    let path = format!(
        "/v1/companies/{}/decisions?decision=deny&action=view_decisions",
        company.id
    );
    let log = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    let items = log["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{log}");
    assert_eq!(items[0]["id"], denial["decision_id"]);
    assert_eq!(items[0]["user_id"], clerk_id.as_str());
}

#[tokio::test]
async fn every_allowed_read_is_in_the_log_once_it_is_answered_and_the_chain_holds() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let token = Some(company.admin_token.as_str());
    let reads = [
        ("seats", "view_seats"),
        ("seat-advice", "view_seats"),
        ("findings", "view_findings"),
        ("users", "view_users"),
        ("sessions", "view_sessions"),
        ("decisions/verify", "view_decisions"),
        ("reports/trial-balance", "view_financial_report"),
    ];
    let logged = |action: &str| {
        format!(
            "/v1/companies/{}/decisions?decision=allow&action={action}&limit=10000",
            company.id
        )
    };
    for (read, action) in reads {
        let before = expect_status(app.get(&logged(action), token).await, StatusCode::OK).await;
        let path = format!("/v1/companies/{}/{read}", company.id);
        expect_status(app.get(&path, token).await, StatusCode::OK).await;
        let after = expect_status(app.get(&logged(action), token).await, StatusCode::OK).await;
        let count = |log: &Value| log["items"].as_array().map_or(0, Vec::len);
        // Listing the log is itself a read of the log, logged after its answer's snapshot.
        let listing = usize::from(action == "view_decisions");
        assert_eq!(
            count(&after),
            count(&before) + 1 + listing,
            "{read}: {after}"
        );
    }
    let verify = format!("/v1/companies/{}/decisions/verify", company.id);
    let check = expect_status(app.get(&verify, token).await, StatusCode::OK).await;
    assert_eq!(check["intact"], true, "{check}");
}

#[tokio::test]
async fn the_profit_and_loss_without_dates_covers_the_year_to_date_and_says_so() {
    let books = Books::start().await;
    let today = Utc::now().date_naive();
    let report: Value = books.read("reports/profit-and-loss").await;
    let period = &report["period"];
    assert_eq!(period["defaulted"], true, "{report}");
    assert_eq!(period["basis"], "calendar_year_to_date");
    assert_eq!(period["from"], format!("{}-01-01", today.year()));
    assert_eq!(period["to"], today.to_string());
    assert_eq!(report["from"], period["from"]);

    let until = books.read("reports/profit-and-loss?to=2025-06-30").await;
    assert_eq!(until["period"]["from"], "2025-01-01");
    assert_eq!(until["period"]["defaulted"], true);

    let given = books
        .read("reports/profit-and-loss?from=2026-03-01&to=2026-03-31")
        .await;
    assert_eq!(given["period"]["defaulted"], false, "{given}");
    assert!(given["period"]["basis"].is_null());
    assert_eq!(given["total_income_cents"], 0);
}

/// The long reads read where `database_read_url` points, everything else the primary: with a
/// "replica" that has none of the primary's data (a migrated empty database, as a replica
/// lagging far behind would look), the chain check of a new company finds none of its
/// records, which the primary holds. (`scripts/failover-harness --read-replica` drives a
/// real streaming standby.) PostgreSQL only: SQLite refuses a replica.
#[tokio::test]
async fn long_reads_read_the_replica_and_readiness_reports_it() {
    let (_replica, replica_url) = TestDatabase::create();
    if !replica_url.starts_with("postgres") {
        return;
    }
    Store::open(&DatabaseUrl::Postgres(replica_url.clone()), 1)
        .and_then(|store| store.migrate())
        .expect("the replica's tables");
    let app = spawn_app_with(move |raw| raw.database_read_url = Some(replica_url)).await;
    let company = app.signup("plus").await;
    let users = format!("/v1/companies/{}/users", company.id);
    expect_status(
        app.get(&users, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(crate::books_support::count_rows(&app, "decisions") > 0);
    let verify = format!("/v1/companies/{}/decisions/verify", company.id);
    let on_the_replica = expect_status(
        app.get(&verify, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(on_the_replica["records_checked"], 0, "{on_the_replica}");

    let ready = expect_status(app.get("/readyz", None).await, StatusCode::OK).await;
    assert_eq!(ready["replica"]["status"], "not_a_replica", "{ready}");
}
