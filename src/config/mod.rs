//! Typed settings: defaults, then an optional TOML file, then `SEATWARDEN_*` environment
//! variables (and `DATABASE_URL`). Validated once at start and passed in explicitly.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

use crate::alerts::mailer::{MailSettings, Secret, SmtpTls};
use crate::alerts::schedule::{CronSchedule, Job, ScheduleSettings};
use crate::i18n::Locale;
use crate::seats::audit::AuditSettings;
use crate::seats::service::audit_runs::AuditConfig;
use crate::store::DatabaseUrl;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub host: String,
    pub port: u16,
    pub database_url: String,
    /// A read replica (a streaming standby) of a PostgreSQL `database_url`, for the long
    /// reads; none: they read the primary.
    pub database_read_url: Option<String>,
    pub database_pool_size: u32,
    pub session_idle_timeout_minutes: u32,
    pub session_lifetime_hours: u32,
    pub login_failures_per_account_per_hour: u32,
    pub login_failures_per_ip_per_hour: u32,
    pub decision_point_requests_per_second: u32,
    /// How long a request's body may take to arrive, from its head (408 past it).
    pub request_body_timeout_seconds: u32,
    /// Requests one client address may have in flight at once (429 past it).
    pub requests_in_flight_per_address: u32,
    pub default_locale: String,
    /// A directory of `schema.cedarschema` and `*.cedar` files replacing the built-in policies.
    pub policies_dir: Option<PathBuf>,
    pub log_filter: String,
    /// The bearer token `/metrics` asks for; without one, only this host may read them.
    pub metrics_token: Option<String>,
    /// How far back the seat auditor reads sessions, events and decisions.
    pub audit_lookback_days: u32,
    /// The seat auditor's tuning and the plans' price table (`[seat_audit]`,
    /// `[seat_audit.catalog]`); a missing key keeps its default.
    pub seat_audit: AuditSettings,
    /// The SMTP server alerts go through; none keeps them queued.
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    /// `none`, `starttls` or `tls`.
    pub smtp_tls: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    pub mail_from: String,
    /// The service's address as people reach it, for links in mails.
    pub public_url: String,
    /// One cron expression per job (six fields, seconds first); blank disables the job.
    pub audit_cron: String,
    pub digest_cron: String,
    pub session_expiry_cron: String,
    pub mail_cron: String,
    /// Master switch of the scheduled jobs.
    pub scheduler_enabled: bool,
}

impl Default for RawSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            database_url: "sqlite://seatwarden.db".into(),
            database_read_url: None,
            database_pool_size: 8,
            session_idle_timeout_minutes: 30,
            session_lifetime_hours: 12,
            login_failures_per_account_per_hour: 100,
            login_failures_per_ip_per_hour: 300,
            decision_point_requests_per_second: 50_000,
            request_body_timeout_seconds: 10,
            requests_in_flight_per_address: 256,
            default_locale: "en".into(),
            policies_dir: None,
            log_filter: "info".into(),
            metrics_token: None,
            audit_lookback_days: 180,
            seat_audit: AuditSettings::default(),
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: None,
            smtp_password: None,
            mail_from: "Seatwarden <seatwarden@localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
            audit_cron: "0 */15 * * * *".into(),
            digest_cron: "0 0 7 * * *".into(),
            session_expiry_cron: "0 */5 * * * *".into(),
            mail_cron: "*/30 * * * * *".into(),
            scheduler_enabled: true,
        }
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub database: DatabaseUrl,
    /// Where the long reads go: a replica of `database`, or None for `database` itself.
    pub database_read: Option<DatabaseUrl>,
    pub database_pool_size: u32,
    pub session_idle_timeout: chrono::Duration,
    pub session_lifetime: chrono::Duration,
    pub login_failures_per_account_per_hour: u32,
    pub login_failures_per_ip_per_hour: u32,
    pub decision_point_requests_per_second: NonZeroU32,
    pub request_body_timeout: std::time::Duration,
    pub requests_in_flight_per_address: usize,
    pub default_locale: Locale,
    pub policies_dir: Option<PathBuf>,
    pub log_filter: String,
    pub metrics_token: Option<Secret>,
    pub audit_lookback: chrono::Duration,
    pub seat_audit: AuditSettings,
    pub mail: MailSettings,
    pub schedule: ScheduleSettings,
}

impl Settings {
    /// Page cookies travel only over TLS when people reach the service through https.
    pub fn secure_cookies(&self) -> bool {
        self.mail.public_url.starts_with("https://")
    }

    /// How the seat auditor runs: its tuning, the idle timeout that cuts imported sessions,
    /// and how far back it looks.
    pub fn audit_config(&self) -> AuditConfig {
        AuditConfig {
            settings: self.seat_audit.clone(),
            idle_timeout: self.session_idle_timeout,
            lookback: self.audit_lookback,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("configuration: setting `{setting}` {problem}")]
    Invalid {
        setting: &'static str,
        problem: String,
    },
}

impl Settings {
    /// Loads from `file` (when given, it must exist; otherwise `seatwarden.toml` is read if
    /// present) and the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(RawSettings::default()));
        match file {
            Some(path) => {
                if !path.exists() {
                    return Err(invalid(
                        "config file",
                        format!("{} does not exist", path.display()),
                    ));
                }
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("seatwarden.toml")),
        }
        let raw: RawSettings = figment
            .merge(Env::prefixed("SEATWARDEN_"))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .map_err(Box::new)?;
        raw.validate()
    }
}

impl RawSettings {
    pub fn validate(self) -> Result<Settings, ConfigError> {
        let database =
            DatabaseUrl::parse(&self.database_url).map_err(|p| invalid("database_url", p))?;
        let database_read = read_replica(&database, self.database_read_url.as_deref())?;
        positive("database_pool_size", self.database_pool_size)?;
        positive(
            "session_idle_timeout_minutes",
            self.session_idle_timeout_minutes,
        )?;
        positive("session_lifetime_hours", self.session_lifetime_hours)?;
        positive("audit_lookback_days", self.audit_lookback_days)?;
        validate_seat_audit(&self.seat_audit)?;
        positive(
            "login_failures_per_account_per_hour",
            self.login_failures_per_account_per_hour,
        )?;
        positive(
            "login_failures_per_ip_per_hour",
            self.login_failures_per_ip_per_hour,
        )?;
        let decision_point_requests_per_second =
            NonZeroU32::new(self.decision_point_requests_per_second).ok_or_else(|| {
                invalid(
                    "decision_point_requests_per_second",
                    "must be greater than 0".into(),
                )
            })?;
        positive(
            "request_body_timeout_seconds",
            self.request_body_timeout_seconds,
        )?;
        positive(
            "requests_in_flight_per_address",
            self.requests_in_flight_per_address,
        )?;
        let default_locale = Locale::parse(&self.default_locale)
            .ok_or_else(|| invalid("default_locale", "must be `en` or `fr`".into()))?;
        if let Some(dir) = &self.policies_dir {
            if !dir.is_dir() {
                return Err(invalid(
                    "policies_dir",
                    format!("{} is not a directory", dir.display()),
                ));
            }
        }
        let metrics_token = metrics_token(self.metrics_token.as_deref())?;
        let mail = self.mail_settings()?;
        let schedule = self.schedule_settings()?;
        Ok(Settings {
            mail,
            schedule,
            host: self.host,
            port: self.port,
            database,
            database_read,
            database_pool_size: self.database_pool_size,
            session_idle_timeout: chrono::Duration::minutes(
                self.session_idle_timeout_minutes.into(),
            ),
            session_lifetime: chrono::Duration::hours(self.session_lifetime_hours.into()),
            login_failures_per_account_per_hour: self.login_failures_per_account_per_hour,
            login_failures_per_ip_per_hour: self.login_failures_per_ip_per_hour,
            decision_point_requests_per_second,
            request_body_timeout: std::time::Duration::from_secs(
                self.request_body_timeout_seconds.into(),
            ),
            requests_in_flight_per_address: self.requests_in_flight_per_address as usize,
            default_locale,
            policies_dir: self.policies_dir,
            log_filter: self.log_filter,
            metrics_token,
            audit_lookback: chrono::Duration::days(self.audit_lookback_days.into()),
            seat_audit: self.seat_audit,
        })
    }
}

/// A replica only of a PostgreSQL primary: SQLite has one file, which every reader shares.
fn read_replica(
    primary: &DatabaseUrl,
    replica: Option<&str>,
) -> Result<Option<DatabaseUrl>, ConfigError> {
    let Some(text) = replica.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    let problem = |p: &str| invalid("database_read_url", p.into());
    match (primary, DatabaseUrl::parse(text).map_err(|p| problem(&p))?) {
        (DatabaseUrl::Postgres(_), replica @ DatabaseUrl::Postgres(_)) => Ok(Some(replica)),
        (DatabaseUrl::Postgres(_), _) => Err(problem("must be a postgres:// URL")),
        _ => Err(problem(
            "is for PostgreSQL only: database_url names a SQLite file",
        )),
    }
}

impl RawSettings {
    fn mail_settings(&self) -> Result<MailSettings, ConfigError> {
        let filled = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        let smtp_tls = SmtpTls::parse(&self.smtp_tls)
            .ok_or_else(|| invalid("smtp_tls", "must be `none`, `starttls` or `tls`".into()))?;
        let smtp_credentials = match (filled(&self.smtp_username), &self.smtp_password) {
            (Some(user), Some(password)) => Some((user, Secret(password.clone()))),
            (None, None) => None,
            (Some(_), None) => {
                return Err(invalid(
                    "smtp_password",
                    "is required with smtp_username".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(invalid(
                    "smtp_username",
                    "is required with smtp_password".into(),
                ))
            }
        };
        let from = self
            .mail_from
            .parse()
            .map_err(|error| invalid("mail_from", format!("is not a mail address: {error}")))?;
        let public_url = self.public_url.trim().trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid(
                "public_url",
                "must start with http:// or https://".into(),
            ));
        }
        Ok(MailSettings {
            smtp_host: filled(&self.smtp_host),
            smtp_port: self.smtp_port,
            smtp_tls,
            smtp_credentials,
            from,
            public_url,
        })
    }

    fn schedule_settings(&self) -> Result<ScheduleSettings, ConfigError> {
        let parse = |job: Job, text: &str| {
            CronSchedule::parse(text).map_err(|problem| invalid(job.setting(), problem))
        };
        Ok(ScheduleSettings {
            enabled: self.scheduler_enabled,
            audit: parse(Job::Audit, &self.audit_cron)?,
            digest: parse(Job::Digest, &self.digest_cron)?,
            session_expiry: parse(Job::SessionExpiry, &self.session_expiry_cron)?,
            mail: parse(Job::Mail, &self.mail_cron)?,
        })
    }
}

fn invalid(setting: &'static str, problem: String) -> ConfigError {
    ConfigError::Invalid { setting, problem }
}

/// Limits that would make the auditor accuse everyone, or no one, are refused at start.
fn validate_seat_audit(audit: &AuditSettings) -> Result<(), ConfigError> {
    let checks: [(&'static str, bool); 6] = [
        (
            "seat_audit.device_switch_grace_seconds",
            audit.device_switch_grace_seconds >= 0,
        ),
        (
            "seat_audit.max_travel_speed_kmh",
            audit.max_travel_speed_kmh.is_finite() && audit.max_travel_speed_kmh > 0.0,
        ),
        (
            "seat_audit.min_travel_distance_km",
            audit.min_travel_distance_km.is_finite() && audit.min_travel_distance_km >= 0.0,
        ),
        (
            "seat_audit.max_devices_per_day",
            audit.max_devices_per_day > 0,
        ),
        ("seat_audit.max_ips_per_day", audit.max_ips_per_day > 0),
        ("seat_audit.dormant_days", audit.dormant_days > 0),
    ];
    let first = checks
        .into_iter()
        .find(|(_, ok)| !ok)
        .map(|(setting, _)| setting);
    match first.or_else(|| audit.handover.out_of_range()) {
        Some(setting) => Err(invalid(setting, "is out of range".into())),
        None => Ok(()),
    }
}

/// The shortest `metrics_token` accepted: a guessable one would open the metrics to anyone.
const METRICS_TOKEN_MIN_CHARS: usize = 24;

/// A blank token is none (the metrics stay on this host); a short one is refused.
fn metrics_token(token: Option<&str>) -> Result<Option<Secret>, ConfigError> {
    let Some(token) = token.map(str::trim).filter(|token| !token.is_empty()) else {
        return Ok(None);
    };
    if token.len() < METRICS_TOKEN_MIN_CHARS || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "metrics_token",
            format!(
                "must be at least {METRICS_TOKEN_MIN_CHARS} visible ASCII characters, without spaces"
            ),
        ));
    }
    Ok(Some(Secret(token.to_owned())))
}

fn positive(setting: &'static str, value: u32) -> Result<(), ConfigError> {
    if value == 0 {
        return Err(invalid(setting, "must be greater than 0".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
