//! Alert settings, the outbox and mail delivery, against a real SMTP server started in the
//! test process (mailin-embedded): what arrives, what waits while SMTP is down, what an
//! address that refuses for good shows, and one mail from two nodes.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use seatwarden::alerts::jobs::{self, Delivery};
use seatwarden::alerts::schedule::Job;
use seatwarden::alerts::scheduler::{run_tick, JobContext, Tick};
use seatwarden::config::RawSettings;
use seatwarden::identity::sessions::SessionTimeouts;

use crate::helpers::{
    expect_error, expect_status, spawn_app, spawn_app_with, start_node, Company, TestApp,
};
use crate::seats::{audit, import, shared_use};
use crate::smtp::{free_port, start_smtp};

const PUBLIC_URL: &str = "https://seatwarden.test";
const SHARED: &str = "team@martin.example";

fn smtp_settings(port: u16) -> impl FnOnce(&mut RawSettings) + Clone {
    move |raw: &mut RawSettings| {
        raw.smtp_host = Some("127.0.0.1".into());
        raw.smtp_port = port;
        raw.smtp_tls = "none".into();
        raw.public_url = format!("{PUBLIC_URL}/");
    }
}

fn settings_path(company: &Company) -> String {
    format!("/v1/companies/{}/alert-settings", company.id)
}

async fn set_recipients(app: &TestApp, company: &Company, recipients: &[&str]) -> Value {
    let response = app
        .client
        .put(app.url(&settings_path(company)))
        .bearer_auth(&company.admin_token)
        .json(&json!({"recipients": recipients, "min_severity": "medium",
                      "digest_enabled": true, "version": 1}))
        .send()
        .await
        .unwrap();
    expect_status(response, StatusCode::OK).await
}

async fn alerts(app: &TestApp, company: &Company, query: &str) -> Vec<Value> {
    let path = format!("/v1/companies/{}/alerts{query}", company.id);
    let body = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    body["items"].as_array().unwrap().clone()
}

/// Two devices used `SHARED` at once two days ago; imported, then audited.
async fn share_a_login_and_audit(app: &TestApp, company: &Company) -> Value {
    let body = shared_use(SHARED, Utc::now() - Duration::days(2));
    expect_status(import(app, company, "text/csv", body).await, StatusCode::OK).await;
    audit(app, company).await
}

async fn deliver(jobs: &JobContext, at: chrono::NaiveDateTime) -> Delivery {
    jobs::deliver_mail(&jobs.store, jobs.mailer.as_ref(), PUBLIC_URL, at)
        .await
        .expect("delivery runs")
}

/// A delivery run's figures: sent, retrying, failed.
fn counts(sent: usize, retrying: usize, failed: usize) -> Delivery {
    Delivery {
        sent,
        retrying,
        failed,
    }
}

fn now() -> chrono::NaiveDateTime {
    Utc::now().naive_utc()
}

#[tokio::test]
async fn admins_read_and_change_alert_settings_and_other_roles_cannot() {
    let app = spawn_app().await;
    let company = app.signup("advanced").await;
    let path = settings_path(&company);
    let defaults = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(defaults["recipients"], json!([]));
    assert_eq!(defaults["min_severity"], "medium");
    assert_eq!(defaults["digest_enabled"], true);
    assert_eq!(defaults["version"], 1);

    let saved = set_recipients(
        &app,
        &company,
        &["Compliance@Martin.example", "boss@martin.example"],
    )
    .await;
    assert_eq!(
        saved["recipients"],
        json!(["compliance@martin.example", "boss@martin.example"])
    );
    assert_eq!(saved["version"], 2);
    let stale = app
        .client
        .put(app.url(&path))
        .bearer_auth(&company.admin_token)
        .json(&json!({"recipients": [], "min_severity": "high", "digest_enabled": false, "version": 1}))
        .send()
        .await
        .unwrap();
    let conflict = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(conflict["current"]["version"], 2);

    for (body, field) in [
        (
            json!({"recipients": ["not an address"], "min_severity": "high", "digest_enabled": true, "version": 2}),
            "recipients",
        ),
        (
            json!({"recipients": [], "min_severity": "urgent", "digest_enabled": true, "version": 2}),
            "min_severity",
        ),
        (
            json!({"recipients": [], "min_severity": "high", "digest_enabled": true}),
            "version",
        ),
    ] {
        let response = app
            .client
            .put(app.url(&path))
            .bearer_auth(&company.admin_token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let error = expect_error(response, StatusCode::BAD_REQUEST, "invalid_input").await;
        assert_eq!(error["field"], field, "{error}");
    }

    for role in ["accountant", "standard_all", "reports_only"] {
        let (_, token) = app.add_user(&company, role).await;
        expect_error(
            app.get(&path, Some(&token)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let alerts_path = format!("/v1/companies/{}/alerts", company.id);
        expect_error(
            app.get(&alerts_path, Some(&token)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    let other = app.signup("plus").await;
    expect_error(
        app.get(&path, Some(&other.admin_token)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_shared_login_mails_each_recipient_the_evidence_and_a_link_once() {
    let port = free_port();
    let inbox = start_smtp(port, &[]);
    let app = spawn_app_with(smtp_settings(port)).await;
    let company = app.signup("advanced").await;
    set_recipients(
        &app,
        &company,
        &["compliance@martin.example", "boss@martin.example"],
    )
    .await;
    let summary = share_a_login_and_audit(&app, &company).await;
    let finding_id = summary["findings"][0]["id"].as_str().unwrap().to_owned();

    let queued = alerts(&app, &company, "").await;
    assert_eq!(queued.len(), 2, "{queued:?}");
    assert!(queued.iter().all(|alert| alert["state"] == "queued"
        && alert["delivered"] == false
        && alert["finding_id"] == finding_id.as_str()));

    let delivery = deliver(&app.jobs, now()).await;
    assert_eq!(delivery, counts(2, 0, 0));
    let mut mails = inbox.mails();
    mails.sort_by_key(|mail| mail.envelope_to.clone());
    let recipients: Vec<Vec<String>> = mails.iter().map(|m| m.envelope_to.clone()).collect();
    assert_eq!(
        recipients,
        vec![
            vec!["boss@martin.example".to_owned()],
            vec!["compliance@martin.example".to_owned()]
        ]
    );
    let mail = &mails[0];
    assert_eq!(
        mail.subject(),
        format!("[Seatwarden] Shared login: {SHARED} is used by at least 2 people")
    );
    let text = mail.text();
    let link = format!(
        "{PUBLIC_URL}/ui/companies/{}/findings/{finding_id}",
        company.id
    );
    assert!(text.contains("pc-1") && text.contains("pc-2"), "{text}");
    assert!(
        text.contains("were both working on this login from"),
        "{text}"
    );
    assert!(
        text.contains("What to do") && text.contains(&link),
        "{text}"
    );
    assert!(
        mail.html().contains(&format!("href=\"{link}\"")),
        "{}",
        mail.html()
    );

    let sent = alerts(&app, &company, "?state=sent").await;
    assert_eq!(sent.len(), 2);
    let path = format!("/v1/companies/{}/alerts?limit=1", company.id);
    let first = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    let cursor = first["next"].as_str().expect("a second page").to_owned();
    let second = alerts(&app, &company, &format!("?limit=1&cursor={cursor}")).await;
    assert_eq!(second.len(), 1);
    assert_ne!(second[0]["id"], first["items"][0]["id"]);
    assert!(sent
        .iter()
        .all(|alert| alert["delivered"] == true && alert["attempts"] == 1));
    // The same finding audited again, and another delivery run: nothing new goes out.
    audit(&app, &company).await;
    assert_eq!(deliver(&app.jobs, now()).await, Delivery::default());
    assert_eq!(inbox.mails().len(), 2);
}

#[tokio::test]
async fn a_french_company_is_mailed_in_french() {
    let port = free_port();
    let inbox = start_smtp(port, &[]);
    let app = spawn_app_with(smtp_settings(port)).await;
    let email = format!("owner-{}@example.fr", uuid::Uuid::new_v4().simple());
    let signed_up = expect_status(
        app.post(
            "/v1/signup",
            None,
            &json!({"company_name": "Bâtiments Martin", "plan": "advanced", "email": email,
                    "password": crate::helpers::PASSWORD, "display_name": "Claire Martin",
                    "locale": "fr"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let company = Company {
        id: signed_up["company"]["id"].as_str().unwrap().to_owned(),
        admin_id: signed_up["user"]["id"].as_str().unwrap().to_owned(),
        admin_token: signed_up["token"].as_str().unwrap().to_owned(),
        admin_email: email,
    };
    set_recipients(&app, &company, &["conformite@martin.example"]).await;
    share_a_login_and_audit(&app, &company).await;
    deliver(&app.jobs, now()).await;
    let mails = inbox.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].subject(),
        format!("[Seatwarden] Identifiant partagé : {SHARED} est utilisé par au moins 2 personnes")
    );
    let text = mails[0].text();
    assert!(
        text.contains("l'appareil pc-1 et l'appareil pc-2 travaillaient en même temps"),
        "{text}"
    );
    assert!(text.contains("Que faire"), "{text}");
}

#[tokio::test]
async fn while_smtp_is_down_alerts_wait_and_are_delivered_exactly_once_when_it_is_back() {
    let port = free_port();
    let app = spawn_app_with(smtp_settings(port)).await;
    let company = app.signup("advanced").await;
    set_recipients(&app, &company, &["compliance@martin.example"]).await;
    share_a_login_and_audit(&app, &company).await;

    let down = deliver(&app.jobs, now()).await;
    assert_eq!(down, counts(0, 1, 0));
    let waiting = alerts(&app, &company, "").await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["state"], "queued");
    assert_eq!(waiting[0]["attempts"], 1);
    assert!(waiting[0]["last_error"]
        .as_str()
        .is_some_and(|e| !e.is_empty()));
    assert!(waiting[0]["next_attempt_at"].is_string());
    // Before its backoff ends the mail is not tried again.
    assert_eq!(deliver(&app.jobs, now()).await, Delivery::default());

    let inbox = start_smtp(port, &[]);
    let later = now() + Duration::hours(2);
    assert_eq!(deliver(&app.jobs, later).await, counts(1, 0, 0));
    assert_eq!(deliver(&app.jobs, later).await, Delivery::default());
    assert_eq!(inbox.mails().len(), 1);
    let sent = alerts(&app, &company, "").await;
    assert_eq!(sent[0]["state"], "sent");
    assert_eq!(sent[0]["attempts"], 2);
}

#[tokio::test]
async fn an_address_that_refuses_for_good_is_marked_failed_and_the_others_still_receive() {
    let port = free_port();
    let inbox = start_smtp(port, &["gone@martin.example"]);
    let app = spawn_app_with(smtp_settings(port)).await;
    let company = app.signup("advanced").await;
    set_recipients(
        &app,
        &company,
        &["gone@martin.example", "compliance@martin.example"],
    )
    .await;
    share_a_login_and_audit(&app, &company).await;

    let delivery = deliver(&app.jobs, now()).await;
    assert_eq!(delivery, counts(1, 0, 1));
    let failed = alerts(&app, &company, "?state=failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["recipient"], "gone@martin.example");
    assert!(
        failed[0]["last_error"].as_str().unwrap().contains("550"),
        "{failed:?}"
    );
    // Never tried again.
    assert_eq!(
        deliver(&app.jobs, now() + Duration::days(1)).await,
        Delivery::default()
    );
    let mails = inbox.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].envelope_to,
        vec!["compliance@martin.example".to_owned()]
    );
}

#[tokio::test]
async fn without_an_smtp_host_alerts_stay_queued_and_show_undelivered() {
    let app = spawn_app().await;
    let company = app.signup("advanced").await;
    set_recipients(&app, &company, &["compliance@martin.example"]).await;
    share_a_login_and_audit(&app, &company).await;
    assert!(app.jobs.mailer.is_none());
    assert_eq!(deliver(&app.jobs, now()).await, Delivery::default());
    let queued = alerts(&app, &company, "").await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["state"], "queued");
    assert_eq!(queued[0]["delivered"], false);
    assert_eq!(queued[0]["attempts"], 0);
    expect_error(
        app.get(
            &format!("/v1/companies/{}/alerts?state=lost", company.id),
            Some(&company.admin_token),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
}

#[tokio::test]
async fn a_finding_below_the_threshold_is_not_mailed_at_once_but_is_in_the_digest() {
    let port = free_port();
    let inbox = start_smtp(port, &[]);
    let app = spawn_app_with(smtp_settings(port)).await;
    let company = app.signup("advanced").await;
    let response = app
        .client
        .put(app.url(&settings_path(&company)))
        .bearer_auth(&company.admin_token)
        .json(
            &json!({"recipients": ["compliance@martin.example"], "min_severity": "high",
                      "digest_enabled": true, "version": 1}),
        )
        .send()
        .await
        .unwrap();
    expect_status(response, StatusCode::OK).await;
    // Two devices prove two people: a medium finding.
    let summary = share_a_login_and_audit(&app, &company).await;
    assert_eq!(summary["findings"][0]["severity"], "medium");
    assert!(alerts(&app, &company, "").await.is_empty());

    let queued = jobs::queue_digests(&app.jobs.store, now()).await.unwrap();
    assert_eq!(queued, 1);
    assert_eq!(
        jobs::queue_digests(&app.jobs.store, now()).await.unwrap(),
        0
    );
    deliver(&app.jobs, now()).await;
    let mails = inbox.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].subject(),
        "[Seatwarden] Daily digest of open findings: 1"
    );
    assert!(mails[0].text().contains(SHARED), "{}", mails[0].text());
}

#[tokio::test]
async fn two_nodes_on_one_database_run_a_tick_once_and_send_one_mail() {
    let port = free_port();
    let inbox = start_smtp(port, &[]);
    let app = spawn_app_with(smtp_settings(port)).await;
    let (_, second) = start_node(&app.database_url, smtp_settings(port));
    let company = app.signup("advanced").await;
    set_recipients(&app, &company, &["compliance@martin.example"]).await;
    let body = shared_use(SHARED, Utc::now() - Duration::days(2));
    expect_status(
        import(&app, &company, "text/csv", body).await,
        StatusCode::OK,
    )
    .await;

    let (first_tick, second_tick) = tokio::join!(
        run_tick(&app.jobs, Job::Audit),
        run_tick(&second, Job::Audit)
    );
    let mut ticks = vec![first_tick.unwrap(), second_tick.unwrap()];
    ticks.sort_by_key(|tick| *tick == Tick::Skipped);
    assert_eq!(ticks, vec![Tick::Ran, Tick::Skipped]);
    assert_eq!(alerts(&app, &company, "").await.len(), 1);

    // Both nodes deliver at once: the claim lets one of them send.
    let (a, b) = tokio::join!(deliver(&app.jobs, now()), deliver(&second, now()));
    assert_eq!(a.sent + b.sent, 1, "{a:?} {b:?}");
    assert_eq!(inbox.mails().len(), 1);
}

#[tokio::test]
async fn the_scheduled_audit_finds_shared_logins_of_every_company() {
    let app = spawn_app().await;
    let company = app.signup("advanced").await;
    let body = shared_use(SHARED, Utc::now() - Duration::days(2));
    expect_status(
        import(&app, &company, "text/csv", body).await,
        StatusCode::OK,
    )
    .await;
    let quiet = app.signup("plus").await;
    let settings = RawSettings::default().validate().unwrap();
    let round = jobs::run_audits(&app.jobs.store, &settings.audit_config())
        .await
        .unwrap();
    assert_eq!(round.failed, 0);
    assert!(round.audited >= 2);
    let path = format!("/v1/companies/{}/findings?kind=shared_login", company.id);
    let found = expect_status(
        app.get(&path, Some(&company.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["items"][0]["login"], SHARED);
    let path = format!("/v1/companies/{}/findings", quiet.id);
    let none = expect_status(
        app.get(&path, Some(&quiet.admin_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["items"], json!([]));
}

#[tokio::test]
async fn the_session_expiry_job_ends_idle_sessions() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let timeouts = SessionTimeouts {
        idle: Duration::minutes(30),
        lifetime: Duration::hours(12),
    };
    let ended = jobs::expire_sessions(&app.jobs.store, timeouts, now() + Duration::hours(1))
        .await
        .unwrap();
    assert!(ended >= 1);
    expect_error(
        app.get(
            &format!("/v1/companies/{}/users", company.id),
            Some(&company.admin_token),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn openapi_documents_the_alert_routes() {
    let app = spawn_app().await;
    let body = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let paths = body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/companies/{company_id}/alert-settings", "get"),
        ("/v1/companies/{company_id}/alert-settings", "put"),
        ("/v1/companies/{company_id}/alerts", "get"),
    ] {
        assert!(paths[path][method].is_object(), "missing {method} {path}");
    }
}

#[tokio::test]
async fn the_scheduler_audits_and_mails_on_its_own() {
    let port = free_port();
    let inbox = start_smtp(port, &[]);
    let (database, database_url) = crate::helpers::TestDatabase::create();
    let mut raw = crate::helpers::test_settings(&database_url);
    smtp_settings(port)(&mut raw);
    raw.audit_cron = "* * * * * *".into();
    raw.mail_cron = "* * * * * *".into();
    let application =
        seatwarden::startup::Application::build(raw.validate().unwrap()).expect("starts");
    let mut scheduler = application
        .start_scheduler()
        .await
        .unwrap()
        .expect("the scheduler is on by default");
    let address = format!("http://127.0.0.1:{}", application.port());
    let jobs = application.jobs().clone();
    tokio::spawn(application.run_until_stopped());
    let app = TestApp::attach(address, database_url, database, jobs);
    let company = app.signup("advanced").await;
    set_recipients(&app, &company, &["compliance@martin.example"]).await;
    let body = shared_use(SHARED, Utc::now() - Duration::days(2));
    expect_status(
        import(&app, &company, "text/csv", body).await,
        StatusCode::OK,
    )
    .await;

    let mut waited_ms = 0;
    while inbox.mails().is_empty() && waited_ms < 15_000 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        waited_ms += 200;
    }
    scheduler.shutdown().await.unwrap();
    let mails = inbox.mails();
    assert_eq!(mails.len(), 1, "no mail after {waited_ms} ms");
    assert!(mails[0].subject().contains(SHARED));
}

#[tokio::test]
async fn serve_refuses_an_invalid_cron_expression_naming_the_setting() {
    let directory = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_seatwarden"))
        .arg("serve")
        .current_dir(directory.path())
        .env("DATABASE_URL", directory.path().join("sw.db"))
        .env("SEATWARDEN_PORT", "0")
        .env("SEATWARDEN_AUDIT_CRON", "every quarter hour")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut waited_ms = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if waited_ms > 20_000 {
            child.kill().unwrap();
            break None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited_ms += 100;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.is_some_and(|s| !s.success()), "serve kept running");
    assert!(stderr.contains("audit_cron"), "{stderr}");
}
