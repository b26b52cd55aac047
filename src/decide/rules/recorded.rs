//! Shared pieces of the circumstance rule forms (clauses 1.1.8-1.1.16, 4.1-4.3; Post-16
//! sections 2 and 5): findings an officer records, the age/distance criteria borrowed from a
//! distance rule, and the verdicts those forms give.

use chrono::NaiveDate;

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::{Reason, ThresholdApplied};
use crate::policy::{Basis, Finding as Needed, Limit};

use super::Notes;
use super::Rule;
use super::{Finding, Verdict};

/// A reason for a recorded finding: met, not met, or not yet recorded (with the evidence).
pub fn finding_reason(clause: &str, needed: &Needed, value: Option<bool>) -> Reason {
    let field = serde_plain(needed.field);
    Reason {
        clause: clause.to_string(),
        text: match value {
            Some(true) => format!(
                "Recorded by an officer ({field} = yes): \"{}\".",
                needed.quote
            ),
            Some(false) => format!(
                "Recorded by an officer as not so ({field} = no): \"{}\".",
                needed.quote
            ),
            None => format!(
                "Not yet recorded ({field}): \"{}\". An officer must see {} and record the \
                 finding.",
                needed.quote, needed.evidence
            ),
        },
        figures: None,
    }
}

/// The case field name of a recorded finding, as written in files.
fn serde_plain(r: crate::policy::Recorded) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The outcome of borrowing a distance rule's age/distance criteria.
pub struct AgeDistance {
    pub met: bool,
    pub reasons: Vec<Reason>,
    pub threshold: ThresholdApplied,
}

/// "Subject to the age/distance criteria": the limits of the named distance rule's band for the
/// child's year, to the school applied for, without the band's school set. `None` when no band
/// covers the year.
pub fn age_distance(
    rule_id: &str,
    ctx: &Ctx,
    notes: &mut Notes,
) -> Result<Option<AgeDistance>, DecideError> {
    age_distance_to(rule_id, ctx, ctx.school.urn, notes)
}

/// [`age_distance`] to another school (clause 1.1.7: is a closer school in a neighbouring
/// authority "under the qualifying distance"?).
pub fn age_distance_to(
    rule_id: &str,
    ctx: &Ctx,
    urn: crate::area::Urn,
    notes: &mut Notes,
) -> Result<Option<AgeDistance>, DecideError> {
    let Some(Rule::DistanceRule(rule)) = ctx.policy.rules.iter().find(|r| r.id() == rule_id) else {
        return Ok(None);
    };
    let Some(band) = rule
        .bands
        .iter()
        .find(|b| b.years.contains(ctx.case.year_group))
    else {
        return Ok(None);
    };
    let mut met = true;
    let mut shortfall_m = 0.0;
    let mut reasons = Vec::new();
    for limit in &band.limits {
        let (holds, short_m, mut rs) =
            super::distance_rule::check_limit(limit, &band.cite.clause, urn, ctx, notes)?;
        met &= holds;
        shortfall_m += short_m;
        reasons.append(&mut rs);
    }
    Ok(Some(AgeDistance {
        met,
        reasons,
        threshold: ThresholdApplied {
            clause: band.cite.clause.clone(),
            limits: band.limits.iter().map(Limit::describe).collect(),
            shortfall_m: Some(shortfall_m),
        },
    }))
}

/// The finding of the borrowed age/distance criteria: eligible under `basis` and `clause` when
/// met, else not met at the band's limits; `reasons` followed by the measurements'.
pub fn age_distance_finding(
    basis: Basis,
    clause: &str,
    ad: AgeDistance,
    mut reasons: Vec<Reason>,
) -> Finding {
    reasons.extend(ad.reasons);
    let verdict = if ad.met {
        Verdict::Eligible {
            basis,
            clause: clause.to_string(),
            threshold: Some(ad.threshold),
        }
    } else {
        not_met_at(basis, ad.threshold)
    };
    finding(verdict, reasons)
}

/// Eligible, not met, barred or held, with reasons.
pub fn finding(verdict: Verdict, reasons: Vec<Reason>) -> Finding {
    Finding { verdict, reasons }
}

/// A verdict for a recorded finding that is not yet made (refer, blocking later rules) or is
/// recorded as not so (not eligible under this clause, whatever later rules say).
pub fn unmet_finding(value: Option<bool>, basis: Basis, clause: &str) -> Option<Verdict> {
    match value {
        Some(true) => None,
        Some(false) => Some(Verdict::Bar {
            basis,
            clause: clause.to_string(),
        }),
        None => Some(Verdict::Hold {
            basis,
            clause: clause.to_string(),
        }),
    }
}

/// Not met under this clause; later rules may still decide.
pub fn not_met(basis: Basis, clause: &str, threshold: Option<ThresholdApplied>) -> Verdict {
    Verdict::NotMet {
        basis,
        clause: clause.to_string(),
        threshold,
        school_qualifies: true,
    }
}

/// Not met on the borrowed age/distance criteria, citing the band's clause.
pub fn not_met_at(basis: Basis, threshold: ThresholdApplied) -> Verdict {
    let clause = threshold.clause.clone();
    not_met(basis, &clause, Some(threshold))
}

/// The last day of a period of whole years from a date: "a period of three years after the date
/// of implementation" ends the day before the third anniversary.
pub fn period_end(from: NaiveDate, years: u8) -> Option<NaiveDate> {
    from.checked_add_months(chrono::Months::new(12 * u32::from(years)))?
        .pred_opt()
}

/// The last day of the academic year the policy governs (the day before the next one starts).
pub fn academic_year_end(starts: NaiveDate) -> Option<NaiveDate> {
    period_end(starts, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_end_the_day_before_the_anniversary() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(period_end(d(2019, 9, 1), 3), Some(d(2022, 8, 31)));
        assert_eq!(period_end(d(2016, 9, 2), 6), Some(d(2022, 9, 1)));
        assert_eq!(academic_year_end(d(2022, 9, 1)), Some(d(2023, 8, 31)));
    }
}
