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

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::{Cursor, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use anyhow::anyhow;
use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Coord, Distance, Euclidean, Length, Line, LineString, Point};
use osmpbf::{BlobDecode, BlobReader, BlobType, PrimitiveBlock, RelMemberType};

use super::profile::{tag, Profile, WayUse};
use crate::area::{Gate, Urn};
use crate::geodesy::wgs84_to_bng;
use crate::network::{EdgeAttrs, Oneway, RawEdge};

/// Features a PBF header may require that this reader understands. Anything else (notably
/// `HistoricalInformation`, a history file with deleted versions) is refused.
const SUPPORTED_FEATURES: &[&str] = &["OsmSchema-V0.6", "DenseNodes"];

/// Pieces shorter than this (metres) are drawing slips (two nodes on one spot); the network
/// builder would refuse them as zero-length.
const MIN_PIECE_M: f64 = 0.01;

/// Two entrances of one school closer than this (metres) are one entrance.
const SAME_ENTRANCE_M: f64 = 1.0;

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
    /// What was read, kept and dropped, and why.
    pub report: ImportReport,
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

/// Counts of everything read, kept and dropped, so that a council can check a conversion.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    /// The file as named by the user.
    pub file: String,
    /// The profile's `name`.
    pub profile: String,
    /// Data blocks decoded (each pass counts once).
    pub blocks: u64,
    /// Blocks of a type this reader does not know, skipped as the PBF format says.
    pub unknown_blocks: u64,
    /// Nodes in the file.
    pub nodes_read: u64,
    /// Ways in the file.
    pub ways_read: u64,
    /// Relations in the file.
    pub relations_read: u64,
    /// Ways with a `highway=*` tag.
    pub highway_ways: u64,
    /// Highway ways the profile keeps.
    pub ways_kept: u64,
    /// Kept ways that are walkable.
    pub ways_walkable: u64,
    /// Kept ways that are drivable.
    pub ways_drivable: u64,
    /// Highway ways left out, by reason.
    pub ways_dropped: BTreeMap<String, u64>,
    /// Kept drivable ways whose `oneway=*` value the profile does not know (taken as two-way).
    pub ways_oneway_unrecognised: u64,
    /// Kept ways with fewer than two distinct nodes (nothing to travel).
    pub ways_too_short: u64,
    /// Kept ways that lost at least one piece to a node missing from the extract.
    pub ways_with_missing_nodes: u64,
    /// Distinct nodes the kept ways and school outlines need.
    pub nodes_needed: u64,
    /// Of those, nodes not in the file (an extract cut through a way, or a truncated file).
    pub nodes_missing: u64,
    /// Of those, nodes outside the OSTN15 / British National Grid coverage.
    pub nodes_outside_grid: u64,
    /// Pieces the kept ways were cut into at junctions.
    pub pieces: u64,
    /// Pieces dropped whole because a node is missing from the extract.
    pub pieces_missing_nodes: u64,
    /// Pieces dropped whole because a node is outside the OSTN15 grid.
    pub pieces_outside_grid: u64,
    /// Pieces dropped because they have no length (nodes on one spot).
    pub pieces_degenerate: u64,
    /// Network edges produced (pieces joined through nodes of degree 2).
    pub edges: u64,
    /// Edges usable on foot.
    pub edges_walkable: u64,
    /// Edges usable by car.
    pub edges_drivable: u64,
    /// Total edge length, kilometres (grid distance).
    pub length_km: f64,
    /// Length of walkable edges, kilometres.
    pub walkable_km: f64,
    /// Length of drivable edges, kilometres.
    pub drivable_km: f64,
    /// Schools and entrances.
    pub schools: SchoolReport,
}

/// Schools and entrances found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SchoolReport {
    /// `amenity=school` nodes, ways and relations in the file.
    pub found: u64,
    /// Schools kept: a numeric `ref:edubase` and a usable location.
    pub with_urn: u64,
    /// Skipped: no `ref:edubase`.
    pub no_urn: u64,
    /// Skipped: `ref:edubase` is not a whole number (e.g. two URNs).
    pub bad_urn: u64,
    /// Skipped: a second object with a URN already found (outlines are preferred to nodes).
    pub duplicate_urn: u64,
    /// Skipped: an outline that does not close (a way, or a multipolygon's outer rings).
    pub not_closed: u64,
    /// Skipped: a school relation that is not `type=multipolygon`.
    pub relations_not_multipolygon: u64,
    /// Skipped: a node of the outline is missing from the extract or off the grid.
    pub missing_nodes: u64,
    /// Entrances from nodes tagged `entrance=*` or `barrier=gate` on the outline.
    pub entrances_tagged: u64,
    /// Entrances where a walkable way shares a node with the outline (no tagged entrance).
    pub entrances_shared_nodes: u64,
    /// Entrances where a walkable way crosses the outline (no tagged or shared node).
    pub entrances_crossings: u64,
    /// Entrances at the point of the outline nearest a walkable way passing within
    /// [`NEAREST_ENTRANCE_MAX_M`] (nothing touches or crosses the outline).
    pub entrances_nearest: u64,
    /// Kept schools with no entrance found (measured to their site point).
    pub without_entrances: u64,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "OpenStreetMap import of {}", self.file)?;
        writeln!(f, "  profile: {}", self.profile)?;
        writeln!(
            f,
            "  read: {} nodes, {} ways, {} relations in {} blocks{}",
            self.nodes_read,
            self.ways_read,
            self.relations_read,
            self.blocks,
            if self.unknown_blocks > 0 {
                format!(" ({} blocks of unknown type skipped)", self.unknown_blocks)
            } else {
                String::new()
            }
        )?;
        writeln!(
            f,
            "  highway ways: {} read, {} kept ({} walkable, {} drivable), {} dropped",
            self.highway_ways,
            self.ways_kept,
            self.ways_walkable,
            self.ways_drivable,
            self.ways_dropped.values().sum::<u64>()
        )?;
        for (why, n) in &self.ways_dropped {
            writeln!(f, "    dropped {n}: {why}")?;
        }
        if self.ways_oneway_unrecognised > 0 {
            writeln!(
                f,
                "    {} drivable ways have an unrecognised oneway value (taken as two-way)",
                self.ways_oneway_unrecognised
            )?;
        }
        if self.ways_too_short > 0 {
            writeln!(
                f,
                "    {} kept ways have fewer than two distinct nodes",
                self.ways_too_short
            )?;
        }
        writeln!(
            f,
            "  nodes: {} needed, {} missing from the extract, {} outside the OSTN15 grid",
            self.nodes_needed, self.nodes_missing, self.nodes_outside_grid
        )?;
        writeln!(
            f,
            "  pieces: {} between junctions; dropped {} with missing nodes (from {} ways), \
             {} outside the grid, {} without length",
            self.pieces,
            self.pieces_missing_nodes,
            self.ways_with_missing_nodes,
            self.pieces_outside_grid,
            self.pieces_degenerate
        )?;
        writeln!(
            f,
            "  edges: {} ({:.1} km); walkable {} ({:.1} km); drivable {} ({:.1} km)",
            self.edges,
            self.length_km,
            self.edges_walkable,
            self.walkable_km,
            self.edges_drivable,
            self.drivable_km
        )?;
        let s = &self.schools;
        writeln!(
            f,
            "  schools: {} amenity=school objects, {} kept with a URN; skipped {} without \
             ref:edubase, {} with a non-numeric ref:edubase, {} duplicate URNs, {} unclosed \
             outlines, {} non-multipolygon relations, {} with missing outline nodes",
            s.found,
            s.with_urn,
            s.no_urn,
            s.bad_urn,
            s.duplicate_urn,
            s.not_closed,
            s.relations_not_multipolygon,
            s.missing_nodes
        )?;
        write!(
            f,
            "  entrances: {} tagged, {} where a walkable way meets the outline, {} where one \
             crosses it, {} nearest a walkable way within {NEAREST_ENTRANCE_MAX_M} m; {} schools \
             without an entrance (measured to their site point)",
            s.entrances_tagged,
            s.entrances_shared_nodes,
            s.entrances_crossings,
            s.entrances_nearest,
            s.without_entrances
        )
    }
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

    let (schools, entrances) = schools_and_entrances(
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
        report,
    })
}

// ---------------------------------------------------------------------------------------------
// Reading blocks

fn not_pbf(file: &str, detail: impl fmt::Display) -> anyhow::Error {
    anyhow!("{file}: not a readable OpenStreetMap PBF file: {detail}")
}

/// Walks the block headers without decoding, so that a file cut short (inside a block, or with a
/// few stray bytes at the end) or one that is not PBF at all is refused before any work.
fn check_framing(file: &str, bytes: &[u8]) -> anyhow::Result<()> {
    if bytes.is_empty() {
        return Err(not_pbf(file, "the file is empty"));
    }
    let len = bytes.len() as u64;
    let mut reader = BlobReader::new_seekable(Cursor::new(bytes)).map_err(|e| not_pbf(file, e))?;
    let mut end = 0u64;
    let mut n = 0u64;
    while let Some(next) = reader.next_header_skip_blob() {
        let (header, _) = next.map_err(|e| {
            not_pbf(
                file,
                format!("block {n} (at byte {end}): {e}; the file is corrupt or truncated"),
            )
        })?;
        if header.get_blob_size() < 0 {
            return Err(not_pbf(
                file,
                format!("block {n} (at byte {end}) has a negative size; the file is corrupt"),
            ));
        }
        if n == 0 && header.blob_type() != BlobType::OsmHeader {
            return Err(not_pbf(
                file,
                "it does not begin with an OSMHeader block (is it .osm XML or another format?)",
            ));
        }
        let start = end;
        end = reader
            .seek_raw(SeekFrom::Current(0))
            .map_err(|e| not_pbf(file, e))?;
        if end > len {
            return Err(not_pbf(
                file,
                format!(
                    "block {n} (at byte {start}) runs {} bytes past the end of the file: the file \
                     is truncated",
                    end - len
                ),
            ));
        }
        n += 1;
    }
    if end < len {
        return Err(not_pbf(
            file,
            format!(
                "the last {} bytes (from byte {end}) are not a whole block: the file is \
                 truncated or corrupt",
                len - end
            ),
        ));
    }
    if n < 2 {
        return Err(not_pbf(file, "it holds a header but no data blocks"));
    }
    Ok(())
}

/// Decodes every data block in file order and hands it to `f`. `check_header` also validates the
/// header block's required features (once is enough).
fn for_each_block(
    file: &str,
    bytes: &[u8],
    report: &mut ImportReport,
    check_header: bool,
    mut f: impl FnMut(&PrimitiveBlock),
) -> anyhow::Result<()> {
    let reader = BlobReader::new(Cursor::new(bytes));
    for (n, blob) in reader.enumerate() {
        let corrupt =
            |e: &dyn fmt::Display| not_pbf(file, format!("block {n}: {e}; the file is corrupt"));
        let blob = blob.map_err(|e| corrupt(&e))?;
        let decoded = catch_unwind(AssertUnwindSafe(|| -> anyhow::Result<bool> {
            match blob.decode().map_err(|e| corrupt(&e))? {
                BlobDecode::OsmHeader(h) => {
                    if check_header {
                        let unsupported: Vec<&str> = h
                            .required_features()
                            .iter()
                            .map(String::as_str)
                            .filter(|f| !SUPPORTED_FEATURES.contains(f))
                            .collect();
                        if !unsupported.is_empty() {
                            return Err(anyhow!(
                                "{file}: the extract requires features this reader does not \
                                 support: {} (history files are not supported)",
                                unsupported.join(", ")
                            ));
                        }
                    }
                    Ok(false)
                }
                BlobDecode::OsmData(block) => {
                    f(&block);
                    Ok(true)
                }
                BlobDecode::Unknown(_) => {
                    if check_header {
                        report.unknown_blocks += 1;
                    }
                    Ok(false)
                }
            }
        }));
        match decoded {
            Ok(Ok(data)) => {
                if data && check_header {
                    report.blocks += 1;
                }
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(corrupt(
                    &"the decoder failed on malformed data (see the message above)",
                ))
            }
        }
    }
    Ok(())
}

/// Node ids of a way from the PBF's delta coding; wrapping arithmetic, so garbage deltas give
/// garbage (missing) ids rather than an overflow panic. Repeated consecutive ids are dropped.
fn decode_refs(deltas: &[i64]) -> Vec<i64> {
    let mut id = 0i64;
    let mut refs: Vec<i64> = Vec::with_capacity(deltas.len());
    for d in deltas {
        id = id.wrapping_add(*d);
        if refs.last() != Some(&id) {
            refs.push(id);
        }
    }
    refs
}

/// A DfE URN from `ref:edubase`, or why not.
fn urn_of(tags: &[(&str, &str)], counts: &mut SchoolReport) -> Option<Urn> {
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

fn name_of(tags: &[(&str, &str)]) -> Option<String> {
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
}

impl KeptWay {
    fn new(id: i64, refs: Vec<i64>, u: WayUse, name: Option<String>, highway: &str) -> Self {
        KeptWay {
            id,
            refs,
            walk: u.walk,
            drive: u.drive,
            oneway: u.oneway,
            name,
            highway: highway.to_string(),
        }
    }
}

/// A school outline before its nodes are known.
struct SchoolOutline {
    urn: Urn,
    name: Option<String>,
    source: String,
    /// Closed rings of node ids (first == last).
    rings: Vec<Vec<i64>>,
}

struct SchoolWay {
    id: i64,
    urn: Urn,
    name: Option<String>,
    refs: Vec<i64>,
}

struct SchoolRel {
    id: i64,
    urn: Urn,
    name: Option<String>,
    outer_ways: Vec<i64>,
}

#[derive(Default)]
struct WayCounts {
    ways_read: u64,
    relations_read: u64,
    highway_ways: u64,
    dropped: BTreeMap<String, u64>,
    oneway_unrecognised: u64,
    schools: SchoolReport,
}

/// Pass 1: ways and relations.
struct WaysPass<'p> {
    profile: &'p Profile,
    ways: Vec<KeptWay>,
    school_ways: Vec<SchoolWay>,
    school_rels: Vec<SchoolRel>,
    counts: WayCounts,
}

impl<'p> WaysPass<'p> {
    fn new(profile: &'p Profile) -> Self {
        WaysPass {
            profile,
            ways: Vec::new(),
            school_ways: Vec::new(),
            school_rels: Vec::new(),
            counts: WayCounts::default(),
        }
    }

    fn block(&mut self, block: &PrimitiveBlock) {
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
                    if let Some(urn) = urn_of(&tags, &mut self.counts.schools) {
                        self.school_ways.push(SchoolWay {
                            id: w.id(),
                            urn,
                            name: name_of(&tags),
                            refs: decode_refs(w.raw_refs()),
                        });
                    }
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
                let Some(urn) = urn_of(&tags, &mut self.counts.schools) else {
                    continue;
                };
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

fn grid(lat: f64, lon: f64) -> NodePos {
    match wgs84_to_bng(lat, lon) {
        Ok(p) => NodePos::Grid(p.0),
        Err(_) => NodePos::OutsideGrid,
    }
}

struct SchoolNode {
    id: i64,
    urn: Urn,
    name: Option<String>,
    pos: NodePos,
}

/// Pass 3: nodes.
struct NodesPass<'a> {
    needed: &'a HashSet<i64>,
    outline_nodes: &'a HashSet<i64>,
    nodes: HashMap<i64, NodePos>,
    /// Entrance-tagged nodes on school outlines, with their `name`.
    entrance_nodes: HashMap<i64, Option<String>>,
    /// `amenity=school` nodes with a URN.
    school_nodes: Vec<SchoolNode>,
    /// Found / without URN / bad URN counts for school nodes.
    school_counts: SchoolReport,
    nodes_read: u64,
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
            if let Some(urn) = urn_of(tags, &mut self.school_counts) {
                self.school_nodes.push(SchoolNode {
                    id,
                    urn,
                    name: name_of(tags),
                    pos: grid(lat, lon),
                });
            }
        }
    }

    fn block(&mut self, block: &PrimitiveBlock) {
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

// ---------------------------------------------------------------------------------------------
// Cutting ways into edges

/// What [`build_edges`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct EdgeStats {
    /// Pieces the ways were cut into at junctions.
    pub pieces: u64,
    /// Pieces dropped because a node is missing.
    pub pieces_missing_nodes: u64,
    /// Pieces dropped because a node is off the grid.
    pub pieces_outside_grid: u64,
    /// Pieces dropped for having no length.
    pub pieces_degenerate: u64,
    /// Ways that lost a piece to a missing node.
    pub ways_with_missing_nodes: u64,
    /// Ways with fewer than two distinct nodes.
    pub ways_too_short: u64,
}

/// One stretch of one way between junctions, placed on the grid.
struct Piece {
    /// Index into the ways.
    way: usize,
    id: String,
    coords: Vec<Coord<f64>>,
}

/// Node key to the millimetre, exactly as `Network::build` merges end points, so that what is a
/// junction here is a junction there.
fn mm_key(c: Coord<f64>) -> (i64, i64) {
    ((c.x * 1000.0).round() as i64, (c.y * 1000.0).round() as i64)
}

fn flip(o: Oneway) -> Oneway {
    match o {
        Oneway::No => Oneway::No,
        Oneway::Forward => Oneway::Backward,
        Oneway::Backward => Oneway::Forward,
    }
}

/// Cuts kept ways into pieces at junctions (a node used more than once by the kept ways, or a
/// way's end), drops pieces with a node missing from `nodes` or off the grid (whole: a gap is
/// never bridged), and joins pieces end to end through nodes where exactly two pieces meet with
/// the same walk/drive/one-way/name, so that each edge runs junction to junction.
///
/// Edge ids are `osm:WAYID`, `osm:WAYID#k` for the k-th piece (from 0) of a way cut in several,
/// and pieces joined into one edge are listed in travel order joined by `+`.
pub(crate) fn build_edges(
    ways: &[KeptWay],
    nodes: &HashMap<i64, NodePos>,
) -> (Vec<RawEdge>, EdgeStats) {
    let mut stats = EdgeStats::default();
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for w in ways {
        for r in &w.refs {
            *uses.entry(*r).or_default() += 1;
        }
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for (wi, w) in ways.iter().enumerate() {
        if w.refs.len() < 2 {
            stats.ways_too_short += 1;
            continue;
        }
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        for i in 1..w.refs.len() {
            if i == w.refs.len() - 1 || uses.get(&w.refs[i]).copied().unwrap_or(0) > 1 {
                cuts.push((start, i));
                start = i;
            }
        }
        let mut lost_to_missing = false;
        for (k, &(a, b)) in cuts.iter().enumerate() {
            stats.pieces += 1;
            let refs = &w.refs[a..=b];
            let mut coords: Vec<Coord<f64>> = Vec::with_capacity(refs.len());
            let mut missing = false;
            let mut outside = false;
            for r in refs {
                match nodes.get(r) {
                    None => missing = true,
                    Some(NodePos::OutsideGrid) => outside = true,
                    Some(NodePos::Grid(c)) => {
                        if coords.last() != Some(c) {
                            coords.push(*c);
                        }
                    }
                }
            }
            if missing {
                stats.pieces_missing_nodes += 1;
                lost_to_missing = true;
                continue;
            }
            if outside {
                stats.pieces_outside_grid += 1;
                continue;
            }
            if coords.len() < 2 || Euclidean.length(&LineString::from(coords.clone())) < MIN_PIECE_M
            {
                stats.pieces_degenerate += 1;
                continue;
            }
            let id = if cuts.len() == 1 {
                format!("osm:{}", w.id)
            } else {
                format!("osm:{}#{k}", w.id)
            };
            pieces.push(Piece {
                way: wi,
                id,
                coords,
            });
        }
        if lost_to_missing {
            stats.ways_with_missing_nodes += 1;
        }
    }
    (join_pieces(ways, &pieces), stats)
}

/// Joins pieces through nodes of degree 2 where nothing about the travel changes.
fn join_pieces(ways: &[KeptWay], pieces: &[Piece]) -> Vec<RawEdge> {
    // For each end-point key: (piece, true when the piece's last coordinate is there).
    let mut ends: HashMap<(i64, i64), Vec<(usize, bool)>> = HashMap::new();
    for (i, p) in pieces.iter().enumerate() {
        ends.entry(mm_key(p.coords[0]))
            .or_default()
            .push((i, false));
        let last = p.coords[p.coords.len() - 1];
        ends.entry(mm_key(last)).or_default().push((i, true));
    }
    let first = |p: usize, rev: bool| -> Coord<f64> {
        let c = &pieces[p].coords;
        if rev {
            c[c.len() - 1]
        } else {
            c[0]
        }
    };
    let last = |p: usize, rev: bool| first(p, !rev);
    // Oneway of piece p when travelled reversed or not.
    let oneway = |p: usize, rev: bool| {
        let o = ways[pieces[p].way].oneway;
        if rev {
            flip(o)
        } else {
            o
        }
    };
    let same = |a: usize, b: usize, b_rev: bool| {
        let (wa, wb) = (&ways[pieces[a].way], &ways[pieces[b].way]);
        wa.walk == wb.walk
            && wa.drive == wb.drive
            && wa.name == wb.name
            && oneway(a, false) == oneway(b, b_rev)
    };
    // The other piece end at `key`, when exactly two piece ends meet there and the other one is
    // not `(p, at_last)` itself.
    let other_end = |key: (i64, i64), p: usize, at_last: bool| -> Option<(usize, bool)> {
        let list = ends.get(&key)?;
        if list.len() != 2 {
            return None;
        }
        let o = list.iter().copied().find(|&e| e != (p, at_last))?;
        (o.0 != p).then_some(o)
    };

    let mut used = vec![false; pieces.len()];
    let mut edges = Vec::new();
    for i in 0..pieces.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        // (piece, reversed) in travel order; the chain runs the way piece i is drawn.
        let mut chain: VecDeque<(usize, bool)> = VecDeque::from([(i, false)]);
        loop {
            let &(p, rev) = chain.back().expect("chain is never empty");
            let Some((q, q_at_last)) = other_end(mm_key(last(p, rev)), p, !rev) else {
                break;
            };
            // Leaving the join, q must be travelled away from it: reversed if its last
            // coordinate is at the join.
            if used[q] || !same(i, q, q_at_last) {
                break;
            }
            used[q] = true;
            chain.push_back((q, q_at_last));
        }
        loop {
            let &(p, rev) = chain.front().expect("chain is never empty");
            let Some((q, q_at_last)) = other_end(mm_key(first(p, rev)), p, rev) else {
                break;
            };
            // Arriving at the join, q must end there: reversed if its first coordinate is there.
            if used[q] || !same(i, q, !q_at_last) {
                break;
            }
            used[q] = true;
            chain.push_front((q, !q_at_last));
        }
        let mut coords: Vec<Coord<f64>> = Vec::new();
        let mut ids: Vec<&str> = Vec::with_capacity(chain.len());
        for &(p, rev) in &chain {
            let c = &pieces[p].coords;
            let skip = usize::from(!coords.is_empty());
            if rev {
                coords.extend(c.iter().rev().skip(skip));
            } else {
                coords.extend(c.iter().skip(skip));
            }
            ids.push(&pieces[p].id);
        }
        let w = &ways[pieces[i].way];
        edges.push(RawEdge {
            attrs: EdgeAttrs {
                id: ids.join("+"),
                name: w.name.clone(),
                walk: w.walk,
                drive: w.drive,
                oneway: w.oneway,
                // Not assessed: safety audits come from the council, never from OSM.
                ..EdgeAttrs::default()
            },
            geometry: LineString::from(coords),
        });
    }
    edges
}

// ---------------------------------------------------------------------------------------------
// Schools and entrances

/// Joins outer ways into closed rings of node ids; `None` when they do not close.
fn assemble_rings(mut parts: Vec<Vec<i64>>) -> Option<Vec<Vec<i64>>> {
    let mut rings = Vec::new();
    parts.retain(|p| p.len() >= 2);
    while let Some(mut ring) = parts.pop() {
        while ring.first() != ring.last() {
            let end = *ring.last()?;
            let at = parts
                .iter()
                .position(|p| p.first() == Some(&end) || p.last() == Some(&end))?;
            let mut next = parts.swap_remove(at);
            if next.first() != Some(&end) {
                next.reverse();
            }
            ring.extend(next.into_iter().skip(1));
        }
        if ring.len() < 4 {
            return None;
        }
        rings.push(ring);
    }
    (!rings.is_empty()).then_some(rings)
}

fn school_outlines(
    school_ways: Vec<SchoolWay>,
    school_rels: Vec<SchoolRel>,
    member_ways: &HashMap<i64, Vec<i64>>,
    counts: &mut SchoolReport,
) -> Vec<SchoolOutline> {
    let mut out = Vec::new();
    for w in school_ways {
        if w.refs.len() < 4 || w.refs.first() != w.refs.last() {
            counts.not_closed += 1;
            continue;
        }
        out.push(SchoolOutline {
            urn: w.urn,
            name: w.name,
            source: format!("way {}", w.id),
            rings: vec![w.refs],
        });
    }
    for r in school_rels {
        let mut parts = Vec::new();
        let mut complete = true;
        for id in &r.outer_ways {
            match member_ways.get(id) {
                Some(refs) => parts.push(refs.clone()),
                None => complete = false,
            }
        }
        if !complete {
            counts.missing_nodes += 1;
            continue;
        }
        match assemble_rings(parts) {
            Some(rings) => out.push(SchoolOutline {
                urn: r.urn,
                name: r.name,
                source: format!("relation {}", r.id),
                rings,
            }),
            None => counts.not_closed += 1,
        }
    }
    out
}

/// Area-weighted centroid of closed rings (computed relative to the first vertex, so that large
/// grid coordinates lose no precision); the mean vertex when the rings have no area.
fn centroid(rings: &[Vec<Coord<f64>>]) -> Option<Coord<f64>> {
    let o = *rings.first()?.first()?;
    let (mut a2, mut cx, mut cy) = (0.0, 0.0, 0.0);
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    for ring in rings {
        for w in ring.windows(2) {
            let (x0, y0, x1, y1) = (w[0].x - o.x, w[0].y - o.y, w[1].x - o.x, w[1].y - o.y);
            let cross = x0 * y1 - x1 * y0;
            a2 += cross;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
            sx += x0;
            sy += y0;
            n += 1.0;
        }
    }
    if a2.abs() > 1e-6 {
        Some(Coord {
            x: o.x + cx / (3.0 * a2),
            y: o.y + cy / (3.0 * a2),
        })
    } else if n > 0.0 {
        Some(Coord {
            x: o.x + sx / n,
            y: o.y + sy / n,
        })
    } else {
        None
    }
}

fn schools_and_entrances(
    outlines: Vec<SchoolOutline>,
    school_nodes: Vec<SchoolNode>,
    entrance_nodes: &HashMap<i64, Option<String>>,
    ways: &[KeptWay],
    nodes: &HashMap<i64, NodePos>,
    counts: &mut SchoolReport,
) -> (Vec<OsmSchool>, Vec<Gate>) {
    let pos = |id: &i64| match nodes.get(id) {
        Some(NodePos::Grid(c)) => Some(*c),
        _ => None,
    };
    // Walkable ways through outline nodes: the first (in file order) names the entrance.
    let outline_nodes: HashSet<i64> = outlines
        .iter()
        .flat_map(|o| o.rings.iter().flatten().copied())
        .collect();
    let mut walk_at: HashMap<i64, usize> = HashMap::new();
    for (wi, w) in ways.iter().enumerate() {
        if w.walk {
            for r in &w.refs {
                if outline_nodes.contains(r) {
                    walk_at.entry(*r).or_insert(wi);
                }
            }
        }
    }
    let mut seen: HashSet<Urn> = HashSet::new();
    let mut schools = Vec::new();
    let mut gates = Vec::new();
    let mut walk_lines: Option<Vec<WalkLine>> = None;
    for o in outlines {
        let rings: Option<Vec<Vec<Coord<f64>>>> = o
            .rings
            .iter()
            .map(|r| r.iter().map(pos).collect())
            .collect();
        let Some(rings) = rings else {
            counts.missing_nodes += 1;
            continue;
        };
        let Some(c) = centroid(&rings) else {
            counts.missing_nodes += 1;
            continue;
        };
        if !seen.insert(o.urn) {
            counts.duplicate_urn += 1;
            continue;
        }
        counts.with_urn += 1;
        let mut found: Vec<Gate> = Vec::new();
        let add = |found: &mut Vec<Gate>, name: String, p: Coord<f64>| {
            if found
                .iter()
                .all(|g| Euclidean.distance(g.point.0, p) >= SAME_ENTRANCE_M)
            {
                found.push(Gate {
                    urn: o.urn,
                    name,
                    point: Point(p),
                    open: true,
                    valid: Default::default(),
                });
            }
        };
        // 1. Tagged entrances on the outline.
        for (ring, ids) in rings.iter().zip(&o.rings) {
            for (id, p) in ids.iter().zip(ring).skip(1) {
                if let Some(name) = entrance_nodes.get(id) {
                    let label = match name {
                        Some(n) => format!("OSM entrance node {id} ({n})"),
                        None => format!("OSM entrance node {id}"),
                    };
                    add(&mut found, label, *p);
                }
            }
        }
        counts.entrances_tagged += found.len() as u64;
        // 2. Nodes shared by the outline and a walkable way.
        if found.is_empty() {
            for (ring, ids) in rings.iter().zip(&o.rings) {
                for (id, p) in ids.iter().zip(ring).skip(1) {
                    if let Some(&wi) = walk_at.get(id) {
                        let w = &ways[wi];
                        let label =
                            format!("where {} osm:{} meets the site boundary", w.highway, w.id);
                        add(&mut found, label, *p);
                    }
                }
            }
            counts.entrances_shared_nodes += found.len() as u64;
        }
        // 3. Walkable ways crossing the outline.
        if found.is_empty() {
            let lines = walk_lines.get_or_insert_with(|| walk_lines_of(ways, nodes));
            for ring in &rings {
                for (wi, p) in crossings(ring, lines) {
                    let w = &ways[wi];
                    let label =
                        format!("where {} osm:{} crosses the site boundary", w.highway, w.id);
                    add(&mut found, label, p);
                }
            }
            counts.entrances_crossings += found.len() as u64;
        }
        // 4. The point of the outline nearest a walkable way close by.
        if found.is_empty() {
            let lines = walk_lines.get_or_insert_with(|| walk_lines_of(ways, nodes));
            if let Some((wi, p, d)) = nearest_approach(&rings, lines, NEAREST_ENTRANCE_MAX_M) {
                let w = &ways[wi];
                let label = format!(
                    "nearest point of the site boundary to {} osm:{} ({d:.0} m away)",
                    w.highway, w.id
                );
                add(&mut found, label, p);
                counts.entrances_nearest += 1;
            }
        }
        if found.is_empty() {
            counts.without_entrances += 1;
        }
        gates.extend(found);
        schools.push(OsmSchool {
            urn: o.urn,
            name: o.name,
            point: Point(c),
            source: o.source,
        });
    }
    for n in school_nodes {
        let NodePos::Grid(p) = n.pos else {
            counts.missing_nodes += 1;
            continue;
        };
        if !seen.insert(n.urn) {
            counts.duplicate_urn += 1;
            continue;
        }
        counts.with_urn += 1;
        counts.without_entrances += 1;
        schools.push(OsmSchool {
            urn: n.urn,
            name: n.name,
            point: Point(p),
            source: format!("node {}", n.id),
        });
    }
    (schools, gates)
}

/// A walkable way's grid line and bounding box, for crossing tests.
struct WalkLine {
    way: usize,
    coords: Vec<Coord<f64>>,
    min: Coord<f64>,
    max: Coord<f64>,
}

/// Walkable ways as grid lines; a way with a missing or off-grid node is split there (no segment
/// is drawn across the gap).
fn walk_lines_of(ways: &[KeptWay], nodes: &HashMap<i64, NodePos>) -> Vec<WalkLine> {
    let mut out = Vec::new();
    for (wi, w) in ways.iter().enumerate().filter(|(_, w)| w.walk) {
        let mut run: Vec<Coord<f64>> = Vec::new();
        let mut flush = |run: &mut Vec<Coord<f64>>| {
            if run.len() >= 2 {
                let (min, max) = bbox(run, 0.0);
                out.push(WalkLine {
                    way: wi,
                    coords: std::mem::take(run),
                    min,
                    max,
                });
            }
            run.clear();
        };
        for r in &w.refs {
            match nodes.get(r) {
                Some(NodePos::Grid(c)) => run.push(*c),
                _ => flush(&mut run),
            }
        }
        flush(&mut run);
    }
    out
}

/// Bounding box of coordinates, grown by `margin`.
fn bbox(coords: &[Coord<f64>], margin: f64) -> (Coord<f64>, Coord<f64>) {
    let (mut min, mut max) = (coords[0], coords[0]);
    for c in coords {
        min.x = min.x.min(c.x);
        min.y = min.y.min(c.y);
        max.x = max.x.max(c.x);
        max.y = max.y.max(c.y);
    }
    (
        Coord {
            x: min.x - margin,
            y: min.y - margin,
        },
        Coord {
            x: max.x + margin,
            y: max.y + margin,
        },
    )
}

/// Lines whose box meets the box `(min, max)`.
fn lines_near(lines: &[WalkLine], (min, max): (Coord<f64>, Coord<f64>)) -> Vec<&WalkLine> {
    lines
        .iter()
        .filter(|l| l.min.x <= max.x && l.max.x >= min.x && l.min.y <= max.y && l.max.y >= min.y)
        .collect()
}

/// The point of segment `a`-`b` nearest `p`.
fn nearest_on_segment(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return a;
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    Coord {
        x: a.x + t * dx,
        y: a.y + t * dy,
    }
}

/// The walkable line passing nearest the rings (within `max_m`): (way index, the nearest point
/// on the rings, distance). Used only when no line touches or crosses the rings, so the nearest
/// pair of points always has an end of one of the two segments in it.
fn nearest_approach(
    rings: &[Vec<Coord<f64>>],
    lines: &[WalkLine],
    max_m: f64,
) -> Option<(usize, Coord<f64>, f64)> {
    let mut best: Option<(usize, Coord<f64>, f64)> = None;
    for ring in rings {
        for l in lines_near(lines, bbox(ring, max_m)) {
            for s in ring.windows(2) {
                for t in l.coords.windows(2) {
                    let candidates = [
                        (s[0], nearest_on_segment(s[0], t[0], t[1])),
                        (s[1], nearest_on_segment(s[1], t[0], t[1])),
                        (nearest_on_segment(t[0], s[0], s[1]), t[0]),
                        (nearest_on_segment(t[1], s[0], s[1]), t[1]),
                    ];
                    for (on_ring, on_line) in candidates {
                        let d = Euclidean.distance(on_ring, on_line);
                        if d <= max_m && !matches!(best, Some(b) if b.2 <= d) {
                            best = Some((l.way, on_ring, d));
                        }
                    }
                }
            }
        }
    }
    best
}

/// Points where walkable lines cross a ring, in ring order: (way index, point).
fn crossings(ring: &[Coord<f64>], lines: &[WalkLine]) -> Vec<(usize, Coord<f64>)> {
    let near = lines_near(lines, bbox(ring, 0.0));
    let mut out = Vec::new();
    for s in ring.windows(2) {
        let side = Line::new(s[0], s[1]);
        for l in &near {
            for t in l.coords.windows(2) {
                match line_intersection(side, Line::new(t[0], t[1])) {
                    Some(LineIntersection::SinglePoint { intersection, .. }) => {
                        out.push((l.way, intersection))
                    }
                    Some(LineIntersection::Collinear { intersection }) => {
                        out.push((l.way, intersection.start))
                    }
                    None => {}
                }
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
