//! Route safety audits overlay (`audits.geojson`, clause 1.5.4): features naming the stretches an
//! audit assessed unavailable (or safe) for walking, by network edge id and/or by drawn line.

use std::path::Path;

use geo::MultiLineString;
use geojson::GeometryValue;
use serde_json::Value;

use super::geojson_util::{parse_collection, FeatureRef};
use crate::network::Audit;

/// Default distance, metres, within which an edge's every vertex must lie of an audit's line.
pub const DEFAULT_TOLERANCE_M: f64 = 2.0;

/// Widest tolerance an audit may give, metres: it absorbs drawing error, and a wider one (1e308)
/// would take in stretches the audit never assessed, up to the whole network.
pub const MAX_TOLERANCE_M: f64 = 100.0;

/// Reads an audits overlay already in memory.
pub fn read_audits(path: &Path, bytes: &[u8]) -> anyhow::Result<Vec<Audit>> {
    let fc = parse_collection(path, bytes)?;
    let mut out = Vec::with_capacity(fc.features.len());
    for (i, feature) in fc.features.iter().enumerate() {
        let f = FeatureRef::new(path, i, feature);
        let reference = f.string("audit_ref")?;
        let date = f.opt_date("date")?;
        let edge_ids: Vec<String> = match f.prop("edge_ids") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    other => Err(f.prop_error("edge_ids", format!("{other} is not an edge id"))),
                })
                .collect::<anyhow::Result<_>>()?,
            Some(Value::String(s)) => s
                .split([';', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            Some(other) => {
                return Err(f.prop_error("edge_ids", format!("{other} is not a list of edge ids")))
            }
        };
        let lines = match feature.geometry.as_ref().map(|g| &g.value) {
            None => None,
            Some(GeometryValue::LineString { coordinates }) => {
                Some(MultiLineString::new(vec![f.line(coordinates)?]))
            }
            Some(GeometryValue::MultiLineString { coordinates }) => Some(MultiLineString::new(
                coordinates
                    .iter()
                    .map(|c| f.line(c))
                    .collect::<anyhow::Result<_>>()?,
            )),
            Some(other) => {
                return Err(f.geometry_error(format!(
                    "expected a LineString or MultiLineString, found a {}",
                    other.type_name()
                )))
            }
        };
        if edge_ids.is_empty() && lines.is_none() {
            return Err(f.prop_error("edge_ids", "give edge_ids or a line geometry (or both)"));
        }
        let tolerance_m = match f.prop("tolerance_m") {
            None | Some(Value::Null) => DEFAULT_TOLERANCE_M,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(t) if t.is_finite() && (0.0..=MAX_TOLERANCE_M).contains(&t) => t,
                _ => {
                    return Err(f.prop_error(
                        "tolerance_m",
                        format!("{n} is not a distance in metres from 0 to {MAX_TOLERANCE_M}"),
                    ))
                }
            },
            Some(other) => {
                return Err(f.prop_error("tolerance_m", format!("{other} is not a number")))
            }
        };
        out.push(Audit {
            reference,
            date,
            edge_ids,
            lines,
            tolerance_m,
            unsafe_walk: f.opt_bool("unsafe")?.unwrap_or(true),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::geojson_util::fixtures::{fc, feature};

    fn read(text: &str) -> anyhow::Result<Vec<Audit>> {
        read_audits(Path::new("audits.geojson"), text.as_bytes())
    }

    #[test]
    fn reads_ids_lines_dates_and_safe_findings() {
        let text = fc(&[
            feature(
                r#"{"audit_ref":"RSA-1","date":"2019-05-01","edge_ids":["osm:12","road-3"]}"#,
                "null",
            ),
            feature(
                r#"{"audit_ref":"RSA-2","unsafe":false,"tolerance_m":5}"#,
                r#"{"type":"LineString","coordinates":[[390000,100000],[390100,100000]]}"#,
            ),
        ]);
        let a = read(&text).unwrap();
        assert_eq!(a[0].edge_ids, ["osm:12", "road-3"]);
        assert_eq!(
            a[0].date.map(|d| d.to_string()).as_deref(),
            Some("2019-05-01")
        );
        assert!(a[0].unsafe_walk && a[0].lines.is_none());
        assert!(!a[1].unsafe_walk);
        assert_eq!(a[1].tolerance_m, 5.0);
    }

    #[test]
    fn tolerances_beyond_the_documented_range_are_refused() {
        let with = |t: &str| {
            read(&fc(&[feature(
                &format!(r#"{{"audit_ref":"RSA-1","edge_ids":["e1"],"tolerance_m":{t}}}"#),
                "null",
            )]))
        };
        assert_eq!(with("100").unwrap()[0].tolerance_m, MAX_TOLERANCE_M);
        for bad in ["1e308", "100.5", "-1"] {
            let e = format!("{:#}", with(bad).unwrap_err());
            assert!(
                e.contains("feature") && e.contains("tolerance_m") && e.contains("0 to 100"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn errors_name_the_feature_and_property() {
        let e = format!(
            "{:#}",
            read(&fc(&[feature(r#"{"audit_ref":"RSA-1"}"#, "null")])).unwrap_err()
        );
        assert!(
            e.contains("audits.geojson") && e.contains("feature") && e.contains("edge_ids"),
            "{e}"
        );
        let e = format!(
            "{:#}",
            read(&fc(&[feature(
                r#"{"audit_ref":"X","edge_ids":"a","date":"2019-13-01"}"#,
                "null"
            )]))
            .unwrap_err()
        );
        assert!(e.contains("date"), "{e}");
    }
}
