//! The passes over the blocks: ways and relations (highways the profile keeps, school outlines),
//! then nodes (grid positions of the nodes those use, school nodes, entrance nodes on outlines).

use std::collections::{BTreeMap, HashMap, HashSet};

use geo::Coord;
use osmpbf::{PrimitiveBlock, RelMemberType};

use super::pbf::decode_refs;
use super::report::SchoolReport;
use crate::area::Urn;
use crate::geodesy::wgs84_to_bng;
use crate::network::Oneway;
use crate::osm::profile::{tag, Profile, WayUse};

/// A DfE URN from `ref:edubase`, or why not.
pub(super) fn urn_of(tags: &[(&str, &str)], counts: &mut SchoolReport) -> Option<Urn> {
    match tag(tags, "ref:edubase").map(str::trim) {
        None | Some("") => {
            counts.no_urn += 1;
            None
        }
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n > 0 && v.bytes().all(|b| b.is_ascii_digit()) => Some(Urn(n)),
            _ => {
                counts.bad_urn += 1;
                None
            }
        },
    }
}

/// A school's URN, or why it has none: such schools are listed by name and place for the officer
/// to complete (`network import-osm --schools-out`), never loaded.
pub(super) fn school_urn(
    tags: &[(&str, &str)],
    counts: &mut SchoolReport,
) -> Result<Urn, &'static str> {
    let missing = tag(tags, "ref:edubase").is_none_or(|v| v.trim().is_empty());
    urn_of(tags, counts).ok_or(if missing {
        "no ref:edubase"
    } else {
        "ref:edubase is not one whole number"
    })
}

pub(super) fn name_of(tags: &[(&str, &str)]) -> Option<String> {
    tag(tags, "name")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// A highway way the profile keeps.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeptWay {
    /// OSM way id.
    pub id: i64,
    /// Node ids, consecutive repeats removed.
    pub refs: Vec<i64>,
    /// Walkable, per the profile.
    pub walk: bool,
    /// Drivable, per the profile.
    pub drive: bool,
    /// One-way for drivers along the drawn direction.
    pub oneway: Oneway,
    /// The `name` tag, carried to the edges for readable routes.
    pub name: Option<String>,
    /// The `highway=*` value, to name entrances ("where footway osm:1 meets ...").
    pub highway: String,
    /// Adopted road, path or private way, per the profile.
    pub road_class: Option<crate::network::RoadClass>,
}

impl KeptWay {
    pub(super) fn new(
        id: i64,
        refs: Vec<i64>,
        u: WayUse,
        name: Option<String>,
        highway: &str,
    ) -> Self {
        KeptWay {
            id,
            refs,
            walk: u.walk,
            drive: u.drive,
            oneway: u.oneway,
            name,
            highway: highway.to_string(),
            road_class: u.road_class,
        }
    }
}

/// A school outline before its nodes are known.
pub(super) struct SchoolOutline {
    /// The URN, or why there is none (such a school is listed, not loaded).
    pub(super) urn: Result<Urn, &'static str>,
    pub(super) name: Option<String>,
    pub(super) source: String,
    /// Closed rings of node ids (first == last).
    pub(super) rings: Vec<Vec<i64>>,
}

pub(super) struct SchoolWay {
    pub(super) id: i64,
    pub(super) urn: Result<Urn, &'static str>,
    pub(super) name: Option<String>,
    pub(super) refs: Vec<i64>,
}

pub(super) struct SchoolRel {
    pub(super) id: i64,
    pub(super) urn: Result<Urn, &'static str>,
    pub(super) name: Option<String>,
    pub(super) outer_ways: Vec<i64>,
}

#[derive(Default)]
pub(super) struct WayCounts {
    pub(super) ways_read: u64,
    pub(super) relations_read: u64,
    pub(super) highway_ways: u64,
    pub(super) dropped: BTreeMap<String, u64>,
    pub(super) oneway_unrecognised: u64,
    pub(super) schools: SchoolReport,
}

/// Pass 1: ways and relations.
pub(super) struct WaysPass<'p> {
    pub(super) profile: &'p Profile,
    pub(super) ways: Vec<KeptWay>,
    pub(super) school_ways: Vec<SchoolWay>,
    pub(super) school_rels: Vec<SchoolRel>,
    pub(super) counts: WayCounts,
}

impl<'p> WaysPass<'p> {
    pub(super) fn new(profile: &'p Profile) -> Self {
        WaysPass {
            profile,
            ways: Vec::new(),
            school_ways: Vec::new(),
            school_rels: Vec::new(),
            counts: WayCounts::default(),
        }
    }

    pub(super) fn block(&mut self, block: &PrimitiveBlock) {
        let mut tags: Vec<(&str, &str)> = Vec::new();
        for g in block.groups() {
            for w in g.ways() {
                self.counts.ways_read += 1;
                tags.clear();
                tags.extend(w.tags());
                if let Some(highway) = tag(&tags, "highway") {
                    self.counts.highway_ways += 1;
                    match self.profile.classify(&tags) {
                        Ok(u) => {
                            if u.oneway_unrecognised {
                                self.counts.oneway_unrecognised += 1;
                            }
                            self.ways.push(KeptWay::new(
                                w.id(),
                                decode_refs(w.raw_refs()),
                                u,
                                name_of(&tags),
                                highway,
                            ));
                        }
                        Err(why) => *self.counts.dropped.entry(why.to_string()).or_default() += 1,
                    }
                }
                if tag(&tags, "amenity") == Some("school") {
                    self.counts.schools.found += 1;
                    self.school_ways.push(SchoolWay {
                        id: w.id(),
                        urn: school_urn(&tags, &mut self.counts.schools),
                        name: name_of(&tags),
                        refs: decode_refs(w.raw_refs()),
                    });
                }
            }
            for r in g.relations() {
                self.counts.relations_read += 1;
                tags.clear();
                tags.extend(r.tags());
                if tag(&tags, "amenity") != Some("school") {
                    continue;
                }
                self.counts.schools.found += 1;
                if tag(&tags, "type") != Some("multipolygon") {
                    self.counts.schools.relations_not_multipolygon += 1;
                    continue;
                }
                let urn = school_urn(&tags, &mut self.counts.schools);
                let outer_ways = r
                    .members()
                    .filter(|m| {
                        m.member_type == RelMemberType::Way
                            && matches!(m.role(), Ok("outer") | Ok(""))
                    })
                    .map(|m| m.member_id)
                    .collect();
                self.school_rels.push(SchoolRel {
                    id: r.id(),
                    urn,
                    name: name_of(&tags),
                    outer_ways,
                });
            }
        }
    }
}

/// Where a node is on the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NodePos {
    /// British National Grid metres.
    Grid(Coord<f64>),
    /// Outside the OSTN15 coverage: no grid position.
    OutsideGrid,
}

pub(super) fn grid(lat: f64, lon: f64) -> NodePos {
    match wgs84_to_bng(lat, lon) {
        Ok(p) => NodePos::Grid(p.0),
        Err(_) => NodePos::OutsideGrid,
    }
}

pub(super) struct SchoolNode {
    pub(super) id: i64,
    pub(super) urn: Result<Urn, &'static str>,
    pub(super) name: Option<String>,
    pub(super) pos: NodePos,
}

/// Pass 3: nodes.
pub(super) struct NodesPass<'a> {
    pub(super) needed: &'a HashSet<i64>,
    pub(super) outline_nodes: &'a HashSet<i64>,
    pub(super) nodes: HashMap<i64, NodePos>,
    /// Entrance-tagged nodes on school outlines, with their `name`.
    pub(super) entrance_nodes: HashMap<i64, Option<String>>,
    /// `amenity=school` nodes with a URN.
    pub(super) school_nodes: Vec<SchoolNode>,
    /// Found / without URN / bad URN counts for school nodes.
    pub(super) school_counts: SchoolReport,
    pub(super) nodes_read: u64,
}

impl NodesPass<'_> {
    fn node(&mut self, id: i64, lat: f64, lon: f64, tags: &[(&str, &str)]) {
        self.nodes_read += 1;
        if self.needed.contains(&id) {
            self.nodes.insert(id, grid(lat, lon));
        }
        if tags.is_empty() {
            return;
        }
        if self.outline_nodes.contains(&id) {
            let entrance = tag(tags, "entrance")
                .is_some_and(|e| !matches!(e, "no" | "emergency" | "exit"))
                || tag(tags, "barrier") == Some("gate");
            if entrance {
                self.entrance_nodes.insert(id, name_of(tags));
            }
        }
        if tag(tags, "amenity") == Some("school") {
            self.school_counts.found += 1;
            self.school_nodes.push(SchoolNode {
                id,
                urn: school_urn(tags, &mut self.school_counts),
                name: name_of(tags),
                pos: grid(lat, lon),
            });
        }
    }

    pub(super) fn block(&mut self, block: &PrimitiveBlock) {
        let mut tags: Vec<(&str, &str)> = Vec::new();
        for g in block.groups() {
            for n in g.dense_nodes() {
                tags.clear();
                tags.extend(n.tags());
                self.node(n.id(), n.lat(), n.lon(), &tags);
            }
            for n in g.nodes() {
                tags.clear();
                tags.extend(n.tags());
                self.node(n.id(), n.lat(), n.lon(), &tags);
            }
        }
    }
}
