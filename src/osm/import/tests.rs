//! Tests of the OSM import: junction splitting and chain joining on hand-made ways and nodes,
//! school outlines and entrances, real extracts (Rutland, Newport) from `../shared/data/`, and
//! corrupt or truncated files.

use std::path::PathBuf;

use super::*;
use crate::network::{Network, RoadClass};

/// Reads and imports a file, as `crate::io::osm_files::import_osm_file` does (the import itself
/// takes bytes): the error names the file.
fn import_osm_file(path: &std::path::Path, profile: &Profile) -> anyhow::Result<OsmImport> {
    let bytes =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    import_osm_bytes(path, &bytes, profile)
}

// ---------------------------------------------------------------------------------------------
// Hand-made ways

fn way(id: i64, refs: &[i64]) -> KeptWay {
    KeptWay {
        id,
        refs: refs.to_vec(),
        walk: true,
        drive: true,
        oneway: Oneway::No,
        name: None,
        highway: "residential".into(),
        road_class: None,
    }
}

fn footway(id: i64, refs: &[i64]) -> KeptWay {
    KeptWay {
        drive: false,
        highway: "footway".into(),
        ..way(id, refs)
    }
}

/// Nodes on a 100 m grid: node `n` at (400000 + 100 * (n % 10), 300000 + 100 * (n / 10)).
fn grid_nodes(ids: &[i64]) -> HashMap<i64, NodePos> {
    ids.iter()
        .map(|&n| {
            (
                n,
                NodePos::Grid(Coord {
                    x: 400_000.0 + 100.0 * (n % 10) as f64,
                    y: 300_000.0 + 100.0 * (n / 10) as f64,
                }),
            )
        })
        .collect()
}

fn all_nodes() -> HashMap<i64, NodePos> {
    grid_nodes(&(0..100).collect::<Vec<_>>())
}

fn ids(edges: &[RawEdge]) -> Vec<&str> {
    edges.iter().map(|e| e.attrs.id.as_str()).collect()
}

fn len(e: &RawEdge) -> f64 {
    Euclidean.length(&e.geometry)
}

#[test]
fn crossing_ways_are_cut_at_the_shared_node_keeping_their_geometry() {
    // Way 1 runs 0-1-2-3-4 along y = 0; way 2 (22-12-2) comes from the north and ends at node 2
    // (a T junction).
    let ways = [way(1, &[0, 1, 2, 3, 4]), way(2, &[22, 12, 2])];
    let (edges, stats) = build_edges(&ways, &all_nodes());
    // Node 2 has degree 3: way 1 is cut there; way 2 ends there.
    assert_eq!(ids(&edges), ["osm:1#0", "osm:1#1", "osm:2"]);
    assert_eq!(
        edges[0].geometry.0.len(),
        3,
        "interior node 1 kept as geometry"
    );
    assert_eq!(len(&edges[0]), 200.0);
    assert_eq!(len(&edges[1]), 200.0);
    assert_eq!(len(&edges[2]), 200.0);
    assert_eq!(stats.pieces, 3);
    assert_eq!(stats.pieces_missing_nodes, 0);
    let net = Network::build(edges).unwrap();
    assert_eq!(net.node_count(), 4);
}

#[test]
fn a_four_way_crossing_cuts_both_ways() {
    let ways = [way(1, &[10, 11, 12]), way(2, &[1, 11, 21])];
    let (edges, _) = build_edges(&ways, &all_nodes());
    assert_eq!(ids(&edges), ["osm:1#0", "osm:1#1", "osm:2#0", "osm:2#1"]);
    assert_eq!(Network::build(edges).unwrap().node_count(), 5);
}

#[test]
fn ways_meeting_end_to_end_with_the_same_attributes_are_one_edge() {
    // 0-1-2 then 2-3-4: node 2 has degree 2 and nothing changes, so one edge 0..4.
    let ways = [way(1, &[0, 1, 2]), way(2, &[2, 3, 4])];
    let (edges, _) = build_edges(&ways, &all_nodes());
    assert_eq!(ids(&edges), ["osm:1+osm:2"]);
    assert_eq!(edges[0].geometry.0.len(), 5);
    assert_eq!(len(&edges[0]), 400.0);

    // Drawn the other way round, the second way is reversed into the chain.
    let ways = [way(1, &[0, 1, 2]), way(2, &[4, 3, 2])];
    let (edges, _) = build_edges(&ways, &all_nodes());
    assert_eq!(ids(&edges), ["osm:1+osm:2"]);
    let xs: Vec<f64> = edges[0]
        .geometry
        .0
        .iter()
        .map(|c| c.x - 400_000.0)
        .collect();
    assert_eq!(xs, [0.0, 100.0, 200.0, 300.0, 400.0]);

    // The first way in file order may be in the middle of the chain.
    let ways = [way(2, &[2, 3]), way(1, &[0, 1, 2]), way(3, &[3, 4])];
    let (edges, _) = build_edges(&ways, &all_nodes());
    assert_eq!(ids(&edges), ["osm:1+osm:2+osm:3"]);
}

#[test]
fn chains_are_not_joined_where_attributes_change() {
    // Name changes at node 2.
    let mut b = way(2, &[2, 3, 4]);
    b.name = Some("High Street".into());
    let (edges, _) = build_edges(&[way(1, &[0, 1, 2]), b], &all_nodes());
    assert_eq!(ids(&edges), ["osm:1", "osm:2"]);
    // Road becomes footway.
    let (edges, _) = build_edges(&[way(1, &[0, 1, 2]), footway(2, &[2, 3, 4])], &all_nodes());
    assert_eq!(edges.len(), 2);
    // One-way only on the second.
    let mut b = way(2, &[2, 3, 4]);
    b.oneway = Oneway::Forward;
    let (edges, _) = build_edges(&[way(1, &[0, 1, 2]), b], &all_nodes());
    assert_eq!(edges.len(), 2);
}

#[test]
fn one_way_direction_is_compared_along_the_chain() {
    // Both one-way eastwards, the second drawn westwards with oneway=-1: same travel, one edge.
    let mut a = way(1, &[0, 1, 2]);
    a.oneway = Oneway::Forward;
    let mut b = way(2, &[4, 3, 2]);
    b.oneway = Oneway::Backward;
    let (edges, _) = build_edges(&[a.clone(), b], &all_nodes());
    assert_eq!(ids(&edges), ["osm:1+osm:2"]);
    assert_eq!(edges[0].attrs.oneway, Oneway::Forward);
    // Drawn westwards with oneway=yes: head to head, two edges.
    let mut b = way(2, &[4, 3, 2]);
    b.oneway = Oneway::Forward;
    let (edges, _) = build_edges(&[a, b], &all_nodes());
    assert_eq!(ids(&edges), ["osm:1", "osm:2"]);
    // Joined at the front: the edge runs the way way 1 is drawn (2 to 4, one way 4 to 2), so
    // way 2 (drawn 2-1-0, one way 2 to 0) is reversed into it ahead of way 1: one way 4 to 0.
    let mut a = way(1, &[2, 3, 4]);
    a.oneway = Oneway::Backward;
    let mut b = way(2, &[2, 1, 0]);
    b.oneway = Oneway::Forward;
    let (edges, _) = build_edges(&[a, b], &all_nodes());
    assert_eq!(ids(&edges), ["osm:2+osm:1"]);
    assert_eq!(edges[0].attrs.oneway, Oneway::Backward);
    let xs: Vec<f64> = edges[0]
        .geometry
        .0
        .iter()
        .map(|c| c.x - 400_000.0)
        .collect();
    assert_eq!(xs, [0.0, 100.0, 200.0, 300.0, 400.0]);
}

#[test]
fn a_piece_with_a_missing_node_is_dropped_whole_and_never_bridged() {
    // Way 1: 0-1-2-3-4-5 crossed by way 2 at 2. Node 4 is missing: the piece 2-3-4-5 is dropped
    // whole; the piece 0-1-2 stays. Way 3 continues from 5 to 7; it must not be joined to 0-1-2.
    let ways = [
        way(1, &[0, 1, 2, 3, 4, 5]),
        footway(2, &[12, 2]),
        way(3, &[5, 6, 7]),
    ];
    let mut nodes = all_nodes();
    nodes.remove(&4);
    let (edges, stats) = build_edges(&ways, &nodes);
    assert_eq!(ids(&edges), ["osm:1#0", "osm:2", "osm:3"]);
    assert_eq!(stats.pieces, 4);
    assert_eq!(stats.pieces_missing_nodes, 1);
    assert_eq!(stats.ways_with_missing_nodes, 1);
    let total: f64 = edges.iter().map(len).sum();
    assert_eq!(total, 200.0 + 100.0 + 200.0);
}

#[test]
fn a_piece_off_the_grid_is_dropped_and_counted() {
    let mut nodes = all_nodes();
    nodes.insert(3, NodePos::OutsideGrid);
    let (edges, stats) = build_edges(&[way(1, &[0, 1, 2]), way(2, &[2, 3])], &nodes);
    assert_eq!(ids(&edges), ["osm:1"]);
    assert_eq!(stats.pieces_outside_grid, 1);
    assert_eq!(stats.pieces_missing_nodes, 0);
}

#[test]
fn degenerate_ways_and_pieces_are_dropped() {
    // Two distinct nodes on one spot, a way of one node, and repeated node ids.
    let mut nodes = all_nodes();
    nodes.insert(100, nodes[&0]);
    let ways = [
        way(1, &[0, 100]),
        way(2, &[5]),
        way(3, &decode_refs(&[7, 0, 0, 1])),
    ];
    let (edges, stats) = build_edges(&ways, &nodes);
    assert_eq!(ids(&edges), ["osm:3"]);
    assert_eq!(edges[0].geometry.0.len(), 2);
    assert_eq!(stats.pieces_degenerate, 1);
    assert_eq!(stats.ways_too_short, 1);
}

#[test]
fn a_closed_way_is_a_ring_of_edges() {
    // A pedestrian square 0-1-11-10-0 touched by a footway at node 1 only. The ring is cut at 1
    // and at its drawn end 0; nothing changes at 0 (degree 2), so the two pieces join into one
    // loop edge from 1 round to 1.
    let ways = [footway(1, &[0, 1, 11, 10, 0]), footway(2, &[2, 1])];
    let (edges, _) = build_edges(&ways, &all_nodes());
    assert_eq!(ids(&edges), ["osm:1#1+osm:1#0", "osm:2"]);
    let ring = &edges[0].geometry.0;
    assert_eq!(ring.first(), ring.last());
    assert_eq!(len(&edges[0]), 400.0);
    let net = Network::build(edges).unwrap();
    assert_eq!(net.node_count(), 2);
    // A ring touching nothing is one loop edge.
    let (edges, _) = build_edges(&[footway(1, &[0, 1, 11, 10, 0])], &all_nodes());
    assert_eq!(ids(&edges), ["osm:1"]);
}

#[test]
fn a_loop_of_several_ways_becomes_one_edge() {
    let ways = [way(1, &[0, 1, 11]), way(2, &[11, 10, 0])];
    let (edges, _) = build_edges(&ways, &all_nodes());
    assert_eq!(edges.len(), 1);
    assert_eq!(len(&edges[0]), 400.0);
}

#[test]
fn refs_decode_with_wrapping_and_without_repeats() {
    assert_eq!(decode_refs(&[5, 1, 0, 1, -3]), [5, 6, 7, 4]);
    assert_eq!(decode_refs(&[i64::MAX, 2]), [i64::MAX, i64::MIN + 1]);
    assert!(decode_refs(&[]).is_empty());
}

#[test]
fn rings_assemble_from_outer_ways_in_any_direction() {
    let rings = assemble_rings(vec![vec![1, 2, 3], vec![1, 5, 3]]).unwrap();
    assert_eq!(rings.len(), 1);
    assert_eq!(rings[0].first(), rings[0].last());
    assert_eq!(rings[0].len(), 5);
    assert!(assemble_rings(vec![vec![1, 2, 3], vec![3, 4]]).is_none());
    assert!(assemble_rings(vec![]).is_none());
}

#[test]
fn centroid_of_a_square_far_from_the_origin() {
    let sq = |x: f64, y: f64, s: f64| {
        vec![
            Coord { x, y },
            Coord { x: x + s, y },
            Coord { x: x + s, y: y + s },
            Coord { x, y: y + s },
            Coord { x, y },
        ]
    };
    let c = centroid(&[sq(500_000.0, 300_000.0, 100.0)]).unwrap();
    assert!((c.x - 500_050.0).abs() < 1e-6 && (c.y - 300_050.0).abs() < 1e-6);
    // Two squares weighted by area.
    let c = centroid(&[sq(0.0, 0.0, 10.0), sq(100.0, 0.0, 20.0)]).unwrap();
    assert!((c.x - (5.0 * 100.0 + 110.0 * 400.0) / 500.0).abs() < 1e-9);
}

#[test]
fn school_entrances_tagged_then_shared_then_crossing() {
    let nodes = all_nodes();
    // School outline 22-23-33-32-22; its URN 100001.
    let outline = |urn| SchoolOutline {
        urn: Ok(Urn(urn)),
        name: Some("A School".into()),
        source: "way 9".into(),
        rings: vec![vec![22, 23, 33, 32, 22]],
    };
    // A footway ends at corner 23; a road runs north-south at x = 0, 200 m clear of the site.
    let ways = [footway(5, &[24, 23]), way(6, &[20, 30])];
    let mut counts = SchoolReport::default();
    // 1. A tagged gate at 33 wins over the footway's shared node.
    let mut tagged = HashMap::new();
    tagged.insert(33, Some("Main gate".to_string()));
    let (schools, gates, _) = schools_and_entrances(
        vec![outline(100001)],
        vec![],
        &tagged,
        &ways[..1],
        &nodes,
        &mut counts,
    );
    assert_eq!(schools.len(), 1);
    assert_eq!(schools[0].point, Point::new(400_250.0, 300_250.0));
    assert_eq!(gates.len(), 1);
    assert_eq!(gates[0].name, "OSM entrance node 33 (Main gate)");
    assert_eq!(gates[0].point, Point::new(400_300.0, 300_300.0));
    assert!(gates[0].open);
    assert_eq!(counts.entrances_tagged, 1);

    // 2. No tagged entrance: where the footway meets the outline.
    let mut counts = SchoolReport::default();
    let (_, gates, _) = schools_and_entrances(
        vec![outline(100001)],
        vec![],
        &HashMap::new(),
        &ways[..1],
        &nodes,
        &mut counts,
    );
    assert_eq!(gates.len(), 1);
    assert_eq!(gates[0].name, "where footway osm:5 meets the site boundary");
    assert_eq!(gates[0].point, Point::new(400_300.0, 300_200.0));
    assert_eq!(counts.entrances_shared_nodes, 1);

    // 3. Nothing shared: a road drawn across the site from (250, 150) to (250, 350) crosses the
    // south and north sides.
    let mut nodes3 = nodes.clone();
    nodes3.insert(
        1000,
        NodePos::Grid(Coord {
            x: 400_250.0,
            y: 300_150.0,
        }),
    );
    nodes3.insert(
        1001,
        NodePos::Grid(Coord {
            x: 400_250.0,
            y: 300_350.0,
        }),
    );
    let ways3 = [way(8, &[1000, 1001]), footway(9, &[1, 2])];
    let mut counts = SchoolReport::default();
    let (_, gates, _) = schools_and_entrances(
        vec![outline(100001)],
        vec![],
        &HashMap::new(),
        &ways3,
        &nodes3,
        &mut counts,
    );
    let pts: Vec<(f64, f64)> = gates.iter().map(|g| (g.point.x(), g.point.y())).collect();
    assert_eq!(pts, [(400_250.0, 300_200.0), (400_250.0, 300_300.0)]);
    assert_eq!(
        gates[0].name,
        "where residential osm:8 crosses the site boundary"
    );
    assert_eq!(counts.entrances_crossings, 2);

    // 4. Nothing touches or crosses, but a path passes 50 m west of the site: the nearest point
    // of the outline (its south-west corner comes first in ring order).
    let mut nodes4 = nodes.clone();
    nodes4.insert(
        2000,
        NodePos::Grid(Coord {
            x: 400_150.0,
            y: 300_200.0,
        }),
    );
    nodes4.insert(
        2001,
        NodePos::Grid(Coord {
            x: 400_150.0,
            y: 300_300.0,
        }),
    );
    let mut counts = SchoolReport::default();
    let (_, gates, _) = schools_and_entrances(
        vec![outline(100001)],
        vec![],
        &HashMap::new(),
        &[footway(10, &[2000, 2001])],
        &nodes4,
        &mut counts,
    );
    assert_eq!(gates.len(), 1);
    assert_eq!(gates[0].point, Point::new(400_200.0, 300_200.0));
    assert_eq!(
        gates[0].name,
        "nearest point of the site boundary to footway osm:10 (50 m away)"
    );
    assert_eq!(counts.entrances_nearest, 1);

    // 5. Nothing within 100 m: no entrance, counted; a duplicate URN is skipped.
    let mut counts = SchoolReport::default();
    let (schools, gates, unlisted) = schools_and_entrances(
        vec![outline(100001), outline(100001)],
        vec![
            SchoolNode {
                id: 77,
                urn: Ok(Urn(100002)),
                name: None,
                pos: nodes[&55],
            },
            // No ref:edubase: listed by name and place, not loaded, not counted again.
            SchoolNode {
                id: 78,
                urn: Err("no ref:edubase"),
                name: Some("Village School".into()),
                pos: nodes[&55],
            },
        ],
        &HashMap::new(),
        &ways[1..2],
        &nodes,
        &mut counts,
    );
    assert!(gates.is_empty());
    assert_eq!(unlisted.len(), 1);
    assert_eq!(
        (
            unlisted[0].name.as_deref(),
            unlisted[0].source.as_str(),
            unlisted[0].why
        ),
        (Some("Village School"), "node 78", "no ref:edubase")
    );
    assert_eq!(schools.len(), 2);
    assert_eq!(schools[1].source, "node 77");
    assert_eq!(counts.duplicate_urn, 1);
    assert_eq!(counts.without_entrances, 2);
    assert_eq!(counts.with_urn, 2);
}

#[test]
fn urns_must_be_whole_numbers() {
    let mut c = SchoolReport::default();
    assert_eq!(
        urn_of(&[("ref:edubase", " 120123 ")], &mut c),
        Some(Urn(120123))
    );
    assert_eq!(urn_of(&[("name", "x")], &mut c), None);
    assert_eq!(urn_of(&[("ref:edubase", "120123;120124")], &mut c), None);
    assert_eq!(urn_of(&[("ref:edubase", "+12")], &mut c), None);
    assert_eq!(urn_of(&[("ref:edubase", "0")], &mut c), None);
    assert_eq!((c.no_urn, c.bad_urn), (1, 3));
}

// ---------------------------------------------------------------------------------------------
// Real extracts

/// A real extract from `../shared/data/osm/`, or `None` (with a message) when it is absent.
pub(crate) fn shared_osm(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/osm")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        println!(
            "skipping: {} not found (../shared/data is absent)",
            p.display()
        );
        None
    }
}

/// Degree of each edge end (to the millimetre, as `Network::build` nodes them).
fn degrees(edges: &[RawEdge]) -> HashMap<(i64, i64), Vec<(usize, bool)>> {
    let mut ends: HashMap<(i64, i64), Vec<(usize, bool)>> = HashMap::new();
    for (i, e) in edges.iter().enumerate() {
        let g = &e.geometry.0;
        ends.entry(mm_key(g[0])).or_default().push((i, false));
        ends.entry(mm_key(g[g.len() - 1]))
            .or_default()
            .push((i, true));
    }
    ends
}

/// Checks an imported extract; `bbox` is (min easting, min northing, max easting, max northing).
fn check_real(name: &str, bbox: (f64, f64, f64, f64), min_urn_schools: usize) {
    let Some(path) = shared_osm(name) else {
        return;
    };
    let t = std::time::Instant::now();
    let imp = import_osm_file(&path, &Profile::default_profile()).expect("imports");
    let secs = t.elapsed().as_secs_f64();
    println!("{}", imp.report);
    println!(
        "import took {secs:.2} s ({} build; time only release builds)",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    let r = &imp.report;
    assert_eq!(r.edges as usize, imp.edges.len());
    assert!(r.ways_kept > 1000, "{} ways kept", r.ways_kept);
    assert!(imp.edges.len() > 1000, "{} edges", imp.edges.len());
    // Plausible lengths: the mean edge is between 20 m and 1 km.
    let mean = r.length_km * 1000.0 / r.edges as f64;
    assert!((20.0..1000.0).contains(&mean), "mean edge {mean} m");
    assert!(r.walkable_km > 0.5 * r.length_km, "{r:?}");
    // Clause 1.1.1's adopted roads and paths are told apart (where a walk starts).
    let class = |c| {
        imp.edges
            .iter()
            .filter(|e| e.attrs.road_class == Some(c))
            .count()
    };
    let (roads, paths) = (class(RoadClass::AdoptedRoad), class(RoadClass::Path));
    assert!(
        roads > 100 && paths > 100,
        "{roads} adopted roads, {paths} paths"
    );
    assert!(r.drivable_km > 0.3 * r.length_km, "{r:?}");
    let (x0, y0, x1, y1) = bbox;
    for e in &imp.edges {
        for c in &e.geometry.0 {
            assert!(c.x.is_finite() && c.y.is_finite(), "{}", e.attrs.id);
            assert!(
                (x0..=x1).contains(&c.x) && (y0..=y1).contains(&c.y),
                "edge {} has ({}, {}) outside {bbox:?}",
                e.attrs.id,
                c.x,
                c.y
            );
        }
        assert!(e.attrs.id.starts_with("osm:"));
    }
    // No node of degree 2 except where something about the travel changes.
    let mut kept_degree_2 = 0;
    for list in degrees(&imp.edges).values() {
        if list.len() != 2 || list[0].0 == list[1].0 {
            continue;
        }
        kept_degree_2 += 1;
        let (a, a_last) = list[0];
        let (b, b_last) = list[1];
        let (ea, eb) = (&imp.edges[a].attrs, &imp.edges[b].attrs);
        // Travelling a into the node then out along b: b is reversed when it also ends there.
        let a_dir = if a_last { ea.oneway } else { flip(ea.oneway) };
        let b_dir = if b_last { flip(eb.oneway) } else { eb.oneway };
        assert!(
            ea.walk != eb.walk
                || ea.drive != eb.drive
                || ea.name != eb.name
                || ea.road_class != eb.road_class
                || a_dir != b_dir,
            "edges {} and {} meet at a node of degree 2 with the same attributes",
            ea.id,
            eb.id
        );
    }
    println!("{kept_degree_2} nodes of degree 2 where attributes change");
    let edges = imp.edges.clone();
    let net = Network::build(edges).expect("the network builds");
    println!(
        "network: {} nodes, {} edges; walk arcs {}, drive arcs {}",
        net.node_count(),
        net.edge_count(),
        net.arc_count(crate::network::Mode::Walk),
        net.arc_count(crate::network::Mode::Drive)
    );
    // Schools with a URN, each with at least one entrance.
    println!("schools with a URN:");
    for s in &imp.schools {
        let gates: Vec<&Gate> = imp.entrances.iter().filter(|g| g.urn == s.urn).collect();
        println!(
            "  {} {} ({}) at {:.0}, {:.0}: {} entrances{}",
            s.urn,
            s.name.as_deref().unwrap_or("(no name)"),
            s.source,
            s.point.x(),
            s.point.y(),
            gates.len(),
            gates
                .first()
                .map_or(String::new(), |g| format!(", e.g. {}", g.name))
        );
        assert!((x0..=x1).contains(&s.point.x()) && (y0..=y1).contains(&s.point.y()));
    }
    assert!(
        imp.schools.len() >= min_urn_schools,
        "{} schools with a URN",
        imp.schools.len()
    );
    let outlined = imp.schools.iter().filter(|s| !s.source.starts_with("node"));
    for s in outlined {
        assert!(
            imp.entrances.iter().any(|g| g.urn == s.urn),
            "school {} ({}) has no entrance",
            s.urn,
            s.source
        );
    }
    // Entrances can be placed on the walking network.
    for g in &imp.entrances {
        let snap = net.snap(crate::network::Mode::Walk, g.point, 250.0);
        assert!(snap.is_ok(), "entrance {} of {}: {snap:?}", g.name, g.urn);
    }
}

#[test]
fn rutland_imports() {
    // Rutland: the converted edges span 478.1-508.5 km E, 292.4-319.2 km N (complete ways reach
    // a little past the county boundary).
    check_real(
        "rutland-2018-02.osm.pbf",
        (475_000.0, 290_000.0, 512_000.0, 322_000.0),
        7,
    );
}

#[test]
fn newport_imports() {
    // Newport (Wales): the edges span 324.3-336.6 km E, 180.4-189.4 km N. Its schools carry
    // Welsh ref:edubase numbers (27 of 49).
    check_real(
        "newport-2023-06-13.osm.pbf",
        (320_000.0, 176_000.0, 342_000.0, 194_000.0),
        20,
    );
}

// ---------------------------------------------------------------------------------------------
// Corrupt, truncated and empty files

fn rutland_bytes() -> Option<Vec<u8>> {
    shared_osm("rutland-2018-02.osm.pbf").map(|p| std::fs::read(p).unwrap())
}

/// Byte offsets where blocks end (the start of the next block, and the file's length).
fn block_ends(bytes: &[u8]) -> Vec<u64> {
    let mut r = BlobReader::new_seekable(Cursor::new(bytes)).unwrap();
    let mut ends = Vec::new();
    while let Some(h) = r.next_header_skip_blob() {
        h.unwrap();
        ends.push(r.seek_raw(SeekFrom::Current(0)).unwrap());
    }
    ends
}

fn import_in_temp(bytes: &[u8]) -> (anyhow::Result<OsmImport>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.osm.pbf");
    std::fs::write(&path, bytes).unwrap();
    let r = import_osm_file(&path, &Profile::default_profile());
    (r, path.display().to_string())
}

#[test]
fn truncated_files_are_refused_naming_the_file() {
    let Some(bytes) = rutland_bytes() else {
        return;
    };
    let n = bytes.len();
    let ends = block_ends(&bytes);
    for cut in [
        0,
        1,
        3,
        4,
        5,
        13,
        100,
        1000,
        n / 7,
        n / 3,
        n / 2,
        n - 1000,
        n - 3,
        n - 1,
    ] {
        if ends.contains(&(cut as u64)) {
            continue;
        }
        let (r, file) = import_in_temp(&bytes[..cut]);
        let e = format!("{:#}", r.expect_err(&format!("cut at {cut} of {n}")));
        assert!(e.contains(&file), "cut at {cut}: {e}");
        assert!(
            e.contains("truncated") || e.contains("empty") || e.contains("corrupt"),
            "cut at {cut}: {e}"
        );
    }
    // Stray bytes after the last block.
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0, 0]);
    let (r, _) = import_in_temp(&longer);
    assert!(format!("{:#}", r.unwrap_err()).contains("truncated"));
}

#[test]
fn a_file_cut_at_a_block_boundary_is_imported_or_refused_clearly() {
    let Some(bytes) = rutland_bytes() else {
        return;
    };
    let ends = block_ends(&bytes);
    println!("{} blocks", ends.len());
    // Header only: no data.
    let (r, _) = import_in_temp(&bytes[..ends[0] as usize]);
    let e = format!("{:#}", r.unwrap_err());
    assert!(e.contains("no data blocks"), "{e}");
    // Header and the first data block (nodes only): an extract without highways.
    let (r, file) = import_in_temp(&bytes[..ends[1] as usize]);
    let e = format!("{:#}", r.unwrap_err());
    assert!(
        e.contains(&file) && e.contains("no walkable or drivable highway"),
        "{e}"
    );
    // Cut between blocks later on: nothing panics, and what is lost shows in the report.
    for k in [ends.len() / 2, ends.len() - 2] {
        let (r, _) = import_in_temp(&bytes[..ends[k] as usize]);
        match r {
            Ok(imp) => println!(
                "cut after block {k}: {} edges, {} pieces dropped for missing nodes",
                imp.edges.len(),
                imp.report.pieces_missing_nodes
            ),
            Err(e) => println!("cut after block {k}: {e:#}"),
        }
    }
}

#[test]
fn flipped_bytes_never_panic() {
    let Some(bytes) = rutland_bytes() else {
        return;
    };
    let n = bytes.len();
    // Positions spread over the file, including the first block's length and header.
    let mut positions: Vec<usize> = vec![0, 1, 2, 3, 4, 5, 8, 12, 20, 40, 80, 160];
    positions.extend((1..24).map(|k| k * n / 24 + k));
    let (mut refused, mut imported) = (0, 0);
    for (i, &at) in positions.iter().enumerate() {
        let mut b = bytes.clone();
        b[at] ^= [0xFF, 0x01, 0x80, 0x55][i % 4];
        let (r, file) = import_in_temp(&b);
        match r {
            Ok(imp) => {
                imported += 1;
                assert!(!imp.edges.is_empty());
            }
            Err(e) => {
                refused += 1;
                let e = format!("{e:#}");
                assert!(e.contains(&file), "flip at {at}: {e}");
            }
        }
    }
    println!("{refused} corrupted copies refused, {imported} imported");
    assert!(refused > positions.len() / 2);
}

#[test]
fn not_a_pbf_file() {
    for bytes in [
        &b"<?xml version='1.0'?><osm></osm>"[..],
        &b""[..],
        &[0u8, 0, 0, 0][..],
    ] {
        let (r, file) = import_in_temp(bytes);
        let e = format!("{:#}", r.unwrap_err());
        assert!(e.contains(&file), "{e}");
        assert!(e.contains("not a readable OpenStreetMap PBF file"), "{e}");
    }
    let e = format!(
        "{:#}",
        import_osm_file(
            std::path::Path::new("/no/such/x.osm.pbf"),
            &Profile::default_profile()
        )
        .unwrap_err()
    );
    assert!(e.contains("/no/such/x.osm.pbf"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// A tiny hand-written PBF: a minimal protobuf encoder, enough to write controlled extracts and
// hostile blocks that a real file would never contain.

mod tiny {
    /// A protobuf message being written.
    #[derive(Default, Clone)]
    pub struct Msg(pub Vec<u8>);

    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    pub fn zigzag(v: i64) -> u64 {
        ((v << 1) ^ (v >> 63)) as u64
    }

    impl Msg {
        pub fn int(mut self, field: u32, v: u64) -> Self {
            varint(&mut self.0, u64::from(field) << 3);
            varint(&mut self.0, v);
            self
        }
        pub fn bytes(mut self, field: u32, b: &[u8]) -> Self {
            varint(&mut self.0, (u64::from(field) << 3) | 2);
            varint(&mut self.0, b.len() as u64);
            self.0.extend_from_slice(b);
            self
        }
        pub fn msg(self, field: u32, m: &Msg) -> Self {
            self.bytes(field, &m.0)
        }
        pub fn packed(self, field: u32, vs: impl IntoIterator<Item = u64>) -> Self {
            let mut b = Vec::new();
            for v in vs {
                varint(&mut b, v);
            }
            self.bytes(field, &b)
        }
        /// Delta-coded, zigzagged sint64 values.
        pub fn deltas(self, field: u32, vs: &[i64]) -> Self {
            let mut prev = 0i64;
            let d: Vec<u64> = vs
                .iter()
                .map(|&v| {
                    let z = zigzag(v.wrapping_sub(prev));
                    prev = v;
                    z
                })
                .collect();
            self.packed(field, d)
        }
    }

    /// One block: a BlobHeader of `kind` and a raw (uncompressed) Blob of `data`.
    pub fn block(kind: &str, data: &[u8]) -> Vec<u8> {
        let blob = Msg::default().bytes(1, data).int(2, data.len() as u64);
        let header = Msg::default()
            .bytes(1, kind.as_bytes())
            .int(3, blob.0.len() as u64);
        let mut out = (header.0.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&header.0);
        out.extend_from_slice(&blob.0);
        out
    }

    pub fn header_block(features: &[&str]) -> Vec<u8> {
        let mut h = Msg::default();
        for f in features {
            h = h.bytes(4, f.as_bytes());
        }
        block("OSMHeader", &h.0)
    }

    /// Strings of a block; index 0 is the empty string by convention.
    #[derive(Default)]
    pub struct Strings(pub Vec<String>);

    impl Strings {
        pub fn id(&mut self, s: &str) -> u64 {
            if self.0.is_empty() {
                self.0.push(String::new());
            }
            match self.0.iter().position(|x| x == s) {
                Some(i) => i as u64,
                None => {
                    self.0.push(s.to_string());
                    (self.0.len() - 1) as u64
                }
            }
        }
        fn table(&self) -> Msg {
            self.0
                .iter()
                .fold(Msg::default(), |m, s| m.bytes(1, s.as_bytes()))
        }
    }

    pub type Tags<'a> = &'a [(&'a str, &'a str)];

    /// A relation member: (type: 0 node, 1 way, 2 relation; id; role).
    pub type Member<'a> = (u64, i64, &'a str);

    /// A relation: (id, members, tags).
    pub type Rel<'a> = (i64, &'a [Member<'a>], Tags<'a>);

    /// A data block of dense nodes (id, lat, lon in degrees, tags).
    pub fn nodes_block(nodes: &[(i64, f64, f64, Tags<'_>)]) -> Vec<u8> {
        let mut st = Strings::default();
        st.id("");
        let ids: Vec<i64> = nodes.iter().map(|n| n.0).collect();
        let lats: Vec<i64> = nodes.iter().map(|n| (n.1 * 1e7).round() as i64).collect();
        let lons: Vec<i64> = nodes.iter().map(|n| (n.2 * 1e7).round() as i64).collect();
        let mut kv = Vec::new();
        for n in nodes {
            for (k, v) in n.3 {
                kv.push(st.id(k));
                kv.push(st.id(v));
            }
            kv.push(0);
        }
        let dense = Msg::default()
            .deltas(1, &ids)
            .deltas(8, &lats)
            .deltas(9, &lons)
            .packed(10, kv);
        data_block(&st, &Msg::default().msg(2, &dense))
    }

    /// Encodes a data block from its strings and one primitive group.
    pub fn data_block(st: &Strings, group: &Msg) -> Vec<u8> {
        let b = Msg::default().msg(1, &st.table()).msg(2, group);
        block("OSMData", &b.0)
    }

    pub fn tags(st: &mut Strings, m: Msg, tags: Tags<'_>) -> Msg {
        let keys: Vec<u64> = tags.iter().map(|(k, _)| st.id(k)).collect();
        let vals: Vec<u64> = tags.iter().map(|(_, v)| st.id(v)).collect();
        m.packed(2, keys).packed(3, vals)
    }

    /// A data block of ways (id, node ids, tags).
    pub fn ways_block(ways: &[(i64, &[i64], Tags<'_>)]) -> Vec<u8> {
        let mut st = Strings::default();
        st.id("");
        let mut group = Msg::default();
        for (id, refs, t) in ways {
            let w = tags(&mut st, Msg::default().int(1, *id as u64), t).deltas(8, refs);
            group = group.msg(3, &w);
        }
        data_block(&st, &group)
    }

    /// A data block of relations (id, members as (type, id, role), tags).
    pub fn relations_block(rels: &[Rel<'_>]) -> Vec<u8> {
        let mut st = Strings::default();
        st.id("");
        let mut group = Msg::default();
        for (id, members, t) in rels {
            let roles: Vec<u64> = members.iter().map(|m| st.id(m.2)).collect();
            let ids: Vec<i64> = members.iter().map(|m| m.1).collect();
            let r = tags(&mut st, Msg::default().int(1, *id as u64), t)
                .packed(8, roles)
                .deltas(9, &ids)
                .packed(10, members.iter().map(|m| m.0));
            group = group.msg(4, &r);
        }
        data_block(&st, &group)
    }
}

use tiny::Tags;

const FEATURES: &[&str] = &["OsmSchema-V0.6", "DenseNodes"];

/// Node `id` at grid row `i`, column `j` near Oakham (0.0005 degrees apart: about 56 m north,
/// 34 m east).
fn at(id: i64, i: i32, j: i32, tags: Tags<'static>) -> (i64, f64, f64, Tags<'static>) {
    (
        id,
        52.66 + 0.0005 * f64::from(i),
        -0.72 + 0.0005 * f64::from(j),
        tags,
    )
}

/// A small extract: Main Street (ways 10 and 15) with a footway (11) from it to a gate on a school
/// (way 20), a farm track (12, not public), a footway (13) to a node the extract lacks, a school
/// drawn as a multipolygon (relation 30 of ways 21 and 22) south of which Main Street passes,
/// and a school drawn as a node.
fn tiny_extract() -> Vec<u8> {
    let nodes = [
        at(1, 0, 0, &[]),
        at(2, 0, 2, &[]),
        at(3, 0, 4, &[]),
        at(4, 0, 6, &[]),
        at(5, 0, 8, &[]),
        at(6, 2, 4, &[]),
        at(7, 4, 3, &[("barrier", "gate")]),
        at(8, 4, 5, &[]),
        at(9, 6, 5, &[]),
        at(10, 6, 3, &[]),
        at(11, 0, 12, &[]),
        at(12, 0, 14, &[]),
        at(13, 2, 14, &[]),
        at(14, 2, 12, &[]),
        at(16, -1, 10, &[]),
        at(17, -1, 16, &[]),
        at(
            18,
            8,
            8,
            &[
                ("amenity", "school"),
                ("ref:edubase", "111111"),
                ("name", "Node School"),
            ],
        ),
        at(19, -3, 0, &[]),
        at(20, 9, 9, &[("entrance", "main")]),
    ];
    let street: Tags<'static> = &[("highway", "residential"), ("name", "Main Street")];
    let ways: &[(i64, &[i64], Tags<'_>)] = &[
        (10, &[1, 2, 3, 4, 5], street),
        (11, &[3, 6, 7], &[("highway", "footway")]),
        (12, &[1, 19], &[("highway", "track")]),
        (13, &[4, 999], &[("highway", "footway")]),
        (15, &[5, 16, 17], street),
        (
            20,
            &[7, 8, 9, 10, 7],
            &[
                ("amenity", "school"),
                ("ref:edubase", "123456"),
                ("name", "Way School"),
            ],
        ),
        (21, &[11, 12, 13], &[]),
        (22, &[13, 14, 11], &[]),
    ];
    let rels: &[tiny::Rel<'_>] = &[(
        30,
        &[(1, 21, "outer"), (1, 22, "outer")],
        &[
            ("type", "multipolygon"),
            ("amenity", "school"),
            ("ref:edubase", "654321"),
        ],
    )];
    let mut f = tiny::header_block(FEATURES);
    f.extend(tiny::nodes_block(&nodes));
    f.extend(tiny::ways_block(ways));
    f.extend(tiny::relations_block(rels));
    f
}

fn import_tiny(bytes: &[u8]) -> anyhow::Result<OsmImport> {
    import_osm_bytes(
        std::path::Path::new("tiny.osm.pbf"),
        bytes,
        &Profile::default_profile(),
    )
}

#[test]
fn a_tiny_extract_imports_as_drawn() {
    let imp = import_tiny(&tiny_extract()).unwrap();
    let r = &imp.report;
    println!("{r}");
    assert_eq!((r.nodes_read, r.ways_read, r.relations_read), (19, 8, 1));
    assert_eq!(r.highway_ways, 5);
    assert_eq!(r.ways_kept, 4);
    assert_eq!(
        r.ways_dropped,
        BTreeMap::from([(
            "highway=track without foot access or a public right of way".to_string(),
            1
        )])
    );
    assert_eq!(r.nodes_missing, 1);
    assert_eq!(r.pieces_missing_nodes, 1);
    assert_eq!(r.ways_with_missing_nodes, 1);
    // Main Street is cut at the footway (node 3); the piece beyond joins through node 4 (whose
    // side footway was dropped for its missing node) and node 5 (where way 15 carries on).
    assert_eq!(
        ids(&imp.edges),
        ["osm:10#0", "osm:10#1+osm:10#2+osm:15", "osm:11"]
    );
    assert_eq!(imp.edges[1].attrs.name.as_deref(), Some("Main Street"));
    assert!(imp.edges[1].attrs.walk && imp.edges[1].attrs.drive);
    assert!(imp.edges[2].attrs.walk && !imp.edges[2].attrs.drive);
    // Lengths on the grid: 0.002 degrees of longitude at 52.66 N is about 135 m.
    let l = len(&imp.edges[0]);
    assert!((l - 135.4).abs() < 1.0, "{l}");

    assert_eq!(r.schools.found, 3);
    assert_eq!(r.schools.with_urn, 3);
    let by_urn = |u: u32| imp.schools.iter().find(|s| s.urn == Urn(u)).unwrap();
    assert_eq!(by_urn(123456).source, "way 20");
    assert_eq!(by_urn(123456).name.as_deref(), Some("Way School"));
    assert_eq!(by_urn(654321).source, "relation 30");
    assert_eq!(by_urn(111111).source, "node 18");
    // The relation's centroid is the middle of its square (rows 0-2, columns 12-14).
    let mid = wgs84_to_bng(52.66 + 0.0005, -0.72 + 0.0065).unwrap();
    assert!(Euclidean.distance(by_urn(654321).point, mid) < 0.5);
    let gates: Vec<(u32, &str)> = imp
        .entrances
        .iter()
        .map(|g| (g.urn.0, g.name.as_str()))
        .collect();
    assert_eq!(gates.len(), 2, "{gates:?}");
    assert_eq!(gates[0], (123456, "OSM entrance node 7"));
    assert_eq!(gates[1].0, 654321);
    assert!(
        gates[1]
            .1
            .starts_with("nearest point of the site boundary to residential osm:15 ("),
        "{gates:?}"
    );
    assert_eq!(r.schools.entrances_tagged, 1);
    assert_eq!(r.schools.entrances_nearest, 1);
    assert_eq!(r.schools.without_entrances, 1, "the node school");
    Network::build(imp.edges).unwrap();
}

#[test]
fn a_tiny_extract_with_a_custom_profile() {
    // Tracks walkable: the farm track is kept.
    let text = crate::osm::DEFAULT_PROFILE_TOML
        .replace(
            "highways_if_access_allows = [\"cycleway\", \"track\"]",
            "highways_if_access_allows = [\"cycleway\"]",
        )
        .replace(
            "\"footway\", \"path\",",
            "\"footway\", \"path\", \"track\",",
        );
    let p = Profile::from_toml_str("p.toml", &text).unwrap();
    let imp = import_osm_bytes(std::path::Path::new("t.pbf"), &tiny_extract(), &p).unwrap();
    assert_eq!(imp.report.ways_kept, 5);
    assert!(imp.edges.iter().any(|e| e.attrs.id.contains("osm:12")));
}

#[test]
fn hostile_blocks_are_errors_not_panics() {
    let nodes = [at(1, 0, 0, &[]), at(2, 0, 2, &[])];
    let way: &[(i64, &[i64], Tags<'_>)] = &[(10, &[1, 2], &[("highway", "residential")])];
    let base = |extra: &[Vec<u8>]| {
        let mut f = tiny::header_block(FEATURES);
        f.extend(tiny::nodes_block(&nodes));
        f.extend(tiny::ways_block(way));
        for e in extra {
            f.extend_from_slice(e);
        }
        f
    };
    assert_eq!(import_tiny(&base(&[])).unwrap().edges.len(), 1);

    // A relation member of unknown type (the decoder would panic on it).
    let rel: &[tiny::Rel<'_>] = &[(
        30,
        &[(7, 10, "outer")],
        &[
            ("type", "multipolygon"),
            ("amenity", "school"),
            ("ref:edubase", "1"),
        ],
    )];
    let e = format!(
        "{:#}",
        import_tiny(&base(&[tiny::relations_block(rel)])).unwrap_err()
    );
    assert!(e.contains("tiny.osm.pbf") && e.contains("corrupt"), "{e}");

    // Node ids and coordinates whose deltas overflow: an error in a debug build (the decoder's
    // arithmetic is checked), garbage that goes nowhere in a release build; never a panic.
    let mut overflow = tiny::header_block(FEATURES);
    let mut st = tiny::Strings::default();
    st.id("");
    let dense = tiny::Msg::default()
        .packed(1, [tiny::zigzag(i64::MAX), tiny::zigzag(i64::MAX)])
        .packed(8, [tiny::zigzag(i64::MAX), tiny::zigzag(i64::MAX)])
        .packed(9, [tiny::zigzag(1), tiny::zigzag(1)]);
    overflow.extend(tiny::data_block(&st, &tiny::Msg::default().msg(2, &dense)));
    overflow.extend(tiny::ways_block(way));
    match import_tiny(&overflow) {
        Ok(imp) => println!("overflowing deltas imported: {}", imp.report),
        Err(e) => println!("overflowing deltas refused: {e:#}"),
    }

    // Tags pointing past the string table are ignored (no tags), not a crash.
    let mut st = tiny::Strings::default();
    st.id("");
    let w = tiny::Msg::default()
        .int(1, 10)
        .packed(2, [99])
        .packed(3, [98])
        .deltas(8, &[1, 2]);
    let mut f = tiny::header_block(FEATURES);
    f.extend(tiny::nodes_block(&nodes));
    f.extend(tiny::data_block(&st, &tiny::Msg::default().msg(3, &w)));
    let e = format!("{:#}", import_tiny(&f).unwrap_err());
    assert!(e.contains("no walkable or drivable highway"), "{e}");

    // A history file (or any feature this reader lacks) is refused by name.
    let mut f = tiny::header_block(&["OsmSchema-V0.6", "HistoricalInformation"]);
    f.extend(tiny::nodes_block(&nodes));
    f.extend(tiny::ways_block(way));
    let e = format!("{:#}", import_tiny(&f).unwrap_err());
    assert!(e.contains("HistoricalInformation"), "{e}");

    // A block of unknown type is skipped (as the format says) and counted.
    let imp = import_tiny(&base(&[tiny::block("OSMFuture", b"whatever")])).unwrap();
    assert_eq!(imp.report.unknown_blocks, 1);

    // A blob with neither raw nor compressed data.
    let empty_blob = {
        let header = tiny::Msg::default().bytes(1, b"OSMData").int(3, 0);
        let mut out = (header.0.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&header.0);
        out
    };
    let e = format!("{:#}", import_tiny(&base(&[empty_blob])).unwrap_err());
    assert!(e.contains("tiny.osm.pbf") && e.contains("corrupt"), "{e}");

    // A block header claiming a negative size.
    let negative = {
        let header = tiny::Msg::default()
            .bytes(1, b"OSMData")
            .int(3, (-5i64) as u64);
        let mut out = (header.0.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&header.0);
        out
    };
    let e = format!("{:#}", import_tiny(&base(&[negative])).unwrap_err());
    assert!(e.contains("negative size"), "{e}");

    // A file that starts with data, not a header.
    let mut f = tiny::nodes_block(&nodes);
    f.extend(tiny::ways_block(way));
    let e = format!("{:#}", import_tiny(&f).unwrap_err());
    assert!(e.contains("does not begin with an OSMHeader"), "{e}");
}

#[test]
fn nodes_outside_the_grid_are_counted_and_their_pieces_dropped() {
    // A way from Oakham to a node in Paris: the piece is dropped; a way in Oakham is kept.
    let nodes = [
        at(1, 0, 0, &[]),
        at(2, 0, 2, &[]),
        at(3, 0, 4, &[]),
        (4, 48.85, 2.35, &[][..]),
    ];
    let ways: &[(i64, &[i64], Tags<'_>)] = &[
        (10, &[1, 2, 3], &[("highway", "residential")]),
        (11, &[3, 4], &[("highway", "residential")]),
    ];
    let mut f = tiny::header_block(FEATURES);
    f.extend(tiny::nodes_block(&nodes));
    f.extend(tiny::ways_block(ways));
    let imp = import_tiny(&f).unwrap();
    assert_eq!(imp.report.nodes_outside_grid, 1);
    assert_eq!(imp.report.pieces_outside_grid, 1);
    assert_eq!(ids(&imp.edges), ["osm:10"]);
    // Only off-grid nodes: an error saying so.
    let nodes = [(1, 48.85, 2.35, &[][..]), (2, 48.86, 2.35, &[][..])];
    let mut f = tiny::header_block(FEATURES);
    f.extend(tiny::nodes_block(&nodes));
    f.extend(tiny::ways_block(&[(
        10,
        &[1, 2],
        &[("highway", "residential")],
    )]));
    let e = format!("{:#}", import_tiny(&f).unwrap_err());
    assert!(
        e.contains("tiny.osm.pbf") && e.contains("2 outside the OSTN15 grid"),
        "{e}"
    );
}
