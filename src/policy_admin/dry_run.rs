//! A proposed change replayed against the company's logged decisions before it goes live.
//!
//! Every decision is logged with the inputs it was decided on (`authz::decision_inputs`),
//! so replaying one asks the proposed policies exactly what was asked then. The report
//! lists the decisions that would flip, grouped by user and action with examples, and the
//! access-review delta of the roster: per user, the actions gained and lost.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::access_review::{self, UserDelta};
use crate::authz::decision_inputs::DecisionInputs;
use crate::authz::{Action, CompanyRules, Engine};
use crate::store::schema::decisions;
use crate::store::DbConnection;

/// Most decisions one dry-run replays.
pub const MAX_REPLAYED: i64 = 1_000_000;
/// Examples shown per group of flips.
const EXAMPLES_PER_GROUP: usize = 5;

/// Which logged decisions to replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The most recent ones.
    Last(i64),
    /// Those decided in [from, to).
    Between {
        from: NaiveDateTime,
        to: NaiveDateTime,
    },
}

/// A logged decision, with what replaying it needs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = decisions)]
pub struct LoggedDecision {
    pub id: String,
    pub seq: i64,
    pub decided_at: NaiveDateTime,
    pub user_id: Option<String>,
    pub session_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub decision: String,
    pub policy_ids: String,
    pub client_ip: Option<String>,
    pub inputs: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlipExample {
    pub decision_id: String,
    pub seq: i64,
    pub decided_at: DateTime<Utc>,
    pub resource_type: String,
    pub resource_id: String,
    /// The policies that decided then, and those that would decide now.
    pub logged_policies: Vec<String>,
    pub proposed_policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlipGroup {
    pub user_id: Option<String>,
    pub action: String,
    /// `allow` or `deny`: the logged decision; the proposed one is the other.
    pub logged: String,
    pub proposed: String,
    pub count: usize,
    pub examples: Vec<FlipExample>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Replay {
    /// Decisions replayed.
    pub replayed: usize,
    /// Decisions logged without inputs (before they were recorded), policy changes, or
    /// about a principal with no known role: not replayed.
    pub not_replayable: usize,
    pub flipped: usize,
    pub flips: Vec<FlipGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DryRunReport {
    #[serde(flatten)]
    pub replay: Replay,
    /// The roster's access, per user: what the change gains and loses them.
    pub access: Vec<UserDelta>,
}

/// The company's logged decisions in `window`, oldest first.
pub fn load_window(
    conn: &mut DbConnection,
    company_id: &str,
    window: Window,
) -> Result<Vec<LoggedDecision>, diesel::result::Error> {
    let query = decisions::table
        .filter(decisions::company_id.eq(company_id))
        .select(LoggedDecision::as_select())
        .into_boxed();
    let mut rows = match window {
        Window::Last(count) => query
            .order(decisions::seq.desc())
            .limit(count.clamp(0, MAX_REPLAYED))
            .load(conn)?,
        Window::Between { from, to } => query
            .filter(decisions::decided_at.ge(from))
            .filter(decisions::decided_at.lt(to))
            .order(decisions::seq.desc())
            .limit(MAX_REPLAYED)
            .load(conn)?,
    };
    rows.reverse();
    Ok(rows)
}

/// Replays `logged` on `engine`, on every core: decisions are independent.
pub fn replay(engine: &Engine, company_id: &str, logged: &[LoggedDecision]) -> Replay {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = logged.len().div_ceil(threads).max(1);
    let outcomes: Vec<Vec<Outcome>> = std::thread::scope(|scope| {
        let workers: Vec<_> = logged
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|d| replay_one(engine, company_id, d))
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a replay worker panicked"))
            .collect()
    });
    let mut result = Replay::default();
    let mut groups: BTreeMap<(Option<String>, String, String), FlipGroup> = BTreeMap::new();
    for (decision, outcome) in logged.iter().zip(outcomes.into_iter().flatten()) {
        match outcome {
            Outcome::NotReplayable => result.not_replayable += 1,
            Outcome::Same => result.replayed += 1,
            Outcome::Flipped(proposed_policies) => {
                result.replayed += 1;
                result.flipped += 1;
                let proposed = if decision.decision == "allow" {
                    "deny"
                } else {
                    "allow"
                };
                let key = (
                    decision.user_id.clone(),
                    decision.action.clone(),
                    decision.decision.clone(),
                );
                let group = groups.entry(key).or_insert_with(|| FlipGroup {
                    user_id: decision.user_id.clone(),
                    action: decision.action.clone(),
                    logged: decision.decision.clone(),
                    proposed: proposed.to_owned(),
                    count: 0,
                    examples: Vec::new(),
                });
                group.count += 1;
                if group.examples.len() < EXAMPLES_PER_GROUP {
                    group.examples.push(example(decision, proposed_policies));
                }
            }
        }
    }
    result.flips = groups.into_values().collect();
    result
}

enum Outcome {
    NotReplayable,
    Same,
    /// The decision flips; the policies that would decide it.
    Flipped(Vec<String>),
}

fn replay_one(engine: &Engine, company_id: &str, decision: &LoggedDecision) -> Outcome {
    let (Some(inputs), Some(user_id)) = (&decision.inputs, &decision.user_id) else {
        return Outcome::NotReplayable;
    };
    let Some(action) = Action::parse(&decision.action) else {
        return Outcome::NotReplayable;
    };
    let Ok(inputs) = serde_json::from_str::<DecisionInputs>(inputs) else {
        return Outcome::NotReplayable;
    };
    let Some(request) = inputs.replayable(
        company_id,
        user_id,
        decision.session_id.clone(),
        decision.client_ip.clone(),
        &decision.resource_type,
        &decision.resource_id,
    ) else {
        return Outcome::NotReplayable;
    };
    let verdict = engine.decide(
        &request.actor,
        &request.rules,
        action,
        &request.resource,
        request.options,
    );
    if verdict.allowed == (decision.decision == "allow") {
        Outcome::Same
    } else {
        Outcome::Flipped(verdict.policy_ids)
    }
}

fn example(decision: &LoggedDecision, proposed_policies: Vec<String>) -> FlipExample {
    FlipExample {
        decision_id: decision.id.clone(),
        seq: decision.seq,
        decided_at: decision.decided_at.and_utc(),
        resource_type: decision.resource_type.clone(),
        resource_id: decision.resource_id.clone(),
        logged_policies: decision
            .policy_ids
            .split(',')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        proposed_policies,
    }
}

/// The replay of `window` on `proposed`, and the roster's access delta from `active`.
pub fn dry_run(
    conn: &mut DbConnection,
    company_id: &str,
    rules: &CompanyRules,
    active: &Engine,
    proposed: &Engine,
    window: Window,
) -> Result<DryRunReport, diesel::result::Error> {
    let logged = load_window(conn, company_id, window)?;
    let replay = replay(proposed, company_id, &logged);
    let roster = access_review::load_roster(conn, company_id)?;
    let before = access_review::review(active, company_id, rules, roster.clone());
    let after = access_review::review(proposed, company_id, rules, roster);
    Ok(DryRunReport {
        replay,
        access: access_review::delta(&before, &after),
    })
}
