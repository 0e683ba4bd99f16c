//! Money as integer cents and VAT rates as basis points.
//!
//! Amounts never touch floating point: a float cannot hold 0.10 exactly, and the
//! books must add up to the cent. Every operation that could overflow is checked,
//! so a huge amount becomes an error the caller can report, never a wrapped value.

use serde::{Deserialize, Serialize};

/// Errors of money arithmetic and rate validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount overflows the range of cents")]
    Overflow,
    #[error("VAT rate {rate_bp} is outside 0..=10000 basis points")]
    RateOutOfRange { rate_bp: i64 },
}

/// An amount of money in euro cents. Signed, because balances and reversals can be
/// negative; the places that need a positive amount check it themselves.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// The largest amount one document, payment or entry line may carry: 100 billion
    /// euros. No small business comes near it, and the cap keeps years of ledger sums
    /// far from i64 overflow, so one absurd input cannot break every later report.
    pub const MAX_AMOUNT: Cents = Cents(10_000_000_000_000);

    pub const fn new(cents: i64) -> Cents {
        Cents(cents)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn checked_add(self, other: Cents) -> Result<Cents, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Cents)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Cents) -> Result<Cents, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Cents)
            .ok_or(MoneyError::Overflow)
    }

    /// Sums amounts, failing on the first overflow.
    pub fn checked_sum<I>(amounts: I) -> Result<Cents, MoneyError>
    where
        I: IntoIterator<Item = Cents>,
    {
        amounts
            .into_iter()
            .try_fold(Cents::ZERO, Cents::checked_add)
    }

    /// This unit price times a quantity given in thousandths, rounded to the cent
    /// half away from zero (see `round_ratio`).
    pub fn times_milli(self, quantity_milli: i64) -> Result<Cents, MoneyError> {
        let exact_milli_cents = i128::from(self.0) * i128::from(quantity_milli);
        round_ratio(exact_milli_cents, 1000)
    }
}

/// Divides and rounds half away from zero, the commercial rounding a customer
/// checking an invoice by hand expects (0.5 cent becomes 1 cent, -0.5 becomes -1),
/// and the rule of the euro conversion regulation (EC 1103/97, art. 5). Banker's
/// rounding would be fairer over millions of amounts, but an invoice is read one
/// line at a time by a person. The i128 numerator cannot overflow for i64 inputs.
fn round_ratio(numerator: i128, denominator: i128) -> Result<Cents, MoneyError> {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    let rounded = if 2 * remainder.abs() >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    };
    i64::try_from(rounded)
        .map(Cents)
        .map_err(|_| MoneyError::Overflow)
}

/// A VAT rate in basis points: 2000 is 20 %. Validated to 0..=10000 when built or
/// deserialized, so a stored rate is always usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct RateBp(u16);

impl RateBp {
    /// Taux normal.
    pub const FR_STANDARD: RateBp = RateBp(2000);
    /// Taux intermédiaire (restaurants, building renovation work, transport).
    pub const FR_INTERMEDIATE: RateBp = RateBp(1000);
    /// Taux réduit (food, energy-saving renovation work, books).
    pub const FR_REDUCED: RateBp = RateBp(550);
    /// Taux particulier (reimbursed medicines, press).
    pub const FR_SPECIAL: RateBp = RateBp(210);
    /// Exempt or outside the scope of VAT.
    pub const ZERO: RateBp = RateBp(0);

    const MAX_BP: i64 = 10_000;

    pub fn new(rate_bp: i64) -> Result<RateBp, MoneyError> {
        match u16::try_from(rate_bp) {
            Ok(rate) if i64::from(rate) <= Self::MAX_BP => Ok(RateBp(rate)),
            _ => Err(MoneyError::RateOutOfRange { rate_bp }),
        }
    }

    pub const fn get(self) -> u16 {
        self.0
    }

    /// The VAT due on a base amount at this rate, rounded half away from zero.
    pub fn vat_on(self, base: Cents) -> Result<Cents, MoneyError> {
        let exact = i128::from(base.get()) * i128::from(self.0);
        round_ratio(exact, i128::from(Self::MAX_BP))
    }
}

impl TryFrom<i64> for RateBp {
    type Error = MoneyError;

    fn try_from(rate_bp: i64) -> Result<RateBp, MoneyError> {
        RateBp::new(rate_bp)
    }
}

impl From<RateBp> for i64 {
    fn from(rate: RateBp) -> i64 {
        i64::from(rate.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_serialize_as_plain_integers() {
        assert_eq!(serde_json::to_string(&Cents::new(-1234)).unwrap(), "-1234");
        let parsed: Cents = serde_json::from_str("987").unwrap();
        assert_eq!(parsed, Cents::new(987));
    }

    #[test]
    fn checked_arithmetic_refuses_overflow() {
        let max = Cents::new(i64::MAX);
        assert_eq!(max.checked_add(Cents::new(1)), Err(MoneyError::Overflow));
        assert_eq!(
            Cents::new(i64::MIN).checked_sub(Cents::new(1)),
            Err(MoneyError::Overflow)
        );
        let sum = Cents::checked_sum([Cents::new(1), Cents::new(2), Cents::new(3)]);
        assert_eq!(sum, Ok(Cents::new(6)));
        assert_eq!(Cents::checked_sum([max, max]), Err(MoneyError::Overflow));
    }

    #[test]
    fn half_a_cent_rounds_away_from_zero() {
        // 0.5 unit at 1 cent is exactly half a cent.
        assert_eq!(Cents::new(1).times_milli(500), Ok(Cents::new(1)));
        assert_eq!(Cents::new(-1).times_milli(500), Ok(Cents::new(-1)));
        // 0.499 unit at 1 cent stays below the half.
        assert_eq!(Cents::new(1).times_milli(499), Ok(Cents::new(0)));
        // 1.5 h at 33.33 EUR = 49.995 EUR.
        assert_eq!(Cents::new(3333).times_milli(1500), Ok(Cents::new(5000)));
    }

    #[test]
    fn vat_rounds_half_away_from_zero() {
        // 5.5 % of 0.10 EUR is 0.55 cent.
        assert_eq!(RateBp::FR_REDUCED.vat_on(Cents::new(10)), Ok(Cents::new(1)));
        // 20 % of 0.02 EUR is 0.4 cent.
        assert_eq!(RateBp::FR_STANDARD.vat_on(Cents::new(2)), Ok(Cents::new(0)));
        // 2.1 % of 1 000 EUR.
        assert_eq!(
            RateBp::FR_SPECIAL.vat_on(Cents::new(100_000)),
            Ok(Cents::new(2100))
        );
        assert_eq!(RateBp::ZERO.vat_on(Cents::new(12_345)), Ok(Cents::ZERO));
    }

    #[test]
    fn times_milli_reports_overflow() {
        assert_eq!(
            Cents::new(i64::MAX).times_milli(2000),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn rates_are_validated() {
        assert_eq!(RateBp::new(550).map(RateBp::get), Ok(550));
        assert_eq!(RateBp::new(10_000).map(RateBp::get), Ok(10_000));
        assert_eq!(
            RateBp::new(10_001),
            Err(MoneyError::RateOutOfRange { rate_bp: 10_001 })
        );
        assert!(RateBp::new(-1).is_err());
        assert!(serde_json::from_str::<RateBp>("20000").is_err());
        let rate: RateBp = serde_json::from_str("2000").unwrap();
        assert_eq!(rate, RateBp::FR_STANDARD);
        assert_eq!(serde_json::to_string(&rate).unwrap(), "2000");
    }
}
