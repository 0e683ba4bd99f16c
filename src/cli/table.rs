//! Findings as a plain-text table, for the command line.

use crate::seats::records::FindingView;

/// Longest evidence line shown; the API holds the whole proof.
const MAX_EVIDENCE_CHARS: usize = 110;

const HEADERS: [&str; 8] = [
    "KIND",
    "SEVERITY",
    "STATE",
    "LOGIN",
    "PEOPLE",
    "FIRST SEEN",
    "LAST SEEN",
    "EVIDENCE",
];

/// One line per finding, columns aligned; "no findings" when there are none.
pub fn findings_table(findings: &[FindingView]) -> String {
    if findings.is_empty() {
        return "no findings\n".to_owned();
    }
    let rows: Vec<[String; 8]> = findings.iter().map(row).collect();
    let mut widths = HEADERS.map(|header| header.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = line(&HEADERS.map(str::to_owned), &widths);
    for row in &rows {
        text.push_str(&line(row, &widths));
    }
    text
}

fn row(finding: &FindingView) -> [String; 8] {
    let summary = finding.evidence["summary"].as_str().unwrap_or_default();
    [
        finding.kind.clone(),
        finding.severity.clone(),
        finding.state.clone(),
        finding
            .login
            .clone()
            .unwrap_or_else(|| "(company)".to_owned()),
        finding.headcount.to_string(),
        finding.first_seen.clone(),
        finding.last_seen.clone(),
        one_line(summary),
    ]
}

fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX_EVIDENCE_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(MAX_EVIDENCE_CHARS - 1).collect();
    format!("{cut}…")
}

/// Cells padded to their column's width; the last column is not padded.
fn line(cells: &[String; 8], widths: &[usize; 8]) -> String {
    let mut text = String::new();
    for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if index + 1 == cells.len() {
            text.push_str(cell);
        } else {
            let pad = width - cell.chars().count();
            text.push_str(cell);
            text.push_str(&" ".repeat(pad + 2));
        }
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn finding(kind: &str, login: Option<&str>, summary: &str) -> FindingView {
        FindingView {
            id: "f1".into(),
            kind: kind.into(),
            severity: "high".into(),
            state: "open".into(),
            login: login.map(Into::into),
            headcount: 3,
            headcount_estimate: 3,
            evidence_class: "proven".into(),
            evidence: json!({ "summary": summary }),
            first_seen: "2026-03-02T09:10:00Z".into(),
            last_seen: "2026-03-06T12:00:00Z".into(),
            resolved_by: None,
            resolution_note: None,
            state_changed_by: None,
            state_changed_at: None,
            version: 1,
        }
    }

    #[test]
    fn columns_align_and_long_evidence_is_cut_to_one_line() {
        let long = "word ".repeat(60);
        let text = findings_table(&[
            finding(
                "shared_login",
                Some("ventes@x.test"),
                "at least 3 people\nuse it",
            ),
            finding("over_limit", None, &long),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("KIND"));
        let column = lines[0].find("SEVERITY").unwrap();
        assert_eq!(lines[1].find("high"), Some(column));
        assert_eq!(lines[2].find("high"), Some(column));
        assert!(lines[1].ends_with("at least 3 people use it"));
        assert!(lines[2].contains("(company)") && lines[2].ends_with('…'));
        assert_eq!(findings_table(&[]), "no findings\n");
    }
}
