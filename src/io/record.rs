//! Decision records: one JSON file per decided case holding everything needed to make the same
//! decision again and to check that it was: the case fields as given, the sources asked for
//! (policy, area, network date, snap limit, margin, what-if), the fingerprint of every file used,
//! the tool version, the decision with every reason, and the routes measured. Written by
//! `check --record` and `batch --records`; read by `replay`. No timestamps: the same decision
//! gives the same bytes, so a replay can compare bytes.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::appeal::record::RecordedRoute;
use crate::decide::Decision;
use crate::network::WhatIf;

use super::hash::FileHash;
use crate::provenance::Origin;

/// What every record says it is, so that another JSON file is refused by name.
pub const RECORD_FORMAT: &str = "schoolrun decision record";
/// Bumped when the layout changes; `replay` refuses versions it does not know.
pub const RECORD_VERSION: u32 = 1;

/// The sources a decision was asked to use, as given on the command line (or their defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedSources {
    /// Policy directory or file, as given.
    pub policy: String,
    /// Area directory or manifest, as given.
    pub area: String,
    /// `--as-of`, when given (otherwise the policy's network date applied; see the origin).
    pub as_of: Option<String>,
    /// `--max-snap`, when given.
    pub max_snap_m: Option<f64>,
    /// `--margin-miles`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_miles: Option<f64>,
    /// `--mark-unsafe` / `--ignore-audit`.
    #[serde(default, skip_serializing_if = "WhatIf::is_empty")]
    pub what_if: WhatIf,
}

/// A record as written.
#[derive(Debug, Serialize)]
pub struct RecordOut<'a> {
    pub record_format: &'static str,
    pub record_version: u32,
    /// The case fields as given (CSV columns or case-file keys), empty ones left out.
    pub case: &'a BTreeMap<String, String>,
    pub sources: &'a RecordedSources,
    pub origin: &'a Origin,
    pub decision: &'a Decision,
    pub routes: &'a [RecordedRoute],
}

impl RecordOut<'_> {
    /// The record's bytes: pretty JSON and a final newline.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut v = serde_json::to_vec_pretty(self)?;
        v.push(b'\n');
        Ok(v)
    }
}

/// The parts of a stored record that a replay needs typed; the rest is compared as JSON.
#[derive(Debug, Deserialize)]
pub struct RecordIn {
    pub record_format: String,
    pub record_version: u32,
    pub case: BTreeMap<String, String>,
    pub sources: RecordedSources,
    pub origin: OriginIn,
}

/// The file fingerprints of a stored record's origin.
#[derive(Debug, Deserialize)]
pub struct OriginIn {
    pub policy_files: Vec<FileHash>,
    pub area_files: Vec<FileHash>,
    pub tool_version: String,
}

/// A stored record: its typed parts, its JSON, and its bytes.
#[derive(Debug)]
pub struct StoredRecord {
    pub record: RecordIn,
    pub json: serde_json::Value,
    pub bytes: Vec<u8>,
}

/// Reads a record, refusing files that are not records or whose version is unknown.
pub fn read_record(path: &Path) -> Result<StoredRecord> {
    let bytes = super::read_bytes(path)?;
    let shown = path.display();
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{shown}: not a decision record (not JSON)"))?;
    match json.get("record_format").and_then(|v| v.as_str()) {
        Some(RECORD_FORMAT) => {}
        _ => bail!("{shown}: not a decision record (no \"record_format\": \"{RECORD_FORMAT}\")"),
    }
    let version = json.get("record_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(RECORD_VERSION)) {
        bail!(
            "{shown}: record version {} is not one this tool reads (it reads version {RECORD_VERSION})",
            version.map_or_else(|| "(missing)".to_string(), |v| v.to_string())
        );
    }
    let record: RecordIn = serde_json::from_value(json.clone())
        .with_context(|| format!("{shown}: the decision record is damaged"))?;
    Ok(StoredRecord {
        record,
        json,
        bytes,
    })
}

/// A file name for a case's record: the id with anything but letters, digits, `-`, `_` and `.`
/// replaced, so that an id can never write outside the records folder.
pub fn record_file_name(id: &str, row: u64) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    format!("{row:06}-{safe}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_in_the_folder() {
        assert_eq!(record_file_name("WC-001", 3), "000003-WC-001.json");
        assert_eq!(
            record_file_name("../../etc/passwd", 12),
            "000012-_.._etc_passwd.json"
        );
        assert_eq!(record_file_name("..", 1), "000001-.json");
    }

    #[test]
    fn other_json_and_other_versions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        std::fs::write(&p, "{\"a\": 1}").unwrap();
        let e = format!("{:#}", read_record(&p).unwrap_err());
        assert!(
            e.contains("r.json") && e.contains("not a decision record"),
            "{e}"
        );
        std::fs::write(
            &p,
            format!("{{\"record_format\": \"{RECORD_FORMAT}\", \"record_version\": 99}}"),
        )
        .unwrap();
        let e = format!("{:#}", read_record(&p).unwrap_err());
        assert!(e.contains("version 99"), "{e}");
        std::fs::write(&p, "not json").unwrap();
        assert!(read_record(&p).is_err());
    }
}
