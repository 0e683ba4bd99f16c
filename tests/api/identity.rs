use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_error, expect_status, spawn_app, PASSWORD};

#[tokio::test]
async fn signup_creates_the_company_its_primary_admin_and_a_session() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/v1/signup",
            None,
            &json!({"company_name": "Martin SARL", "plan": "plus", "email": "Claire@Martin.fr",
                    "password": PASSWORD, "display_name": "Claire", "locale": "fr"}),
        )
        .await;
    let body = expect_status(response, StatusCode::CREATED).await;
    assert_eq!(body["company"]["plan"], "plus");
    assert_eq!(body["company"]["locale"], "fr");
    assert_eq!(body["user"]["role"], "primary_admin");
    assert_eq!(body["user"]["email"], "claire@martin.fr");
    assert!(body["token"].as_str().unwrap().len() >= 40);
    assert!(
        body.to_string().find("password").is_none(),
        "no password hash leaks: {body}"
    );
}

#[tokio::test]
async fn signup_refuses_bad_fields_by_name() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"company_name": "A", "plan": "gold", "email": "a@b.fr", "password": PASSWORD, "display_name": "A"}),
            "plan",
        ),
        (
            json!({"company_name": "A", "plan": "plus", "email": "nope", "password": PASSWORD, "display_name": "A"}),
            "email",
        ),
        (
            json!({"company_name": "A", "plan": "plus", "email": "a@b.fr", "password": "short", "display_name": "A"}),
            "password",
        ),
        (
            json!({"company_name": " ", "plan": "plus", "email": "a@b.fr", "password": PASSWORD, "display_name": "A"}),
            "company_name",
        ),
        (
            json!({"company_name": "A", "plan": "custom", "email": "a@b.fr", "password": PASSWORD, "display_name": "A"}),
            "custom_seat_limit",
        ),
    ];
    for (body, field) in cases {
        let error = expect_error(
            app.post("/v1/signup", None, &body).await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        )
        .await;
        assert_eq!(error["field"], field);
    }
}

#[tokio::test]
async fn malformed_json_is_a_400_not_a_500() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/signup"))
        .header("Content-Type", "application/json")
        .body("{\"company_name\": ")
        .send()
        .await
        .unwrap();
    expect_error(response, StatusCode::BAD_REQUEST, "invalid_json").await;
    let missing = app.post("/v1/signup", None, &json!({"plan": "plus"})).await;
    expect_error(missing, StatusCode::BAD_REQUEST, "invalid_json").await;
}

#[tokio::test]
async fn an_email_signs_up_only_once() {
    let app = spawn_app().await;
    let body = json!({"company_name": "A", "plan": "plus", "email": "same@b.fr", "password": PASSWORD, "display_name": "A"});
    expect_status(
        app.post("/v1/signup", None, &body).await,
        StatusCode::CREATED,
    )
    .await;
    expect_error(
        app.post("/v1/signup", None, &body).await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let wrong = app
        .post(
            "/v1/sessions",
            None,
            &json!({"email": company.admin_email, "password": "not the password"}),
        )
        .await;
    let wrong = expect_error(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let unknown = app
        .post(
            "/v1/sessions",
            None,
            &json!({"email": "nobody@example.fr", "password": "not the password"}),
        )
        .await;
    let unknown = expect_error(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(wrong, unknown);
}

#[tokio::test]
async fn repeated_failures_on_an_account_are_rate_limited_with_retry_after() {
    let app = spawn_app_limited().await;
    let company = app.signup("plus").await;
    for _ in 0..3 {
        let response = app
            .post(
                "/v1/sessions",
                None,
                &json!({"email": company.admin_email, "password": "wrong password!"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app
        .post(
            "/v1/sessions",
            None,
            &json!({"email": company.admin_email, "password": PASSWORD}),
        )
        .await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=10).contains(&retry_after),
        "a delay, not a lockout: {retry_after}"
    );
    expect_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

/// A client whose requests come from `address` (any of 127.0.0.0/8 reaches the server).
fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address.parse::<std::net::IpAddr>().expect("an address"))
        .build()
        .expect("a client")
}

async fn sign_in_from(
    app: &crate::helpers::TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client_from(address)
        .post(app.url("/v1/sessions"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("the service answers")
}

#[tokio::test]
async fn failures_from_another_address_never_lock_the_owner_out() {
    let app = spawn_app_limited().await;
    let company = app.signup("plus").await;
    for _ in 0..3 {
        let guess = sign_in_from(&app, "127.0.0.2", &company.admin_email, "wrong password!").await;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    }
    let delayed = sign_in_from(&app, "127.0.0.2", &company.admin_email, PASSWORD).await;
    expect_error(delayed, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    let owner = sign_in_from(&app, "127.0.0.1", &company.admin_email, PASSWORD).await;
    expect_status(owner, StatusCode::CREATED).await;
}

#[tokio::test]
async fn guesses_spread_over_addresses_delay_only_addresses_the_owner_never_used() {
    let app = spawn_app_limited().await;
    let company = app.signup("plus").await;
    // Three guesses, each address under its own count of 3.
    for address in ["127.0.0.2", "127.0.0.2", "127.0.0.3"] {
        let guess = sign_in_from(&app, address, &company.admin_email, "wrong password!").await;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED, "{address}");
    }
    let stranger = sign_in_from(&app, "127.0.0.4", &company.admin_email, PASSWORD).await;
    let retry_after: u64 = stranger.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    expect_error(stranger, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    // The owner signed up from 127.0.0.1: their usual address is not delayed.
    let owner = sign_in_from(&app, "127.0.0.1", &company.admin_email, PASSWORD).await;
    expect_status(owner, StatusCode::CREATED).await;
}

#[tokio::test]
async fn one_address_failing_on_many_accounts_is_rate_limited() {
    let app = crate::helpers::spawn_app_with(|s| s.login_failures_per_ip_per_hour = 4).await;
    for n in 0..4 {
        let response = app
            .post(
                "/v1/sessions",
                None,
                &json!({"email": format!("guess{n}@example.fr"), "password": "wrong password!"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app
        .post(
            "/v1/sessions",
            None,
            &json!({"email": "guess9@example.fr", "password": "wrong password!"}),
        )
        .await;
    expect_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

async fn spawn_app_limited() -> crate::helpers::TestApp {
    crate::helpers::spawn_app_with(|s| s.login_failures_per_account_per_hour = 3).await
}
