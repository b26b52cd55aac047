//! `catchments.geojson`: catchment polygons naming the school or schools they serve, in
//! EPSG:27700 (see `docs/formats.md`). Polygon and MultiPolygon features; `schools` is an array
//! of URNs (numbers or text) or one text of URNs separated by `;` or `,`.

use std::path::Path;

use geojson::{GeometryValue, PolygonType};
use serde_json::Value;

use super::geojson_util::{parse_collection, urn_from_text, FeatureRef};
use super::read_bytes;
use crate::area::{Catchment, Urn};

/// Reads a catchments file.
pub fn load_catchments(path: &Path) -> anyhow::Result<Vec<Catchment>> {
    let bytes = read_bytes(path)?;
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
            geo::MultiPolygon::new(vec![polygon(f, coordinates)?])
        }
        Some(GeometryValue::MultiPolygon { coordinates }) => {
            if coordinates.is_empty() {
                return Err(f.geometry_error("MultiPolygon has no polygons"));
            }
            geo::MultiPolygon::new(
                coordinates
                    .iter()
                    .map(|p| polygon(f, p))
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
