//! ROLES.md as a table: every books endpoint, tried by every role that the rule book denies it,
//! answers 403 and leaves the data as it was.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::books_support::{id, Books};
use crate::helpers::{expect_error, expect_status};

/// The action groups of ROLES.md an endpoint belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Sales,
    Purchases,
    Journal,
    /// Chart of accounts and closing date.
    Accounting,
    /// Reading the chart and the closing date: anyone who writes to the books.
    Chart,
    /// The closing-date exceptions, part of the audit trail.
    Oversight,
    FinancialReports,
    AgedReceivables,
    AgedPayables,
    OwnTimesheets,
    /// Somebody else's timesheet: nobody's to see.
    OthersTimesheets,
}

fn grants(role: &str) -> &'static [Area] {
    use Area::*;
    match role {
        "standard_sales" => &[Sales, Chart, AgedReceivables, OwnTimesheets],
        "standard_purchases" => &[Purchases, Chart, AgedPayables, OwnTimesheets],
        "standard_all" => &[
            Sales,
            Purchases,
            Journal,
            Chart,
            FinancialReports,
            AgedReceivables,
            AgedPayables,
            OwnTimesheets,
        ],
        "reports_only" => &[FinancialReports, AgedReceivables, AgedPayables],
        "time_tracking" => &[OwnTimesheets],
        "accountant" => &[
            Sales,
            Purchases,
            Journal,
            Accounting,
            Chart,
            Oversight,
            FinancialReports,
            AgedReceivables,
            AgedPayables,
        ],
        other => panic!("no grants for {other}"),
    }
}

/// Records the endpoints act on, made by the primary admin.
struct Fixtures {
    draft_invoice: Value,
    sent_invoice: Value,
    estimate: Value,
    bill: Value,
    approved_bill: Value,
    entry: Value,
    timesheet: Value,
    account: Value,
}

async fn fixtures(books: &Books) -> Fixtures {
    let admin = books.admin();
    let (_, buyer) = books
        .app
        .add_user(&books.company, "standard_purchases")
        .await;
    let approved_bill = books.draft_bill(&buyer, "2026-03-01").await;
    let approve = format!("bills/{}/approve", id(&approved_bill));
    let approved_bill = expect_status(
        books.call(Method::POST, &approve, admin, &json!({})).await,
        StatusCode::OK,
    )
    .await;
    let entry = json!({"date": "2026-03-01", "lines": [
        {"account_number": "512", "debit_cents": 500}, {"account_number": "101", "credit_cents": 500}]});
    let timesheet = json!({"date": "2026-03-01", "minutes": 60});
    let account = json!({"number": "6068", "name_fr": "Autres", "name_en": "Other"});
    let estimate = books
        .call(
            Method::POST,
            "estimates",
            admin,
            &books.invoice_body("2026-03-01", 100),
        )
        .await;
    Fixtures {
        draft_invoice: books.draft_invoice(admin, "2026-03-01").await,
        sent_invoice: books.sent_invoice(admin, "2026-03-01").await,
        estimate: expect_status(estimate, StatusCode::CREATED).await,
        bill: books.draft_bill(admin, "2026-03-01").await,
        approved_bill,
        entry: expect_status(
            books
                .call(Method::POST, "journal-entries", admin, &entry)
                .await,
            StatusCode::CREATED,
        )
        .await,
        timesheet: expect_status(
            books
                .call(Method::POST, "timesheets", admin, &timesheet)
                .await,
            StatusCode::CREATED,
        )
        .await,
        account: expect_status(
            books.call(Method::POST, "accounts", admin, &account).await,
            StatusCode::CREATED,
        )
        .await,
    }
}

type Endpoint = (Area, Method, String, Value);

#[rustfmt::skip] // one endpoint a row reads best as a table
fn endpoints(books: &Books, f: &Fixtures) -> Vec<Endpoint> {
    use Area::*;
    let versioned = |mut body: Value, record: &Value| {
        body["version"] = record["version"].clone();
        body
    };
    let party = json!({"name": "Nouveau"});
    let sale = books.invoice_body("2026-03-02", 100);
    let bill = books.bill_body("2026-03-02", 100);
    let entry = json!({"date": "2026-03-02", "lines": [
        {"account_number": "512", "debit_cents": 1}, {"account_number": "101", "credit_cents": 1}]});
    let none = json!({});
    vec![
        (Sales, Method::GET, "customers".into(), none.clone()),
        (Sales, Method::POST, "customers".into(), party.clone()),
        (Sales, Method::GET, format!("customers/{}", books.customer_id), none.clone()),
        (Sales, Method::PUT, format!("customers/{}", books.customer_id), json!({"name": "X", "version": 1})),
        (Purchases, Method::GET, "vendors".into(), none.clone()),
        (Purchases, Method::POST, "vendors".into(), party),
        (Purchases, Method::PUT, format!("vendors/{}", books.vendor_id), json!({"name": "X", "version": 1})),
        (Chart, Method::GET, "accounts".into(), none.clone()),
        (Accounting, Method::POST, "accounts".into(), json!({"number": "6069", "name_fr": "A", "name_en": "A"})),
        (Accounting, Method::PUT, format!("accounts/{}", id(&f.account)), json!({"name_fr": "B", "name_en": "B", "version": 1})),
        (Sales, Method::GET, "estimates".into(), none.clone()),
        (Sales, Method::POST, "estimates".into(), sale.clone()),
        (Sales, Method::PUT, format!("estimates/{}", id(&f.estimate)), versioned(sale.clone(), &f.estimate)),
        (Sales, Method::POST, format!("estimates/{}/convert", id(&f.estimate)), none.clone()),
        (Sales, Method::GET, "invoices".into(), none.clone()),
        (Sales, Method::GET, format!("invoices/{}", id(&f.sent_invoice)), none.clone()),
        (Sales, Method::POST, "invoices".into(), sale.clone()),
        (Sales, Method::PUT, format!("invoices/{}", id(&f.draft_invoice)), versioned(sale, &f.draft_invoice)),
        (Sales, Method::POST, format!("invoices/{}/send", id(&f.draft_invoice)), none.clone()),
        (Sales, Method::POST, format!("invoices/{}/void", id(&f.sent_invoice)), none.clone()),
        (Sales, Method::GET, "payments".into(), none.clone()),
        (Sales, Method::POST, "payments".into(), json!({"invoice_id": id(&f.sent_invoice), "date": "2026-03-05", "amount_cents": 1})),
        (Purchases, Method::GET, "bills".into(), none.clone()),
        (Purchases, Method::GET, format!("bills/{}", id(&f.bill)), none.clone()),
        (Purchases, Method::POST, "bills".into(), bill.clone()),
        (Purchases, Method::PUT, format!("bills/{}", id(&f.bill)), versioned(bill, &f.bill)),
        (Purchases, Method::POST, format!("bills/{}/approve", id(&f.bill)), none.clone()),
        (Purchases, Method::GET, "bill-payments".into(), none.clone()),
        (Purchases, Method::POST, "bill-payments".into(), json!({"bill_id": id(&f.approved_bill), "date": "2026-03-05", "amount_cents": 1})),
        (Journal, Method::GET, "journal-entries".into(), none.clone()),
        (Journal, Method::GET, format!("journal-entries/{}", id(&f.entry)), none.clone()),
        (Journal, Method::POST, "journal-entries".into(), entry),
        (Journal, Method::POST, format!("journal-entries/{}/reverse", id(&f.entry)), none.clone()),
        (Chart, Method::GET, "closing-date".into(), none.clone()),
        (Accounting, Method::PUT, "closing-date".into(), json!({"closing_date": "2025-12-31", "version": 1})),
        (Oversight, Method::GET, "closing-date/exceptions".into(), none.clone()),
        (OwnTimesheets, Method::GET, "timesheets".into(), none.clone()),
        (OwnTimesheets, Method::POST, "timesheets".into(), json!({"date": "2026-03-02", "minutes": 30})),
        (OthersTimesheets, Method::GET, format!("timesheets/{}", id(&f.timesheet)), none.clone()),
        (OthersTimesheets, Method::PUT, format!("timesheets/{}", id(&f.timesheet)), json!({"date": "2026-03-02", "minutes": 30, "version": 1})),
        (FinancialReports, Method::GET, "reports/profit-and-loss?from=2026-01-01&to=2026-12-31".into(), none.clone()),
        (FinancialReports, Method::GET, "reports/balance-sheet?at=2026-12-31".into(), none.clone()),
        (FinancialReports, Method::GET, "reports/trial-balance?at=2026-12-31".into(), none.clone()),
        (AgedReceivables, Method::GET, "reports/aged-receivables?at=2026-12-31".into(), none.clone()),
        (AgedPayables, Method::GET, "reports/aged-payables?at=2026-12-31".into(), none),
    ]
}

/// Everything the books hold, as the primary admin reads it.
async fn snapshot(books: &Books) -> Vec<Value> {
    let mut state = Vec::new();
    for rest in [
        "customers",
        "vendors",
        "accounts?limit=200",
        "estimates",
        "invoices",
        "payments",
        "bills",
        "bill-payments",
        "journal-entries",
        "closing-date",
        "closing-date/exceptions",
        "timesheets",
    ] {
        state.push(books.read(rest).await);
    }
    state
}

#[tokio::test]
async fn every_books_endpoint_denies_the_roles_the_rule_book_denies_and_changes_nothing() {
    let books = Books::start().await;
    let fixtures = fixtures(&books).await;
    let table = endpoints(&books, &fixtures);
    let before = snapshot(&books).await;
    let mut tried = 0;
    for role in [
        "standard_sales",
        "standard_purchases",
        "standard_all",
        "reports_only",
        "time_tracking",
        "accountant",
    ] {
        let (_, token) = books.app.add_user(&books.company, role).await;
        for (area, method, rest, body) in table
            .iter()
            .filter(|(area, ..)| !grants(role).contains(area))
        {
            let response = if *method == Method::GET {
                books.get(rest, &token).await
            } else {
                books.call(method.clone(), rest, &token, body).await
            };
            let denial = expect_error(response, StatusCode::FORBIDDEN, "forbidden").await;
            assert!(
                denial["decision_id"].is_string(),
                "{role} {method} {rest} ({area:?})"
            );
            tried += 1;
        }
    }
    assert!(
        tried > 100,
        "the table covers the rule book ({tried} denials)"
    );
    assert_eq!(
        snapshot(&books).await,
        before,
        "denied calls changed nothing"
    );
}
