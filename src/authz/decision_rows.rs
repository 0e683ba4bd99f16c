//! How a batch of decision records reaches its table, per backend, with statements whose
//! text never changes so that each connection prepares them once.
//!
//! Why: a multi-row `INSERT ... VALUES` has a different text for every batch size, so it was
//! parsed and planned again for every batch; on PostgreSQL that was a fifth of the server's
//! time under load.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};

use super::decision_record::DecisionRecord;
use crate::store::schema::decisions;
use crate::store::DbConnection;

pub fn insert(conn: &mut DbConnection, records: &[DecisionRecord]) -> QueryResult<()> {
    if records.is_empty() {
        return Ok(());
    }
    match conn {
        // Within SQLite's limit of 32,766 bound values per statement.
        DbConnection::Sqlite(sqlite) => {
            for chunk in records.chunks(500) {
                diesel::insert_into(decisions::table)
                    .values(chunk)
                    .execute(sqlite)?;
            }
        }
        DbConnection::Postgres(pg) => {
            UnnestDecisions::new(records).execute(pg)?;
        }
    }
    Ok(())
}

/// `INSERT ... SELECT * FROM UNNEST(...)`: the batch as one array per column, one round trip
/// and one constant statement whatever the batch's size.
struct UnnestDecisions<'a> {
    id: Vec<&'a str>,
    company_id: Vec<&'a str>,
    seq: Vec<i64>,
    decided_at: Vec<chrono::NaiveDateTime>,
    user_id: Vec<Option<&'a str>>,
    session_id: Vec<Option<&'a str>>,
    action: Vec<&'a str>,
    resource_type: Vec<&'a str>,
    resource_id: Vec<&'a str>,
    decision: Vec<&'a str>,
    policy_ids: Vec<&'a str>,
    errors: Vec<&'a str>,
    client_ip: Vec<Option<&'a str>>,
    policy_version: Vec<&'a str>,
    prev_hash: Vec<&'a str>,
    hash: Vec<&'a str>,
    inputs: Vec<Option<&'a str>>,
}

impl<'a> UnnestDecisions<'a> {
    fn new(records: &'a [DecisionRecord]) -> Self {
        let text = |pick: fn(&'a DecisionRecord) -> &'a str| records.iter().map(pick).collect();
        let optional =
            |pick: fn(&'a DecisionRecord) -> Option<&'a str>| records.iter().map(pick).collect();
        Self {
            id: text(|r| &r.id),
            company_id: text(|r| &r.company_id),
            seq: records.iter().map(|r| r.seq).collect(),
            decided_at: records.iter().map(|r| r.decided_at).collect(),
            user_id: optional(|r| r.user_id.as_deref()),
            session_id: optional(|r| r.session_id.as_deref()),
            action: text(|r| &r.action),
            resource_type: text(|r| &r.resource_type),
            resource_id: text(|r| &r.resource_id),
            decision: text(|r| &r.decision),
            policy_ids: text(|r| &r.policy_ids),
            errors: text(|r| &r.errors),
            client_ip: optional(|r| r.client_ip.as_deref()),
            policy_version: text(|r| &r.policy_version),
            prev_hash: text(|r| &r.prev_hash),
            hash: text(|r| &r.hash),
            inputs: optional(|r| r.inputs.as_deref()),
        }
    }
}

impl QueryId for UnnestDecisions<'_> {
    type QueryId = UnnestDecisions<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for UnnestDecisions<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO decisions (id, company_id, seq, decided_at, user_id, session_id, \
             action, resource_type, resource_id, decision, policy_ids, errors, client_ip, \
             policy_version, prev_hash, hash, inputs) SELECT * FROM UNNEST(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.company_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.seq)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.decided_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.user_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.session_id)?;
        for column in [
            &self.action,
            &self.resource_type,
            &self.resource_id,
            &self.decision,
            &self.policy_ids,
            &self.errors,
        ] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Text>, _>(column)?;
        }
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.client_ip)?;
        for column in [&self.policy_version, &self.prev_hash, &self.hash] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Text>, _>(column)?;
        }
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.inputs)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for UnnestDecisions<'_> {}
