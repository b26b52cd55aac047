//! School entrances ("nearest available entrance to school grounds", clause 1.1.1): a CSV
//! (`URN, Name, Easting, Northing, Open`) or a GeoJSON FeatureCollection of Point features with
//! properties `urn`, `name`, `open`, chosen by the file's extension (`.geojson`/`.json`).
//! Cross-checks against the schools (unknown URN) happen when the area is assembled.

use std::path::Path;

use geojson::GeometryValue;

use super::bng_point;
use super::csvutil::{AtRow, CsvTable, FieldSpec};
use super::geojson_util::{parse_collection, FeatureRef};
use crate::area::{Gate, Urn};
use crate::network::Validity;

const FIELDS: &[FieldSpec] = &[
    FieldSpec::required("URN", &[]),
    FieldSpec::required("Name", &[]),
    FieldSpec::required("Easting", &[]),
    FieldSpec::required("Northing", &[]),
    FieldSpec::optional("Open", &[]),
    FieldSpec::optional("ValidFrom", &["valid_from"]),
    FieldSpec::optional("ValidTo", &["valid_to"]),
];

/// Reads an entrances file, CSV or GeoJSON by extension (tests only: the area loader reads and
/// hashes each file itself).
#[cfg(test)]
pub(crate) fn load_entrances(path: &Path) -> anyhow::Result<Vec<Gate>> {
    let bytes = super::read_bytes(path)?;
    read_entrances(path, &bytes)
}

/// Whether a path names a GeoJSON file (by extension, any case).
pub(crate) fn is_geojson(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
}

/// Parses entrances from bytes already read; the extension of `path` picks the format.
pub fn read_entrances(path: &Path, bytes: &[u8]) -> anyhow::Result<Vec<Gate>> {
    if is_geojson(path) {
        read_entrances_geojson(path, bytes)
    } else {
        read_entrances_csv(path, bytes)
    }
}

fn read_entrances_csv(path: &Path, bytes: &[u8]) -> anyhow::Result<Vec<Gate>> {
    let mut table = CsvTable::from_bytes(&path.display().to_string(), bytes, FIELDS, None)?;
    let mut gates = Vec::new();
    for row in table.rows() {
        let row = row?;
        gates.push(Gate {
            urn: row.parse::<Urn>("URN").at(&row)?,
            name: row.string("Name").at(&row)?,
            point: bng_point(&row, "Easting", "Northing")?,
            open: row.bool_or("Open", true).at(&row)?,
            valid: Validity {
                from: row.opt::<chrono::NaiveDate>("ValidFrom").at(&row)?,
                to: row.opt::<chrono::NaiveDate>("ValidTo").at(&row)?,
            },
        });
    }
    Ok(gates)
}

fn read_entrances_geojson(path: &Path, bytes: &[u8]) -> anyhow::Result<Vec<Gate>> {
    let fc = parse_collection(path, bytes)?;
    let mut gates = Vec::with_capacity(fc.features.len());
    for (i, feature) in fc.features.iter().enumerate() {
        let f = FeatureRef::new(path, i, feature);
        let urn_value = f
            .prop("urn")
            .ok_or_else(|| f.prop_error("urn", "is missing but required"))?;
        let urn = f.urn("urn", urn_value)?;
        let name = f.string("name")?;
        let open = f.opt_bool("open")?.unwrap_or(true);
        let point = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::Point { coordinates }) => geo::Point::from(f.coord(coordinates)?),
            Some(other) => {
                return Err(
                    f.geometry_error(format!("expected a Point, found a {}", other.type_name()))
                )
            }
            None => return Err(f.geometry_error("is missing")),
        };
        let valid = Validity {
            from: f.opt_date("valid_from")?,
            to: f.opt_date("valid_to")?,
        };
        gates.push(Gate {
            urn,
            name,
            point,
            open,
            valid,
        });
    }
    Ok(gates)
}

/// Writes entrances as an entrances CSV (`URN, Name, Easting, Northing, Open`, coordinates to the
/// millimetre) that [`read_entrances`] reads back, so entrances found in OpenStreetMap can be
/// checked and corrected by the council before use.
pub fn write_entrances_csv<'a>(
    w: impl std::io::Write,
    gates: impl IntoIterator<Item = &'a Gate>,
) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "URN",
        "Name",
        "Easting",
        "Northing",
        "Open",
        "ValidFrom",
        "ValidTo",
    ])?;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for g in gates {
        out.write_record([
            g.urn.to_string(),
            g.name.clone(),
            format!("{:.3}", g.point.x()),
            format!("{:.3}", g.point.y()),
            if g.open { "yes" } else { "no" }.to_string(),
            date(g.valid.from),
            date(g.valid.to),
        ])?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_entrances_read_back() {
        let gates = vec![
            Gate {
                urn: Urn(138113),
                name: "where footway osm:1 meets the site boundary, north".into(),
                point: geo::Point::new(485298.1234, 308348.0),
                open: true,
                valid: Default::default(),
            },
            Gate {
                urn: Urn(138113),
                name: "OSM entrance node 5 (\"Main\" gate)".into(),
                point: geo::Point::new(485300.0, 308350.0),
                open: false,
                valid: Default::default(),
            },
        ];
        let mut out = Vec::new();
        write_entrances_csv(&mut out, &gates).unwrap();
        let back = read_entrances(Path::new("e.csv"), &out).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].name, gates[0].name);
        assert_eq!(back[0].point, geo::Point::new(485298.123, 308348.0));
        assert_eq!(back[1].name, gates[1].name);
        assert!(back[0].open && !back[1].open);
    }

    fn load(name: &str, content: &str) -> anyhow::Result<Vec<Gate>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        load_entrances(&path)
    }

    fn load_err(name: &str, content: &str) -> String {
        format!("{:#}", load(name, content).unwrap_err())
    }

    const HEADER: &str = "URN,Name,Easting,Northing,Open";

    #[test]
    fn csv_happy_path() {
        let g = load(
            "entrances.csv",
            &format!("{HEADER}\n137345,Main gate,392500,82500,\n137345,North Street pedestrian gate,392450.25,82600,no\n"),
        )
        .unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].urn, Urn(137345));
        assert_eq!(g[0].name, "Main gate");
        assert!(g[0].open);
        assert_eq!(g[1].point, geo::Point::new(392450.25, 82600.0));
        assert!(!g[1].open);
    }

    #[test]
    fn csv_without_open_column_bom_and_crlf() {
        let g = load(
            "entrances.csv",
            "\u{feff}URN,Name,Easting,Northing\r\n1,Gate,390000,90000\r\n",
        )
        .unwrap();
        assert_eq!(g.len(), 1);
        assert!(g[0].open);
    }

    #[test]
    fn csv_header_only_is_no_entrances() {
        assert!(load("entrances.csv", &format!("{HEADER}\n"))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn csv_errors_name_file_line_field() {
        let e = load_err("entrances.csv", "");
        assert!(e.contains("entrances.csv: the file is empty"), "{e}");
        let e = load_err("entrances.csv", "URN,Name,Easting\n1,G,390000\n");
        assert!(
            e.contains("entrances.csv: missing required column Northing"),
            "{e}"
        );
        assert!(e.contains("headers found: URN, Name, Easting"), "{e}");
        let e = load_err(
            "entrances.csv",
            &format!("{HEADER}\n1,G,390000,90000,\n1,H,3900x0,90000,\n"),
        );
        assert!(
            e.contains("entrances.csv: line 3, field Easting: \"3900x0\" is not a number"),
            "{e}"
        );
        let e = load_err("entrances.csv", &format!("{HEADER}\n1,G,NaN,90000,\n"));
        assert!(
            e.contains("line 2, field Easting: \"NaN\" is not a finite number"),
            "{e}"
        );
        let e = load_err("entrances.csv", &format!("{HEADER}\n1,G,-2.1,50.8,\n"));
        assert!(
            e.contains("line 2, field Easting") && e.contains("EPSG:27700"),
            "{e}"
        );
        let e = load_err("entrances.csv", &format!("{HEADER}\n1,,390000,90000,\n"));
        assert!(e.contains("line 2, field Name: is empty"), "{e}");
        let e = load_err(
            "entrances.csv",
            &format!("{HEADER}\n1,G,390000,90000,shut\n"),
        );
        assert!(
            e.contains("line 2, field Open: \"shut\" is not yes or no"),
            "{e}"
        );
    }

    #[test]
    fn missing_file_names_path() {
        let e = format!(
            "{:#}",
            load_entrances(Path::new("/no/such/entrances.csv")).unwrap_err()
        );
        assert!(e.contains("/no/such/entrances.csv"), "{e}");
    }

    #[test]
    fn geojson_happy_path() {
        let g = load(
            "entrances.geojson",
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"urn":137345,"name":"Main gate"},
               "geometry":{"type":"Point","coordinates":[392500,82500]}},
              {"type":"Feature","properties":{"urn":"137345","name":"Back gate","open":"no"},
               "geometry":{"type":"Point","coordinates":[392450.5,82600,12.0]}},
              {"type":"Feature","properties":{"urn":1,"name":"Side","open":false},
               "geometry":{"type":"Point","coordinates":[390000,90000]}}]}"#,
        )
        .unwrap();
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].urn, Urn(137345));
        assert!(g[0].open);
        assert_eq!(g[1].urn, Urn(137345));
        assert_eq!(g[1].point, geo::Point::new(392450.5, 82600.0));
        assert!(!g[1].open && !g[2].open);
    }

    #[test]
    fn geojson_errors_name_feature_and_property() {
        let fc = |props: &str, geom: &str| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{props},"geometry":{geom}}}]}}"#
            )
        };
        let pt = r#"{"type":"Point","coordinates":[390000,90000]}"#;
        let e = load_err("e.geojson", &fc(r#"{"name":"Main gate"}"#, pt));
        assert!(
            e.contains("e.geojson: feature 0 (\"Main gate\"), property urn: is missing"),
            "{e}"
        );
        let e = load_err("e.geojson", &fc(r#"{"urn":"12a","name":"G"}"#, pt));
        assert!(
            e.contains("feature 0 (\"G\"), property urn: \"12a\" is not a school URN"),
            "{e}"
        );
        let e = load_err(
            "e.geojson",
            &fc(r#"{"urn":1,"name":"G","open":"perhaps"}"#, pt),
        );
        assert!(e.contains("property open"), "{e}");
        let e = load_err(
            "e.geojson",
            &fc(
                r#"{"urn":1,"name":"G"}"#,
                r#"{"type":"Point","coordinates":[-2.1,50.8]}"#,
            ),
        );
        assert!(
            e.contains("feature 0 (\"G\"), geometry") && e.contains("EPSG:27700"),
            "{e}"
        );
        let e = load_err(
            "e.geojson",
            &fc(
                r#"{"urn":1,"name":"G"}"#,
                r#"{"type":"LineString","coordinates":[[390000,90000],[390001,90000]]}"#,
            ),
        );
        assert!(e.contains("expected a Point, found a LineString"), "{e}");
        let e = load_err("e.geojson", "");
        assert!(e.contains("e.geojson: the file is empty"), "{e}");
        let e = load_err(
            "e.geojson",
            "{\"type\":\"FeatureCollection\",\n\"features\":[}",
        );
        assert!(
            e.contains("e.geojson: not valid GeoJSON") && e.contains("line 2"),
            "{e}"
        );
    }
}
