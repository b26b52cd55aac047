//! An installed `schoolrun` works from any directory (issue 12, part 4): the Dorset policies are
//! built into the binary and are the default away from a checkout, named and fingerprinted like
//! a directory so that a record replays; command-line flags win over the environment; shell
//! completions and the manual page are generated from the same definition as the help.

mod common;

use common::root;

/// `schoolrun` run from `dir` (not the repository), with `env` set.
fn run_in(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> common::Run {
    let mut c = common::schoolrun_in(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    common::run_command(c, args)
}

fn demo() -> String {
    root().join("fixtures/demo").display().to_string()
}

#[test]
fn away_from_a_checkout_the_built_in_policy_decides_and_a_record_replays() {
    let tmp = tempfile::tempdir().unwrap();
    let area = demo();
    let mut args = vec!["check", "--area", &area];
    args.extend(common::STURMINSTER_Y9_QE);
    args.extend(["--record", "rec.json"]);
    let r = run_in(tmp.path(), &[], &args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("Application CHECK: ELIGIBLE (statutory distance), clause 1.1.1(ii)"),
        "{}",
        r.stdout
    );
    // The built-in files carry the repository files' fingerprints.
    let here = common::ok(&["policy", "show"]).stdout;
    let sha = |text: &str, file: &str| {
        text.lines()
            .find(|l| l.contains(file))
            .and_then(|l| l.split("sha256 ").nth(1))
            .map(str::to_string)
    };
    assert!(
        r.stdout
            .contains("builtin:policy/2022-23/home-to-school.toml"),
        "{}",
        r.stdout
    );
    assert_eq!(
        sha(&r.stdout, "home-to-school.toml"),
        sha(&here, "home-to-school.toml"),
        "{here}"
    );
    let r = run_in(tmp.path(), &[], &["replay", "rec.json", "--area", &area]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("reproduced"), "{}", r.stdout);
    // policy show says which policy it is.
    let r = run_in(tmp.path(), &[], &["policy", "show"]);
    assert!(
        r.stdout
            .contains("builtin:policy/2022-23/post-16.toml  sha256 "),
        "{}",
        r.stdout
    );
}

#[test]
fn the_academic_year_flag_wins_over_the_policy_environment_variable() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = root().join("policy/2022-23").display().to_string();
    let env = [("SCHOOLRUN_POLICY", policy.as_str())];
    let r = run_in(
        tmp.path(),
        &env,
        &["policy", "show", "--academic-year", "2021-22"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("(2021-22)"), "{}", r.stdout);
    // The variable alone applies.
    let r = run_in(tmp.path(), &env, &["policy", "show"]);
    assert!(
        r.stdout.contains("(2022-23)") && r.stdout.contains(&policy),
        "{}",
        r.stdout
    );
    // Both flags on the command line are still a usage error.
    let r = run_in(
        tmp.path(),
        &[],
        &[
            "policy",
            "show",
            "--policy",
            &policy,
            "--academic-year",
            "2021-22",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    // A year that is not built in is named with those that are.
    let r = run_in(
        tmp.path(),
        &[],
        &["policy", "show", "--academic-year", "2019-20"],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("built-in years: 2021-22, 2022-23"),
        "{}",
        r.stderr
    );
}

#[test]
fn completions_and_the_manual_page_are_generated() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = run_in(tmp.path(), &[], &["completions", shell]);
        assert_eq!(r.code, Some(0), "{shell}: {}", r.stderr);
        assert!(
            r.stdout.contains("schoolrun") && r.stdout.contains("academic-year"),
            "{shell}"
        );
    }
    let r = run_in(tmp.path(), &[], &["man"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains(".TH schoolrun 1"), "{}", r.stdout);
    assert!(r.stdout.contains("batch"), "{}", r.stdout);
}

#[test]
fn a_route_for_web_maps_is_written_in_longitude_and_latitude() {
    let args = |crs: &'static str| {
        let mut a = vec!["route"];
        a.extend(common::STURMINSTER_Y9_QE);
        a.extend(["--crs", crs]);
        a
    };
    let bng: serde_json::Value = serde_json::from_str(&common::ok(&args("bng")).stdout).unwrap();
    let wgs: serde_json::Value = serde_json::from_str(&common::ok(&args("wgs84")).stdout).unwrap();
    assert!(
        bng.get("crs").is_some() && wgs.get("crs").is_none(),
        "{wgs}"
    );
    let first = |v: &serde_json::Value| v["features"][0]["geometry"]["coordinates"][0].clone();
    let (e, n) = (
        first(&bng)[0].as_f64().unwrap(),
        first(&bng)[1].as_f64().unwrap(),
    );
    let (lon, lat) = (
        first(&wgs)[0].as_f64().unwrap(),
        first(&wgs)[1].as_f64().unwrap(),
    );
    // Longitude first (RFC 7946), in Dorset, and back on the grid to within a few centimetres
    // (seven decimal places of a degree).
    assert!(
        (-2.5..-1.5).contains(&lon) && (50.5..51.0).contains(&lat),
        "{lon} {lat}"
    );
    let back = schoolrun::geodesy::wgs84_to_bng(lat, lon).unwrap();
    assert!(
        (back.x() - e).abs() < 0.05 && (back.y() - n).abs() < 0.05,
        "{back:?} vs {e} {n}"
    );
}

#[test]
fn a_network_export_for_web_maps_is_in_longitude_and_latitude() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("net.geojson");
    common::ok(&[
        "network",
        "export",
        "--area",
        "fixtures/demo",
        "--geojson",
        out.to_str().unwrap(),
        "--crs",
        "wgs84",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(v.get("crs").is_none());
    let features = v["features"].as_array().unwrap();
    assert!(features.len() > 1000);
    for f in features {
        for c in f["geometry"]["coordinates"].as_array().unwrap() {
            let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (-3.0..-1.5).contains(&lon) && (50.4..51.1).contains(&lat),
                "{c}"
            );
        }
    }
}
