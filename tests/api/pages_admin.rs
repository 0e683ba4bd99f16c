//! The admin pages in a real browser: users and invitations with the seat counter, alert
//! settings and the outbox without SMTP, company settings and the time zone, the explain
//! bench, and a reports-only user kept out; and the locale settings route they use.

use chrono::NaiveDateTime;
use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::json;

use crate::browser::{admin, signed_in_to_demo, start_browser, Browser};
use crate::helpers::{expect_error, expect_status, spawn_demo_app, TestApp, PASSWORD};

const JULIE: &str = "julie.petit@batiments-martin.example";

fn admin_path(company_id: &str, rest: &str) -> String {
    format!("/ui/companies/{company_id}/admin{rest}")
}

/// The row of the users table for `email`, as a CSS selector.
fn user_row(email: &str) -> String {
    format!("#users tr[data-email='{email}']")
}

async fn choose(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` to choose: {e}"))
        .click()
        .await
        .expect("chosen");
}

async fn value(browser: &Browser, css: &str) -> String {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

/// Hours between a `<time>`'s local text and its UTC title.
async fn zone_offset_hours(browser: &Browser, css: &str) -> i64 {
    let time = browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
    let local = time.text().await.expect("text");
    let utc = time.attr("title").await.expect("title").unwrap_or_default();
    let parse = |text: &str| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M");
    let local = parse(&local).unwrap_or_else(|e| panic!("`{local}`: {e}"));
    let utc = parse(utc.trim_end_matches(" UTC")).unwrap_or_else(|e| panic!("`{utc}`: {e}"));
    (local - utc).num_hours()
}

#[tokio::test]
async fn the_admin_invites_changes_a_role_and_disables_in_english_and_french() {
    let Some((browser, _app, _demo)) = signed_in_to_demo("admin users", admin).await else {
        return;
    };
    browser.click("nav a[href$='/admin']").await;
    for task in ["users", "alerts", "settings", "links", "explain"] {
        assert_eq!(browser.count(&format!("#task-{task}")).await, 1, "{task}");
    }
    browser.click("#task-users").await;
    assert_eq!(browser.text("#seat-counter").await, "5 / 5");

    // A reports-only person takes no billable seat: the invitation's code is shown once.
    browser.fill("#invite-name", "Lucas Bernard").await;
    browser
        .fill("#invite-email", "lucas.bernard@batiments-martin.example")
        .await;
    choose(&browser, "#invite-role option[value=reports_only]").await;
    browser.click("#invite").await;
    assert!(browser.text("#invited").await.contains("Lucas Bernard"));
    assert!(browser.text("#invitation-token").await.starts_with("swi_"));
    assert_eq!(browser.text("#seat-counter").await, "5 / 5");
    let lucas = user_row("lucas.bernard@batiments-martin.example");
    assert!(browser.text(&lucas).await.contains("invited"));
    assert!(
        browser.text("#users").await.contains("Julie")
            || browser.text("#users").await.contains(JULIE)
    );
    let shot = browser.screenshot("admin-users").await;
    eprintln!("admin users screenshot: {}", shot.display());

    // A billable one does not fit in the plan: said on the form, what was typed kept.
    browser.fill("#invite-name", "Emma Durand").await;
    browser
        .fill("#invite-email", "emma.durand@batiments-martin.example")
        .await;
    choose(&browser, "#invite-role option[value=standard_sales]").await;
    browser.click("#invite").await;
    assert!(browser
        .text("#form-message")
        .await
        .contains("billable seats"));
    assert_eq!(value(&browser, "#invite-name").await, "Emma Durand");
    assert_eq!(value(&browser, "#invite-role").await, "standard_sales");

    // Lucas moves to time tracking, another free role.
    choose(
        &browser,
        &format!("{lucas} .role-form option[value=time_tracking]"),
    )
    .await;
    browser.click(&format!("{lucas} .role-form button")).await;
    assert_eq!(
        value(&browser, &format!("{lucas} .role-form select")).await,
        "time_tracking"
    );

    // Julie's dormant login disabled frees a seat; enabled again, it takes it back.
    let julie = user_row(JULIE);
    browser.click(&format!("{julie} button.disable")).await;
    assert_eq!(browser.text("#seat-counter").await, "4 / 5");
    assert!(browser.text(&julie).await.contains("disabled"));
    browser.click(&format!("{julie} button.enable")).await;
    assert_eq!(browser.text("#seat-counter").await, "5 / 5");

    // In French, the same page and its refusal.
    browser.click("#language-switch").await;
    assert_eq!(browser.text("h1").await, "Utilisateurs et invitations");
    assert!(browser.text(&lucas).await.contains("Suivi du temps"));
    browser.fill("#invite-name", "Emma Durand").await;
    browser
        .fill("#invite-email", "emma.durand@batiments-martin.example")
        .await;
    choose(&browser, "#invite-role option[value=standard_sales]").await;
    browser.click("#invite").await;
    assert!(browser
        .text("#form-message")
        .await
        .contains("sièges facturables"));
    browser.fill("#invite-name", "Hugo Moreau").await;
    browser
        .fill("#invite-email", "hugo.moreau@batiments-martin.example")
        .await;
    choose(&browser, "#invite-role option[value=reports_only]").await;
    browser.click("#invite").await;
    assert!(browser
        .text("#invited")
        .await
        .contains("Invitation créée pour"));
    browser.screenshot("admin-users-fr").await;
    browser.finish().await;
}

#[tokio::test]
async fn alert_settings_save_and_the_outbox_warns_that_nothing_leaves_without_smtp() {
    let Some((browser, app, demo)) = signed_in_to_demo("admin alerts", admin).await else {
        return;
    };
    browser
        .open(&app, &admin_path(&demo.company_id, "/alerts"))
        .await;
    assert!(browser
        .text("#smtp-warning")
        .await
        .contains("No mail server"));
    assert!(browser.count("#outbox tr.mail.queued").await >= 1);
    assert!(browser.text("#outbox").await.contains(&demo.admin_email));

    // A wrong address is named on the form, and what was typed stays.
    let typed = format!("{}\nnot-an-address", demo.admin_email);
    browser.fill("#recipients", &typed).await;
    browser.click("#save-alerts").await;
    assert!(browser
        .text("#form-message")
        .await
        .contains("not-an-address"));
    assert_eq!(value(&browser, "#recipients").await, typed);

    let fixed = format!("{}\n{}", demo.admin_email, demo.officer_email);
    browser.fill("#recipients", &fixed).await;
    choose(&browser, "#min-severity option[value=high]").await;
    browser.click("#save-alerts").await;
    assert!(browser.text("#saved").await.contains("saved"));
    assert_eq!(value(&browser, "#recipients").await, fixed);
    assert_eq!(value(&browser, "#min-severity").await, "high");

    browser.click("#language-switch").await;
    assert!(browser
        .text("#smtp-warning")
        .await
        .contains("Aucun serveur de messagerie"));
    browser.screenshot("admin-alerts-fr").await;
    browser.finish().await;
}

#[tokio::test]
async fn company_settings_change_the_time_zone_and_the_times_shift() {
    let Some((browser, app, demo)) = signed_in_to_demo("admin settings", admin).await else {
        return;
    };
    let settings = admin_path(&demo.company_id, "/settings");
    browser.open(&app, &settings).await;
    // A French company reads its times in Paris (one or two hours from UTC).
    assert_eq!(browser.text("#zone-in-use").await, "Europe/Paris");
    let paris = zone_offset_hours(&browser, "#now-local").await;
    assert!(paris == 1 || paris == 2, "{paris}");

    choose(&browser, "#time-zone option[value='Asia/Tokyo']").await;
    browser.click("#save-locale").await;
    assert!(browser.text("#saved").await.contains("saved"));
    assert_eq!(browser.text("#zone-in-use").await, "Asia/Tokyo");
    assert_eq!(zone_offset_hours(&browser, "#now-local").await, 9);
    // Every page reads its times in the new zone.
    browser
        .open(&app, &admin_path(&demo.company_id, "/users"))
        .await;
    assert_eq!(
        zone_offset_hours(&browser, &format!("{} time", user_row(JULIE))).await,
        9
    );

    // Enforcement and probable sharing, each saved from the settings' version.
    browser.open(&app, &settings).await;
    choose(&browser, "#mode-deny_new").await;
    browser.click("#save-enforcement").await;
    assert!(browser.text("#saved").await.contains("saved"));
    let checked = browser
        .client
        .find(Locator::Css("#mode-deny_new"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(checked.as_deref(), Some("true"));
    let probable_before = browser
        .client
        .find(Locator::Css("#count-probable"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    choose(&browser, "#count-probable").await;
    browser.click("#save-seat-audit").await;
    let probable_after = browser
        .client
        .find(Locator::Css("#count-probable"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_ne!(probable_before, probable_after);

    browser.click("#language-switch").await;
    assert_eq!(browser.text("h1").await, "Réglages de l'entreprise");
    browser.finish().await;
}

#[tokio::test]
async fn the_explain_bench_answers_in_words() {
    let Some((browser, app, demo)) = signed_in_to_demo("explain bench", admin).await else {
        return;
    };
    browser
        .open(&app, &admin_path(&demo.company_id, "/explain"))
        .await;
    let ask = |action: &'static str| {
        let browser = &browser;
        async move {
            browser
                .client
                .find(Locator::XPath(&format!(
                    "//select[@id='explain-user']/option[contains(., '{JULIE}')]"
                )))
                .await
                .expect("Julie among the people")
                .click()
                .await
                .expect("chosen");
            choose(browser, &format!("#explain-action option[value={action}]")).await;
            browser.fill("#explain-record", "F-2026-014").await;
            browser.click("#ask").await;
            browser.text("#verdict").await
        }
    };
    let send = ask("send_invoice").await;
    assert!(send.starts_with("Yes: permitted by policy"), "{send}");
    assert!(browser
        .text("#explain-answer")
        .await
        .contains("Send an invoice"));
    let approve = ask("approve_bill").await;
    assert!(approve.starts_with("No:"), "{approve}");
    browser.screenshot("admin-explain").await;

    browser.click("#language-switch").await;
    let french = ask("send_invoice").await;
    assert!(
        french.starts_with("Oui : autorisé par la politique"),
        "{french}"
    );
    browser.finish().await;
}

#[tokio::test]
async fn a_reports_only_user_has_no_admin_entry_and_is_refused_inside_the_layout() {
    let Some(browser) = start_browser("admin refused").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    let email = app.add_reports_only(&demo).await;
    browser.sign_in(&app, &email, PASSWORD).await;
    browser
        .open(&app, &format!("/ui/companies/{}", demo.company_id))
        .await;
    assert_eq!(browser.count("nav a[href$='/admin']").await, 0);
    browser.open(&app, &admin_path(&demo.company_id, "")).await;
    assert!(browser
        .text("#error-message")
        .await
        .contains("no administration task"));
    assert_eq!(browser.count("header nav").await, 1, "inside the layout");
    browser
        .open(&app, &admin_path(&demo.company_id, "/users"))
        .await;
    assert!(browser.text("#error-message").await.contains("policy"));
    browser.finish().await;
}

async fn put_locale(
    app: &TestApp,
    company_id: &str,
    token: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/v1/companies/{company_id}/settings/locale")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn the_locale_settings_route_reads_and_changes_language_and_time_zone() {
    let (app, demo) = spawn_demo_app().await;
    let admin = app
        .sign_in_with(&demo.admin_email, &demo.admin_password)
        .await;
    let path = format!("/v1/companies/{}/settings/locale", demo.company_id);
    let read = expect_status(app.get(&path, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(read["locale"], "fr");
    assert_eq!(read["time_zone"], "");
    assert_eq!(read["time_zone_in_use"], "Europe/Paris");
    let version = read["version"].as_i64().unwrap();

    let wrong = json!({"locale": "fr", "time_zone": "Europe/Lutece", "version": version});
    expect_error(
        put_locale(&app, &demo.company_id, &admin, wrong).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    let change = json!({"locale": "en", "time_zone": "America/New_York", "version": version});
    let changed = expect_status(
        put_locale(&app, &demo.company_id, &admin, change.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["locale"], "en");
    assert_eq!(changed["time_zone_in_use"], "America/New_York");
    assert_eq!(changed["version"], version + 1);
    let stale = expect_error(
        put_locale(&app, &demo.company_id, &admin, change).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(stale["current"]["time_zone"], "America/New_York");

    let contract = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let route = &contract["paths"]["/v1/companies/{company_id}/settings/locale"];
    assert!(
        route["get"].is_object() && route["put"].is_object(),
        "{route}"
    );

    // The compliance officer reads the settings but may not change them.
    let officer = app
        .sign_in_with(&demo.officer_email, &demo.officer_password)
        .await;
    expect_status(app.get(&path, Some(&officer)).await, StatusCode::OK).await;
    let refused = json!({"locale": "fr", "time_zone": "", "version": version + 1});
    expect_error(
        put_locale(&app, &demo.company_id, &officer, refused).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_sessions_page_shows_the_shared_team_logins_with_their_devices() {
    let Some((browser, _app, _demo)) = signed_in_to_demo("shared logins' sessions", admin).await
    else {
        return;
    };
    browser.click("nav a[href$='/sessions']").await;
    let ventes = ".shared-login[data-login='ventes@batiments-martin.example']";
    assert_eq!(
        browser.count(&format!("{ventes} table.devices tr")).await,
        4
    );
    let text = browser.text(ventes).await;
    assert!(text.contains("ventes-pc-2"), "{text}");
    assert!(text.contains("Firefox on Windows"), "{text}");
    assert!(text.contains("3 people"), "{text}");
    assert_eq!(browser.count(".shared-login").await, 3);
    let page = browser.text("main").await;
    assert!(!page.contains("Mozilla/"), "no whole user agent: {page}");
    browser.screenshot("sessions-shared-logins").await;

    browser.click("#language-switch").await;
    assert!(browser.text(ventes).await.contains("Firefox sous Windows"));
    browser.finish().await;
}
