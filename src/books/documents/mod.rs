//! Invoice and bill lines as the client sends them, validated and priced.
//!
//! The client sends `description`, `quantity`, `unit_price_cents`, `vat_rate_bp`
//! (and optionally the `account_number` the line posts to); the service computes
//! every amount itself: a line's `subtotal_cents`, and the document's
//! `subtotal_cents`, `vat_cents` and `total_cents` with a VAT breakdown per rate.
//!
//! Rounding: a line's subtotal (quantity x unit price) is rounded to the cent half
//! away from zero, so each printed line is exact to the eye and the document
//! subtotal is the plain sum of the printed lines. VAT is not rounded per line: it
//! is computed once per rate on the sum of that rate's lines, because French
//! invoices must show the base and the tax per rate (CGI annexe II, art. 242
//! nonies A) and rounding once per rate keeps the error under half a cent per rate
//! instead of letting it grow with the number of lines.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::chart::is_valid_number;
use super::money::{Cents, MoneyError, RateBp};

pub const MAX_LINES: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// One million units of anything is beyond what a small business invoices at once;
/// past it the number is a typo or an attack.
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000;
/// One billion euros per unit; with `MAX_QUANTITY_MILLI` a line subtotal stays
/// far inside i64, so only the document sum can overflow (and is checked).
pub const MAX_UNIT_PRICE_CENTS: i64 = 100_000_000_000;
/// Quantities are exact to the thousandth (0.001 hour, gram or metre).
const MAX_QUANTITY_DECIMALS: usize = 3;

/// A line as the client sends it. Semantic checks happen in `price_document`, so
/// each problem can name its line and field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineInput {
    pub description: String,
    /// A JSON number, possibly fractional (1.5 hours). JSON numbers reach Rust as
    /// f64, whose shortest round-trip decimal is exactly what the client wrote for
    /// up to 15 significant digits (every quantity we accept has at most 10). A
    /// number written with more digits than an f64 holds arrives already rounded.
    pub quantity: f64,
    pub unit_price_cents: i64,
    pub vat_rate_bp: i64,
    /// The income (invoice) or expense (bill) account; the default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
}

/// The wire name of a line field, for errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineField {
    Description,
    Quantity,
    UnitPriceCents,
    VatRateBp,
    AccountNumber,
}

impl fmt::Display for LineField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LineField::Description => "description",
            LineField::Quantity => "quantity",
            LineField::UnitPriceCents => "unit_price_cents",
            LineField::VatRateBp => "vat_rate_bp",
            LineField::AccountNumber => "account_number",
        })
    }
}

/// What is wrong with one field of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum LineProblem {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_DESCRIPTION_CHARS} characters")]
    TooLong,
    #[error("must not contain control characters")]
    ControlCharacters,
    #[error("must be a finite number")]
    NotANumber,
    #[error("must be greater than zero")]
    NotPositive,
    #[error("must not be negative")]
    Negative,
    #[error("may have at most {MAX_QUANTITY_DECIMALS} decimals")]
    TooPrecise,
    #[error("is too large")]
    TooLarge,
    #[error("must be between 0 and 10000 basis points")]
    RateOutOfRange,
    #[error("must be 3 to 10 digits starting with 1 to 8")]
    InvalidAccountNumber,
}

/// A refused line: its 0-based index in `lines`, the field and the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("lines[{index}].{field} {problem}")]
pub struct LineError {
    pub index: usize,
    pub field: LineField,
    pub problem: LineProblem,
}

/// Errors of validating and pricing a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("a document needs at least one line")]
    NoLines,
    #[error("a document may have at most {MAX_LINES} lines, not {count}")]
    TooManyLines { count: usize },
    #[error(transparent)]
    Line(#[from] LineError),
    #[error("the document total is larger than the largest amount allowed")]
    TotalTooLarge,
}

/// A quantity in exact thousandths of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity {
    milli: i64,
}

impl Quantity {
    /// A stored quantity (the service keeps `milli()` in an integer column).
    pub fn from_milli(milli: i64) -> Result<Quantity, LineProblem> {
        if milli <= 0 {
            Err(LineProblem::NotPositive)
        } else if milli > MAX_QUANTITY_MILLI {
            Err(LineProblem::TooLarge)
        } else {
            Ok(Quantity { milli })
        }
    }

    /// A quantity from the wire, refused unless it is exact in thousandths.
    pub fn from_f64(value: f64) -> Result<Quantity, LineProblem> {
        if !value.is_finite() {
            return Err(LineProblem::NotANumber);
        }
        if value <= 0.0 {
            return Err(LineProblem::NotPositive);
        }
        // Checked before formatting so an absurd value never becomes a long string.
        if value > (MAX_QUANTITY_MILLI / 1000) as f64 {
            return Err(LineProblem::TooLarge);
        }
        // Rust prints the shortest decimal that reads back as the same f64, never
        // in exponent form: 1.0001 prints "1.0001", so its 4th decimal is seen.
        Quantity::from_milli(decimal_to_milli(&value.to_string())?)
    }

    pub fn milli(self) -> i64 {
        self.milli
    }
}

/// Whole units serialize as JSON integers (2), others as decimals (1.5); dividing
/// by 1000.0 gives the f64 nearest the exact decimal, which prints back exactly.
impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.milli % 1000 == 0 {
            serializer.serialize_i64(self.milli / 1000)
        } else {
            serializer.serialize_f64(self.milli as f64 / 1000.0)
        }
    }
}

/// Parses a plain positive decimal ("12", "1.5", "0.001") into thousandths.
fn decimal_to_milli(text: &str) -> Result<i64, LineProblem> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let fraction = fraction.trim_end_matches('0');
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(LineProblem::NotANumber);
    }
    if fraction.len() > MAX_QUANTITY_DECIMALS {
        return Err(LineProblem::TooPrecise);
    }
    let whole: i64 = whole.parse().map_err(|_| LineProblem::TooLarge)?;
    let fraction_milli = format!("{fraction:0<3}")
        .parse::<i64>()
        .map_err(|_| LineProblem::NotANumber)?;
    whole
        .checked_mul(1000)
        .and_then(|milli| milli.checked_add(fraction_milli))
        .ok_or(LineProblem::TooLarge)
}

/// A validated line with its computed subtotal (before VAT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricedLine {
    pub description: String,
    pub quantity: Quantity,
    pub unit_price_cents: Cents,
    pub vat_rate_bp: RateBp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    pub subtotal_cents: Cents,
}

/// The base and tax of one VAT rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VatBreakdown {
    pub vat_rate_bp: RateBp,
    pub base_cents: Cents,
    pub vat_cents: Cents,
}

/// A document's lines and the totals the service computed. Fields are private so
/// that only `price_document` makes one: the posting builders rely on its totals
/// adding up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricedDocument {
    lines: Vec<PricedLine>,
    subtotal_cents: Cents,
    vat_cents: Cents,
    total_cents: Cents,
    vat_breakdown: Vec<VatBreakdown>,
}

impl PricedDocument {
    pub fn lines(&self) -> &[PricedLine] {
        &self.lines
    }

    /// The sum of the line subtotals, before VAT.
    pub fn subtotal_cents(&self) -> Cents {
        self.subtotal_cents
    }

    pub fn vat_cents(&self) -> Cents {
        self.vat_cents
    }

    pub fn total_cents(&self) -> Cents {
        self.total_cents
    }

    /// Highest rate first, as invoices usually print it.
    pub fn vat_breakdown(&self) -> &[VatBreakdown] {
        &self.vat_breakdown
    }
}

/// Validates every line and computes the totals, refusing the first bad line.
pub fn price_document(inputs: &[LineInput]) -> Result<PricedDocument, DocumentError> {
    if inputs.is_empty() {
        return Err(DocumentError::NoLines);
    }
    if inputs.len() > MAX_LINES {
        return Err(DocumentError::TooManyLines {
            count: inputs.len(),
        });
    }
    let lines = inputs
        .iter()
        .enumerate()
        .map(|(index, input)| price_line(index, input))
        .collect::<Result<Vec<_>, _>>()?;
    let vat_breakdown = vat_breakdown(&lines)?;
    let subtotal_cents =
        Cents::checked_sum(lines.iter().map(|l| l.subtotal_cents)).map_err(too_large)?;
    let vat_cents =
        Cents::checked_sum(vat_breakdown.iter().map(|v| v.vat_cents)).map_err(too_large)?;
    let total_cents = subtotal_cents.checked_add(vat_cents).map_err(too_large)?;
    if total_cents > Cents::MAX_AMOUNT {
        return Err(DocumentError::TotalTooLarge);
    }
    Ok(PricedDocument {
        lines,
        subtotal_cents,
        vat_cents,
        total_cents,
        vat_breakdown,
    })
}

/// Overflow of a document sum is one more way of being too large.
fn too_large(_: MoneyError) -> DocumentError {
    DocumentError::TotalTooLarge
}

fn price_line(index: usize, input: &LineInput) -> Result<PricedLine, LineError> {
    let refuse = |field, problem| LineError {
        index,
        field,
        problem,
    };
    let description = checked_description(&input.description)
        .map_err(|problem| refuse(LineField::Description, problem))?;
    let quantity = Quantity::from_f64(input.quantity)
        .map_err(|problem| refuse(LineField::Quantity, problem))?;
    let unit_price_cents = checked_unit_price(input.unit_price_cents)
        .map_err(|problem| refuse(LineField::UnitPriceCents, problem))?;
    let vat_rate_bp = RateBp::new(input.vat_rate_bp)
        .map_err(|_| refuse(LineField::VatRateBp, LineProblem::RateOutOfRange))?;
    let account_number = checked_account(input.account_number.as_deref())
        .map_err(|problem| refuse(LineField::AccountNumber, problem))?;
    let subtotal_cents = unit_price_cents
        .times_milli(quantity.milli())
        .map_err(|_| refuse(LineField::UnitPriceCents, LineProblem::TooLarge))?;
    Ok(PricedLine {
        description,
        quantity,
        unit_price_cents,
        vat_rate_bp,
        account_number,
        subtotal_cents,
    })
}

fn checked_description(description: &str) -> Result<String, LineProblem> {
    let description = description.trim();
    if description.is_empty() {
        Err(LineProblem::Empty)
    } else if description.chars().count() > MAX_DESCRIPTION_CHARS {
        Err(LineProblem::TooLong)
    } else if crate::text::has_control_characters(description) {
        Err(LineProblem::ControlCharacters)
    } else {
        Ok(description.to_owned())
    }
}

/// Prices are not negative: a discount is a lower price, and taking back a sale
/// is a void (or a credit note), which keeps every posted amount one-sided.
fn checked_unit_price(cents: i64) -> Result<Cents, LineProblem> {
    if cents < 0 {
        Err(LineProblem::Negative)
    } else if cents > MAX_UNIT_PRICE_CENTS {
        Err(LineProblem::TooLarge)
    } else {
        Ok(Cents::new(cents))
    }
}

/// A blank account is no account (forms send ""); whether the account exists and
/// has the right class is checked against the company chart when posting.
fn checked_account(account: Option<&str>) -> Result<Option<String>, LineProblem> {
    match account.map(str::trim) {
        None | Some("") => Ok(None),
        Some(number) if is_valid_number(number) => Ok(Some(number.to_owned())),
        Some(_) => Err(LineProblem::InvalidAccountNumber),
    }
}

fn vat_breakdown(lines: &[PricedLine]) -> Result<Vec<VatBreakdown>, DocumentError> {
    let mut bases: BTreeMap<RateBp, Cents> = BTreeMap::new();
    for line in lines {
        let base = bases.entry(line.vat_rate_bp).or_default();
        *base = base.checked_add(line.subtotal_cents).map_err(too_large)?;
    }
    bases
        .into_iter()
        .rev()
        .map(|(vat_rate_bp, base_cents)| {
            Ok(VatBreakdown {
                vat_rate_bp,
                base_cents,
                vat_cents: vat_rate_bp.vat_on(base_cents).map_err(too_large)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
