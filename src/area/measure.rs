//! Measuring from a home to a school the way the policy says: straight line between eastings and
//! northings for "nearest" (clause 1.1.2), shortest available walking route to the nearest open
//! entrance (clauses 1.1.1, 1.5.3, 1.5.4), shortest driven route (clauses 1.1.4, 1.1.15).

use std::collections::HashMap;
use std::sync::OnceLock;

use geo::{BoundingRect, Contains, Distance, Euclidean};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use thiserror::Error;

use super::{Catchment, Gate, School, Urn};
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

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Walk => "walking",
        Mode::WalkIgnoringSafety => "walking (ignoring safety audits)",
        Mode::Drive => "driving",
    }
}

fn mode_slot(mode: Mode) -> usize {
    match mode {
        Mode::Walk => 0,
        Mode::WalkIgnoringSafety => 1,
        Mode::Drive => 2,
    }
}

/// Entrances of one school placed on one mode's network, and the shortest-path tree grown from
/// them; built on first use and shared by every home measured to that school.
#[derive(Debug)]
struct Reach {
    entrances: Vec<(Gate, Snap)>,
    tree: Tree,
}

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
    reach: Vec<[OnceLock<Result<Reach, AreaError>>; 3]>,
}

/// A home placed on the network once per mode, reused for every school it is measured to.
#[derive(Debug, Clone)]
pub struct Located {
    pub home: geo::Point<f64>,
    /// The point where the home meets the road, when given explicitly (clause 1.1.1).
    pub access_point: Option<geo::Point<f64>>,
    snaps: [Result<Snap, SnapError>; 3],
}

impl Located {
    /// Where the home was placed on `mode`'s network.
    pub fn snap(&self, mode: Mode) -> Result<&Snap, AreaError> {
        self.snaps[mode_slot(mode)]
            .as_ref()
            .map_err(|e| AreaError::HomeSnap {
                mode: mode_name(mode),
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
        let reach = (0..schools.len()).map(|_| Default::default()).collect();
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
        Ok(Area {
            schools,
            by_urn,
            gates: per_school,
            catchments,
            catchment_index,
            network,
            max_snap_m,
            reach,
        })
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

    /// Names of the catchments containing the point.
    pub fn catchment_names(&self, p: geo::Point<f64>) -> Vec<String> {
        self.catchments_at(p)
            .into_iter()
            .map(|c| c.name.clone())
            .collect()
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

    /// Places a home on each mode's network: at the given access point where the home meets the
    /// road, else at the nearest point of the nearest usable edge.
    pub fn locate(&self, home: geo::Point<f64>, access_point: Option<geo::Point<f64>>) -> Located {
        let from = access_point.unwrap_or(home);
        let snaps = Mode::ALL.map(|m| self.network.snap(m, from, self.max_snap_m));
        Located {
            home,
            access_point,
            snaps,
        }
    }

    fn reach(&self, urn: Urn, mode: Mode) -> Result<&Reach, AreaError> {
        let &i = self.by_urn.get(&urn).ok_or(AreaError::UnknownSchool(urn))?;
        self.reach[i][mode_slot(mode)]
            .get_or_init(|| self.grow_reach(i, mode))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn grow_reach(&self, i: usize, mode: Mode) -> Result<Reach, AreaError> {
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
                mode: mode_name(mode),
            });
        }
        let snaps: Vec<Snap> = entrances.iter().map(|(_, s)| s.clone()).collect();
        let tree = Tree::grow(&self.network, mode, &snaps);
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
        let reach = self.reach(urn, mode)?;
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
        let reach = self.reach(urn, mode)?;
        Ok(reach.tree.route(&self.network, snap))
    }
}
