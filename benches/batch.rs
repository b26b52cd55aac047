//! Throughput and latency of deciding, measured on the bundled demo area (a bench binary, not a
//! timed test): load time for policy + area, one `check`-sized decision, and a batch of synthetic
//! applications at random points across the demo area's towns, on all cores and on one.
//!
//! Run with `cargo bench --bench batch` (add `-- N` for N synthetic applications; default 20000).

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use schoolrun::area::Urn;
use schoolrun::decide::{decide, Case, Outcome, Settings};
use schoolrun::io::area_dir::load_area;
use schoolrun::io::policy_files::load_policy;
use schoolrun::policy::YearGroup;

/// A small deterministic generator (SplitMix64), so every run measures the same applications.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = Instant::now();
    let policy = load_policy(&root.join("policy/2022-23")).expect("policy loads");
    let area = load_area(&root.join("fixtures/demo"), None).expect("demo area loads");
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let settings = Settings::default();
    let a = &area.area;
    let schools: Vec<Urn> = a.schools().iter().map(|s| s.urn).collect();

    // Homes near schools' sites (within ~4 km), years R-13, a mix of circumstances.
    let mut rng = Rng(2022);
    let cases: Vec<Case> = (0..n)
        .map(|i| {
            let anchor = &a.schools()[(rng.next() % schools.len() as u64) as usize];
            let r = 4000.0 * rng.unit().sqrt();
            let th = std::f64::consts::TAU * rng.unit();
            let home = geo::Point::new(
                anchor.location.x() + r * th.cos(),
                anchor.location.y() + r * th.sin(),
            );
            let year = YearGroup::parse(&((rng.next() % 14) as i64).to_string())
                .unwrap_or(YearGroup::RECEPTION);
            let school = schools[(rng.next() % schools.len() as u64) as usize];
            let mut c = Case::new(&format!("B{i}"), home, year, school);
            c.free_school_meals = rng.next().is_multiple_of(6);
            c.date_of_birth = chrono::NaiveDate::from_ymd_opt(2005, 3, 1);
            c.hours_per_week = Some(20.0);
            c.days_per_week = Some(5);
            c
        })
        .collect();

    // One decision, cold (first use grows the shortest-path trees it needs).
    let t = Instant::now();
    let one = decide(&policy.policy, a, &cases[0], &settings);
    let first_ms = t.elapsed().as_secs_f64() * 1e3;

    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let t = Instant::now();
        let ds: Vec<_> = pool.install(|| {
            cases
                .par_iter()
                .map(|c| decide(&policy.policy, a, c, &settings))
                .collect()
        });
        (t.elapsed().as_secs_f64(), ds)
    };
    let (secs_all, ds) = run(0);
    let (secs_one, ds1) = run(1);
    assert_eq!(ds, ds1, "decisions must not depend on the thread count");
    let errors = ds.iter().filter(|d| d.outcome == Outcome::Error).count();
    println!(
        "demo area: {} schools, {} network edges",
        schools.len(),
        a.network().edge_count()
    );
    println!("load policy + area: {load_ms:.1} ms");
    println!("first decision (cold, {:?}): {first_ms:.2} ms", one.outcome);
    println!(
        "batch of {n} (warm trees): all cores {:.0} decisions/s ({:.3} s); one thread {:.0} decisions/s ({:.3} s); {errors} error rows",
        n as f64 / secs_all,
        secs_all,
        n as f64 / secs_one,
        secs_one
    );
}
