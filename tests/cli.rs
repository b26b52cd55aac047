//! Command-line tests: `--help` goldens, `check` (text and JSON) on the boundary area, `batch`
//! (golden, one row per input row, exit code, summary, formula escaping, determinism, column
//! maps), `policy show`, `schools near` and `route`.
//!
//! Every command runs from the repository root, so the default `--policy policy/2022-23` and
//! `--area fixtures/demo` resolve, and paths in messages are stable. File hashes and the tool
//! version are redacted from the goldens (they change whenever a policy or data file is edited)
//! and checked separately against the files themselves.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

mod common;

use common::{ok, root, run, schools_near_sturminster_y9, BOUNDARY, BOUNDARY_Y4_AT_2_MILES};

const BOUNDARY_APPS: &str = "tests/data/boundary-applications.csv";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn sha256_file(p: &Path) -> String {
    let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    format!("{:x}", Sha256::digest(&bytes))
}

/// Replaces every run of exactly 64 lowercase hex digits with `<sha256>` and the tool version
/// where the tool prints it.
fn redact(s: &str) -> String {
    let b = s.as_bytes();
    let is_hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if is_hex(b[i]) && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < b.len() && is_hex(b[j]) {
                j += 1;
            }
            if j - i == 64 && (j == b.len() || !b[j].is_ascii_alphanumeric()) {
                out.push_str("<sha256>");
                i = j;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    out.replace(&format!("schoolrun {VERSION}\n"), "schoolrun <version>\n")
}

/// Parses CSV text into a header and records.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows = rdr
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (headers, rows)
}

/// The decisions CSV with the provenance columns redacted, re-written with LF line ends.
fn redact_decisions_csv(text: &str) -> String {
    let (headers, rows) = parse_csv(text);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&headers)
            .map(|(c, h)| match h.as_str() {
                "policy_sha256" | "data_sha256" => {
                    assert_eq!(c.len(), 64, "{h} is not a SHA-256: {c}");
                    "<sha256>".to_string()
                }
                "tool_version" => {
                    assert_eq!(c, VERSION);
                    "<version>".to_string()
                }
                _ => c.clone(),
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Checks every `{path, sha256}` in `files` against the file itself (paths relative to `base`)
/// and replaces each hash with `<sha256>`.
fn check_and_redact_hashes(files: &mut Value, base: &Path) {
    let files = files.as_array_mut().expect("a list of files");
    assert!(!files.is_empty());
    for f in files {
        let path = f["path"].as_str().expect("path").to_string();
        let sha = f["sha256"].as_str().expect("sha256");
        assert_eq!(
            sha,
            sha256_file(&base.join(&path)),
            "recorded hash of {path} is not the file's"
        );
        f["sha256"] = Value::String("<sha256>".into());
    }
}

/// The `check` arguments for the boundary area's Year 4 child at exactly 2 miles.
fn year4_at_2_miles() -> Vec<&'static str> {
    let mut args = vec!["check", "--area", BOUNDARY];
    args.extend(BOUNDARY_Y4_AT_2_MILES);
    args
}

// ---------------------------------------------------------------------------------------------
// --help

fn help(args: &[&str]) -> String {
    let mut a = args.to_vec();
    a.push("--help");
    let r = ok(&a);
    assert!(r.stdout.contains("Usage: schoolrun"), "{}", r.stdout);
    r.stdout
}

#[test]
fn help_top_level() {
    let h = help(&[]);
    insta::assert_snapshot!("help_top_level", h);
}

#[test]
fn help_check() {
    insta::assert_snapshot!("help_check", help(&["check"]));
}

#[test]
fn help_batch() {
    insta::assert_snapshot!("help_batch", help(&["batch"]));
}

#[test]
fn help_policy_show() {
    insta::assert_snapshot!("help_policy_show", help(&["policy", "show"]));
}

#[test]
fn help_policy_test() {
    insta::assert_snapshot!("help_policy_test", help(&["policy", "test"]));
}

#[test]
fn help_schools_near() {
    insta::assert_snapshot!("help_schools_near", help(&["schools", "near"]));
}

#[test]
fn help_route() {
    insta::assert_snapshot!("help_route", help(&["route"]));
}

#[test]
fn help_diff() {
    insta::assert_snapshot!("help_diff", help(&["diff"]));
}

#[test]
fn help_replay() {
    insta::assert_snapshot!("help_replay", help(&["replay"]));
}

#[test]
fn help_prepare() {
    insta::assert_snapshot!("help_prepare", help(&["prepare"]));
}

#[test]
fn top_level_help_documents_exit_codes() {
    let h = help(&[]);
    for code in ["0", "1", "2", "3", "4"] {
        assert!(h.contains(code), "exit code {code} not in --help:\n{h}");
    }
    assert!(h.to_lowercase().contains("exit code"), "{h}");
}

#[test]
fn usage_errors_exit_2() {
    let r = ok(&["help"]);
    assert!(r.stdout.contains("Commands:"));
    let r = run(&[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let r = run(&["check", "--no-such-flag"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--no-such-flag"), "{}", r.stderr);
    let r = run(&["batch"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// check

#[test]
fn check_text_year4_at_exactly_two_miles() {
    let r = ok(&year4_at_2_miles());
    assert!(
        r.stdout
            .starts_with("Application CHECK: ELIGIBLE (statutory distance), clause 1.1.1(i)\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("walking 2.000 mi to Main gate"));
    assert!(r.stdout.contains(&format!("schoolrun {VERSION}\n")));
    insta::assert_snapshot!("check_text_boundary_year4_2mi", redact(&r.stdout));
}

#[test]
fn check_json_year4_at_exactly_two_miles() {
    let mut args = year4_at_2_miles();
    args.extend(["--format", "json"]);
    let r = ok(&args);
    let mut v: Value = serde_json::from_str(&r.stdout).expect("check --format json is JSON");

    // What a machine reader needs is all there.
    assert_eq!(v["outcome"], "eligible");
    assert_eq!(v["basis"], "statutory_distance");
    assert_eq!(v["deciding_clause"], "1.1.1(i)");
    assert_eq!(v["school"]["urn"], 900001);
    assert_eq!(v["school"]["name"], "Boundary Primary School");
    // 2 miles exactly: 2 x 1609.344 m, unrounded.
    assert_eq!(v["distances"]["walking_m"].as_f64(), Some(3218.688));
    assert_eq!(v["distances"]["driven_m"].as_f64(), Some(3218.688));
    assert_eq!(v["distances"]["straight_line_m"].as_f64(), Some(3218.688));
    assert_eq!(v["threshold"]["clause"], "1.1.1(i)");
    assert_eq!(v["charge"]["pence"], 0);
    let reasons = v["reasons"].as_array().expect("reasons");
    assert!(!reasons.is_empty());
    assert!(reasons.iter().all(|r| r["clause"].is_string()));
    assert!(
        reasons.iter().any(|r| r["figures"]
            .as_str()
            .is_some_and(|f| f.contains("walking route 2.000 mi >= 2 mi"))),
        "{reasons:?}"
    );
    assert!(v["warnings"].as_array().is_some_and(|w| w
        .iter()
        .any(|w| w.as_str().unwrap().contains("close to the limit"))));

    // Provenance: every policy and area file with its hash (checked against the files), and
    // the tool version.
    let origin = &mut v["origin"];
    assert_eq!(origin["tool"], "schoolrun");
    assert_eq!(origin["tool_version"], VERSION);
    check_and_redact_hashes(&mut origin["policy_files"], &root());
    check_and_redact_hashes(&mut origin["area_files"], &root().join(BOUNDARY));
    let area_paths: Vec<&str> = origin["area_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        area_paths,
        [
            "area.toml",
            "schools.csv",
            "entrances.csv",
            "network.geojson"
        ]
    );
    origin["tool_version"] = Value::String("<version>".into());

    insta::assert_json_snapshot!("check_json_boundary_year4_2mi", v);
}

#[test]
fn check_by_latitude_longitude_decides_on_the_demo_area() {
    // DEMO-0061 of the demo applications: a Year 2 home in Ferndown given in WGS84.
    let r = ok(&[
        "check",
        "--lat",
        "50.809541",
        "--lon",
        "-1.901002",
        "--year",
        "2",
        "--school",
        "148161",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let outcome = v["outcome"].as_str().unwrap();
    assert!(
        ["eligible", "not_eligible", "refer"].contains(&outcome),
        "latitude/longitude case was not decided: {}",
        r.stdout
    );
    assert!(v["error"].is_null());
    assert!(v["distances"]["walking_m"]
        .as_f64()
        .is_some_and(|w| w > 0.0));
    let snap = v["distances"]["walking_snap_m"].as_f64().unwrap();
    assert!((0.0..=250.0).contains(&snap), "snap {snap}");
}

// ---------------------------------------------------------------------------------------------
// batch

fn input_ids(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    parse_csv(&text)
        .1
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

fn summary_count(stderr: &str, label: &str) -> u64 {
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&format!("{label}: ")))
        .unwrap_or_else(|| panic!("no '{label}:' in the summary:\n{stderr}"));
    line[label.len() + 2..]
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("bad count in {line:?}"))
}

#[test]
fn batch_boundary_applications() {
    let r = run(&[
        "batch",
        BOUNDARY_APPS,
        "-o",
        "-",
        "--area",
        BOUNDARY,
        "--no-progress",
    ]);
    // Some rows could not be decided: exit 3, the others are still written.
    assert_eq!(r.code, Some(3), "stderr:\n{}", r.stderr);

    let (headers, rows) = parse_csv(&r.stdout);
    assert_eq!(&headers[..3], ["id", "row", "outcome"]);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, row, outcome, error) = (col("id"), col("row"), col("outcome"), col("error"));

    // One output row per input row, in input order.
    let ids = input_ids(BOUNDARY_APPS);
    assert_eq!(ids.len(), 15);
    assert_eq!(rows.len(), ids.len());
    for (i, (out, input_id)) in rows.iter().zip(&ids).enumerate() {
        assert_eq!(out.len(), headers.len());
        assert_eq!(out[row], (i + 1).to_string());
        if input_id.starts_with('=') {
            // A formula in the id is defused for spreadsheets.
            assert_eq!(out[id], format!("'{input_id}"));
        } else {
            assert_eq!(&out[id], input_id);
        }
    }
    assert_eq!(rows[13][id], "'=HYPERLINK(\"x\")");
    assert!(
        r.stdout.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "{}",
        r.stdout
    );
    assert!(!r
        .stdout
        .lines()
        .any(|l| l.starts_with('=') || l.starts_with("\"=")));

    let outcomes: Vec<&str> = rows.iter().map(|r| r[outcome].as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "eligible",
            "not_eligible",
            "eligible",
            "not_eligible",
            // B05, B06: every school on the boundary road is at easting 0, so each is as near as
            // any other and counts as the nearest (clause 1.1.2 gives no tie-break).
            "eligible",
            "eligible",
            "not_eligible",
            "not_eligible",
            "eligible",
            "error",
            "error",
            "error",
            "error",
            "eligible",
            "error",
        ]
    );
    let err = |i: usize| rows[i][error].as_str();
    assert!(
        err(9).contains(&format!("{BOUNDARY_APPS}: line 11: field year_group")),
        "{}",
        err(9)
    );
    assert!(err(10).contains("999999"), "{}", err(10));
    assert!(
        err(11).contains(&format!("{BOUNDARY_APPS}: line 13: field easting")),
        "{}",
        err(11)
    );
    assert!(
        err(12).contains(&format!("{BOUNDARY_APPS}: line 14:")),
        "{}",
        err(12)
    );
    assert!(
        err(14).contains("cannot be placed on the walking network"),
        "{}",
        err(14)
    );

    // The summary: rows read = decided + errors.
    let read = summary_count(&r.stderr, "rows read");
    let decided = summary_count(&r.stderr, "decided");
    let errors = summary_count(&r.stderr, "errors");
    assert_eq!(read, 15);
    assert_eq!(errors, 5);
    assert_eq!(decided, 10);
    assert_eq!(read, decided + errors);
    // No personal data in the summary: no application id appears on stderr.
    for i in &ids {
        assert!(!r.stderr.contains(i.as_str()), "{i} on stderr");
    }

    insta::assert_snapshot!(
        "batch_boundary_applications_csv",
        redact_decisions_csv(&r.stdout)
    );
}

#[test]
fn batch_output_file_is_the_same_as_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("decisions.csv");
    let args = ["batch", BOUNDARY_APPS, "--area", BOUNDARY, "--no-progress"];
    let mut a = args.to_vec();
    a.extend(["-o", out.to_str().unwrap()]);
    let to_file = run(&a);
    assert_eq!(to_file.code, Some(3));
    assert!(to_file.stdout.is_empty());
    let mut a = args.to_vec();
    a.extend(["-o", "-"]);
    let to_stdout = run(&a);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), to_stdout.stdout);
}

/// The demo batch written to standard output; it exits 3 (the demo file ends with deliberately
/// bad rows).
fn demo_batch_to_stdout() -> common::Run {
    let r = run(&[
        "batch",
        "fixtures/demo/applications.csv",
        "-o",
        "-",
        "--no-progress",
    ]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    r
}

fn demo_batch(dir: &Path, name: &str, extra: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    let mut args = vec![
        "batch",
        "fixtures/demo/applications.csv",
        "-o",
        out.to_str().unwrap(),
        "--no-progress",
    ];
    args.extend(extra);
    let r = run(&args);
    // The demo file ends with deliberately bad rows.
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    std::fs::read(out).unwrap()
}

#[test]
fn batch_is_deterministic_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let one = demo_batch(dir.path(), "t1.csv", &["--threads", "1"]);
    let four = demo_batch(dir.path(), "t4.csv", &["--threads", "4"]);
    let four_again = demo_batch(dir.path(), "t4b.csv", &["--threads", "4"]);
    let one_again = demo_batch(dir.path(), "t1b.csv", &["--threads", "1"]);
    assert!(one == four, "--threads 1 and --threads 4 differ");
    assert!(four == four_again, "two runs with --threads 4 differ");
    assert!(one == one_again, "two runs with --threads 1 differ");
    // And one row per input row.
    let (_, rows) = parse_csv(std::str::from_utf8(&one).unwrap());
    assert_eq!(
        rows.len(),
        input_ids("fixtures/demo/applications.csv").len()
    );
}

/// id -> (outcome, basis, school_urn) from a decisions CSV.
fn decisions_by_id(csv_text: &str) -> HashMap<String, (String, String, String)> {
    let (headers, rows) = parse_csv(csv_text);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, outcome, basis, urn) = (col("id"), col("outcome"), col("basis"), col("school_urn"));
    rows.into_iter()
        .map(|r| {
            (
                r[id].clone(),
                (r[outcome].clone(), r[basis].clone(), r[urn].clone()),
            )
        })
        .collect()
}

#[test]
fn column_map_gives_the_same_decisions_as_the_canonical_file() {
    let export = run(&[
        "batch",
        "fixtures/demo/applications-council-export.csv",
        "--columns",
        "fixtures/demo/columns-example.toml",
        "-o",
        "-",
        "--no-progress",
    ]);
    assert!(
        export.code == Some(0) || export.code == Some(3),
        "{}",
        export.stderr
    );
    let canonical = demo_batch_to_stdout();

    let export_ids = input_ids("fixtures/demo/applications-council-export.csv");
    let from_export = decisions_by_id(&export.stdout);
    let from_canonical = decisions_by_id(&canonical.stdout);
    assert_eq!(from_export.len(), export_ids.len());
    assert!(!export_ids.is_empty());
    for id in &export_ids {
        let a = &from_export[id];
        assert_ne!(a.0, "error", "{id} is an error row under the column map");
        let b = from_canonical
            .get(id)
            .unwrap_or_else(|| panic!("{id} is not in applications.csv"));
        assert_eq!(a, b, "{id}: (outcome, basis, school) differ");
    }
}

// ---------------------------------------------------------------------------------------------
// policy show

#[test]
fn policy_show_text() {
    let r = ok(&["policy", "show"]);
    assert!(r.stdout.contains("GBP 825.00"), "{}", r.stdout);
    insta::assert_snapshot!("policy_show_text", redact(&r.stdout));
}

#[test]
fn policy_show_json_parses_and_holds_the_charge_in_pounds() {
    let r = ok(&["policy", "show", "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).expect("policy show --format json is JSON");
    // The policy is shown as written: GBP 825 (clause 1.3.2).
    assert_eq!(
        v["policy"]["surplus_seat"]["charge_gbp"].as_f64(),
        Some(825.0)
    );
}

#[test]
fn policy_show_json_charge_key_matches_its_unit() {
    let r = ok(&["policy", "show", "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let s = &v["policy"]["surplus_seat"];
    let pounds_ok = s
        .get("charge_gbp")
        .is_none_or(|g| g.as_f64() == Some(825.0));
    let pence_ok = s
        .get("charge_pence")
        .is_none_or(|p| p.as_i64() == Some(82500));
    assert!(pounds_ok && pence_ok, "surplus_seat: {s}");
}

// ---------------------------------------------------------------------------------------------
// schools near

#[test]
fn schools_near_sturminster_marshall_year9() {
    let r = ok(&schools_near_sturminster_y9());
    assert!(
        r.stdout.contains("Queen Elizabeth's School"),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!("schools_near_394813_99708_y9", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// route

fn check_json(args: &[&str]) -> Value {
    let mut a = vec!["check"];
    a.extend(args);
    a.extend(["--format", "json"]);
    serde_json::from_str(&ok(&a).stdout).unwrap()
}

fn point(f: &Value) -> (f64, f64) {
    let c = &f["geometry"]["coordinates"];
    (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
}

fn features_of_kind<'a>(fc: &'a Value, kind: &str) -> Vec<&'a Value> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["kind"] == kind)
        .collect()
}

#[test]
fn route_geojson_matches_the_decision() {
    // A Year 7 home 20 m off the road, 5000.5 m along it from the gates.
    let case = [
        "--area",
        BOUNDARY,
        "--easting",
        "5000.5",
        "--northing",
        "1020",
        "--year",
        "7",
        "--school",
        "900002",
    ];
    let decision = check_json(&case);
    let walking = decision["distances"]["walking_m"].as_f64().unwrap();
    let driven = decision["distances"]["driven_m"].as_f64().unwrap();
    assert_eq!(walking, 5000.5);

    for (mode, expected) in [("walk", walking), ("drive", driven)] {
        let mut a = vec!["route"];
        a.extend(case);
        a.extend(["--mode", mode]);
        let r = ok(&a);
        let fc: Value = serde_json::from_str(&r.stdout).expect("route output is JSON");
        assert_eq!(fc["type"], "FeatureCollection");
        assert_eq!(
            fc["crs"]["properties"]["name"],
            "urn:ogc:def:crs:EPSG::27700"
        );

        let routes = features_of_kind(&fc, "route");
        assert_eq!(routes.len(), 1, "{mode}");
        let route = routes[0];
        assert_eq!(route["geometry"]["type"], "LineString");
        assert_eq!(
            route["properties"]["length_m"].as_f64(),
            Some(expected),
            "{mode}: route length is not the decision's distance"
        );
        assert_eq!(route["properties"]["school_urn"], 900002);

        let coords = route["geometry"]["coordinates"].as_array().unwrap();
        assert!(coords.len() >= 2);
        let xy = |c: &Value| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        // The route's own length agrees with length_m.
        let len: f64 = coords
            .windows(2)
            .map(|w| {
                let (a, b) = (xy(&w[0]), xy(&w[1]));
                (b.0 - a.0).hypot(b.1 - a.1)
            })
            .sum();
        assert!((len - expected).abs() < 1e-6, "{mode}: {len} vs {expected}");

        let home = features_of_kind(&fc, "home");
        assert_eq!(home.len(), 1);
        assert_eq!(point(home[0]), (5000.5, 1020.0));
        let access = features_of_kind(&fc, "access_point");
        assert_eq!(access.len(), 1);
        let snap = point(access[0]);
        // The home meets the road at the perpendicular foot, 20 m south.
        assert_eq!(snap, (5000.5, 1000.0));
        assert_eq!(
            access[0]["properties"]["snap_distance_m"].as_f64(),
            Some(20.0)
        );
        assert_eq!(
            xy(&coords[0]),
            snap,
            "{mode}: route does not start at the snap point"
        );

        let entrances: Vec<(f64, f64)> = features_of_kind(&fc, "entrance")
            .into_iter()
            .map(point)
            .collect();
        assert!(!entrances.is_empty());
        let last = xy(coords.last().unwrap());
        assert!(
            entrances.contains(&last),
            "{mode}: route ends at {last:?}, not at an entrance {entrances:?}"
        );
        let used: Vec<&Value> = features_of_kind(&fc, "entrance")
            .into_iter()
            .filter(|f| f["properties"]["used"] == true)
            .collect();
        assert_eq!(used.len(), 1);
        assert_eq!(point(used[0]), last);
    }
}

#[test]
fn route_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("route.geojson");
    let mut a: Vec<&str> = year4_at_2_miles();
    a[0] = "route";
    a.extend(["-o", out.to_str().unwrap()]);
    let r = ok(&a);
    assert!(r.stdout.is_empty());
    let fc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let route = features_of_kind(&fc, "route");
    assert_eq!(route[0]["properties"]["length_m"].as_f64(), Some(3218.688));
}

#[test]
fn network_export_csv_lengths_are_exact_and_match_an_independent_dijkstra() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("edges.csv");
    let geojson_path = dir.path().join("edges.geojson");
    let r = run(&[
        "network",
        "export",
        "--area",
        BOUNDARY,
        "--csv",
        csv_path.to_str().unwrap(),
        "--geojson",
        geojson_path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    // 17 road edges (30 km), the 1-mile unsafe lane and the 100 m hamlet close.
    assert_eq!(rows.len(), 19);
    let total: i64 = rows.iter().map(|r| r[2].parse::<i64>().unwrap()).sum();
    assert_eq!(total, 30_000_000 + 1_609_344 + 100_000);
    // An independent Dijkstra over the exported list (walkable, safe edges, both ways): from the
    // school gate's junction (node of easting 0) to the 3-mile junction is 4,828,032 mm.
    let mut adj: HashMap<u32, Vec<(u32, i64)>> = HashMap::new();
    for r in &rows {
        if r[5] == "yes" {
            let (a, b, l) = (
                r[0].parse().unwrap(),
                r[1].parse().unwrap(),
                r[2].parse().unwrap(),
            );
            adj.entry(a).or_default().push((b, l));
            adj.entry(b).or_default().push((a, l));
        }
    }
    let mut dist: HashMap<u32, i64> = HashMap::from([(0, 0)]);
    let mut todo = vec![(0i64, 0u32)];
    while let Some((d, n)) = todo.pop() {
        if dist.get(&n).is_some_and(|&best| d > best) {
            continue;
        }
        for &(m, l) in adj.get(&n).into_iter().flatten() {
            if dist.get(&m).is_none_or(|&best| d + l < best) {
                dist.insert(m, d + l);
                todo.push((d + l, m));
                todo.sort_by(|x, y| y.cmp(x));
            }
        }
    }
    let three_miles = rows.iter().find(|r| r[7] == "road-7").unwrap()[1]
        .parse()
        .unwrap();
    assert_eq!(dist[&three_miles], 4_828_032);
    let g: Value = serde_json::from_str(&std::fs::read_to_string(&geojson_path).unwrap()).unwrap();
    assert_eq!(g["features"].as_array().unwrap().len(), 19);
}

/// The demo applications exercise every basis the policy can decide on (so that the demo batch
/// shows an officer each kind of decision).
#[test]
fn demo_batch_shows_every_basis() {
    let r = demo_batch_to_stdout();
    let (h, rows) = parse_csv(&r.stdout);
    let col = h.iter().position(|c| c == "basis").unwrap();
    let seen: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[col].as_str()).collect();
    // The bases the policy can decide on are the ones its letter gives words for (the policy
    // refuses a letter table that leaves one out or names one no rule gives).
    let shown = run(&["policy", "show", "--format", "json"]);
    let policy: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    let bases = policy["policy"]["letter"]["basis"].as_object().unwrap();
    assert!(bases.len() >= 20, "{}", bases.len());
    let missing: Vec<&str> = bases
        .keys()
        .map(String::as_str)
        .filter(|b| !seen.contains(b))
        .collect();
    assert!(missing.is_empty(), "the demo never decides on: {missing:?}");
}

/// A warning reads as one sentence: no run of spaces from a broken line continuation.
#[test]
fn the_ehcp_age_extension_warning_reads_as_plain_english() {
    let r = run(&[
        "check",
        "--case",
        "fixtures/cases/post16-section3/aged-20-ehcp-transport-not-necessary.toml",
        "--set",
        "ehcp_transport_necessary=",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    let w = warnings
        .iter()
        .find(|w| w.contains("age extension"))
        .unwrap_or_else(|| panic!("no age-extension warning in {warnings:?}"));
    assert!(w.contains("highlights transport as a necessity"), "{w}");
    assert!(!w.contains("  "), "{w}");
}

/// Clause 1.3.3's four categories cover every child refused free transport on a council contract
/// route (issue 11, item 2): every demo refusal charged the council's seat price (clause 1.3.2)
/// has a priority category, and none carries the warning that no category applied. Seats priced
/// by operators (one-school-one-operator routes, 1.3.1) have none: "Not applicable to OSOO
/// routes".
#[test]
fn every_demo_refusal_on_a_council_route_has_a_surplus_seat_priority() {
    let r = demo_batch_to_stdout();
    let (h, rows) = parse_csv(&r.stdout);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (outcome, charge, priority, warnings) = (
        col("outcome"),
        col("charge"),
        col("surplus_priority"),
        col("warnings"),
    );
    let refused_council: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[outcome] == "not_eligible" && r[charge].ends_with("(1.3.2)"))
        .collect();
    assert!(refused_council.len() > 100, "{}", refused_council.len());
    let without: Vec<&str> = refused_council
        .iter()
        .filter(|r| r[priority].is_empty())
        .map(|r| r[0].as_str())
        .collect();
    assert!(without.is_empty(), "no priority: {without:?}");
    assert!(!rows
        .iter()
        .any(|r| r[warnings].contains("no surplus seat priority category")));
    let operator_priced = rows
        .iter()
        .filter(|r| r[outcome] == "not_eligible" && r[charge].ends_with("(1.3.1)"));
    assert!(operator_priced.clone().count() > 10);
    assert!(operator_priced.into_iter().all(|r| r[priority].is_empty()));
}

/// `schools near` lists the schools `check` decides with (issue 11, item 8): for every demo
/// home, and for homes along the admissions test road (one beside a special school, which is
/// never a mainstream child's nearest school, clause 1.1.2), the school `schools near` puts first
/// is the one `check` calls the nearest suitable school.
#[test]
fn schools_near_and_check_agree_on_the_nearest_school() {
    let demo = std::fs::read_to_string(root().join("fixtures/demo/applications.csv")).unwrap();
    let (h, rows) = parse_csv(&demo);
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (e, n, y, s) = (
        col("easting"),
        col("northing"),
        col("year_group"),
        col("sex"),
    );
    let school_years = |y: &str| {
        let t = y.trim_start_matches('Y');
        t == "R" || t.parse::<u8>().is_ok_and(|n| (1..=11).contains(&n))
    };
    let mut homes: Vec<(&str, [String; 4])> = Vec::new();
    for r in &rows {
        let home = [r[e].clone(), r[n].clone(), r[y].clone(), r[s].clone()];
        if !r[e].is_empty() && school_years(&r[y]) && !homes.iter().any(|(_, h)| *h == home) {
            homes.push(("fixtures/demo", home));
        }
    }
    for x in (1000..=17000).step_by(1000) {
        for year in ["Y3", "Y9"] {
            let home = [x.to_string(), "1000".into(), year.into(), String::new()];
            homes.push(("fixtures/areas/admissions", home));
        }
    }
    let mut csv: HashMap<&str, String> = HashMap::new();
    for (i, (area, [e, n, y, s])) in homes.iter().enumerate() {
        let mut args = vec![
            "schools",
            "near",
            "--area",
            area,
            "--easting",
            e,
            "--northing",
            n,
            "--year",
            y,
            "--count",
            "1",
            "--format",
            "json",
        ];
        if !s.is_empty() {
            args.extend(["--sex", s]);
        }
        let r = run(&args);
        if r.code == Some(1)
            && (r.stderr.contains("cannot be placed") || r.stderr.contains("is not valid"))
        {
            continue; // a demo row off the map or with a bad field: `check` refuses it too
        }
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        let listed: Value = serde_json::from_str(&r.stdout).unwrap();
        let Some(urn) = listed[0]["urn"].as_u64() else {
            continue;
        };
        csv.entry(area)
            .or_insert_with(|| "id,easting,northing,year_group,sex,school_urn\n".into())
            .push_str(&format!("H{i},{e},{n},{y},{s},{urn}\n"));
    }
    let tmp = tempfile::tempdir().unwrap();
    for (area, text) in csv {
        let input = tmp.path().join("homes.csv");
        std::fs::write(&input, text).unwrap();
        let r = run(&[
            "batch",
            input.to_str().unwrap(),
            "--area",
            area,
            "-o",
            "-",
            "--no-progress",
        ]);
        assert!(matches!(r.code, Some(0) | Some(3)), "{}", r.stderr);
        let (h, rows) = parse_csv(&r.stdout);
        let reasons = h.iter().position(|c| c == "reasons").unwrap();
        assert!(rows.len() > 30, "{area}: {}", rows.len());
        for row in &rows {
            assert!(
                row[reasons].contains("the nearest suitable school for")
                    && !row[reasons].contains("is neither a catchment school"),
                "{area} {}: schools near's first school is not check's nearest: {}",
                row[0],
                row[reasons]
            );
        }
    }
}

/// Assistance the family pays for is not headlined as eligibility (issue 11, item 3): the 16+
/// scheme's 50% reduction is `assisted` with its charge in `check`'s text and JSON, the batch
/// CSV and summary, and the letter.
#[test]
fn a_paid_post16_pass_is_assisted_not_eligible() {
    const CASE: &str = "fixtures/cases/post16/y12-all-criteria-met.toml";
    let r = run(&["check", "--case", CASE]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains(": ASSISTED AT A CHARGE (post16 scheme)"),
        "{}",
        r.stdout
    );
    let r = run(&["check", "--case", CASE, "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["outcome"], "assisted");
    assert_eq!(v["charge"]["pence"], 41250);
    let r = run(&["report", "--case", CASE]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains(", at a charge"), "{}", r.stdout);
    assert!(
        r.stdout.contains("It is not free transport"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("Eligible for"), "{}", r.stdout);
    let r = demo_batch_to_stdout();
    let (h, rows) = parse_csv(&r.stdout);
    let (outcome, pence) = (
        h.iter().position(|c| c == "outcome").unwrap(),
        h.iter().position(|c| c == "charge_pence").unwrap(),
    );
    let assisted: Vec<&Vec<String>> = rows.iter().filter(|r| r[outcome] == "assisted").collect();
    assert!(!assisted.is_empty());
    assert!(assisted.iter().all(|r| r[pence] != "0"));
    assert!(rows
        .iter()
        .filter(|r| r[outcome] == "eligible")
        .all(|r| r[pence] == "0"));
    assert!(
        r.stderr
            .contains(&format!("  assisted: {}\n", assisted.len())),
        "{}",
        r.stderr
    );
}
