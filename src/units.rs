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

impl Pence {
    /// Pounds and pence, e.g. "GBP 412.50", for reasons and summaries.
    pub fn display_gbp(self) -> String {
        format!("GBP {}.{:02}", self.0 / 100, (self.0 % 100).abs())
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
    fn pence_display() {
        assert_eq!(Pence(82500).display_gbp(), "GBP 825.00");
        assert_eq!(Pence(41250).display_gbp(), "GBP 412.50");
    }
}
