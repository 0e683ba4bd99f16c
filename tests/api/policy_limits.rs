//! Hostile policy texts: each path that takes a text refuses the ones that overflowed Cedar's
//! parser with 422 naming the limit, and the service keeps answering; a company's large text
//! is checked off the writer, so other companies' writes go on meanwhile.

use std::time::Instant;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::books_support::Books;
use crate::helpers::{expect_error, expect_status};

fn policy(condition: &str) -> String {
    format!("@id(\"hostile\")\npermit (principal, action, resource)\nwhen {{ {condition} }};\n")
}

fn nested(depth: usize, open: &str, inner: &str, close: &str) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// Each text that aborted the whole process before the limits, with the limit it crosses.
fn crashing_texts() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "parentheses 150 deep",
            policy(&nested(150, "(", "true", ")")),
            "32 levels",
        ),
        (
            "parentheses 10,000 deep",
            policy(&nested(10_000, "(", "true", ")")),
            "32 levels",
        ),
        (
            "sets 1,000 deep",
            policy(&format!("[] == {}", nested(1_000, "[", "1", "]"))),
            "32 levels",
        ),
        (
            "records 1,000 deep",
            policy(&format!("context has {}", nested(1_000, "{a: ", "1", "}"))),
            "32 levels",
        ),
        (
            "1,000 chained ||",
            policy(&vec!["true"; 1_000].join(" || ")),
            "256 operators",
        ),
    ]
}

/// A 422 `invalid_policy` whose first diagnostic names `limit`, on line 3 of the text.
async fn expect_limit(response: reqwest::Response, limit: &str, what: &str) {
    let body = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_policy").await;
    let diagnostic = &body["diagnostics"][0];
    let message = diagnostic["message"].as_str().unwrap_or_default();
    assert!(message.contains(limit), "{what}: {body}");
    assert_eq!(diagnostic["line"], 3, "{what}: {body}");
}

#[tokio::test]
async fn texts_that_crashed_the_service_are_refused_on_every_path_while_it_keeps_answering() {
    let books = Books::start().await;
    let version = books.read("policies").await["version"].clone();
    for (what, text, limit) in crashing_texts() {
        let change = json!({"policies": text, "expected_version": version});
        let saved = books
            .call(Method::PUT, "policies", books.admin(), &change)
            .await;
        expect_limit(saved, limit, what).await;
        let tested = books
            .call(
                Method::POST,
                "policies/test",
                books.admin(),
                &json!({"policies": text}),
            )
            .await;
        expect_limit(tested, limit, what).await;
        let replayed = books
            .call(
                Method::POST,
                "policies/dry-run",
                books.admin(),
                &json!({"policies": text}),
            )
            .await;
        expect_limit(replayed, limit, what).await;
    }
    let after = books.read("policies").await;
    assert_eq!(after["version"], version, "nothing was saved");
    let health = books.app.get("/healthz", None).await;
    expect_status(health, StatusCode::OK).await;
}

#[tokio::test]
async fn a_text_over_the_size_limit_is_refused_at_once_naming_the_limit() {
    let books = Books::start().await;
    let version = books.read("policies").await["version"].clone();
    let megabyte = format!("// {}\n{}", "x".repeat(1024 * 1024), policy("true"));
    let change = json!({"policies": megabyte, "expected_version": version});
    let body = expect_error(
        books
            .call(Method::PUT, "policies", books.admin(), &change)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_policy",
    )
    .await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("262144 bytes"),
        "{body}"
    );
}

/// The active text with `count` forbids that never apply (no user has their role): a large
/// text inside the limits, slow to parse, validate and test.
fn large_harmless_text(active: &str, count: usize) -> String {
    let mut text = active.to_owned();
    for n in 0..count {
        text.push_str(&format!(
            "@id(\"never-{n}\")\nforbid (principal, action == Seatwarden::Action::\"view_invoice\", resource)\nwhen {{ principal.role == \"nobody-{n}\" && resource.company.name == \"x{n}\" }};\n"
        ));
    }
    text
}

#[tokio::test]
async fn another_companys_writes_go_on_while_a_large_text_is_checked() {
    let large = Books::start().await;
    let other = large.app.signup("advanced").await;
    let other_customers = format!("/v1/companies/{}/customers", other.id);
    let active = large.read("policies").await;
    let text = large_harmless_text(active["policies"].as_str().unwrap(), 900);
    let change =
        json!({"policies": text, "expected_version": active["version"], "comment": "large"});
    let started = Instant::now();
    let saving = tokio::spawn({
        let (client, url, token) = (
            large.app.client.clone(),
            large.app.url(&large.path("policies")),
            large.admin().to_owned(),
        );
        async move {
            let answer = client
                .put(url)
                .bearer_auth(token)
                .json(&change)
                .send()
                .await;
            (answer.expect("answered").status(), started.elapsed())
        }
    });
    // Once the text is in, the other company writes one customer after another.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let mut writes_done = std::time::Duration::ZERO;
    for n in 0..5 {
        let customer = json!({"name": format!("Client {n}")});
        let created = large
            .app
            .post(&other_customers, Some(&other.admin_token), &customer)
            .await;
        expect_status(created, StatusCode::CREATED).await;
        writes_done = started.elapsed();
    }
    let (status, saved_after) = saving.await.expect("the save ran");
    assert_eq!(status, StatusCode::OK);
    assert!(
        writes_done < saved_after,
        "the other company's writes ({writes_done:?}) waited for the check ({saved_after:?})"
    );
    let versions: Value = large.read("policies").await;
    assert_eq!(versions["version"], 2);
}
