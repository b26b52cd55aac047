//! Year groups to which no transport is provided: pre-school settings (clause 1.2.1). The family
//! may still apply for a surplus seat, which `surplus_seat` prices.

use crate::decide::context::Ctx;
use crate::decide::decision::Reason;
use crate::policy::NotProvided;

use super::{Finding, Verdict};

/// Not eligible when the year group is covered.
pub fn apply(rule: &NotProvided, ctx: &Ctx) -> Finding {
    if !rule.years.contains(ctx.case.year_group) {
        return Finding::not_applicable();
    }
    Finding {
        verdict: Verdict::NotMet {
            basis: rule.basis.clone(),
            clause: rule.cite.clause.clone(),
            threshold: None,
            school_qualifies: true,
        },
        reasons: vec![Reason {
            clause: rule.cite.clause.clone(),
            text: format!(
                "No transport is provided for {} children: \"{}\"",
                ctx.case.year_group, rule.cite.quote
            ),
            figures: None,
        }],
    }
}
