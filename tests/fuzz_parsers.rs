//! Random mutations of the bundled valid files (byte flips, truncations, splices, deletions, and
//! inserted quotes, delimiters and line breaks) through every parser: none may panic, every error
//! names the file, and an applications file either is refused whole or has every physical line
//! accounted for (header, rows, blank lines).
//!
//! The seed is fixed, so a run is repeatable. `SCHOOLRUN_FUZZ_RUNS=N` sets the mutations per
//! parser (default 150); a failing mutation is written to `target/fuzz-failures/` with its seed.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use common::root;
use schoolrun::io::applications::{scan, Applications, ColumnMap};

/// SplitMix64: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn runs() -> u64 {
    std::env::var("SCHOOLRUN_FUZZ_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150)
}

/// One to three mutations of `bytes`.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = bytes.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(v.len() + 1);
        match rng.below(9) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.truncate(at),
            2 if !v.is_empty() => {
                let from = rng.below(v.len());
                let len = rng.below(64).min(v.len() - from);
                let piece = v[from..from + len].to_vec();
                v.splice(at..at, piece);
            }
            3 => v.insert(at.min(v.len()), b'"'),
            4 => v.insert(at.min(v.len()), if rng.below(2) == 0 { b',' } else { b';' }),
            5 => v.insert(
                at.min(v.len()),
                if rng.below(2) == 0 { b'\n' } else { b'\r' },
            ),
            6 if !v.is_empty() => {
                let len = rng.below(32).min(v.len() - at.min(v.len()));
                v.drain(at.min(v.len())..at.min(v.len()) + len);
            }
            7 => {
                let junk = [0xFF, 0x00, 0xC3, b'{', b']', b'=', b'\t'];
                v.insert(at.min(v.len()), junk[rng.below(junk.len())]);
            }
            _ => {
                let i = rng.below(v.len() + 1);
                v.splice(i..i, b"1e308".iter().copied());
            }
        }
    }
    v
}

/// Runs `check` on every mutation of `original`, reporting the first failure with its seed.
fn fuzz(what: &str, original: &[u8], seed: u64, check: impl Fn(&[u8]) -> Result<(), String>) {
    let mut rng = Rng(seed);
    for i in 0..runs() {
        let bytes = mutate(original, &mut rng);
        let result = catch_unwind(AssertUnwindSafe(|| check(&bytes)));
        let failure = match result {
            Ok(Ok(())) => continue,
            Ok(Err(msg)) => msg,
            Err(_) => "panicked".to_string(),
        };
        let dir = root().join("target/fuzz-failures");
        std::fs::create_dir_all(&dir).unwrap();
        let kept = dir.join(format!("{what}-{seed}-{i}"));
        std::fs::write(&kept, &bytes).unwrap();
        panic!(
            "{what}: mutation {i} of seed {seed}: {failure} (input kept in {})",
            kept.display()
        );
    }
}

/// Physical lines, counted as the policy of the reader says: LF, CRLF or a lone CR ends a line;
/// a last line without an ending counts; a UTF-8 byte-order mark is not a line.
fn physical_lines(bytes: &[u8]) -> u64 {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut n = 0u64;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' {
            n += 1;
            if b.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
        } else if b[i] == b'\n' {
            n += 1;
        }
        i += 1;
    }
    if !b.is_empty() && !matches!(b[b.len() - 1], b'\n' | b'\r') {
        n += 1;
    }
    n
}

fn check_applications(bytes: &[u8]) -> Result<(), String> {
    let name = "apps.csv";
    let named = |e: anyhow::Error| {
        let m = format!("{e:#}");
        if m.contains(name) || m.starts_with("column map") {
            Ok(())
        } else {
            Err(format!("error does not name the file: {m}"))
        }
    };
    if let Err(e) = scan(name, bytes) {
        return named(e);
    }
    let mut apps = match Applications::open(name, bytes, &ColumnMap::default()) {
        Ok(a) => a,
        Err(e) => return named(e),
    };
    let mut last_end = apps_header_end(&apps);
    let mut rows = 0u64;
    let mut seen = Vec::new();
    loop {
        let raw = match apps.next_raw() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => return named(e),
        };
        if raw.line <= last_end || raw.end_line < raw.line {
            return Err(format!(
                "row {} spans lines {}-{} after line {last_end}",
                raw.row, raw.line, raw.end_line
            ));
        }
        last_end = raw.end_line;
        rows += 1;
        let row = apps.header().parse(raw, &Default::default());
        seen.push((
            row.line,
            row.end_line,
            row.id.clone(),
            format!("{:?}", row.case),
        ));
        if let Err(m) = &row.case {
            if !m.starts_with("apps.csv: line") {
                return Err(format!("row error does not name file and line: {m}"));
            }
        }
    }
    // The same rows through a tiny buffer: no row may depend on where a read ends.
    let small = std::io::BufReader::with_capacity(5, bytes);
    let mut again = Applications::open(name, small, &ColumnMap::default())
        .map_err(|e| format!("refused only through a small buffer: {e:#}"))?;
    let mut n = 0u64;
    while let Some(raw) = again.next_raw().map_err(|e| format!("{e:#}"))? {
        let row = again.header().parse(raw, &Default::default());
        let first = &seen[n as usize];
        if (
            row.line,
            row.end_line,
            row.id.clone(),
            format!("{:?}", row.case),
        ) != *first
        {
            return Err(format!("row {} differs through a small buffer", n + 1));
        }
        n += 1;
    }
    if n != rows {
        return Err(format!("{n} rows through a small buffer, {rows} at once"));
    }
    let l = apps.lines();
    let total = physical_lines(bytes);
    if l.total != total {
        return Err(format!("{l:?}, but the file has {total} lines"));
    }
    if l.header + l.in_rows + l.blank != l.total {
        return Err(format!("lines do not add up: {l:?}"));
    }
    if last_end > total || rows > l.in_rows {
        return Err(format!("{rows} rows ending on line {last_end}: {l:?}"));
    }
    Ok(())
}

fn apps_header_end<R: std::io::BufRead>(apps: &Applications<R>) -> u64 {
    let l = apps.lines();
    l.blank + l.header
}

#[test]
fn applications_csv() {
    let demo = std::fs::read(root().join("fixtures/demo/applications.csv")).unwrap();
    // The header and the first 30 rows, the bad rows at the end, and a multi-line quoted cell.
    let text = String::from_utf8(demo).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut sample = lines[..31].join("\r\n");
    sample.push_str("\r\n");
    sample.push_str(&lines[lines.len() - 9..].join("\n"));
    sample.push_str("\n\"QUOTED\nID\",394813,99708\n");
    check_applications(sample.as_bytes()).unwrap();
    fuzz("applications", sample.as_bytes(), 1, check_applications);
}

/// Mutates one file in a copy of `dir` and asks `load`; an error must name that file (or, for a
/// cross-reference, the file it points from: both are listed in `names`).
fn fuzz_file_in_dir(
    what: &str,
    dir: &Path,
    files: &[&str],
    seed: u64,
    load: impl Fn(&Path) -> anyhow::Result<()>,
) {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("area");
    common::copy_dir(dir, &work);
    load(&work).unwrap_or_else(|e| panic!("{what}: the unmutated files do not load: {e:#}"));
    for (k, file) in files.iter().enumerate() {
        let original = std::fs::read(dir.join(file)).unwrap();
        let target = work.join(file);
        fuzz(what, &original, seed + k as u64 * 1000, |bytes| {
            std::fs::write(&target, bytes).unwrap();
            let r = load(&work);
            std::fs::write(&target, &original).unwrap();
            match r {
                Ok(()) => Ok(()),
                Err(e) => {
                    let m = format!("{e:#}");
                    // A section missing from every file is the folder's fault: it is named.
                    let folder = work.display().to_string();
                    if files.iter().any(|f| m.contains(f)) || m.starts_with(&format!("{folder}:")) {
                        Ok(())
                    } else {
                        Err(format!("{file} mutated; the error names no file: {m}"))
                    }
                }
            }
        });
    }
}

#[test]
fn area_files() {
    let dir = root().join("fixtures/areas/boundary");
    fuzz_file_in_dir(
        "area",
        &dir,
        &[
            "area.toml",
            "schools.csv",
            "entrances.csv",
            "network.geojson",
        ],
        10,
        |d| schoolrun::io::area_dir::load_area(&d.join("area.toml"), None).map(|_| ()),
    );
}

#[test]
fn catchments_and_audits() {
    let dir = root().join("fixtures/areas/dated");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".geojson") || n.ends_with(".csv") || n.ends_with(".toml"))
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    fuzz_file_in_dir("dated area", &dir, &files, 20, |d| {
        schoolrun::io::area_dir::load_area(&d.join("area.toml"), None).map(|_| ())
    });
}

#[test]
fn policy_toml() {
    let dir = root().join("policy/2022-23");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    fuzz_file_in_dir("policy", &dir, &files, 30, |d| {
        schoolrun::io::policy_files::load_policy(d).map(|_| ())
    });
}

#[test]
fn case_files() {
    let case = root().join("fixtures/cases/1.1.1-statutory-distance/y11-4-miles-low-income.toml");
    let original = std::fs::read(&case).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("case.toml");
    fuzz("case", &original, 40, |bytes| {
        std::fs::write(&p, bytes).unwrap();
        match schoolrun::io::case_file::load_case_file(&p) {
            Ok(_) => Ok(()),
            Err(e) => {
                let m = format!("{e:#}");
                if m.contains("case.toml") {
                    Ok(())
                } else {
                    Err(format!("the error names no file: {m}"))
                }
            }
        }
    });
}

/// A decision record and a prepared area made by the real binary, then mutated.
fn made_by_the_binary(tmp: &Path) -> (PathBuf, PathBuf) {
    let record = tmp.join("record.json");
    let mut args = vec!["check"];
    args.extend(common::STURMINSTER_Y9_QE);
    args.extend(["--record", record.to_str().unwrap()]);
    let r = common::run(&args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let prepared = tmp.join("boundary.area");
    let r = common::run(&[
        "prepare",
        "--area",
        "fixtures/areas/boundary",
        "-o",
        prepared.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    (record, prepared)
}

#[test]
fn records_prepared_files_and_decisions_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let (record, prepared) = made_by_the_binary(tmp.path());
    let one =
        |what: &str, original: &Path, seed: u64, load: &dyn Fn(&Path) -> anyhow::Result<()>| {
            let bytes = std::fs::read(original).unwrap();
            let p = tmp.path().join(format!("mutated-{what}"));
            fuzz(what, &bytes, seed, |b| {
                std::fs::write(&p, b).unwrap();
                match load(&p) {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let m = format!("{e:#}");
                        if m.contains(&format!("mutated-{what}")) {
                            Ok(())
                        } else {
                            Err(format!("the error names no file: {m}"))
                        }
                    }
                }
            });
        };
    one("record", &record, 50, &|p| {
        schoolrun::io::record::read_record(p).map(|_| ())
    });
    one("prepared", &prepared, 60, &|p| {
        schoolrun::io::area_dir::load_area(p, None).map(|_| ())
    });
    let decisions = tmp.path().join("decisions.csv");
    let r = common::run(&[
        "batch",
        "fixtures/demo/applications-council-export.csv",
        "--columns",
        "fixtures/demo/columns-example.toml",
        "-o",
        decisions.to_str().unwrap(),
    ]);
    assert!(matches!(r.code, Some(0) | Some(3)), "{}", r.stderr);
    one("decisions", &decisions, 70, &|p| {
        schoolrun::io::decisions_read::read_decisions(p).map(|_| ())
    });
}

/// The real binary on mutated applications: exit 0, 1 or 3, never a panic, and when it decides,
/// one output row per row it says it read, and lines that add up.
#[test]
fn batch_binary_accounts_for_every_line() {
    let demo = std::fs::read_to_string(root().join("fixtures/demo/applications.csv")).unwrap();
    let lines: Vec<&str> = demo.lines().collect();
    let sample = format!("{}\n", lines[..41].join("\n"));
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("apps.csv");
    let out = tmp.path().join("out.csv");
    let mut rng = Rng(80);
    let n = (runs() / 5).max(10);
    for i in 0..n {
        let bytes = mutate(sample.as_bytes(), &mut rng);
        std::fs::write(&input, &bytes).unwrap();
        let _ = std::fs::remove_file(&out);
        let r = common::run(&[
            "batch",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        match r.code {
            Some(1) => {
                assert!(r.stderr.contains("apps.csv"), "mutation {i}: {}", r.stderr);
                assert!(!out.exists(), "mutation {i}: a refused file wrote output");
            }
            Some(0) | Some(3) => {
                let text = std::fs::read_to_string(&out).unwrap();
                let written = text.split("\r\n").filter(|l| !l.is_empty()).count() - 1;
                let read: usize = r
                    .stderr
                    .lines()
                    .find_map(|l| l.strip_prefix("rows read: "))
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or_else(|| panic!("mutation {i}: no count: {}", r.stderr));
                // Cells may hold line breaks, so count CSV records, not text lines.
                let records = csv::ReaderBuilder::new()
                    .from_reader(text.as_bytes())
                    .records()
                    .count();
                assert_eq!(records, read, "mutation {i}: {}", r.stderr);
                assert!(written >= read, "mutation {i}");
                let counts: Vec<u64> = r
                    .stderr
                    .lines()
                    .find_map(|l| l.strip_prefix("lines read: "))
                    .unwrap_or_else(|| panic!("mutation {i}: no line count: {}", r.stderr))
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|n| n.parse().ok())
                    .collect();
                assert_eq!(counts.len(), 4, "mutation {i}: {}", r.stderr);
                assert_eq!(counts[0], physical_lines(&bytes), "mutation {i}");
                assert_eq!(counts[1] + counts[2] + counts[3], counts[0], "mutation {i}");
            }
            other => panic!("mutation {i}: exit {other:?}: {}", r.stderr),
        }
    }
}
