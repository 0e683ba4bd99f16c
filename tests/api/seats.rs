//! The seat auditor through the API: imported sign-in events, audits, findings and advice.

use chrono::{DateTime, Datelike, Duration, SecondsFormat, Utc, Weekday};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{expect_error, expect_status, spawn_app, Company, TestApp, PASSWORD};

pub const CSV_HEADER: &str =
    "login,event,time,ip,user_agent,device_id,latitude,longitude,country,role";

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// CSV rows of one person at work on `login` from `device`: sign-in, activity every 20
/// minutes, sign-out.
pub fn working(
    login: &str,
    role: &str,
    device: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<String> {
    working_with(login, role, (device, "Firefox"), start, end)
}

/// The same with the browser's user agent, as a CSV cell.
pub fn working_with(
    login: &str,
    role: &str,
    (device, agent): (&str, &str),
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<String> {
    let row = |event: &str, at: DateTime<Utc>| {
        format!(
            "{login},{event},{},192.0.2.10,{agent},{device},,,FR,{role}",
            rfc3339(at)
        )
    };
    let mut rows = vec![row("sign_in", start)];
    let mut at = start + Duration::minutes(20);
    while at < end {
        rows.push(row("activity", at));
        at += Duration::minutes(20);
    }
    rows.push(row("sign_out", end));
    rows
}

pub fn csv(rows: &[String]) -> String {
    format!("{CSV_HEADER}\n{}\n", rows.join("\n"))
}

pub async fn import(
    app: &TestApp,
    company: &Company,
    content_type: &str,
    body: String,
) -> Response {
    app.client
        .post(app.url(&format!("/v1/companies/{}/session-events", company.id)))
        .bearer_auth(&company.admin_token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("request sent")
}

pub async fn audit(app: &TestApp, company: &Company) -> Value {
    let path = format!("/v1/companies/{}/audit", company.id);
    expect_status(
        app.post(&path, Some(&company.admin_token), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await
}

pub async fn findings(app: &TestApp, company: &Company, query: &str) -> Vec<Value> {
    let path = format!("/v1/companies/{}/findings{query}", company.id);
    let list = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(list["next"].is_null());
    list["items"].as_array().unwrap().clone()
}

/// The last `count` weekdays before today, at `hour:minute` UTC.
pub fn recent_weekdays(count: usize) -> Vec<DateTime<Utc>> {
    let today = Utc::now().date_naive();
    (1..)
        .map(|back| today - Duration::days(back))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .take(count)
        .map(|day| day.and_hms_opt(0, 0, 0).unwrap().and_utc())
        .collect()
}

/// DESIGN.md's problem company: plan plus, the owner, three team logins of the other app each
/// used from several computers at once (sales by 3, purchases by 2, accounting by 2), Julie's
/// own sales login unused for six weeks, and the outside accountant, a user of Seatwarden.
async fn problem_company(app: &TestApp) -> Company {
    let company = app.signup("plus").await;
    let accountant = "expert@cabinet-durand.example";
    let users = format!("/v1/companies/{}/users", company.id);
    let response = app
        .post(&users, Some(&company.admin_token), &json!({"email": accountant, "display_name": "Cabinet Durand", "role": "accountant", "password": PASSWORD}))
        .await;
    expect_status(response, StatusCode::CREATED).await;
    let teams = [
        ("ventes@martin.example", "standard_sales", 3),
        ("achats@martin.example", "standard_purchases", 2),
        ("compta@martin.example", "standard_all", 2),
    ];
    let mut rows = Vec::new();
    for (index, day) in recent_weekdays(10).into_iter().enumerate() {
        for (login, role, people) in teams {
            for seat in 0..people {
                let start = day + Duration::minutes(8 * 60 + 30 + 7 * seat);
                let device = format!("{}-pc-{seat}", &login[..6]);
                rows.extend(working(
                    login,
                    role,
                    &device,
                    start,
                    day + Duration::hours(12),
                ));
            }
        }
        if index % 5 == 0 {
            let start = day + Duration::hours(14);
            rows.extend(working(
                accountant,
                "",
                "cabinet-pc",
                start,
                start + Duration::hours(1),
            ));
        }
    }
    let six_weeks_ago = Utc::now() - Duration::days(42);
    rows.extend(working(
        "julie.petit@martin.example",
        "standard_sales",
        "julie-portable",
        six_weeks_ago,
        six_weeks_ago + Duration::hours(2),
    ));
    let report = expect_status(
        import(app, &company, "text/csv", csv(&rows)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["rejected"], 0, "{report}");
    assert_eq!(report["imported"], rows.len(), "{report}");
    let mut created: Vec<&str> = report["users_created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|login| login.as_str().unwrap())
        .collect();
    created.sort();
    assert_eq!(
        created,
        vec![
            "achats@martin.example",
            "compta@martin.example",
            "julie.petit@martin.example",
            "ventes@martin.example",
        ]
    );
    company
}

#[tokio::test]
async fn the_problem_company_gets_exactly_its_findings_and_the_advice_of_nine_seats() {
    let app = spawn_app().await;
    let company = problem_company(&app).await;
    let summary = audit(&app, &company).await;
    assert_eq!(summary["changes"]["opened"], 5, "{summary}");

    let found: Vec<(String, String, Value, i64)> = findings(&app, &company, "")
        .await
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["login"].clone(),
                f["headcount"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, Value, i64)> = [
        (
            "dormant_seat",
            "low",
            json!("julie.petit@martin.example"),
            0,
        ),
        ("effective_over_limit", "high", Value::Null, 9),
        ("shared_login", "medium", json!("achats@martin.example"), 2),
        ("shared_login", "medium", json!("compta@martin.example"), 2),
        ("shared_login", "high", json!("ventes@martin.example"), 3),
    ]
    .into_iter()
    .map(|(k, s, l, h)| (k.to_owned(), s.to_owned(), l, h))
    .collect();
    assert_eq!(found, expected);

    let shared = findings(&app, &company, "?kind=shared_login&severity=high").await;
    assert_eq!(shared.len(), 1);
    let sales = &shared[0];
    assert_eq!(sales["state"], "open");
    let summary_text = sales["evidence"]["summary"].as_str().unwrap();
    assert!(
        summary_text.starts_with("at least 3 people use this login"),
        "{summary_text}"
    );
    assert!(sales["first_seen"].as_str().unwrap() < sales["last_seen"].as_str().unwrap());

    let advice = expect_status(
        app.get(
            &format!("/v1/companies/{}/seat-advice", company.id),
            Some(&company.admin_token),
        )
        .await,
        StatusCode::OK,
    )
    .await["advice"]
        .clone();
    assert_eq!(advice["current_plan"], "plus");
    assert_eq!(advice["current_limit"], 5);
    assert_eq!(
        advice["people_observed"], 10,
        "nine people and the free accountant: {advice}"
    );
    assert_eq!(advice["billable_needed"], 9, "{advice}");
    assert_eq!(advice["current_billable_needed"], 9);
    assert_eq!(advice["recommended_plan"], "advanced");
    let codes: Vec<&str> = advice["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reason| reason["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"current_plan_too_small"), "{codes:?}");
    assert!(codes.contains(&"larger_plan_needed"), "{codes:?}");
}

#[tokio::test]
async fn seats_count_billable_free_and_accountant_users_and_the_people_behind_them() {
    let app = spawn_app().await;
    let company = problem_company(&app).await;
    let path = format!("/v1/companies/{}/seats", company.id);
    let before = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(before["plan"], "plus");
    assert_eq!(before["limit"], 5);
    assert_eq!(before["billable_total"], 5);
    assert_eq!(before["over_by"], 0);
    assert_eq!(before["over_limit"], false);
    assert_eq!(before["external_billable"], 4);
    assert_eq!(before["billable_by_role"]["standard_sales"], 2);
    assert_eq!(
        before["accountants"],
        json!({"total": 1, "free_allowance": 2, "free": 1, "billable": 0})
    );
    assert_eq!(before["free_by_role"]["accountant"], 1);
    assert_eq!(
        before["estimated_people"], 5,
        "nothing proven before an audit"
    );
    assert!(before["last_audit_at"].is_null());

    audit(&app, &company).await;
    let after = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["estimated_people"], 9);
    assert_eq!(after["effective_over_by"], 4);
    assert_eq!(after["shared_logins"]["ventes@martin.example"], 3);
    assert!(after["last_audit_at"].is_string());
}

/// Two devices working on `login` at the same time, starting at `start`, for 40 minutes.
pub fn shared_use(login: &str, start: DateTime<Utc>) -> String {
    let mut rows = working(
        login,
        "standard_all",
        "pc-1",
        start,
        start + Duration::minutes(40),
    );
    rows.extend(working(
        login,
        "standard_all",
        "pc-2",
        start + Duration::minutes(5),
        start + Duration::minutes(40),
    ));
    csv(&rows)
}

/// A company on `plan` whose login `team@martin.example` was shared two days ago, audited.
async fn company_with_a_shared_login(app: &TestApp, plan: &str) -> Company {
    let company = app.signup(plan).await;
    let body = shared_use("team@martin.example", Utc::now() - Duration::days(2));
    expect_status(
        import(app, &company, "text/csv", body).await,
        StatusCode::OK,
    )
    .await;
    company
}

#[tokio::test]
async fn roles_without_oversight_get_403_and_another_company_gets_404() {
    let app = spawn_app().await;
    let company = company_with_a_shared_login(&app, "advanced").await;
    audit(&app, &company).await;
    let finding_id = findings(&app, &company, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = format!("/v1/companies/{}", company.id);
    let reads = [
        format!("{base}/seats"),
        format!("{base}/findings"),
        format!("{base}/findings/{finding_id}"),
        format!("{base}/seat-advice"),
    ];
    for role in [
        "standard_all",
        "standard_sales",
        "reports_only",
        "time_tracking",
    ] {
        let (_, token) = app.add_user(&company, role).await;
        for path in &reads {
            expect_error(
                app.get(path, Some(&token)).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        let run = app
            .post(&format!("{base}/audit"), Some(&token), &json!({}))
            .await;
        expect_error(run, StatusCode::FORBIDDEN, "forbidden").await;
    }
    // An accountant reads oversight data but runs nothing.
    let (_, accountant) = app.add_user(&company, "accountant").await;
    for path in &reads {
        expect_status(app.get(path, Some(&accountant)).await, StatusCode::OK).await;
    }
    let run = app
        .post(&format!("{base}/audit"), Some(&accountant), &json!({}))
        .await;
    let denied = expect_error(run, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(denied["action"], "run_audit");

    let other = app.signup("plus").await;
    for path in reads.iter().chain([format!("{base}/audit")].iter()) {
        let response = if path.ends_with("/audit") {
            app.post(path, Some(&other.admin_token), &json!({})).await
        } else {
            app.get(path, Some(&other.admin_token)).await
        };
        expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let own = format!("/v1/companies/{}/findings/{finding_id}", other.id);
    expect_error(
        app.get(&own, Some(&other.admin_token)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn bad_rows_are_named_good_rows_kept_and_a_reimport_adds_nothing() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let start = Utc::now() - Duration::days(2);
    let mut rows = working(
        "team@martin.example",
        "standard_sales",
        "pc-1",
        start,
        start + Duration::hours(1),
    );
    rows.push("not-an-email,sign_in,2026-01-01T00:00:00Z,,,,,,,".into());
    rows.push(format!(
        "team@martin.example,teleport,{},10.0.0.300,,,91,2,FRA,primary_admin",
        rfc3339(start)
    ));
    let body = csv(&rows);
    let good = rows.len() - 2;
    let first = expect_status(
        import(&app, &company, "text/csv", body.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["received"], rows.len());
    assert_eq!(first["imported"], good);
    assert_eq!(first["rejected"], 2);
    assert_eq!(first["users_created"], json!(["team@martin.example"]));
    let named: Vec<(i64, &str)> = first["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    let bad_login_row = (good + 1) as i64;
    let bad_fields_row = (good + 2) as i64;
    assert_eq!(
        named,
        vec![
            (bad_login_row, "login"),
            (bad_fields_row, "event"),
            (bad_fields_row, "ip"),
            (bad_fields_row, "latitude"),
            (bad_fields_row, "country"),
            (bad_fields_row, "role"),
        ]
    );

    let again = expect_status(
        import(&app, &company, "text/csv", body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["imported"], 0);
    assert_eq!(again["duplicates"], good);
    assert_eq!(again["users_created"], json!([]));

    // The same events as JSON are the same events.
    let json_rows: Vec<Value> = rows[..good]
        .iter()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            json!({"login": cells[0], "event": cells[1], "time": cells[2], "ip": cells[3],
                   "user_agent": cells[4], "device_id": cells[5], "country": cells[8], "role": cells[9]})
        })
        .collect();
    let as_json = expect_status(
        import(
            &app,
            &company,
            "application/json",
            Value::Array(json_rows).to_string(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(as_json["imported"], 0, "{as_json}");
    assert_eq!(as_json["duplicates"], good);
    let fresh = json!([{"login": "team@martin.example", "event": "activity",
                        "time": rfc3339(start + Duration::minutes(30)), "device_id": "pc-1",
                        "latitude": 48.85, "longitude": 2.35}]);
    let more = expect_status(
        import(
            &app,
            &company,
            "application/json; charset=utf-8",
            fresh.to_string(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(more["imported"], 1);

    let summary = audit(&app, &company).await;
    assert_eq!(
        summary["sessions_audited"], 2,
        "one imported session and the owner's: {summary}"
    );
}

#[tokio::test]
async fn an_unreadable_import_is_refused_whole() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let header = import(&app, &company, "text/csv", "login,event,when\n".into()).await;
    let body = expect_error(header, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(body["field"], "body");
    let object = import(&app, &company, "application/json", "{}".into()).await;
    expect_error(object, StatusCode::BAD_REQUEST, "invalid_input").await;
    let xml = import(&app, &company, "application/xml", "<events/>".into()).await;
    expect_error(
        xml,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let (_, token) = app.add_user(&company, "standard_all").await;
    let denied = app
        .client
        .post(app.url(&format!("/v1/companies/{}/session-events", company.id)))
        .bearer_auth(&token)
        .header("Content-Type", "text/csv")
        .body(format!("{CSV_HEADER}\n"))
        .send()
        .await
        .unwrap();
    expect_error(denied, StatusCode::FORBIDDEN, "forbidden").await;
}

async fn patch_finding(app: &TestApp, company: &Company, id: &str, body: Value) -> Response {
    let path = format!("/v1/companies/{}/findings/{id}", company.id);
    app.patch(&path, &company.admin_token, &body).await
}

#[tokio::test]
async fn a_finding_is_acknowledged_resolved_and_reopened_when_it_happens_again_never_duplicated() {
    let app = spawn_app().await;
    let company = company_with_a_shared_login(&app, "plus").await;
    let first = audit(&app, &company).await;
    assert_eq!(first["changes"]["opened"], 1, "{first}");
    let second = audit(&app, &company).await;
    assert_eq!(
        second["changes"],
        json!({"opened": 0, "updated": 0, "reopened": 0, "unchanged": 1})
    );
    let listed = findings(&app, &company, "").await;
    assert_eq!(listed.len(), 1);
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed[0]["version"], 1);

    let acknowledged = expect_status(
        patch_finding(
            &app,
            &company,
            &id,
            json!({"state": "acknowledged", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(acknowledged["state"], "acknowledged");
    assert_eq!(acknowledged["version"], 2);
    assert_eq!(acknowledged["state_changed_by"], company.admin_id.as_str());
    let stale = patch_finding(
        &app,
        &company,
        &id,
        json!({"state": "resolved", "note": "x", "version": 1}),
    )
    .await;
    let conflict = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(conflict["current"]["version"], 2);
    assert_eq!(conflict["current"]["state"], "acknowledged");
    let no_note = patch_finding(
        &app,
        &company,
        &id,
        json!({"state": "resolved", "version": 2}),
    )
    .await;
    let invalid = expect_error(no_note, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(invalid["field"], "note");
    let resolved = expect_status(
        patch_finding(
            &app,
            &company,
            &id,
            json!({"state": "resolved", "note": "each person has a login now", "version": 2}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resolved["state"], "resolved");
    assert_eq!(resolved["resolved_by"], company.admin_id.as_str());
    assert_eq!(resolved["resolution_note"], "each person has a login now");

    // The old evidence does not reopen it.
    let quiet = audit(&app, &company).await;
    assert_eq!(quiet["changes"]["reopened"], 0);
    assert_eq!(findings(&app, &company, "?state=resolved").await.len(), 1);

    // Shared again after the resolution: the same finding reopens.
    let body = shared_use("team@martin.example", Utc::now() + Duration::minutes(1));
    expect_status(
        import(&app, &company, "text/csv", body).await,
        StatusCode::OK,
    )
    .await;
    let again = audit(&app, &company).await;
    assert_eq!(again["changes"]["reopened"], 1, "{again}");
    let all = findings(&app, &company, "").await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["id"], id.as_str());
    assert_eq!(all[0]["state"], "open");
    assert!(all[0]["resolved_by"].is_null());
    assert!(all[0]["first_seen"].as_str().unwrap() < all[0]["last_seen"].as_str().unwrap());
    assert!(findings(&app, &company, "?state=resolved").await.is_empty());
    let bad_filter = app
        .get(
            &format!("/v1/companies/{}/findings?kind=nope", company.id),
            Some(&company.admin_token),
        )
        .await;
    expect_error(bad_filter, StatusCode::BAD_REQUEST, "invalid_input").await;
}

async fn flags_of(app: &TestApp, company: &Company, user_id: &str) -> Vec<bool> {
    let path = format!("/v1/companies/{}/sessions?active=true", company.id);
    let list = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|session| session["user_id"] == user_id)
        .map(|session| session["flagged"].as_bool().unwrap())
        .collect()
}

#[tokio::test]
async fn sessions_of_a_shared_login_are_flagged_until_its_finding_is_resolved() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let (user_id, _) = app.add_user(&company, "standard_all").await;
    let user = expect_status(
        app.get(
            &format!("/v1/companies/{}/users/{user_id}", company.id),
            Some(&company.admin_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let email = user["email"].as_str().unwrap().to_owned();
    let body = shared_use(&email, Utc::now() - Duration::days(1));
    expect_status(
        import(&app, &company, "text/csv", body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(flags_of(&app, &company, &user_id).await, vec![false]);

    let summary = audit(&app, &company).await;
    assert_eq!(summary["flagged_sessions"], 1, "{summary}");
    assert_eq!(flags_of(&app, &company, &user_id).await, vec![true]);
    // Signing in again does not shed the flag.
    app.sign_in(&email, "phone").await;
    assert_eq!(flags_of(&app, &company, &user_id).await, vec![true, true]);

    let finding = &findings(&app, &company, "?kind=shared_login").await[0];
    let id = finding["id"].as_str().unwrap();
    let resolve =
        json!({"state": "resolved", "note": "cleared by the admin", "version": finding["version"]});
    expect_status(
        patch_finding(&app, &company, id, resolve).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(flags_of(&app, &company, &user_id).await, vec![false, false]);
}

#[tokio::test]
async fn openapi_documents_the_seat_auditor_routes() {
    let app = spawn_app().await;
    let body = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let paths = body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/companies/{company_id}/seats", "get"),
        ("/v1/companies/{company_id}/audit", "post"),
        ("/v1/companies/{company_id}/findings", "get"),
        ("/v1/companies/{company_id}/findings/{finding_id}", "get"),
        ("/v1/companies/{company_id}/findings/{finding_id}", "patch"),
        ("/v1/companies/{company_id}/seat-advice", "get"),
        ("/v1/companies/{company_id}/session-events", "post"),
        ("/v1/companies/{company_id}/settings/enforcement", "get"),
        ("/v1/companies/{company_id}/settings/enforcement", "put"),
    ] {
        assert!(paths[path][method].is_object(), "missing {method} {path}");
    }
    let finding = &body["components"]["schemas"]["FindingView"]["properties"];
    for field in [
        "id",
        "kind",
        "severity",
        "state",
        "login",
        "headcount",
        "evidence",
        "first_seen",
        "last_seen",
    ] {
        assert!(finding[field].is_object(), "FindingView lacks {field}");
    }
}

#[tokio::test]
async fn imported_locations_reveal_an_impossible_trip() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let start = Utc::now() - Duration::days(3);
    let events = json!([
        {"login": "road@martin.example", "event": "sign_in", "time": rfc3339(start),
         "device_id": "paris-pc", "latitude": 48.8566, "longitude": 2.3522, "country": "FR"},
        {"login": "road@martin.example", "event": "sign_out", "time": rfc3339(start + Duration::minutes(10)),
         "device_id": "paris-pc"},
        {"login": "road@martin.example", "event": "sign_in", "time": rfc3339(start + Duration::minutes(50)),
         "device_id": "new-york-pc", "latitude": 40.7128, "longitude": -74.0060, "country": "US"},
    ]);
    let report = expect_status(
        import(&app, &company, "application/json", events.to_string()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["imported"], 3, "{report}");
    audit(&app, &company).await;
    let trips = findings(&app, &company, "?kind=impossible_travel").await;
    assert_eq!(trips.len(), 1);
    assert_eq!(trips[0]["login"], "road@martin.example");
    assert_eq!(trips[0]["headcount"], 2);
    assert_eq!(trips[0]["evidence"]["trip_count"], 1);
    let shared = findings(&app, &company, "?kind=shared_login").await;
    assert_eq!(shared[0]["headcount"], 2, "the trip proves two people");
}
