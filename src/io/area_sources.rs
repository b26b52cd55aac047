//! The parsed sources of an area: what both loaders produce, the area directory
//! ([`crate::io::area_dir`]) by reading its files and a prepared area file
//! ([`crate::io::prepared`]) by decoding them, before the network date, audits and what-if are
//! applied and the network is built. Neither loader imports the other: both depend on these
//! types only.

use std::path::PathBuf;

use super::hash::FileHash;
use crate::area::{Catchment, Gate, LeftOutSchool, School, Urn};
use crate::network::{Audit, RawEdge};
use crate::osm::ImportReport;

/// The `area.toml` manifest. Paths are as written, relative to the manifest's directory.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaManifest {
    /// Shown in reports, e.g. "Dorset demo area (illustrative network)".
    pub name: String,
    /// The schools CSV (required).
    pub schools: String,
    /// Without it, schools are measured to their site reference point.
    pub entrances: Option<String>,
    /// Without it, only "nearest school" applies.
    pub catchments: Option<String>,
    /// Where the network comes from (required: `network` or `osm`).
    pub network: NetworkSource,
    /// Route safety audits overlay (clause 1.5.4), optional.
    pub audits: Option<String>,
    /// Furthest a home may be from a usable edge, metres (default 250).
    pub max_snap_m: f64,
    /// An address gazetteer keyed by UPRN (OS Open UPRN, or a council's through
    /// `address_columns`), optional.
    pub addresses: Option<String>,
    /// The gazetteer's columns: canonical field name -> header (`[address_columns]`).
    pub address_columns: std::collections::BTreeMap<String, String>,
    /// OS Code-Point Open: a folder of its CSVs, or one of them, optional.
    pub postcodes: Option<String>,
    /// How far a home may plausibly be from its postcode's centroid, metres (default 400).
    pub postcode_uncertainty_m: f64,
}

/// The network file named by a manifest: the project's GeoJSON, or an OpenStreetMap extract.
#[derive(Debug, Clone, PartialEq)]
pub enum NetworkSource {
    /// `network = "network.geojson"`.
    GeoJson(String),
    /// `osm = "extract.osm.pbf"`, with `osm_profile` and `schools_from_osm`.
    Osm {
        /// The `.osm.pbf` file.
        file: String,
        /// A profile TOML; `None` for the built-in profile.
        profile: Option<String>,
        /// Take site points and entrances of the listed schools from OSM.
        schools_from_osm: bool,
    },
}

impl NetworkSource {
    /// The network file's path as written in the manifest.
    pub fn file(&self) -> &str {
        match self {
            NetworkSource::GeoJson(f) => f,
            NetworkSource::Osm { file, .. } => file,
        }
    }
}

/// What an area's OpenStreetMap import did, and how its schools met the schools file.
#[derive(Debug, Clone)]
pub struct OsmSummary {
    /// The import report (ways kept and dropped, nodes missing, edges, schools, entrances).
    pub report: ImportReport,
    /// Whether `schools_from_osm` was on.
    pub schools_from_osm: bool,
    /// Schools of the schools file whose site point came from OSM.
    pub schools_located: usize,
    /// OSM entrances used (for schools the entrances file does not cover).
    pub entrances_used: usize,
    /// URNs found in OSM but not in the schools file (ignored).
    pub osm_schools_not_listed: Vec<Urn>,
    /// Schools of the schools file not found in OSM (their file location is kept).
    pub listed_schools_not_in_osm: Vec<Urn>,
}

/// Everything read from an area's files, before the network is built (and before the network
/// date and audits are applied): what a prepared area file stores.
#[derive(Debug, Clone)]
pub struct AreaFiles {
    pub manifest_path: PathBuf,
    pub manifest: AreaManifest,
    pub schools: Vec<School>,
    /// Rows of the schools file left out (closed, or without a location), in file order.
    pub left_out: Vec<LeftOutSchool>,
    pub gates: Vec<Gate>,
    pub catchments: Vec<Catchment>,
    pub edges: Vec<RawEdge>,
    pub audits: Vec<Audit>,
    pub files: Vec<FileHash>,
    pub paths: FilePaths,
    pub osm: Option<OsmSummary>,
    /// The address gazetteer and postcode centroids, when the manifest names them.
    pub places: crate::area::Places,
}

/// Where each file was found, for messages about cross-references.
#[derive(Debug, Default, Clone)]
pub struct FilePaths {
    pub schools: PathBuf,
    pub entrances: Option<PathBuf>,
    pub catchments: Option<PathBuf>,
    pub network: PathBuf,
    pub audits: Option<PathBuf>,
}
