//! The rules engine: decides one case under a policy, in an area. Pure: no I/O.
//!
//! Rules are tried in the policy's `[decision] order`; each gives a [`rules::Verdict`] with its
//! reasons. The first rule that makes the child eligible decides the basis (assisted, when the
//! rule sets a charge the family pays); otherwise a referral stands; otherwise the child is not
//! eligible, for the reason of the rule that accepted the school whose conditions the child came
//! closest to meeting, or on parental preference (clause 1.1.6) when no rule accepted the school.
//! The surplus seat charge and priority (clause 1.3) follow from the outcome.

mod ambiguous_access;
pub mod case;
pub mod context;
pub mod decision;
pub mod follow_up;
mod home_point;
mod rulebook;
pub mod rules;
pub mod schools;
mod two_readings;
mod unknown_sex;
pub mod would_change;

pub use case::{Case, Sex};
pub use context::{Ctx, DecideError};
pub use decision::{
    Charge, Decision, Distances, FollowUp, Outcome, Reason, SchoolRef, SupportEnds,
    SurplusPriority, ThresholdApplied, WalkStartShown,
};
pub use rulebook::Policy;

use crate::area::{Area, WalkStart};
use crate::network::Mode;

use crate::units::Metres;

use rules::{Finding, Verdict};

/// Settings of the tool (not of the policy) that shape a decision's warnings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Distances within this margin of a limit are flagged "close to the limit".
    pub close_margin_m: f64,
    /// Whether the margin was asked for (`--margin-miles`). When not, a home point whose
    /// quality is known (a UPRN or postcode) is flagged by its stated uncertainty instead.
    pub margin_given: bool,
}

impl Default for Settings {
    fn default() -> Self {
        // A tenth of a mile: the size of GIS measurement differences appeals turn on.
        Settings {
            close_margin_m: Metres::from_miles(0.1).0,
            margin_given: false,
        }
    }
}

/// Decides one case. Never panics on data: problems become an `error` outcome.
pub fn decide(policy: &Policy, area: &Area, case: &Case, settings: &Settings) -> Decision {
    match decide_inner(policy, area, case, settings) {
        Ok(d) => d,
        Err(e) => Decision::error(&case.id, e.to_string()),
    }
}

fn decide_inner(
    policy: &Policy,
    area: &Area,
    case: &Case,
    settings: &Settings,
) -> Result<Decision, DecideError> {
    // A rule may decide the case from another address (section 1.5: the nominated home of a
    // child with split residency).
    let moved = policy
        .rules
        .iter()
        .find_map(|r| r.form().decided_home(case));
    let case = moved.as_ref().unwrap_or(case);
    let ctx = Ctx::new(policy, area, case, settings)?;
    let d = decide_either_sex(&ctx)?;
    // Clause 1.1.1: a home about as near two roads is decided from each.
    match ctx.walk_start() {
        WalkStart::AdoptedRoad {
            road,
            other: Some(other),
        } => ambiguous_access::settle(&ctx, d, road, other, |c| {
            decide_either_sex(&Ctx::new(policy, area, c, settings)?)
        }),
        _ => Ok(d),
    }
}

/// Decides a case in its context; with the sex blank, for either sex where that matters.
fn decide_either_sex(ctx: &Ctx) -> Result<Decision, DecideError> {
    let d = decide_ctx(ctx)?;
    if ctx.case.sex.is_some() {
        return Ok(d);
    }
    // Clause 1.1.7: with the sex blank, single-sex schools may change which schools count.
    let (policy, area, settings) = (ctx.policy, ctx.area, ctx.settings);
    unknown_sex::settle(ctx, d, |c| {
        decide_ctx(&Ctx::new(policy, area, c, settings)?)
    })
}

/// Decides a case in its context: every rule in the policy's order, then the outcome.
fn decide_ctx(ctx: &Ctx) -> Result<Decision, DecideError> {
    let (policy, case) = (ctx.policy, ctx.case);
    let mut findings: Vec<Finding> = Vec::with_capacity(policy.rules.len());
    let mut rule_terms: Vec<rules::Terms> = Vec::with_capacity(policy.rules.len());
    // Warnings (e.g. "close to the limit") belong to the rule that raised them, so that an
    // eligible decision carries only those of the rules that explain it.
    let mut rule_warnings: Vec<Vec<String>> = Vec::with_capacity(policy.rules.len());
    // Where each rule's distance comparisons end in the context's record of them.
    let mut compared_to: Vec<usize> = Vec::with_capacity(policy.rules.len());
    let compared_from = ctx.comparisons_made();
    for rule in &policy.rules {
        let (finding, notes) = rules::apply(rule, ctx)?;
        findings.push(finding);
        rule_warnings.push(notes.warnings);
        rule_terms.push(notes.terms);
        compared_to.push(ctx.comparisons_made());
    }
    // Warnings of the decision as a whole (the seat's vehicles, a distance not measured).
    let mut late = rules::Notes::default();
    // The first rule that decides (eligible; or, for clauses that say so, not eligible or for an
    // officer whatever later rules say) is explained by the rules up to it; later rules (a
    // referral, say) would only confuse the letter.
    let decisive = findings.iter().position(|f| {
        matches!(
            f.verdict,
            Verdict::Eligible { .. } | Verdict::Bar { .. } | Verdict::Hold { .. }
        )
    });
    let last = decisive.map_or(findings.len(), |i| i + 1);
    let decided_terms = decisive.map(|i| rule_terms[i].clone()).unwrap_or_default();
    // Clause 1.1.3: how an area rule read catchment or nearest for this school comes first.
    let mut reasons: Vec<Reason> = ctx
        .sets
        .area_notes
        .iter()
        .filter(|(u, _)| *u == ctx.school.urn)
        .map(|(_, r)| r.clone())
        .chain(ctx.sets.passed_over.iter().cloned())
        .chain(
            findings[..last]
                .iter()
                .flat_map(|f| f.reasons.iter().cloned()),
        )
        .collect();
    let eligible = decisive.and_then(|i| match &findings[i].verdict {
        Verdict::Eligible {
            basis,
            clause,
            threshold,
        } => Some((basis.clone(), clause, threshold)),
        _ => None,
    });
    let barred = decisive.and_then(|i| match &findings[i].verdict {
        Verdict::Bar { basis, clause } => Some((basis.clone(), clause)),
        _ => None,
    });
    let refer = match decisive.map(|i| &findings[i].verdict) {
        Some(Verdict::Hold { basis, clause }) => Some((basis.clone(), clause)),
        Some(_) => None,
        None => findings.iter().find_map(|f| match &f.verdict {
            Verdict::Refer { basis, clause } => Some((basis.clone(), clause)),
            _ => None,
        }),
    };
    // Of the rules that accept the school but whose conditions were not met, the one that
    // decides the refusal (its basis, clause and headline limit) is the one the child came
    // closest to meeting: a low-income child at exactly 2 miles is refused by clause 1.1.4's
    // "more than 2 miles", not by 1.1.1's 3 miles. Rules that do not turn on distance alone
    // count only when no distance rule does; ties go to the first in decision order.
    let unmet: Vec<_> = findings
        .iter()
        .filter_map(|f| match &f.verdict {
            Verdict::NotMet {
                basis,
                clause,
                threshold,
                school_qualifies: true,
            } => Some((basis.clone(), clause, threshold)),
            _ => None,
        })
        .collect();
    let shortfall = |t: &Option<ThresholdApplied>| t.as_ref().and_then(|t| t.shortfall_m);
    let closest = unmet
        .iter()
        .filter_map(|u| shortfall(u.2).map(|s| (s, u)))
        .fold(None, |best: Option<(f64, _)>, (s, u)| match best {
            // `total_cmp`: a NaN (which no measurement should give) sorts last, never first.
            Some((b, _)) if b.total_cmp(&s).is_le() => best,
            _ => Some((s, u)),
        })
        .map(|(_, u)| u.clone());
    let unmet_qualifying = closest.or_else(|| unmet.first().cloned());
    let unmet_any = findings.iter().find_map(|f| match &f.verdict {
        Verdict::NotMet {
            basis,
            clause,
            threshold,
            ..
        } => Some((basis.clone(), clause, threshold)),
        _ => None,
    });
    // Parental preference (clause 1.1.6) as the reason for refusal: some rule spoke to the
    // child's year, but none accepted the school applied for.
    let parental_preference = unmet_any.is_some() && unmet_qualifying.is_none();
    // Parental preference as a surplus seat circumstance (clause 1.3.3): the school is not one
    // the rules named in [parental_preference] accepted (catchment/nearest, or one of the three
    // nearest under 1.1.4); where none of them spoke to the year (pre-school, post-16), the
    // school is neither a catchment school nor the nearest.
    // A rule in `eligible_only` accepts the school only where the child is eligible (or may
    // be) under it: "one of the three nearest eligible schools" (clause 1.1.6).
    let pp = &policy.parental_preference;
    let eligible_only = |id: &str| {
        pp.eligible_only
            .as_ref()
            .is_some_and(|e| e.rules.iter().any(|r| r == id))
    };
    let judged: Vec<(bool, &Verdict)> = policy
        .rules
        .iter()
        .zip(&findings)
        .filter(|(r, f)| {
            (pp.accepted_by.iter().any(|id| id == r.id()) || eligible_only(r.id()))
                && f.verdict != Verdict::NotApplicable
        })
        .map(|(r, f)| (eligible_only(r.id()), &f.verdict))
        .collect();
    let preference_school = if judged.is_empty() {
        !ctx.sets.is_catchment_or_nearest(ctx.school.urn)
    } else {
        !judged.iter().any(|(only_if_eligible, v)| match v {
            Verdict::Eligible { .. } | Verdict::Refer { .. } => true,
            Verdict::NotMet {
                school_qualifies, ..
            } => *school_qualifies && !only_if_eligible,
            _ => false,
        })
    };

    let mut d = Decision::error(&case.id, String::new());
    d.error = None;
    d.school = Some(SchoolRef {
        urn: ctx.school.urn,
        name: ctx.school.name.clone(),
    });
    match (eligible, refer) {
        (Some((basis, clause, threshold)), _) if decided_terms.charge.is_some() => {
            // A rule that decides a charge of its own gives assistance the family pays for,
            // unless the charge comes to nothing.
            let free = decided_terms.charge.as_ref().and_then(|c| c.pence) == Some(0);
            d.outcome = if free {
                Outcome::Eligible
            } else {
                Outcome::Assisted
            };
            d.basis = Some(basis);
            d.deciding_clause = Some(clause.clone());
            d.threshold = threshold.clone();
            d.charge = decided_terms.charge.clone();
        }
        (Some((basis, clause, threshold)), _) => {
            d.outcome = Outcome::Eligible;
            d.basis = Some(basis);
            d.deciding_clause = Some(clause.clone());
            d.threshold = threshold.clone();
            // A rule that decides a charge of its own (the post-16 scheme's reduction, say) set
            // it in its terms (the branch above); any other eligibility is free transport.
            d.charge = Some(rules::surplus_seat::free(clause));
        }
        (None, Some((basis, clause))) => {
            d.outcome = Outcome::Refer;
            d.basis = Some(basis);
            d.deciding_clause = Some(clause.clone());
            d.threshold = unmet_qualifying.and_then(|(_, _, t)| t.clone());
        }
        (None, None) => {
            d.outcome = Outcome::NotEligible;
            if let Some((basis, clause)) = barred {
                d.basis = Some(basis);
                d.deciding_clause = Some(clause.clone());
            } else if parental_preference {
                d.basis = Some(pp.basis.clone());
                d.deciding_clause = Some(pp.cite.clause.clone());
                reasons.push(Reason {
                    clause: pp.cite.clause.clone(),
                    text: format!(
                        "{} is attended on parental preference: there is no duty to provide \
                         transport and the family makes its own arrangements.",
                        ctx.school.name
                    ),
                    figures: None,
                });
            } else if let Some((basis, clause, threshold)) = unmet_qualifying.or(unmet_any) {
                d.basis = Some(basis);
                d.deciding_clause = Some(clause.clone());
                d.threshold = threshold.clone();
            } else {
                reasons.push(Reason {
                    clause: policy.decision.cite.clause.clone(),
                    text: format!(
                        "No rule of the policy provides transport for {}.",
                        case.year_group
                    ),
                    figures: None,
                });
                d.deciding_clause = Some(policy.decision.cite.clause.clone());
            }
        }
    }
    if !d.outcome.supported() {
        d.charge = Some(rules::surplus_seat::seat_price(ctx, &mut late));
        if d.outcome == Outcome::NotEligible {
            d.surplus_priority = rules::surplus_seat::priority(ctx, preference_school);
            // The categories of clause 1.3.3 are meant to cover every child refused free
            // transport on a route they apply to: a child in none of them is a gap in the
            // policy's categories, which an officer must resolve, not a child without priority.
            if d.surplus_priority.is_none() && rules::surplus_seat::priority_applies(ctx) {
                let ss = &policy.surplus_seat;
                late.warn(format!(
                    "no surplus seat priority category of clause {} applies to this child, \
                     though the categories apply on this route: an officer must place the \
                     application",
                    ss.priority_clause
                ));
            }
        }
    }
    if d.outcome.supported() {
        d.support_ends = decided_terms.ends;
    }
    d.distances = distances(ctx, &mut late);
    d.reasons = reasons;
    let mut warnings: Vec<String> = Vec::new();
    for w in rule_warnings[..last].iter().flatten().chain(&late.warnings) {
        if !warnings.contains(w) {
            warnings.push(w.clone());
        }
    }
    d.warnings = warnings;
    d.follow_ups = follow_up::follow_ups(ctx, &d);
    // The comparisons of the rules that explain the decision, for a home whose point is only
    // known to within some metres (a postcode's centroid).
    let until = compared_to
        .get(last.saturating_sub(1))
        .copied()
        .unwrap_or(compared_from);
    let compared = ctx.comparisons(compared_from, until);
    Ok(home_point::settle(ctx, d, &compared))
}

/// Distances from the home to the school applied for, measuring what the rules did not.
fn distances(ctx: &Ctx, notes: &mut rules::Notes) -> Distances {
    let urn = ctx.school.urn;
    let walk = ctx.measure(urn, Mode::Walk);
    let drive = ctx.measure(urn, Mode::Drive);
    if let Err(e) = &walk {
        notes.warn(format!("walking distance not measured: {e}"));
    }
    if let Err(e) = &drive {
        notes.warn(format!("driven distance not measured: {e}"));
    }
    let walk_ok = walk.as_ref().ok().and_then(|m| m.as_ref());
    Distances {
        walking_m: walk_ok.map(|m| m.length_m),
        driven_m: drive.ok().flatten().map(|m| m.length_m),
        straight_line_m: ctx.straight_line_m(urn),
        no_available_walking_route: matches!(walk, Ok(None)),
        walking_snap_m: walk_ok.map(|m| from_home(ctx, m.home_snap.point)),
        walking_entrance: walk_ok.map(|m| m.entrance.clone()),
        walk_start: walk_ok.map(|m| walk_start_shown(ctx, &m.home_snap, notes)),
    }
}

/// Straight-line distance from the case's home to a point, metres.
pub(crate) fn from_home(ctx: &Ctx, p: geo::Point<f64>) -> f64 {
    geo::Distance::distance(&geo::Euclidean, ctx.case.home, p)
}

/// Where the walk measured from `snap` (the home's place on the walking network) starts, and
/// how that point was found. A walk that could not join the network on the adopted road where it
/// starts (that stretch assessed unsafe, clause 1.5.4) joins it elsewhere: the way it joins is
/// named, with a warning, since the gap is not counted.
fn walk_start_shown(
    ctx: &Ctx,
    snap: &crate::network::Snap,
    notes: &mut rules::Notes,
) -> WalkStartShown {
    let net = ctx.area.network();
    let on_snap = || {
        net.edge_name(snap)
            .unwrap_or_else(|| format!("the way {}", snap.edge_id))
    };
    let start = ctx.walk_start();
    let (road, from_home_m, other_road) = match start {
        WalkStart::AccessPoint(a) => (on_snap(), from_home(ctx, *a), None),
        WalkStart::AdoptedRoad { road, other } => {
            if snap.edge_id != road.edge_id && snap.distance_m > 1e-3 {
                notes.warn(format!(
                    "the walk starts on {}, where the home meets the adopted road (clause {}), \
                     but cannot be walked from there: it joins {} {:.1} m away, which is not \
                     counted; check the access point",
                    road.road(),
                    ctx.policy.walk_start.cite.clause,
                    on_snap(),
                    snap.distance_m
                ));
            }
            (road.road(), road.distance_m, other.clone())
        }
        WalkStart::NoAdoptedRoad(_) | WalkStart::NearestPath => {
            (on_snap(), from_home(ctx, snap.point), None)
        }
    };
    WalkStartShown {
        how: match start {
            WalkStart::AccessPoint(_) if ctx.case.access_from_gazetteer => "gazetteer_access_point",
            _ => start.how(),
        },
        clause: ctx.policy.walk_start.cite.clause.clone(),
        from_home_m,
        road,
        other_road,
    }
}
