//! Loading the Cedar schema and policy files, with diagnostics a person can act on.
//!
//! Policies come from `policies/` on disk or from the database as (file name, text) pairs.
//! Cedar names parsed policies `policy0`, `policy1`, ... per text, which collide across
//! files and explain nothing, so every policy must carry a unique `@id("...")` annotation
//! that becomes its [`PolicyId`]. Validation is strict: a policy that does not typecheck
//! against the schema, or that the validator warns about, is refused.

mod collected;
mod diagnostics;
mod links;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use cedar_policy::{PolicySet, Schema};

use collected::{validate, Collected};
use diagnostics::locate;
pub use diagnostics::{Diagnostic, PolicyLoadError};
pub use links::{LinkedResource, TemplateLink, LINKS_FILE};

/// File name used in diagnostics about the schema.
pub const SCHEMA_FILE: &str = "schema.cedarschema";
/// Extension of policy files in a policy directory.
const POLICY_EXTENSION: &str = "cedar";

/// A validated policy set and the schema it was validated against.
#[derive(Debug, Clone)]
pub struct LoadedPolicies {
    pub schema: Schema,
    pub policies: PolicySet,
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
