use reqwest::StatusCode;

use crate::helpers::{expect_error, expect_status, spawn_app};

#[tokio::test]
async fn a_second_device_is_listed_revoked_and_its_token_dies_at_once() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let laptop = app.sign_in(&company.admin_email, "laptop-1").await;
    let phone = app.sign_in(&company.admin_email, "phone-7").await;

    let list = expect_status(
        app.get("/v1/sessions?active=true", Some(&laptop)).await,
        StatusCode::OK,
    )
    .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "signup, laptop and phone sessions: {list}");
    let phone_session = items
        .iter()
        .find(|s| s["device_id"] == "phone-7")
        .expect("the phone session is listed with its device");
    assert_eq!(phone_session["ip"], "127.0.0.1");
    assert_eq!(phone_session["active"], true);

    let path = format!("/v1/sessions/{}", phone_session["id"].as_str().unwrap());
    expect_status(
        app.delete(&path, Some(&laptop)).await,
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_error(
        app.get("/v1/sessions", Some(&phone)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    let list = expect_status(app.get("/v1/sessions", Some(&laptop)).await, StatusCode::OK).await;
    let revoked = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["device_id"] == "phone-7")
        .unwrap();
    assert_eq!(revoked["end_reason"], "revoked");
    assert_eq!(revoked["active"], false);
}

#[tokio::test]
async fn logout_ends_the_current_session() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    expect_status(
        app.delete("/v1/sessions/current", Some(&company.admin_token))
            .await,
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_error(
        app.get("/v1/sessions", Some(&company.admin_token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn requests_without_or_with_a_bad_token_get_401() {
    let app = spawn_app().await;
    expect_error(
        app.get("/v1/sessions", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_error(
        app.get("/v1/sessions", Some("swt_forged")).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn an_admin_lists_and_revokes_any_session_of_the_company() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (_, sales_token) = app.add_user(&company, "standard_sales").await;
    let path = format!("/v1/companies/{}/sessions?active=true", company.id);
    let list = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let sales_session = items.iter().find(|s| s["device_id"] == "laptop").unwrap();
    let revoke = format!(
        "/v1/companies/{}/sessions/{}",
        company.id,
        sales_session["id"].as_str().unwrap()
    );
    expect_status(
        app.delete(&revoke, Some(&company.admin_token)).await,
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_error(
        app.get("/v1/sessions", Some(&sales_token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn a_standard_user_cannot_list_the_company_sessions() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (_, token) = app.add_user(&company, "standard_all").await;
    let path = format!("/v1/companies/{}/sessions", company.id);
    let body = expect_error(
        app.get(&path, Some(&token)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert!(
        body["decision_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{body}"
    );
    assert_eq!(body["action"], "view_sessions");
}
