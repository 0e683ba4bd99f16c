use diesel::{Connection, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_error, expect_status, spawn_app, TestApp, PASSWORD};

async fn decisions(app: &TestApp, company: &str, token: &str, query: &str) -> Value {
    let path = format!("/v1/companies/{company}/decisions{query}");
    expect_status(app.get(&path, Some(token)).await, StatusCode::OK).await
}

#[tokio::test]
async fn every_decision_allow_and_deny_is_logged_with_who_what_and_why() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (clerk_id, clerk_token) = app.add_user(&company, "standard_sales").await;
    let path = format!("/v1/companies/{}/users", company.id);
    let denied = app
        .post(&path, Some(&clerk_token), &json!({"email": "x@example.fr", "display_name": "X", "role": "standard_all", "password": PASSWORD}))
        .await;
    let denial = expect_error(denied, StatusCode::FORBIDDEN, "forbidden").await;

    let page = decisions(&app, &company.id, &company.admin_token, "?decision=deny").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    let logged = &items[0];
    assert_eq!(logged["id"], denial["decision_id"]);
    assert_eq!(logged["user_id"], clerk_id.as_str());
    assert_eq!(logged["action"], "add_user");
    assert_eq!(logged["resource_type"], "User");
    assert_eq!(logged["decision"], "deny");
    assert_eq!(logged["client_ip"], "127.0.0.1");
    assert!(logged["session_id"].as_str().is_some());
    assert!(logged["policy_version"]
        .as_str()
        .is_some_and(|v| v.len() == 12));

    let allowed = decisions(
        &app,
        &company.id,
        &company.admin_token,
        "?decision=allow&action=add_user",
    )
    .await;
    let allowed = allowed["items"].as_array().unwrap();
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0]["policy_ids"], json!(["primary-admin-all-areas"]));
}

#[tokio::test]
async fn decisions_filter_by_user_and_time_and_page_with_a_cursor() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    for _ in 0..5 {
        app.get(
            &format!("/v1/companies/{}/users", company.id),
            Some(&company.admin_token),
        )
        .await;
    }
    let first = decisions(
        &app,
        &company.id,
        &company.admin_token,
        "?action=view_users&limit=2",
    )
    .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next"].as_str().expect("more pages").to_owned();
    let second = decisions(
        &app,
        &company.id,
        &company.admin_token,
        &format!("?action=view_users&limit=2&cursor={cursor}"),
    )
    .await;
    let seqs: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|d| d["seq"].as_i64().unwrap())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats: {seqs:?}"
    );

    let by_user = decisions(
        &app,
        &company.id,
        &company.admin_token,
        &format!("?user_id={}&limit=100", company.admin_id),
    )
    .await;
    assert!(by_user["items"].as_array().unwrap().len() >= 5);
    let future = decisions(
        &app,
        &company.id,
        &company.admin_token,
        "?from=2999-01-01T00:00:00Z",
    )
    .await;
    assert!(future["items"].as_array().unwrap().is_empty());
    let bad = app
        .get(
            &format!("/v1/companies/{}/decisions?from=yesterday", company.id),
            Some(&company.admin_token),
        )
        .await;
    let body = expect_error(bad, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["field"], "from");
}

#[tokio::test]
async fn decisions_export_as_csv() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    // A read's own decision is appended when its transaction commits: the export shows it.
    decisions(&app, &company.id, &company.admin_token, "").await;
    let response = app
        .client
        .get(app.url(&format!("/v1/companies/{}/decisions", company.id)))
        .bearer_auth(&company.admin_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = response.text().await.unwrap();
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("id,seq,decided_at,user_id,session_id,action"));
    assert!(
        lines.any(|line| line.contains(",view_decisions,")),
        "{text}"
    );
}

#[tokio::test]
async fn only_admins_and_accountants_read_the_decision_log() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (_, accountant) = app.add_user(&company, "accountant").await;
    let (_, sales) = app.add_user(&company, "standard_sales").await;
    decisions(&app, &company.id, &accountant, "").await;
    let path = format!("/v1/companies/{}/decisions", company.id);
    expect_error(
        app.get(&path, Some(&sales)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn changing_one_byte_of_a_logged_decision_is_reported_by_verify() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    for _ in 0..4 {
        app.get(
            &format!("/v1/companies/{}/users", company.id),
            Some(&company.admin_token),
        )
        .await;
    }
    let verify = format!("/v1/companies/{}/decisions/verify", company.id);
    let intact = expect_status(
        app.get(&verify, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(intact["intact"], true, "{intact}");
    assert!(intact["records_checked"].as_i64().unwrap() >= 4);

    let page = decisions(
        &app,
        &company.id,
        &company.admin_token,
        "?action=view_users",
    )
    .await;
    let target = page["items"].as_array().unwrap().last().unwrap().clone();
    tamper(&app.database_url, target["id"].as_str().unwrap());

    let broken = expect_status(
        app.get(&verify, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(broken["intact"], false, "{broken}");
    assert_eq!(broken["first_broken_id"], target["id"]);
    assert_eq!(broken["first_broken_seq"], target["seq"]);
}

/// Flips `allow` to `alloW` in the stored record, behind the service's back.
fn tamper(database_url: &str, decision_id: &str) {
    let sql = format!("UPDATE decisions SET decision = 'alloW' WHERE id = '{decision_id}'");
    if database_url.starts_with("postgres") {
        let mut conn = diesel::PgConnection::establish(database_url).unwrap();
        assert_eq!(diesel::sql_query(sql).execute(&mut conn).unwrap(), 1);
    } else {
        let path = database_url.trim_start_matches("sqlite://");
        let mut conn = diesel::SqliteConnection::establish(path).unwrap();
        assert_eq!(diesel::sql_query(sql).execute(&mut conn).unwrap(), 1);
    }
}
