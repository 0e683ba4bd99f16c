//! Settings refused by name, and the defaults.

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
fn an_invalid_cron_expression_is_refused_by_name() {
    let raw = RawSettings {
        digest_cron: "0 7 * * *".into(),
        ..RawSettings::default()
    };
    let error = raw.validate().unwrap_err().to_string();
    assert!(error.contains("digest_cron"), "{error}");
}

#[test]
fn mail_settings_are_refused_by_name() {
    let half_credentials = RawSettings {
        smtp_username: Some("relay".into()),
        ..RawSettings::default()
    };
    let error = half_credentials.validate().unwrap_err().to_string();
    assert!(error.contains("smtp_password"), "{error}");
    let tls = RawSettings {
        smtp_tls: "ssl".into(),
        ..RawSettings::default()
    };
    let error = tls.validate().unwrap_err().to_string();
    assert!(error.contains("smtp_tls"), "{error}");
    let link = RawSettings {
        public_url: "seatwarden.example".into(),
        ..RawSettings::default()
    };
    let error = link.validate().unwrap_err().to_string();
    assert!(error.contains("public_url"), "{error}");
}

#[test]
fn a_blank_cron_expression_disables_its_job() {
    let raw = RawSettings {
        audit_cron: " ".into(),
        ..RawSettings::default()
    };
    let settings = raw.validate().unwrap();
    assert!(settings.schedule.audit.is_none());
    assert!(settings.schedule.mail.is_some());
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
fn a_short_metrics_token_is_refused_by_name_and_a_blank_one_is_none() {
    let short = RawSettings {
        metrics_token: Some("secret".into()),
        ..RawSettings::default()
    };
    let error = short.validate().unwrap_err().to_string();
    assert!(error.contains("metrics_token"), "{error}");
    let blank = RawSettings {
        metrics_token: Some("  ".into()),
        ..RawSettings::default()
    };
    assert!(blank.validate().unwrap().metrics_token.is_none());
    assert!(RawSettings::default()
        .validate()
        .unwrap()
        .metrics_token
        .is_none());
}

#[test]
fn the_defaults_pick_the_embedded_sqlite_file() {
    let settings = RawSettings::default().validate().unwrap();
    assert_eq!(
        settings.database,
        DatabaseUrl::Sqlite("seatwarden.db".into())
    );
}

#[test]
fn a_read_replica_is_taken_only_beside_a_postgresql_primary() {
    let primary = "postgres://sw:sw@127.0.0.1:5440/seatwarden";
    let replica = "postgres://sw:sw@127.0.0.1:5441/seatwarden";
    let settings = RawSettings {
        database_url: primary.into(),
        database_read_url: Some(replica.into()),
        ..RawSettings::default()
    }
    .validate()
    .expect("a replica of a PostgreSQL primary");
    assert_eq!(
        settings.database_read,
        Some(DatabaseUrl::Postgres(replica.into()))
    );
    let blank = RawSettings {
        database_read_url: Some("  ".into()),
        ..RawSettings::default()
    };
    assert_eq!(blank.validate().expect("blank is none").database_read, None);
    for (database_url, read_url) in [("sqlite://x.db", replica), (primary, "sqlite://y.db")] {
        let error = RawSettings {
            database_url: database_url.into(),
            database_read_url: Some(read_url.into()),
            ..RawSettings::default()
        }
        .validate()
        .expect_err("refused")
        .to_string();
        assert!(error.contains("database_read_url"), "{error}");
    }
}
