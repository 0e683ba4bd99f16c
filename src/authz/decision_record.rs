//! One record of the decision log as stored, and the hash that chains it to the one before.

use chrono::{NaiveDateTime, SecondsFormat};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::store::schema::decisions;

/// The hash that precedes a company's first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
