//! Temporary housing (clause 1.1.9): a family temporarily re-housed may have transport support
//! to the child's existing school for at most two school terms, depending on the reasons for the
//! loss of the home, the basis on which the place was secured and the age/distance criteria from
//! the temporary address. Not for families whose main residence is in another authority's area.
//!
//! The policy gives the number of terms, not their dates, which differ from school to school: the
//! officer records the last days of the existing school's terms (`school_term_ends`) and the form
//! counts terms from the date of re-housing to give the date support ends.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::{Reason, SupportEnds};
use crate::policy::{Cite, Finding as Needed};

use super::recorded::{age_distance, finding, finding_reason, not_met_at, unmet_finding};
use super::{finding_names, Form, Head, Notes};
use super::{Finding, Verdict};

/// Temporary housing (clause 1.1.9): support to the existing school for at most N school terms.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryHousing {
    #[serde(flatten)]
    pub head: Head,
    #[serde(deserialize_with = "crate::policy::ranges::terms")]
    pub max_terms: u8,
    /// Whether the term in which the family was re-housed counts as the first of the terms.
    pub count_term_of_rehousing: bool,
    /// The distance rule whose year bands are "the age/distance criteria".
    pub age_distance: String,
    /// Families whose main residence is in another authority's area are not supported.
    pub outside_area: Cite,
    pub reason: Needed,
    pub original_place: Needed,
    /// When support ends besides the term limit (return home, permanent re-housing, cost).
    pub ends_quote: String,
}

impl Form for TemporaryHousing {
    fn borrows(&self) -> Option<(&str, &'static str)> {
        Some((&self.age_distance, "distance_rule"))
    }

    fn summary(&self) -> String {
        format!(
            "at most {} school term(s) (term of re-housing counted: {}); records {}; \
         age/distance of {}",
            self.max_terms,
            self.count_term_of_rehousing,
            finding_names(&[&self.reason, &self.original_place]),
            self.age_distance
        )
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx, notes)
    }
}

/// The last day of the Nth school term counted from the re-housing date, from the school's term
/// end dates (sorted); `None` when too few are given.
pub fn term_limit(
    rehoused: NaiveDate,
    term_ends: &[NaiveDate],
    terms: u8,
    count_current: bool,
) -> Option<NaiveDate> {
    let mut upcoming = term_ends.iter().filter(|e| **e >= rehoused);
    let skip = if count_current { 0 } else { 1 };
    upcoming.nth(usize::from(terms) + skip - 1).copied()
}

/// Applies clause 1.1.9.
fn apply(rule: &TemporaryHousing, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
    let case = ctx.case;
    let Some(rehoused) = case.temporarily_rehoused_on else {
        return Ok(Finding::not_applicable());
    };
    let clause = rule.head.cite.clause.as_str();
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!(
            "The family was temporarily re-housed on {rehoused}: \"{}\"",
            rule.head.cite.quote
        ),
        figures: None,
    }];
    if !case.resident_in_area {
        reasons.push(Reason {
            clause: clause.to_string(),
            text: format!(
                "The family's main residence is outside the council's area: \"{}\"",
                rule.outside_area.quote
            ),
            figures: None,
        });
        let verdict = Verdict::Bar {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
        };
        return Ok(finding(verdict, reasons));
    }
    for (needed, value) in [
        (&rule.reason, case.rehousing_reason_accepted),
        (&rule.original_place, case.place_secured_in_area),
    ] {
        reasons.push(finding_reason(clause, needed, value));
        if let Some(v) = unmet_finding(value, rule.head.basis.clone(), clause) {
            return Ok(finding(v, reasons));
        }
    }
    let terms = rule.max_terms;
    let Some(ends) = term_limit(
        rehoused,
        &case.school_term_ends,
        terms,
        rule.count_term_of_rehousing,
    ) else {
        reasons.push(Reason {
            clause: clause.to_string(),
            text: format!(
                "The date support ends cannot be worked out: the last days of the school's terms \
                 from {rehoused} are needed ({terms} term(s){}; given: {}). Record them in \
                 school_term_ends from the school's calendar.",
                if rule.count_term_of_rehousing {
                    ", counting the term of re-housing as the first"
                } else {
                    ", counting from the first term after re-housing"
                },
                if case.school_term_ends.is_empty() {
                    "none".to_string()
                } else {
                    dates(&case.school_term_ends)
                }
            ),
            figures: None,
        });
        let verdict = Verdict::Hold {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
        };
        return Ok(finding(verdict, reasons));
    };
    let year_starts = ctx.policy.meta.starts;
    let period = format!(
        "{terms} school term(s) from {rehoused}{} end(s) on {ends}",
        if rule.count_term_of_rehousing {
            ", counting the term of re-housing"
        } else {
            ""
        }
    );
    if ends < year_starts {
        reasons.push(Reason {
            clause: clause.to_string(),
            text: format!(
                "The period of support has ended: {period}, before the academic year starts on \
                 {year_starts}."
            ),
            figures: Some(format!("support ends {ends} < year starts {year_starts}")),
        });
        let verdict = Verdict::Bar {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
        };
        return Ok(finding(verdict, reasons));
    }
    let Some(ad) = age_distance(&rule.age_distance, ctx, notes)? else {
        return Ok(Finding::not_applicable());
    };
    reasons.extend(ad.reasons);
    if !ad.met {
        return Ok(finding(
            not_met_at(rule.head.basis.clone(), ad.threshold),
            reasons,
        ));
    }
    reasons.push(Reason {
        clause: clause.to_string(),
        text: format!(
            "Transport support from the temporary address to {}: {period}, or earlier: \"{}\"",
            ctx.school.name, rule.ends_quote
        ),
        figures: Some(format!("support ends {ends}")),
    });
    notes.terms.ends = Some(SupportEnds {
        date: ends,
        clause: clause.to_string(),
        note: format!(
            "the end of {terms} school term(s) from re-housing on {rehoused}, or a return to the \
             original property or permanent re-housing if sooner"
        ),
    });
    Ok(finding(
        Verdict::Eligible {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
            threshold: Some(ad.threshold),
        },
        reasons,
    ))
}

fn dates(ds: &[NaiveDate]) -> String {
    ds.iter()
        .map(NaiveDate::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_counted_from_rehousing() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let ends = [d(2022, 12, 20), d(2023, 3, 31), d(2023, 7, 21)];
        assert_eq!(
            term_limit(d(2022, 10, 3), &ends, 2, true),
            Some(d(2023, 3, 31))
        );
        assert_eq!(
            term_limit(d(2022, 12, 20), &ends, 2, true),
            Some(d(2023, 3, 31))
        );
        assert_eq!(
            term_limit(d(2022, 12, 21), &ends, 2, true),
            Some(d(2023, 7, 21))
        );
        assert_eq!(
            term_limit(d(2022, 10, 3), &ends, 2, false),
            Some(d(2023, 7, 21))
        );
        assert_eq!(term_limit(d(2023, 1, 3), &ends, 3, true), None);
    }
}
