//! Year 11 moves (clause 1.1.11): when a family moves house in Year 11, support to remain at the
//! existing school may be provided if the existing school is a reasonable and appropriate
//! alternative to which transport can be offered from the new address, and exceptional
//! circumstances apply (unavoidable reasons for the move, or the schools serving the new area are
//! inappropriate). Both are an officer's findings, recorded on the case.

use crate::decide::context::Ctx;
use crate::decide::decision::Reason;
use crate::policy::Year11Move;

use super::recorded::{finding, finding_reason, not_met};
use super::{Finding, Verdict};

/// Applies clause 1.1.11.
pub fn apply(rule: &Year11Move, ctx: &Ctx) -> Finding {
    let case = ctx.case;
    if !rule.years.contains(case.year_group)
        || !case.moved_house
        || case.previous_school != Some(ctx.school.urn)
    {
        return Finding::not_applicable();
    }
    let (accepted, _) = super::distance::school_accepted(rule.schools, None, ctx);
    if accepted {
        return Finding::not_applicable();
    }
    let clause = rule.cite.clause.as_str();
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!(
            "The family moved house in {} and asks for the child to remain at {}: \"{}\"",
            case.year_group, ctx.school.name, rule.cite.quote
        ),
        figures: None,
    }];
    let mut missing = false;
    let mut refused = false;
    for needed in &rule.requires {
        let value = case.recorded(needed.field);
        reasons.push(finding_reason(clause, needed, value));
        missing |= value.is_none();
        refused |= value == Some(false);
    }
    let verdict = if refused {
        // The usual rules (clause 1.1.8) then decide.
        not_met(rule.basis.clone(), clause, None)
    } else if missing {
        Verdict::Hold {
            basis: rule.basis.clone(),
            clause: clause.to_string(),
        }
    } else {
        Verdict::Eligible {
            basis: rule.basis.clone(),
            clause: clause.to_string(),
            threshold: None,
        }
    };
    finding(verdict, reasons)
}
