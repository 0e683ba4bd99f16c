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

/// The base text with invoice creation taken from the sales-limited role.
fn without_sales_invoices(text: &str) -> String {
    let permit = "action in [Seatwarden::Action::\"sales\", Seatwarden::Action::\"reports_receivables\"],\n  resource\n);";
    assert!(text.contains(permit), "the base text changed: {text}");
    text.replace(
        permit,
        "action in [Seatwarden::Action::\"sales\", Seatwarden::Action::\"reports_receivables\"],\n  resource\n)\nunless { action == Seatwarden::Action::\"create_invoice\" };",
    )
}

async fn logged_ids(books: &Books, user_id: &str, action: &str) -> Vec<String> {
    let log = books
        .read(&format!(
            "decisions?user_id={user_id}&action={action}&decision=allow"
        ))
        .await;
    let mut ids: Vec<String> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_dry_run_lists_exactly_the_decisions_that_flip_and_who_loses_the_action() {
    let books = Books::start().await;
    let (ann, ann_token) = books.app.add_user(&books.company, "standard_sales").await;
    let (bob, bob_token) = books.app.add_user(&books.company, "standard_sales").await;
    let (_, all_token) = books.app.add_user(&books.company, "standard_all").await;
    for token in [&ann_token, &ann_token, &bob_token, &all_token] {
        assert_eq!(
            create_invoice(&books, token, 10_000).await,
            StatusCode::CREATED
        );
    }
    let refused = books
        .call(
            Method::POST,
            "bills",
            &ann_token,
            &books.bill_body("2026-06-15", 5_000),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let text = active(&books).await["policies"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"policies": without_sales_invoices(&text), "last": 1000});
    let report = books
        .expect(
            (Method::POST, "policies/dry-run"),
            books.admin(),
            &body,
            StatusCode::OK,
        )
        .await;
    assert_eq!(report["flipped"], 3, "{report}");
    assert_eq!(report["not_replayable"], 0, "{report}");
    let flips = report["flips"].as_array().unwrap();
    assert_eq!(flips.len(), 2, "{report}");
    for (user, token_count) in [(&ann, 2), (&bob, 1)] {
        let group = flips
            .iter()
            .find(|g| g["user_id"] == **user)
            .unwrap_or_else(|| panic!("no flips of {user} in {report}"));
        assert_eq!(group["action"], "create_invoice");
        assert_eq!(
            (group["logged"].as_str(), group["proposed"].as_str()),
            (Some("allow"), Some("deny"))
        );
        assert_eq!(group["count"], token_count);
        let mut examples: Vec<String> = group["examples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["decision_id"].as_str().unwrap().to_owned())
            .collect();
        examples.sort();
        assert_eq!(examples, logged_ids(&books, user, "create_invoice").await);
    }
    let access = report["access"].as_array().unwrap();
    let mut losers: Vec<&str> = access
        .iter()
        .map(|u| u["user_id"].as_str().unwrap())
        .collect();
    losers.sort();
    let mut expected = vec![ann.as_str(), bob.as_str()];
    expected.sort();
    assert_eq!(losers, expected, "{report}");
    for user in access {
        assert_eq!(user["gained"], json!([]));
        assert_eq!(
            user["lost"],
            json!([{"action": "create_invoice", "before": "allowed", "after": "denied"}])
        );
    }
    assert_eq!(
        active(&books).await["version"],
        1,
        "a dry-run changes nothing"
    );
}

#[tokio::test]
async fn the_access_review_shows_users_by_actions_in_json_and_csv() {
    let books = Books::start().await;
    let (sales, _) = books.app.add_user(&books.company, "standard_sales").await;
    let review = books.read("access-review").await;
    let users = review["users"].as_array().unwrap();
    assert_eq!(users.len(), 2);
    let row = users.iter().find(|u| u["id"] == *sales).unwrap();
    assert_eq!(row["role"], "standard_sales");
    assert_eq!(row["access"]["create_invoice"], "allowed");
    assert_eq!(row["access"]["approve_bill"], "denied");
    assert_eq!(row["access"]["update_timesheet"], "conditional");
    let admin = users
        .iter()
        .find(|u| u["id"] == *books.company.admin_id)
        .unwrap();
    assert_eq!(admin["access"]["edit_policies"], "allowed");

    let csv = books
        .app
        .client
        .get(books.app.url(&books.path("access-review")))
        .bearer_auth(books.admin())
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("user_id,email,display_name,role,status,view_customer,"));
    let sales_line = lines
        .iter()
        .find(|l| l.starts_with(sales.as_str()))
        .unwrap();
    assert!(
        sales_line.contains(",standard_sales,active,allowed,"),
        "{sales_line}"
    );
}

#[tokio::test]
async fn explain_gives_the_decision_and_the_policies_that_determine_it() {
    let books = Books::start().await;
    let (sales, _) = books.app.add_user(&books.company, "standard_sales").await;
    let ask = |action: &str, kind: &str| {
        json!({"user_id": sales, "action": action,
               "resource": {"type": kind, "id": "doc-1", "created_by": books.company.admin_id}})
    };
    let allowed = books
        .expect(
            (Method::POST, "policies/explain"),
            books.admin(),
            &ask("create_invoice", "Invoice"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(allowed["decision"], "allow");
    assert_eq!(allowed["reason"], "permitted");
    assert_eq!(
        allowed["determining_policies"][0]["id"],
        "standard-sales-sales"
    );
    assert_eq!(allowed["determining_policies"][0]["effect"], "permit");
    assert!(allowed["determining_policies"][0]["text"]
        .as_str()
        .unwrap()
        .contains("standard_sales"));

    let denied = books
        .app
        .client
        .post(books.app.url(&books.path("policies/explain")))
        .bearer_auth(books.admin())
        .header("Accept-Language", "fr")
        .json(&ask("create_bill", "Bill"))
        .send()
        .await
        .unwrap();
    let denied = expect_status(denied, StatusCode::OK).await;
    assert_eq!(denied["decision"], "deny");
    assert_eq!(denied["reason"], "no_permit");
    assert_eq!(denied["determining_policies"], json!([]));
    assert_eq!(
        denied["message"],
        "Aucune politique n'autorise cette action."
    );

    let wrong = books
        .call(
            Method::POST,
            "policies/explain",
            books.admin(),
            &ask("fly", "Invoice"),
        )
        .await;
    expect_error(wrong, StatusCode::BAD_REQUEST, "invalid_input").await;
}

#[tokio::test]
async fn a_template_is_linked_for_one_user_and_unlinked_through_the_api() {
    let books = Books::start().await;
    let (sales, _) = books.app.add_user(&books.company, "standard_sales").await;
    let (other, _) = books.app.add_user(&books.company, "standard_sales").await;
    let template = r#"
@id("approve-small-bills")
permit (
  principal == ?principal,
  action == Seatwarden::Action::"approve_bill",
  resource
)
when { resource has total_cents && resource.total_cents <= 100000 };
"#;
    let body = with_extra(&books, template).await;
    expect_status(put_policies(&books, &body).await, StatusCode::OK).await;
    let link = json!({"id": "sales-approves-small-bills", "template": "approve-small-bills",
                      "principal": sales, "expected_version": 2});
    let linked = books
        .expect(
            (Method::POST, "policies/links"),
            books.admin(),
            &link,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(linked["version"], 3);
    assert_eq!(linked["links"][0]["principal"], *sales);

    let approve = |user: &str, cents: i64| {
        json!({"user_id": user, "action": "approve_bill",
               "resource": {"type": "Bill", "id": "bill-1", "created_by": books.company.admin_id, "amount_cents": cents}})
    };
    let small = explain(&books, approve(&sales, 50_000)).await;
    assert_eq!(small["decision"], "allow", "{small}");
    assert_eq!(
        small["determining_policies"][0]["id"],
        "sales-approves-small-bills"
    );
    assert_eq!(
        explain(&books, approve(&sales, 200_000)).await["decision"],
        "deny"
    );
    assert_eq!(
        explain(&books, approve(&other, 50_000)).await["decision"],
        "deny"
    );
    let review = books.read("access-review").await;
    let access_of = |id: &str| {
        review["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == *id)
            .unwrap()["access"]["approve_bill"]
            .clone()
    };
    assert_eq!(access_of(&sales), "conditional");
    assert_eq!(access_of(&other), "denied");

    let stranger = json!({"id": "x", "template": "approve-small-bills", "principal": "nobody", "expected_version": 3});
    let refused = books
        .call(Method::POST, "policies/links", books.admin(), &stranger)
        .await;
    expect_error(refused, StatusCode::BAD_REQUEST, "invalid_input").await;

    let unlinked = books
        .expect(
            (
                Method::DELETE,
                "policies/links/sales-approves-small-bills?expected_version=3",
            ),
            books.admin(),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(unlinked["version"], 4);
    assert_eq!(unlinked["links"], json!([]));
    assert_eq!(
        explain(&books, approve(&sales, 50_000)).await["decision"],
        "deny"
    );
}

#[tokio::test]
async fn proposed_policies_can_be_tested_and_versions_compared_without_saving() {
    let books = Books::start().await;
    let text = active(&books).await["policies"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"policies": without_sales_invoices(&text)});
    let run = books
        .expect(
            (Method::POST, "policies/test"),
            books.admin(),
            &body,
            StatusCode::OK,
        )
        .await;
    assert!(run["failed"].as_u64().unwrap() >= 1, "{run}");
    assert!(run["passed"].as_u64().unwrap() > 500, "{run}");
    assert!(run["cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["passed"] == false && c["file"] == "role_standard_sales.json"));
    assert_eq!(active(&books).await["version"], 1);

    let body = with_extra(&books, BIG_INVOICE_LIMIT).await;
    expect_status(put_policies(&books, &body).await, StatusCode::OK).await;
    let diff = books.read("policies/diff?from=1&to=2").await;
    assert_eq!(diff["added"][0]["id"], "sales-invoice-limit", "{diff}");
    assert_eq!(diff["removed"], json!([]));
    assert_eq!(diff["changed"], json!([]));
    assert!(diff["unchanged"].as_u64().unwrap() > 10);
}

async fn explain(books: &Books, body: Value) -> Value {
    books
        .expect(
            (Method::POST, "policies/explain"),
            books.admin(),
            &body,
            StatusCode::OK,
        )
        .await
}
