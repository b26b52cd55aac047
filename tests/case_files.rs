//! Case files and catchments given to `check` (issue 9, item 9): `check --case` decides on the
//! case file's own `area =` (and `policy =`, `as_of =`) unless a flag overrides it, as `policy
//! test` does, and names the case when what it chose cannot be loaded; a case file's TOML error
//! names the file, line and column without quoting the line (case files hold personal data); a
//! catchment polygon that crosses itself is refused naming the feature and where.

use std::path::{Path, PathBuf};

mod common;

use common::{root, run};

/// A worked case on the boundary area (`area = "../../areas/boundary"`): Year 7, exactly three
/// miles from Boundary Secondary School (URN 900002, not in the demo area).
const WC_009: &str = "fixtures/cases/1.1.1-statutory-distance/y7-secondary-exactly-3-miles.toml";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn check_with_a_case_file_decides_on_the_case_files_area() {
    let r = run(&["check", "--case", WC_009]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("Application WC-009: ELIGIBLE (statutory distance), clause 1.1.1(ii)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("walking 3.000 mi"), "{}", r.stdout);
    // The record names the area the case was decided on, so replay finds it again.
    let tmp = tempfile::tempdir().unwrap();
    let rec = tmp.path().join("rec.json");
    let r = run(&["check", "--case", WC_009, "--record", s(&rec)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&rec).unwrap()).unwrap();
    assert_eq!(
        json["sources"]["area"],
        "fixtures/cases/1.1.1-statutory-distance/../../areas/boundary"
    );
    let r = run(&["replay", s(&rec)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("reproduced: WC-009 eligible"),
        "{}",
        r.stdout
    );
}

#[test]
fn route_and_report_with_a_case_file_use_its_area_too() {
    let r = run(&["route", "--case", WC_009]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("Boundary Secondary School"),
        "{}",
        r.stdout
    );
    let r = run(&["report", "--case", WC_009, "--format", "svg"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn an_area_flag_overrides_the_case_files_area() {
    // The demo area has no school 900002: the flag was used, and the case cannot be decided.
    let r = run(&["check", "--case", WC_009, "--area", "fixtures/demo"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stdout.contains("unknown school URN 900002"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_case_files_area_that_cannot_be_loaded_is_named_with_the_case() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.toml");
    std::fs::write(
        &case,
        "area = \"no-such-area\"\n\n[case]\nid = \"C1\"\neasting = 1\nnorthing = 1\n\
         year_group = \"Y7\"\nschool_urn = 900002\n",
    )
    .unwrap();
    let r = run(&["check", "--case", s(&case)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let e = &r.stderr;
    assert!(
        e.contains(&format!("for the case {}", case.display()))
            && e.contains(s(&tmp.path().join("no-such-area"))),
        "{e}"
    );
}

#[test]
fn a_case_file_toml_error_names_line_and_column_but_never_quotes_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.toml");
    // An unterminated date of birth on line 4: the value is personal data.
    std::fs::write(
        &case,
        "[case]\nid = \"C1\"\neasting = 394813\ndate_of_birth = \"2010-05-0\nnorthing = 99708\n",
    )
    .unwrap();
    let r = run(&["check", "--case", s(&case)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let e = &r.stderr;
    assert!(
        e.starts_with(&format!(
            "schoolrun: error: {}, line 4, column ",
            case.display()
        )) && e.contains("not a valid case file"),
        "{e}"
    );
    for personal in ["2010-05-0", "394813", "99708", "C1"] {
        assert!(!e.contains(personal), "the error quotes {personal}: {e}");
    }
    // A wrongly typed top-level value is named by its position too.
    std::fs::write(&case, "as_of = 2021-09-01\n[case]\nid = \"C1\"\n").unwrap();
    let e = run(&["check", "--case", s(&case)]).stderr;
    assert!(e.contains(", line 1, column "), "{e}");
    assert!(!e.contains("|"), "the error quotes the file: {e}");
}

/// A copy of the boundary test area with a catchments file.
fn boundary_with_catchments(geojson: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("boundary");
    std::fs::create_dir(&dir).unwrap();
    for f in std::fs::read_dir(root().join("fixtures/areas/boundary")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
    }
    let manifest = dir.join("area.toml");
    let mut m = std::fs::read_to_string(&manifest).unwrap();
    m.push_str("catchments = \"catchments.geojson\"\n");
    std::fs::write(&manifest, m).unwrap();
    std::fs::write(dir.join("catchments.geojson"), geojson).unwrap();
    (tmp, dir)
}

#[test]
fn a_self_intersecting_catchment_is_refused_naming_the_feature_and_where() {
    let (_tmp, dir) = boundary_with_catchments(
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Square","schools":[900001]},"geometry":{"type":"Polygon","coordinates":[[[0,500],[10000,500],[10000,2000],[0,2000],[0,500]]]}},
{"type":"Feature","properties":{"name":"Bow tie","schools":[900002]},"geometry":{"type":"Polygon","coordinates":[[[1000,500],[3000,2500],[3000,500],[1000,2500],[1000,500]]]}}
]}
"#,
    );
    let mut args = vec!["check", "--area", s(&dir)];
    args.extend(common::BOUNDARY_Y4_AT_2_MILES);
    let r = run(&args);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let file = dir.join("catchments.geojson");
    assert!(
        r.stderr.contains(&format!(
            "{}: feature 1 (\"Bow tie\"), geometry: the exterior ring crosses or touches itself \
             at (2000.0, 1500.0)",
            file.display()
        )),
        "{}",
        r.stderr
    );
}

/// `resident_in_area` was `dorset_resident`: a case file or `--set` under the former name is
/// still read (WC-100, not resident: not eligible), and a case file giving both names is refused.
#[test]
fn the_former_name_of_resident_in_area_is_still_read() {
    const WC_100: &str = "fixtures/cases/post16/y12-not-resident.toml";
    let text = std::fs::read_to_string(root().join(WC_100)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("post16");
    std::fs::create_dir_all(&dir).unwrap();
    let area = root().join("fixtures/areas/boundary");
    let with_area = |t: &str| t.replace("\"../../areas/boundary\"", &format!("{:?}", s(&area)));
    let old = dir.join("old.toml");
    std::fs::write(
        &old,
        with_area(&text.replace("resident_in_area = false", "dorset_resident = false")),
    )
    .unwrap();
    let r = run(&["check", "--case", s(&old)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("NOT ELIGIBLE"), "{}", r.stdout);
    assert!(r.stdout.contains("not resident"), "{}", r.stdout);
    let r = run(&["check", "--case", WC_100, "--set", "dorset_resident=yes"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stdout.contains("not resident"), "{}", r.stdout);
    let both = dir.join("both.toml");
    std::fs::write(
        &both,
        with_area(&text.replace(
            "resident_in_area = false",
            "resident_in_area = false\ndorset_resident = false",
        )),
    )
    .unwrap();
    let r = run(&["check", "--case", s(&both)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("gives resident_in_area twice"),
        "{}",
        r.stderr
    );
}

/// A worked case checks only what its `[expect]` gives (no outcome needed), a misspelt
/// expectation is an error naming the file and line instead of a case that can never pass, and
/// one invalid case fails alone: the others still run and the summary counts every case.
#[test]
fn worked_case_expectations_are_checked_and_a_bad_case_fails_alone() {
    let text = std::fs::read_to_string(root().join(WC_009)).unwrap();
    let area = root().join("fixtures/areas/boundary");
    let text = text.replace("\"../../areas/boundary\"", &format!("{:?}", s(&area)));
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, body: String| std::fs::write(tmp.path().join(name), body).unwrap();
    write("a-ok.toml", text.clone());
    write(
        "b-no-outcome.toml",
        text.replace("outcome = \"eligible\"\n", ""),
    );
    write(
        "c-outcome.toml",
        text.replace("outcome = \"eligible\"", "outcome = \"eligble\""),
    );
    write(
        "d-basis.toml",
        text.replace("basis = \"statutory_distance\"", "basis = \"statutory\""),
    );
    write(
        "e-miles.toml",
        text.replace("walking_miles = 3.0", "walking_miles = \"two\""),
    );
    let empty = text.split("[expect]").next().unwrap().to_string() + "[expect]\n";
    write("f-empty.toml", empty);
    write("g-broken.toml", "[case\n".to_string());
    let r = run(&["policy", "test", s(tmp.path())]);
    assert_eq!(r.code, Some(4), "{}{}", r.stdout, r.stderr);
    let line = |name: &str| {
        r.stdout
            .lines()
            .skip_while(|l| !l.contains(name))
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(line("a-ok.toml").starts_with("PASS"), "{}", r.stdout);
    assert!(
        line("b-no-outcome.toml").starts_with("PASS"),
        "{}",
        r.stdout
    );
    let c = line("c-outcome.toml");
    assert!(c.starts_with("INVALID"), "{c}");
    assert!(
        c.contains("line 18, column 11") && c.contains("unknown variant `eligble`"),
        "{c}"
    );
    let d = line("d-basis.toml");
    assert!(d.starts_with("INVALID"), "{d}");
    assert!(
        d.contains("basis \"statutory\" is not a basis of the policy")
            && d.contains("statutory_distance"),
        "{d}"
    );
    let e = line("e-miles.toml");
    assert!(e.starts_with("INVALID"), "{e}");
    assert!(e.contains("expected miles as a number"), "{e}");
    assert!(
        line("f-empty.toml").contains("[expect] expects nothing"),
        "{}",
        r.stdout
    );
    assert!(line("g-broken.toml").starts_with("INVALID"), "{}", r.stdout);
    assert!(r.stdout.contains("2 passed, 5 failed"), "{}", r.stdout);
}

/// The former field name in the other places a case comes from: `--set` refuses a field given
/// under both names (naming the field, never the value), and a decision record written before the
/// rename replays as it was decided.
#[test]
fn the_former_name_is_read_from_flags_and_records_too() {
    const WC_100: &str = "fixtures/cases/post16/y12-not-resident.toml";
    let r = run(&[
        "check",
        "--case",
        WC_100,
        "--set",
        "dorset_resident=zz-canary",
        "--set",
        "resident_in_area=yes",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("resident_in_area is already set"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("zz-canary"), "{}", r.stderr);
    let tmp = tempfile::tempdir().unwrap();
    let rec = tmp.path().join("rec.json");
    let r = run(&["check", "--case", WC_100, "--record", s(&rec)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(&rec).unwrap();
    assert!(text.contains("\"resident_in_area\""), "{text}");
    // As an old record holds it: the case's fields in name order, the former name among them.
    let (head, rest) = text.split_once("\"case\": {\n").unwrap();
    let (fields, tail) = rest.split_once("\n  },").unwrap();
    let mut lines: Vec<String> = fields
        .lines()
        .map(|l| {
            l.trim_end_matches(',')
                .replace("\"resident_in_area\"", "\"dorset_resident\"")
        })
        .collect();
    lines.sort();
    let old = format!("{head}\"case\": {{\n{}\n  }},{tail}", lines.join(",\n"));
    assert!(old.contains("\"dorset_resident\": \"no\""), "{old}");
    std::fs::write(&rec, old).unwrap();
    let r = run(&["replay", s(&rec)]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("reproduced: WC-100 not_eligible"),
        "{}",
        r.stdout
    );
}
