//! Policy tests kept as data: JSON files of entities and requests with the decision each
//! request must get (format in `policies/tests/README.md`).
//!
//! Every request is checked against the schema before it is decided, so a test cannot pass
//! by asking something the service could never ask. A case also fails when a policy raised
//! an evaluation error: Cedar skips such a policy, which silently weakens a forbid.

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use cedar_policy::ffi::DetailedError;
use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityId, EntityTypeName, EntityUid, Request,
};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::policy_files::LoadedPolicies;

/// Extension of test files in a tests directory.
const TEST_EXTENSION: &str = "json";

/// The decision a request gets, or must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allow,
    Deny,
}

impl From<Decision> for Verdict {
    fn from(decision: Decision) -> Self {
        match decision {
            Decision::Allow => Self::Allow,
            Decision::Deny => Self::Deny,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Allow => "allow",
            Self::Deny => "deny",
        })
    }
}

/// The outcome of one test request.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseResult {
    pub file: String,
    pub name: String,
    pub expected: Verdict,
    /// None when the request could not be built (see `problems`).
    pub actual: Option<Verdict>,
    /// Ids of the policies that determined the decision, sorted.
    pub determining_policies: Vec<String>,
    /// The determining policies the test asked for, if it asked.
    pub expected_determining_policies: Option<Vec<String>>,
    /// Why the case failed beyond the decision: invalid request, evaluation errors,
    /// unexpected determining policies.
    pub problems: Vec<String>,
    pub passed: bool,
}

impl fmt::Display for CaseResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = if self.passed { "PASS" } else { "FAIL" };
        write!(
            f,
            "{status} {}: {}: expected {}",
            self.file, self.name, self.expected
        )?;
        match self.actual {
            Some(actual) => write!(f, ", got {actual}")?,
            None => write!(f, ", got no decision")?,
        }
        write!(f, " (by [{}])", self.determining_policies.join(", "))?;
        for problem in &self.problems {
            write!(f, "; {problem}")?;
        }
        Ok(())
    }
}

/// All cases of a test run, in file and case order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TestReport {
    pub cases: Vec<CaseResult>,
}

impl TestReport {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }

    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

impl fmt::Display for TestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for case in self.cases.iter().filter(|c| !c.passed) {
            writeln!(f, "{case}")?;
        }
        write!(f, "{} passed, {} failed", self.passed(), self.failed())
    }
}

/// A test file that could not be run at all.
#[derive(Debug, thiserror::Error)]
pub enum PolicyTestError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// Runs every `*.json` file of `tests_dir`, in file-name order.
pub fn run_policy_tests(
    loaded: &LoadedPolicies,
    tests_dir: &Path,
) -> Result<TestReport, PolicyTestError> {
    let sources = read_test_files(tests_dir)?;
    run_policy_test_sources(loaded, &sources)
}

/// Runs tests given as (file name, JSON text) pairs, e.g. sent with a policy change.
pub fn run_policy_test_sources(
    loaded: &LoadedPolicies,
    sources: &[(String, String)],
) -> Result<TestReport, PolicyTestError> {
    let mut report = TestReport::default();
    for (file, text) in sources {
        report.cases.extend(run_test_file(loaded, file, text)?);
    }
    Ok(report)
}

fn read_test_files(dir: &Path) -> Result<Vec<(String, String)>, PolicyTestError> {
    let shown = dir.display().to_string();
    let read_error = |source| PolicyTestError::Read {
        file: shown.clone(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == TEST_EXTENSION) {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok((name, text)),
                Err(source) => Err(PolicyTestError::Read { file: name, source }),
            }
        })
        .collect()
}

/// One test file. Unknown fields are refused so that a misspelt expectation cannot pass.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    /// For people: accepted and ignored.
    #[serde(default, rename = "description")]
    _description: Option<IgnoredAny>,
    entities: Value,
    /// Context fields shared by every request of the file; a request's own win.
    #[serde(default)]
    context: Map<String, Value>,
    requests: Vec<TestCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCase {
    name: String,
    principal: Value,
    action: Value,
    resource: Value,
    #[serde(default)]
    context: Map<String, Value>,
    decision: Verdict,
    #[serde(default)]
    determining_policies: Option<Vec<String>>,
}

fn run_test_file(
    loaded: &LoadedPolicies,
    file: &str,
    text: &str,
) -> Result<Vec<CaseResult>, PolicyTestError> {
    let invalid = |message: String| PolicyTestError::Invalid {
        file: file.to_owned(),
        message,
    };
    let test_file: TestFile =
        serde_json::from_str(text).map_err(|e| invalid(format!("not a test file: {e}")))?;
    // With the schema, Cedar checks the entities and adds the action hierarchy.
    let entities = Entities::from_json_value(test_file.entities.clone(), Some(&loaded.schema))
        .map_err(|e| invalid(format!("entities: {}", DetailedError::from(&e).message)))?;
    let run = FileRun {
        loaded,
        file,
        entities: &entities,
        context: &test_file.context,
        authorizer: Authorizer::new(),
    };
    Ok(test_file
        .requests
        .iter()
        .map(|case| run.case(case))
        .collect())
}

struct FileRun<'a> {
    loaded: &'a LoadedPolicies,
    file: &'a str,
    entities: &'a Entities,
    context: &'a Map<String, Value>,
    authorizer: Authorizer,
}

impl FileRun<'_> {
    fn case(&self, case: &TestCase) -> CaseResult {
        let mut result = CaseResult {
            file: self.file.to_owned(),
            name: case.name.clone(),
            expected: case.decision,
            actual: None,
            determining_policies: Vec::new(),
            expected_determining_policies: case.determining_policies.clone().map(sorted),
            problems: Vec::new(),
            passed: false,
        };
        let request = match self.request(case) {
            Ok(request) => request,
            Err(problem) => {
                result.problems.push(problem);
                return result;
            }
        };
        let response =
            self.authorizer
                .is_authorized(&request, &self.loaded.policies, self.entities);
        let diagnostics = response.diagnostics();
        result.actual = Some(response.decision().into());
        result.determining_policies =
            sorted(diagnostics.reason().map(ToString::to_string).collect());
        result.problems.extend(
            diagnostics
                .errors()
                .map(|e| format!("evaluation error: {e}")),
        );
        if let Some(expected) = &result.expected_determining_policies {
            if *expected != result.determining_policies {
                result.problems.push(format!(
                    "expected determining policies [{}]",
                    expected.join(", ")
                ));
            }
        }
        result.passed = result.actual == Some(case.decision) && result.problems.is_empty();
        result
    }

    /// Builds the request and validates it, and its context, against the schema.
    fn request(&self, case: &TestCase) -> Result<Request, String> {
        let principal = entity_uid(&case.principal).map_err(|e| format!("principal: {e}"))?;
        let action = entity_uid(&case.action).map_err(|e| format!("action: {e}"))?;
        let resource = entity_uid(&case.resource).map_err(|e| format!("resource: {e}"))?;
        let fields = merged_context(self.context, &case.context);
        let schema = &self.loaded.schema;
        let context = Context::from_json_value(Value::Object(fields), Some((schema, &action)))
            .map_err(|e| format!("context: {}", DetailedError::from(&e).message))?;
        Request::new(principal, action, resource, context, Some(schema))
            .map_err(|e| format!("request: {}", DetailedError::from(&e).message))
    }
}

/// The file's context overlaid with the request's; a request's `null` removes a file
/// field, so a test can ask without an optional field such as `closing_date`.
fn merged_context(file: &Map<String, Value>, case: &Map<String, Value>) -> Map<String, Value> {
    let mut fields = file.clone();
    for (key, value) in case {
        if value.is_null() {
            fields.remove(key);
        } else {
            fields.insert(key.clone(), value.clone());
        }
    }
    fields
}

/// An entity uid written as `Type::id` (the id is everything after the last `::`), in
/// Cedar syntax `Type::"id"`, or as Cedar's JSON `{"type": ..., "id": ...}`.
fn entity_uid(value: &Value) -> Result<EntityUid, String> {
    match value {
        Value::String(text) if text.contains('"') => {
            EntityUid::from_str(text).map_err(|e| e.to_string())
        }
        Value::String(text) => {
            let (type_name, id) = text
                .rsplit_once("::")
                .ok_or_else(|| format!("`{text}` is not of the form Type::id"))?;
            let type_name = EntityTypeName::from_str(type_name).map_err(|e| e.to_string())?;
            Ok(EntityUid::from_type_name_and_id(
                type_name,
                EntityId::new(id),
            ))
        }
        other => EntityUid::from_json(other.clone()).map_err(|e| e.to_string()),
    }
}

fn sorted(items: Vec<String>) -> Vec<String> {
    items
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}
