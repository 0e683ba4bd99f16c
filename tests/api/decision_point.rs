use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_error, expect_status, spawn_app, spawn_app_with, Company, TestApp};

async fn api_key(app: &TestApp, company: &Company) -> String {
    let path = format!("/v1/companies/{}/api-keys", company.id);
    let body = expect_status(
        app.post(&path, Some(&company.admin_token), &json!({"name": "ERP"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    body["key"].as_str().unwrap().to_owned()
}

async fn ask_batch(app: &TestApp, key: &str, batch: &Value) -> Value {
    expect_status(
        app.post("/v1/authorize/batch", Some(key), batch).await,
        StatusCode::OK,
    )
    .await
}

/// Each item's `allow` or `deny`, in order.
fn decisions_of(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["decision"].as_str().unwrap())
        .collect()
}

fn question(user_id: &str, action: &str, resource: Value) -> Value {
    json!({"principal": {"user_id": user_id}, "action": action, "resource": resource})
}

#[tokio::test]
async fn an_external_app_gets_decisions_that_land_in_the_log() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let key = api_key(&app, &company).await;
    let (clerk, _) = app.add_user(&company, "standard_sales").await;
    let allow = app
        .post("/v1/authorize", Some(&key), &question(&clerk, "create_invoice", json!({"type": "Invoice", "id": "inv-1", "date": "2026-11-01", "amount_cents": 12000})))
        .await;
    let allow = expect_status(allow, StatusCode::OK).await;
    assert_eq!(allow["decision"], "allow");
    assert_eq!(allow["policy_ids"], json!(["standard-sales-sales"]));
    let deny = app
        .post(
            "/v1/authorize",
            Some(&key),
            &question(
                &clerk,
                "approve_bill",
                json!({"type": "Bill", "id": "bill-9"}),
            ),
        )
        .await;
    let deny = expect_status(deny, StatusCode::OK).await;
    assert_eq!(deny["decision"], "deny");
    assert_eq!(deny["policy_ids"], json!([]));

    let path = format!("/v1/companies/{}/decisions?user_id={clerk}", company.id);
    let log = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["id"])
        .collect();
    assert!(
        ids.contains(&&allow["decision_id"]) && ids.contains(&&deny["decision_id"]),
        "{log}"
    );
}

#[tokio::test]
async fn the_closing_date_and_segregation_of_duties_apply_to_external_requests() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let key = api_key(&app, &company).await;
    let (buyer, _) = app.add_user(&company, "standard_purchases").await;
    let own_bill = question(
        &buyer,
        "approve_bill",
        json!({"type": "Bill", "id": "b1", "created_by": buyer}),
    );
    let body = expect_status(
        app.post("/v1/authorize", Some(&key), &own_bill).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["decision"], "deny");
    assert_eq!(body["policy_ids"], json!(["sod-approve-own-bill"]));
    let other_bill = question(
        &buyer,
        "approve_bill",
        json!({"type": "Bill", "id": "b2", "created_by": company.admin_id}),
    );
    let body = expect_status(
        app.post("/v1/authorize", Some(&key), &other_bill).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["decision"], "allow");
}

#[tokio::test]
async fn a_batch_answers_in_order_and_names_bad_rows() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let key = api_key(&app, &company).await;
    let (reader, _) = app.add_user(&company, "reports_only").await;
    let batch = json!({"requests": [
        question(&reader, "view_financial_report", json!({"type": "Report", "id": "pl", "kind_label": "profit_and_loss"})),
        question(&reader, "create_invoice", json!({"type": "Invoice", "id": "i"})),
        {"principal": {"email": "nobody@example.fr"}, "action": "view_invoice", "resource": {"type": "Invoice", "id": "i"}},
    ]});
    let body = ask_batch(&app, &key, &batch).await;
    let decisions = decisions_of(&body);
    assert_eq!(decisions, ["allow", "deny", "deny"]);
    assert!(body["items"][2]["errors"][0]
        .as_str()
        .unwrap()
        .contains("unknown principal"));

    let bad = json!({"requests": [question(&reader, "view_invoice", json!({"type": "Invoice", "id": "i"})), question(&reader, "fly", json!({"type": "Invoice", "id": "i"}))]});
    let error = expect_error(
        app.post("/v1/authorize/batch", Some(&key), &bad).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(error["field"], "requests[1].action");
    let too_many = json!({"requests": vec![question(&reader, "view_invoice", json!({"type": "Invoice", "id": "i"})); 101]});
    expect_error(
        app.post("/v1/authorize/batch", Some(&key), &too_many).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
}

#[tokio::test]
async fn the_decision_point_needs_a_key_or_an_admin_session() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (clerk, clerk_token) = app.add_user(&company, "standard_all").await;
    let ask = question(
        &clerk,
        "view_invoice",
        json!({"type": "Invoice", "id": "i"}),
    );
    expect_error(
        app.post("/v1/authorize", None, &ask).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_error(
        app.post("/v1/authorize", Some("swk_forged"), &ask).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_error(
        app.post("/v1/authorize", Some(&clerk_token), &ask).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let body = expect_status(
        app.post("/v1/authorize", Some(&company.admin_token), &ask)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["decision"], "allow");
    let path = format!("/v1/companies/{}/api-keys", company.id);
    expect_error(
        app.post(&path, Some(&clerk_token), &json!({"name": "x"}))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn one_company_cannot_ask_about_another_companys_users() {
    let app = spawn_app().await;
    let ours = app.signup("plus").await;
    let theirs = app.signup("plus").await;
    let key = api_key(&app, &ours).await;
    let ask = question(
        &theirs.admin_id,
        "view_invoice",
        json!({"type": "Invoice", "id": "i"}),
    );
    let body = expect_status(
        app.post("/v1/authorize", Some(&key), &ask).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["decision"], "deny");
}

#[tokio::test]
async fn a_company_over_its_request_budget_gets_429() {
    let app = spawn_app_with(|s| s.decision_point_requests_per_second = 2).await;
    let company = app.signup("plus").await;
    let key = api_key(&app, &company).await;
    let ask = question(
        &company.admin_id,
        "view_invoice",
        json!({"type": "Invoice", "id": "i"}),
    );
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = app.post("/v1/authorize", Some(&key), &ask).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(response.headers()["retry-after"], "1");
        }
        statuses.push(response.status());
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

/// Concurrent callers are answered in shared transactions: a forged key or another company
/// in the same batch changes nothing for the others, and every answer given is in the log.
#[tokio::test]
async fn concurrent_callers_each_get_their_own_answer_and_every_answer_is_logged() {
    let app = spawn_app().await;
    let ours = app.signup("plus").await;
    let theirs = app.signup("plus").await;
    let (our_key, their_key) = (api_key(&app, &ours).await, api_key(&app, &theirs).await);
    let (clerk, _) = app.add_user(&ours, "standard_sales").await;
    let (buyer, _) = app.add_user(&theirs, "standard_purchases").await;
    let invoice = json!({"type": "Invoice", "id": "inv-1", "date": "2026-11-01"});
    let calls = (0..60).map(|n| {
        let (key, user) = match n % 3 {
            0 => (our_key.as_str(), clerk.as_str()),
            1 => (their_key.as_str(), buyer.as_str()),
            _ => ("swk_forged", clerk.as_str()),
        };
        let ask = question(user, "create_invoice", invoice.clone());
        let app = &app;
        async move { (n % 3, app.post("/v1/authorize", Some(key), &ask).await) }
    });
    let mut decision_ids = [Vec::new(), Vec::new()];
    for (kind, response) in futures::future::join_all(calls).await {
        if kind == 2 {
            expect_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
            continue;
        }
        let body = expect_status(response, StatusCode::OK).await;
        let expected = if kind == 0 { "allow" } else { "deny" };
        assert_eq!(body["decision"], expected, "{body}");
        decision_ids[kind].push(body["decision_id"].as_str().unwrap().to_owned());
    }
    for (company, ids) in [(&ours, &decision_ids[0]), (&theirs, &decision_ids[1])] {
        let path = format!(
            "/v1/companies/{}/decisions?action=create_invoice&limit=100",
            company.id
        );
        let log = expect_status(
            app.get(&path, Some(&company.admin_token)).await,
            StatusCode::OK,
        )
        .await;
        let mut logged: Vec<&str> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap())
            .collect();
        logged.sort_unstable();
        let mut answered: Vec<&str> = ids.iter().map(String::as_str).collect();
        answered.sort_unstable();
        assert_eq!(logged, answered);
        intact_chain(&app, company).await;
    }
}

#[tokio::test]
async fn principals_are_found_by_id_or_email_only_inside_the_callers_company() {
    let app = spawn_app().await;
    let ours = app.signup("plus").await;
    let theirs = app.signup("plus").await;
    let key = api_key(&app, &ours).await;
    let by_email = |email: &str| json!({"principal": {"email": email.to_uppercase()}, "action": "view_invoice", "resource": {"type": "Invoice", "id": "i"}});
    let invoice = json!({"type": "Invoice", "id": "i"});
    let batch = json!({"requests": [
        by_email(&ours.admin_email),
        by_email(&theirs.admin_email),
        question(&ours.admin_id, "view_invoice", invoice.clone()),
        question(&theirs.admin_id, "view_invoice", invoice),
        by_email(&ours.admin_email),
    ]});
    let body = ask_batch(&app, &key, &batch).await;
    let decisions = decisions_of(&body);
    assert_eq!(decisions, ["allow", "deny", "allow", "deny", "allow"]);
    for denied in [1, 3] {
        let error = body["items"][denied]["errors"][0].as_str().unwrap();
        assert!(error.contains("unknown principal"), "{error}");
    }
}

/// On PostgreSQL several writer threads append to one company's chain at once; whichever
/// commits first, the chain has no gap, no fork and every decision answered.
#[tokio::test]
async fn concurrent_batches_of_one_company_leave_one_unbroken_chain() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let key = api_key(&app, &company).await;
    let (clerk, _) = app.add_user(&company, "standard_sales").await;
    let calls = (0..24).map(|call| {
        let requests: Vec<Value> = (0..50)
            .map(|n| {
                let invoice = json!({"type": "Invoice", "id": format!("inv-{call}-{n}")});
                question(&clerk, "view_invoice", invoice)
            })
            .collect();
        let (app, key) = (&app, key.as_str());
        async move { ask_batch(app, key, &json!({ "requests": requests })).await }
    });
    let answered: usize = futures::future::join_all(calls)
        .await
        .iter()
        .map(|body| decisions_of(body).len())
        .sum();
    assert_eq!(answered, 24 * 50);
    let check = intact_chain(&app, &company).await;
    let logged = check["records_checked"].as_i64().unwrap();
    assert!(logged >= 24 * 50, "{logged} records for {answered} answers");
}

/// The company's chain check, asserted intact.
async fn intact_chain(app: &TestApp, company: &Company) -> Value {
    let path = format!("/v1/companies/{}/decisions/verify", company.id);
    let check = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(check["intact"], true, "{check}");
    check
}
