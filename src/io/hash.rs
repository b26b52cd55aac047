//! SHA-256 fingerprints of input files, recorded in every decision so that a decision can be
//! traced to the exact data it was made from. The fingerprint types are pure and live in
//! [`crate::provenance`]; the loaders here fingerprint the bytes they read with
//! [`FileHash::of_bytes`], so a file is read once for both parsing and hashing.

pub use crate::provenance::{hex, FileHash};

/// Reads and fingerprints a file; the error names the path (tests only: loaders hash the bytes
/// they read, with [`FileHash::of_bytes`]).
#[cfg(test)]
pub(crate) fn hash_file(path: &std::path::Path) -> anyhow::Result<FileHash> {
    let bytes = super::read_bytes(path)?;
    Ok(FileHash::of_bytes(path.display().to_string(), &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
