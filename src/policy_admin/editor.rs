//! What the policy editor shows and changes beside the text: a version's test files as a
//! person reads them (each case's name and expected decision), and a change made of the text
//! with at most one test file edited beside it. The test files together are larger than a
//! form may carry, so one file travels at a time.

use serde_json::Value;

use super::errors::PolicyAdminError;
use super::versions::{PolicyVersion, TestFiles};
use crate::authz::Authz;

/// One test file of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFileView {
    pub name: String,
    /// The file's JSON text.
    pub text: String,
    pub cases: Vec<TestCaseLine>,
}

/// One request of a test file and the decision it must get (`allow` or `deny`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCaseLine {
    pub name: String,
    pub decision: String,
}

/// A test file edited beside the policies: a new one when no file has its name.
#[derive(Debug, Clone)]
pub struct EditedTestFile {
    pub name: String,
    pub text: String,
}

/// The test files a version must pass: its own, or the base tests.
pub fn test_files(authz: &Authz, version: &PolicyVersion) -> Vec<TestFileView> {
    let sources: Vec<(String, String)> = match &version.tests {
        Some(files) => files
            .iter()
            .map(|(name, file)| {
                let text = serde_json::to_string_pretty(file).unwrap_or_else(|_| file.to_string());
                (name.clone(), text)
            })
            .collect(),
        None => authz.engines().base_policies().tests.clone(),
    };
    sources
        .into_iter()
        .map(|(name, text)| TestFileView {
            cases: cases_of(&text),
            name,
            text,
        })
        .collect()
}

fn cases_of(text: &str) -> Vec<TestCaseLine> {
    let file: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let requests = file.get("requests").and_then(Value::as_array);
    requests
        .into_iter()
        .flatten()
        .map(|request| {
            let field = |key: &str| {
                request
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            TestCaseLine {
                name: field("name"),
                decision: field("decision"),
            }
        })
        .collect()
}

/// Longest name of a test file.
const MAX_TEST_FILE_NAME: usize = 64;

/// The tests of a change: the active version's with `edited` put in (None: unchanged).
pub fn tests_with(
    authz: &Authz,
    active: &PolicyVersion,
    edited: Option<EditedTestFile>,
) -> Result<Option<TestFiles>, PolicyAdminError> {
    let Some(edited) = edited else {
        return Ok(None);
    };
    let stem = edited.name.strip_suffix(".json").unwrap_or_default();
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if stem.is_empty() || edited.name.len() > MAX_TEST_FILE_NAME || !stem.chars().all(plain) {
        return Err(PolicyAdminError::invalid(
            "test_file_name",
            "must be lowercase letters, digits, `_` or `-`, ending in `.json`",
        ));
    }
    let file: Value = serde_json::from_str(&edited.text)
        .map_err(|e| PolicyAdminError::InvalidTests(format!("{}: not JSON: {e}", edited.name)))?;
    let mut files: TestFiles = match &active.tests {
        Some(files) => files.clone(),
        None => authz
            .engines()
            .base_policies()
            .tests
            .iter()
            .filter_map(|(name, text)| Some((name.clone(), serde_json::from_str(text).ok()?)))
            .collect(),
    };
    files.insert(edited.name, file);
    Ok(Some(files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_read_from_a_test_file() {
        let text = r#"{"entities": [], "requests": [
            {"name": "sales may send", "decision": "allow"},
            {"name": "sales may not pay", "decision": "deny"}]}"#;
        let cases = cases_of(text);
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[1].name, "sales may not pay");
        assert_eq!(cases[1].decision, "deny");
        assert!(cases_of("not json").is_empty());
    }
}
