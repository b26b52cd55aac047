//! A home about as near two adopted roads (clause 1.1.1: walks start "from where the property
//! meets the adopted road"). The map cannot tell which road the property meets, so the case is
//! decided from each road: the same decision stands, with a warning giving both walks; different
//! decisions send the case to an officer, who records the access point and decides again.

use super::case::Case;
use super::context::{Ctx, DecideError};
use super::decision::{Decision, Reason};
use super::two_readings::{refer_to_officer, same_decision, summary};
use crate::area::RoadPoint;
use crate::units::Metres;

/// A walking distance for a sentence: "1.234 mi", or "no available route".
fn walk(d: &Decision) -> String {
    match (
        d.distances.walking_m,
        d.distances.no_available_walking_route,
    ) {
        (Some(m), _) => format!("{} mi", Metres(m).miles_3dp()),
        (None, true) => "no available route".into(),
        (None, false) => "not measured".into(),
    }
}

/// Settles a case whose home is about as near `road` (the nearest adopted road, which `d` was
/// decided from) as `other`; `decide` decides a copy of the case.
pub(super) fn settle(
    ctx: &Ctx,
    d: Decision,
    road: &RoadPoint,
    other: &RoadPoint,
    decide: impl Fn(&Case) -> Result<Decision, DecideError>,
) -> Result<Decision, DecideError> {
    let alt = decide(&Case {
        access_point: Some(other.point),
        ..ctx.case.clone()
    })?;
    let clause = ctx.policy.walk_start.cite.clause.clone();
    let (a, b) = (road.road(), other.road());
    let roads = format!(
        "{a} ({:.1} m from the home's point) and {b} ({:.1} m)",
        road.distance_m, other.distance_m
    );
    let walks = format!(
        "the walking route to {} is {} from {a} and {} from {b}",
        ctx.school.name,
        walk(&d),
        walk(&alt)
    );
    if same_decision(&d, &alt) {
        let mut d = d;
        d.warnings.push(format!(
            "access point ambiguous: the home is about as near two roads, {roads} (clause \
             {clause}); {walks}; the decision is the same from either (figures that follow from \
             the distances, such as a fuel contribution, are from {a})"
        ));
        return Ok(d);
    }
    let reasons = vec![
        Reason {
            clause: clause.clone(),
            text: format!(
                "Walks are measured from where the property meets the adopted road, and the \
                 home's point is about as near two roads: {roads}, so the map cannot tell which \
                 one it meets; {walks}. Record where the property meets the road \
                 (access_easting, access_northing) and decide again."
            ),
            figures: None,
        },
        Reason {
            clause: clause.clone(),
            text: format!(
                "Decided from {a}: {}; from {b}: {}.",
                summary(&d),
                summary(&alt)
            ),
            figures: None,
        },
    ];
    let given = d.clone();
    Ok(refer_to_officer(ctx, d, clause, reasons, [&given, &alt]))
}
