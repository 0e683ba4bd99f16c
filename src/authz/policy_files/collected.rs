//! The policies of a company's files gathered into one set under their `@id`s, each with the
//! place it came from, so that validation errors that carry only an id can be placed.

use std::collections::HashMap;
use std::mem::discriminant;
use std::rc::Rc;
use std::str::FromStr;

use cedar_policy::ffi::DetailedError;
use cedar_policy::{Policy, PolicyId, PolicySet, Schema, Template, ValidationMode, Validator};

use super::diagnostics::{
    at, line_column, locate, once_per_place, Diagnostic, Kind, PolicyLoadError,
};
use super::links::{TemplateLink, LINKS_FILE};
use crate::authz::policy_limits;

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
pub(super) struct Collected {
    pub(super) policies: PolicySet,
    origins: HashMap<PolicyId, Origin>,
}

impl Collected {
    /// Parses one file and adds its policies under their `@id`; problems are returned, not
    /// raised at the first one, so an author sees all of a file's mistakes at once.
    pub(super) fn add_file(&mut self, file: &str, text: &str) -> Result<(), Vec<Diagnostic>> {
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
        let added = self.policies.add_template(template.new_id(id.clone()));
        self.placed(added, id, source, start)
    }

    /// A template linked for one principal (and resource): added as the static policy the
    /// link stands for, so that deciding, slicing and explaining see one kind of policy.
    /// Its mistakes are placed at the template's text.
    pub(super) fn add_link(&mut self, link: &TemplateLink) -> Result<(), Diagnostic> {
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
        let added = self.policies.add(policy.new_id(id.clone()));
        self.placed(added, id, source, start)
    }

    /// Records where the policy `id` starts once it was added, or places why it was not.
    fn placed(
        &mut self,
        added: Result<(), impl std::fmt::Display>,
        id: PolicyId,
        source: &Rc<SourceFile>,
        start: usize,
    ) -> Result<(), Diagnostic> {
        added.map_err(|e| at(&source.name, &source.text, start, e.to_string()))?;
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

pub(super) fn validate(schema: &Schema, collected: &Collected) -> Result<(), PolicyLoadError> {
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
