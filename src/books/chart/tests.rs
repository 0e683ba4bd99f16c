//! The default chart and the rules that give an account its class.

use super::*;

const REQUIRED: &[&str] = &[
    "101", "106", "120", "401", "411", "44566", "44571", "512", "530", "601", "606", "607", "613",
    "622", "626", "641", "701", "706", "707", "758", "658",
];

#[test]
fn default_chart_has_the_accounts_a_french_business_expects() {
    let chart = Chart::french_default();
    for number in REQUIRED {
        assert!(chart.get(number).is_some(), "missing account {number}");
    }
    assert_eq!(chart.accounts().count(), DEFAULT_ACCOUNTS.len());
}

#[test]
fn default_accounts_pass_validation_and_agree_with_the_pcg_rules() {
    for account in Chart::french_default().accounts() {
        let rebuilt = Account::new(account.number(), account.name_fr(), account.name_en(), None);
        assert_eq!(
            rebuilt.as_ref(),
            Ok(account),
            "account {}",
            account.number()
        );
    }
}

#[test]
fn classes_follow_the_pcg_digits() {
    let cases = [
        ("101", Some(AccountClass::Equity)),
        ("120", Some(AccountClass::Equity)),
        ("164", Some(AccountClass::Liability)),
        ("2183", Some(AccountClass::Asset)),
        ("401", Some(AccountClass::Liability)),
        ("4091", Some(AccountClass::Asset)),
        ("411", Some(AccountClass::Asset)),
        ("44566", Some(AccountClass::Asset)),
        ("44571", Some(AccountClass::Liability)),
        ("512", Some(AccountClass::Asset)),
        ("606", Some(AccountClass::Expense)),
        ("706", Some(AccountClass::Income)),
        ("467", None),
        ("801", None),
    ];
    for (number, class) in cases {
        assert_eq!(AccountClass::from_number(number), class, "account {number}");
    }
}

#[test]
fn custom_accounts_are_validated() {
    let ok = Account::new(
        "4671",
        "Débiteurs divers",
        "Sundry",
        Some(AccountClass::Asset),
    );
    assert_eq!(ok.map(|a| a.class()), Ok(AccountClass::Asset));
    assert!(matches!(
        Account::new("4671", "Débiteurs divers", "Sundry", None),
        Err(ChartError::ClassRequired { .. })
    ));
    assert!(matches!(
        Account::new("7061", "Ventes", "Sales", Some(AccountClass::Expense)),
        Err(ChartError::ClassMismatch { .. })
    ));
    for bad in ["", "12", "9001", "0123", "70a", "12345678901"] {
        assert!(
            matches!(
                Account::new(bad, "x", "x", Some(AccountClass::Asset)),
                Err(ChartError::InvalidNumber { .. })
            ),
            "{bad:?} accepted"
        );
    }
    assert!(matches!(
        Account::new("7061", "  ", "Sales", None),
        Err(ChartError::EmptyName { .. })
    ));
    let long = "x".repeat(MAX_NAME_CHARS + 1);
    assert!(matches!(
        Account::new("7061", "Ventes", &long, None),
        Err(ChartError::NameTooLong { .. })
    ));
}

#[test]
fn a_chart_refuses_duplicate_numbers() {
    let account = || Account::new("7061", "Ventes", "Sales", None);
    let chart = Chart::from_accounts([account().unwrap(), account().unwrap()]);
    assert!(matches!(chart, Err(ChartError::Duplicate { .. })));
}
