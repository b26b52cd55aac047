//! Placements by the council or a panel: Children in Care placed on the recommendation of the
//! Child in Care Education Manager (clause 4.2), places allocated by the In Year Fair Access
//! panel (clause 4.3), Managed Moves through the panel and referrals to Alternative Provision
//! (clause 1.1.16). The placement school qualifies "irrespective of the location of and space
//! availability at other schools", subject where the clause says so to the age/distance criteria.
//! A panel Managed Move qualifies when the new school is the next nearest appropriate school, or
//! an officer records that it is the only other appropriate school.

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::{Placement, PlacementSchool};

use super::recorded::{age_distance, finding, finding_reason, not_met, not_met_at};
use super::{Finding, Verdict};

/// Applies a placement rule.
pub fn apply(rule: &Placement, ctx: &Ctx) -> Result<Finding, DecideError> {
    let case = ctx.case;
    if !rule.when.iter().all(|f| case.flag(*f)) || rule.unless.iter().any(|f| case.flag(*f)) {
        return Ok(Finding::not_applicable());
    }
    let clause = rule.cite.clause.as_str();
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!("\"{}\"", rule.cite.quote),
        figures: None,
    }];
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
                return Ok(finding(not_met(rule.basis, clause, None), reasons));
            };
            let value = case.recorded(only.field);
            reasons.push(finding_reason(clause, only, value));
            match value {
                Some(true) => {}
                Some(false) => {
                    let mut v = not_met(rule.basis, clause, None);
                    if let Verdict::NotMet {
                        school_qualifies, ..
                    } = &mut v
                    {
                        *school_qualifies = false;
                    }
                    return Ok(finding(v, reasons));
                }
                None => {
                    let v = Verdict::Hold {
                        basis: rule.basis,
                        clause: clause.to_string(),
                    };
                    return Ok(finding(v, reasons));
                }
            }
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
                basis: rule.basis,
                clause: clause.to_string(),
                threshold: None,
            },
            reasons,
        ));
    };
    let Some(ad) = age_distance(rule_id, ctx)? else {
        return Ok(Finding::not_applicable());
    };
    reasons.extend(ad.reasons);
    let verdict = if ad.met {
        Verdict::Eligible {
            basis: rule.basis,
            clause: clause.to_string(),
            threshold: Some(ad.threshold),
        }
    } else {
        not_met_at(rule.basis, ad.threshold)
    };
    Ok(finding(verdict, reasons))
}
