//! A contraction hierarchy per travel mode, and the one-to-all sweep (PHAST) that grows a
//! school's whole tree of distances from it in one linear pass.
//!
//! Why: a batch measures every application to its school and to the schools near it, so it needs
//! one tree per school per mode, each covering every junction. Dijkstra grows a tree in time
//! proportional to the junctions with a priority queue and scattered memory access; on a
//! county's 240,000 junctions, 600 schools and three modes that is about a minute. A hierarchy
//! (Geisberger et al. 2008) is made once, by `prepare`, and stored; after it, a tree is a short upward search from the school's entrances and one sweep over the
//! junctions in a fixed order (Delling et al. 2011, "PHAST"), several times faster and with
//! memory read in order.
//!
//! Exactness: lengths are whole micrometres and labels carry the target index (see `length`),
//! so a swept tree holds exactly the labels Dijkstra gives (tested against it on random
//! networks), and decisions do not depend on which search measured them.
//!
//! Why by hand: the Rust hierarchy crates answer point-to-point queries and keep their graphs
//! private, and the sweep needs the upward arcs in its own order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use super::length::{step, MAX_TARGETS, MAX_TOTAL_UM, UNREACHED};
use super::queue::Queue;
use super::tree::{unreached_labels, Target, Tree};
use super::{Mode, Network, Snap};

/// The arcs leaving each position for higher positions, stored by position (compressed rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpArcs {
    /// Arcs of position `i` are `first[i]..first[i + 1]`.
    first: Vec<u32>,
    /// Position at the other end (always higher).
    head: Vec<u32>,
    /// Length, whole micrometres.
    len_um: Vec<u64>,
}

impl UpArcs {
    fn of(&self, i: usize) -> std::ops::Range<usize> {
        self.first[i] as usize..self.first[i + 1] as usize
    }

    fn len(&self) -> usize {
        self.head.len()
    }
}

/// One mode's hierarchy: the contraction order and the upward arcs in both directions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hierarchy {
    /// The fingerprint of the mode's graph it was made for (see [`Network::mode_fingerprint`]):
    /// a hierarchy is used only on that very graph, never on one a network date or a what-if
    /// changed, where its shortcuts would give wrong distances.
    made_for: [u8; 32],
    /// Position of each node (by node index) in the sweep order: by level, then node index.
    pos: Arc<[u32]>,
    /// Per position: arcs `v -> w` of the mode's graph (or shortcuts) to higher positions.
    up_out: UpArcs,
    /// Per position: arcs `u -> v` (or shortcuts) from higher positions, stored as `v`'s.
    up_in: UpArcs,
    /// Per position in the core: arcs `u -> v` from every other core junction, stored as `v`'s.
    core_in: UpArcs,
    /// First position of the core (the junctions left uncontracted).
    core_start: u32,
}

/// A hierarchy as plain arrays: the graph fingerprint it was made for, each junction's position
/// in the sweep order, the three arc lists as (first arc of each position, head
/// position, length in micrometres), and the first position of the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HierarchyParts {
    pub made_for: [u8; 32],
    pub pos: Vec<u32>,
    pub up_out: ArcParts,
    pub up_in: ArcParts,
    pub core_in: ArcParts,
    pub core_start: u32,
}

/// One arc list as plain arrays: (first arc of each position, head position, length µm).
pub type ArcParts = (Vec<u32>, Vec<u32>, Vec<u64>);

/// How many junctions a witness search may settle before it gives up and adds the shortcut
/// (an unneeded shortcut costs a little time; a missing one would be a wrong distance).
const WITNESS_SETTLE_LIMIT: usize = 100;

/// The same, when only estimating how many shortcuts a junction would need, to order them.
const ESTIMATE_SETTLE_LIMIT: usize = 30;

/// Arcs (in and out) beyond which a junction is left in the core: contracting such junctions
/// costs their degree squared in witness searches and adds as many shortcuts. Measured on
/// synthetic county grids (120,000 junctions): 24 leaves a core of 13,752 and sweeps in 4.3 ms;
/// 48 leaves 5,039 and sweeps in 3.5 ms, building in twice the time; 96 sweeps no faster.
const CORE_DEGREE: usize = 48;

/// The graph while it is contracted: arcs among the nodes not yet contracted.
struct Work {
    out: Vec<Vec<(u32, u64)>>,
    inc: Vec<Vec<(u32, u64)>>,
    contracted: Vec<bool>,
    /// Scratch for witness searches: distance per node, and the nodes touched.
    dist: Vec<u64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    /// Per node: the number of the search it is a goal of, so a search ends once every
    /// out-neighbour it must reach is settled.
    goal: Vec<u32>,
    search: u32,
}

/// Adds arc `(to, w)` to a list, keeping only the shortest arc to each node.
fn add_arc(list: &mut Vec<(u32, u64)>, to: u32, w: u64) {
    match list.iter_mut().find(|(x, _)| *x == to) {
        Some(a) => a.1 = a.1.min(w),
        None => list.push((to, w)),
    }
}

impl Work {
    fn new(net: &Network, mode: Mode) -> Work {
        let n = net.node_count();
        let mut out: Vec<Vec<(u32, u64)>> = vec![Vec::new(); n];
        let mut inc: Vec<Vec<(u32, u64)>> = vec![Vec::new(); n];
        for (u, v, len_um) in net.arcs(mode) {
            if u != v {
                add_arc(&mut out[u as usize], v, len_um);
                add_arc(&mut inc[v as usize], u, len_um);
            }
        }
        Work {
            out,
            inc,
            contracted: vec![false; n],
            dist: vec![UNREACHED; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            goal: vec![0; n],
            search: 0,
        }
    }

    /// Shortest distances from `u` avoiding `skip`, up to `max` micrometres, until the
    /// `goals` junctions marked with this search's number are settled or `limit` junctions
    /// are; read them with `self.dist` until the next search.
    fn witness(&mut self, u: u32, skip: u32, max: u64, mut goals: usize, limit: usize) {
        for &x in &self.touched {
            self.dist[x as usize] = UNREACHED;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[u as usize] = 0;
        self.touched.push(u);
        self.heap.push(Reverse((0, u)));
        let mut settled = 0;
        while let Some(Reverse((d, x))) = self.heap.pop() {
            if d != self.dist[x as usize] {
                continue;
            }
            if self.goal[x as usize] == self.search {
                goals -= 1;
                if goals == 0 {
                    break;
                }
            }
            settled += 1;
            if settled > limit {
                break;
            }
            for &(y, w) in &self.out[x as usize] {
                let nd = d + w;
                if y == skip || nd > max {
                    continue;
                }
                let dy = &mut self.dist[y as usize];
                if nd < *dy {
                    if *dy == UNREACHED {
                        self.touched.push(y);
                    }
                    *dy = nd;
                    self.heap.push(Reverse((nd, y)));
                }
            }
        }
    }

    /// The shortcuts contracting `v` needs: `(u, w, length)` for each in-neighbour `u` and
    /// out-neighbour `w` whose shortest connection runs through `v`.
    fn shortcuts(&mut self, v: u32, found: &mut Vec<(u32, u32, u64)>, limit: usize) {
        found.clear();
        let inc = std::mem::take(&mut self.inc[v as usize]);
        let out = std::mem::take(&mut self.out[v as usize]);
        let max_out = out.iter().map(|a| a.1).max().unwrap_or(0);
        for &(u, wu) in &inc {
            self.search = self.search.wrapping_add(1).max(1);
            let mut goals = 0;
            for &(w, _) in &out {
                if w != u && self.goal[w as usize] != self.search {
                    self.goal[w as usize] = self.search;
                    goals += 1;
                }
            }
            if goals == 0 {
                continue;
            }
            self.witness(u, v, wu + max_out, goals, limit);
            for &(w, ww) in &out {
                if w != u && self.dist[w as usize] > wu + ww {
                    found.push((u, w, wu + ww));
                }
            }
        }
        self.inc[v as usize] = inc;
        self.out[v as usize] = out;
    }
}

/// Contracts `v`: adds the shortcuts it needs among its neighbours and takes it out of the
/// graph; returns its arcs to them (out, in), which become its upward arcs.
fn contract(work: &mut Work, v: u32, cuts: &mut Vec<(u32, u32, u64)>) -> Up {
    work.shortcuts(v, cuts, WITNESS_SETTLE_LIMIT);
    work.contracted[v as usize] = true;
    let out = std::mem::take(&mut work.out[v as usize]);
    let inc = std::mem::take(&mut work.inc[v as usize]);
    for &(w, _) in &out {
        work.inc[w as usize].retain(|a| a.0 != v);
    }
    for &(u, _) in &inc {
        work.out[u as usize].retain(|a| a.0 != v);
    }
    for &(u, w, len) in cuts.iter() {
        add_arc(&mut work.out[u as usize], w, len);
        add_arc(&mut work.inc[w as usize], u, len);
    }
    (out, inc)
}

/// A junction's upward arcs by node index: (out, in).
type Up = (Vec<(u32, u64)>, Vec<(u32, u64)>);

impl Hierarchy {
    /// Contracts `mode`'s graph of `net`, least important junction first (fewest shortcuts
    /// added for arcs removed, spread by contracted neighbours and depth, re-evaluated when a
    /// junction comes up), adding a shortcut wherever a limited search finds no other route as
    /// short. Contraction stops when the junction that comes up has more than [`CORE_DEGREE`]
    /// arcs: the junctions left (the core, a few thousand on a county) keep all their arcs
    /// among themselves and are searched by Dijkstra. Deterministic: ties go to the lower node
    /// index.
    pub fn build(net: &Network, mode: Mode) -> Hierarchy {
        let n = net.node_count();
        let mut work = Work::new(net, mode);
        let mut ups: Vec<Up> = vec![(Vec::new(), Vec::new()); n];
        let mut cuts = Vec::new();
        let mut scratch = Vec::new();
        let mut order = Vec::with_capacity(n);
        let mut deleted = vec![0i64; n];
        let mut depth = vec![0i64; n];
        let mut priority = |work: &mut Work, v: u32, deleted: &[i64], depth: &[i64]| {
            work.shortcuts(v, &mut cuts, ESTIMATE_SETTLE_LIMIT);
            let removed = (work.out[v as usize].len() + work.inc[v as usize].len()) as i64;
            2 * (cuts.len() as i64 - removed) + deleted[v as usize] + depth[v as usize]
        };
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = (0..n as u32)
            .map(|v| Reverse((priority(&mut work, v, &deleted, &depth), v)))
            .collect();
        while let Some(Reverse((p, v))) = heap.pop() {
            if work.contracted[v as usize] {
                continue;
            }
            if work.out[v as usize].len() + work.inc[v as usize].len() > CORE_DEGREE {
                // Left in the core (see above); the others go on being contracted around it.
                continue;
            }
            let now = priority(&mut work, v, &deleted, &depth);
            if heap
                .peek()
                .is_some_and(|Reverse(top)| now > top.0 && now != p)
            {
                heap.push(Reverse((now, v)));
                continue;
            }
            let up = contract(&mut work, v, &mut scratch);
            for &(x, _) in up.0.iter().chain(&up.1) {
                deleted[x as usize] += 1;
                depth[x as usize] = depth[x as usize].max(depth[v as usize] + 1);
            }
            ups[v as usize] = up;
            order.push(v);
        }
        let core_start = order.len();
        // Swept level by level (a junction's level is one more than the highest of those
        // contracted below it, so every upward arc leads to a higher level), junctions of a
        // level in index order: neighbours in the network are then mostly near each other in
        // the labels the sweep reads (PHAST's reordering; 7% off a sweep on a county grid).
        order.sort_unstable_by_key(|&v| (depth[v as usize], v));
        order.extend((0..n as u32).filter(|&v| !work.contracted[v as usize]));
        let mut pos = vec![0u32; n];
        for (i, &v) in order.iter().enumerate() {
            pos[v as usize] = i as u32;
        }
        // The core keeps its arcs in both directions; only their in-arcs are searched.
        let mut core_in: Vec<Vec<(u32, u64)>> = vec![Vec::new(); n];
        for &v in &order[core_start..] {
            core_in[v as usize] = std::mem::take(&mut work.inc[v as usize]);
        }
        let (up_out, up_in): (Vec<_>, Vec<_>) = ups.into_iter().unzip();
        let compress = |lists: Vec<Vec<(u32, u64)>>| {
            let mut arcs = UpArcs {
                first: Vec::with_capacity(n + 1),
                head: Vec::new(),
                len_um: Vec::new(),
            };
            arcs.first.push(0);
            for &v in &order {
                let mut l: Vec<(u32, u64)> = lists[v as usize]
                    .iter()
                    .map(|&(w, len)| (pos[w as usize], len))
                    .collect();
                l.sort_unstable();
                for (w, len) in l {
                    arcs.head.push(w);
                    arcs.len_um.push(len);
                }
                arcs.first.push(arcs.head.len() as u32);
            }
            arcs
        };
        Hierarchy {
            made_for: net.mode_fingerprint(mode),
            up_out: compress(up_out),
            up_in: compress(up_in),
            core_in: compress(core_in),
            core_start: core_start as u32,
            pos: pos.into(),
        }
    }

    /// The hierarchy as plain arrays, for storing.
    pub fn to_parts(&self) -> HierarchyParts {
        let arcs = |a: &UpArcs| (a.first.clone(), a.head.clone(), a.len_um.clone());
        HierarchyParts {
            made_for: self.made_for,
            pos: self.pos.to_vec(),
            up_out: arcs(&self.up_out),
            up_in: arcs(&self.up_in),
            core_in: arcs(&self.core_in),
            core_start: self.core_start,
        }
    }

    /// A stored hierarchy back; [`Network::set_hierarchy`] checks it fits before using it.
    pub fn from_parts(p: HierarchyParts) -> Hierarchy {
        let arcs = |(first, head, len_um)| UpArcs {
            first,
            head,
            len_um,
        };
        Hierarchy {
            made_for: p.made_for,
            pos: p.pos.into(),
            up_out: arcs(p.up_out),
            up_in: arcs(p.up_in),
            core_in: arcs(p.core_in),
            core_start: p.core_start,
        }
    }

    /// Whether the hierarchy was made for `net`'s graph in `mode`, arc for arc, and is whole
    /// (a permutation of its junctions, arcs within bounds), so that sweeping it cannot fail.
    pub(crate) fn made_for(&self, net: &Network, mode: Mode) -> bool {
        self.fits(net.node_count()) && self.made_for == net.mode_fingerprint(mode)
    }

    /// Whether the hierarchy was made for a network of `nodes` junctions, each placed once, with
    /// every arc within bounds, no longer than a network may be, and leading upwards (from a
    /// contracted junction to a higher position; in the core, to the core): what the sweep
    /// relies on to read only final labels and never overflow.
    fn fits(&self, nodes: usize) -> bool {
        let n = self.pos.len();
        let core = self.core_start as usize;
        let arcs_fit = |a: &UpArcs| {
            a.first.len() == n + 1
                && a.first.windows(2).all(|w| w[0] <= w[1])
                && a.first.last().is_some_and(|&l| l as usize == a.head.len())
                && a.head.len() == a.len_um.len()
                && a.len_um.iter().all(|&l| l <= MAX_TOTAL_UM)
                && (0..n).all(|i| {
                    a.of(i).all(|k| {
                        let h = a.head[k] as usize;
                        h < n && if i < core { h > i } else { h >= core }
                    })
                })
        };
        let mut seen = vec![false; n];
        n == nodes
            && self.pos.iter().all(|&p| {
                let fresh = (p as usize) < n && !seen[p as usize];
                if fresh {
                    seen[p as usize] = true;
                }
                fresh
            })
            && arcs_fit(&self.up_out)
            && arcs_fit(&self.up_in)
            && arcs_fit(&self.core_in)
            && self.core_start as usize <= n
    }

    /// Junctions and upward arcs, for reports of what `prepare` stored.
    pub fn size(&self) -> (usize, usize, usize) {
        (
            self.pos.len(),
            self.pos.len() - self.core_start as usize,
            self.up_out.len() + self.up_in.len() + self.core_in.len(),
        )
    }

    /// The tree of distances from every junction to the nearest of `targets` (snapped in
    /// `mode`), the same labels as [`Tree::grow`] gives: an upward search from the targets'
    /// seeds, then one sweep down the order taking each junction's best way up.
    pub fn sweep(&self, net: &Network, mode: Mode, targets: &[Snap]) -> Tree {
        let n = self.pos.len();
        let mut lab = unreached_labels(n);
        let mut heap = Queue::take(n);
        let placed = Target::place(net, targets);
        // As many entrances as a grown tree tells apart (see `Tree::search`).
        for (t, target) in placed.iter().enumerate().take(MAX_TARGETS) {
            for (node, l, _) in target.seeds(net, mode, t as u32).into_iter().flatten() {
                let i = self.pos[node as usize];
                if l < lab[i as usize] {
                    lab[i as usize] = l;
                    heap.push_or_lower(l, i);
                }
            }
        }
        // Upward, in the reverse direction: from a junction to those that reach it.
        // In the core, every arc among core junctions: there, Dijkstra settles them exactly.
        while let Some((l, i)) = heap.pop() {
            let arcs = if i < self.core_start {
                &self.up_in
            } else {
                &self.core_in
            };
            for a in arcs.of(i as usize) {
                let j = arcs.head[a] as usize;
                let nl = l + step(arcs.len_um[a]);
                if nl < lab[j] {
                    lab[j] = nl;
                    heap.push_or_lower(nl, j as u32);
                }
            }
        }
        // Downward: every higher junction is final when a lower one takes its best way up.
        for i in (0..self.core_start as usize).rev() {
            let mut best = lab[i];
            for a in self.up_out.of(i) {
                let nl = lab[self.up_out.head[a] as usize] + step(self.up_out.len_um[a]);
                best = best.min(nl);
            }
            lab[i] = best;
        }
        heap.give_back();
        Tree::swept(mode, lab, self.pos.clone(), placed)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::network::synthetic::{grid, SplitMix};

    /// Every junction's distance and entrance from a swept tree equals Dijkstra's, for several
    /// schools with several entrances, in every mode of a grid with one-way streets, footpaths
    /// and unsafe stretches.
    fn agrees_on(side: usize, seed: u64) {
        let net = Network::build(grid(side, side, 100.0, (0.0, 0.0), seed)).unwrap();
        let mut rng = SplitMix(seed);
        for mode in Mode::ALL {
            let h = Hierarchy::build(&net, mode);
            for _ in 0..4 {
                let targets: Vec<Snap> = (0..1 + rng.next_u64() % 3)
                    .map(|_| {
                        let p = geo::Point::new(
                            rng.unit() * 100.0 * side as f64,
                            rng.unit() * 100.0 * side as f64,
                        );
                        net.snap(mode, p, 1e6).unwrap()
                    })
                    .collect();
                let grown = Tree::grow(&net, mode, &targets);
                let swept = h.sweep(&net, mode, &targets);
                for node in 0..net.node_count() {
                    assert_eq!(
                        grown.node_distance(node),
                        swept.node_distance(node),
                        "{mode:?} node {node}"
                    );
                }
                for _ in 0..50 {
                    let p = geo::Point::new(
                        rng.unit() * 100.0 * side as f64,
                        rng.unit() * 100.0 * side as f64,
                    );
                    let home = net.snap(mode, p, 1e6).unwrap();
                    assert_eq!(grown.nearest(&net, &home), swept.nearest(&net, &home));
                    // Routes drawn from the swept labels are the grown tree's, edge for edge.
                    let route = |t: &Tree| t.route(&net, &home);
                    assert_eq!(route(&grown), route(&swept));
                }
            }
        }
    }

    /// Build and sweep times on grids, by hand: `cargo test --release --lib ch::tests::timing --
    /// --ignored --nocapture`.
    #[test]
    #[ignore]
    fn timing() {
        let osm = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/osm/newport-2023-06-13.osm.pbf");
        let profile = crate::osm::Profile::default_profile();
        let newport = crate::io::osm_files::import_osm_file(&osm, &profile)
            .unwrap()
            .edges;
        let sides: Vec<usize> = std::env::var("CH_SIDES")
            .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
            .unwrap_or(vec![100, 200]);
        let nets = std::iter::once(newport).chain(
            sides
                .into_iter()
                .map(|side| grid(side, side, 120.0, (0.0, 0.0), 42)),
        );
        for edges in nets {
            let net = Network::build(edges).unwrap();
            let c = net.nodes_coord(0);
            let t = std::time::Instant::now();
            let h = Hierarchy::build(&net, Mode::Walk);
            let build = t.elapsed();
            let s = net
                .snap(Mode::Walk, geo::Point::new(c.x + 900.0, c.y), 1e6)
                .unwrap();
            let t = std::time::Instant::now();
            for _ in 0..20 {
                std::hint::black_box(h.sweep(&net, Mode::Walk, std::slice::from_ref(&s)));
            }
            let sweep = t.elapsed() / 20;
            let t = std::time::Instant::now();
            for _ in 0..5 {
                std::hint::black_box(Tree::grow(&net, Mode::Walk, std::slice::from_ref(&s)));
            }
            let grow = t.elapsed() / 5;
            println!(
                "{} nodes: build {build:?}, (nodes, core, arcs) {:?}; sweep {sweep:?}; grow {grow:?}",
                net.node_count(),
                h.size()
            );
        }
    }

    #[test]
    fn a_swept_tree_equals_the_grown_tree_on_a_grid() {
        agrees_on(25, 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn a_swept_tree_equals_the_grown_tree_on_random_grids(side in 2usize..12, seed in 0u64..1000) {
            agrees_on(side, seed);
        }
    }
}
