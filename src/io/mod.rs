//! File formats at the edge; every error names file, line/feature and field.
//!
//! The formats are specified in `docs/formats.md`. Loaders read a whole file into memory once, so
//! that the bytes hashed for the audit trail ([`hash`]) are exactly the bytes parsed: the loaders
//! of an area's files take bytes already read (`read_*(path, bytes)`), and the area loader reads
//! and hashes each file once.
//!
//! * [`csvutil`]         – CSV plumbing shared by every CSV loader (also the applications file).
//! * [`schools`]         – `schools.csv` (GIAS columns).
//! * [`entrances`]       – `entrances.csv` or `.geojson`.
//! * [`catchments`]      – `catchments.geojson`.
//! * [`network_geojson`] – `network.geojson` to raw edges.
//! * [`osm_files`]       – OpenStreetMap extracts and import profiles read from disk.
//! * [`hash`]            – SHA-256 of inputs, recorded in every decision.
//! * [`area_sources`]    – an area's parsed sources: what both area loaders produce.
//! * [`area_dir`]        – `area.toml`: loads a whole area (or a prepared area file).
//! * [`prepared`]        – prepared area files (`schoolrun prepare`): one binary file per area.
//! * [`output`]        – every file written: whole or not at all, never over an input.
//! * [`policy_files`]    – a policy directory of TOML files.
//! * [`case_fields`]     – one application from named fields (CSV row, case file, flags).
//! * [`applications`]    – the applications CSV: every row kept, bad rows as error rows.
//! * [`case_file`]       – case files and worked cases (`[case]`, `[expect]`).
//! * [`decisions`]       – the decisions CSV (spreadsheet-safe) and JSON record.
//! * [`decisions_read`]  – a decisions CSV read back, for `diff`.
//! * [`record`]          – decision records (JSON) for `replay`.

pub mod applications;
pub mod area_dir;
pub(crate) mod area_sources;
pub(crate) mod audits;
pub mod builtin_policy;
pub(crate) mod case_fields;
pub mod case_file;
pub(crate) mod catchments;
// Public only because its remaining unused helpers belong to another change (issue 10 part 4).
pub(crate) mod csvutil;
pub(crate) mod decisions;
pub mod decisions_read;
pub(crate) mod entrances;
pub mod export_text;
mod geojson_util;
pub(crate) mod hash;
pub mod network_geojson;
pub mod osm_files;
pub(crate) mod output;
pub(crate) mod places;
pub mod policy_files;
pub(crate) mod prepared;
pub mod record;
pub(crate) mod schools;

use std::path::Path;

use anyhow::anyhow;

use csvutil::{AtRow, Row};

/// Reads a whole input file; the error names the path, so "file not found" says which file.
pub(crate) fn read_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))
}

/// Whether a coordinate pair could be longitude/latitude degrees. No point of the British
/// National Grid near land has both easting <= 180 m and northing <= 90 m (that is open sea
/// south-west of Scilly), so such input is almost certainly WGS84 given by mistake.
pub(crate) fn looks_like_lonlat(x: f64, y: f64) -> bool {
    x.abs() <= 180.0 && y.abs() <= 90.0
}

/// Plausible BNG extent: the grid runs 0 to 700 km east and 0 to 1300 km north.
const MAX_EASTING: f64 = 700_000.0;
const MAX_NORTHING: f64 = 1_300_000.0;

/// Reads an easting/northing pair from a CSV row and checks it is a plausible British National
/// Grid position, with a hint when latitude/longitude were given instead.
pub(crate) fn bng_point(
    row: &Row<'_>,
    easting: &str,
    northing: &str,
) -> anyhow::Result<geo::Point<f64>> {
    let e = row.parse::<f64>(easting).at(row)?;
    let n = row.parse::<f64>(northing).at(row)?;
    const HINT: &str = "coordinates must be British National Grid metres (EPSG:27700); \
                        were latitude/longitude given?";
    if !(0.0..=MAX_EASTING).contains(&e) {
        return Err(row.error(row.field_error(
            easting,
            format!("{e} is not a British National Grid easting (0 to {MAX_EASTING} m); {HINT}"),
        )));
    }
    if !(0.0..=MAX_NORTHING).contains(&n) {
        return Err(row.error(row.field_error(
            northing,
            format!("{n} is not a British National Grid northing (0 to {MAX_NORTHING} m); {HINT}"),
        )));
    }
    if looks_like_lonlat(e, n) {
        return Err(row.error(row.field_error(
            easting,
            format!("{e}, {n} looks like longitude/latitude degrees; {HINT}"),
        )));
    }
    Ok(geo::Point::new(e, n))
}
