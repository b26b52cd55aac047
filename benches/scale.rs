//! How time and memory grow with the network: synthetic street grids from town to county scale
//! (about 10,000, 100,000 and 1,000,000 edges), each with schools at random junctions and
//! 100,000 applications at random points on the network. For each size it prints the build
//! time, the batch rate with per-school shortest-path trees (all cores), the rate of the obvious
//! baseline (one petgraph Dijkstra per application, measured on a sample) and the ratio, and the
//! process's peak memory so far.
//!
//! Also the real OpenStreetMap networks of Rutland (rural county) and Newport (town) from
//! `../shared/data/osm/`, with schools at the OSM school sites that carry a URN.
//!
//! `cargo bench --bench scale` (everything) or `cargo bench --bench scale -- newport grid-1m`
//! (only those), `-- --apps N` to change the number of applications.

use std::time::Instant;

use rayon::prelude::*;
use schoolrun::area::{Area, Gate, Gender, OperatorModel, School, Urn};
use schoolrun::decide::{decide, Case, Outcome, Settings};
use schoolrun::io::osm_files::import_osm_file;
use schoolrun::io::policy_files::load_policy;
use schoolrun::network::synthetic::{grid, SplitMix};
use schoolrun::network::{Mode, Network, Tree};
use schoolrun::osm::Profile;
use schoolrun::policy::YearGroup;

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn school(i: usize, at: (f64, f64), primary: bool) -> School {
    School {
        urn: Urn(800_000 + i as u32),
        name: format!(
            "Synthetic {} School {i}",
            if primary { "Primary" } else { "Secondary" }
        ),
        location: geo::Point::new(at.0, at.1),
        low_age: if primary { 4 } else { 11 },
        high_age: if primary { 11 } else { 18 },
        gender: Gender::Mixed,
        religious_character: i.is_multiple_of(7).then(|| "Roman Catholic".to_string()),
        establishment_type: "Academy converter".into(),
        la_code: "838".into(),
        operator_model: OperatorModel::CouncilContract,
        operator_pass_price: None,
        psvar_compliant: None,
        selective: false,
        has_places: true,
    }
}

/// A network with schools: a synthetic grid (schools at random points), or an OpenStreetMap
/// extract (schools at the OSM sites carrying a URN, with the entrances the import found).
struct Setup {
    label: String,
    area: Area,
    build_s: f64,
}

fn grid_setup(side: usize) -> Setup {
    let spacing = 120.0;
    let origin = (350_000.0, 80_000.0);
    let t = Instant::now();
    let edges = grid(side, side, spacing, origin, 42);
    let net = Network::build(edges).expect("grid builds");
    let extent = (side - 1) as f64 * spacing;
    // One school per ~4 km^2, at least 20, at most 120 (a county has a few hundred, but per-school
    // trees are grown only for schools applications use; see the memory figure).
    let n_schools = ((extent / 2000.0).powi(2) as usize).clamp(20, 120);
    let mut rng = SplitMix(7);
    let schools: Vec<School> = (0..n_schools)
        .map(|i| {
            let at = (
                origin.0 + rng.unit() * extent,
                origin.1 + rng.unit() * extent,
            );
            school(i, at, i % 3 != 0)
        })
        .collect();
    let gates: Vec<Gate> = schools
        .iter()
        .map(|s| Gate {
            urn: s.urn,
            name: "Main gate".into(),
            point: s.location,
            open: true,
            valid: Default::default(),
        })
        .collect();
    let area = Area::new(schools, gates, Vec::new(), net, 500.0).expect("area");
    Setup {
        label: format!("synthetic grid {side}x{side}"),
        area,
        build_s: t.elapsed().as_secs_f64(),
    }
}

fn osm_setup(name: &str) -> Option<Setup> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/osm")
        .join(name);
    if !path.exists() {
        println!("skipping {name}: {} not found", path.display());
        return None;
    }
    let t = Instant::now();
    let imp = import_osm_file(&path, &Profile::default_profile()).expect("extract imports");
    let net = Network::build(imp.edges).expect("network builds");
    let schools: Vec<School> = imp
        .schools
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut s = school(i, (o.point.x(), o.point.y()), i % 3 != 0);
            s.urn = o.urn;
            s
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    let schools: Vec<School> = schools.into_iter().filter(|s| seen.insert(s.urn)).collect();
    let gates: Vec<Gate> = imp
        .entrances
        .into_iter()
        .filter(|g| schools.iter().any(|s| s.urn == g.urn))
        .collect();
    let area = Area::new(schools, gates, Vec::new(), net, 500.0).expect("area");
    Some(Setup {
        label: name.to_string(),
        area,
        build_s: t.elapsed().as_secs_f64(),
    })
}

fn run(setup: Setup, apps: usize) {
    let Setup {
        label,
        area,
        build_s,
    } = setup;
    let n_edges = area.network().edge_count();
    let n_schools = area.schools().len();
    let mut rng = SplitMix(7);
    // Homes at random points along random edges, up to 25 m off the line.
    let geoms: Vec<geo::LineString<f64>> = area.network().edges().map(|(_, g, _)| g).collect();
    let at = |rng: &mut SplitMix| {
        let g = &geoms[(rng.next_u64() % geoms.len() as u64) as usize];
        let k = (rng.next_u64() % (g.0.len() as u64 - 1)) as usize;
        let (p, q) = (g.0[k], g.0[k + 1]);
        let t = rng.unit();
        (
            p.x + (q.x - p.x) * t + (rng.unit() - 0.5) * 50.0,
            p.y + (q.y - p.y) * t + (rng.unit() - 0.5) * 50.0,
        )
    };
    let policy = load_policy(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policy/2022-23"
    )))
    .expect("policy");
    let settings = Settings::default();
    let urns: Vec<(Urn, bool)> = area
        .schools()
        .iter()
        .map(|s| (s.urn, s.low_age == 4))
        .collect();
    let cases: Vec<Case> = (0..apps)
        .map(|i| {
            let home = at(&mut rng);
            let year = (rng.next_u64() % 12) as i8; // R..Y11
            let primary = year <= 6;
            let pool: Vec<&(Urn, bool)> = urns.iter().filter(|(_, p)| *p == primary).collect();
            let (urn, _) = pool[(rng.next_u64() % pool.len() as u64) as usize];
            let yg = if year == 0 {
                YearGroup::RECEPTION
            } else {
                YearGroup::year(year).unwrap()
            };
            let mut c = Case::new(&format!("A{i}"), geo::Point::new(home.0, home.1), yg, *urn);
            c.free_school_meals = rng.next_u64().is_multiple_of(4);
            if !primary && rng.next_u64().is_multiple_of(20) {
                c.faith = Some("Roman Catholic".into());
                c.faith_evidence = 2;
            }
            c
        })
        .collect();

    let t = Instant::now();
    let decisions: Vec<_> = cases
        .par_iter()
        .map(|c| decide(&policy.policy, &area, c, &settings))
        .collect();
    let batch_s = t.elapsed().as_secs_f64();
    let errors = decisions
        .iter()
        .filter(|d| d.outcome == Outcome::Error)
        .count();

    // Baseline: one petgraph Dijkstra per application (walking distance to its school), on a
    // sample, with the same snapping.
    let sample = 40.min(apps);
    let net = area.network();
    let t = Instant::now();
    let mut agree = 0;
    for c in cases.iter().take(sample) {
        let home = net.snap(Mode::Walk, c.home, 500.0);
        let s = area.school(c.school).expect("school");
        let gate = net.snap(Mode::Walk, s.location, 500.0);
        if let (Ok(h), Ok(g)) = (home, gate) {
            let b = net.baseline_distance(Mode::Walk, &h, std::slice::from_ref(&g));
            let tree = Tree::grow(net, Mode::Walk, std::slice::from_ref(&g));
            if b == tree.distance(net, &h)
                || b.zip(tree.distance(net, &h))
                    .is_some_and(|(x, y)| (x - y).abs() < 1e-6)
            {
                agree += 1;
            }
        }
    }
    let baseline_s = t.elapsed().as_secs_f64() / 2.0; // half the loop is the tree, for the check
    let baseline_rate = sample as f64 / baseline_s;
    let rate = apps as f64 / batch_s;
    println!(
        "{label}: {n_edges:>9} edges, {:>7} nodes, {n_schools:>3} schools: build {build_s:6.2} s; batch of {apps} \
         {rate:9.0} decisions/s ({batch_s:.2} s, {errors} errors); baseline ~{baseline_rate:7.1} /s \
         (one walking Dijkstra per application; sample {sample}, {agree} agree); ratio ~{:.0}x; peak memory {:.0} MiB",
        net.node_count(),
        rate / baseline_rate,
        peak_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let apps = args
        .iter()
        .position(|a| a == "--apps")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(100_000);
    let only: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
        .collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| name.contains(o.as_str()));
    for name in ["rutland-2018-02.osm.pbf", "newport-2023-06-13.osm.pbf"] {
        if wanted(name) {
            if let Some(s) = osm_setup(name) {
                run(s, apps);
            }
        }
    }
    // side x side junctions make about 2 * side^2 edges.
    for (name, side) in [("grid-10k", 71usize), ("grid-100k", 224), ("grid-1m", 708)] {
        if wanted(name) {
            run(grid_setup(side), apps);
        }
    }
}
