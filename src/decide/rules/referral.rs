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
    if let Some(set) = rule.schools {
        let (accepted, why) = super::distance::school_accepted(set, None, ctx);
        if !accepted {
            return Finding {
                verdict: Verdict::NotMet {
                    basis: rule.basis,
                    clause: rule.cite.clause.clone(),
                    threshold: None,
                    school_qualifies: false,
                },
                reasons: vec![Reason {
                    clause: rule.cite.clause.clone(),
                    text: format!(
                        "A special educational need, disability or medical need is stated, but \
                         travel assistance on that ground is only to a school the policy accepts: \
                         {why}"
                    ),
                    figures: None,
                }],
            };
        }
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
