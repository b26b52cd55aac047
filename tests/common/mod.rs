//! Running the real `schoolrun` binary from the repository root, shared by the integration
//! tests: the default `--policy` and `--area` resolve, and nothing from the caller's environment
//! (source defaults, help wrapping width) changes the output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// DEMO-0022 of the demo: Year 10, Dorset Studio School, a walk of 1.599 miles: not eligible
/// (clause 1.1.1(ii)), surplus seat £825 in priority category 2 (clauses 1.3.2, 1.3.3(ii)).
pub const STUDIO_DEMO_0022: [&str; 12] = [
    "--id",
    "DEMO-0022",
    "--easting",
    "372721",
    "--northing",
    "92329",
    "--year",
    "10",
    "--sex",
    "F",
    "--school",
    "140977",
];

/// The demo's Stourpaine home, Year 2, Durweston CE Primary: eligible (clause 1.1.1(i)) on a
/// walk of 7.252 miles, the 0.813-mile walk over Durweston Bridge disregarded (audit
/// RSA-2019-015, clause 1.5.4).
pub const STOURPAINE_Y2: [&str; 8] = [
    "--easting",
    "386142",
    "--northing",
    "109640",
    "--year",
    "Y2",
    "--school",
    "149456",
];

/// A headless Chromium on the PATH (`chromium` or `chromium-browser`), if any.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// The boundary test area: a straight road with junctions at exact mile figures.
pub const BOUNDARY: &str = "fixtures/areas/boundary";

/// The demo's Sturminster Marshall home, Year 9, applying to Queen Elizabeth's School (its
/// nearest upper school; committee report 2.3.3), as `check` flags.
pub const STURMINSTER_Y9_QE: [&str; 8] = [
    "--easting",
    "394813",
    "--northing",
    "99708",
    "--year",
    "9",
    "--school",
    "141526",
];

/// The boundary area's Year 4 child at exactly 2 miles (the walking limit) from school 900001, as
/// `check` flags (add `--area`).
pub const BOUNDARY_Y4_AT_2_MILES: [&str; 8] = [
    "--easting",
    "3218.688",
    "--northing",
    "1000",
    "--year",
    "4",
    "--school",
    "900001",
];

/// `schools near` for the demo's Sturminster Marshall home, Year 9 ([`STURMINSTER_Y9_QE`]
/// without the school).
pub fn schools_near_sturminster_y9() -> Vec<&'static str> {
    let mut args = vec!["schools", "near"];
    args.extend(&STURMINSTER_Y9_QE[..6]);
    args
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `schoolrun`, run from the repository root with a fixed environment.
pub fn schoolrun() -> Command {
    schoolrun_in(&root())
}

/// `schoolrun`, run from `dir` (an installed binary away from a checkout, say) with the same
/// fixed environment as [`schoolrun`].
pub fn schoolrun_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("schoolrun").unwrap();
    c.current_dir(dir)
        .env_remove("SCHOOLRUN_POLICY")
        .env_remove("SCHOOLRUN_ACADEMIC_YEAR")
        .env_remove("SCHOOLRUN_AREA")
        .env("COLUMNS", "100");
    c
}

/// What a run printed and how it exited.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `schoolrun` with the arguments; fails the test if it panicked.
pub fn run(args: &[&str]) -> Run {
    run_command(schoolrun(), args)
}

/// Runs a prepared `schoolrun` command with the arguments; fails the test if it panicked.
pub fn run_command(mut cmd: Command, args: &[&str]) -> Run {
    let out = cmd.args(args).output().unwrap();
    let r = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_ne!(
        r.code,
        Some(101),
        "schoolrun {args:?} panicked:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("panicked"),
        "schoolrun {args:?} panicked:\n{}",
        r.stderr
    );
    r
}

/// Runs `schoolrun` with the arguments and requires exit code 0.
pub fn ok(args: &[&str]) -> Run {
    let r = run(args);
    assert_eq!(
        r.code,
        Some(0),
        "schoolrun {args:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
    r
}

/// A file of the real open data beside the repository (`../shared/data/REL`), or `None` with a
/// message saying the test is skipped (a fresh clone has no `../shared`).
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        println!(
            "skipping: {} not found (../shared/data is absent)",
            p.display()
        );
        None
    }
}

/// Every `*.toml` file under `dir` and its subdirectories, in sorted order (worked cases, policy
/// files); fails the test if `dir` cannot be read.
pub fn toml_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

/// Copies the files (not sub-folders) of a folder, e.g. an area to change in a test.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
