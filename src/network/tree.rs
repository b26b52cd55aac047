//! Shortest-path trees grown from a set of targets (a school's open entrances), so that every
//! home measured to the same school reuses one Dijkstra run.
//!
//! The tree is grown backwards, from the targets outwards, giving for every junction the shortest
//! distance *from* that junction *to* the nearest target. For driving this means following arcs
//! in reverse, so one-way streets are respected in the home-to-school direction. A home query then
//! only has to look at the two ends of the edge it was snapped onto (and at targets on that same
//! edge), which is what makes measuring 100,000 homes cheap.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use geo::{Coord, LineString};

use super::graph::{BWD, FWD};
use super::length::{self, label, metres, reached, step, um, UNREACHED};
use super::{Mode, Network, Snap};

/// `next` marker: the node has not been reached.
const NO_NEXT: u32 = u32::MAX;
/// `next` marker: the node is the first end of its target's edge; the route runs forward along
/// that edge to the target.
const SEED_AT_START: u32 = u32::MAX - 1;
/// `next` marker: the node is the last end of its target's edge; the route runs backward along
/// that edge to the target.
const SEED_AT_END: u32 = u32::MAX - 2;

/// A target placed on an edge, reduced to what the queries need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub(crate) edge: u32,
    /// Metres from the edge's first coordinate, for cutting route geometry.
    offset: f64,
    /// The same offset in whole micrometres, as distances are added.
    pub(crate) offset_um: u64,
    point: Coord<f64>,
}

impl Target {
    /// Places the snapped targets, in order; each seeds the search at the ends of its edge that
    /// `mode` can travel from towards it.
    pub(crate) fn place(net: &Network, targets: &[Snap]) -> Vec<Target> {
        targets
            .iter()
            .map(|s| {
                let topo = net.topo(s.edge);
                let offset = s.offset_m.clamp(0.0, topo.len);
                Target {
                    edge: s.edge as u32,
                    offset,
                    offset_um: um(offset).min(topo.len_um),
                    point: s.point.0,
                }
            })
            .collect()
    }

    /// The junctions a search starts from to reach this target (index `t`) in `mode`: `(node,
    /// label, marker)`. A target at offset `b` on edge (u, v) of length `L` seeds u with `b` when
    /// travel u -> v is allowed and v with `L - b` when v -> u is allowed; a target exactly at an
    /// end is at that node, whatever the edge's direction.
    pub(crate) fn seeds(&self, net: &Network, mode: Mode, t: u32) -> [Option<(u32, u64, u32)>; 2] {
        let topo = net.topo(self.edge as usize);
        let dirs = topo.dirs[mode.slot()];
        if dirs == 0 {
            // Not on this mode's network: the target cannot be reached.
            return [None, None];
        }
        let b = self.offset_um;
        [
            (dirs & FWD != 0 || b == 0).then(|| (topo.from, label(b, t), SEED_AT_START)),
            (dirs & BWD != 0 || b == topo.len_um)
                .then(|| (topo.to, label(topo.len_um - b, t), SEED_AT_END)),
        ]
    }
}

/// Shortest distances from every node to the nearest of a set of target snaps, and (for a tree
/// grown by [`Tree::grow`]) the next step from each node, so that the route itself can be
/// recovered.
#[derive(Debug)]
pub struct Tree {
    mode: Mode,
    /// Per node, the label (distance and target, see `length`) of its nearest target; for a
    /// tree swept through a hierarchy (`ch`), per position in the hierarchy's order (`pos`).
    label: Vec<u64>,
    /// Per node: the arc (index in the mode's graph) to take next towards the target, or one of
    /// the `NO_NEXT`/`SEED_AT_*` markers. Empty in a tree of distances only.
    next: Vec<u32>,
    /// For a swept tree, each node's position in `label`.
    pos: Option<std::sync::Arc<[u32]>>,
    targets: Vec<Target>,
    /// Every junction with a label up to this is settled (its label and next step final); a
    /// tree grown to the end has `u64::MAX`. See [`Tree::grow_until`].
    settled_to: u64,
}

/// Label arrays of dropped trees, for the next trees to fill again. A county batch grows a tree
/// of two megabytes for each school and mode and drops the least recently used to stay within
/// its budget: taking a fresh array from the system each time costs the kernel zeroing its
/// pages (7% of a Kent-like batch), and refilling a spare one costs a tenth of that.
static SPARE_LABELS: std::sync::Mutex<Vec<Vec<u64>>> = std::sync::Mutex::new(Vec::new());

/// Most spare label arrays kept: one or two per thread growing trees.
const SPARE_MAX: usize = 4;

/// Arrays smaller than this are not worth keeping (a town's trees, a test's).
const SPARE_MIN_LEN: usize = 1 << 16;

/// `n` labels, all unreached: a spare array refilled if there is one.
pub(crate) fn unreached_labels(n: usize) -> Vec<u64> {
    let spare = match SPARE_LABELS.lock() {
        Ok(mut s) if n >= SPARE_MIN_LEN => s.pop(),
        _ => None,
    };
    match spare {
        Some(mut v) => {
            v.clear();
            v.resize(n, UNREACHED);
            v
        }
        None => vec![UNREACHED; n],
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let label = std::mem::take(&mut self.label);
        if label.len() >= SPARE_MIN_LEN {
            if let Ok(mut s) = SPARE_LABELS.lock() {
                if s.len() < SPARE_MAX {
                    s.push(label);
                }
            }
        }
    }
}

/// A measured route from a home to the nearest target.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Route {
    /// The mode the route was measured in.
    pub mode: Mode,
    /// Length in metres: the distance [`Tree::distance`] gives, equal to the length of
    /// `geometry` up to floating-point rounding.
    pub length_m: f64,
    /// Index (into the targets given to [`Tree::grow`]) of the entrance reached.
    pub target: usize,
    /// The route from the home's snap point to the target's snap point.
    pub geometry: geo::LineString<f64>,
    /// Ids of the source edges used, in order (consecutive repeats removed).
    pub edge_ids: Vec<String>,
    /// The same edges as indices into the network, for looking up their attributes.
    #[serde(skip)]
    pub(crate) edges: Vec<u32>,
}

/// How the best route from a home leaves its edge.
#[derive(Debug, Clone, Copy)]
enum Exit {
    /// Along the home's edge to `node` (its first end when `to_start`), then down the tree.
    Via { node: u32, to_start: bool },
    /// Straight along the home's edge to a target on the same edge.
    Direct { target: u32 },
}

impl Tree {
    /// Grows the tree in `mode` from `targets` (already snapped in the same mode) by Dijkstra,
    /// keeping the next step from every junction so that routes can be drawn.
    ///
    /// Each junction ends with the smallest label (distance, then target index) over all
    /// targets, which does not depend on the order junctions are settled in.
    pub fn grow(net: &Network, mode: Mode, targets: &[Snap]) -> Tree {
        Tree::search(net, mode, targets, true, &[])
    }

    /// The same labels as [`Tree::grow`] without the next steps: 8 bytes per junction instead
    /// of 12, for measuring many homes where no route is drawn.
    pub fn distances(net: &Network, mode: Mode, targets: &[Snap]) -> Tree {
        Tree::search(net, mode, targets, false, &[])
    }

    /// [`Tree::grow`] stopped once the ends of the edge `home` lies on are settled, and every
    /// junction as near to a target as the further of them: all that measuring from that home
    /// and drawing its route read, with the same labels and steps as the whole tree. One home
    /// near its school (a `check`) then costs a few thousand junctions, not a whole county.
    pub fn grow_until(net: &Network, mode: Mode, targets: &[Snap], home: &Snap) -> Tree {
        let until = if home.edge < net.edge_count() {
            let t = net.topo(home.edge);
            vec![t.from, t.to]
        } else {
            Vec::new()
        };
        Tree::search(net, mode, targets, true, &until)
    }

    /// Whether the tree measures from `home` as the whole tree would: grown to the end, or
    /// both ends of the home's edge settled (see [`Tree::grow_until`]).
    pub fn covers(&self, net: &Network, home: &Snap) -> bool {
        if self.settled_to == u64::MAX || home.edge >= net.edge_count() {
            return true;
        }
        let t = net.topo(home.edge);
        [t.from, t.to]
            .iter()
            .all(|&n| self.at(n as usize) <= self.settled_to)
    }

    /// Dijkstra from the targets; with junctions `until`, it stops once they are all settled
    /// and no label left to settle is as small as theirs (ties settled too, so that every
    /// junction of a shortest route to them is).
    fn search(net: &Network, mode: Mode, targets: &[Snap], with_next: bool, until: &[u32]) -> Tree {
        let incoming = net.incoming(mode);
        let n = net.node_count();
        let mut lab = unreached_labels(n);
        let mut next = if with_next {
            vec![NO_NEXT; n]
        } else {
            Vec::new()
        };
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        let kept = Target::place(net, targets);
        for (t, target) in kept.iter().enumerate().take(length::MAX_TARGETS) {
            for (node, l, marker) in target.seeds(net, mode, t as u32).into_iter().flatten() {
                let x = node as usize;
                if l < lab[x] {
                    lab[x] = l;
                    if with_next {
                        next[x] = marker;
                    }
                    heap.push(Reverse((l, node)));
                }
            }
        }
        // A junction is pushed only when its label improves, so the entry holding its final
        // label is popped once; a stale entry is told by its label. Lengths are positive, so a
        // settled junction is never improved again.
        let mut waiting: Vec<u32> = until.to_vec();
        let mut settled_to = u64::MAX;
        while let Some(Reverse((l, x))) = heap.pop() {
            if l != lab[x as usize] {
                continue;
            }
            if l > settled_to {
                break;
            }
            if !waiting.is_empty() {
                waiting.retain(|&w| w != x);
                if waiting.is_empty() {
                    settled_to = l;
                }
            }
            for a in incoming.entering(x as usize) {
                let nl = l + step(a.len_um);
                let y = a.from as usize;
                if nl < lab[y] {
                    lab[y] = nl;
                    if with_next {
                        next[y] = a.arc;
                    }
                    heap.push(Reverse((nl, a.from)));
                }
            }
        }
        if !waiting.is_empty() {
            // A junction waited for was never reached: the tree was grown to the end.
            settled_to = u64::MAX;
        }
        Tree {
            mode,
            label: lab,
            next,
            pos: None,
            targets: kept,
            settled_to,
        }
    }

    /// A tree of distances only, from labels in the order `pos` gives (a hierarchy's sweep).
    pub(crate) fn swept(
        mode: Mode,
        label: Vec<u64>,
        pos: std::sync::Arc<[u32]>,
        targets: Vec<Target>,
    ) -> Tree {
        Tree {
            mode,
            label,
            next: Vec::new(),
            pos: Some(pos),
            targets,
            settled_to: u64::MAX,
        }
    }

    /// The mode the tree was grown in.
    #[cfg(test)]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Bytes the tree holds, for keeping a budget of trees in memory.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.label.len() * 8 + self.next.len() * 4 + self.targets.len() * 40
    }

    /// The next step from junction `y` towards its target: the arc [`Tree::grow`] records, or
    /// for a tree of distances only the same arc worked out from the labels. Labels are exact
    /// integers, so an arc y -> x lies on a shortest route exactly when `label(x) + length =
    /// label(y)`; of those, Dijkstra keeps the first to offer the label: x settled first
    /// (smallest label, then junction index), then the first of x's arcs in the order it reads
    /// them (newest first). A seed's marker stands unless an arc offered a smaller label.
    fn next_at(&self, net: &Network, y: usize) -> u32 {
        if !self.next.is_empty() {
            return self.next[y];
        }
        let l = self.at(y);
        let t = length::target(l);
        if let Some(target) = self.targets.get(t as usize) {
            for (node, seed, marker) in target.seeds(net, self.mode, t).into_iter().flatten() {
                if node as usize == y && seed == l {
                    return marker;
                }
            }
        }
        let mut best: Option<(u64, usize, std::cmp::Reverse<usize>)> = None;
        for (arc, x, len_um) in net.arcs_from(self.mode, y) {
            let x = x as usize;
            let lx = self.at(x);
            if reached(lx) && lx + step(len_um) == l {
                let key = (lx, x, std::cmp::Reverse(arc as usize));
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
        best.map_or(NO_NEXT, |(_, _, std::cmp::Reverse(arc))| arc as u32)
    }

    /// The label of a junction.
    fn at(&self, node: usize) -> u64 {
        match &self.pos {
            Some(pos) => self.label[pos[node] as usize],
            None => self.label[node],
        }
    }

    /// Shortest distance from a junction to the nearest target, `None` if unreachable or out of
    /// range; for maps of how far every junction is from the school.
    pub fn node_distance(&self, node: usize) -> Option<f64> {
        if node >= self.label.len() {
            return None;
        }
        let l = self.at(node);
        reached(l).then(|| metres(length::distance_um(l)))
    }

    /// Shortest distance from `from` and the index of the target it reaches, `None` if
    /// unreachable. Allocation-free, like [`Tree::distance`].
    pub fn nearest(&self, net: &Network, from: &Snap) -> Option<(f64, usize)> {
        self.best(net, from)
            .map(|(l, _)| (metres(length::distance_um(l)), length::target(l) as usize))
    }

    /// The best way off the home's edge: (label, exit). Allocation-free.
    fn best(&self, net: &Network, from: &Snap) -> Option<(u64, Exit)> {
        if from.edge >= net.edge_count() {
            return None;
        }
        let topo = net.topo(from.edge);
        let dirs = topo.dirs[self.mode.slot()];
        if dirs == 0 {
            return None;
        }
        let a = um(from.offset_m.clamp(0.0, topo.len)).min(topo.len_um);
        // Candidates are compared on their labels (distance, then target index).
        let mut best: Option<(u64, Exit)> = None;
        let mut offer = |l: u64, exit: Exit| {
            if reached(l) && best.is_none_or(|(b, _)| l < b) {
                best = Some((l, exit));
            }
        };
        // A home exactly at an end of its edge is at that node, whatever the edge's direction.
        if dirs & BWD != 0 || a == 0 {
            offer(
                self.at(topo.from as usize) + step(a),
                Exit::Via {
                    node: topo.from,
                    to_start: true,
                },
            );
        }
        if dirs & FWD != 0 || a == topo.len_um {
            offer(
                self.at(topo.to as usize) + step(topo.len_um - a),
                Exit::Via {
                    node: topo.to,
                    to_start: false,
                },
            );
        }
        for (i, t) in self.targets.iter().enumerate() {
            if t.edge as usize != from.edge || i > length::MAX_TARGETS {
                continue;
            }
            let b = t.offset_um;
            let allowed = (b >= a && dirs & FWD != 0) || (b <= a && dirs & BWD != 0);
            if allowed {
                offer(
                    label(b.abs_diff(a), i as u32),
                    Exit::Direct { target: i as u32 },
                );
            }
        }
        best
    }

    /// Shortest distance from `from` to the nearest target, `None` if unreachable.
    ///
    /// `from` must have been snapped in the tree's mode. Cheap and allocation-free: batch runs
    /// call it for every home.
    pub fn distance(&self, net: &Network, from: &Snap) -> Option<f64> {
        self.nearest(net, from).map(|(d, _)| d)
    }

    /// Shortest route from `from` to the nearest target, `None` if unreachable.
    ///
    /// A tree of distances only ([`Tree::distances`]) draws the same route as the grown one,
    /// working out each next step from the labels (see [`Tree::next_at`]).
    pub fn route(&self, net: &Network, from: &Snap) -> Option<Route> {
        let (best, exit) = self.best(net, from)?;
        let length_m = metres(length::distance_um(best));
        let home_edge = from.edge;
        let a = from.offset_m.clamp(0.0, net.topo(home_edge).len);
        let mut coords: Vec<Coord<f64>> = vec![from.point.0];
        let mut edges: Vec<u32> = vec![home_edge as u32];
        let target = match exit {
            Exit::Direct { target } => {
                let t = self.targets[target as usize];
                along(net, home_edge, a, t.offset, &mut coords);
                coords.push(t.point);
                target
            }
            Exit::Via { node, to_start } => {
                let topo = net.topo(home_edge);
                let (end, end_node) = if to_start {
                    (0.0, topo.from)
                } else {
                    (topo.len, topo.to)
                };
                along(net, home_edge, a, end, &mut coords);
                let home_points = net.points(home_edge);
                coords.push(Coord::from(if to_start {
                    home_points[0]
                } else {
                    home_points[home_points.len() - 1]
                }));
                debug_assert_eq!(end_node, node);
                let mut x = node as usize;
                loop {
                    match self.next_at(net, x) {
                        NO_NEXT => unreachable!("a reached node always leads to a target"),
                        marker @ (SEED_AT_START | SEED_AT_END) => {
                            let reached_t = length::target(self.at(x));
                            let t = self.targets[reached_t as usize];
                            let e = t.edge as usize;
                            let start = if marker == SEED_AT_START {
                                0.0
                            } else {
                                net.topo(e).len
                            };
                            along(net, e, start, t.offset, &mut coords);
                            coords.push(t.point);
                            edges.push(t.edge);
                            break reached_t;
                        }
                        arc => {
                            let (e, forward, to) = net.arc(self.mode, arc);
                            let len = net.topo(e).len;
                            let (s, t) = if forward { (0.0, len) } else { (len, 0.0) };
                            along(net, e, s, t, &mut coords);
                            let points = net.points(e);
                            coords.push(Coord::from(if forward {
                                points[points.len() - 1]
                            } else {
                                points[0]
                            }));
                            edges.push(e as u32);
                            x = to as usize;
                        }
                    }
                }
            }
        };
        coords.dedup();
        if coords.len() < 2 {
            coords.push(coords[0]);
        }
        edges.dedup();
        Some(Route {
            mode: self.mode,
            length_m,
            target: target as usize,
            geometry: LineString::new(coords),
            edge_ids: edges
                .iter()
                .map(|&e| net.edge_id(e as usize).to_string())
                .collect(),
            edges,
        })
    }
}

/// Shortest distance in `mode` from every junction to junction `to` (node ids as
/// [`Network::edge_nodes`] and `network export` give them), `None` where unreachable; `None`
/// overall when `to` is not a junction. This is the very search that measures homes to schools
/// (a tree grown from a target, here placed on the junction itself), exposed so that the tool's
/// own distances can be checked against an independent shortest-path implementation on the
/// exported edge list.
pub fn distances_to_junction(net: &Network, mode: Mode, to: usize) -> Option<Vec<Option<f64>>> {
    if to >= net.node_count() {
        return None;
    }
    // An edge ending at the junction, one usable in `mode` when there is one (the lowest index).
    let ends = |e: usize| {
        let t = net.topo(e);
        t.from as usize == to || t.to as usize == to
    };
    let edge = (0..net.edge_count())
        .filter(|&e| ends(e))
        .min_by_key(|&e| net.topo(e).dirs[mode.slot()] == 0)?;
    let t = net.topo(edge);
    let offset_m = if t.from as usize == to { 0.0 } else { t.len };
    let point = geo::Point(net.nodes_coord(to));
    let target = Snap {
        from: point,
        point,
        distance_m: 0.0,
        edge_id: net.edge_id(edge).to_string(),
        edge,
        offset_m,
    };
    let tree = Tree::grow(net, mode, std::slice::from_ref(&target));
    let mut out: Vec<Option<f64>> = (0..net.node_count())
        .map(|n| tree.node_distance(n))
        .collect();
    // The junction itself is where the route ends, whether or not `mode` can leave it.
    out[to] = Some(0.0);
    Some(out)
}

/// Appends the interior vertices of edge `e` lying strictly between offsets `a` and `b`, in the
/// order met when travelling from `a` to `b`. The caller adds the points at `a` and `b`.
fn along(net: &Network, e: usize, a: f64, b: f64, out: &mut Vec<Coord<f64>>) {
    let cum = net.cum(e);
    let points = net.points(e);
    if a <= b {
        let first = cum.partition_point(|&c| c <= a);
        let last = cum.partition_point(|&c| c < b);
        out.extend(
            points[first..last.max(first)]
                .iter()
                .map(|&p| Coord::from(p)),
        );
    } else {
        let first = cum.partition_point(|&c| c <= b);
        let last = cum.partition_point(|&c| c < a);
        out.extend(
            points[first..last.max(first)]
                .iter()
                .rev()
                .map(|&p| Coord::from(p)),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use geo::{Distance, Euclidean, Length, Point};
    use petgraph::algo::dijkstra;
    use petgraph::graph::DiGraph;
    use proptest::prelude::*;

    use super::*;
    use crate::network::testutil::{check_route, oneway, path, road, unsafe_road};
    use crate::network::{Oneway, RawEdge};

    const FAR: f64 = 1000.0;

    /// Snaps `home` and `targets` in `mode`, grows the tree and returns the route, after checking
    /// the route's invariants against `distance`.
    fn measure(
        net: &Network,
        mode: Mode,
        home: (f64, f64),
        targets: &[(f64, f64)],
    ) -> Option<Route> {
        let snaps: Vec<Snap> = targets
            .iter()
            .map(|&t| net.snap(mode, t.into(), FAR).unwrap())
            .collect();
        let home = net.snap(mode, home.into(), FAR).unwrap();
        let tree = Tree::grow(net, mode, &snaps);
        let d = tree.distance(net, &home);
        let r = tree.route(net, &home);
        assert_eq!(d.is_some(), r.is_some());
        if let (Some(d), Some(r)) = (d, &r) {
            check_route(r, &home, &snaps, d);
        }
        r
    }

    fn coords(r: &Route) -> Vec<(f64, f64)> {
        r.geometry.0.iter().map(|c| (c.x, c.y)).collect()
    }

    /// Square block A(0,0) B(100,0) C(100,100) D(0,100): ab, bc, cd, da in that order.
    fn block(ab: RawEdge) -> Network {
        Network::build(vec![
            ab,
            road("bc", &[(100.0, 0.0), (100.0, 100.0)]),
            road("cd", &[(100.0, 100.0), (0.0, 100.0)]),
            road("da", &[(0.0, 100.0), (0.0, 0.0)]),
        ])
        .unwrap()
    }

    #[test]
    fn distances_to_a_junction_respect_one_way_for_drivers_only() {
        // Block A(0) B(1) C(2) D(3) with ab one-way B -> A, plus a footpath from C to E(4).
        // To A: walk from B 100 (ab), driving from B 100 too (B -> A allowed). To B: walking
        // from A 100, driving from A must go A -> D -> C -> B = 300. E is off the drive network.
        let mut edges = vec![
            oneway("ab", &[(0.0, 0.0), (100.0, 0.0)], Oneway::Backward),
            road("bc", &[(100.0, 0.0), (100.0, 100.0)]),
            road("cd", &[(100.0, 100.0), (0.0, 100.0)]),
            road("da", &[(0.0, 100.0), (0.0, 0.0)]),
        ];
        edges.push(path("ce", &[(100.0, 100.0), (200.0, 100.0)]));
        let net = Network::build(edges).unwrap();
        let walk_to_b = distances_to_junction(&net, Mode::Walk, 1).unwrap();
        let drive_to_b = distances_to_junction(&net, Mode::Drive, 1).unwrap();
        let drive_to_a = distances_to_junction(&net, Mode::Drive, 0).unwrap();
        assert_eq!(walk_to_b[0], Some(100.0));
        assert_eq!(drive_to_b[0], Some(300.0));
        assert_eq!(drive_to_a[1], Some(100.0));
        assert_eq!(walk_to_b[4], Some(200.0));
        assert_eq!(drive_to_b[4], None, "E is reached on foot only");
        let drive_to_e = distances_to_junction(&net, Mode::Drive, 4).unwrap();
        assert_eq!(drive_to_e[0], None);
        assert_eq!(drive_to_e[4], Some(0.0));
        assert!(distances_to_junction(&net, Mode::Walk, 5).is_none());
    }

    #[test]
    fn distance_counts_from_the_snapped_foot_not_a_node() {
        // a: (0,0)-(100,0), b: (100,0)-(200,0). Home (30, 10) snaps to a at offset 30; the
        // school (200, 5) snaps to b's far end at offset 100. Route = 70 (rest of a) + 100 = 170,
        // not 200 (from the node at (0,0)) nor 100 (from the node at (100,0)).
        let net = Network::build(vec![
            road("a", &[(0.0, 0.0), (100.0, 0.0)]),
            road("b", &[(100.0, 0.0), (200.0, 0.0)]),
        ])
        .unwrap();
        let r = measure(&net, Mode::Walk, (30.0, 10.0), &[(200.0, 5.0)]).unwrap();
        assert_eq!(r.length_m, 170.0);
        assert_eq!(coords(&r), [(30.0, 0.0), (100.0, 0.0), (200.0, 0.0)]);
        assert_eq!(r.edge_ids, ["a", "b"]);
    }

    #[test]
    fn one_way_binds_driving_but_not_walking() {
        // ab may be driven only B -> A. Home (50, -10) is on ab at offset 50; the school
        // (110, 50) is on bc at offset 50.
        // Walk: 50 along ab to B, 50 up bc = 100.
        // Drive: 50 back to A, da reversed A->D 100, cd reversed D->C 100, 50 down bc = 300.
        let net = block(oneway("ab", &[(0.0, 0.0), (100.0, 0.0)], Oneway::Backward));
        let home = (50.0, -10.0);
        let school = [(110.0, 50.0)];
        let walk = measure(&net, Mode::Walk, home, &school).unwrap();
        assert_eq!(walk.length_m, 100.0);
        assert_eq!(walk.edge_ids, ["ab", "bc"]);
        assert_eq!(coords(&walk), [(50.0, 0.0), (100.0, 0.0), (100.0, 50.0)]);
        let drive = measure(&net, Mode::Drive, home, &school).unwrap();
        assert_eq!(drive.length_m, 300.0);
        assert_eq!(drive.edge_ids, ["ab", "da", "cd", "bc"]);
        assert_eq!(
            coords(&drive),
            [
                (50.0, 0.0),
                (0.0, 0.0),
                (0.0, 100.0),
                (100.0, 100.0),
                (100.0, 50.0)
            ]
        );
        // With ab one-way A -> B instead, the drive is direct again.
        let net = block(oneway("ab", &[(0.0, 0.0), (100.0, 0.0)], Oneway::Forward));
        assert_eq!(
            measure(&net, Mode::Drive, home, &school).unwrap().length_m,
            100.0
        );
    }

    #[test]
    fn unsafe_edge_is_absent_from_walk_but_used_ignoring_safety() {
        // e0 (0,0)-(100,0), e1 (100,0)-(200,0) unsafe, e2 (200,0)-(300,0); detour
        // e3 (100,0)-(100,100), e4 (100,100)-(200,100), e5 (200,100)-(200,0).
        // Home (50,5): e0 offset 50. School (250,5): e2 offset 50.
        // Ignoring safety: 50 + 100 + 50 = 200. Walk: 50 + 100 + 100 + 100 + 50 = 400.
        let main = vec![
            road("e0", &[(0.0, 0.0), (100.0, 0.0)]),
            unsafe_road("e1", &[(100.0, 0.0), (200.0, 0.0)]),
            road("e2", &[(200.0, 0.0), (300.0, 0.0)]),
        ];
        let mut with_detour = main.clone();
        with_detour.extend([
            path("e3", &[(100.0, 0.0), (100.0, 100.0)]),
            path("e4", &[(100.0, 100.0), (200.0, 100.0)]),
            path("e5", &[(200.0, 100.0), (200.0, 0.0)]),
        ]);
        let home = (50.0, 5.0);
        let school = [(250.0, 5.0)];
        let net = Network::build(with_detour).unwrap();
        let ignoring = measure(&net, Mode::WalkIgnoringSafety, home, &school).unwrap();
        assert_eq!(ignoring.length_m, 200.0);
        assert_eq!(ignoring.edge_ids, ["e0", "e1", "e2"]);
        let walk = measure(&net, Mode::Walk, home, &school).unwrap();
        assert_eq!(walk.length_m, 400.0);
        assert_eq!(walk.edge_ids, ["e0", "e3", "e4", "e5", "e2"]);
        // Without the detour the unsafe edge was the only link: no available walking route.
        let net = Network::build(main).unwrap();
        assert!(measure(&net, Mode::Walk, home, &school).is_none());
        assert_eq!(
            measure(&net, Mode::WalkIgnoringSafety, home, &school)
                .unwrap()
                .length_m,
            200.0
        );
    }

    #[test]
    fn home_and_target_on_the_same_edge() {
        // One edge (0,0)-(100,0); home (20,5) at offset 20, school (70,-5) at offset 70: 50 m.
        let net = Network::build(vec![road("only", &[(0.0, 0.0), (100.0, 0.0)])]).unwrap();
        let r = measure(&net, Mode::Walk, (20.0, 5.0), &[(70.0, -5.0)]).unwrap();
        assert_eq!(r.length_m, 50.0);
        assert_eq!(coords(&r), [(20.0, 0.0), (70.0, 0.0)]);
        assert_eq!(r.edge_ids, ["only"]);
        // Backwards along a bent edge picks up the interior vertex: (0,0)-(100,0)-(100,100),
        // home (110, 60) at offset 160, school (50, 5) at offset 50: 110 m via (100, 0).
        let net = Network::build(vec![road(
            "bend",
            &[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)],
        )])
        .unwrap();
        let r = measure(&net, Mode::Walk, (110.0, 60.0), &[(50.0, 5.0)]).unwrap();
        assert_eq!(r.length_m, 110.0);
        assert_eq!(coords(&r), [(100.0, 60.0), (100.0, 0.0), (50.0, 0.0)]);
        // Home exactly on the school's point: zero metres, a degenerate two-point line.
        let r = measure(&net, Mode::Walk, (50.0, 5.0), &[(50.0, 5.0)]).unwrap();
        assert_eq!(r.length_m, 0.0);
        assert_eq!(coords(&r), [(50.0, 0.0), (50.0, 0.0)]);
    }

    #[test]
    fn same_edge_against_a_one_way_goes_round_the_block() {
        // ab driveable only B -> A. Home (20,-5) at offset 20, school (70,-5) at offset 70 on
        // the same edge, ahead against the one-way. Drive: 20 back to A, A->D->C->B 300, then
        // 30 back along ab from B to offset 70 = 350. Walk: 50 direct. A school behind the home
        // (offset 10) is 10 m for both.
        let net = block(oneway("ab", &[(0.0, 0.0), (100.0, 0.0)], Oneway::Backward));
        let drive = measure(&net, Mode::Drive, (20.0, -5.0), &[(70.0, -5.0)]).unwrap();
        assert_eq!(drive.length_m, 350.0);
        assert_eq!(drive.edge_ids, ["ab", "da", "cd", "bc", "ab"]);
        let walk = measure(&net, Mode::Walk, (20.0, -5.0), &[(70.0, -5.0)]).unwrap();
        assert_eq!(walk.length_m, 50.0);
        for mode in [Mode::Walk, Mode::Drive] {
            let r = measure(&net, mode, (20.0, -5.0), &[(10.0, -5.0)]).unwrap();
            assert_eq!(r.length_m, 10.0);
        }
        // A lone one-way edge with the school ahead: unreachable by car.
        let net = Network::build(vec![oneway(
            "ab",
            &[(0.0, 0.0), (100.0, 0.0)],
            Oneway::Backward,
        )])
        .unwrap();
        assert!(measure(&net, Mode::Drive, (20.0, -5.0), &[(70.0, -5.0)]).is_none());
    }

    #[test]
    fn a_point_exactly_at_the_end_of_a_one_way_edge_is_at_the_node() {
        // e0 (100,100)-(200,100) driveable only 200 -> 100; e1 (100,100)-(100,200) and
        // e2 (200,100)-(200,200) two-way. Points on a junction tie between edges and go to the
        // lowest index, here the one-way e0, yet must still leave or reach through the node.
        let net = Network::build(vec![
            oneway("e0", &[(100.0, 100.0), (200.0, 100.0)], Oneway::Backward),
            road("e1", &[(100.0, 100.0), (100.0, 200.0)]),
            road("e2", &[(200.0, 100.0), (200.0, 200.0)]),
        ])
        .unwrap();
        // Home on (200,100): e0 at offset 100, its last end, although e0 cannot be driven
        // forwards. School (205,150) on e2 at offset 50: 50 m from the node.
        let r = measure(&net, Mode::Drive, (200.0, 100.0), &[(205.0, 150.0)]).unwrap();
        assert_eq!(
            (r.length_m, r.edge_ids.clone()),
            (50.0, vec!["e0".into(), "e2".into()])
        );
        // School on (100,100): e0 at offset 0, its first end, although e0 cannot be driven
        // towards it from there. Home (105,150) on e1 at offset 50: 50 m to the node.
        let r = measure(&net, Mode::Drive, (105.0, 150.0), &[(100.0, 100.0)]).unwrap();
        assert_eq!(
            (r.length_m, r.edge_ids.clone()),
            (50.0, vec!["e1".into(), "e0".into()])
        );
        assert_eq!(coords(&r), [(100.0, 150.0), (100.0, 100.0)]);
    }

    #[test]
    fn nearest_of_several_targets_is_chosen() {
        // e0 (0,0)-(500,0), e1 (500,0)-(1000,0). Home (400,5): e0 offset 400.
        // t0 (100,5): same edge, 300. t1 (650,5): 100 + 150 = 250. t2 (900,5): 500.
        let net = Network::build(vec![
            road("e0", &[(0.0, 0.0), (500.0, 0.0)]),
            road("e1", &[(500.0, 0.0), (1000.0, 0.0)]),
        ])
        .unwrap();
        let targets = [(100.0, 5.0), (650.0, 5.0), (900.0, 5.0)];
        let r = measure(&net, Mode::Walk, (400.0, 5.0), &targets).unwrap();
        assert_eq!((r.length_m, r.target), (250.0, 1));
        // Home (200,5): t0 is 100 m on the same edge.
        let r = measure(&net, Mode::Walk, (200.0, 5.0), &targets).unwrap();
        assert_eq!((r.length_m, r.target), (100.0, 0));
        // Home (990,5): t2 is 90 m; t1 would be 340.
        let r = measure(&net, Mode::Walk, (990.0, 5.0), &targets).unwrap();
        assert_eq!((r.length_m, r.target), (90.0, 2));
    }

    #[test]
    fn equally_near_targets_go_to_the_lowest_index() {
        // Home at 500 on (0,0)-(1000,0) with entrances at 400 and 600 (both 100 m; via the
        // tree too, entrances at 200 on each side of a junction at 500).
        let net = Network::build(vec![
            road("w", &[(0.0, 0.0), (500.0, 0.0)]),
            road("e", &[(500.0, 0.0), (1000.0, 0.0)]),
            road("n", &[(500.0, 0.0), (500.0, 300.0)]),
        ])
        .unwrap();
        for (targets, want) in [
            ([(400.0, 5.0), (600.0, 5.0)], 0),
            ([(600.0, 5.0), (400.0, 5.0)], 0),
        ] {
            let r = measure(&net, Mode::Walk, (505.0, 200.0), &targets).unwrap();
            assert_eq!((r.length_m, r.target), (300.0, want));
        }
    }

    #[test]
    fn same_query_gives_identical_results_even_after_rebuilding() {
        let edges = || {
            vec![
                oneway("ab", &[(0.0, 0.0), (100.0, 0.0)], Oneway::Backward),
                road("bc", &[(100.0, 0.0), (100.0, 100.0)]),
                road("cd", &[(100.0, 100.0), (0.0, 100.0)]),
                road("da", &[(0.0, 100.0), (0.0, 0.0)]),
                road("ac", &[(0.0, 0.0), (50.0, 50.0), (100.0, 100.0)]),
            ]
        };
        let run = |net: &Network| {
            let targets: Vec<Snap> = [(100.0, 50.0), (0.0, 60.0)]
                .into_iter()
                .map(|p| net.snap(Mode::Drive, p.into(), FAR).unwrap())
                .collect();
            let home = net.snap(Mode::Drive, Point::new(60.0, -3.0), FAR).unwrap();
            let tree = Tree::grow(net, Mode::Drive, &targets);
            (
                home.clone(),
                tree.distance(net, &home),
                tree.route(net, &home),
            )
        };
        let net = Network::build(edges()).unwrap();
        let first = run(&net);
        assert_eq!(first, run(&net));
        assert_eq!(first, run(&Network::build(edges()).unwrap()));
        assert!(first.2.is_some());
    }

    #[test]
    fn node_distances_are_exposed() {
        // (0,0)-(100,0)-(300,0) as two edges, school at (300,0): nodes 0, 1, 2 are 300, 200, 0.
        let net = Network::build(vec![
            road("a", &[(0.0, 0.0), (100.0, 0.0)]),
            road("b", &[(100.0, 0.0), (300.0, 0.0)]),
            path("c", &[(500.0, 0.0), (600.0, 0.0)]),
        ])
        .unwrap();
        let s = net.snap(Mode::Drive, Point::new(300.0, 0.0), 1.0).unwrap();
        let tree = Tree::grow(&net, Mode::Drive, &[s]);
        assert_eq!(tree.mode(), Mode::Drive);
        let d: Vec<Option<f64>> = (0..5).map(|n| tree.node_distance(n)).collect();
        assert_eq!(d, [Some(300.0), Some(200.0), Some(0.0), None, None]);
    }

    // ---- brute force comparison on random grids ----

    /// Independent reference: split the snapped edges at the snap points into new edges, build a
    /// plain petgraph graph and run petgraph's Dijkstra from the home.
    fn brute_force(edges: &[RawEdge], mode: Mode, home: &Snap, targets: &[Snap]) -> Option<f64> {
        let mut g: DiGraph<(), f64> = DiGraph::new();
        let mut junctions = HashMap::new();
        let mut junction = |g: &mut DiGraph<(), f64>, c: Coord<f64>| {
            let key = ((c.x * 1000.0).round() as i64, (c.y * 1000.0).round() as i64);
            *junctions.entry(key).or_insert_with(|| g.add_node(()))
        };
        let mut cuts: HashMap<usize, Vec<(f64, petgraph::graph::NodeIndex)>> = HashMap::new();
        let home_node = g.add_node(());
        cuts.entry(home.edge)
            .or_default()
            .push((home.offset_m, home_node));
        let mut target_nodes = Vec::new();
        for t in targets {
            let n = g.add_node(());
            target_nodes.push(n);
            cuts.entry(t.edge).or_default().push((t.offset_m, n));
        }
        for (i, e) in edges.iter().enumerate() {
            let a = &e.attrs;
            let (fwd, bwd) = match mode {
                Mode::Walk => (a.walk && !a.unsafe_walk, a.walk && !a.unsafe_walk),
                Mode::WalkIgnoringSafety => (a.walk, a.walk),
                Mode::Drive => (
                    a.drive && a.oneway != Oneway::Backward,
                    a.drive && a.oneway != Oneway::Forward,
                ),
            };
            let len = Euclidean.length(&e.geometry);
            let u = junction(&mut g, e.geometry.0[0]);
            let v = junction(&mut g, *e.geometry.0.last().unwrap());
            let mut stops = vec![(0.0, u)];
            let mut mid = cuts.get(&i).cloned().unwrap_or_default();
            mid.sort_by(|x, y| x.0.total_cmp(&y.0));
            stops.extend(mid);
            stops.push((len, v));
            for w in stops.windows(2) {
                let l = w[1].0 - w[0].0;
                // Stops at the same offset are the same point: always connected both ways.
                if fwd || l == 0.0 {
                    g.add_edge(w[0].1, w[1].1, l);
                }
                if bwd || l == 0.0 {
                    g.add_edge(w[1].1, w[0].1, l);
                }
            }
        }
        let scores = dijkstra(&g, home_node, None, |e| *e.weight());
        target_nodes
            .iter()
            .filter_map(|n| scores.get(n).copied())
            .min_by(f64::total_cmp)
    }

    /// Flags of one candidate grid edge: (present, walk, drive, oneway 0..3, unsafe, bend).
    type EdgeFlags = (bool, bool, bool, u8, bool, Option<f64>);

    fn edge_flags() -> impl Strategy<Value = EdgeFlags> {
        (
            prop::bool::weighted(0.85),
            prop::bool::weighted(0.85),
            prop::bool::weighted(0.7),
            0u8..3,
            prop::bool::weighted(0.2),
            prop::option::of(-30.0f64..30.0),
        )
    }

    /// A `w` x `h` grid of 100 m blocks; each candidate edge takes the next flags.
    fn grid(w: usize, h: usize, flags: &[EdgeFlags]) -> Vec<RawEdge> {
        let mut out = Vec::new();
        let mut flags = flags.iter().cycle();
        let mut add = |a: (f64, f64), b: (f64, f64), vertical: bool| {
            let &(present, walk, drive, ow, unsafe_walk, bend) = flags.next().unwrap();
            if !present {
                return;
            }
            let mut pts = vec![a];
            if let Some(off) = bend {
                let m = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                pts.push(if vertical {
                    (m.0 + off, m.1)
                } else {
                    (m.0, m.1 + off)
                });
            }
            pts.push(b);
            let mut e = road(&format!("e{}", out.len()), &pts);
            e.attrs.walk = walk;
            e.attrs.drive = drive;
            e.attrs.unsafe_walk = unsafe_walk;
            e.attrs.oneway = [Oneway::No, Oneway::Forward, Oneway::Backward][ow as usize];
            out.push(e);
        };
        for j in 0..h {
            for i in 0..w {
                let p = (i as f64 * 100.0, j as f64 * 100.0);
                if i + 1 < w {
                    add(p, (p.0 + 100.0, p.1), false);
                }
                if j + 1 < h {
                    add(p, (p.0, p.1 + 100.0), true);
                }
            }
        }
        out
    }

    /// Anywhere near the grid, or exactly on a junction (where several edges tie and where
    /// one-way edges may only be left or entered through the node).
    fn grid_point() -> impl Strategy<Value = (f64, f64)> {
        prop_oneof![
            (-20.0f64..320.0, -20.0f64..220.0),
            (0u8..4, 0u8..3).prop_map(|(i, j)| (f64::from(i) * 100.0, f64::from(j) * 100.0)),
        ]
    }

    proptest! {
        /// The routes a batch draws from its trees of distances only, and those a `check`
        /// draws from a tree grown only until its home is settled, are the whole grown tree's
        /// to the point: the same steps, even where two routes are equally long (frequent on
        /// these square grids), so the audits a route names do not depend on which tree drew
        /// it. A tree grown until one home measures any other home it says it covers as the
        /// whole tree does too.
        #[test]
        fn lean_and_partial_trees_draw_the_routes_a_grown_tree_draws(
            w in 2usize..6,
            h in 2usize..5,
            flags in prop::collection::vec(edge_flags(), 31),
            mode in prop::sample::select(Mode::ALL.to_vec()),
            homes in prop::collection::vec(grid_point(), 1..6),
            targets in prop::collection::vec(grid_point(), 1..4),
        ) {
            let Ok(net) = Network::build(grid(w, h, &flags)) else {
                prop_assume!(false);
                unreachable!()
            };
            let snaps: Vec<Snap> = targets
                .iter()
                .filter_map(|&t| net.snap(mode, t.into(), f64::INFINITY).ok())
                .collect();
            let homes: Vec<Snap> = homes
                .iter()
                .filter_map(|&p| net.snap(mode, p.into(), f64::INFINITY).ok())
                .collect();
            prop_assume!(!snaps.is_empty() && !homes.is_empty());
            let grown = Tree::grow(&net, mode, &snaps);
            let lean = Tree::distances(&net, mode, &snaps);
            let until = Tree::grow_until(&net, mode, &snaps, &homes[0]);
            prop_assert!(until.covers(&net, &homes[0]));
            for home in &homes {
                prop_assert_eq!(grown.route(&net, home), lean.route(&net, home));
                if until.covers(&net, home) {
                    prop_assert_eq!(grown.nearest(&net, home), until.nearest(&net, home));
                    prop_assert_eq!(grown.route(&net, home), until.route(&net, home));
                }
            }
        }

        #[test]
        fn distance_matches_brute_force_on_random_grids(
            w in 2usize..5,
            h in 2usize..4,
            flags in prop::collection::vec(edge_flags(), 17),
            mode in prop::sample::select(Mode::ALL.to_vec()),
            home in grid_point(),
            targets in prop::collection::vec(grid_point(), 1..4),
        ) {
            let edges = grid(w, h, &flags);
            let Ok(net) = Network::build(edges.clone()) else {
                prop_assume!(false);
                unreachable!()
            };
            let Ok(home) = net.snap(mode, home.into(), f64::INFINITY) else {
                prop_assume!(false);
                unreachable!()
            };
            let snaps: Vec<Snap> = targets
                .iter()
                .map(|&t| net.snap(mode, t.into(), f64::INFINITY).unwrap())
                .collect();
            prop_assert!((Euclidean.distance(home.from, home.point) - home.distance_m).abs() < 1e-9);
            let tree = Tree::grow(&net, mode, &snaps);
            let got = tree.distance(&net, &home);
            let want = brute_force(&edges, mode, &home, &snaps);
            match (got, want) {
                (None, None) => {}
                // Within half a micrometre per edge: the trees add whole micrometres (`length`).
                (Some(g), Some(w)) => prop_assert!((g - w).abs() <= 1e-6 * (edges.len() + 2) as f64, "tree {} vs brute force {}", g, w),
                _ => prop_assert!(false, "tree {:?} vs brute force {:?}", got, want),
            }
            if let Some(d) = got {
                let r = tree.route(&net, &home).unwrap();
                check_route(&r, &home, &snaps, d);
                prop_assert_eq!(Some(r), tree.route(&net, &home));
            }
        }
    }

    #[test]
    fn a_tree_grown_until_a_near_home_stops_short_and_is_grown_again_for_a_far_one() {
        // 60 x 60 junctions 100 m apart: a school near one corner, a home 300 m away and one
        // across the grid.
        let net = Network::build(crate::network::synthetic::grid(
            60,
            60,
            100.0,
            (0.0, 0.0),
            5,
        ))
        .unwrap();
        let snap = |x: f64, y: f64| net.snap(Mode::Walk, Point::new(x, y), 500.0).unwrap();
        let school = [snap(1010.0, 1020.0)];
        let (near, far) = (snap(1250.0, 1180.0), snap(5800.0, 5700.0));
        let whole = Tree::grow(&net, Mode::Walk, &school);
        let until = Tree::grow_until(&net, Mode::Walk, &school, &near);
        let settled = until
            .label
            .iter()
            .filter(|&&l| l <= until.settled_to)
            .count();
        assert!(
            settled * 20 < net.node_count(),
            "{settled} of {}",
            net.node_count()
        );
        assert!(until.covers(&net, &near) && !until.covers(&net, &far));
        assert_eq!(until.route(&net, &near), whole.route(&net, &near));
        assert!(whole.covers(&net, &far));
    }
}
