//! SEND, disability and medical needs (clause 1.1.12): a child who does not qualify on distance
//! but is said to be unable to walk even accompanied is referred to an officer with the evidence
//! the policy requires.

use crate::decide::context::Ctx;
use crate::decide::decision::Reason;
use crate::policy::{Referral, ReferralTrigger};

use super::{Finding, Verdict};

/// Refers the case when the trigger is present in the covered years.
pub fn apply(rule: &Referral, ctx: &Ctx) -> Finding {
    let triggered = match rule.when {
        ReferralTrigger::MobilityNeed => ctx.case.mobility_need,
    };
    if !triggered || !rule.years.contains(ctx.case.year_group) {
        return Finding::not_applicable();
    }
    Finding {
        verdict: Verdict::Refer {
            basis: rule.basis,
            clause: rule.cite.clause.clone(),
        },
        reasons: vec![Reason {
            clause: rule.cite.clause.clone(),
            text: format!(
                "A special educational need, disability or medical need is stated; an officer \
                 must decide on evidence. Needed: {}.",
                rule.evidence
            ),
            figures: None,
        }],
    }
}
