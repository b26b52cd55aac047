//! Synthetic networks for benchmarks and tests: a regular street grid with some one-way streets,
//! some footpath-only links and some stretches assessed unsafe, at any size (a county-scale
//! network of a million edges is a 708 x 708 grid). Deterministic for a given seed.

use geo::LineString;

use super::{EdgeAttrs, Oneway, RawEdge};

/// A small deterministic generator (SplitMix64), so a seed always gives the same network.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A grid of `nx` x `ny` junctions `spacing` metres apart from `origin` (BNG metres). Each street
/// is one edge between neighbouring junctions; about 5% are one-way, 3% walk-only footpaths,
/// 1% assessed unsafe to walk. Junction coordinates are jittered by up to a tenth of the spacing
/// (and streets get a bend) so that lengths differ.
pub fn grid(nx: usize, ny: usize, spacing: f64, origin: (f64, f64), seed: u64) -> Vec<RawEdge> {
    let mut rng = SplitMix(seed);
    let jitter = spacing * 0.1;
    let pts: Vec<(f64, f64)> = (0..nx * ny)
        .map(|i| {
            let (x, y) = ((i % nx) as f64, (i / nx) as f64);
            (
                origin.0 + x * spacing + (rng.unit() - 0.5) * jitter,
                origin.1 + y * spacing + (rng.unit() - 0.5) * jitter,
            )
        })
        .collect();
    let mut edges = Vec::with_capacity(2 * nx * ny);
    let mut add = |a: usize, b: usize, rng: &mut SplitMix| {
        let (p, q) = (pts[a], pts[b]);
        let bend = (
            (p.0 + q.0) / 2.0 + (rng.unit() - 0.5) * jitter,
            (p.1 + q.1) / 2.0 + (rng.unit() - 0.5) * jitter,
        );
        let r = rng.unit();
        let footpath = r < 0.03;
        let attrs = EdgeAttrs {
            id: format!("g{}", edges.len()),
            name: None,
            walk: true,
            drive: !footpath,
            oneway: if (0.03..0.08).contains(&r) {
                Oneway::Forward
            } else {
                Oneway::No
            },
            unsafe_walk: (0.08..0.09).contains(&r),
            unsafe_ref: (0.08..0.09)
                .contains(&r)
                .then(|| "synthetic audit".to_string()),
            valid: Default::default(),
            road_class: None,
        };
        edges.push(RawEdge {
            attrs,
            geometry: LineString::from(vec![p, bend, q]),
        });
    };
    for j in 0..ny {
        for i in 0..nx {
            let k = j * nx + i;
            if i + 1 < nx {
                add(k, k + 1, &mut rng);
            }
            if j + 1 < ny {
                add(k, k + nx, &mut rng);
            }
        }
    }
    edges
}

/// A school as [`applications`] sees it: URN, position, and whether it is a primary school.
#[derive(Debug, Clone, Copy)]
pub struct SchoolAt {
    pub urn: u32,
    pub x: f64,
    pub y: f64,
    pub primary: bool,
}

/// Schools at given points `(urn, easting, northing)`, each URN once (the first), two primary
/// schools to every secondary one; for areas made from OpenStreetMap school sites.
pub fn schools_at(points: impl IntoIterator<Item = (u32, f64, f64)>) -> Vec<SchoolAt> {
    let mut seen = std::collections::HashSet::new();
    points
        .into_iter()
        .filter(|p| seen.insert(p.0))
        .enumerate()
        .map(|(i, (urn, x, y))| SchoolAt {
            urn,
            x,
            y,
            primary: i % 3 != 0,
        })
        .collect()
}

/// A schools file for `schools` (GIAS column names): ages by phase, every fifth a Roman
/// Catholic school.
pub fn schools_csv(schools: &[SchoolAt]) -> String {
    let mut csv = String::from(
        "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge,\
         ReligiousCharacter (name)\n",
    );
    for (i, s) in schools.iter().enumerate() {
        let (lo, hi) = if s.primary { (4, 11) } else { (11, 18) };
        let faith = if i % 5 == 1 { "Roman Catholic" } else { "" };
        csv.push_str(&format!(
            "{},School {i},{:.1},{:.1},{lo},{hi},{faith}\n",
            s.urn, s.x, s.y
        ));
    }
    csv
}

/// `n` applications as CSV text (`id,easting,northing,year_group,school_urn,free_school_meals,
/// sex`, header first), deterministic for a seed: homes at random points along random edges up
/// to 25 m off them, spread over the whole network; a child applies to the nearest school of
/// its phase by straight line (60%), the second (25%), the third (10%) or any school of its
/// phase (5%), as families mostly do. For benchmarks and tests of whole intakes.
pub fn applications(edges: &[RawEdge], schools: &[SchoolAt], n: usize, seed: u64) -> String {
    use std::fmt::Write;
    let mut rng = SplitMix(seed);
    let mut out = String::from("id,easting,northing,year_group,school_urn,free_school_meals,sex\n");
    for i in 0..n {
        let g = &edges[(rng.next_u64() % edges.len() as u64) as usize].geometry;
        let k = (rng.next_u64() % (g.0.len() as u64 - 1)) as usize;
        let (p, q) = (g.0[k], g.0[k + 1]);
        let t = rng.unit();
        let x = p.x + (q.x - p.x) * t + (rng.unit() - 0.5) * 50.0;
        let y = p.y + (q.y - p.y) * t + (rng.unit() - 0.5) * 50.0;
        let year = rng.next_u64() % 12; // R (0) to Y11
        let primary = year <= 6;
        let mut pool: Vec<(f64, u32)> = schools
            .iter()
            .filter(|s| s.primary == primary)
            .map(|s| ((s.x - x).hypot(s.y - y), s.urn))
            .collect();
        if pool.is_empty() {
            pool = schools
                .iter()
                .map(|s| ((s.x - x).hypot(s.y - y), s.urn))
                .collect();
        }
        pool.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let r = rng.unit();
        let pick = if r < 0.60 {
            0
        } else if r < 0.85 {
            1
        } else if r < 0.95 {
            2
        } else {
            (rng.next_u64() % pool.len() as u64) as usize
        };
        let urn = pool[pick.min(pool.len() - 1)].1;
        let year = if year == 0 {
            "R".to_string()
        } else {
            year.to_string()
        };
        let fsm = if rng.next_u64().is_multiple_of(4) {
            "yes"
        } else {
            ""
        };
        let sex = if rng.next_u64().is_multiple_of(2) {
            "F"
        } else {
            "M"
        };
        let _ = writeln!(out, "C{i},{x:.1},{y:.1},{year},{urn},{fsm},{sex}");
    }
    out
}
