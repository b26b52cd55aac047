//! Reading an OpenStreetMap extract (`.osm.pbf`) into network edges, schools and entrances.
//!
//! The extract is read in two or three passes over its blocks, so that only what the network
//! needs is held in memory, never every node of the file:
//!
//! 1. ways and relations: highway ways the [`Profile`] keeps (with their node ids), school
//!    outlines (`amenity=school` closed ways and multipolygon relations);
//! 2. only when a school is a multipolygon relation: the node ids of its outer ways;
//! 3. nodes: the coordinates of the nodes used in pass 1 and 2, converted from WGS84 to the
//!    British National Grid with OSTN15 (`crate::geodesy`), school nodes, and entrance nodes
//!    on school outlines.
//!
//! Ways are then cut at junctions (a node used more than once by the kept ways, or a way's end)
//! and chains of pieces that meet at a node of degree 2 with the same attributes are joined into
//! one edge with the whole geometry, so each [`RawEdge`] runs from junction to junction and
//! lengths are measured on the grid. A piece that needs a node missing from the extract, or a
//! node outside the OSTN15 grid, is dropped whole and counted: never joined across the gap.
//!
//! A corrupt or hostile file is an error naming the file, never a panic: the block framing is
//! checked before anything is decoded (a file cut inside a block, or with trailing bytes, is
//! refused), a header asking for features this reader lacks (history files) is refused, and
//! decoding each block runs under `catch_unwind` as a last line of defence against a decoder
//! panic on garbage. A file cut exactly at a block boundary cannot be told from a smaller
//! extract; the ways-with-missing-nodes count in the report is what shows it.

mod edges;
mod passes;
mod pbf;
mod report;
mod schools;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::anyhow;
use geo::{Euclidean, Length, Point};

use super::profile::Profile;
use crate::area::{Gate, Urn};
use crate::network::RawEdge;

use edges::*;
use passes::*;
use pbf::*;
pub use report::{ImportReport, SchoolReport};
use schools::*;

// What the tests (`tests.rs`, `use super::*`) use beside the import's own items.
#[cfg(test)]
use {
    crate::geodesy::wgs84_to_bng,
    crate::network::Oneway,
    geo::{Coord, Distance},
    osmpbf::BlobReader,
    std::collections::BTreeMap,
    std::io::{Cursor, SeekFrom},
};

/// Furthest (metres) a walkable way may pass from a school's outline for the nearest point of the
/// outline to be taken as its entrance, when no way touches or crosses the outline.
pub const NEAREST_ENTRANCE_MAX_M: f64 = 100.0;

/// What an import produced.
#[derive(Debug, Clone)]
pub struct OsmImport {
    /// Network edges in BNG metres, junction to junction, ready for `Network::build`.
    pub edges: Vec<RawEdge>,
    /// Schools with a DfE URN (`ref:edubase`), with their site point.
    pub schools: Vec<OsmSchool>,
    /// Entrances of those schools (open), found as described in `docs/formats.md`.
    pub entrances: Vec<Gate>,
    /// Schools without a usable DfE URN, by name and place, for an officer to complete (a
    /// missing school can change which school is nearest).
    pub unlisted: Vec<UnlistedSchool>,
    /// What was read, kept and dropped, and why.
    pub report: ImportReport,
}

/// A school in OpenStreetMap without a usable `ref:edubase`: listed, never loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct UnlistedSchool {
    /// The `name` tag, when present.
    pub name: Option<String>,
    /// Site point (BNG).
    pub point: Point<f64>,
    /// Which OSM object, e.g. `way 123`.
    pub source: String,
    /// Why it has no URN: `no ref:edubase`, or `ref:edubase is not one whole number`.
    pub why: &'static str,
}

/// A school found in OpenStreetMap. OSM has no age range or admission sex, so this never becomes
/// a [`crate::area::School`] by itself: the schools file supplies those.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmSchool {
    /// From `ref:edubase`.
    pub urn: Urn,
    /// The `name` tag, when present.
    pub name: Option<String>,
    /// Site point (BNG): the area-weighted centroid of the outline, or the node.
    pub point: Point<f64>,
    /// Which OSM object, e.g. `way 123`, for audit trails.
    pub source: String,
}

/// Imports a `.osm.pbf` already read into memory (and hashed); `path` names it in messages.
pub fn import_osm_bytes(path: &Path, bytes: &[u8], profile: &Profile) -> anyhow::Result<OsmImport> {
    let file = path.display().to_string();
    let mut report = ImportReport {
        file: file.clone(),
        profile: profile.name.clone(),
        ..ImportReport::default()
    };
    check_framing(&file, bytes)?;

    // Pass 1: ways and relations.
    let mut p1 = WaysPass::new(profile);
    for_each_block(&file, bytes, &mut report, true, |block| p1.block(block))?;
    let WaysPass {
        ways,
        school_ways,
        school_rels,
        counts,
        ..
    } = p1;
    report.ways_read = counts.ways_read;
    report.relations_read = counts.relations_read;
    report.highway_ways = counts.highway_ways;
    report.ways_dropped = counts.dropped;
    report.ways_oneway_unrecognised = counts.oneway_unrecognised;
    report.schools = counts.schools;
    report.ways_kept = ways.len() as u64;
    report.ways_walkable = ways.iter().filter(|w| w.walk).count() as u64;
    report.ways_drivable = ways.iter().filter(|w| w.drive).count() as u64;
    if ways.is_empty() {
        return Err(anyhow!(
            "{file}: no walkable or drivable highway in the extract ({} ways read, {} with a \
             highway tag); is it the right file, and does the profile match its tagging?",
            report.ways_read,
            report.highway_ways
        ));
    }

    // Pass 2: outer ways of multipolygon schools.
    let wanted: HashSet<i64> = school_rels
        .iter()
        .flat_map(|r| r.outer_ways.iter().copied())
        .collect();
    let mut member_ways: HashMap<i64, Vec<i64>> = HashMap::new();
    if !wanted.is_empty() {
        for_each_block(&file, bytes, &mut report, false, |block| {
            for g in block.groups() {
                for w in g.ways() {
                    if wanted.contains(&w.id()) {
                        member_ways.insert(w.id(), decode_refs(w.raw_refs()));
                    }
                }
            }
        })?;
    }
    let outlines = school_outlines(school_ways, school_rels, &member_ways, &mut report.schools);
    drop(member_ways);

    // Pass 3: nodes.
    let mut needed: HashSet<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    let outline_nodes: HashSet<i64> = outlines
        .iter()
        .flat_map(|o| o.rings.iter().flatten().copied())
        .collect();
    needed.extend(outline_nodes.iter().copied());
    let mut p3 = NodesPass {
        needed: &needed,
        outline_nodes: &outline_nodes,
        nodes: HashMap::with_capacity(needed.len()),
        entrance_nodes: HashMap::new(),
        school_nodes: Vec::new(),
        school_counts: SchoolReport::default(),
        nodes_read: 0,
    };
    for_each_block(&file, bytes, &mut report, false, |block| p3.block(block))?;
    let NodesPass {
        nodes,
        entrance_nodes,
        school_nodes,
        school_counts,
        nodes_read,
        ..
    } = p3;
    report.schools.found += school_counts.found;
    report.schools.no_urn += school_counts.no_urn;
    report.schools.bad_urn += school_counts.bad_urn;
    report.nodes_read = nodes_read;
    report.nodes_needed = needed.len() as u64;
    report.nodes_missing = needed.iter().filter(|id| !nodes.contains_key(id)).count() as u64;
    report.nodes_outside_grid = nodes
        .values()
        .filter(|p| matches!(p, NodePos::OutsideGrid))
        .count() as u64;
    drop(needed);

    let (edges, stats) = build_edges(&ways, &nodes);
    report.ways_too_short = stats.ways_too_short;
    report.ways_with_missing_nodes = stats.ways_with_missing_nodes;
    report.pieces = stats.pieces;
    report.pieces_missing_nodes = stats.pieces_missing_nodes;
    report.pieces_outside_grid = stats.pieces_outside_grid;
    report.pieces_degenerate = stats.pieces_degenerate;
    report.edges = edges.len() as u64;
    for e in &edges {
        let km = Euclidean.length(&e.geometry) / 1000.0;
        report.length_km += km;
        if e.attrs.walk {
            report.edges_walkable += 1;
            report.walkable_km += km;
        }
        if e.attrs.drive {
            report.edges_drivable += 1;
            report.drivable_km += km;
        }
    }
    if edges.is_empty() {
        return Err(anyhow!(
            "{file}: none of the {} kept highway ways could be placed on the British National \
             Grid ({} nodes missing from the extract, {} outside the OSTN15 grid)",
            report.ways_kept,
            report.nodes_missing,
            report.nodes_outside_grid
        ));
    }

    let (schools, entrances, unlisted) = schools_and_entrances(
        outlines,
        school_nodes,
        &entrance_nodes,
        &ways,
        &nodes,
        &mut report.schools,
    );
    Ok(OsmImport {
        edges,
        schools,
        entrances,
        unlisted,
        report,
    })
}
