//! The decision log: every decision appended to its company's SHA-256 hash chain, in the
//! transaction of the action it decided, and read back a filtered page at a time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

pub use super::decision_chain::{verify, ChainCheck};
pub use super::decision_record::DecisionRecord;
use super::decision_record::GENESIS_HASH;
use crate::store::schema::{decision_heads, decisions};
use crate::store::DbConnection;

/// A decision to append, before it has its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDecision {
    pub id: String,
    pub company_id: String,
    pub decided_at: NaiveDateTime,
    pub user_id: Option<String>,
    pub session_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub allowed: bool,
    pub policy_ids: Vec<String>,
    pub errors: Vec<String>,
    pub client_ip: Option<String>,
    pub policy_version: String,
    /// What the decision was decided on, as JSON (see `decision_inputs`), for replays.
    pub inputs: Option<String>,
}

/// Appends decisions, keeping each company's order. The head row of a company is advanced
/// first, by the whole batch at once, so concurrent appenders of one company queue on its row
/// lock (PostgreSQL) or the write lock (SQLite), and a batch costs two statements per company.
pub fn append<'a>(
    conn: &mut DbConnection,
    pending: impl IntoIterator<Item = &'a PendingDecision>,
) -> Result<Vec<DecisionRecord>, diesel::result::Error> {
    let pending: Vec<&PendingDecision> = pending.into_iter().collect();
    let mut records = Vec::with_capacity(pending.len());
    let mut companies: Vec<&str> = pending.iter().map(|d| d.company_id.as_str()).collect();
    companies.sort_unstable();
    companies.dedup();
    for company_id in companies {
        let batch: Vec<&PendingDecision> = pending
            .iter()
            .copied()
            .filter(|d| d.company_id == company_id)
            .collect();
        let (last_seq, mut prev_hash) = advance_head(conn, company_id, batch.len() as i64)?;
        let mut seq = last_seq - batch.len() as i64;
        for decision in batch {
            seq += 1;
            let record = chain_record(decision, seq, prev_hash);
            prev_hash = record.hash.clone();
            records.push(record);
        }
        diesel::update(decision_heads::table.find(company_id))
            .set(decision_heads::hash.eq(&prev_hash))
            .execute(conn)?;
    }
    super::decision_rows::insert(conn, &records)?;
    Ok(records)
}

fn chain_record(decision: &PendingDecision, seq: i64, prev_hash: String) -> DecisionRecord {
    let mut record = DecisionRecord {
        id: decision.id.clone(),
        company_id: decision.company_id.clone(),
        seq,
        decided_at: decision.decided_at,
        user_id: decision.user_id.clone(),
        session_id: decision.session_id.clone(),
        action: decision.action.clone(),
        resource_type: decision.resource_type.clone(),
        resource_id: decision.resource_id.clone(),
        decision: if decision.allowed { "allow" } else { "deny" }.to_owned(),
        policy_ids: decision.policy_ids.join(","),
        errors: decision.errors.join("\n"),
        client_ip: decision.client_ip.clone(),
        policy_version: decision.policy_version.clone(),
        prev_hash,
        hash: String::new(),
        inputs: decision.inputs.clone(),
    };
    record.hash = record.compute_hash();
    record
}

/// Starts a company's chain; done when the company is created.
pub fn start_chain(conn: &mut DbConnection, company_id: &str) -> Result<(), diesel::result::Error> {
    diesel::insert_into(decision_heads::table)
        .values((
            decision_heads::company_id.eq(company_id),
            decision_heads::seq.eq(0_i64),
            decision_heads::hash.eq(GENESIS_HASH),
        ))
        .execute(conn)?;
    Ok(())
}

/// Reserves `count` sequence numbers; returns the last one and the hash before the first.
fn advance_head(
    conn: &mut DbConnection,
    company_id: &str,
    count: i64,
) -> Result<(i64, String), diesel::result::Error> {
    let advanced: Option<(i64, String)> = diesel::update(decision_heads::table.find(company_id))
        .set(decision_heads::seq.eq(decision_heads::seq + count))
        .returning((decision_heads::seq, decision_heads::hash))
        .get_result(conn)
        .optional()?;
    match advanced {
        Some(head) => Ok(head),
        None => {
            start_chain(conn, company_id)?;
            advance_head(conn, company_id, count)
        }
    }
}

/// Which decisions a listing shows.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub user_id: Option<String>,
    pub action: Option<String>,
    pub allowed: Option<bool>,
    /// Show records older than this sequence number (the `next` cursor of the page before).
    pub before_seq: Option<i64>,
}

/// Whether a listing shows reads (the `view_*` actions), which every visit of a page logs
/// and which bury the changes an investigator looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    Shown,
    Hidden,
}

/// One page of a company's decisions, newest first, and the cursor of the next page.
pub fn list(
    conn: &mut DbConnection,
    company_id: &str,
    filter: &DecisionFilter,
    limit: i64,
) -> Result<(Vec<DecisionRecord>, Option<i64>), diesel::result::Error> {
    list_where(conn, company_id, filter, Reads::Shown, limit)
}

/// [`list`], with or without the reads.
pub fn list_where(
    conn: &mut DbConnection,
    company_id: &str,
    filter: &DecisionFilter,
    reads: Reads,
    limit: i64,
) -> Result<(Vec<DecisionRecord>, Option<i64>), diesel::result::Error> {
    let mut query = decisions::table
        .filter(decisions::company_id.eq(company_id))
        .into_boxed();
    if reads == Reads::Hidden {
        query = query.filter(decisions::action.not_like("view\\_%").escape('\\'));
    }
    if let Some(from) = filter.from {
        query = query.filter(decisions::decided_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(decisions::decided_at.lt(to));
    }
    if let Some(user_id) = &filter.user_id {
        query = query.filter(decisions::user_id.eq(user_id));
    }
    if let Some(action) = &filter.action {
        query = query.filter(decisions::action.eq(action));
    }
    if let Some(allowed) = filter.allowed {
        query = query.filter(decisions::decision.eq(if allowed { "allow" } else { "deny" }));
    }
    if let Some(seq) = filter.before_seq {
        query = query.filter(decisions::seq.lt(seq));
    }
    let mut rows: Vec<DecisionRecord> = query
        .order(decisions::seq.desc())
        .limit(limit + 1)
        .select(DecisionRecord::as_select())
        .load(conn)?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.seq)
    } else {
        None
    };
    Ok((rows, next))
}

/// One record of a company's log, by its id.
pub fn find(
    conn: &mut DbConnection,
    company_id: &str,
    decision_id: &str,
) -> Result<Option<DecisionRecord>, diesel::result::Error> {
    decisions::table
        .filter(decisions::company_id.eq(company_id))
        .filter(decisions::id.eq(decision_id))
        .select(DecisionRecord::as_select())
        .first(conn)
        .optional()
}
