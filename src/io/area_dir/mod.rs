//! An area directory: the `area.toml` manifest naming the schools, entrances, catchments and
//! network files (see `docs/formats.md`), loaded and cross-checked into an [`Area`], with the
//! SHA-256 of every file read so each decision can name the exact data behind it.
//!
//! The network is either the project's GeoJSON (`network = "..."`) or an OpenStreetMap extract
//! (`osm = "....osm.pbf"`, converted on load by `crate::osm` with the built-in or a named
//! profile). With `schools_from_osm = true`, OSM supplies the site point and entrances of the
//! schools the schools file lists; it never supplies a school by itself, because OSM has no age
//! range or admission sex and the tool must not guess them.
//!
//! Wherever an area is loaded, a prepared area file (`crate::io::prepared`) may stand in for the
//! directory: both give the parsed sources of `crate::io::area_sources`, which go through the
//! same last step.
//!
//! * `manifest` – `area.toml` parsed and checked.
//! * `read`     – the manifest and every file it names read and hashed (and an OSM import).
//! * `loaded`   – the network date, audits and what-if applied, the network built, the area
//!   cross-checked: the one path to a [`LoadedArea`].

mod loaded;
mod manifest;
mod read;
#[cfg(test)]
mod tests;

use std::path::Path;

use crate::io::prepared::{is_prepared, read_prepared};
use crate::network::dated::WhatIf;

pub use crate::io::area_sources::{AreaManifest, NetworkSource, OsmSummary};
pub(crate) use loaded::finish_loading;
pub use loaded::{left_out_warnings, LoadedArea};
pub use manifest::{check_max_snap, DEFAULT_MAX_SNAP_M, MAX_SNAP_LIMIT_M};
pub(crate) use read::read_area_files;

/// Loads an area from its directory or its `area.toml`: reads and hashes every file, builds the
/// network and cross-checks schools, entrances and catchments. `max_snap_override` (e.g. from
/// the command line) replaces the manifest's `max_snap_m`. Every error names the file at fault.
pub fn load_area(manifest: &Path, max_snap_override: Option<f64>) -> anyhow::Result<LoadedArea> {
    load_area_as_of(manifest, max_snap_override, None)
}

/// [`load_area`] with the network and entrances as they were on `as_of` (clause 1.5.3: edges
/// and entrances not yet open, or already closed, are left out) and the route safety audits
/// dated on or before it (undated audits always) applied (clause 1.5.4).
pub fn load_area_as_of(
    manifest: &Path,
    max_snap_override: Option<f64>,
    as_of: Option<chrono::NaiveDate>,
) -> anyhow::Result<LoadedArea> {
    load_area_what_if(manifest, max_snap_override, as_of, &WhatIf::default())
}

/// [`load_area_as_of`] with an appeal panel's what-if applied after the real audits: stretches
/// (edge ids or audit references) marked unsafe, audits ignored.
///
/// `manifest` may also be a prepared area file (`schoolrun prepare`, told apart by its magic
/// bytes): its stored sources go through the same steps, so the decisions and the source
/// fingerprints are those of the directory it was prepared from.
pub fn load_area_what_if(
    manifest: &Path,
    max_snap_override: Option<f64>,
    as_of: Option<chrono::NaiveDate>,
    what_if: &WhatIf,
) -> anyhow::Result<LoadedArea> {
    if is_prepared(manifest) {
        let mut p = read_prepared(manifest)?;
        // The network stored for this date is read in place; for another date or a what-if it
        // is built from the stored source edges, as from the directory.
        let stored = p.stored_network(as_of, what_if)?;
        if stored.is_none() {
            p.read_edges()?;
        }
        let mut loaded = finish_loading(p.files, max_snap_override, as_of, what_if, stored)?;
        loaded.prepared = Some(p.info);
        return Ok(loaded);
    }
    let f = read_area_files(manifest)?;
    finish_loading(f, max_snap_override, as_of, what_if, None)
}
