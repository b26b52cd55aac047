//! Peak memory of a whole `batch` run as the applications file grows (a bench binary, not a timed
//! test): 10,000, 100,000 and 1,000,000 rows of the demo's applications, renumbered, decided on
//! the demo area by the release binary. A streaming batch holds only the rows it is deciding, so
//! its peak should not grow with the file; the target is under 300 MB for a million rows.
//!
//! Run with `cargo bench --bench batch_memory` (add row counts to choose, e.g. `-- 10000`). Each
//! run is measured in a process of its own (this bench re-runs itself), whose only child is the
//! batch, so the kernel's peak resident size of its children is exactly the batch's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const MEASURE: &str = "--measure-one";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == MEASURE) {
        measure_one(&args[i + 1..]);
        return;
    }
    let sizes: Vec<usize> = {
        let v: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
        if v.is_empty() {
            vec![10_000, 100_000, 1_000_000]
        } else {
            v
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data folder");
    println!("rows        file MB   peak RSS MB   wall s   rows/s");
    for n in sizes {
        let input = applications(root, &dir, n);
        let output = dir.join(format!("decisions-{n}.csv"));
        let me = std::env::current_exe().expect("this bench");
        let out = Command::new(me)
            .arg(MEASURE)
            .arg(&input)
            .arg(&output)
            .current_dir(root)
            .output()
            .expect("measuring run");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut f = text.split_whitespace();
        let (kb, secs): (f64, f64) = (
            f.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN),
            f.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN),
        );
        let mb = std::fs::metadata(&input).map_or(0, |m| m.len()) as f64 / 1e6;
        println!(
            "{n:>9}  {mb:>8.1}   {:>11.1}   {secs:>6.2}   {:>6.0}",
            kb / 1024.0,
            n as f64 / secs
        );
        let _ = std::fs::remove_file(&output);
    }
}

/// In a process of its own: runs the batch and prints its peak RSS (KiB) and wall seconds.
fn measure_one(args: &[String]) {
    let (input, output) = (&args[0], &args[1]);
    let t = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_schoolrun"))
        .args(["batch", input, "-o", output, "--no-progress"])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("schoolrun batch runs");
    let secs = t.elapsed().as_secs_f64();
    assert!(
        matches!(status.code(), Some(0) | Some(3)),
        "batch failed: {status}"
    );
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    println!("{} {secs}", usage.ru_maxrss);
}

/// The demo's applications repeated (ids made unique) to `n` rows; made once and kept.
fn applications(root: &Path, dir: &Path, n: usize) -> PathBuf {
    let p = dir.join(format!("applications-{n}.csv"));
    if p.exists() {
        return p;
    }
    let demo = std::fs::read_to_string(root.join("fixtures/demo/applications.csv"))
        .expect("demo applications");
    let mut lines = demo.lines();
    let head = lines.next().expect("header");
    let body: Vec<&str> = lines.collect();
    let tmp = dir.join(format!(".applications-{n}.csv.tmp"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).expect("bench file"));
    writeln!(f, "{head}").expect("write");
    for i in 0..n {
        writeln!(f, "R{i}-{}", body[i % body.len()]).expect("write");
    }
    f.flush().expect("write");
    drop(f);
    std::fs::rename(&tmp, &p).expect("bench file in place");
    p
}
