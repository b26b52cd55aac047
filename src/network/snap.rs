//! Snapping points onto the network: perpendicular foot on the nearest edge, never the nearest node.
//!
//! Homes and school entrances rarely sit on a junction. Measuring from the nearest junction would
//! add or drop up to half a street's length, so a point is placed at the perpendicular foot on the
//! nearest segment of the nearest usable edge, splitting that edge in two; the route then counts
//! only the part of the edge beyond the foot. One R-tree per mode holds the individual segments of
//! the edges that mode may use, so a home is never placed on a motorway for walking or on a
//! footpath for driving.

use geo::{Coord, Distance, Euclidean, LineString};
use rstar::{PointDistance, RTree, RTreeObject, AABB};
use thiserror::Error;

use super::{Mode, Network};

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
}

/// One straight segment of a source edge, as stored in a mode's R-tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    a: [f64; 2],
    b: [f64; 2],
    /// Source edge index.
    edge: u32,
    /// Segment index within the edge: from coordinate `seg` to `seg + 1`.
    seg: u32,
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(self.a, self.b)
    }
}

impl PointDistance for Segment {
    fn distance_2(&self, p: &[f64; 2]) -> f64 {
        let f = foot(self.a, self.b, *p);
        let (dx, dy) = (p[0] - f[0], p[1] - f[1]);
        dx * dx + dy * dy
    }
}

/// The point of segment `a`-`b` nearest to `p`: the perpendicular foot, clamped to the segment.
/// End points are returned exactly (not recomputed) so that a point snapped to a junction lies
/// exactly on it.
fn foot(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> [f64; 2] {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return a;
    }
    let t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
    if t <= 0.0 {
        a
    } else if t >= 1.0 {
        b
    } else {
        [a[0] + t * dx, a[1] + t * dy]
    }
}

/// Builds one mode's R-tree from `(geometry, usable)` per edge, in edge order. Zero-length
/// segments (repeated vertices) are left out: their neighbours cover the same point.
pub(crate) fn build_index<'a>(
    edges: impl Iterator<Item = (&'a LineString<f64>, bool)>,
) -> RTree<Segment> {
    let mut segs = Vec::new();
    for (edge, (geometry, usable)) in edges.enumerate() {
        if !usable {
            continue;
        }
        for (seg, w) in geometry.0.windows(2).enumerate() {
            if w[0] == w[1] {
                continue;
            }
            segs.push(Segment {
                a: [w[0].x, w[0].y],
                b: [w[1].x, w[1].y],
                edge: edge as u32,
                seg: seg as u32,
            });
        }
    }
    RTree::bulk_load(segs)
}

/// See [`Network::snap`].
pub(crate) fn snap(
    net: &Network,
    mode: Mode,
    p: geo::Point<f64>,
    max_m: f64,
) -> Result<Snap, SnapError> {
    if !p.x().is_finite() || !p.y().is_finite() {
        return Err(SnapError::NonFinite);
    }
    let tree = net.index(mode);
    let q = [p.x(), p.y()];
    // The iterator yields segments by increasing distance; keep reading while distances could
    // still tie (with a little slack for rounding in envelope bounds) and keep the smallest
    // (distance, edge, segment), so the answer does not depend on the tree's layout.
    let mut best: Option<(f64, u32, u32)> = None;
    for (s, d2) in tree.nearest_neighbor_iter_with_distance_2(&q) {
        let key = (d2, s.edge, s.seg);
        match best {
            None => best = Some(key),
            Some(b) => {
                if d2 > b.0 + b.0 * 1e-9 + 1e-12 {
                    break;
                }
                if key < b {
                    best = Some(key);
                }
            }
        }
    }
    let Some((_, edge, seg)) = best else {
        return Err(SnapError::NoEdges);
    };
    let (edge, seg) = (edge as usize, seg as usize);
    let geometry = net.geometry(edge);
    let (a, b) = (geometry.0[seg], geometry.0[seg + 1]);
    let f = foot([a.x, a.y], [b.x, b.y], q);
    let point = geo::Point::new(f[0], f[1]);
    let distance_m = Euclidean.distance(p, point);
    if !(distance_m <= max_m) {
        return Err(SnapError::TooFar {
            max_m,
            nearest_m: distance_m,
        });
    }
    let len = net.topo(edge).len;
    let offset_m =
        (net.cum(edge)[seg] + Euclidean.distance(a, Coord { x: f[0], y: f[1] })).clamp(0.0, len);
    Ok(Snap {
        from: p,
        point,
        distance_m,
        edge_id: net.attrs(edge).id.clone(),
        edge,
        offset_m,
    })
}
