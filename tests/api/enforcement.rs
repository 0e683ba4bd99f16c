//! Enforcement modes for concurrent sessions, at sign-in.

use futures::future::join_all;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{expect_error, expect_status, spawn_app, Company, TestApp, PASSWORD};

async fn put_mode(app: &TestApp, company: &Company, token: &str, body: Value) -> Response {
    app.client
        .put(app.url(&format!(
            "/v1/companies/{}/settings/enforcement",
            company.id
        )))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request sent")
}

async fn set_mode(app: &TestApp, company: &Company, mode: &str) {
    let path = format!("/v1/companies/{}/settings/enforcement", company.id);
    let current = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    let body = json!({"mode": mode, "version": current["version"]});
    let changed = expect_status(
        put_mode(app, company, &company.admin_token, body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["mode"], mode);
}

/// A user with a password who has not signed in yet; returns (user id, email).
async fn new_user(app: &TestApp, company: &Company) -> (String, String) {
    let email = format!("team-{}@example.fr", uuid::Uuid::new_v4().simple());
    let response = app
        .post(
            &format!("/v1/companies/{}/users", company.id),
            Some(&company.admin_token),
            &json!({"email": email, "display_name": "Team", "role": "standard_all", "password": PASSWORD}),
        )
        .await;
    let body = expect_status(response, StatusCode::CREATED).await;
    (body["id"].as_str().unwrap().to_owned(), email)
}

async fn sign_in(app: &TestApp, email: &str, device: &str) -> Response {
    app.post(
        "/v1/sessions",
        None,
        &json!({"email": email, "password": PASSWORD, "device_id": device}),
    )
    .await
}

async fn active_sessions(app: &TestApp, company: &Company, user_id: &str) -> usize {
    let path = format!("/v1/companies/{}/sessions?active=true", company.id);
    let list = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|session| session["user_id"] == user_id)
        .count()
}

#[tokio::test]
async fn deny_new_refuses_a_second_device_but_not_the_same_one() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    set_mode(&app, &company, "deny_new").await;
    let (_, email) = new_user(&app, &company).await;
    expect_status(sign_in(&app, &email, "laptop").await, StatusCode::CREATED).await;
    let refused = expect_error(
        sign_in(&app, &email, "phone").await,
        StatusCode::CONFLICT,
        "concurrent_session",
    )
    .await;
    assert_eq!(refused["active_sessions"], 1);
    let french = app
        .client
        .post(app.url("/v1/sessions"))
        .header("Accept-Language", "fr")
        .json(&json!({"email": email, "password": PASSWORD, "device_id": "phone"}))
        .send()
        .await
        .unwrap();
    let body = expect_error(french, StatusCode::CONFLICT, "concurrent_session").await;
    assert!(
        body["message"].as_str().unwrap().contains("appareil"),
        "{body}"
    );
    expect_status(sign_in(&app, &email, "laptop").await, StatusCode::CREATED).await;
}

#[tokio::test]
async fn ten_concurrent_sign_ins_of_a_login_under_deny_new_open_exactly_one_session() {
    let app = spawn_app().await;
    let company = app.signup("advanced").await;
    set_mode(&app, &company, "deny_new").await;
    // Several logins at once, so that sign-ins of one login really overlap in the database.
    let mut logins = Vec::new();
    for _ in 0..4 {
        logins.push(new_user(&app, &company).await);
    }
    let app_ref = &app;
    let attempts = logins.iter().flat_map(|(_, email)| {
        (0..10).map(move |device| async move {
            sign_in(app_ref, email, &format!("device-{device}"))
                .await
                .status()
        })
    });
    let statuses = join_all(attempts).await;
    for (index, (user_id, _)) in logins.iter().enumerate() {
        let mine = &statuses[index * 10..(index + 1) * 10];
        let opened = mine.iter().filter(|s| **s == StatusCode::CREATED).count();
        let refused = mine.iter().filter(|s| **s == StatusCode::CONFLICT).count();
        assert_eq!((opened, refused), (1, 9), "{mine:?}");
        assert_eq!(active_sessions(&app, &company, user_id).await, 1);
    }
}

#[tokio::test]
async fn terminate_oldest_ends_the_other_device_and_its_holder_learns_why() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    set_mode(&app, &company, "terminate_oldest").await;
    let (user_id, email) = new_user(&app, &company).await;
    let laptop = expect_status(sign_in(&app, &email, "laptop").await, StatusCode::CREATED).await;
    let phone = expect_status(sign_in(&app, &email, "phone").await, StatusCode::CREATED).await;
    let old = laptop["token"].as_str().unwrap();
    let ended = expect_error(
        app.get("/v1/sessions", Some(old)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_eq!(ended["reason"], "superseded");
    assert!(
        ended["message"]
            .as_str()
            .unwrap()
            .contains("another device"),
        "{ended}"
    );
    let new = phone["token"].as_str().unwrap();
    expect_status(app.get("/v1/sessions", Some(new)).await, StatusCode::OK).await;
    assert_eq!(active_sessions(&app, &company, &user_id).await, 1);

    let attempts = (0..10).map(|device| {
        let email = email.clone();
        let app = &app;
        async move {
            sign_in(app, &email, &format!("device-{device}"))
                .await
                .status()
        }
    });
    let statuses = join_all(attempts).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(active_sessions(&app, &company, &user_id).await, 1);
}

#[tokio::test]
async fn monitor_and_enforce_allow_a_login_on_several_devices() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    for mode in ["monitor", "enforce"] {
        set_mode(&app, &company, mode).await;
        let (user_id, email) = new_user(&app, &company).await;
        expect_status(sign_in(&app, &email, "laptop").await, StatusCode::CREATED).await;
        expect_status(sign_in(&app, &email, "phone").await, StatusCode::CREATED).await;
        assert_eq!(active_sessions(&app, &company, &user_id).await, 2, "{mode}");
    }
}

#[tokio::test]
async fn the_enforcement_mode_is_version_checked_and_admins_only() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let path = format!("/v1/companies/{}/settings/enforcement", company.id);
    let current = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(current["mode"], "monitor");
    let version = current["version"].as_i64().unwrap();
    let body = json!({"mode": "enforce", "version": version});
    let changed = expect_status(
        put_mode(&app, &company, &company.admin_token, body.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["version"], version + 1);
    let stale = expect_error(
        put_mode(&app, &company, &company.admin_token, body).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(
        stale["current"],
        json!({"mode": "enforce", "version": version + 1})
    );
    let unknown = put_mode(
        &app,
        &company,
        &company.admin_token,
        json!({"mode": "strict", "version": version + 1}),
    )
    .await;
    expect_error(unknown, StatusCode::BAD_REQUEST, "invalid_input").await;

    let (_, token) = app.add_user(&company, "standard_all").await;
    let denied = put_mode(
        &app,
        &company,
        &token,
        json!({"mode": "monitor", "version": version + 1}),
    )
    .await;
    expect_error(denied, StatusCode::FORBIDDEN, "forbidden").await;
    let other = app.signup("plus").await;
    let foreign = put_mode(
        &app,
        &company,
        &other.admin_token,
        json!({"mode": "monitor", "version": version + 1}),
    )
    .await;
    expect_error(foreign, StatusCode::NOT_FOUND, "not_found").await;
}
