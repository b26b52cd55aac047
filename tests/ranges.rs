//! Numbers that can only be mistakes (issue 9, item 7 and the flags of item 9): every numeric
//! flag outside the range its help gives is a usage error (exit 2) naming the flag, before any
//! work; a policy value outside its documented range is refused naming the file, line and column
//! (an overlay's own line and column); an area's snap distance and an audit's tolerance likewise
//! name the file and where in it.

use std::path::{Path, PathBuf};

mod common;

use common::{root, run, STURMINSTER_Y9_QE};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs a command that must be refused as a usage error naming `flag`.
#[track_caller]
fn usage_error(args: &[&str], flag: &str) {
    let r = run(args);
    assert_eq!(r.code, Some(2), "schoolrun {args:?}\nstderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains(flag) && r.stderr.contains("invalid value"),
        "schoolrun {args:?}: the message should name {flag}:\n{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

fn check_with(extra: &[&'static str]) -> Vec<&'static str> {
    let mut a = vec!["check"];
    a.extend(STURMINSTER_Y9_QE);
    a.extend(extra);
    a
}

#[test]
fn numeric_flags_outside_their_ranges_are_usage_errors_naming_the_flag() {
    for v in ["NaN", "inf", "0", "2000.5", "1e9", "many"] {
        usage_error(&check_with(&["--max-snap", v]), "--max-snap");
    }
    for v in ["NaN", "-1", "5.01", "inf"] {
        usage_error(&check_with(&["--margin-miles", v]), "--margin-miles");
    }
    // 100000 threads once ran 15 s and then failed; it is refused at once.
    for v in ["0", "100000", "1025", "x"] {
        usage_error(
            &[
                "batch",
                "fixtures/demo/applications.csv",
                "-o",
                "-",
                "--threads",
                v,
            ],
            "--threads",
        );
    }
    for v in ["0", "1001"] {
        let mut args = common::schools_near_sturminster_y9();
        args.extend(["--count", v]);
        usage_error(&args, "--count");
    }
    // The same flags for the other commands that take the sources.
    usage_error(
        &["network", "export", "--csv", "-", "--max-snap", "NaN"],
        "--max-snap",
    );
}

#[test]
fn numeric_flags_at_the_ends_of_their_ranges_are_accepted() {
    for extra in [
        ["--max-snap", "2000"],
        ["--max-snap", "250"],
        ["--margin-miles", "0"],
        ["--margin-miles", "5"],
    ] {
        let r = run(&check_with(&extra));
        assert_eq!(r.code, Some(0), "{extra:?}: {}", r.stderr);
    }
    // A tiny snap distance is a usable setting (this home is then too far from the network).
    let r = run(&check_with(&["--max-snap", "0.5"]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(!r.stderr.contains("invalid value"), "{}", r.stderr);
    let r = run(&[
        "batch",
        "fixtures/demo/applications.csv",
        "-o",
        "-",
        "--no-progress",
        "--threads",
        "1024",
    ]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
}

#[test]
fn flag_help_gives_the_ranges() {
    let check = run(&["check", "--help"]).stdout;
    assert!(check.contains("at most 2000"), "{check}");
    assert!(check.contains("0 to 5"), "{check}");
    let batch = run(&["batch", "--help"]).stdout;
    assert!(batch.contains("1 to 1024"), "{batch}");
    let near = run(&["schools", "near", "--help"]).stdout;
    assert!(near.contains("1 to 1000"), "{near}");
}

/// A one-file overlay on the shipped 2022-23 policy, in a temporary directory.
fn overlay(body: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("policy.toml");
    let base = root().join("policy/2022-23");
    std::fs::write(
        &file,
        format!(
            "[overlay]\nbase = \"{}\"\n\n{body}",
            base.display().to_string().replace('\\', "/")
        ),
    )
    .unwrap();
    (tmp, file)
}

#[test]
fn an_overlay_charge_of_1e300_is_refused_naming_file_line_and_column() {
    let (tmp, file) = overlay("[surplus_seat]\nquote = \"a typo\"\ncharge_gbp = 1e300\n");
    let dir = s(tmp.path());
    let expected = format!(
        "schoolrun: error: {}, line 6, column 14: surplus_seat.charge_gbp: 1e300 is outside the \
         plausible range of amounts, 0 to 100000 pounds (merged: ",
        file.display()
    );
    let r = run(&["policy", "show", "--policy", dir]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.starts_with(&expected), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    // A batch is refused before any row is decided (432 rows once got i64::MAX pence each).
    let r = run(&[
        "batch",
        "fixtures/demo/applications.csv",
        "--policy",
        dir,
        "-o",
        "-",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains(&expected), "{}", r.stderr);
}

#[test]
fn overlay_values_outside_other_ranges_are_refused_where_written() {
    for (body, key, says) in [
        (
            "[follow_up.appeal]\nquote = \"q\"\nreview_days = 20000\n",
            "follow_up.appeal.review_days",
            "20000 is outside the plausible range of days, 0 to 366",
        ),
        (
            "[follow_up.journey_time]\nquote = \"q\"\n\n[[follow_up.journey_time.band]]\n\
             years = [\"R\", \"Y6\"]\ncomparison = \"<=\"\nmax_minutes = 100000\n",
            "max_minutes",
            "outside the plausible range of minutes",
        ),
        (
            "[walk_start]\nquote = \"q\"\nambiguous_within_m = 500\n",
            "walk_start.ambiguous_within_m",
            "500 is outside the plausible range of metres, 0 to 100",
        ),
        (
            "[walk_start]\nquote = \"q\"\nat = \"front_door\"\n",
            "walk_start.at",
            "unknown variant `front_door`, expected `adopted_road` or `nearest_path`",
        ),
    ] {
        let (tmp, file) = overlay(body);
        let r = run(&["policy", "show", "--policy", s(tmp.path())]);
        assert_eq!(r.code, Some(1), "{body}: {}", r.stderr);
        let e = &r.stderr;
        assert!(
            e.contains(&format!("{}, line ", file.display()))
                && e.contains(", column ")
                && e.contains(key)
                && e.contains(says),
            "{body}: {e}"
        );
    }
}

#[test]
fn a_policy_file_value_outside_its_range_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(root().join("policy/2022-23")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, tmp.path().join(f.file_name().unwrap())).unwrap();
    }
    let file = tmp.path().join("home-to-school.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("charge_gbp = "))
        .unwrap()
        + 1;
    std::fs::write(
        &file,
        text.replacen("charge_gbp = 825.00", "charge_gbp = 1e300", 1),
    )
    .unwrap();
    let r = run(&["policy", "show", "--policy", s(tmp.path())]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{}: TOML parse error at line {line}, column 14",
            file.display()
        )) && r
            .stderr
            .contains("1e300 is outside the plausible range of amounts"),
        "{}",
        r.stderr
    );
}

/// A copy of the dated test area (it has route safety audits).
fn dated_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dated");
    std::fs::create_dir(&dir).unwrap();
    for f in std::fs::read_dir(root().join("fixtures/areas/dated")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
    }
    (tmp, dir)
}

#[test]
fn an_audit_tolerance_of_1e308_is_refused_naming_the_feature() {
    let (_tmp, dir) = dated_copy();
    let audits = dir.join("audits.geojson");
    let text = std::fs::read_to_string(&audits).unwrap();
    assert!(text.contains("\"tolerance_m\": 2"));
    std::fs::write(
        &audits,
        text.replacen("\"tolerance_m\": 2", "\"tolerance_m\": 1e308", 1),
    )
    .unwrap();
    let r = run(&["network", "export", "--csv", "-", "--area", s(&dir)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let e = &r.stderr;
    assert!(
        e.contains(s(&audits))
            && e.contains("feature 1")
            && e.contains("tolerance_m")
            && e.contains("from 0 to 100"),
        "{e}"
    );
}

#[test]
fn an_area_snap_distance_beyond_2000_m_is_refused_naming_file_and_line() {
    let (_tmp, dir) = dated_copy();
    let manifest = dir.join("area.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("max_snap_m = 50", "max_snap_m = 1e9", 1),
    )
    .unwrap();
    let r = run(&["network", "export", "--csv", "-", "--area", s(&dir)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains(s(&manifest))
            && r.stderr.contains("line 6, max_snap_m")
            && r.stderr.contains("up to 2000"),
        "{}",
        r.stderr
    );
}
