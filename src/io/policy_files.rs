//! Reading a policy directory (`policy/<year>/*.toml`) with the SHA-256 of every file, following
//! an overlay (`[overlay] base = "../2022-23"`) to the directory it is based on, and that
//! directory's base in turn (see `crate::policy::overlay`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::builtin_policy;
use super::hash::FileHash;
use crate::decide::Policy;
use crate::policy::overlay::{merge_layers, overlay_header, MergedFile, Source};

/// A loaded policy and the files it came from.
pub struct LoadedPolicy {
    pub policy: Policy,
    /// Every file read, the base policy's first, then each overlay's.
    pub files: Vec<FileHash>,
}

/// The files of a policy, as layers: a complete policy first, then each overlay on it.
pub struct PolicyLayers {
    pub layers: Vec<Vec<Source>>,
    /// Every file read, in layer order.
    pub files: Vec<FileHash>,
}

/// The `*.toml` files of a directory in file-name order, or the one file given.
fn policy_paths(path: &Path) -> Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    if let Some(files) = builtin_policy::files(path) {
        if files.is_empty() {
            bail!(
                "policy {} is not built in (built-in years: {})",
                path.display(),
                builtin_policy::years().join(", ")
            );
        }
        return Ok(files.into_iter().map(|(p, _)| p).collect());
    }
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
            "policy {} does not exist (give --policy DIR{})",
            path.display(),
            siblings(path)
        );
    }
    Ok(paths)
}

/// The policy directories next to a missing one, for its error: "; policies there: 2021-22, ...".
fn siblings(path: &Path) -> String {
    let Some(parent) = path.parent() else {
        return String::new();
    };
    let Ok(entries) = std::fs::read_dir(if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    }) else {
        return String::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    if names.is_empty() {
        String::new()
    } else {
        format!("; policies in {}: {}", parent.display(), names.join(", "))
    }
}

/// Reads one layer's files as text (without a byte-order mark), with their hashes.
fn read_layer(path: &Path) -> Result<(Vec<Source>, Vec<FileHash>)> {
    let mut sources = Vec::new();
    let mut files = Vec::new();
    let built_in = builtin_policy::files(path).unwrap_or_default();
    for p in policy_paths(path)? {
        let bytes = match built_in.iter().find(|(b, _)| *b == p) {
            Some((_, text)) => text.as_bytes().to_vec(),
            None => std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?,
        };
        let text = String::from_utf8(bytes.clone())
            .with_context(|| format!("{} is not UTF-8 text", p.display()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        files.push(FileHash::of_bytes(p.display().to_string(), &bytes));
        sources.push((p.display().to_string(), text));
    }
    Ok((sources, files))
}

/// The base directory a layer's overlay files name, if they are overlays.
fn base_of(path: &Path, sources: &[Source]) -> Result<Option<PathBuf>> {
    let mut found: Option<(String, String, Option<usize>)> = None;
    let mut plain: Option<&str> = None;
    for (file, text) in sources {
        match overlay_header(file, text)? {
            Some(h) => {
                if let Some((other_file, other, _)) = &found {
                    if *other != h.base {
                        bail!(
                            "{file}: [overlay] base \"{}\" differs from \"{other}\" in {other_file}; \
                             the files of one policy directory share one base",
                            h.base
                        );
                    }
                } else {
                    found = Some((file.clone(), h.base, h.line));
                }
            }
            None => plain = Some(file),
        }
    }
    let Some((file, base, line)) = found else {
        return Ok(None);
    };
    if let Some(p) = plain {
        bail!(
            "{p} has no [overlay] table, but {file} in the same directory is an overlay; give \
             every file of an overlay directory the same [overlay] base"
        );
    }
    // A built-in directory is one when it is not a `.toml` file.
    let builtin_dir =
        builtin_policy::is_builtin(path) && !path.to_string_lossy().ends_with(".toml");
    let dir = if path.is_dir() || builtin_dir {
        path
    } else {
        path.parent().unwrap_or(Path::new("."))
    };
    let resolved = lexical(&dir.join(&base));
    if !resolved.exists() && !builtin_policy::exists(&resolved) {
        let at = line.map(|l| format!(", line {l}")).unwrap_or_default();
        bail!(
            "{file}{at}: [overlay] base \"{base}\" not found: {} does not exist",
            resolved.display()
        );
    }
    Ok(Some(resolved))
}

/// `policy/2021-22/../2022-23` as `policy/2022-23` (without touching the file system, so the
/// path stays relative as given), for the file names decisions record.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

/// Reads a policy directory and, when it is an overlay, every base under it.
pub fn read_policy_layers(path: &Path) -> Result<PolicyLayers> {
    let mut chain: Vec<(PathBuf, Vec<Source>, Vec<FileHash>)> = Vec::new();
    let mut seen: Vec<(PathBuf, String)> = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        let (sources, files) = read_layer(&current)?;
        let canonical = if builtin_policy::is_builtin(&current) {
            current.clone()
        } else {
            current
                .canonicalize()
                .with_context(|| format!("cannot resolve {}", current.display()))?
        };
        if seen.iter().any(|(c, _)| *c == canonical) {
            let names: Vec<String> = seen
                .iter()
                .map(|(_, shown)| shown.clone())
                .chain([current.display().to_string()])
                .collect();
            bail!(
                "policy overlays form a cycle: {} (each is based on the next)",
                names.join(" -> ")
            );
        }
        seen.push((canonical, current.display().to_string()));
        let base = base_of(&current, &sources)?;
        chain.push((current.clone(), sources, files));
        match base {
            Some(b) => current = b,
            None => break,
        }
    }
    chain.reverse();
    let mut layers = Vec::new();
    let mut files = Vec::new();
    for (_, s, f) in chain {
        layers.push(s);
        files.extend(f);
    }
    Ok(PolicyLayers { layers, files })
}

/// The policy of the layers; a section missing from every file is reported against the folder.
fn from_layers(path: &Path, read: &PolicyLayers) -> Result<Policy> {
    Policy::from_layers(&read.layers).map_err(|e| match e {
        crate::policy::PolicyError::Missing(_) => anyhow::anyhow!("{}: {e}", path.display()),
        e => e.into(),
    })
}

/// Loads every `*.toml` in the directory, in file-name order (or one file), merged over its base
/// when it is an overlay.
pub fn load_policy(path: &Path) -> Result<LoadedPolicy> {
    let mut read = read_policy_layers(path)?;
    let mut policy = from_layers(path, &read)?;
    read_logo(&mut policy, &mut read)?;
    Ok(LoadedPolicy {
        policy,
        files: read.files,
    })
}

/// Reads the logo file the letter template names (`[letter.council] logo`), beside the policy
/// files: the top overlay's folder first, then each base's. It is fingerprinted with them, so a
/// replayed letter carries the same logo.
fn read_logo(policy: &mut Policy, read: &mut PolicyLayers) -> Result<()> {
    let Some(letter) = policy.letter.as_mut() else {
        return Ok(());
    };
    let Some(name) = letter.council.as_ref().and_then(|c| c.logo.clone()) else {
        return Ok(());
    };
    // The file that names the logo, for the errors: the top-most file whose TOML sets it.
    let sets_logo = |text: &str| {
        text.parse::<toml::Table>().ok().is_some_and(|t| {
            t.get("letter")
                .and_then(|l| l.get("council"))
                .and_then(|c| c.get("logo"))
                .is_some()
        })
    };
    let file = read
        .layers
        .iter()
        .rev()
        .flatten()
        .find(|(_, text)| sets_logo(text))
        .map_or_else(|| "the policy".to_string(), |(f, _)| f.clone());
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        bail!(
            "{file}: [letter.council] logo \"{name}\": give the file name of a logo beside the policy \
             files, without a folder"
        );
    }
    let media_type = match name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => bail!("{file}: [letter.council] logo \"{name}\": give an SVG, PNG or JPEG file"),
    };
    let dirs: Vec<PathBuf> = read
        .layers
        .iter()
        .rev()
        .filter_map(|l| l.first())
        .filter_map(|(file, _)| Path::new(file).parent().map(Path::to_path_buf))
        .collect();
    for dir in &dirs {
        let path = dir.join(&name);
        let bytes = match builtin_policy::file(&path) {
            Some(b) => b.to_vec(),
            None if path.is_file() => std::fs::read(&path).with_context(|| {
                format!("{file}: cannot read the letter logo {}", path.display())
            })?,
            None => continue,
        };
        read.files
            .push(FileHash::of_bytes(path.display().to_string(), &bytes));
        letter.logo = Some(crate::policy::Logo { media_type, bytes });
        return Ok(());
    }
    bail!(
        "{file}: [letter.council] logo \"{name}\" is not in {}",
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(" or ")
    )
}

/// The merged policy files (for `policy diff`), after checking that they load as a policy.
pub fn load_merged(path: &Path) -> Result<(LoadedPolicy, Vec<MergedFile>)> {
    let mut read = read_policy_layers(path)?;
    let mut policy = from_layers(path, &read)?;
    read_logo(&mut policy, &mut read)?;
    let merged = merge_layers(&read.layers)?;
    Ok((
        LoadedPolicy {
            policy,
            files: read.files,
        },
        merged,
    ))
}
