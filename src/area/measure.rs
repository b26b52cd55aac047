//! Measuring from a home to a school the way the policy says: straight line between eastings and
//! northings for "nearest" (clause 1.1.2), shortest available walking route to the nearest open
//! entrance (clauses 1.1.1, 1.5.3, 1.5.4), shortest driven route (clauses 1.1.4, 1.1.15).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use super::held::Held;

use geo::{BoundingRect, Contains, Distance, Euclidean};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use thiserror::Error;

use super::{Catchment, Gate, LeftOutSchool, School, Urn, WalkStart, WalkStartRule};
use crate::network::{Mode, Network, Route, Snap, SnapError, Tree};

/// Problems in the area data, or in measuring from a home within it.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum AreaError {
    #[error("school {0} appears twice in the schools file")]
    DuplicateSchool(Urn),
    #[error("entrance '{gate}' names school {urn}, which is not in the schools file")]
    GateUnknownSchool { gate: String, urn: Urn },
    #[error("catchment '{catchment}' names school {urn}, which is not in the schools file")]
    CatchmentUnknownSchool { catchment: String, urn: Urn },
    #[error(
        "field school_urn: unknown school URN {0} (not in the area's schools file, or closed)"
    )]
    UnknownSchool(Urn),
    /// The school is in the schools file but was left out when the area was loaded.
    #[error("field school_urn: {0}")]
    LeftOutSchool(LeftOutSchool),
    /// The home (or its access point) is nowhere near the area's network: a mistyped or
    /// swapped coordinate, or a home the area does not cover. No mode can measure from it, and
    /// "nearest school" means nothing there.
    #[error("{0}")]
    NotPlaced(NotPlaced),
    #[error("home cannot be placed on the {mode} network: {reason}")]
    HomeSnap {
        mode: &'static str,
        reason: SnapError,
    },
    #[error("school {urn} ({name}) has no open entrance that can be placed on the {mode} network")]
    NoEntrance {
        urn: Urn,
        name: String,
        mode: &'static str,
    },
}

/// The part of the national grid an area covers: the bounding box of its network, widened on
/// every side by the furthest a point may be snapped. A point outside it is further than that
/// from every edge, so it cannot be placed on any network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub min_easting: f64,
    pub max_easting: f64,
    pub min_northing: f64,
    pub max_northing: f64,
}

impl Extent {
    /// Whether the point lies within the extent (edges included).
    pub fn contains(&self, p: geo::Point<f64>) -> bool {
        (self.min_easting..=self.max_easting).contains(&p.x())
            && (self.min_northing..=self.max_northing).contains(&p.y())
    }
}

impl std::fmt::Display for Extent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "eastings {:.0} to {:.0}, northings {:.0} to {:.0}",
            self.min_easting.floor(),
            self.max_easting.ceil(),
            self.min_northing.floor(),
            self.max_northing.ceil()
        )
    }
}

/// Which point of a case could not be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacedPoint {
    /// The home's easting and northing.
    Home,
    /// The access point where the home meets the road (clause 1.1.1).
    AccessPoint,
}

/// Why a case's home cannot be placed in the area. The message says how far the point is from
/// the nearest usable path and whether it lies outside the area's extent, never the point's
/// coordinates (a home's location is personal data).
#[derive(Debug, Clone, PartialEq)]
pub struct NotPlaced {
    pub point: PlacedPoint,
    /// Distance to the nearest edge usable in any mode; `None` when there is none.
    pub nearest_m: Option<f64>,
    /// The furthest a point may be snapped (the area's `max_snap_m`).
    pub max_m: f64,
    /// The area's extent, when the point lies outside it.
    pub outside: Option<Extent>,
    /// Whether the point with easting and northing exchanged would lie inside the extent.
    pub swapped: bool,
}

/// A distance for a message: metres under a kilometre, else kilometres to one decimal.
fn distance_text(m: f64) -> String {
    if m < 1000.0 {
        format!("{m:.0} m")
    } else {
        format!("{:.1} km", m / 1000.0)
    }
}

impl std::fmt::Display for NotPlaced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, fields) = match self.point {
            PlacedPoint::Home => ("home", "easting and northing"),
            PlacedPoint::AccessPoint => ("access point", "access_easting and access_northing"),
        };
        write!(
            f,
            "{what} cannot be placed on the walking network, nor on the driving network: "
        )?;
        match self.nearest_m {
            Some(d) => write!(
                f,
                "the nearest usable path is {} away (the furthest allowed is {:.0} m)",
                distance_text(d),
                self.max_m
            )?,
            None => write!(f, "the area's network has no usable path")?,
        }
        if let Some(e) = &self.outside {
            write!(f, "; it lies outside the area's extent ({e})")?;
        }
        if self.swapped {
            write!(f, ": the {fields} look swapped")
        } else if self.outside.is_some() {
            write!(f, ": check the {fields}")
        } else {
            match self.point {
                PlacedPoint::Home => write!(
                    f,
                    ": check the easting and northing, or give an access point \
                     (access_easting, access_northing) where the home meets the road"
                ),
                PlacedPoint::AccessPoint => write!(f, ": check the {fields}"),
            }
        }
    }
}

impl AreaError {
    /// For a home that cannot be placed on one mode's network, the distance that therefore
    /// cannot be measured ("driven route", "walking route"); `None` for any other error.
    pub fn unmeasured_route(&self) -> Option<&'static str> {
        match self {
            AreaError::HomeSnap { mode, .. } if *mode == Mode::Drive.words() => {
                Some("driven route")
            }
            AreaError::HomeSnap { .. } => Some("walking route"),
            _ => None,
        }
    }
}

/// Entrances of one school placed on one mode's network, and the shortest-path tree grown from
/// them; built on first use and shared by every home measured to that school.
#[derive(Debug)]
struct Reach {
    entrances: Vec<(Gate, Snap)>,
    /// Distances, and the next step from each junction too unless the area measures distances
    /// only (the routes are the same: see `Tree::route`).
    tree: Tree,
}

/// A school's entrances and tree in one mode, as held (see `held`).
type HeldReach = std::sync::Arc<Result<Reach, AreaError>>;

/// The council's area: schools, entrances, catchments and network, ready to measure.
#[derive(Debug)]
pub struct Area {
    schools: Vec<School>,
    by_urn: HashMap<Urn, usize>,
    gates: Vec<Vec<Gate>>,
    catchments: Vec<Catchment>,
    /// Bounding boxes of the catchments, so a home is tested only against polygons near it.
    catchment_index: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    network: Network,
    max_snap_m: f64,
    /// The network's bounding box widened by `max_snap_m`.
    extent: Extent,
    /// Schools of the schools file left out at load, so that a case naming one is told why.
    left_out: Vec<LeftOutSchool>,
    /// Per school and mode (`school * 3 + mode slot`), its entrances and tree, within a memory
    /// budget (see `held`).
    reach: Held<Result<Reach, AreaError>>,
    /// Per school: its place along a Hilbert curve through the schools' locations, so that
    /// schools near each other come near each other in that order.
    spatial_rank: Vec<u32>,
    /// Whether trees keep distances only (8 bytes a junction, not 12), working out a route's
    /// steps from them when one is drawn: for batches, which draw few.
    distances_only: AtomicBool,
    /// Whether trees are grown to the end; otherwise each is grown only as far as the home it
    /// was first asked about, and again further for a home it does not reach (see
    /// [`Tree::grow_until`]): one home's `check` or report reads a few thousand junctions of a
    /// county's hundreds of thousands. A batch, measuring many homes per tree, grows them whole.
    whole_trees: AtomicBool,
}

/// Each point's rank along a Hilbert curve over their bounding box (ties by index).
fn spatial_ranks(points: &[(f64, f64)]) -> Vec<u32> {
    const SIDE: u32 = 1 << 16;
    let (x0, y0, x1, y1) = points.iter().fold(
        (f64::INFINITY, f64::INFINITY, -f64::INFINITY, -f64::INFINITY),
        |b, p| (b.0.min(p.0), b.1.min(p.1), b.2.max(p.0), b.3.max(p.1)),
    );
    let cell = |v: f64, lo: f64, hi: f64| {
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
        ((t * f64::from(SIDE - 1)).round() as u32).min(SIDE - 1)
    };
    let mut by_curve: Vec<(u64, usize)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (hilbert(SIDE, cell(p.0, x0, x1), cell(p.1, y0, y1)), i))
        .collect();
    by_curve.sort_unstable();
    let mut rank = vec![0u32; points.len()];
    for (r, (_, i)) in by_curve.into_iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// Distance along the Hilbert curve filling a `side` x `side` grid (`side` a power of two) to
/// cell (x, y). By hand: a dozen lines, the textbook conversion.
fn hilbert(side: u32, mut x: u32, mut y: u32) -> u64 {
    let mut d = 0u64;
    let mut s = side / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = side - 1 - x;
                y = side - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// The network's bounding box widened by `pad` metres on every side.
fn network_extent(network: &Network, pad: f64) -> Extent {
    let [x0, y0, x1, y1] = (0..network.edge_count()).map(|e| network.bbox(e)).fold(
        [f64::INFINITY, f64::INFINITY, -f64::INFINITY, -f64::INFINITY],
        |b, e| {
            [
                b[0].min(e[0]),
                b[1].min(e[1]),
                b[2].max(e[2]),
                b[3].max(e[3]),
            ]
        },
    );
    Extent {
        min_easting: x0 - pad,
        max_easting: x1 + pad,
        min_northing: y0 - pad,
        max_northing: y1 + pad,
    }
}

/// A home placed on the network once per mode, reused for every school it is measured to.
#[derive(Debug, Clone)]
pub struct Located {
    pub home: geo::Point<f64>,
    /// Where its routes start (clause 1.1.1) and how that was found.
    pub start: WalkStart,
    snaps: [Result<Snap, SnapError>; 3],
}

impl Located {
    /// Where the home was placed on `mode`'s network.
    pub fn snap(&self, mode: Mode) -> Result<&Snap, AreaError> {
        self.snaps[mode.slot()]
            .as_ref()
            .map_err(|e| AreaError::HomeSnap {
                mode: mode.words(),
                reason: e.clone(),
            })
    }
}

/// A measured distance to a school: cheap enough for every application of a batch. The route
/// itself (geometry, edges) comes from [`Area::route`] when a map or an audit trail needs it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Measured {
    pub mode: Mode,
    pub length_m: f64,
    /// The entrance the route reaches.
    pub entrance: String,
    /// Where the home was placed on the network, and how far that was.
    pub home_snap: Snap,
}

impl Area {
    /// Validates cross-references and indexes the area; `max_snap_m` is the furthest a home or an
    /// entrance may be from the network before it is refused.
    pub fn new(
        schools: Vec<School>,
        gates: Vec<Gate>,
        catchments: Vec<Catchment>,
        network: Network,
        max_snap_m: f64,
    ) -> Result<Area, AreaError> {
        let mut by_urn = HashMap::new();
        for (i, s) in schools.iter().enumerate() {
            if by_urn.insert(s.urn, i).is_some() {
                return Err(AreaError::DuplicateSchool(s.urn));
            }
        }
        let mut per_school: Vec<Vec<Gate>> = vec![Vec::new(); schools.len()];
        for g in gates {
            let Some(&i) = by_urn.get(&g.urn) else {
                return Err(AreaError::GateUnknownSchool {
                    gate: g.name,
                    urn: g.urn,
                });
            };
            per_school[i].push(g);
        }
        for c in &catchments {
            for u in &c.schools {
                if !by_urn.contains_key(u) {
                    return Err(AreaError::CatchmentUnknownSchool {
                        catchment: c.name.clone(),
                        urn: *u,
                    });
                }
            }
        }
        let reach = Held::new(schools.len() * 3);
        let schools_xy: Vec<(f64, f64)> = schools
            .iter()
            .map(|s| (s.location.x(), s.location.y()))
            .collect();
        let boxes = catchments
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let r = c.area.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        let catchment_index = RTree::bulk_load(boxes);
        let extent = network_extent(&network, max_snap_m);
        Ok(Area {
            schools,
            by_urn,
            gates: per_school,
            catchments,
            catchment_index,
            network,
            max_snap_m,
            extent,
            left_out: Vec::new(),
            reach,
            spatial_rank: spatial_ranks(&schools_xy),
            distances_only: AtomicBool::new(false),
            whole_trees: AtomicBool::new(false),
        })
    }

    /// The school's place in an order where schools near each other come together (`None` for
    /// an unknown school): a batch decides its rows in this order, so that the trees of the
    /// schools a row measures are mostly the ones the rows before it used.
    pub fn spatial_rank(&self, urn: Urn) -> Option<u32> {
        self.by_urn.get(&urn).map(|&i| self.spatial_rank[i])
    }

    /// Keeps the trees held at once within `bytes` (at least one is always held): the least
    /// recently used are dropped and grown again when asked for. The distances are the same.
    pub fn limit_tree_memory(&self, bytes: usize) {
        self.reach.set_budget(bytes);
    }

    /// Bytes the trees held now take.
    pub fn tree_memory(&self) -> usize {
        self.reach.held_bytes()
    }

    /// Keeps distances only in the trees grown from now on (see the field): a batch that draws
    /// no routes holds a third less memory per school. The distances are the same.
    pub fn measure_distances_only(&self) {
        self.distances_only.store(true, AtomicOrdering::Relaxed);
    }

    /// Grows every tree to the end from now on (see the field): for measuring many homes.
    /// The distances and routes are the same.
    pub fn grow_whole_trees(&self) {
        self.whole_trees.store(true, AtomicOrdering::Relaxed);
    }

    /// Records the schools the loader left out, so that a case naming one is told why rather
    /// than that the school is unknown.
    pub fn with_left_out(mut self, left_out: Vec<LeftOutSchool>) -> Area {
        self.left_out = left_out;
        self
    }

    /// Schools of the schools file left out at load (closed, or without a location).
    pub fn left_out(&self) -> &[LeftOutSchool] {
        &self.left_out
    }

    /// Why a URN names no school of the area: left out at load (and why), or not in the file.
    pub fn unknown_school(&self, urn: Urn) -> AreaError {
        match self.left_out.iter().find(|l| l.urn == urn) {
            Some(l) => AreaError::LeftOutSchool(l.clone()),
            None => AreaError::UnknownSchool(urn),
        }
    }

    /// The part of the national grid the area covers (see [`Extent`]).
    #[cfg(test)]
    pub fn extent(&self) -> Extent {
        self.extent
    }

    /// All schools, in file order.
    pub fn schools(&self) -> &[School] {
        &self.schools
    }

    /// The catchment polygons.
    pub fn catchments(&self) -> &[Catchment] {
        &self.catchments
    }

    /// The routable network.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The furthest a point may be snapped.
    pub fn max_snap_m(&self) -> f64 {
        self.max_snap_m
    }

    /// Looks a school up by URN.
    pub fn school(&self, urn: Urn) -> Option<&School> {
        self.by_urn.get(&urn).map(|&i| &self.schools[i])
    }

    /// Entrances recorded for a school (open and closed).
    pub fn gates(&self, urn: Urn) -> &[Gate] {
        self.by_urn
            .get(&urn)
            .map(|&i| self.gates[i].as_slice())
            .unwrap_or(&[])
    }

    /// Schools whose catchment contains the point, sorted and without repeats.
    pub fn catchment_schools(&self, p: geo::Point<f64>) -> Vec<Urn> {
        let mut out: Vec<Urn> = self
            .catchments_at(p)
            .into_iter()
            .flat_map(|c| c.schools.iter().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The catchments containing the point, in file order.
    pub fn catchments_at(&self, p: geo::Point<f64>) -> Vec<&Catchment> {
        let mut hits: Vec<usize> = self
            .catchment_index
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|g| g.data)
            .filter(|&i| self.catchments[i].area.contains(&p))
            .collect();
        hits.sort_unstable();
        hits.into_iter().map(|i| &self.catchments[i]).collect()
    }

    /// Straight-line distance between the home and the school's eastings/northings (clause 1.1.2).
    pub fn straight_line_m(&self, home: geo::Point<f64>, school: &School) -> f64 {
        Euclidean.distance(home, school.location)
    }

    /// Places a home on each mode's network, from where its walk starts (see [`WalkStart`]): the
    /// given access point where the home meets the road, else where the policy's rule puts it
    /// (the nearest adopted road, or the nearest point of the nearest usable edge).
    pub fn locate(
        &self,
        home: geo::Point<f64>,
        access_point: Option<geo::Point<f64>>,
        rule: &WalkStartRule,
    ) -> Located {
        let start = WalkStart::find(&self.network, rule, home, access_point, self.max_snap_m);
        let snaps = match (&start, start.point()) {
            (WalkStart::NoAdoptedRoad(e), _) => [e.clone(), e.clone(), e.clone()].map(Err),
            (_, from) => {
                let at = from.unwrap_or(home);
                let net = &self.network;
                if net.measured_as(Mode::WalkIgnoringSafety) == Mode::WalkIgnoringSafety {
                    net.snap_modes(Mode::ALL, at, self.max_snap_m)
                } else {
                    // Walking ignoring safety is walking here: placed once, the same place.
                    let [walk, drive] =
                        net.snap_modes([Mode::Walk, Mode::Drive], at, self.max_snap_m);
                    [walk.clone(), walk, drive]
                }
            }
        };
        Located { home, start, snaps }
    }

    /// Checks that a located home can be decided in this area: the home lies within the area's
    /// extent, and the point measured from (the access point, else the home) was placed on at
    /// least one mode's network. A home that fails is not in the area as far as the tool can
    /// tell (a mistyped or swapped coordinate, most often), so nothing about it can be decided.
    /// A home within reach of the network but of no adopted road is placed: rules that need a
    /// distance refer it, asking for the access point.
    pub fn check_placed(&self, located: &Located) -> Result<(), AreaError> {
        let swapped = |p: geo::Point<f64>| self.extent.contains(geo::Point::new(p.y(), p.x()));
        let home = located.home;
        if !self.extent.contains(home) {
            return Err(AreaError::NotPlaced(NotPlaced {
                point: PlacedPoint::Home,
                nearest_m: self.nearest_path_m(home),
                max_m: self.max_snap_m,
                outside: Some(self.extent),
                swapped: swapped(home),
            }));
        }
        if located.snaps.iter().any(Result::is_ok) {
            return Ok(());
        }
        let (point, from) = match &located.start {
            WalkStart::AccessPoint(a) => (PlacedPoint::AccessPoint, *a),
            _ => (PlacedPoint::Home, home),
        };
        let nearest_m = self.nearest_path_m(from);
        if matches!(located.start, WalkStart::NoAdoptedRoad(_))
            && nearest_m.is_some_and(|d| d <= self.max_snap_m)
        {
            return Ok(());
        }
        let outside = !self.extent.contains(from);
        Err(AreaError::NotPlaced(NotPlaced {
            point,
            nearest_m,
            max_m: self.max_snap_m,
            outside: outside.then_some(self.extent),
            swapped: outside && swapped(from),
        }))
    }

    /// Distance from a point to the nearest edge usable in any mode, however far; `None` when
    /// no mode has an edge (or the point is not finite).
    fn nearest_path_m(&self, p: geo::Point<f64>) -> Option<f64> {
        Mode::ALL
            .iter()
            .filter_map(|m| self.network.snap(*m, p, f64::INFINITY).ok())
            .map(|s| s.distance_m)
            .reduce(f64::min)
    }

    /// The school's entrances and tree in `mode` (or why it has none), grown if not held or not
    /// reaching `home`.
    fn reach(&self, urn: Urn, mode: Mode, home: &Snap) -> Result<HeldReach, AreaError> {
        let mode = self.network.measured_as(mode);
        let &i = self
            .by_urn
            .get(&urn)
            .ok_or_else(|| self.unknown_school(urn))?;
        let k = i * 3 + mode.slot();
        let fits = |r: &Result<Reach, AreaError>| {
            r.as_ref()
                .map_or(true, |r| r.tree.covers(&self.network, home))
        };
        Ok(self.reach.get_fitting_or_make(k, fits, || {
            let r = self.grow_reach(i, mode, home);
            let bytes = r.as_ref().map_or(0, |r| r.tree.heap_bytes());
            (r, bytes)
        }))
    }

    fn grow_reach(&self, i: usize, mode: Mode, home: &Snap) -> Result<Reach, AreaError> {
        let school = &self.schools[i];
        let recorded: Vec<Gate> = self.gates[i].iter().filter(|g| g.open).cloned().collect();
        let gates = if self.gates[i].is_empty() {
            // No entrance register for this school: measure to the site reference point.
            vec![Gate {
                urn: school.urn,
                name: "site reference point (no entrance recorded)".into(),
                point: school.location,
                open: true,
                valid: Default::default(),
            }]
        } else {
            recorded
        };
        let entrances: Vec<(Gate, Snap)> = gates
            .into_iter()
            .filter_map(|g| {
                let s = self.network.snap(mode, g.point, self.max_snap_m).ok()?;
                Some((g, s))
            })
            .collect();
        if entrances.is_empty() {
            return Err(AreaError::NoEntrance {
                urn: school.urn,
                name: school.name.clone(),
                mode: mode.words(),
            });
        }
        let snaps: Vec<Snap> = entrances.iter().map(|(_, s)| s.clone()).collect();
        let whole = self.whole_trees.load(AtomicOrdering::Relaxed);
        let tree = if let (true, Some(h)) = (whole, self.network.hierarchy(mode)) {
            // Every junction's label, swept through the hierarchy: the labels Dijkstra gives,
            // from which routes are drawn as from a tree of distances (see `Tree::next_at`).
            h.sweep(&self.network, mode, &snaps)
        } else if self.distances_only.load(AtomicOrdering::Relaxed) {
            Tree::distances(&self.network, mode, &snaps)
        } else if whole {
            Tree::grow(&self.network, mode, &snaps)
        } else {
            Tree::grow_until(&self.network, mode, &snaps, home)
        };
        Ok(Reach { entrances, tree })
    }

    /// Shortest distance in `mode` from the located home to the school's nearest open entrance.
    /// `Ok(None)` means no available route exists on that network.
    pub fn measure(
        &self,
        home: &Located,
        urn: Urn,
        mode: Mode,
    ) -> Result<Option<Measured>, AreaError> {
        let snap = home.snap(mode)?;
        let held = self.reach(urn, mode, snap)?;
        let reach = held.as_ref().as_ref().map_err(Clone::clone)?;
        Ok(reach
            .tree
            .nearest(&self.network, snap)
            .map(|(length_m, target)| Measured {
                mode,
                length_m,
                entrance: reach.entrances[target].0.name.clone(),
                home_snap: snap.clone(),
            }))
    }

    /// The shortest route itself (geometry and edges, the same length as [`Area::measure`]),
    /// for maps (clause 1.5.3) and for naming the audits a route ran through (clause 1.5.4).
    pub fn route(&self, home: &Located, urn: Urn, mode: Mode) -> Result<Option<Route>, AreaError> {
        let snap = home.snap(mode)?;
        let held = self.reach(urn, mode, snap)?;
        let reach = held.as_ref().as_ref().map_err(Clone::clone)?;
        Ok(reach.tree.route(&self.network, snap))
    }
}

#[cfg(test)]
mod tests {
    use geo::{LineString, Point};

    use super::*;
    use crate::network::{EdgeAttrs, RawEdge};

    fn edge(id: &str, drive: bool, pts: &[(f64, f64)]) -> RawEdge {
        RawEdge {
            attrs: EdgeAttrs {
                id: id.into(),
                walk: true,
                drive,
                ..Default::default()
            },
            geometry: LineString::from(pts.to_vec()),
        }
    }

    /// A road from (1000, 1000) to (5000, 1000) and a footpath north from (3000, 1000) to
    /// (3000, 2000); 50 m snapping, so the extent is eastings 950-5050, northings 950-2050.
    fn area() -> Area {
        let net = Network::build(vec![
            edge("road", true, &[(1000.0, 1000.0), (5000.0, 1000.0)]),
            edge("path", false, &[(3000.0, 1000.0), (3000.0, 2000.0)]),
        ])
        .unwrap();
        Area::new(Vec::new(), Vec::new(), Vec::new(), net, 50.0).unwrap()
    }

    fn placed(a: &Area, home: (f64, f64), access: Option<(f64, f64)>) -> Result<(), AreaError> {
        let l = a.locate(
            Point::from(home),
            access.map(Point::from),
            &WalkStartRule::NEAREST_PATH,
        );
        a.check_placed(&l)
    }

    fn not_placed(a: &Area, home: (f64, f64), access: Option<(f64, f64)>) -> NotPlaced {
        match placed(a, home, access) {
            Err(AreaError::NotPlaced(n)) => n,
            other => panic!("expected NotPlaced, got {other:?}"),
        }
    }

    #[test]
    fn the_hilbert_order_visits_neighbouring_cells_one_after_another() {
        // On a 4 x 4 grid every step along the curve moves to an adjacent cell.
        let mut cells: Vec<(u64, (u32, u32))> = (0..16)
            .map(|i| (hilbert(4, i % 4, i / 4), (i % 4, i / 4)))
            .collect();
        cells.sort_unstable();
        assert_eq!(
            cells.iter().map(|c| c.0).collect::<Vec<_>>(),
            (0..16).collect::<Vec<_>>()
        );
        for w in cells.windows(2) {
            let ((a, b), (c, d)) = (w[0].1, w[1].1);
            assert_eq!(a.abs_diff(c) + b.abs_diff(d), 1, "{w:?}");
        }
        // Schools: two near each other are ranked next to each other.
        let r = spatial_ranks(&[(0.0, 0.0), (1000.0, 1000.0), (10.0, 0.0), (990.0, 1000.0)]);
        assert_eq!(r[0].abs_diff(r[2]), 1);
        assert_eq!(r[1].abs_diff(r[3]), 1);
    }

    #[test]
    fn the_extent_is_the_network_box_widened_by_the_snap_distance() {
        assert_eq!(
            area().extent(),
            Extent {
                min_easting: 950.0,
                max_easting: 5050.0,
                min_northing: 950.0,
                max_northing: 2050.0
            }
        );
        assert_eq!(
            area().extent().to_string(),
            "eastings 950 to 5050, northings 950 to 2050"
        );
    }

    #[test]
    fn a_home_one_mode_can_place_is_placed() {
        let a = area();
        assert_eq!(placed(&a, (2000.0, 1020.0), None), Ok(()));
        // 10 m from the footpath, 900 m from the road: walking only.
        assert_eq!(placed(&a, (3010.0, 1900.0), None), Ok(()));
        let l = a.locate(
            Point::new(3010.0, 1900.0),
            None,
            &WalkStartRule::NEAREST_PATH,
        );
        assert!(l.snap(Mode::Walk).is_ok() && l.snap(Mode::Drive).is_err());
    }

    #[test]
    fn a_home_inside_the_extent_but_far_from_every_path_says_how_far() {
        // (4500, 1900): 900 m from the road, 1500 m from the footpath.
        let n = not_placed(&area(), (4500.0, 1900.0), None);
        assert_eq!(
            (n.point, n.nearest_m, n.outside, n.swapped),
            (PlacedPoint::Home, Some(900.0), None, false)
        );
        assert_eq!(
            n.to_string(),
            "home cannot be placed on the walking network, nor on the driving network: the \
             nearest usable path is 900 m away (the furthest allowed is 50 m): check the easting \
             and northing, or give an access point (access_easting, access_northing) where the \
             home meets the road"
        );
    }

    #[test]
    fn a_home_outside_the_extent_is_refused_and_a_swap_is_recognised() {
        let a = area();
        // Exchanged, (1500, 4000) would be (4000, 1500): inside the extent.
        let n = not_placed(&a, (1500.0, 4000.0), None);
        assert!(n.swapped && n.outside.is_some(), "{n:?}");
        let text = n.to_string();
        assert!(
            text.ends_with(
                "it lies outside the area's extent (eastings 950 to 5050, northings 950 to \
                 2050): the easting and northing look swapped"
            ),
            "{text}"
        );
        // The home's coordinates are never in the message.
        assert!(!text.contains("1500") && !text.contains("4000"), "{text}");
        // Far off and not a swap: 365 km from the top of the footpath, given in kilometres.
        let n = not_placed(&a, (1000.0, 367000.0), None);
        assert!(!n.swapped);
        assert!(
            n.to_string()
                .contains("the nearest usable path is 365.0 km away"),
            "{n}"
        );
        assert!(n.to_string().ends_with(": check the easting and northing"));
        // A home outside the extent is refused even when its access point is on the road: its
        // catchment and nearest school would mean nothing.
        let n = not_placed(&a, (1000.0, 367000.0), Some((2000.0, 1000.0)));
        assert_eq!(n.point, PlacedPoint::Home);
    }

    #[test]
    fn an_access_point_no_mode_can_place_is_named() {
        let n = not_placed(&area(), (2000.0, 1020.0), Some((2000.0, 9000.0)));
        assert_eq!(n.point, PlacedPoint::AccessPoint);
        assert!(
            n.to_string()
                .starts_with("access point cannot be placed on the walking network"),
            "{n}"
        );
        assert!(
            n.to_string()
                .ends_with(": check the access_easting and access_northing"),
            "{n}"
        );
    }

    #[test]
    fn a_left_out_school_is_named_where_it_was_unknown() {
        let a = area().with_left_out(vec![LeftOutSchool {
            urn: Urn(7),
            name: "Hill School".into(),
            file: "schools.csv".into(),
            line: 3,
            why: crate::area::LeftOutWhy::NoLocation,
        }]);
        assert_eq!(
            a.unknown_school(Urn(7)).to_string(),
            "field school_urn: school URN 7 (Hill School) was left out of the area: schools.csv \
             line 3: it has no Easting or Northing, so it can be neither the nearest school nor \
             measured to"
        );
        assert_eq!(a.unknown_school(Urn(8)), AreaError::UnknownSchool(Urn(8)));
    }
}
