//! Snapping points onto the network: perpendicular foot on the nearest edge, never the nearest node.
//!
//! Homes and school entrances rarely sit on a junction. Measuring from the nearest junction would
//! add or drop up to half a street's length, so a point is placed at the perpendicular foot on the
//! nearest segment of the nearest usable edge, splitting that edge in two; the route then counts
//! only the part of the edge beyond the foot. The edges are found through the network's grid of
//! edges by cell (see `grid`), which lists every edge once for all layers (modes, adopted
//! roads); a search skips the edges of other layers, so a home is never placed on a motorway for
//! walking or on a footpath for driving. Ties go to the lowest (distance, edge, segment), so the
//! answer is exactly that of looking at every edge (tested).

use geo::{Coord, Distance, Euclidean};
use thiserror::Error;

use super::grid::Met;

use super::graph::Layer;
#[cfg(test)]
use super::Mode;
use super::Network;

/// A point placed on an edge of one mode's graph.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Snap {
    /// The input point.
    pub from: geo::Point<f64>,
    /// Where it meets the network (the perpendicular foot, or an edge end).
    pub point: geo::Point<f64>,
    /// Straight-line distance from `from` to `point`, metres.
    pub distance_m: f64,
    /// Id of the source edge snapped onto.
    pub edge_id: String,
    #[serde(skip)]
    pub(crate) edge: usize,
    /// Distance along the edge from its first coordinate, metres.
    pub offset_m: f64,
}

impl Snap {
    /// Index of the source edge snapped onto (input order), for [`Network::edge_attrs`] and
    /// other per-edge look-ups.
    #[cfg(test)]
    pub fn edge_index(&self) -> usize {
        self.edge
    }
}

/// Why a point could not be placed on the network.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SnapError {
    /// The nearest usable edge is further than the caller allows: the point is probably wrong or
    /// the network does not cover it.
    #[error("no usable edge within {max_m:.0} m (nearest is {nearest_m:.0} m away)")]
    TooFar { max_m: f64, nearest_m: f64 },
    /// The mode has nothing to snap to (for example a network of footpaths only, for driving).
    #[error("the network has no edges usable for this mode")]
    NoEdges,
    /// NaN or infinite input coordinates.
    #[error("coordinate is not a finite number")]
    NonFinite,
    /// No adopted road, where a walk starts (clause 1.1.1), is near enough; `nearest_m` is how
    /// far the nearest is, `None` when the network has none.
    #[error(
        "routes start where the property meets the adopted road, and there is none within \
         {max_m:.0} m of the home{}",
        match nearest_m {
            Some(d) => format!(" (the nearest is {d:.0} m away)"),
            None => " (the network has none)".to_string(),
        }
    )]
    NoAdoptedRoad { max_m: f64, nearest_m: Option<f64> },
}

/// One straight segment of a source edge, as snapping looks at it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Segment {
    a: [f64; 2],
    b: [f64; 2],
    /// Source edge index.
    edge: u32,
    /// Segment index within the edge (from coordinate `seg` to `seg + 1`).
    seg: u32,
}

/// A snap names its segment within an edge in this many bits (a limit no real way comes near:
/// [`Network::build`] refuses an edge of more points, naming it).
pub(crate) const SEG_BITS: u32 = 28;

impl Segment {
    fn seg(&self) -> u32 {
        self.seg
    }

    /// Squared distance from `p` to the segment's nearest point.
    fn distance_2(&self, p: &[f64; 2]) -> f64 {
        let f = foot(self.a, self.b, *p);
        let (dx, dy) = (p[0] - f[0], p[1] - f[1]);
        dx * dx + dy * dy
    }
}

/// The point of segment `a`-`b` nearest to `p`: the perpendicular foot, clamped to the segment.
/// End points are returned exactly (not recomputed) so that a point snapped to a junction lies
/// exactly on it. The one such function: snapping here, and finding school entrances in the OSM
/// import (`crate::osm::import`). Written here rather than taken from geo's `ClosestPoint`, which
/// at the far end computes `start + (end - start)` (not always `end` in floating point) and gives
/// no point at all for a zero-length segment: either would move a snapped home off a junction
/// and change measured distances.
pub(crate) fn nearest_on_segment(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> Coord<f64> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return a;
    }
    let t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
    if t <= 0.0 {
        a
    } else if t >= 1.0 {
        b
    } else {
        Coord {
            x: a.x + t * dx,
            y: a.y + t * dy,
        }
    }
}

/// [`nearest_on_segment`] on `[x, y]` points.
fn foot(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> [f64; 2] {
    nearest_on_segment(a.into(), b.into(), p.into()).into()
}

/// The segments of edge `edge`'s geometry, leaving out zero-length ones (repeated vertices:
/// their neighbours cover the same point): what every way of snapping looks at.
fn segments_of(points: &[[f64; 2]], edge: usize) -> impl Iterator<Item = Segment> + '_ {
    points
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] != w[1])
        .map(move |(seg, w)| Segment {
            a: w[0],
            b: w[1],
            edge: edge as u32,
            seg: seg as u32,
        })
}

/// Squared distance from `q` to the bounding box of edge `edge` (0 inside it): no segment of
/// the edge can be nearer, so a scan skips edges beyond what it looks for.
#[cfg(test)]
fn bbox_distance_2(net: &Network, edge: usize, q: [f64; 2]) -> f64 {
    box_distance_2(net.bbox(edge), q)
}

/// Squared distance from `q` to a box (min x, min y, max x, max y), 0 inside it.
fn box_distance_2(b: &[f64; 4], q: [f64; 2]) -> f64 {
    let [x0, y0, x1, y1] = *b;
    let dx = (x0 - q[0]).max(q[0] - x1).max(0.0);
    let dy = (y0 - q[1]).max(q[1] - y1).max(0.0);
    dx * dx + dy * dy
}

/// Squared distance, segment-edge index and segment index: the smallest such triple over every
/// usable segment is where a point snaps, whichever way it is found.
type Nearest = (f64, u32, u32);

/// A little more than `d2`, so that candidates equally near up to rounding are still looked at.
fn with_slack(d2: f64) -> f64 {
    d2 + d2 * 1e-9 + 1e-12
}

/// Whether nothing at squared distance `d2` (a lower bound) can beat `best` in any of the
/// layers.
fn beyond(d2: f64, best: &[Option<Nearest>]) -> bool {
    best.iter().all(|b| b.is_some_and(|b| d2 > with_slack(b.0)))
}

/// The nearest segment of each of `layers` by the edges' grid (see `grid`): cells around the
/// point until no edge further out can beat the best found in every layer, skipping edges whose
/// bounding box is further than that: the same smallest (distance, edge, segment) as
/// [`nearest_by_scan`], with the same distance computation. Several layers from one point (a
/// home is placed on the walking and the driving network from the same point) take one pass.
pub(crate) fn nearest_by_grid<const N: usize>(
    net: &Network,
    layers: [Layer; N],
    q: [f64; 2],
) -> [Option<Nearest>; N] {
    let (topo, boxes) = net.topo_and_boxes();
    let mut best: [Option<Nearest>; N] = [None; N];
    net.grid().around(q, |met| {
        let edge = match met {
            Met::Edge(edge) => edge,
            Met::Ring(bound2) => return beyond(bound2, &best),
        };
        {
            let e = edge as usize;
            let t = &topo[e];
            let d2 = box_distance_2(&boxes[e], q);
            let mut segments = None;
            for (layer, b) in layers.iter().zip(best.iter_mut()) {
                if t.dirs[layer.slot()] == 0 || b.is_some_and(|b| d2 > with_slack(b.0)) {
                    continue;
                }
                let segs = segments.get_or_insert_with(|| {
                    segments_of(net.points(e), e)
                        .map(|s| (s.distance_2(&q), s.edge, s.seg()))
                        .reduce(smaller)
                });
                if let Some(k) = *segs {
                    if b.is_none_or(|b| k < b) {
                        *b = Some(k);
                    }
                }
            }
        }
        false
    });
    best
}

/// The nearest usable segment by looking at every usable edge, skipping those whose bounding box
/// is further than the best found: what the grid's answer is checked against.
#[cfg(test)]
pub(crate) fn nearest_by_scan(net: &Network, layer: Layer, q: [f64; 2]) -> Option<Nearest> {
    let slot = layer.slot();
    let mut best: Option<Nearest> = None;
    for edge in 0..net.edge_count() {
        if net.topo(edge).dirs[slot] == 0 {
            continue;
        }
        if best.is_some_and(|b| bbox_distance_2(net, edge, q) > with_slack(b.0)) {
            continue;
        }
        for s in segments_of(net.points(edge), edge) {
            let key = (s.distance_2(&q), s.edge, s.seg());
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
    }
    best
}

/// See [`Network::snap`] and [`Network::snap_to_adopted_road`].
pub(crate) fn snap(
    net: &Network,
    layer: Layer,
    p: geo::Point<f64>,
    max_m: f64,
) -> Result<Snap, SnapError> {
    let [s] = snap_each(net, [layer], p, max_m);
    s
}

/// [`snap`] in several layers from one point, in one pass through the grid.
pub(crate) fn snap_each<const N: usize>(
    net: &Network,
    layers: [Layer; N],
    p: geo::Point<f64>,
    max_m: f64,
) -> [Result<Snap, SnapError>; N] {
    if !p.x().is_finite() || !p.y().is_finite() {
        return layers.map(|_| Err(SnapError::NonFinite));
    }
    let best = nearest_by_grid(net, layers, [p.x(), p.y()]);
    std::array::from_fn(|i| placed_within(net, layers[i], p, best[i], max_m))
}

/// The snap at the nearest segment found in `layer`, or why there is none within `max_m`.
fn placed_within(
    net: &Network,
    layer: Layer,
    p: geo::Point<f64>,
    best: Option<Nearest>,
    max_m: f64,
) -> Result<Snap, SnapError> {
    let Some((_, edge, seg)) = best else {
        return Err(match layer {
            Layer::AdoptedRoads => SnapError::NoAdoptedRoad {
                max_m,
                nearest_m: None,
            },
            Layer::Mode(_) => SnapError::NoEdges,
        });
    };
    let s = placed(net, p, edge as usize, seg as usize);
    // A NaN limit refuses everything rather than accepting everything.
    if max_m.is_nan() || s.distance_m > max_m {
        return Err(match layer {
            Layer::AdoptedRoads => SnapError::NoAdoptedRoad {
                max_m,
                nearest_m: Some(s.distance_m),
            },
            Layer::Mode(_) => SnapError::TooFar {
                max_m,
                nearest_m: s.distance_m,
            },
        });
    }
    Ok(s)
}

/// `p` placed at its perpendicular foot on segment `seg` of `edge`.
fn placed(net: &Network, p: geo::Point<f64>, edge: usize, seg: usize) -> Snap {
    let q = [p.x(), p.y()];
    let points = net.points(edge);
    let (a, b) = (points[seg], points[seg + 1]);
    let f = foot(a, b, q);
    let point = geo::Point::new(f[0], f[1]);
    let distance_m = Euclidean.distance(p, point);
    let len = net.topo(edge).len;
    let offset_m =
        (net.cum(edge)[seg] + Euclidean.distance(Coord::from(a), Coord::from(f))).clamp(0.0, len);
    Snap {
        from: p,
        point,
        distance_m,
        edge_id: net.edge_id(edge).to_string(),
        edge,
        offset_m,
    }
}

/// Which road an edge belongs to, for telling two roads apart: its name (trimmed, in any case),
/// else the edge itself. Borrowed, since it is asked for every segment near every home.
#[derive(Debug, Clone, Copy)]
enum RoadKey<'a> {
    Named(&'a str),
    Edge(u32),
}

impl PartialEq for RoadKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (RoadKey::Named(a), RoadKey::Named(b)) => a.eq_ignore_ascii_case(b),
            (RoadKey::Edge(a), RoadKey::Edge(b)) => a == b,
            _ => false,
        }
    }
}

fn road_of(net: &Network, edge: u32) -> RoadKey<'_> {
    match net.name(edge as usize) {
        Some(n) => RoadKey::Named(n.trim()),
        None => RoadKey::Edge(edge),
    }
}

/// Every adopted-road segment within `reach2` (squared metres) of `q`, by the grid, in edge
/// order; callers reduce them in an order-free way.
fn adopted_segments_within(net: &Network, q: [f64; 2], reach2: f64) -> Vec<Segment> {
    let slot = Layer::AdoptedRoads.slot();
    let (topo, boxes) = net.topo_and_boxes();
    let mut edges: Vec<u32> = Vec::new();
    net.grid().around(q, |met| match met {
        Met::Edge(e) => {
            if topo[e as usize].dirs[slot] != 0 && box_distance_2(&boxes[e as usize], q) <= reach2 {
                edges.push(e);
            }
            false
        }
        Met::Ring(bound2) => bound2 > reach2,
    });
    // Edges listed in several cells are met more than once; each counts once, in edge order
    // (as a scan of every edge would find them).
    edges.sort_unstable();
    edges.dedup();
    edges
        .into_iter()
        .flat_map(|e| segments_of(net.points(e as usize), e as usize))
        .filter(|s| s.distance_2(&q) <= reach2)
        .collect()
}

/// The smaller of two (squared distance, edge, segment) keys: by distance, then edge, then
/// segment, so the choice never depends on the order candidates were found in.
fn smaller(a: Nearest, b: Nearest) -> Nearest {
    if b.0
        .total_cmp(&a.0)
        .then((b.1, b.2).cmp(&(a.1, a.2)))
        .is_lt()
    {
        b
    } else {
        a
    }
}

/// See [`Network::other_adopted_road`]. Each other road's nearest point is found first (over all
/// its edges within reach); a road whose nearest point lies on the first road (a side road
/// meeting it at a junction, or an unnamed edge continuing it) is the same place on the first
/// road, not another road; of the rest, a road meeting the home more than `within_m` from the
/// first's point, no more than `within_m` further away (and within `max_m`) is returned, the
/// nearest first.
pub(crate) fn other_road(
    net: &Network,
    p: geo::Point<f64>,
    first: &Snap,
    within_m: f64,
    max_m: f64,
) -> Option<Snap> {
    if !within_m.is_finite() || within_m < 0.0 || max_m.is_nan() {
        return None;
    }
    let q = [p.x(), p.y()];
    let reach = (first.distance_m + within_m).min(max_m);
    let segs = adopted_segments_within(net, q, with_slack(reach * reach));
    let first_road = road_of(net, first.edge as u32);
    let mut per_road: Vec<(RoadKey, Nearest)> = Vec::new();
    for s in &segs {
        let road = road_of(net, s.edge);
        if road == first_road {
            continue;
        }
        let key = (s.distance_2(&q), s.edge, s.seg());
        match per_road.iter_mut().find(|(r, _)| *r == road) {
            Some((_, best)) => *best = smaller(*best, key),
            None => per_road.push((road, key)),
        }
    }
    // A point within a millimetre of the first road lies on it.
    let on_first = |pt: [f64; 2]| {
        segs.iter()
            .any(|s| road_of(net, s.edge) == first_road && s.distance_2(&pt) <= 1e-6)
    };
    let best = per_road
        .into_iter()
        .map(|(_, key)| key)
        .filter(|k| k.0 <= reach * reach)
        .filter(|&(_, edge, seg)| {
            let s = segs
                .iter()
                .find(|s| s.edge == edge && s.seg() == seg)
                .expect("the key came from these segments");
            let f = foot(s.a, s.b, q);
            !on_first(f) && Euclidean.distance(first.point, geo::Point::new(f[0], f[1])) > within_m
        })
        .reduce(smaller)?;
    Some(placed(net, p, best.1 as usize, best.2 as usize))
}

#[cfg(test)]
mod tests {
    use geo::Point;

    use super::*;
    use crate::network::testutil::{path, road};

    #[test]
    fn snaps_to_the_perpendicular_foot_mid_edge_not_the_nearest_node() {
        // Edge "bend": (0,0) -> (100,0) -> (100,100), 200 m. The point (110, 40) is 10 m from
        // the foot (100, 40) on the second segment, while the nearest junction (0,0)/(100,100)
        // is 60+ m away and the interior vertex (100,0) is sqrt(10² + 40²) = 41.2 m away.
        // Offset along the edge = 100 (first segment) + 40 = 140.
        let net = Network::build(vec![road(
            "bend",
            &[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)],
        )])
        .unwrap();
        let s = net.snap(Mode::Walk, Point::new(110.0, 40.0), 50.0).unwrap();
        assert_eq!(s.point, Point::new(100.0, 40.0));
        assert_eq!(s.distance_m, 10.0);
        assert_eq!(s.offset_m, 140.0);
        assert_eq!(s.edge_id, "bend");
        assert_eq!(s.edge_index(), 0);
        assert_eq!(s.from, Point::new(110.0, 40.0));
    }

    #[test]
    fn beyond_an_end_snaps_to_the_end() {
        // (-30, 40) is beyond the first end (0,0) of "a": foot clamps to (0,0), 50 m away.
        let net = Network::build(vec![road("a", &[(0.0, 0.0), (100.0, 0.0)])]).unwrap();
        let s = net
            .snap(Mode::Drive, Point::new(-30.0, 40.0), 60.0)
            .unwrap();
        assert_eq!(
            (s.point, s.offset_m, s.distance_m),
            (Point::new(0.0, 0.0), 0.0, 50.0)
        );
        let s = net
            .snap(Mode::Drive, Point::new(130.0, 40.0), 60.0)
            .unwrap();
        assert_eq!((s.point, s.offset_m), (Point::new(100.0, 0.0), 100.0));
    }

    #[test]
    fn only_edges_usable_in_the_mode_are_candidates() {
        // A footpath 5 m away and a road 20 m away: walking takes the path, driving the road.
        let net = Network::build(vec![
            path("path", &[(0.0, 5.0), (100.0, 5.0)]),
            road("road", &[(0.0, -20.0), (100.0, -20.0)]),
        ])
        .unwrap();
        let p = Point::new(50.0, 0.0);
        assert_eq!(net.snap(Mode::Walk, p, 100.0).unwrap().edge_id, "path");
        let d = net.snap(Mode::Drive, p, 100.0).unwrap();
        assert_eq!((d.edge_id.as_str(), d.distance_m), ("road", 20.0));
    }

    #[test]
    fn too_far_no_edges_and_non_finite_are_errors() {
        let net = Network::build(vec![path("path", &[(0.0, 0.0), (100.0, 0.0)])]).unwrap();
        assert_eq!(
            net.snap(Mode::Walk, Point::new(50.0, 30.0), 25.0),
            Err(SnapError::TooFar {
                max_m: 25.0,
                nearest_m: 30.0
            })
        );
        assert_eq!(
            net.snap(Mode::Drive, Point::new(50.0, 0.0), 25.0),
            Err(SnapError::NoEdges)
        );
        assert_eq!(
            net.snap(Mode::Walk, Point::new(f64::NAN, 0.0), 25.0),
            Err(SnapError::NonFinite)
        );
        assert_eq!(
            net.snap(Mode::Walk, Point::new(0.0, f64::INFINITY), 25.0),
            Err(SnapError::NonFinite)
        );
    }

    #[test]
    fn ties_go_to_the_lowest_edge_index_whatever_the_input_order() {
        // Two parallel edges 10 m either side of the point: equally near, lowest index wins.
        let north = road("north", &[(0.0, 10.0), (100.0, 10.0)]);
        let south = road("south", &[(0.0, -10.0), (100.0, -10.0)]);
        let p = Point::new(50.0, 0.0);
        let a = Network::build(vec![north.clone(), south.clone()]).unwrap();
        let b = Network::build(vec![south, north]).unwrap();
        assert_eq!(a.snap(Mode::Walk, p, 50.0).unwrap().edge_id, "north");
        assert_eq!(b.snap(Mode::Walk, p, 50.0).unwrap().edge_id, "south");
        // Four edges meeting at a junction: a point nearest the junction itself lands on it,
        // on edge 0, at offset 0 or its length.
        let star = Network::build(vec![
            road("e", &[(0.0, 0.0), (100.0, 0.0)]),
            road("n", &[(0.0, 0.0), (0.0, 100.0)]),
            road("w", &[(-100.0, 0.0), (0.0, 0.0)]),
            road("s", &[(0.0, -100.0), (0.0, 0.0)]),
        ])
        .unwrap();
        for _ in 0..3 {
            let s = star.snap(Mode::Drive, Point::new(0.0, 0.0), 1.0).unwrap();
            assert_eq!((s.edge_id.as_str(), s.offset_m), ("e", 0.0));
        }
    }

    #[test]
    fn the_grid_and_a_scan_of_every_edge_snap_to_the_same_place() {
        // A jittered grid with bends, footpaths, one-way and unsafe streets; points anywhere,
        // including exactly on junctions and vertices (ties between edges) and outside the
        // network's box. Every mode must give the same (distance, edge, segment) through the
        // grid as by scanning every edge. The grid lists every layer's edges, so each layer must
        // find only its own (the grid has footpaths a car may not use, and stretches assessed
        // unsafe to walk).
        let net = Network::build(crate::network::synthetic::grid(
            12,
            9,
            100.0,
            (1000.0, 2000.0),
            3,
        ))
        .unwrap();
        let mut rng = crate::network::synthetic::SplitMix(11);
        let mut points: Vec<[f64; 2]> = (0..400)
            .map(|_| [900.0 + rng.unit() * 1300.0, 1900.0 + rng.unit() * 1000.0])
            .collect();
        for (_, g, _) in net.edges() {
            points.extend(g.0.iter().map(|c| [c.x, c.y]));
        }
        let layers = [
            Layer::Mode(Mode::Walk),
            Layer::Mode(Mode::WalkIgnoringSafety),
            Layer::Mode(Mode::Drive),
            Layer::AdoptedRoads,
        ];
        let mut differs = [0; 4];
        for q in &points {
            // All four layers in one pass, each as if searched alone and as by scanning.
            let together = nearest_by_grid(&net, layers, *q);
            for (i, layer) in layers.into_iter().enumerate() {
                let found = nearest_by_grid(&net, [layer], *q)[0];
                assert_eq!(
                    nearest_by_scan(&net, layer, *q),
                    found,
                    "{layer:?} at {q:?}"
                );
                assert_eq!(
                    together[i], found,
                    "{layer:?} at {q:?}, four layers at once"
                );
                let (_, edge, _) = found.expect("every layer has edges here");
                assert_ne!(net.topo(edge as usize).dirs[layer.slot()], 0, "{layer:?}");
                differs[i] += usize::from(together[0] != found);
            }
        }
        // The layers differ here, so the layer filter is what chose.
        assert!(differs[1..].iter().all(|&d| d > 0), "{differs:?}");
        // Adopted-road segments within a reach, by the grid, are those every edge gives, in
        // edge order.
        for q in points.iter().step_by(7) {
            for reach in [0.5, 30.0, 140.0] {
                let r2 = reach * reach;
                let all: Vec<Segment> = (0..net.edge_count())
                    .filter(|&e| net.topo(e).dirs[Layer::AdoptedRoads.slot()] != 0)
                    .flat_map(|e| segments_of(net.points(e), e))
                    .filter(|s| s.distance_2(q) <= r2)
                    .collect();
                assert_eq!(adopted_segments_within(&net, *q, r2), all, "{q:?} {reach}");
            }
        }
    }

    #[test]
    fn many_segments_still_find_the_true_nearest() {
        // A zig-zag of 200 segments in one edge; a point near segment 137 must land on it.
        let pts: Vec<(f64, f64)> = (0..=200)
            .map(|i| (i as f64 * 10.0, if i % 2 == 0 { 0.0 } else { 10.0 }))
            .collect();
        let net = Network::build(vec![road("zig", &pts)]).unwrap();
        // Segment 137 runs from (1370, 10) to (1380, 0), direction (10, -10). For (1377, 6):
        // t = ((7, -4) . (10, -10)) / 200 = 0.55, foot (1375.5, 4.5), 1.5·sqrt(2) m away;
        // offset = 137 whole segments of sqrt(200) m plus 0.55 of one.
        let s = net.snap(Mode::Walk, Point::new(1377.0, 6.0), 5.0).unwrap();
        assert!((s.point.x() - 1375.5).abs() < 1e-9 && (s.point.y() - 4.5).abs() < 1e-9);
        assert!((s.distance_m - 1.5 * 2f64.sqrt()).abs() < 1e-9);
        let seg = 200f64.sqrt();
        assert!((s.offset_m - 137.55 * seg).abs() < 1e-9);
    }

    /// An edge with a name and a road class.
    fn classed(
        mut e: crate::network::RawEdge,
        name: Option<&str>,
        class: Option<crate::network::RoadClass>,
    ) -> crate::network::RawEdge {
        e.attrs.name = name.map(Into::into);
        e.attrs.road_class = class;
        e
    }

    #[test]
    fn a_walk_starts_on_the_nearest_adopted_road_never_a_path_or_a_private_drive() {
        use crate::network::RoadClass::*;
        // From (50, 0): a footpath 5 m north, a private drive 8 m south, the adopted road 30 m
        // north.
        let net = Network::build(vec![
            classed(path("path", &[(0.0, 5.0), (100.0, 5.0)]), None, Some(Path)),
            classed(
                road("drive", &[(0.0, -8.0), (100.0, -8.0)]),
                None,
                Some(Private),
            ),
            classed(
                road("road", &[(0.0, 30.0), (100.0, 30.0)]),
                Some("High Street"),
                Some(AdoptedRoad),
            ),
        ])
        .unwrap();
        let p = Point::new(50.0, 0.0);
        let s = net.snap_to_adopted_road(p, 100.0).unwrap();
        assert_eq!((s.edge_id.as_str(), s.distance_m), ("road", 30.0));
        assert_eq!(s.point, Point::new(50.0, 30.0));
        assert_eq!(net.edge_name(&s).as_deref(), Some("High Street"));
        assert_eq!(net.snap(Mode::Walk, p, 100.0).unwrap().edge_id, "path");
        assert_eq!(
            net.snap_to_adopted_road(p, 20.0),
            Err(SnapError::NoAdoptedRoad {
                max_m: 20.0,
                nearest_m: Some(30.0)
            })
        );
        // A network without road classes counts its drivable edges as roads: the drive.
        let unclassed = Network::build(vec![
            path("path", &[(0.0, 5.0), (100.0, 5.0)]),
            road("drive", &[(0.0, -8.0), (100.0, -8.0)]),
        ])
        .unwrap();
        assert_eq!(
            unclassed.snap_to_adopted_road(p, 100.0).unwrap().edge_id,
            "drive"
        );
        // Paths only: no road at all.
        let paths = Network::build(vec![path("path", &[(0.0, 5.0), (100.0, 5.0)])]).unwrap();
        let e = paths.snap_to_adopted_road(p, 100.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "routes start where the property meets the adopted road, and there is none within \
             100 m of the home (the network has none)"
        );
    }

    #[test]
    fn another_road_about_as_near_is_found() {
        // A corner: Long Road along y = 0 and Ridge Road along x = 0, both named; the home at
        // (22, 20) is 20 m from Long Road and 22 m from Ridge Road, whose nearest points are
        // 29.7 m apart. Long Road continues as a second edge of the same name, 21 m away.
        let net = Network::build(vec![
            classed(
                road("long-1", &[(0.0, 0.0), (100.0, 0.0)]),
                Some("Long Road"),
                None,
            ),
            classed(
                road("long-2", &[(-100.0, -1.0), (0.0, -1.0)]),
                Some("Long Road"),
                None,
            ),
            classed(
                road("ridge", &[(0.0, 5.0), (0.0, 100.0)]),
                Some("Ridge Road"),
                None,
            ),
        ])
        .unwrap();
        let p = Point::new(22.0, 20.0);
        let first = net.snap_to_adopted_road(p, 100.0).unwrap();
        assert_eq!((first.edge_id.as_str(), first.distance_m), ("long-1", 20.0));
        let other = |within: f64| net.other_adopted_road(p, &first, within, 100.0);
        let o = other(5.0).expect("Ridge Road is within 5 m of Long Road's 20 m");
        assert_eq!((o.edge_id.as_str(), o.distance_m), ("ridge", 22.0));
        assert_eq!(o.point, Point::new(0.0, 20.0));
        // 1 m is too tight (22 > 20 + 1); a negative or NaN tolerance finds nothing.
        assert_eq!(other(1.0), None);
        assert_eq!(other(-1.0), None);
        assert_eq!(other(f64::NAN), None);
        // With 40 m, the points (22, 0) and (0, 20) are no more than 40 m apart: the same place.
        assert_eq!(other(40.0), None);
        // Two edges of one road are one road, whatever the case or spacing of the name.
        let same = Network::build(vec![
            classed(
                road("a", &[(0.0, 0.0), (100.0, 0.0)]),
                Some("Long Road"),
                None,
            ),
            classed(
                road("b", &[(0.0, 5.0), (0.0, 100.0)]),
                Some(" long road "),
                None,
            ),
        ])
        .unwrap();
        let first = same.snap_to_adopted_road(p, 100.0).unwrap();
        assert_eq!(same.other_adopted_road(p, &first, 5.0, 100.0), None);
        // Unnamed edges are told apart by edge.
        let unnamed = Network::build(vec![
            road("a", &[(0.0, 0.0), (100.0, 0.0)]),
            road("b", &[(0.0, 5.0), (0.0, 100.0)]),
        ])
        .unwrap();
        let first = unnamed.snap_to_adopted_road(p, 100.0).unwrap();
        assert_eq!(
            unnamed
                .other_adopted_road(p, &first, 5.0, 100.0)
                .map(|s| s.edge_id),
            Some("b".into())
        );
        // ... but never beyond the furthest a home may be placed (21 m here).
        assert_eq!(unnamed.other_adopted_road(p, &first, 5.0, 21.0), None);
    }

    #[test]
    fn a_road_whose_nearest_point_lies_on_the_first_road_is_not_another_road() {
        // Side Street meets Long Road at (30, 0) and runs south: from the home at (20, 20) its
        // nearest point is that junction, 22.4 m away and 10 m along Long Road from the home's
        // nearest point (20, 0). It is the same place on Long Road, not a second road.
        let net = Network::build(vec![
            classed(
                road("long", &[(0.0, 0.0), (100.0, 0.0)]),
                Some("Long Road"),
                None,
            ),
            classed(
                road("side", &[(30.0, 0.0), (30.0, -100.0)]),
                Some("Side Street"),
                None,
            ),
        ])
        .unwrap();
        let p = Point::new(20.0, 20.0);
        let first = net.snap_to_adopted_road(p, 100.0).unwrap();
        assert_eq!(first.edge_id, "long");
        assert_eq!(net.other_adopted_road(p, &first, 5.0, 100.0), None);
        // An unnamed edge continuing the first unnamed one, from its shared end: the same road.
        let net = Network::build(vec![
            road("a", &[(0.0, 0.0), (12.0, 0.0)]),
            road("b", &[(12.0, 0.0), (100.0, 0.0)]),
        ])
        .unwrap();
        let p = Point::new(0.0, 20.0);
        let first = net.snap_to_adopted_road(p, 100.0).unwrap();
        assert_eq!(first.edge_id, "a");
        assert_eq!(net.other_adopted_road(p, &first, 5.0, 100.0), None);
    }
}
