//! What the editor shows of versions, differences and dry-runs, shaped for the template.

use std::collections::HashMap;

use crate::policy_admin::access_review::AccessChange;
use crate::policy_admin::diff::{ChangedPolicy, PolicyText};
use crate::policy_admin::dry_run::DryRunReport;
use crate::policy_admin::versions::VersionSummary;
use crate::ui::lang::when;

pub(super) struct VersionLine {
    pub(super) version: i64,
    pub(super) when: String,
    pub(super) author: String,
    pub(super) comment: String,
    pub(super) active: bool,
}

impl From<VersionSummary> for VersionLine {
    fn from(summary: VersionSummary) -> Self {
        Self {
            version: summary.version,
            when: summary
                .created_at
                .map(|at| when(at.naive_utc()))
                .unwrap_or_default(),
            author: summary.author_id.unwrap_or_default(),
            comment: summary.comment,
            active: summary.active,
        }
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
    pub(super) user: String,
    pub(super) action: String,
    pub(super) logged: String,
    pub(super) proposed: String,
    pub(super) count: usize,
}

pub(super) struct UserChangeLine {
    pub(super) email: String,
    pub(super) gained: String,
    pub(super) lost: String,
}

impl DryRunView {
    pub(super) fn new(report: DryRunReport) -> Self {
        let emails: HashMap<&str, &str> = report
            .access
            .iter()
            .map(|user| (user.user_id.as_str(), user.email.as_str()))
            .collect();
        let changes = |changes: &[AccessChange]| {
            changes
                .iter()
                .map(|change| {
                    format!(
                        "{} ({} → {})",
                        change.action,
                        change.before.as_str(),
                        change.after.as_str()
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        Self {
            replayed: report.replay.replayed,
            not_replayable: report.replay.not_replayable,
            flipped: report.replay.flipped,
            flips: report
                .replay
                .flips
                .iter()
                .map(|group| {
                    let user = group.user_id.as_deref().unwrap_or_default();
                    FlipLine {
                        user: emails.get(user).copied().unwrap_or(user).to_owned(),
                        action: group.action.clone(),
                        logged: group.logged.clone(),
                        proposed: group.proposed.clone(),
                        count: group.count,
                    }
                })
                .collect(),
            users: report
                .access
                .iter()
                .map(|user| UserChangeLine {
                    email: user.email.clone(),
                    gained: changes(&user.gained),
                    lost: changes(&user.lost),
                })
                .collect(),
        }
    }
}

/// One version against the one before it, policy by policy.
pub(super) struct DiffView {
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) added: Vec<PolicyText>,
    pub(super) removed: Vec<PolicyText>,
    pub(super) changed: Vec<ChangedPolicy>,
    pub(super) unchanged: usize,
}
