//! `seatwarden audit`, `seatwarden import sessions` and the demo seed of `serve --demo`: the
//! seat auditor on the configured database, without the HTTP server. The operator holds the
//! database itself, so these run the unchecked domain cores.

use std::path::Path;
use std::process::ExitCode;

use super::demo::{self, DemoCompany};
use super::table::findings_table;
use crate::alerts::audits::audit_now;
use crate::config::Settings;
use crate::seats::import::{self, ParsedImport};
use crate::seats::records::FindingView;
use crate::seats::service::imports::import_now;
use crate::seats::storage::users::company_ids;
use crate::seats::SeatsError;
use crate::startup::Application;
use crate::store::{write_transaction, Store};

/// Exit code of `audit` when a high-severity finding is open.
const HIGH_SEVERITY_OPEN: u8 = 3;

pub fn audit(settings: Settings, company: Option<String>) -> ExitCode {
    let config = settings.audit_config();
    let result = open_store(&settings).and_then(|store| {
        let mut conn = store.connection().map_err(|e| e.to_string())?;
        let companies = match company {
            Some(id) => vec![id],
            None => company_ids(&mut conn).map_err(|e| e.to_string())?,
        };
        let mut high_open = false;
        for company_id in companies {
            let summary = write_transaction(&mut conn, |conn| {
                audit_now(conn, &company_id, &config, "cli")
            })
            .map_err(|error| describe(&company_id, error))?;
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
            high_open |= summary.findings.iter().any(is_high_and_open);
        }
        Ok(high_open)
    });
    match result {
        Ok(true) => ExitCode::from(HIGH_SEVERITY_OPEN),
        Ok(false) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("seatwarden: {error}");
            ExitCode::FAILURE
        }
    }
}

fn is_high_and_open(finding: &FindingView) -> bool {
    finding.severity == "high" && finding.state == "open"
}

/// Imports a CSV or JSON file; exits with 1 when some rows were rejected (the good ones are
/// kept, as through the API).
pub fn import_sessions(settings: Settings, file: &Path, company_id: &str) -> ExitCode {
    let result = read_import(file).and_then(|parsed| {
        let store = open_store(&settings)?;
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

fn open_store(settings: &Settings) -> Result<Store, String> {
    let store = Store::open(&settings.database, 1).map_err(|e| e.to_string())?;
    store.migrate().map_err(|e| e.to_string())?;
    Ok(store)
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
