//! Browser tests of the policy editor, the decision log and the access review (issue 23), as
//! the demo's admin.

use fantoccini::Locator;
use serde_json::json;

use crate::browser::{admin, signed_in_to_demo, start_browser, Browser};
use crate::helpers::spawn_demo_app;

/// The forbid an admin writes: accountants keep the books but no longer create customers.
const FORBID: &str = "@id(\"accountants-create-no-customers\")\nforbid (\n  principal in Seatwarden::Role::\"accountant\",\n  action == Seatwarden::Action::\"create_customer\",\n  resource\n);\n";

/// The built-in test that the forbid makes fail.
const FAILING_CASE: &str = "accountant may create_customer (sales, write)";

/// The editor's text, read from CodeMirror.
pub async fn editor_text(browser: &Browser) -> String {
    let value = browser
        .client
        .execute(
            "return document.querySelector('.CodeMirror').CodeMirror.getValue();",
            vec![],
        )
        .await
        .expect("CodeMirror answers");
    value.as_str().unwrap_or_default().to_owned()
}

/// Types a whole text into CodeMirror (the textarea under it is hidden).
pub async fn set_editor_text(browser: &Browser, text: &str) {
    browser
        .client
        .execute(
            "document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0]);",
            vec![json!(text)],
        )
        .await
        .expect("CodeMirror takes the text");
}

#[tokio::test]
async fn an_admin_edits_policies_with_highlighting_beside_their_tests_and_confirms_a_rollback() {
    let Some(browser) = start_browser("policy editor with tests").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    let policies = format!("/ui/companies/{}/policies", demo.company_id);
    browser
        .sign_in(&app, &demo.admin_email, &demo.admin_password)
        .await;
    browser.open(&app, &policies).await;

    // CodeMirror, served by the binary, numbers the lines and highlights Cedar's keywords.
    browser.text(".CodeMirror").await;
    assert!(browser.count(".CodeMirror-linenumber").await > 20);
    let keywords = browser
        .client
        .find_all(Locator::Css(".cm-keyword"))
        .await
        .expect("keywords");
    let mut words = Vec::new();
    for keyword in keywords.iter().take(20) {
        words.push(keyword.text().await.unwrap_or_default());
    }
    assert!(words.iter().any(|w| w == "permit"), "{words:?}");
    assert!(browser.count("#policy-tests details.test-file").await >= 14);
    let active = editor_text(&browser).await;
    assert!(
        active.contains("@id("),
        "the active policies are in the editor"
    );
    browser.screenshot("policy-editor").await;

    // A dry-run of a realistic forbid warns that the save would fail a named test.
    set_editor_text(&browser, &format!("{FORBID}{active}")).await;
    browser.click("#dry-run").await;
    let warning = browser.text("#tests-warning").await;
    assert!(warning.contains("would be refused"), "{warning}");
    let failing = browser.text("#dry-run-report .failed-tests").await;
    assert!(
        failing.contains(FAILING_CASE) && failing.contains("role_accountant.json"),
        "{failing}"
    );

    // Saved with the test file changed beside it, the text passes and becomes version 2.
    browser
        .open(
            &app,
            &format!("{policies}?tests=role_accountant.json#test-file-editor"),
        )
        .await;
    let tests = browser
        .client
        .find(Locator::Css("#test-file"))
        .await
        .expect("the test file's editor")
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    let expected_allow = format!(
        "{{\"name\": \"{FAILING_CASE}\", \"principal\": \"Seatwarden::User::acme-accountant\", \"action\": \"Seatwarden::Action::create_customer\", \"resource\": \"Seatwarden::Customer::acme-customer\", \"decision\": \"allow\", \"determining_policies\": [\"accountant-books-reports-oversight\"]}}"
    );
    assert!(tests.contains(&expected_allow), "the case is in the file");
    let expected_deny = expected_allow.replace("\"allow\"", "\"deny\"").replace(
        "accountant-books-reports-oversight",
        "accountants-create-no-customers",
    );
    browser
        .client
        .execute(
            "document.getElementById('test-file').value = arguments[0];",
            vec![json!(tests.replacen(&expected_allow, &expected_deny, 1))],
        )
        .await
        .expect("the test file takes the text");
    set_editor_text(&browser, &format!("{FORBID}{active}")).await;
    browser
        .fill("#policy-comment", "accountants no longer create customers")
        .await;
    browser.click("#save-policies").await;
    assert!(browser.text("#saved").await.contains("version 2"));
    assert!(editor_text(&browser).await.starts_with(FORBID));

    // The history names the author; a rollback asks first and shows what it changes.
    let history = browser.text("#history").await;
    assert!(history.contains("Claire Martin"), "{history}");
    browser.click("#history a.rollback").await;
    assert!(browser.text("h1").await.contains("version 1"));
    assert!(browser
        .text("#diff")
        .await
        .contains("accountants-create-no-customers"));
    browser.click("#confirm-rollback").await;
    assert!(browser.text("#saved").await.contains("version 3"));
    assert!(!editor_text(&browser).await.contains(FORBID));
    browser.finish().await;
}

#[tokio::test]
async fn an_investigator_reads_the_decision_log_in_words_and_opens_a_record() {
    let Some(browser) = start_browser("decision log").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    // The compliance officer is refused the policies: a deny no policy permits.
    let officer = app
        .sign_in_with(&demo.officer_email, &demo.officer_password)
        .await;
    let refused = app
        .get(
            &format!("/v1/companies/{}/policies", demo.company_id),
            Some(&officer),
        )
        .await;
    assert_eq!(refused.status(), reqwest::StatusCode::FORBIDDEN);
    browser
        .sign_in(&app, &demo.admin_email, &demo.admin_password)
        .await;
    let log = format!("/ui/companies/{}/decisions", demo.company_id);

    // Page views are hidden at first; one switch shows them.
    browser.open(&app, &log).await;
    let hidden = browser.text("#decisions").await;
    assert!(!hidden.contains("View seats"), "{hidden}");
    browser.click("#toggle-views").await;
    let shown = browser.text("#decisions").await;
    assert!(shown.contains("View seats"), "{shown}");
    assert!(shown.contains("Claire Martin"), "people by name: {shown}");

    // The action filter offers labels grouped by area.
    assert!(browser.count("#action-filter optgroup").await >= 5);

    // The refusal names no policy: nothing permits it.
    browser
        .open(&app, &format!("{log}?decision=deny&views=1"))
        .await;
    assert!(browser
        .text("#decisions")
        .await
        .contains("no policy permits it"));

    // A record decided by a policy opens on its own page, naming it, with its chain.
    browser.open(&app, &format!("{log}?views=1")).await;
    let mut decided = browser
        .client
        .find_all(Locator::XPath(
            "//table[@id='decisions']//tr[td[contains(@class,'deciding')]/code]",
        ))
        .await
        .expect("rows");
    assert!(!decided.is_empty(), "some decision names its policy");
    let row = decided.remove(0);
    let policy = row
        .find(Locator::Css("td.deciding code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let link = row.find(Locator::Css("a.record-link")).await.unwrap();
    browser.follow(link).await;
    let why = browser.text("#deciding-policies").await;
    assert!(why.contains(&policy), "{why}");
    assert!(browser.count("#deciding-policies pre").await >= 1);
    assert_eq!(browser.count("#decision-chain code").await, 3);
    assert!(browser.text("#decision-inputs").await.contains("Role"));
    browser.finish().await;
}

#[tokio::test]
async fn an_admin_reviews_access_grouped_by_area_with_the_shared_logins_marked() {
    let Some((browser, app, demo)) = signed_in_to_demo("access review", admin).await else {
        return;
    };
    browser
        .open(
            &app,
            &format!("/ui/companies/{}/access-review", demo.company_id),
        )
        .await;
    assert_eq!(browser.count("#access-review tbody.area").await, 6);
    let header = browser.text("#access-review thead").await;
    assert!(
        header.contains("Sophie Leroy") && header.contains("Accountant"),
        "{header}"
    );
    assert_eq!(
        browser.count("#access-review thead th.shared").await,
        3,
        "the three team logins"
    );
    assert!(header.contains("Shared login · 3 people"), "{header}");
    let position = browser
        .client
        .execute(
            "return getComputedStyle(document.querySelector('#access-review thead th')).position;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(position, json!("sticky"));
    assert!(browser.count("#access-review td.cell.allowed").await > 0);
    assert!(browser.count("#access-review td.cell.denied").await > 0);
    assert!(browser
        .text("#access-legend")
        .await
        .contains("under conditions"));
    assert!(browser
        .text("#access-review")
        .await
        .contains("Send an invoice"));
    browser.screenshot("access-review").await;
    browser.finish().await;
}
