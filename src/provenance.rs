//! Provenance: where a decision came from (the policy files, the area files and the tool, each
//! file with its SHA-256), enough to reproduce it. Pure: the fingerprints are of bytes already
//! read (the loaders in `crate::io` read each file once and fingerprint its bytes), and the
//! decision writers and the report use these types.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::network::WhatIf;

/// One input file and its SHA-256 (lowercase hex). `path` is as the user or manifest wrote it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileHash {
    /// The path as given (relative to the manifest for area files).
    pub path: String,
    /// 64 lowercase hex digits.
    pub sha256: String,
}

impl FileHash {
    /// Fingerprints bytes already read, so a file is read once for both parsing and hashing.
    pub fn of_bytes(path: impl Into<String>, bytes: &[u8]) -> FileHash {
        FileHash {
            path: path.into(),
            sha256: sha256_hex(bytes),
        }
    }
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lowercase hex, two digits a byte (a digest already computed, for instance).
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Where a decision came from: enough to reproduce it.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    pub policy_name: String,
    pub academic_year: String,
    pub policy_files: Vec<FileHash>,
    pub area_name: String,
    pub area_files: Vec<FileHash>,
    /// The date the network was measured as of (clause 1.5.3).
    pub network_as_of: Option<String>,
    /// Route safety audits applied to the network (clause 1.5.4).
    pub audits: Vec<String>,
    /// An appeal panel's what-if (stretches marked unsafe, audits ignored), when asked.
    #[serde(skip_serializing_if = "WhatIf::is_empty", default)]
    pub what_if: WhatIf,
    pub tool: String,
    pub tool_version: String,
}

impl Origin {
    /// One hash over all policy files (path and SHA-256 of each), for a CSV column.
    pub fn policy_digest(&self) -> String {
        digest(&self.policy_files)
    }

    /// One hash over all area data files (and a panel's what-if, when asked, so that a what-if
    /// run never carries the fingerprint of the real data), for a CSV column.
    pub fn data_digest(&self) -> String {
        if self.what_if.is_empty() {
            return digest(&self.area_files);
        }
        let mut files = self.area_files.clone();
        files.push(FileHash::of_bytes(
            "what-if",
            serde_json::to_string(&self.what_if)
                .unwrap_or_default()
                .as_bytes(),
        ));
        digest(&files)
    }
}

fn digest(files: &[FileHash]) -> String {
    let mut s = String::new();
    for f in files {
        s.push_str(&f.sha256);
        s.push('\n');
    }
    sha256_hex(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn serialises_as_path_and_sha256() {
        let h = FileHash::of_bytes("schools.csv", b"abc");
        let j = serde_json::to_string(&h).unwrap();
        assert!(
            j.starts_with(r#"{"path":"schools.csv","sha256":"ba7816bf"#),
            "{j}"
        );
        let back: FileHash = serde_json::from_str(&j).unwrap();
        assert_eq!(back, h);
    }
}
