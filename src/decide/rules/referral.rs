//! SEND, disability and medical needs (clause 1.1.12): a child who does not qualify on distance
//! but is said to be unable to walk even accompanied is referred to an officer with the evidence
//! the policy requires.

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::{Basis, Cite, Recorded, SchoolSet, YearRange};

use super::{toml_name, Form, Head, Notes};
use super::{Finding, Verdict};

/// A circumstance that sends the case to an officer with stated evidence (clause 1.1.12).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    #[serde(flatten)]
    pub head: Head,
    pub years: YearRange,
    /// The case field that triggers the referral.
    pub when: ReferralTrigger,
    /// The school must be one of these for a referral (clauses 1.1.2, 1.1.6: a child at a
    /// preference school is not eligible whatever the need).
    pub schools: Option<SchoolSet>,
    /// What the officer needs to see.
    pub evidence: String,
    /// Clause 1.1.12: once the officer records the finding, what follows.
    #[serde(default)]
    pub on_finding: Option<OnFinding>,
}

impl Form for Referral {
    fn other_bases(&self) -> Vec<&Basis> {
        self.on_finding.iter().map(|f| &f.basis).collect()
    }

    fn summary(&self) -> String {
        format!(
            "{} with {}{}: refer; evidence: {}",
            self.years,
            toml_name(&self.when),
            self.schools
                .map(|x| format!(" at a {} school", toml_name(&x)))
                .unwrap_or_default(),
            self.evidence
        )
    }

    fn apply(&self, ctx: &Ctx, _notes: &mut Notes) -> Result<Finding, DecideError> {
        Ok(apply(self, ctx))
    }
}

/// Case fields that can trigger a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralTrigger {
    MobilityNeed,
}

/// What follows once the finding a referral asks for is recorded (clause 1.1.12: a recorded
/// Professional Assessment makes the child eligible at a school the referral accepts).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnFinding {
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub field: Recorded,
}

/// Refers the case when the trigger is present in the covered years.
fn apply(rule: &Referral, ctx: &Ctx) -> Finding {
    let triggered = match rule.when {
        ReferralTrigger::MobilityNeed => ctx.case.mobility_need,
    };
    if !triggered || !rule.years.contains(ctx.case.year_group) {
        return Finding::not_applicable();
    }
    if let Some(set) = rule.schools {
        let (accepted, why) = super::distance_rule::school_accepted(set, None, ctx);
        if !accepted {
            return Finding {
                verdict: Verdict::NotMet {
                    basis: rule.head.basis.clone(),
                    clause: rule.head.cite.clause.clone(),
                    threshold: None,
                    school_qualifies: false,
                },
                reasons: vec![Reason {
                    clause: rule.head.cite.clause.clone(),
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
                        basis: rule.head.basis.clone(),
                        clause: rule.head.cite.clause.clone(),
                        threshold: None,
                        school_qualifies: true,
                    },
                    reasons: vec![Reason {
                        clause: rule.head.cite.clause.clone(),
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
            basis: rule.head.basis.clone(),
            clause: rule.head.cite.clause.clone(),
        },
        reasons: vec![Reason {
            clause: rule.head.cite.clause.clone(),
            text: format!(
                "A special educational need, disability or medical need is stated; an officer \
                 must decide on evidence. Needed: {}.",
                rule.evidence
            ),
            figures: None,
        }],
    }
}
