//! Policy administration: versions, validation, tests, rollback, dry-run, access review.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::books_support::Books;
use crate::helpers::{expect_error, expect_status};

const BIG_INVOICE_LIMIT: &str = r#"
@id("sales-invoice-limit")
forbid (
  principal in Seatwarden::Role::"standard_sales",
  action == Seatwarden::Action::"create_invoice",
  resource
)
when { resource has total_cents && resource.total_cents > 500000 };
"#;

async fn active(books: &Books) -> Value {
    books.read("policies").await
}

async fn put_policies(books: &Books, body: &Value) -> reqwest::Response {
    books
        .call(Method::PUT, "policies", books.admin(), body)
        .await
}

/// The active text with `extra` appended, from the version seen.
async fn with_extra(books: &Books, extra: &str) -> Value {
    let current = active(books).await;
    let text = format!("{}{extra}", current["policies"].as_str().unwrap());
    json!({"policies": text, "expected_version": current["version"], "comment": "cap sales invoices"})
}

async fn create_invoice(books: &Books, token: &str, unit_price_cents: i64) -> StatusCode {
    let body = books.invoice_body("2026-06-15", unit_price_cents);
    books
        .call(Method::POST, "invoices", token, &body)
        .await
        .status()
}

#[tokio::test]
async fn a_company_starts_on_the_base_policies_as_version_1() {
    let books = Books::start().await;
    let policies = active(&books).await;
    assert_eq!(policies["version"], 1);
    let text = policies["policies"].as_str().unwrap();
    assert!(text.contains("@id(\"standard-sales-sales\")"), "{text}");
    assert_eq!(policies["author_id"], Value::Null);
    let versions = books.read("policies/versions").await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 1);
    assert_eq!(versions["items"][0]["active"], true);
}

#[tokio::test]
async fn an_invalid_text_is_refused_with_its_line_and_column_and_changes_nothing() {
    let books = Books::start().await;
    let current = active(&books).await;
    let base = current["policies"].as_str().unwrap();
    let broken =
        "\n@id(\"broken\")\npermit (principal, action, resource) when { principal.height > 1 };\n";
    let body = json!({"policies": format!("{base}{broken}"), "expected_version": 1});
    let error = expect_error(
        put_policies(&books, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_policy",
    )
    .await;
    let diagnostic = &error["diagnostics"][0];
    assert_eq!(diagnostic["policy_id"], "broken", "{error}");
    assert_eq!(diagnostic["line"], base.lines().count() + 3, "{error}");
    assert_eq!(diagnostic["column"], 45, "{error}");
    assert!(
        diagnostic["message"].as_str().unwrap().contains("height"),
        "{error}"
    );
    assert_eq!(active(&books).await, current);
}

#[tokio::test]
async fn a_valid_change_decides_the_very_next_request_and_a_rollback_restores_decisions() {
    let books = Books::start().await;
    let (_, sales) = books.app.add_user(&books.company, "standard_sales").await;
    assert_eq!(
        create_invoice(&books, &sales, 300_000).await,
        StatusCode::CREATED
    );

    let body = with_extra(&books, BIG_INVOICE_LIMIT).await;
    let changed = expect_status(put_policies(&books, &body).await, StatusCode::OK).await;
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["comment"], "cap sales invoices");
    assert_eq!(changed["author_id"], books.company.admin_id);

    let refused = expect_error(
        books
            .call(
                Method::POST,
                "invoices",
                &sales,
                &books.invoice_body("2026-06-15", 300_000),
            )
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(
        refused["forbidding_policies"],
        json!(["sales-invoice-limit"])
    );
    assert_eq!(
        create_invoice(&books, &sales, 10_000).await,
        StatusCode::CREATED
    );

    let rollback = json!({"version": 1, "expected_version": 2});
    let restored = books
        .expect(
            (Method::POST, "policies/rollback"),
            books.admin(),
            &rollback,
            StatusCode::OK,
        )
        .await;
    assert_eq!(restored["version"], 3);
    assert_eq!(restored["hash"], active(&books).await["hash"]);
    assert_eq!(
        create_invoice(&books, &sales, 300_000).await,
        StatusCode::CREATED
    );

    let versions = books.read("policies/versions").await;
    let numbers: Vec<i64> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [3, 2, 1]);
    let first = books.read("policies/versions/1").await;
    assert_eq!(first["hash"], restored["hash"]);
}

#[tokio::test]
async fn a_change_is_logged_in_the_decision_chain_with_its_comment_and_hash() {
    let books = Books::start().await;
    let body = with_extra(&books, BIG_INVOICE_LIMIT).await;
    let changed = expect_status(put_policies(&books, &body).await, StatusCode::OK).await;
    let hash = changed["hash"].as_str().unwrap();
    let log = books.read("decisions?action=edit_policies").await;
    let record = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["resource_id"].as_str().unwrap().contains(hash))
        .unwrap_or_else(|| panic!("no change record in {log}"));
    assert_eq!(record["user_id"], books.company.admin_id);
    assert_eq!(record["policy_version"], hash);
    let verified = books.read("decisions/verify").await;
    assert_eq!(verified["intact"], true, "{verified}");
}

#[tokio::test]
async fn a_change_that_fails_a_policy_test_is_refused_naming_the_test() {
    let books = Books::start().await;
    let current = active(&books).await;
    let text = current["policies"].as_str().unwrap().replace(
        "action in [Seatwarden::Action::\"sales\", Seatwarden::Action::\"reports_receivables\"]",
        "action in [Seatwarden::Action::\"reports_receivables\"]",
    );
    let body = json!({"policies": text, "expected_version": 1});
    let error = expect_error(
        put_policies(&books, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_policy",
    )
    .await;
    let failed = error["failed_tests"].as_array().unwrap();
    assert!(
        failed
            .iter()
            .any(|t| t["file"] == "role_standard_sales.json"
                && t["name"]
                    == "sales-limited user may create_invoice (sales, write, dated_write)"),
        "{error}"
    );
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("role_standard_sales.json"));
    assert_eq!(active(&books).await["version"], 1);
}

#[tokio::test]
async fn a_change_from_a_stale_version_gets_409_with_the_active_one() {
    let books = Books::start().await;
    let mut body = with_extra(&books, BIG_INVOICE_LIMIT).await;
    expect_status(put_policies(&books, &body).await, StatusCode::OK).await;
    body["comment"] = json!("a second admin, late");
    let error = expect_error(
        put_policies(&books, &body).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(error["current_version"], 2);
}

#[tokio::test]
async fn a_sales_login_may_neither_read_nor_change_the_policies() {
    let books = Books::start().await;
    let (_, sales) = books.app.add_user(&books.company, "standard_sales").await;
    let body = with_extra(&books, BIG_INVOICE_LIMIT).await;
    for (method, rest) in [
        (Method::GET, "policies"),
        (Method::GET, "policies/versions"),
    ] {
        let response = books.call(method, rest, &sales, &json!({})).await;
        expect_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let response = books.call(Method::PUT, "policies", &sales, &body).await;
    expect_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(active(&books).await["version"], 1);
}
