//! How sure the home point is. A home found by UPRN is the property's point in the address
//! gazetteer; a home found by postcode is its centroid, which may be hundreds of metres from the
//! property. A decision from a centroid is always provisional, and where a limit the deciding
//! rules compared lies within the centroid's plausible error of the distance measured, the
//! decision could go either way with the property's own point: an officer decides, from the UPRN
//! or the home's coordinates.

use super::context::Ctx;
use super::decision::{Decision, Reason};
use super::two_readings::{refer_to_officer, summary};
use crate::area::{point_error_m, HomeFrom, WalkStart};
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
    let Some(point_error) = point_error_m(from) else {
        return d;
    };
    // Where the walk was inferred to start (the nearest road to the home's point) moves with the
    // point; an access point given, or the gazetteer's, does not.
    let inferred_start_m = match ctx.walk_start() {
        WalkStart::AdoptedRoad { road, .. } => road.distance_m,
        WalkStart::NearestPath => ctx
            .home_snap(crate::network::Mode::Walk)
            .map_or(0.0, |s| s.distance_m),
        WalkStart::AccessPoint(_) | WalkStart::NoAdoptedRoad(_) => 0.0,
    };
    let uncertainty_m = point_error + inferred_start_m;
    d.uncertainty_m = Some(uncertainty_m);
    let mi = |m: f64| Metres(m).miles_3dp();
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
    d.could_change = !near.is_empty() && d.outcome != crate::decide::Outcome::Error;
    let HomeFrom::Postcode { quality, .. } = *from else {
        if d.could_change {
            d.warnings.push(format!(
                "could change with a more exact home point: {}, within the {uncertainty_m:.0} m \
                 the distances may be out by (the home point's quality, {point_error:.0} m, and \
                 where the walk was taken to start, {inferred_start_m:.0} m from it); check where \
                 the property meets the road",
                near.join("; ")
            ));
        }
        return d;
    };
    d.provisional = true;
    d.warnings.insert(
        0,
        format!(
            "provisional: the home is its postcode's centroid (Code-Point Open, positional \
             quality {quality}), which may be up to {point_error:.0} m from the property; \
             decide again from the UPRN or the home's coordinates before the letter goes out"
        ),
    );
    if !d.could_change {
        return d;
    }
    let clause = ctx.policy.walk_start.cite.clause.clone();
    let reasons = vec![
        Reason {
            clause: clause.clone(),
            text: format!(
                "The home is placed at its postcode's centroid, which may be up to \
                 {point_error:.0} m from the property, and {}: measured from the property \
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
    r.uncertainty_m = given.uncertainty_m;
    r.could_change = true;
    r
}
