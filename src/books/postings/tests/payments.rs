//! Customer and bill payments.

use super::*;

#[test]
fn a_customer_payment_debits_the_bank_and_credits_the_customer() {
    let chart = Chart::french_default();
    let entry = customer_payment(&chart, &payment(12_000)).unwrap();
    assert_eq!(
        summary(&entry),
        [
            ("512", 12_000, 0, None),
            ("411", 0, 12_000, Some("party-1"))
        ]
    );
    assert_eq!(entry.source(), &source(SourceKind::Payment, "pay-1"));
    let cash = PaymentRef {
        account_number: Some("530"),
        ..payment(500)
    };
    assert_eq!(
        summary(&customer_payment(&chart, &cash).unwrap())[0].0,
        "530"
    );
}

#[test]
fn payments_are_checked() {
    let chart = Chart::french_default();
    assert_eq!(
        customer_payment(&chart, &payment(0)),
        Err(PostingError::InvalidAmount)
    );
    assert_eq!(
        bill_payment(&chart, &payment(-5)),
        Err(PostingError::InvalidAmount)
    );
    let too_big = payment(Cents::MAX_AMOUNT.get() + 1);
    assert_eq!(
        customer_payment(&chart, &too_big),
        Err(PostingError::InvalidAmount)
    );
    let to_sales = PaymentRef {
        account_number: Some("706"),
        ..payment(100)
    };
    assert!(matches!(
        customer_payment(&chart, &to_sales),
        Err(PostingError::NotATreasuryAccount { .. })
    ));
    let unknown = PaymentRef {
        account_number: Some("5121"),
        ..payment(100)
    };
    assert!(matches!(
        bill_payment(&chart, &unknown),
        Err(PostingError::MissingAccount { .. })
    ));
}

#[test]
fn a_bill_payment_debits_the_supplier_and_credits_the_bank() {
    let chart = Chart::french_default();
    let entry = bill_payment(&chart, &payment(116_110)).unwrap();
    assert_eq!(
        summary(&entry),
        [
            ("401", 116_110, 0, Some("party-1")),
            ("512", 0, 116_110, None)
        ]
    );
    assert_eq!(entry.source(), &source(SourceKind::BillPayment, "pay-1"));
}
