//! `seatwarden policy diff A B`: two policy folders compared policy by policy.

use std::path::Path;
use std::process::ExitCode;

use crate::authz::policy_files::policy_file_paths;
use crate::policy_admin::diff::{diff, PolicyDiff};

/// Prints the differences; exits with 0 when there are none, 1 when there are, 2 when a
/// folder cannot be read or parsed.
pub fn run(before: &Path, after: &Path) -> ExitCode {
    let compared = read(before).and_then(|b| {
        let a = read(after)?;
        diff(&b, &a).map_err(|e| e.to_string())
    });
    match compared {
        Ok(found) => {
            print!("{}", render(&found));
            if found.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(error) => {
            eprintln!("seatwarden: {error}");
            ExitCode::from(2)
        }
    }
}

fn read(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let paths = policy_file_paths(dir).map_err(|e| e.to_string())?;
    paths
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            std::fs::read_to_string(&path)
                .map(|text| (name.clone(), text))
                .map_err(|e| format!("{name}: cannot read: {e}"))
        })
        .collect()
}

fn render(found: &PolicyDiff) -> String {
    let mut out = String::new();
    let indent = |text: &str| {
        text.lines()
            .map(|line| format!("    {line}\n"))
            .collect::<String>()
    };
    for policy in &found.removed {
        out += &format!("- {}\n{}", policy.id, indent(&policy.text));
    }
    for policy in &found.added {
        out += &format!("+ {}\n{}", policy.id, indent(&policy.text));
    }
    for policy in &found.changed {
        out += &format!(
            "~ {}\n  before:\n{}  after:\n{}",
            policy.id,
            indent(&policy.before),
            indent(&policy.after)
        );
    }
    out += &format!(
        "{} removed, {} added, {} changed, {} unchanged\n",
        found.removed.len(),
        found.added.len(),
        found.changed.len(),
        found.unchanged
    );
    out
}
