//! Recorded circumstances under which the policy provides no transport support, whatever the
//! other rules say: clause 1.1.8, "The LA will not provide transport support for children who
//! have been displaced from their home because of family related issues".

use crate::decide::context::Ctx;
use crate::decide::decision::Reason;
use crate::policy::Bar;

use super::{Finding, Verdict};

/// Bars the case when the circumstance is recorded.
pub fn apply(rule: &Bar, ctx: &Ctx) -> Finding {
    if !ctx.case.flag(rule.when) {
        return Finding::not_applicable();
    }
    Finding {
        verdict: Verdict::Bar {
            basis: rule.basis.clone(),
            clause: rule.cite.clause.clone(),
        },
        reasons: vec![Reason {
            clause: rule.cite.clause.clone(),
            text: format!("No transport support: \"{}\"", rule.cite.quote),
            figures: None,
        }],
    }
}
