//! Lines validated and priced, to the cent and per VAT rate.

use super::*;

fn line(quantity: f64, unit_price_cents: i64, vat_rate_bp: i64) -> LineInput {
    LineInput {
        description: "Pose de carrelage".to_owned(),
        quantity,
        unit_price_cents,
        vat_rate_bp,
        account_number: None,
    }
}

fn line_error(inputs: &[LineInput]) -> LineError {
    match price_document(inputs) {
        Err(DocumentError::Line(error)) => error,
        other => panic!("expected a line error, got {other:?}"),
    }
}

#[test]
fn quantities_parse_exactly_in_thousandths() {
    assert_eq!(Quantity::from_f64(1.5).map(Quantity::milli), Ok(1500));
    assert_eq!(Quantity::from_f64(0.001).map(Quantity::milli), Ok(1));
    assert_eq!(Quantity::from_f64(2.675).map(Quantity::milli), Ok(2675));
    assert_eq!(Quantity::from_f64(3.0).map(Quantity::milli), Ok(3000));
    assert_eq!(
        Quantity::from_f64(1_000_000.0).map(Quantity::milli),
        Ok(MAX_QUANTITY_MILLI)
    );
}

#[test]
fn quantities_that_are_not_exact_thousandths_are_refused() {
    assert_eq!(Quantity::from_f64(1.0001), Err(LineProblem::TooPrecise));
    assert_eq!(Quantity::from_f64(0.0005), Err(LineProblem::TooPrecise));
    assert_eq!(Quantity::from_f64(1e-7), Err(LineProblem::TooPrecise));
    assert_eq!(Quantity::from_f64(0.0), Err(LineProblem::NotPositive));
    assert_eq!(Quantity::from_f64(-0.0), Err(LineProblem::NotPositive));
    assert_eq!(Quantity::from_f64(-1.5), Err(LineProblem::NotPositive));
    assert_eq!(
        Quantity::from_f64(1_000_000.001),
        Err(LineProblem::TooLarge)
    );
    assert_eq!(Quantity::from_f64(1e300), Err(LineProblem::TooLarge));
    assert_eq!(Quantity::from_f64(f64::NAN), Err(LineProblem::NotANumber));
    assert_eq!(Quantity::from_milli(0), Err(LineProblem::NotPositive));
}

#[test]
fn quantities_from_json_text_keep_their_decimals() {
    let parse = |text: &str| {
        let quantity: f64 = serde_json::from_str(text).unwrap();
        Quantity::from_f64(quantity).map(Quantity::milli)
    };
    assert_eq!(parse("1.5"), Ok(1500));
    assert_eq!(parse("0.001"), Ok(1));
    assert_eq!(parse("2.50"), Ok(2500));
    assert_eq!(parse("1e-3"), Ok(1));
    assert_eq!(parse("12"), Ok(12_000));
    assert_eq!(parse("1.0001"), Err(LineProblem::TooPrecise));
    assert_eq!(parse("999999.9999"), Err(LineProblem::TooPrecise));
}

#[test]
fn quantities_serialize_as_the_number_the_client_wrote() {
    let json = |milli| serde_json::to_string(&Quantity::from_milli(milli).unwrap()).unwrap();
    assert_eq!(json(2000), "2");
    assert_eq!(json(1500), "1.5");
    assert_eq!(json(1), "0.001");
    assert_eq!(json(2675), "2.675");
}

#[test]
fn lines_are_read_from_the_wire_contract() {
    let inputs: Vec<LineInput> = serde_json::from_str(
        r#"[{"description": "Main d'oeuvre", "quantity": 1.5,
             "unit_price_cents": 4500, "vat_rate_bp": 1000},
            {"description": "Dépannage", "quantity": 1,
             "unit_price_cents": 9000, "vat_rate_bp": 2000, "account_number": "706"}]"#,
    )
    .unwrap();
    let document = price_document(&inputs).unwrap();
    assert_eq!(document.lines()[0].subtotal_cents, Cents::new(6750));
    assert_eq!(document.lines()[1].account_number.as_deref(), Some("706"));
    assert_eq!(document.subtotal_cents(), Cents::new(15_750));
    assert_eq!(document.vat_cents(), Cents::new(675 + 1800));
    assert_eq!(document.total_cents(), Cents::new(18_225));
    let json = serde_json::to_value(&document).unwrap();
    assert_eq!(json["lines"][0]["quantity"], serde_json::json!(1.5));
    assert_eq!(json["total_cents"], serde_json::json!(18_225));
}

#[test]
fn half_cents_round_away_from_zero_per_line() {
    // 0.5 x 0.01 EUR = 0.005 EUR, rounds up to 1 cent.
    let document = price_document(&[line(0.5, 1, 0)]).unwrap();
    assert_eq!(document.lines()[0].subtotal_cents, Cents::new(1));
    // 0.333 x 0.01 EUR = 0.00333 EUR, rounds down to 0.
    let document = price_document(&[line(0.333, 1, 0)]).unwrap();
    assert_eq!(document.lines()[0].subtotal_cents, Cents::ZERO);
    // 1.5 x 0.25 EUR = 0.375 EUR, rounds to 0.38.
    let document = price_document(&[line(1.5, 25, 0)]).unwrap();
    assert_eq!(document.lines()[0].subtotal_cents, Cents::new(38));
}

#[test]
fn vat_is_rounded_once_per_rate() {
    // Three lines of 0.10 EUR at 5.5 %: per line 0.55 cent would round to
    // 1 cent each (3 cents); on the 0.30 EUR base it is 1.65, so 2 cents.
    let lines = vec![line(1.0, 10, 550); 3];
    let document = price_document(&lines).unwrap();
    assert_eq!(document.vat_cents(), Cents::new(2));
    assert_eq!(document.vat_breakdown().len(), 1);
    assert_eq!(document.vat_breakdown()[0].base_cents, Cents::new(30));
}

#[test]
fn vat_is_grouped_per_rate_highest_first() {
    let lines = [
        line(1.0, 10_000, 550),
        line(2.0, 10_000, 2000),
        line(1.0, 5_000, 0),
        line(1.0, 10_000, 550),
    ];
    let document = price_document(&lines).unwrap();
    let rates: Vec<u16> = document
        .vat_breakdown
        .iter()
        .map(|v| v.vat_rate_bp.get())
        .collect();
    assert_eq!(rates, [2000, 550, 0]);
    assert_eq!(document.vat_breakdown()[1].base_cents, Cents::new(20_000));
    assert_eq!(document.vat_breakdown()[1].vat_cents, Cents::new(1100));
    assert_eq!(document.vat_cents(), Cents::new(4000 + 1100));
    assert_eq!(document.subtotal_cents(), Cents::new(45_000));
    assert_eq!(document.total_cents(), Cents::new(50_100));
}

#[test]
fn bad_fields_name_their_line_and_field() {
    let mut blank = line(1.0, 100, 2000);
    blank.description = "   ".to_owned();
    let error = line_error(&[line(1.0, 100, 2000), blank]);
    assert_eq!(
        (error.index, error.field, error.problem),
        (1, LineField::Description, LineProblem::Empty)
    );
    assert_eq!(error.to_string(), "lines[1].description must not be empty");

    let mut long = line(1.0, 100, 2000);
    long.description = "é".repeat(MAX_DESCRIPTION_CHARS + 1);
    assert_eq!(line_error(&[long]).problem, LineProblem::TooLong);

    let error = line_error(&[line(1.0001, 100, 2000)]);
    assert_eq!(
        (error.field, error.problem),
        (LineField::Quantity, LineProblem::TooPrecise)
    );
    let error = line_error(&[line(1.0, -1, 2000)]);
    assert_eq!(
        (error.field, error.problem),
        (LineField::UnitPriceCents, LineProblem::Negative)
    );
    let error = line_error(&[line(1.0, MAX_UNIT_PRICE_CENTS + 1, 2000)]);
    assert_eq!(error.problem, LineProblem::TooLarge);
    let error = line_error(&[line(1.0, 100, 10_001)]);
    assert_eq!(
        (error.field, error.problem),
        (LineField::VatRateBp, LineProblem::RateOutOfRange)
    );

    let mut odd_account = line(1.0, 100, 2000);
    odd_account.account_number = Some("70A".to_owned());
    let error = line_error(&[odd_account]);
    assert_eq!(error.field, LineField::AccountNumber);
}

#[test]
fn a_blank_account_means_the_default() {
    let mut input = line(1.0, 100, 2000);
    input.account_number = Some(" ".to_owned());
    let document = price_document(&[input]).unwrap();
    assert_eq!(document.lines()[0].account_number, None);
}

#[test]
fn line_counts_are_limited() {
    assert_eq!(price_document(&[]), Err(DocumentError::NoLines));
    let many = vec![line(1.0, 100, 2000); MAX_LINES + 1];
    assert_eq!(
        price_document(&many),
        Err(DocumentError::TooManyLines {
            count: MAX_LINES + 1
        })
    );
    assert!(price_document(&many[..MAX_LINES]).is_ok());
}

#[test]
fn totals_that_overflow_or_exceed_the_cap_are_refused() {
    // 100 lines of 1e17 cents overflow i64 while summing.
    let huge = line(1_000_000.0, MAX_UNIT_PRICE_CENTS, 2000);
    let many = vec![huge.clone(); 100];
    assert_eq!(price_document(&many), Err(DocumentError::TotalTooLarge));
    // One such line fits i64 but not the cap.
    assert_eq!(price_document(&[huge]), Err(DocumentError::TotalTooLarge));
    // The cap itself is allowed.
    let at_cap = line(1.0, Cents::MAX_AMOUNT.get() / 100, 0);
    let capped = vec![at_cap; 100];
    assert_eq!(
        price_document(&capped).map(|d| d.total_cents()),
        Ok(Cents::MAX_AMOUNT)
    );
}

#[test]
fn free_lines_are_allowed() {
    let document = price_document(&[line(2.0, 0, 2000)]).unwrap();
    assert_eq!(document.total_cents(), Cents::ZERO);
}
