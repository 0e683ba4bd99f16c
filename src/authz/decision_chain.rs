//! The tamper check of a company's chain: every record re-hashed from the stored rows.

use diesel::prelude::*;
use serde::Serialize;

use super::decision_record::{DecisionRecord, GENESIS_HASH};
use crate::store::schema::{decision_heads, decisions};
use crate::store::{pacing, DbConnection};

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
