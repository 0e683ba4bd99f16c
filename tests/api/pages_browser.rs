//! What a compliance officer and an admin do in the pages, in a real browser.

use crate::browser::start_browser;
use crate::helpers::spawn_demo_app;

#[tokio::test]
async fn the_compliance_officer_sees_the_shared_login_timeline_and_exports_the_log() {
    let Some(browser) = start_browser("compliance officer").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    browser
        .sign_in(&app, &demo.officer_email, &demo.officer_password)
        .await;

    // The overview: 5 billable seats on a 5-seat plan, 9 people proven behind them.
    assert_eq!(browser.text("#billable").await, "5 / 5");
    assert_eq!(browser.text("#headcount").await, "9");
    assert_eq!(browser.count("#seat-chart rect.over").await, 1);
    let overview = browser.screenshot("overview").await;
    eprintln!("overview screenshot: {}", overview.display());

    // The sales team's login, used by three people at once.
    browser.click("nav a[href$='/findings']").await;
    browser.text("#findings").await;
    let rows = browser
        .client
        .find_all(fantoccini::Locator::XPath(
            "//table[@id='findings']//tr[td[contains(., 'ventes@batiments-martin.example')]]//a",
        ))
        .await
        .expect("findings rows");
    assert_eq!(rows.len(), 1, "one finding about the sales login");
    rows[0].click().await.expect("open the finding");
    assert!(browser.text("h1").await.contains("Shared login"));
    assert_eq!(browser.count("#timeline .lane-label").await, 3);
    assert!(browser.count("#timeline rect.session").await >= 3);
    assert_eq!(browser.count("#timeline rect.overlap").await, 1);
    assert!(browser.text("#proofs").await.contains("ventes-pc-1"));
    let finding = browser.screenshot("finding").await;
    eprintln!("finding screenshot: {}", finding.display());

    // Accountants read findings but may not change them: the page answers as the API does.
    browser.click("#state-form button[value=acknowledged]").await;
    assert!(browser.text("#error-message").await.contains("policy"));

    // The decision log, searched and exported as CSV; its chain holds.
    browser
        .open(&app, &format!("/ui/companies/{}/decisions", demo.company_id))
        .await;
    browser.click("#check-chain").await;
    assert!(browser.text("#chain-check").await.contains("intact"));
    browser.click("#export-csv").await;
    let csv = browser.downloaded("decisions.csv");
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("id,seq,decided_at,user_id"));
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
