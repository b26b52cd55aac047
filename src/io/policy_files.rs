//! Reading a policy directory (`policy/<year>/*.toml`) with the SHA-256 of every file.

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::hash::FileHash;
use crate::policy::Policy;

/// A loaded policy and the files it came from.
pub struct LoadedPolicy {
    pub policy: Policy,
    pub files: Vec<FileHash>,
}

/// Loads every `*.toml` in the directory, in file-name order (or one file).
pub fn load_policy(path: &Path) -> Result<LoadedPolicy> {
    let mut paths = Vec::new();
    if path.is_dir() {
        for entry in std::fs::read_dir(path)
            .with_context(|| format!("cannot read policy directory {}", path.display()))?
        {
            let p = entry?.path();
            if p.extension().is_some_and(|e| e == "toml") {
                paths.push(p);
            }
        }
        paths.sort();
        if paths.is_empty() {
            bail!("policy directory {} holds no .toml files", path.display());
        }
    } else if path.exists() {
        paths.push(path.to_path_buf());
    } else {
        bail!(
            "policy {} does not exist (give --policy DIR)",
            path.display()
        );
    }
    let mut sources = Vec::new();
    let mut files = Vec::new();
    for p in &paths {
        let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
        let text = String::from_utf8(bytes.clone())
            .with_context(|| format!("{} is not UTF-8 text", p.display()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        files.push(FileHash::of_bytes(p.display().to_string(), &bytes));
        sources.push((p.display().to_string(), text));
    }
    let policy = Policy::from_sources(&sources)?;
    Ok(LoadedPolicy { policy, files })
}
