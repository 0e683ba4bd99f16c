//! Typed settings: defaults, then an optional TOML file, then `SEATWARDEN_*` environment
//! variables (and `DATABASE_URL`). Validated once at start and passed in explicitly.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use crate::seats::audit::AuditSettings;
use crate::store::DatabaseUrl;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub host: String,
    pub port: u16,
    pub database_url: String,
    pub database_pool_size: u32,
    pub session_idle_timeout_minutes: u32,
    pub session_lifetime_hours: u32,
    pub login_failures_per_account_per_hour: u32,
    pub login_failures_per_ip_per_hour: u32,
    pub decision_point_requests_per_second: u32,
    pub default_locale: String,
    /// A directory of `schema.cedarschema` and `*.cedar` files replacing the built-in policies.
    pub policies_dir: Option<PathBuf>,
    pub log_filter: String,
    /// How far back the seat auditor reads sessions, events and decisions.
    pub audit_lookback_days: u32,
    /// The seat auditor's tuning and the plans' price table (`[seat_audit]`,
    /// `[seat_audit.catalog]`); a missing key keeps its default.
    pub seat_audit: AuditSettings,
    /// The address people reach the service at (`https://...` behind TLS): page cookies are
    /// marked `Secure` when it is https.
    pub public_url: Option<String>,
}

impl Default for RawSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            database_url: "sqlite://seatwarden.db".into(),
            database_pool_size: 8,
            session_idle_timeout_minutes: 30,
            session_lifetime_hours: 12,
            login_failures_per_account_per_hour: 100,
            login_failures_per_ip_per_hour: 300,
            decision_point_requests_per_second: 50_000,
            default_locale: "en".into(),
            policies_dir: None,
            log_filter: "info".into(),
            audit_lookback_days: 180,
            seat_audit: AuditSettings::default(),
            public_url: None,
        }
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub database: DatabaseUrl,
    pub database_pool_size: u32,
    pub session_idle_timeout: chrono::Duration,
    pub session_lifetime: chrono::Duration,
    pub login_failures_per_account_per_hour: u32,
    pub login_failures_per_ip_per_hour: u32,
    pub decision_point_requests_per_second: NonZeroU32,
    pub default_locale: Locale,
    pub policies_dir: Option<PathBuf>,
    pub log_filter: String,
    pub audit_lookback: chrono::Duration,
    pub seat_audit: AuditSettings,
    pub public_url: Option<String>,
}

impl Settings {
    /// Page cookies travel only over TLS when people reach the service through https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
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
        if let Some(url) = &self.public_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(invalid(
                    "public_url",
                    "must start with https:// or http://".into(),
                ));
            }
        }
        Ok(Settings {
            host: self.host,
            port: self.port,
            database,
            database_pool_size: self.database_pool_size,
            session_idle_timeout: chrono::Duration::minutes(
                self.session_idle_timeout_minutes.into(),
            ),
            session_lifetime: chrono::Duration::hours(self.session_lifetime_hours.into()),
            login_failures_per_account_per_hour: self.login_failures_per_account_per_hour,
            login_failures_per_ip_per_hour: self.login_failures_per_ip_per_hour,
            decision_point_requests_per_second,
            default_locale,
            policies_dir: self.policies_dir,
            log_filter: self.log_filter,
            audit_lookback: chrono::Duration::days(self.audit_lookback_days.into()),
            seat_audit: self.seat_audit,
            public_url: self.public_url,
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

fn positive(setting: &'static str, value: u32) -> Result<(), ConfigError> {
    if value == 0 {
        return Err(invalid(setting, "must be greater than 0".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_pool_size_is_refused_by_name() {
        let raw = RawSettings {
            database_pool_size: 0,
            ..RawSettings::default()
        };
        let error = raw.validate().unwrap_err().to_string();
        assert!(error.contains("database_pool_size"), "{error}");
    }

    #[test]
    fn an_unknown_database_scheme_is_refused_by_name() {
        let raw = RawSettings {
            database_url: "mysql://x".into(),
            ..RawSettings::default()
        };
        let error = raw.validate().unwrap_err().to_string();
        assert!(
            error.contains("database_url") && error.contains("mysql"),
            "{error}"
        );
    }

    #[test]
    fn a_negative_device_switch_grace_is_refused_by_name() {
        let mut raw = RawSettings::default();
        raw.seat_audit.device_switch_grace_seconds = -1;
        let error = raw.validate().unwrap_err().to_string();
        assert!(error.contains("device_switch_grace_seconds"), "{error}");
    }

    #[test]
    fn a_hand_over_share_above_one_is_refused_by_name() {
        let mut raw = RawSettings::default();
        raw.seat_audit.handover.min_day_share = 1.5;
        let error = raw.validate().unwrap_err().to_string();
        assert!(
            error.contains("seat_audit.handover.min_day_share"),
            "{error}"
        );
    }

    #[test]
    fn the_defaults_pick_the_embedded_sqlite_file() {
        let settings = RawSettings::default().validate().unwrap();
        assert_eq!(
            settings.database,
            DatabaseUrl::Sqlite("seatwarden.db".into())
        );
    }
}
