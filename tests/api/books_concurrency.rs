//! The books under concurrent load: no lost update, no unbalanced ledger, no gap.

use std::collections::HashSet;

use futures::stream::{self, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::books_support::{id, Books};
use crate::helpers::expect_status;

#[tokio::test]
async fn fifty_concurrent_updates_from_one_version_leave_exactly_one_winner() {
    let books = Books::start().await;
    let draft = books.draft_invoice(books.admin(), "2026-03-02").await;
    let rest = format!("invoices/{}", id(&draft));
    let attempts = (0..50).map(|n| {
        let mut body = books.invoice_body("2026-03-02", 10_000 + n);
        body["version"] = json!(1);
        let (books, rest) = (&books, &rest);
        async move {
            let response = books.call(Method::PUT, rest, books.admin(), &body).await;
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    });
    let answers = futures::future::join_all(attempts).await;
    let winners: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .map(|(_, b)| b)
        .collect();
    let conflicts = answers
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["error"] == "conflict")
        .count();
    assert_eq!(winners.len(), 1, "answers: {answers:?}");
    assert_eq!(conflicts, 49);
    let stored = books.read(&rest).await;
    assert_eq!(stored["version"], 2);
    assert_eq!(stored["lines"], winners[0]["lines"]);
    assert_eq!(stored["total_cents"], winners[0]["total_cents"]);
}

/// What one random document did, as the server confirmed it.
#[derive(Default)]
struct Outcome {
    invoices: Vec<String>,
    payments: Vec<String>,
    bills: Vec<String>,
    bill_payments: Vec<String>,
    entries_posted: usize,
}

/// Users of the load test: who may write what.
struct Crew {
    sellers: Vec<String>,
    buyers: Vec<String>,
    /// Approve and pay bills, post entries.
    checkers: Vec<String>,
}

async fn created(books: &Books, rest: &str, token: &str, body: &Value) -> Value {
    expect_status(
        books.call(Method::POST, rest, token, body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn acted(books: &Books, rest: &str, token: &str) -> Value {
    expect_status(
        books.call(Method::POST, rest, token, &json!({})).await,
        StatusCode::OK,
    )
    .await
}

/// One random document and what follows it, each step by a user allowed to take it.
async fn random_document(books: &Books, crew: &Crew, seed: u64) -> Outcome {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut outcome = Outcome::default();
    let pick = |list: &Vec<String>, rng: &mut StdRng| list[rng.gen_range(0..list.len())].clone();
    let date = format!(
        "2026-{:02}-{:02}",
        rng.gen_range(1..=12),
        rng.gen_range(1..=28)
    );
    match rng.gen_range(0..3) {
        0 => {
            let seller = pick(&crew.sellers, &mut rng);
            let invoice = created(
                books,
                "invoices",
                &seller,
                &books.invoice_body(&date, rng.gen_range(1..50_000)),
            )
            .await;
            let sent = acted(books, &format!("invoices/{}/send", id(&invoice)), &seller).await;
            outcome.invoices.push(id(&invoice));
            outcome.entries_posted += 1;
            if rng.gen_bool(0.6) {
                let amount = rng.gen_range(1..=sent["total_cents"].as_i64().unwrap());
                let body =
                    json!({"invoice_id": id(&invoice), "date": date, "amount_cents": amount});
                outcome
                    .payments
                    .push(id(&created(books, "payments", &seller, &body).await));
                outcome.entries_posted += 1;
            }
        }
        1 => {
            let buyer = pick(&crew.buyers, &mut rng);
            let bill = created(
                books,
                "bills",
                &buyer,
                &books.bill_body(&date, rng.gen_range(1..50_000)),
            )
            .await;
            outcome.bills.push(id(&bill));
            if rng.gen_bool(0.8) {
                let checker = pick(&crew.checkers, &mut rng);
                let approved =
                    acted(books, &format!("bills/{}/approve", id(&bill)), &checker).await;
                outcome.entries_posted += 1;
                let body = json!({"bill_id": id(&bill), "date": date, "amount_cents": approved["total_cents"]});
                outcome
                    .bill_payments
                    .push(id(&created(books, "bill-payments", &checker, &body).await));
                outcome.entries_posted += 1;
            }
        }
        _ => {
            let checker = pick(&crew.checkers, &mut rng);
            let amount = rng.gen_range(1..1_000_000);
            let body = json!({"date": date, "memo": "Virement", "lines": [
                {"account_number": "512", "debit_cents": amount},
                {"account_number": "455", "credit_cents": amount}]});
            created(books, "journal-entries", &checker, &body).await;
            outcome.entries_posted += 1;
        }
    }
    outcome
}

/// The primary admin and seven colleagues: four sell, three buy, two check.
async fn crew(books: &Books) -> Crew {
    let mut crew = Crew {
        sellers: vec![books.admin().to_owned()],
        buyers: vec![books.admin().to_owned()],
        checkers: Vec::new(),
    };
    for role in ["standard_sales", "standard_sales", "standard_all"] {
        crew.sellers
            .push(books.app.add_user(&books.company, role).await.1);
    }
    for _ in 0..2 {
        let buyer = books
            .app
            .add_user(&books.company, "standard_purchases")
            .await
            .1;
        crew.buyers.push(buyer);
        let checker = books.app.add_user(&books.company, "accountant").await.1;
        crew.checkers.push(checker);
    }
    crew
}

/// Every id of a list, following its pages.
async fn all_ids(books: &Books, resource: &str, key: &str) -> Vec<Value> {
    let mut values = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = books
            .read(&format!("{resource}?limit=200&cursor={cursor}"))
            .await;
        values.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item[key].clone()),
        );
        match page["next"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return values,
        }
    }
}

#[tokio::test]
async fn two_thousand_concurrent_documents_keep_the_ledger_balanced_and_gap_free() {
    const DOCUMENTS: u64 = 2_000;
    const IN_FLIGHT: usize = 16;
    let books = Books::start().await;
    let crew = crew(&books).await;
    let outcomes: Vec<Outcome> = stream::iter(0..DOCUMENTS)
        .map(|seed| random_document(&books, &crew, seed))
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let trial = books.trial_balance().await;
    assert_eq!(trial["balanced"], true);
    assert_eq!(trial["total_debit_cents"], trial["total_credit_cents"]);
    let numbers = all_ids(&books, "journal-entries", "number").await;
    let expected: usize = outcomes.iter().map(|o| o.entries_posted).sum();
    let numbers: Vec<i64> = numbers.iter().map(|n| n.as_i64().unwrap()).collect();
    assert_eq!(numbers, (1..=expected as i64).collect::<Vec<_>>());
    for (resource, written) in [
        (
            "invoices",
            outcomes
                .iter()
                .flat_map(|o| o.invoices.clone())
                .collect::<Vec<_>>(),
        ),
        (
            "payments",
            outcomes.iter().flat_map(|o| o.payments.clone()).collect(),
        ),
        (
            "bills",
            outcomes.iter().flat_map(|o| o.bills.clone()).collect(),
        ),
        (
            "bill-payments",
            outcomes
                .iter()
                .flat_map(|o| o.bill_payments.clone())
                .collect(),
        ),
    ] {
        let stored: HashSet<String> = all_ids(&books, resource, "id")
            .await
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(stored.len(), written.len(), "{resource}");
        assert!(
            written.iter().all(|id| stored.contains(id)),
            "every written {resource} is stored"
        );
    }
}

/// Concurrent actions share group commits: one that fails or is refused must leave nothing
/// behind and take none of its neighbours down, and every decision must be in the chain.
#[tokio::test]
async fn concurrent_actions_that_fail_or_are_denied_leave_their_neighbours_committed_and_logged() {
    let books = Books::start().await;
    let (_, seller) = books.app.add_user(&books.company, "standard_sales").await;
    let calls = (0..60).map(|n| {
        let (books, seller) = (&books, seller.as_str());
        async move {
            let (rest, body) = match n % 3 {
                0 => ("invoices", books.invoice_body("2026-03-02", 10_000 + n)),
                1 => {
                    let mut body = books.invoice_body("2026-03-02", 10_000 + n);
                    body["customer_id"] = json!("no-such-customer");
                    ("invoices", body)
                }
                _ => ("bills", books.bill_body("2026-03-02", 5_000 + n)),
            };
            let response = books.call(Method::POST, rest, seller, &body).await;
            let status = response.status();
            (n % 3, status, response.json::<Value>().await.unwrap())
        }
    });
    let answers = futures::future::join_all(calls).await;
    let mut created = HashSet::new();
    for (kind, status, body) in &answers {
        match kind {
            0 => {
                assert_eq!(*status, StatusCode::CREATED, "{body}");
                created.insert(id(body).to_owned());
            }
            1 => assert_eq!(
                (*status, body["field"].as_str()),
                (StatusCode::BAD_REQUEST, Some("customer_id")),
                "{body}"
            ),
            _ => assert_eq!(*status, StatusCode::FORBIDDEN, "{body}"),
        }
    }
    let listed = books.read("invoices?limit=200").await;
    let stored: HashSet<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|invoice| id(invoice).to_owned())
        .collect();
    assert_eq!(
        stored, created,
        "exactly the invoices answered 201 are stored"
    );
    assert!(books.read("bills").await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    let denials = books
        .read("decisions?action=create_bill&decision=deny&limit=200")
        .await;
    assert_eq!(denials["items"].as_array().unwrap().len(), 20);
    let allows = books
        .read("decisions?action=create_invoice&decision=allow&limit=200")
        .await;
    assert_eq!(allows["items"].as_array().unwrap().len(), 20);
    let verify = books.read("decisions/verify").await;
    assert_eq!(verify["intact"], true, "{verify}");
}
