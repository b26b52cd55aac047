//! The obvious baseline: one `petgraph::algo::dijkstra` per query, from the home's edge, with no
//! reuse between homes. Kept for two reasons: benchmarks state the speed-up of the per-school
//! trees against it, and tests use it as an independent check of the trees' distances.

use petgraph::algo::dijkstra;
use petgraph::graph::NodeIndex;

use super::graph::{BWD, FWD};
use super::length::{metres, um};
use super::{Mode, Network, Snap};

impl Network {
    /// Shortest distance in `mode` from `from` to the nearest of `targets` (all snapped in the
    /// same mode), by running petgraph's Dijkstra from each end of the home's edge.
    pub fn baseline_distance(&self, mode: Mode, from: &Snap, targets: &[Snap]) -> Option<f64> {
        let slot = mode.slot();
        let home = self.topo(from.edge);
        let dirs = home.dirs[slot];
        if dirs == 0 {
            return None;
        }
        let a = um(from.offset_m.clamp(0.0, home.len)).min(home.len_um);
        let g = self.graph(mode);
        // Ways off the home's edge: (node, cost to reach it), in whole micrometres as the trees
        // add lengths (see `length`).
        let mut exits: Vec<(u32, u64)> = Vec::new();
        if dirs & BWD != 0 || a == 0 {
            exits.push((home.from, a));
        }
        if dirs & FWD != 0 || a == home.len_um {
            exits.push((home.to, home.len_um - a));
        }
        let mut best: Option<u64> = None;
        let mut offer = |d: u64| {
            if best.is_none_or(|b| d < b) {
                best = Some(d);
            }
        };
        let place = |t: &Snap| {
            let tt = self.topo(t.edge);
            (tt, um(t.offset_m.clamp(0.0, tt.len)).min(tt.len_um))
        };
        for t in targets {
            if t.edge == from.edge {
                let (_, b) = place(t);
                if (b >= a && dirs & FWD != 0) || (b <= a && dirs & BWD != 0) {
                    offer(b.abs_diff(a));
                }
            }
        }
        for (node, cost) in exits {
            let dist = dijkstra(g, NodeIndex::new(node as usize), None, |e| {
                e.weight().len_um
            });
            for t in targets {
                let (tt, b) = place(t);
                let tdirs = tt.dirs[slot];
                // Enter the target's edge at its start (moving forward) or its end (backward).
                if tdirs & FWD != 0 || b == 0 {
                    if let Some(d) = dist.get(&NodeIndex::new(tt.from as usize)) {
                        offer(cost + d + b);
                    }
                }
                if tdirs & BWD != 0 || b == tt.len_um {
                    if let Some(d) = dist.get(&NodeIndex::new(tt.to as usize)) {
                        offer(cost + d + (tt.len_um - b));
                    }
                }
            }
        }
        best.map(metres)
    }
}

#[cfg(test)]
mod tests {
    use crate::network::{synthetic, Mode, Network, Tree};

    #[test]
    fn baseline_agrees_with_the_tree_on_a_grid() {
        let net = Network::build(synthetic::grid(12, 9, 100.0, (0.0, 0.0), 7)).unwrap();
        let mut rng = synthetic::SplitMix(11);
        let mut pt = || geo::Point::new(rng.unit() * 1100.0, rng.unit() * 800.0);
        for mode in Mode::ALL {
            let targets: Vec<_> = (0..3)
                .map(|_| net.snap(mode, pt(), 500.0).unwrap())
                .collect();
            let tree = Tree::grow(&net, mode, &targets);
            for _ in 0..200 {
                let home = net.snap(mode, pt(), 500.0).unwrap();
                let t = tree.distance(&net, &home);
                let b = net.baseline_distance(mode, &home, &targets);
                match (t, b) {
                    (Some(t), Some(b)) => {
                        assert!((t - b).abs() < 1e-6, "{mode:?}: tree {t} vs {b}")
                    }
                    (t, b) => assert_eq!(t.is_some(), b.is_some(), "{mode:?}: {t:?} vs {b:?}"),
                }
            }
        }
    }
}
