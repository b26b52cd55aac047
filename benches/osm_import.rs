//! OpenStreetMap import time on the real extracts in `../shared/data/osm/` (a bench binary, not a
//! timed test, because debug builds say nothing about real speed): Rutland (a rural county) and
//! Newport (a town), each imported with the built-in profile and built into a network; the best
//! of N runs is printed with the import's main figures.
//!
//! Run with `cargo bench --bench osm_import` (add `-- N` for N runs each; default 3). Extracts
//! that are absent are skipped with a message.

use std::path::Path;
use std::time::Instant;

use schoolrun::io::osm_files::import_osm_file;
use schoolrun::network::Network;
use schoolrun::osm::Profile;

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3)
        .max(1);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm");
    let profile = Profile::default_profile();
    for name in ["rutland-2018-02.osm.pbf", "newport-2023-06-13.osm.pbf"] {
        let path = dir.join(name);
        if !path.exists() {
            println!("skipping {name}: {} not found", path.display());
            continue;
        }
        let (mut best_import, mut best_build) = (f64::INFINITY, f64::INFINITY);
        let mut last = None;
        for _ in 0..runs {
            let t = Instant::now();
            let imp = import_osm_file(&path, &profile).expect("the extract imports");
            best_import = best_import.min(t.elapsed().as_secs_f64());
            let report = imp.report.clone();
            let counts = (imp.schools.len(), imp.entrances.len());
            let t = Instant::now();
            let net = Network::build(imp.edges).expect("the network builds");
            best_build = best_build.min(t.elapsed().as_secs_f64());
            last = Some((report, counts, net.node_count()));
        }
        let (r, (schools, entrances), junctions) = last.expect("at least one run");
        println!(
            "{name}: import {:.0} ms, network build {:.0} ms (best of {runs}); {} ways kept of {} \
             highway ways, {} edges ({:.1} km), {junctions} junctions, {schools} schools with a \
             URN, {entrances} entrances",
            best_import * 1e3,
            best_build * 1e3,
            r.ways_kept,
            r.highway_ways,
            r.edges,
            r.length_km,
        );
    }
}
