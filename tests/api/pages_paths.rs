//! Paths people take through the pages that cross the sign-in and the policies: an alert
//! mail's link followed while signed out, and a reports-only user who meets only what they
//! may open.

use chrono::Utc;
use regex::Regex;

use seatwarden::alerts::jobs;

use crate::browser::start_browser;
use crate::helpers::{spawn_demo_app, spawn_demo_app_with, PASSWORD};
use crate::smtp::{free_port, start_smtp};

#[tokio::test]
async fn an_alert_mails_link_followed_while_signed_out_opens_the_finding_after_sign_in() {
    let Some(browser) = start_browser("mail link").await else {
        return;
    };
    let port = free_port();
    let inbox = start_smtp(port, &[]);
    let (app, demo) = spawn_demo_app_with(move |raw| {
        raw.smtp_host = Some("127.0.0.1".into());
        raw.smtp_port = port;
        raw.smtp_tls = "none".into();
    })
    .await;
    // The demo's audit queued alerts; the mail job sends them with links to this server.
    let sent = jobs::deliver_mail(
        &app.jobs.store,
        app.jobs.mailer.as_ref(),
        &app.address,
        Utc::now().naive_utc(),
    )
    .await
    .expect("the mails are delivered");
    assert!(sent.sent > 0, "{sent:?}");
    let mails = inbox.mails();
    let link = Regex::new(r"https?://[^/\s]+(/ui/companies/[\w-]+/findings/[\w-]+)").unwrap();
    let finding_path = mails
        .iter()
        .find_map(|mail| link.captures(&mail.text()).map(|found| found[1].to_owned()))
        .unwrap_or_else(|| panic!("a finding's link in {} mails", mails.len()));

    // Signed out, the link asks for the sign-in, which then opens the finding itself.
    browser.open(&app, &finding_path).await;
    browser.text("#sign-in").await;
    browser.fill("#email", &demo.officer_email).await;
    browser.fill("#password", &demo.officer_password).await;
    browser.click("#sign-in").await;
    let arrived = browser.client.current_url().await.expect("an address");
    assert_eq!(arrived.path(), finding_path);
    assert!(browser.text("#finding-summary").await.len() > 10);
    browser.finish().await;
}

#[tokio::test]
async fn a_reports_only_user_meets_only_what_they_may_open_and_refusals_keep_the_menu() {
    let Some(browser) = start_browser("reports-only user").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    let email = app.add_reports_only(&demo).await;
    browser.sign_in(&app, &email, PASSWORD).await;

    // No entry of the menu leads to a page the policies refuse them.
    let menu = browser.text("header nav").await;
    for hidden in ["Findings", "Decision log", "Policies", "Administration"] {
        assert!(!menu.contains(hidden), "{hidden} in {menu}");
    }
    assert_eq!(browser.text("#company-name").await, "Bâtiments Martin");

    // Asked for anyway, a finding list is refused inside the page's menu, in their language.
    let findings = format!("/ui/companies/{}/findings", demo.company_id);
    browser.open(&app, &findings).await;
    assert!(browser.text("#error-message").await.contains("polic"));
    assert_eq!(browser.text("#company-name").await, "Bâtiments Martin");
    browser.click("#language-switch").await;
    let arrived = browser.client.current_url().await.expect("an address");
    assert_eq!(
        arrived.path(),
        findings,
        "the switch comes back to the page"
    );
    let french = browser.text("#error-message").await;
    assert!(french.contains("politique"), "{french}");
    browser.screenshot("refusal-in-menu").await;
    browser.finish().await;
}

#[tokio::test]
async fn an_invited_person_opens_the_link_chooses_a_password_and_signs_in() {
    let Some(browser) = start_browser("invitation").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    let admin = app
        .sign_in_with(&demo.admin_email, &demo.admin_password)
        .await;
    let invited = app
        .post(
            &format!("/v1/companies/{}/users", demo.company_id),
            Some(&admin),
            &serde_json::json!({"email": "lucas.bernard@batiments-martin.example",
                                "display_name": "Lucas Bernard", "role": "reports_only"}),
        )
        .await;
    let invited = crate::helpers::expect_status(invited, reqwest::StatusCode::CREATED).await;
    let code = invited["invitation_token"].as_str().expect("a code");

    // A password too short is said on the form; the code stays filled in.
    browser
        .open(&app, &format!("/ui/invitations/accept?code={code}"))
        .await;
    browser.fill("#password", "court").await;
    browser
        .client
        .execute(
            "document.getElementById('password').removeAttribute('minlength')",
            vec![],
        )
        .await
        .expect("the browser's own check is left out");
    browser.click("#accept-invitation").await;
    assert!(browser
        .text("#invitation-problem")
        .await
        .contains("10 characters"));
    browser.fill("#password", PASSWORD).await;
    browser.click("#accept-invitation").await;
    assert!(browser
        .text("#invitation-accepted")
        .await
        .contains("Lucas Bernard"));

    // Used once: the same link now says so; the new account signs in.
    browser
        .open(&app, &format!("/ui/invitations/accept?code={code}"))
        .await;
    browser.fill("#password", PASSWORD).await;
    browser.click("#accept-invitation").await;
    browser.text("#invitation-problem").await;
    browser
        .sign_in(&app, "lucas.bernard@batiments-martin.example", PASSWORD)
        .await;
    assert_eq!(browser.text("#company-name").await, "Bâtiments Martin");
    browser.finish().await;
}
