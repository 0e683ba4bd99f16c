//! The command line on the test database: `audit` exit codes and `import sessions`.

use std::process::Output;

use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::helpers::{expect_status, spawn_app, TestApp};
use crate::seats::{csv, import, working};

/// Runs the built binary on the app's database, from an empty directory (no settings file).
async fn seatwarden(app: &TestApp, args: &[&str]) -> Output {
    let database_url = app.database_url.clone();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let directory = tempfile::tempdir().expect("temporary directory");
        std::process::Command::new(env!("CARGO_BIN_EXE_seatwarden"))
            .args(&args)
            .current_dir(directory.path())
            .env("DATABASE_URL", database_url)
            .env("SEATWARDEN_LOG_FILTER", "error")
            .output()
            .expect("the binary runs")
    })
    .await
    .expect("the command finished")
}

#[tokio::test]
async fn audit_exits_3_while_a_high_severity_finding_is_open_and_import_reads_files() {
    let app = spawn_app().await;
    let quiet = app.signup("plus").await;
    let clean = seatwarden(&app, &["audit", "--company", &quiet.id]).await;
    let stdout = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("no findings"), "{stdout}");

    let company = app.signup("plus").await;
    let start = Utc::now() - Duration::days(1);
    let mut rows = Vec::new();
    for device in ["pc-1", "pc-2", "pc-3"] {
        rows.extend(working(
            "team@martin.example",
            "standard_all",
            device,
            start,
            start + Duration::hours(2),
        ));
    }
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("events.csv");
    std::fs::write(&file, csv(&rows)).unwrap();
    let file = file.to_string_lossy().into_owned();
    let imported = seatwarden(
        &app,
        &["import", "sessions", &file, "--company", &company.id],
    )
    .await;
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert_eq!(imported.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!("{} imported", rows.len())),
        "{stdout}"
    );
    // The API sees the same events: importing them again adds nothing.
    let again = expect_status(
        import(&app, &company, "text/csv", csv(&rows)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["imported"], 0);

    let audited = seatwarden(&app, &["audit", "--company", &company.id]).await;
    let stdout = String::from_utf8_lossy(&audited.stdout);
    assert_eq!(audited.status.code(), Some(3), "{stdout}");
    let line = stdout
        .lines()
        .find(|line| line.starts_with("shared_login"))
        .unwrap_or_else(|| panic!("a shared_login line: {stdout}"));
    assert!(
        line.contains("high") && line.contains("team@martin.example"),
        "{line}"
    );

    let missing = seatwarden(&app, &["audit", "--company", "no-such-company"]).await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no company"));
}

#[tokio::test]
async fn audit_json_gives_scripts_the_summary_and_the_same_exit_code() {
    let app = spawn_app().await;
    let company = app.signup("plus").await;
    let audited = seatwarden(&app, &["audit", "--json", "--company", &company.id]).await;
    let stdout = String::from_utf8_lossy(&audited.stdout);
    assert_eq!(audited.status.code(), Some(0), "{stdout}");
    let audits: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(audits[0]["company_id"], company.id.as_str());
    assert_eq!(audits[0]["seats"]["limit"], 5, "{audits}");
    assert!(audits[0]["findings"].as_array().is_some(), "{audits}");
}

/// Runs the binary with a settings file naming a SQLite database.
fn seatwarden_on_file(args: &[&str], database: &std::path::Path) -> Output {
    let directory = tempfile::tempdir().expect("temporary directory");
    std::process::Command::new(env!("CARGO_BIN_EXE_seatwarden"))
        .args(args)
        .current_dir(directory.path())
        .env("DATABASE_URL", format!("sqlite://{}", database.display()))
        .env("SEATWARDEN_LOG_FILTER", "error")
        .output()
        .expect("the binary runs")
}

#[test]
fn audit_of_a_database_that_does_not_exist_refuses_and_creates_nothing() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("mistyped.db");
    let audited = seatwarden_on_file(&["audit"], &database);
    assert_eq!(audited.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&audited.stderr);
    assert!(stderr.contains("no database at"), "{stderr}");
    assert!(!database.exists(), "no empty database is created");

    let imported = seatwarden_on_file(
        &["import", "sessions", "x.csv", "--company", "c"],
        &database,
    );
    assert_eq!(imported.status.code(), Some(2));
    assert!(!database.exists());
}

#[test]
fn import_sessions_help_documents_the_columns() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let help = seatwarden_on_file(
        &["import", "sessions", "--help"],
        &directory.path().join("unused.db"),
    );
    let text = String::from_utf8_lossy(&help.stdout);
    for column in [
        "login",
        "event",
        "time",
        "ip",
        "user_agent",
        "device_id",
        "latitude",
        "country",
        "role",
    ] {
        assert!(text.contains(column), "{column} in {text}");
    }
    assert!(text.contains("sign_in, sign_out or activity"), "{text}");
}
