//! Credit notes: taken from a sent invoice in part or in full, posted as the reverse entry, never
//! beyond what the invoice has open, and only by those who work sales.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::books_support::{count_rows, id, Books};
use crate::helpers::{expect_error, expect_status};

/// A discount line: 50.00 EUR before 20 % VAT, 60.00 EUR in all.
fn discount(invoice: &Value, date: &str) -> Value {
    json!({
        "invoice_id": id(invoice),
        "date": date,
        "lines": [{"description": "Remise commerciale", "quantity": 1, "unit_price_cents": 5_000, "vat_rate_bp": 2000}]
    })
}

/// The balance of an account in the trial balance (debit minus credit), zero when unused.
fn balance(trial: &Value, account: &str) -> i64 {
    trial["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["account_number"] == account)
        .map_or(0, |row| row["balance_cents"].as_i64().unwrap())
}

#[tokio::test]
async fn a_credit_note_takes_part_of_a_sent_invoice_back_and_posts_the_reverse_entry() {
    let books = Books::start().await;
    let (_, seller) = books.app.add_user(&books.company, "standard_sales").await;
    let invoice = books.sent_invoice(&seller, "2026-03-02").await;
    assert_eq!(invoice["total_cents"], 25_650);
    let created = books
        .expect(
            (Method::POST, "credit-notes"),
            &seller,
            &discount(&invoice, "2026-03-10"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(created["number"], "AV-000001");
    assert_eq!(created["status"], "issued");
    assert_eq!(created["invoice_id"], id(&invoice));
    assert_eq!(created["customer_id"], books.customer_id);
    assert_eq!(
        (
            &created["subtotal_cents"],
            &created["vat_cents"],
            &created["total_cents"]
        ),
        (&json!(5_000), &json!(1_000), &json!(6_000))
    );
    assert_eq!(created["lines"][0]["description"], "Remise commerciale");
    let read = books.read(&format!("credit-notes/{}", id(&created))).await;
    assert_eq!(read, created);

    let invoice = books.read(&format!("invoices/{}", id(&invoice))).await;
    assert_eq!(invoice["status"], "sent");
    assert_eq!(invoice["credited_cents"], 6_000);
    assert_eq!(invoice["open_cents"], 19_650);

    let journal = books.read("journal-entries").await;
    let entry = journal["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["source_kind"] == "credit_note")
        .expect("the credit note's entry")
        .clone();
    assert_eq!(entry["source_id"], id(&created));
    assert_eq!(entry["total_cents"], 6_000);
    assert_eq!(entry["date"], "2026-03-10");

    let trial = books.trial_balance().await;
    assert_eq!(trial["balanced"], true);
    assert_eq!(balance(&trial, "411"), 19_650);
    assert_eq!(balance(&trial, "706"), -20_000 - 1_500 + 5_000);
    assert_eq!(balance(&trial, "44571"), -4_000 - 150 + 1_000);

    let aged = books.read("reports/aged-receivables?at=2026-03-31").await;
    assert_eq!(aged["totals"]["total_cents"], 19_650);
    assert_eq!(aged["parties"][0]["documents"][0]["open_cents"], 19_650);
    let before_the_credit = books.read("reports/aged-receivables?at=2026-03-05").await;
    assert_eq!(before_the_credit["totals"]["total_cents"], 25_650);

    // The rest is paid in part and credited in part: the invoice is settled.
    let payment = json!({"invoice_id": id(&invoice), "date": "2026-03-20", "amount_cents": 13_650});
    books
        .expect(
            (Method::POST, "payments"),
            &seller,
            &payment,
            StatusCode::CREATED,
        )
        .await;
    books
        .expect(
            (Method::POST, "credit-notes"),
            &seller,
            &discount(&invoice, "2026-03-21"),
            StatusCode::CREATED,
        )
        .await;
    let invoice = books.read(&format!("invoices/{}", id(&invoice))).await;
    assert_eq!(
        (&invoice["status"], &invoice["open_cents"]),
        (&json!("paid"), &json!(0))
    );
    let trial = books.trial_balance().await;
    assert_eq!(trial["balanced"], true);
    assert_eq!(balance(&trial, "411"), 0);

    let first = books.read("credit-notes?limit=1").await;
    assert_eq!(first["items"][0]["number"], "AV-000001");
    assert_eq!(first["next_cursor"], first["next"]);
    let cursor = first["next"].as_str().expect("a second page").to_owned();
    let second = books
        .read(&format!("credit-notes?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(second["items"][0]["number"], "AV-000002");
    assert!(second["next"].is_null());
}

#[tokio::test]
async fn a_full_credit_note_copies_the_invoice_and_leaves_nothing_due() {
    let books = Books::start().await;
    let invoice = books.sent_invoice(books.admin(), "2026-03-02").await;
    let full = json!({"invoice_id": id(&invoice), "date": "2026-03-03"});
    let created = books
        .expect(
            (Method::POST, "credit-notes"),
            books.admin(),
            &full,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(created["total_cents"], 25_650);
    assert_eq!(created["lines"], invoice["lines"]);
    let invoice = books.read(&format!("invoices/{}", id(&invoice))).await;
    assert_eq!(
        (&invoice["status"], &invoice["open_cents"]),
        (&json!("credited"), &json!(0))
    );
    let trial = books.trial_balance().await;
    assert_eq!(trial["balanced"], true);
    for account in ["411", "706", "44571"] {
        assert_eq!(balance(&trial, account), 0, "{account} is back to zero");
    }
    let aged = books.read("reports/aged-receivables?at=2026-03-31").await;
    assert_eq!(aged["totals"]["total_cents"], 0);
    // A credited invoice is no longer voided: its entry is already undone.
    let void = format!("invoices/{}/void", id(&invoice));
    books
        .refused(
            (Method::POST, &void),
            books.admin(),
            &json!({}),
            (StatusCode::CONFLICT, "invalid_state"),
        )
        .await;
}

#[tokio::test]
async fn crediting_more_than_is_open_is_refused_and_changes_nothing() {
    let books = Books::start().await;
    let invoice = books.sent_invoice(books.admin(), "2026-03-02").await;
    let payment = json!({"invoice_id": id(&invoice), "date": "2026-03-05", "amount_cents": 20_000});
    books
        .expect(
            (Method::POST, "payments"),
            books.admin(),
            &payment,
            StatusCode::CREATED,
        )
        .await;
    let journal_before = books.read("journal-entries").await;
    let full = json!({"invoice_id": id(&invoice), "date": "2026-03-06"});
    let refused = books
        .refused(
            (Method::POST, "credit-notes"),
            books.admin(),
            &full,
            (StatusCode::UNPROCESSABLE_ENTITY, "exceeds_open_amount"),
        )
        .await;
    assert_eq!(refused["open_cents"], 5_650);
    assert_eq!(refused["asked_cents"], 25_650);
    assert!(
        refused["message"].as_str().unwrap().contains("5650"),
        "{refused}"
    );
    let french = books
        .app
        .client
        .post(books.app.url(&books.path("credit-notes")))
        .bearer_auth(books.admin())
        .header("Accept-Language", "fr-FR")
        .json(&full)
        .send()
        .await
        .unwrap();
    let french = expect_error(
        french,
        StatusCode::UNPROCESSABLE_ENTITY,
        "exceeds_open_amount",
    )
    .await;
    assert!(
        french["message"].as_str().unwrap().contains("avoir"),
        "{french}"
    );

    let invoice_after = books.read(&format!("invoices/{}", id(&invoice))).await;
    assert_eq!(invoice_after["credited_cents"], 0);
    assert_eq!(invoice_after["open_cents"], 5_650);
    assert_eq!(invoice_after["version"], 3);
    assert_eq!(books.read("journal-entries").await, journal_before);
    assert_eq!(count_rows(&books.app, "credit_notes"), 0);

    let draft = books.draft_invoice(books.admin(), "2026-03-02").await;
    books
        .refused(
            (Method::POST, "credit-notes"),
            books.admin(),
            &discount(&draft, "2026-03-06"),
            (StatusCode::CONFLICT, "invalid_state"),
        )
        .await;
    let unknown = json!({"invoice_id": "no-such-invoice", "date": "2026-03-06"});
    let error = books
        .refused(
            (Method::POST, "credit-notes"),
            books.admin(),
            &unknown,
            (StatusCode::BAD_REQUEST, "invalid_input"),
        )
        .await;
    assert_eq!(error["field"], "invoice_id");
    assert_eq!(count_rows(&books.app, "credit_notes"), 0);
}

#[tokio::test]
async fn a_retried_credit_note_is_issued_once() {
    let books = Books::start().await;
    let invoice = books.sent_invoice(books.admin(), "2026-03-02").await;
    let body = discount(&invoice, "2026-03-10");
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = books
            .app
            .client
            .post(books.app.url(&books.path("credit-notes")))
            .bearer_auth(books.admin())
            .header("Idempotency-Key", "avoir-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        answers.push(expect_status(response, StatusCode::CREATED).await);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(count_rows(&books.app, "credit_notes"), 1);
    let invoice = books.read(&format!("invoices/{}", id(&invoice))).await;
    assert_eq!(invoice["credited_cents"], 6_000);
}

#[tokio::test]
async fn a_purchases_only_login_cannot_issue_or_read_credit_notes() {
    let books = Books::start().await;
    let (_, buyer) = books
        .app
        .add_user(&books.company, "standard_purchases")
        .await;
    let invoice = books.sent_invoice(books.admin(), "2026-03-02").await;
    let issued = books
        .expect(
            (Method::POST, "credit-notes"),
            books.admin(),
            &discount(&invoice, "2026-03-10"),
            StatusCode::CREATED,
        )
        .await;
    let forbidden = (StatusCode::FORBIDDEN, "forbidden");
    let denied = books
        .refused(
            (Method::POST, "credit-notes"),
            &buyer,
            &discount(&invoice, "2026-03-11"),
            forbidden,
        )
        .await;
    assert_eq!(denied["action"], "create_credit_note");
    for rest in [
        "credit-notes".to_owned(),
        format!("credit-notes/{}", id(&issued)),
    ] {
        expect_error(
            books.get(&rest, &buyer).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    assert_eq!(count_rows(&books.app, "credit_notes"), 1);
    let invoice = books.read(&format!("invoices/{}", id(&invoice))).await;
    assert_eq!(invoice["credited_cents"], 6_000);
}

#[tokio::test]
async fn a_credit_note_in_the_closed_period_needs_an_admin_override() {
    let books = Books::start().await;
    let (_, seller) = books.app.add_user(&books.company, "standard_sales").await;
    let invoice = books.sent_invoice(books.admin(), "2026-01-10").await;
    books.set_closing_date("2026-01-31").await;
    let mut closed = discount(&invoice, "2026-01-20");
    closed["override_closing_date"] = json!(true);
    let denied = books
        .refused(
            (Method::POST, "credit-notes"),
            &seller,
            &closed,
            (StatusCode::FORBIDDEN, "forbidden"),
        )
        .await;
    assert_eq!(denied["forbidding_policies"], json!(["closed-books"]));
    assert_eq!(count_rows(&books.app, "credit_notes"), 0);
    books
        .expect(
            (Method::POST, "credit-notes"),
            &seller,
            &discount(&invoice, "2026-02-02"),
            StatusCode::CREATED,
        )
        .await;
    books
        .expect(
            (Method::POST, "credit-notes"),
            books.admin(),
            &closed,
            StatusCode::CREATED,
        )
        .await;
    let exceptions = books.read("closing-date/exceptions").await;
    assert_eq!(exceptions["items"][0]["record_type"], "CreditNote");
}
