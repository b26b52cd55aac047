//! Moving house (clause 1.1.8): asking to remain at the existing school after a house move is
//! parental preference "unless nearer schools do not have places available in the relevant year
//! group". From the new home, the form lists the suitable schools nearer (by straight line,
//! clause 1.1.2) than the existing school; if none of them has places, the existing school is the
//! nearest school with places and the age/distance criteria decide; otherwise remaining there is
//! parental preference, whatever the later rules say.

use serde::{Deserialize, Serialize};

use crate::area::Urn;
use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::{Basis, SchoolSet};
use crate::units::Metres;

use super::recorded::{age_distance, age_distance_finding, finding};
use super::{Finding, Verdict};
use super::{Form, Head, Notes};

/// Moving house and asking to remain at the existing school (clause 1.1.8).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovingHouse {
    #[serde(flatten)]
    pub head: Head,
    /// From the new home, a school in this set is decided on the usual rules.
    pub schools: SchoolSet,
    pub age_distance: String,
    /// The basis when nearer schools have places: remaining is parental preference.
    pub preference_basis: Basis,
}

impl Form for MovingHouse {
    fn other_bases(&self) -> Vec<&Basis> {
        vec![&self.preference_basis]
    }

    fn borrows(&self) -> Option<(&str, &'static str)> {
        Some((&self.age_distance, "distance_rule"))
    }

    fn summary(&self) -> String {
        format!(
            "remaining after a move: {} if a nearer school has places, else \
         age/distance of {}",
            self.preference_basis.as_str(),
            self.age_distance
        )
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx, notes)
    }
}

/// Suitable schools nearer than the school applied for, split into those with and without
/// places for this child.
pub fn nearer_schools(ctx: &Ctx) -> (Vec<Urn>, Vec<Urn>) {
    let urn = ctx.school.urn;
    let own = ctx.straight_line_m(urn).unwrap_or(f64::INFINITY);
    let mut with = Vec::new();
    let mut without = Vec::new();
    for (u, d) in &ctx.sets.ranked {
        if *u == urn || *d >= own {
            continue;
        }
        let has = ctx.area.school(*u).is_some_and(|s| s.has_places)
            && !ctx.case.schools_without_places.contains(u);
        if has {
            with.push(*u)
        } else {
            without.push(*u)
        }
    }
    (with, without)
}

fn names(ctx: &Ctx, us: &[Urn]) -> String {
    if us.is_empty() {
        return "none".into();
    }
    us.iter()
        .map(|u| {
            format!(
                "{} ({} mi)",
                ctx.school_name(*u),
                Metres(ctx.straight_line_m(*u).unwrap_or(f64::NAN)).miles_3dp()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Applies clause 1.1.8 to a child remaining at the existing school after a move.
fn apply(rule: &MovingHouse, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
    let case = ctx.case;
    if !case.moved_house || case.previous_school != Some(ctx.school.urn) {
        return Ok(Finding::not_applicable());
    }
    let (accepted, _) = super::distance_rule::school_accepted(rule.schools, None, ctx);
    if accepted {
        return Ok(Finding::not_applicable());
    }
    let clause = rule.head.cite.clause.as_str();
    let (with, without) = nearer_schools(ctx);
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!(
            "The family moved house and asks for the child to remain at {} ({} mi by straight \
             line from the new home): \"{}\". Nearer suitable schools with places: {}; nearer \
             schools without places in the year group: {}.",
            ctx.school.name,
            Metres(ctx.straight_line_m(ctx.school.urn).unwrap_or(f64::NAN)).miles_3dp(),
            rule.head.cite.quote,
            names(ctx, &with),
            names(ctx, &without)
        ),
        figures: Some(format!("nearer schools with places: {}", with.len())),
    }];
    if !with.is_empty() {
        reasons.push(Reason {
            clause: clause.to_string(),
            text: "Nearer schools have places, so remaining at the existing school is parental \
                   preference and the family makes its own transport arrangements."
                .into(),
            figures: None,
        });
        let verdict = Verdict::Bar {
            basis: rule.preference_basis.clone(),
            clause: clause.to_string(),
        };
        return Ok(finding(verdict, reasons));
    }
    let Some(ad) = age_distance(&rule.age_distance, ctx, notes)? else {
        return Ok(Finding::not_applicable());
    };
    reasons.push(Reason {
        clause: clause.to_string(),
        text: format!(
            "No nearer school has places, so {} is the nearest school with places and the \
             age/distance criteria apply.",
            ctx.school.name
        ),
        figures: None,
    });
    Ok(age_distance_finding(
        rule.head.basis.clone(),
        clause,
        ad,
        reasons,
    ))
}
