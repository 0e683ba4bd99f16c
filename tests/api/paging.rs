//! Every list pages with an opaque `cursor` and a `limit`: walked a page at a time, it gives
//! every item once, and says where it ends (`next_cursor` null) instead of stopping silently.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_error, expect_status, spawn_app, Company, TestApp};
use crate::seats::{audit, import, shared_use};

/// Every item of a list, walked `limit` at a time; checks the cursor names on every page.
async fn walk(app: &TestApp, path: &str, token: &str, limit: usize) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let page_path = match &cursor {
            Some(cursor) => format!("{path}{separator}limit={limit}&cursor={cursor}"),
            None => format!("{path}{separator}limit={limit}"),
        };
        let page = expect_status(app.get(&page_path, Some(token)).await, StatusCode::OK).await;
        assert_eq!(page["next"], page["next_cursor"], "{page_path}: {page}");
        let got = page["items"].as_array().expect("items");
        assert!(got.len() <= limit, "{page_path}: {page}");
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(got.len(), limit, "only a full page has a next one");
                cursor = Some(next.to_owned());
            }
            None => return items,
        }
    }
    panic!("{path} never ended");
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Walks the list two at a time and checks it holds each of the `expected` items once.
async fn pages_through(app: &TestApp, path: &str, token: &str, expected: usize) -> Vec<String> {
    let walked = ids(&walk(app, path, token, 2).await);
    assert_eq!(walked.len(), expected, "{path}: {walked:?}");
    let distinct: HashSet<&String> = walked.iter().collect();
    assert_eq!(
        distinct.len(),
        expected,
        "{path} repeats an item: {walked:?}"
    );
    walked
}

async fn company_with_five_users(app: &TestApp) -> Company {
    let company = app.signup("advanced").await;
    for role in [
        "standard_all",
        "standard_sales",
        "reports_only",
        "accountant",
    ] {
        app.add_user(&company, role).await;
    }
    company
}

#[tokio::test]
async fn users_and_sessions_page_through_every_item_once() {
    let app = spawn_app().await;
    let company = company_with_five_users(&app).await;
    let token = &company.admin_token;
    let users = pages_through(
        &app,
        &format!("/v1/companies/{}/users", company.id),
        token,
        5,
    )
    .await;
    assert_eq!(
        users[0], company.admin_id,
        "users come in the order they were added"
    );
    // The admin's sign-up session and the four users' sign-ins.
    pages_through(
        &app,
        &format!("/v1/companies/{}/sessions", company.id),
        token,
        5,
    )
    .await;
    for _ in 0..2 {
        app.sign_in(&company.admin_email, "phone").await;
    }
    let own = pages_through(&app, "/v1/sessions", token, 3).await;
    let mut newest_first = own.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(own, newest_first, "sessions come newest first");
}

#[tokio::test]
async fn findings_decisions_and_books_lists_page_through_every_item_once() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let token = &company.admin_token;
    for (n, login) in ["ventes", "achats", "compta"].iter().enumerate() {
        let start = Utc::now() - Duration::days(2 + n as i64);
        let body = shared_use(&format!("{login}@martin.example"), start);
        expect_status(
            import(&app, &company, "text/csv", body).await,
            StatusCode::OK,
        )
        .await;
    }
    audit(&app, &company).await;
    let all = format!("/v1/companies/{}/findings?limit=200", company.id);
    let listed = expect_status(app.get(&all, Some(token)).await, StatusCode::OK).await;
    let count = listed["items"].as_array().expect("items").len();
    assert!(count >= 3, "three shared logins at least: {listed}");
    let findings = format!("/v1/companies/{}/findings", company.id);
    pages_through(&app, &findings, token, count).await;
    let shared = format!("{findings}?kind=shared_login");
    pages_through(&app, &shared, token, 3).await;

    for name in ["Dupont", "Durand", "Leroy", "Martin", "Petit"] {
        let path = format!("/v1/companies/{}/customers", company.id);
        expect_status(
            app.post(&path, Some(token), &json!({ "name": name })).await,
            StatusCode::CREATED,
        )
        .await;
    }
    pages_through(
        &app,
        &format!("/v1/companies/{}/customers", company.id),
        token,
        5,
    )
    .await;

    let decisions = format!(
        "/v1/companies/{}/decisions?action=create_customer",
        company.id
    );
    pages_through(&app, &decisions, token, 5).await;
}

#[tokio::test]
async fn a_cursor_the_list_did_not_give_is_refused_with_invalid_cursor() {
    let app = spawn_app().await;
    let company = company_with_five_users(&app).await;
    let token = &company.admin_token;
    let users = format!("/v1/companies/{}/users?limit=2", company.id);
    let page = expect_status(app.get(&users, Some(token)).await, StatusCode::OK).await;
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    assert!(
        !cursor.contains(company.admin_id.as_str()),
        "the cursor is opaque: {cursor}"
    );
    for list in [
        "users",
        "sessions",
        "findings",
        "decisions",
        "customers",
        "invoices",
    ] {
        for made_up in ["not-a-cursor", "%%%", "eyJ4IjoxfQ"] {
            let path = format!("/v1/companies/{}/{list}?cursor={made_up}", company.id);
            let body = expect_error(
                app.get(&path, Some(token)).await,
                StatusCode::BAD_REQUEST,
                "invalid_cursor",
            )
            .await;
            assert_eq!(body["field"], "cursor", "{path}: {body}");
        }
    }
    let wrong_limit = format!("/v1/companies/{}/users?limit=0", company.id);
    expect_error(
        app.get(&wrong_limit, Some(token)).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
}

/// The `next_cursor` of `path` at two items a page.
async fn second_page_cursor(app: &TestApp, path: &str, token: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    let page = expect_status(
        app.get(&format!("{path}{separator}limit=2"), Some(token))
            .await,
        StatusCode::OK,
    )
    .await;
    page["next_cursor"]
        .as_str()
        .unwrap_or_else(|| panic!("{path} has a second page: {page}"))
        .to_owned()
}

#[tokio::test]
async fn a_cursor_works_only_on_the_list_company_and_filters_that_gave_it() {
    let app = spawn_app().await;
    let company = company_with_five_users(&app).await;
    let other = company_with_five_users(&app).await;
    let token = &company.admin_token;
    let users = format!("/v1/companies/{}/users", company.id);
    let cursor = second_page_cursor(&app, &users, token).await;

    // Passed back to its own list, at another page size, it pages on.
    let next = format!("{users}?limit=3&cursor={cursor}");
    expect_status(app.get(&next, Some(token)).await, StatusCode::OK).await;

    let other_users = format!("/v1/companies/{}/users?cursor={cursor}", other.id);
    let elsewhere = [
        (
            format!("/v1/companies/{}/sessions?cursor={cursor}", company.id),
            token.as_str(),
        ),
        (
            format!("/v1/companies/{}/customers?cursor={cursor}", company.id),
            token.as_str(),
        ),
        (other_users, other.admin_token.as_str()),
        (
            format!(
                "/v1/companies/{}/sessions?active=true&cursor={cursor}",
                company.id
            ),
            token.as_str(),
        ),
    ];
    for (path, token) in elsewhere {
        expect_error(
            app.get(&path, Some(token)).await,
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        )
        .await;
    }

    // A filter's cursor does not serve the list without it, nor another value of it.
    let active = format!("/v1/companies/{}/sessions?active=true", company.id);
    let filtered = second_page_cursor(&app, &active, token).await;
    for path in [
        format!("/v1/companies/{}/sessions?cursor={filtered}", company.id),
        format!(
            "/v1/companies/{}/sessions?active=false&cursor={filtered}",
            company.id
        ),
    ] {
        expect_error(
            app.get(&path, Some(token)).await,
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        )
        .await;
    }

    // A cursor made up in the form of a real one, without the service's seal, is refused.
    let (raw, _) = cursor.rsplit_once('.').expect("a sealed cursor");
    let forged = format!("{users}?cursor={raw}");
    expect_error(
        app.get(&forged, Some(token)).await,
        StatusCode::BAD_REQUEST,
        "invalid_cursor",
    )
    .await;
}
