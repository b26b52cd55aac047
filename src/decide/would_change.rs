//! What would change this decision, for the officer and the appeal panel: the same case decided
//! again by the same rules with one fact changed at a time (a low-income finding, a faith
//! finding with the evidence the policy asks for, the year group either side), computed by the
//! decision itself rather than guessed, and how far the distance falls short of the limit that
//! refused it. Changes that need the area loaded again (an audit ignored, another network date)
//! are made at the command's edge and reported in the same form ([`Change::of`]).

use serde::Serialize;

use super::{decide, Case, Decision, Outcome, Policy, Settings};
use crate::area::Area;
use crate::policy::{Basis, YearGroup};
use crate::units::Metres;

/// One change of fact and the decision it would give.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The change, in words: "if the child were eligible for free school meals".
    pub change: String,
    /// The outcome the case would then have.
    pub outcome: Outcome,
    /// Its basis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// Whether that differs from the decision made (outcome or basis).
    pub changes_decision: bool,
}

/// What would change a decision: how far a refused distance fell short, and each change of fact
/// with the decision it gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// How far the distance falls short of the limit that refused the child ([`shortfall`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<String>,
    pub changes: Vec<Change>,
}

impl Change {
    /// What the change does to a decision of outcome `decided`, in words.
    pub fn effect(&self, decided: Outcome) -> &'static str {
        match (self.changes_decision, self.outcome == decided) {
            (false, _) => "no change",
            (true, true) => "the same outcome on another basis",
            (true, false) => "the outcome changes",
        }
    }

    /// The change `change` and the decision `other` it gives, against the decision `d` made.
    pub fn of(d: &Decision, change: String, other: &Decision) -> Change {
        Change {
            change,
            outcome: other.outcome,
            basis: other.basis.clone(),
            changes_decision: other.outcome != d.outcome || other.basis != d.basis,
        }
    }
}

/// The case with one fact changed at a time, each with the change in words: only changes that
/// differ from the case, and only the facts the policy's rules read.
pub fn variants(policy: &Policy, area: &Area, case: &Case) -> Vec<(String, Case)> {
    let mut out = Vec::new();
    let low_income = case.free_school_meals || case.max_working_tax_credit || case.universal_credit;
    let clause = &policy.low_income.cite.clause;
    let mut v = case.clone();
    if low_income {
        v.free_school_meals = false;
        v.max_working_tax_credit = false;
        v.universal_credit = false;
        out.push((
            format!("if the family were not on a low income (clause {clause})"),
            v,
        ));
    } else {
        v.free_school_meals = true;
        out.push((
            format!(
                "if the child were eligible for free school meals, a low-income family (clause \
                 {clause})"
            ),
            v,
        ));
    }
    let faith = &policy.religion_or_belief;
    let needed = faith.evidence_required;
    let school_faith = area
        .school(case.school)
        .and_then(|s| s.religious_character.clone())
        .filter(|f| !f.trim().is_empty() && !f.eq_ignore_ascii_case("does not apply"))
        // A joint school ("Roman Catholic/Church of England") is of either faith: the first.
        .and_then(|f| f.split('/').next().map(|p| p.trim().to_string()))
        .filter(|f| !f.is_empty());
    match (&case.faith, school_faith) {
        (Some(f), _) if case.faith_evidence < needed => {
            let mut v = case.clone();
            v.faith_evidence = needed;
            out.push((
                format!(
                    "if the family's religion or belief ({f}) were shown with {needed} pieces of \
                     evidence (clause {})",
                    faith.cite.clause
                ),
                v,
            ));
        }
        (None, Some(f)) => {
            let mut v = case.clone();
            v.faith = Some(f.clone());
            v.faith_evidence = needed;
            out.push((
                format!(
                    "if the family's religion or belief were the school's ({f}), shown with \
                     {needed} pieces of evidence (clause {})",
                    faith.cite.clause
                ),
                v,
            ));
        }
        _ => {}
    }
    let year = case.year_group.number();
    for n in [year - 1, year + 1] {
        let other = match n {
            -1 => Some(YearGroup::PRE_SCHOOL),
            0 => Some(YearGroup::RECEPTION),
            n => YearGroup::year(n),
        };
        if let Some(y) = other {
            let mut v = case.clone();
            v.year_group = y;
            out.push((format!("if the child were in {y}"), v));
        }
    }
    out
}

/// The case decided again with each of [`variants`]; a variant the case cannot be decided with
/// (a year group whose rules need a fact the case does not give) is left out.
pub fn fact_changes(
    policy: &Policy,
    area: &Area,
    case: &Case,
    settings: &Settings,
    d: &Decision,
) -> Vec<Change> {
    variants(policy, area, case)
        .into_iter()
        .filter_map(|(change, v)| {
            let again = decide(policy, area, &v, settings);
            (again.outcome != Outcome::Error).then(|| Change::of(d, change, &again))
        })
        .collect()
}

/// How far the distances missed the limits that refused the child, in words, when distance
/// limits did: "the distances miss walking route >= 3 mi by 1.401 miles in all (clause
/// 1.1.1(ii))". Only for a refusal (not a referral), and only a finite miss (no route at all is
/// said by the decision itself).
pub fn shortfall(d: &Decision) -> Option<String> {
    if d.outcome != Outcome::NotEligible {
        return None;
    }
    let t = d.threshold.as_ref()?;
    let short = t.shortfall_m.filter(|&m| m > 0.0 && m.is_finite())?;
    Some(format!(
        "the distances miss {} by {} miles in all (clause {})",
        t.limits.join(" and "),
        Metres(short).miles_3dp(),
        t.clause
    ))
}
