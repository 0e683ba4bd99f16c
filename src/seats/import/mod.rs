//! Sign-in events sent by other apps, as CSV or JSON: each row validated on its own, so that
//! one bad row names its row and field and the good rows are kept. No database here.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::Value;

use super::timeline::{EventKind, SignInEvent};
use crate::identity::fields::{parse_device_id, Email};
use crate::identity::Role;

/// Rows in one import; a larger file is refused whole rather than half imported.
pub const MAX_ROWS: usize = 100_000;
/// Longest user agent kept, like the service's own sessions.
const MAX_USER_AGENT_CHARS: usize = 512;
/// Other apps' clocks may run ahead a little; further in the future is a wrong date.
const MAX_FUTURE_SKEW: TimeDelta = TimeDelta::days(1);

/// The columns of DESIGN.md, in the order of the CSV header.
pub const COLUMNS: [&str; 10] = [
    "login",
    "event",
    "time",
    "ip",
    "user_agent",
    "device_id",
    "latitude",
    "longitude",
    "country",
    "role",
];
const REQUIRED: [&str; 3] = ["login", "event", "time"];

/// One valid row: the event, and the role its login gets if it is not yet a user.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedEvent {
    /// 1-based position among the data rows.
    pub row: usize,
    pub event: SignInEvent,
    pub role: Option<Role>,
}

/// Why a row was left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// 1-based position among the data rows (the CSV header is not a row).
    pub row: usize,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedImport {
    pub events: Vec<ImportedEvent>,
    pub errors: Vec<RowError>,
}

/// The body as a whole cannot be read; no row is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the body is not valid {format}: {problem}")]
    Unreadable {
        format: &'static str,
        problem: String,
    },
    #[error("the CSV header {problem}")]
    Header { problem: String },
    #[error("more than {MAX_ROWS} rows; split the file")]
    TooManyRows,
}

/// Reads a CSV text whose header names some of `COLUMNS` (login, event and time at least).
pub fn parse_csv(text: &str, now: DateTime<Utc>) -> Result<ParsedImport, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::Unreadable {
            format: "CSV",
            problem: e.to_string(),
        })?
        .iter()
        .map(str::to_lowercase)
        .collect();
    check_header(&header)?;
    let mut parsed = ParsedImport::default();
    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        if row > MAX_ROWS {
            return Err(ImportError::TooManyRows);
        }
        match record {
            Ok(record) if record.len() == header.len() => {
                let fields: BTreeMap<&str, &str> = header
                    .iter()
                    .map(String::as_str)
                    .zip(record.iter())
                    .collect();
                parsed.push(validate_row(row, &fields, now));
            }
            Ok(record) => parsed.errors.push(RowError {
                row,
                field: "row".into(),
                message: format!(
                    "has {} values where the header has {}",
                    record.len(),
                    header.len()
                ),
            }),
            Err(error) => parsed.errors.push(RowError {
                row,
                field: "row".into(),
                message: error.to_string(),
            }),
        }
    }
    Ok(parsed)
}

fn check_header(header: &[String]) -> Result<(), ImportError> {
    if let Some(unknown) = header.iter().find(|name| !COLUMNS.contains(&name.as_str())) {
        return Err(ImportError::Header {
            problem: format!(
                "names an unknown column `{unknown}` (known: {})",
                COLUMNS.join(",")
            ),
        });
    }
    for required in REQUIRED {
        if !header.iter().any(|name| name == required) {
            return Err(ImportError::Header {
                problem: format!("lacks the column `{required}`"),
            });
        }
    }
    let mut seen = header.to_vec();
    seen.sort();
    seen.dedup();
    if seen.len() != header.len() {
        return Err(ImportError::Header {
            problem: "names a column twice".into(),
        });
    }
    Ok(())
}

/// Reads a JSON array of objects with the keys of `COLUMNS`; values are strings, numbers for
/// the coordinates, or null.
pub fn parse_json(text: &str, now: DateTime<Utc>) -> Result<ParsedImport, ImportError> {
    let rows: Vec<Value> = serde_json::from_str(text).map_err(|e| ImportError::Unreadable {
        format: "JSON (an array of events)",
        problem: e.to_string(),
    })?;
    if rows.len() > MAX_ROWS {
        return Err(ImportError::TooManyRows);
    }
    let mut parsed = ParsedImport::default();
    for (index, value) in rows.iter().enumerate() {
        let row = index + 1;
        match json_fields(row, value) {
            Ok(fields) => {
                let borrowed: BTreeMap<&str, &str> = fields
                    .iter()
                    .map(|(key, value)| (*key, value.as_str()))
                    .collect();
                parsed.push(validate_row(row, &borrowed, now));
            }
            Err(errors) => parsed.errors.extend(errors),
        }
    }
    Ok(parsed)
}

/// A JSON row as the text a CSV cell would hold, so both formats share one validation.
fn json_fields(row: usize, value: &Value) -> Result<BTreeMap<&'static str, String>, Vec<RowError>> {
    let Some(object) = value.as_object() else {
        return Err(vec![RowError {
            row,
            field: "row".into(),
            message: "must be an object".into(),
        }]);
    };
    let mut fields = BTreeMap::new();
    let mut errors = Vec::new();
    for (key, value) in object {
        let Some(column) = COLUMNS.iter().copied().find(|column| column == key) else {
            errors.push(RowError {
                row,
                field: key.clone(),
                message: format!("is not a known field (known: {})", COLUMNS.join(", ")),
            });
            continue;
        };
        match value {
            Value::Null => {}
            Value::String(text) => {
                fields.insert(column, text.clone());
            }
            Value::Number(number) => {
                fields.insert(column, number.to_string());
            }
            _ => errors.push(RowError {
                row,
                field: column.into(),
                message: "must be a string, a number or null".into(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

impl ParsedImport {
    fn push(&mut self, result: Result<ImportedEvent, Vec<RowError>>) {
        match result {
            Ok(event) => self.events.push(event),
            Err(errors) => self.errors.extend(errors),
        }
    }
}

/// Collects every bad field of a row, so one answer lists them all.
struct RowCheck {
    row: usize,
    errors: Vec<RowError>,
}

impl RowCheck {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            row: self.row,
            field: field.into(),
            message: message.into(),
        });
    }

    fn optional<T>(
        &mut self,
        fields: &BTreeMap<&str, &str>,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = fields
            .get(field)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())?;
        match parse(text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.fail(field, message);
                None
            }
        }
    }

    fn required<T>(
        &mut self,
        fields: &BTreeMap<&str, &str>,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let present = fields.get(field).is_some_and(|t| !t.trim().is_empty());
        if !present {
            self.fail(field, "is required");
            return None;
        }
        self.optional(fields, field, parse)
    }
}

fn validate_row(
    row: usize,
    fields: &BTreeMap<&str, &str>,
    now: DateTime<Utc>,
) -> Result<ImportedEvent, Vec<RowError>> {
    let mut check = RowCheck {
        row,
        errors: Vec::new(),
    };
    let login = check.required(fields, "login", |t| Email::parse(t).map_err(str::to_owned));
    let event = check.required(fields, "event", |t| {
        EventKind::parse(t).ok_or_else(|| "must be sign_in, sign_out or activity".to_owned())
    });
    let time = check.required(fields, "time", |t| parse_time(t, now));
    let ip = check.optional(fields, "ip", |t| {
        t.parse::<IpAddr>()
            .map(|ip| ip.to_string())
            .map_err(|_| "must be an IPv4 or IPv6 address".to_owned())
    });
    let user_agent = check.optional(fields, "user_agent", |t| {
        Ok(t.chars().take(MAX_USER_AGENT_CHARS).collect::<String>())
    });
    let device_id = check.optional(fields, "device_id", |t| {
        parse_device_id(t).map_err(str::to_owned)
    });
    let latitude = check.optional(fields, "latitude", |t| coordinate(t, 90.0));
    let longitude = check.optional(fields, "longitude", |t| coordinate(t, 180.0));
    if latitude.is_some() != longitude.is_some() && check.errors.is_empty() {
        let missing = if latitude.is_some() {
            "longitude"
        } else {
            "latitude"
        };
        check.fail(missing, "must be given with the other coordinate");
    }
    let country = check.optional(fields, "country", |t| {
        let code = t.to_uppercase();
        (code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()))
            .then_some(code)
            .ok_or_else(|| "must be a two-letter country code (ISO 3166-1), e.g. FR".to_owned())
    });
    let role = check.optional(fields, "role", parse_imported_role);
    match (login, event, time) {
        (Some(login), Some(event), Some(time)) if check.errors.is_empty() => Ok(ImportedEvent {
            row,
            event: SignInEvent {
                login: login.as_str().to_owned(),
                event,
                time,
                ip,
                user_agent,
                device_id,
                latitude,
                longitude,
                country,
            },
            role,
        }),
        _ => Err(check.errors),
    }
}

fn parse_time(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let time = DateTime::parse_from_rfc3339(text)
        .map_err(|_| "must be an RFC 3339 instant, e.g. 2026-03-02T09:15:00Z".to_owned())?
        .with_timezone(&Utc);
    // Stored to the microsecond, like every instant of the service.
    let time = DateTime::from_timestamp_micros(time.timestamp_micros()).unwrap_or(time);
    if time > now + MAX_FUTURE_SKEW {
        return Err("is more than a day in the future".into());
    }
    Ok(time)
}

fn coordinate(text: &str, limit: f64) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= limit => Ok(value),
        _ => Err(format!("must be a number from -{limit} to {limit}")),
    }
}

/// The role an unknown login gets. Nobody becomes the primary admin by import: a company has
/// exactly one.
fn parse_imported_role(text: &str) -> Result<Role, String> {
    match Role::parse(text) {
        Some(Role::PrimaryAdmin) => Err("cannot be primary_admin for an imported login".into()),
        Some(role) => Ok(role),
        None => Err("must be a role of ROLES.md, e.g. standard_sales".into()),
    }
}

#[cfg(test)]
mod tests;
