//! Building the walking and driving graphs (petgraph) from noded LineStrings.

use geo::LineString;
use thiserror::Error;

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
}

/// One edge as read from a source, before noding into a graph.
#[derive(Debug, Clone)]
pub struct RawEdge {
    pub attrs: EdgeAttrs,
    /// Geometry in British National Grid metres; its first and last coordinates are the nodes.
    pub geometry: LineString<f64>,
}

/// Errors found while building a network; each names the offending edge.
#[derive(Debug, Error, PartialEq)]
pub enum NetworkError {
    #[error("edge {id}: geometry has fewer than two points")]
    TooFewPoints { id: String },
    #[error("edge {id}: coordinate is not a finite number")]
    NonFinite { id: String },
    #[error("edge {id}: zero length")]
    ZeroLength { id: String },
    #[error("the network has no edges")]
    Empty,
}

/// The routable network: one graph per [`Mode`], an R-tree per mode for snapping, and the full
/// geometry of every edge for maps.
#[derive(Debug)]
pub struct Network {
    _private: (),
}

impl Network {
    /// Nodes edges at their end points (coordinates equal to the millimetre) and builds the
    /// per-mode graphs and snapping indexes.
    pub fn build(_edges: Vec<RawEdge>) -> Result<Network, NetworkError> {
        todo!("network builder")
    }

    /// Number of source edges.
    pub fn edge_count(&self) -> usize {
        todo!()
    }

    /// Snaps a point to the nearest point on an edge usable in `mode`, refusing beyond `max_m`.
    pub fn snap(&self, _mode: Mode, _p: geo::Point<f64>, _max_m: f64) -> Result<Snap, SnapError> {
        todo!()
    }
}
