use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_error, expect_status, spawn_app, PASSWORD};

#[tokio::test]
async fn an_admin_adds_lists_and_reads_users() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (user_id, _) = app.add_user(&company, "standard_sales").await;
    let path = format!("/v1/companies/{}/users", company.id);
    let list = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["next"].is_null());
    let one = expect_status(
        app.get(&format!("{path}/{user_id}"), Some(&company.admin_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["role"], "standard_sales");
    assert_eq!(one["version"], 1);
}

#[tokio::test]
async fn a_billable_user_past_the_plan_limit_is_refused() {
    let app = spawn_app().await;
    let company = app.signup("essentials").await;
    app.add_user(&company, "standard_all").await;
    app.add_user(&company, "standard_sales").await;
    let path = format!("/v1/companies/{}/users", company.id);
    let response = app
        .post(&path, Some(&company.admin_token), &json!({"email": "fourth@example.fr", "display_name": "Fourth", "role": "standard_purchases", "password": PASSWORD}))
        .await;
    let body = expect_error(response, StatusCode::CONFLICT, "seat_limit_reached").await;
    assert_eq!(body["limit"], 3);
    // Free roles still fit: time tracking on essentials, and two accountants.
    for (email, role) in [
        ("time@example.fr", "time_tracking"),
        ("acc1@example.fr", "accountant"),
        ("acc2@example.fr", "accountant"),
    ] {
        let response = app
            .post(&path, Some(&company.admin_token), &json!({"email": email, "display_name": "Free", "role": role, "password": PASSWORD}))
            .await;
        expect_status(response, StatusCode::CREATED).await;
    }
    let third_accountant = app
        .post(&path, Some(&company.admin_token), &json!({"email": "acc3@example.fr", "display_name": "Acc", "role": "accountant", "password": PASSWORD}))
        .await;
    expect_error(third_accountant, StatusCode::CONFLICT, "seat_limit_reached").await;
    let reports = app
        .post(&path, Some(&company.admin_token), &json!({"email": "rep@example.fr", "display_name": "Rep", "role": "reports_only", "password": PASSWORD}))
        .await;
    expect_error(reports, StatusCode::CONFLICT, "role_not_in_plan").await;
}

#[tokio::test]
async fn twenty_concurrent_adds_take_the_last_seat_exactly_once() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    for _ in 0..3 {
        app.add_user(&company, "standard_all").await;
    }
    let path = format!("/v1/companies/{}/users", company.id);
    let attempts = (0..20).map(|n| {
        let body = json!({"email": format!("race{n}@example.fr"), "display_name": "Racer", "role": "standard_sales"});
        let (app, path, token) = (&app, &path, &company.admin_token);
        async move { app.post(path, Some(token), &body).await.status() }
    });
    let statuses = futures::future::join_all(attempts).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, refused), (1, 19), "{statuses:?}");
    let list = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_user_added_without_password_accepts_an_invitation_then_signs_in() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let path = format!("/v1/companies/{}/users", company.id);
    let response = app
        .post(&path, Some(&company.admin_token), &json!({"email": "invitee@example.fr", "display_name": "Invitee", "role": "reports_only"}))
        .await;
    let body = expect_status(response, StatusCode::CREATED).await;
    assert_eq!(body["status"], "invited");
    let token = body["invitation_token"].as_str().unwrap();
    let accepted = app
        .post(
            "/v1/invitations/accept",
            None,
            &json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        expect_status(accepted, StatusCode::OK).await["status"],
        "active"
    );
    app.sign_in("invitee@example.fr", "desk").await;
    let again = app
        .post(
            "/v1/invitations/accept",
            None,
            &json!({"token": token, "password": PASSWORD}),
        )
        .await;
    expect_error(again, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_stale_version_gets_409_with_the_current_user() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (user_id, _) = app.add_user(&company, "standard_sales").await;
    let path = format!("/v1/companies/{}/users/{user_id}", company.id);
    let first = app
        .patch(
            &path,
            &company.admin_token,
            &json!({"version": 1, "role": "standard_purchases"}),
        )
        .await;
    assert_eq!(expect_status(first, StatusCode::OK).await["version"], 2);
    let stale = app
        .patch(
            &path,
            &company.admin_token,
            &json!({"version": 1, "display_name": "Other"}),
        )
        .await;
    let body = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(body["current"]["role"], "standard_purchases");
    assert_eq!(body["current"]["version"], 2);
    let no_version = app
        .patch(
            &path,
            &company.admin_token,
            &json!({"display_name": "Other"}),
        )
        .await;
    expect_error(no_version, StatusCode::BAD_REQUEST, "invalid_input").await;
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_frees_the_seat() {
    let app = spawn_app().await;
    let company = app.signup("simple_start").await;
    let path = format!("/v1/companies/{}/users", company.id);
    let (accountant_id, accountant_token) = app.add_user(&company, "accountant").await;
    let disable = format!("{path}/{accountant_id}/disable");
    let body = expect_status(
        app.post(&disable, Some(&company.admin_token), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["status"], "disabled");
    expect_error(
        app.get("/v1/sessions", Some(&accountant_token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let enable = format!("{path}/{accountant_id}/enable");
    let body = expect_status(
        app.post(&enable, Some(&company.admin_token), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["status"], "active");
}

#[tokio::test]
async fn re_enabling_a_billable_user_needs_a_free_seat() {
    let app = spawn_app().await;
    let company = app.signup("essentials").await;
    let path = format!("/v1/companies/{}/users", company.id);
    let (first, _) = app.add_user(&company, "standard_all").await;
    app.add_user(&company, "standard_all").await;
    expect_status(
        app.post(
            &format!("{path}/{first}/disable"),
            Some(&company.admin_token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.add_user(&company, "standard_sales").await;
    let enable = app
        .post(
            &format!("{path}/{first}/enable"),
            Some(&company.admin_token),
            &json!({}),
        )
        .await;
    expect_error(enable, StatusCode::CONFLICT, "seat_limit_reached").await;
}

#[tokio::test]
async fn the_primary_admin_cannot_be_disabled_or_demoted() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let path = format!("/v1/companies/{}/users/{}", company.id, company.admin_id);
    let disable = app
        .post(
            &format!("{path}/disable"),
            Some(&company.admin_token),
            &json!({}),
        )
        .await;
    let body = expect_error(disable, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(body["forbidding_policies"], json!(["single-primary-admin"]));
    let demote = app
        .patch(
            &path,
            &company.admin_token,
            &json!({"version": 1, "role": "standard_all"}),
        )
        .await;
    let body = expect_error(demote, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(body["forbidding_policies"], json!(["single-primary-admin"]));
}

#[tokio::test]
async fn a_standard_user_cannot_add_users_and_nothing_is_created() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (_, token) = app.add_user(&company, "standard_all").await;
    let path = format!("/v1/companies/{}/users", company.id);
    let response = app
        .post(&path, Some(&token), &json!({"email": "sneaky@example.fr", "display_name": "S", "role": "company_admin", "password": PASSWORD}))
        .await;
    let body = expect_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(body["action"], "add_user");
    let list = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn another_company_is_invisible() {
    let app = spawn_app().await;
    let ours = app.signup("plus").await;
    let theirs = app.signup("plus").await;
    let (their_user, _) = app.add_user(&theirs, "standard_all").await;
    let list = app
        .get(
            &format!("/v1/companies/{}/users", theirs.id),
            Some(&ours.admin_token),
        )
        .await;
    let hidden = expect_error(list, StatusCode::NOT_FOUND, "not_found").await;
    let missing = app
        .get(
            "/v1/companies/no-such-company/users",
            Some(&ours.admin_token),
        )
        .await;
    assert_eq!(
        expect_error(missing, StatusCode::NOT_FOUND, "not_found").await,
        hidden
    );
    let one = app
        .get(
            &format!("/v1/companies/{}/users/{their_user}", theirs.id),
            Some(&ours.admin_token),
        )
        .await;
    assert_eq!(
        expect_error(one, StatusCode::NOT_FOUND, "not_found").await,
        hidden
    );
}

#[tokio::test]
async fn a_company_admin_cannot_touch_the_primary_admin() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (_, admin_token) = app.add_user(&company, "company_admin").await;
    let path = format!("/v1/companies/{}/users/{}", company.id, company.admin_id);
    let rename = app
        .patch(
            &path,
            &admin_token,
            &json!({"version": 1, "display_name": "Renamed"}),
        )
        .await;
    expect_error(rename, StatusCode::FORBIDDEN, "forbidden").await;
}
