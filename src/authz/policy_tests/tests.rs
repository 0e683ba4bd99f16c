//! Policy test files run against texts: passing, failing and unreadable cases.

use super::super::policy_files::load_policy_sources;
use super::*;

const SCHEMA: &str = r#"
namespace App {
  entity User = { age: Long };
  entity Doc;
  action read appliesTo { principal: User, resource: Doc, context: { loud: Bool } };
}
"#;

const POLICY: &str = "@id(\"adults-read\")\npermit (principal, action, resource) when { principal.age >= 18 };\n\
                      @id(\"no-shouting\")\nforbid (principal, action, resource) when { context.loud };";

fn loaded() -> LoadedPolicies {
    let sources = vec![("a.cedar".to_owned(), POLICY.to_owned())];
    match load_policy_sources(SCHEMA, &sources) {
        Ok(loaded) => loaded,
        Err(e) => panic!("{e}"),
    }
}

fn run(json: Value) -> Result<TestReport, PolicyTestError> {
    let sources = vec![("t.json".to_owned(), json.to_string())];
    run_policy_test_sources(&loaded(), &sources)
}

fn file_with(requests: Value) -> Value {
    serde_json::json!({
        "entities": [
            {"uid": {"type": "App::User", "id": "ann"}, "attrs": {"age": 40}, "parents": []},
            {"uid": {"type": "App::User", "id": "bob"}, "attrs": {"age": 9}, "parents": []},
            {"uid": {"type": "App::Doc", "id": "d"}, "attrs": {}, "parents": []}
        ],
        "context": {"loud": false},
        "requests": requests
    })
}

fn case(name: &str, principal: &str, context: Value, decision: &str) -> Value {
    serde_json::json!({
        "name": name, "principal": principal, "action": "App::Action::\"read\"",
        "resource": {"type": "App::Doc", "id": "d"}, "context": context, "decision": decision
    })
}

#[test]
fn decisions_and_determining_policies_are_checked() {
    let mut shouting = case(
        "shouting",
        "App::User::ann",
        serde_json::json!({"loud": true}),
        "deny",
    );
    shouting["determining_policies"] = serde_json::json!(["no-shouting"]);
    let requests = serde_json::json!([
        case("adult", "App::User::ann", serde_json::json!({}), "allow"),
        case("child", "App::User::bob", serde_json::json!({}), "deny"),
        shouting,
        case(
            "wrong expectation",
            "App::User::bob",
            serde_json::json!({}),
            "allow"
        ),
    ]);
    let report = run(file_with(requests)).expect("runs");
    assert_eq!((report.passed(), report.failed()), (3, 1), "{report}");
    assert_eq!(report.cases[0].determining_policies, ["adults-read"]);
    let text = report.to_string();
    assert!(
        text.contains("t.json: wrong expectation: expected allow, got deny"),
        "{text}"
    );
    assert!(text.ends_with("3 passed, 1 failed"), "{text}");
}

#[test]
fn wrong_determining_policy_fails() {
    let mut adult = case("adult", "App::User::ann", serde_json::json!({}), "allow");
    adult["determining_policies"] = serde_json::json!(["no-shouting"]);
    let report = run(file_with(serde_json::json!([adult]))).expect("runs");
    assert_eq!(report.failed(), 1, "{report}");
}

#[test]
fn request_outside_the_schema_fails_the_case() {
    let requests = serde_json::json!([
        case(
            "bad context type",
            "App::User::ann",
            serde_json::json!({"loud": "yes"}),
            "deny"
        ),
        case(
            "doc as principal",
            "App::Doc::d",
            serde_json::json!({}),
            "deny"
        ),
    ]);
    let report = run(file_with(requests)).expect("runs");
    assert_eq!(report.failed(), 2, "{report}");
    assert!(report.cases.iter().all(|c| c.actual.is_none()), "{report}");
}

#[test]
fn evaluation_error_fails_the_case() {
    // No entities at all: `principal.age` errors and Cedar skips the permit.
    let mut json = file_with(serde_json::json!([case(
        "unknown user",
        "App::User::nobody",
        serde_json::json!({}),
        "deny"
    )]));
    json["entities"] = serde_json::json!([]);
    let report = run(json).expect("runs");
    assert_eq!(report.failed(), 1, "{report}");
    assert!(
        report.cases[0].problems[0].contains("evaluation error"),
        "{report}"
    );
}

#[test]
fn misspelt_field_is_refused() {
    let mut json = file_with(serde_json::json!([]));
    json["request"] = serde_json::json!([]);
    assert!(matches!(run(json), Err(PolicyTestError::Invalid { .. })));
}

#[test]
fn project_policy_tests_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let loaded = match super::super::policy_files::load_policy_dir(&root) {
        Ok(loaded) => loaded,
        Err(e) => panic!("policies/ does not load:\n{e}"),
    };
    let report = match run_policy_tests(&loaded, &root.join("tests")) {
        Ok(report) => report,
        Err(e) => panic!("{e}"),
    };
    assert!(report.passed() > 0, "no policy tests found");
    assert_eq!(report.failed(), 0, "\n{report}");
}
