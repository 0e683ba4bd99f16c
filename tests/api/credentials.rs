//! A protected route answers 401 to a request without valid credentials before it looks at
//! the request's body, query or path: a caller learns first that it must sign in.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{expect_error, expect_status, spawn_app, TestApp};

/// The routes anyone may call, by method and path as /openapi.json names them.
const PUBLIC: [(&str, &str); 7] = [
    ("post", "/v1/signup"),
    ("post", "/v1/sessions"),
    ("post", "/v1/invitations/accept"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
];

/// Every operation of the contract that declares a security requirement, with its path's
/// parameters filled in; fails on an operation that is neither secured nor known public.
async fn secured_operations(app: &TestApp) -> Vec<(Method, String)> {
    let document = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let mut operations = Vec::new();
    for (path, methods) in document["paths"].as_object().expect("paths") {
        for (method, operation) in methods.as_object().expect("operations") {
            let Ok(verb) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let secured = operation["security"]
                .as_array()
                .is_some_and(|requirements| !requirements.is_empty());
            if !secured {
                assert!(
                    PUBLIC.contains(&(method.as_str(), path.as_str())),
                    "{method} {path} declares no security and is not a public route"
                );
                continue;
            }
            let filled: Vec<&str> = path
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "not-a-record"
                    } else {
                        segment
                    }
                })
                .collect();
            operations.push((verb, filled.join("/")));
        }
    }
    assert!(
        operations.len() >= 50,
        "the contract lists only {} secured operations",
        operations.len()
    );
    operations
}

async fn expect_401_whatever_the_request(app: &TestApp, token: Option<&str>) {
    for (method, path) in secured_operations(app).await {
        // A body that is not JSON though it says so, and a query no route accepts.
        let mut request = app
            .client
            .request(
                method.clone(),
                app.url(&format!("{path}?limit=none&from=soon")),
            )
            .header("Content-Type", "application/json")
            .body("{\"not\": json");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthenticated")),
            "{method} {path}: {body}"
        );
    }
}

#[tokio::test]
async fn every_protected_route_answers_401_without_credentials_before_reading_the_request() {
    let app = spawn_app().await;
    expect_401_whatever_the_request(&app, None).await;
}

#[tokio::test]
async fn every_protected_route_answers_401_to_an_unknown_session_token_before_reading_the_request()
{
    let app = spawn_app().await;
    expect_401_whatever_the_request(&app, Some("not-a-session-token")).await;
}

#[tokio::test]
async fn the_decision_point_answers_401_to_an_empty_body_without_a_key() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/authorize"))
        .header("Content-Type", "application/json")
        .send()
        .await
        .expect("request sent");
    expect_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn a_public_route_still_reads_its_body_without_credentials() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/signup"))
        .header("Content-Type", "application/json")
        .body("{\"not\": json")
        .send()
        .await
        .expect("request sent");
    expect_error(response, StatusCode::BAD_REQUEST, "invalid_json").await;
}
