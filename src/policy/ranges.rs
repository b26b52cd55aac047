//! The plausible range of every number in a policy file, checked while the TOML is read so that a
//! value outside it is refused with the file, line and column (or, in an overlay, the overlay's
//! line and column). A charge of 1e300 pounds or a journey of a million minutes is a typing
//! mistake, never a policy: loaded, it would overflow sums of money or decide every case
//! silently wrong. The ranges are generous (they bound mistakes, not policies) and are listed in
//! docs/formats.md ("Ranges of policy values"); money and distances are bounded where they are
//! read ([`super::Gbp`], [`super::Limit`]), percentages by [`super::Percent`].

use std::fmt::Display;

use serde::Deserialize;

/// Most pounds any amount in a policy may be (a charge, contribution or daily cost).
pub const MAX_GBP: f64 = 100_000.0;

/// Most miles any distance limit may be.
pub const MAX_MILES: f64 = 100.0;

/// Most hours a week of education a full-time test may ask for (the hours in a week).
pub const MAX_HOURS_A_WEEK: f64 = 168.0;

/// A number for a message: as written when it is of a plausible size, in exponent form when it
/// is huge (1e300 has 301 digits).
pub fn shown(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e9 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Reads a whole number and refuses it outside `min..=max` (`what` names the unit in the
/// message).
fn within<'de, D, T>(d: D, min: T, max: T, what: &str) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + PartialOrd + Display + Copy,
{
    let v = T::deserialize(d)?;
    if v < min || v > max {
        return Err(serde::de::Error::custom(format!(
            "{v} is outside the plausible range of {what}, {min} to {max}"
        )));
    }
    Ok(v)
}

/// Declares a `deserialize_with` reader for a whole number with its range.
macro_rules! ranged {
    ($(#[$doc:meta])* $name:ident: $t:ty = $min:literal ..= $max:literal, $what:literal) => {
        $(#[$doc])*
        pub(crate) fn $name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
            within(d, $min, $max, $what)
        }
    };
}

ranged!(
    /// Days in a time limit (appeal stages, reviews, liability): at most a year.
    days: u32 = 0..=366, "days"
);
ranged!(
    /// Minutes of a journey each way (clause 2.2): up to five hours.
    minutes: u32 = 1..=300, "minutes"
);
ranged!(
    /// Ages in years (post-16, post-19).
    age: u8 = 0..=30, "ages in years"
);
ranged!(
    /// A month of the year.
    month: u32 = 1..=12, "months"
);
ranged!(
    /// A day of a month.
    day: u32 = 1..=31, "days of a month"
);
ranged!(
    /// Days a week (full-time education).
    days_a_week: u8 = 0..=7, "days a week"
);
ranged!(
    /// Pieces of evidence asked for (clause 1.1.15).
    evidence: u8 = 0..=10, "pieces of evidence"
);
ranged!(
    /// Whole years before the academic year (the network date, clause 1.5.3).
    years_before: u8 = 0..=5, "years"
);
ranged!(
    /// Whole years a transitional arrangement lasts (clause 4.1).
    years: u8 = 1..=10, "years"
);
ranged!(
    /// School terms of support (clause 1.1.9).
    terms: u8 = 1..=12, "school terms"
);
ranged!(
    /// A surplus seat priority rank (clause 1.3.3).
    rank: u8 = 1..=20, "priority ranks"
);
ranged!(
    /// Pence paid per mile (clause 2.1): up to GBP 10 a mile.
    pence_per_mile: u32 = 0..=1000, "pence a mile"
);
ranged!(
    /// Times a return journey covers the driven route (clause 2.1).
    legs: u32 = 1..=4, "legs of a return journey"
);
ranged!(
    /// Appeals allowed for one journey in a year (clause 5.2).
    appeals: u32 = 0..=12, "appeals a year"
);

ranged!(
    /// Metres between two roads' distances from a home that leave its access point ambiguous
    /// (clause 1.1.1): up to 100 m.
    ambiguity_metres: u32 = 0..=100, "metres"
);

/// How many nearest schools count under clause 1.1.4 ("one of the three nearest").
pub const NEAREST_COUNT: std::ops::RangeInclusive<usize> = 1..=20;

/// Hours a week (a full-time test): finite, 0 to [`MAX_HOURS_A_WEEK`].
pub(crate) fn hours_a_week<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if !(v.is_finite() && (0.0..=MAX_HOURS_A_WEEK).contains(&v)) {
        return Err(serde::de::Error::custom(format!(
            "{} is outside the plausible range of hours a week, 0 to {MAX_HOURS_A_WEEK}",
            shown(v)
        )));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T>(f: fn(toml::Value) -> Result<T, toml::de::Error>, v: toml::Value) -> String {
        match f(v) {
            Ok(_) => "ok".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn whole_numbers_are_bounded_at_both_ends() {
        assert_eq!(read(days, toml::Value::Integer(366)), "ok");
        assert_eq!(read(days, toml::Value::Integer(0)), "ok");
        let e = read(days, toml::Value::Integer(367));
        assert!(
            e.contains("367 is outside the plausible range of days, 0 to 366"),
            "{e}"
        );
        let e = read(minutes, toml::Value::Integer(0));
        assert!(e.contains("0 is outside"), "{e}");
        let e = read(month, toml::Value::Integer(13));
        assert!(e.contains("months, 1 to 12"), "{e}");
        // Beyond the type itself: the type's own refusal.
        let e = read(age, toml::Value::Integer(100_000));
        assert!(!e.is_empty() && e != "ok", "{e}");
    }

    #[test]
    fn huge_numbers_are_shown_short() {
        assert_eq!(shown(1e300), "1e300");
        assert_eq!(shown(825.5), "825.5");
    }

    #[test]
    fn hours_must_be_finite_and_within_a_week() {
        assert_eq!(read(hours_a_week, toml::Value::Float(16.0)), "ok");
        for bad in [f64::NAN, f64::INFINITY, -1.0, 169.0] {
            let e = read(hours_a_week, toml::Value::Float(bad));
            assert!(e.contains("hours a week"), "{bad}: {e}");
        }
    }
}
