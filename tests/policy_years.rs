//! Policy years: the 2021-22 overlay on 2022-23, `--academic-year`, `policy diff` (text and JSON
//! goldens), overlay errors that name their files, and a batch of the demo applications under
//! both years.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{ok, run, schoolrun, Run};

/// Replaces every 64-digit hex SHA-256 with `<sha256>` (policy files change as clauses are added).
fn redact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut hex = String::new();
    let flush = |hex: &mut String, out: &mut String| {
        if hex.len() == 64 {
            out.push_str("<sha256>");
        } else {
            out.push_str(hex);
        }
        hex.clear();
    };
    for c in s.chars() {
        if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
            hex.push(c);
        } else {
            flush(&mut hex, &mut out);
            out.push(c);
        }
    }
    flush(&mut hex, &mut out);
    out
}

#[test]
fn help_policy_diff() {
    let r = ok(&["policy", "diff", "--help"]);
    insta::assert_snapshot!("help_policy_diff", r.stdout);
}

#[test]
fn policy_diff_2021_22_to_2022_23_text() {
    let r = ok(&["policy", "diff", "2021-22", "2022-23"]);
    assert!(
        r.stdout
            .contains("~ surplus_seat.charge_gbp (clause 1.3.2): 800.0 -> 825.0"),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!("policy_diff_2021_22_2022_23_text", r.stdout);
}

#[test]
fn policy_diff_2021_22_to_2022_23_json() {
    let r = ok(&["policy", "diff", "2021-22", "2022-23", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let charge = v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "surplus_seat.charge_gbp")
        .expect("the charge differs");
    assert_eq!(charge["clause"], "1.3.2");
    assert_eq!(charge["old"], 800.0);
    assert_eq!(charge["new"], 825.0);
    // Both the overlay and its base are named, with their hashes.
    let files: Vec<&str> = v["from"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("2021-22/policy.toml")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("2022-23/home-to-school.toml")),
        "{files:?}"
    );
    insta::assert_snapshot!("policy_diff_2021_22_2022_23_json", redact(&r.stdout));
}

#[test]
fn policy_diff_of_a_policy_with_itself_is_empty_and_exits_0() {
    let r = ok(&["policy", "diff", "2022-23", "policy/2022-23"]);
    assert!(
        r.stdout
            .contains("0 differences (0 changed, 0 added, 0 removed)"),
        "{}",
        r.stdout
    );
}

#[test]
fn academic_year_selects_the_policy_and_conflicts_with_policy() {
    let r = ok(&["policy", "show", "--academic-year", "2021-22"]);
    assert!(
        r.stdout.contains("surplus seat charge GBP 800.00"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("(2021-22)"), "{}", r.stdout);
    let r = schoolrun()
        .env("SCHOOLRUN_ACADEMIC_YEAR", "2021-22")
        .args(["policy", "show"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&r.stdout).contains("GBP 800.00"),
        "SCHOOLRUN_ACADEMIC_YEAR is not used"
    );
    let r = run(&[
        "check",
        "--academic-year",
        "2021-22",
        "--policy",
        "policy/2022-23",
        "--easting",
        "400773",
        "--northing",
        "100255",
        "--year",
        "7",
        "--school",
        "141757",
    ]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--academic-year"), "{}", r.stderr);
    let r = run(&["policy", "show", "--academic-year", "1999-00"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("policy/1999-00"), "{}", r.stderr);
    assert!(r.stderr.contains("2021-22"), "{}", r.stderr);
}

#[test]
fn check_under_2021_22_charges_800_and_records_both_policy_files() {
    let r = ok(&[
        "check",
        "--academic-year",
        "2021-22",
        "--easting",
        "400773",
        "--northing",
        "100255",
        "--year",
        "7",
        "--school",
        "141757",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["charge"]["pence"], 80000, "{}", r.stdout);
    assert_eq!(v["origin"]["academic_year"], "2021-22");
    assert_eq!(v["origin"]["network_as_of"], "2020-09-01");
    let files: Vec<String> = v["origin"]["policy_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("policy/2021-22/policy.toml")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f.ends_with("home-to-school.toml")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f.ends_with("post-16.toml")),
        "{files:?}"
    );
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

#[test]
fn batch_under_2021_22_differs_from_2022_23_only_in_charges_and_the_post16_age_date() {
    let batch = |year: &str| {
        let r = run(&[
            "batch",
            "fixtures/demo/applications.csv",
            "-o",
            "-",
            "--academic-year",
            year,
            "--threads",
            "2",
            "--no-progress",
        ]);
        assert_eq!(r.code, Some(3), "{}", r.stderr);
        csv_rows(&r.stdout)
    };
    let (h21, rows21) = batch("2021-22");
    let (h22, rows22) = batch("2022-23");
    assert_eq!(h21, h22);
    assert_eq!(rows21.len(), rows22.len());
    let col = |name: &str| h22.iter().position(|h| h == name).unwrap();
    let (pence, charge, policy_sha) = (col("charge_pence"), col("charge"), col("policy_sha256"));
    let mut differing: BTreeSet<String> = BTreeSet::new();
    let mut charged = 0;
    for (a, b) in rows21.iter().zip(&rows22) {
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            if x != y {
                differing.insert(h22[i].clone());
            }
        }
        // Reasons and warnings differ only in the dates that follow the academic year: its first
        // day (2021-09-01 instead of 2022-09-01, e.g. clause 4.1's periods), the post-16 age taken
        // on 31 August before it (Post-16 3) and the 31 May application deadline (Post-16 2.4).
        let year_earlier = |t: &str| {
            t.replace("2022-09-01", "2021-09-01")
                .replace("2022-08-31", "2021-08-31")
                .replace("2022-05-31", "2021-05-31")
        };
        for name in ["reasons", "warnings"] {
            let c = col(name);
            let xa: Vec<&str> = a[c].split(" | ").collect();
            let xb: Vec<&str> = b[c].split(" | ").collect();
            assert_eq!(xa.len(), xb.len(), "row {}: {name}", a[col("row")]);
            for (x, y) in xa.iter().zip(&xb) {
                let age_line = x.contains("on 2021-08-31") && y.contains("on 2022-08-31");
                assert!(
                    age_line || *x == year_earlier(y),
                    "row {}: {name} differ other than in the academic year's dates:\n{x}\n{y}",
                    a[col("row")]
                );
            }
        }
        if a[pence] != b[pence] {
            charged += 1;
            let (p21, p22): (i64, i64) = (a[pence].parse().unwrap(), b[pence].parse().unwrap());
            // 800 / 825 of the 2022-23 charge: GBP 825 -> 800, and the post-16 half GBP 412.50 -> 400.
            assert_eq!(
                p21 * 825,
                p22 * 800,
                "row {}: {p21} vs {p22}",
                a[col("row")]
            );
            assert!(a[charge].contains("GBP"), "{:?}", a[charge]);
        }
    }
    assert!(charged > 0, "no row carries a council surplus seat charge");
    let allowed: BTreeSet<String> = [&h22[pence], &h22[charge], &h22[policy_sha]]
        .into_iter()
        .cloned()
        .chain(["reasons".to_string(), "warnings".to_string()])
        .collect();
    assert!(
        differing.is_subset(&allowed),
        "columns other than the charge and provenance differ: {:?}",
        differing.difference(&allowed).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------------------------
// Bad overlays: every error names the file (and line where there is one).

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn show(policy: &Path) -> Run {
    let r = run(&["policy", "show", "--policy", policy.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "expected a failure:\n{}", r.stdout);
    r
}

/// A temporary policy root holding a copy of the real 2022-23 policy as `base`.
fn root_with_base() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let real = common::root().join("policy/2022-23");
    for e in std::fs::read_dir(real).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        write(
            t.path(),
            &format!("base/{name}"),
            &std::fs::read_to_string(&p).unwrap(),
        );
    }
    t
}

#[test]
fn overlay_with_a_missing_base_names_the_file_and_line() {
    let t = root_with_base();
    write(
        t.path(),
        "y/policy.toml",
        "# x\n[overlay]\nbase = \"../nowhere\"\n",
    );
    let r = show(&t.path().join("y"));
    assert!(r.stderr.contains("policy.toml, line 3"), "{}", r.stderr);
    assert!(r.stderr.contains("nowhere"), "{}", r.stderr);
}

#[test]
fn overlay_overriding_an_unknown_key_names_the_file_and_line() {
    let t = root_with_base();
    write(
        t.path(),
        "y/policy.toml",
        "[overlay]\nbase = \"../base\"\n\n[surplus_seat]\nquote = \"q\"\ncharge_gpb = 800.00\n",
    );
    let r = show(&t.path().join("y"));
    assert!(
        r.stderr.contains("policy.toml, line 6: overrides surplus_seat.charge_gpb, which the base policy does not have"),
        "{}",
        r.stderr
    );
}

#[test]
fn overlay_changing_a_value_without_a_quote_is_refused() {
    let t = root_with_base();
    write(
        t.path(),
        "y/policy.toml",
        "[overlay]\nbase = \"../base\"\n\n[surplus_seat]\ncharge_gbp = 800.00\n",
    );
    let r = show(&t.path().join("y"));
    assert!(r.stderr.contains("policy.toml, line 5"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("changes surplus_seat.charge_gbp but gives no new quote in [surplus_seat]"),
        "{}",
        r.stderr
    );
}

#[test]
fn overlay_with_a_bad_value_names_both_files() {
    let t = root_with_base();
    write(
        t.path(),
        "y/policy.toml",
        "[overlay]\nbase = \"../base\"\n\n[surplus_seat]\nquote = \"q\"\ncharge_gbp = 800.001\n",
    );
    let r = show(&t.path().join("y"));
    assert!(
        r.stderr.contains("home-to-school.toml with"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("y/policy.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("pounds and pence"), "{}", r.stderr);
}

#[test]
fn overlay_cycle_is_reported_with_the_directories() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "a/policy.toml", "[overlay]\nbase = \"../b\"\n");
    write(t.path(), "b/policy.toml", "[overlay]\nbase = \"../a\"\n");
    let r = show(&t.path().join("a"));
    assert!(r.stderr.contains("cycle"), "{}", r.stderr);
    assert!(r.stderr.contains("/a -> "), "{}", r.stderr);
    assert!(r.stderr.contains("/b -> "), "{}", r.stderr);
}
