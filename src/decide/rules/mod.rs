//! One module per rule form; each says which clauses it implements. A new clause is a new form
//! here (or a new entry of an existing form in the policy TOML), not an edit across the code.
//!
//! * `not_provided` – year groups with no transport (pre-school, clause 1.2.1).
//! * `distance`     – catchment/nearest and distance limits (clauses 1.1.1, 1.1.2, 1.1.4, 1.1.5,
//!   1.1.15), with unavailable routes disregarded (clause 1.5.4).
//! * `referral`     – SEND, disability and medical needs sent to an officer (clause 1.1.12).
//! * `post16`       – the 16+ Assistance Scheme criteria (Post-16 policy section 3).
//! * `surplus_seat` – charges and priority for those not eligible (clauses 1.3.1-1.3.3, 1.2.1).

pub mod distance;
pub mod not_provided;
pub mod post16;
pub mod referral;
pub mod surplus_seat;

use crate::policy::{Basis, Rule};

use super::context::{Ctx, DecideError};
use super::decision::{Reason, ThresholdApplied};

/// What one rule concluded about a case.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The rule does not speak to this case (another year group, no qualifying benefit, ...).
    NotApplicable,
    /// Eligible under this rule.
    Eligible {
        basis: Basis,
        clause: String,
        threshold: Option<ThresholdApplied>,
    },
    /// The rule applies to the child but its conditions are not met. `school_qualifies` says
    /// whether the school applied for was one the rule accepts (if not: parental preference).
    NotMet {
        basis: Basis,
        clause: String,
        threshold: Option<ThresholdApplied>,
        school_qualifies: bool,
    },
    /// An officer must decide on evidence.
    Refer { basis: Basis, clause: String },
}

/// A verdict with the reasons that led to it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
}

impl Finding {
    /// A rule that does not speak to the case.
    pub fn not_applicable() -> Finding {
        Finding {
            verdict: Verdict::NotApplicable,
            reasons: Vec::new(),
        }
    }
}

/// Applies one rule of the policy to the case.
pub fn apply(rule: &Rule, ctx: &Ctx) -> Result<Finding, DecideError> {
    match rule {
        Rule::NotProvided(r) => Ok(not_provided::apply(r, ctx)),
        Rule::Distance(r) => distance::apply(r, ctx),
        Rule::Referral(r) => Ok(referral::apply(r, ctx)),
        Rule::Post16(r) => post16::apply(r, ctx),
    }
}
