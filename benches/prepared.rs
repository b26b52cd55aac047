//! Prepared areas on the real OpenStreetMap extracts in `../shared/data/osm/` (Rutland, a rural
//! county; Newport, a town), measured as a user meets them: by spawning the release `schoolrun`
//! binary and timing the whole process (start-up, policy, area, one decision, output).
//!
//! For each extract it makes an area directory (`osm = ...`, `schools_from_osm = true`, a schools
//! file listing the OSM schools that carry a URN), then prints:
//! * `prepare` wall time (best of N) and the prepared file's size;
//! * `check` on the prepared file: wall time min / median / mean of N runs (target: under 30 ms
//!   for Newport);
//! * `check` on the raw directory (best of a few runs), for the ratio.
//!
//! `cargo bench --bench prepared` (add `-- N` for N runs; default 30). Absent extracts are
//! skipped with a message.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use schoolrun::io::osm_files::import_osm_file;
use schoolrun::osm::Profile;

fn schoolrun() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_schoolrun"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("SCHOOLRUN_POLICY")
        .env_remove("SCHOOLRUN_ACADEMIC_YEAR")
        .env_remove("SCHOOLRUN_AREA");
    c
}

/// Runs the command once; returns the wall time in seconds, panicking (with its stderr) if it
/// failed.
fn timed(args: &[&str]) -> f64 {
    let t = Instant::now();
    let out = schoolrun().args(args).output().expect("schoolrun runs");
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "schoolrun {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    secs
}

/// The area directory for an extract, and a check that needs several schools' routes: a home
/// 1.5 km east of the first secondary school, applying to it.
fn area(dir: &Path, pbf: &Path) -> (PathBuf, Vec<String>) {
    let imp = import_osm_file(pbf, &Profile::default_profile()).expect("the extract imports");
    let mut csv = String::from(
        "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge,\
         ReligiousCharacter (name)\n",
    );
    let mut check = None;
    for (i, s) in imp.schools.iter().enumerate() {
        let secondary = i % 3 == 0;
        let (lo, hi) = if secondary { (11, 18) } else { (4, 11) };
        let faith = if i % 5 == 1 { "Roman Catholic" } else { "" };
        csv.push_str(&format!(
            "{},School {i},{:.0},{:.0},{lo},{hi},{faith}\n",
            s.urn,
            s.point.x(),
            s.point.y()
        ));
        if secondary && check.is_none() {
            check = Some((s.point.x() + 1500.0, s.point.y(), s.urn));
        }
    }
    let d = dir.join("area");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("schools.csv"), csv).unwrap();
    std::fs::write(
        d.join("area.toml"),
        format!(
            "name = \"bench\"\nschools = \"schools.csv\"\nosm = {:?}\nschools_from_osm = true\n",
            pbf.display().to_string()
        ),
    )
    .unwrap();
    let (e, n, urn) = check.expect("a school with a URN");
    let args = [
        "check",
        "--easting",
        &format!("{e:.0}"),
        "--northing",
        &format!("{n:.0}"),
        "--year",
        "9",
        "--school",
        &urn.to_string(),
        "--uc",
    ]
    .map(String::from)
    .to_vec();
    (d, args)
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30)
        .max(3);
    let osm = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm");
    for name in ["rutland-2018-02.osm.pbf", "newport-2023-06-13.osm.pbf"] {
        let pbf = osm.join(name);
        if !pbf.exists() {
            println!("skipping {name}: {} not found", pbf.display());
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        let (dir, check) = area(tmp.path(), &pbf);
        if std::env::var_os("SCHOOLRUN_BENCH_KEEP").is_some() {
            // For profiling by hand: the area and the check's arguments stay behind.
            println!("kept {}: check {}", tmp.path().display(), check.join(" "));
        }
        let out = tmp.path().join("area.prepared");
        let (d, o) = (dir.to_str().unwrap(), out.to_str().unwrap());
        let prepare = (0..runs.min(5))
            .map(|_| timed(&["prepare", "--area", d, "-o", o]))
            .fold(f64::INFINITY, f64::min);
        let size = std::fs::metadata(&out).unwrap().len();
        let with = |area: &str| {
            let mut a: Vec<&str> = check.iter().map(String::as_str).collect();
            a.extend(["--area", area]);
            a.iter().map(|s| s.to_string()).collect::<Vec<String>>()
        };
        let prepared_args = with(o);
        let args: Vec<&str> = prepared_args.iter().map(String::as_str).collect();
        timed(&args); // warm the page cache
        let mut t: Vec<f64> = (0..runs).map(|_| timed(&args)).collect();
        t.sort_by(f64::total_cmp);
        let mean = t.iter().sum::<f64>() / t.len() as f64;
        let raw_args = with(d);
        let args: Vec<&str> = raw_args.iter().map(String::as_str).collect();
        let raw = (0..3).map(|_| timed(&args)).fold(f64::INFINITY, f64::min);
        if std::env::var_os("SCHOOLRUN_BENCH_KEEP").is_some() {
            let _ = tmp.keep();
        }
        println!(
            "{name}: prepare {:.0} ms (best of {}), prepared file {:.2} MB; load + check from the \
             prepared file: min {:.1} ms, median {:.1} ms, mean {:.1} ms ({runs} runs); from the \
             raw directory {:.0} ms (best of 3), {:.0}x",
            prepare * 1e3,
            runs.min(5),
            size as f64 / 1e6,
            t[0] * 1e3,
            t[t.len() / 2] * 1e3,
            mean * 1e3,
            raw * 1e3,
            raw / t[t.len() / 2],
        );
    }
}
