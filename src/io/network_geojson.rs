//! `network.geojson`: the path and road network as LineString / MultiLineString features in
//! EPSG:27700 (see `docs/formats.md`), read into [`RawEdge`]s for the network builder. Each line
//! part becomes one edge; noding and length are the builder's business. The writer produces the
//! same format (e.g. from an OpenStreetMap import), so a converted network can be inspected in
//! QGIS, edited, and used as `network = "..."`.

use std::io::Write;
use std::path::Path;

use geojson::feature::Id;
use geojson::{GeometryValue, Position};
use serde_json::Value;

use super::geojson_util::{parse_collection, FeatureRef};
use crate::network::{EdgeAttrs, Oneway, RawEdge, RoadClass, Validity};

/// Reads a network file into raw edges, in file order (tests only: the area loader reads and
/// hashes each file itself).
#[cfg(test)]
pub(crate) fn load_network_geojson(path: &Path) -> anyhow::Result<Vec<RawEdge>> {
    let bytes = super::read_bytes(path)?;
    read_network_geojson(path, &bytes)
}

/// Parses raw edges from bytes already read; `path` names the file in messages.
pub fn read_network_geojson(path: &Path, bytes: &[u8]) -> anyhow::Result<Vec<RawEdge>> {
    let fc = parse_collection(path, bytes)?;
    let mut edges = Vec::with_capacity(fc.features.len());
    for (i, feature) in fc.features.iter().enumerate() {
        let f = FeatureRef::new(path, i, feature);
        let attrs = attrs(&f)?;
        match feature.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::LineString { coordinates }) => {
                edges.push(RawEdge {
                    geometry: line(&f, coordinates, None)?,
                    attrs,
                });
            }
            Some(GeometryValue::MultiLineString { coordinates }) => {
                if coordinates.is_empty() {
                    return Err(f.geometry_error("MultiLineString has no lines"));
                }
                for (k, part) in coordinates.iter().enumerate() {
                    let mut attrs = attrs.clone();
                    attrs.id = format!("{}#{k}", attrs.id);
                    edges.push(RawEdge {
                        geometry: line(&f, part, Some(k))?,
                        attrs,
                    });
                }
            }
            Some(other) => {
                return Err(f.geometry_error(format!(
                    "expected a LineString or MultiLineString, found a {}",
                    other.type_name()
                )))
            }
            None => return Err(f.geometry_error("is missing")),
        }
    }
    Ok(edges)
}

/// Rounds a grid coordinate to the millimetre: the precision edges are noded at, and enough for
/// any survey; it keeps converted files small.
fn mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Writes edges as a network GeoJSON FeatureCollection (EPSG:27700, one LineString feature per
/// edge, coordinates to the millimetre) that [`read_network_geojson`] reads back to the same
/// edges; with `wgs84`, RFC 7946 longitude and latitude instead (seven decimals, OSTN15), for web
/// maps, which this tool does not read back as a network. Streams feature by feature, so a
/// county-sized network is never held twice in memory; edges may be given borrowed or, as a
/// network made of flat arrays hands them out, owned.
pub fn write_network_geojson<A, G>(
    mut w: impl Write,
    edges: impl IntoIterator<Item = (A, G)>,
    wgs84: bool,
) -> std::io::Result<()>
where
    A: std::borrow::Borrow<EdgeAttrs>,
    G: std::borrow::Borrow<geo::LineString<f64>>,
{
    if wgs84 {
        w.write_all(br#"{"type":"FeatureCollection","features":["#)?;
    } else {
        w.write_all(
            br#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":["#,
        )?;
    }
    let deg = |d: f64| (d * 1e7).round() / 1e7;
    for (i, (a, line)) in edges.into_iter().enumerate() {
        let (a, line) = (a.borrow(), line.borrow());
        let mut props = serde_json::Map::new();
        props.insert("id".into(), a.id.clone().into());
        if let Some(n) = &a.name {
            props.insert("name".into(), n.clone().into());
        }
        props.insert("walk".into(), a.walk.into());
        props.insert("drive".into(), a.drive.into());
        let oneway = match a.oneway {
            Oneway::No => "no",
            Oneway::Forward => "yes",
            Oneway::Backward => "-1",
        };
        props.insert("oneway".into(), oneway.into());
        if a.unsafe_walk {
            props.insert("unsafe".into(), true.into());
        }
        if let Some(r) = &a.unsafe_ref {
            props.insert("unsafe_ref".into(), r.clone().into());
        }
        if let Some(c) = a.road_class {
            props.insert("road_class".into(), c.as_str().into());
        }
        let coords: Vec<[f64; 2]> = if wgs84 {
            line.0
                .iter()
                .map(|c| {
                    crate::geodesy::bng_to_wgs84(c.x, c.y)
                        .map(|(lon, lat)| [deg(lon), deg(lat)])
                        .ok_or_else(|| {
                            std::io::Error::other(format!(
                                "edge {}: a point is outside the OSTN15 grid (use --crs bng)",
                                a.id
                            ))
                        })
                })
                .collect::<std::io::Result<_>>()?
        } else {
            line.0.iter().map(|c| [mm(c.x), mm(c.y)]).collect()
        };
        let feature = serde_json::json!({
            "type": "Feature",
            "properties": props,
            "geometry": { "type": "LineString", "coordinates": coords },
        });
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(b"\n")?;
        serde_json::to_writer(&mut w, &feature)?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()
}

fn line(
    f: &FeatureRef<'_>,
    positions: &[Position],
    part: Option<usize>,
) -> anyhow::Result<geo::LineString<f64>> {
    if positions.len() < 2 {
        let which = part.map_or(String::new(), |k| format!(" (part {k})"));
        return Err(f.geometry_error(format!("line{which} has fewer than two points")));
    }
    f.line(positions)
}

fn attrs(f: &FeatureRef<'_>) -> anyhow::Result<EdgeAttrs> {
    let id = match f.opt_string("id")? {
        Some(id) => id,
        None => match &f.feature.id {
            Some(Id::String(s)) => s.clone(),
            Some(Id::Number(n)) => n.to_string(),
            None => f.index.to_string(),
        },
    };
    Ok(EdgeAttrs {
        id,
        name: f.opt_string("name")?,
        walk: f.bool("walk")?,
        drive: f.bool("drive")?,
        oneway: oneway(f)?,
        unsafe_walk: f.opt_bool("unsafe")?.unwrap_or(false),
        unsafe_ref: f.opt_string("unsafe_ref")?,
        valid: Validity {
            from: f.opt_date("valid_from")?,
            to: f.opt_date("valid_to")?,
        },
        road_class: road_class(f)?,
    })
}

/// The `road_class` property: `adopted_road`, `path` or `private`; absent when not stated.
fn road_class(f: &FeatureRef<'_>) -> anyhow::Result<Option<RoadClass>> {
    f.opt_string("road_class")?
        .map(|s| {
            RoadClass::parse(&s).ok_or_else(|| {
                f.prop_error(
                    "road_class",
                    "is not adopted_road, path or private (leave it out when not known)",
                )
            })
        })
        .transpose()
}

fn oneway(f: &FeatureRef<'_>) -> anyhow::Result<Oneway> {
    const KEY: &str = "oneway";
    let reverse = match f.prop(KEY) {
        Some(Value::String(s)) => s.trim() == "-1",
        Some(Value::Number(n)) => n.as_f64() == Some(-1.0),
        _ => false,
    };
    if reverse {
        return Ok(Oneway::Backward);
    }
    match f.opt_bool(KEY) {
        Ok(None) | Ok(Some(false)) => Ok(Oneway::No),
        Ok(Some(true)) => Ok(Oneway::Forward),
        Err(_) => Err(f.prop_error(
            KEY,
            format!(
                "{} is not no, yes or -1",
                f.prop(KEY).map_or(String::new(), Value::to_string)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::geojson_util::fixtures::{fc, feature};

    fn load(content: &str) -> anyhow::Result<Vec<RawEdge>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("network.geojson");
        std::fs::write(&path, content).unwrap();
        load_network_geojson(&path)
    }

    fn load_err(content: &str) -> String {
        format!("{:#}", load(content).unwrap_err())
    }

    const LINE: &str =
        r#"{"type":"LineString","coordinates":[[390000,80000],[390100,80000],[390100,80100]]}"#;

    /// `road_class` is read when given (adopted road, path, private), absent when not, refused
    /// naming the feature when it is anything else; the writer writes it back.
    #[test]
    fn road_classes_are_read_checked_and_written() {
        let text = fc(&[
            feature(
                r#"{"walk":true,"drive":true,"road_class":"adopted_road"}"#,
                LINE,
            ),
            feature(r#"{"walk":true,"drive":false,"road_class":"path"}"#, LINE),
            feature(r#"{"walk":true,"drive":true,"road_class":"private"}"#, LINE),
            feature(r#"{"walk":true,"drive":true}"#, LINE),
        ]);
        let e = load(&text).unwrap();
        let classes: Vec<Option<RoadClass>> = e.iter().map(|e| e.attrs.road_class).collect();
        assert_eq!(
            classes,
            [
                Some(RoadClass::AdoptedRoad),
                Some(RoadClass::Path),
                Some(RoadClass::Private),
                None
            ]
        );
        let mut out = Vec::new();
        write_network_geojson(&mut out, e.iter().map(|e| (&e.attrs, &e.geometry)), false).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert_eq!(
            written.matches("\"road_class\":\"adopted_road\"").count(),
            1
        );
        assert_eq!(written.matches("\"road_class\"").count(), 3);
        assert_eq!(
            load(&written).unwrap()[1].attrs.road_class,
            Some(RoadClass::Path)
        );
        let err = load_err(&fc(&[feature(
            r#"{"walk":true,"drive":true,"road_class":"motorway"}"#,
            LINE,
        )]));
        assert!(
            err.contains("feature 0") && err.contains("road_class") && err.contains("adopted_road"),
            "{err}"
        );
    }

    #[test]
    fn happy_path() {
        let multi = r#"{"type":"MultiLineString","coordinates":[[[390000,80000],[390000,80100]],[[390000,80100],[390050,80150]]]}"#;
        let text = fc(&[
            feature(
                r#"{"id":"osm:w1","name":"High Street","walk":true,"drive":true,"oneway":"yes"}"#,
                LINE,
            ),
            feature(
                r#"{"walk":"yes","drive":"no","oneway":"-1","unsafe":true,"unsafe_ref":"RSA-2021-07"}"#,
                LINE,
            ),
            feature(r#"{"id":42,"walk":1,"drive":0,"oneway":-1}"#, multi),
            feature(
                r#"{"walk":"Y","drive":"N","oneway":false,"unsafe":"no","name":""}"#,
                LINE,
            ),
        ]);
        let e = load(&text).unwrap();
        assert_eq!(e.len(), 5);
        let a = &e[0].attrs;
        assert_eq!(a.id, "osm:w1");
        assert_eq!(a.name.as_deref(), Some("High Street"));
        assert!(a.walk && a.drive && !a.unsafe_walk);
        assert_eq!(a.oneway, Oneway::Forward);
        assert_eq!(e[0].geometry.0.len(), 3);
        assert_eq!(e[0].geometry.0[1], geo::coord! { x: 390100.0, y: 80000.0 });
        let b = &e[1].attrs;
        assert_eq!(b.id, "1");
        assert!(b.walk && !b.drive && b.unsafe_walk);
        assert_eq!(b.oneway, Oneway::Backward);
        assert_eq!(b.unsafe_ref.as_deref(), Some("RSA-2021-07"));
        assert_eq!(e[2].attrs.id, "42#0");
        assert_eq!(e[3].attrs.id, "42#1");
        assert_eq!(e[3].attrs.oneway, Oneway::Backward);
        assert_eq!(e[3].geometry.0.len(), 2);
        let d = &e[4].attrs;
        assert_eq!(d.id, "3");
        assert_eq!(d.oneway, Oneway::No);
        assert_eq!(d.name, None);
        assert!(d.walk && !d.drive && !d.unsafe_walk);
    }

    #[test]
    fn feature_level_id_used_when_no_property() {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"way/7","properties":{{"walk":true,"drive":false}},"geometry":{LINE}}}]}}"#
        );
        assert_eq!(load(&text).unwrap()[0].attrs.id, "way/7");
    }

    #[test]
    fn required_booleans_and_bad_values() {
        let e = load_err(&fc(&[
            feature(r#"{"walk":true,"drive":true}"#, LINE),
            feature(r#"{"name":"Mill Lane","walk":true}"#, LINE),
        ]));
        assert!(
            e.contains("network.geojson: feature 1 (\"Mill Lane\"), property drive: is missing"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(
            r#"{"walk":"sometimes","drive":true}"#,
            LINE,
        )]));
        assert!(
            e.contains("feature 0, property walk: \"sometimes\" is not yes or no"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(r#"{"walk":2,"drive":true}"#, LINE)]));
        assert!(e.contains("property walk: 2 is not yes or no"), "{e}");
        let e = load_err(&fc(&[feature(
            r#"{"walk":true,"drive":true,"oneway":"up"}"#,
            LINE,
        )]));
        assert!(
            e.contains("property oneway: \"up\" is not no, yes or -1"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(
            r#"{"walk":true,"drive":true,"unsafe":"x"}"#,
            LINE,
        )]));
        assert!(e.contains("property unsafe"), "{e}");
        let e = load_err(&fc(&[feature(
            r#"{"walk":true,"drive":true,"name":[1]}"#,
            LINE,
        )]));
        assert!(e.contains("property name: [1] is not text"), "{e}");
    }

    #[test]
    fn geometry_errors() {
        let p = r#"{"walk":true,"drive":true}"#;
        let e = load_err(&fc(&[feature(
            p,
            r#"{"type":"LineString","coordinates":[[390000,80000]]}"#,
        )]));
        assert!(
            e.contains("feature 0, geometry: line has fewer than two points"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(
            p,
            r#"{"type":"MultiLineString","coordinates":[[[390000,80000],[390001,80000]],[[1,2]]]}"#,
        )]));
        assert!(e.contains("line (part 1) has fewer than two points"), "{e}");
        let e = load_err(&fc(&[feature(p, r#"{"type":"Polygon","coordinates":[]}"#)]));
        assert!(
            e.contains("expected a LineString or MultiLineString, found a Polygon"),
            "{e}"
        );
        let e = load_err(&fc(&[feature(p, "null")]));
        assert!(e.contains("geometry: is missing"), "{e}");
        let e = load_err(&fc(&[feature(
            p,
            r#"{"type":"LineString","coordinates":[[390000],[390001,80000]]}"#,
        )]));
        assert!(e.contains("needs an easting and a northing"), "{e}");
    }

    #[test]
    fn lat_lon_rejected() {
        let ll = r#"{"type":"LineString","coordinates":[[-2.11,50.87],[-2.10,50.87]]}"#;
        let e = load_err(&fc(&[feature(
            r#"{"name":"A35","walk":true,"drive":true}"#,
            ll,
        )]));
        assert!(e.contains("network.geojson: feature 0 (\"A35\"), geometry: position [-2.11, 50.87] looks like longitude/latitude"), "{e}");
        assert!(e.contains("EPSG:27700"), "{e}");
    }

    #[test]
    fn written_networks_read_back() {
        let edges = [
            RawEdge {
                attrs: EdgeAttrs {
                    id: "osm:1#0+osm:2".into(),
                    name: Some("Mill \"Lane\", Oakham".into()),
                    walk: true,
                    drive: true,
                    oneway: Oneway::Backward,
                    ..Default::default()
                },
                geometry: vec![(485000.1234, 308000.0), (485010.0, 308000.5)].into(),
            },
            RawEdge {
                attrs: EdgeAttrs {
                    id: "osm:3".into(),
                    walk: true,
                    unsafe_walk: true,
                    unsafe_ref: Some("RSA-1".into()),
                    ..Default::default()
                },
                geometry: vec![
                    (485010.0, 308000.5),
                    (485020.0, 308000.0),
                    (485030.0, 308010.0),
                ]
                .into(),
            },
            RawEdge {
                attrs: EdgeAttrs {
                    id: "osm:4".into(),
                    drive: true,
                    oneway: Oneway::Forward,
                    ..Default::default()
                },
                geometry: vec![(485030.0, 308010.0), (485040.0, 308010.0)].into(),
            },
        ];
        let mut out = Vec::new();
        write_network_geojson(
            &mut out,
            edges.iter().map(|e| (&e.attrs, &e.geometry)),
            false,
        )
        .unwrap();
        let back = read_network_geojson(Path::new("n.geojson"), &out).unwrap();
        assert_eq!(back.len(), 3);
        for (a, b) in edges.iter().zip(&back) {
            assert_eq!(a.attrs, b.attrs);
            for (p, q) in a.geometry.0.iter().zip(&b.geometry.0) {
                assert!((p.x - q.x).abs() <= 0.0005 && (p.y - q.y).abs() <= 0.0005);
            }
        }
        assert_eq!(back[0].geometry.0[0].x, 485000.123);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("EPSG::27700"), "{text}");
        // An empty network is still a valid (empty) collection.
        let mut out = Vec::new();
        write_network_geojson(
            &mut out,
            std::iter::empty::<(&EdgeAttrs, &geo::LineString<f64>)>(),
            false,
        )
        .unwrap();
        assert!(read_network_geojson(Path::new("n.geojson"), &out)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn empty_and_missing_files() {
        let e = load_err("");
        assert!(e.contains("network.geojson: the file is empty"), "{e}");
        assert!(load(&fc(&[])).unwrap().is_empty());
        let e = format!(
            "{:#}",
            load_network_geojson(Path::new("/no/such/network.geojson")).unwrap_err()
        );
        assert!(e.contains("/no/such/network.geojson"), "{e}");
        let e = load_err(
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1e999,2]]}}]}"#,
        );
        assert!(e.contains("network.geojson: not valid GeoJSON"), "{e}");
    }
}
