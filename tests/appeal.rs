//! Appeal panels (clause 5.2): decision records that replay byte for byte, replays that name the
//! file or value that changed, what-if runs (`--ignore-audit`, `--mark-unsafe`) on the demo's
//! audited stretches (clause 1.5.4), and `diff` between two runs of the demo applications.

mod common;

use std::path::Path;

use common::{root, run};

/// Wool, Year 9, The Purbeck School: eligible, 4.549 miles walking (clause 1.1.1(ii)).
const WOOL: &[&str] = &[
    "--easting",
    "384308",
    "--northing",
    "86729",
    "--year",
    "Y9",
    "--school",
    "148737",
];
/// Stourpaine, Year 2, Durweston Primary: the 0.813-mile walk over Durweston Bridge is unsafe
/// (RSA-2019-015), so the available walk is 7.252 miles (clause 1.5.4, 1.1.1(i)).
const STOURPAINE: &[&str] = &common::STOURPAINE_Y2;

fn args<'a>(head: &[&'a str], case: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    let mut v = head.to_vec();
    v.extend_from_slice(case);
    v.extend_from_slice(tail);
    v
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_record_replays_byte_identically_and_holds_the_measured_route() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    for p in [&a, &b] {
        let r = run(&args(&["check"], WOOL, &["--record", p.to_str().unwrap()]));
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let rec = json(&a);
    assert_eq!(rec["decision"]["outcome"], "eligible");
    assert_eq!(rec["decision"]["deciding_clause"], "1.1.1(ii)");
    assert_eq!(rec["case"]["year_group"], "Y9");
    let walk = &rec["routes"][0];
    assert_eq!(walk["mode"], "walk");
    assert_eq!(walk["length_mi"], "4.549");
    assert_eq!(walk["length_m"], rec["decision"]["distances"]["walking_m"]);
    assert_eq!(walk["entrance"], "Worgret Road main gate");
    assert!(walk["geometry"].as_array().unwrap().len() > 2);
    assert!(rec["origin"]["area_files"].as_array().unwrap().len() >= 5);
    let r = run(&["replay", a.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r
        .stdout
        .contains("reproduced: CHECK eligible (statutory_distance)"));
}

/// A record whose case was damaged after it was written: the error names the record file and
/// the field, never the value (issue 9, item 9).
#[test]
fn a_record_with_a_bad_case_names_the_file_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r.json");
    let r = run(&args(
        &["check"],
        WOOL,
        &["--record", rec.to_str().unwrap()],
    ));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let mut v = json(&rec);
    v["case"]["easting"] = serde_json::Value::String("39l000".into());
    std::fs::write(&rec, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let r = run(&["replay", rec.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(rec.to_str().unwrap()), "{}", r.stderr);
    assert!(r.stderr.contains("field easting"), "{}", r.stderr);
    assert!(!r.stderr.contains("39l000"), "{}", r.stderr);
}

#[test]
fn a_changed_data_file_is_named_and_archived_copies_can_be_used() {
    let dir = tempfile::tempdir().unwrap();
    let (live, archive) = (dir.path().join("live"), dir.path().join("archive"));
    common::copy_dir(&root().join("fixtures/demo"), &live);
    common::copy_dir(&root().join("fixtures/demo"), &archive);
    let rec = dir.path().join("r.json");
    let r = run(&args(
        &["check", "--area", live.to_str().unwrap()],
        WOOL,
        &["--record", rec.to_str().unwrap()],
    ));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // The live network is edited after the decision (one byte of whitespace).
    let net = live.join("network.geojson");
    let mut bytes = std::fs::read(&net).unwrap();
    bytes.push(b'\n');
    std::fs::write(&net, bytes).unwrap();
    let r = run(&["replay", rec.to_str().unwrap()]);
    assert_eq!(r.code, Some(5), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("NOT REPRODUCED"), "{}", r.stdout);
    assert!(
        r.stdout.contains("area file network.geojson has changed"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("schools.csv"),
        "only the changed file is named"
    );
    // The archived copy still has the recorded fingerprints.
    let r = run(&[
        "replay",
        rec.to_str().unwrap(),
        "--area",
        archive.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("reproduced"));
}

#[test]
fn a_changed_input_is_listed_value_by_value() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r.json");
    run(&args(
        &["check"],
        WOOL,
        &["--record", rec.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&rec).unwrap();
    std::fs::write(&rec, text.replace("\"Y9\"", "\"Y4\"")).unwrap();
    let r = run(&["replay", rec.to_str().unwrap()]);
    assert_eq!(r.code, Some(5));
    assert!(
        r.stdout
            .contains("decision.outcome: recorded \"eligible\", now \"not_eligible\""),
        "{}",
        r.stdout
    );
}

#[test]
fn damaged_records_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r.json");
    std::fs::write(&rec, "{\"decision\": 1}").unwrap();
    let r = run(&["replay", rec.to_str().unwrap()]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("r.json: not a decision record"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_record_of_a_batch_replays() {
    let dir = tempfile::tempdir().unwrap();
    let recs = dir.path().join("records");
    let out = dir.path().join("d.csv");
    let r = run(&[
        "batch",
        "fixtures/demo/applications.csv",
        "-o",
        out.to_str().unwrap(),
        "--records",
        recs.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(3), "the demo ends with deliberately bad rows");
    let decided: usize = r
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("decided: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&recs)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), decided, "one record per decided row");
    let mut a = vec!["replay"];
    a.extend(files.iter().map(String::as_str));
    let r = run(&a);
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    assert_eq!(r.stdout.matches("reproduced: ").count(), decided);
}

#[test]
fn ignoring_an_audit_shows_what_the_unsafe_bridge_changed() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r.json");
    let as_made = run(&args(&["check", "--format", "json"], STOURPAINE, &[]));
    let v: serde_json::Value = serde_json::from_str(&as_made.stdout).unwrap();
    assert_eq!(v["outcome"], "eligible");
    let what_if = run(&args(
        &["check", "--ignore-audit", "RSA-2019-015"],
        STOURPAINE,
        &["--record", rec.to_str().unwrap()],
    ));
    assert!(
        what_if
            .stdout
            .starts_with("Application CHECK: NOT ELIGIBLE"),
        "{}",
        what_if.stdout
    );
    assert!(what_if
        .stdout
        .contains("WHAT-IF, not the network as assessed: audits ignored: RSA-2019-015"));
    assert!(what_if.stdout.contains("walking 0.813 mi"));
    let rec_json = json(&rec);
    assert_eq!(
        rec_json["sources"]["what_if"]["ignore_audits"][0],
        "RSA-2019-015"
    );
    let r = run(&["replay", rec.to_str().unwrap()]);
    assert_eq!(
        r.code,
        Some(0),
        "a what-if replays as a what-if: {}",
        r.stdout
    );
    // As made, the record names the audit the walking route had to avoid.
    let rec2 = dir.path().join("r2.json");
    run(&args(
        &["check"],
        STOURPAINE,
        &["--record", rec2.to_str().unwrap()],
    ));
    let avoided = &json(&rec2)["routes"][0]["audits_avoided"];
    assert!(
        avoided[0].as_str().unwrap().starts_with("RSA-2019-015"),
        "{avoided}"
    );
}

#[test]
fn marking_a_stretch_of_the_route_unsafe_lengthens_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r.json");
    run(&args(
        &["check"],
        WOOL,
        &["--record", rec.to_str().unwrap()],
    ));
    let v = json(&rec);
    let edges = v["routes"][0]["edge_ids"].as_array().unwrap();
    let middle = edges[edges.len() / 2].as_str().unwrap().to_string();
    let before = v["decision"]["distances"]["walking_m"].as_f64().unwrap();
    let r = run(&args(
        &["check", "--format", "json", "--mark-unsafe", &middle],
        WOOL,
        &[],
    ));
    let w: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let after = &w["distances"];
    assert!(
        after["no_available_walking_route"] == true
            || after["walking_m"].as_f64().unwrap() > before,
        "{after}"
    );
    let want = format!("what-if: {middle} marked unsafe");
    assert!(w["origin"]["audits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == want.as_str()));
}

#[test]
fn unknown_what_if_targets_are_errors() {
    let r = run(&args(&["check", "--ignore-audit", "RSA-0000"], WOOL, &[]));
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr
            .contains("fixtures/demo/area.toml: there is no audit RSA-0000 to ignore"),
        "{}",
        r.stderr
    );
    let r = run(&args(
        &["check", "--mark-unsafe", "no-such-edge"],
        WOOL,
        &[],
    ));
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("--mark-unsafe no-such-edge"),
        "{}",
        r.stderr
    );
}

fn batch(dir: &Path, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join(name);
    let mut a = vec![
        "batch",
        "fixtures/demo/applications.csv",
        "-o",
        out.to_str().unwrap(),
    ];
    a.extend_from_slice(extra);
    let r = run(&a);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    out
}

#[test]
fn diff_of_2021_22_and_2022_23_shows_the_charge_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    // Last year's parameters (clause 1.3.2: GBP 800 then, GBP 825 now), same rules.
    let old = batch(dir.path(), "old.csv", &["--academic-year", "2021-22"]);
    let new = batch(dir.path(), "new.csv", &[]);
    // Rows with the council's charge: GBP 825 surplus seats and GBP 412.50 post-16 reductions
    // (operators' own prices, clause 1.3.1, do not move with the council's).
    let mut rdr = csv::Reader::from_path(&new).unwrap();
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "charge_pence")
        .unwrap();
    let charges: Vec<String> = rdr
        .records()
        .map(|r| r.unwrap()[col].to_string())
        .filter(|c| c == "82500" || c == "41250")
        .collect();
    let charged = charges.len();
    assert!(charged > 50, "the demo has many surplus seat charges");
    let r = run(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let c: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(c["only_in_old"], 0);
    assert_eq!(c["only_in_new"], 0);
    assert_eq!(c["policy_files_differ"], true);
    assert_eq!(c["data_files_differ"], false);
    assert_eq!(
        c["changed_fields"],
        serde_json::json!({ "charge_pence": charged })
    );
    for ch in c["changes"].as_array().unwrap() {
        assert_eq!(
            ch["causes"],
            serde_json::json!([{"cause": "parameter_changed", "fields": ["charge_pence"]}])
        );
        let pair = (
            ch["changes"][0]["old"].clone(),
            ch["changes"][0]["new"].clone(),
        );
        assert!(
            pair == ("80000".into(), "82500".into()) || pair == ("40000".into(), "41250".into()),
            "{pair:?}"
        );
    }
    let text = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]).stdout;
    assert!(
        text.contains(&format!("fields changed: charge_pence {charged}\n")),
        "{text}"
    );
}

#[test]
fn diff_names_a_distance_that_crossed_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let old = batch(dir.path(), "old.csv", &[]);
    let new = batch(dir.path(), "new.csv", &["--ignore-audit", "RSA-2019-015"]);
    let r = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(r.code, Some(0));
    assert!(r.stdout.contains("data files differ: yes"), "{}", r.stdout);
    assert!(
        r.stdout.contains("walking distance 7.252 mi -> 0.813 mi crossed the limit walking route >= 2 mi (1.1.1(i))"),
        "{}",
        r.stdout
    );
}

#[test]
fn diff_refuses_a_file_that_is_not_decisions() {
    let r = run(&[
        "diff",
        "fixtures/demo/applications.csv",
        "fixtures/demo/applications.csv",
    ]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("fixtures/demo/applications.csv"),
        "{}",
        r.stderr
    );
}
