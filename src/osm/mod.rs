//! OpenStreetMap as a source of the path and road network, school sites and school entrances.
//!
//! A council without its own routable network can start from an OpenStreetMap extract
//! (`.osm.pbf`). What OSM tagging makes walkable or drivable is a policy-like choice, so it is
//! data: a [`Profile`] (TOML, built-in default in `default-profile.toml`). The import turns the
//! extract into the same [`crate::network::RawEdge`]s the GeoJSON loader produces, so the rest of
//! the tool never knows where the network came from.
//!
//! Pure: the import takes the file's bytes (read, and hashed, by `crate::io::osm_files`).
//!
//! * [`profile`] – the walk/drive rules, parsed from TOML with file/line/column errors.
//! * [`import`]  – reading the PBF, cutting ways into junction-to-junction edges on the British
//!   National Grid, schools (`ref:edubase` = DfE URN) and their entrances, and the import report.

pub mod import;
pub mod profile;

pub use import::{
    import_osm_bytes, ImportReport, OsmImport, OsmSchool, SchoolReport, UnlistedSchool,
};
pub use profile::{DropReason, Profile, WayUse, DEFAULT_PROFILE_NAME, DEFAULT_PROFILE_TOML};
