//! How sure the home point is. A home found by UPRN is the property's point in the address
//! gazetteer; a home found by postcode is its centroid, which may be hundreds of metres from the
//! property. A decision from a centroid is always provisional, and where a limit the deciding
//! rules compared lies within the centroid's plausible error of the distance measured, the
//! decision could go either way with the property's own point: an officer decides, from the UPRN
//! or the home's coordinates.

use super::context::Ctx;
use super::decision::{Decision, Reason};
use super::two_readings::{refer_to_officer, summary};
use crate::area::HomeFrom;
use crate::units::Metres;

/// Adds what reading the case found (coordinates far from the UPRN's point), says where the home
/// point came from, and marks a decision from a postcode's centroid provisional, referring it
/// when one of `compared` (what, distance, limit, metres) lies within the centroid's error.
pub(super) fn settle(ctx: &Ctx, d: Decision, compared: &[(&'static str, f64, f64)]) -> Decision {
    let mut d = d;
    for n in ctx.case.notes.iter().rev() {
        if !d.warnings.contains(n) {
            d.warnings.insert(0, n.clone());
        }
    }
    let from = &ctx.case.home_from;
    if *from != HomeFrom::Coordinates {
        d.home_from = Some(from.clone());
    }
    let HomeFrom::Postcode {
        quality,
        uncertainty_m,
    } = *from
    else {
        return d;
    };
    d.provisional = true;
    let mi = |m: f64| Metres(m).miles_3dp();
    d.warnings.insert(
        0,
        format!(
            "provisional: the home is its postcode's centroid (Code-Point Open, positional \
             quality {quality}), which may be up to {uncertainty_m:.0} m from the property; \
             decide again from the UPRN or the home's coordinates before the letter goes out"
        ),
    );
    let near: Vec<String> = compared
        .iter()
        .filter(|(_, v, limit)| (v - limit).abs() <= uncertainty_m)
        .map(|(what, v, limit)| {
            format!(
                "the {what} of {} mi is {:.0} m from the limit of {} mi",
                mi(*v),
                (v - limit).abs(),
                mi(*limit)
            )
        })
        .fold(Vec::new(), |mut out, s| {
            if !out.contains(&s) {
                out.push(s);
            }
            out
        });
    if near.is_empty() {
        return d;
    }
    let clause = ctx.policy.walk_start.cite.clause.clone();
    let reasons = vec![
        Reason {
            clause: clause.clone(),
            text: format!(
                "The home is placed at its postcode's centroid, which may be up to \
                 {uncertainty_m:.0} m from the property, and {}: measured from the property \
                 itself, the decision could be different. Give the home's UPRN or coordinates \
                 and decide again.",
                near.join("; ")
            ),
            figures: None,
        },
        Reason {
            clause: clause.clone(),
            text: format!("Decided from the postcode's centroid: {}.", summary(&d)),
            figures: None,
        },
    ];
    let given = d.clone();
    let mut r = refer_to_officer(ctx, d, clause, reasons, [&given, &given]);
    r.provisional = true;
    r.home_from = given.home_from.clone();
    r
}
