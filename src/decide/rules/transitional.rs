//! Transitional protection (clause 4.1): children displaced by a school reorganisation keep or
//! gain transport eligibility for three years after the date of implementation, at a minimum
//! distance the Director of Children's Services sets case by case (recorded on the case); children
//! who attend the previous catchment school after a catchment change, and receive transport
//! support, keep it for up to six years. The period is counted in whole years and ends the day
//! before the anniversary; support is due for the academic year if the period has not ended by
//! the day it starts.

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::{Reason, SupportEnds, ThresholdApplied};
use crate::policy::{Comparison, SchoolSet};
use crate::units::Metres;

use super::against_limit::walking_route_against;
use super::recorded::{finding, not_met, period_end};
use super::{toml_name, Form, Head, Notes};
use super::{Finding, Verdict};

/// What starts a transitional period (clause 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionalStart {
    /// `reorganised_on`: the date a school reorganisation was implemented.
    Reorganisation,
    /// `catchment_changed_on`: the date a catchment area change was implemented.
    CatchmentChange,
}

/// The minimum distance set case by case (clause 4.1): recorded on the case in miles.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedMinimum {
    pub quote: String,
    pub comparison: Comparison,
    pub evidence: String,
}

/// Transport continued or introduced for a period after a reorganisation or catchment change
/// (clause 4.1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transitional {
    #[serde(flatten)]
    pub head: Head,
    pub starts: TransitionalStart,
    /// Length of the period in whole years after the date of implementation.
    #[serde(deserialize_with = "crate::policy::ranges::years")]
    pub years: u8,
    /// The child must already receive transport support to the school.
    #[serde(default)]
    pub requires_receiving_transport: bool,
    /// A school in this set from the home is decided on the usual rules instead.
    pub unless_school_in: Option<SchoolSet>,
    pub minimum_distance: Option<RecordedMinimum>,
}

impl Form for Transitional {
    fn summary(&self) -> String {
        format!(
            "{} years after the {}{}",
            self.years,
            toml_name(&self.starts),
            self.minimum_distance
                .as_ref()
                .map(|m| format!(
                    "; walking route {} the recorded minimum distance",
                    m.comparison.symbol()
                ))
                .unwrap_or_default()
        )
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx, notes)
    }
}

/// Applies clause 4.1.
fn apply(rule: &Transitional, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
    let case = ctx.case;
    let (from, field) = match rule.starts {
        TransitionalStart::Reorganisation => (case.reorganised_on, "reorganised_on"),
        TransitionalStart::CatchmentChange => (case.catchment_changed_on, "catchment_changed_on"),
    };
    let Some(from) = from else {
        return Ok(Finding::not_applicable());
    };
    if let Some(set) = rule.unless_school_in {
        if super::distance_rule::school_accepted(set, None, ctx).0 {
            return Ok(Finding::not_applicable());
        }
    }
    let clause = rule.head.cite.clause.as_str();
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!(
            "Implemented on {from} ({field}): \"{}\"",
            rule.head.cite.quote
        ),
        figures: None,
    }];
    if rule.requires_receiving_transport && !case.receives_transport {
        reasons.push(Reason {
            clause: clause.to_string(),
            text: "The child does not already receive transport support to the school \
                   (receives_transport), which this protection continues."
                .into(),
            figures: None,
        });
        return Ok(finding(
            not_met(rule.head.basis.clone(), clause, None),
            reasons,
        ));
    }
    let ends = period_end(from, rule.years).ok_or_else(|| DecideError::MissingInput {
        field: "a date of implementation within the calendar",
        clause: clause.to_string(),
    })?;
    let starts = ctx.policy.meta.starts;
    let over = ends < starts;
    reasons.push(Reason {
        clause: clause.to_string(),
        text: format!(
            "The period of {} years after {from} ends on {ends}; the academic year starts on \
             {starts}, so the period {}.",
            rule.years,
            if over {
                "has ended"
            } else {
                "covers the start of the year"
            }
        ),
        figures: Some(format!(
            "period ends {ends} {} year starts {starts}",
            if over { "<" } else { ">=" }
        )),
    });
    if over {
        return Ok(finding(
            not_met(rule.head.basis.clone(), clause, None),
            reasons,
        ));
    }
    let mut threshold = None;
    if let Some(min) = &rule.minimum_distance {
        let Some(miles) = case.reorganisation_min_miles else {
            reasons.push(Reason {
                clause: clause.to_string(),
                text: format!(
                    "The minimum distance is not recorded (reorganisation_min_miles): \"{}\". \
                     Needed: {}.",
                    min.quote, min.evidence
                ),
                figures: None,
            });
            let v = Verdict::Hold {
                basis: rule.head.basis.clone(),
                clause: clause.to_string(),
            };
            return Ok(finding(v, reasons));
        };
        let limit_m = Metres::from_miles(miles).0;
        let walk = walking_route_against(ctx, min.comparison, limit_m)?;
        let (met, value) = (walk.met, walk.value_mi());
        let describe = format!("walking route {} {miles} mi", min.comparison.symbol());
        reasons.push(Reason {
            clause: clause.to_string(),
            text: format!(
                "Shortest available walking route to {}: {value} mi against the minimum distance \
                 set for this reorganisation, {} {miles} mi, which is {}.",
                ctx.school.name,
                min.comparison.symbol(),
                if met { "met" } else { "not met" }
            ),
            figures: Some(walk.figures("walking route", miles)),
        });
        let t = ThresholdApplied {
            clause: clause.to_string(),
            limits: vec![describe],
            shortfall_m: None,
        };
        if !met {
            return Ok(finding(
                not_met(rule.head.basis.clone(), clause, Some(t)),
                reasons,
            ));
        }
        threshold = Some(t);
    }
    notes.terms.ends = Some(SupportEnds {
        date: ends,
        clause: clause.to_string(),
        note: format!("{} years after implementation on {from}", rule.years),
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
