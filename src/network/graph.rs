//! Building the walking and driving graphs (petgraph) from noded LineStrings.
//!
//! Source data arrives as LineStrings whose first and last coordinates are the junctions
//! ("noded" data). Edges meet where their end points are equal to the millimetre; interior
//! vertices only shape the line and are never junctions, so a footbridge drawn over a road does
//! not connect to it. Each travel [`Mode`] gets its own directed petgraph graph so that the rules
//! that differ between modes (unsafe stretches removed for walking, one-way streets binding
//! drivers only) are settled once, at build time, and the shortest-path code stays mode-blind.

use std::collections::HashMap;
use std::sync::OnceLock;

use geo::{Coord, Distance, Euclidean, Length, LineString};
use petgraph::graph::{DiGraph, NodeIndex};
use thiserror::Error;

use super::grid::Grid;
use super::length::{metres, um, MAX_TOTAL_UM};
use super::snap;
use super::store::Slab;
use super::{Mode, Snap, SnapError};

/// Direction of travel allowed to drivers along an edge's digitised direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Oneway {
    /// Both directions.
    #[default]
    No,
    /// Only from the first to the last coordinate.
    Forward,
    /// Only from the last to the first coordinate.
    Backward,
}

/// What an edge allows; one-way binds drivers only, never walkers.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct EdgeAttrs {
    /// The source's identifier for the stretch (GIS feature id or OSM way id), for audit trails.
    pub id: String,
    /// Street or path name, when known.
    pub name: Option<String>,
    /// Walkable: roads with pavement or verge, footpaths, bridleways, rights of way.
    pub walk: bool,
    /// Drivable by a car.
    pub drive: bool,
    /// One-way restriction for drivers.
    pub oneway: Oneway,
    /// Assessed unsafe to walk accompanied by an adult (clause 1.5.4).
    pub unsafe_walk: bool,
    /// The route safety audit that assessed it unsafe, when known.
    pub unsafe_ref: Option<String>,
    /// When the stretch existed (clause 1.5.3: the network as at the start of the admission
    /// cycle); open-ended by default.
    pub valid: super::Validity,
    /// What kind of way it is (an adopted road, a path, a private way), when the source says:
    /// clause 1.1.1 measures walks "from where the property meets the adopted road".
    pub road_class: Option<RoadClass>,
}

/// What kind of way an edge is, for where a walk starts (clause 1.1.1: "Walking routes are from
/// where the property meets the adopted road"). Network GeoJSON property `road_class`; the
/// OpenStreetMap profile sets it from `highway=*` and the access tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadClass {
    /// A road maintained at public expense (a public highway for vehicles), with its pavements.
    AdoptedRoad,
    /// A footway, footpath, bridleway, cycleway or track: walkable, not a road a home meets.
    Path,
    /// A private road or drive (access private or no).
    Private,
}

impl RoadClass {
    /// The name written in network GeoJSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::AdoptedRoad => "adopted_road",
            RoadClass::Path => "path",
            RoadClass::Private => "private",
        }
    }

    /// The class a network GeoJSON value names.
    pub fn parse(s: &str) -> Option<RoadClass> {
        [RoadClass::AdoptedRoad, RoadClass::Path, RoadClass::Private]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// One edge as read from a source, before noding into a graph.
#[derive(Debug, Clone)]
pub struct RawEdge {
    /// What the edge allows, and its source id.
    pub attrs: EdgeAttrs,
    /// Geometry in British National Grid metres; its first and last coordinates are the nodes.
    pub geometry: LineString<f64>,
}

/// Errors found while building a network; each names the offending edge.
#[derive(Debug, Error, PartialEq)]
pub enum NetworkError {
    /// A line needs two points to join two junctions.
    #[error("edge {id}: geometry has fewer than two points")]
    TooFewPoints { id: String },
    /// NaN or infinite coordinates would poison every distance computed through the edge.
    #[error("edge {id}: coordinate is not a finite number")]
    NonFinite { id: String },
    /// An edge whose end points coincide (to the millimetre) and that has no length cannot be
    /// travelled and usually signals a digitising error.
    #[error("edge {id}: zero length")]
    ZeroLength { id: String },
    /// A snap names its segment within an edge in 28 bits (see `snap::SEG_BITS`); no real way
    /// has a quarter of a billion points.
    #[error("edge {id}: more than {} points", 1u32 << snap::SEG_BITS)]
    TooManyPoints { id: String },
    /// Nothing to route on.
    #[error("the network has no edges")]
    Empty,
    /// Lengths are added as whole micrometres in 64-bit labels (see `length`); a network this
    /// long (several times every road and path in Great Britain) is not one area.
    #[error("the network's edges add up to more than {max_km:.0} km: split it into areas")]
    TooLong { max_km: f64 },
}

/// Travel along the edge's digitised direction (first -> last coordinate) is allowed.
pub(crate) const FWD: u8 = 1;
/// Travel against the edge's digitised direction (last -> first coordinate) is allowed.
pub(crate) const BWD: u8 = 2;

/// What a point may be snapped onto: the edges one travel mode may use, or the adopted roads a
/// home meets (where a walk starts, clause 1.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layer {
    Mode(Mode),
    AdoptedRoads,
}

impl Layer {
    /// Position in per-layer arrays: the modes' slots, then the adopted roads.
    pub(crate) const fn slot(self) -> usize {
        match self {
            Layer::Mode(m) => m.slot(),
            Layer::AdoptedRoads => 3,
        }
    }
}

/// Whether a walk may start on the edge (clause 1.1.1: "from where the property meets the
/// adopted road"): a walkable adopted road. A network that does not class its edges (no
/// `road_class`) has its drivable edges counted as roads, since a way a car may use is the best
/// sign of a road such a network gives.
pub(crate) fn is_adopted_road(attrs: &EdgeAttrs) -> bool {
    attrs.walk
        && attrs
            .road_class
            .map_or(attrs.drive, |c| c == RoadClass::AdoptedRoad)
}

/// Which directions of an edge `mode` may use: walkers ignore one-way restrictions, `Walk` drops
/// stretches assessed unsafe (clause 1.5.4), drivers respect one-way.
pub(crate) fn directions(attrs: &EdgeAttrs, mode: Mode) -> u8 {
    match mode {
        Mode::Walk if attrs.walk && !attrs.unsafe_walk => FWD | BWD,
        Mode::WalkIgnoringSafety if attrs.walk => FWD | BWD,
        Mode::Drive if attrs.drive => match attrs.oneway {
            Oneway::No => FWD | BWD,
            Oneway::Forward => FWD,
            Oneway::Backward => BWD,
        },
        _ => 0,
    }
}

/// One arc of a mode's petgraph graph: the length of the source edge it travels, in whole
/// micrometres, as the searches add it (see `length`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arc {
    pub(crate) len_um: u64,
}

/// A directed graph whose node indices are the network's node indices in every mode.
pub(crate) type ModeGraph = DiGraph<(), Arc, u32>;

/// An arc as the searches read it.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct InArc {
    /// The node the arc leaves.
    pub(crate) from: u32,
    /// Index of the arc in the mode's arcs, for drawing the route.
    pub(crate) arc: u32,
    /// Length, whole micrometres.
    pub(crate) len_um: u64,
}

/// One travel mode's graph as flat arrays. Arcs are numbered edge by edge in input order, the
/// forward arc before the backward one, which is the order ties between equal routes have
/// always been broken in (petgraph's edge indices, before the arrays).
#[derive(Debug, Default)]
pub(crate) struct ModeArcs {
    /// Arc `i` travels source edge `arcs[i] >> 1`, forwards when the low bit is set.
    pub(crate) arcs: Slab<u32>,
    /// Arcs entering node `v` are `into[into_first[v]..into_first[v + 1]]`, newest first: what
    /// the tree searches (from the school outwards, against the arcs) read in order.
    pub(crate) into_first: Slab<u32>,
    pub(crate) into: Slab<InArc>,
    /// Arcs leaving node `v` are `out[out_first[v]..out_first[v + 1]]` (arc numbers): what a
    /// route is drawn along.
    pub(crate) out_first: Slab<u32>,
    pub(crate) out: Slab<u32>,
}

impl ModeArcs {
    /// `mode`'s arcs over `topo`, grouped both ways.
    fn of(topo: &[Topo], node_count: usize, mode: Mode) -> ModeArcs {
        let slot = mode.slot();
        let mut arcs: Vec<u32> = Vec::new();
        for (i, t) in topo.iter().enumerate() {
            let e = (i as u32) << 1;
            if t.dirs[slot] & FWD != 0 {
                arcs.push(e | 1);
            }
            if t.dirs[slot] & BWD != 0 {
                arcs.push(e);
            }
        }
        let ends = |a: u32| {
            let t = &topo[(a >> 1) as usize];
            if a & 1 == 1 {
                (t.from, t.to, t.len_um)
            } else {
                (t.to, t.from, t.len_um)
            }
        };
        let mut into_first = vec![0u32; node_count + 1];
        let mut out_first = vec![0u32; node_count + 1];
        for &a in &arcs {
            let (u, v, _) = ends(a);
            into_first[v as usize + 1] += 1;
            out_first[u as usize + 1] += 1;
        }
        for i in 0..node_count {
            into_first[i + 1] += into_first[i];
            out_first[i + 1] += out_first[i];
        }
        let mut fill_in: Vec<u32> = into_first[..node_count].to_vec();
        let mut fill_out: Vec<u32> = out_first[..node_count].to_vec();
        let mut into = vec![<InArc as bytemuck::Zeroable>::zeroed(); arcs.len()];
        let mut out = vec![0u32; arcs.len()];
        for (i, &a) in arcs.iter().enumerate() {
            let (u, _, _) = ends(a);
            out[fill_out[u as usize] as usize] = i as u32;
            fill_out[u as usize] += 1;
        }
        for (i, &a) in arcs.iter().enumerate().rev() {
            let (u, v, len_um) = ends(a);
            into[fill_in[v as usize] as usize] = InArc {
                from: u,
                arc: i as u32,
                len_um,
            };
            fill_in[v as usize] += 1;
        }
        ModeArcs {
            arcs: arcs.into(),
            into_first: into_first.into(),
            into: into.into(),
            out_first: out_first.into(),
            out: out.into(),
        }
    }

    /// The arrays read for one search, borrowed once rather than on every junction.
    pub(crate) fn incoming(&self) -> Incoming<'_> {
        Incoming {
            first: &self.into_first,
            arcs: &self.into,
        }
    }

    /// Whether every index stays in range and every grouped arc agrees with the arc it names
    /// (its ends, its length and the junction it is listed under), so that arrays read from a
    /// file can be searched, and routes drawn along them, without a panic or a loop.
    fn fit(&self, topo: &[Topo], nodes: usize) -> bool {
        // The arrays borrowed once: each look-up through a `Slab` costs a call.
        let (arcs, into, out) = (&self.arcs[..], &self.into[..], &self.out[..]);
        let (into_first, out_first) = (&self.into_first[..], &self.out_first[..]);
        let n = arcs.len();
        let grouped = |first: &[u32]| {
            first.len() == nodes + 1
                && first[0] == 0
                && first.windows(2).all(|w| w[0] <= w[1])
                && first[nodes] as usize == n
        };
        let ends = |arc: u32| {
            let a = arcs[arc as usize];
            let t = &topo[(a >> 1) as usize];
            if a & 1 == 1 {
                (t.from, t.to, t.len_um)
            } else {
                (t.to, t.from, t.len_um)
            }
        };
        arcs.iter().all(|&a| ((a >> 1) as usize) < topo.len())
            && into.len() == n
            && out.len() == n
            && grouped(into_first)
            && grouped(out_first)
            && into.iter().all(|a| (a.arc as usize) < n)
            && out.iter().all(|&a| (a as usize) < n)
            && (0..nodes).all(|v| {
                let entering = &into[into_first[v] as usize..into_first[v + 1] as usize];
                let leaving = &out[out_first[v] as usize..out_first[v + 1] as usize];
                entering.iter().all(|a| {
                    let (u, w, len_um) = ends(a.arc);
                    u == a.from && w as usize == v && len_um == a.len_um
                }) && leaving.iter().all(|&a| ends(a).0 as usize == v)
            })
    }
}

/// One mode's arcs grouped by the node they enter, borrowed for a search.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Incoming<'a> {
    first: &'a [u32],
    arcs: &'a [InArc],
}

impl<'a> Incoming<'a> {
    /// The arcs entering `v`.
    pub(crate) fn entering(&self, v: usize) -> &'a [InArc] {
        &self.arcs[self.first[v] as usize..self.first[v + 1] as usize]
    }
}

/// Compact per-edge topology, kept apart from attributes and geometry because it is what the
/// per-home queries touch.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct Topo {
    /// Node at the first coordinate.
    pub(crate) from: u32,
    /// Node at the last coordinate.
    pub(crate) to: u32,
    /// Euclidean length of the geometry, metres.
    pub(crate) len: f64,
    /// The same length in whole micrometres, as the searches add it (see `length`).
    pub(crate) len_um: u64,
    /// [`FWD`]/[`BWD`] bits per mode, indexed by [`Mode::slot`]; the fourth entry
    /// ([`Layer::AdoptedRoads`]) is non-zero on the edges where a walk may start.
    pub(crate) dirs: [u8; 4],
    /// Unused; makes the record a whole number of its 8-byte fields (no hidden padding).
    pub(crate) spare: [u8; 4],
}

/// A network's arrays, as [`Network::parts`] gives them to be stored and
/// [`Network::from_parts`] takes them back (read in place from a prepared area).
#[derive(Debug, Default)]
pub(crate) struct NetworkParts {
    pub(crate) topo: Slab<Topo>,
    /// Junction coordinates.
    pub(crate) nodes: Slab<[f64; 2]>,
    /// Bounding box of each edge's geometry (min x, min y, max x, max y), so that a snap by
    /// scanning skips edges that cannot be nearer than the best found.
    pub(crate) bbox: Slab<[f64; 4]>,
    /// Edge `e`'s points are `points[point_start[e]..point_start[e + 1]]`.
    pub(crate) point_start: Slab<u32>,
    pub(crate) points: Slab<[f64; 2]>,
    /// `cum[i]` is the length of the edge's geometry from its first point to point `i`.
    pub(crate) cum: Slab<f64>,
    pub(crate) columns: Columns,
    /// Per mode slot; the slot of a mode measured as another (see [`Network::measured_as`])
    /// is empty.
    pub(crate) modes: [ModeArcs; 3],
    /// The edges by grid cell, for snapping.
    pub(crate) grid: Grid,
}

/// A network's edge attributes, one column each (see [`EdgeAttrs`]).
#[derive(Debug, Default)]
pub(crate) struct Columns {
    /// Bits: see the `F_` constants.
    pub(crate) flags: Slab<u16>,
    /// Days from the common era of the first day the edge exists and the first it does not;
    /// [`NO_DAY`] for open-ended.
    pub(crate) valid: Slab<[i32; 2]>,
    pub(crate) ids: Texts,
    pub(crate) names: Texts,
    pub(crate) unsafe_refs: Texts,
}

const F_WALK: u16 = 1;
const F_DRIVE: u16 = 1 << 1;
const F_ONEWAY_FORWARD: u16 = 1 << 2;
const F_ONEWAY_BACKWARD: u16 = 1 << 3;
const F_UNSAFE: u16 = 1 << 4;
const F_ROAD_CLASS_SHIFT: u16 = 5;
const F_HAS_NAME: u16 = 1 << 7;
const F_HAS_UNSAFE_REF: u16 = 1 << 8;
/// No date: open-ended validity.
const NO_DAY: i32 = i32::MIN;

/// One text per edge, all in one array.
#[derive(Debug, Default)]
pub(crate) struct Texts {
    /// Text `i` is `bytes[start[i]..start[i + 1]]`.
    pub(crate) start: Slab<u32>,
    pub(crate) bytes: Slab<u8>,
}

impl Texts {
    fn of<'a>(texts: impl Iterator<Item = &'a str>) -> Texts {
        let mut start = vec![0u32];
        let mut bytes = Vec::new();
        for t in texts {
            bytes.extend_from_slice(t.as_bytes());
            start.push(bytes.len() as u32);
        }
        Texts {
            start: start.into(),
            bytes: bytes.into(),
        }
    }

    fn get(&self, i: usize) -> &str {
        let b = &self.bytes[self.start[i] as usize..self.start[i + 1] as usize];
        // Checked to be UTF-8 when made (see `fits`), so this never falls back.
        std::str::from_utf8(b).unwrap_or_default()
    }

    /// `count` texts of UTF-8, each on character boundaries.
    fn fits(&self, count: usize) -> bool {
        let Ok(all) = std::str::from_utf8(&self.bytes) else {
            return false;
        };
        self.start.len() == count + 1
            && self.start[0] == 0
            && self.start.windows(2).all(|w| w[0] <= w[1])
            && self.start[count] as usize == all.len()
            && self.start.iter().all(|&s| all.is_char_boundary(s as usize))
    }
}

impl Columns {
    fn of(attrs: &[EdgeAttrs]) -> Columns {
        let day = |d: Option<chrono::NaiveDate>| {
            use chrono::Datelike;
            d.map_or(NO_DAY, |d| d.num_days_from_ce())
        };
        Columns {
            flags: attrs
                .iter()
                .map(|a| {
                    let class = a.road_class.map_or(0, |c| match c {
                        RoadClass::AdoptedRoad => 1,
                        RoadClass::Path => 2,
                        RoadClass::Private => 3,
                    });
                    let oneway = match a.oneway {
                        Oneway::No => 0,
                        Oneway::Forward => F_ONEWAY_FORWARD,
                        Oneway::Backward => F_ONEWAY_BACKWARD,
                    };
                    let bit = |set: bool, flag: u16| if set { flag } else { 0 };
                    bit(a.walk, F_WALK)
                        | bit(a.drive, F_DRIVE)
                        | oneway
                        | bit(a.unsafe_walk, F_UNSAFE)
                        | (class << F_ROAD_CLASS_SHIFT)
                        | bit(a.name.is_some(), F_HAS_NAME)
                        | bit(a.unsafe_ref.is_some(), F_HAS_UNSAFE_REF)
                })
                .collect::<Vec<_>>()
                .into(),
            valid: attrs
                .iter()
                .map(|a| [day(a.valid.from), day(a.valid.to)])
                .collect::<Vec<_>>()
                .into(),
            ids: Texts::of(attrs.iter().map(|a| a.id.as_str())),
            names: Texts::of(attrs.iter().map(|a| a.name.as_deref().unwrap_or(""))),
            unsafe_refs: Texts::of(attrs.iter().map(|a| a.unsafe_ref.as_deref().unwrap_or(""))),
        }
    }

    fn attrs(&self, e: usize) -> EdgeAttrs {
        let f = self.flags[e];
        let day = |d: i32| {
            (d != NO_DAY)
                .then(|| chrono::NaiveDate::from_num_days_from_ce_opt(d))
                .flatten()
        };
        let [from, to] = self.valid[e];
        EdgeAttrs {
            id: self.ids.get(e).to_string(),
            name: (f & F_HAS_NAME != 0).then(|| self.names.get(e).to_string()),
            walk: f & F_WALK != 0,
            drive: f & F_DRIVE != 0,
            oneway: if f & F_ONEWAY_FORWARD != 0 {
                Oneway::Forward
            } else if f & F_ONEWAY_BACKWARD != 0 {
                Oneway::Backward
            } else {
                Oneway::No
            },
            unsafe_walk: f & F_UNSAFE != 0,
            unsafe_ref: (f & F_HAS_UNSAFE_REF != 0).then(|| self.unsafe_refs.get(e).to_string()),
            valid: super::Validity {
                from: day(from),
                to: day(to),
            },
            road_class: match (f >> F_ROAD_CLASS_SHIFT) & 3 {
                1 => Some(RoadClass::AdoptedRoad),
                2 => Some(RoadClass::Path),
                3 => Some(RoadClass::Private),
                _ => None,
            },
        }
    }

    fn fits(&self, edges: usize) -> bool {
        self.flags.len() == edges
            && self.valid.len() == edges
            && self.ids.fits(edges)
            && self.names.fits(edges)
            && self.unsafe_refs.fits(edges)
    }
}

/// The routable network: one graph per [`Mode`], a grid of edges for snapping, and
/// the full geometry and attributes of every edge, all in flat arrays (see `store`).
///
/// Edge indices (0-based, in the order given to [`Network::build`]) are stable and are what
/// [`Network::attrs`] and friends take.
#[derive(Debug)]
pub struct Network {
    parts: NetworkParts,
    /// Per mode, petgraph's graph, made when first asked for (the plain-Dijkstra baseline and
    /// tests); the searches read the flat arrays.
    graphs: [OnceLock<ModeGraph>; 3],
    /// Whether any stretch is assessed unsafe to walk; without one, walking ignoring safety is
    /// walking, and its measurements are walking's.
    walk_has_unsafe: bool,
    /// Per mode: the contraction hierarchy, once made (or loaded from a prepared area); trees
    /// are then swept through it instead of grown by Dijkstra, to the same labels.
    hierarchies: [OnceLock<super::ch::Hierarchy>; 3],
}

/// SHA-256 of `head` then each record in order, for fingerprinting a network's parts (a
/// mode's arcs). Records are hashed in blocks: one update per record
/// would cost more than the hashing.
pub(crate) fn sha256_of<const N: usize>(
    head: &[u8],
    records: impl Iterator<Item = [u8; N]>,
) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut sha = Sha256::new();
    sha.update(head);
    let mut block: Vec<u8> = Vec::with_capacity(1 << 16);
    for r in records {
        block.extend_from_slice(&r);
        if block.len() + N > block.capacity() {
            sha.update(&block);
            block.clear();
        }
    }
    sha.update(&block);
    sha.finalize().into()
}

/// Merges end points into nodes: equal to the millimetre means the same junction. Nodes are
/// numbered in order of first appearance, so the hasher (a fast one: this runs for every edge
/// end of every load) never shows in the result.
struct Noder {
    keys: HashMap<(i64, i64), u32, foldhash::fast::RandomState>,
    nodes: Vec<[f64; 2]>,
}

impl Noder {
    /// The node at `c`, created (with `c` as its coordinate) if none is within the millimetre.
    fn node(&mut self, c: Coord<f64>) -> u32 {
        let key = ((c.x * 1000.0).round() as i64, (c.y * 1000.0).round() as i64);
        let nodes = &mut self.nodes;
        *self.keys.entry(key).or_insert_with(|| {
            nodes.push([c.x, c.y]);
            (nodes.len() - 1) as u32
        })
    }
}

/// Whether any walkable stretch is left out of walking for being unsafe.
fn has_unsafe(topo: &[Topo]) -> bool {
    topo.iter()
        .any(|t| t.dirs[Mode::Walk.slot()] != t.dirs[Mode::WalkIgnoringSafety.slot()])
}

impl Network {
    /// Nodes edges at their end points (coordinates equal to the millimetre) and builds the
    /// per-mode graphs and snapping indexes.
    ///
    /// End points merged into one node are moved onto the node's coordinate (that of the first
    /// end point seen there, in input order) so that route geometry joins up exactly and its
    /// length is the sum of the edge lengths. Nodes are numbered in order of first appearance, so
    /// the same input always yields the same network.
    pub fn build(edges: Vec<RawEdge>) -> Result<Network, NetworkError> {
        if edges.is_empty() {
            return Err(NetworkError::Empty);
        }
        let mut noder = Noder {
            keys: HashMap::with_capacity_and_hasher(edges.len() + 1, Default::default()),
            nodes: Vec::with_capacity(edges.len() + 1),
        };
        let mut topo = Vec::with_capacity(edges.len());
        let mut attrs = Vec::with_capacity(edges.len());
        let mut bbox = Vec::with_capacity(edges.len());
        let mut point_start = Vec::with_capacity(edges.len() + 1);
        point_start.push(0u32);
        let mut points: Vec<[f64; 2]> = Vec::new();
        let mut cum: Vec<f64> = Vec::new();
        for RawEdge {
            attrs: a,
            mut geometry,
        } in edges
        {
            let n = geometry.0.len();
            if n < 2 {
                return Err(NetworkError::TooFewPoints { id: a.id });
            }
            if n > 1 << snap::SEG_BITS {
                return Err(NetworkError::TooManyPoints { id: a.id });
            }
            if geometry
                .0
                .iter()
                .any(|c| !c.x.is_finite() || !c.y.is_finite())
            {
                return Err(NetworkError::NonFinite { id: a.id });
            }
            let from = noder.node(geometry.0[0]);
            let to = noder.node(geometry.0[n - 1]);
            let [fx, fy] = noder.nodes[from as usize];
            let [tx, ty] = noder.nodes[to as usize];
            geometry.0[0] = Coord { x: fx, y: fy };
            geometry.0[n - 1] = Coord { x: tx, y: ty };
            let mut acc = 0.0;
            cum.push(acc);
            for w in geometry.0.windows(2) {
                acc += Euclidean.distance(w[0], w[1]);
                cum.push(acc);
            }
            // The sum of the segment lengths in order is exactly what geo's `Euclidean.length`
            // gives (checked in debug builds); summing once saves a second pass of `hypot`.
            let len = acc;
            debug_assert_eq!(
                len,
                Euclidean.length(&geometry),
                "cumulative lengths must sum as geo does"
            );
            if !len.is_finite() {
                return Err(NetworkError::NonFinite { id: a.id });
            }
            if len <= 0.0 {
                return Err(NetworkError::ZeroLength { id: a.id });
            }
            let [w, wi, d] = Mode::ALL.map(|m| directions(&a, m));
            let dirs = [w, wi, d, if is_adopted_road(&a) { FWD | BWD } else { 0 }];
            topo.push(Topo {
                from,
                to,
                len,
                len_um: um(len),
                dirs,
                spare: [0; 4],
            });
            bbox.push(geometry.0.iter().fold(
                [f64::INFINITY, f64::INFINITY, -f64::INFINITY, -f64::INFINITY],
                |b, c| [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)],
            ));
            points.extend(geometry.0.iter().map(|c| [c.x, c.y]));
            point_start.push(points.len() as u32);
            attrs.push(a);
        }
        if topo.iter().fold(0u64, |a, t| a.saturating_add(t.len_um)) > MAX_TOTAL_UM {
            return Err(NetworkError::TooLong {
                max_km: metres(MAX_TOTAL_UM) / 1000.0,
            });
        }
        if points.len() > u32::MAX as usize {
            return Err(NetworkError::TooLong {
                max_km: metres(MAX_TOTAL_UM) / 1000.0,
            });
        }
        let node_count = noder.nodes.len();
        let walk_has_unsafe = has_unsafe(&topo);
        let modes = Mode::ALL.map(|m| {
            if m == Mode::WalkIgnoringSafety && !walk_has_unsafe {
                ModeArcs::default()
            } else {
                ModeArcs::of(&topo, node_count, m)
            }
        });
        let grid = Grid::of(&bbox);
        Ok(Network::of_parts(
            NetworkParts {
                topo: topo.into(),
                nodes: noder.nodes.into(),
                bbox: bbox.into(),
                grid,
                point_start: point_start.into(),
                points: points.into(),
                cum: cum.into(),
                columns: Columns::of(&attrs),
                modes,
            },
            walk_has_unsafe,
        ))
    }

    fn of_parts(parts: NetworkParts, walk_has_unsafe: bool) -> Network {
        Network {
            parts,
            walk_has_unsafe,
            graphs: Default::default(),
            hierarchies: Default::default(),
        }
    }

    /// The network's arrays, to be stored (a prepared area).
    pub(crate) fn parts(&self) -> &NetworkParts {
        &self.parts
    }

    /// A network from arrays [`Network::parts`] gave (read back from a prepared area), after
    /// checking that every index in them stays in range, so that no search can panic on them.
    /// The arrays' content is the caller's to vouch for (a prepared file's checksum).
    pub(crate) fn from_parts(parts: NetworkParts) -> Result<Network, String> {
        use rayon::prelude::*;
        let p = &parts;
        let (m, n) = (p.topo.len(), p.nodes.len());
        if m == 0 {
            return Err("no edges".into());
        }
        let walk_has_unsafe = has_unsafe(&p.topo);
        let points_fit = p.point_start.len() == m + 1
            && p.point_start[0] == 0
            && p.point_start.windows(2).all(|w| {
                w[1].checked_sub(w[0])
                    .is_some_and(|d| (2..=1 << snap::SEG_BITS).contains(&d))
            })
            && p.point_start[m] as usize == p.points.len()
            && p.cum.len() == p.points.len();
        let checks: [(&str, bool); 7] = [
            ("grid", p.grid.fits(m)),
            (
                "edge ends",
                p.topo
                    .iter()
                    .all(|t| (t.from as usize) < n && (t.to as usize) < n),
            ),
            (
                "edge lengths",
                p.topo
                    .iter()
                    .all(|t| t.len.is_finite() && t.len > 0.0 && um(t.len) == t.len_um)
                    && p.topo
                        .iter()
                        .try_fold(0u64, |a, t| a.checked_add(t.len_um))
                        .is_some_and(|total| total <= MAX_TOTAL_UM),
            ),
            ("edge points", points_fit && p.bbox.len() == m),
            ("edge attributes", p.columns.fits(m)),
            (
                "arcs",
                Mode::ALL.par_iter().all(|&mode| {
                    let arcs = &p.modes[mode.slot()];
                    if mode == Mode::WalkIgnoringSafety && !walk_has_unsafe {
                        arcs.arcs.is_empty()
                    } else {
                        arcs.fit(&p.topo, n)
                    }
                }),
            ),
            (
                "edge geometry",
                p.points.len() <= u32::MAX as usize && n <= u32::MAX as usize,
            ),
        ];
        match checks.iter().find(|(_, ok)| !ok) {
            Some((what, _)) => Err(format!("the network's {what} do not fit together")),
            None => Ok(Network::of_parts(parts, walk_has_unsafe)),
        }
    }

    /// `mode`'s contraction hierarchy, if one has been made or loaded.
    pub fn hierarchy(&self, mode: Mode) -> Option<&super::ch::Hierarchy> {
        self.hierarchies[self.measured_as(mode).slot()].get()
    }

    /// Makes the contraction hierarchy of every mode that is measured (walking ignoring safety
    /// only where some stretch is unsafe), in parallel; worth it before measuring many
    /// schools on a large network (see `ch`).
    pub fn make_hierarchies(&self) {
        use rayon::prelude::*;
        Mode::ALL
            .par_iter()
            .filter(|&&m| self.measured_as(m) == m)
            .for_each(|&m| {
                self.hierarchies[m.slot()].get_or_init(|| super::ch::Hierarchy::build(self, m));
            });
    }

    /// Installs a hierarchy made earlier for `mode` (from a prepared area); `false`, and
    /// nothing installed, when it was made for another graph (another network date, a what-if)
    /// or is not whole (trees are then grown by Dijkstra, to the same distances), or when the
    /// mode has one already.
    pub fn set_hierarchy(&self, mode: Mode, h: super::ch::Hierarchy) -> bool {
        self.measured_as(mode) == mode
            && h.made_for(self, mode)
            && self.hierarchies[mode.slot()].set(h).is_ok()
    }

    /// SHA-256 of `mode`'s graph: its junction count and every arc (from, to, length in
    /// micrometres) in order. Equal fingerprints mean the same graph, so the same distances.
    pub fn mode_fingerprint(&self, mode: Mode) -> [u8; 32] {
        let arcs = self.arcs(mode).map(|(u, v, len_um)| {
            let mut r = [0u8; 16];
            r[..4].copy_from_slice(&u.to_le_bytes());
            r[4..8].copy_from_slice(&v.to_le_bytes());
            r[8..].copy_from_slice(&len_um.to_le_bytes());
            r
        });
        sha256_of(&(self.node_count() as u64).to_le_bytes(), arcs)
    }

    /// `mode`'s arcs in order, each as (from node, to node, length in micrometres).
    pub(crate) fn arcs(&self, mode: Mode) -> impl Iterator<Item = (u32, u32, u64)> + '_ {
        let m = self.mode_arcs(mode);
        m.arcs.iter().map(|&a| {
            let (edge, forward) = ((a >> 1) as usize, a & 1 == 1);
            let (u, v) = self.arc_ends(edge, forward);
            (u, v, self.parts.topo[edge].len_um)
        })
    }

    /// The (from, to) nodes of source edge `edge` travelled forwards or backwards.
    fn arc_ends(&self, edge: usize, forward: bool) -> (u32, u32) {
        let t = &self.parts.topo[edge];
        if forward {
            (t.from, t.to)
        } else {
            (t.to, t.from)
        }
    }

    /// Arc `arc` of `mode`: its source edge, whether it runs forwards, and its end node.
    pub(crate) fn arc(&self, mode: Mode, arc: u32) -> (usize, bool, u32) {
        let a = self.mode_arcs(mode).arcs[arc as usize];
        let (edge, forward) = ((a >> 1) as usize, a & 1 == 1);
        (edge, forward, self.arc_ends(edge, forward).1)
    }

    /// The arcs of `mode` leaving node `v`, as (arc, end node, length in micrometres).
    pub(crate) fn arcs_from(
        &self,
        mode: Mode,
        v: usize,
    ) -> impl Iterator<Item = (u32, u32, u64)> + '_ {
        let m = self.mode_arcs(mode);
        m.out[m.out_first[v] as usize..m.out_first[v + 1] as usize]
            .iter()
            .map(move |&arc| {
                let (edge, _, to) = self.arc(mode, arc);
                (arc, to, self.parts.topo[edge].len_um)
            })
    }

    fn mode_arcs(&self, mode: Mode) -> &ModeArcs {
        &self.parts.modes[self.measured_as(mode).slot()]
    }

    /// The contraction hierarchies made or installed, by mode.
    pub fn hierarchies(&self) -> impl Iterator<Item = (Mode, &super::ch::Hierarchy)> + '_ {
        Mode::ALL
            .into_iter()
            .filter_map(|m| self.hierarchies[m.slot()].get().map(|h| (m, h)))
    }

    /// The mode whose graph, snaps and trees measure `mode`: walking ignoring safety is walking
    /// on a network with no stretch assessed unsafe (the same edges, so the same distances and
    /// routes), which spares building a second set of trees for every school.
    pub fn measured_as(&self, mode: Mode) -> Mode {
        match mode {
            Mode::WalkIgnoringSafety if !self.walk_has_unsafe => Mode::Walk,
            m => m,
        }
    }

    /// Number of source edges.
    pub fn edge_count(&self) -> usize {
        self.parts.topo.len()
    }

    /// Number of junctions (distinct edge end points, to the millimetre).
    pub fn node_count(&self) -> usize {
        self.parts.nodes.len()
    }

    /// Every source edge in input order as (attributes, geometry, length in metres), for maps and
    /// exports. Geometry end points are those of the merged nodes.
    pub fn edges(&self) -> impl ExactSizeIterator<Item = (EdgeAttrs, LineString<f64>, f64)> + '_ {
        (0..self.edge_count()).map(|e| (self.attrs(e), self.line(e), self.parts.topo[e].len))
    }

    /// [`Network::edges`] whose bounding box meets the box (min x, min y, max x, max y), in
    /// input order, found through the grid rather than by looking at every edge (a map of one
    /// home's routes on a county).
    pub fn edges_meeting(
        &self,
        b: [f64; 4],
    ) -> impl Iterator<Item = (EdgeAttrs, LineString<f64>, f64)> + '_ {
        self.parts
            .grid
            .edges_in(b)
            .into_iter()
            .map(|e| e as usize)
            .filter(move |&e| {
                let [x0, y0, x1, y1] = self.parts.bbox[e];
                x0 <= b[2] && b[0] <= x1 && y0 <= b[3] && b[1] <= y1
            })
            .map(|e| (self.attrs(e), self.line(e), self.parts.topo[e].len))
    }

    /// Attributes of the source edge at `edge` (input order), `None` when out of range.
    #[cfg(test)]
    pub fn edge_attrs(&self, edge: usize) -> Option<EdgeAttrs> {
        (edge < self.edge_count()).then(|| self.attrs(edge))
    }

    /// Geometry of the source edge at `edge`, `None` when out of range.
    #[cfg(test)]
    pub fn edge_geometry(&self, edge: usize) -> Option<LineString<f64>> {
        (edge < self.edge_count()).then(|| self.line(edge))
    }

    /// Length in metres of the source edge at `edge`, `None` when out of range.
    #[cfg(test)]
    pub fn edge_length_m(&self, edge: usize) -> Option<f64> {
        self.parts.topo.get(edge).map(|t| t.len)
    }

    /// Whether `mode` may use the source edge at `edge` at all (in at least one direction), so
    /// maps can show what each measurement could travel on.
    #[cfg(test)]
    pub fn usable(&self, mode: Mode, edge: usize) -> bool {
        self.parts
            .topo
            .get(edge)
            .is_some_and(|t| t.dirs[mode.slot()] != 0)
    }

    /// Number of directed arcs in `mode`'s graph (two per two-way edge), for diagnostics.
    #[cfg(test)]
    pub fn arc_count(&self, mode: Mode) -> usize {
        self.mode_arcs(mode).arcs.len()
    }

    /// Snaps a point to the nearest point on an edge usable in `mode`, refusing beyond `max_m`.
    ///
    /// The point lands on the perpendicular foot on the nearest segment (clamped to the segment),
    /// never merely on the nearest junction, because the policy measures from where the home
    /// meets the road. Ties go to the lowest edge index, then the lowest segment, so results never
    /// depend on how the edges are searched.
    pub fn snap(&self, mode: Mode, p: geo::Point<f64>, max_m: f64) -> Result<Snap, SnapError> {
        snap::snap(self, Layer::Mode(mode), p, max_m)
    }

    /// [`Network::snap`] in several modes from one point (one pass through the snapping index).
    pub fn snap_modes<const N: usize>(
        &self,
        modes: [Mode; N],
        p: geo::Point<f64>,
        max_m: f64,
    ) -> [Result<Snap, SnapError>; N] {
        snap::snap_each(self, modes.map(Layer::Mode), p, max_m)
    }

    /// Snaps a home to the nearest point of the nearest adopted road (see [`is_adopted_road`]):
    /// where its walk starts (clause 1.1.1). Refused beyond `max_m`, like [`Network::snap`].
    pub fn snap_to_adopted_road(&self, p: geo::Point<f64>, max_m: f64) -> Result<Snap, SnapError> {
        snap::snap(self, Layer::AdoptedRoads, p, max_m)
    }

    /// Another road the home may meet instead of `first` (its nearest adopted road): the nearest
    /// point of an adopted road with another name (or either unnamed and another edge) that
    /// does not lie on the first road, no more than `within_m` further from the home than
    /// `first` (and within `max_m`) and more than `within_m` from `first`'s point, so that the
    /// walk from it could differ. `None` when there is none.
    pub fn other_adopted_road(
        &self,
        p: geo::Point<f64>,
        first: &Snap,
        within_m: f64,
        max_m: f64,
    ) -> Option<Snap> {
        snap::other_road(self, p, first, within_m, max_m)
    }

    /// The name of the edge a point was snapped onto, when the network gives one.
    pub fn edge_name(&self, s: &Snap) -> Option<String> {
        (s.edge < self.edge_count())
            .then(|| self.name(s.edge).map(str::to_string))
            .flatten()
    }

    /// The junction (node) ids at the first and last coordinate of a source edge; stable for a
    /// given input, in the order junctions are first met while reading the edges.
    pub fn edge_nodes(&self, edge: usize) -> Option<(u32, u32)> {
        (edge < self.edge_count()).then(|| {
            let t = self.topo(edge);
            (t.from, t.to)
        })
    }

    /// Coordinate of junction `node`.
    pub(crate) fn nodes_coord(&self, node: usize) -> Coord<f64> {
        let [x, y] = self.parts.nodes[node];
        Coord { x, y }
    }

    pub(crate) fn topo(&self, edge: usize) -> &Topo {
        &self.parts.topo[edge]
    }

    /// `mode`'s arcs grouped by the node they enter.
    pub(crate) fn incoming(&self, mode: Mode) -> Incoming<'_> {
        self.mode_arcs(mode).incoming()
    }

    /// `mode`'s graph in petgraph, made on first use from the arcs (for the plain-Dijkstra
    /// baseline the searches are checked against).
    pub(crate) fn graph(&self, mode: Mode) -> &ModeGraph {
        self.graphs[self.measured_as(mode).slot()].get_or_init(|| {
            let mut g =
                ModeGraph::with_capacity(self.node_count(), self.mode_arcs(mode).arcs.len());
            for _ in 0..self.node_count() {
                g.add_node(());
            }
            for &a in self.mode_arcs(mode).arcs.iter() {
                let (edge, forward) = ((a >> 1) as usize, a & 1 == 1);
                let (u, v) = self.arc_ends(edge, forward);
                g.add_edge(
                    NodeIndex::new(u as usize),
                    NodeIndex::new(v as usize),
                    Arc {
                        len_um: self.parts.topo[edge].len_um,
                    },
                );
            }
            g
        })
    }

    /// Bounding box (min x, min y, max x, max y) of the source edge at `edge`.
    pub(crate) fn bbox(&self, edge: usize) -> &[f64; 4] {
        &self.parts.bbox[edge]
    }

    /// Every edge's topology and bounding box, for loops over many edges (one look-up of the
    /// arrays rather than one an edge).
    pub(crate) fn topo_and_boxes(&self) -> (&[Topo], &[[f64; 4]]) {
        (&self.parts.topo, &self.parts.bbox)
    }

    /// The edges by grid cell (see `grid`).
    pub(crate) fn grid(&self) -> &Grid {
        &self.parts.grid
    }

    /// The points of the source edge at `edge`, first to last.
    pub(crate) fn points(&self, edge: usize) -> &[[f64; 2]] {
        let s = &self.parts.point_start;
        &self.parts.points[s[edge] as usize..s[edge + 1] as usize]
    }

    /// The geometry of the source edge at `edge`, made for a map or an export.
    pub(crate) fn line(&self, edge: usize) -> LineString<f64> {
        self.points(edge)
            .iter()
            .map(|&[x, y]| Coord { x, y })
            .collect()
    }

    /// Distance along the edge to each of its points (see [`Network::points`]).
    pub(crate) fn cum(&self, edge: usize) -> &[f64] {
        let s = &self.parts.point_start;
        &self.parts.cum[s[edge] as usize..s[edge + 1] as usize]
    }

    /// All the attributes of the source edge at `edge`, made for a map, an export or a test.
    pub(crate) fn attrs(&self, edge: usize) -> EdgeAttrs {
        self.parts.columns.attrs(edge)
    }

    /// The roads and paths the edges `ids` belong to, by name, with the ids and metres of each,
    /// longest first (then by name); unnamed edges are left out. For "what if this road were
    /// assessed unsafe" of a route: a family and a panel name a road, not an edge.
    pub fn named_stretches(&self, ids: &[String]) -> Vec<(String, Vec<String>, f64)> {
        let wanted: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut by_name: Vec<(String, Vec<String>, f64)> = Vec::new();
        for e in 0..self.edge_count() {
            let id = self.edge_id(e);
            if !wanted.contains(id) {
                continue;
            }
            let Some(name) = self.name(e) else { continue };
            let len = self.parts.topo[e].len;
            match by_name.iter_mut().find(|(n, _, _)| n == name) {
                Some((_, ids, m)) => {
                    ids.push(id.to_string());
                    *m += len;
                }
                None => by_name.push((name.to_string(), vec![id.to_string()], len)),
            }
        }
        by_name.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        by_name
    }

    /// The source's identifier of the edge at `edge`.
    pub(crate) fn edge_id(&self, edge: usize) -> &str {
        self.parts.columns.ids.get(edge)
    }

    /// The street or path name of the edge at `edge`, when known.
    pub(crate) fn name(&self, edge: usize) -> Option<&str> {
        let c = &self.parts.columns;
        (c.flags[edge] & F_HAS_NAME != 0).then(|| c.names.get(edge))
    }

    /// Whether the edge at `edge` is assessed unsafe to walk, and the audit that said so.
    pub(crate) fn unsafe_walk(&self, edge: usize) -> Option<Option<&str>> {
        let c = &self.parts.columns;
        let f = c.flags[edge];
        (f & F_UNSAFE != 0).then(|| (f & F_HAS_UNSAFE_REF != 0).then(|| c.unsafe_refs.get(edge)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::testutil::{oneway, path, road, unsafe_road};

    #[test]
    fn empty_network_is_refused() {
        assert_eq!(Network::build(vec![]).unwrap_err(), NetworkError::Empty);
    }

    #[test]
    fn bad_geometry_is_refused_naming_the_edge() {
        let ok = road("ok", &[(0.0, 0.0), (10.0, 0.0)]);
        let cases = [
            (
                road("one-point", &[(0.0, 0.0)]),
                NetworkError::TooFewPoints {
                    id: "one-point".into(),
                },
            ),
            (
                road("nan", &[(0.0, 0.0), (f64::NAN, 1.0)]),
                NetworkError::NonFinite { id: "nan".into() },
            ),
            (
                road("inf", &[(0.0, 0.0), (5.0, 5.0), (1.0, f64::INFINITY)]),
                NetworkError::NonFinite { id: "inf".into() },
            ),
            (
                road("flat", &[(3.0, 4.0), (3.0, 4.0)]),
                NetworkError::ZeroLength { id: "flat".into() },
            ),
            // Ends 0.4 mm apart merge into one node: the edge has no length left.
            (
                road("tiny", &[(3.0, 4.0), (3.0004, 4.0)]),
                NetworkError::ZeroLength { id: "tiny".into() },
            ),
        ];
        for (bad, err) in cases {
            assert_eq!(Network::build(vec![ok.clone(), bad]).unwrap_err(), err);
        }
    }

    #[test]
    fn ends_equal_to_the_millimetre_are_one_node_and_interior_vertices_are_not_junctions() {
        // "a" ends at (100, 0); "b" starts 0.3 mm away, so they share a node and b's first
        // coordinate is moved onto it. "c" crosses both through an interior vertex at (50, 0),
        // which is not a junction. Nodes: (0,0), (100,0), (200,0), (50,-50), (50,50) = 5.
        let net = Network::build(vec![
            road("a", &[(0.0, 0.0), (100.0, 0.0)]),
            road("b", &[(100.0003, 0.0), (200.0, 0.0)]),
            road("c", &[(50.0, -50.0), (50.0, 0.0), (50.0, 50.0)]),
        ])
        .unwrap();
        assert_eq!(net.node_count(), 5);
        assert_eq!(net.edge_count(), 3);
        assert_eq!(net.topo(0).to, net.topo(1).from);
        assert_eq!(net.edge_geometry(1).unwrap().0[0], (100.0, 0.0).into());
        assert_eq!(net.edge_length_m(1), Some(100.0));
        assert_eq!(net.edge_length_m(2), Some(100.0));
        let ids: Vec<String> = net.edges().map(|(a, _, _)| a.id).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(net.edge_attrs(2).unwrap().id, "c");
        assert!(net.edge_attrs(3).is_none());
    }

    #[test]
    fn each_mode_gets_the_arcs_it_may_use() {
        // fwd: one-way forward road (drive 1 arc, walks 2 each); foot: footpath (walks only);
        // bad: unsafe road (absent from Walk). Walk = 2+2 = 4, WalkIgnoringSafety = 2+2+2 = 6,
        // Drive = 1 + 2 = 3.
        let net = Network::build(vec![
            oneway("fwd", &[(0.0, 0.0), (10.0, 0.0)], Oneway::Forward),
            path("foot", &[(10.0, 0.0), (20.0, 0.0)]),
            unsafe_road("bad", &[(20.0, 0.0), (30.0, 0.0)]),
        ])
        .unwrap();
        assert_eq!(net.arc_count(Mode::Walk), 4);
        assert_eq!(net.arc_count(Mode::WalkIgnoringSafety), 6);
        assert_eq!(net.arc_count(Mode::Drive), 3);
        assert!(!net.usable(Mode::Walk, 2));
        assert!(net.usable(Mode::WalkIgnoringSafety, 2));
        assert!(!net.usable(Mode::Drive, 1));
        assert_eq!(net.arc(Mode::Drive, 0), (0, true, 1));
        let arc = net.graph(Mode::Drive).edge_weights().next().unwrap();
        assert_eq!(arc.len_um, 10_000_000);
    }

    #[test]
    fn backward_one_way_runs_last_to_first() {
        let net = Network::build(vec![oneway(
            "back",
            &[(0.0, 0.0), (10.0, 0.0)],
            Oneway::Backward,
        )])
        .unwrap();
        let g = net.graph(Mode::Drive);
        assert_eq!(g.edge_count(), 1);
        let e = g.edge_indices().next().unwrap();
        let (s, t) = g.edge_endpoints(e).unwrap();
        assert_eq!((s.index(), t.index()), (1, 0));
        assert_eq!(net.arc(Mode::Drive, 0), (0, false, 0));
    }

    #[test]
    fn walking_ignoring_safety_is_walking_where_nothing_is_unsafe() {
        let safe = Network::build(vec![
            road("a", &[(0.0, 0.0), (10.0, 0.0)]),
            path("b", &[(10.0, 0.0), (20.0, 0.0)]),
        ])
        .unwrap();
        assert_eq!(safe.measured_as(Mode::WalkIgnoringSafety), Mode::Walk);
        assert_eq!(safe.measured_as(Mode::Drive), Mode::Drive);
        let audited = Network::build(vec![
            road("a", &[(0.0, 0.0), (10.0, 0.0)]),
            unsafe_road("c", &[(10.0, 0.0), (20.0, 0.0)]),
        ])
        .unwrap();
        assert_eq!(
            audited.measured_as(Mode::WalkIgnoringSafety),
            Mode::WalkIgnoringSafety
        );
    }
}
