//! The path and road network: where the walking and driving graphs are built, where homes and
//! school entrances are snapped onto edges, and where shortest routes are measured (clauses
//! 1.1.1, 1.1.4, 1.1.15, 1.5.3, 1.5.4).
//!
//! Pure core: no file I/O here (loaders live in `crate::io`). Coordinates are British National
//! Grid metres (EPSG:27700); lengths come from the edge geometry.
//!
//! * `graph`  – builds each travel mode's graph from noded LineStrings, in flat arrays.
//! * `store`  – those arrays, owned or read in place from a prepared area file.
//! * `grid`   – the edges by grid cell: how points are snapped.
//! * `snap`   – nearest point on an edge (perpendicular foot, splitting the edge), via the grid.
//! * `tree`   – shortest-path trees grown from a school's entrances, reused by every home.
//! * `queue`  – a sweep's priority queue: each junction once, its label lowered in place.
//! * `ch`     – contraction hierarchies (made by `prepare`), through which a batch sweeps each
//!   school's whole tree several times faster than Dijkstra grows it, to the same labels.

mod audit;
mod baseline;
mod ch;
pub mod dated;
mod graph;
mod grid;
mod length;
mod queue;
mod snap;
mod store;
pub mod synthetic;
mod tree;

#[cfg(test)]
mod testutil;

pub use ch::{ArcParts, Hierarchy, HierarchyParts};
pub use dated::{Audit, AuditApplied, AuditError, Validity, WhatIf};
pub(crate) use graph::{Columns, ModeArcs, NetworkParts, Texts};
pub use graph::{EdgeAttrs, Network, NetworkError, Oneway, RawEdge, RoadClass};
pub(crate) use grid::Grid;
pub(crate) use snap::nearest_on_segment;
pub use snap::{Snap, SnapError};
pub use store::Bytes;
pub(crate) use store::Slab;
pub use tree::{distances_to_junction, Route, Tree};

/// The revision of how a network is made from its source edges (noding, lengths, directions,
/// arcs and their order, the snapping grid) and of how the edges are chosen and marked for a
/// date (clause 1.5.3) and audits (clause 1.5.4). A prepared area stores the network it loaded;
/// one stored by another revision is not used (the network is built from the file's source
/// edges instead), so that a change here can never make a prepared file decide otherwise than
/// its directory. Bump it with any such change (a test on the committed prepared file fails
/// until it is bumped and the file prepared again).
pub const BUILD_REVISION: u32 = 1;

/// How the child travels on the network for a given measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Walkable edges with stretches assessed unsafe removed (clause 1.5.4): the policy's
    /// "shortest available walking route".
    Walk,
    /// Walkable edges including unsafe stretches; used only to explain what clause 1.5.4
    /// disregarded, never to decide.
    WalkIgnoringSafety,
    /// Drivable edges, one-way restrictions respected: "shortest available driven route".
    Drive,
}

impl Mode {
    /// Every mode, in a fixed order, for building per-mode structures.
    pub const ALL: [Mode; 3] = [Mode::Walk, Mode::WalkIgnoringSafety, Mode::Drive];

    /// Position of the mode in [`Mode::ALL`], used to index per-mode arrays without hashing.
    pub(crate) const fn slot(self) -> usize {
        match self {
            Mode::Walk => 0,
            Mode::WalkIgnoringSafety => 1,
            Mode::Drive => 2,
        }
    }

    /// The mode as messages name it.
    pub const fn words(self) -> &'static str {
        match self {
            Mode::Walk => "walking",
            Mode::WalkIgnoringSafety => "walking (ignoring safety audits)",
            Mode::Drive => "driving",
        }
    }
}
