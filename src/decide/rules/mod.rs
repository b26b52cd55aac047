//! One module per rule form; each says which clauses it implements. A new clause is a new form
//! here (or a new entry of an existing form in the policy TOML), not an edit across the code.
//!
//! * `not_provided` – year groups with no transport (pre-school, clause 1.2.1).
//! * `distance`     – catchment/nearest and distance limits (clauses 1.1.1, 1.1.2, 1.1.4, 1.1.5,
//!   1.1.15), with unavailable routes disregarded (clause 1.5.4).
//! * `referral`     – SEND, disability and medical needs sent to an officer (clause 1.1.12).
//! * `post16`       – the 16+ Assistance Scheme criteria (Post-16 policy section 3).
//! * `surplus_seat` – charges and priority for those not eligible (clauses 1.3.1-1.3.3, 1.2.1).
//! * `split_residency` – the nominated or GP-record address of a child with two homes (1.5).
//! * `bar`          – recorded circumstances under which no support is given (clause 1.1.8).
//! * `note`         – circumstances the officer is told of, eligibility unchanged (clause 1.1.13).
//! * `temporary_housing` – support for at most two school terms after re-housing (1.1.9).
//! * `changing_school` – a parent's change of school (clause 1.1.10).
//! * `moving_house` – remaining at the existing school after a move (clause 1.1.8).
//! * `year11_move`  – remaining at the existing school after a move in Year 11 (clause 1.1.11).
//! * `placement`    – panel and council placements (clauses 1.1.16, 4.2, 4.3).
//! * `transitional` – reorganisations and catchment changes (clause 4.1).
//! * `post16_send`  – 16-18 SEND and medical travel assistance (Post-16 policy section 2).
//! * `post19`       – 19-25 travel assistance where the EHCP makes it necessary (section 5).
//! * `recorded`     – shared helpers: officer findings, borrowed age/distance criteria.
//! * `against_limit` – one distance against one limit, with the unavailable-route fallback.

mod against_limit;
pub mod distance;
pub mod not_provided;
pub mod post16;
pub mod referral;
pub mod surplus_seat;
// Clauses 1.1.8-1.1.13, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2 and 5.
pub mod bar;
pub mod changing_school;
pub mod moving_house;
pub mod note;
pub mod placement;
pub mod post16_send;
pub mod post19;
pub mod recorded;
pub mod split_residency;
pub mod temporary_housing;
pub mod transitional;
pub mod year11_move;

use crate::area::AreaError;
use crate::network::Mode;
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
    // Clauses 1.1.8-1.1.10, 1.5: verdicts that decide whatever later rules say.
    /// The clause says no transport support is provided, whatever later rules say.
    Bar { basis: Basis, clause: String },
    /// An officer must record a finding before any later rule can decide.
    Hold { basis: Basis, clause: String },
}

/// What a rule says of the support besides eligibility: when it ends and what it costs (clauses
/// 1.1.9, 4.1; Post-16 sections 2, 3 and 5).
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub ends: Option<crate::decide::decision::SupportEnds>,
    pub charge: Option<crate::decide::decision::Charge>,
}

/// What a rule produces besides its verdict and reasons: warnings for the officer ("close to the
/// limit", evidence still needed) and the terms of the support it decides. A rule writes them
/// here as it goes; [`apply`] hands them back with the finding, so that they belong to the rule
/// that raised them (kept even when the rule then refers the case for a distance it could not
/// measure).
#[derive(Debug, Clone, Default)]
pub struct Notes {
    pub warnings: Vec<String>,
    pub terms: Terms,
}

impl Notes {
    /// Adds a warning for the officer (once).
    pub fn warn(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }
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

/// The basis and clause a rule decides on; `None` for rules that never decide (notes).
fn basis_and_clause(rule: &Rule) -> Option<(&Basis, &str)> {
    let (basis, cite) = match rule {
        Rule::NotProvided(r) => (&r.basis, &r.cite),
        Rule::Distance(r) => (&r.basis, &r.cite),
        Rule::Referral(r) => (&r.basis, &r.cite),
        Rule::Post16(r) => (&r.basis, &r.cite),
        Rule::SplitResidency(r) => (&r.basis, &r.cite),
        Rule::Bar(r) => (&r.basis, &r.cite),
        Rule::Note(_) => return None,
        Rule::TemporaryHousing(r) => (&r.basis, &r.cite),
        Rule::ChangingSchool(r) => (&r.basis, &r.cite),
        Rule::MovingHouse(r) => (&r.basis, &r.cite),
        Rule::Year11Move(r) => (&r.basis, &r.cite),
        Rule::Placement(r) => (&r.basis, &r.cite),
        Rule::Transitional(r) => (&r.basis, &r.cite),
        Rule::Post16Send(r) => (&r.basis, &r.cite),
        Rule::Post19(r) => (&r.basis, &r.cite),
    };
    Some((basis, cite.clause.as_str()))
}

/// What a rule concludes when a distance it needs cannot be measured because the home is placed
/// on another mode's network but not this one's (a footpath within reach but no road, say): it
/// refers the case, naming the measurement and how to supply it, rather than failing the whole
/// case or deciding without the distance. A rule that never needed the distance has already
/// decided without it. Any other error is returned as it is.
pub fn unmeasured(rule: &Rule, ctx: &Ctx, e: DecideError) -> Result<Finding, DecideError> {
    let (what, clause, source) = match e {
        DecideError::Unmeasured {
            what,
            clause,
            source,
        } => (what, clause, source),
        DecideError::Area(a) => match (a.unmeasured_route(), basis_and_clause(rule)) {
            (Some(what), Some((_, clause))) => (what, clause.to_string(), a),
            _ => return Err(DecideError::Area(a)),
        },
        e => return Err(e),
    };
    let Some((basis, _)) = basis_and_clause(rule) else {
        return Err(DecideError::Area(source));
    };
    Ok(Finding {
        verdict: Verdict::Refer {
            basis: basis.clone(),
            clause: clause.clone(),
        },
        reasons: vec![unmeasured_reason(ctx, what, clause, &source)],
    })
}

/// The reason given when the `what` distance a clause needs could not be measured: which
/// distance, why, and how an officer can supply it.
pub fn unmeasured_reason(ctx: &Ctx, what: &str, clause: String, source: &AreaError) -> Reason {
    let how = if ctx.case.access_point.is_some() {
        "check the access point (access_easting, access_northing), or measure the distance by \
         hand"
    } else {
        "give an access point (access_easting, access_northing) where the home meets the road \
         and decide again, or measure the distance by hand"
    };
    // A home whose only path within reach is assessed unsafe is placed when safety is ignored:
    // say so, since "no usable edge" alone would read as a home off the map.
    let unsafe_path = match (source, ctx.home_snap(Mode::WalkIgnoringSafety)) {
        (AreaError::HomeSnap { .. }, Ok(s)) if what == "walking route" => format!(
            " (the nearest path, {:.0} m from the home, is assessed unsafe: clause {})",
            s.distance_m, ctx.policy.unavailable_route.cite.clause
        ),
        _ => String::new(),
    };
    Reason {
        clause,
        text: format!(
            "The {what} from home to {} could not be measured: {source}{unsafe_path}. An officer \
             must {how}.",
            ctx.school.name
        ),
        figures: Some(format!("{what} not measured")),
    }
}

/// Where a rule decides the case from, when it is not the home given (section 1.5: a child with
/// two homes is decided from the nominated one); asked of every rule before any is applied.
pub fn decided_home(rule: &Rule, case: &super::Case) -> Option<super::Case> {
    match rule {
        Rule::SplitResidency(r) => split_residency::decided_home(r, case),
        _ => None,
    }
}

/// Applies one rule of the policy to the case: its finding, and the warnings and terms it gave.
/// A distance the rule needed but could not measure (the home is on another mode's network
/// only) makes it refer the case (see [`unmeasured`]).
pub fn apply(rule: &Rule, ctx: &Ctx) -> Result<(Finding, Notes), DecideError> {
    let mut notes = Notes::default();
    let n = &mut notes;
    let found = match rule {
        Rule::NotProvided(r) => Ok(not_provided::apply(r, ctx)),
        Rule::Distance(r) => distance::apply(r, ctx, n),
        Rule::Referral(r) => Ok(referral::apply(r, ctx)),
        Rule::Post16(r) => post16::apply(r, ctx, n),
        Rule::SplitResidency(r) => Ok(split_residency::apply(r, ctx)),
        Rule::Bar(r) => Ok(bar::apply(r, ctx)),
        Rule::Note(r) => Ok(note::apply(r, ctx, n)),
        Rule::TemporaryHousing(r) => temporary_housing::apply(r, ctx, n),
        Rule::ChangingSchool(r) => changing_school::apply(r, ctx, n),
        Rule::MovingHouse(r) => moving_house::apply(r, ctx, n),
        Rule::Year11Move(r) => Ok(year11_move::apply(r, ctx)),
        Rule::Placement(r) => placement::apply(r, ctx, n),
        Rule::Transitional(r) => transitional::apply(r, ctx, n),
        Rule::Post16Send(r) => post16_send::apply(r, ctx, n),
        Rule::Post19(r) => post19::apply(r, ctx),
    };
    let finding = match found {
        Ok(f) => f,
        Err(e) => unmeasured(rule, ctx, e)?,
    };
    Ok((finding, notes))
}
