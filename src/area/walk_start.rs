//! Where a walk starts (clause 1.1.1 in Dorset's policy: "Walking routes are from where the
//! property meets the adopted road"). The policy names the rule; this module applies it to a
//! home: the access point the case gives, else the nearest point of the nearest adopted road (or,
//! where the policy says so, of the nearest walkable way of any kind), and a second road when the
//! home lies about as near to two roads, so that the case can say the access point is ambiguous.

use serde::{Deserialize, Serialize};

use crate::network::{Network, Snap, SnapError};

/// Where a walk starts when the case gives no access point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartAt {
    /// The nearest point of the nearest adopted road: a walkable edge of `road_class =
    /// "adopted_road"`, or a drivable one where the network does not class its edges.
    AdoptedRoad,
    /// The nearest point of the nearest walkable way of any kind, a footpath behind the garden
    /// included.
    NearestPath,
}

/// The policy's rule for where a walk starts (read from the policy's `[walk_start]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WalkStartRule {
    pub at: StartAt,
    /// Two roads whose distances from the home differ by no more than this (and whose nearest
    /// points are further apart than this) leave the access point ambiguous: the decision is
    /// taken from each, and an officer decides where they differ.
    pub ambiguous_within_m: f64,
}

impl WalkStartRule {
    /// From the nearest walkable way, never ambiguous: for measurements that do not follow a
    /// policy (cross-checks against other tools, listings).
    pub const NEAREST_PATH: WalkStartRule = WalkStartRule {
        at: StartAt::NearestPath,
        ambiguous_within_m: 0.0,
    };
}

/// A point where the home meets a road, as found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadPoint {
    /// The point on the road (not written out: with the distance it locates the home).
    #[serde(skip)]
    pub point: geo::Point<f64>,
    /// Straight-line distance from the home's point, metres.
    pub distance_m: f64,
    /// The road's source edge id.
    pub edge_id: String,
    /// The road's name, when the network gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl RoadPoint {
    fn from_snap(net: &Network, s: &Snap) -> RoadPoint {
        RoadPoint {
            point: s.point,
            distance_m: s.distance_m,
            edge_id: s.edge_id.clone(),
            name: net.edge_name(s),
        }
    }

    /// The road in words: its name, else its edge id.
    pub fn road(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => format!("the road {}", self.edge_id),
        }
    }
}

/// How the point a home's routes are measured from was found.
#[derive(Debug, Clone, PartialEq)]
pub enum WalkStart {
    /// The case gave an access point.
    AccessPoint(geo::Point<f64>),
    /// The nearest adopted road; `other` is a second road about as near, if any.
    AdoptedRoad {
        road: RoadPoint,
        other: Option<RoadPoint>,
    },
    /// No adopted road lies within reach: routes cannot be measured until an officer gives the
    /// access point.
    NoAdoptedRoad(SnapError),
    /// The nearest walkable way (the policy's rule, or no rule).
    NearestPath,
}

impl WalkStart {
    /// Applies the rule to a home: the case's access point wins; else the rule.
    pub fn find(
        net: &Network,
        rule: &WalkStartRule,
        home: geo::Point<f64>,
        access_point: Option<geo::Point<f64>>,
        max_snap_m: f64,
    ) -> WalkStart {
        if let Some(a) = access_point {
            return WalkStart::AccessPoint(a);
        }
        match rule.at {
            StartAt::NearestPath => WalkStart::NearestPath,
            StartAt::AdoptedRoad => match net.snap_to_adopted_road(home, max_snap_m) {
                Ok(s) => WalkStart::AdoptedRoad {
                    other: net
                        .other_adopted_road(home, &s, rule.ambiguous_within_m, max_snap_m)
                        .map(|o| RoadPoint::from_snap(net, &o)),
                    road: RoadPoint::from_snap(net, &s),
                },
                Err(e) => WalkStart::NoAdoptedRoad(e),
            },
        }
    }

    /// How the start was found, as decision files name it: `access_point`, `adopted_road` or
    /// `nearest_path` (also where no adopted road was found and the walk was not measured).
    pub fn how(&self) -> &'static str {
        match self {
            WalkStart::AccessPoint(_) => "access_point",
            WalkStart::AdoptedRoad { .. } => "adopted_road",
            WalkStart::NoAdoptedRoad(_) | WalkStart::NearestPath => "nearest_path",
        }
    }

    /// The point every mode snaps from, when it is not the home itself.
    pub fn point(&self) -> Option<geo::Point<f64>> {
        match self {
            WalkStart::AccessPoint(p) => Some(*p),
            WalkStart::AdoptedRoad { road, .. } => Some(road.point),
            WalkStart::NoAdoptedRoad(_) | WalkStart::NearestPath => None,
        }
    }
}
