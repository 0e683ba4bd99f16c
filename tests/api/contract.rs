//! The contract says what the service answers: every protected operation documents 401 with
//! `WWW-Authenticate`, every error answer the error body's schema; a 401 names the scheme;
//! bodies are JSON of the one type the contract names; lists answer as pages.

use reqwest::header::WWW_AUTHENTICATE;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_error, expect_status, spawn_app, TestApp, PASSWORD};

const ERROR_SCHEMA: &str = "#/components/schemas/Error";

async fn contract(app: &TestApp) -> Value {
    expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await
}

/// Every operation of the contract: (method, path, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            operations.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    assert!(
        operations.len() >= 90,
        "only {} operations",
        operations.len()
    );
    operations
}

fn is_protected(operation: &Value) -> bool {
    operation["security"]
        .as_array()
        .is_some_and(|requirements| !requirements.is_empty())
}

#[tokio::test]
async fn every_protected_operation_documents_401_with_the_bearer_challenge() {
    let app = spawn_app().await;
    let document = contract(&app).await;
    let mut protected = 0;
    for (method, path, operation) in operations(&document) {
        if !is_protected(&operation) {
            continue;
        }
        protected += 1;
        let unauthorized = &operation["responses"]["401"];
        assert!(
            unauthorized["headers"]["WWW-Authenticate"].is_object(),
            "{method} {path} does not document 401 with WWW-Authenticate: {unauthorized}"
        );
    }
    assert!(protected >= 85, "only {protected} protected operations");
}

#[tokio::test]
async fn every_error_answer_of_the_contract_has_the_error_schema() {
    let app = spawn_app().await;
    let document = contract(&app).await;
    let schema = &document["components"]["schemas"]["Error"];
    assert_eq!(schema["required"], json!(["error", "message"]), "{schema}");
    assert_eq!(
        schema["properties"]["error"]["$ref"],
        "#/components/schemas/ErrorCode"
    );
    assert_eq!(schema["additionalProperties"], true, "{schema}");
    for (method, path, operation) in operations(&document) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            if status.starts_with('4') || status.starts_with('5') {
                let body = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(body, ERROR_SCHEMA, "{method} {path} {status}: {response}");
            }
        }
        let takes_json = operation["requestBody"]["content"]["application/json"].is_object();
        for status in ["413", "415"] {
            assert_eq!(
                takes_json,
                operation["responses"][status].is_object(),
                "{method} {path}: a JSON body documents {status}, and only it"
            );
        }
        if path.contains('{') && path.starts_with("/v1/") {
            assert!(
                operation["responses"]["404"].is_object(),
                "{method} {path} does not document 404"
            );
        }
    }
}

#[tokio::test]
async fn a_401_answer_names_the_bearer_scheme() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let no_token = app.get("/v1/sessions", None).await;
    let unknown_token = app.get("/v1/sessions", Some("not-a-session")).await;
    let wrong_password = app
        .post(
            "/v1/sessions",
            None,
            &json!({"email": company.admin_email, "password": format!("{PASSWORD}!")}),
        )
        .await;
    for (response, code) in [
        (no_token, "unauthenticated"),
        (unknown_token, "unauthenticated"),
        (wrong_password, "invalid_credentials"),
    ] {
        let challenge = response.headers().get(WWW_AUTHENTICATE).cloned();
        expect_error(response, StatusCode::UNAUTHORIZED, code).await;
        assert_eq!(
            challenge.as_ref().and_then(|value| value.to_str().ok()),
            Some("Bearer"),
            "{code}"
        );
    }
    let found = app.get("/healthz", None).await;
    assert!(found.headers().get(WWW_AUTHENTICATE).is_none());
}

async fn post_typed(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("Content-Type", content_type)
        .body(body.to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request sent")
}

#[tokio::test]
async fn a_json_body_of_another_type_or_charset_is_refused_with_415() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let customers = format!("/v1/companies/{}/customers", company.id);
    let customer = json!({"name": "Dupont SARL"});
    for content_type in [
        "application/json-patch+json",
        "application/json; charset=latin1",
        "text/json",
        "application/json; profile=x",
    ] {
        let response = post_typed(
            &app,
            &customers,
            Some(&company.admin_token),
            content_type,
            &customer,
        )
        .await;
        expect_error(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
        let signup = json!({"company_name": "x", "plan": "plus", "email": "a@b.fr",
            "password": PASSWORD, "display_name": "A"});
        let response = post_typed(&app, "/v1/signup", None, content_type, &signup).await;
        expect_error(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
    // Credentials are still checked first.
    let response = post_typed(
        &app,
        &customers,
        None,
        "application/json-patch+json",
        &customer,
    )
    .await;
    expect_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    for content_type in ["application/json", "application/json; charset=UTF-8"] {
        let response = post_typed(
            &app,
            &customers,
            Some(&company.admin_token),
            content_type,
            &customer,
        )
        .await;
        expect_status(response, StatusCode::CREATED).await;
    }
}

#[tokio::test]
async fn the_session_events_import_takes_utf8_json_or_csv_only() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let events = format!("/v1/companies/{}/session-events", company.id);
    let token = Some(company.admin_token.as_str());
    for content_type in ["text/csv; charset=latin1", "application/json-patch+json"] {
        let response = post_typed(&app, &events, token, content_type, &json!([])).await;
        expect_error(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
    let response = post_typed(
        &app,
        &events,
        token,
        "application/json; charset=utf-8",
        &json!([]),
    )
    .await;
    expect_status(response, StatusCode::OK).await;
}

#[tokio::test]
async fn the_policy_versions_list_answers_as_a_page_and_is_documented_so() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let path = format!("/v1/companies/{}/policies/versions", company.id);
    let page = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        page["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty()),
        "{page}"
    );
    let page = page.as_object().expect("an object");
    assert_eq!(page.get("next"), Some(&Value::Null));
    assert_eq!(page.get("next_cursor"), Some(&Value::Null));

    let document = contract(&app).await;
    let answer = &document["paths"]["/v1/companies/{company_id}/policies/versions"]["get"]
        ["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
    let name = answer
        .as_str()
        .expect("a schema component")
        .rsplit('/')
        .next()
        .unwrap();
    let properties = &document["components"]["schemas"][name]["properties"];
    for field in ["items", "next", "next_cursor"] {
        assert!(
            properties[field].is_object(),
            "{name} lacks {field}: {properties}"
        );
    }
}
