//! The aged receivables and payables: what is open on each document, by how late it is.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ledger_lines::ReportError;
use crate::books::money::{Cents, MoneyError};

/// An invoice (for aged receivables) or bill (for aged payables) with what is
/// still owed on it at the report date. Negative means overpaid (a credit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    pub party_id: String,
    pub party_name: String,
    pub document_id: String,
    pub number: String,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub open_cents: Cents,
}

/// How late a document is at the report date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AgingBucket {
    #[serde(rename = "current")]
    Current,
    #[serde(rename = "days_1_30")]
    Days1To30,
    #[serde(rename = "days_31_60")]
    Days31To60,
    #[serde(rename = "days_61_90")]
    Days61To90,
    #[serde(rename = "days_over_90")]
    Over90,
}

impl AgingBucket {
    /// Not yet due, or due today, is current.
    pub fn for_days_past_due(days: i64) -> AgingBucket {
        match days {
            i64::MIN..=0 => AgingBucket::Current,
            1..=30 => AgingBucket::Days1To30,
            31..=60 => AgingBucket::Days31To60,
            61..=90 => AgingBucket::Days61To90,
            _ => AgingBucket::Over90,
        }
    }
}

/// Open amounts per bucket; field names match the bucket names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AgingTotals {
    pub current_cents: Cents,
    pub days_1_30_cents: Cents,
    pub days_31_60_cents: Cents,
    pub days_61_90_cents: Cents,
    pub days_over_90_cents: Cents,
    pub total_cents: Cents,
}

impl AgingTotals {
    fn add(&mut self, bucket: AgingBucket, amount: Cents) -> Result<(), MoneyError> {
        let slot = match bucket {
            AgingBucket::Current => &mut self.current_cents,
            AgingBucket::Days1To30 => &mut self.days_1_30_cents,
            AgingBucket::Days31To60 => &mut self.days_31_60_cents,
            AgingBucket::Days61To90 => &mut self.days_61_90_cents,
            AgingBucket::Over90 => &mut self.days_over_90_cents,
        };
        *slot = slot.checked_add(amount)?;
        self.total_cents = self.total_cents.checked_add(amount)?;
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgedDocument {
    pub document_id: String,
    pub number: String,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    /// Negative while not yet due.
    pub days_past_due: i64,
    pub bucket: AgingBucket,
    pub open_cents: Cents,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgedParty {
    pub party_id: String,
    pub party_name: String,
    pub documents: Vec<AgedDocument>,
    pub totals: AgingTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgedReport {
    pub at: NaiveDate,
    /// By party name, then id; each party's documents by due date, then number.
    pub parties: Vec<AgedParty>,
    pub totals: AgingTotals,
}

/// Aged receivables (pass open invoices) or aged payables (pass open bills) at
/// `at`. Documents dated after `at` or with nothing open are left out.
pub fn aged_report(items: &[OpenItem], at: NaiveDate) -> Result<AgedReport, ReportError> {
    let mut by_party: BTreeMap<&str, AgedParty> = BTreeMap::new();
    let mut totals = AgingTotals::default();
    for item in items
        .iter()
        .filter(|i| i.date <= at && !i.open_cents.is_zero())
    {
        let party = by_party.entry(&item.party_id).or_insert_with(|| AgedParty {
            party_id: item.party_id.clone(),
            party_name: item.party_name.clone(),
            documents: Vec::new(),
            totals: AgingTotals::default(),
        });
        let document = aged_document(item, at);
        party.totals.add(document.bucket, document.open_cents)?;
        totals.add(document.bucket, document.open_cents)?;
        party.documents.push(document);
    }
    let mut parties: Vec<AgedParty> = by_party.into_values().collect();
    for party in &mut parties {
        party
            .documents
            .sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
    }
    parties.sort_by(|a, b| (&a.party_name, &a.party_id).cmp(&(&b.party_name, &b.party_id)));
    Ok(AgedReport {
        at,
        parties,
        totals,
    })
}

fn aged_document(item: &OpenItem, at: NaiveDate) -> AgedDocument {
    let days_past_due = (at - item.due_date).num_days();
    AgedDocument {
        document_id: item.document_id.clone(),
        number: item.number.clone(),
        date: item.date,
        due_date: item.due_date,
        days_past_due,
        bucket: AgingBucket::for_days_past_due(days_past_due),
        open_cents: item.open_cents,
    }
}
