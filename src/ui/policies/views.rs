//! What the editor shows of versions, differences, dry-runs and test runs, shaped for the
//! template: people by name, actions by label, times in the company's zone.

use std::collections::HashMap;

use crate::authz::decision_names::Person;
use crate::authz::policy_tests::{CaseResult, TestReport, Verdict};
use crate::policy_admin::access_review::{Access, AccessChange};
use crate::policy_admin::diff::{ChangedPolicy, PolicyDiff, PolicyText};
use crate::policy_admin::dry_run::DryRunReport;
use crate::policy_admin::versions::{VersionSummary, BASE_COMMENT};
use crate::ui::labels;
use crate::ui::lang::{Lang, When};

pub(super) struct VersionLine {
    pub(super) version: i64,
    pub(super) when: Option<When>,
    /// The author's name, and their email for a title.
    pub(super) author: Option<Person>,
    pub(super) comment: String,
    pub(super) active: bool,
}

impl VersionLine {
    pub(super) fn new(t: Lang, summary: VersionSummary, people: &HashMap<String, Person>) -> Self {
        let comment = if summary.comment == BASE_COMMENT {
            t.t("The base policies", "Les politiques de base")
                .to_owned()
        } else {
            summary.comment
        };
        Self {
            version: summary.version,
            when: summary.created_at.map(|at| t.when(at.naive_utc())),
            author: summary.author_id.and_then(|id| people.get(&id).cloned()),
            comment,
            active: summary.active,
        }
    }
}

/// A person of the company by name, or "someone else" for a user no longer known.
fn person(t: Lang, people: &HashMap<String, Person>, user_id: Option<&str>) -> Person {
    user_id
        .and_then(|id| people.get(id).cloned())
        .unwrap_or_else(|| Person {
            name: t.t("an unknown user", "un utilisateur inconnu").to_owned(),
            email: String::new(),
        })
}

/// "allowed" / "autorisé", and the class of its badge.
pub(super) fn access_word(t: Lang, access: Access) -> &'static str {
    match access {
        Access::Allowed => t.t("allowed", "autorisé"),
        Access::Conditional => t.t("allowed under conditions", "autorisé sous conditions"),
        Access::Denied => t.t("denied", "refusé"),
    }
}

pub(super) fn decision_word(t: Lang, decision: &str) -> &'static str {
    if decision == "allow" {
        t.t("allowed", "autorisé")
    } else {
        t.t("denied", "refusé")
    }
}

/// What a proposed text would change, before it is saved.
pub(super) struct DryRunView {
    pub(super) replayed: usize,
    pub(super) not_replayable: usize,
    pub(super) flipped: usize,
    pub(super) flips: Vec<FlipLine>,
    pub(super) users: Vec<UserChangeLine>,
}

pub(super) struct FlipLine {
    pub(super) user: Person,
    pub(super) action: String,
    /// `allow` or `deny`, for the badge's class.
    pub(super) logged: String,
    pub(super) proposed: String,
    pub(super) logged_word: &'static str,
    pub(super) proposed_word: &'static str,
    pub(super) count: usize,
}

pub(super) struct UserChangeLine {
    pub(super) user: Person,
    pub(super) gained: String,
    pub(super) lost: String,
}

impl DryRunView {
    pub(super) fn new(t: Lang, report: DryRunReport, people: &HashMap<String, Person>) -> Self {
        let changes = |changes: &[AccessChange]| {
            let words: Vec<String> = changes
                .iter()
                .map(|change| {
                    format!(
                        "{} ({} → {})",
                        labels::action_named(t, &change.action),
                        access_word(t, change.before),
                        access_word(t, change.after)
                    )
                })
                .collect();
            words.join(", ")
        };
        Self {
            replayed: report.replay.replayed,
            not_replayable: report.replay.not_replayable,
            flipped: report.replay.flipped,
            flips: report
                .replay
                .flips
                .iter()
                .map(|group| FlipLine {
                    user: person(t, people, group.user_id.as_deref()),
                    action: labels::action_named(t, &group.action),
                    logged_word: decision_word(t, &group.logged),
                    proposed_word: decision_word(t, &group.proposed),
                    logged: group.logged.clone(),
                    proposed: group.proposed.clone(),
                    count: group.count,
                })
                .collect(),
            users: report
                .access
                .iter()
                .map(|user| UserChangeLine {
                    user: people.get(&user.user_id).cloned().unwrap_or(Person {
                        name: user.email.clone(),
                        email: user.email.clone(),
                    }),
                    gained: changes(&user.gained),
                    lost: changes(&user.lost),
                })
                .collect(),
        }
    }
}

/// The policy tests run on a proposed text.
pub(super) struct TestRunView {
    pub(super) passed: usize,
    pub(super) failed: Vec<FailedTest>,
}

/// A test case that does not pass: its file and name (test data, shown as code), what it
/// expects and what it got.
pub(super) struct FailedTest {
    pub(super) file: String,
    pub(super) name: String,
    pub(super) expected: &'static str,
    pub(super) actual: &'static str,
    /// Further problems, in the test runner's words (shown as code).
    pub(super) problems: Vec<String>,
}

impl TestRunView {
    pub(super) fn new(t: Lang, report: TestReport) -> Self {
        let passed = report.passed();
        Self {
            passed,
            failed: failed_tests(t, report.cases),
        }
    }
}

pub(super) fn failed_tests(t: Lang, cases: Vec<CaseResult>) -> Vec<FailedTest> {
    let verdict = |verdict: Option<Verdict>| match verdict {
        Some(Verdict::Allow) => t.t("allowed", "autorisé"),
        Some(Verdict::Deny) => t.t("denied", "refusé"),
        None => t.t("no decision", "aucune décision"),
    };
    cases
        .into_iter()
        .filter(|case| !case.passed)
        .map(|case| FailedTest {
            expected: verdict(Some(case.expected)),
            actual: verdict(case.actual),
            file: case.file,
            name: case.name,
            problems: case.problems,
        })
        .collect()
}

/// One version against another, policy by policy.
pub(super) struct DiffView {
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) added: Vec<PolicyText>,
    pub(super) removed: Vec<PolicyText>,
    pub(super) changed: Vec<ChangedPolicy>,
    pub(super) unchanged: usize,
}

impl DiffView {
    pub(super) fn new(from: i64, to: i64, diff: PolicyDiff) -> Self {
        Self {
            from,
            to,
            added: diff.added,
            removed: diff.removed,
            changed: diff.changed,
            unchanged: diff.unchanged,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}
