//! The faulty lines of a refused text, each with the problems found on it.

use crate::authz::policy_files::Diagnostic;

/// One line of the submitted text, with the problems found on it.
pub(super) struct ListingLine {
    pub(super) number: usize,
    pub(super) text: String,
    pub(super) problems: Vec<String>,
}

/// Lines shown around each faulty line.
const CONTEXT_LINES: usize = 3;

/// The faulty lines of the text with a few lines around them, each line with the diagnostics
/// that point at it; diagnostics past the last line stay on the last one.
pub(super) fn listing(text: &str, diagnostics: &[Diagnostic]) -> Vec<ListingLine> {
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.len().max(1);
    let mut listing: Vec<ListingLine> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| ListingLine {
            number: index + 1,
            text: (*line).to_owned(),
            problems: Vec::new(),
        })
        .collect();
    if listing.is_empty() {
        listing.push(ListingLine {
            number: 1,
            text: String::new(),
            problems: Vec::new(),
        });
    }
    for diagnostic in diagnostics {
        let line = diagnostic.line.clamp(1, last);
        listing[line - 1]
            .problems
            .push(format!("{}: {}", diagnostic.column, diagnostic.message));
    }
    let faulty: Vec<usize> = listing
        .iter()
        .filter(|line| !line.problems.is_empty())
        .map(|line| line.number)
        .collect();
    listing.retain(|line| {
        faulty
            .iter()
            .any(|number| line.number.abs_diff(*number) <= CONTEXT_LINES)
    });
    listing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(line: usize, message: &str) -> Diagnostic {
        Diagnostic {
            file: "policies".into(),
            policy_id: None,
            line,
            column: 3,
            message: message.into(),
        }
    }

    #[test]
    fn problems_are_shown_at_their_line() {
        let text = "permit (\n  principal,\n  acton,\n  resource\n);\n\n\n\n\n// end";
        let listing = listing(text, &[diagnostic(3, "unexpected token")]);
        let numbers: Vec<usize> = listing.iter().map(|line| line.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
        assert_eq!(listing[2].problems, ["3: unexpected token"]);
        assert!(listing[0].problems.is_empty());
        let past_the_end = super::listing(text, &[diagnostic(99, "at the end")]);
        assert_eq!(past_the_end.last().map(|l| l.number), Some(10));
        assert_eq!(past_the_end.last().unwrap().problems, ["3: at the end"]);
    }
}
