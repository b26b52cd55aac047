//! Standard output that cannot be written (issue 9, item 4): every printing command is run with
//! its standard output a pipe whose reader has already gone (as `| head -c 1` leaves it) and a
//! full disk (`/dev/full`). None may panic; a closed pipe ends the run quietly with exit 0 (as
//! ripgrep and other Unix filters do); a full disk is exit 1 with a message naming standard
//! output. Standard error that cannot be written must not panic either.

mod common;

use std::fs::OpenOptions;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{root, run, STURMINSTER_Y9_QE};

/// The binary run from the repository root with the same fixed environment as
/// `common::schoolrun`, as a std `Command` so that its standard output can be any file.
fn schoolrun() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("schoolrun"));
    c.current_dir(root())
        .env_remove("SCHOOLRUN_POLICY")
        .env_remove("SCHOOLRUN_ACADEMIC_YEAR")
        .env_remove("SCHOOLRUN_AREA")
        .env("COLUMNS", "100")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Where a command's standard output goes.
#[derive(Debug, Clone, Copy)]
enum Sink {
    /// A pipe whose read end is closed before the child starts: its first write fails.
    Closed,
    /// A pipe whose reader takes one byte and closes (`| head -c 1`); only outputs larger than
    /// the pipe buffer (64 KiB on Linux) are sure to fail.
    HeadOneByte,
    /// `/dev/full`: every write fails with "No space left on device".
    Full,
}

/// Runs `schoolrun ARGS` with standard output to `sink`; fails the test on a panic.
fn run_into(args: &[String], sink: Sink) -> Output {
    let mut cmd = schoolrun();
    cmd.args(args);
    let out = match sink {
        Sink::Closed => {
            let (reader, writer) = std::io::pipe().expect("pipe");
            drop(reader);
            cmd.stdout(writer).output().expect("spawn schoolrun")
        }
        Sink::Full => {
            let full = OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .expect("open /dev/full");
            cmd.stdout(full).output().expect("spawn schoolrun")
        }
        Sink::HeadOneByte => {
            let mut child = cmd.stdout(Stdio::piped()).spawn().expect("spawn schoolrun");
            let mut stdout = child.stdout.take().expect("piped");
            let mut byte = [0u8; 1];
            let _ = stdout.read(&mut byte);
            drop(stdout);
            child.wait_with_output().expect("wait for schoolrun")
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(101),
        "schoolrun {args:?} into {sink:?} exited 101:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "schoolrun {args:?} into {sink:?} panicked:\n{stderr}"
    );
    out
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// A closed pipe: exit 0 and no error message.
fn assert_quiet(args: &[String], sink: Sink) {
    let out = run_into(args, sink);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "schoolrun {args:?} into {sink:?}:\n{stderr}"
    );
    assert!(
        !stderr.contains("error") && !stderr.contains("standard output"),
        "schoolrun {args:?} into {sink:?} is not quiet:\n{stderr}"
    );
}

/// A full disk: exit 1 and one error naming standard output.
fn assert_full_is_named(args: &[String]) {
    let out = run_into(args, Sink::Full);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "schoolrun {args:?}:\n{stderr}");
    assert!(
        stderr.contains("schoolrun: error: cannot write to standard output: ")
            && stderr.contains("No space left on device"),
        "schoolrun {args:?} into /dev/full:\n{stderr}"
    );
    assert_eq!(stderr.matches("schoolrun: error").count(), 1, "{stderr}");
}

/// A decision record and two decisions files for replay, report --record and diff.
struct Made {
    _dir: tempfile::TempDir,
    record: PathBuf,
    old: PathBuf,
    new: PathBuf,
}

fn made() -> Made {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("rec.json");
    let mut args = vec!["check", "--record", record.to_str().unwrap()];
    args.extend(STURMINSTER_Y9_QE);
    assert_eq!(run(&args).code, Some(0));
    let old = dir.path().join("old.csv");
    let new = dir.path().join("new.csv");
    for (path, year) in [(&old, "2021-22"), (&new, "2022-23")] {
        let r = run(&[
            "batch",
            "fixtures/demo/applications.csv",
            "--academic-year",
            year,
            "--no-progress",
            "-o",
            path.to_str().unwrap(),
        ]);
        // The demo holds rows that cannot be decided on purpose (exit 3).
        assert_eq!(r.code, Some(3), "{}", r.stderr);
    }
    Made {
        _dir: dir,
        record,
        old,
        new,
    }
}

fn path(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Every command that prints to standard output, except `batch -o -` (tested apart).
fn printing_commands(m: &Made) -> Vec<Vec<String>> {
    let check = |extra: &[&str]| {
        let mut a = strings(&["check"]);
        a.extend(strings(&STURMINSTER_Y9_QE));
        a.extend(strings(extra));
        a
    };
    let mut route = strings(&["route", "-o", "-"]);
    route.extend(strings(&STURMINSTER_Y9_QE));
    let mut report = strings(&["report", "-o", "-"]);
    report.extend(strings(&STURMINSTER_Y9_QE));
    vec![
        check(&[]),
        check(&["--format", "json"]),
        strings(&common::schools_near_sturminster_y9()),
        route,
        vec!["replay".into(), path(&m.record)],
        report,
        vec![
            "report".into(),
            "--record".into(),
            path(&m.record),
            "--format".into(),
            "svg".into(),
        ],
        strings(&["policy", "show"]),
        strings(&["policy", "show", "--format", "json"]),
        strings(&["policy", "test", "fixtures/cases/1.1.1-statutory-distance"]),
        strings(&["policy", "diff", "2021-22", "2022-23"]),
        strings(&["policy", "diff", "2021-22", "2022-23", "--format", "json"]),
        vec![
            "diff".into(),
            path(&m.old),
            path(&m.new),
            "-o".into(),
            "-".into(),
        ],
        vec![
            "diff".into(),
            path(&m.old),
            path(&m.new),
            "--format".into(),
            "csv".into(),
        ],
        strings(&["network", "export", "--csv", "-"]),
        strings(&["network", "export", "--geojson", "-"]),
        strings(&["--help"]),
    ]
}

fn batch_to_stdout() -> Vec<String> {
    strings(&[
        "batch",
        "fixtures/demo/applications.csv",
        "--no-progress",
        "-o",
        "-",
    ])
}

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let m = made();
    for args in printing_commands(&m) {
        assert_quiet(&args, Sink::Closed);
    }
    assert_quiet(&batch_to_stdout(), Sink::Closed);
}

#[test]
fn a_reader_that_stops_after_one_byte_ends_large_outputs_quietly() {
    // Both are several times the 64 KiB pipe buffer, so the write really fails.
    assert_quiet(
        &strings(&["network", "export", "--geojson", "-"]),
        Sink::HeadOneByte,
    );
    assert_quiet(&batch_to_stdout(), Sink::HeadOneByte);
}

#[test]
fn a_full_disk_is_an_error_naming_standard_output() {
    let m = made();
    for args in printing_commands(&m) {
        assert_full_is_named(&args);
    }
}

/// `batch -o -` into a full disk fails without a panic, with exit 1 and the cause.
#[test]
fn batch_into_a_full_disk_fails_with_the_cause() {
    let args = batch_to_stdout();
    let out = run_into(&args, Sink::Full);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
}

/// batch into a full disk: the message names standard output.
#[test]
fn batch_into_a_full_disk_names_standard_output() {
    assert_full_is_named(&batch_to_stdout());
}

/// Standard error on a full disk: the command's own exit code, no panic.
#[test]
fn a_full_standard_error_does_not_panic() {
    let full = || {
        OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("open /dev/full")
    };
    let code = |args: &[&str]| {
        let out = schoolrun()
            .args(args)
            .stdout(Stdio::null())
            .stderr(full())
            .output()
            .expect("spawn schoolrun");
        out.status.code()
    };
    // An error message, progress notes, and a usage error.
    assert_eq!(code(&["check", "--year", "9"]), Some(1));
    assert_eq!(code(&["network", "export", "--csv", "-"]), Some(0));
    assert_eq!(code(&["check", "--no-such-flag"]), Some(2));
}

/// `batch` notes and its summary on a full standard error: no panic, the run's own exit code.
#[test]
fn batch_with_a_full_standard_error_does_not_panic() {
    let full = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("open /dev/full");
    let out = schoolrun()
        .args(batch_to_stdout())
        .stdout(Stdio::null())
        .stderr(full)
        .output()
        .expect("spawn schoolrun");
    // The demo ends with nine bad rows: exit 3, as with a working standard error.
    assert_eq!(out.status.code(), Some(3));
}
