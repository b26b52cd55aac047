//! Loading an area directory (placeholder until the loaders land).

use std::path::Path;

use anyhow::{bail, Result};

/// A file read, with its SHA-256.
#[derive(Debug, Clone)]
pub struct FileHash {
    pub path: String,
    pub sha256: String,
}

/// A loaded area.
pub struct LoadedArea {
    pub name: String,
    pub area: crate::area::Area,
    pub files: Vec<FileHash>,
    pub skipped_closed_schools: usize,
}

/// Loads an area directory.
pub fn load_area(path: &Path, _max_snap: Option<f64>) -> Result<LoadedArea> {
    bail!(
        "cannot load area {}: loaders not yet available",
        path.display()
    )
}
