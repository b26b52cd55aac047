//! The Local Authority 16+ Assistance Scheme (Post-16 policy section 3): a 50% reduction in the
//! surplus seat contribution or the operator's pass when every criterion holds: Dorset resident,
//! under 19 on 31 August before the academic year (up to 25 with an EHCP), living over 3 miles
//! from the school or college, in full-time education, and low income (or, for the nearest
//! school or college only, a compelling medical circumstance). Not on public transport or rail.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::{Reason, ThresholdApplied};
use crate::policy::{ranges, Finding as Needed, Limit, Measure, Percent, YearRange};

use super::against_limit::walking_route_against;
use super::{toml_name, toml_names, Form, Head, Notes};
use super::{Finding, Verdict};

/// The Local Authority 16+ Assistance Scheme (Post-16 policy, section 3).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post16Assistance {
    #[serde(flatten)]
    pub head: Head,
    pub years: YearRange,
    pub reduction_percent: Percent,
    /// Operator models on which the reduction is not available (public transport, rail).
    pub not_on_operator_models: Vec<crate::area::OperatorModel>,
    /// The clause saying where the reduction is not available, and its words.
    pub not_on_clause: String,
    pub not_on_quote: String,
    pub resident: Criterion,
    pub age: AgeCriterion,
    #[serde(deserialize_with = "walking_required")]
    pub distance: Limit,
    pub distance_quote: String,
    pub full_time: FullTime,
    pub low_income: Criterion,
    pub medical_alternative: Criterion,
    /// Post-16 section 3: the EHCP must highlight transport as a necessity for the age extension.
    #[serde(default)]
    pub ehcp_necessity: Option<Needed>,
    /// Post-16 section 3: "supporting evidence from the appropriate Medical Officer will always be
    /// required" for the medical alternative.
    #[serde(default)]
    pub medical_evidence: Option<Needed>,
}

impl Form for Post16Assistance {
    fn summary(&self) -> String {
        format!(
            "{}: {}% reduction (not on {})",
            self.years,
            self.reduction_percent.0,
            toml_names(&self.not_on_operator_models)
        )
    }

    fn details(&self, out: &mut String) {
        let _ = writeln!(out, "  resident: {}", self.resident.quote);
        let _ = writeln!(
            out,
            "  age: under {} on {:02}-{:02} before the year, or up to {} with an EHCP",
            self.age.under, self.age.on_day, self.age.on_month, self.age.with_ehcp_up_to
        );
        let _ = writeln!(out, "  distance: {}", self.distance.describe());
        let _ = writeln!(
            out,
            "  full time: at least {} hours over at least {} days a week",
            self.full_time.min_hours, self.full_time.min_days
        );
        let _ = writeln!(
            out,
            "  low income, or medical circumstance at the nearest school or college"
        );
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx, notes)
    }
}

/// The residence criterion as a reason says it (section 3; section 2 borrows it).
pub(super) fn residence(resident: bool, quote: &str) -> String {
    let status = if resident {
        "resident in the council's area"
    } else {
        "not resident in the council's area"
    };
    format!("{status} ({quote})")
}

fn walking_required<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Limit, D::Error> {
    Limit::read(Measure::Walking, d)
}

/// A criterion with its quote.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub quote: String,
}

/// "Be under 19 on 31 August immediately preceding the start of the academic year or up to 25
/// if a Section139a/Education, Health and Care Plan highlights transport is a necessity".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeCriterion {
    pub quote: String,
    #[serde(deserialize_with = "ranges::age")]
    pub under: u8,
    /// The day before the academic year on which the age is taken, as month and day.
    #[serde(deserialize_with = "ranges::month")]
    pub on_month: u32,
    #[serde(deserialize_with = "ranges::day")]
    pub on_day: u32,
    /// Upper age (inclusive: "up to 25") with an EHCP saying transport is necessary.
    #[serde(deserialize_with = "ranges::age")]
    pub with_ehcp_up_to: u8,
}

/// "Be in full time education (16 hours or more over 3+ days per week)".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FullTime {
    pub quote: String,
    #[serde(deserialize_with = "ranges::hours_a_week")]
    pub min_hours: f64,
    #[serde(deserialize_with = "ranges::days_a_week")]
    pub min_days: u8,
}

impl FullTime {
    /// Whether the hours and days make full-time education, with the sentence and the figures
    /// compared (Post-16 section 3; section 2 borrows it).
    pub fn judge(&self, hours: f64, days: u8) -> (bool, String, String) {
        let (h_ok, d_ok) = (hours >= self.min_hours, days >= self.min_days);
        let sym = |ok: bool| if ok { ">=" } else { "<" };
        (
            h_ok && d_ok,
            format!("{hours} hours over {days} days a week ({})", self.quote),
            format!(
                "hours {hours} {} {}, days {days} {} {}",
                sym(h_ok),
                self.min_hours,
                sym(d_ok),
                self.min_days
            ),
        )
    }
}

/// The date on which age is taken: the given month/day immediately preceding the policy's
/// academic year start.
fn age_date(rule: &Post16Assistance, starts: NaiveDate) -> Option<NaiveDate> {
    last_before(starts, rule.age.on_month, rule.age.on_day)
}

/// The last date with this month and day before `starts` (31 August before the academic year;
/// 31 May before the course, Post-16 section 2.4).
pub(super) fn last_before(starts: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let same_year = NaiveDate::from_ymd_opt(starts.year(), month, day)?;
    if same_year < starts {
        Some(same_year)
    } else {
        NaiveDate::from_ymd_opt(starts.year() - 1, month, day)
    }
}

/// Whole years between birth and the date.
pub(super) fn age_on(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

/// Applies the scheme's criteria.
fn apply(rule: &Post16Assistance, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
    let case = ctx.case;
    if !rule.years.contains(case.year_group) {
        return Ok(Finding::not_applicable());
    }
    let clause = rule.head.cite.clause.clone();
    let mut reasons = Vec::new();
    let mut all = true;
    let mut say = |ok: bool, text: String, figures: Option<String>| {
        all &= ok;
        reasons.push(Reason {
            clause: clause.clone(),
            text: format!("{} {text}", if ok { "Met:" } else { "Not met:" }),
            figures,
        });
    };

    say(
        case.resident_in_area,
        residence(case.resident_in_area, &rule.resident.quote),
        None,
    );

    let dob = case
        .date_of_birth
        .ok_or_else(|| DecideError::MissingInput {
            field: "date_of_birth",
            clause: clause.clone(),
        })?;
    let on = age_date(rule, ctx.policy.meta.starts).ok_or_else(|| DecideError::MissingInput {
        field: "a valid age date in the policy",
        clause: clause.clone(),
    })?;
    let age = age_on(dob, on);
    let under = i32::from(rule.age.under);
    let ehcp_max = i32::from(rule.age.with_ehcp_up_to);
    // "up to 25 if a Section139a/Education, Health and Care Plan highlights transport is a
    // necessity": an officer may record that the plan does not (ehcp_transport_necessary = no).
    let ehcp_ok = case.ehcp && case.ehcp_transport_necessary != Some(false);
    if case.ehcp && age >= under && age <= ehcp_max {
        if let Some(n) = &rule.ehcp_necessity {
            match case.ehcp_transport_necessary {
                None => notes.warn(format!(
                    "{clause}: the age extension needs an EHCP that highlights transport as a \
                     necessity: {} (record ehcp_transport_necessary)",
                    n.evidence
                )),
                Some(v) => {
                    say(
                        v,
                        format!(
                        "the EHCP {} transport as a necessity (ehcp_transport_necessary): \"{}\"",
                        if v { "highlights" } else { "does not highlight" },
                        n.quote
                    ),
                        None,
                    )
                }
            }
        }
    }
    let age_ok = age < under || (ehcp_ok && age <= ehcp_max);
    say(
        age_ok,
        format!(
            "aged {age} on {on}{}",
            if age < under {
                format!(", under {under}")
            } else if ehcp_ok && age <= ehcp_max {
                format!(", {under} or over but up to {ehcp_max} with an EHCP")
            } else {
                format!(", not under {under}")
            }
        ),
        Some(format!(
            "age {age} {} {under}",
            if age < under { "<" } else { ">=" }
        )),
    );

    let d = &rule.distance;
    let walk = walking_route_against(ctx, d.comparison, d.metres.0)?;
    say(
        walk.met,
        format!("{} ({})", d.describe(), rule.distance_quote),
        Some(walk.figures("walking route", d.miles)),
    );

    let (hours, days) = match (case.hours_per_week, case.days_per_week) {
        (Some(h), Some(d)) => (h, d),
        (None, _) => {
            return Err(DecideError::MissingInput {
                field: "hours_per_week",
                clause,
            })
        }
        (_, None) => {
            return Err(DecideError::MissingInput {
                field: "days_per_week",
                clause,
            })
        }
    };
    let (ft_ok, text, figures) = rule.full_time.judge(hours, days);
    say(ft_ok, text, Some(figures));

    let low = ctx.low_income();
    let nearest = ctx.sets.is_nearest(case.school);
    // "supporting evidence from the appropriate Medical Officer will always be required": an
    // officer may record that it is not given (medical_officer_evidence = no).
    let medical = case.medical_condition && nearest && case.medical_officer_evidence != Some(false);
    say(
        low.is_some() || medical,
        match (&low, medical) {
            (Some(r), _) => format!("{} ({})", r.text, rule.low_income.quote),
            (None, true) => format!(
                "compelling medical circumstance at the nearest school or college ({})",
                rule.medical_alternative.quote
            ),
            (None, false) => format!(
                "no qualifying benefit{} ({})",
                if case.medical_condition && nearest {
                    "; the Medical Officer's evidence for the medical alternative is recorded as \
                     not given"
                } else if case.medical_condition {
                    "; the medical alternative applies to the nearest school or college only"
                } else {
                    ""
                },
                rule.low_income.quote
            ),
        },
        None,
    );
    if low.is_none() && medical {
        notes.warn(format!(
            "{clause}: supporting evidence from the appropriate Medical Officer is required"
        ));
    }

    let model_ok = !rule
        .not_on_operator_models
        .contains(&ctx.school.operator_model);
    if !model_ok {
        say(
            false,
            format!(
                "the reduction is not available on {} routes: \"{}\" ({})",
                toml_name(&ctx.school.operator_model).replace('_', " "),
                rule.not_on_quote,
                rule.not_on_clause
            ),
            None,
        );
    }

    let threshold = Some(ThresholdApplied {
        clause: clause.clone(),
        limits: vec![d.describe()],
        shortfall_m: None,
    });
    let verdict = if all {
        // Section 3: the scheme is a reduction of the seat's price, not free transport.
        let full = super::surplus_seat::seat_price(ctx, notes);
        notes.terms.charge = Some(super::surplus_seat::reduced(
            full,
            rule.reduction_percent,
            &rule.head.cite.clause,
        ));
        Verdict::Eligible {
            basis: rule.head.basis.clone(),
            clause,
            threshold,
        }
    } else {
        Verdict::NotMet {
            basis: rule.head.basis.clone(),
            clause,
            threshold,
            school_qualifies: true,
        }
    };
    Ok(Finding { verdict, reasons })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_is_whole_years() {
        let on = NaiveDate::from_ymd_opt(2022, 8, 31).unwrap();
        assert_eq!(
            age_on(NaiveDate::from_ymd_opt(2003, 8, 31).unwrap(), on),
            19
        );
        assert_eq!(age_on(NaiveDate::from_ymd_opt(2003, 9, 1).unwrap(), on), 18);
        assert_eq!(
            age_on(NaiveDate::from_ymd_opt(2004, 2, 29).unwrap(), on),
            18
        );
    }
}
