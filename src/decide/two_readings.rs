//! A case the tool can read two ways (a blank sex with single-sex schools near, a home about as
//! near two roads): decided both ways, the same decision stands; different decisions go to an
//! officer, saying what the case lacks and what each reading decided. Shared by
//! `unknown_sex` and `ambiguous_access`.

use super::context::Ctx;
use super::decision::{Decision, Outcome, Reason};
use super::follow_up;
use super::rules::surplus_seat;
use crate::policy::Basis;

/// The parts of a decision that a letter turns on: outcome, basis, clause, charge, priority rank
/// and when support ends. Reasons may word the same decision differently for each reading, and
/// the walking distance that orders applicants within a priority rank may differ.
pub(super) fn same_decision(a: &Decision, b: &Decision) -> bool {
    let rank = |d: &Decision| {
        d.surplus_priority
            .as_ref()
            .map(|p| (p.rank, p.clause.clone()))
    };
    a.outcome == b.outcome
        && a.basis == b.basis
        && a.deciding_clause == b.deciding_clause
        && a.charge == b.charge
        && rank(a) == rank(b)
        && a.support_ends == b.support_ends
}

/// A decision in a few words: "eligible (statutory distance, clause 1.1.1(ii))".
pub(super) fn summary(d: &Decision) -> String {
    let outcome = match d.outcome {
        Outcome::Eligible => "eligible",
        Outcome::Assisted => "assisted at a charge",
        Outcome::NotEligible => "not eligible",
        Outcome::Refer => "referred to an officer",
        Outcome::Error => "not decided",
    };
    let mut detail: Vec<String> = Vec::new();
    if let Some(b) = &d.basis {
        detail.push(b.as_str().replace('_', " "));
    }
    if let Some(c) = &d.deciding_clause {
        detail.push(format!("clause {c}"));
    }
    if let Some(e) = &d.error {
        detail.push(e.clone());
    }
    if detail.is_empty() {
        outcome.to_string()
    } else {
        format!("{outcome} ({})", detail.join(", "))
    }
}

/// `d` (the case as given) sent to an officer under `clause` with `reasons`: no basis, limit,
/// priority or end of support, the surplus seat price a refused child would be quoted, the
/// warnings of both readings once each, and the follow-ups of a referral.
pub(super) fn refer_to_officer(
    ctx: &Ctx,
    d: Decision,
    clause: String,
    reasons: Vec<Reason>,
    readings: [&Decision; 2],
) -> Decision {
    let mut r = d;
    r.outcome = Outcome::Refer;
    r.basis = None::<Basis>;
    r.deciding_clause = Some(clause);
    r.threshold = None;
    r.surplus_priority = None;
    r.support_ends = None;
    r.charge = Some(surplus_seat::seat_price(ctx, &mut Default::default()));
    r.reasons = reasons;
    let mut warnings: Vec<String> = Vec::new();
    for w in readings.iter().flat_map(|d| &d.warnings) {
        if !warnings.contains(w) {
            warnings.push(w.clone());
        }
    }
    r.warnings = warnings;
    r.follow_ups = follow_up::follow_ups(ctx, &r);
    r
}
