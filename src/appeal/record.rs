//! The routes a decision rests on, as an appeal panel needs to see them (clause 5.2: "was the
//! distance measured correctly, and was the route safe"): for the school decided, the measured
//! walking route and, where a rule used it, the driven route, each with its geometry, length,
//! the entrance reached, where the home was placed on the network, and the route safety audits
//! (clause 1.5.4) whose stretches the walking route had to avoid.

use serde::Serialize;

use crate::area::{Area, Urn, WalkStartRule};
use crate::decide::{Case, Decision};
use crate::network::{Mode, Snap};
use crate::units::Metres;

/// One measured route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedRoute {
    /// Why the route is in the record.
    pub purpose: &'static str,
    pub mode: Mode,
    pub school_urn: Urn,
    /// Metres, unrounded: the figure the decision compared.
    pub length_m: f64,
    /// Miles to three decimals, as the decision prints them.
    pub length_mi: String,
    /// The school entrance reached.
    pub entrance: String,
    /// Where the home was placed on the network, and how far that was.
    pub home_snap: Snap,
    /// The route from the home's place on the network to the entrance's, BNG metres.
    pub geometry: Vec<[f64; 2]>,
    /// Network edge ids along the route, in order.
    pub edge_ids: Vec<String>,
    /// Audits whose unsafe stretches lie on the shorter route that ignores safety: what the
    /// walking route had to avoid (clause 1.5.4). Empty for driven routes.
    pub audits_avoided: Vec<String>,
}

/// The routes behind a decision: walking (when a walking distance was measured to the school
/// decided) and driven (when a driven distance was). A route that cannot be found is simply not
/// listed: the decision already says "no available route".
pub fn measured_routes(
    area: &Area,
    start: &WalkStartRule,
    case: &Case,
    d: &Decision,
) -> Vec<RecordedRoute> {
    let Some(school) = &d.school else {
        return Vec::new();
    };
    let home = area.locate(case.home, case.access_point, start);
    let mut out = Vec::new();
    let wanted = [
        (
            d.distances.walking_m.is_some(),
            Mode::Walk,
            "shortest available walking route to the school decided",
        ),
        (
            d.distances.driven_m.is_some(),
            Mode::Drive,
            "shortest driven route to the school decided",
        ),
    ];
    for (measured, mode, purpose) in wanted {
        if !measured {
            continue;
        }
        let (Ok(Some(m)), Ok(Some(route))) = (
            area.measure(&home, school.urn, mode),
            area.route(&home, school.urn, mode),
        ) else {
            continue;
        };
        let audits_avoided = if mode == Mode::Walk {
            match area.route(&home, school.urn, Mode::WalkIgnoringSafety) {
                Ok(Some(r)) if r.length_m < route.length_m => area.network().unsafe_refs(&r),
                _ => Vec::new(),
            }
        } else {
            Vec::new()
        };
        out.push(RecordedRoute {
            purpose,
            mode,
            school_urn: school.urn,
            length_m: m.length_m,
            length_mi: Metres(m.length_m).miles_3dp(),
            entrance: m.entrance,
            home_snap: m.home_snap,
            geometry: route.geometry.coords().map(|c| [c.x, c.y]).collect(),
            edge_ids: route.edge_ids,
            audits_avoided,
        });
    }
    out
}
