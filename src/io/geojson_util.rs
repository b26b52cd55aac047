//! GeoJSON plumbing shared by the catchment, network and entrance loaders: parsing a
//! FeatureCollection, reading typed properties, and checking coordinates are British National
//! Grid metres. Every error names the file, the feature (0-based index, and its `name` when it
//! has one) and the property or geometry.

use std::fmt;
use std::path::Path;

use anyhow::anyhow;
use geojson::{Feature, FeatureCollection, GeoJson, JsonObject, Position};
use serde_json::Value;

use super::csvutil::{parse_bool, UTF8_BOM};
use super::looks_like_lonlat;
use crate::area::Urn;

/// Parses the bytes of a GeoJSON FeatureCollection; `path` names the file in messages.
pub(crate) fn parse_collection(path: &Path, bytes: &[u8]) -> anyhow::Result<FeatureCollection> {
    let file = path.display();
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(anyhow!(
            "{file}: the file is empty; expected a GeoJSON FeatureCollection"
        ));
    }
    let parsed: GeoJson =
        serde_json::from_slice(bytes).map_err(|e| anyhow!("{file}: not valid GeoJSON: {e}"))?;
    match parsed {
        GeoJson::FeatureCollection(fc) => Ok(fc),
        GeoJson::Feature(_) => Err(anyhow!(
            "{file}: expected a GeoJSON FeatureCollection, found a single Feature"
        )),
        GeoJson::Geometry(_) => Err(anyhow!(
            "{file}: expected a GeoJSON FeatureCollection, found a bare Geometry"
        )),
    }
}

/// One feature being read, for messages naming file, feature and property.
pub(crate) struct FeatureRef<'a> {
    file: String,
    pub(crate) index: usize,
    name: Option<String>,
    pub(crate) feature: &'a Feature,
}

impl fmt::Display for FeatureRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: feature {}", self.file, self.index)?;
        if let Some(name) = &self.name {
            write!(f, " (\"{name}\")")?;
        }
        Ok(())
    }
}

impl<'a> FeatureRef<'a> {
    pub(crate) fn new(path: &Path, index: usize, feature: &'a Feature) -> Self {
        let name = feature
            .properties
            .as_ref()
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string);
        FeatureRef {
            file: path.display().to_string(),
            index,
            name,
            feature,
        }
    }

    fn props(&self) -> Option<&'a JsonObject> {
        self.feature.properties.as_ref()
    }

    /// The property's value; JSON `null` counts as absent.
    pub(crate) fn prop(&self, key: &str) -> Option<&'a Value> {
        self.props()
            .and_then(|p| p.get(key))
            .filter(|v| !v.is_null())
    }

    /// `FILE: feature N ("name"), property KEY: MESSAGE`.
    pub(crate) fn prop_error(&self, key: &str, message: impl fmt::Display) -> anyhow::Error {
        anyhow!("{self}, property {key}: {message}")
    }

    /// `FILE: feature N ("name"), geometry: MESSAGE`.
    pub(crate) fn geometry_error(&self, message: impl fmt::Display) -> anyhow::Error {
        anyhow!("{self}, geometry: {message}")
    }

    fn missing(&self, key: &str) -> anyhow::Error {
        self.prop_error(key, "is missing but required")
    }

    /// A text property (a number is accepted and written as text); empty text is `None`.
    pub(crate) fn opt_string(&self, key: &str) -> anyhow::Result<Option<String>> {
        match self.prop(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(self.prop_error(key, format!("{other} is not text"))),
        }
    }

    /// A required text property.
    pub(crate) fn string(&self, key: &str) -> anyhow::Result<String> {
        self.opt_string(key)?.ok_or_else(|| self.missing(key))
    }

    /// A yes/no property: JSON `true`/`false`, the text spellings `yes/no`, `y/n`,
    /// `true/false`, `1/0`, or the numbers 1 and 0.
    /// An optional `YYYY-MM-DD` date property.
    pub(crate) fn opt_date(&self, key: &str) -> anyhow::Result<Option<chrono::NaiveDate>> {
        match self.opt_string(key)? {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => super::csvutil::parse_date(s.trim())
                .map(Some)
                .ok_or_else(|| self.prop_error(key, format!("\"{s}\" is not a date (YYYY-MM-DD)"))),
        }
    }

    pub(crate) fn opt_bool(&self, key: &str) -> anyhow::Result<Option<bool>> {
        let v = match self.prop(key) {
            None => return Ok(None),
            Some(v) => v,
        };
        let parsed = match v {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => parse_bool(s),
            Value::Number(n) => match n.as_f64() {
                Some(1.0) => Some(true),
                Some(0.0) => Some(false),
                _ => None,
            },
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| {
            self.prop_error(
                key,
                format!("{v} is not yes or no (expected true/false, yes/no, y/n or 1/0)"),
            )
        })
    }

    /// A required yes/no property.
    pub(crate) fn bool(&self, key: &str) -> anyhow::Result<bool> {
        self.opt_bool(key)?.ok_or_else(|| self.missing(key))
    }

    /// A URN given as a JSON number or text, for property `key`.
    pub(crate) fn urn(&self, key: &str, v: &Value) -> anyhow::Result<Urn> {
        urn_from_json(v).map_err(|m| self.prop_error(key, m))
    }

    /// A position as BNG metres: at least two finite numbers, not longitude/latitude.
    pub(crate) fn coord(&self, p: &Position) -> anyhow::Result<geo::Coord<f64>> {
        let s = p.as_slice();
        let (x, y) = match s {
            [x, y, ..] => (*x, *y),
            _ => {
                return Err(
                    self.geometry_error(format!("position {s:?} needs an easting and a northing"))
                )
            }
        };
        if !x.is_finite() || !y.is_finite() {
            return Err(self.geometry_error(format!("position [{x}, {y}] is not finite")));
        }
        if looks_like_lonlat(x, y) {
            return Err(self.geometry_error(format!(
                "position [{x}, {y}] looks like longitude/latitude; coordinates must be British \
                 National Grid eastings and northings in metres (EPSG:27700)"
            )));
        }
        if !(0.0..=700_000.0).contains(&x) || !(0.0..=1_300_000.0).contains(&y) {
            return Err(self.geometry_error(format!(
                "position [{x}, {y}] is outside the British National Grid (eastings 0 to 700000 \
                 m, northings 0 to 1300000 m; EPSG:27700)"
            )));
        }
        Ok(geo::Coord { x, y })
    }

    /// A list of positions as a BNG line.
    pub(crate) fn line(&self, positions: &[Position]) -> anyhow::Result<geo::LineString<f64>> {
        positions
            .iter()
            .map(|p| self.coord(p))
            .collect::<anyhow::Result<Vec<_>>>()
            .map(geo::LineString::new)
    }
}

/// A URN as a JSON number (whole, non-negative) or text of digits.
pub(crate) fn urn_from_json(v: &Value) -> Result<Urn, String> {
    let bad = || format!("{v} is not a school URN (a whole number)");
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u32::try_from(u).map(Urn).map_err(|_| bad())
            } else {
                match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => {
                        Ok(Urn(f as u32))
                    }
                    _ => Err(bad()),
                }
            }
        }
        Value::String(s) => urn_from_text(s).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// A URN written as text: digits only, surrounding spaces allowed.
pub(crate) fn urn_from_text(s: &str) -> Option<Urn> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().map(Urn)
}

/// Builders for GeoJSON test inputs, shared by the loaders' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    /// A FeatureCollection of the given features.
    pub(crate) fn fc(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    /// One feature with the given properties and geometry (both JSON text).
    pub(crate) fn feature(props: &str, geom: &str) -> String {
        format!(r#"{{"type":"Feature","properties":{props},"geometry":{geom}}}"#)
    }
}
