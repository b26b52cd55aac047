//! `schoolrun route`: the measured route for a case as GeoJSON (EPSG:27700), so that the "map
//! showing the route measured" (clause 1.5.3) can be produced and opened in QGIS.

use std::io::Write;

use anyhow::{bail, Context, Result};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject};
use serde_json::json;

use crate::cli::{Crs, RouteArgs, RouteMode};
use crate::io::output::{refuse_overwriting_inputs, Output};
use crate::network::Mode;
use crate::units::Metres;

use super::sources::{case_from, load_for_case, sources_for_case, Loaded};
use super::Exit;
use crate::decide::Case;

fn feature(geometry: GeometryValue, props: serde_json::Value) -> Feature {
    let properties: Option<JsonObject> = props.as_object().cloned();
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geometry)),
        id: None,
        properties,
        foreign_members: None,
    }
}

fn pt(p: geo::Point<f64>) -> GeometryValue {
    GeometryValue::new_point(vec![p.x(), p.y()])
}

/// Converts GeoJSON coordinates (a position, or nested arrays of them) from grid metres to
/// longitude and latitude, to seven decimal places (about a centimetre).
fn to_wgs84(coords: &mut serde_json::Value) -> Result<()> {
    let Some(items) = coords.as_array_mut() else {
        return Ok(());
    };
    if let [x, y] = items.as_slice() {
        if let (Some(e), Some(n)) = (x.as_f64(), y.as_f64()) {
            let (lon, lat) = crate::geodesy::bng_to_wgs84(e, n)
                .context("a point of the route is outside the OSTN15 grid (use --crs bng)")?;
            let r = |d: f64| (d * 1e7).round() / 1e7;
            *coords = json!([r(lon), r(lat)]);
            return Ok(());
        }
    }
    for c in items {
        to_wgs84(c)?;
    }
    Ok(())
}

/// The network mode a `--mode` flag names.
pub(crate) fn mode_of(mode: RouteMode) -> Mode {
    match mode {
        RouteMode::Walk => Mode::Walk,
        RouteMode::WalkIgnoringSafety => Mode::WalkIgnoringSafety,
        RouteMode::Drive => Mode::Drive,
    }
}

/// The route measured in `mode` from the case's home to its school, as GeoJSON in `crs`, with
/// the home, where the walk starts and the school's entrances: what `route` writes and what a
/// panel pack holds.
pub(crate) fn route_geojson(loaded: &Loaded, case: &Case, mode: Mode, crs: Crs) -> Result<String> {
    let area = &loaded.area.area;
    let school = area
        .school(case.school)
        .with_context(|| format!("unknown school URN {}", case.school))?;
    let located = area.locate(
        case.home,
        case.access_point,
        &loaded.policy.policy.walk_start.rule(),
    );
    // A home the area does not cover cannot be routed from: say so as `check` does.
    area.check_placed(&located)
        .context("no route can be measured from this home")?;
    let (Some(m), Some(route)) = (
        area.measure(&located, case.school, mode)?,
        area.route(&located, case.school, mode)?,
    ) else {
        bail!(
            "there is no available {} route from the home to {} (URN {})",
            match mode {
                Mode::Walk => "walking",
                Mode::WalkIgnoringSafety => "walking (ignoring safety audits)",
                Mode::Drive => "driven",
            },
            school.name,
            school.urn
        );
    };
    let coords: Vec<Vec<f64>> = route.geometry.coords().map(|c| vec![c.x, c.y]).collect();
    let mut features = vec![feature(
        GeometryValue::new_line_string(coords),
        json!({
            "kind": "route",
            "mode": mode,
            "length_m": m.length_m,
            "length_mi": Metres(m.length_m).miles_3dp(),
            "school_urn": school.urn.0,
            "school": school.name,
            "entrance": m.entrance,
            "edge_ids": route.edge_ids,
            "case_id": case.id,
        }),
    )];
    features.push(feature(pt(case.home), json!({ "kind": "home" })));
    // Where the route starts, and how far that is from the home's own point (not counted): the
    // nearest adopted road, the access point given, or the nearest path (clause 1.1.1).
    let from_home_m = geo::Distance::distance(&geo::Euclidean, case.home, m.home_snap.point);
    features.push(feature(
        pt(m.home_snap.point),
        json!({
            "kind": "access_point",
            "how": match located.start {
                crate::area::WalkStart::AccessPoint(_) if case.access_from_gazetteer => {
                    "gazetteer_access_point"
                }
                _ => located.start.how(),
            },
            "snap_distance_m": from_home_m,
            "edge_id": m.home_snap.edge_id,
        }),
    ));
    if from_home_m > 0.0 {
        features.push(feature(
            GeometryValue::new_line_string(vec![
                vec![case.home.x(), case.home.y()],
                vec![m.home_snap.point.x(), m.home_snap.point.y()],
            ]),
            json!({ "kind": "home_to_network", "length_m": from_home_m, "counted": false }),
        ));
    }
    for g in area.gates(case.school) {
        features.push(feature(
            pt(g.point),
            json!({ "kind": "entrance", "name": g.name, "open": g.open, "used": g.name == m.entrance }),
        ));
    }
    let mut fc = FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    Ok(match crs {
        Crs::Bng => {
            let mut crs = JsonObject::new();
            crs.insert(
                "crs".into(),
                json!({ "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::27700" } }),
            );
            fc.foreign_members = Some(crs);
            serde_json::to_string_pretty(&fc)?
        }
        Crs::Wgs84 => {
            let mut v = serde_json::to_value(&fc)?;
            for f in v["features"].as_array_mut().into_iter().flatten() {
                to_wgs84(&mut f["geometry"]["coordinates"])?;
            }
            serde_json::to_string_pretty(&v)?
        }
    })
}

/// Runs `route`.
pub fn run(args: RouteArgs) -> Result<Exit> {
    let mut inputs = super::sources::source_inputs(&args.sources);
    inputs.extend(args.input.case.clone());
    let inputs: Vec<&std::path::Path> = inputs.iter().map(|p| p.as_path()).collect();
    refuse_overwriting_inputs("-o", &args.output, &inputs)?;
    let sources = sources_for_case(&args.sources, args.input.case.as_deref())?;
    let loaded = load_for_case(&sources, args.input.case.as_deref())?;
    let case = case_from(
        args.input.case.as_deref(),
        &args.input.flags,
        &loaded.area.places,
    )?;
    let text = route_geojson(&loaded, &case, mode_of(args.mode), args.crs)?;
    let mut out = Output::create(&args.output)?;
    writeln!(out, "{text}")?;
    out.finish()?;
    Ok(Exit::Success)
}
