//! `seatwarden audit`, `seatwarden import sessions` and the demo seed of `serve --demo`: the
//! seat auditor on the configured database, without the HTTP server. The operator holds the
//! database itself, so these run the unchecked domain cores.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::demo::{self, DemoCompany};
use super::table::findings_table;
use crate::alerts::audits::audit_now;
use crate::config::Settings;
use crate::seats::import::{self, ParsedImport};
use crate::seats::records::FindingView;
use crate::seats::service::audit_runs::AuditSummary;
use crate::seats::service::imports::import_now;
use crate::seats::storage::users::company_ids;
use crate::seats::SeatsError;
use crate::startup::Application;
use crate::store::{write_transaction, DatabaseUrl, Store};

/// Exit code of `audit` when a high-severity finding is open.
const HIGH_SEVERITY_OPEN: u8 = 3;

/// Exit code when there is no database to work on, as for unreadable settings.
const NO_DATABASE: u8 = 2;

/// How `audit` prints its summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
}

impl Output {
    pub fn json(json: bool) -> Self {
        if json {
            Self::Json
        } else {
            Self::Text
        }
    }
}

/// One company's audit as `audit --json` prints it.
#[derive(Serialize)]
struct CompanyAudit {
    company_id: String,
    #[serde(flatten)]
    summary: AuditSummary,
}

pub fn audit(settings: Settings, company: Option<String>, output: Output) -> ExitCode {
    let config = settings.audit_config();
    let store = match open_existing_store(&settings) {
        Ok(store) => store,
        Err(exit) => return exit,
    };
    let result = store
        .connection()
        .map_err(|e| e.to_string())
        .and_then(|mut conn| {
            let companies = match company {
                Some(id) => vec![id],
                None => company_ids(&mut conn).map_err(|e| e.to_string())?,
            };
            let mut audits = Vec::new();
            for company_id in companies {
                let summary = write_transaction(&mut conn, |conn| {
                    audit_now(conn, &company_id, &config, "cli")
                })
                .map_err(|error| describe(&company_id, error))?;
                if output == Output::Text {
                    print_summary(&company_id, &summary);
                }
                audits.push(CompanyAudit {
                    company_id,
                    summary,
                });
            }
            Ok(audits)
        });
    let audits = match result {
        Ok(audits) => audits,
        Err(error) => {
            eprintln!("seatwarden: {error}");
            return ExitCode::FAILURE;
        }
    };
    if output == Output::Json {
        match serde_json::to_string_pretty(&audits) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("seatwarden: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let high_open = audits
        .iter()
        .any(|audit| audit.summary.findings.iter().any(is_high_and_open));
    if high_open {
        ExitCode::from(HIGH_SEVERITY_OPEN)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_summary(company_id: &str, summary: &AuditSummary) {
    println!(
        "company {company_id}: {} sessions of {} logins audited; {} of {} billable seats \
         used, at least {} people behind them",
        summary.sessions_audited,
        summary.logins_audited,
        summary.seats.billable_total,
        summary.seats.limit,
        summary.effective.people
    );
    print!("{}", findings_table(&summary.findings));
}

fn is_high_and_open(finding: &FindingView) -> bool {
    finding.severity == "high" && finding.state == "open"
}

/// Imports a CSV or JSON file; exits with 1 when some rows were rejected (the good ones are
/// kept, as through the API).
pub fn import_sessions(settings: Settings, file: &Path, company_id: &str) -> ExitCode {
    let store = match open_existing_store(&settings) {
        Ok(store) => store,
        Err(exit) => return exit,
    };
    let result = read_import(file).and_then(|parsed| {
        let mut conn = store.connection().map_err(|e| e.to_string())?;
        write_transaction(&mut conn, |conn| import_now(conn, company_id, parsed))
            .map_err(|error| describe(company_id, error))
    });
    match result {
        Ok(report) => {
            println!(
                "{} rows: {} imported, {} already there, {} rejected; new external logins: {}",
                report.received,
                report.imported,
                report.duplicates,
                report.rejected,
                if report.users_created.is_empty() {
                    "none".to_owned()
                } else {
                    report.users_created.join(", ")
                }
            );
            for error in &report.errors {
                eprintln!("row {}: `{}` {}", error.row, error.field, error.message);
            }
            if report.rejected == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("seatwarden: {error}");
            ExitCode::FAILURE
        }
    }
}

/// JSON when the file says so by its extension or its first character, CSV otherwise.
fn read_import(file: &Path) -> Result<ParsedImport, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    let by_extension = file
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase);
    let json = match by_extension.as_deref() {
        Some("json") => true,
        Some("csv") => false,
        _ => text.trim_start().starts_with('['),
    };
    let now = chrono::Utc::now();
    let parsed = if json {
        import::parse_json(&text, now)
    } else {
        import::parse_csv(&text, now)
    };
    parsed.map_err(|error| format!("{}: {error}", file.display()))
}

/// The configured database, brought up to date. A SQLite file that does not exist is
/// refused rather than created: an audit of an empty database from a mistyped path would
/// report nothing wrong.
fn open_existing_store(settings: &Settings) -> Result<Store, ExitCode> {
    if let DatabaseUrl::Sqlite(path) = &settings.database {
        if !path.exists() {
            eprintln!(
                "seatwarden: no database at {}: check the settings' database_url, or create it \
                 with `seatwarden migrate`",
                path.display()
            );
            return Err(ExitCode::from(NO_DATABASE));
        }
    }
    let opened = Store::open(&settings.database, 1)
        .map_err(|e| e.to_string())
        .and_then(|store| store.migrate().map(|_| store).map_err(|e| e.to_string()));
    opened.map_err(|error| {
        eprintln!("seatwarden: {error}");
        ExitCode::from(NO_DATABASE)
    })
}

fn describe(company_id: &str, error: SeatsError) -> String {
    match error {
        SeatsError::NotFound => format!("no company {company_id}"),
        other => format!("company {company_id}: {other}"),
    }
}

/// Seeds the demo company when the database is empty, and tells in the log how to sign in to
/// the API and to the pages served on `port`.
pub async fn seed_demo(application: &Application) -> Result<Option<DemoCompany>, String> {
    let (state, port) = (application.state(), application.port());
    let authz = state.gate.authz().clone();
    let config = state.settings.audit_config();
    let seeded = application
        .store()
        .write(move |conn| demo::seed_if_empty(conn, &authz, &config))
        .await
        .map_err(|error: SeatsError| format!("demo: {error}"))?;
    match &seeded {
        Some(company) => {
            tracing::info!(
                company_id = %company.company_id,
                email = %company.admin_email,
                password = %company.admin_password,
                findings = company.audit.findings.len(),
                "demo company seeded and audited: sign in with this email and password"
            );
            tracing::info!(
                pages = %format!("http://{}:{port}/ui", state.settings.host),
                email = %company.officer_email,
                password = %company.officer_password,
                "demo pages: open this address and sign in as the compliance officer (the admin above may edit)"
            );
        }
        None => tracing::info!("demo: the database already holds a company; nothing seeded"),
    }
    Ok(seeded)
}
