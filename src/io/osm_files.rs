//! OpenStreetMap files read from disk: [`crate::osm`] works on bytes, and these are its file
//! edges (the area loader reads and hashes the same files itself).

use std::path::Path;

use anyhow::anyhow;

use super::read_bytes;
use crate::osm::{import_osm_bytes, OsmImport, Profile};

/// Reads and imports a `.osm.pbf` file; every error names it.
pub fn import_osm_file(path: &Path, profile: &Profile) -> anyhow::Result<OsmImport> {
    let bytes = read_bytes(path)?;
    import_osm_bytes(path, &bytes, profile)
}

/// Reads an import profile (TOML) and returns it with the bytes read, for hashing; the error
/// names the file.
pub fn load_profile(path: &Path) -> anyhow::Result<(Profile, Vec<u8>)> {
    let bytes = read_bytes(path)?;
    let shown = path.display().to_string();
    let text =
        std::str::from_utf8(&bytes).map_err(|e| anyhow!("{shown}: not valid UTF-8 text: {e}"))?;
    let profile = Profile::from_toml_str(&shown, text)?;
    Ok((profile, bytes))
}
