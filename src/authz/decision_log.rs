//! The decision log: every decision appended to its company's SHA-256 hash chain, in the
//! transaction of the action it decided.

use chrono::{NaiveDateTime, SecondsFormat};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::store::schema::{decision_heads, decisions};
use crate::store::{pacing, DbConnection};

/// The hash that precedes a company's first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = decisions)]
pub struct DecisionRecord {
    pub id: String,
    pub company_id: String,
    pub seq: i64,
    pub decided_at: NaiveDateTime,
    pub user_id: Option<String>,
    pub session_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub decision: String,
    pub policy_ids: String,
    pub errors: String,
    pub client_ip: Option<String>,
    pub policy_version: String,
    pub prev_hash: String,
    pub hash: String,
    pub inputs: Option<String>,
}

impl DecisionRecord {
    /// The hash of this record's fields chained to `prev_hash`. Fields are hashed as a JSON
    /// array so no two different records can serialize alike. Inputs, recorded since policy
    /// administration, are hashed only when present, as `[fields, inputs]`: records written
    /// before keep their hash.
    pub fn compute_hash(&self) -> String {
        let fields = (
            &self.prev_hash,
            &self.id,
            &self.company_id,
            self.seq,
            self.decided_at
                .and_utc()
                .to_rfc3339_opts(SecondsFormat::Micros, true),
            &self.user_id,
            &self.session_id,
            &self.action,
            &self.resource_type,
            &self.resource_id,
            &self.decision,
            &self.policy_ids,
            &self.errors,
            &self.client_ip,
            &self.policy_version,
        );
        // Written straight into the hasher: the same bytes as the JSON text of the array.
        let mut hasher = HashWriter(Sha256::new());
        match &self.inputs {
            None => serde_json::to_writer(&mut hasher, &fields),
            Some(inputs) => serde_json::to_writer(&mut hasher, &(fields, inputs)),
        }
        .expect("strings and numbers serialize");
        hex::encode(hasher.0.finalize())
    }
}

struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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

/// Where a company's chain first breaks, if it does.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ChainCheck {
    pub records_checked: i64,
    pub intact: bool,
    pub first_broken_id: Option<String>,
    pub first_broken_seq: Option<i64>,
    pub problem: Option<String>,
}

/// Re-computes the chain from the stored rows, a page at a time: memory stays bounded, and in
/// a read on a snapshot the writes go between the pages (`pacing::step`).
pub fn verify(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<ChainCheck, diesel::result::Error> {
    // Short pages: a write that arrives during one is not held long.
    const PAGE: i64 = 100;
    let mut expected_prev = GENESIS_HASH.to_owned();
    let mut expected_seq = 1_i64;
    loop {
        let checked = pacing::step(|| {
            let page: Vec<DecisionRecord> = decisions::table
                .filter(decisions::company_id.eq(company_id))
                .filter(decisions::seq.ge(expected_seq))
                .order(decisions::seq.asc())
                .limit(PAGE)
                .select(DecisionRecord::as_select())
                .load(conn)?;
            if page.is_empty() {
                return Ok::<_, diesel::result::Error>(PageCheck::End);
            }
            for record in &page {
                if let Some(problem) = check_link(record, expected_seq, &expected_prev) {
                    return Ok(PageCheck::Broken(ChainCheck {
                        records_checked: expected_seq,
                        intact: false,
                        first_broken_id: Some(record.id.clone()),
                        first_broken_seq: Some(expected_seq),
                        problem: Some(problem),
                    }));
                }
                expected_prev.clone_from(&record.hash);
                expected_seq += 1;
            }
            Ok(PageCheck::Intact)
        })?;
        match checked {
            PageCheck::Intact => {}
            PageCheck::Broken(check) => return Ok(check),
            PageCheck::End => return check_tail(conn, company_id, expected_seq - 1),
        }
    }
}

/// How a page of the chain checked out.
enum PageCheck {
    Intact,
    Broken(ChainCheck),
    /// No record left.
    End,
}

/// Records cut from the end of the chain leave the head ahead of the last record.
fn check_tail(
    conn: &mut DbConnection,
    company_id: &str,
    last_seq: i64,
) -> Result<ChainCheck, diesel::result::Error> {
    let head_seq: Option<i64> = decision_heads::table
        .find(company_id)
        .select(decision_heads::seq)
        .get_result(conn)
        .optional()?;
    match head_seq {
        Some(head) if head != last_seq => Ok(ChainCheck {
            records_checked: last_seq,
            intact: false,
            first_broken_id: None,
            first_broken_seq: Some(last_seq + 1),
            problem: Some(format!("records {} to {head} are missing", last_seq + 1)),
        }),
        _ => Ok(intact(last_seq)),
    }
}

fn intact(records_checked: i64) -> ChainCheck {
    ChainCheck {
        records_checked,
        intact: true,
        first_broken_id: None,
        first_broken_seq: None,
        problem: None,
    }
}

fn check_link(record: &DecisionRecord, expected_seq: i64, expected_prev: &str) -> Option<String> {
    if record.seq != expected_seq {
        return Some(format!("record {expected_seq} is missing"));
    }
    if record.prev_hash != expected_prev {
        return Some("its previous hash does not match the record before it".into());
    }
    if record.compute_hash() != record.hash {
        return Some("its content does not match its hash".into());
    }
    None
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

/// One page of a company's decisions, newest first, and the cursor of the next page.
pub fn list(
    conn: &mut DbConnection,
    company_id: &str,
    filter: &DecisionFilter,
    limit: i64,
) -> Result<(Vec<DecisionRecord>, Option<i64>), diesel::result::Error> {
    let mut query = decisions::table
        .filter(decisions::company_id.eq(company_id))
        .into_boxed();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> DecisionRecord {
        DecisionRecord {
            id: "0192-id".into(),
            company_id: "company-1".into(),
            seq: 42,
            decided_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
                .unwrap()
                .and_hms_micro_opt(6, 21, 49, 123_456)
                .unwrap(),
            user_id: Some("user-1".into()),
            session_id: None,
            action: "create_invoice".into(),
            resource_type: "Invoice".into(),
            resource_id: "facture \"n°7\"\n".into(),
            decision: "deny".into(),
            policy_ids: "tenant-wall,closed-books".into(),
            errors: String::new(),
            client_ip: Some("10.0.0.1".into()),
            policy_version: "abcdef012345".into(),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
            inputs: None,
        }
    }

    /// Chains written by earlier versions must still verify: the hashed form never changes.
    #[test]
    fn the_hashed_form_of_a_record_is_stable() {
        assert_eq!(
            record().compute_hash(),
            "4fbfe5eb6c3877961da47622ee9f86fc024aba85c2bb76d0a8d5eb55deeae792"
        );
    }

    #[test]
    fn recorded_inputs_are_covered_by_the_hash() {
        let mut with_inputs = record();
        with_inputs.inputs = Some("{\"role\":\"standard_sales\"}".into());
        let hash = with_inputs.compute_hash();
        assert_ne!(hash, record().compute_hash());
        with_inputs.inputs = Some("{\"role\":\"primary_admin\"}".into());
        assert_ne!(with_inputs.compute_hash(), hash);
    }
}
