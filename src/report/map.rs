//! The map of a decision (clause 1.5.3, "a map showing the route measured"), as SVG written by
//! hand: the measured walking route (and the driven route where a rule used it) over the
//! surrounding network, the home and where it meets the network, the school's entrances (the one
//! reached marked), the relevant catchment boundaries, stretches assessed unsafe with the audit
//! that marked them (clause 1.5.4), a scale bar, a north arrow and a legend.
//!
//! Coordinates are British National Grid metres (EPSG:27700). The SVG's root element states the
//! transform (`data-origin-e`, `data-origin-n`, `data-scale`, `data-pad`): a point (e, n) is drawn
//! at x = pad + (e - origin_e) * scale, y = pad + (origin_n - n) * scale, each written with
//! [`coord`]. North is up (y grows southwards). The output is deterministic: the same input gives
//! the same bytes (fixed number formatting, network edges in network order).

use std::fmt::Write as _;

use geo::{BoundingRect, Contains};

use crate::appeal::record::RecordedRoute;
use crate::area::{Area, Urn, WalkStartRule};
use crate::decide::Case;
use crate::network::Mode;
use crate::units::{Metres, METRES_PER_MILE};

use super::esc;
use super::labels::{box_attr, text_box, Anchor, Placer, Rect, Spot};

/// Width of the drawn map, in SVG units (px).
const MAP_W: f64 = 800.0;
/// Margin round the map inside the SVG.
const PAD: f64 = 16.0;
/// The map's height never exceeds this multiple of its width (and never falls below its
/// reciprocal): a long thin route gets extra surroundings instead of a sliver of a map.
const MAX_ASPECT: f64 = 1.25;
/// Least margin round what the map must show, metres.
const MIN_MARGIN_M: f64 = 150.0;

/// Why a route is on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteRole {
    /// A route the decision measured.
    Measured,
    /// The shorter walk over stretches assessed unsafe, which clause 1.5.4 disregards.
    Disregarded,
    /// The route of the decision as made, drawn under a what-if for comparison.
    AsDecided,
}

/// One route to draw.
#[derive(Debug, Clone)]
pub struct MapRoute {
    pub role: RouteRole,
    pub mode: Mode,
    /// Miles to three decimals, from the same function as the decision's figures.
    pub length_mi: String,
    /// BNG metres, home side first.
    pub points: Vec<[f64; 2]>,
}

/// A network edge near the route.
#[derive(Debug, Clone)]
pub struct MapEdge {
    /// The road or path's name in the network, when it has one.
    pub name: Option<String>,
    pub walk: bool,
    pub drive: bool,
    /// The audit that assessed it unsafe to walk, when it was.
    pub unsafe_ref: Option<String>,
    pub points: Vec<[f64; 2]>,
}

/// A school entrance.
#[derive(Debug, Clone)]
pub struct MapGate {
    pub name: String,
    pub point: [f64; 2],
    pub open: bool,
    /// The entrance the walking route reaches.
    pub used: bool,
}

/// A catchment boundary.
#[derive(Debug, Clone)]
pub struct MapCatchment {
    pub name: String,
    /// Exterior and interior rings of every polygon.
    pub rings: Vec<Vec<[f64; 2]>>,
}

/// Everything the map shows, in BNG metres. Built by [`gather`]; drawn by [`svg`].
#[derive(Debug, Clone)]
pub struct MapData {
    /// A short title, e.g. "Walking route to The Blandford School".
    pub title: String,
    /// `min_e, min_n, max_e, max_n` of the area drawn.
    pub bounds: [f64; 4],
    pub home: [f64; 2],
    /// Where the home was placed on the walking network, with the distance (not counted).
    pub access_point: Option<([f64; 2], f64)>,
    pub routes: Vec<MapRoute>,
    pub edges: Vec<MapEdge>,
    pub gates: Vec<MapGate>,
    pub catchments: Vec<MapCatchment>,
    /// The clause under which walks over unsafe stretches are disregarded (the policy's
    /// `[unavailable_route]`, clause 1.5.4 in Dorset's), for the labels.
    pub unsafe_clause: String,
    /// Audits whose unsafe stretches the measured walk had to avoid (clause 1.5.4).
    pub audits_avoided: Vec<String>,
}

fn xy(p: geo::Point<f64>) -> [f64; 2] {
    [p.x(), p.y()]
}

fn to_map_route(r: &RecordedRoute, role: RouteRole) -> MapRoute {
    MapRoute {
        role,
        mode: r.mode,
        length_mi: r.length_mi.clone(),
        points: r.geometry.clone(),
    }
}

/// The bounds of the points, grown by a margin and to a sensible aspect ratio.
fn frame(points: &[[f64; 2]]) -> [f64; 4] {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in points {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    let margin = (w.max(h) * 0.08).max(MIN_MARGIN_M);
    let mut b = [b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin];
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    if h > w * MAX_ASPECT {
        let grow = (h / MAX_ASPECT - w) / 2.0;
        b[0] -= grow;
        b[2] += grow;
    } else if w > h * MAX_ASPECT {
        let grow = (w / MAX_ASPECT - h) / 2.0;
        b[1] -= grow;
        b[3] += grow;
    }
    // Whole metres, so that the transform stated in the SVG is exactly the one used.
    [b[0].floor(), b[1].floor(), b[2].ceil(), b[3].ceil()]
}

fn overlaps(b: &[f64; 4], r: &geo::Rect<f64>) -> bool {
    r.min().x <= b[2] && r.max().x >= b[0] && r.min().y <= b[3] && r.max().y >= b[1]
}

/// Collects what the map of one decision shows. `routes` are the routes the decision measured
/// (as in its record); `as_decided` the routes of the decision as made, when this map is of a
/// what-if; `unsafe_clause` the policy's clause disregarding unsafe routes. Pure: reads the
/// loaded area only.
pub fn gather(
    area: &Area,
    start: &WalkStartRule,
    unsafe_clause: &str,
    case: &Case,
    school: Option<Urn>,
    routes: &[RecordedRoute],
    as_decided: &[RecordedRoute],
) -> MapData {
    let mut out_routes: Vec<MapRoute> = Vec::new();
    // The walk clause 1.5.4 disregarded: only when the measured walk had to avoid an audit.
    if let (Some(urn), Some(walk)) = (school, routes.iter().find(|r| r.mode == Mode::Walk)) {
        if !walk.audits_avoided.is_empty() {
            let home = area.locate(case.home, case.access_point, start);
            if let (Ok(Some(m)), Ok(Some(r))) = (
                area.measure(&home, urn, Mode::WalkIgnoringSafety),
                area.route(&home, urn, Mode::WalkIgnoringSafety),
            ) {
                out_routes.push(MapRoute {
                    role: RouteRole::Disregarded,
                    mode: Mode::WalkIgnoringSafety,
                    length_mi: Metres(m.length_m).miles_3dp(),
                    points: r.geometry.coords().map(|c| [c.x, c.y]).collect(),
                });
            }
        }
    }
    out_routes.extend(
        as_decided
            .iter()
            .filter(|r| r.mode == Mode::Walk)
            .map(|r| to_map_route(r, RouteRole::AsDecided)),
    );
    // Measured routes last, so that they are drawn on top.
    let mut measured: Vec<MapRoute> = routes
        .iter()
        .map(|r| to_map_route(r, RouteRole::Measured))
        .collect();
    // The driven route is dashed over the walk, so that where they share roads both show.
    measured.sort_by_key(|r| r.mode == Mode::Drive);
    out_routes.extend(measured);

    let walk = routes.iter().find(|r| r.mode == Mode::Walk);
    // The distance shown is from the home's own point: where the walk starts at an adopted road or
    // a given access point, the snap's input point is that point, not the home.
    let access_point = walk.map(|r| {
        let d = geo::Distance::distance(&geo::Euclidean, case.home, r.home_snap.point);
        (xy(r.home_snap.point), d)
    });
    let gates: Vec<MapGate> = school
        .map(|urn| {
            area.gates(urn)
                .iter()
                .map(|g| MapGate {
                    name: g.name.clone(),
                    point: xy(g.point),
                    open: g.open,
                    used: walk.is_some_and(|w| w.entrance == g.name),
                })
                .collect()
        })
        .unwrap_or_default();

    // A school without recorded entrances is measured to its site reference point: show that.
    let mut gates = gates;
    if gates.is_empty() {
        if let Some(sc) = school.and_then(|u| area.school(u)) {
            gates.push(MapGate {
                name: format!("{} (site reference point)", sc.name),
                point: xy(sc.location),
                open: true,
                used: walk.is_some(),
            });
        }
    }
    let mut must_show: Vec<[f64; 2]> = vec![xy(case.home)];
    for r in &out_routes {
        must_show.extend(r.points.iter().copied());
    }
    must_show.extend(gates.iter().map(|g| g.point));
    if let Some((p, _)) = access_point {
        must_show.push(p);
    }
    let bounds = frame(&must_show);

    let edges: Vec<MapEdge> = area
        .network()
        .edges_meeting(bounds)
        .filter(|(_, g, _)| g.bounding_rect().is_some_and(|r| overlaps(&bounds, &r)))
        .map(|(a, g, _)| MapEdge {
            name: a.name.clone(),
            walk: a.walk,
            drive: a.drive,
            unsafe_ref: if a.walk && a.unsafe_walk {
                Some(
                    a.unsafe_ref
                        .clone()
                        .unwrap_or_else(|| "(no reference)".into()),
                )
            } else {
                None
            },
            points: g.coords().map(|c| [c.x, c.y]).collect(),
        })
        .collect();

    let catchments: Vec<MapCatchment> = area
        .catchments()
        .iter()
        .filter(|c| school.is_some_and(|u| c.schools.contains(&u)) || c.area.contains(&case.home))
        .filter(|c| {
            c.area
                .bounding_rect()
                .is_some_and(|r| overlaps(&bounds, &r))
        })
        .map(|c| MapCatchment {
            name: c.name.clone(),
            rings: c
                .area
                .0
                .iter()
                .flat_map(|poly| {
                    std::iter::once(poly.exterior())
                        .chain(poly.interiors())
                        .map(|ring| ring.coords().map(|c| [c.x, c.y]).collect::<Vec<_>>())
                        .collect::<Vec<_>>()
                })
                .collect(),
        })
        .collect();

    let school_name = school
        .and_then(|u| area.school(u))
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "the school".into());
    MapData {
        title: format!("Routes measured from the home to {school_name}"),
        bounds,
        home: xy(case.home),
        access_point,
        routes: out_routes,
        edges,
        gates,
        catchments,
        unsafe_clause: unsafe_clause.to_string(),
        audits_avoided: walk.map(|w| w.audits_avoided.clone()).unwrap_or_default(),
    }
}

/// How a BNG point becomes an SVG point: stated on the SVG root so anyone can check the drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    pub origin_e: f64,
    pub origin_n: f64,
    pub scale: f64,
    pub pad: f64,
}

impl Transform {
    /// SVG x, y of a BNG point.
    pub fn apply(&self, p: [f64; 2]) -> (f64, f64) {
        (
            self.pad + (p[0] - self.origin_e) * self.scale,
            self.pad + (self.origin_n - p[1]) * self.scale,
        )
    }

    /// The point as SVG text, "x,y", each with [`coord`].
    pub fn point(&self, p: [f64; 2]) -> String {
        let (x, y) = self.apply(p);
        format!("{},{}", coord(x), coord(y))
    }

    /// A polyline's `points` attribute.
    pub fn points(&self, ps: &[[f64; 2]]) -> String {
        ps.iter()
            .map(|p| self.point(*p))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An SVG coordinate: one decimal, never "-0.0" (deterministic text for the same number).
pub fn coord(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" {
        "0.0".into()
    } else {
        s
    }
}

/// A "nice" scale bar length in miles, no longer than `max_mi`.
fn scale_bar_miles(max_mi: f64) -> f64 {
    const NICE: [f64; 12] = [
        0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0,
    ];
    NICE.iter()
        .copied()
        .rev()
        .find(|&m| m <= max_mi)
        .unwrap_or(NICE[0])
}

fn route_class(r: &MapRoute) -> &'static str {
    match (r.role, r.mode) {
        (RouteRole::Disregarded, _) => "route-disregarded",
        (RouteRole::AsDecided, _) => "route-as-decided",
        (RouteRole::Measured, Mode::Drive) => "route-drive",
        (RouteRole::Measured, _) => "route-walk",
    }
}

/// What a route is called in labels and the legend.
pub fn route_label(r: &MapRoute, unsafe_clause: &str) -> String {
    match (r.role, r.mode) {
        (RouteRole::Disregarded, _) => format!(
            "Shorter walk over unsafe stretch, disregarded (clause {unsafe_clause}): {} miles",
            r.length_mi
        ),
        (RouteRole::AsDecided, _) => format!("Walking route as decided: {} miles", r.length_mi),
        (RouteRole::Measured, Mode::Drive) => format!("Driven route: {} miles", r.length_mi),
        (RouteRole::Measured, _) => format!("Walking route: {} miles", r.length_mi),
    }
}

/// The point a fraction `f` of the way along a polyline (by length), for a label.
fn along(ps: &[[f64; 2]], f: f64) -> Option<[f64; 2]> {
    let mut left = length(ps) * f;
    for w in ps.windows(2) {
        let l = (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]);
        if l >= left && l > 0.0 {
            let t = left / l;
            return Some([
                w[0][0] + (w[1][0] - w[0][0]) * t,
                w[0][1] + (w[1][1] - w[0][1]) * t,
            ]);
        }
        left -= l;
    }
    ps.first().copied()
}

const STYLE: &str = "
.bg{fill:#fbfaf6}
.edge{fill:none;stroke:#b9b4a8;stroke-width:1.6;stroke-linecap:round}
.edge-road{stroke:#9c968a;stroke-width:2.6}
.edge-path{stroke:#8a9a6a;stroke-width:1.4;stroke-dasharray:4 3}
.edge-drive{stroke:#c7b9a0;stroke-width:2.2}
.edge-unsafe{fill:none;stroke:#d62728;stroke-width:6;stroke-opacity:0.55;stroke-linecap:round}
.catchment{fill-opacity:0.05;stroke-width:1.8}
.catchment-0{fill:#7b4fa0;stroke:#7b4fa0;stroke-dasharray:8 4}
.catchment-1{fill:#138a72;stroke:#138a72;stroke-dasharray:2 3}
.catchment-2{fill:#a0522d;stroke:#a0522d;stroke-dasharray:14 4 2 4}
.catchment-3{fill:#5a5a5a;stroke:#5a5a5a;stroke-dasharray:4 2}
.route-walk{fill:none;stroke:#1f5fbf;stroke-width:4.5;stroke-linejoin:round;stroke-linecap:round}
.route-drive{fill:none;stroke:#e08a00;stroke-width:2.5;stroke-dasharray:9 7;stroke-linejoin:round}
.route-disregarded{fill:none;stroke:#d62728;stroke-width:2.5;stroke-dasharray:2 4;stroke-linecap:round}
.route-as-decided{fill:none;stroke:#555;stroke-width:3;stroke-dasharray:6 4;stroke-opacity:0.8}
.snap{fill:none;stroke:#333;stroke-width:1;stroke-dasharray:2 2}
.home{fill:#1a1a1a;stroke:#fff;stroke-width:1.5}
.access{fill:#fff;stroke:#1a1a1a;stroke-width:2}
.gate{fill:#fff;stroke:#2a7a2a;stroke-width:2}
.gate-used{fill:#2a7a2a;stroke:#fff;stroke-width:1.5}
.gate-closed{fill:#fff;stroke:#999;stroke-width:1.5}
text{font-family:'DejaVu Sans','Liberation Sans',Arial,Helvetica,sans-serif;font-size:12px;fill:#1a1a1a}
.label{paint-order:stroke;stroke:#fbfaf6;stroke-width:3.5px;stroke-linejoin:round}
.route-label{font-weight:bold;fill:#1f5fbf}
.street-label{font-size:11px;font-style:italic;fill:#4a4a4a}
.unsafe-label{fill:#b01c1c;font-weight:bold}
.title{font-size:15px;font-weight:bold}
.frame{fill:none;stroke:#444;stroke-width:1}
.legend-box{fill:#fff;stroke:#bbb}
";

/// Draws the map as a standalone SVG document.
pub fn svg(m: &MapData) -> String {
    svg_with_ids(m, "")
}

/// Draws the map with every element id prefixed by `prefix`, so that two maps can sit in one
/// HTML page without their ids (and the clip path they refer to) colliding.
pub fn svg_with_ids(m: &MapData, prefix: &str) -> String {
    let p = esc(prefix);
    let [min_e, min_n, max_e, max_n] = m.bounds;
    let scale = MAP_W / (max_e - min_e);
    let t = Transform {
        origin_e: min_e,
        origin_n: max_n,
        scale,
        pad: PAD,
    };
    let map_h = (max_n - min_n) * scale;
    let legend = legend_items(m);
    let legend_h = (26.0 + 20.0 * legend.len() as f64).max(112.0);
    let (w, h) = (MAP_W + 2.0 * PAD, map_h + 2.0 * PAD + legend_h + 28.0);
    let mut s = String::new();
    open_document(&mut s, m, &t, &p, [w, h], map_h);
    s.push_str(&format!("<g clip-path=\"url(#{p}map-clip)\">\n"));
    draw_catchments(&mut s, m, &t);
    draw_network(&mut s, m, &t, &p);
    draw_routes(&mut s, m, &t, &p);
    draw_points(&mut s, m, &t);
    draw_labels(&mut s, m, &t, [PAD, PAD, PAD + MAP_W, PAD + map_h]);
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        coord(PAD),
        coord(PAD),
        coord(MAP_W),
        coord(map_h)
    );
    // Legend below the map, with the north arrow and the scale bar at its right, where they can
    // never hide part of the route.
    let ly = PAD + map_h + 14.0;
    draw_legend(&mut s, m, &legend, &p, ly, legend_h);
    draw_north_arrow(&mut s, &p, ly);
    draw_scale_bar(&mut s, &p, ly, scale);
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#555\">British National Grid (EPSG:27700); grid north up. Map drawn from the network the decision was measured on.</text>",
        coord(PAD),
        coord(h - 8.0)
    );
    s.push_str("</svg>\n");
    s
}

/// The SVG root (stating the transform, so anyone can check the drawing), title, style, the clip
/// path of the map area and the background.
fn open_document(
    s: &mut String,
    m: &MapData,
    t: &Transform,
    p: &str,
    [w, h]: [f64; 2],
    map_h: f64,
) {
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" \
         height=\"{}\" role=\"img\" aria-label=\"{}\" data-crs=\"EPSG:27700\" \
         data-origin-e=\"{}\" data-origin-n=\"{}\" data-scale=\"{}\" data-pad=\"{}\">",
        coord(w),
        coord(h),
        coord(w),
        coord(h),
        esc(&m.title),
        t.origin_e,
        t.origin_n,
        t.scale,
        PAD
    );
    let _ = writeln!(s, "<title>{}</title>", esc(&m.title));
    let _ = writeln!(s, "<style>{STYLE}</style>");
    let _ = writeln!(
        s,
        "<defs><clipPath id=\"{p}map-clip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath></defs>",
        coord(PAD),
        coord(PAD),
        coord(MAP_W),
        coord(map_h)
    );
    let _ = writeln!(
        s,
        "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/>",
        coord(w),
        coord(h)
    );
}

/// Each catchment's own style (up to four; a fifth shares the first's).
fn catchment_class(i: usize) -> &'static str {
    [
        "catchment catchment-0",
        "catchment catchment-1",
        "catchment catchment-2",
        "catchment catchment-3",
    ][i % 4]
}

/// Catchments, under everything.
fn draw_catchments(s: &mut String, m: &MapData, t: &Transform) {
    for (i, c) in m.catchments.iter().enumerate() {
        let mut d = String::new();
        for ring in &c.rings {
            for (i, p) in ring.iter().enumerate() {
                let _ = write!(d, "{}{} ", if i == 0 { "M" } else { "L" }, t.point(*p));
            }
            d.push_str("Z ");
        }
        let _ = writeln!(
            s,
            "<path class=\"{}\" fill-rule=\"evenodd\" d=\"{}\"><title>{}</title></path>",
            catchment_class(i),
            d.trim_end(),
            esc(&c.name)
        );
    }
}

/// The network near the route, then the stretches assessed unsafe to walk over it.
fn draw_network(s: &mut String, m: &MapData, t: &Transform, p: &str) {
    s.push_str(&format!("<g id=\"{p}network\">\n"));
    for e in &m.edges {
        let class = match (e.walk, e.drive) {
            (true, true) => "edge edge-road",
            (true, false) => "edge edge-path",
            (false, true) => "edge edge-drive",
            (false, false) => "edge",
        };
        let _ = writeln!(
            s,
            "<polyline class=\"{class}\" points=\"{}\"/>",
            t.points(&e.points)
        );
    }
    s.push_str(&format!("</g>\n<g id=\"{p}unsafe\">\n"));
    for e in m.edges.iter().filter(|e| e.unsafe_ref.is_some()) {
        let r = e.unsafe_ref.as_deref().unwrap_or_default();
        let _ = writeln!(
            s,
            "<polyline class=\"edge-unsafe\" data-audit=\"{}\" points=\"{}\"><title>Assessed unsafe to walk: {}</title></polyline>",
            esc(r),
            t.points(&e.points),
            esc(r)
        );
    }
    s.push_str("</g>\n");
}

/// The home's link to the network (not counted in the distance), then every route.
fn draw_routes(s: &mut String, m: &MapData, t: &Transform, p: &str) {
    if let Some((a, d)) = m.access_point {
        if d > 0.0 {
            let _ = writeln!(
                s,
                "<polyline class=\"snap\" points=\"{} {}\"/>",
                t.point(m.home),
                t.point(a)
            );
        }
    }
    for r in &m.routes {
        let id = match (r.role, r.mode) {
            (RouteRole::Measured, Mode::Drive) => "route-drive",
            (RouteRole::Measured, _) => "route-walk",
            (RouteRole::Disregarded, _) => "route-disregarded",
            (RouteRole::AsDecided, _) => "route-as-decided",
        };
        let _ = writeln!(
            s,
            "<polyline id=\"{p}{id}\" class=\"{}\" data-length-mi=\"{}\" points=\"{}\"><title>{}</title></polyline>",
            route_class(r),
            esc(&r.length_mi),
            t.points(&r.points),
            esc(&route_label(r, &m.unsafe_clause))
        );
    }
}

/// School entrances, where the home meets the network, and the home.
fn draw_points(s: &mut String, m: &MapData, t: &Transform) {
    for g in &m.gates {
        let (x, y) = t.apply(g.point);
        let class = if g.used {
            "gate-used"
        } else if g.open {
            "gate"
        } else {
            "gate-closed"
        };
        let _ = writeln!(
            s,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"><title>{}</title></rect>",
            coord(x - 5.0),
            coord(y - 5.0),
            esc(&g.name)
        );
    }
    if let Some((p, d)) = m.access_point {
        let (x, y) = t.apply(p);
        let _ = writeln!(
            s,
            "<circle class=\"access\" cx=\"{}\" cy=\"{}\" r=\"4.5\"><title>Where the home meets the walking network ({d:.1} m from the home, not counted)</title></circle>",
            coord(x),
            coord(y)
        );
    }
    let (hx, hy) = t.apply(m.home);
    let _ = writeln!(
        s,
        "<path class=\"home\" d=\"M{} {} l9 8 h-4 v8 h-10 v-8 h-4 z\"><title>Home</title></path>",
        coord(hx),
        coord(hy - 10.0)
    );
}

/// Writes one label: the spots to try, its text, class and extra attributes, and whether the
/// map must carry it.
type LabelFn<'a> = dyn FnMut(&mut String, &[Spot], &str, &str, &str, bool) + 'a;

/// Labels, on top of everything drawn, placed so that none covers another or a marker (see
/// [`super::labels`]): the home, the entrance reached, the measured routes with their lengths,
/// stretches assessed unsafe (once each), then other entrances and the names of the streets
/// the walk follows where there is room.
fn draw_labels(s: &mut String, m: &MapData, t: &Transform, frame: Rect) {
    let mut placer = Placer::new(frame);
    let (hx, hy) = t.apply(m.home);
    placer.block([hx - 10.0, hy - 11.0, hx + 10.0, hy + 7.0]);
    for g in &m.gates {
        let (x, y) = t.apply(g.point);
        placer.block([x - 6.0, y - 6.0, x + 6.0, y + 6.0]);
    }
    if let Some((a, _)) = m.access_point {
        let (x, y) = t.apply(a);
        placer.block([x - 5.0, y - 5.0, x + 5.0, y + 5.0]);
    }
    let mut label =
        |s: &mut String, spots: &[Spot], text: &str, class: &str, extra: &str, must: bool| {
            let bold = class.contains("route-label") || class.contains("unsafe-label");
            let size = if class.contains("street-label") {
                11.0
            } else {
                12.0
            };
            let n = text.chars().count();
            let placed = placer.place(spots, n, size, bold).or_else(|| {
                // The map must carry this label: at its first place, even if crowded.
                must.then(|| spots.first().map(|&sp| (sp, text_box(sp, n, size, bold))))
                    .flatten()
            });
            if let Some((sp, b)) = placed {
                let _ = writeln!(
                    s,
                    "<text class=\"{class}\"{extra}{} x=\"{}\" y=\"{}\"{}>{}</text>",
                    box_attr(&b),
                    coord(sp.x),
                    coord(sp.y),
                    sp.anchor.attr(),
                    esc(text)
                );
            }
        };
    label(
        s,
        &Placer::around(hx, hy - 2.0, 13.0),
        "Home",
        "label",
        "",
        true,
    );
    let gate_text = |g: &MapGate| {
        format!(
            "{}{}",
            g.name,
            if g.used {
                " (reached)"
            } else if g.open {
                ""
            } else {
                " (closed)"
            }
        )
    };
    // The entrance reached must be labelled; the others are where there is room.
    let gates = |s: &mut String, label: &mut LabelFn, reached: bool| {
        for g in m.gates.iter().filter(|g| g.used == reached) {
            let (x, y) = t.apply(g.point);
            label(
                s,
                &Placer::around(x, y, 9.0),
                &gate_text(g),
                "label",
                "",
                reached,
            );
        }
    };
    gates(s, &mut label, true);
    for r in m.routes.iter().filter(|r| r.role == RouteRole::Measured) {
        let mut spots = Vec::new();
        for f in [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8] {
            if let Some(p) = along(&r.points, f) {
                let (x, y) = t.apply(p);
                spots.extend([
                    Spot {
                        x: x + 8.0,
                        y: y - 8.0,
                        anchor: Anchor::Start,
                    },
                    Spot {
                        x: x - 8.0,
                        y: y - 8.0,
                        anchor: Anchor::End,
                    },
                    Spot {
                        x: x + 8.0,
                        y: y + 18.0,
                        anchor: Anchor::Start,
                    },
                    Spot {
                        x: x - 8.0,
                        y: y + 18.0,
                        anchor: Anchor::End,
                    },
                ]);
            }
        }
        let extra = format!(" data-length-mi=\"{}\"", esc(&r.length_mi));
        label(
            s,
            &spots,
            &route_label(r, &m.unsafe_clause),
            "label route-label",
            &extra,
            true,
        );
    }
    let mut labelled: Vec<&str> = Vec::new();
    for e in &m.edges {
        let Some(r) = e.unsafe_ref.as_deref() else {
            continue;
        };
        if labelled.contains(&r) {
            continue;
        }
        labelled.push(r);
        if let Some(p) = along(&e.points, 0.5) {
            let (x, y) = t.apply(p);
            label(
                s,
                &Placer::around(x, y, 10.0),
                &format!("Unsafe: {r}"),
                "label unsafe-label",
                "",
                true,
            );
        }
    }
    gates(s, &mut label, false);
    for (name, p) in streets_on_walk(m) {
        let (x, y) = t.apply(p);
        let spots = [
            Spot {
                x,
                y: y - 6.0,
                anchor: Anchor::Middle,
            },
            Spot {
                x,
                y: y + 15.0,
                anchor: Anchor::Middle,
            },
            Spot {
                x: x + 8.0,
                y: y + 4.0,
                anchor: Anchor::Start,
            },
            Spot {
                x: x - 8.0,
                y: y + 4.0,
                anchor: Anchor::End,
            },
        ];
        label(s, &spots, &name, "label street-label", "", false);
    }
}

/// The names of the roads and paths the measured walk follows, each once, at the middle of its
/// longest stretch on the walk, longest first; at most eight.
fn streets_on_walk(m: &MapData) -> Vec<(String, [f64; 2])> {
    let Some(walk) = m
        .routes
        .iter()
        .find(|r| r.role == RouteRole::Measured && r.mode != Mode::Drive)
    else {
        return Vec::new();
    };
    // On the walk: an edge whose middle is within this many metres of it.
    const ON_WALK_M: f64 = 2.0;
    let line: geo::LineString<f64> = walk.points.iter().map(|c| (c[0], c[1])).collect();
    let Some(r) = line.bounding_rect() else {
        return Vec::new();
    };
    let (lo, hi) = (r.min(), r.max());
    let mut best: Vec<(String, f64, [f64; 2])> = Vec::new();
    for e in m.edges.iter().filter(|e| e.walk) {
        let Some(name) = e.name.as_deref().filter(|n| !n.is_empty()) else {
            continue;
        };
        let Some(mid) = along(&e.points, 0.5) else {
            continue;
        };
        let near_box = mid[0] >= lo.x - ON_WALK_M
            && mid[0] <= hi.x + ON_WALK_M
            && mid[1] >= lo.y - ON_WALK_M
            && mid[1] <= hi.y + ON_WALK_M;
        if !near_box
            || geo::Distance::distance(&geo::Euclidean, &geo::Point::new(mid[0], mid[1]), &line)
                > ON_WALK_M
        {
            continue;
        }
        let len = length(&e.points);
        match best.iter_mut().find(|(n, _, _)| n == name) {
            Some(b) if b.1 < len => *b = (name.to_string(), len, mid),
            Some(_) => {}
            None => best.push((name.to_string(), len, mid)),
        }
    }
    best.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    best.into_iter().take(8).map(|(n, _, p)| (n, p)).collect()
}

fn length(ps: &[[f64; 2]]) -> f64 {
    ps.windows(2)
        .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
        .sum()
}

/// The legend box at `ly` (below the map): the title, then one symbol and text a row. Opens the
/// legend group, which the north arrow and scale bar join before it is closed.
fn draw_legend(
    s: &mut String,
    m: &MapData,
    legend: &[(Symbol, String)],
    p: &str,
    ly: f64,
    legend_h: f64,
) {
    let _ = writeln!(
        s,
        "<g id=\"{p}legend\"><rect class=\"legend-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        coord(PAD),
        coord(ly),
        coord(MAP_W),
        coord(legend_h)
    );
    let _ = writeln!(
        s,
        "<text class=\"title\" x=\"{}\" y=\"{}\">{}</text>",
        coord(PAD + 10.0),
        coord(ly + 20.0),
        esc(&m.title)
    );
    for (i, (symbol, text)) in legend.iter().enumerate() {
        let x = PAD + 10.0;
        let y = ly + 40.0 + i as f64 * 20.0;
        s.push_str(&symbol.draw(x, y));
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            coord(x + 40.0),
            coord(y + 4.0),
            esc(text)
        );
    }
}

/// North arrow, at the legend's right: grid north (BNG), which the map's y axis follows.
fn draw_north_arrow(s: &mut String, p: &str, ly: f64) {
    let (nx, ny) = (PAD + MAP_W - 30.0, ly + 14.0);
    let _ = writeln!(
        s,
        "<g id=\"{p}north-arrow\"><path d=\"M{} {} l8 22 l-8 -6 l-8 6 z\" fill=\"#1a1a1a\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">N</text></g>",
        coord(nx),
        coord(ny),
        coord(nx),
        coord(ny + 36.0)
    );
}

/// Scale bar, at the legend's bottom right: a "nice" number of miles.
fn draw_scale_bar(s: &mut String, p: &str, ly: f64, scale: f64) {
    let max_mi = MAP_W * 0.28 / scale / METRES_PER_MILE;
    let bar_mi = scale_bar_miles(max_mi);
    let bar_m = bar_mi * METRES_PER_MILE;
    let bar_px = bar_m * scale;
    let (bx, by) = (PAD + MAP_W - 16.0 - bar_px, ly + 96.0);
    let _ = writeln!(
        s,
        "<g id=\"{p}scale-bar\" data-miles=\"{bar_mi}\">\
         <path d=\"M{} {} v6 h{} v-6\" fill=\"none\" stroke=\"#1a1a1a\" stroke-width=\"2\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">Scale: {bar_mi} miles ({:.0} m)</text></g>",
        coord(bx),
        coord(by),
        coord(bar_px),
        coord(PAD + MAP_W - 16.0),
        coord(by - 8.0),
        bar_m
    );
}

/// A legend symbol.
enum Symbol {
    Line(&'static str),
    Rect(&'static str),
    Circle(&'static str),
    Home,
}

impl Symbol {
    fn draw(&self, x: f64, y: f64) -> String {
        match self {
            Symbol::Line(class) => format!(
                "<polyline class=\"{class}\" points=\"{},{} {},{}\"/>\n",
                coord(x),
                coord(y),
                coord(x + 30.0),
                coord(y)
            ),
            Symbol::Rect(class) => format!(
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"/>\n",
                coord(x + 10.0),
                coord(y - 5.0)
            ),
            Symbol::Circle(class) => format!(
                "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"4.5\"/>\n",
                coord(x + 15.0),
                coord(y)
            ),
            Symbol::Home => format!(
                "<path class=\"home\" d=\"M{} {} l9 8 h-4 v8 h-10 v-8 h-4 z\"/>\n",
                coord(x + 15.0),
                coord(y - 9.0)
            ),
        }
    }
}

fn legend_items(m: &MapData) -> Vec<(Symbol, String)> {
    let mut v: Vec<(Symbol, String)> = Vec::new();
    for r in &m.routes {
        let class = route_class(r);
        v.push((Symbol::Line(class), route_label(r, &m.unsafe_clause)));
    }
    v.push((Symbol::Home, "Home".into()));
    if let Some((_, d)) = m.access_point {
        v.push((
            Symbol::Circle("access"),
            format!("Where the home meets the network ({d:.1} m, not counted)"),
        ));
    }
    if m.gates.iter().any(|g| g.used) {
        v.push((Symbol::Rect("gate-used"), "School entrance reached".into()));
    }
    if m.gates.iter().any(|g| !g.used && g.open) {
        v.push((Symbol::Rect("gate"), "Other open school entrance".into()));
    }
    if m.gates.iter().any(|g| !g.open) {
        v.push((Symbol::Rect("gate-closed"), "Closed school entrance".into()));
    }
    if m.edges.iter().any(|e| e.walk && e.drive) {
        v.push((
            Symbol::Line("edge edge-road"),
            "Road (walk and drive)".into(),
        ));
    }
    if m.edges.iter().any(|e| e.walk && !e.drive) {
        v.push((
            Symbol::Line("edge edge-path"),
            "Footpath (walk only)".into(),
        ));
    }
    if m.edges.iter().any(|e| !e.walk && e.drive) {
        v.push((Symbol::Line("edge edge-drive"), "Road (drive only)".into()));
    }
    let mut refs: Vec<&str> = m
        .edges
        .iter()
        .filter_map(|e| e.unsafe_ref.as_deref())
        .collect();
    refs.sort_unstable();
    refs.dedup();
    for r in refs {
        v.push((
            Symbol::Line("edge-unsafe"),
            format!("Assessed unsafe to walk: {r}"),
        ));
    }
    for (i, c) in m.catchments.iter().enumerate() {
        v.push((
            Symbol::Line(catchment_class(i)),
            format!("Catchment: {}", c.name),
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_fixed_text() {
        assert_eq!(coord(-0.04), "0.0");
        assert_eq!(coord(12.25), "12.2");
        assert_eq!(coord(3.0), "3.0");
    }

    #[test]
    fn north_is_up() {
        let t = Transform {
            origin_e: 1000.0,
            origin_n: 2000.0,
            scale: 0.5,
            pad: 10.0,
        };
        let (_, y_south) = t.apply([1000.0, 1000.0]);
        let (_, y_north) = t.apply([1000.0, 2000.0]);
        assert!(y_north < y_south, "north must be drawn above south");
        assert_eq!(t.point([1100.0, 1900.0]), "60.0,60.0");
    }

    #[test]
    fn frames_are_whole_metres_with_a_margin_and_bounded_aspect() {
        let b = frame(&[[100.5, 200.5], [100.5, 5200.0]]);
        assert!(b[0] < 100.5 - 100.0 && b[3] > 5200.0 + 100.0);
        assert_eq!(b.map(|v| v.fract()), [0.0; 4]);
        let (w, h) = (b[2] - b[0], b[3] - b[1]);
        assert!(h <= w * MAX_ASPECT + 2.0, "{w} x {h}");
    }

    #[test]
    fn scale_bar_is_a_nice_length() {
        assert_eq!(scale_bar_miles(0.7), 0.5);
        assert_eq!(scale_bar_miles(1.0), 1.0);
        assert_eq!(scale_bar_miles(0.001), 0.01);
    }
}
