//! Customers, estimates, invoices and payments: life cycles and failure paths.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::books_support::{count_rows, id, Books};
use crate::helpers::{expect_error, expect_status};

#[tokio::test]
async fn a_draft_invoice_is_priced_by_the_service_edited_and_sent_with_a_number() {
    let books = Books::start().await;
    let (_, sales) = books.app.add_user(&books.company, "standard_sales").await;
    let draft = books.draft_invoice(&sales, "2026-03-02").await;
    // 2 x 100.00 at 20 % and 1.5 x 10.00 at 10 %.
    assert_eq!(draft["subtotal_cents"], 21_500);
    assert_eq!(draft["vat_cents"], 4_150);
    assert_eq!(draft["total_cents"], 25_650);
    assert_eq!(draft["lines"][1]["quantity"], 1.5);
    assert_eq!(draft["status"], "draft");
    assert!(draft["number"].is_null());
    let rest = format!("invoices/{}", id(&draft));
    let mut change = books.invoice_body("2026-03-03", 20_000);
    change["version"] = json!(1);
    let edited = books
        .expect((Method::PUT, &rest), &sales, &change, StatusCode::OK)
        .await;
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["total_cents"], 49_650);
    let send = format!("{rest}/send");
    let sent = books
        .expect((Method::POST, &send), &sales, &json!({}), StatusCode::OK)
        .await;
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["number"], "F-000001");
    change["version"] = sent["version"].clone();
    let state = (StatusCode::CONFLICT, "invalid_state");
    books
        .refused((Method::PUT, &rest), &sales, &change, state)
        .await;
    books
        .refused((Method::POST, &send), &sales, &json!({}), state)
        .await;
}

#[tokio::test]
async fn payments_settle_a_sent_invoice_up_to_its_open_balance_and_the_ledger_balances() {
    let books = Books::start().await;
    let (_, sales) = books.app.add_user(&books.company, "standard_sales").await;
    let invoice = id(&books.sent_invoice(&sales, "2026-03-02").await);
    let pay =
        |amount: i64| json!({"invoice_id": invoice, "date": "2026-03-10", "amount_cents": amount});
    let payments = (Method::POST, "payments");
    books
        .expect(payments.clone(), &sales, &pay(20_000), StatusCode::CREATED)
        .await;
    let partly = books.read(&format!("invoices/{invoice}")).await;
    assert_eq!(partly["status"], "partially_paid");
    assert_eq!(partly["open_cents"], 5_650);
    let invalid = (StatusCode::BAD_REQUEST, "invalid_input");
    let too_much = books
        .refused(payments.clone(), &sales, &pay(5_651), invalid)
        .await;
    assert_eq!(too_much["field"], "amount_cents");
    books
        .expect(payments, &sales, &pay(5_650), StatusCode::CREATED)
        .await;
    let paid = books.read(&format!("invoices/{invoice}")).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["open_cents"], 0);
    let void = format!("invoices/{invoice}/void");
    let state = (StatusCode::CONFLICT, "invalid_state");
    books
        .refused((Method::POST, &void), &sales, &json!({}), state)
        .await;
    let trial = books.trial_balance().await;
    assert_eq!(trial["balanced"], true);
    assert_eq!(trial["total_debit_cents"], 25_650 * 2);
    let rows = trial["rows"].as_array().unwrap();
    let customers = rows.iter().find(|r| r["account_number"] == "411").unwrap();
    assert_eq!(customers["balance_cents"], 0);
    let journal = books.read("journal-entries").await;
    let entries = journal["items"].as_array().unwrap();
    let numbers: Vec<i64> = entries
        .iter()
        .map(|e| e["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![1, 2, 3]);
}

#[tokio::test]
async fn a_sent_invoice_without_payments_is_voided_by_a_reversing_entry() {
    let books = Books::start().await;
    let sent = books.sent_invoice(books.admin(), "2026-04-01").await;
    let voided = expect_status(
        books
            .call(
                Method::POST,
                &format!("invoices/{}/void", id(&sent)),
                books.admin(),
                &json!({}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(voided["status"], "void");
    let journal = books.read("journal-entries").await;
    let entries = journal["items"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["source_kind"], "invoice_void");
    let trial = books.trial_balance().await;
    assert_eq!(trial["balanced"], true);
    for row in trial["rows"].as_array().unwrap() {
        assert_eq!(
            row["balance_cents"], 0,
            "every account is back to zero: {row}"
        );
    }
    let again = books
        .call(
            Method::POST,
            &format!("invoices/{}/void", id(&sent)),
            books.admin(),
            &json!({}),
        )
        .await;
    expect_error(again, StatusCode::CONFLICT, "invalid_state").await;
}

#[tokio::test]
async fn bad_documents_are_refused_with_the_field_at_fault() {
    let books = Books::start().await;
    let cases = [
        ("/lines/1/quantity", json!(1.0001), "lines[1].quantity"),
        (
            "/lines/0/vat_rate_bp",
            json!(20_001),
            "lines[0].vat_rate_bp",
        ),
        (
            "/lines/0/unit_price_cents",
            json!(-5),
            "lines[0].unit_price_cents",
        ),
        ("/lines/0/description", json!("  "), "lines[0].description"),
        (
            "/lines/0/account_number",
            json!("606"),
            "lines[0].account_number",
        ),
        (
            "/lines/0/account_number",
            json!("7999"),
            "lines[0].account_number",
        ),
        ("/lines", json!([]), "lines"),
        ("/date", json!("2026-02-30"), "date"),
        ("/due_date", json!("2026-01-01"), "due_date"),
        ("/customer_id", json!("no-such-customer"), "customer_id"),
    ];
    for (pointer, value, field) in cases {
        let mut body = books.invoice_body("2026-03-02", 10_000);
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = if parent.is_empty() {
            &mut body
        } else {
            body.pointer_mut(parent).unwrap()
        };
        parent[key] = value;
        let response = books
            .call(Method::POST, "invoices", books.admin(), &body)
            .await;
        let error = expect_error(response, StatusCode::BAD_REQUEST, "invalid_input").await;
        assert_eq!(error["field"], field, "case {pointer}");
    }
    let not_json = books
        .call(
            Method::POST,
            "invoices",
            books.admin(),
            &json!({"customer_id": 3}),
        )
        .await;
    expect_error(not_json, StatusCode::BAD_REQUEST, "invalid_json").await;
    assert!(books.read("invoices").await["items"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn an_estimate_converts_into_a_draft_invoice_with_its_lines() {
    let books = Books::start().await;
    let mut body = books.invoice_body("2026-05-04", 12_345);
    body["due_date"] = json!("2026-06-04");
    let estimate = expect_status(
        books
            .call(Method::POST, "estimates", books.admin(), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(estimate["number"], "D-000001");
    let converted = expect_status(
        books
            .call(
                Method::POST,
                &format!("estimates/{}/convert", id(&estimate)),
                books.admin(),
                &json!({"date": "2026-05-10"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(converted["status"], "draft");
    assert_eq!(converted["estimate_id"], estimate["id"]);
    assert_eq!(converted["total_cents"], estimate["total_cents"]);
    assert_eq!(converted["lines"], estimate["lines"]);
    assert_eq!(converted["date"], "2026-05-10");
    let after = books.read(&format!("estimates/{}", id(&estimate))).await;
    assert_eq!(after["status"], "converted");
    assert_eq!(after["invoice_id"], converted["id"]);
    let twice = books
        .call(
            Method::POST,
            &format!("estimates/{}/convert", id(&estimate)),
            books.admin(),
            &json!({}),
        )
        .await;
    expect_error(twice, StatusCode::CONFLICT, "invalid_state").await;
    assert_eq!(
        books.read("invoices").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_create_retried_with_its_idempotency_key_returns_the_first_answer() {
    let books = Books::start().await;
    let body = books.invoice_body("2026-03-02", 10_000);
    let post = |body: serde_json::Value, key: &'static str| {
        let request = books
            .app
            .client
            .post(books.app.url(&books.path("invoices")));
        request
            .bearer_auth(books.admin())
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = expect_status(
        post(body.clone(), "k-1").await.unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let retry = expect_status(
        post(body.clone(), "k-1").await.unwrap(),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first, retry);
    let other = post(books.invoice_body("2026-03-02", 99), "k-1")
        .await
        .unwrap();
    expect_error(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    let list = books.read("invoices").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let fresh = expect_status(post(body, "k-2").await.unwrap(), StatusCode::CREATED).await;
    assert_ne!(fresh["id"], first["id"]);
}

#[tokio::test]
async fn a_stale_update_gets_the_current_invoice_and_a_shared_login_is_recorded() {
    let books = Books::start().await;
    let draft = books.draft_invoice(books.admin(), "2026-03-02").await;
    let rest = format!("invoices/{}", id(&draft));
    let mut change = books.invoice_body("2026-03-02", 11_000);
    change["version"] = json!(1);
    expect_status(
        books.call(Method::PUT, &rest, books.admin(), &change).await,
        StatusCode::OK,
    )
    .await;
    // The same login, from a phone, still holding version 1.
    let phone = books.app.sign_in(&books.company.admin_email, "phone").await;
    change["lines"][0]["unit_price_cents"] = json!(12_000);
    let stale = books.call(Method::PUT, &rest, &phone, &change).await;
    let conflict = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(conflict["current"]["version"], 2);
    assert_eq!(conflict["current"]["lines"][0]["unit_price_cents"], 11_000);
    assert_eq!(conflict["changed_by"], books.company.admin_id.as_str());
    assert!(conflict["changed_at"].is_string());
    assert_eq!(count_rows(&books.app, "self_conflicts"), 1);
    let stored = books.read(&rest).await;
    assert_eq!(stored["lines"][0]["unit_price_cents"], 11_000);
    // Without a version the update is refused before anything is decided.
    change.as_object_mut().unwrap().remove("version");
    let unversioned = books.call(Method::PUT, &rest, books.admin(), &change).await;
    let error = expect_error(unversioned, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(error["field"], "version");
}

#[tokio::test]
async fn another_companys_invoice_answers_like_a_missing_one() {
    let books = Books::start().await;
    let sent = books.sent_invoice(books.admin(), "2026-03-02").await;
    let other = books.app.signup("plus").await;
    let theirs = format!("/v1/companies/{}/invoices/{}", books.company.id, id(&sent));
    let missing = format!("/v1/companies/{}/invoices/no-such-invoice", other.id);
    let through_their_path = books.app.get(&theirs, Some(&other.admin_token)).await;
    let wall = expect_error(through_their_path, StatusCode::NOT_FOUND, "not_found").await;
    let absent = expect_error(
        books.app.get(&missing, Some(&other.admin_token)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(wall, absent);
    let own_path = format!("/v1/companies/{}/invoices/{}", other.id, id(&sent));
    expect_error(
        books.app.get(&own_path, Some(&other.admin_token)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let void = books
        .app
        .post(
            &format!("{theirs}/void"),
            Some(&other.admin_token),
            &json!({}),
        )
        .await;
    assert_eq!(
        expect_error(void, StatusCode::NOT_FOUND, "not_found").await,
        absent
    );
    let create = books
        .app
        .post(
            &format!("/v1/companies/{}/invoices", books.company.id),
            Some(&other.admin_token),
            &books.invoice_body("2026-03-02", 1),
        )
        .await;
    assert_eq!(
        expect_error(create, StatusCode::NOT_FOUND, "not_found").await,
        absent
    );
    let stored = books.read(&format!("invoices/{}", id(&sent))).await;
    assert_eq!(stored["status"], "sent");
    assert_eq!(
        books.read("invoices").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn the_closed_period_refuses_writes_unless_an_admin_gives_the_override() {
    let books = Books::start().await;
    let (_, staff) = books.app.add_user(&books.company, "standard_all").await;
    let draft = books.draft_invoice(books.admin(), "2026-01-20").await;
    books.set_closing_date("2026-01-31").await;
    let body = books.invoice_body("2026-01-15", 10_000);
    let mut with_override = body.clone();
    with_override["override_closing_date"] = json!(true);
    let forbidden = (StatusCode::FORBIDDEN, "forbidden");
    let create = (Method::POST, "invoices");
    let denied = books
        .refused(create.clone(), &staff, &with_override, forbidden)
        .await;
    assert_eq!(denied["forbidding_policies"], json!(["closed-books"]));
    books
        .refused(create.clone(), books.admin(), &body, forbidden)
        .await;
    let send = format!("invoices/{}/send", id(&draft));
    books
        .refused((Method::POST, &send), books.admin(), &json!({}), forbidden)
        .await;
    assert_eq!(
        books.read("invoices").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(books.read("journal-entries").await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    let request = books
        .app
        .client
        .post(books.app.url(&books.path("invoices")));
    let by_header = request
        .bearer_auth(books.admin())
        .header("X-Override-Closing-Date", "true")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_status(by_header, StatusCode::CREATED).await;
    let overridden = json!({"override_closing_date": true});
    books
        .expect(
            (Method::POST, &send),
            books.admin(),
            &overridden,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        books.read("journal-entries").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn each_use_of_the_closing_date_override_is_listed_as_an_exception() {
    let books = Books::start().await;
    let (_, staff) = books.app.add_user(&books.company, "standard_all").await;
    let draft = books.draft_invoice(books.admin(), "2026-01-20").await;
    books.set_closing_date("2026-01-31").await;
    let mut closed = books.invoice_body("2026-01-15", 10_000);
    closed["override_closing_date"] = json!(true);
    let create = (Method::POST, "invoices");
    let created = books
        .expect(create.clone(), books.admin(), &closed, StatusCode::CREATED)
        .await;
    let send = format!("invoices/{}/send", id(&draft));
    let overridden = json!({"override_closing_date": true});
    books
        .expect(
            (Method::POST, &send),
            books.admin(),
            &overridden,
            StatusCode::OK,
        )
        .await;
    // After the closing date nothing needs the override: an unused override is no exception.
    let mut open = books.invoice_body("2026-02-15", 10_000);
    open["override_closing_date"] = json!(true);
    books
        .expect(create, books.admin(), &open, StatusCode::CREATED)
        .await;
    let exceptions = books.read("closing-date/exceptions").await;
    let items = exceptions["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["action"], "create_invoice");
    assert_eq!(items[0]["record_id"], created["id"]);
    assert_eq!(items[0]["record_date"], "2026-01-15");
    assert_eq!(items[0]["closing_date"], "2026-01-31");
    assert_eq!(items[0]["user_id"], books.company.admin_id.as_str());
    assert_eq!(items[1]["action"], "send_invoice");
    let staff_reads = books.get("closing-date/exceptions", &staff).await;
    expect_error(staff_reads, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn customers_are_listed_in_pages_and_updated_from_their_version() {
    let books = Books::start().await;
    for n in 0..4 {
        let body = json!({"name": format!("Client {n}"), "email": format!("c{n}@example.fr")});
        expect_status(
            books
                .call(Method::POST, "customers", books.admin(), &body)
                .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let first = books.read("customers?limit=3").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let cursor = first["next"].as_str().unwrap().to_owned();
    let second = books
        .read(&format!("customers?limit=3&cursor={cursor}"))
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    assert!(second["next"].is_null());
    let rest = format!("customers/{}", books.customer_id);
    let renamed = books
        .call(
            Method::PATCH,
            &rest,
            books.admin(),
            &json!({"name": "Dupont et Fils", "version": 1}),
        )
        .await;
    assert_eq!(expect_status(renamed, StatusCode::OK).await["version"], 2);
    let stale = books
        .call(
            Method::PUT,
            &rest,
            books.admin(),
            &json!({"name": "Dupont", "version": 1}),
        )
        .await;
    let conflict = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(conflict["current"]["name"], "Dupont et Fils");
    let bad = books
        .call(
            Method::POST,
            "customers",
            books.admin(),
            &json!({"name": "X", "email": "nope"}),
        )
        .await;
    assert_eq!(
        expect_error(bad, StatusCode::BAD_REQUEST, "invalid_input").await["field"],
        "email"
    );
    let limit = books.get("customers?limit=0", books.admin()).await;
    assert_eq!(
        expect_error(limit, StatusCode::BAD_REQUEST, "invalid_input").await["field"],
        "limit"
    );
}

#[tokio::test]
async fn dates_outside_the_years_1900_to_9999_are_refused_naming_the_field() {
    let books = Books::start().await;
    let invalid = (StatusCode::BAD_REQUEST, "invalid_input");
    for date in ["-2026-01-01", "0000-01-01", "+12026-01-01", "1899-12-31"] {
        let body = books.invoice_body(date, 10_000);
        let refused = books
            .refused((Method::POST, "invoices"), books.admin(), &body, invalid)
            .await;
        assert_eq!(refused["field"], "date", "{date}: {refused}");
    }
    // The last day a ledger holds: its 30-day default due date would fall past it.
    let body = books.invoice_body("9999-12-31", 10_000);
    let refused = books
        .refused((Method::POST, "invoices"), books.admin(), &body, invalid)
        .await;
    assert_eq!(refused["field"], "due_date", "{refused}");
    let mut with_due = books.invoice_body("9999-12-01", 10_000);
    with_due["due_date"] = json!("9999-12-31");
    books
        .expect(
            (Method::POST, "invoices"),
            books.admin(),
            &with_due,
            StatusCode::CREATED,
        )
        .await;
    let listed = books.read("invoices").await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
}

#[tokio::test]
async fn names_and_descriptions_with_control_characters_are_refused_and_nothing_is_stored() {
    let books = Books::start().await;
    let invalid = (StatusCode::BAD_REQUEST, "invalid_input");
    for name in ["Dupont\u{0} SARL", "Dupont\u{1b}[2J SARL", "Ding\u{7}"] {
        let refused = books
            .refused(
                (Method::POST, "customers"),
                books.admin(),
                &json!({"name": name}),
                invalid,
            )
            .await;
        assert_eq!(refused["field"], "name", "{name:?}: {refused}");
    }
    let mut invoice = books.invoice_body("2026-06-15", 10_000);
    invoice["lines"][0]["description"] = json!("Pose\u{0}de carrelage");
    let refused = books
        .refused((Method::POST, "invoices"), books.admin(), &invoice, invalid)
        .await;
    assert_eq!(refused["field"], "lines[0].description", "{refused}");
    let customers = books.read("customers").await;
    assert_eq!(
        customers["items"].as_array().map(Vec::len),
        Some(1),
        "only the customer Books::start made: {customers}"
    );
    // Line breaks and tabs are text, not control.
    let two_lines = json!({"name": "Dupont\tSARL\nAgence de Lyon"});
    books
        .expect(
            (Method::POST, "customers"),
            books.admin(),
            &two_lines,
            StatusCode::CREATED,
        )
        .await;
}
