//! A company's alert settings: who is mailed, from which severity at once, and whether a
//! daily digest goes out. A company that never saved them has the defaults (version 1): no
//! recipients, `medium` and up, digest on.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::AlertsError;
use super::settings_view::AlertSettingsView;
use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::clock::rfc3339;
use crate::identity::companies::find_company;
use crate::identity::fields::Email;
use crate::seats::findings::Severity;
use crate::store::schema::alert_settings;
use crate::store::DbConnection;

/// Most recipients one company may name.
pub const MAX_RECIPIENTS: usize = 20;
const DEFAULT_MIN_SEVERITY: Severity = Severity::Medium;

/// Settings as a person sets them, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSettings {
    pub recipients: Vec<Email>,
    pub min_severity: Severity,
    pub digest_enabled: bool,
}

impl AlertSettings {
    /// Recipients are parsed as emails, duplicates dropped, at most `MAX_RECIPIENTS`.
    pub fn parse(
        recipients: &[String],
        min_severity: &str,
        digest_enabled: bool,
    ) -> Result<Self, AlertsError> {
        let mut parsed: Vec<Email> = Vec::new();
        for text in recipients {
            let email = Email::parse(text).map_err(|problem| AlertsError::Invalid {
                field: "recipients",
                problem: format!("`{text}` {problem}"),
            })?;
            if !parsed.contains(&email) {
                parsed.push(email);
            }
        }
        if parsed.len() > MAX_RECIPIENTS {
            return Err(AlertsError::Invalid {
                field: "recipients",
                problem: format!("must name at most {MAX_RECIPIENTS} addresses"),
            });
        }
        let min_severity = Severity::parse(min_severity).ok_or_else(|| AlertsError::Invalid {
            field: "min_severity",
            problem: "must be low, medium or high".into(),
        })?;
        Ok(Self {
            recipients: parsed,
            min_severity,
            digest_enabled,
        })
    }

    /// Whether a finding of this severity is mailed as soon as it is found.
    pub fn mails_at_once(&self, severity: Severity) -> bool {
        severity >= self.min_severity
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = alert_settings)]
struct AlertSettingsRow {
    company_id: String,
    recipients: String,
    min_severity: String,
    digest_enabled: bool,
    version: i64,
    updated_by: Option<String>,
    updated_at: NaiveDateTime,
}

/// The stored settings, or the defaults; with their version.
pub fn load(conn: &mut DbConnection, company_id: &str) -> QueryResult<(AlertSettings, i64)> {
    Ok(match load_row(conn, company_id)? {
        Some(row) => (settings_of(&row), row.version),
        None => (defaults(), 1),
    })
}

fn load_row(conn: &mut DbConnection, company_id: &str) -> QueryResult<Option<AlertSettingsRow>> {
    alert_settings::table
        .find(company_id)
        .select(AlertSettingsRow::as_select())
        .get_result(conn)
        .optional()
}

fn defaults() -> AlertSettings {
    AlertSettings {
        recipients: Vec::new(),
        min_severity: DEFAULT_MIN_SEVERITY,
        digest_enabled: true,
    }
}

/// Stored values were checked when written; one that no longer parses falls back to the
/// default rather than silencing every alert.
fn settings_of(row: &AlertSettingsRow) -> AlertSettings {
    let recipients: Vec<String> = serde_json::from_str(&row.recipients).unwrap_or_default();
    AlertSettings {
        recipients: recipients
            .iter()
            .filter_map(|text| Email::parse(text).ok())
            .collect(),
        min_severity: Severity::parse(&row.min_severity).unwrap_or(DEFAULT_MIN_SEVERITY),
        digest_enabled: row.digest_enabled,
    }
}

fn view(conn: &mut DbConnection, company_id: &str) -> QueryResult<AlertSettingsView> {
    let row = load_row(conn, company_id)?;
    let settings = row.as_ref().map_or_else(defaults, settings_of);
    Ok(AlertSettingsView {
        recipients: settings
            .recipients
            .iter()
            .map(|email| email.as_str().to_owned())
            .collect(),
        min_severity: settings.min_severity.as_str().to_owned(),
        digest_enabled: settings.digest_enabled,
        version: row.as_ref().map_or(1, |row| row.version),
        updated_by: row.as_ref().and_then(|row| row.updated_by.clone()),
        updated_at: row.map(|row| rfc3339(row.updated_at)),
    })
}

pub fn get_alert_settings(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<AlertSettingsView, AlertsError> {
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ViewAlertSettings,
        &resource,
        Options::default(),
    )?;
    find_company(conn, company_id)?;
    Ok(view(conn, company_id)?)
}

pub fn set_alert_settings(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    settings: &AlertSettings,
    expected_version: i64,
) -> Result<AlertSettingsView, AlertsError> {
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(
        conn,
        actor,
        Action::EditAlertSettings,
        &resource,
        Options::default(),
    )?;
    save(
        conn,
        company_id,
        settings,
        expected_version,
        Some(&actor.user_id),
    )
}

/// Writes the settings if they are still at `expected_version`. Unchecked: callers authorize.
pub fn save(
    conn: &mut DbConnection,
    company_id: &str,
    settings: &AlertSettings,
    expected_version: i64,
    updated_by: Option<&str>,
) -> Result<AlertSettingsView, AlertsError> {
    find_company(conn, company_id)?;
    let recipients: Vec<&str> = settings.recipients.iter().map(Email::as_str).collect();
    let row = AlertSettingsRow {
        company_id: company_id.to_owned(),
        recipients: serde_json::Value::from(recipients).to_string(),
        min_severity: settings.min_severity.as_str().to_owned(),
        digest_enabled: settings.digest_enabled,
        version: expected_version + 1,
        updated_by: updated_by.map(str::to_owned),
        updated_at: crate::clock::now(),
    };
    let stored_version = load_row(conn, company_id)?.map(|stored| stored.version);
    let written = match stored_version {
        Some(version) if version != expected_version => 0,
        None if expected_version != 1 => 0,
        // Never saved: the first writer inserts; a concurrent first writer loses on the key.
        None => match conn {
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(alert_settings::table)
                .values(&row)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(alert_settings::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(c)?,
        },
        Some(_) => diesel::update(alert_settings::table.find(company_id))
            .filter(alert_settings::version.eq(expected_version))
            .set((
                alert_settings::recipients.eq(&row.recipients),
                alert_settings::min_severity.eq(&row.min_severity),
                alert_settings::digest_enabled.eq(row.digest_enabled),
                alert_settings::version.eq(row.version),
                alert_settings::updated_by.eq(&row.updated_by),
                alert_settings::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?,
    };
    let current = view(conn, company_id)?;
    if written == 0 {
        return Err(AlertsError::Conflict {
            expected: expected_version,
            current: Box::new(current),
        });
    }
    Ok(current)
}
