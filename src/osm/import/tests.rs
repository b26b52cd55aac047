//! Tests of the OSM import: junction splitting and chain joining on hand-made ways and nodes,
//! school outlines and entrances, real extracts (Rutland, Newport) from `../shared/data/`, and
//! corrupt or truncated files.

use std::path::PathBuf;

use super::*;
use crate::network::Network;

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
        urn: Urn(urn),
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
    let (schools, gates) = schools_and_entrances(
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
    let (_, gates) = schools_and_entrances(
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
    let (_, gates) = schools_and_entrances(
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
    let (_, gates) = schools_and_entrances(
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
    let (schools, gates) = schools_and_entrances(
        vec![outline(100001), outline(100001)],
        vec![SchoolNode {
            id: 77,
            urn: Urn(100002),
            name: None,
            pos: nodes[&55],
        }],
        &HashMap::new(),
        &ways[1..2],
        &nodes,
        &mut counts,
    );
    assert!(gates.is_empty());
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

fn shared_osm(name: &str) -> Option<PathBuf> {
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
            ea.walk != eb.walk || ea.drive != eb.drive || ea.name != eb.name || a_dir != b_dir,
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
    // Rutland lies within about 478-510 km E, 293-322 km N; complete ways reach a little beyond.
    check_real(
        "rutland-2018-02.osm.pbf",
        (460_000.0, 280_000.0, 530_000.0, 335_000.0),
        7,
    );
}

#[test]
fn newport_imports() {
    // Newport (Wales) lies within about 320-345 km E, 178-198 km N.
    check_real(
        "newport-2023-06-13.osm.pbf",
        (300_000.0, 160_000.0, 365_000.0, 215_000.0),
        0,
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
