//! `report --pack DIR`: the panel pack, every piece of evidence for one decision in one folder:
//! the letter (HTML), the map (SVG), each measured route as GeoJSON in grid metres (EPSG:27700)
//! and in longitude and latitude (WGS84), the decision record, the method statement, what would
//! change the decision, and a manifest with every file's size and SHA-256. Made again from the
//! decision record, it gives the same bytes.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::io::output::{refuse_overwriting_inputs, Output};
use crate::provenance::hex;

/// The version of the pack's layout, recorded in its manifest.
const PACK_FORMAT: u32 = 1;

/// One file of the manifest.
#[derive(Serialize)]
struct Entry<'a> {
    name: &'a str,
    bytes: usize,
    sha256: String,
}

#[derive(Serialize)]
struct Manifest<'a> {
    pack_format: u32,
    /// The application the pack is for.
    application: &'a str,
    files: Vec<Entry<'a>>,
}

/// Writes `files` (name and bytes) into `dir` (made if missing), each whole or not at all, then
/// `manifest.json` listing them in name order: the manifest is written last, so a pack with a
/// manifest is complete. No file is written over one of `inputs` (a record read, say).
pub fn write(
    dir: &Path,
    application: &str,
    mut files: Vec<(String, Vec<u8>)>,
    inputs: &[&Path],
) -> Result<()> {
    // A folder holding anything already would mix this pack with what is there (an older
    // pack's PDF, say), which the manifest would not list.
    if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        anyhow::bail!(
            "--pack: the folder {} is not empty: give a new or empty folder",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot make the pack folder {}", dir.display()))?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for name in files.iter().map(|f| f.0.as_str()).chain(["manifest.json"]) {
        refuse_overwriting_inputs("--pack", &dir.join(name), inputs)?;
    }
    for (name, bytes) in &files {
        let path = dir.join(name);
        Output::write_whole(&path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let manifest = Manifest {
        pack_format: PACK_FORMAT,
        application,
        files: files
            .iter()
            .map(|(name, bytes)| Entry {
                name,
                bytes: bytes.len(),
                sha256: hex(&Sha256::digest(bytes)),
            })
            .collect(),
    };
    let path = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    Output::write_whole(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
