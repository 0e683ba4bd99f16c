//! Diagnostics a person can act on: each problem once, at its file, line and column.

use std::fmt;
use std::mem::Discriminant;

use cedar_policy::ffi::DetailedError;
use cedar_policy::{ValidationError, ValidationWarning};
use serde::Serialize;

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

    pub(super) fn new(diagnostics: Vec<Diagnostic>) -> Self {
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

/// The kind of a validation finding, to tell repeats from different mistakes at one place.
#[derive(PartialEq)]
pub(super) enum Kind {
    Error(Discriminant<ValidationError>),
    Warning(Discriminant<ValidationWarning>),
}

/// Cedar checks a policy once for each action it may apply to and repeats a mistake for
/// each; a person needs each mistake once, at its place.
pub(super) fn once_per_place(found: impl Iterator<Item = (Kind, Diagnostic)>) -> Vec<Diagnostic> {
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

/// A diagnostic at the first source label of a Cedar error, or at `fallback` when the
/// error has none. Labels are byte offsets into the text that was parsed.
pub(super) fn locate<'e, E>(file: &str, text: &str, fallback: usize, error: &'e E) -> Diagnostic
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

pub(super) fn at(file: &str, text: &str, offset: usize, message: String) -> Diagnostic {
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
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
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
