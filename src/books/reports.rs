//! Reports computed from the ledger: trial balance, profit and loss, balance
//! sheet, and the aged receivables and payables.
//!
//! The ledger reports take the company's ledger lines as stored (the service
//! joins each line's account class). The aged reports take open documents
//! (`OpenItem`) instead: the service already tracks what is left to pay on each
//! invoice and bill, and reading that is simpler for it than tagging every
//! payment line with the documents it settles.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::chart::AccountClass;
use super::money::{Cents, MoneyError};

/// Errors of computing reports. Most mean the stored ledger is corrupt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("entry {entry_number}: a ledger line cannot carry a negative amount")]
    NegativeAmount { entry_number: u64 },
    #[error("account {account} appears with two different classes")]
    InconsistentClass { account: String },
    #[error("a report total overflows")]
    Overflow(#[from] MoneyError),
    #[error("the period starts on {from} but ends on {to}")]
    InvalidPeriod { from: NaiveDate, to: NaiveDate },
    #[error(
        "the balance sheet does not balance: assets {assets_cents} cents, \
         liabilities and equity {liabilities_and_equity_cents} cents"
    )]
    Unbalanced {
        assets_cents: i64,
        liabilities_and_equity_cents: i64,
    },
}

/// One stored line of one posted entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    pub entry_number: u64,
    pub date: NaiveDate,
    pub account_number: String,
    pub class: AccountClass,
    pub debit_cents: Cents,
    pub credit_cents: Cents,
}

/// Debit and credit sums of one account.
#[derive(Debug, Clone, Copy)]
struct AccountTotals {
    class: AccountClass,
    debit: Cents,
    credit: Cents,
}

impl AccountTotals {
    /// The balance on the side the class normally sits on, so that each report
    /// section reads positive in the usual case.
    fn natural_balance(&self) -> Result<Cents, MoneyError> {
        match self.class {
            AccountClass::Asset | AccountClass::Expense => self.debit.checked_sub(self.credit),
            AccountClass::Liability | AccountClass::Equity | AccountClass::Income => {
                self.credit.checked_sub(self.debit)
            }
        }
    }
}

/// Sums the lines kept by `keep` per account, in account number order.
fn totals_by_account(
    lines: &[LedgerLine],
    keep: impl Fn(&LedgerLine) -> bool,
) -> Result<BTreeMap<&str, AccountTotals>, ReportError> {
    let mut totals: BTreeMap<&str, AccountTotals> = BTreeMap::new();
    for line in lines.iter().filter(|line| keep(line)) {
        if line.debit_cents < Cents::ZERO || line.credit_cents < Cents::ZERO {
            return Err(ReportError::NegativeAmount {
                entry_number: line.entry_number,
            });
        }
        let account = totals.entry(&line.account_number).or_insert(AccountTotals {
            class: line.class,
            debit: Cents::ZERO,
            credit: Cents::ZERO,
        });
        if account.class != line.class {
            return Err(ReportError::InconsistentClass {
                account: line.account_number.clone(),
            });
        }
        account.debit = account.debit.checked_add(line.debit_cents)?;
        account.credit = account.credit.checked_add(line.credit_cents)?;
    }
    Ok(totals)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBalanceRow {
    pub account_number: String,
    pub class: AccountClass,
    pub debit_cents: Cents,
    pub credit_cents: Cents,
    /// Debit minus credit: positive is a debit balance, negative a credit balance.
    pub balance_cents: Cents,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBalance {
    pub through: NaiveDate,
    pub rows: Vec<TrialBalanceRow>,
    pub total_debit_cents: Cents,
    pub total_credit_cents: Cents,
    /// Whether the grand totals are equal, as they must be. A broken ledger is
    /// reported rather than refused: the trial balance is where one looks for it.
    pub balanced: bool,
}

/// Every account with activity up to and including `through`.
pub fn trial_balance(
    lines: &[LedgerLine],
    through: NaiveDate,
) -> Result<TrialBalance, ReportError> {
    let totals = totals_by_account(lines, |line| line.date <= through)?;
    let rows = totals
        .iter()
        .map(|(&account, totals)| {
            Ok(TrialBalanceRow {
                account_number: account.to_owned(),
                class: totals.class,
                debit_cents: totals.debit,
                credit_cents: totals.credit,
                balance_cents: totals.debit.checked_sub(totals.credit)?,
            })
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    let total_debit_cents = Cents::checked_sum(rows.iter().map(|r| r.debit_cents))?;
    let total_credit_cents = Cents::checked_sum(rows.iter().map(|r| r.credit_cents))?;
    Ok(TrialBalance {
        through,
        rows,
        total_debit_cents,
        total_credit_cents,
        balanced: total_debit_cents == total_credit_cents,
    })
}

/// One account's amount in a report section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountAmount {
    pub account_number: String,
    pub amount_cents: Cents,
}

/// The accounts of one class with a non-zero balance, and their total.
fn section(
    totals: &BTreeMap<&str, AccountTotals>,
    class: AccountClass,
) -> Result<(Vec<AccountAmount>, Cents), ReportError> {
    let mut rows = Vec::new();
    for (&account, account_totals) in totals.iter().filter(|(_, t)| t.class == class) {
        let amount_cents = account_totals.natural_balance()?;
        if !amount_cents.is_zero() {
            rows.push(AccountAmount {
                account_number: account.to_owned(),
                amount_cents,
            });
        }
    }
    let total = Cents::checked_sum(rows.iter().map(|row| row.amount_cents))?;
    Ok((rows, total))
}

/// The period a report covers, and whether the service chose it for a caller who named none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// True when `from` or `to` was absent and the service filled it in.
    pub defaulted: bool,
    /// How a defaulted period was chosen: `calendar_year_to_date`, since a company names no
    /// fiscal-year start of its own; null when the caller gave both dates.
    pub basis: Option<&'static str>,
}

impl ReportPeriod {
    /// The caller's dates, the missing ones taken from the year to date: `to` is today, `from`
    /// the first day of `to`'s year.
    pub fn year_to_date_unless_given(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Self {
        let defaulted = from.is_none() || to.is_none();
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| to.with_ordinal(1).unwrap_or(to));
        Self {
            from,
            to,
            defaulted,
            basis: defaulted.then_some("calendar_year_to_date"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfitAndLoss {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub income: Vec<AccountAmount>,
    pub expenses: Vec<AccountAmount>,
    pub total_income_cents: Cents,
    pub total_expenses_cents: Cents,
    /// Income minus expenses: a profit when positive, a loss when negative.
    pub net_result_cents: Cents,
}

/// Income and expenses of the entries dated from `from` to `to`, both included.
pub fn profit_and_loss(
    lines: &[LedgerLine],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ProfitAndLoss, ReportError> {
    if from > to {
        return Err(ReportError::InvalidPeriod { from, to });
    }
    let totals = totals_by_account(lines, |line| (from..=to).contains(&line.date))?;
    let (income, total_income_cents) = section(&totals, AccountClass::Income)?;
    let (expenses, total_expenses_cents) = section(&totals, AccountClass::Expense)?;
    Ok(ProfitAndLoss {
        from,
        to,
        income,
        expenses,
        total_income_cents,
        total_expenses_cents,
        net_result_cents: total_income_cents.checked_sub(total_expenses_cents)?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceSheet {
    pub at: NaiveDate,
    pub assets: Vec<AccountAmount>,
    pub liabilities: Vec<AccountAmount>,
    pub equity: Vec<AccountAmount>,
    /// Income minus expenses not yet carried to equity accounts: the current
    /// year's result once earlier years have been closed into 120 or 106.
    pub result_cents: Cents,
    pub total_assets_cents: Cents,
    pub total_liabilities_cents: Cents,
    /// Equity accounts plus `result_cents`.
    pub total_equity_cents: Cents,
}

/// Balances at the end of `at`. Fails if assets differ from liabilities plus
/// equity, which only a corrupt ledger can cause.
pub fn balance_sheet(lines: &[LedgerLine], at: NaiveDate) -> Result<BalanceSheet, ReportError> {
    let totals = totals_by_account(lines, |line| line.date <= at)?;
    let (assets, total_assets_cents) = section(&totals, AccountClass::Asset)?;
    let (liabilities, total_liabilities_cents) = section(&totals, AccountClass::Liability)?;
    let (equity, equity_accounts_cents) = section(&totals, AccountClass::Equity)?;
    let (_, income_cents) = section(&totals, AccountClass::Income)?;
    let (_, expenses_cents) = section(&totals, AccountClass::Expense)?;
    let result_cents = income_cents.checked_sub(expenses_cents)?;
    let total_equity_cents = equity_accounts_cents.checked_add(result_cents)?;
    let right_side = total_liabilities_cents.checked_add(total_equity_cents)?;
    if total_assets_cents != right_side {
        return Err(ReportError::Unbalanced {
            assets_cents: total_assets_cents.get(),
            liabilities_and_equity_cents: right_side.get(),
        });
    }
    Ok(BalanceSheet {
        at,
        assets,
        liabilities,
        equity,
        result_cents,
        total_assets_cents,
        total_liabilities_cents,
        total_equity_cents,
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(month: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, month, d).unwrap()
    }

    fn line(entry: u64, date: NaiveDate, account: &str, debit: i64, credit: i64) -> LedgerLine {
        LedgerLine {
            entry_number: entry,
            date,
            account_number: account.to_owned(),
            class: AccountClass::from_number(account).unwrap(),
            debit_cents: Cents::new(debit),
            credit_cents: Cents::new(credit),
        }
    }

    /// Capital paid in, an invoice in January, a bill in February, a payment in
    /// March.
    fn ledger() -> Vec<LedgerLine> {
        vec![
            line(1, day(1, 2), "512", 1_000_000, 0),
            line(1, day(1, 2), "101", 0, 1_000_000),
            line(2, day(1, 15), "411", 120_000, 0),
            line(2, day(1, 15), "706", 0, 100_000),
            line(2, day(1, 15), "44571", 0, 20_000),
            line(3, day(2, 10), "606", 30_000, 0),
            line(3, day(2, 10), "44566", 6_000, 0),
            line(3, day(2, 10), "401", 0, 36_000),
            line(4, day(3, 5), "512", 120_000, 0),
            line(4, day(3, 5), "411", 0, 120_000),
        ]
    }

    fn amounts(rows: &[AccountAmount]) -> Vec<(&str, i64)> {
        rows.iter()
            .map(|r| (r.account_number.as_str(), r.amount_cents.get()))
            .collect()
    }

    #[test]
    fn trial_balance_totals_each_account_and_balances() {
        let report = trial_balance(&ledger(), day(12, 31)).unwrap();
        let rows: Vec<(&str, i64, i64, i64)> = report
            .rows
            .iter()
            .map(|r| {
                (
                    r.account_number.as_str(),
                    r.debit_cents.get(),
                    r.credit_cents.get(),
                    r.balance_cents.get(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("101", 0, 1_000_000, -1_000_000),
                ("401", 0, 36_000, -36_000),
                ("411", 120_000, 120_000, 0),
                ("44566", 6_000, 0, 6_000),
                ("44571", 0, 20_000, -20_000),
                ("512", 1_120_000, 0, 1_120_000),
                ("606", 30_000, 0, 30_000),
                ("706", 0, 100_000, -100_000),
            ]
        );
        assert_eq!(report.total_debit_cents, Cents::new(1_276_000));
        assert_eq!(report.total_debit_cents, report.total_credit_cents);
        assert!(report.balanced);
    }

    #[test]
    fn trial_balance_stops_at_its_date_and_reports_a_broken_ledger() {
        let report = trial_balance(&ledger(), day(1, 31)).unwrap();
        assert_eq!(report.rows.len(), 5);
        let mut broken = ledger();
        broken.push(line(5, day(4, 1), "512", 1, 0));
        let report = trial_balance(&broken, day(12, 31)).unwrap();
        assert!(!report.balanced);
    }

    #[test]
    fn profit_and_loss_covers_its_period() {
        let report = profit_and_loss(&ledger(), day(1, 1), day(12, 31)).unwrap();
        assert_eq!(amounts(&report.income), [("706", 100_000)]);
        assert_eq!(amounts(&report.expenses), [("606", 30_000)]);
        assert_eq!(report.net_result_cents, Cents::new(70_000));
        let february = profit_and_loss(&ledger(), day(2, 1), day(2, 28)).unwrap();
        assert!(february.income.is_empty());
        assert_eq!(february.net_result_cents, Cents::new(-30_000));
        assert_eq!(
            profit_and_loss(&ledger(), day(3, 1), day(2, 1)),
            Err(ReportError::InvalidPeriod {
                from: day(3, 1),
                to: day(2, 1)
            })
        );
    }

    #[test]
    fn balance_sheet_balances_with_the_result_in_equity() {
        let report = balance_sheet(&ledger(), day(12, 31)).unwrap();
        assert_eq!(
            amounts(&report.assets),
            [("44566", 6_000), ("512", 1_120_000)]
        );
        assert_eq!(
            amounts(&report.liabilities),
            [("401", 36_000), ("44571", 20_000)]
        );
        assert_eq!(amounts(&report.equity), [("101", 1_000_000)]);
        assert_eq!(report.result_cents, Cents::new(70_000));
        assert_eq!(report.total_equity_cents, Cents::new(1_070_000));
        assert_eq!(report.total_assets_cents, Cents::new(1_126_000));
        assert_eq!(
            report.total_assets_cents.get(),
            report.total_liabilities_cents.get() + report.total_equity_cents.get()
        );
        // In January the receivable is still open.
        let january = balance_sheet(&ledger(), day(1, 31)).unwrap();
        assert_eq!(
            amounts(&january.assets),
            [("411", 120_000), ("512", 1_000_000)]
        );
    }

    #[test]
    fn a_corrupt_ledger_is_refused_by_the_balance_sheet() {
        let mut broken = ledger();
        broken.push(line(5, day(4, 1), "512", 1, 0));
        assert_eq!(
            balance_sheet(&broken, day(12, 31)),
            Err(ReportError::Unbalanced {
                assets_cents: 1_126_001,
                liabilities_and_equity_cents: 1_126_000
            })
        );
        let mut negative = ledger();
        negative.push(line(6, day(4, 1), "512", -5, 0));
        assert_eq!(
            trial_balance(&negative, day(12, 31)),
            Err(ReportError::NegativeAmount { entry_number: 6 })
        );
        let mut mixed = ledger();
        mixed[0].class = AccountClass::Expense;
        assert!(matches!(
            balance_sheet(&mixed, day(12, 31)),
            Err(ReportError::InconsistentClass { .. })
        ));
    }

    #[test]
    fn reports_serialize_with_the_field_conventions() {
        let json = serde_json::to_value(balance_sheet(&ledger(), day(12, 31)).unwrap()).unwrap();
        assert_eq!(json["at"], "2025-12-31");
        assert_eq!(json["assets"][1]["amount_cents"], 1_120_000);
        assert_eq!(json["result_cents"], 70_000);
    }

    fn open_item(party: &str, number: &str, due: NaiveDate, open: i64) -> OpenItem {
        OpenItem {
            party_id: format!("id-{party}"),
            party_name: party.to_owned(),
            document_id: format!("doc-{number}"),
            number: number.to_owned(),
            date: day(1, 1),
            due_date: due,
            open_cents: Cents::new(open),
        }
    }

    #[test]
    fn aging_buckets_have_exact_edges() {
        let cases = [
            (-3, AgingBucket::Current),
            (0, AgingBucket::Current),
            (1, AgingBucket::Days1To30),
            (30, AgingBucket::Days1To30),
            (31, AgingBucket::Days31To60),
            (60, AgingBucket::Days31To60),
            (61, AgingBucket::Days61To90),
            (90, AgingBucket::Days61To90),
            (91, AgingBucket::Over90),
        ];
        for (days, bucket) in cases {
            assert_eq!(AgingBucket::for_days_past_due(days), bucket, "{days} days");
        }
    }

    #[test]
    fn aged_report_groups_by_party_and_bucket() {
        let at = day(6, 30);
        let items = [
            open_item("Martin", "F-3", day(6, 30), 100),
            open_item("Bernard", "F-1", day(5, 31), 200),
            open_item("Martin", "F-2", day(3, 1), 300),
            open_item("Bernard", "F-4", day(4, 30), 400),
            open_item("Bernard", "F-5", day(4, 1), 0),
            OpenItem {
                date: day(7, 1),
                ..open_item("Martin", "F-6", day(7, 31), 999)
            },
        ];
        let report = aged_report(&items, at).unwrap();
        let names: Vec<&str> = report
            .parties
            .iter()
            .map(|p| p.party_name.as_str())
            .collect();
        assert_eq!(names, ["Bernard", "Martin"]);
        let bernard = &report.parties[0];
        let numbers: Vec<&str> = bernard
            .documents
            .iter()
            .map(|d| d.number.as_str())
            .collect();
        assert_eq!(numbers, ["F-4", "F-1"]);
        assert_eq!(bernard.documents[0].days_past_due, 61);
        assert_eq!(bernard.totals.days_1_30_cents, Cents::new(200));
        assert_eq!(bernard.totals.days_61_90_cents, Cents::new(400));
        let martin = &report.parties[1];
        assert_eq!(martin.totals.current_cents, Cents::new(100));
        assert_eq!(martin.totals.days_over_90_cents, Cents::new(300));
        assert_eq!(report.totals.total_cents, Cents::new(1_000));
        assert_eq!(report.totals.days_over_90_cents, Cents::new(300));
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["parties"][0]["documents"][0]["bucket"], "days_61_90");
        assert_eq!(json["totals"]["days_61_90_cents"], 400);
    }
}

/// Random sequences of events, through the real builders, into a ledger.
#[cfg(test)]
mod ledger_properties {
    use proptest::prelude::*;

    use super::super::chart::Chart;
    use super::super::documents::{price_document, LineInput};
    use super::super::postings::{
        self, DocumentRef, EntryDraft, ManualEntryInput, ManualLineInput, PaymentRef,
    };
    use super::*;

    const RATES: [i64; 5] = [2000, 1000, 550, 210, 0];
    const INCOME: [Option<&str>; 3] = [None, Some("701"), Some("707")];
    const EXPENSE: [Option<&str>; 4] = [None, Some("601"), Some("613"), Some("622")];
    const ANY: [&str; 8] = ["101", "164", "411", "512", "530", "641", "706", "758"];

    /// quantity in thousandths, unit price, rate index, account index.
    type LineSpec = (i64, i64, usize, usize);

    #[derive(Debug, Clone)]
    enum Event {
        Invoice(Vec<LineSpec>),
        Bill(Vec<LineSpec>),
        Payment(i64),
        BillPayment(i64),
        Void(usize),
        Manual(Vec<(usize, i64)>, usize),
        Reverse(usize),
    }

    fn line_specs() -> impl Strategy<Value = Vec<LineSpec>> {
        prop::collection::vec((1..50_000i64, 0..200_000i64, 0..5usize, 0..4usize), 1..6)
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            line_specs().prop_map(Event::Invoice),
            line_specs().prop_map(Event::Bill),
            (1..5_000_000i64).prop_map(Event::Payment),
            (1..5_000_000i64).prop_map(Event::BillPayment),
            any::<usize>().prop_map(Event::Void),
            (
                prop::collection::vec((0..8usize, 1..1_000_000i64), 1..4),
                0..8usize
            )
                .prop_map(|(debits, credit)| Event::Manual(debits, credit)),
            any::<usize>().prop_map(Event::Reverse),
        ]
    }

    fn lines(specs: &[LineSpec], accounts: &[Option<&str>]) -> Vec<LineInput> {
        specs
            .iter()
            .map(|&(milli, price, rate, account)| LineInput {
                description: "Prestation".to_owned(),
                quantity: milli as f64 / 1000.0,
                unit_price_cents: price,
                vat_rate_bp: RATES[rate],
                account_number: accounts[account % accounts.len()].map(str::to_owned),
            })
            .collect()
    }

    fn document_entry(
        chart: &Chart,
        specs: &[LineSpec],
        date: NaiveDate,
        sales: bool,
    ) -> Option<EntryDraft> {
        let accounts: &[Option<&str>] = if sales { &INCOME } else { &EXPENSE };
        let priced = price_document(&lines(specs, accounts)).unwrap();
        let document = DocumentRef {
            id: "doc",
            number: "N-1",
            party_id: "party",
            date,
            priced: &priced,
        };
        let entry = if sales {
            postings::invoice_sent(chart, &document)
        } else {
            postings::bill_approved(chart, &document)
        };
        match entry {
            Err(postings::PostingError::NothingToPost) => None,
            other => Some(other.unwrap()),
        }
    }

    fn manual(
        chart: &Chart,
        debits: &[(usize, i64)],
        credit: usize,
        date: NaiveDate,
    ) -> EntryDraft {
        let mut lines: Vec<ManualLineInput> = debits
            .iter()
            .map(|&(account, amount)| ManualLineInput {
                account_number: ANY[account].to_owned(),
                debit_cents: amount,
                credit_cents: 0,
                party_id: None,
            })
            .collect();
        lines.push(ManualLineInput {
            account_number: ANY[credit].to_owned(),
            debit_cents: 0,
            credit_cents: debits.iter().map(|d| d.1).sum(),
            party_id: None,
        });
        let input = ManualEntryInput {
            date,
            memo: "Écriture".to_owned(),
            lines,
        };
        postings::manual_entry(chart, "je", &input).unwrap()
    }

    /// Applies events in order, as the service would, and returns every entry.
    fn run(chart: &Chart, events: &[(Event, u32)]) -> Vec<EntryDraft> {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut entries: Vec<EntryDraft> = Vec::new();
        let mut open_invoices: Vec<EntryDraft> = Vec::new();
        let mut manuals: Vec<EntryDraft> = Vec::new();
        for (event, offset) in events {
            let date = start + chrono::Days::new(u64::from(*offset));
            let payment = |amount: i64| PaymentRef {
                id: "pay",
                party_id: "party",
                date,
                amount_cents: Cents::new(amount),
                account_number: None,
            };
            let entry = match event {
                Event::Invoice(specs) => document_entry(chart, specs, date, true)
                    .inspect(|e| open_invoices.push(e.clone())),
                Event::Bill(specs) => document_entry(chart, specs, date, false),
                Event::Payment(amount) => {
                    Some(postings::customer_payment(chart, &payment(*amount)).unwrap())
                }
                Event::BillPayment(amount) => {
                    Some(postings::bill_payment(chart, &payment(*amount)).unwrap())
                }
                Event::Void(pick) if !open_invoices.is_empty() => {
                    let sent = open_invoices.remove(pick % open_invoices.len());
                    Some(postings::invoice_voided(&sent, date).unwrap())
                }
                Event::Manual(debits, credit) => {
                    let entry = manual(chart, debits, *credit, date);
                    manuals.push(entry.clone());
                    Some(entry)
                }
                Event::Reverse(pick) if !manuals.is_empty() => {
                    let posted = manuals.remove(pick % manuals.len());
                    Some(postings::reversal(&posted, date).unwrap())
                }
                Event::Void(_) | Event::Reverse(_) => None,
            };
            entries.extend(entry);
        }
        entries
    }

    /// What the service stores: one ledger line per entry line, with its class.
    fn ledger(chart: &Chart, entries: &[EntryDraft]) -> Vec<LedgerLine> {
        let mut ledger = Vec::new();
        for (number, entry) in (1u64..).zip(entries) {
            for line in entry.lines() {
                ledger.push(LedgerLine {
                    entry_number: number,
                    date: entry.date(),
                    account_number: line.account_number.clone(),
                    class: chart.get(&line.account_number).unwrap().class(),
                    debit_cents: line.debit_cents,
                    credit_cents: line.credit_cents,
                });
            }
        }
        ledger
    }

    proptest! {
        #[test]
        fn random_events_keep_the_books_balanced(
            events in prop::collection::vec((event(), 0..365u32), 1..40),
            cut in 0..365u32,
        ) {
            let chart = Chart::french_default();
            let entries = run(&chart, &events);
            let ledger = ledger(&chart, &entries);
            let debits: i64 = ledger.iter().map(|l| l.debit_cents.get()).sum();
            let credits: i64 = ledger.iter().map(|l| l.credit_cents.get()).sum();
            prop_assert_eq!(debits, credits);

            let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
            let end = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
            let trial = trial_balance(&ledger, end).unwrap();
            prop_assert!(trial.balanced);
            prop_assert_eq!(trial.total_debit_cents.get(), debits);

            let middle = start + chrono::Days::new(u64::from(cut));
            for at in [middle, end] {
                let sheet = balance_sheet(&ledger, at).unwrap();
                prop_assert_eq!(
                    sheet.total_assets_cents.get(),
                    sheet.total_liabilities_cents.get() + sheet.total_equity_cents.get()
                );
            }
            let year = profit_and_loss(&ledger, start, end).unwrap();
            prop_assert_eq!(year.net_result_cents, balance_sheet(&ledger, end).unwrap().result_cents);
        }

        #[test]
        fn priced_documents_add_up(specs in line_specs()) {
            let priced = price_document(&lines(&specs, &INCOME)).unwrap();
            let subtotal: i64 = priced.lines().iter().map(|l| l.subtotal_cents.get()).sum();
            prop_assert_eq!(priced.subtotal_cents().get(), subtotal);
            prop_assert_eq!(priced.total_cents().get(), subtotal + priced.vat_cents().get());
            for (line, &(milli, ..)) in priced.lines().iter().zip(&specs) {
                prop_assert_eq!(line.quantity.milli(), milli);
            }
            // Rounding once per rate: the VAT is within half a cent per rate of exact.
            for group in priced.vat_breakdown() {
                let exact = i128::from(group.base_cents.get()) * i128::from(group.vat_rate_bp.get());
                let error = (i128::from(group.vat_cents.get()) * 10_000 - exact).abs();
                prop_assert!(error <= 5_000);
            }
        }
    }

    fn date(year: i32, month: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, d).unwrap()
    }

    #[test]
    fn a_report_without_dates_covers_the_calendar_year_to_date_and_says_so() {
        let today = date(2026, 12, 3);
        let period = ReportPeriod::year_to_date_unless_given(None, None, today);
        assert_eq!((period.from, period.to), (date(2026, 1, 1), today));
        assert!(period.defaulted);
        assert_eq!(period.basis, Some("calendar_year_to_date"));
        let until = ReportPeriod::year_to_date_unless_given(None, Some(date(2025, 6, 30)), today);
        assert_eq!(
            (until.from, until.to),
            (date(2025, 1, 1), date(2025, 6, 30))
        );
        assert!(until.defaulted);
    }

    #[test]
    fn a_report_with_both_dates_covers_them_as_given() {
        let (from, to) = (date(2026, 3, 1), date(2026, 3, 31));
        let period =
            ReportPeriod::year_to_date_unless_given(Some(from), Some(to), date(2026, 12, 3));
        assert_eq!(
            (period.from, period.to, period.defaulted),
            (from, to, false)
        );
        assert_eq!(period.basis, None);
    }
}
