//! Decisions stay the same whatever computes the distances and however many threads decide:
//! 1,500 applications spread over each of the real Rutland and Newport networks
//! (`../shared/data/osm/`, schools at the OSM sites that carry a URN) are decided by `batch` on a
//! prepared area with one thread, and with four threads holding at most 1 MiB of trees (so
//! that trees are dropped and grown again); the two files must be byte-identical, and their
//! decision columns (everything but the tool version and the file fingerprints, which name this
//! machine's paths) must hash to the value recorded below, which the tool gave before the
//! county-scale work (commit 0b30f66, lengths added as floating point). A change that moves any
//! outcome, basis, charge, reason or distance shown changes the hash; if that change is meant,
//! the new hash is printed to record here, with the reason in the commit.
//!
//! Skips with a message when `../shared/data` is absent.

mod common;

use std::path::Path;

use common::{ok, shared_data};
use schoolrun::io::osm_files::import_osm_file;
use schoolrun::network::synthetic::{applications, schools_at, schools_csv};
use schoolrun::osm::Profile;
use sha2::{Digest, Sha256};

/// The hash of the decision columns, per extract, as the tool gave them at commit 0b30f66.
const RECORDED: [(&str, &str); 2] = [
    (
        "rutland-2018-02.osm.pbf",
        "68ef1243fb8ee739e0ea50576cf10121846db0e151072d22024fe1599708a3a7",
    ),
    (
        "newport-2023-06-13.osm.pbf",
        "ba058b0fecfee9423b1b90f21ba00a2bf50d9ddad4d412bc29bbdb8c4b5513b9",
    ),
];

/// Columns left out of the hash: they name the tool's version and this machine's files.
const NOT_HASHED: [&str; 3] = ["policy_sha256", "data_sha256", "tool_version"];

fn decision_hash(csv_path: &Path) -> String {
    let mut r = csv::Reader::from_path(csv_path).unwrap();
    let header = r.headers().unwrap().clone();
    let keep: Vec<usize> = (0..header.len())
        .filter(|&i| !NOT_HASHED.contains(&&header[i]))
        .collect();
    let mut h = Sha256::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        for &i in &keep {
            h.update(rec[i].as_bytes());
            h.update([0x1f]);
        }
        h.update([b'\n']);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn decisions_of(name: &str) -> Option<String> {
    let pbf = shared_data(&format!("osm/{name}"))?;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let imp = import_osm_file(&pbf, &Profile::default_profile()).unwrap();
    let schools = schools_at(
        imp.schools
            .iter()
            .map(|s| (s.urn.0, s.point.x(), s.point.y())),
    );
    let area = d.join("area");
    std::fs::create_dir(&area).unwrap();
    std::fs::write(area.join("schools.csv"), schools_csv(&schools)).unwrap();
    std::fs::write(
        area.join("area.toml"),
        format!(
            "name = \"{name}\"\nschools = \"schools.csv\"\nosm = {:?}\nschools_from_osm = true\n",
            pbf.display().to_string()
        ),
    )
    .unwrap();
    let apps = d.join("applications.csv");
    std::fs::write(&apps, applications(&imp.edges, &schools, 1500, 11)).unwrap();
    let prepared = d.join("area.prepared");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    ok(&["prepare", "--area", &s(&area), "-o", &s(&prepared)]);
    let mut files = Vec::new();
    for (threads, tree_mib) in [("1", "128"), ("4", "1")] {
        let out = d.join(format!("decisions-{threads}.csv"));
        let r = common::run(&[
            "batch",
            &s(&apps),
            "--area",
            &s(&prepared),
            "--threads",
            threads,
            "--tree-memory",
            tree_mib,
            "-o",
            &s(&out),
        ]);
        assert!(matches!(r.code, Some(0) | Some(3)), "{}", r.stderr);
        files.push(out);
    }
    assert!(
        std::fs::read(&files[0]).unwrap() == std::fs::read(&files[1]).unwrap(),
        "{name}: one thread, and four threads dropping trees, decided differently"
    );
    let hash = decision_hash(&files[0]);
    if std::env::var_os("SCHOOLRUN_TEST_KEEP").is_some() {
        // To decide the same files with another build, by hand.
        println!("{name}: kept {}", dir.keep().display());
    }
    Some(hash)
}

#[test]
fn decisions_on_real_networks_are_as_recorded_whatever_the_threads_and_tree_memory() {
    let mut changed = Vec::new();
    for (name, recorded) in RECORDED {
        let Some(hash) = decisions_of(name) else {
            return;
        };
        if hash != recorded {
            changed.push(format!("{name}: new hash {hash}"));
        }
    }
    assert!(
        changed.is_empty(),
        "the decisions changed ({}); if that is meant, record the new hashes in \
         tests/unchanged.rs with the reason",
        changed.join("; ")
    );
}
