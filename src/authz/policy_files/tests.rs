//! Loading policy texts: ids, links, validation and where each problem is shown.

use cedar_policy::PolicyId;

use super::diagnostics::line_column;
use super::links::NAMESPACE;
use super::*;

const SCHEMA: &str = r#"
namespace App {
  entity User = { age: Long };
  entity Doc;
  action read, write appliesTo { principal: User, resource: Doc };
}
"#;

fn sources(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect()
}

fn load_err(files: &[(&str, &str)]) -> PolicyLoadError {
    match load_policy_sources(SCHEMA, &sources(files)) {
        Ok(_) => panic!("expected the policies to be refused"),
        Err(e) => e,
    }
}

fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

#[test]
fn policies_are_renamed_from_their_id_annotation() {
    let text = "@id(\"adults-read\")\npermit (principal, action, resource) when { principal.age >= 18 };\n\
                @id(\"nobody-reads-at-ten\")\nforbid (principal, action, resource) when { principal.age == 10 };";
    let loaded = load_policy_sources(SCHEMA, &sources(&[("a.cedar", text)])).expect("valid");
    let mut ids: Vec<String> = loaded
        .policies
        .policies()
        .map(|p| p.id().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["adults-read", "nobody-reads-at-ten"]);
}

#[test]
fn type_error_is_located_in_its_file_and_line() {
    let good = "@id(\"ok\")\npermit (principal, action, resource);";
    let bad = "// reading\n@id(\"bad\")\npermit (principal, action, resource)\n  when { principal.age == \"ten\" };";
    let err = load_err(&[("a.cedar", good), ("b.cedar", bad)]);
    let d = &err.diagnostics()[0];
    assert_eq!((d.file.as_str(), d.line), ("b.cedar", 4), "{err}");
    assert!(d.column > 1, "{err}");
    assert!(err.to_string().starts_with("b.cedar:4:"), "{err}");
}

#[test]
fn a_mistake_repeated_for_each_action_is_reported_once() {
    // The message names the action, so Cedar itself does not merge the repeats.
    let bad = "@id(\"x\")\npermit (principal, action, resource) when { context.loud };";
    let err = load_err(&[("x.cedar", bad)]);
    assert_eq!(err.diagnostics().len(), 1, "{err}");
    assert!(
        err.diagnostics()[0].message.contains("1 more like it"),
        "{err}"
    );
}

#[test]
fn unknown_attribute_is_located() {
    let bad = "@id(\"x\")\npermit (principal, action, resource) when { principal.height > 1 };";
    let err = load_err(&[("x.cedar", bad)]);
    let d = &err.diagnostics()[0];
    assert_eq!((d.line, d.column), (2, 45), "{err}");
}

#[test]
fn syntax_error_is_located() {
    let bad = "@id(\"x\")\npermit (principal, action, resource)\nwhen { principal.age >= };";
    let err = load_err(&[("syntax.cedar", bad)]);
    let d = &err.diagnostics()[0];
    assert_eq!((d.file.as_str(), d.line), ("syntax.cedar", 3), "{err}");
}

#[test]
fn missing_id_is_refused_at_the_policy() {
    let text = "@id(\"first\")\npermit (principal, action, resource);\n\n// no id below\nforbid (principal, action, resource);";
    let err = load_err(&[("p.cedar", text)]);
    assert_eq!(err.diagnostics().len(), 1, "{err}");
    let d = &err.diagnostics()[0];
    assert_eq!((d.line, d.column), (5, 1), "{err}");
    assert!(d.message.contains("@id"), "{err}");
}

#[test]
fn duplicate_id_across_files_is_refused() {
    let a = "@id(\"same\")\npermit (principal, action, resource);";
    let b = "\n@id(\"same\")\nforbid (principal, action, resource);";
    let err = load_err(&[("a.cedar", a), ("b.cedar", b)]);
    let d = &err.diagnostics()[0];
    assert_eq!((d.file.as_str(), d.line), ("b.cedar", 2), "{err}");
    assert!(d.message.contains("a.cedar:1:1"), "{err}");
}

#[test]
fn a_linked_template_becomes_a_policy_for_its_user() {
    let text = "@id(\"adult-reader\")\npermit (principal == ?principal, action, resource) when { principal.age >= 18 };";
    let link = TemplateLink {
        id: "ann-reads".into(),
        template: "adult-reader".into(),
        principal: Some("ann".into()),
        resource: None,
    };
    let schema = parse_schema(&SCHEMA.replace("App", NAMESPACE)).unwrap();
    let loaded = load_linked_sources(schema, &sources(&[("t.cedar", text)]), &[link])
        .unwrap_or_else(|e| panic!("{e}"));
    let linked = loaded.policies.policy(&PolicyId::new("ann-reads")).unwrap();
    assert!(linked.to_string().contains("User::\"ann\""), "{linked}");
}

#[test]
fn a_link_to_a_missing_template_is_refused_naming_the_link() {
    let link = TemplateLink {
        id: "ann-reads".into(),
        template: "nothing".into(),
        principal: Some("ann".into()),
        resource: None,
    };
    let schema = parse_schema(SCHEMA).unwrap();
    let err = load_linked_sources(schema, &[], &[link]).unwrap_err();
    assert_eq!(err.diagnostics()[0].policy_id.as_deref(), Some("ann-reads"));
}

#[test]
fn impossible_policy_warning_is_refused() {
    let text = "@id(\"never\")\npermit (principal, action, resource) when { false };";
    let err = load_err(&[("w.cedar", text)]);
    assert_eq!(err.diagnostics()[0].file, "w.cedar", "{err}");
}

#[test]
fn schema_error_names_the_schema_file() {
    let err = match load_policy_sources("namespace App { entity User = { age: Lon }; }", &[]) {
        Ok(_) => panic!("expected the schema to be refused"),
        Err(e) => e,
    };
    assert_eq!(err.diagnostics()[0].file, SCHEMA_FILE, "{err}");
}

#[test]
fn line_column_counts_characters() {
    let text = "ab\né€x";
    assert_eq!(line_column(text, 0), (1, 1));
    assert_eq!(line_column(text, 3), (2, 1));
    // "é€" is 5 bytes: x starts at byte 8 and is the third character of line 2.
    assert_eq!(line_column(text, 8), (2, 3));
    assert_eq!(line_column(text, 4), (2, 1));
    assert_eq!(line_column(text, 99), (2, 4));
}

#[test]
fn project_policy_directory_validates() {
    let loaded = match load_policy_dir(&policies_dir()) {
        Ok(loaded) => loaded,
        Err(e) => panic!("policies/ does not load:\n{e}"),
    };
    assert!(loaded.policies.num_of_policies() > 0);
    for policy in loaded.policies.policies() {
        assert_eq!(
            policy.annotation("id"),
            Some(policy.id().to_string().as_str())
        );
    }
}
