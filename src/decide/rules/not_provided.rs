//! Year groups to which no transport is provided: pre-school settings (clause 1.2.1). The family
//! may still apply for a surplus seat, which `surplus_seat` prices.

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::YearRange;

use super::{Finding, Verdict};
use super::{Form, Head, Notes};

/// Year groups to which the council provides no transport (e.g. pre-school, clause 1.2.1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotProvided {
    #[serde(flatten)]
    pub head: Head,
    pub years: YearRange,
}

impl Form for NotProvided {
    fn summary(&self) -> String {
        format!(
            "no transport for {} (basis {})",
            self.years,
            self.head.basis.as_str()
        )
    }

    fn apply(&self, ctx: &Ctx, _notes: &mut Notes) -> Result<Finding, DecideError> {
        Ok(apply(self, ctx))
    }
}

/// Not eligible when the year group is covered.
fn apply(rule: &NotProvided, ctx: &Ctx) -> Finding {
    if !rule.years.contains(ctx.case.year_group) {
        return Finding::not_applicable();
    }
    Finding {
        verdict: Verdict::NotMet {
            basis: rule.head.basis.clone(),
            clause: rule.head.cite.clause.clone(),
            threshold: None,
            school_qualifies: true,
        },
        reasons: vec![Reason {
            clause: rule.head.cite.clause.clone(),
            text: format!(
                "No transport is provided for {} children: \"{}\"",
                ctx.case.year_group, rule.head.cite.quote
            ),
            figures: None,
        }],
    }
}
