//! The `area.toml` manifest parsed and checked (see `docs/formats.md`), with the key's line in
//! every message about a value.

use anyhow::anyhow;
use toml::Spanned;

use crate::io::area_sources::{AreaManifest, NetworkSource};

/// The manifest's default for how far a home or entrance may be from a usable edge.
pub const DEFAULT_MAX_SNAP_M: f64 = 250.0;

/// The manifest's default for how far a home may plausibly be from its postcode's centroid
/// (`postcode_uncertainty_m`), metres. Code-Point Open gives no postcode's extent; a postcode
/// covers about fifteen addresses, a street or two in a town and often more than a kilometre of
/// lanes in the country, so 400 m is a middle figure a council should set from its own area.
pub const DEFAULT_POSTCODE_UNCERTAINTY_M: f64 = 400.0;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    name: Spanned<String>,
    schools: Spanned<String>,
    entrances: Option<Spanned<String>>,
    catchments: Option<Spanned<String>>,
    network: Option<Spanned<String>>,
    osm: Option<Spanned<String>>,
    osm_profile: Option<Spanned<String>>,
    schools_from_osm: Option<Spanned<bool>>,
    audits: Option<Spanned<String>>,
    max_snap_m: Option<Spanned<f64>>,
    addresses: Option<Spanned<String>>,
    address_columns: Option<Spanned<std::collections::BTreeMap<String, String>>>,
    postcodes: Option<Spanned<String>>,
    postcode_uncertainty_m: Option<Spanned<f64>>,
}

impl AreaManifest {
    /// Parses a manifest; `file` names it in messages, which give line and column (toml's own
    /// messages for syntax and type errors, the key's line for invalid values).
    pub fn from_toml_str(file: &str, text: &str) -> anyhow::Result<AreaManifest> {
        let raw: RawManifest =
            toml::from_str(text).map_err(|e| anyhow!("{file}: {}", e.to_string().trim_end()))?;
        let at = |key: &str, span: std::ops::Range<usize>, msg: &str| {
            anyhow!(
                "{file}: line {}, {key}: {msg}",
                crate::textpos::line_of_offset(text, span.start)
            )
        };
        let path = |key: &str, v: Spanned<String>| -> anyhow::Result<String> {
            if v.get_ref().trim().is_empty() {
                return Err(at(key, v.span(), "is empty; expected a file path"));
            }
            Ok(v.into_inner())
        };
        if raw.name.get_ref().trim().is_empty() {
            return Err(at("name", raw.name.span(), "is empty"));
        }
        let max_snap_m = match raw.max_snap_m {
            None => DEFAULT_MAX_SNAP_M,
            Some(v) => {
                let m = *v.get_ref();
                check_max_snap(m).map_err(|msg| at("max_snap_m", v.span(), &msg))?;
                m
            }
        };
        let network = match (raw.network, raw.osm) {
            (Some(_), Some(osm)) => {
                return Err(at(
                    "osm",
                    osm.span(),
                    "give either network (GeoJSON) or osm (an OpenStreetMap extract), not both",
                ))
            }
            (None, None) => {
                return Err(anyhow!(
                    "{file}: a network is required: network = \"network.geojson\" or \
                     osm = \"extract.osm.pbf\""
                ))
            }
            (Some(network), None) => {
                let only_osm = [
                    ("osm_profile", raw.osm_profile.map(|v| v.span())),
                    ("schools_from_osm", raw.schools_from_osm.map(|v| v.span())),
                ];
                if let Some((key, Some(span))) = only_osm.into_iter().find(|(_, s)| s.is_some()) {
                    return Err(at(key, span, "applies only with osm = \"....osm.pbf\""));
                }
                NetworkSource::GeoJson(path("network", network)?)
            }
            (None, Some(osm)) => NetworkSource::Osm {
                file: path("osm", osm)?,
                profile: raw
                    .osm_profile
                    .map(|v| path("osm_profile", v))
                    .transpose()?,
                schools_from_osm: raw.schools_from_osm.is_some_and(|v| v.into_inner()),
            },
        };
        let address_columns = match raw.address_columns {
            None => Default::default(),
            Some(cols) => {
                if raw.addresses.is_none() {
                    return Err(at(
                        "address_columns",
                        cols.span(),
                        "applies only with addresses = \"gazetteer.csv\"",
                    ));
                }
                let span = cols.span();
                let cols = cols.into_inner();
                let known = crate::io::places::GAZETTEER_COLUMNS;
                if let Some(k) = cols.keys().find(|k| !known.contains(&k.as_str())) {
                    return Err(at(
                        "address_columns",
                        span,
                        &format!("unknown field {k:?}; the fields are {}", known.join(", ")),
                    ));
                }
                cols
            }
        };
        let postcode_uncertainty_m = match raw.postcode_uncertainty_m {
            None => DEFAULT_POSTCODE_UNCERTAINTY_M,
            Some(v) => {
                let m = *v.get_ref();
                if !(m.is_finite() && (1.0..=5000.0).contains(&m)) {
                    return Err(at(
                        "postcode_uncertainty_m",
                        v.span(),
                        &format!("{m} is not a number of metres from 1 to 5000"),
                    ));
                }
                m
            }
        };
        Ok(AreaManifest {
            addresses: raw.addresses.map(|v| path("addresses", v)).transpose()?,
            address_columns,
            postcodes: raw.postcodes.map(|v| path("postcodes", v)).transpose()?,
            postcode_uncertainty_m,
            name: raw.name.into_inner(),
            schools: path("schools", raw.schools)?,
            entrances: raw.entrances.map(|v| path("entrances", v)).transpose()?,
            catchments: raw.catchments.map(|v| path("catchments", v)).transpose()?,
            network,
            audits: raw.audits.map(|v| path("audits", v)).transpose()?,
            max_snap_m,
        })
    }
}

/// The furthest a home or entrance may be snapped, metres (`max_snap_m`, `--max-snap`): more is
/// a mistake (a home 2 km from any usable path is not on this network), and a huge value would
/// snap every home anywhere.
pub const MAX_SNAP_LIMIT_M: f64 = 2000.0;

/// Checks a snap distance: more than 0 and at most [`MAX_SNAP_LIMIT_M`] metres.
pub fn check_max_snap(m: f64) -> Result<(), String> {
    if m.is_finite() && m > 0.0 && m <= MAX_SNAP_LIMIT_M {
        Ok(())
    } else {
        Err(format!(
            "{m} is not a positive number of metres up to {MAX_SNAP_LIMIT_M}"
        ))
    }
}
