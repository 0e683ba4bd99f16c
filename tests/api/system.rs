use reqwest::StatusCode;

use crate::helpers::{expect_error, expect_status, spawn_app};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let body = expect_status(app.get("/healthz", None).await, StatusCode::OK).await;
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_checks_the_database() {
    let app = spawn_app().await;
    let body = expect_status(app.get("/readyz", None).await, StatusCode::OK).await;
    assert_eq!(body["status"], "ready");
    let expected = if app.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["database"], expected);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_active_sessions() {
    let app = spawn_app().await;
    app.signup("plus").await;
    app.get("/healthz", None).await;
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(
            r#"seatwarden_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/v1/signup",status="201""#),
        "{text}"
    );
    assert!(
        text.contains("seatwarden_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("seatwarden_active_sessions 1"), "{text}");
}

#[tokio::test]
async fn openapi_documents_every_route_of_the_service() {
    let app = spawn_app().await;
    let body = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let paths = body["paths"].as_object().unwrap();
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/signup",
        "/v1/sessions",
        "/v1/sessions/current",
        "/v1/companies/{company_id}/users",
        "/v1/companies/{company_id}/users/{user_id}",
        "/v1/companies/{company_id}/sessions",
    ] {
        assert!(paths.contains_key(path), "missing {path}");
    }
}

#[tokio::test]
async fn an_unknown_route_answers_in_the_error_contract() {
    let app = spawn_app().await;
    expect_error(
        app.get("/v1/nothing-here", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/v1/nothing-here"))
        .header("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    let body = expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(body["message"], "Cette ressource n'existe pas.");
}
