//! Snapping points onto the network: perpendicular foot on the nearest edge, never the nearest node.

use thiserror::Error;

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

/// Why a point could not be placed on the network.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SnapError {
    #[error("no usable edge within {max_m:.0} m (nearest is {nearest_m:.0} m away)")]
    TooFar { max_m: f64, nearest_m: f64 },
    #[error("the network has no edges usable for this mode")]
    NoEdges,
    #[error("coordinate is not a finite number")]
    NonFinite,
}
