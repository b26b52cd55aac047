//! Cutting kept ways into junction-to-junction edges on the grid: pieces cut at junctions,
//! pieces with a missing or off-grid node dropped whole, chains with the same attributes joined.

use std::collections::{HashMap, VecDeque};

use geo::{Coord, Euclidean, Length, LineString};

use super::passes::{KeptWay, NodePos};
use crate::network::{EdgeAttrs, Oneway, RawEdge};

/// Pieces shorter than this (metres) are drawing slips (two nodes on one spot); the network
/// builder would refuse them as zero-length.
pub(super) const MIN_PIECE_M: f64 = 0.01;

/// What [`build_edges`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct EdgeStats {
    /// Pieces the ways were cut into at junctions.
    pub pieces: u64,
    /// Pieces dropped because a node is missing.
    pub pieces_missing_nodes: u64,
    /// Pieces dropped because a node is off the grid.
    pub pieces_outside_grid: u64,
    /// Pieces dropped for having no length.
    pub pieces_degenerate: u64,
    /// Ways that lost a piece to a missing node.
    pub ways_with_missing_nodes: u64,
    /// Ways with fewer than two distinct nodes.
    pub ways_too_short: u64,
}

/// One stretch of one way between junctions, placed on the grid.
pub(super) struct Piece {
    /// Index into the ways.
    pub(super) way: usize,
    pub(super) id: String,
    pub(super) coords: Vec<Coord<f64>>,
}

/// Node key to the millimetre, exactly as `Network::build` merges end points, so that what is a
/// junction here is a junction there.
pub(super) fn mm_key(c: Coord<f64>) -> (i64, i64) {
    ((c.x * 1000.0).round() as i64, (c.y * 1000.0).round() as i64)
}

pub(super) fn flip(o: Oneway) -> Oneway {
    match o {
        Oneway::No => Oneway::No,
        Oneway::Forward => Oneway::Backward,
        Oneway::Backward => Oneway::Forward,
    }
}

/// Cuts kept ways into pieces at junctions (a node used more than once by the kept ways, or a
/// way's end), drops pieces with a node missing from `nodes` or off the grid (whole: a gap is
/// never bridged), and joins pieces end to end through nodes where exactly two pieces meet with
/// the same walk/drive/one-way/name, so that each edge runs junction to junction.
///
/// Edge ids are `osm:WAYID`, `osm:WAYID#k` for the k-th piece (from 0) of a way cut in several,
/// and pieces joined into one edge are listed in travel order joined by `+`.
pub(crate) fn build_edges(
    ways: &[KeptWay],
    nodes: &HashMap<i64, NodePos>,
) -> (Vec<RawEdge>, EdgeStats) {
    let mut stats = EdgeStats::default();
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for w in ways {
        for r in &w.refs {
            *uses.entry(*r).or_default() += 1;
        }
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for (wi, w) in ways.iter().enumerate() {
        if w.refs.len() < 2 {
            stats.ways_too_short += 1;
            continue;
        }
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        for i in 1..w.refs.len() {
            if i == w.refs.len() - 1 || uses.get(&w.refs[i]).copied().unwrap_or(0) > 1 {
                cuts.push((start, i));
                start = i;
            }
        }
        let mut lost_to_missing = false;
        for (k, &(a, b)) in cuts.iter().enumerate() {
            stats.pieces += 1;
            let refs = &w.refs[a..=b];
            let mut coords: Vec<Coord<f64>> = Vec::with_capacity(refs.len());
            let mut missing = false;
            let mut outside = false;
            for r in refs {
                match nodes.get(r) {
                    None => missing = true,
                    Some(NodePos::OutsideGrid) => outside = true,
                    Some(NodePos::Grid(c)) => {
                        if coords.last() != Some(c) {
                            coords.push(*c);
                        }
                    }
                }
            }
            if missing {
                stats.pieces_missing_nodes += 1;
                lost_to_missing = true;
                continue;
            }
            if outside {
                stats.pieces_outside_grid += 1;
                continue;
            }
            if coords.len() < 2 || Euclidean.length(&LineString::from(coords.clone())) < MIN_PIECE_M
            {
                stats.pieces_degenerate += 1;
                continue;
            }
            let id = if cuts.len() == 1 {
                format!("osm:{}", w.id)
            } else {
                format!("osm:{}#{k}", w.id)
            };
            pieces.push(Piece {
                way: wi,
                id,
                coords,
            });
        }
        if lost_to_missing {
            stats.ways_with_missing_nodes += 1;
        }
    }
    (join_pieces(ways, &pieces), stats)
}

/// Joins pieces through nodes of degree 2 where nothing about the travel changes.
pub(super) fn join_pieces(ways: &[KeptWay], pieces: &[Piece]) -> Vec<RawEdge> {
    // For each end-point key: (piece, true when the piece's last coordinate is there).
    let mut ends: HashMap<(i64, i64), Vec<(usize, bool)>> = HashMap::new();
    for (i, p) in pieces.iter().enumerate() {
        ends.entry(mm_key(p.coords[0]))
            .or_default()
            .push((i, false));
        let last = p.coords[p.coords.len() - 1];
        ends.entry(mm_key(last)).or_default().push((i, true));
    }
    let first = |p: usize, rev: bool| -> Coord<f64> {
        let c = &pieces[p].coords;
        if rev {
            c[c.len() - 1]
        } else {
            c[0]
        }
    };
    let last = |p: usize, rev: bool| first(p, !rev);
    // Oneway of piece p when travelled reversed or not.
    let oneway = |p: usize, rev: bool| {
        let o = ways[pieces[p].way].oneway;
        if rev {
            flip(o)
        } else {
            o
        }
    };
    let same = |a: usize, b: usize, b_rev: bool| {
        let (wa, wb) = (&ways[pieces[a].way], &ways[pieces[b].way]);
        wa.walk == wb.walk
            && wa.drive == wb.drive
            && wa.name == wb.name
            && wa.road_class == wb.road_class
            && oneway(a, false) == oneway(b, b_rev)
    };
    // The other piece end at `key`, when exactly two piece ends meet there and the other one is
    // not `(p, at_last)` itself.
    let other_end = |key: (i64, i64), p: usize, at_last: bool| -> Option<(usize, bool)> {
        let list = ends.get(&key)?;
        if list.len() != 2 {
            return None;
        }
        let o = list.iter().copied().find(|&e| e != (p, at_last))?;
        (o.0 != p).then_some(o)
    };

    let mut used = vec![false; pieces.len()];
    let mut edges = Vec::new();
    for i in 0..pieces.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        // (piece, reversed) in travel order; the chain runs the way piece i is drawn.
        let mut chain: VecDeque<(usize, bool)> = VecDeque::from([(i, false)]);
        loop {
            let &(p, rev) = chain.back().expect("chain is never empty");
            let Some((q, q_at_last)) = other_end(mm_key(last(p, rev)), p, !rev) else {
                break;
            };
            // Leaving the join, q must be travelled away from it: reversed if its last
            // coordinate is at the join.
            if used[q] || !same(i, q, q_at_last) {
                break;
            }
            used[q] = true;
            chain.push_back((q, q_at_last));
        }
        loop {
            let &(p, rev) = chain.front().expect("chain is never empty");
            let Some((q, q_at_last)) = other_end(mm_key(first(p, rev)), p, rev) else {
                break;
            };
            // Arriving at the join, q must end there: reversed if its first coordinate is there.
            if used[q] || !same(i, q, !q_at_last) {
                break;
            }
            used[q] = true;
            chain.push_front((q, !q_at_last));
        }
        let mut coords: Vec<Coord<f64>> = Vec::new();
        let mut ids: Vec<&str> = Vec::with_capacity(chain.len());
        for &(p, rev) in &chain {
            let c = &pieces[p].coords;
            let skip = usize::from(!coords.is_empty());
            if rev {
                coords.extend(c.iter().rev().skip(skip));
            } else {
                coords.extend(c.iter().skip(skip));
            }
            ids.push(&pieces[p].id);
        }
        let w = &ways[pieces[i].way];
        edges.push(RawEdge {
            attrs: EdgeAttrs {
                id: ids.join("+"),
                name: w.name.clone(),
                walk: w.walk,
                drive: w.drive,
                oneway: w.oneway,
                road_class: w.road_class,
                // Not assessed: safety audits come from the council, never from OSM.
                ..EdgeAttrs::default()
            },
            geometry: LineString::from(coords),
        });
    }
    edges
}
