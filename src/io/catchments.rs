//! `catchments.geojson`: catchment polygons naming the school or schools they serve, in
//! EPSG:27700 (see `docs/formats.md`). Polygon and MultiPolygon features; `schools` is an array
//! of URNs (numbers or text) or one text of URNs separated by `;` or `,`.

use std::path::Path;

use geojson::{GeometryValue, PolygonType};
use serde_json::Value;

use super::geojson_util::{parse_collection, urn_from_text, FeatureRef};
use crate::area::{Catchment, Urn};

/// Reads a catchments file (tests only: the area loader reads and hashes each file itself).
#[cfg(test)]
pub(crate) fn load_catchments(path: &Path) -> anyhow::Result<Vec<Catchment>> {
    let bytes = super::read_bytes(path)?;
    read_catchments(path, &bytes)
}

/// Parses catchments from bytes already read; `path` names the file in messages.
pub fn read_catchments(path: &Path, bytes: &[u8]) -> anyhow::Result<Vec<Catchment>> {
    let fc = parse_collection(path, bytes)?;
    fc.features
        .iter()
        .enumerate()
        .map(|(i, feature)| catchment(&FeatureRef::new(path, i, feature)))
        .collect()
}

fn catchment(f: &FeatureRef<'_>) -> anyhow::Result<Catchment> {
    let name = f.string("name")?;
    let schools = schools(f)?;
    let area = match f.feature.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::Polygon { coordinates }) => {
            geo::MultiPolygon::new(vec![valid(f, None, polygon(f, coordinates)?)?])
        }
        Some(GeometryValue::MultiPolygon { coordinates }) => {
            if coordinates.is_empty() {
                return Err(f.geometry_error("MultiPolygon has no polygons"));
            }
            geo::MultiPolygon::new(
                coordinates
                    .iter()
                    .enumerate()
                    .map(|(k, p)| valid(f, Some(k), polygon(f, p)?))
                    .collect::<anyhow::Result<_>>()?,
            )
        }
        Some(other) => {
            return Err(f.geometry_error(format!(
                "expected a Polygon or MultiPolygon, found a {}",
                other.type_name()
            )))
        }
        None => return Err(f.geometry_error("is missing")),
    };
    Ok(Catchment {
        name,
        schools,
        area,
    })
}

fn polygon(f: &FeatureRef<'_>, rings: &PolygonType) -> anyhow::Result<geo::Polygon<f64>> {
    let mut lines = Vec::with_capacity(rings.len());
    for (k, ring) in rings.iter().enumerate() {
        let line = f.line(ring)?;
        // geo closes rings itself; three distinct corners are the least that encloses anything.
        let mut distinct = line.0.clone();
        distinct.dedup();
        if distinct.first() == distinct.last() && distinct.len() > 1 {
            distinct.pop();
        }
        if distinct.len() < 3 {
            return Err(f.geometry_error(format!("ring {k} has fewer than three distinct corners")));
        }
        lines.push(line);
    }
    let mut lines = lines.into_iter();
    let Some(exterior) = lines.next() else {
        return Err(f.geometry_error("polygon has no rings"));
    };
    Ok(geo::Polygon::new(exterior, lines.collect()))
}

/// Refuses a polygon whose inside is not well defined: a ring that crosses or touches itself,
/// two rings that cross, a hole outside its polygon. Which homes lie inside such a catchment is a
/// matter of chance (a point-in-polygon test may say either), so a decision on it could be
/// silently wrong. The message names the feature, the polygon (of a MultiPolygon), the ring and a
/// point where the fault is, to find it in QGIS.
///
/// geo 0.33 has `geo::Validation`, which checks the same rules, but its ring check compares every
/// side with every other: 4.8 s for one ring of 5,000 corners and 54 s for 20,000, on every
/// load of an area. The same rules are checked here with geo's sweep-line
/// [`geo::Intersections`] (28 ms for 20,000 corners). Overlap between the polygons of one
/// MultiPolygon is not refused: a home in either is in the catchment either way.
fn valid(
    f: &FeatureRef<'_>,
    index: Option<usize>,
    p: geo::Polygon<f64>,
) -> anyhow::Result<geo::Polygon<f64>> {
    let which = index.map(|k| format!("polygon {k}: ")).unwrap_or_default();
    let refuse = |what: String, at: geo::Coord<f64>| {
        f.geometry_error(format!(
            "{which}the {what} at ({:.1}, {:.1}); which homes are inside is then not well \
             defined, so fix the geometry (e.g. QGIS \"Fix geometries\") and give the catchment \
             again",
            at.x, at.y
        ))
    };
    let rings: Vec<&geo::LineString<f64>> =
        std::iter::once(p.exterior()).chain(p.interiors()).collect();
    let name = |r: usize| match r {
        0 => "exterior ring".to_string(),
        k => format!("interior ring {}", k - 1),
    };
    if let Some((a, b, at)) = first_fault(&rings) {
        let what = if a == b {
            format!("{} crosses or touches itself", name(a))
        } else {
            format!("{} and the {} cross", name(a), name(b))
        };
        return Err(refuse(what, at));
    }
    // The rings do not cross, so a hole with one corner outside the exterior lies outside it.
    let outer = geo::Polygon::new(p.exterior().clone(), Vec::new());
    for (k, hole) in p.interiors().iter().enumerate() {
        use geo::coordinate_position::{CoordPos, CoordinatePosition};
        let off = hole
            .coords()
            .map(|c| (c, outer.coordinate_position(c)))
            .find(|(_, pos)| *pos != CoordPos::OnBoundary);
        if let Some((c, CoordPos::Outside)) = off {
            return Err(refuse(
                format!("interior ring {k} (a hole) lies outside the exterior ring"),
                *c,
            ));
        }
    }
    Ok(p)
}

/// The first fault among a polygon's rings, found in one sweep over all their sides: two sides
/// of one ring that meet other than at the corner neighbouring sides share (`(r, r, point)`), or
/// sides of two rings that cross (`(r1, r2, point)`; rings may touch at a point).
fn first_fault(rings: &[&geo::LineString<f64>]) -> Option<(usize, usize, geo::Coord<f64>)> {
    /// A side with its ring and position, so that neighbouring sides can be told apart.
    #[derive(Clone, Copy, Debug)]
    struct Side {
        ring: usize,
        i: usize,
        line: geo::Line<f64>,
    }
    impl geo::sweep::Cross for Side {
        type Scalar = f64;
        fn line(&self) -> geo::Line<f64> {
            self.line
        }
    }
    let mut sides = Vec::new();
    let mut count = Vec::with_capacity(rings.len());
    for (ring, r) in rings.iter().enumerate() {
        // Repeated corners would make zero-length sides, whose neighbours then look as if they
        // met away from a shared corner.
        let mut corners: Vec<geo::Coord<f64>> = r.coords().copied().collect();
        corners.dedup();
        let before = sides.len();
        sides.extend(corners.windows(2).enumerate().map(|(i, w)| Side {
            ring,
            i,
            line: geo::Line::new(w[0], w[1]),
        }));
        count.push(sides.len() - before);
    }
    geo::Intersections::from_iter(sides).find_map(|(a, b, x)| {
        use geo::LineIntersection::{Collinear, SinglePoint};
        if a.ring != b.ring {
            let (r1, r2) = (a.ring.min(b.ring), a.ring.max(b.ring));
            return match x {
                SinglePoint {
                    intersection,
                    is_proper: true,
                } => Some((r1, r2, intersection)),
                Collinear { intersection } => Some((r1, r2, intersection.start)),
                SinglePoint { .. } => None,
            };
        }
        let last = count[a.ring].saturating_sub(1);
        let neighbours = a.i.abs_diff(b.i) == 1 || (a.i.min(b.i) == 0 && a.i.max(b.i) == last);
        match x {
            SinglePoint { .. } if neighbours => None,
            SinglePoint { intersection, .. } => Some((a.ring, a.ring, intersection)),
            Collinear { intersection } => Some((a.ring, a.ring, intersection.start)),
        }
    })
}

fn schools(f: &FeatureRef<'_>) -> anyhow::Result<Vec<Urn>> {
    const KEY: &str = "schools";
    let bad_text = |s: &str| {
        f.prop_error(
            KEY,
            format!("\"{s}\" is not a list of school URNs (whole numbers separated by ; or ,)"),
        )
    };
    let urns = match f.prop(KEY) {
        None => return Err(f.prop_error(KEY, "is missing but required")),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| f.urn(KEY, v))
            .collect::<anyhow::Result<Vec<_>>>()?,
        Some(Value::String(s)) => s
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| urn_from_text(p).ok_or_else(|| bad_text(s)))
            .collect::<anyhow::Result<Vec<_>>>()?,
        Some(v @ Value::Number(_)) => vec![f.urn(KEY, v)?],
        Some(other) => {
            return Err(f.prop_error(
                KEY,
                format!("{other} is not an array of URNs or a text of URNs"),
            ))
        }
    };
    if urns.is_empty() {
        return Err(f.prop_error(KEY, "names no school"));
    }
    Ok(urns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::geojson_util::fixtures::{fc, feature};
    use geo::Contains;

    fn load(content: &str) -> anyhow::Result<Vec<Catchment>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catchments.geojson");
        std::fs::write(&path, content).unwrap();
        load_catchments(&path)
    }

    fn load_err(content: &str) -> String {
        format!("{:#}", load(content).unwrap_err())
    }

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[390000,80000],[391000,80000],[391000,81000],[390000,81000],[390000,80000]]]}"#;

    #[test]
    fn happy_path_polygon_and_multipolygon() {
        let multi = r#"{"type":"MultiPolygon","coordinates":[
            [[[392000,80000],[393000,80000],[393000,81000],[392000,80000]]],
            [[[394000,80000],[395000,80000],[395000,81000],[394000,81000],[394000,80000]],
             [[394200,80200],[394800,80200],[394800,80800],[394200,80200]]]]}"#;
        let text = format!(
            "\u{feff}{}",
            fc(&[
                feature(r#"{"name":"Purbeck","schools":[137345]}"#, SQUARE),
                feature(r#"{"name":"Joint","schools":["1", 2, " 3 "]}"#, multi),
                feature(r#"{"name":"Text","schools":"4; 5,6"}"#, SQUARE),
                feature(r#"{"name":"One","schools":7}"#, SQUARE),
            ])
        );
        let c = load(&text).unwrap();
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].name, "Purbeck");
        assert_eq!(c[0].schools, vec![Urn(137345)]);
        assert!(c[0].area.contains(&geo::Point::new(390500.0, 80500.0)));
        assert_eq!(c[1].schools, vec![Urn(1), Urn(2), Urn(3)]);
        assert_eq!(c[1].area.0.len(), 2);
        assert_eq!(c[1].area.0[1].interiors().len(), 1);
        assert!(!c[1].area.contains(&geo::Point::new(394700.0, 80500.0)));
        assert_eq!(c[2].schools, vec![Urn(4), Urn(5), Urn(6)]);
        assert_eq!(c[3].schools, vec![Urn(7)]);
    }

    #[test]
    fn empty_collection_is_no_catchments() {
        assert!(load(&fc(&[])).unwrap().is_empty());
    }

    #[test]
    fn missing_file_and_empty_file() {
        let e = format!(
            "{:#}",
            load_catchments(Path::new("/no/such/catchments.geojson")).unwrap_err()
        );
        assert!(e.contains("/no/such/catchments.geojson"), "{e}");
        let e = load_err("  \n");
        assert!(e.contains("catchments.geojson: the file is empty"), "{e}");
    }

    #[test]
    fn property_errors_name_feature_and_property() {
        let ok = feature(r#"{"name":"A","schools":[1]}"#, SQUARE);
        let e = load_err(&fc(&[ok.clone(), feature(r#"{"schools":[1]}"#, SQUARE)]));
        assert!(
            e.contains("catchments.geojson: feature 1, property name: is missing"),
            "{e}"
        );
        let e = load_err(&fc(&[ok.clone(), feature(r#"{"name":"B"}"#, SQUARE)]));
        assert!(
            e.contains("feature 1 (\"B\"), property schools: is missing"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(
            r#"{"name":"B","schools":[1,"x2"]}"#,
            SQUARE,
        )]));
        assert!(
            e.contains("feature 0 (\"B\"), property schools: \"x2\" is not a school URN"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(r#"{"name":"B","schools":"1;two"}"#, SQUARE)]));
        assert!(
            e.contains("property schools: \"1;two\" is not a list of school URNs"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(r#"{"name":"B","schools":[]}"#, SQUARE)]));
        assert!(e.contains("property schools: names no school"), "{e}");
        let e = load_err(&fc(&[feature(r#"{"name":"B","schools":[-1]}"#, SQUARE)]));
        assert!(
            e.contains("property schools: -1 is not a school URN"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(r#"{"name":"B","schools":{"a":1}}"#, SQUARE)]));
        assert!(e.contains("property schools"), "{e}");
    }

    #[test]
    fn lat_lon_rejected() {
        let ll = r#"{"type":"Polygon","coordinates":[[[-2.1,50.6],[-2.0,50.6],[-2.0,50.7],[-2.1,50.6]]]}"#;
        let e = load_err(&fc(&[feature(r#"{"name":"Purbeck","schools":[1]}"#, ll)]));
        assert!(
            e.contains("catchments.geojson: feature 0 (\"Purbeck\"), geometry"),
            "{e}"
        );
        assert!(
            e.contains("longitude/latitude") && e.contains("EPSG:27700"),
            "{e}"
        );
    }

    /// A bow tie: the exterior ring crosses itself at (390500, 80500).
    const BOW_TIE: &str = r#"{"type":"Polygon","coordinates":[[[390000,80000],[391000,81000],[391000,80000],[390000,81000],[390000,80000]]]}"#;

    #[test]
    fn a_self_intersecting_catchment_is_refused_naming_the_feature_and_the_crossing() {
        let ok = feature(r#"{"name":"A","schools":[1]}"#, SQUARE);
        let e = load_err(&fc(&[
            ok,
            feature(r#"{"name":"Bow","schools":[2]}"#, BOW_TIE),
        ]));
        assert!(
            e.contains(
                "catchments.geojson: feature 1 (\"Bow\"), geometry: the exterior ring crosses or \
                 touches itself at (390500.0, 80500.0); which homes are inside"
            ),
            "{e}"
        );
        // In a MultiPolygon, the polygon is named too; a hole crossing itself is found as well.
        let multi = r#"{"type":"MultiPolygon","coordinates":[
            [[[392000,80000],[393000,80000],[393000,81000],[392000,80000]]],
            [[[394000,80000],[395000,80000],[395000,81000],[394000,81000],[394000,80000]],
             [[394200,80200],[394800,80800],[394800,80200],[394200,80800],[394200,80200]]]]}"#;
        let e = load_err(&fc(&[feature(r#"{"name":"M","schools":[3]}"#, multi)]));
        assert!(
            e.contains(
                "feature 0 (\"M\"), geometry: polygon 1: the interior ring 0 crosses or touches \
                 itself at (394500.0, 80500.0)"
            ),
            "{e}"
        );
    }

    #[test]
    fn a_hole_crossing_the_exterior_is_refused_but_touching_it_is_not() {
        let ring = "[390000,80000],[391000,80000],[391000,81000],[390000,81000],[390000,80000]";
        let with_hole = |hole: &str| {
            load(&fc(&[feature(
                r#"{"name":"H","schools":[1]}"#,
                &format!(r#"{{"type":"Polygon","coordinates":[[{ring}],[{hole}]]}}"#),
            )]))
        };
        let e = format!(
            "{:#}",
            with_hole("[390800,80400],[391200,80400],[391200,80600],[390800,80400]").unwrap_err()
        );
        assert!(
            e.contains("the exterior ring and the interior ring 0 cross at (391000.0, "),
            "{e}"
        );
        // A hole touching the exterior at one corner is a valid polygon.
        let c = with_hole("[391000,80500],[390500,80400],[390500,80600],[391000,80500]").unwrap();
        assert_eq!(c[0].area.0[0].interiors().len(), 1);
    }

    #[test]
    fn a_hole_outside_its_polygon_is_refused() {
        let outside = r#"{"type":"Polygon","coordinates":[
            [[390000,80000],[391000,80000],[391000,81000],[390000,81000],[390000,80000]],
            [[395000,80000],[395100,80000],[395100,80100],[395000,80000]]]}"#;
        let e = load_err(&fc(&[feature(r#"{"name":"H","schools":[1]}"#, outside)]));
        assert!(
            e.contains(
                "feature 0 (\"H\"), geometry: the interior ring 0 (a hole) lies outside the \
                 exterior ring at (395000.0, 80000.0)"
            ),
            "{e}"
        );
    }

    #[test]
    fn geometry_errors() {
        let p = r#"{"name":"P","schools":[1]}"#;
        let e = load_err(&fc(&[feature(
            p,
            r#"{"type":"Point","coordinates":[390000,80000]}"#,
        )]));
        assert!(
            e.contains("expected a Polygon or MultiPolygon, found a Point"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(p, "null")]));
        assert!(e.contains("feature 0 (\"P\"), geometry: is missing"), "{e}");
        let e = load_err(&fc(&[feature(
            p,
            r#"{"type":"Polygon","coordinates":[[[390000,80000],[391000,80000],[390000,80000]]]}"#,
        )]));
        assert!(
            e.contains("ring 0 has fewer than three distinct corners"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(p, r#"{"type":"Polygon","coordinates":[]}"#)]));
        assert!(e.contains("polygon has no rings"), "{e}");
        let e = load_err(r#"{"type":"Feature","properties":{},"geometry":null}"#);
        assert!(e.contains("expected a GeoJSON FeatureCollection"), "{e}");
    }
}
