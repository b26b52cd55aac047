//! SHA-256 fingerprints of input files, recorded in every decision so that a decision can be
//! traced to the exact data it was made from.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::read_bytes;

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

/// Reads and fingerprints a file; the error names the path.
pub fn hash_file(path: &Path) -> anyhow::Result<FileHash> {
    let bytes = read_bytes(path)?;
    Ok(FileHash::of_bytes(path.display().to_string(), &bytes))
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
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
    fn hash_file_matches_bytes_and_names_missing_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, b"abc").unwrap();
        let h = hash_file(&p).unwrap();
        assert_eq!(h, FileHash::of_bytes(p.display().to_string(), b"abc"));
        let e = hash_file(&dir.path().join("nope.csv"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope.csv"), "{e}");
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
