//! Independent cross-check on real data: the real Rutland and Newport OpenStreetMap networks
//! (`../shared/data/osm/`) are exported with `network export`, and at least 1,000 shortest-path
//! lengths per network (walking and driving, one-way streets respected, random junction pairs
//! from a fixed seed, unreachable pairs included) computed by the tool itself (`network
//! distances`, the same tree search that measures homes to schools) are compared with networkx's
//! Dijkstra on the exported edge list: equal to 1 mm, and unreachable for both or neither.
//!
//! Skips with a message when `../shared/data` is absent. Needs `python3` with networkx (Debian
//! `python3-networkx`, which `.ci/run` installs): without it the test fails when `CI=true` and
//! skips with a message otherwise.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use common::{root, run, shared_data};
use schoolrun::network::synthetic::SplitMix;

/// Destinations per mode, and sources per destination: 40 x 25 = 1,000 pairs per mode.
const TARGETS: usize = 40;
const SOURCES: usize = 25;

fn networkx_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import networkx"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = "python3 with networkx is needed for the cross-check (Debian: apt-get install \
                   python3-networkx)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}; in CI this is a failure");
        }
        println!("skipping: {msg}");
    }
    ok
}

/// `from_node,to_node,length_m` rows in file order, `None` for an empty (unreachable) length.
fn read_lengths(path: &Path) -> Vec<((u32, u32), Option<f64>)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let n = |i: usize| rec[i].parse::<u32>().unwrap();
            let d = (!rec[2].is_empty()).then(|| rec[2].parse::<f64>().unwrap());
            ((n(0), n(1)), d)
        })
        .collect()
}

fn cross_check(name: &str, pbf: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An area needs a schools file; the network is what is checked.
    std::fs::write(
        d.join("schools.csv"),
        "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge\n\
         1,Placeholder,300000,200000,4,11\n",
    )
    .unwrap();
    std::fs::write(
        d.join("area.toml"),
        format!(
            "name = \"{name}\"\nschools = \"schools.csv\"\nosm = {:?}\n",
            pbf.display().to_string()
        ),
    )
    .unwrap();
    let area = d.to_str().unwrap();
    let edges = d.join("edges.csv");
    let r = run(&[
        "network",
        "export",
        "--area",
        area,
        "--csv",
        edges.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let mut rdr = csv::Reader::from_path(&edges).unwrap();
    let nodes = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            r[0].parse::<u32>().unwrap().max(r[1].parse().unwrap()) + 1
        })
        .max()
        .unwrap();
    let mut rng = SplitMix(20240601);
    let mut pick = || (rng.next_u64() % u64::from(nodes)) as u32;
    let (mut compared, mut unreachable, mut max_diff) = (0usize, 0usize, 0f64);
    for mode in ["walk", "drive"] {
        let pairs = d.join(format!("pairs-{mode}.csv"));
        let mut text = String::from("from_node,to_node\n");
        let mut seen = HashSet::new();
        for _ in 0..TARGETS {
            let to = pick();
            let mut n = 0;
            while n < SOURCES {
                let from = pick();
                if from != to && seen.insert((from, to)) {
                    text.push_str(&format!("{from},{to}\n"));
                    n += 1;
                }
            }
        }
        std::fs::write(&pairs, text).unwrap();
        let ours = d.join(format!("schoolrun-{mode}.csv"));
        let r = run(&[
            "network",
            "distances",
            "--area",
            area,
            "--mode",
            mode,
            "--pairs",
            pairs.to_str().unwrap(),
            "-o",
            ours.to_str().unwrap(),
        ]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let theirs = d.join(format!("networkx-{mode}.csv"));
        let out = Command::new("python3")
            .arg(root().join("tests/crosscheck_networkx.py"))
            .args([&edges, &pairs])
            .arg(mode)
            .arg(&theirs)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "networkx script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{name}: {}", String::from_utf8_lossy(&out.stdout));
        let (a, b) = (read_lengths(&ours), read_lengths(&theirs));
        assert_eq!(
            a.len(),
            TARGETS * SOURCES,
            "{name} {mode}: schoolrun's pairs"
        );
        assert_eq!(a.len(), b.len(), "{name} {mode}: networkx's pairs");
        let mut mode_unreachable = 0;
        for ((pair, ours), (their_pair, theirs)) in a.iter().zip(&b) {
            assert_eq!(pair, their_pair, "{name} {mode}: pairs in the same order");
            match (ours, theirs) {
                (Some(x), Some(y)) => {
                    let diff = (x - y).abs();
                    assert!(
                        diff <= 0.001,
                        "{name} {mode} {pair:?}: schoolrun {x} m, networkx {y} m"
                    );
                    max_diff = max_diff.max(diff);
                }
                (None, None) => mode_unreachable += 1,
                _ => panic!(
                    "{name} {mode} {pair:?}: schoolrun {ours:?}, networkx {theirs:?} (one finds \
                     a route, the other none)"
                ),
            }
            compared += 1;
        }
        println!(
            "{name} {mode}: {} pairs agree, {mode_unreachable} unreachable in both",
            a.len()
        );
        unreachable += mode_unreachable;
    }
    println!(
        "{name}: {compared} pairs compared, {unreachable} unreachable in both, largest difference \
         {:.3e} m",
        max_diff
    );
    assert!(
        compared - unreachable >= 1000,
        "{name}: at least 1,000 shortest-path lengths compared"
    );
    assert!(
        unreachable > 0,
        "{name}: the sample holds unreachable pairs"
    );
}

#[test]
fn real_networks_agree_with_networkx_to_the_millimetre() {
    let extracts = [
        ("Rutland", "osm/rutland-2018-02.osm.pbf"),
        ("Newport", "osm/newport-2023-06-13.osm.pbf"),
    ];
    let found: Vec<_> = extracts
        .iter()
        .filter_map(|(name, rel)| shared_data(rel).map(|p| (*name, p)))
        .collect();
    if found.is_empty() || !networkx_available() {
        return;
    }
    for (name, pbf) in found {
        cross_check(name, &pbf);
    }
}
