//! The command line as a user runs it: the real binary, real files.

use std::path::Path;
use std::process::{Command, Output};

fn seatwarden(args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seatwarden"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("SEATWARDEN_CONFIG");
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

fn policies_with(extra_name: &str, extra_text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.path().join(extra_name), extra_text).unwrap();
    dir
}

const TYPE_ERROR: &str = "// A typo: invoices have no `amount` attribute.\n@id(\"broken\")\npermit (principal, action == Seatwarden::Action::\"view_invoice\", resource)\nwhen { resource.amount > 3 };\n";

#[test]
fn serve_refuses_to_start_on_a_policy_type_error_naming_file_and_line() {
    let policies = policies_with("broken.cedar", TYPE_ERROR);
    let data = tempfile::tempdir().unwrap();
    let output = seatwarden(
        &["serve"],
        &[
            ("SEATWARDEN_POLICIES_DIR", policies.path()),
            ("DATABASE_URL", &data.path().join("sw.db")),
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.cedar:4:"), "{stderr}");
    assert!(stderr.contains("amount"), "{stderr}");
    assert!(!data.path().join("sw.db").exists(), "nothing was started");
}

#[test]
fn policy_validate_and_test_pass_on_the_shipped_policies() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let validate = seatwarden(&["policy", "validate", dir.to_str().unwrap()], &[]);
    assert!(
        validate.status.success(),
        "{}",
        String::from_utf8_lossy(&validate.stderr)
    );
    assert!(String::from_utf8_lossy(&validate.stdout).contains("policies valid"));
    let test = seatwarden(&["policy", "test", dir.to_str().unwrap()], &[]);
    assert!(
        test.status.success(),
        "{}",
        String::from_utf8_lossy(&test.stdout)
    );
    assert!(String::from_utf8_lossy(&test.stdout).contains(" 0 failed"));
}

#[test]
fn policy_validate_fails_with_the_location_of_the_error() {
    let policies = policies_with("broken.cedar", TYPE_ERROR);
    let output = seatwarden(
        &["policy", "validate", policies.path().to_str().unwrap()],
        &[],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("broken.cedar:4:"));
}

#[test]
fn a_wrong_setting_stops_the_service_naming_the_setting() {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_seatwarden"))
        .arg("migrate")
        .env("SEATWARDEN_DATABASE_POOL_SIZE", "0")
        .env("DATABASE_URL", data.path().join("sw.db"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("database_pool_size"));
}

#[test]
fn migrate_creates_the_sqlite_database() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("fresh.db");
    let output = seatwarden(&["migrate"], &[("DATABASE_URL", &db)]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("migration(s) applied"));
    assert!(db.exists());
}

#[test]
fn serve_in_an_empty_directory_answers_healthz_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_seatwarden"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("SEATWARDEN_CONFIG")
        .env("SEATWARDEN_PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let answer = (0..100).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        use std::io::{Read, Write};
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        Some(response)
    });
    server.kill().unwrap();
    let _ = server.wait();
    let answer = answer.expect("the service answered");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""status":"ok""#), "{answer}");
    assert!(
        dir.path().join("seatwarden.db").exists(),
        "the embedded database was created"
    );
}

/// A policy 10,000 parentheses deep: it overflowed the parser's stack and aborted the process.
fn too_deep_policy() -> String {
    format!(
        "@id(\"deep\")\npermit (principal, action, resource)\nwhen {{ {}true{} }};\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    )
}

#[test]
fn a_policy_nested_past_the_limit_is_refused_by_validate_and_at_start_naming_file_and_line() {
    let policies = policies_with("deep.cedar", &too_deep_policy());
    let validate = seatwarden(
        &["policy", "validate", policies.path().to_str().unwrap()],
        &[],
    );
    assert_eq!(validate.status.code(), Some(1), "refused, not aborted");
    let stderr = String::from_utf8_lossy(&validate.stderr);
    assert!(stderr.contains("deep.cedar:3:"), "{stderr}");
    assert!(stderr.contains("limit of 32 levels"), "{stderr}");

    let data = tempfile::tempdir().unwrap();
    let serve = seatwarden(
        &["serve"],
        &[
            ("SEATWARDEN_POLICIES_DIR", policies.path()),
            ("DATABASE_URL", &data.path().join("sw.db")),
        ],
    );
    assert!(
        serve.status.code().is_some(),
        "exited, not killed by a signal"
    );
    assert!(!serve.status.success());
    assert!(String::from_utf8_lossy(&serve.stderr).contains("limit of 32 levels"));
}
