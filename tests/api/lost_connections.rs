//! A PostgreSQL server that drops every connection (as a failover does) costs no 500 and no
//! write: the pool checks its connections before reusing them, an action whose connection
//! broke runs again on a fresh one, and what cannot be served yet answers 503 with
//! `Retry-After`. On SQLite there is no server to lose: the test has nothing to do there.

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::StatusCode;

use crate::books_support::Books;

/// Ends every other session on the test's database, as a failover ends them all.
fn drop_every_connection(database_url: &str) {
    let mut conn = PgConnection::establish(database_url).expect("database");
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&mut conn)
    .expect("sessions ended");
}

#[tokio::test]
async fn dropped_connections_cost_no_500_and_no_acknowledged_write() {
    let books = Books::start().await;
    if !books.app.database_url.starts_with("postgres") {
        return;
    }
    let mut acknowledged = Vec::new();
    for round in 0..3 {
        drop_every_connection(&books.app.database_url);
        for n in 0..6 {
            let key = format!("round-{round}-invoice-{n}");
            let body = books.invoice_body("2026-03-02", 1_000 + n);
            // A client retries a 503 with the same key, as `Retry-After` asks.
            let mut statuses = Vec::new();
            loop {
                let answer = books
                    .app
                    .client
                    .post(books.app.url(&books.path("invoices")))
                    .bearer_auth(books.admin())
                    .header("Idempotency-Key", &key)
                    .json(&body)
                    .send()
                    .await
                    .expect("an answer");
                let status = answer.status();
                statuses.push(status);
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    assert!(answer.headers().contains_key("retry-after"));
                    assert!(statuses.len() < 5, "{statuses:?}");
                    continue;
                }
                assert_eq!(status, StatusCode::CREATED, "{key}: {statuses:?}");
                let created: serde_json::Value = answer.json().await.expect("json");
                acknowledged.push(created["id"].as_str().expect("an id").to_owned());
                break;
            }
        }
        // Reads after the loss answer too, on connections checked before use.
        let listed = books.get("invoices", books.admin()).await;
        assert!(
            listed.status() == StatusCode::OK || listed.status() == StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            listed.status()
        );
    }
    for id in &acknowledged {
        let found = books.get(&format!("invoices/{id}"), books.admin()).await;
        assert_eq!(found.status(), StatusCode::OK, "invoice {id} kept");
    }
    assert_eq!(acknowledged.len(), 18);
    let invoices = crate::books_support::count_rows(&books.app, "invoices");
    assert_eq!(invoices, 18, "no invoice twice");
}
