//! The import report: counts of everything read, kept and dropped, so that a council can check a
//! conversion.

use std::collections::BTreeMap;
use std::fmt;

use super::NEAREST_ENTRANCE_MAX_M;

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
