use reqwest::StatusCode;

use std::collections::BTreeSet;

use crate::helpers::{expect_error, expect_status, spawn_app, spawn_app_with};

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

/// The label names of a Prometheus text exposition.
fn label_names(exposition: &str) -> BTreeSet<String> {
    exposition
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| Some(&line[line.find('{')? + 1..line.rfind('}')?]))
        .flat_map(|labels| labels.split("\","))
        .filter_map(|label| label.split_once('=').map(|(name, _)| name.to_owned()))
        .collect()
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_name_no_company() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    app.get("/healthz", None).await;
    let users = format!("/v1/companies/{}/users", company.id);
    app.get(&users, Some(&company.admin_token)).await;
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
    assert!(
        text.contains(r#"route="/v1/companies/{company_id}/users",status="200""#),
        "routes by pattern: {text}"
    );
    // Service-wide figures only: no company's id, no label but these, nothing counted across
    // companies (the open sessions gauge is gone).
    assert!(!text.contains(&company.id), "{text}");
    let names = label_names(&text);
    let allowed = ["le", "method", "route", "status"].map(str::to_owned);
    assert!(names.iter().all(|name| allowed.contains(name)), "{names:?}");
    assert!(names.contains("route"), "{names:?}");
    assert!(!text.contains("seatwarden_active_sessions"), "{text}");
}

#[tokio::test]
async fn without_a_metrics_token_the_metrics_are_refused_to_a_request_a_proxy_forwarded() {
    let app = spawn_app().await;
    for (header, value) in [
        ("X-Forwarded-For", "192.0.2.1"),
        ("Forwarded", "for=192.0.2.1"),
    ] {
        let response = app
            .client
            .get(app.url("/metrics"))
            .header(header, value)
            .send()
            .await
            .unwrap();
        expect_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let local = app.get("/metrics", None).await;
    assert_eq!(local.status(), StatusCode::OK, "a scrape from this host");
}

#[tokio::test]
async fn with_a_metrics_token_the_metrics_are_served_only_to_its_bearer() {
    const TOKEN: &str = "metrics-token-of-the-tests-0123456789";
    let app = spawn_app_with(|raw| raw.metrics_token = Some(TOKEN.into())).await;
    for token in [None, Some("metrics-token-of-the-tests-012345678"), Some("")] {
        let body = expect_error(
            app.get("/metrics", token).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
        assert!(
            body["message"].as_str().unwrap().contains("metrics_token"),
            "{body}"
        );
    }
    let response = app.get("/metrics", Some(TOKEN)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(text.contains("seatwarden_http_requests_total"), "{text}");
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
