//! Split residency (section 1.5, "Points of Clarification"): a child with two homes is decided
//! from the nominated home address; where that is unclear or disputed, from the address on the
//! child's registered GP record. The form does both jobs: before any rule is applied it places
//! the case at that address ([`decided_home`], asked of every rule by the engine), and in its
//! turn it says so, or refers the case when neither address is known. A policy without this
//! rule decides every case from the home given.

use serde::{Deserialize, Serialize};

use crate::decide::case::{Address, Case};
use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;

use super::{Finding, Verdict};
use super::{Form, Head, Notes};

/// Split residency (section 1.5, "Points of Clarification"): the case is decided from the
/// nominated home address, or where that is unclear or disputed, from the address on the
/// child's GP record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitResidency {
    #[serde(flatten)]
    pub head: Head,
    /// Words for the GP-record fallback.
    pub gp_quote: String,
    pub evidence: String,
}

impl Form for SplitResidency {
    fn decided_home(&self, case: &Case) -> Option<Case> {
        decided_home(case)
    }

    fn summary(&self) -> String {
        "split residency decided from nominated_address, else gp_address".to_string()
    }

    fn apply(&self, ctx: &Ctx, _notes: &mut Notes) -> Result<Finding, DecideError> {
        Ok(apply(self, ctx))
    }
}

fn which(a: Address) -> &'static str {
    match a {
        Address::First => "first",
        Address::Second => "second",
    }
}

/// The case as decided from the second home, when section 1.5 says so (the nominated home, or
/// else the GP record's, is the second address); `None` to decide it where it is.
fn decided_home(case: &Case) -> Option<Case> {
    let (Some(Address::Second), Some(p)) = (case.split_residency_address(), case.second_home)
    else {
        return None;
    };
    let mut c = case.clone();
    c.home = p;
    c.access_point = None;
    // The second home is given by coordinates: nothing of the first home's source applies.
    c.home_from = crate::area::HomeFrom::Coordinates;
    c.access_from_gazetteer = false;
    c.notes.clear();
    Some(c)
}

/// Explains which address the case is decided from, or refers it.
fn apply(rule: &SplitResidency, ctx: &Ctx) -> Finding {
    let case = ctx.case;
    if case.second_home.is_none() {
        return Finding::not_applicable();
    }
    let clause = rule.head.cite.clause.clone();
    let (text, verdict) = match (case.nominated_address, case.gp_address) {
        (Some(a), _) => (
            format!(
                "Split residency: decided from the nominated home address (the {} address, \
                 nominated_address): \"{}\"",
                which(a),
                rule.head.cite.quote
            ),
            Verdict::NotApplicable,
        ),
        (None, Some(a)) => (
            format!(
                "Split residency with no agreed nomination: decided from the address on the \
                 child's registered GP record (the {} address, gp_address): \"{}\"",
                which(a),
                rule.gp_quote
            ),
            Verdict::NotApplicable,
        ),
        (None, None) => (
            format!(
                "Split residency: neither a nominated home address nor the GP record address is \
                 given, so the address to decide from is not known. Needed: {}.",
                rule.evidence
            ),
            Verdict::Hold {
                basis: rule.head.basis.clone(),
                clause: clause.clone(),
            },
        ),
    };
    Finding {
        verdict,
        reasons: vec![Reason {
            clause,
            text,
            figures: None,
        }],
    }
}
