//! Units of measure used across the core: lengths in metres, money in pence.
//!
//! The policy speaks in miles and pounds; everything inside the tool is converted once, when the
//! policy is loaded, so that comparisons never round. The mile is the international mile, an exact
//! definition of the unit and not a policy parameter.

use serde::Serialize;

/// Metres in one international mile (exact by definition since 1959).
pub const METRES_PER_MILE: f64 = 1609.344;

/// A length on the British National Grid, in metres.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Metres(pub f64);

impl Metres {
    /// Converts a length given in miles; used when reading the policy and nowhere else.
    pub fn from_miles(miles: f64) -> Self {
        Metres(miles * METRES_PER_MILE)
    }

    /// The length in miles, unrounded, for comparisons against miles figures and display.
    pub fn miles(self) -> f64 {
        self.0 / METRES_PER_MILE
    }

    /// Miles to three decimals, as every decision prints them.
    pub fn miles_3dp(self) -> String {
        format!("{:.3}", self.miles())
    }
}

/// An amount of money in pence, so that a 50% reduction of GBP 825 is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Pence(pub i64);

/// An amount of money too large to hold in pence: a sum or product that would wrap or saturate
/// (a total of GBP 34803.18 printed for 432 charges of i64::MAX pence each) is refused instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an amount of money is too large to hold (more than GBP 92233720368547758.07)")]
pub struct MoneyOverflow;

impl Pence {
    /// Pounds and pence, e.g. "GBP 412.50", for reasons and summaries.
    pub fn display_gbp(self) -> String {
        format!("GBP {}.{:02}", self.0 / 100, (self.0 % 100).abs())
    }

    /// `self + other`, refused rather than wrapped when it does not fit.
    #[cfg(test)]
    pub fn checked_add(self, other: Pence) -> Result<Pence, MoneyOverflow> {
        self.0.checked_add(other.0).map(Pence).ok_or(MoneyOverflow)
    }

    /// The total of some amounts (a batch's charges), refused rather than wrapped when it does
    /// not fit.
    #[cfg(test)]
    pub fn checked_sum(amounts: impl IntoIterator<Item = Pence>) -> Result<Pence, MoneyOverflow> {
        amounts
            .into_iter()
            .try_fold(Pence(0), |total, p| total.checked_add(p))
    }

    /// A computed amount of pence (a rate times a distance) rounded to the nearest penny,
    /// refused when it is not a finite number that fits, where `as i64` would saturate silently.
    pub fn from_f64_rounded(pence: f64) -> Result<Pence, MoneyOverflow> {
        let p = pence.round();
        // i64::MAX is not an f64; 2^63 is the first value that does not fit.
        if p.is_finite() && p >= -(2f64.powi(63)) && p < 2f64.powi(63) {
            Ok(Pence(p as i64))
        } else {
            Err(MoneyOverflow)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mile_is_exact() {
        assert_eq!(Metres::from_miles(3.0).0, 4828.032);
        assert_eq!(Metres(3218.688).miles(), 2.0);
        assert_eq!(Metres(5172.0).miles_3dp(), "3.214");
    }

    #[test]
    fn money_sums_are_checked() {
        assert_eq!(
            Pence::checked_sum([Pence(82500), Pence(41250)]),
            Ok(Pence(123750))
        );
        assert_eq!(Pence::checked_sum([]), Ok(Pence(0)));
        assert_eq!(
            Pence::checked_sum([Pence(i64::MAX), Pence(1)]),
            Err(MoneyOverflow)
        );
        assert_eq!(
            Pence(i64::MAX).checked_add(Pence(-1)),
            Ok(Pence(i64::MAX - 1))
        );
    }

    #[test]
    fn computed_pence_are_rounded_or_refused() {
        assert_eq!(Pence::from_f64_rounded(123.5), Ok(Pence(124)));
        assert_eq!(Pence::from_f64_rounded(0.0), Ok(Pence(0)));
        for bad in [f64::NAN, f64::INFINITY, 1e300, 2f64.powi(63)] {
            assert_eq!(Pence::from_f64_rounded(bad), Err(MoneyOverflow), "{bad}");
        }
        assert!(Pence::from_f64_rounded(2f64.powi(62)).is_ok());
    }

    #[test]
    fn pence_display() {
        assert_eq!(Pence(82500).display_gbp(), "GBP 825.00");
        assert_eq!(Pence(41250).display_gbp(), "GBP 412.50");
    }
}
