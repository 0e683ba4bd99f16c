//! Loading the Cedar schema and policy files, with diagnostics a person can act on.
//!
//! Policies come from `policies/` on disk or from the database as (file name, text) pairs.
//! Cedar names parsed policies `policy0`, `policy1`, ... per text, which collide across
//! files and explain nothing, so every policy must carry a unique `@id("...")` annotation
//! that becomes its [`PolicyId`]. Validation is strict: a policy that does not typecheck
//! against the schema, or that the validator warns about, is refused.

use std::collections::HashMap;
use std::fmt;
use std::mem::{discriminant, Discriminant};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::str::FromStr;

use cedar_policy::ffi::DetailedError;
use cedar_policy::{
    Policy, PolicyId, PolicySet, Schema, Template, ValidationError, ValidationMode,
    ValidationWarning, Validator,
};
use serde::Serialize;

use super::policy_limits;

/// File name used in diagnostics about the schema.
pub const SCHEMA_FILE: &str = "schema.cedarschema";
/// Extension of policy files in a policy directory.
const POLICY_EXTENSION: &str = "cedar";
/// File name used in diagnostics about template links that no template text can place.
pub const LINKS_FILE: &str = "links";

/// A template linked for one user (its `?principal`) and, when it has the slot, one
/// resource: the policy `id` it becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TemplateLink {
    pub id: String,
    pub template: String,
    /// A user id of the company.
    pub principal: Option<String>,
    pub resource: Option<LinkedResource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkedResource {
    /// An entity type of the schema, without the namespace (`Bill`, `Invoice`...).
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

impl TemplateLink {
    fn principal_uid(&self) -> Option<serde_json::Value> {
        let id = self.principal.as_ref()?;
        Some(serde_json::json!({"type": format!("{NAMESPACE}::User"), "id": id}))
    }

    fn resource_uid(&self) -> Option<serde_json::Value> {
        let resource = self.resource.as_ref()?;
        Some(
            serde_json::json!({"type": format!("{NAMESPACE}::{}", resource.kind), "id": resource.id}),
        )
    }
}

/// The namespace of the schema's entity types.
const NAMESPACE: &str = "Seatwarden";

/// A validated policy set and the schema it was validated against.
#[derive(Debug, Clone)]
pub struct LoadedPolicies {
    pub schema: Schema,
    pub policies: PolicySet,
}

/// One problem, located in the file that holds it (lines and columns start at 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Diagnostic {
    pub file: String,
    /// The `@id` of the policy at fault, when the problem is inside one.
    pub policy_id: Option<String>,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Why a policy set could not be loaded; always carries at least one diagnostic.
#[derive(Debug, Clone, thiserror::Error)]
pub struct PolicyLoadError {
    diagnostics: Vec<Diagnostic>,
}

impl PolicyLoadError {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Self { diagnostics }
    }

    pub(crate) fn single(file: &str, message: String) -> Self {
        Self::new(vec![Diagnostic {
            file: file.to_owned(),
            policy_id: None,
            line: 1,
            column: 1,
            message,
        }])
    }
}

impl fmt::Display for PolicyLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.diagnostics.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

/// Reads `schema.cedarschema` and every `*.cedar` file of `dir`, in file-name order.
pub fn load_policy_dir(dir: &Path) -> Result<LoadedPolicies, PolicyLoadError> {
    let schema_text = read_text(&dir.join(SCHEMA_FILE), SCHEMA_FILE)?;
    let mut sources = Vec::new();
    for path in policy_file_paths(dir)? {
        let name = file_name(&path);
        let text = read_text(&path, &name)?;
        sources.push((name, text));
    }
    load_policy_sources(&schema_text, &sources)
}

/// Parses, re-identifies and strictly validates policies given as (file name, text) pairs.
pub fn load_policy_sources(
    schema_text: &str,
    sources: &[(String, String)],
) -> Result<LoadedPolicies, PolicyLoadError> {
    load_linked_sources(parse_schema(schema_text)?, sources, &[])
}

/// As [`load_policy_sources`] on a parsed schema, with templates linked by `links`.
pub fn load_linked_sources(
    schema: Schema,
    sources: &[(String, String)],
    links: &[TemplateLink],
) -> Result<LoadedPolicies, PolicyLoadError> {
    let mut collected = Collected::default();
    let mut diagnostics = Vec::new();
    for (file, text) in sources {
        if let Err(mut found) = collected.add_file(file, text) {
            diagnostics.append(&mut found);
        }
    }
    if diagnostics.is_empty() {
        diagnostics.extend(links.iter().filter_map(|l| collected.add_link(l).err()));
    }
    if !diagnostics.is_empty() {
        return Err(PolicyLoadError::new(diagnostics));
    }
    validate(&schema, &collected)?;
    Ok(LoadedPolicies {
        schema,
        policies: collected.policies,
    })
}

pub(crate) fn policy_file_paths(dir: &Path) -> Result<Vec<PathBuf>, PolicyLoadError> {
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| PolicyLoadError::single(&shown, format!("cannot list directory: {e}")))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| PolicyLoadError::single(&shown, format!("cannot list directory: {e}")))?
            .path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == POLICY_EXTENSION) {
            paths.push(path);
        }
    }
    // Sorted so that diagnostics and policy order do not depend on the file system.
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn read_text(path: &Path, shown: &str) -> Result<String, PolicyLoadError> {
    std::fs::read_to_string(path)
        .map_err(|e| PolicyLoadError::single(shown, format!("cannot read file: {e}")))
}

pub fn parse_schema(text: &str) -> Result<Schema, PolicyLoadError> {
    let (schema, warnings) = Schema::from_cedarschema_str(text)
        .map_err(|e| PolicyLoadError::new(vec![locate(SCHEMA_FILE, text, 0, &e)]))?;
    // Schema warnings (a type shadowing a builtin, ...) are refused like policy warnings.
    let diagnostics: Vec<Diagnostic> = warnings.map(|w| locate(SCHEMA_FILE, text, 0, &w)).collect();
    if diagnostics.is_empty() {
        Ok(schema)
    } else {
        Err(PolicyLoadError::new(diagnostics))
    }
}

/// A policy file, shared by the origins of all its policies.
struct SourceFile {
    name: String,
    text: String,
}

/// Where a policy came from, to place validation errors that carry only a policy id.
struct Origin {
    source: Rc<SourceFile>,
    /// Byte offset of the policy's first character in the file.
    start: usize,
}

#[derive(Default)]
struct Collected {
    policies: PolicySet,
    origins: HashMap<PolicyId, Origin>,
}

impl Collected {
    /// Parses one file and adds its policies under their `@id`; problems are returned, not
    /// raised at the first one, so an author sees all of a file's mistakes at once.
    fn add_file(&mut self, file: &str, text: &str) -> Result<(), Vec<Diagnostic>> {
        let source = Rc::new(SourceFile {
            name: file.to_owned(),
            text: text.to_owned(),
        });
        // Bounded first: Cedar's parser recurses per level and would overflow the stack.
        policy_limits::screen(text)
            .map_err(|refused| vec![at(file, text, refused.offset, refused.to_string())])?;
        let parsed = PolicySet::from_str(text).map_err(|errors| {
            errors
                .iter()
                .map(|e| locate(file, text, 0, e))
                .collect::<Vec<_>>()
        })?;
        let mut diagnostics = Vec::new();
        for (policy, start) in in_file_order(&parsed, text) {
            if let Err(d) = self.add_policy(&source, policy, start) {
                diagnostics.push(d);
            }
        }
        for template in parsed.templates() {
            let start = text.find(&template.to_string()).unwrap_or(0);
            if let Err(d) = self.add_template(&source, template, start) {
                diagnostics.push(d);
            }
        }
        if diagnostics.is_empty() {
            Ok(())
        } else {
            Err(diagnostics)
        }
    }

    /// The `@id` a policy or template must carry, or the diagnostic saying so.
    fn annotated_id(
        &self,
        source: &SourceFile,
        annotation: Option<&str>,
        start: usize,
    ) -> Result<PolicyId, Diagnostic> {
        let (file, text) = (source.name.as_str(), source.text.as_str());
        let id = match annotation.map(str::trim) {
            Some(id) if !id.is_empty() => PolicyId::new(id),
            _ => {
                let message = "policy has no @id(\"...\") annotation".to_owned();
                return Err(at(file, text, start, message));
            }
        };
        if let Some(first) = self.origins.get(&id) {
            let (line, column) = line_column(&first.source.text, first.start);
            let message = format!(
                "duplicate @id(\"{id}\"), first used at {}:{line}:{column}",
                first.source.name
            );
            let mut diagnostic = at(file, text, start, message);
            diagnostic.policy_id = Some(id.to_string());
            return Err(diagnostic);
        }
        Ok(id)
    }

    fn add_template(
        &mut self,
        source: &Rc<SourceFile>,
        template: &Template,
        start: usize,
    ) -> Result<(), Diagnostic> {
        let id = self.annotated_id(source, template.annotation("id"), start)?;
        self.policies
            .add_template(template.new_id(id.clone()))
            .map_err(|e| at(&source.name, &source.text, start, e.to_string()))?;
        let origin = Origin {
            source: Rc::clone(source),
            start,
        };
        self.origins.insert(id, origin);
        Ok(())
    }

    /// A template linked for one principal (and resource): added as the static policy the
    /// link stands for, so that deciding, slicing and explaining see one kind of policy.
    /// Its mistakes are placed at the template's text.
    fn add_link(&mut self, link: &TemplateLink) -> Result<(), Diagnostic> {
        let template_id = PolicyId::new(&link.template);
        let unplaced = |message: String| Diagnostic {
            file: LINKS_FILE.to_owned(),
            policy_id: Some(link.id.clone()),
            line: 1,
            column: 1,
            message,
        };
        let Some(template) = self.policies.template(&template_id) else {
            return Err(unplaced(format!(
                "no template has @id(\"{}\")",
                link.template
            )));
        };
        let origin = &self.origins[&template_id];
        let (source, start) = (Rc::clone(&origin.source), origin.start);
        let placed = |message: String| {
            let mut diagnostic = at(&source.name, &source.text, start, message);
            diagnostic.policy_id = Some(link.id.clone());
            diagnostic
        };
        let id = PolicyId::new(&link.id);
        if self.origins.contains_key(&id) {
            return Err(unplaced(format!("duplicate @id(\"{}\")", link.id)));
        }
        let mut est = template.to_json().map_err(|e| placed(e.to_string()))?;
        for (slot, scope, value) in [
            ("?principal", "principal", link.principal_uid()),
            ("?resource", "resource", link.resource_uid()),
        ] {
            let has_slot = est[scope].get("slot").and_then(serde_json::Value::as_str) == Some(slot);
            match (has_slot, value) {
                (true, Some(uid)) => {
                    let scope = est[scope].as_object_mut().expect("a scope is an object");
                    scope.remove("slot");
                    scope.insert("entity".to_owned(), uid);
                }
                (true, None) => {
                    return Err(placed(format!("the template needs a value for {slot}")))
                }
                (false, Some(_)) => return Err(placed(format!("the template has no {slot} slot"))),
                (false, None) => {}
            }
        }
        let policy = Policy::from_json(Some(id.clone()), est).map_err(|e| placed(e.to_string()))?;
        self.policies
            .add(policy)
            .map_err(|e| placed(e.to_string()))?;
        self.origins.insert(id, Origin { source, start });
        Ok(())
    }

    fn add_policy(
        &mut self,
        source: &Rc<SourceFile>,
        policy: &Policy,
        start: usize,
    ) -> Result<(), Diagnostic> {
        let id = self.annotated_id(source, policy.annotation("id"), start)?;
        let renamed = policy.new_id(id.clone());
        self.policies
            .add(renamed)
            .map_err(|e| at(&source.name, &source.text, start, e.to_string()))?;
        let origin = Origin {
            source: Rc::clone(source),
            start,
        };
        self.origins.insert(id, origin);
        Ok(())
    }
}

/// The file's static policies with the byte offset where each starts.
///
/// Cedar numbers the statements of a text `policy0`, `policy1`, ... in order, and a policy
/// displays as its original text, so walking them in that order finds each one exactly,
/// even when two policies read alike.
fn in_file_order<'a>(parsed: &'a PolicySet, text: &str) -> Vec<(&'a Policy, usize)> {
    let mut policies: Vec<&Policy> = parsed.policies().collect();
    policies.sort_by_key(|p| statement_number(p.id()));
    let mut cursor = 0;
    policies
        .into_iter()
        .map(|policy| {
            let source = policy.to_string();
            let start = text
                .get(cursor..)
                .and_then(|rest| rest.find(&source))
                .map_or(cursor, |found| cursor + found);
            cursor = start + source.len();
            (policy, start)
        })
        .collect()
}

fn statement_number(id: &PolicyId) -> usize {
    id.to_string()
        .strip_prefix("policy")
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

fn validate(schema: &Schema, collected: &Collected) -> Result<(), PolicyLoadError> {
    let result =
        Validator::new(schema.clone()).validate(&collected.policies, ValidationMode::Strict);
    let errors = result.validation_errors().map(|e| {
        let diagnostic = locate_in_policy(collected, e.policy_id(), e);
        (Kind::Error(discriminant(e)), diagnostic)
    });
    // Warnings (an impossible policy, confusable identifiers) are authoring mistakes in a
    // rule book this small, so they are refused too.
    let warnings = result.validation_warnings().map(|w| {
        let diagnostic = locate_in_policy(collected, w.policy_id(), w);
        (Kind::Warning(discriminant(w)), diagnostic)
    });
    let diagnostics = once_per_place(errors.chain(warnings));
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(PolicyLoadError::new(diagnostics))
    }
}

/// The kind of a validation finding, to tell repeats from different mistakes at one place.
#[derive(PartialEq)]
enum Kind {
    Error(Discriminant<ValidationError>),
    Warning(Discriminant<ValidationWarning>),
}

/// Cedar checks a policy once for each action it may apply to and repeats a mistake for
/// each; a person needs each mistake once, at its place.
fn once_per_place(found: impl Iterator<Item = (Kind, Diagnostic)>) -> Vec<Diagnostic> {
    let mut kept: Vec<(Kind, Diagnostic, usize)> = Vec::new();
    for (kind, diagnostic) in found {
        let repeat = kept.iter_mut().find(|(k, d, _)| {
            *k == kind
                && (&d.file, d.line, d.column)
                    == (&diagnostic.file, diagnostic.line, diagnostic.column)
        });
        match repeat {
            Some((_, _, repeats)) => *repeats += 1,
            None => kept.push((kind, diagnostic, 0)),
        }
    }
    // Cedar reports in no fixed order; a stable order keeps reports and tests comparable.
    kept.sort_by(|(_, a, _), (_, b, _)| {
        (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column))
    });
    kept.into_iter()
        .map(|(_, mut diagnostic, repeats)| {
            if repeats > 0 {
                let more = format!(" (and {repeats} more like it here)");
                diagnostic.message.push_str(&more);
            }
            diagnostic
        })
        .collect()
}

fn locate_in_policy<'e, E>(collected: &Collected, id: &PolicyId, error: &'e E) -> Diagnostic
where
    DetailedError: From<&'e E>,
{
    match collected.origins.get(id) {
        Some(origin) => Diagnostic {
            policy_id: Some(id.to_string()),
            ..locate(
                &origin.source.name,
                &origin.source.text,
                origin.start,
                error,
            )
        },
        None => Diagnostic {
            file: id.to_string(),
            policy_id: Some(id.to_string()),
            line: 1,
            column: 1,
            message: DetailedError::from(error).message,
        },
    }
}

/// A diagnostic at the first source label of a Cedar error, or at `fallback` when the
/// error has none. Labels are byte offsets into the text that was parsed.
fn locate<'e, E>(file: &str, text: &str, fallback: usize, error: &'e E) -> Diagnostic
where
    DetailedError: From<&'e E>,
{
    // DetailedError reads miette's labels for us, so we need no direct miette dependency.
    let detailed = DetailedError::from(error);
    let offset = detailed
        .source_locations
        .first()
        .map_or(fallback, |label| label.loc.start);
    let message = match detailed.help {
        Some(help) => format!("{} (help: {help})", detailed.message),
        None => detailed.message,
    };
    at(file, text, offset, message)
}

fn at(file: &str, text: &str, offset: usize, message: String) -> Diagnostic {
    let (line, column) = line_column(text, offset);
    Diagnostic {
        file: file.to_owned(),
        policy_id: None,
        line,
        column,
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the end or
/// inside a character are clamped back to the previous character boundary.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
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
}
