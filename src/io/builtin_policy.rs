//! The Dorset policies built into the binary, so that an installed `schoolrun` works from any
//! directory: `policy/2022-23` and the `policy/2021-22` overlay, compiled in from the files of
//! the repository. They are named `builtin:policy/<year>` and read like a directory (file names,
//! SHA-256 fingerprints, the overlay's base), so a decision record names the built-in policy and
//! `replay` finds it again.

use std::path::{Path, PathBuf};

/// What names a built-in policy path.
pub const PREFIX: &str = "builtin:";

/// Every built-in policy file: its path and text.
const FILES: &[(&str, &str)] = &[
    (
        "policy/2021-22/policy.toml",
        include_str!("../../policy/2021-22/policy.toml"),
    ),
    (
        "policy/2022-23/home-to-school.toml",
        include_str!("../../policy/2022-23/home-to-school.toml"),
    ),
    (
        "policy/2022-23/letter.toml",
        include_str!("../../policy/2022-23/letter.toml"),
    ),
    (
        "policy/2022-23/logo.svg",
        include_str!("../../policy/2022-23/logo.svg"),
    ),
    (
        "policy/2022-23/next-steps.toml",
        include_str!("../../policy/2022-23/next-steps.toml"),
    ),
    (
        "policy/2022-23/post-16.toml",
        include_str!("../../policy/2022-23/post-16.toml"),
    ),
];

/// The built-in path for a policy path written as in the repository (`policy/2022-23`).
pub fn builtin(path: &Path) -> PathBuf {
    PathBuf::from(format!("{PREFIX}{}", path.display()))
}

/// The repository path a built-in path stands for, if it is one.
fn inner(path: &Path) -> Option<String> {
    let s = path.to_str()?.strip_prefix(PREFIX)?;
    Some(s.trim_end_matches('/').replace('\\', "/"))
}

/// Whether the path names the built-in policies.
pub fn is_builtin(path: &Path) -> bool {
    inner(path).is_some()
}

/// Whether a built-in policy directory or file exists at this path.
pub fn exists(path: &Path) -> bool {
    inner(path).is_some_and(|p| {
        FILES
            .iter()
            .any(|(f, _)| *f == p || f.strip_prefix(&format!("{p}/")).is_some())
    })
}

/// The built-in files of a built-in directory (or the one file), in file-name order, with their
/// built-in paths; `None` when the path is not built in.
pub fn files(path: &Path) -> Option<Vec<(PathBuf, &'static str)>> {
    let p = inner(path)?;
    let mut out: Vec<(PathBuf, &'static str)> = FILES
        .iter()
        .filter(|(f, _)| {
            *f == p
                || f.strip_prefix(&format!("{p}/"))
                    .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".toml"))
        })
        .map(|(f, text)| (builtin(Path::new(f)), *text))
        .collect();
    out.sort();
    Some(out)
}

/// A built-in file other than a policy file (the letter's logo), by its built-in path.
pub fn file(path: &Path) -> Option<&'static [u8]> {
    let p = inner(path)?;
    FILES
        .iter()
        .find(|(f, _)| *f == p)
        .map(|(_, text)| text.as_bytes())
}

/// The academic years built in (`2021-22`, `2022-23`), for messages.
pub fn years() -> Vec<&'static str> {
    let mut y: Vec<&str> = FILES
        .iter()
        .filter_map(|(f, _)| f.strip_prefix("policy/")?.split('/').next())
        .collect();
    y.dedup();
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_files_are_the_repository_files() {
        let dir = builtin(Path::new("policy/2022-23"));
        assert!(is_builtin(&dir) && exists(&dir));
        let files = files(&dir).unwrap();
        assert_eq!(files.len(), 4);
        for (p, text) in files {
            let rel = p
                .to_str()
                .unwrap()
                .strip_prefix(PREFIX)
                .unwrap()
                .to_string();
            let on_disk =
                std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel)).unwrap();
            assert_eq!(text, on_disk, "{rel}");
        }
        assert!(!exists(Path::new("builtin:policy/2019-20")));
        assert!(!is_builtin(Path::new("policy/2022-23")));
        assert_eq!(years(), ["2021-22", "2022-23"]);
    }
}
