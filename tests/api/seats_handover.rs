//! Hand-over sharing through the API: a front desk shared in shifts is a probable finding with
//! an estimate, counted in seats and advice only when the company says so; the audit resolves
//! the finding when the sharing stops and reopens it when it returns.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_error, expect_status, spawn_app, Company, TestApp};
use crate::seats::{audit, csv, findings, import, recent_weekdays, working_with};

const DESK: &str = "accueil@hotel-martin.example";
const WINDOWS_CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
    (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const MAC_FIREFOX: &str =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0";

fn shift(device: &str, agent: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<String> {
    // Browsers' user agents hold commas: quoted for CSV.
    let cell = format!("\"{agent}\"");
    working_with(DESK, "standard_all", (device, &cell), start, end)
}

fn morning(day: DateTime<Utc>) -> Vec<String> {
    let start = day + Duration::hours(8);
    shift(
        "desk-1",
        WINDOWS_CHROME,
        start,
        start + Duration::minutes(298),
    )
}

fn afternoon(day: DateTime<Utc>) -> Vec<String> {
    let start = day + Duration::minutes(13 * 60 + 3);
    shift("desk-2", MAC_FIREFOX, start, start + Duration::minutes(297))
}

async fn import_days(
    app: &TestApp,
    company: &Company,
    days: &[DateTime<Utc>],
    shifts: &[fn(DateTime<Utc>) -> Vec<String>],
) {
    let rows: Vec<String> = days
        .iter()
        .flat_map(|&day| shifts.iter().flat_map(move |shift| shift(day)))
        .collect();
    let report = expect_status(
        import(app, company, "text/csv", csv(&rows)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["rejected"], 0, "{report}");
}

async fn get(app: &TestApp, company: &Company, path: &str) -> Value {
    let path = format!("/v1/companies/{}/{path}", company.id);
    expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await
}

async fn put_settings(
    app: &TestApp,
    company: &Company,
    token: &str,
    body: Value,
) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/v1/companies/{}/settings/seat-audit", company.id)))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request sent")
}

fn desk_finding(list: &[Value]) -> Value {
    let shared: Vec<&Value> = list
        .iter()
        .filter(|f| f["kind"] == "shared_login" && f["login"] == DESK)
        .collect();
    assert_eq!(shared.len(), 1, "{list:?}");
    shared[0].clone()
}

#[tokio::test]
async fn a_front_desk_shared_in_shifts_is_probable_and_counts_only_when_the_company_says_so() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    import_days(&app, &company, &recent_weekdays(12), &[morning, afternoon]).await;

    let summary = audit(&app, &company).await;
    let finding = desk_finding(summary["findings"].as_array().unwrap());
    assert_eq!(finding["evidence_class"], "probable", "{finding}");
    assert_eq!(finding["headcount"], 1);
    assert_eq!(finding["headcount_estimate"], 2);
    assert_eq!(finding["severity"], "medium");
    let evidence = &finding["evidence"];
    let summary_en = evidence["summary"].as_str().unwrap();
    assert!(
        summary_en.starts_with(
            "probably 2 people share this login in shifts, never at the same time: \
             device desk-1 (Chrome 120.0.0.0 on Windows 10) usually from 08:00 to 12:58 UTC"
        ),
        "{summary_en}"
    );
    assert!(summary_en.contains("a hand-over on 12 of the 12 days it was used"));
    assert!(evidence["summary_fr"]
        .as_str()
        .unwrap()
        .contains("il est passé de desk-1 à desk-2 vers 13:00 UTC (12 jours)"));
    let details = &evidence["handover"]["details"];
    assert_eq!(details["switches"][0]["usual_at"], "13:00");
    assert_eq!(details["devices"][1]["fingerprint"]["browser"], "Firefox");
    // A probable finding flags no session: under `enforce` a flag costs writes.
    assert_eq!(summary["flagged_sessions"], 0);
    // The owner and the front desk hold two seats; the proven count is one person each.
    assert_eq!(summary["effective"]["people"], 2);

    let seats = get(&app, &company, "seats").await;
    assert_eq!(seats["estimated_people"], 2, "{seats}");
    assert_eq!(seats["count_probable_sharing"], false);
    assert_eq!(seats["shared_logins"], json!({}));
    let advice = get(&app, &company, "seat-advice").await;
    assert_eq!(advice["advice"]["people_observed"], 2, "{advice}");

    let settings = get(&app, &company, "settings/seat-audit").await;
    assert_eq!(settings["count_probable_sharing"], false);
    let version = settings["version"].as_i64().unwrap();
    let (_, standard) = app.add_user(&company, "standard_all").await;
    let denied = put_settings(
        &app,
        &company,
        &standard,
        json!({"count_probable_sharing": true, "version": version}),
    )
    .await;
    expect_error(denied, StatusCode::FORBIDDEN, "forbidden").await;
    let bad = put_settings(
        &app,
        &company,
        &company.admin_token,
        json!({"count_probable_sharing": "yes", "version": version}),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let changed = expect_status(
        put_settings(
            &app,
            &company,
            &company.admin_token,
            json!({"count_probable_sharing": true, "version": version}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        changed,
        json!({"count_probable_sharing": true, "version": version + 1})
    );
    let stale = put_settings(
        &app,
        &company,
        &company.admin_token,
        json!({"count_probable_sharing": false, "version": version}),
    )
    .await;
    let conflict = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(conflict["current"]["count_probable_sharing"], true);

    // Counting probable sharing: the estimate replaces the bound in seats and advice. The
    // standard user added above holds a third seat.
    let seats = get(&app, &company, "seats").await;
    assert_eq!(seats["count_probable_sharing"], true);
    assert_eq!(seats["estimated_people"], 4, "{seats}");
    assert_eq!(seats["shared_logins"][DESK], 2);
    let advice = get(&app, &company, "seat-advice").await;
    assert_eq!(advice["advice"]["people_observed"], 4, "{advice}");
    assert_eq!(advice["advice"]["splits"][0]["login"], DESK);

    let contract = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let route = &contract["paths"]["/v1/companies/{company_id}/settings/seat-audit"];
    assert!(
        route["get"].is_object() && route["put"].is_object(),
        "{route}"
    );
}

#[tokio::test]
async fn the_audit_resolves_a_finding_when_the_sharing_stops_and_reopens_it_when_it_returns() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let days = recent_weekdays(36);
    let (recent, earlier) = days.split_at(24);
    import_days(&app, &company, earlier, &[morning, afternoon]).await;
    let first = audit(&app, &company).await;
    let id = desk_finding(first["findings"].as_array().unwrap())["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The afternoon colleague left: only the morning shift works, day after day, and the
    // hand-over days fall to a third of the days of use.
    import_days(&app, &company, recent, &[morning]).await;
    let quiet = audit(&app, &company).await;
    // The front desk is in use again, so the first audit's dormant-seat finding (its last use
    // was weeks old then) is resolved beside it.
    let resolved: Vec<&str> = quiet["resolved_by_audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["id"].as_str().unwrap())
        .collect();
    assert!(resolved.contains(&id.as_str()), "{quiet}");
    let stored = get(&app, &company, &format!("findings/{id}")).await;
    assert_eq!(stored["state"], "resolved");
    assert_eq!(stored["resolved_by"], "audit");
    assert!(stored["resolution_note"]
        .as_str()
        .is_some_and(|note| note.contains("No longer seen by the audit")));
    // Nothing new, nothing to resolve twice.
    let again = audit(&app, &company).await;
    assert_eq!(again["resolved_by_audit"], json!([]));

    // The colleague is back on the afternoon shift: the same finding reopens.
    import_days(&app, &company, recent, &[afternoon]).await;
    let back = audit(&app, &company).await;
    assert_eq!(back["changes"]["reopened"], 1, "{back}");
    let all = findings(&app, &company, "?kind=shared_login").await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["id"], id.as_str());
    assert_eq!(all[0]["state"], "open");
    assert!(all[0]["resolved_by"].is_null());
    assert_eq!(all[0]["headcount_estimate"], 2);

    // A person's own resolution holds against the same evidence.
    let resolve =
        json!({"state": "resolved", "note": "two logins now", "version": all[0]["version"]});
    let path = format!("/v1/companies/{}/findings/{id}", company.id);
    expect_status(
        app.patch(&path, &company.admin_token, &resolve).await,
        StatusCode::OK,
    )
    .await;
    let after = audit(&app, &company).await;
    assert_eq!(after["changes"]["reopened"], 0);
    assert_eq!(after["resolved_by_audit"], json!([]));
    let kept = get(&app, &company, &format!("findings/{id}")).await;
    assert_eq!(kept["resolved_by"], company.admin_id.as_str());
    assert_eq!(kept["resolution_note"], "two logins now");
}
