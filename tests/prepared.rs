//! Prepared area files (`schoolrun prepare`), through the real binary: a prepared area gives
//! byte-identical decisions to the directory it came from (batch CSV, check JSON and text, routes,
//! schools near, network export, for the default date, another `--as-of` and a what-if), decision
//! records made from it replay, and damaged, truncated, wrong-version or foreign files are refused
//! with the file's name, never with a panic. The real Rutland extract is prepared when
//! `../shared/data` is present.

mod common;

use std::path::{Path, PathBuf};

use common::{run, shared_data, Run, STURMINSTER_Y9_QE};

/// Prepares `area` into `dir/name` and returns the path.
fn prepare(area: &str, dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let r = run(&["prepare", "--area", area, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "prepare {area} failed:\n{}", r.stderr);
    assert!(r.stderr.contains("wrote"), "{}", r.stderr);
    out
}

/// Runs `args` with `--area raw` and with `--area prepared`; both must succeed alike and print
/// the same bytes.
fn same(args: &[&str], raw: &str, prepared: &Path) -> Run {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--area", raw]);
    let from_raw = run(&a);
    let mut b: Vec<&str> = args.to_vec();
    b.extend(["--area", prepared.to_str().unwrap()]);
    let from_prepared = run(&b);
    assert_eq!(from_raw.code, from_prepared.code, "{args:?}: exit codes");
    assert_eq!(
        from_raw.stdout,
        from_prepared.stdout,
        "{args:?}: output differs between {raw} and {}",
        prepared.display()
    );
    from_prepared
}

#[test]
fn demo_area_prepared_gives_byte_identical_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let p = prepare("fixtures/demo", dir.path(), "demo.prepared");
    // The whole demo intake, as CSV, byte for byte (decisions, reasons, fingerprints).
    let raw_csv = dir.path().join("raw.csv");
    let prep_csv = dir.path().join("prepared.csv");
    let a = run(&[
        "batch",
        "fixtures/demo/applications.csv",
        "-o",
        raw_csv.to_str().unwrap(),
        "--no-progress",
    ]);
    let b = run(&[
        "batch",
        "fixtures/demo/applications.csv",
        "-o",
        prep_csv.to_str().unwrap(),
        "--no-progress",
        "--area",
        p.to_str().unwrap(),
    ]);
    assert_eq!((a.code, b.code), (Some(3), Some(3)), "{}", b.stderr);
    // The prepared file's contraction hierarchies were made for this network (the policy's
    // network date, no what-if), so the batch swept its trees through them.
    assert!(
        b.stderr
            .contains("trees swept through the prepared contraction hierarchies: walking"),
        "{}",
        b.stderr
    );
    let (raw, prepared) = (
        std::fs::read(&raw_csv).unwrap(),
        std::fs::read(&prep_csv).unwrap(),
    );
    assert!(raw.len() > 10_000);
    assert!(raw == prepared, "batch CSV differs");
    // Swept on one thread with trees dropped and swept again (a 1 MiB budget): the same bytes.
    let one_csv = dir.path().join("one-thread.csv");
    let c = run(&[
        "batch",
        "fixtures/demo/applications.csv",
        "-o",
        one_csv.to_str().unwrap(),
        "--no-progress",
        "--threads",
        "1",
        "--tree-memory",
        "1",
        "--area",
        p.to_str().unwrap(),
    ]);
    assert_eq!(c.code, Some(3), "{}", c.stderr);
    assert!(
        std::fs::read(&one_csv).unwrap() == raw,
        "one thread, small budget: differs"
    );
    // One child, as JSON (with every source file's SHA-256) and as text.
    let home = STURMINSTER_Y9_QE;
    let mut json = vec!["check", "--format", "json"];
    json.extend(home);
    let r = same(&json, "fixtures/demo", &p);
    assert!(r.stdout.contains("\"sha256\""), "{}", r.stdout);
    assert!(r.stdout.contains("network.geojson"), "{}", r.stdout);
    let mut text = vec!["check"];
    text.extend(home);
    same(&text, "fixtures/demo", &p);
    let mut route = vec!["route", "--mode", "drive"];
    route.extend(home);
    same(&route, "fixtures/demo", &p);
    same(
        &[
            "schools",
            "near",
            "--easting",
            "394813",
            "--northing",
            "99708",
            "--year",
            "9",
        ],
        "fixtures/demo",
        &p,
    );
}

#[test]
fn dated_area_prepared_serves_any_date_and_what_if() {
    let dir = tempfile::tempdir().unwrap();
    let raw = "fixtures/areas/dated";
    let p = prepare(raw, dir.path(), "dated.prepared");
    let case = "fixtures/cases/1.5.3-network-date/default-network-date-path-not-yet-open.toml";
    for extra in [
        vec![],
        vec!["--as-of", "2022-04-01"],
        vec!["--as-of", "2022-09-01"],
        vec![
            "--as-of",
            "2022-09-01",
            "--ignore-audit",
            "RSA-D-2 Meadow footpath",
        ],
    ] {
        let mut args = vec!["check", "--case", case, "--format", "json"];
        args.extend(extra.iter().copied());
        let r = same(&args, raw, &p);
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        let mut route = vec!["route", "--case", case];
        route.extend(extra.iter().copied());
        same(&route, raw, &p);
    }
    // The network as of two dates exports the same from both.
    for as_of in ["2021-09-01", "2022-04-01"] {
        let mut outs = Vec::new();
        for area in [raw.to_string(), p.display().to_string()] {
            let csv = dir.path().join(format!("edges-{}.csv", outs.len()));
            let r = run(&[
                "network",
                "export",
                "--area",
                &area,
                "--as-of",
                as_of,
                "--csv",
                csv.to_str().unwrap(),
            ]);
            assert_eq!(r.code, Some(0), "{}", r.stderr);
            outs.push(std::fs::read(&csv).unwrap());
        }
        assert!(outs[0] == outs[1], "export as of {as_of} differs");
    }
}

/// A batch on a prepared area sweeps trees only through a hierarchy made for the network it
/// loaded: on another network date (a footpath opened since) the walking hierarchy no longer
/// fits and walking trees are grown by Dijkstra, and the decisions are those of the directory
/// on that date either way.
#[test]
fn a_batch_uses_a_prepared_hierarchy_only_on_the_network_it_was_made_for() {
    let dir = tempfile::tempdir().unwrap();
    let raw = "fixtures/areas/dated";
    let p = prepare(raw, dir.path(), "dated.prepared");
    let apps = dir.path().join("apps.csv");
    std::fs::write(
        &apps,
        "id,easting,northing,year_group,school_urn\nA,13500,10000,7,900101\n",
    )
    .unwrap();
    let batch = |area: &str, as_of: Option<&str>, out: &str| {
        let out = dir.path().join(out);
        let mut args = vec![
            "batch",
            apps.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--no-progress",
            "--area",
            area,
        ];
        if let Some(d) = as_of {
            args.extend(["--as-of", d]);
        }
        let r = run(&args);
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        (std::fs::read(&out).unwrap(), r.stderr)
    };
    let prepared = p.to_str().unwrap();
    let (a, _) = batch(raw, None, "raw-default.csv");
    let (b, said) = batch(prepared, None, "prepared-default.csv");
    assert!(a == b, "default date: decisions differ");
    assert!(said.contains("trees swept"), "{said}");
    assert!(!said.contains("grown by Dijkstra"), "{said}");
    let (a, _) = batch(raw, Some("2022-09-01"), "raw-later.csv");
    let (b, said) = batch(prepared, Some("2022-09-01"), "prepared-later.csv");
    assert!(a == b, "later date: decisions differ");
    assert!(
        said.contains("trees grown by Dijkstra") && said.contains(": walking"),
        "{said}"
    );
    // The footpath makes the walk shorter on the later date: the two runs did differ.
    let (default, _) = batch(prepared, None, "again.csv");
    assert!(
        default != b,
        "the later network should measure another walk"
    );
}

#[test]
fn records_made_from_a_prepared_area_replay() {
    let dir = tempfile::tempdir().unwrap();
    let p = prepare("fixtures/areas/dated", dir.path(), "dated.prepared");
    let rec = dir.path().join("decision.json");
    let r = run(&[
        "check",
        "--case",
        "fixtures/cases/1.5.3-network-date/as-of-2022-04-path-open.toml",
        "--area",
        p.to_str().unwrap(),
        "--as-of",
        "2022-04-01",
        "--record",
        rec.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(&rec).unwrap();
    assert!(text.contains("network.geojson"), "{text}");
    let r = run(&["replay", rec.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("reproduced"), "{}", r.stdout);
    // The source fingerprints are those of the directory, so the directory replays it too.
    let r = run(&[
        "replay",
        rec.to_str().unwrap(),
        "--area",
        "fixtures/areas/dated",
    ]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
}

/// Runs `check` on `file` and returns stderr, asserting a clean refusal naming the file.
fn refused(file: &Path) -> String {
    let mut args = vec!["check", "--area", file.to_str().unwrap()];
    args.extend(STURMINSTER_Y9_QE);
    let r = run(&args);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains(&file.display().to_string()),
        "the error must name {}: {}",
        file.display(),
        r.stderr
    );
    r.stderr
}

/// Each section of a prepared file after the payload ending at `payload_end`: its kind and where
/// its body lies (see `docs/formats.md`).
fn sections_of(bytes: &[u8], payload_end: usize) -> Vec<(u32, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut at = payload_end.next_multiple_of(8);
    while at < bytes.len() {
        let kind = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let len = u64::from_le_bytes(bytes[at + 8..at + 16].try_into().unwrap()) as usize;
        out.push((kind, at + 32..at + 32 + len));
        at = (at + 32 + len).next_multiple_of(8);
    }
    out
}

#[test]
fn damaged_truncated_wrong_version_and_foreign_files_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = prepare("fixtures/areas/boundary", dir.path(), "good.prepared");
    let good = std::fs::read(&p).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        f
    };
    // The payload ends where its header says; the sections follow it.
    let payload_end = 68 + u64::from_le_bytes(good[20..28].try_into().unwrap()) as usize;
    let sections = sections_of(&good, payload_end);
    let kinds: Vec<u32> = sections.iter().map(|s| s.0).collect();
    assert_eq!(kinds, [1, 2, 3], "source edges, network, search");
    // One byte of the payload changed.
    let mut v = good.clone();
    let mid = 68 + (payload_end - 68) / 2;
    v[mid] ^= 0x01;
    let e = refused(&write("flipped.prepared", &v));
    assert!(e.contains("damaged") && e.contains("SHA-256"), "{e}");
    let check = |file: &Path, more: &[&str]| {
        let mut args = vec!["check", "--area", file.to_str().unwrap()];
        args.extend(STURMINSTER_Y9_QE);
        args.extend(more);
        run(&args)
    };
    let flipped = |name: &str, kind: u32| {
        let body = &sections.iter().find(|s| s.0 == kind).unwrap().1;
        let mut v = good.clone();
        v[body.start + body.len() / 2] ^= 0x01;
        write(name, &v)
    };
    // One byte of the search section changed: a one-home command does not read it, a batch
    // refuses the file by name.
    let f = flipped("flipped-search.prepared", 3);
    let (a, b) = (check(&p, &[]), check(&f, &[]));
    assert_eq!((a.code, &a.stdout), (b.code, &b.stdout), "{}", b.stderr);
    assert!(!b.stderr.contains("damaged"), "{}", b.stderr);
    let apps = write(
        "apps.csv",
        b"id,easting,northing,year_group,school_urn\nA,394813,99708,9,141526\n",
    );
    let out = dir.path().join("out.csv");
    let r = run(&[
        "batch",
        apps.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--area",
        f.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("flipped-search.prepared") && r.stderr.contains("search section"),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "no output from a refused batch");
    // One byte of the stored network changed: refused by name on the date it is the network
    // of; on another date the network is built from the source edges, and all is well.
    let f = flipped("flipped-network.prepared", 2);
    let r = check(&f, &[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("flipped-network.prepared") && r.stderr.contains("network section"),
        "{}",
        r.stderr
    );
    let other_date = ["--as-of", "2020-09-01"];
    let (a, b) = (check(&p, &other_date), check(&f, &other_date));
    assert_eq!((a.code, &a.stdout), (b.code, &b.stdout), "{}", b.stderr);
    // One byte of the source edges changed: the other way round.
    let f = flipped("flipped-edges.prepared", 1);
    let (a, b) = (check(&p, &[]), check(&f, &[]));
    assert_eq!((a.code, &a.stdout), (b.code, &b.stdout), "{}", b.stderr);
    let r = check(&f, &other_date);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("flipped-edges.prepared") && r.stderr.contains("source edges section"),
        "{}",
        r.stderr
    );
    // Cut short: inside the payload, inside the header, inside the magic.
    for (name, cut) in [
        ("cut.prepared", 68 + (payload_end - 68) / 2),
        ("between.prepared", sections[2].1.start - 32),
        ("head.prepared", 30),
        ("magic.prepared", 5),
    ] {
        let e = refused(&write(name, &good[..cut]));
        assert!(e.contains("truncated"), "{name}: {e}");
    }
    // Another format version.
    let mut v = good.clone();
    v[16..20].copy_from_slice(&99u32.to_le_bytes());
    let e = refused(&write("future.prepared", &v));
    assert!(
        e.contains("format version 99") && e.contains("prepare it again"),
        "{e}"
    );
    // Extra bytes at the end.
    let mut v = good.clone();
    v.extend_from_slice(b"more");
    let e = refused(&write("long.prepared", &v));
    assert!(e.contains("damaged"), "{e}");
    // Not a prepared file at all (binary, another magic): named, with what was expected.
    let e = refused(&write(
        "photo.png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
    ));
    assert!(e.contains("prepared area file"), "{e}");
    // prepare refuses a prepared file as its input.
    let out = dir.path().join("again.prepared");
    let r = run(&[
        "prepare",
        "--area",
        p.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("already a prepared area file"),
        "{}",
        r.stderr
    );
}

#[test]
fn real_rutland_extract_prepared_decides_as_the_extract() {
    let Some(pbf) = shared_data("osm/rutland-2018-02.osm.pbf") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let area = dir.path().join("rutland");
    std::fs::create_dir(&area).unwrap();
    std::fs::write(
        area.join("area.toml"),
        format!(
            "name = \"Rutland from OSM\"\nschools = \"schools.csv\"\nosm = {:?}\n\
             schools_from_osm = true\n",
            pbf.display().to_string()
        ),
    )
    .unwrap();
    // Catmose College and Brooke Hill Academy (URNs as OSM tags them); ages from this file.
    std::fs::write(
        area.join("schools.csv"),
        "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge\n\
         138113,Catmose Primary School,485000,308000,4,11\n\
         137358,Brooke Hill Academy,485000,308000,4,11\n",
    )
    .unwrap();
    let raw = area.to_str().unwrap();
    let p = prepare(raw, dir.path(), "rutland.prepared");
    for (e, n, urn) in [
        ("485900", "309100", "138113"),
        ("486500", "307200", "137358"),
        ("492000", "301000", "138113"),
    ] {
        let r = same(
            &[
                "check",
                "--format",
                "json",
                "--easting",
                e,
                "--northing",
                n,
                "--year",
                "3",
                "--school",
                urn,
            ],
            raw,
            &p,
        );
        assert!(r.stdout.contains("rutland-2018-02.osm.pbf"), "{}", r.stdout);
    }
}

/// The prepared file committed with the project (`fixtures/prepared/boundary.prepared`, made by
/// `schoolrun prepare --area fixtures/areas/boundary`) loads and decides as the directory does:
/// a change to the file format that forgets to say so cannot slip by.
#[test]
fn the_committed_prepared_file_decides_like_its_directory() {
    let committed = Path::new("fixtures/prepared/boundary.prepared");
    let boundary = "fixtures/areas/boundary";
    for format in ["text", "json"] {
        let mut args = vec!["check", "--format", format];
        args.extend(common::BOUNDARY_Y4_AT_2_MILES);
        let r = same(&args, boundary, committed);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let mut csvs = Vec::new();
    for (area, name) in [
        (boundary, "raw.csv"),
        ("fixtures/prepared/boundary.prepared", "prepared.csv"),
    ] {
        let r = run(&[
            "batch",
            "tests/data/boundary-applications.csv",
            "--area",
            area,
            "-o",
            out(name).to_str().unwrap(),
            "--no-progress",
        ]);
        assert!(matches!(r.code, Some(0 | 3)), "{}", r.stderr);
        csvs.push(std::fs::read(out(name)).unwrap());
    }
    assert!(csvs[0].len() > 1000);
    assert!(
        csvs[0] == csvs[1],
        "batch CSV differs between the directory and the committed file"
    );
}
