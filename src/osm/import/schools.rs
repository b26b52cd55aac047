//! School sites and entrances: outlines assembled into rings, the site point (geo's area-weighted
//! centroid), and each school's entrances (tagged, shared with a walkable way, where a walkable
//! way crosses the outline, or the outline's point nearest a walkable way close by), with the
//! walkable ways found near an outline through an R-tree.

use std::collections::{HashMap, HashSet};

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{
    BoundingRect, Centroid, Coord, Distance, Euclidean, Line, LineString, MultiPolygon, Point,
    Polygon, Rect,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use super::passes::{KeptWay, NodePos, SchoolNode, SchoolOutline, SchoolRel, SchoolWay};
use super::report::SchoolReport;
use super::{OsmSchool, UnlistedSchool, NEAREST_ENTRANCE_MAX_M};
use crate::area::{Gate, Urn};
use crate::network::nearest_on_segment;

/// Two entrances of one school closer than this (metres) are one entrance.
pub(super) const SAME_ENTRANCE_M: f64 = 1.0;

/// Joins outer ways into closed rings of node ids; `None` when they do not close.
pub(super) fn assemble_rings(mut parts: Vec<Vec<i64>>) -> Option<Vec<Vec<i64>>> {
    let mut rings = Vec::new();
    parts.retain(|p| p.len() >= 2);
    while let Some(mut ring) = parts.pop() {
        while ring.first() != ring.last() {
            let end = *ring.last()?;
            let at = parts
                .iter()
                .position(|p| p.first() == Some(&end) || p.last() == Some(&end))?;
            let mut next = parts.swap_remove(at);
            if next.first() != Some(&end) {
                next.reverse();
            }
            ring.extend(next.into_iter().skip(1));
        }
        if ring.len() < 4 {
            return None;
        }
        rings.push(ring);
    }
    (!rings.is_empty()).then_some(rings)
}

pub(super) fn school_outlines(
    school_ways: Vec<SchoolWay>,
    school_rels: Vec<SchoolRel>,
    member_ways: &HashMap<i64, Vec<i64>>,
    counts: &mut SchoolReport,
) -> Vec<SchoolOutline> {
    let mut out = Vec::new();
    for w in school_ways {
        if w.refs.len() < 4 || w.refs.first() != w.refs.last() {
            // A school without a URN is counted once, as such.
            counts.not_closed += u64::from(w.urn.is_ok());
            continue;
        }
        out.push(SchoolOutline {
            urn: w.urn,
            name: w.name,
            source: format!("way {}", w.id),
            rings: vec![w.refs],
        });
    }
    for r in school_rels {
        let mut parts = Vec::new();
        let mut complete = true;
        for id in &r.outer_ways {
            match member_ways.get(id) {
                Some(refs) => parts.push(refs.clone()),
                None => complete = false,
            }
        }
        if !complete {
            counts.missing_nodes += u64::from(r.urn.is_ok());
            continue;
        }
        match assemble_rings(parts) {
            Some(rings) => out.push(SchoolOutline {
                urn: r.urn,
                name: r.name,
                source: format!("relation {}", r.id),
                rings,
            }),
            None => counts.not_closed += u64::from(r.urn.is_ok()),
        }
    }
    out
}

/// Site point of an outline: geo's area-weighted centroid of its rings (each ring computed
/// relative to its first vertex, so that large grid coordinates lose no precision), or of their
/// lines when they have no area.
pub(super) fn centroid(rings: &[Vec<Coord<f64>>]) -> Option<Coord<f64>> {
    let polygons: Vec<Polygon<f64>> = rings
        .iter()
        .map(|r| Polygon::new(LineString::from(r.clone()), Vec::new()))
        .collect();
    MultiPolygon::new(polygons).centroid().map(|p| p.0)
}

pub(super) fn schools_and_entrances(
    outlines: Vec<SchoolOutline>,
    school_nodes: Vec<SchoolNode>,
    entrance_nodes: &HashMap<i64, Option<String>>,
    ways: &[KeptWay],
    nodes: &HashMap<i64, NodePos>,
    counts: &mut SchoolReport,
) -> (Vec<OsmSchool>, Vec<Gate>, Vec<UnlistedSchool>) {
    let pos = |id: &i64| match nodes.get(id) {
        Some(NodePos::Grid(c)) => Some(*c),
        _ => None,
    };
    // Walkable ways through outline nodes: the first (in file order) names the entrance.
    let outline_nodes: HashSet<i64> = outlines
        .iter()
        .flat_map(|o| o.rings.iter().flatten().copied())
        .collect();
    let mut walk_at: HashMap<i64, usize> = HashMap::new();
    for (wi, w) in ways.iter().enumerate() {
        if w.walk {
            for r in &w.refs {
                if outline_nodes.contains(r) {
                    walk_at.entry(*r).or_insert(wi);
                }
            }
        }
    }
    let mut seen: HashSet<Urn> = HashSet::new();
    let mut schools = Vec::new();
    let mut unlisted = Vec::new();
    let mut gates = Vec::new();
    let mut walk_lines: Option<WalkLines> = None;
    for o in outlines {
        let rings: Option<Vec<Vec<Coord<f64>>>> = o
            .rings
            .iter()
            .map(|r| r.iter().map(pos).collect())
            .collect();
        let Some(rings) = rings else {
            counts.missing_nodes += u64::from(o.urn.is_ok());
            continue;
        };
        let Some(c) = centroid(&rings) else {
            counts.missing_nodes += u64::from(o.urn.is_ok());
            continue;
        };
        let urn = match o.urn {
            Ok(urn) => urn,
            Err(why) => {
                unlisted.push(UnlistedSchool {
                    name: o.name,
                    point: Point(c),
                    source: o.source,
                    why,
                });
                continue;
            }
        };
        if !seen.insert(urn) {
            counts.duplicate_urn += 1;
            continue;
        }
        counts.with_urn += 1;
        let mut found: Vec<Gate> = Vec::new();
        let add = |found: &mut Vec<Gate>, name: String, p: Coord<f64>| {
            if found
                .iter()
                .all(|g| Euclidean.distance(g.point.0, p) >= SAME_ENTRANCE_M)
            {
                found.push(Gate {
                    urn,
                    name,
                    point: Point(p),
                    open: true,
                    valid: Default::default(),
                });
            }
        };
        // 1. Tagged entrances on the outline.
        for (ring, ids) in rings.iter().zip(&o.rings) {
            for (id, p) in ids.iter().zip(ring).skip(1) {
                if let Some(name) = entrance_nodes.get(id) {
                    let label = match name {
                        Some(n) => format!("OSM entrance node {id} ({n})"),
                        None => format!("OSM entrance node {id}"),
                    };
                    add(&mut found, label, *p);
                }
            }
        }
        counts.entrances_tagged += found.len() as u64;
        // 2. Nodes shared by the outline and a walkable way.
        if found.is_empty() {
            for (ring, ids) in rings.iter().zip(&o.rings) {
                for (id, p) in ids.iter().zip(ring).skip(1) {
                    if let Some(&wi) = walk_at.get(id) {
                        let w = &ways[wi];
                        let label =
                            format!("where {} osm:{} meets the site boundary", w.highway, w.id);
                        add(&mut found, label, *p);
                    }
                }
            }
            counts.entrances_shared_nodes += found.len() as u64;
        }
        // 3. Walkable ways crossing the outline.
        if found.is_empty() {
            let lines = walk_lines.get_or_insert_with(|| walk_lines_of(ways, nodes));
            for ring in &rings {
                for (wi, p) in crossings(ring, lines) {
                    let w = &ways[wi];
                    let label =
                        format!("where {} osm:{} crosses the site boundary", w.highway, w.id);
                    add(&mut found, label, p);
                }
            }
            counts.entrances_crossings += found.len() as u64;
        }
        // 4. The point of the outline nearest a walkable way close by.
        if found.is_empty() {
            let lines = walk_lines.get_or_insert_with(|| walk_lines_of(ways, nodes));
            if let Some((wi, p, d)) = nearest_approach(&rings, lines, NEAREST_ENTRANCE_MAX_M) {
                let w = &ways[wi];
                let label = format!(
                    "nearest point of the site boundary to {} osm:{} ({d:.0} m away)",
                    w.highway, w.id
                );
                add(&mut found, label, p);
                counts.entrances_nearest += 1;
            }
        }
        if found.is_empty() {
            counts.without_entrances += 1;
        }
        gates.extend(found);
        schools.push(OsmSchool {
            urn,
            name: o.name,
            point: Point(c),
            source: o.source,
        });
    }
    for n in school_nodes {
        let NodePos::Grid(p) = n.pos else {
            counts.missing_nodes += u64::from(n.urn.is_ok());
            continue;
        };
        let urn = match n.urn {
            Ok(urn) => urn,
            Err(why) => {
                unlisted.push(UnlistedSchool {
                    name: n.name,
                    point: Point(p),
                    source: format!("node {}", n.id),
                    why,
                });
                continue;
            }
        };
        if !seen.insert(urn) {
            counts.duplicate_urn += 1;
            continue;
        }
        counts.with_urn += 1;
        counts.without_entrances += 1;
        schools.push(OsmSchool {
            urn,
            name: n.name,
            point: Point(p),
            source: format!("node {}", n.id),
        });
    }
    (schools, gates, unlisted)
}

/// A walkable way's grid line (or a stretch of it between missing nodes).
pub(super) struct WalkLine {
    pub(super) way: usize,
    pub(super) coords: Vec<Coord<f64>>,
}

/// The walkable lines, with an R-tree of their bounding boxes (values: index into `lines`) to
/// find the few near a school outline.
pub(super) struct WalkLines {
    lines: Vec<WalkLine>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

/// Walkable ways as grid lines; a way with a missing or off-grid node is split there (no segment
/// is drawn across the gap).
pub(super) fn walk_lines_of(ways: &[KeptWay], nodes: &HashMap<i64, NodePos>) -> WalkLines {
    let mut lines = Vec::new();
    for (wi, w) in ways.iter().enumerate().filter(|(_, w)| w.walk) {
        let mut run: Vec<Coord<f64>> = Vec::new();
        let mut flush = |run: &mut Vec<Coord<f64>>| {
            if run.len() >= 2 {
                lines.push(WalkLine {
                    way: wi,
                    coords: std::mem::take(run),
                });
            }
            run.clear();
        };
        for r in &w.refs {
            match nodes.get(r) {
                Some(NodePos::Grid(c)) => run.push(*c),
                _ => flush(&mut run),
            }
        }
        flush(&mut run);
    }
    let boxes = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let r = bounds(&l.coords, 0.0)?;
            Some(GeomWithData::new(
                Rectangle::from_corners(r.min().into(), r.max().into()),
                i,
            ))
        })
        .collect();
    WalkLines {
        lines,
        tree: RTree::bulk_load(boxes),
    }
}

/// Bounding rectangle of coordinates, grown by `margin` on every side.
fn bounds(coords: &[Coord<f64>], margin: f64) -> Option<Rect<f64>> {
    let r = LineString::from(coords.to_vec()).bounding_rect()?;
    let m = Coord {
        x: margin,
        y: margin,
    };
    Some(Rect::new(r.min() - m, r.max() + m))
}

impl WalkLines {
    /// Lines whose bounding box meets the bounding box of `coords` grown by `margin`, in the
    /// order they were made (so that ties and duplicates resolve as in file order).
    fn near(&self, coords: &[Coord<f64>], margin: f64) -> Vec<&WalkLine> {
        let Some(r) = bounds(coords, margin) else {
            return Vec::new();
        };
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_corners(r.min().into(), r.max().into()))
            .map(|g| g.data)
            .collect();
        hits.sort_unstable();
        hits.into_iter().map(|i| &self.lines[i]).collect()
    }
}

/// The walkable line passing nearest the rings (within `max_m`): (way index, the nearest point
/// on the rings, distance). Used only when no line touches or crosses the rings, so the nearest
/// pair of points always has an end of one of the two segments in it.
pub(super) fn nearest_approach(
    rings: &[Vec<Coord<f64>>],
    lines: &WalkLines,
    max_m: f64,
) -> Option<(usize, Coord<f64>, f64)> {
    let mut best: Option<(usize, Coord<f64>, f64)> = None;
    for ring in rings {
        for l in lines.near(ring, max_m) {
            for s in ring.windows(2) {
                for t in l.coords.windows(2) {
                    let candidates = [
                        (s[0], nearest_on_segment(t[0], t[1], s[0])),
                        (s[1], nearest_on_segment(t[0], t[1], s[1])),
                        (nearest_on_segment(s[0], s[1], t[0]), t[0]),
                        (nearest_on_segment(s[0], s[1], t[1]), t[1]),
                    ];
                    for (on_ring, on_line) in candidates {
                        let d = Euclidean.distance(on_ring, on_line);
                        if d <= max_m && !matches!(best, Some(b) if b.2 <= d) {
                            best = Some((l.way, on_ring, d));
                        }
                    }
                }
            }
        }
    }
    best
}

/// Points where walkable lines cross a ring, in ring order: (way index, point).
pub(super) fn crossings(ring: &[Coord<f64>], lines: &WalkLines) -> Vec<(usize, Coord<f64>)> {
    let near = lines.near(ring, 0.0);
    let mut out = Vec::new();
    for s in ring.windows(2) {
        let side = Line::new(s[0], s[1]);
        for l in &near {
            for t in l.coords.windows(2) {
                match line_intersection(side, Line::new(t[0], t[1])) {
                    Some(LineIntersection::SinglePoint { intersection, .. }) => {
                        out.push((l.way, intersection))
                    }
                    Some(LineIntersection::Collinear { intersection }) => {
                        out.push((l.way, intersection.start))
                    }
                    None => {}
                }
            }
        }
    }
    out
}
