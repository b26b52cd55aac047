//! Small builders shared by the network tests, so each test reads as its hand-drawn network.

use geo::{Euclidean, Length, LineString};

use super::{EdgeAttrs, Oneway, RawEdge, Route, Snap};

/// A two-way road: walkable and drivable.
pub(crate) fn road(id: &str, pts: &[(f64, f64)]) -> RawEdge {
    RawEdge {
        attrs: EdgeAttrs {
            id: id.into(),
            walk: true,
            drive: true,
            ..Default::default()
        },
        geometry: LineString::from(pts.to_vec()),
    }
}

/// A footpath: walkable only.
pub(crate) fn path(id: &str, pts: &[(f64, f64)]) -> RawEdge {
    let mut e = road(id, pts);
    e.attrs.drive = false;
    e
}

/// A road drivable only in `oneway`'s direction.
pub(crate) fn oneway(id: &str, pts: &[(f64, f64)], oneway: Oneway) -> RawEdge {
    let mut e = road(id, pts);
    e.attrs.oneway = oneway;
    e
}

/// A road whose walk is assessed unsafe.
pub(crate) fn unsafe_road(id: &str, pts: &[(f64, f64)]) -> RawEdge {
    let mut e = road(id, pts);
    e.attrs.unsafe_walk = true;
    e.attrs.unsafe_ref = Some("RSA-1".into());
    e
}

/// Checks what every route must satisfy: it starts at the home's snap point, ends at the chosen
/// target's snap point, and its length equals both its geometry's length and `distance`.
pub(crate) fn check_route(route: &Route, home: &Snap, targets: &[Snap], distance: f64) {
    let g = &route.geometry.0;
    assert!(g.len() >= 2, "route geometry has {} points", g.len());
    assert_eq!(
        g[0], home.point.0,
        "route must start at the home's snap point"
    );
    assert_eq!(
        *g.last().unwrap(),
        targets[route.target].point.0,
        "route must end at the target's snap point"
    );
    let geometric = Euclidean.length(&route.geometry);
    // Lengths add as whole micrometres (see `length`): half a micrometre per edge at most.
    assert!(
        (geometric - route.length_m).abs() <= 1e-6 * (route.edges.len() + 2) as f64,
        "geometry length {geometric} vs length_m {}",
        route.length_m
    );
    assert!(
        (route.length_m - distance).abs() < 1e-6,
        "route {} vs distance {distance}",
        route.length_m
    );
    assert_eq!(route.edge_ids.first(), Some(&home.edge_id));
    assert_eq!(route.edge_ids.last(), Some(&targets[route.target].edge_id));
}
