//! Bills and bill payments, journal entries, accounts, the closing date, timesheets and
//! reports: life cycles and failure paths.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::books_support::{id, Books};
use crate::helpers::{expect_error, expect_status};

#[tokio::test]
async fn a_bill_is_approved_and_paid_by_someone_other_than_its_author() {
    let books = Books::start().await;
    let (_, buyer) = books.app.add_user(&books.company, "standard_purchases").await;
    let (_, checker) = books.app.add_user(&books.company, "standard_all").await;
    let bill = books.draft_bill(&buyer, "2026-03-05").await;
    assert_eq!(bill["number"], "A-000001");
    assert_eq!(bill["total_cents"], 18_000);
    let approve = format!("bills/{}/approve", id(&bill));
    let own = expect_error(books.call(Method::POST, &approve, &buyer, &json!({})).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(own["forbidding_policies"], json!(["sod-approve-own-bill"]));
    let pay = |amount: i64| json!({"bill_id": id(&bill), "date": "2026-03-20", "amount_cents": amount});
    let early = books.call(Method::POST, "bill-payments", &checker, &pay(100)).await;
    expect_error(early, StatusCode::CONFLICT, "invalid_state").await;
    let approved = expect_status(books.call(Method::POST, &approve, &checker, &json!({})).await, StatusCode::OK).await;
    assert_eq!(approved["status"], "approved");
    let own_payment = books.call(Method::POST, "bill-payments", &buyer, &pay(100)).await;
    let refused = expect_error(own_payment, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(refused["forbidding_policies"], json!(["sod-pay-own-bill"]));
    expect_status(books.call(Method::POST, "bill-payments", &checker, &pay(8_000)).await, StatusCode::CREATED).await;
    let aged = books.read("reports/aged-payables?at=2026-04-30").await;
    assert_eq!(aged["totals"]["total_cents"], 10_000);
    assert_eq!(aged["parties"][0]["party_name"], "Point P");
    let over = books.call(Method::POST, "bill-payments", &checker, &pay(10_001)).await;
    assert_eq!(expect_error(over, StatusCode::BAD_REQUEST, "invalid_input").await["field"], "amount_cents");
    expect_status(books.call(Method::POST, "bill-payments", &checker, &pay(10_000)).await, StatusCode::CREATED).await;
    assert_eq!(books.read(&format!("bills/{}", id(&bill))).await["status"], "paid");
    let edit = books.call(Method::PUT, &format!("bills/{}", id(&bill)), &checker, &{
        let mut body = books.bill_body("2026-03-05", 1);
        body["version"] = approved["version"].clone();
        body
    }).await;
    assert_eq!(expect_error(edit, StatusCode::CONFLICT, "conflict").await["current"]["status"], "paid");
    let trial = books.trial_balance().await;
    assert_eq!(trial["balanced"], true);
    let suppliers = trial["rows"].as_array().unwrap().iter().find(|r| r["account_number"] == "401").unwrap();
    assert_eq!(suppliers["balance_cents"], 0);
}

#[tokio::test]
async fn a_manual_entry_is_posted_balanced_and_reversed_once_by_someone_else() {
    let books = Books::start().await;
    let (_, accountant) = books.app.add_user(&books.company, "accountant").await;
    let capital = json!({"date": "2026-01-02", "memo": "Apport en capital", "lines": [
        {"account_number": "512", "debit_cents": 1_000_000},
        {"account_number": "101", "credit_cents": 1_000_000}
    ]});
    let entry = expect_status(books.call(Method::POST, "journal-entries", books.admin(), &capital).await, StatusCode::CREATED).await;
    assert_eq!(entry["number"], 1);
    assert_eq!(entry["total_cents"], 1_000_000);
    let unbalanced = json!({"date": "2026-01-02", "lines": [
        {"account_number": "512", "debit_cents": 100}, {"account_number": "101", "credit_cents": 99}]});
    let error = expect_error(books.call(Method::POST, "journal-entries", books.admin(), &unbalanced).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(error["field"], "lines");
    let unknown = json!({"date": "2026-01-02", "lines": [
        {"account_number": "512", "debit_cents": 100}, {"account_number": "999", "credit_cents": 100}]});
    let error = expect_error(books.call(Method::POST, "journal-entries", books.admin(), &unknown).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(error["field"], "lines[1].account_number");
    let reverse = format!("journal-entries/{}/reverse", id(&entry));
    let own = books.call(Method::POST, &reverse, books.admin(), &json!({})).await;
    let denied = expect_error(own, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(denied["forbidding_policies"], json!(["sod-reverse-own-journal-entry"]));
    let reversal = expect_status(books.call(Method::POST, &reverse, &accountant, &json!({"date": "2026-01-03"})).await, StatusCode::CREATED).await;
    assert_eq!(reversal["number"], 2);
    assert_eq!(reversal["source_kind"], "reversal");
    assert_eq!(reversal["lines"][0]["credit_cents"], 1_000_000);
    let twice = books.call(Method::POST, &reverse, &accountant, &json!({})).await;
    expect_error(twice, StatusCode::CONFLICT, "invalid_state").await;
    let sent = books.sent_invoice(books.admin(), "2026-01-10").await;
    let journal = books.read("journal-entries").await;
    let invoice_entry = journal["items"].as_array().unwrap().iter().find(|e| e["source_id"] == sent["id"]).unwrap().clone();
    let through_journal = books.call(Method::POST, &format!("journal-entries/{}/reverse", id(&invoice_entry)), &accountant, &json!({})).await;
    expect_error(through_journal, StatusCode::CONFLICT, "invalid_state").await;
    let balance = books.read("reports/balance-sheet?at=2026-12-31").await;
    assert_eq!(balance["total_assets_cents"], 25_650);
    let pnl = books.read("reports/profit-and-loss?from=2026-01-01&to=2026-12-31").await;
    assert_eq!(pnl["total_income_cents"], 21_500);
    let bad_period = books.get("reports/profit-and-loss?from=2026-12-31&to=2026-01-01", books.admin()).await;
    expect_error(bad_period, StatusCode::BAD_REQUEST, "invalid_input").await;
    let aged = books.read("reports/aged-receivables?at=2026-03-31").await;
    assert_eq!(aged["totals"]["days_31_60_cents"], 25_650);
}

#[tokio::test]
async fn the_chart_is_seeded_extended_and_renamed_by_the_finance_staff() {
    let books = Books::start().await;
    let chart = books.read("accounts?limit=200").await;
    let numbers: Vec<&str> = chart["items"].as_array().unwrap().iter().map(|a| a["number"].as_str().unwrap()).collect();
    for expected in ["101", "401", "411", "44566", "44571", "512", "606", "706", "707"] {
        assert!(numbers.contains(&expected), "{expected} is seeded");
    }
    let new = json!({"number": "6063", "name_fr": "Petit équipement", "name_en": "Small equipment"});
    let created = expect_status(books.call(Method::POST, "accounts", books.admin(), &new).await, StatusCode::CREATED).await;
    assert_eq!(created["class"], "expense");
    expect_error(books.call(Method::POST, "accounts", books.admin(), &new).await, StatusCode::CONFLICT, "already_exists").await;
    let bad = json!({"number": "9x", "name_fr": "A", "name_en": "A"});
    let error = expect_error(books.call(Method::POST, "accounts", books.admin(), &bad).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(error["field"], "number");
    let (_, staff) = books.app.add_user(&books.company, "standard_all").await;
    let other = json!({"number": "6064", "name_fr": "B", "name_en": "B"});
    expect_error(books.call(Method::POST, "accounts", &staff, &other).await, StatusCode::FORBIDDEN, "forbidden").await;
    let rest = format!("accounts/{}", id(&created));
    let renamed = books.call(Method::PUT, &rest, books.admin(), &json!({"name_fr": "Outillage", "name_en": "Tools", "version": 1})).await;
    assert_eq!(expect_status(renamed, StatusCode::OK).await["name_fr"], "Outillage");
    let stale = books.call(Method::PUT, &rest, books.admin(), &json!({"name_fr": "X", "name_en": "X", "version": 1})).await;
    expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    let mut bill = books.bill_body("2026-03-05", 1_000);
    bill["lines"][0]["account_number"] = json!("6063");
    expect_status(books.call(Method::POST, "bills", books.admin(), &bill).await, StatusCode::CREATED).await;
}

#[tokio::test]
async fn the_closing_date_moves_from_its_version_by_admins_and_accountants_only() {
    let books = Books::start().await;
    let (_, staff) = books.app.add_user(&books.company, "standard_all").await;
    let (_, accountant) = books.app.add_user(&books.company, "accountant").await;
    let initial = books.read("closing-date").await;
    assert!(initial["closing_date"].is_null());
    let body = json!({"closing_date": "2025-12-31", "version": initial["version"]});
    expect_error(books.call(Method::PUT, "closing-date", &staff, &body).await, StatusCode::FORBIDDEN, "forbidden").await;
    let set = expect_status(books.call(Method::PUT, "closing-date", &accountant, &body).await, StatusCode::OK).await;
    assert_eq!(set["closing_date"], "2025-12-31");
    let stale = books.call(Method::PUT, "closing-date", books.admin(), &body).await;
    let conflict = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(conflict["current"]["closing_date"], "2025-12-31");
    let bad = json!({"closing_date": "31/12/2025", "version": set["version"]});
    let error = expect_error(books.call(Method::PUT, "closing-date", books.admin(), &bad).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(error["field"], "closing_date");
    let dated = json!({"date": "2025-12-15", "lines": [
        {"account_number": "512", "debit_cents": 100}, {"account_number": "101", "credit_cents": 100}]});
    expect_error(books.call(Method::POST, "journal-entries", &accountant, &dated).await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn a_person_keeps_their_own_timesheets_and_nobody_elses() {
    let books = Books::start().await;
    let (_, worker) = books.app.add_user(&books.company, "time_tracking").await;
    let (_, colleague) = books.app.add_user(&books.company, "standard_sales").await;
    let entry = json!({"date": "2026-03-02", "minutes": 450, "description": "Chantier Dupont"});
    let created = expect_status(books.call(Method::POST, "timesheets", &worker, &entry).await, StatusCode::CREATED).await;
    expect_status(books.call(Method::POST, "timesheets", &colleague, &entry).await, StatusCode::CREATED).await;
    let own = expect_status(books.get("timesheets", &worker).await, StatusCode::OK).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    let rest = format!("timesheets/{}", id(&created));
    expect_error(books.get(&rest, &colleague).await, StatusCode::FORBIDDEN, "forbidden").await;
    let change = json!({"date": "2026-03-02", "minutes": 480, "version": 1});
    expect_error(books.call(Method::PUT, &rest, &colleague, &change).await, StatusCode::FORBIDDEN, "forbidden").await;
    let changed = expect_status(books.call(Method::PUT, &rest, &worker, &change).await, StatusCode::OK).await;
    assert_eq!(changed["minutes"], 480);
    expect_error(books.call(Method::PUT, &rest, &worker, &change).await, StatusCode::CONFLICT, "conflict").await;
    let too_long = json!({"date": "2026-03-02", "minutes": 1441});
    let error = expect_error(books.call(Method::POST, "timesheets", &worker, &too_long).await, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(error["field"], "minutes");
    expect_error(books.get("invoices", &worker).await, StatusCode::FORBIDDEN, "forbidden").await;
}
