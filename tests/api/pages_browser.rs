//! What a compliance officer and an admin do in the pages, in a real browser.

use fantoccini::Locator;

use crate::browser::{officer, signed_in_to_demo, start_browser};
use crate::helpers::{spawn_demo_app, PASSWORD};
use crate::pages_policies::{editor_text, set_editor_text};

#[tokio::test]
async fn the_compliance_officer_sees_the_shared_login_timeline_and_exports_the_log() {
    let Some((browser, app, demo)) = signed_in_to_demo("compliance officer", officer).await else {
        return;
    };

    // The overview: 5 billable seats on a 5-seat plan, 9 people proven behind them.
    assert_eq!(browser.text("#billable").await, "5 / 5");
    assert_eq!(browser.text("#headcount").await, "9");
    assert_eq!(browser.count("#seat-chart rect.over").await, 1);
    let overview = browser.screenshot("overview").await;
    eprintln!("overview screenshot: {}", overview.display());

    // The sales team's login, used by three people at once.
    browser.click("nav a[href$='/findings']").await;
    browser.text("#findings").await;
    let mut rows = browser
        .client
        .find_all(Locator::XPath(
            "//table[@id='findings']//tr[td[contains(., 'ventes@batiments-martin.example')]]//a",
        ))
        .await
        .expect("findings rows");
    assert_eq!(rows.len(), 1, "one finding about the sales login");
    browser.follow(rows.remove(0)).await;
    assert!(browser.text("h1").await.contains("Shared login"));
    assert_eq!(browser.count("#timeline .lane-label").await, 3);
    assert!(browser.count("#timeline rect.session").await >= 3);
    assert_eq!(browser.count("#timeline rect.overlap").await, 1);
    assert!(browser.text("#proofs").await.contains("ventes-pc-1"));
    let finding = browser.screenshot("finding").await;
    eprintln!("finding screenshot: {}", finding.display());

    // Accountants read findings but may not change them: no button to press is shown.
    assert_eq!(browser.count("#state-form button").await, 0);

    // The decision log, searched and exported as CSV; its chain holds.
    browser
        .open(
            &app,
            &format!("/ui/companies/{}/decisions", demo.company_id),
        )
        .await;
    browser.click("#check-chain").await;
    assert!(browser.text("#chain-check").await.contains("intact"));
    let csv = browser.download("#export-csv", "decisions.csv").await;
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("id,seq,decided_at,user_id"));
    assert!(lines.any(|line| line.contains(",view_findings,")));

    browser.screenshot("decisions").await;

    // Seat advice in words: the plus plan is too small for nine people.
    browser.click("nav a[href$='/advice']").await;
    let advice = browser.text("#advice").await;
    assert!(advice.contains("too small"), "{advice}");
    assert!(advice.contains("advanced"), "{advice}");
    browser.screenshot("advice").await;

    // The officer's own session is listed, and cannot be revoked from its own page.
    browser.click("nav a[href$='/sessions']").await;
    assert!(browser.text("main").await.contains(&demo.officer_email));
    assert!(browser.text("main").await.contains("this session"));
    browser.screenshot("sessions").await;

    browser.sign_out().await;
    browser.finish().await;
}

#[tokio::test]
async fn an_admin_sees_policy_errors_at_their_line_and_a_reports_only_user_cannot_edit() {
    let Some(browser) = start_browser("policy editor").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    let policies = format!("/ui/companies/{}/policies", demo.company_id);
    browser
        .sign_in(&app, &demo.admin_email, &demo.admin_password)
        .await;
    browser.open(&app, &policies).await;
    browser.text(".CodeMirror").await;
    let active = editor_text(&browser).await;
    assert!(
        active.contains("@id("),
        "the active policies are in the editor"
    );

    // A policy with a typo on its second line: the page points at that line.
    let broken = format!("@id(\"broken\")\npermit (principal, action, resourc);\n{active}");
    set_editor_text(&browser, &broken).await;
    browser.click("#save-policies").await;
    assert!(browser.text("#diagnostics").await.contains("line 2"));
    assert_eq!(browser.count("#listing tr.faulty").await, 1);
    assert!(browser.text("#line-2").await.contains("resourc"));
    browser.screenshot("policy-error").await;

    // The officer reads the findings through the API; those decisions are replayed below.
    let officer = app
        .sign_in_with(&demo.officer_email, &demo.officer_password)
        .await;
    let findings = app
        .get(
            &format!("/v1/companies/{}/findings", demo.company_id),
            Some(&officer),
        )
        .await;
    assert_eq!(findings.status(), reqwest::StatusCode::OK);

    // A dry-run of taking oversight away from accountants: who would lose what, nothing saved.
    let narrower = active.replacen(
        "\"reports_payables\",\n    Seatwarden::Action::\"oversight\"\n  ]",
        "\"reports_payables\"\n  ]",
        1,
    );
    assert_ne!(
        narrower, active,
        "the accountants' oversight permit is in the text"
    );
    set_editor_text(&browser, &narrower).await;
    browser.click("#dry-run").await;
    assert!(browser.text("#dry-run-summary").await.contains("replayed"));
    // People by name, actions by label.
    let flips = browser.text("#flips").await;
    assert!(
        flips.contains("Sophie Leroy") && flips.contains("Read findings"),
        "{flips}"
    );
    let losses = browser.text("#access-changes").await;
    assert!(losses.contains("Sophie Leroy"), "{losses}");
    assert!(
        losses.contains("Read findings (allowed → denied)"),
        "{losses}"
    );
    browser.screenshot("policy-dry-run").await;
    assert_eq!(
        editor_text(&browser).await,
        narrower,
        "the editor keeps the text tried"
    );

    // Fixed, it saves as version 2; the history rolls it back, once confirmed, as version 3.
    let fixed = format!("// Reviewed by the compliance officer.\n{active}");
    set_editor_text(&browser, &fixed).await;
    browser.fill("#policy-comment", "reviewed").await;
    browser.click("#save-policies").await;
    assert!(browser.text("#saved").await.contains("version 2"));
    browser.click("#history a[href='?diff=2#diff']").await;
    assert!(browser.text("#diff").await.contains("version 1 to 2"));
    browser.click("#history a.rollback").await;
    browser.click("#confirm-rollback").await;
    assert!(browser.text("#saved").await.contains("version 3"));

    // A reports-only user is refused the editor by the same policies as the API.
    let email = app.add_reports_only(&demo).await;
    browser.sign_out().await;
    browser.sign_in(&app, &email, PASSWORD).await;
    browser.open(&app, &policies).await;
    assert!(browser.text("#error-message").await.contains("policy"));
    assert_eq!(browser.count("#policy-text").await, 0);
    browser.finish().await;
}
