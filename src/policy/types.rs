//! Typed policy values that validate themselves while the TOML is read, so that a bad value is
//! reported by the TOML parser with its file, line and column.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ranges::{shown, MAX_GBP, MAX_MILES};
use crate::units::{Metres, Pence};

/// A year group in the academic year applied for: pre-school, Reception, Years 1 to 13.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearGroup(i8);

impl YearGroup {
    /// Pre-school (nursery) settings (clause 1.2.1).
    pub const PRE_SCHOOL: YearGroup = YearGroup(-1);
    /// Reception.
    pub const RECEPTION: YearGroup = YearGroup(0);

    /// Year N (1..=13); `None` outside that range.
    pub fn year(n: i8) -> Option<YearGroup> {
        (1..=13).contains(&n).then_some(YearGroup(n))
    }

    /// Reception = 0, pre-school = -1.
    pub fn number(self) -> i8 {
        self.0
    }

    /// The age a child in this year group reaches during the academic year (Reception: 5).
    /// A school with statutory ages `low..=high` suits the year when `low <= age - 1` and
    /// `age <= high`.
    pub fn age_reached(self) -> i16 {
        i16::from(self.0) + 5
    }

    /// Parses `N`, `Nursery`, `Pre-school`, `R`, `Reception`, `7`, `Y7`, `Year 7`.
    pub fn parse(s: &str) -> Option<YearGroup> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "n" | "nursery" | "pre-school" | "preschool" | "ps" => {
                return Some(YearGroup::PRE_SCHOOL)
            }
            "r" | "rec" | "reception" | "yr" | "0" => return Some(YearGroup::RECEPTION),
            _ => {}
        }
        let digits = t
            .strip_prefix("year")
            .or_else(|| t.strip_prefix('y'))
            .unwrap_or(&t)
            .trim();
        digits.parse::<i8>().ok().and_then(YearGroup::year)
    }
}

impl fmt::Display for YearGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            -1 => f.write_str("pre-school"),
            0 => f.write_str("Reception"),
            n => write!(f, "Year {n}"),
        }
    }
}

impl Serialize for YearGroup {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            -1 => s.serialize_str("N"),
            0 => s.serialize_str("R"),
            n => s.serialize_str(&format!("Y{n}")),
        }
    }
}

impl<'de> Deserialize<'de> for YearGroup {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        YearGroup::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{s}' is not a year group (expected N, R, Y1 .. Y13)"
            ))
        })
    }
}

/// An inclusive range of year groups. An officer writes one year as `"Y11"` and a range as
/// `"R-Y4"`; the older two-item form `["R", "Y4"]` (`["Y11", "Y11"]` for one year) is still
/// read. `policy show --format json` gives it as the two-item form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "[YearGroup; 2]")]
pub struct YearRange {
    pub first: YearGroup,
    pub last: YearGroup,
}

impl From<YearRange> for [YearGroup; 2] {
    fn from(r: YearRange) -> Self {
        [r.first, r.last]
    }
}

impl YearRange {
    /// Whether the year group is inside the range.
    pub fn contains(&self, y: YearGroup) -> bool {
        self.first <= y && y <= self.last
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{} to {}", self.first, self.last)
        }
    }
}

impl YearRange {
    /// Reads `"Y11"` (one year) or `"R-Y4"` (first and last, inclusive). A year group's own
    /// name may hold a hyphen (`pre-school`), so each hyphen is tried as the divider.
    pub fn parse(s: &str) -> Option<YearRange> {
        if let Some(y) = YearGroup::parse(s) {
            return Some(YearRange { first: y, last: y });
        }
        s.match_indices('-').find_map(|(i, _)| {
            let first = YearGroup::parse(&s[..i])?;
            let last = YearGroup::parse(&s[i + 1..])?;
            Some(YearRange { first, last })
        })
    }

    /// Refuses a range whose end comes before its start.
    fn ordered<E: serde::de::Error>(self) -> Result<YearRange, E> {
        if self.first > self.last {
            return Err(E::custom(format!(
                "year range starts at {} but ends earlier, at {}",
                self.first, self.last
            )));
        }
        Ok(self)
    }
}

impl<'de> Deserialize<'de> for YearRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = YearRange;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a year group or range of year groups, e.g. \"Y11\" or \"R-Y4\"")
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<YearRange, E> {
                YearRange::parse(s)
                    .ok_or_else(|| {
                        E::custom(format!(
                            "'{s}' is not a year group or a range of year groups (expected e.g. \
                             Y11, or R-Y4 for Reception to Year 4; N, R, Y1 .. Y13)"
                        ))
                    })?
                    .ordered()
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<YearRange, A::Error> {
                let [first, last] = <[YearGroup; 2]>::deserialize(
                    serde::de::value::SeqAccessDeserializer::new(seq),
                )?;
                YearRange { first, last }.ordered()
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// How a measured distance is compared with a limit. The policy's words decide which:
/// "two miles or more" is `>=`, "more than two miles" is `>`, "less than six miles" is `<`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = ">")]
    MoreThan,
    #[serde(rename = "<")]
    LessThan,
    #[serde(rename = "<=")]
    AtMost,
}

impl Comparison {
    /// Compares unrounded values.
    pub fn holds(self, value: f64, limit: f64) -> bool {
        match self {
            Comparison::AtLeast => value >= limit,
            Comparison::MoreThan => value > limit,
            Comparison::LessThan => value < limit,
            Comparison::AtMost => value <= limit,
        }
    }

    /// Whether an unbounded value (no available route at all) satisfies the comparison.
    pub fn holds_for_unbounded(self) -> bool {
        matches!(self, Comparison::AtLeast | Comparison::MoreThan)
    }

    /// The symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => ">=",
            Comparison::MoreThan => ">",
            Comparison::LessThan => "<",
            Comparison::AtMost => "<=",
        }
    }

    /// The symbol for when the comparison fails.
    pub fn negated_symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => "<",
            Comparison::MoreThan => "<=",
            Comparison::LessThan => ">=",
            Comparison::AtMost => ">",
        }
    }
}

/// Which distance a limit is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Shortest available walking route (clauses 1.1.1, 1.5.3, 1.5.4).
    Walking,
    /// Shortest available driven route (clauses 1.1.4, 1.1.15).
    Driven,
    /// Straight line between eastings and northings (clause 1.1.2).
    StraightLine,
}

impl Measure {
    /// Plain-English name used in reasons.
    pub fn describe(self) -> &'static str {
        match self {
            Measure::Walking => "walking route",
            Measure::Driven => "driven route",
            Measure::StraightLine => "straight line",
        }
    }
}

/// A distance limit as written in the policy, converted to metres once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limit {
    pub measure: Measure,
    pub comparison: Comparison,
    /// The figure as written in the policy, in miles, for display.
    pub miles: f64,
    #[serde(skip)]
    pub metres: Metres,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    comparison: Comparison,
    miles: f64,
}

impl Limit {
    /// Reads `{ comparison = ">=", miles = 3 }` for the given measure.
    pub(crate) fn read<'de, D: serde::Deserializer<'de>>(
        measure: Measure,
        d: D,
    ) -> Result<Self, D::Error> {
        let raw = RawLimit::deserialize(d)?;
        if !raw.miles.is_finite() || raw.miles < 0.0 {
            return Err(serde::de::Error::custom(format!(
                "miles must be a non-negative number, got {}",
                raw.miles
            )));
        }
        if raw.miles > MAX_MILES {
            return Err(serde::de::Error::custom(format!(
                "{} miles is outside the plausible range of distances, 0 to {MAX_MILES} miles",
                shown(raw.miles)
            )));
        }
        Ok(Limit {
            measure,
            comparison: raw.comparison,
            miles: raw.miles,
            metres: Metres::from_miles(raw.miles),
        })
    }

    /// E.g. `walking route >= 3 mi`.
    pub fn describe(&self) -> String {
        format!(
            "{} {} {} mi",
            self.measure.describe(),
            self.comparison.symbol(),
            self.miles
        )
    }
}

/// Money as written in the policy, in pounds; converted to exact pence. Shown as pounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gbp(pub Pence);

impl Serialize for Gbp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0 .0 as f64 / 100.0)
    }
}

impl<'de> Deserialize<'de> for Gbp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        let pence = (v * 100.0).round();
        if !v.is_finite() || v < 0.0 || (pence - v * 100.0).abs() > 1e-6 {
            return Err(serde::de::Error::custom(format!(
                "{v} is not an amount of pounds and pence"
            )));
        }
        // Checked before converting: a huge amount would saturate to i64::MAX pence.
        if v > MAX_GBP {
            return Err(serde::de::Error::custom(format!(
                "{} is outside the plausible range of amounts, 0 to {MAX_GBP} pounds",
                shown(v)
            )));
        }
        Ok(Gbp(Pence(pence as i64)))
    }
}

/// A percentage 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Percent(pub u8);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u8::deserialize(d)?;
        if v > 100 {
            return Err(serde::de::Error::custom(format!("{v}% is more than 100%")));
        }
        Ok(Percent(v))
    }
}

impl Percent {
    /// Applies the reduction to an amount, to the nearest penny (a half penny rounds up).
    pub fn reduce(self, amount: Pence) -> Pence {
        // In i128 the product cannot overflow, and the result is at most `amount`, so it fits.
        let kept = i128::from(100 - self.0);
        let reduced = (i128::from(amount.0) * kept + 50) / 100;
        Pence(i64::try_from(reduced).expect("a reduction is no larger than the amount"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_groups_parse() {
        assert_eq!(YearGroup::parse("R"), Some(YearGroup::RECEPTION));
        assert_eq!(YearGroup::parse("Year 7"), YearGroup::year(7));
        assert_eq!(YearGroup::parse("y11"), YearGroup::year(11));
        assert_eq!(YearGroup::parse("13"), YearGroup::year(13));
        assert_eq!(YearGroup::parse("N"), Some(YearGroup::PRE_SCHOOL));
        assert_eq!(YearGroup::parse("Y14"), None);
        assert_eq!(YearGroup::parse("Y15"), None);
        assert_eq!(YearGroup::parse(""), None);
        assert_eq!(YearGroup::parse("-3"), None);
    }

    #[derive(Debug, Deserialize)]
    struct Years {
        years: YearRange,
    }

    fn years(toml_text: &str) -> Result<YearRange, String> {
        toml::from_str::<Years>(toml_text)
            .map(|y| y.years)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn year_ranges_are_written_as_one_year_a_range_or_the_old_pair() {
        let y = |n| YearGroup::year(n).unwrap();
        let one = YearRange {
            first: y(11),
            last: y(11),
        };
        let r_to_4 = YearRange {
            first: YearGroup::RECEPTION,
            last: y(4),
        };
        assert_eq!(years(r#"years = "Y11""#), Ok(one));
        assert_eq!(years(r#"years = ["Y11", "Y11"]"#), Ok(one));
        assert_eq!(years(r#"years = "R-Y4""#), Ok(r_to_4));
        assert_eq!(years(r#"years = ["R", "Y4"]"#), Ok(r_to_4));
        let n = YearRange {
            first: YearGroup::PRE_SCHOOL,
            last: YearGroup::PRE_SCHOOL,
        };
        assert_eq!(years(r#"years = "N""#), Ok(n));
        assert_eq!(years(r#"years = "pre-school""#), Ok(n));
        assert_eq!(
            years(r#"years = "pre-school-R""#).unwrap().last,
            YearGroup::RECEPTION
        );
        let e = years(r#"years = "Y4-R""#).unwrap_err();
        assert!(e.contains("starts at Year 4 but ends earlier"), "{e}");
        let e = years(r#"years = "Y14""#).unwrap_err();
        assert!(e.contains("'Y14' is not a year group or a range"), "{e}");
        assert!(e.contains("line 1"), "{e}");
        let e = years(r#"years = ["R"]"#).unwrap_err();
        assert!(e.contains("length"), "{e}");
        // Shown as the two-item form, as before.
        assert_eq!(serde_json::to_string(&one).unwrap(), r#"["Y11","Y11"]"#);
    }

    #[test]
    fn comparisons_follow_the_words() {
        assert!(Comparison::AtLeast.holds(3.0, 3.0));
        assert!(!Comparison::MoreThan.holds(2.0, 2.0));
        assert!(!Comparison::LessThan.holds(6.0, 6.0));
        assert!(Comparison::AtMost.holds(15.0, 15.0));
        assert!(Comparison::AtLeast.holds_for_unbounded());
        assert!(!Comparison::LessThan.holds_for_unbounded());
    }

    #[test]
    fn reductions_are_exact() {
        assert_eq!(Percent(50).reduce(Pence(82500)), Pence(41250));
        assert_eq!(Percent(50).reduce(Pence(78001)), Pence(39001));
    }
}
