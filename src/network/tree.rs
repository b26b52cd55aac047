//! Shortest-path trees grown from a set of targets (a school's open entrances), so that every
//! home measured to the same school reuses one Dijkstra run.
//!
//! The tree is grown backwards, from the targets outwards, giving for every junction the shortest
//! distance *from* that junction *to* the nearest target. For driving this means following arcs
//! in reverse, so one-way streets are respected in the home-to-school direction. A home query then
//! only has to look at the two ends of the edge it was snapped onto (and at targets on that same
//! edge), which is what makes measuring 100,000 homes cheap.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use geo::{Coord, LineString};
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::graph::{BWD, FWD};
use super::{Mode, Network, Snap};

/// `next` marker: the node has not been reached.
const UNREACHED: u32 = u32::MAX;
/// `next` marker: the node is the first end of its target's edge; the route runs forward along
/// that edge to the target.
const SEED_AT_START: u32 = u32::MAX - 1;
/// `next` marker: the node is the last end of its target's edge; the route runs backward along
/// that edge to the target.
const SEED_AT_END: u32 = u32::MAX - 2;

/// A target placed on an edge, reduced to what the queries need.
#[derive(Debug, Clone, Copy)]
struct Target {
    edge: u32,
    offset: f64,
    point: Coord<f64>,
}

/// Shortest distances from every node to the nearest of a set of target snaps, with predecessors
/// so that the route itself can be recovered.
#[derive(Debug)]
pub struct Tree {
    mode: Mode,
    /// Distance from each node to its nearest target, metres (infinite when unreachable).
    dist: Vec<f64>,
    /// Per node: the arc (index in the mode's graph) to take next towards the target, or one of
    /// the `UNREACHED`/`SEED_AT_*` markers.
    next: Vec<u32>,
    /// Per node: index of the target reached, `UNREACHED` when none.
    reached: Vec<u32>,
    targets: Vec<Target>,
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
}

/// f64 with a total order, for the priority queue. Costs are never NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cost(f64);

impl Eq for Cost {}

impl PartialOrd for Cost {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cost {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
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
    /// Grows the tree in `mode` from `targets` (already snapped in the same mode).
    ///
    /// A target at offset `b` on edge (u, v) of length `L` seeds u with `b` when travel u -> v is
    /// allowed and v with `L - b` when v -> u is allowed. Ties are broken by node index, then
    /// target index, so the same input always gives the same tree.
    pub fn grow(net: &Network, mode: Mode, targets: &[Snap]) -> Tree {
        let g = net.graph(mode);
        let n = net.node_count();
        let slot = mode.slot();
        let mut dist = vec![f64::INFINITY; n];
        let mut next = vec![UNREACHED; n];
        let mut reached = vec![UNREACHED; n];
        let mut settled = vec![false; n];
        let mut heap: BinaryHeap<Reverse<(Cost, u32, u32)>> = BinaryHeap::new();
        let mut kept = Vec::with_capacity(targets.len());

        for (t, s) in targets.iter().enumerate() {
            let topo = net.topo(s.edge);
            let b = s.offset_m.clamp(0.0, topo.len);
            kept.push(Target {
                edge: s.edge as u32,
                offset: b,
                point: s.point.0,
            });
            let t = t as u32;
            let dirs = topo.dirs[slot];
            let seeds = [
                (dirs & FWD != 0, topo.from, b, SEED_AT_START),
                (dirs & BWD != 0, topo.to, topo.len - b, SEED_AT_END),
            ];
            for (allowed, node, cost, marker) in seeds {
                let x = node as usize;
                if allowed && cost < dist[x] {
                    dist[x] = cost;
                    next[x] = marker;
                    reached[x] = t;
                    heap.push(Reverse((Cost(cost), node, t)));
                }
            }
        }

        while let Some(Reverse((Cost(d), x, t))) = heap.pop() {
            let xi = x as usize;
            if settled[xi] || d != dist[xi] || t != reached[xi] {
                continue;
            }
            settled[xi] = true;
            for e in g.edges_directed(NodeIndex::new(xi), Direction::Incoming) {
                let y = e.source().index();
                if settled[y] {
                    continue;
                }
                let nd = d + e.weight().len;
                if nd < dist[y] || (nd == dist[y] && t < reached[y]) {
                    dist[y] = nd;
                    next[y] = e.id().index() as u32;
                    reached[y] = t;
                    heap.push(Reverse((Cost(nd), y as u32, t)));
                }
            }
        }

        Tree {
            mode,
            dist,
            next,
            reached,
            targets: kept,
        }
    }

    /// The mode the tree was grown in.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Shortest distance from a junction to the nearest target, `None` if unreachable or out of
    /// range; for maps of how far every junction is from the school.
    pub fn node_distance(&self, node: usize) -> Option<f64> {
        self.dist.get(node).copied().filter(|d| d.is_finite())
    }

    /// The best way off the home's edge: (distance, exit). Allocation-free.
    fn best(&self, net: &Network, from: &Snap) -> Option<(f64, Exit)> {
        if from.edge >= net.edge_count() {
            return None;
        }
        let topo = net.topo(from.edge);
        let dirs = topo.dirs[self.mode.slot()];
        if dirs == 0 {
            return None;
        }
        let a = from.offset_m.clamp(0.0, topo.len);
        // Candidates are compared on (distance, target index); the first of equals wins.
        let mut best: Option<(f64, u32, Exit)> = None;
        let mut offer = |cost: f64, target: u32, exit: Exit| {
            if !cost.is_finite() || target == UNREACHED {
                return;
            }
            let better = match best {
                None => true,
                Some((c, t, _)) => cost < c || (cost == c && target < t),
            };
            if better {
                best = Some((cost, target, exit));
            }
        };
        if dirs & BWD != 0 {
            let u = topo.from as usize;
            offer(
                a + self.dist[u],
                self.reached[u],
                Exit::Via {
                    node: topo.from,
                    to_start: true,
                },
            );
        }
        if dirs & FWD != 0 {
            let v = topo.to as usize;
            offer(
                topo.len - a + self.dist[v],
                self.reached[v],
                Exit::Via {
                    node: topo.to,
                    to_start: false,
                },
            );
        }
        for (i, t) in self.targets.iter().enumerate() {
            if t.edge as usize != from.edge {
                continue;
            }
            let b = t.offset;
            let allowed = (b >= a && dirs & FWD != 0) || (b <= a && dirs & BWD != 0);
            if allowed {
                offer((b - a).abs(), i as u32, Exit::Direct { target: i as u32 });
            }
        }
        best.map(|(c, _, e)| (c, e))
    }

    /// Shortest distance from `from` to the nearest target, `None` if unreachable.
    ///
    /// `from` must have been snapped in the tree's mode. Cheap and allocation-free: batch runs
    /// call it for every home.
    pub fn distance(&self, net: &Network, from: &Snap) -> Option<f64> {
        self.best(net, from).map(|(d, _)| d)
    }

    /// Shortest route from `from` to the nearest target, `None` if unreachable.
    pub fn route(&self, net: &Network, from: &Snap) -> Option<Route> {
        let (length_m, exit) = self.best(net, from)?;
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
                coords.push(
                    net.geometry(home_edge).0[if to_start {
                        0
                    } else {
                        net.geometry(home_edge).0.len() - 1
                    }],
                );
                debug_assert_eq!(end_node, node);
                let g = net.graph(self.mode);
                let mut x = node as usize;
                loop {
                    match self.next[x] {
                        UNREACHED => unreachable!("a reached node always leads to a target"),
                        marker @ (SEED_AT_START | SEED_AT_END) => {
                            let t = self.targets[self.reached[x] as usize];
                            let e = t.edge as usize;
                            let start = if marker == SEED_AT_START {
                                0.0
                            } else {
                                net.topo(e).len
                            };
                            along(net, e, start, t.offset, &mut coords);
                            coords.push(t.point);
                            edges.push(t.edge);
                            break self.reached[x];
                        }
                        arc => {
                            let ai = EdgeIndex::new(arc as usize);
                            let w = g[ai];
                            let e = w.edge as usize;
                            let len = net.topo(e).len;
                            let (s, t) = if w.forward { (0.0, len) } else { (len, 0.0) };
                            along(net, e, s, t, &mut coords);
                            let geom = &net.geometry(e).0;
                            coords.push(if w.forward {
                                geom[geom.len() - 1]
                            } else {
                                geom[0]
                            });
                            edges.push(w.edge);
                            let (_, to) = g.edge_endpoints(ai).expect("arc exists");
                            x = to.index();
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
                .into_iter()
                .map(|e| net.attrs(e as usize).id.clone())
                .collect(),
        })
    }
}

/// Appends the interior vertices of edge `e` lying strictly between offsets `a` and `b`, in the
/// order met when travelling from `a` to `b`. The caller adds the points at `a` and `b`.
fn along(net: &Network, e: usize, a: f64, b: f64, out: &mut Vec<Coord<f64>>) {
    let cum = net.cum(e);
    let geom = &net.geometry(e).0;
    if a <= b {
        let first = cum.partition_point(|&c| c <= a);
        let last = cum.partition_point(|&c| c < b);
        out.extend_from_slice(&geom[first..last.max(first)]);
    } else {
        let first = cum.partition_point(|&c| c <= b);
        let last = cum.partition_point(|&c| c < a);
        out.extend(geom[first..last.max(first)].iter().rev());
    }
}
