//! A batch never loses a row, never destroys a file and never prints a child's details: the
//! faults of issue 9 (items 1, 2, 3, 8 and 9), each tried on the real binary.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{root, run, schoolrun};

const HEAD: &str = "id,easting,northing,year_group,sex,school_urn";

/// A valid row of the demo (Sturminster Marshall, Year 9, Queen Elizabeth's School).
fn good(id: &str) -> String {
    format!("{id},394813,99708,9,M,141526")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The data rows of a decisions CSV (CRLF lines after the header).
fn output_rows(p: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(p).unwrap();
    text.split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn an_unclosed_quote_refuses_the_whole_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let apps = write(
        dir.path(),
        "apps.csv",
        &format!(
            "{HEAD}\n{}\n\"A2,394813,99708,9,M,141526\n{}\n{}\n",
            good("A1"),
            good("A3"),
            good("A4")
        ),
    );
    let out = write(dir.path(), "out.csv", "previous run\n");
    let r = run(&["batch", s(&apps), "-o", s(&out)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("apps.csv: line 3: a quote"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "previous run\n",
        "the old output survives"
    );
}

#[test]
fn a_quote_that_closes_rows_later_is_one_error_row_naming_the_lines_and_every_line_counts() {
    let dir = tempfile::tempdir().unwrap();
    let apps = write(
        dir.path(),
        "apps.csv",
        &format!(
            "{HEAD}\n{}\nA2,\"394813,99708,9,M,141526\nA3,394813\",99708,9,M,141526\n{}\n",
            good("A1"),
            good("A4")
        ),
    );
    let out = dir.path().join("out.csv");
    let r = run(&["batch", s(&apps), "-o", s(&out)]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    let rows = output_rows(&out);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[1].contains("lines 3-4"), "{}", rows[1]);
    assert!(
        r.stderr
            .contains("lines read: 5 (header 1, rows 4, blank or empty and skipped 0)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("rows read: 3"), "{}", r.stderr);
}

#[test]
fn blank_and_whitespace_lines_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let apps = write(
        dir.path(),
        "apps.csv",
        &format!(
            "{HEAD}\n{}\n   \n\n{}\n,,,,,\n{}\n\n",
            good("A1"),
            good("A2"),
            good("A3")
        ),
    );
    let out = dir.path().join("out.csv");
    let r = run(&["batch", s(&apps), "-o", s(&out)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(output_rows(&out).len(), 3);
    assert!(r.stderr.contains("rows read: 3"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("lines read: 8 (header 1, rows 3, blank or empty and skipped 4)"),
        "{}",
        r.stderr
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let text = format!("{HEAD}\n{}\n{}\n", good("A1"), good("A2"));
    let assert = schoolrun()
        .args(["batch", "-", "-o", s(&out)])
        .write_stdin(text)
        .assert();
    let o = assert.get_output();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(output_rows(&out).len(), 2);
}

#[test]
fn an_output_that_is_an_input_is_a_usage_error_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEAD}\n{}\n", good("A1"));
    let apps = write(dir.path(), "apps.csv", &text);
    let link = dir.path().join("link.csv");
    std::fs::hard_link(&apps, &link).unwrap();
    for target in [&apps, &link] {
        let r = run(&["batch", s(&apps), "-o", s(target)]);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains("is one of the inputs"), "{}", r.stderr);
        assert_eq!(std::fs::read_to_string(&apps).unwrap(), text);
    }
    // A file of the area is an input too.
    let area_copy = dir.path().join("area");
    std::fs::create_dir(&area_copy).unwrap();
    let schools = root().join("fixtures/demo/schools.csv");
    let r = run(&["batch", s(&apps), "-o", s(&schools)]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

#[test]
fn write_errors_name_the_output() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let apps = write(dir.path(), "apps.csv", &format!("{HEAD}\n{}\n", good("A1")));
    let r = run(&["batch", s(&apps), "-o", "/dev/full"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("cannot write /dev/full"), "{}", r.stderr);
    assert!(Path::new("/dev/full").exists());
}

#[test]
fn duplicate_columns_and_unknown_map_keys_are_refused_naming_where() {
    let dir = tempfile::tempdir().unwrap();
    let apps = write(
        dir.path(),
        "apps.csv",
        &format!("{HEAD},Sex\n{},F\n", good("A1")),
    );
    let out = dir.path().join("out.csv");
    let r = run(&["batch", s(&apps), "-o", s(&out)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("columns 5 and 7 are both 'sex'"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());

    let apps = write(dir.path(), "ok.csv", &format!("{HEAD}\n{}\n", good("A1")));
    let map = write(
        dir.path(),
        "map.toml",
        "[columns]\nid = \"id\"\nschool = \"school_urn\"\n",
    );
    let r = run(&["batch", s(&apps), "-o", s(&out), "--columns", s(&map)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("map.toml: line 3: [columns] key 'school'"),
        "{}",
        r.stderr
    );
}

/// Canary personal details in every cell, in files whose shape is wrong in the ways a council's
/// export goes wrong: none of them may reach stderr.
#[test]
fn no_cell_of_a_bad_file_reaches_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let canaries = [
        "CANARYID77",
        "Canary Childname",
        "7 Canary Lane",
        "CA1 7RY",
        "canary@example.org",
        "canary benefit note",
        "391234.5",
        "87654.5",
    ];
    let row = canaries.join(",");
    let semi = canaries.join(";");
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("headerless.csv", format!("{row}\n{row}\n"), vec![]),
        (
            "semicolons.csv",
            format!("id;easting;northing;year_group;school_urn\n{semi}\n"),
            vec![],
        ),
        ("headerless-semi.csv", format!("{semi}\n{semi}\n"), vec![]),
        (
            "mapped.csv",
            format!("{row}\n{row}\n"),
            vec!["--columns", "MAP"],
        ),
        (
            "bad-cells.csv",
            format!(
                "id,easting,northing,year_group,school_urn,sex,date_of_birth,faith_evidence\n\
                 {},{},{},{},{},{},{},{}\n",
                canaries[0],
                canaries[1],
                canaries[2],
                canaries[3],
                canaries[4],
                canaries[5],
                canaries[6],
                canaries[7]
            ),
            vec![],
        ),
    ];
    let map = write(
        dir.path(),
        "map.toml",
        "[columns]\nid = \"Reference\"\nyear_group = \"NCY\"\n",
    );
    for (name, text, extra) in cases {
        let apps = write(dir.path(), name, &text);
        let out = dir.path().join("out.csv");
        let mut args = vec!["batch", s(&apps), "-o", s(&out)];
        args.extend(extra.iter().map(|a| if *a == "MAP" { s(&map) } else { a }));
        let r = run(&args);
        assert_ne!(r.code, Some(0), "{name}: {}", r.stderr);
        for c in canaries {
            assert!(
                !r.stderr.contains(c),
                "{name}: stderr shows {c}:\n{}",
                r.stderr
            );
        }
        // Error rows say what is wrong without the cells, too.
        if out.exists() {
            let rows = output_rows(&out);
            for c in &canaries[1..] {
                assert!(
                    rows.iter()
                        .all(|r| !r.split(',').skip(2).any(|cell| cell.contains(c))),
                    "{name}: an error message quotes {c}: {rows:?}"
                );
            }
        }
    }
}

/// The demo's applications many times over, renumbered: a run long enough to kill part-way.
fn big_input(dir: &Path, copies: usize) -> PathBuf {
    let text = std::fs::read_to_string(root().join("fixtures/demo/applications.csv")).unwrap();
    let mut lines = text.lines();
    let head = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let p = dir.join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(f, "{head}").unwrap();
    for c in 0..copies {
        for l in &body {
            writeln!(f, "C{c}-{l}").unwrap();
        }
    }
    f.flush().unwrap();
    p
}

#[test]
fn a_killed_batch_leaves_the_old_output_or_the_complete_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path(), 20);
    let reference = dir.path().join("reference.csv");
    let started = std::time::Instant::now();
    let r = run(&["batch", s(&input), "-o", s(&reference), "--threads", "2"]);
    let whole_run = started.elapsed();
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    let complete = std::fs::read(&reference).unwrap();
    let out = dir.path().join("out.csv");
    let old = b"the previous run's decisions\r\n".to_vec();
    let bin = assert_cmd::cargo::cargo_bin("schoolrun");
    let mut outcomes = Vec::new();
    // Kills spread over the run (start-up, reading, deciding, writing), then one after it ends.
    for fraction in [0.0, 0.05, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95, 3.0] {
        std::fs::write(&out, &old).unwrap();
        let mut child = Command::new(&bin)
            .current_dir(root())
            .args(["batch", s(&input), "-o", s(&out), "--threads", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole_run.mul_f64(fraction));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = std::fs::read(&out).unwrap();
        assert!(
            now == old || now == complete,
            "killed at {fraction} of the run: the output is neither the old file nor the \
             complete new one ({} bytes)",
            now.len()
        );
        outcomes.push(now == complete);
    }
    // The last kill comes after the run has finished.
    assert_eq!(outcomes.last(), Some(&true), "{outcomes:?}");
}

#[test]
fn a_run_that_fails_late_leaves_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let apps = write(dir.path(), "apps.csv", &format!("{HEAD}\n{}\n", good("A1")));
    let out = write(dir.path(), "out.csv", "old\n");
    // The records folder cannot be created: a file is in the way.
    let blocker = write(dir.path(), "records", "a file, not a folder");
    let r = run(&[
        "batch",
        s(&apps),
        "-o",
        s(&out),
        "--records",
        &format!("{}/sub", s(&blocker)),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old\n");
}

#[test]
fn the_output_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path(), 9);
    let mut outs = Vec::new();
    for t in ["1", "2", "3"] {
        let out = dir.path().join(format!("out{t}.csv"));
        let r = run(&["batch", s(&input), "-o", s(&out), "--threads", t]);
        assert_eq!(r.code, Some(3), "{}", r.stderr);
        outs.push(std::fs::read(&out).unwrap());
    }
    assert!(outs.windows(2).all(|w| w[0] == w[1]));
    // 9 copies of 584 rows, more than one chunk.
    assert_eq!(output_rows(&dir.path().join("out1.csv")).len(), 9 * 584);
}
