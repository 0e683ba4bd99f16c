//! The chart of accounts: the default French chart (Plan comptable général) seeded
//! for each new company, and the rules that give an account its class.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Accounts the core posts to by itself. A company chart must keep them.
pub const CUSTOMERS: &str = "411";
pub const SUPPLIERS: &str = "401";
pub const VAT_COLLECTED: &str = "44571";
pub const VAT_DEDUCTIBLE: &str = "44566";
pub const BANK: &str = "512";
/// Where an invoice line goes when it names no income account.
pub const DEFAULT_SALES: &str = "706";
/// Where a bill line goes when it names no expense account.
pub const DEFAULT_PURCHASES: &str = "606";

const MAX_NAME_CHARS: usize = 120;

/// Errors of building accounts and charts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    #[error("account number {number:?} must be 3 to 10 digits starting with 1 to 8")]
    InvalidNumber { number: String },
    #[error("account {number}: the {language} name must not be empty")]
    EmptyName {
        number: String,
        language: &'static str,
    },
    #[error("account {number}: the {language} name is longer than {MAX_NAME_CHARS} characters")]
    NameTooLong {
        number: String,
        language: &'static str,
    },
    #[error("account {number}: the {language} name must not contain control characters")]
    NameControlCharacters {
        number: String,
        language: &'static str,
    },
    #[error("account {number}: its number does not tell its class, so a class must be given")]
    ClassRequired { number: String },
    #[error("account {number} is of class {derived} by its number, not {given}")]
    ClassMismatch {
        number: String,
        derived: AccountClass,
        given: AccountClass,
    },
    #[error("account {number} already exists")]
    Duplicate { number: String },
}

/// The five classes the reports sort accounts into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountClass {
    Asset,
    Liability,
    Equity,
    Income,
    Expense,
}

/// Number prefixes and the class they give. The longest matching prefix wins, so
/// an exception (`409` supplier advances are assets) overrides its family (`40`
/// suppliers are liabilities). Numbers no prefix matches, such as 46x and 47x
/// (sundry debtors or creditors) or class 8, can be either and need an explicit class.
const CLASS_BY_PREFIX: &[(&str, AccountClass)] = &[
    ("10", AccountClass::Equity),
    ("11", AccountClass::Equity),
    ("12", AccountClass::Equity),
    ("13", AccountClass::Equity),
    ("14", AccountClass::Equity),
    ("15", AccountClass::Liability),
    ("16", AccountClass::Liability),
    ("17", AccountClass::Liability),
    ("18", AccountClass::Liability),
    ("2", AccountClass::Asset),
    ("3", AccountClass::Asset),
    ("40", AccountClass::Liability),
    ("409", AccountClass::Asset),
    ("41", AccountClass::Asset),
    ("419", AccountClass::Liability),
    ("42", AccountClass::Liability),
    ("43", AccountClass::Liability),
    ("444", AccountClass::Liability),
    ("4455", AccountClass::Liability),
    ("4456", AccountClass::Asset),
    ("4457", AccountClass::Liability),
    ("455", AccountClass::Liability),
    ("486", AccountClass::Asset),
    ("487", AccountClass::Liability),
    ("49", AccountClass::Asset),
    ("5", AccountClass::Asset),
    ("6", AccountClass::Expense),
    ("7", AccountClass::Income),
];

impl fmt::Display for AccountClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccountClass::Asset => "asset",
            AccountClass::Liability => "liability",
            AccountClass::Equity => "equity",
            AccountClass::Income => "income",
            AccountClass::Expense => "expense",
        })
    }
}

impl AccountClass {
    /// The class a PCG account number implies, or `None` when the number alone
    /// does not settle it.
    pub fn from_number(number: &str) -> Option<AccountClass> {
        CLASS_BY_PREFIX
            .iter()
            .filter(|(prefix, _)| number.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|&(_, class)| class)
    }
}

/// One account of a company's chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    number: String,
    name_fr: String,
    name_en: String,
    class: AccountClass,
}

impl Account {
    /// Validates a company-defined account. The class comes from the number when
    /// the PCG settles it (a given class must then agree), else it must be given.
    pub fn new(
        number: &str,
        name_fr: &str,
        name_en: &str,
        class: Option<AccountClass>,
    ) -> Result<Account, ChartError> {
        if !is_valid_number(number) {
            return Err(ChartError::InvalidNumber {
                number: number.to_owned(),
            });
        }
        Ok(Account {
            number: number.to_owned(),
            name_fr: checked_name(number, "French", name_fr)?,
            name_en: checked_name(number, "English", name_en)?,
            class: resolve_class(number, class)?,
        })
    }

    pub fn number(&self) -> &str {
        &self.number
    }

    pub fn name_fr(&self) -> &str {
        &self.name_fr
    }

    pub fn name_en(&self) -> &str {
        &self.name_en
    }

    pub fn class(&self) -> AccountClass {
        self.class
    }
}

/// PCG numbers are digits; classes 1 to 8 are the ledger's (9 is cost accounting).
pub fn is_valid_number(number: &str) -> bool {
    (3..=10).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
        && matches!(number.as_bytes().first(), Some(b'1'..=b'8'))
}

fn checked_name(number: &str, language: &'static str, name: &str) -> Result<String, ChartError> {
    let name = name.trim();
    let number = number.to_owned();
    if name.is_empty() {
        Err(ChartError::EmptyName { number, language })
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(ChartError::NameTooLong { number, language })
    } else if crate::text::has_control_characters(name) {
        Err(ChartError::NameControlCharacters { number, language })
    } else {
        Ok(name.to_owned())
    }
}

fn resolve_class(number: &str, given: Option<AccountClass>) -> Result<AccountClass, ChartError> {
    match (AccountClass::from_number(number), given) {
        (Some(derived), Some(given)) if derived != given => Err(ChartError::ClassMismatch {
            number: number.to_owned(),
            derived,
            given,
        }),
        (Some(class), _) | (None, Some(class)) => Ok(class),
        (None, None) => Err(ChartError::ClassRequired {
            number: number.to_owned(),
        }),
    }
}

/// The accounts seeded for a new company: what a French small business (a building
/// trades firm first) posts to in its first year. Classes are written out rather
/// than derived so the seed cannot fail; a test checks they agree with the PCG rules.
#[rustfmt::skip] // one row per account reads best as a table
const DEFAULT_ACCOUNTS: &[(&str, &str, &str, AccountClass)] = &[
    ("101", "Capital", "Share capital", AccountClass::Equity),
    ("106", "Réserves", "Reserves", AccountClass::Equity),
    ("108", "Compte de l'exploitant", "Owner's account", AccountClass::Equity),
    ("120", "Résultat de l'exercice", "Result for the year", AccountClass::Equity),
    ("164", "Emprunts auprès des établissements de crédit", "Bank loans", AccountClass::Liability),
    ("2154", "Matériel industriel", "Equipment", AccountClass::Asset),
    ("401", "Fournisseurs", "Suppliers", AccountClass::Liability),
    ("411", "Clients", "Customers", AccountClass::Asset),
    ("421", "Personnel - rémunérations dues", "Wages payable", AccountClass::Liability),
    ("431", "Sécurité sociale", "Social security", AccountClass::Liability),
    ("44551", "TVA à décaisser", "VAT payable", AccountClass::Liability),
    ("44566", "TVA déductible sur autres biens et services", "Deductible VAT", AccountClass::Asset),
    ("44567", "Crédit de TVA à reporter", "VAT credit carried forward", AccountClass::Asset),
    ("44571", "TVA collectée", "VAT collected", AccountClass::Liability),
    ("455", "Associés - comptes courants", "Partners' current accounts", AccountClass::Liability),
    ("512", "Banque", "Bank", AccountClass::Asset),
    ("530", "Caisse", "Cash", AccountClass::Asset),
    ("601", "Achats de matières premières", "Purchases of raw materials", AccountClass::Expense),
    ("604", "Achats de sous-traitance", "Subcontracted work", AccountClass::Expense),
    ("606", "Achats non stockés", "Non-stocked purchases", AccountClass::Expense),
    ("607", "Achats de marchandises", "Purchases of goods for resale", AccountClass::Expense),
    ("613", "Locations", "Rentals", AccountClass::Expense),
    ("615", "Entretien et réparations", "Maintenance and repairs", AccountClass::Expense),
    ("616", "Primes d'assurance", "Insurance premiums", AccountClass::Expense),
    ("622", "Honoraires", "Fees", AccountClass::Expense),
    ("625", "Déplacements, missions et réceptions", "Travel and entertainment", AccountClass::Expense),
    ("626", "Frais postaux et télécommunications", "Postage and telecommunications", AccountClass::Expense),
    ("627", "Services bancaires", "Bank charges", AccountClass::Expense),
    ("641", "Rémunérations du personnel", "Staff wages", AccountClass::Expense),
    ("645", "Charges de sécurité sociale", "Social security contributions", AccountClass::Expense),
    ("658", "Charges diverses", "Other operating expenses", AccountClass::Expense),
    ("661", "Charges d'intérêts", "Interest expense", AccountClass::Expense),
    ("701", "Ventes de produits finis", "Sales of finished products", AccountClass::Income),
    ("706", "Prestations de services", "Services rendered", AccountClass::Income),
    ("707", "Ventes de marchandises", "Sales of goods", AccountClass::Income),
    ("708", "Produits des activités annexes", "Ancillary income", AccountClass::Income),
    ("758", "Produits divers", "Other operating income", AccountClass::Income),
];

/// A company's chart, keyed by account number (PCG numbers sort in chart order).
#[derive(Debug, Clone, Default)]
pub struct Chart {
    accounts: BTreeMap<String, Account>,
}

impl Chart {
    /// The chart seeded for each new company.
    pub fn french_default() -> Chart {
        let accounts = DEFAULT_ACCOUNTS
            .iter()
            .map(|&(number, name_fr, name_en, class)| {
                let account = Account {
                    number: number.to_owned(),
                    name_fr: name_fr.to_owned(),
                    name_en: name_en.to_owned(),
                    class,
                };
                (number.to_owned(), account)
            })
            .collect();
        Chart { accounts }
    }

    /// A chart rebuilt from stored accounts; a number may appear only once.
    pub fn from_accounts<I>(accounts: I) -> Result<Chart, ChartError>
    where
        I: IntoIterator<Item = Account>,
    {
        let mut chart = Chart::default();
        for account in accounts {
            chart.insert(account)?;
        }
        Ok(chart)
    }

    pub fn insert(&mut self, account: Account) -> Result<(), ChartError> {
        if self.accounts.contains_key(&account.number) {
            return Err(ChartError::Duplicate {
                number: account.number,
            });
        }
        self.accounts.insert(account.number.clone(), account);
        Ok(())
    }

    pub fn get(&self, number: &str) -> Option<&Account> {
        self.accounts.get(number)
    }

    /// Accounts in number order.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }
}

#[cfg(test)]
mod tests;
