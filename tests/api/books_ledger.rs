//! Bills and bill payments, journal entries, accounts, the closing date, timesheets and
//! reports: life cycles and failure paths.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::books_support::{id, Books};
use crate::helpers::{expect_error, expect_status};

#[tokio::test]
async fn a_bill_is_approved_by_someone_other_than_its_author() {
    let books = Books::start().await;
    let (_, buyer) = books
        .app
        .add_user(&books.company, "standard_purchases")
        .await;
    let (_, checker) = books.app.add_user(&books.company, "standard_all").await;
    let bill = books.draft_bill(&buyer, "2026-03-05").await;
    assert_eq!(bill["number"], "A-000001");
    assert_eq!(bill["total_cents"], 18_000);
    let approve = format!("bills/{}/approve", id(&bill));
    let forbidden = (StatusCode::FORBIDDEN, "forbidden");
    let own = books
        .refused((Method::POST, &approve), &buyer, &json!({}), forbidden)
        .await;
    assert_eq!(own["forbidding_policies"], json!(["sod-approve-own-bill"]));
    let pay = json!({"bill_id": id(&bill), "date": "2026-03-20", "amount_cents": 100});
    let state = (StatusCode::CONFLICT, "invalid_state");
    books
        .refused((Method::POST, "bill-payments"), &checker, &pay, state)
        .await;
    let approved = books
        .expect(
            (Method::POST, &approve),
            &checker,
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(approved["status"], "approved");
    let mut edit = books.bill_body("2026-03-05", 1);
    edit["version"] = approved["version"].clone();
    let rest = format!("bills/{}", id(&bill));
    books
        .refused((Method::PUT, &rest), &checker, &edit, state)
        .await;
    let journal = books.read("journal-entries").await;
    assert_eq!(journal["items"][0]["source_kind"], "bill");
    assert_eq!(journal["items"][0]["total_cents"], 18_000);
}

#[tokio::test]
async fn a_bill_is_paid_by_someone_other_than_its_author_up_to_what_is_open() {
    let books = Books::start().await;
    let (_, buyer) = books
        .app
        .add_user(&books.company, "standard_purchases")
        .await;
    let (_, checker) = books.app.add_user(&books.company, "standard_all").await;
    let bill = books.draft_bill(&buyer, "2026-03-05").await;
    let approve = format!("bills/{}/approve", id(&bill));
    books
        .expect(
            (Method::POST, &approve),
            &checker,
            &json!({}),
            StatusCode::OK,
        )
        .await;
    let pay =
        |amount: i64| json!({"bill_id": id(&bill), "date": "2026-03-20", "amount_cents": amount});
    let payments = (Method::POST, "bill-payments");
    let forbidden = (StatusCode::FORBIDDEN, "forbidden");
    let refused = books
        .refused(payments.clone(), &buyer, &pay(100), forbidden)
        .await;
    assert_eq!(refused["forbidding_policies"], json!(["sod-pay-own-bill"]));
    books
        .expect(payments.clone(), &checker, &pay(8_000), StatusCode::CREATED)
        .await;
    let aged = books.read("reports/aged-payables?at=2026-04-30").await;
    assert_eq!(aged["totals"]["total_cents"], 10_000);
    assert_eq!(aged["parties"][0]["party_name"], "Point P");
    let invalid = (StatusCode::BAD_REQUEST, "invalid_input");
    let over = books
        .refused(payments.clone(), &checker, &pay(10_001), invalid)
        .await;
    assert_eq!(over["field"], "amount_cents");
    books
        .expect(payments, &checker, &pay(10_000), StatusCode::CREATED)
        .await;
    assert_eq!(
        books.read(&format!("bills/{}", id(&bill))).await["status"],
        "paid"
    );
    let trial = books.trial_balance().await;
    assert_eq!(trial["balanced"], true);
    let rows = trial["rows"].as_array().unwrap();
    let suppliers = rows.iter().find(|r| r["account_number"] == "401").unwrap();
    assert_eq!(suppliers["balance_cents"], 0);
}

fn entry(date: &str, (debit, credit): (&str, &str), amount_cents: i64) -> serde_json::Value {
    json!({"date": date, "memo": "Apport", "lines": [
        {"account_number": debit, "debit_cents": amount_cents},
        {"account_number": credit, "credit_cents": amount_cents}]})
}

#[tokio::test]
async fn a_manual_entry_is_posted_balanced_and_reversed_once_by_someone_else() {
    let books = Books::start().await;
    let (_, accountant) = books.app.add_user(&books.company, "accountant").await;
    let post = (Method::POST, "journal-entries");
    let capital = entry("2026-01-02", ("512", "101"), 1_000_000);
    let posted = books
        .expect(post.clone(), books.admin(), &capital, StatusCode::CREATED)
        .await;
    assert_eq!(posted["number"], 1);
    assert_eq!(posted["total_cents"], 1_000_000);
    let invalid = (StatusCode::BAD_REQUEST, "invalid_input");
    let mut unbalanced = capital.clone();
    unbalanced["lines"][1]["credit_cents"] = json!(999_999);
    let error = books
        .refused(post.clone(), books.admin(), &unbalanced, invalid)
        .await;
    assert_eq!(error["field"], "lines");
    let unknown = entry("2026-01-02", ("512", "999"), 100);
    let error = books.refused(post, books.admin(), &unknown, invalid).await;
    assert_eq!(error["field"], "lines[1].account_number");
    let reverse = format!("journal-entries/{}/reverse", id(&posted));
    let forbidden = (StatusCode::FORBIDDEN, "forbidden");
    let own = books
        .refused(
            (Method::POST, &reverse),
            books.admin(),
            &json!({}),
            forbidden,
        )
        .await;
    assert_eq!(
        own["forbidding_policies"],
        json!(["sod-reverse-own-journal-entry"])
    );
    let dated = json!({"date": "2026-01-03"});
    let reversal = books
        .expect(
            (Method::POST, &reverse),
            &accountant,
            &dated,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(reversal["number"], 2);
    assert_eq!(reversal["source_kind"], "reversal");
    assert_eq!(reversal["lines"][0]["credit_cents"], 1_000_000);
    let state = (StatusCode::CONFLICT, "invalid_state");
    books
        .refused((Method::POST, &reverse), &accountant, &json!({}), state)
        .await;
    let sent = books.sent_invoice(books.admin(), "2026-01-10").await;
    let journal = books.read("journal-entries").await;
    let entries = journal["items"].as_array().unwrap();
    let invoice_entry = entries
        .iter()
        .find(|e| e["source_id"] == sent["id"])
        .unwrap();
    let through_journal = format!("journal-entries/{}/reverse", id(invoice_entry));
    books
        .refused(
            (Method::POST, &through_journal),
            &accountant,
            &json!({}),
            state,
        )
        .await;
}

#[tokio::test]
async fn reports_are_computed_from_the_ledger() {
    let books = Books::start().await;
    let post = (Method::POST, "journal-entries");
    let capital = entry("2026-01-02", ("512", "101"), 1_000_000);
    books
        .expect(post, books.admin(), &capital, StatusCode::CREATED)
        .await;
    books.sent_invoice(books.admin(), "2026-01-10").await;
    let balance = books.read("reports/balance-sheet?at=2026-12-31").await;
    assert_eq!(balance["total_assets_cents"], 1_025_650);
    assert_eq!(balance["result_cents"], 21_500);
    let pnl = books
        .read("reports/profit-and-loss?from=2026-01-01&to=2026-12-31")
        .await;
    assert_eq!(pnl["total_income_cents"], 21_500);
    assert_eq!(pnl["net_result_cents"], 21_500);
    let before = books
        .read("reports/profit-and-loss?from=2025-01-01&to=2025-12-31")
        .await;
    assert_eq!(before["total_income_cents"], 0);
    let bad_period = "reports/profit-and-loss?from=2026-12-31&to=2026-01-01";
    let error = expect_error(
        books.get(bad_period, books.admin()).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(error["field"], "from");
    let aged = books.read("reports/aged-receivables?at=2026-03-31").await;
    assert_eq!(aged["totals"]["days_31_60_cents"], 25_650);
    assert_eq!(aged["parties"][0]["party_name"], "Dupont SARL");
    let trial = books.read("reports/trial-balance?at=2026-01-05").await;
    assert_eq!(trial["total_debit_cents"], 1_000_000);
}

#[tokio::test]
async fn the_chart_is_seeded_and_extended_by_the_finance_staff() {
    let books = Books::start().await;
    let chart = books.read("accounts?limit=200").await;
    let accounts = chart["items"].as_array().unwrap();
    let numbers: Vec<&str> = accounts
        .iter()
        .map(|a| a["number"].as_str().unwrap())
        .collect();
    for expected in [
        "101", "401", "411", "44566", "44571", "512", "606", "706", "707",
    ] {
        assert!(numbers.contains(&expected), "{expected} is seeded");
    }
    let create = (Method::POST, "accounts");
    let new =
        json!({"number": "6063", "name_fr": "Petit équipement", "name_en": "Small equipment"});
    let created = books
        .expect(create.clone(), books.admin(), &new, StatusCode::CREATED)
        .await;
    assert_eq!(created["class"], "expense");
    let exists = (StatusCode::CONFLICT, "already_exists");
    books
        .refused(create.clone(), books.admin(), &new, exists)
        .await;
    let bad = json!({"number": "9x", "name_fr": "A", "name_en": "A"});
    let invalid = (StatusCode::BAD_REQUEST, "invalid_input");
    let error = books.refused(create, books.admin(), &bad, invalid).await;
    assert_eq!(error["field"], "number");
    let mut bill = books.bill_body("2026-03-05", 1_000);
    bill["lines"][0]["account_number"] = json!("6063");
    books
        .expect(
            (Method::POST, "bills"),
            books.admin(),
            &bill,
            StatusCode::CREATED,
        )
        .await;
}

#[tokio::test]
async fn an_account_is_renamed_from_its_version_by_the_finance_staff_only() {
    let books = Books::start().await;
    let (_, staff) = books.app.add_user(&books.company, "standard_all").await;
    let create = (Method::POST, "accounts");
    let new =
        json!({"number": "6063", "name_fr": "Petit équipement", "name_en": "Small equipment"});
    let created = books
        .expect(create.clone(), books.admin(), &new, StatusCode::CREATED)
        .await;
    let other = json!({"number": "6064", "name_fr": "B", "name_en": "B"});
    let forbidden = (StatusCode::FORBIDDEN, "forbidden");
    books.refused(create, &staff, &other, forbidden).await;
    let rest = format!("accounts/{}", id(&created));
    let rename = json!({"name_fr": "Outillage", "name_en": "Tools", "version": 1});
    books
        .refused((Method::PUT, &rest), &staff, &rename, forbidden)
        .await;
    let renamed = books
        .expect((Method::PUT, &rest), books.admin(), &rename, StatusCode::OK)
        .await;
    assert_eq!(renamed["name_fr"], "Outillage");
    assert_eq!(renamed["number"], "6063");
    let conflict = (StatusCode::CONFLICT, "conflict");
    let stale = books
        .refused((Method::PUT, &rest), books.admin(), &rename, conflict)
        .await;
    assert_eq!(stale["current"]["version"], 2);
}

#[tokio::test]
async fn the_closing_date_moves_from_its_version_by_admins_and_accountants_only() {
    let books = Books::start().await;
    let (_, staff) = books.app.add_user(&books.company, "standard_all").await;
    let (_, accountant) = books.app.add_user(&books.company, "accountant").await;
    let initial = books.read("closing-date").await;
    assert!(initial["closing_date"].is_null());
    let body = json!({"closing_date": "2025-12-31", "version": initial["version"]});
    expect_error(
        books.call(Method::PUT, "closing-date", &staff, &body).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let set = expect_status(
        books
            .call(Method::PUT, "closing-date", &accountant, &body)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set["closing_date"], "2025-12-31");
    let stale = books
        .call(Method::PUT, "closing-date", books.admin(), &body)
        .await;
    let conflict = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(conflict["current"]["closing_date"], "2025-12-31");
    let bad = json!({"closing_date": "31/12/2025", "version": set["version"]});
    let error = expect_error(
        books
            .call(Method::PUT, "closing-date", books.admin(), &bad)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(error["field"], "closing_date");
    let dated = json!({"date": "2025-12-15", "lines": [
        {"account_number": "512", "debit_cents": 100}, {"account_number": "101", "credit_cents": 100}]});
    expect_error(
        books
            .call(Method::POST, "journal-entries", &accountant, &dated)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_person_keeps_their_own_timesheets_and_nobody_elses() {
    let books = Books::start().await;
    let (_, worker) = books.app.add_user(&books.company, "time_tracking").await;
    let (_, colleague) = books.app.add_user(&books.company, "standard_sales").await;
    let entry = json!({"date": "2026-03-02", "minutes": 450, "description": "Chantier Dupont"});
    let created = expect_status(
        books
            .call(Method::POST, "timesheets", &worker, &entry)
            .await,
        StatusCode::CREATED,
    )
    .await;
    expect_status(
        books
            .call(Method::POST, "timesheets", &colleague, &entry)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let own = expect_status(books.get("timesheets", &worker).await, StatusCode::OK).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    let rest = format!("timesheets/{}", id(&created));
    expect_error(
        books.get(&rest, &colleague).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let change = json!({"date": "2026-03-02", "minutes": 480, "version": 1});
    expect_error(
        books.call(Method::PUT, &rest, &colleague, &change).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let changed = expect_status(
        books.call(Method::PUT, &rest, &worker, &change).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["minutes"], 480);
    expect_error(
        books.call(Method::PUT, &rest, &worker, &change).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    let too_long = json!({"date": "2026-03-02", "minutes": 1441});
    let error = expect_error(
        books
            .call(Method::POST, "timesheets", &worker, &too_long)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(error["field"], "minutes");
    expect_error(
        books.get("invoices", &worker).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_openapi_document_lists_the_books_endpoints() {
    let books = Books::start().await;
    let document = expect_status(books.app.get("/openapi.json", None).await, StatusCode::OK).await;
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/v1/companies/{company_id}/invoices/{id}/send",
        "/v1/companies/{company_id}/bills/{id}/approve",
        "/v1/companies/{company_id}/journal-entries/{id}/reverse",
        "/v1/companies/{company_id}/closing-date/exceptions",
        "/v1/companies/{company_id}/reports/aged-payables",
        "/v1/companies/{company_id}/timesheets/{id}",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(document["components"]["schemas"]["InvoiceView"].is_object());
}
