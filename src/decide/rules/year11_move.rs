//! Year 11 moves (clause 1.1.11): when a family moves house in Year 11, support to remain at the
//! existing school may be provided if the existing school is a reasonable and appropriate
//! alternative to which transport can be offered from the new address, and exceptional
//! circumstances apply (unavoidable reasons for the move, or the schools serving the new area are
//! inappropriate). Both are an officer's findings, recorded on the case.

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::{Finding as Needed, SchoolSet, YearRange};

use super::recorded::{finding, finding_reason, not_met};
use super::{finding_names, Form, Head, Notes};
use super::{Finding, Verdict};

/// A family moving house in Year 11 (clause 1.1.11).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Year11Move {
    #[serde(flatten)]
    pub head: Head,
    pub years: YearRange,
    /// From the new home, a school in this set is decided on the usual rules.
    pub schools: SchoolSet,
    /// Every circumstance that must apply.
    pub requires: Vec<Needed>,
}

impl Form for Year11Move {
    fn summary(&self) -> String {
        format!(
            "{}: remaining after a move; records {}",
            self.years,
            finding_names(&self.requires.iter().collect::<Vec<_>>())
        )
    }

    fn apply(&self, ctx: &Ctx, _notes: &mut Notes) -> Result<Finding, DecideError> {
        Ok(apply(self, ctx))
    }
}

/// Applies clause 1.1.11.
fn apply(rule: &Year11Move, ctx: &Ctx) -> Finding {
    let case = ctx.case;
    if !rule.years.contains(case.year_group)
        || !case.moved_house
        || case.previous_school != Some(ctx.school.urn)
    {
        return Finding::not_applicable();
    }
    let (accepted, _) = super::distance_rule::school_accepted(rule.schools, None, ctx);
    if accepted {
        return Finding::not_applicable();
    }
    let clause = rule.head.cite.clause.as_str();
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!(
            "The family moved house in {} and asks for the child to remain at {}: \"{}\"",
            case.year_group, ctx.school.name, rule.head.cite.quote
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
        not_met(rule.head.basis.clone(), clause, None)
    } else if missing {
        Verdict::Hold {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
        }
    } else {
        Verdict::Eligible {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
            threshold: None,
        }
    };
    finding(verdict, reasons)
}
