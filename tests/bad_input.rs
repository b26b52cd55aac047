//! Bad input: every broken policy, area or applications file, and every bad case, gives a clear
//! message naming the file and the line, row, field, feature or property at fault, and exits
//! with code 1 (never 101, a panic). Broken files are copies of the fixtures in temporary
//! directories; nothing in the repository is modified.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

mod common;

use common::{root, run, Run, BOUNDARY};

/// Runs a command that must fail with exit code 1 and one `schoolrun: error:` message; returns
/// the message.
fn fails(args: &[&str]) -> String {
    let r = run(args);
    assert_eq!(
        r.code,
        Some(1),
        "schoolrun {args:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("schoolrun: error: ")),
        "no error message: {}",
        r.stderr
    );
    r.stderr
}

/// Asserts `text` contains every one of `parts`.
#[track_caller]
fn has(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "expected {p:?} in:\n{text}");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A temporary copy of a fixture directory (relative to the repository root).
fn copy_of(fixture: &str) -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(Path::new(fixture).file_name().unwrap());
    copy_dir(&root().join(fixture), &dir);
    (tmp, dir)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `check` of the boundary area's Year 4 child at 2 miles, on the given area and policy.
fn check_args<'a>(area: &'a str, policy: &'a str) -> Vec<&'a str> {
    let mut args = vec!["check", "--area", area, "--policy", policy];
    args.extend(common::BOUNDARY_Y4_AT_2_MILES);
    args
}

fn check_area(area: &Path) -> Vec<&str> {
    check_args(s(area), "policy/2022-23")
}

/// Replaces the first line satisfying `pick` with `new`; returns its 1-based line number.
fn replace_line(file: &Path, pick: impl Fn(&str) -> bool, new: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let i = lines
        .iter()
        .position(|l| pick(l))
        .unwrap_or_else(|| panic!("no matching line in {}", file.display()));
    lines[i] = new.to_string();
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
    i + 1
}

// ---------------------------------------------------------------------------------------------
// Policy

#[test]
fn missing_policy_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-policy");
    let e = fails(&check_args(BOUNDARY, s(&missing)));
    has(&e, &[s(&missing)]);
    let e = fails(&["policy", "show", "--policy", s(&missing)]);
    has(&e, &[s(&missing)]);
}

#[test]
fn policy_toml_syntax_error_names_file_line_and_column() {
    let (_tmp, dir) = copy_of("policy/2022-23");
    let file = dir.join("home-to-school.toml");
    // An unterminated string.
    let line = replace_line(
        &file,
        |l| l.starts_with("council = "),
        "council = \"Dorset Council",
    );
    for e in [
        fails(&check_args(BOUNDARY, s(&dir))),
        fails(&["policy", "show", "--policy", s(&dir)]),
    ] {
        has(&e, &[s(&file), &format!("line {line}"), "column"]);
    }
}

#[test]
fn policy_value_error_names_file_line_and_value() {
    let (_tmp, dir) = copy_of("policy/2022-23");
    let file = dir.join("home-to-school.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text
        .find("comparison = \">=\"")
        .expect("a >= comparison in the policy");
    let line = text[..at].matches('\n').count() + 1;
    std::fs::write(
        &file,
        text.replacen("comparison = \">=\"", "comparison = \"=>\"", 1),
    )
    .unwrap();
    let e = fails(&check_args(BOUNDARY, s(&dir)));
    has(&e, &[s(&file), &format!("line {line}"), "=>"]);
    let e = fails(&["policy", "show", "--policy", s(&dir)]);
    has(&e, &[s(&file), &format!("line {line}"), "=>"]);
}

// ---------------------------------------------------------------------------------------------
// Area

#[test]
fn missing_area_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-area");
    let e = fails(&check_area(&missing));
    has(&e, &[s(&missing)]);
}

#[test]
fn area_toml_naming_a_missing_schools_file() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    replace_line(
        &dir.join("area.toml"),
        |l| l.starts_with("schools ="),
        "schools = \"missing-schools.csv\"",
    );
    let e = fails(&check_area(&dir));
    has(
        &e,
        &["missing-schools.csv", "schools", s(&dir.join("area.toml"))],
    );
}

#[test]
fn area_toml_without_a_network() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let manifest = dir.join("area.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("network ="))
        .collect();
    std::fs::write(&manifest, kept.join("\n") + "\n").unwrap();
    let e = fails(&check_area(&dir));
    has(&e, &[s(&manifest), "network"]);
}

#[test]
fn schools_csv_with_a_bad_number_names_line_and_field() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = dir.join("schools.csv");
    let line = replace_line(
        &file,
        |l| l.starts_with("900003,"),
        "900003,Boundary Catholic High School,0,10x0,11,16,Mixed,Roman Catholic,Voluntary aided school,838,council_contract,,yes",
    );
    assert_eq!(line, 4);
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file), "line 4", "Northing", "10x0"]);
}

#[test]
fn empty_schools_csv() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = dir.join("schools.csv");
    std::fs::write(&file, "").unwrap();
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file), "empty"]);
    // A header row and no schools is no better.
    let header = std::fs::read_to_string(root().join(BOUNDARY).join("schools.csv")).unwrap();
    std::fs::write(&file, header.lines().next().unwrap().to_string() + "\n").unwrap();
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file)]);
}

/// The decision without its origin (file hashes differ between copies of an area).
fn decision_part(check_stdout: &str) -> &str {
    check_stdout.split("  Policy: ").next().expect("a decision")
}

#[test]
fn schools_csv_with_bom_and_crlf_loads() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = dir.join("schools.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(text.replace('\n', "\r\n").into_bytes());
    std::fs::write(&file, bytes).unwrap();
    let with_bom = run(&check_area(&dir));
    assert_eq!(with_bom.code, Some(0), "{}", with_bom.stderr);
    let original = run(&check_area(&root().join(BOUNDARY)));
    assert_eq!(original.code, Some(0));
    assert_eq!(
        decision_part(&with_bom.stdout),
        decision_part(&original.stdout)
    );
    assert!(with_bom.stdout.contains("ELIGIBLE"));
}

/// Writes a network with the boundary road (so the schools still meet it) and one more
/// feature whose coordinates are `coords` (JSON text).
fn network_with(dir: &Path, coords: &str) -> PathBuf {
    let file = dir.join("network.geojson");
    let road = r#"{"type":"Feature","properties":{"id":"road","walk":true,"drive":true},"geometry":{"type":"LineString","coordinates":[[0,1000],[30000,1000]]}}"#;
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{road},\n\
         {{\"type\":\"Feature\",\"properties\":{{\"id\":\"bad\",\"walk\":true,\"drive\":true}},\
         \"geometry\":{{\"type\":\"LineString\",\"coordinates\":{coords}}}}}\n]}}\n"
    );
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn network_test_helper_makes_a_good_network() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    network_with(&dir, "[[30000,1000],[31000,1000]]");
    let r = run(&check_area(&dir));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn network_geojson_malformed_json_names_line() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = dir.join("network.geojson");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.len() / 2]).unwrap();
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file), "line"]);
}

#[test]
fn network_with_nan_coordinate() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = network_with(&dir, "[[30000,1000],[NaN,1000]]");
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file), "line 3"]);
}

#[test]
fn network_with_a_coordinate_too_large_for_a_number() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = network_with(&dir, "[[30000,1000],[1e400,1000]]");
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file), "line 3"]);
}

#[test]
fn network_with_an_infinitely_long_edge() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = network_with(&dir, "[[-1e308,1000],[1e308,1000]]");
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file), "outside the British National Grid"]);
}

#[test]
fn network_with_a_coordinate_outside_the_national_grid() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = network_with(&dir, "[[30000,1000],[9000000,1000]]");
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file), "feature 1", "9000000"]);
}

#[test]
fn network_in_latitude_longitude_names_the_feature() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let file = network_with(&dir, "[[-2.1,50.7],[-2.0,50.71]]");
    let e = fails(&check_area(&dir));
    has(
        &e,
        &[s(&file), "feature 1", "longitude/latitude", "EPSG:27700"],
    );
}

#[test]
fn catchment_naming_an_unknown_school() {
    let (_tmp, dir) = copy_of(BOUNDARY);
    let manifest = dir.join("area.toml");
    let mut m = std::fs::read_to_string(&manifest).unwrap();
    m.push_str("catchments = \"catchments.geojson\"\n");
    std::fs::write(&manifest, m).unwrap();
    let file = dir.join("catchments.geojson");
    std::fs::write(
        &file,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Boundary catchment","schools":[900001]},"geometry":{"type":"Polygon","coordinates":[[[0,500],[10000,500],[10000,2000],[0,2000],[0,500]]]}},
{"type":"Feature","properties":{"name":"Ghost catchment","schools":"900002; 912345"},"geometry":{"type":"Polygon","coordinates":[[[0,500],[10000,500],[10000,2000],[0,2000],[0,500]]]}}
]}
"#,
    )
    .unwrap();
    let e = fails(&check_area(&dir));
    has(&e, &[s(&file), "Ghost catchment", "912345"]);
}

// ---------------------------------------------------------------------------------------------
// Applications

fn batch(input: &Path, out: &str) -> Run {
    run(&[
        "batch",
        s(input),
        "-o",
        out,
        "--area",
        BOUNDARY,
        "--no-progress",
    ])
}

#[test]
fn applications_missing_a_required_column_lists_the_headers_found() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("apps.csv");
    std::fs::write(&file, "id,year_group,school_urn,foo\nX,4,900001,1\n").unwrap();
    let out = tmp.path().join("out.csv");
    let r = batch(&file, s(&out));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    has(
        &r.stderr,
        &[
            s(&file),
            "line 1",
            "easting",
            "id, year_group, school_urn, foo",
        ],
    );
    // Missing id as well: every missing column is named at once.
    std::fs::write(&file, "easting,northing,year_group\n1,2,4\n").unwrap();
    let e = fails(&["batch", s(&file), "-o", s(&out), "--area", BOUNDARY]);
    has(&e, &["id", "school_urn", "easting, northing, year_group"]);
}

#[test]
fn column_map_naming_a_column_the_file_lacks() {
    let tmp = tempfile::tempdir().unwrap();
    let map = tmp.path().join("map.toml");
    std::fs::write(&map, "[columns]\nid = \"Application Number\"\n").unwrap();
    let e = fails(&[
        "batch",
        "fixtures/demo/applications-council-export.csv",
        "--columns",
        s(&map),
        "-o",
        "-",
    ]);
    has(&e, &["Application Number", "Application Ref"]);
}

#[test]
fn empty_applications_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("apps.csv");
    std::fs::write(&file, "").unwrap();
    let r = batch(&file, "-");
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    has(&r.stderr, &[s(&file), "empty"]);
    // A byte-order mark and a blank line are still empty.
    std::fs::write(&file, b"\xEF\xBB\xBF\r\n").unwrap();
    let r = batch(&file, "-");
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    has(&r.stderr, &[s(&file), "empty"]);
}

#[test]
fn applications_with_bom_and_crlf_load_with_correct_line_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("apps.csv");
    std::fs::write(
        &file,
        b"\xEF\xBB\xBFid,easting,northing,year_group,school_urn\r\n\
          A1,3218.688,1000,4,900001\r\n\
          A2,3218.688,1000,Y15,900001\r\n\
          \r\n\
          A3,NaN,1000,4,900001\r\n\
          A4,3217.688,1000,R,900001\r\n",
    )
    .unwrap();
    let r = batch(&file, "-");
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let ids: Vec<&str> = rows.iter().map(|r| &r[col("id")]).collect();
    // The BOM is not part of the first header, so `id` is found and A1 reads as A1.
    assert_eq!(ids, ["A1", "A2", "A3", "A4"]);
    assert_eq!(&rows[0][col("outcome")], "eligible");
    assert_eq!(&rows[3][col("outcome")], "not_eligible");
    let e2 = &rows[1][col("error")];
    has(e2, &[s(&file), "line 3", "year_group"]);
    // Cells are personal data: a message names the field, never quotes it (issue 9).
    assert!(!e2.contains("Y15"), "{e2}");
    let e3 = &rows[2][col("error")];
    has(e3, &[s(&file), "line 5", "easting"]);
    assert!(!e3.contains("NaN"), "{e3}");
}

// ---------------------------------------------------------------------------------------------
// check

fn check_case(easting: &str, northing: &str, year: &str) -> Vec<String> {
    [
        "check",
        "--area",
        BOUNDARY,
        "--easting",
        easting,
        "--northing",
        northing,
        "--year",
        year,
        "--school",
        "900001",
    ]
    .map(String::from)
    .to_vec()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn check_with_a_bad_year_group_names_the_field() {
    let e = fails(&refs(&check_case("3218.688", "1000", "Y15")));
    has(&e, &["year_group", "is not a year group"]);
    assert!(!e.contains("Y15"), "the value is never echoed: {e}");
}

#[test]
fn check_with_a_nan_easting_names_the_field() {
    let e = fails(&refs(&check_case("NaN", "1000", "4")));
    has(&e, &["easting", "is not a number"]);
    assert!(!e.contains("NaN"), "the value is never echoed: {e}");
}

#[test]
fn check_with_latitude_longitude_given_as_easting_northing() {
    let e = fails(&refs(&check_case("-2.1", "50.7", "4")));
    has(&e, &["easting", "British National Grid"]);
}

#[test]
fn check_with_a_missing_case_file() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("case.toml");
    let e = fails(&["check", "--area", BOUNDARY, "--case", s(&missing)]);
    has(&e, &[s(&missing)]);
}

#[test]
fn check_with_a_home_far_outside_the_network() {
    for format in ["text", "json"] {
        let mut args = check_case("100000", "100000", "4");
        args.extend(["--format".into(), format.into()]);
        let r = run(&refs(&args));
        // Either a failure or a decision whose outcome is error; never a panic, never a decision.
        assert!(
            r.code == Some(0) || r.code == Some(1),
            "exit {:?}: {}",
            r.code,
            r.stderr
        );
        let all = format!("{}{}", r.stdout, r.stderr);
        has(
            &all,
            &["home cannot be placed on the walking network", "50 m"],
        );
        if format == "json" && !r.stdout.is_empty() {
            let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
            assert_eq!(v["outcome"], "error");
            assert!(v["basis"].is_null());
        } else {
            assert!(!r.stdout.contains("ELIGIBLE ("), "{}", r.stdout);
        }
    }
}

#[test]
fn route_with_a_home_far_outside_the_network() {
    let mut args = check_case("100000", "100000", "4");
    args[0] = "route".into();
    let e = fails(&refs(&args));
    has(
        &e,
        &["home cannot be placed on the walking network", "50 m"],
    );
}

#[test]
fn route_far_home_error_is_said_once() {
    let mut args = check_case("100000", "100000", "4");
    args[0] = "route".into();
    let e = fails(&refs(&args));
    assert_eq!(e.matches("the nearest usable path is").count(), 1, "{e}");
}

#[test]
fn batch_output_to_an_unwritable_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("no-such-dir").join("out.csv");
    let e = fails(&[
        "batch",
        "tests/data/boundary-applications.csv",
        "-o",
        s(&out),
        "--area",
        BOUNDARY,
    ]);
    has(&e, &[s(&out)]);
}
