//! Placements by the council or a panel: Children in Care placed on the recommendation of the
//! Child in Care Education Manager (clause 4.2), places allocated by the In Year Fair Access
//! panel (clause 4.3), Managed Moves through the panel and referrals to Alternative Provision
//! (clause 1.1.16). The placement school qualifies "irrespective of the location of and space
//! availability at other schools", subject where the clause says so to the age/distance criteria.
//! A panel Managed Move qualifies when the new school is the next nearest appropriate school, or
//! an officer records that it is the only other appropriate school.

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::{Finding as Needed, Flag};

use super::recorded::{
    age_distance, age_distance_finding, age_distance_to, finding, finding_reason, not_met,
};
use super::{toml_name, toml_names, Form, Head, Notes};
use super::{Finding, Verdict};

/// Which school a placement accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementSchool {
    /// Any school: the placement was made "irrespective of the location of and space
    /// availability at other schools" (4.2, 4.3), or to an Alternative Provision setting.
    Any,
    /// The next nearest appropriate school (the nearest suitable school other than the previous
    /// one), or a school recorded as the only other appropriate school (1.1.16).
    NextNearestOrOnlyOther,
    /// The nearest suitable school with places (after the refusal) in the council's own area,
    /// unless a closer school with places in a neighbouring authority is under the qualifying
    /// distance (1.1.7).
    NearestWithPlaces,
}

/// A placement made by the council or a panel (clauses 1.1.16, 4.2, 4.3): the school it names
/// qualifies, subject (where the clause says so) to the age/distance criteria.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    #[serde(flatten)]
    pub head: Head,
    /// Every one of these must be true on the case.
    pub when: Vec<Flag>,
    /// None of these may be true.
    #[serde(default)]
    pub unless: Vec<Flag>,
    pub school: PlacementSchool,
    /// For [`PlacementSchool::NextNearestOrOnlyOther`]: the recorded alternative.
    pub only_other: Option<Needed>,
    /// The distance rule whose year bands are "the age/distance criteria"; none: no distance
    /// criterion applies.
    pub age_distance: Option<String>,
    /// For [`PlacementSchool::NearestWithPlaces`]: the council's own LA codes; schools with
    /// another code are in neighbouring authorities.
    #[serde(default)]
    pub home_la_codes: Vec<String>,
    /// A finding the officer must record as yes before the placement qualifies (1.1.7).
    pub requires: Option<Needed>,
}

impl Form for Placement {
    fn borrows(&self) -> Option<(&str, &'static str)> {
        self.age_distance.as_deref().map(|a| (a, "distance_rule"))
    }

    fn summary(&self) -> String {
        format!(
            "when {}{}: school {}; age/distance of {}",
            toml_names(&self.when),
            if self.unless.is_empty() {
                String::new()
            } else {
                format!(" unless {}", toml_names(&self.unless))
            },
            toml_name(&self.school),
            self.age_distance.as_deref().unwrap_or("none")
        )
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx, notes)
    }
}

/// Applies a placement rule.
fn apply(rule: &Placement, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
    let case = ctx.case;
    if !rule.when.iter().all(|f| case.flag(*f)) || rule.unless.iter().any(|f| case.flag(*f)) {
        return Ok(Finding::not_applicable());
    }
    let clause = rule.head.cite.clause.as_str();
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!("\"{}\"", rule.head.cite.quote),
        figures: None,
    }];
    if let Some(req) = &rule.requires {
        if let Some(f) = recorded_yes(rule, req, case, &mut reasons) {
            return Ok(f);
        }
    }
    if rule.school == PlacementSchool::NextNearestOrOnlyOther {
        let next = ctx
            .sets
            .ranked
            .iter()
            .map(|(u, _)| *u)
            .find(|u| Some(*u) != case.previous_school);
        let is_next = next == Some(ctx.school.urn);
        reasons.push(Reason {
            clause: clause.to_string(),
            text: format!(
                "The next nearest appropriate school (the nearest suitable school by straight \
                 line other than the previous school{}) is {}; {} {} it.",
                case.previous_school
                    .map(|u| format!(", {}", ctx.school_name(u)))
                    .unwrap_or_default(),
                next.map(|u| ctx.school_name(u))
                    .unwrap_or_else(|| "none".into()),
                ctx.school.name,
                if is_next { "is" } else { "is not" }
            ),
            figures: None,
        });
        if !is_next {
            let Some(only) = &rule.only_other else {
                return Ok(finding(
                    not_met(rule.head.basis.clone(), clause, None),
                    reasons,
                ));
            };
            if let Some(f) = recorded_yes(rule, only, case, &mut reasons) {
                return Ok(f);
            }
        }
    }
    if rule.school == PlacementSchool::NearestWithPlaces {
        if let Some(f) = nearest_with_places(rule, ctx, &mut reasons, notes)? {
            return Ok(f);
        }
    }
    let Some(rule_id) = &rule.age_distance else {
        reasons.push(Reason {
            clause: clause.to_string(),
            text: format!(
                "Transport to {} is provided on this placement; no distance criterion applies.",
                ctx.school.name
            ),
            figures: None,
        });
        return Ok(finding(
            Verdict::Eligible {
                basis: rule.head.basis.clone(),
                clause: clause.to_string(),
                threshold: None,
            },
            reasons,
        ));
    };
    let Some(ad) = age_distance(rule_id, ctx, notes)? else {
        return Ok(Finding::not_applicable());
    };
    Ok(age_distance_finding(
        rule.head.basis.clone(),
        clause,
        ad,
        reasons,
    ))
}

/// The placement does not accept this school: later rules may, and with none of them the
/// school is a parental preference (clause 1.1.6).
fn not_this_school(basis: crate::policy::Basis, clause: &str) -> Verdict {
    Verdict::NotMet {
        basis,
        clause: clause.to_string(),
        threshold: None,
        school_qualifies: false,
    }
}

/// A finding the officer must record as yes before the placement qualifies (clauses 1.1.7,
/// 1.1.16). `Some` is the finding when it is recorded as no (the school does not qualify) or not
/// yet made (held for the officer); `None` lets the placement go on.
fn recorded_yes(
    rule: &Placement,
    needed: &crate::policy::Finding,
    case: &crate::decide::Case,
    reasons: &mut Vec<Reason>,
) -> Option<Finding> {
    let clause = rule.head.cite.clause.as_str();
    let value = case.recorded(needed.field);
    reasons.push(finding_reason(clause, needed, value));
    let verdict = match value {
        Some(true) => return None,
        Some(false) => not_this_school(rule.head.basis.clone(), clause),
        None => Verdict::Hold {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
        },
    };
    Some(finding(verdict, std::mem::take(reasons)))
}

/// Clause 1.1.7: after an on-time application to the catchment/nearest school was refused, the
/// school must be the nearest suitable school with places in the council's own area, and no
/// closer school with places in a neighbouring authority may be under the qualifying distance.
/// `Some` is the finding when the school does not qualify; `None` lets the age/distance criteria
/// decide.
fn nearest_with_places(
    rule: &Placement,
    ctx: &Ctx,
    reasons: &mut Vec<Reason>,
    notes: &mut Notes,
) -> Result<Option<Finding>, DecideError> {
    let clause = rule.head.cite.clause.as_str();
    let own = |u: &crate::area::Urn| {
        rule.home_la_codes.is_empty()
            || ctx
                .area
                .school(*u)
                .is_some_and(|s| rule.home_la_codes.contains(&s.la_code))
    };
    // The school refused: the catchment school, or the nearest where there is none.
    let refused: Vec<crate::area::Urn> = if ctx.sets.catchment.is_empty() {
        ctx.sets.nearest().into_iter().collect()
    } else {
        ctx.sets.catchment.clone()
    };
    let with_places: Vec<crate::area::Urn> = ctx
        .sets
        .nearest_with_places(ctx.area, ctx.case, usize::MAX)
        .into_iter()
        .filter(|u| !refused.contains(u))
        .collect();
    let nearest_own = with_places.iter().copied().find(own);
    let disqualified = |reasons: &mut Vec<Reason>| {
        Some(finding(
            not_this_school(rule.head.basis.clone(), clause),
            std::mem::take(reasons),
        ))
    };
    if nearest_own != Some(ctx.school.urn) {
        reasons.push(Reason {
            clause: clause.to_string(),
            text: format!(
                "The nearest suitable school with places (by straight line, the refused and full \
                 schools left out) is {}; {} is not it.",
                nearest_own
                    .map(|u| ctx.school_name(u))
                    .unwrap_or_else(|| "none".into()),
                ctx.school.name
            ),
            figures: None,
        });
        return Ok(disqualified(reasons));
    }
    reasons.push(Reason {
        clause: clause.to_string(),
        text: format!(
            "{} is the nearest suitable school with places (by straight line, the refused and \
             full schools left out).",
            ctx.school.name
        ),
        figures: None,
    });
    let Some(rule_id) = &rule.age_distance else {
        return Ok(None);
    };
    for n in with_places
        .iter()
        .copied()
        .take_while(|u| *u != ctx.school.urn)
        .filter(|u| !own(u))
    {
        let Some(ad) = age_distance_to(rule_id, ctx, n, notes)? else {
            continue;
        };
        if !ad.met {
            reasons.push(Reason {
                clause: clause.to_string(),
                text: format!(
                    "{} in a neighbouring authority is closer and has places, and it is under the \
                     qualifying distance: transport is not provided to the alternative school; \
                     the family is told of the places there.",
                    ctx.school_name(n)
                ),
                figures: ad.reasons.iter().find_map(|r| r.figures.clone()),
            });
            return Ok(disqualified(reasons));
        }
    }
    Ok(None)
}
