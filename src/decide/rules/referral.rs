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
                    basis: rule.basis.clone(),
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
    // Clause 1.1.12: once an officer records the Professional Assessment, what follows.
    if let Some(on) = &rule.on_finding {
        match ctx.case.recorded(on.field) {
            Some(true) => {
                return Finding {
                    verdict: Verdict::Eligible {
                        basis: on.basis.clone(),
                        clause: on.cite.clause.clone(),
                        threshold: None,
                    },
                    reasons: vec![Reason {
                        clause: on.cite.clause.clone(),
                        text: format!(
                            "A Professional Assessment is recorded: the child cannot walk to {}                              even accompanied, so is eligible for travel assistance whatever                              the distance: \"{}\"",
                            ctx.school.name, on.cite.quote
                        ),
                        figures: None,
                    }],
                };
            }
            Some(false) => {
                return Finding {
                    verdict: Verdict::NotMet {
                        basis: rule.basis.clone(),
                        clause: rule.cite.clause.clone(),
                        threshold: None,
                        school_qualifies: true,
                    },
                    reasons: vec![Reason {
                        clause: rule.cite.clause.clone(),
                        text: format!(
                            "The Professional Assessment does not support the need (recorded \
                             professional_assessment = no): \"{}\"",
                            on.cite.quote
                        ),
                        figures: None,
                    }],
                };
            }
            None => {}
        }
    }
    Finding {
        verdict: Verdict::Refer {
            basis: rule.basis.clone(),
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
