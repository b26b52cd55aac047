//! The Surplus Seat Travel Scheme: what a seat costs on the school's routes (clauses 1.3.1,
//! 1.3.2; the post-16 reduction of Post-16 section 3) and where the child stands in the queue
//! for seats (clause 1.3.3 categories (i)-(iv), furthest walking distance first within one).

use crate::decide::context::Ctx;
use crate::decide::decision::{Charge, SurplusPriority};
use crate::network::Mode;
use crate::policy::{Circumstance, Percent, Priority};
use crate::units::Pence;

/// The full price of a surplus seat on the school's routes, or why none can be stated.
pub fn seat_price(ctx: &Ctx, notes: &mut super::Notes) -> Charge {
    let ss = &ctx.policy.surplus_seat;
    let model = ctx.school.operator_model;
    // Clause 1.3.4: paying passengers only on PSVAR compliant vehicles, once enforced.
    if let (Some(p), Some(false)) = (&ss.psvar, ctx.school.psvar_compliant) {
        if p.enforced {
            return Charge {
                pence: None,
                clause: p.cite.clause.clone(),
                note: "no surplus seat: the vehicles on the school's routes are not PSVAR \
                       compliant, and paying passengers may travel only on compliant vehicles"
                    .into(),
            };
        }
        notes.warn(format!(
            "clause {}: the vehicles on {}'s routes are recorded as not PSVAR compliant; if the \
             regulations are enforced on paying passengers, surplus seats on them will end",
            p.cite.clause, ctx.school.name
        ));
    }
    if ss.unavailable.contains(&model) {
        Charge {
            pence: None,
            clause: ss.unavailable_clause.clone(),
            note: "no surplus seat scheme on public service routes".into(),
        }
    } else if ss.operator_priced.contains(&model) {
        match ctx.school.operator_pass_price {
            Some(p) => Charge {
                pence: Some(p.0),
                clause: ss.operator_priced_clause.clone(),
                note: format!(
                    "pass price set by the school's operator: {}",
                    p.display_gbp()
                ),
            },
            None => Charge {
                pence: None,
                clause: ss.operator_priced_clause.clone(),
                note: "pass price set by the school's operator (not recorded)".into(),
            },
        }
    } else {
        let p = ss.charge_gbp.0;
        Charge {
            pence: Some(p.0),
            clause: ss.cite.clause.clone(),
            note: format!("surplus seat charge {} a year", p.display_gbp()),
        }
    }
}

/// The price after a percentage reduction (Post-16 section 3).
pub fn reduced(full: Charge, by: Percent, clause: &str) -> Charge {
    match full.pence {
        Some(p) => {
            let r = by.reduce(Pence(p));
            Charge {
                pence: Some(r.0),
                clause: format!("{}, {clause}", full.clause),
                note: format!(
                    "{}% reduction of {}: {}",
                    by.0,
                    Pence(p).display_gbp(),
                    r.display_gbp()
                ),
            }
        }
        None => full,
    }
}

/// Free transport.
pub fn free(clause: &str) -> Charge {
    Charge {
        pence: Some(0),
        clause: clause.to_string(),
        note: "free transport".into(),
    }
}

fn holds(c: Circumstance, ctx: &Ctx, parental_preference: bool) -> bool {
    let case = ctx.case;
    match c {
        Circumstance::ChildInCare => case.child_in_care,
        Circumstance::Ehcp => case.ehcp,
        Circumstance::RegisteredDisability => case.registered_disability,
        Circumstance::MedicalCondition => case.medical_condition,
        Circumstance::YoungCarer => case.young_carer,
        Circumstance::Vulnerable => case.vulnerable,
        Circumstance::CatchmentOrNearest => ctx.sets.is_catchment_or_nearest(case.school),
        Circumstance::ParentalPreference => parental_preference,
        Circumstance::LowIncome => ctx.low_income().is_some(),
    }
}

fn in_category(p: &Priority, ctx: &Ctx, parental_preference: bool) -> bool {
    (p.any_of.is_empty() || p.any_of.iter().any(|c| holds(*c, ctx, parental_preference)))
        && p.all_of.iter().all(|c| holds(*c, ctx, parental_preference))
}

/// Whether the priority order applies to seats on the school's routes at all (clause 1.3.3: "Not
/// applicable to OSOO routes"; no seats on public service routes, clause 1.3.1).
pub fn priority_applies(ctx: &Ctx) -> bool {
    let ss = &ctx.policy.surplus_seat;
    let model = ctx.school.operator_model;
    !(ss.no_priority_on.contains(&model) || ss.unavailable.contains(&model))
}

/// The surplus seat priority for a child who is not eligible; `None` where the scheme has no
/// priority order (one-school-one-operator and public service routes).
pub fn priority(ctx: &Ctx, parental_preference: bool) -> Option<SurplusPriority> {
    let ss = &ctx.policy.surplus_seat;
    if !priority_applies(ctx) {
        return None;
    }
    let mut cats: Vec<&Priority> = ss.priorities.iter().collect();
    cats.sort_by_key(|p| p.rank);
    let cat = cats
        .into_iter()
        .find(|p| in_category(p, ctx, parental_preference))?;
    let walking = ctx
        .measure(ctx.case.school, Mode::Walk)
        .ok()
        .flatten()
        .map(|m| m.length_m);
    Some(SurplusPriority {
        rank: cat.rank,
        clause: cat.cite.clause.clone(),
        tie_break_walking_m: walking,
    })
}
