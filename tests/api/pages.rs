//! The pages without a browser: the session cookie's attributes, CSRF refusals, and the same
//! policies as the API.

use reqwest::header::{HeaderMap, ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::Response;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::{expect_status, spawn_app_with, spawn_demo_app, TestApp, PASSWORD};

/// A browser-like client that follows no redirect, so that each answer can be read.
fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(str::to_owned)
        .collect()
}

fn cookie_named<'a>(cookies: &'a [String], name: &str) -> &'a str {
    cookies
        .iter()
        .find(|cookie| cookie.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"))
}

fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default()
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_field(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..][..html[start..].find('"').unwrap()].to_owned()
}

/// Signs in through the sign-in form; returns the `Set-Cookie` of the session.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let client = client();
    let form = client.get(app.url("/ui/sign-in")).send().await.unwrap();
    let key = cookie_value(cookie_named(&set_cookies(form.headers()), "sw_signin"));
    let csrf = csrf_field(&form.text().await.unwrap());
    let answer = client
        .post(app.url("/ui/sign-in"))
        .header(COOKIE, format!("sw_signin={key}"))
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    cookie_named(&set_cookies(answer.headers()), "sw_session").to_owned()
}

async fn page(app: &TestApp, session: &str, path: &str) -> (StatusCode, String) {
    let answer = client()
        .get(app.url(path))
        .header(COOKIE, format!("sw_session={session}"))
        .send()
        .await
        .unwrap();
    (answer.status(), answer.text().await.unwrap())
}

async fn shared_login_finding(app: &TestApp, company: &str, token: &str) -> Value {
    let findings = expect_status(
        app.get(
            &format!("/v1/companies/{company}/findings?kind=shared_login"),
            Some(token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    findings["items"][0].clone()
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_and_scoped_to_the_pages() {
    let (app, demo) = spawn_demo_app().await;
    let form = client().get(app.url("/ui/sign-in")).send().await.unwrap();
    let sign_in_cookie = cookie_named(&set_cookies(form.headers()), "sw_signin").to_owned();
    assert!(sign_in_cookie.contains("HttpOnly"), "{sign_in_cookie}");
    assert!(
        sign_in_cookie.contains("SameSite=Strict"),
        "{sign_in_cookie}"
    );

    let session = sign_in(&app, &demo.officer_email, &demo.officer_password).await;
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(session.contains("Path=/ui"), "{session}");
    assert!(session.contains("Expires="), "{session}");
    assert!(
        !session.contains("Secure"),
        "plain http keeps the cookie usable: {session}"
    );
    // The cookie is the API's session: its token works as a bearer token too.
    let token = cookie_value(&session);
    let seats = app
        .get(
            &format!("/v1/companies/{}/seats", demo.company_id),
            Some(&token),
        )
        .await;
    assert_eq!(seats.status(), StatusCode::OK);
}

#[tokio::test]
async fn behind_https_the_session_cookie_is_secure() {
    let app = spawn_app_with(|raw| raw.public_url = "https://seats.example.fr".into()).await;
    let company = app.signup("plus").await;
    let session = sign_in(&app, &company.admin_email, PASSWORD).await;
    assert!(session.contains("Secure"), "{session}");
    assert!(session.contains("HttpOnly"), "{session}");
}

#[tokio::test]
async fn pages_without_a_session_send_people_to_the_sign_in_page() {
    let app = spawn_app_with(|_| {}).await;
    let company = app.signup("plus").await;
    for session in ["", "swt_forged"] {
        let answer = client()
            .get(app.url(&format!("/ui/companies/{}", company.id)))
            .header(COOKIE, format!("sw_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        // The sign-in comes back to the page asked for.
        assert_eq!(
            answer.headers()[LOCATION],
            format!("/ui/sign-in?next=%2Fui%2Fcompanies%2F{}", company.id).as_str()
        );
    }
}

/// Signs in through the form with `next` as the page to return to; returns where it leads.
async fn sign_in_returning_to(app: &TestApp, email: &str, next: &str) -> String {
    let (key, csrf) = sign_in_form(app).await;
    let answer = client()
        .post(app.url("/ui/sign-in"))
        .header(COOKIE, format!("sw_signin={key}"))
        .form(&[
            ("email", email),
            ("password", PASSWORD),
            ("csrf", &csrf),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{next}");
    answer.headers()[LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_sign_in_returns_only_to_a_page_of_this_site() {
    let app = spawn_app_with(|_| {}).await;
    let company = app.signup("plus").await;
    let finding = format!("/ui/companies/{}/findings?severity=high", company.id);
    let led = sign_in_returning_to(&app, &company.admin_email, &finding).await;
    assert_eq!(led, finding);
    for elsewhere in [
        "//evil.example/ui/",
        "https://evil.example/ui/",
        "/\\evil.example",
        "/v1/companies",
    ] {
        let led = sign_in_returning_to(&app, &company.admin_email, elsewhere).await;
        assert_eq!(led, "/ui", "{elsewhere} is not followed");
    }
}

#[tokio::test]
async fn a_sign_in_form_without_its_cookie_token_is_refused() {
    let (app, demo) = spawn_demo_app().await;
    let form = client().get(app.url("/ui/sign-in")).send().await.unwrap();
    let csrf = csrf_field(&form.text().await.unwrap());
    // A cross-site form carries the field it copied, but not this browser's cookie.
    let answer = client()
        .post(app.url("/ui/sign-in"))
        .form(&[
            ("email", demo.officer_email.as_str()),
            ("password", demo.officer_password.as_str()),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert!(set_cookies(answer.headers())
        .iter()
        .all(|cookie| !cookie.starts_with("sw_session=")));
}

#[tokio::test]
async fn a_page_form_without_the_session_csrf_token_changes_nothing() {
    let (app, demo) = spawn_demo_app().await;
    let admin_token = app
        .sign_in_with(&demo.admin_email, &demo.admin_password)
        .await;
    let finding = shared_login_finding(&app, &demo.company_id, &admin_token).await;
    let session = cookie_value(&sign_in(&app, &demo.admin_email, &demo.admin_password).await);
    let other = cookie_value(&sign_in(&app, &demo.admin_email, &demo.admin_password).await);
    let path = format!(
        "/ui/companies/{}/findings/{}/state",
        demo.company_id,
        finding["id"].as_str().unwrap()
    );
    let version = finding["version"].to_string();
    let post = |csrf: Option<String>| {
        let mut fields = vec![
            ("state", "acknowledged".to_owned()),
            ("version", version.clone()),
        ];
        if let Some(token) = csrf {
            fields.push(("csrf", token));
        }
        client()
            .post(app.url(&path))
            .header(COOKIE, format!("sw_session={session}"))
            .form(&fields)
            .send()
    };
    let other_page = page(&app, &other, &format!("/ui/companies/{}", demo.company_id)).await;
    for forged in [None, Some(String::new()), Some(csrf_field(&other_page.1))] {
        let answer = post(forged.clone()).await.unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "token {forged:?}");
    }
    let unchanged = shared_login_finding(&app, &demo.company_id, &admin_token).await;
    assert_eq!(unchanged["state"], "open");

    let own_page = page(
        &app,
        &session,
        &format!("/ui/companies/{}", demo.company_id),
    )
    .await;
    let answer = post(Some(csrf_field(&own_page.1))).await.unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let changed = shared_login_finding(&app, &demo.company_id, &admin_token).await;
    assert_eq!(changed["state"], "acknowledged");
}

#[tokio::test]
async fn pages_are_authorized_by_the_same_policies_as_the_api() {
    let (app, demo) = spawn_demo_app().await;
    let email = app.add_reports_only(&demo).await;
    let reports_only = cookie_value(&sign_in(&app, &email, PASSWORD).await);
    let officer = cookie_value(&sign_in(&app, &demo.officer_email, &demo.officer_password).await);
    for path in ["", "/findings", "/sessions", "/decisions", "/advice"] {
        let path = format!("/ui/companies/{}{path}", demo.company_id);
        let (status, html) = page(&app, &reports_only, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("id=\"error-message\""), "{path}: {html}");
        let (status, _) = page(&app, &officer, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    // Another company's pages answer as if they did not exist.
    let other = app.signup("plus").await;
    let (status, _) = page(&app, &officer, &format!("/ui/companies/{}", other.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_decision_log_exports_the_searched_decisions_as_csv() {
    let (app, demo) = spawn_demo_app().await;
    let officer = cookie_value(&sign_in(&app, &demo.officer_email, &demo.officer_password).await);
    page(
        &app,
        &officer,
        &format!("/ui/companies/{}", demo.company_id),
    )
    .await;
    let answer = client()
        .get(app.url(&format!(
            "/ui/companies/{}/decisions.csv?action=view_seats&decision=allow",
            demo.company_id
        )))
        .header(COOKIE, format!("sw_session={officer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = answer.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("id,seq,decided_at,user_id"));
    let rows: Vec<&str> = lines.collect();
    assert!(
        !rows.is_empty(),
        "the overview's view_seats decision is logged"
    );
    assert!(rows
        .iter()
        .all(|row| row.contains(",view_seats,") && row.contains(",allow,")));
}

#[tokio::test]
async fn admins_review_access_as_a_matrix_and_as_csv() {
    let (app, demo) = spawn_demo_app().await;
    let admin = cookie_value(&sign_in(&app, &demo.admin_email, &demo.admin_password).await);
    let path = format!("/ui/companies/{}/access-review", demo.company_id);
    let (status, html) = page(&app, &admin, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&demo.officer_email) && html.contains("view_findings"));
    let (status, csv) = page(&app, &admin, &format!("{path}.csv")).await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("user_id,email,display_name,role,status,"),
        "{header}"
    );
    let officer = lines
        .find(|line| line.contains(&demo.officer_email))
        .expect("the officer's row");
    assert!(officer.contains(",accountant,active,"), "{officer}");
    // Reviewing access is policy administration: the accountant may not.
    let officer_session =
        cookie_value(&sign_in(&app, &demo.officer_email, &demo.officer_password).await);
    let (status, _) = page(&app, &officer_session, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The headers every answer under `/ui` carries: a CSP that lets a page load its stylesheet
/// from this site and nothing else (no script, no inline style) and forbids framing, and the
/// older headers to the same effect.
fn assert_security_headers(answer: &Response, what: &str) {
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    let policy = header("content-security-policy");
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    for expected in [
        "default-src 'none'",
        "style-src 'self'",
        "script-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(directives.contains(&expected), "{what}: {policy}");
    }
    assert!(
        !policy.contains("unsafe") && !policy.contains("data:"),
        "{what}: no inline code, nothing but this site: {policy}"
    );
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "same-origin", "{what}");
}

fn content_type(answer: &Response) -> String {
    answer.headers()[CONTENT_TYPE].to_str().unwrap().to_owned()
}

async fn get_page(app: &TestApp, session: &str, path: &str) -> Response {
    client()
        .get(app.url(path))
        .header(COOKIE, format!("sw_session={session}"))
        .send()
        .await
        .unwrap()
}

/// The sign-in form's cookie value and token, as a browser holds them after loading it.
async fn sign_in_form(app: &TestApp) -> (String, String) {
    let form = client().get(app.url("/ui/sign-in")).send().await.unwrap();
    let key = cookie_value(cookie_named(&set_cookies(form.headers()), "sw_signin"));
    (key, csrf_field(&form.text().await.unwrap()))
}

#[tokio::test]
async fn every_page_answer_carries_the_security_headers_and_no_inline_code() {
    let (app, demo) = spawn_demo_app().await;
    let admin_token = app
        .sign_in_with(&demo.admin_email, &demo.admin_password)
        .await;
    let finding = shared_login_finding(&app, &demo.company_id, &admin_token).await;
    let admin = cookie_value(&sign_in(&app, &demo.admin_email, &demo.admin_password).await);
    let company = format!("/ui/companies/{}", demo.company_id);
    let finding = format!("/findings/{}", finding["id"].as_str().unwrap());
    for path in [
        "",
        "/findings",
        finding.as_str(),
        "/sessions",
        "/decisions",
        "/advice",
        "/access-review",
        "/policies",
    ] {
        let path = format!("{company}{path}");
        let answer = get_page(&app, &admin, &path).await;
        assert_eq!(answer.status(), StatusCode::OK, "{path}");
        assert_security_headers(&answer, &path);
        let html = answer.text().await.unwrap();
        assert!(html.contains("href=\"/ui/seatwarden.css\""), "{path}");
        // What the policy would block: the pages must not rely on it. Scripts come only
        // as files of this site.
        for inline in ["<script>", "<style", " style=", " onclick=", "javascript:"] {
            assert!(!html.contains(inline), "{path} holds {inline}");
        }
        for script in html.split("<script").skip(1) {
            assert!(script.starts_with(" src=\"/ui/"), "{path}: <script{script}");
        }
    }

    let sign_in_page = client().get(app.url("/ui/sign-in")).send().await.unwrap();
    assert_eq!(sign_in_page.status(), StatusCode::OK);
    assert_security_headers(&sign_in_page, "the sign-in page");
    assert!(!sign_in_page.text().await.unwrap().contains(" style="));

    let stylesheet = client()
        .get(app.url("/ui/seatwarden.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(stylesheet.status(), StatusCode::OK);
    assert_security_headers(&stylesheet, "the stylesheet");
    assert!(content_type(&stylesheet).starts_with("text/css"));
    assert!(stylesheet
        .text()
        .await
        .unwrap()
        .contains("#listing tr.faulty"));

    for (path, status) in [
        (
            "/ui/companies/not-a-company".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        ("/ui/no-such-page".to_owned(), StatusCode::NOT_FOUND),
        (
            format!("{company}/policies?saved=x"),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let answer = get_page(&app, &admin, &path).await;
        assert_eq!(answer.status(), status, "{path}");
        assert_security_headers(&answer, &path);
        assert!(content_type(&answer).starts_with("text/html"), "{path}");
        assert!(answer
            .text()
            .await
            .unwrap()
            .contains("id=\"error-message\""));
    }

    let redirect = client().get(app.url(&company)).send().await.unwrap();
    assert_eq!(redirect.status(), StatusCode::SEE_OTHER);
    assert_security_headers(&redirect, "the redirect to the sign-in page");
}

#[tokio::test]
async fn a_sign_in_form_without_its_csrf_field_or_fields_shows_the_sign_in_page_with_why() {
    let app = spawn_app_with(|_| {}).await;
    let company = app.signup("plus").await;
    let (key, csrf) = sign_in_form(&app).await;
    let post = |fields: Vec<(&'static str, String)>, language: &'static str| {
        client()
            .post(app.url("/ui/sign-in"))
            .header(COOKIE, format!("sw_signin={key}"))
            .header(ACCEPT_LANGUAGE, language)
            .form(&fields)
            .send()
    };
    let email = || ("email", company.admin_email.clone());
    let password = || ("password", PASSWORD.to_owned());
    let cases = [
        (
            vec![email(), password()],
            StatusCode::FORBIDDEN,
            "fr",
            "Ce formulaire est périmé",
        ),
        (
            vec![email(), password()],
            StatusCode::FORBIDDEN,
            "en",
            "This form is out of date",
        ),
        (
            vec![email(), ("csrf", csrf.clone())],
            StatusCode::BAD_REQUEST,
            "en",
            "incomplete",
        ),
        (
            vec![("csrf", csrf.clone())],
            StatusCode::BAD_REQUEST,
            "fr",
            "incomplet",
        ),
        (
            vec![email(), email(), password(), ("csrf", csrf.clone())],
            StatusCode::BAD_REQUEST,
            "en",
            "incomplete or damaged",
        ),
    ];
    for (fields, status, language, message) in cases {
        let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
        let answer = post(fields, language).await.unwrap();
        assert_eq!(answer.status(), status, "{names:?}");
        assert!(content_type(&answer).starts_with("text/html"), "{names:?}");
        assert_security_headers(&answer, "a refused sign-in");
        assert!(set_cookies(answer.headers())
            .iter()
            .all(|cookie| !cookie.starts_with("sw_session=")));
        let html = answer.text().await.unwrap();
        let problem = html
            .split("id=\"sign-in-problem\">")
            .nth(1)
            .unwrap_or_else(|| panic!("{names:?}: no problem shown: {html}"));
        assert!(problem.contains(message), "{names:?}: {problem}");
        assert!(html.contains("name=\"csrf\""), "a fresh form to try again");
    }

    // A body that is not a form at all reads the same way, never as text/plain.
    let answer = client()
        .post(app.url("/ui/sign-in"))
        .header(COOKIE, format!("sw_signin={key}"))
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"email":"a@b.c"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(content_type(&answer).starts_with("text/html"));
    assert!(answer
        .text()
        .await
        .unwrap()
        .contains("id=\"sign-in-problem\""));

    // The same browser still signs in with the form as it is sent.
    sign_in(&app, &company.admin_email, PASSWORD).await;
}

/// A signed-in admin's policy editor: the session, the editor's path and its form token.
struct PolicyEditor {
    session: String,
    path: String,
    csrf: String,
}

async fn policy_editor(app: &TestApp) -> (crate::helpers::Company, PolicyEditor) {
    let company = app.signup("plus").await;
    let session = cookie_value(&sign_in(app, &company.admin_email, PASSWORD).await);
    let path = format!("/ui/companies/{}/policies", company.id);
    let editor = get_page(app, &session, &path).await.text().await.unwrap();
    let csrf = csrf_field(&editor);
    let editor = PolicyEditor {
        session,
        path,
        csrf,
    };
    (company, editor)
}

#[tokio::test]
async fn a_form_over_its_limit_is_answered_413_with_the_error_page() {
    let app = spawn_app_with(|_| {}).await;
    let (
        company,
        PolicyEditor {
            session,
            path,
            csrf,
        },
    ) = policy_editor(&app).await;
    let policies = format!("// {}\n", "x".repeat(300 * 1024));
    for (target, language, message) in [
        (path.clone(), "en", "256 KiB"),
        (format!("{path}/dry-run"), "fr", "256 Kio"),
    ] {
        let answer = client()
            .post(app.url(&target))
            .header(COOKIE, format!("sw_session={session}"))
            .header(ACCEPT_LANGUAGE, language)
            .form(&[
                ("csrf", csrf.as_str()),
                ("expected_version", "1"),
                ("policies", policies.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE, "{target}");
        assert!(content_type(&answer).starts_with("text/html"), "{target}");
        assert_security_headers(&answer, &target);
        let html = answer.text().await.unwrap();
        assert!(html.contains("id=\"error-message\""), "{target}: {html}");
        assert!(html.contains(message), "{target}: {html}");
    }
    let versions = expect_status(
        app.get(
            &format!("/v1/companies/{}/policies", company.id),
            Some(&company.admin_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(versions["version"], 1, "nothing was saved: {versions}");

    // The sign-in form has a limit of its own.
    let (key, csrf) = sign_in_form(&app).await;
    let answer = client()
        .post(app.url("/ui/sign-in"))
        .header(COOKIE, format!("sw_signin={key}"))
        .form(&[
            ("email", company.admin_email.as_str()),
            ("password", &"p".repeat(20 * 1024)),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(content_type(&answer).starts_with("text/html"));
    assert!(answer
        .text()
        .await
        .unwrap()
        .contains("id=\"error-message\""));
}

#[tokio::test]
async fn a_policy_text_nested_past_the_limit_is_shown_back_with_the_limit_on_save_and_dry_run() {
    let app = spawn_app_with(|_| {}).await;
    let (
        _,
        PolicyEditor {
            session,
            path,
            csrf,
        },
    ) = policy_editor(&app).await;
    // 150 parentheses deep aborted the whole process before the limits.
    let deep = format!(
        "@id(\"deep\")\npermit (principal, action, resource)\nwhen {{ {}true{} }};\n",
        "(".repeat(150),
        ")".repeat(150)
    );
    for target in [path.clone(), format!("{path}/dry-run")] {
        let answer = client()
            .post(app.url(&target))
            .header(COOKIE, format!("sw_session={session}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("expected_version", "1"),
                ("policies", deep.as_str()),
            ])
            .send()
            .await
            .unwrap();
        let html = answer.text().await.unwrap();
        assert!(html.contains("limit of 32 levels"), "{target}: {html}");
    }
    let health = app.get("/healthz", None).await;
    expect_status(health, StatusCode::OK).await;
}
