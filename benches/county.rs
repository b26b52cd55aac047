//! County scale, measured as a council meets it: whole `schoolrun` processes on area folders
//! written to disk, timed from spawn to exit, with the kernel's peak resident size of each.
//!
//! Configurations (the targets are in the project's county-scale issue and docs/architecture.md):
//! * `kent-like`: a synthetic street grid of 240,100 junctions (490 x 490, 120 m apart, with
//!   one-way streets, footpaths and stretches assessed unsafe), 600 schools, 100,000 applications;
//! * `dorset-like`: 119,716 junctions (346 x 346), 250 schools, 10,000 applications;
//! * `newport` and `rutland`: the real OpenStreetMap extracts in `../shared/data/osm/`, schools at
//!   the OSM sites that carry a URN, 100,000 applications.
//!
//! Applications are `schoolrun::network::synthetic::applications`: homes spread over the whole
//! area, each applying mostly to one of the nearest schools of its phase.
//!
//! For each configuration it prints `prepare` (wall time, file size), `batch` on the prepared file
//! (wall time, peak memory, rows per second) and `check` on the prepared file (median of N).
//! The area folders are made once under `target/county-bench/` and kept.
//!
//! `cargo bench --bench county` (everything) or `cargo bench --bench county -- kent-like` (only
//! that), `-- --runs N` for N timed runs of each command (default 3; `check` runs 5 times that).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use schoolrun::io::network_geojson::write_network_geojson;
use schoolrun::io::osm_files::import_osm_file;
use schoolrun::network::synthetic::{
    applications, grid, schools_at, schools_csv, SchoolAt, SplitMix,
};
use schoolrun::network::RawEdge;
use schoolrun::osm::Profile;

const MEASURE: &str = "--measure-one";

/// One configuration: how to make its network and schools, and how many applications.
struct Config {
    name: &'static str,
    source: Source,
    apps: usize,
}

enum Source {
    /// A `side` x `side` synthetic grid with `schools` schools at random junctions.
    Grid { side: usize, schools: usize },
    /// An OpenStreetMap extract in `../shared/data/osm/`.
    Osm(&'static str),
}

const CONFIGS: [Config; 4] = [
    Config {
        name: "kent-like",
        source: Source::Grid {
            side: 490,
            schools: 600,
        },
        apps: 100_000,
    },
    Config {
        name: "dorset-like",
        source: Source::Grid {
            side: 346,
            schools: 250,
        },
        apps: 10_000,
    },
    Config {
        name: "newport",
        source: Source::Osm("newport-2023-06-13.osm.pbf"),
        apps: 100_000,
    },
    Config {
        name: "rutland",
        source: Source::Osm("rutland-2018-02.osm.pbf"),
        apps: 100_000,
    },
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == MEASURE) {
        measure_one(&args[i + 1..]);
        return;
    }
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(3)
        .max(1);
    let only: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = root.join("target/county-bench");
    for c in CONFIGS {
        if !(only.is_empty() || only.iter().any(|o| c.name.contains(o.as_str()))) {
            continue;
        }
        let dir = base.join(c.name);
        let Some(check) = make_area(root, &dir, &c) else {
            continue;
        };
        measure(&dir, &c, &check, runs);
    }
}

/// Writes the area folder and applications once (kept for later runs); returns the arguments
/// of a `check` that measures several schools, or `None` when the extract is absent.
fn make_area(root: &Path, dir: &Path, c: &Config) -> Option<Vec<String>> {
    let area = dir.join("area");
    let done = dir.join("made");
    let schools_path = area.join("schools.csv");
    if !done.exists() {
        let (edges, schools) = match c.source {
            Source::Grid { side, schools } => grid_area(side, schools),
            Source::Osm(file) => {
                let pbf = root.join("../shared/data/osm").join(file);
                if !pbf.exists() {
                    println!("skipping {}: {} not found", c.name, pbf.display());
                    return None;
                }
                osm_area(&pbf)
            }
        };
        std::fs::create_dir_all(&area).expect("bench area folder");
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(area.join("network.geojson")).expect("network file"),
        );
        write_network_geojson(&mut f, edges.iter().map(|e| (&e.attrs, &e.geometry)), false)
            .expect("network written");
        f.flush().expect("network written");
        std::fs::write(&schools_path, schools_csv(&schools)).expect("schools file");
        std::fs::write(
            area.join("area.toml"),
            "name = \"county bench\"\nschools = \"schools.csv\"\nnetwork = \"network.geojson\"\n\
             max_snap_m = 500\n",
        )
        .expect("area.toml");
        std::fs::write(
            dir.join("applications.csv"),
            applications(&edges, &schools, c.apps, 7),
        )
        .expect("applications");
        std::fs::write(&done, "").expect("marker");
    }
    // The check: the first secondary school's nearest home in the applications file.
    let text = std::fs::read_to_string(dir.join("applications.csv")).expect("applications");
    let line = text.lines().nth(1).expect("an application");
    let f: Vec<&str> = line.split(',').collect();
    Some(
        [
            "check",
            "--easting",
            f[1],
            "--northing",
            f[2],
            "--year",
            f[3],
            "--school",
            f[4],
            "--uc",
        ]
        .map(String::from)
        .to_vec(),
    )
}

fn grid_area(side: usize, n_schools: usize) -> (Vec<RawEdge>, Vec<SchoolAt>) {
    let spacing = 120.0;
    let origin = (450_000.0, 100_000.0);
    let edges = grid(side, side, spacing, origin, 42);
    let extent = (side - 1) as f64 * spacing;
    let mut rng = SplitMix(11);
    let schools = (0..n_schools)
        .map(|i| SchoolAt {
            urn: 800_000 + i as u32,
            x: origin.0 + rng.unit() * extent,
            y: origin.1 + rng.unit() * extent,
            primary: i % 4 != 0,
        })
        .collect();
    (edges, schools)
}

fn osm_area(pbf: &Path) -> (Vec<RawEdge>, Vec<SchoolAt>) {
    let imp = import_osm_file(pbf, &Profile::default_profile()).expect("the extract imports");
    let schools = schools_at(
        imp.schools
            .iter()
            .map(|s| (s.urn.0, s.point.x(), s.point.y())),
    );
    (imp.edges, schools)
}

/// Runs `schoolrun ARGS` in a child of a fresh process of this bench, so that the kernel's peak
/// resident size of its children is exactly that command's; returns (wall s, peak MiB).
fn run(dir: &Path, args: &[&str]) -> (f64, f64) {
    let out = Command::new(std::env::current_exe().expect("this bench"))
        .arg(MEASURE)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("measuring run");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut f = text.split_whitespace();
    let mut next = || f.next().and_then(|v| v.parse::<f64>().ok());
    match (next(), next()) {
        (Some(kb), Some(secs)) => (secs, kb / 1024.0),
        _ => panic!(
            "schoolrun {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// In a process of its own: runs schoolrun once, prints its peak RSS (KiB) and wall seconds.
fn measure_one(args: &[String]) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_schoolrun"))
        .args(args)
        .env_remove("SCHOOLRUN_POLICY")
        .env_remove("SCHOOLRUN_ACADEMIC_YEAR")
        .env_remove("SCHOOLRUN_AREA")
        .stdout(std::process::Stdio::null())
        .output()
        .expect("schoolrun runs");
    let secs = t.elapsed().as_secs_f64();
    if !matches!(out.status.code(), Some(0) | Some(3)) {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    }
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    println!("{} {secs}", usage.ru_maxrss);
}

fn median(mut v: Vec<(f64, f64)>) -> (f64, f64) {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let peak = v.iter().map(|x| x.1).fold(0.0, f64::max);
    (v[v.len() / 2].0, peak)
}

fn measure(dir: &Path, c: &Config, check: &[String], runs: usize) {
    let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/2022-23");
    let policy = policy.to_str().expect("policy path");
    let prepared: PathBuf = dir.join("area.prepared");
    let p = prepared.to_str().expect("path");
    let (prep_s, prep_mib) = median(
        (0..runs.min(2))
            .map(|_| run(dir, &["prepare", "--area", "area", "-o", p]))
            .collect(),
    );
    let size = std::fs::metadata(&prepared).map_or(0, |m| m.len()) as f64 / 1e6;
    let batch = [
        "batch",
        "applications.csv",
        "--area",
        p,
        "--policy",
        policy,
        "-o",
        "decisions.csv",
        "--no-progress",
    ];
    let (batch_s, batch_mib) = median((0..runs).map(|_| run(dir, &batch)).collect());
    let mut args: Vec<&str> = check.iter().map(String::as_str).collect();
    args.extend(["--area", p, "--policy", policy]);
    run(dir, &args); // warm the page cache
    let (check_s, check_mib) = median((0..runs * 5).map(|_| run(dir, &args)).collect());
    println!(
        "{}: prepare {prep_s:.2} s ({prep_mib:.0} MiB), file {size:.1} MB; batch of {} on it \
         {batch_s:.2} s median of {runs}, {:.0} rows/s, peak {batch_mib:.0} MiB; check \
         {:.1} ms median of {}, peak {check_mib:.0} MiB",
        c.name,
        c.apps,
        c.apps as f64 / batch_s,
        check_s * 1e3,
        runs * 5
    );
}
