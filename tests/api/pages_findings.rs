//! The seat-audit pages as a compliance officer and an admin read them, in a real browser:
//! the overview's story, a shared login's calendar and timeline, an impossible trip, the
//! finding that sums up the shared logins, in English and in French; the buttons each person
//! may press, and a refused change shown on its form.

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::browser::{admin, signed_in_to_demo, start_browser, Browser};
use crate::helpers::{expect_status, spawn_demo_app, TestApp};
use seatwarden::cli::demo::DemoCompany;

/// Working days of the demo's team activity: each one a day of shared use.
const DEMO_SHARED_DAYS: usize = 15;

/// A sales rep's login signs in from Paris, then 50 minutes later from Montréal, and the admin
/// audits again: an impossible trip, and a second audit for the overview's trend.
async fn add_an_impossible_trip(app: &TestApp, demo: &DemoCompany) {
    let admin = app
        .sign_in_with(&demo.admin_email, &demo.admin_password)
        .await;
    let day = (Utc::now() - Duration::days(3)).date_naive();
    let at = |hour, minute| {
        day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap())
            .and_utc()
            .to_rfc3339()
    };
    let login = "route@batiments-martin.example";
    let events = json!([
        {"login": login, "event": "sign_in", "time": at(10, 0), "device_id": "portable-paris",
         "latitude": 48.8566, "longitude": 2.3522, "country": "FR", "role": "standard_sales"},
        {"login": login, "event": "sign_out", "time": at(10, 10), "device_id": "portable-paris"},
        {"login": login, "event": "sign_in", "time": at(10, 50), "device_id": "portable-montreal",
         "latitude": 45.5017, "longitude": -73.5673, "country": "CA", "role": "standard_sales"},
        {"login": login, "event": "sign_out", "time": at(11, 20), "device_id": "portable-montreal"},
    ]);
    import_and_audit(app, demo, &admin, &events).await;
}

/// Imports the sign-in `events` into the demo company as its admin, then audits it again.
async fn import_and_audit(app: &TestApp, demo: &DemoCompany, admin: &str, events: &Value) {
    let imported = app
        .client
        .post(app.url(&format!("/v1/companies/{}/session-events", demo.company_id)))
        .bearer_auth(admin)
        .header("Content-Type", "application/json")
        .body(events.to_string())
        .send()
        .await
        .expect("import sent");
    let report = expect_status(imported, StatusCode::OK).await;
    let sent = events.as_array().map_or(0, Vec::len);
    assert_eq!(report["imported"], sent, "{report}");
    let audit = app
        .post(
            &format!("/v1/companies/{}/audit", demo.company_id),
            Some(admin),
            &json!({}),
        )
        .await;
    expect_status(audit, StatusCode::OK).await;
}

/// The one finding of `kind` in the list, opened.
async fn open_only_finding(browser: &Browser, app: &TestApp, demo: &DemoCompany, kind: &str) {
    browser
        .open(
            app,
            &format!("/ui/companies/{}/findings?kind={kind}", demo.company_id),
        )
        .await;
    assert_eq!(browser.count("#findings tr.finding").await, 1, "one {kind}");
    browser.click("#findings tr.finding a").await;
}

/// The walk of the officer in the page's language: `words` are what that language says.
struct Words {
    story: &'static str,
    sales_people: &'static str,
    shared_title: &'static str,
    shared_summary: &'static str,
    travel_title: &'static str,
}

const ENGLISH: Words = Words {
    story: "shared logins",
    sales_people: "ventes (3 people",
    shared_title: "Shared login",
    shared_summary: "At least 3 people use the login ventes",
    travel_title: "Impossible travel",
};

const FRENCH: Words = Words {
    story: "identifiants partagés",
    sales_people: "ventes (3 personnes",
    shared_title: "Identifiant partagé",
    shared_summary: "Au moins 3 personnes utilisent l'identifiant ventes",
    travel_title: "Déplacement impossible",
};

async fn walk(browser: &Browser, app: &TestApp, demo: &DemoCompany, words: &Words, shots: bool) {
    browser
        .open(app, &format!("/ui/companies/{}", demo.company_id))
        .await;
    // The story names the shared logins, with the people behind each.
    let story = browser.text("#story-shared").await;
    assert!(story.contains(words.story), "{story}");
    assert!(story.contains(words.sales_people), "{story}");
    assert!(browser.text("#trend-sentence").await.contains('→'));
    // Counts link to the lists they count, by codes the reader never reads.
    assert!(
        browser
            .count("#open-findings a[href$='?severity=high&state=open']")
            .await
            == 1
    );
    if shots {
        let overview = browser.screenshot("overview").await;
        eprintln!("overview screenshot: {}", overview.display());
    }

    // The sales login from the story: its calendar and its timeline.
    browser.click("#story-shared a[title^='ventes@']").await;
    assert!(browser.text("h1").await.contains(words.shared_title));
    let summary = browser.text("#finding-summary").await;
    assert!(summary.contains(words.shared_summary), "{summary}");
    assert_eq!(
        browser.count("#calendar a.day.shared").await,
        DEMO_SHARED_DAYS,
        "one coloured cell per day of shared use"
    );
    assert_eq!(
        browser.text("#days-shared").await,
        DEMO_SHARED_DAYS.to_string()
    );
    assert_eq!(
        browser.count("#timeline .lane-label").await,
        3,
        "one lane per device"
    );
    assert!(browser.text("#proofs").await.contains("ventes-pc-1"));
    // The accountant may read findings, not change them: no button is shown.
    assert_eq!(browser.count("#state-form").await, 0);
    assert!(browser.count("#read-only").await == 1);
    if shots {
        let calendar = browser.screenshot("finding-calendar").await;
        eprintln!("finding calendar screenshot: {}", calendar.display());
    }
    // A shared day of the calendar opens that day's timeline.
    browser.click("#calendar a.day.shared").await;
    assert_eq!(browser.count("#calendar a.day.shared.current").await, 1);
    assert_eq!(browser.count("#timeline .lane-label").await, 3);

    // The impossible trip: a table of the trip, and two devices on two lanes.
    open_only_finding(browser, app, demo, "impossible_travel").await;
    assert!(browser.text("h1").await.contains(words.travel_title));
    assert_eq!(browser.count("#trips tr.trip").await, 1);
    let trip = browser.text("#trips tr.trip").await;
    assert!(
        trip.contains("portable-paris")
            && trip.contains("portable-montreal")
            && trip.contains("km"),
        "{trip}"
    );
    assert_eq!(
        browser.count("#timeline .lane-label").await,
        2,
        "two devices, two lanes"
    );

    // More people than seats: it links to each shared login it counts.
    open_only_finding(browser, app, demo, "effective_over_limit").await;
    assert!(browser.count("#counted-logins a.shared-login").await >= 3);
    browser.click("#counted-logins a.shared-login").await;
    assert!(browser.text("h1").await.contains(words.shared_title));
}

#[tokio::test]
async fn the_compliance_officer_reads_the_story_in_english_and_in_french() {
    let Some(browser) = start_browser("findings in two languages").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    add_an_impossible_trip(&app, &demo).await;
    browser
        .sign_in(&app, &demo.officer_email, &demo.officer_password)
        .await;
    walk(&browser, &app, &demo, &ENGLISH, true).await;

    browser.click("#language-switch").await;
    assert_eq!(
        browser
            .client
            .find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("fr")
    );
    walk(&browser, &app, &demo, &FRENCH, false).await;

    // The list: most severe first, filtered by a small form.
    browser
        .open(&app, &format!("/ui/companies/{}/findings", demo.company_id))
        .await;
    let severities = browser
        .client
        .find_all(Locator::Css("#findings tr.finding"))
        .await
        .unwrap();
    let mut classes = Vec::new();
    for row in severities {
        classes.push(row.attr("class").await.unwrap().unwrap_or_default());
    }
    let rank = |class: &String| match class.as_str() {
        "finding high" => 0,
        "finding medium" => 1,
        _ => 2,
    };
    assert!(
        classes
            .windows(2)
            .all(|pair| rank(&pair[0]) <= rank(&pair[1])),
        "{classes:?}"
    );
    browser
        .client
        .find(Locator::Css("#filter-severity option[value=low]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.click("#apply-filters").await;
    assert_eq!(
        browser.count("#findings tr.finding").await,
        1,
        "the dormant seat"
    );
    assert!(browser.text("#findings").await.contains("julie.petit"));
    browser.sign_out().await;
    browser.finish().await;
}

async fn note_typed(browser: &Browser) -> String {
    browser
        .client
        .find(Locator::Css("#note"))
        .await
        .expect("the note")
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_admin_sees_a_refused_change_on_the_form_with_the_note_kept() {
    let Some((browser, app, demo)) = signed_in_to_demo("finding follow-up", admin).await else {
        return;
    };
    open_only_finding(&browser, &app, &demo, "dormant_seat").await;
    let page = browser.client.current_url().await.unwrap();
    let finding_id = page.path().rsplit('/').next().unwrap().to_owned();
    // A dormant seat tells its days unused and its last use, not "0 people" and today.
    // Julie last worked 42 days ago until 11:00: 41 or 42 whole days, by the hour now.
    let idle: i64 = browser
        .text("#idle-days")
        .await
        .parse()
        .expect("a number of days");
    assert!((41..=42).contains(&idle), "{idle}");
    assert_eq!(browser.count("#finding-people").await, 0);
    assert!(!browser.text("#last-used").await.is_empty());

    // The refusal is a 4xx answer of the finding page itself, the typed note in its form.
    let session = browser
        .client
        .get_named_cookie("sw_session")
        .await
        .expect("the session cookie");
    let csrf = browser
        .client
        .find(Locator::Css("#state-form input[name=csrf]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap_or_default();
    let refused = app
        .client
        .post(page.as_str().to_owned() + "/state")
        .header("Cookie", format!("sw_session={}", session.value()))
        .header("Accept-Language", "en")
        .form(&[
            ("csrf", csrf.as_str()),
            ("state", "resolved"),
            ("version", "0"),
            ("note", "Seat kept for the spring."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"form-error\""), "{html}");
    assert!(
        html.contains(">Seat kept for the spring.</textarea>"),
        "{html}"
    );

    // Resolving without a note: the reason on the form, nothing changed.
    browser.click("#state-form button[value=resolved]").await;
    assert!(browser.text("#form-error").await.contains("note"));
    assert!(browser.text("#finding-state").await.contains("open"));

    // Someone acknowledges it meanwhile: the note typed here is kept with the reason.
    let admin = app
        .sign_in_with(&demo.admin_email, &demo.admin_password)
        .await;
    let finding = format!("/v1/companies/{}/findings/{finding_id}", demo.company_id);
    let seen = expect_status(app.get(&finding, Some(&admin)).await, StatusCode::OK).await;
    let changed = app
        .patch(
            &finding,
            &admin,
            &json!({"state": "acknowledged", "version": seen["version"]}),
        )
        .await;
    let changed: Value = expect_status(changed, StatusCode::OK).await;
    assert_eq!(changed["state"], "acknowledged");
    let note = "Julie is on leave until March; her seat stays.";
    browser.fill("#note", note).await;
    browser.click("#state-form button[value=resolved]").await;
    assert!(browser.text("#form-error").await.contains("changed"));
    assert_eq!(note_typed(&browser).await, note);
    // The page now shows the finding as it is: acknowledged, by whom.
    assert!(browser
        .text("#state-change")
        .await
        .contains("Claire Martin"));

    // Resolved from the current version, with the note kept: done.
    browser.click("#state-form button[value=resolved]").await;
    assert!(browser.text("#finding-state").await.contains("resolved"));
    assert!(browser
        .text("#state-change")
        .await
        .contains("Resolved by Claire Martin"));
    assert!(browser.text("#finding-note").await.contains("on leave"));
    browser.finish().await;
}

/// A login shared at night just after midnight in Paris, 23:05 to 23:50 UTC: the French
/// company's calendar counts each night on the Paris day it was, and that day's timeline
/// shows both devices (in UTC both would fall on the day before).
#[tokio::test]
async fn a_login_shared_after_midnight_in_paris_counts_on_the_paris_day() {
    let Some(browser) = start_browser("shared days in the company's zone").await else {
        return;
    };
    let (app, demo) = spawn_demo_app().await;
    let admin = app
        .sign_in_with(&demo.admin_email, &demo.admin_password)
        .await;
    let login = "nuit@batiments-martin.example";
    let nights: Vec<NaiveDate> = (4..=6)
        .map(|back| (Utc::now() - Duration::days(back)).date_naive())
        .collect();
    let mut events = Vec::new();
    for night in &nights {
        let at = |hour, minute| {
            night
                .and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap())
                .and_utc()
                .to_rfc3339()
        };
        // Two devices at work together, each active every ten minutes (a session without
        // activity ends when it goes idle).
        for (device, start) in [("nuit-pc-1", 5), ("nuit-pc-2", 10)] {
            events.push(
                json!({"login": login, "event": "sign_in", "time": at(23, start),
                "device_id": device, "latitude": 48.8566, "longitude": 2.3522, "country": "FR",
                "role": "standard_sales"}),
            );
            for minute in (start + 10..50).step_by(10) {
                events.push(json!({"login": login, "event": "activity",
                    "time": at(23, minute), "device_id": device}));
            }
            events.push(
                json!({"login": login, "event": "sign_out", "time": at(23, 50),
                "device_id": device}),
            );
        }
    }
    import_and_audit(&app, &demo, &admin, &Value::Array(events)).await;
    let listed = app
        .get(
            &format!(
                "/v1/companies/{}/findings?kind=shared_login",
                demo.company_id
            ),
            Some(&admin),
        )
        .await;
    let listed = expect_status(listed, StatusCode::OK).await;
    let finding_id = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["login"] == login)
        .unwrap_or_else(|| panic!("a shared-login finding for {login}: {listed}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();

    browser
        .sign_in(&app, &demo.admin_email, &demo.admin_password)
        .await;
    let page = format!("/ui/companies/{}/findings/{finding_id}", demo.company_id);
    browser.open(&app, &page).await;
    let mut shared = Vec::new();
    for cell in browser
        .client
        .find_all(Locator::Css("#calendar a.day.shared"))
        .await
        .unwrap()
    {
        shared.push(cell.attr("href").await.unwrap().unwrap_or_default());
    }
    let paris_days: Vec<String> = nights
        .iter()
        .rev()
        .map(|night| format!("?day={}", *night + Duration::days(1)))
        .collect();
    assert_eq!(shared, paris_days, "the shared nights on their Paris days");

    let first = format!("{page}{}", paris_days[0]);
    browser.open(&app, &first).await;
    assert_eq!(
        browser.count("#timeline .lane-label").await,
        2,
        "both devices on the Paris day's timeline"
    );
    browser.finish().await;
}
