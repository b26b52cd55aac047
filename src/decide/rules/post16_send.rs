//! Travel assistance for students aged 16-18 with SEND or compelling medical circumstances
//! (Post-16 policy section 2). A student who meets the section 3 criteria of residence, age,
//! distance and full-time study may have additional support when a professional assessment shows
//! they could not use public transport, or reach their place of learning, because of their SEN or
//! disability. Every young person contributes (GBP 825 in 2022-23), halved for low income; in
//! exceptional circumstances the "over 3 miles" criterion may be dis-applied and the contribution
//! is then halved. Applications are due by 31 May before the course, and are made again for each
//! year of study. The assessment and the exceptional dis-application are an officer's findings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::{Charge, Reason, SupportEnds, ThresholdApplied};
use crate::policy::{Cite, Finding as Needed, Gbp, Percent, YearRange};

use super::against_limit::walking_route_against;
use super::post16_assistance::{age_on, last_before, residence};
use super::recorded::{academic_year_end, finding, finding_reason, not_met};
use super::Rule;
use super::{finding_names, Form, Head, Notes};
use super::{Finding, Verdict};

/// The application deadline: a day and month before the course starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub quote: String,
    #[serde(deserialize_with = "crate::policy::ranges::month")]
    pub month: u32,
    #[serde(deserialize_with = "crate::policy::ranges::day")]
    pub day: u32,
}

/// Post-16 travel assistance for students aged 16-18 with SEND or compelling medical
/// circumstances (Appendix B section 2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post16Send {
    #[serde(flatten)]
    pub head: Head,
    pub years: YearRange,
    /// The section 3 rule whose residence, age, distance and full-time criteria apply.
    pub criteria_of: String,
    pub assessment: Needed,
    /// The contribution of section 2.5: an amount, or `"surplus_seat_charge"` where the policy
    /// sets it at the surplus seat price, so that one figure is stated once and a policy year
    /// cannot change one and not the other.
    pub contribution_gbp: Contribution,
    pub contribution: Cite,
    pub reduction_percent: Percent,
    pub low_income_quote: String,
    pub disapplied: Needed,
    pub deadline: Deadline,
    pub reapply: Cite,
}

/// The Post-16 2.5 contribution as the policy states it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Contribution {
    /// An amount of its own.
    Amount(Gbp),
    /// The surplus seat charge (`[surplus_seat] charge_gbp`, clause 1.3.2).
    #[serde(serialize_with = "surplus_seat_charge")]
    SurplusSeatCharge,
}

fn surplus_seat_charge<S: serde::Serializer>(s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("surplus_seat_charge")
}

impl<'de> Deserialize<'de> for Contribution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read as a TOML value first so that the word and an amount are told apart with a
        // message naming both.
        let v = toml::Value::deserialize(d)?;
        if v.as_str() == Some("surplus_seat_charge") {
            return Ok(Contribution::SurplusSeatCharge);
        }
        Gbp::deserialize(v).map(Contribution::Amount).map_err(|e| {
            serde::de::Error::custom(format!(
                "{} (or \"surplus_seat_charge\")",
                e.message().trim_end()
            ))
        })
    }
}

impl Contribution {
    /// The amount, in pence.
    pub fn pence(self, policy: &crate::decide::Policy) -> crate::units::Pence {
        match self {
            Contribution::Amount(g) => g.0,
            Contribution::SurplusSeatCharge => policy.surplus_seat.charge_gbp.0,
        }
    }

    /// How `policy show` names it.
    fn describe(self) -> String {
        match self {
            Contribution::Amount(g) => g.0.display_gbp(),
            Contribution::SurplusSeatCharge => "the surplus seat charge".into(),
        }
    }
}

impl Form for Post16Send {
    fn borrows(&self) -> Option<(&str, &'static str)> {
        Some((&self.criteria_of, "post16_assistance"))
    }

    fn derived_figures(&self, policy: &crate::decide::Policy) -> Vec<(String, String, String)> {
        match self.contribution_gbp {
            Contribution::SurplusSeatCharge => vec![(
                format!("post16_send[{}] contribution", self.head.id),
                self.contribution.clause.clone(),
                self.contribution_gbp.pence(policy).display_gbp(),
            )],
            Contribution::Amount(_) => Vec::new(),
        }
    }

    fn summary(&self) -> String {
        format!(
            "{}: criteria of {}; records {}; contribution {} ({}% off for low \
         income or a dis-applied distance); apply by {:02}-{:02}",
            self.years,
            self.criteria_of,
            finding_names(&[&self.assessment, &self.disapplied]),
            self.contribution_gbp.describe(),
            self.reduction_percent.0,
            self.deadline.day,
            self.deadline.month
        )
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx, notes)
    }
}

/// Applies section 2.
fn apply(rule: &Post16Send, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
    let case = ctx.case;
    if !rule.years.contains(case.year_group)
        || !(case.mobility_need || case.professional_assessment.is_some())
    {
        return Ok(Finding::not_applicable());
    }
    let Some(Rule::Post16Assistance(s3)) =
        ctx.policy.rules.iter().find(|r| r.id() == rule.criteria_of)
    else {
        return Ok(Finding::not_applicable());
    };
    let clause = rule.head.cite.clause.as_str();
    let missing = |field: &'static str| DecideError::MissingInput {
        field,
        clause: clause.to_string(),
    };
    let dob = case.date_of_birth.ok_or_else(|| missing("date_of_birth"))?;
    let on = last_before(ctx.policy.meta.starts, s3.age.on_month, s3.age.on_day)
        .ok_or_else(|| missing("a valid age date in the policy"))?;
    let age = age_on(dob, on);
    let under = i32::from(s3.age.under);
    if age >= under {
        // Aged 19 or over: section 5 (post-19) or the section 3 EHCP extension.
        return Ok(Finding::not_applicable());
    }
    let s3c = s3.head.cite.clause.as_str();
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!(
            "A special educational need, disability or medical need is stated; aged {age} on \
             {on}, under {under}: \"{}\"",
            rule.head.cite.quote
        ),
        figures: Some(format!("age {age} < {under}")),
    }];
    let mut all = true;
    let mut say =
        |reasons: &mut Vec<Reason>, ok: bool, c: &str, text: String, f: Option<String>| {
            all &= ok;
            reasons.push(Reason {
                clause: c.to_string(),
                text: format!("{} {text}", if ok { "Met:" } else { "Not met:" }),
                figures: f,
            });
        };
    say(
        &mut reasons,
        case.resident_in_area,
        s3c,
        residence(case.resident_in_area, &s3.resident.quote),
        None,
    );
    let hours = case
        .hours_per_week
        .ok_or_else(|| missing("hours_per_week"))?;
    let days = case.days_per_week.ok_or_else(|| missing("days_per_week"))?;
    let (ft_ok, text, figures) = s3.full_time.judge(hours, days);
    say(&mut reasons, ft_ok, s3c, text, Some(figures));
    // "Live over 3 miles", unless dis-applied in exceptional circumstances (2.5).
    let d = &s3.distance;
    let walk = walking_route_against(ctx, d.comparison, d.metres.0)?;
    let over = walk.met;
    let dist_figures = walk.figures("walking route", d.miles);
    let mut pending = false;
    let mut disapplied = false;
    if over {
        say(
            &mut reasons,
            true,
            s3c,
            format!("{} ({})", d.describe(), s3.distance_quote),
            Some(dist_figures),
        );
    } else {
        reasons.push(Reason {
            clause: s3c.to_string(),
            text: format!(
                "The distance criterion ({}) is not met: {}.",
                s3.distance_quote, dist_figures
            ),
            figures: Some(dist_figures),
        });
        let v = case.recorded(rule.disapplied.field);
        reasons.push(finding_reason(clause, &rule.disapplied, v));
        match v {
            Some(true) => disapplied = true,
            Some(false) => all = false,
            None => pending = true,
        }
    }
    let a = case.recorded(rule.assessment.field);
    reasons.push(finding_reason(clause, &rule.assessment, a));
    match a {
        Some(true) => {}
        Some(false) => all = false,
        None => pending = true,
    }
    // Applications by 31 May before the course.
    let course = case.course_starts.unwrap_or(ctx.policy.meta.starts);
    let deadline = last_before(course, rule.deadline.month, rule.deadline.day)
        .ok_or_else(|| missing("a valid application deadline in the policy"))?;
    let late = match case.applied_on {
        None => {
            notes.warn(format!(
                "{clause}: the date the application was received is not given (applied_on); it \
                 is due by {deadline} for a course starting {course}"
            ));
            false
        }
        Some(on) => {
            let late = on > deadline;
            reasons.push(Reason {
                clause: clause.to_string(),
                text: if late {
                    format!(
                        "The application, received {on}, is late: \"{}\" The deadline for a \
                         course starting {course} was {deadline}; applications are late from {}. \
                         The policy does not say from when a late application is met: an officer \
                         decides.",
                        rule.deadline.quote,
                        deadline.succ_opt().unwrap_or(deadline)
                    )
                } else {
                    format!(
                        "The application, received {on}, is on time (due by {deadline} for a \
                         course starting {course})."
                    )
                },
                figures: Some(format!(
                    "received {on} {} deadline {deadline}",
                    if late { ">" } else { "<=" }
                )),
            });
            late
        }
    };
    let threshold = Some(ThresholdApplied {
        clause: s3c.to_string(),
        limits: vec![d.describe()],
        shortfall_m: None,
    });
    if !all {
        return Ok(finding(
            not_met(rule.head.basis.clone(), clause, threshold),
            reasons,
        ));
    }
    if pending || late {
        let v = Verdict::Refer {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
        };
        return Ok(finding(v, reasons));
    }
    // The contribution, halved for low income or where the distance criterion was dis-applied.
    let full = rule.contribution_gbp.pence(ctx.policy);
    let low = ctx.low_income();
    let why_half = match (&low, disapplied) {
        (Some(r), _) => Some(format!("{} ({})", r.text, rule.low_income_quote)),
        (None, true) => Some(format!(
            "the distance criterion was dis-applied ({})",
            rule.disapplied.quote
        )),
        (None, false) => None,
    };
    let charge = match &why_half {
        Some(why) => {
            let r = rule.reduction_percent.reduce(full);
            Charge {
                pence: Some(r.0),
                clause: rule.contribution.clause.clone(),
                note: format!(
                    "contribution {} reduced by {}%: {}; {why}",
                    full.display_gbp(),
                    rule.reduction_percent.0,
                    r.display_gbp()
                ),
            }
        }
        None => Charge {
            pence: Some(full.0),
            clause: rule.contribution.clause.clone(),
            note: format!(
                "contribution {} ({})",
                full.display_gbp(),
                rule.contribution.quote
            ),
        },
    };
    notes.terms.charge = Some(charge);
    let ends: NaiveDate =
        academic_year_end(course).ok_or_else(|| missing("a course start within the calendar"))?;
    notes.terms.ends = Some(SupportEnds {
        date: ends,
        clause: rule.reapply.clause.clone(),
        note: format!("the end of this year of study: {}", rule.reapply.quote),
    });
    Ok(finding(
        Verdict::Eligible {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
            threshold,
        },
        reasons,
    ))
}
