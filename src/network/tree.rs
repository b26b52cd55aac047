//! Shortest-path trees grown from a set of targets (a school's open entrances), so that every
//! home measured to the same school reuses one Dijkstra run.

use super::{Mode, Network, Snap};

/// Shortest distances from every node to the nearest of a set of target snaps, with predecessors
/// so that the route itself can be recovered.
#[derive(Debug)]
pub struct Tree {
    _private: (),
}

/// A measured route from a home to the nearest target.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Route {
    pub mode: Mode,
    /// Length in metres, summed from the geometry.
    pub length_m: f64,
    /// Index (into the targets given to [`Tree::grow`]) of the entrance reached.
    pub target: usize,
    /// The route from the home's snap point to the target's snap point.
    pub geometry: geo::LineString<f64>,
    /// Ids of the source edges used, in order (consecutive repeats removed).
    pub edge_ids: Vec<String>,
}

impl Tree {
    /// Grows the tree in `mode` from `targets` (already snapped in the same mode).
    pub fn grow(_net: &Network, _mode: Mode, _targets: &[Snap]) -> Tree {
        todo!()
    }

    /// Shortest distance from `from` to the nearest target, `None` if unreachable.
    pub fn distance(&self, _net: &Network, _from: &Snap) -> Option<f64> {
        todo!()
    }

    /// Shortest route from `from` to the nearest target, `None` if unreachable.
    pub fn route(&self, _net: &Network, _from: &Snap) -> Option<Route> {
        todo!()
    }
}
