//! Prepared area files (`schoolrun prepare`): everything an area directory gives (schools,
//! entrances, catchments, the network with its validity dates, route safety audits, and the
//! SHA-256 of every source file) in one binary file that loads in milliseconds: no CSV, GeoJSON
//! or OpenStreetMap parsing, no coordinate conversion, no re-hashing of the sources.
//!
//! The file holds the sources as parsed, before the network date (clause 1.5.3) and the audits
//! (clause 1.5.4) are applied: loading applies them exactly as loading the directory does, so a
//! prepared area gives the same decisions, with the same source fingerprints, for any `--as-of`
//! or what-if. Beside the sources it stores what is derived from them once, each in a section of
//! its own, checked when read (see `file`):
//! * the network as built for the date it was prepared as of, read in place (see
//!   `network_section`): a command on that date without a what-if uses it instead of building
//!   the network from the source edges, which it then never decodes;
//! * the source edges, decoded only to build the network for another date or a what-if;
//! * what a batch searches with: a contraction hierarchy per travel mode, each made for one
//!   exact graph and used only on it.
//!
//! Versioning is one scheme: [`FORMAT_VERSION`] names what the file holds, and a file of another
//! version is refused. The payload types here are the layout written down (mirrors of the core
//! types, so that a core type can change without changing the file), and the version is bumped
//! whenever they change or the sources come to be read differently. A committed file of the
//! current version (`fixtures/prepared/boundary.prepared`) is decoded by the tests, so a layout
//! change without a bump fails them. The tool that wrote a file is recorded in it, not required of the reader.
//!
//! Encoding and decoding are pure; [`read_prepared`] and [`write_prepared`] are the file edges.

mod file;
mod network_section;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use geo::{Coord, LineString, MultiLineString, MultiPolygon, Point, Polygon};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::area_sources::{AreaFiles, AreaManifest, FilePaths, NetworkSource, OsmSummary};
use super::hash::{hex, FileHash};
use crate::area::{
    AddressPoint, Catchment, Gate, Gazetteer, Gender, LeftOutSchool, LeftOutWhy, OperatorModel,
    Places, PostcodePoint, Postcodes, School, Urn,
};
use crate::network::{
    ArcParts, Audit, AuditApplied, Bytes, EdgeAttrs, Hierarchy, HierarchyParts, Mode, Network,
    Oneway, RawEdge, RoadClass, Validity, WhatIf,
};
use crate::osm::ImportReport;
use crate::units::Pence;

#[cfg(test)]
pub(crate) use file::FORMAT_VERSION;
pub use file::MAGIC;
pub(crate) use network_section::StoredNetwork;

use file::{Kind, Layout, Mapped, SectionOut};

/// Why a prepared area file cannot be used. The caller adds the file name.
#[derive(Debug, Error, PartialEq)]
pub enum PreparedError {
    /// Not made by `schoolrun prepare` at all.
    #[error("not a prepared area file (it does not start with the prepared-area magic bytes)")]
    NotPrepared,
    /// Cut short: shorter than its header, or than the payload length its header gives.
    #[error("truncated: {have} bytes, the header says {need}; prepare it again")]
    Truncated { have: u64, need: u64 },
    /// Written by a schoolrun with another layout.
    #[error(
        "prepared area format version {found}, but this schoolrun reads version {supported}; \
         prepare it again from the area directory"
    )]
    Version { found: u32, supported: u32 },
    /// Bytes after the payload that are not whole sections, or more than the header says:
    /// not a file this tool wrote.
    #[error("damaged: {extra} unexpected bytes after the payload")]
    TrailingBytes { extra: u64 },
    /// A section (read only by the commands that need it) is not what was written.
    #[error("damaged: the {section} section {why}; prepare it again")]
    Section { section: &'static str, why: String },
    /// The payload is not what was written.
    #[error("damaged: the payload's SHA-256 does not match the checksum in the header")]
    Checksum,
    /// The payload passed the checksum but does not decode (should not happen for a file this
    /// version wrote).
    #[error("damaged: the payload cannot be decoded: {0}")]
    Decode(String),
}

/// A prepared area as read: the parsed sources (but for the source edges, read when needed:
/// see [`Prepared::read_edges`]) and what the file says about itself.
pub(crate) struct Prepared {
    pub files: AreaFiles,
    pub info: PreparedInfo,
    bytes: Arc<Mapped>,
    layout: Layout,
}

/// What a loaded prepared area file says about itself, for summaries and decision records.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedInfo {
    /// The prepared file, as given.
    pub path: String,
    /// SHA-256 of the file's payload (the checksum in its header): the prepared file's own
    /// fingerprint, beside the source fingerprints it carries (which include the network
    /// file's, so it stands for the sections derived from them too).
    pub sha256: String,
    /// The area directory it was prepared from, as given to `prepare`.
    pub source: String,
    /// The network date `prepare` checked the area loads as of (any other date works too).
    pub prepared_as_of: Option<NaiveDate>,
}

type Xy = [f64; 2];

fn xy(c: &Coord<f64>) -> Xy {
    [c.x, c.y]
}

fn line(coords: &[Xy]) -> LineString<f64> {
    LineString::new(coords.iter().map(|&[x, y]| Coord { x, y }).collect())
}

fn coords(l: &LineString<f64>) -> Vec<Xy> {
    l.0.iter().map(xy).collect()
}

/// The payload, field by field as stored (postcard: fields in this order, no names).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Payload {
    /// `schoolrun X.Y.Z` that wrote it (recorded; any version reading this format reads it).
    tool: String,
    /// The area directory or manifest as given to `prepare`.
    source: String,
    /// The network date `prepare` checked the area loads as of.
    prepared_as_of: Option<NaiveDate>,
    manifest: PManifest,
    manifest_path: String,
    paths: PPaths,
    files: Vec<FileHash>,
    /// Rows of the schools file left out at load (version 2; version 1 stored two counts).
    left_out: Vec<PLeftOut>,
    schools: Vec<PSchool>,
    gates: Vec<PGate>,
    catchments: Vec<PCatchment>,
    audits: Vec<PAudit>,
    osm: Option<POsm>,
    /// The address gazetteer's properties by UPRN (version 4), empty without one: UPRNs, points,
    /// and the details (access point, quality, address text) of those that have any, by
    /// position, so that a property costs no more stored than held.
    #[serde(deserialize_with = "presized")]
    address_uprns: Vec<u64>,
    #[serde(deserialize_with = "presized")]
    address_points: Vec<Xy>,
    #[serde(deserialize_with = "presized")]
    address_details: Vec<PAddressDetails>,
    /// The postcode centroids in order (version 4), empty without them.
    #[serde(deserialize_with = "presized")]
    postcodes: Vec<PPostcode>,
    /// The SHA-256 of each section's body, by kind (version 6), so that the payload's SHA-256,
    /// the file's fingerprint, stands for the sections too. Each section is checked against
    /// its own XXH3-128 when read (see `file`); these are not checked on load.
    section_sha256: Vec<(u32, [u8; 32])>,
}

/// The source edges section (version 6; in the payload before): every edge's attributes, then
/// every edge's coordinates.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PEdges<'a> {
    #[serde(deserialize_with = "presized")]
    edges: Vec<PEdge>,
    /// Every edge's coordinates, edge after edge (`PEdge::points` each), as little-endian f64
    /// x, y pairs: one block of bytes decodes far faster than a list of numbers.
    #[serde(borrow)]
    coords: Cow<'a, [u8]>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PManifest {
    name: String,
    schools: String,
    entrances: Option<String>,
    catchments: Option<String>,
    network: PNetworkSource,
    audits: Option<String>,
    max_snap_m: f64,
    addresses: Option<String>,
    address_columns: Vec<(String, String)>,
    postcodes: Option<String>,
    postcode_uncertainty_m: f64,
}

#[derive(Debug, Serialize, Deserialize)]
struct PAddressDetails {
    /// Position in `address_uprns`.
    at: u32,
    access: Option<Xy>,
    quality: Option<u8>,
    address: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PPostcode {
    postcode: String,
    point: Xy,
    quality: u8,
}

#[derive(Debug, Serialize, Deserialize)]
enum PNetworkSource {
    GeoJson(String),
    Osm {
        file: String,
        profile: Option<String>,
        schools_from_osm: bool,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct PPaths {
    schools: String,
    entrances: Option<String>,
    catchments: Option<String>,
    network: String,
    audits: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
enum PGender {
    Mixed,
    Boys,
    Girls,
}

#[derive(Debug, Serialize, Deserialize)]
struct PSchool {
    urn: u32,
    name: String,
    location: Xy,
    low_age: u8,
    high_age: u8,
    gender: PGender,
    religious_character: Option<String>,
    establishment_type: String,
    la_code: String,
    operator_model: OperatorModel,
    operator_pass_price: Option<i64>,
    has_places: bool,
    psvar_compliant: Option<bool>,
    selective: bool,
}

/// A school row left out at load; its file is the stored schools path.
#[derive(Debug, Serialize, Deserialize)]
struct PLeftOut {
    urn: u32,
    name: String,
    line: u64,
    why: PLeftOutWhy,
}

#[derive(Debug, Serialize, Deserialize)]
enum PLeftOutWhy {
    Closed,
    NoLocation,
    /// Version 4.
    NoAges,
}

#[derive(Debug, Serialize, Deserialize)]
struct PValidity {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PGate {
    urn: u32,
    name: String,
    point: Xy,
    open: bool,
    valid: PValidity,
}

#[derive(Debug, Serialize, Deserialize)]
struct PPolygon {
    exterior: Vec<Xy>,
    interiors: Vec<Vec<Xy>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PCatchment {
    name: String,
    schools: Vec<u32>,
    polygons: Vec<PPolygon>,
}

#[derive(Debug, Serialize, Deserialize)]
enum POneway {
    No,
    Forward,
    Backward,
}

/// Most elements [`presized`] reserves room for at once (a damaged count asks for no more).
const MOST_PRESIZED: usize = 1 << 22;

/// Reads a list, reserving room for its stated length at once (up to [`MOST_PRESIZED`]): serde
/// reserves about a megabyte and then doubles, which copied a county's 480,000 edges over and
/// over (a third of the time a prepared county took to load). The same encoding either way.
fn presized<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Presized<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Presized<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MOST_PRESIZED));
            while let Some(x) = seq.next_element()? {
                v.push(x);
            }
            Ok(v)
        }
    }
    d.deserialize_seq(Presized(std::marker::PhantomData))
}

#[derive(Debug, Serialize, Deserialize)]
struct PEdge {
    id: String,
    name: Option<String>,
    walk: bool,
    drive: bool,
    oneway: POneway,
    unsafe_walk: bool,
    unsafe_ref: Option<String>,
    valid: PValidity,
    road_class: Option<PRoadClass>,
    /// Number of coordinates of the edge in `Payload::edge_coords`.
    points: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
enum PRoadClass {
    AdoptedRoad,
    Path,
    Private,
}

#[derive(Debug, Serialize, Deserialize)]
struct PAudit {
    reference: String,
    date: Option<NaiveDate>,
    edge_ids: Vec<String>,
    lines: Option<Vec<Vec<Xy>>>,
    tolerance_m: f64,
    unsafe_walk: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct POsm {
    report: ImportReport,
    schools_from_osm: bool,
    schools_located: u64,
    entrances_used: u64,
    osm_schools_not_listed: Vec<u32>,
    listed_schools_not_in_osm: Vec<u32>,
}

fn pvalid(v: &Validity) -> PValidity {
    PValidity {
        from: v.from,
        to: v.to,
    }
}

fn validity(v: PValidity) -> Validity {
    Validity {
        from: v.from,
        to: v.to,
    }
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// The tool name and version written into every prepared file.
pub fn tool_id() -> String {
    format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
}

impl Payload {
    /// The payload for an area's parsed sources, checked to load as of `prepared_as_of`.
    pub(crate) fn new(
        source: &str,
        files: &AreaFiles,
        prepared_as_of: Option<NaiveDate>,
    ) -> Payload {
        let m = &files.manifest;
        let gazetteer = || files.places.gazetteer.iter().flat_map(|(g, _)| g.iter());
        Payload {
            tool: tool_id(),
            source: source.to_string(),
            prepared_as_of,
            manifest: PManifest {
                name: m.name.clone(),
                schools: m.schools.clone(),
                entrances: m.entrances.clone(),
                catchments: m.catchments.clone(),
                network: match &m.network {
                    NetworkSource::GeoJson(f) => PNetworkSource::GeoJson(f.clone()),
                    NetworkSource::Osm {
                        file,
                        profile,
                        schools_from_osm,
                    } => PNetworkSource::Osm {
                        file: file.clone(),
                        profile: profile.clone(),
                        schools_from_osm: *schools_from_osm,
                    },
                },
                audits: m.audits.clone(),
                max_snap_m: m.max_snap_m,
                addresses: m.addresses.clone(),
                address_columns: m
                    .address_columns
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                postcodes: m.postcodes.clone(),
                postcode_uncertainty_m: m.postcode_uncertainty_m,
            },
            manifest_path: path_str(&files.manifest_path),
            paths: PPaths {
                schools: path_str(&files.paths.schools),
                entrances: files.paths.entrances.as_deref().map(path_str),
                catchments: files.paths.catchments.as_deref().map(path_str),
                network: path_str(&files.paths.network),
                audits: files.paths.audits.as_deref().map(path_str),
            },
            files: files.files.clone(),
            left_out: files
                .left_out
                .iter()
                .map(|l| PLeftOut {
                    urn: l.urn.0,
                    name: l.name.clone(),
                    line: l.line,
                    why: match l.why {
                        LeftOutWhy::Closed => PLeftOutWhy::Closed,
                        LeftOutWhy::NoLocation => PLeftOutWhy::NoLocation,
                        LeftOutWhy::NoAges => PLeftOutWhy::NoAges,
                    },
                })
                .collect(),
            schools: files
                .schools
                .iter()
                .map(|s| PSchool {
                    urn: s.urn.0,
                    name: s.name.clone(),
                    location: [s.location.x(), s.location.y()],
                    low_age: s.low_age,
                    high_age: s.high_age,
                    gender: match s.gender {
                        Gender::Mixed => PGender::Mixed,
                        Gender::Boys => PGender::Boys,
                        Gender::Girls => PGender::Girls,
                    },
                    religious_character: s.religious_character.clone(),
                    establishment_type: s.establishment_type.clone(),
                    la_code: s.la_code.clone(),
                    operator_model: s.operator_model,
                    operator_pass_price: s.operator_pass_price.map(|p| p.0),
                    has_places: s.has_places,
                    psvar_compliant: s.psvar_compliant,
                    selective: s.selective,
                })
                .collect(),
            gates: files
                .gates
                .iter()
                .map(|g| PGate {
                    urn: g.urn.0,
                    name: g.name.clone(),
                    point: [g.point.x(), g.point.y()],
                    open: g.open,
                    valid: pvalid(&g.valid),
                })
                .collect(),
            catchments: files
                .catchments
                .iter()
                .map(|c| PCatchment {
                    name: c.name.clone(),
                    schools: c.schools.iter().map(|u| u.0).collect(),
                    polygons: c
                        .area
                        .0
                        .iter()
                        .map(|p| PPolygon {
                            exterior: coords(p.exterior()),
                            interiors: p.interiors().iter().map(coords).collect(),
                        })
                        .collect(),
                })
                .collect(),
            audits: files
                .audits
                .iter()
                .map(|a| PAudit {
                    reference: a.reference.clone(),
                    date: a.date,
                    edge_ids: a.edge_ids.clone(),
                    lines: a.lines.as_ref().map(|m| m.0.iter().map(coords).collect()),
                    tolerance_m: a.tolerance_m,
                    unsafe_walk: a.unsafe_walk,
                })
                .collect(),
            osm: files.osm.as_ref().map(|o| POsm {
                report: o.report.clone(),
                schools_from_osm: o.schools_from_osm,
                schools_located: o.schools_located as u64,
                entrances_used: o.entrances_used as u64,
                osm_schools_not_listed: o.osm_schools_not_listed.iter().map(|u| u.0).collect(),
                listed_schools_not_in_osm: o
                    .listed_schools_not_in_osm
                    .iter()
                    .map(|u| u.0)
                    .collect(),
            }),
            address_uprns: gazetteer().map(|a| a.uprn).collect(),
            address_points: gazetteer().map(|a| a.point).collect(),
            address_details: gazetteer()
                .enumerate()
                .filter(|(_, a)| a.access.is_some() || a.quality.is_some() || a.address.is_some())
                .map(|(i, a)| PAddressDetails {
                    at: i as u32,
                    access: a.access,
                    quality: a.quality,
                    address: a.address.as_deref().map(str::to_string),
                })
                .collect(),
            postcodes: files
                .places
                .postcodes
                .iter()
                .flat_map(|(p, _)| p.rows())
                .map(|p| PPostcode {
                    postcode: p.postcode.to_string(),
                    point: p.point,
                    quality: p.quality,
                })
                .collect(),
            // Filled in when the sections are written (see `write_prepared`).
            section_sha256: Vec::new(),
        }
    }
}

impl PEdges<'static> {
    /// The source edges section for an area's parsed sources.
    pub(crate) fn new(files: &AreaFiles) -> PEdges<'static> {
        PEdges {
            edges: files
                .edges
                .iter()
                .map(|e| {
                    let a = &e.attrs;
                    PEdge {
                        id: a.id.clone(),
                        name: a.name.clone(),
                        walk: a.walk,
                        drive: a.drive,
                        oneway: match a.oneway {
                            Oneway::No => POneway::No,
                            Oneway::Forward => POneway::Forward,
                            Oneway::Backward => POneway::Backward,
                        },
                        unsafe_walk: a.unsafe_walk,
                        unsafe_ref: a.unsafe_ref.clone(),
                        valid: pvalid(&a.valid),
                        road_class: a.road_class.map(|c| match c {
                            RoadClass::AdoptedRoad => PRoadClass::AdoptedRoad,
                            RoadClass::Path => PRoadClass::Path,
                            RoadClass::Private => PRoadClass::Private,
                        }),
                        points: e.geometry.0.len() as u32,
                    }
                })
                .collect(),
            coords: Cow::Owned(
                files
                    .edges
                    .iter()
                    .flat_map(|e| &e.geometry.0)
                    .flat_map(|c| [c.x.to_le_bytes(), c.y.to_le_bytes()])
                    .flatten()
                    .collect(),
            ),
        }
    }
}

impl PEdges<'_> {
    /// Back to the source edges as read.
    fn into_raw(self) -> Result<Vec<RawEdge>, PreparedError> {
        let total: u64 = self.edges.iter().map(|e| u64::from(e.points)).sum();
        if total.checked_mul(16) != Some(self.coords.len() as u64) {
            return Err(PreparedError::Decode(format!(
                "{} bytes of edge coordinates for {total} points",
                self.coords.len()
            )));
        }
        let mut raw = self.coords.chunks_exact(16).map(|c| {
            let (x, y) = c.split_at(8);
            let f = |b: &[u8]| f64::from_le_bytes(b.try_into().expect("8 bytes"));
            Coord { x: f(x), y: f(y) }
        });
        Ok(self
            .edges
            .into_iter()
            .map(|e| RawEdge {
                attrs: EdgeAttrs {
                    id: e.id,
                    name: e.name,
                    walk: e.walk,
                    drive: e.drive,
                    oneway: match e.oneway {
                        POneway::No => Oneway::No,
                        POneway::Forward => Oneway::Forward,
                        POneway::Backward => Oneway::Backward,
                    },
                    unsafe_walk: e.unsafe_walk,
                    unsafe_ref: e.unsafe_ref,
                    valid: validity(e.valid),
                    road_class: e.road_class.map(|c| match c {
                        PRoadClass::AdoptedRoad => RoadClass::AdoptedRoad,
                        PRoadClass::Path => RoadClass::Path,
                        PRoadClass::Private => RoadClass::Private,
                    }),
                },
                geometry: LineString::new(raw.by_ref().take(e.points as usize).collect()),
            })
            .collect())
    }
}

/// The stored gazetteer columns back into a [`Gazetteer`].
fn gazetteer_of(
    uprns: Vec<u64>,
    points: Vec<Xy>,
    details: Vec<PAddressDetails>,
) -> Result<Gazetteer, PreparedError> {
    if uprns.len() != points.len() {
        return Err(PreparedError::Decode(format!(
            "{} UPRNs for {} address points",
            uprns.len(),
            points.len()
        )));
    }
    let mut details = details.into_iter().peekable();
    let mut g = Gazetteer::default();
    for (i, (uprn, point)) in uprns.into_iter().zip(points).enumerate() {
        let d = details.next_if(|d| d.at as usize == i);
        g.push(AddressPoint {
            uprn,
            point,
            access: d.as_ref().and_then(|d| d.access),
            quality: d.as_ref().and_then(|d| d.quality),
            address: d.and_then(|d| d.address).map(Into::into),
        });
    }
    if details.next().is_some() {
        return Err(PreparedError::Decode(
            "address details for properties not stored".into(),
        ));
    }
    g.finish()
        .map_err(|e| PreparedError::Decode(format!("address gazetteer: {e}")))
}

impl Payload {
    /// Back to the parsed sources, as reading the area directory gave them. `shown` (the
    /// prepared file's name) is put before each source path so that messages about the sources
    /// name both.
    pub(crate) fn into_prepared(
        self,
        shown: &str,
        sha256: String,
    ) -> Result<(AreaFiles, PreparedInfo), PreparedError> {
        let within = |p: &str| PathBuf::from(format!("{shown} (prepared from {p})"));
        let m = self.manifest;
        let files = AreaFiles {
            manifest_path: within(&self.manifest_path),
            manifest: AreaManifest {
                name: m.name,
                schools: m.schools,
                entrances: m.entrances,
                catchments: m.catchments,
                network: match m.network {
                    PNetworkSource::GeoJson(f) => NetworkSource::GeoJson(f),
                    PNetworkSource::Osm {
                        file,
                        profile,
                        schools_from_osm,
                    } => NetworkSource::Osm {
                        file,
                        profile,
                        schools_from_osm,
                    },
                },
                audits: m.audits,
                max_snap_m: m.max_snap_m,
                addresses: m.addresses.clone(),
                address_columns: m.address_columns.into_iter().collect(),
                postcodes: m.postcodes.clone(),
                postcode_uncertainty_m: m.postcode_uncertainty_m,
            },
            places: Places {
                gazetteer: match m.addresses {
                    Some(f) => Some((
                        gazetteer_of(
                            self.address_uprns,
                            self.address_points,
                            self.address_details,
                        )?,
                        f,
                    )),
                    None => None,
                },
                postcodes: m.postcodes.map(|f| {
                    (
                        Postcodes::new(
                            self.postcodes
                                .into_iter()
                                .map(|p| PostcodePoint {
                                    postcode: p.postcode.into(),
                                    point: p.point,
                                    quality: p.quality,
                                })
                                .collect(),
                        ),
                        f,
                    )
                }),
                postcode_uncertainty_m: m.postcode_uncertainty_m,
            },
            schools: self
                .schools
                .into_iter()
                .map(|s| School {
                    urn: Urn(s.urn),
                    name: s.name,
                    location: Point::new(s.location[0], s.location[1]),
                    low_age: s.low_age,
                    high_age: s.high_age,
                    gender: match s.gender {
                        PGender::Mixed => Gender::Mixed,
                        PGender::Boys => Gender::Boys,
                        PGender::Girls => Gender::Girls,
                    },
                    religious_character: s.religious_character,
                    establishment_type: s.establishment_type,
                    la_code: s.la_code,
                    operator_model: s.operator_model,
                    operator_pass_price: s.operator_pass_price.map(Pence),
                    has_places: s.has_places,
                    psvar_compliant: s.psvar_compliant,
                    selective: s.selective,
                })
                .collect(),
            // The file as it was read, not the prepared file's name for it, so that a case
            // naming a left-out school gets the same message from either.
            left_out: self
                .left_out
                .into_iter()
                .map(|l| LeftOutSchool {
                    urn: Urn(l.urn),
                    name: l.name,
                    file: self.paths.schools.clone(),
                    line: l.line,
                    why: match l.why {
                        PLeftOutWhy::Closed => LeftOutWhy::Closed,
                        PLeftOutWhy::NoLocation => LeftOutWhy::NoLocation,
                        PLeftOutWhy::NoAges => LeftOutWhy::NoAges,
                    },
                })
                .collect(),
            gates: self
                .gates
                .into_iter()
                .map(|g| Gate {
                    urn: Urn(g.urn),
                    name: g.name,
                    point: Point::new(g.point[0], g.point[1]),
                    open: g.open,
                    valid: validity(g.valid),
                })
                .collect(),
            catchments: self
                .catchments
                .into_iter()
                .map(|c| Catchment {
                    name: c.name,
                    schools: c.schools.into_iter().map(Urn).collect(),
                    area: MultiPolygon::new(
                        c.polygons
                            .iter()
                            .map(|p| {
                                Polygon::new(
                                    line(&p.exterior),
                                    p.interiors.iter().map(|r| line(r)).collect(),
                                )
                            })
                            .collect(),
                    ),
                })
                .collect(),
            // Read when needed: see `Prepared::read_edges`.
            edges: Vec::new(),
            audits: self
                .audits
                .into_iter()
                .map(|a| Audit {
                    reference: a.reference,
                    date: a.date,
                    edge_ids: a.edge_ids,
                    lines: a
                        .lines
                        .map(|ls| MultiLineString::new(ls.iter().map(|l| line(l)).collect())),
                    tolerance_m: a.tolerance_m,
                    unsafe_walk: a.unsafe_walk,
                })
                .collect(),
            files: self.files,
            paths: FilePaths {
                schools: within(&self.paths.schools),
                entrances: self.paths.entrances.as_deref().map(within),
                catchments: self.paths.catchments.as_deref().map(within),
                network: within(&self.paths.network),
                audits: self.paths.audits.as_deref().map(within),
            },
            osm: self.osm.map(|o| OsmSummary {
                report: o.report,
                schools_from_osm: o.schools_from_osm,
                schools_located: o.schools_located as usize,
                entrances_used: o.entrances_used as usize,
                osm_schools_not_listed: o.osm_schools_not_listed.into_iter().map(Urn).collect(),
                listed_schools_not_in_osm: o
                    .listed_schools_not_in_osm
                    .into_iter()
                    .map(Urn)
                    .collect(),
            }),
        };
        Ok((
            files,
            PreparedInfo {
                path: shown.to_string(),
                sha256,
                source: self.source,
                prepared_as_of: self.prepared_as_of,
            },
        ))
    }
}

/// Checks a whole file's layout and decodes the payload; returns it with the payload's
/// SHA-256 (hex) and the layout. Pure; never panics on any input.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Payload, String, Layout), PreparedError> {
    let layout = file::layout(bytes)?;
    let payload: Payload = postcard::from_bytes(&bytes[layout.payload.clone()])
        .map_err(|e| PreparedError::Decode(e.to_string()))?;
    Ok((payload, hex(&layout.sha256), layout))
}

/// Whether `path` is a prepared area file (rather than an area directory or `area.toml`): a
/// file whose first bytes are the magic, or a start of it (a file cut inside the magic is a
/// truncated prepared file, and is reported as one).
pub fn is_prepared(path: &Path) -> bool {
    use std::io::Read;
    if !path.is_file() {
        return false;
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n > 0 && head[..n] == MAGIC[..n]
}

/// Reads a prepared area file: its payload, checked; its sections are read when asked for.
/// Every error names the file.
pub(crate) fn read_prepared(path: &Path) -> anyhow::Result<Prepared> {
    let shown = path.display().to_string();
    let bytes = file::map(path)?;
    let (payload, sha256, layout) =
        decode(bytes.bytes()).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let (files, info) = payload
        .into_prepared(&shown, sha256)
        .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    Ok(Prepared {
        files,
        info,
        bytes,
        layout,
    })
}

impl Prepared {
    /// The network stored for loading as of `as_of` with `what_if`, read in place: `None` when
    /// the file holds the network of another date, or a what-if changes it (it is then built
    /// from the source edges: [`Prepared::read_edges`]).
    pub(crate) fn stored_network(
        &self,
        as_of: Option<NaiveDate>,
        what_if: &WhatIf,
    ) -> anyhow::Result<Option<StoredNetwork>> {
        let Some(s) = self.layout.section(Kind::Network) else {
            return Ok(None);
        };
        if !what_if.is_empty() || self.info.prepared_as_of != as_of {
            return Ok(None);
        }
        let damaged = |e: PreparedError| anyhow::anyhow!("{}: {e}", self.info.path);
        // The checksum and the check of every index, side by side on two threads (each reads
        // the whole section); a failed checksum is what is reported.
        let (sum, read) = rayon::join(
            || file::checked(self.bytes.bytes(), s).map(|_| ()),
            || network_section::read(self.bytes.clone(), s.body.clone()),
        );
        sum.map_err(damaged)?;
        let read = read.map_err(|e| {
            damaged(PreparedError::Section {
                section: Kind::Network.words(),
                why: format!("cannot be read ({e})"),
            })
        })?;
        // Built by another revision of the tool: built again from the source edges.
        let Some(stored) = read else {
            return Ok(None);
        };
        // Written for the date the payload says; anything else is not this tool's file.
        if stored.as_of != as_of {
            return Err(damaged(PreparedError::Section {
                section: Kind::Network.words(),
                why: "is of another date than the file's".into(),
            }));
        }
        Ok(Some(stored))
    }

    /// Reads the source edges into `self.files`, to build the network from them.
    pub(crate) fn read_edges(&mut self) -> anyhow::Result<()> {
        let damaged = |e: PreparedError| anyhow::anyhow!("{}: {e}", self.info.path);
        let s = self.layout.section(Kind::Edges).ok_or_else(|| {
            damaged(PreparedError::Section {
                section: Kind::Edges.words(),
                why: "is missing".into(),
            })
        })?;
        let body = file::checked(self.bytes.bytes(), s).map_err(damaged)?;
        let stored: PEdges = postcard::from_bytes(body).map_err(|e| {
            damaged(PreparedError::Section {
                section: Kind::Edges.words(),
                why: format!("cannot be decoded: {e}"),
            })
        })?;
        self.files.edges = stored.into_raw().map_err(damaged)?;
        Ok(())
    }
}

/// What a batch searches with, as read from a prepared file's search section: each mode's
/// contraction hierarchy, with the fingerprint of the graph it was made for.
#[derive(Debug, Default)]
pub(crate) struct Search {
    pub hierarchies: Vec<(Mode, HierarchyParts)>,
}

/// Reads what a batch searches with (nothing in a file prepared without it), checking the
/// section's checksum; every error names the file.
pub(crate) fn read_search(path: &Path) -> anyhow::Result<Search> {
    let shown = path.display().to_string();
    let bytes = file::map(path)?;
    let damaged = |e: PreparedError| anyhow::anyhow!("{shown}: {e}");
    let layout = file::layout(bytes.bytes()).map_err(damaged)?;
    let Some(s) = layout.section(Kind::Search) else {
        return Ok(Search::default());
    };
    let body = file::checked(bytes.bytes(), s).map_err(damaged)?;
    let bad = |why: String| {
        damaged(PreparedError::Section {
            section: Kind::Search.words(),
            why,
        })
    };
    let stored: PSearch =
        postcard::from_bytes(body).map_err(|e| bad(format!("cannot be decoded: {e}")))?;
    let hierarchies = stored
        .hierarchies
        .into_iter()
        .map(|h| {
            let mode = *Mode::ALL
                .get(h.mode as usize)
                .ok_or_else(|| bad("names no travel mode for a hierarchy".into()))?;
            Ok((mode, h.into_parts()))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Search { hierarchies })
}

/// What [`install_search`] did.
#[derive(Debug, Default, PartialEq)]
pub struct Installed {
    /// Modes whose trees are now swept through the stored hierarchy.
    pub used: Vec<Mode>,
    /// Modes whose stored hierarchy was made for another graph (the network on another date,
    /// or with a what-if): their trees are grown by Dijkstra.
    pub not_this_network: Vec<Mode>,
}

/// Reads what a batch searches with from a prepared file and gives `net` each hierarchy made
/// for its very graph (see [`Network::set_hierarchy`]).
pub fn install_search(path: &Path, net: &Network) -> anyhow::Result<Installed> {
    let stored = read_search(path)?;
    let mut out = Installed::default();
    for (mode, parts) in stored.hierarchies {
        if net.set_hierarchy(mode, Hierarchy::from_parts(parts)) {
            out.used.push(mode);
        } else {
            out.not_this_network.push(mode);
        }
    }
    Ok(out)
}

/// The network as loaded for the date a file is prepared as of, to store beside the sources.
pub(crate) struct Built<'a> {
    pub(crate) network: &'a Network,
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) edges_not_yet_open: usize,
    pub(crate) audits: &'a [AuditApplied],
}

/// Writes a prepared area file next to `path` and renames it into place, so that an
/// interrupted run never leaves a half-written file under the final name: the payload, the
/// source edges, and with `built` the network of that date and what a batch searches it with
/// (its hierarchies, made now if not yet). Returns the payload SHA-256 and
/// the file size.
pub(crate) fn write_prepared(
    path: &Path,
    mut payload: Payload,
    edges: &PEdges,
    built: Option<Built>,
) -> anyhow::Result<(String, u64)> {
    use anyhow::Context;
    let encode = |v: &dyn ErasedSerialize| {
        v.postcard()
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    };
    let mut sections = vec![SectionOut {
        kind: Kind::Edges,
        pieces: vec![Cow::Owned(encode(edges)?)],
    }];
    if let Some(b) = &built {
        let net = b.network;
        sections.push(SectionOut {
            kind: Kind::Network,
            pieces: network_section::pieces(net, b.as_of, b.edges_not_yet_open, b.audits),
        });
        let hierarchies: Vec<PHierarchy> = net
            .hierarchies()
            .map(|(m, h)| PHierarchy::of(m, h.to_parts()))
            .collect();
        let search = encode(&PSearchRef {
            hierarchies: &hierarchies,
        })?;
        sections.push(SectionOut {
            kind: Kind::Search,
            pieces: vec![Cow::Owned(search)],
        });
    }
    payload.section_sha256 = sections
        .iter()
        .map(|s| {
            let mut sha = Sha256::new();
            for p in &s.pieces {
                sha.update(p);
            }
            (s.kind as u32, sha.finalize().into())
        })
        .collect();
    let body = encode(&payload)?;
    let mut out = super::output::Output::create(path)?;
    let size = file::write_file(&mut out, &body, &sections)
        .with_context(|| format!("cannot write {}", path.display()))?;
    out.finish()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok((hex(&Sha256::digest(&body)), size))
}

/// A payload or section encoded with postcard, whichever type it is.
trait ErasedSerialize {
    fn postcard(&self) -> Result<Vec<u8>, postcard::Error>;
}

impl<T: Serialize> ErasedSerialize for T {
    fn postcard(&self) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_stdvec(self)
    }
}

/// The search section as stored (version 6: in a section of its own): every measured mode's
/// hierarchy.
#[derive(Debug, Deserialize)]
struct PSearch {
    hierarchies: Vec<PHierarchy>,
}

/// [`PSearch`] as written, borrowing what it stores: the same encoding.
#[derive(Debug, Serialize)]
pub(crate) struct PSearchRef<'a> {
    hierarchies: &'a [PHierarchy],
}

/// One mode's contraction hierarchy as stored (see `network::ch`), in the search section.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PHierarchy {
    /// [`Mode::ALL`] index: 0 walking, 1 walking ignoring safety, 2 driving.
    mode: u8,
    made_for: [u8; 32],
    #[serde(deserialize_with = "presized")]
    pos: Vec<u32>,
    up_out: PArcs,
    up_in: PArcs,
    core_in: PArcs,
    core_start: u32,
}

/// One arc list of a hierarchy, as stored.
#[derive(Debug, Serialize, Deserialize)]
struct PArcs {
    #[serde(deserialize_with = "presized")]
    first: Vec<u32>,
    #[serde(deserialize_with = "presized")]
    head: Vec<u32>,
    #[serde(deserialize_with = "presized")]
    len_um: Vec<u64>,
}

impl PHierarchy {
    fn of(mode: Mode, h: HierarchyParts) -> PHierarchy {
        let arcs = |(first, head, len_um): ArcParts| PArcs {
            first,
            head,
            len_um,
        };
        PHierarchy {
            mode: mode.slot() as u8,
            made_for: h.made_for,
            pos: h.pos,
            up_out: arcs(h.up_out),
            up_in: arcs(h.up_in),
            core_in: arcs(h.core_in),
            core_start: h.core_start,
        }
    }

    fn into_parts(self) -> HierarchyParts {
        let arcs = |a: PArcs| (a.first, a.head, a.len_um);
        HierarchyParts {
            made_for: self.made_for,
            pos: self.pos,
            up_out: arcs(self.up_out),
            up_in: arcs(self.up_in),
            core_in: arcs(self.core_in),
            core_start: self.core_start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::file::tests::file;
    use super::*;

    /// A file (with no real payload) whose search section holds a small grid's hierarchies,
    /// and that grid's network.
    fn with_hierarchies() -> (Vec<u8>, Network) {
        use crate::network::synthetic::grid;
        let net = Network::build(grid(6, 5, 100.0, (0.0, 0.0), 3)).unwrap();
        net.make_hierarchies();
        let stored: Vec<PHierarchy> = net
            .hierarchies()
            .map(|(m, h)| PHierarchy::of(m, h.to_parts()))
            .collect();
        let section = postcard::to_stdvec(&PSearchRef {
            hierarchies: &stored,
        })
        .unwrap();
        (file(b"payload", &[(Kind::Search, &section)]), net)
    }

    #[test]
    fn a_search_section_is_read_back_and_installed_only_on_its_own_network() {
        use crate::network::synthetic::grid;
        let (bytes, net) = with_hierarchies();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.prepared");
        std::fs::write(&path, &bytes).unwrap();
        let search = read_search(&path).unwrap();
        let read = search.hierarchies;
        let made: Vec<(Mode, HierarchyParts)> =
            net.hierarchies().map(|(m, h)| (m, h.to_parts())).collect();
        assert_eq!(read, made);
        assert!(read.len() >= 2, "walking and driving at least");
        // On the same network each is installed; on another (another seed: other one-way
        // streets and lengths) none is.
        let same = Network::build(grid(6, 5, 100.0, (0.0, 0.0), 3)).unwrap();
        let i = install_search(&path, &same).unwrap();
        assert_eq!(i.used.len(), read.len());
        assert!(i.not_this_network.is_empty());
        let other = Network::build(grid(6, 5, 100.0, (0.0, 0.0), 4)).unwrap();
        let i = install_search(&path, &other).unwrap();
        assert!(i.used.is_empty());
        assert_eq!(i.not_this_network.len(), read.len());
        // A file without a section has none.
        std::fs::write(&path, file(b"payload", &[])).unwrap();
        let none = read_search(&path).unwrap();
        assert!(none.hierarchies.is_empty());
    }

    /// The network stored in the committed prepared file is, to the byte, the one this tool
    /// builds from the directory it was prepared from: a change to how networks are built
    /// fails here until [`crate::network::BUILD_REVISION`] is bumped (and the file prepared
    /// again), so a stored network never decides otherwise than its directory.
    #[test]
    fn the_committed_files_network_is_the_one_this_tool_builds() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let p = read_prepared(&root.join("fixtures/prepared/boundary.prepared")).unwrap();
        let as_of = p.info.prepared_as_of;
        let stored = p.stored_network(as_of, &WhatIf::default()).unwrap().expect(
            "a network of this revision: prepare fixtures/prepared/boundary.prepared again",
        );
        let dir = crate::io::area_dir::load_area_as_of(
            &root.join("fixtures/areas/boundary"),
            None,
            as_of,
        )
        .unwrap();
        let bytes = |n: &Network| network_section::pieces(n, as_of, 0, &[]).concat();
        assert!(
            bytes(&stored.network) == bytes(dir.area.network()),
            "the stored network differs from the one built now: bump BUILD_REVISION"
        );
        assert_eq!(stored.edges_not_yet_open, dir.edges_not_yet_open);
        assert_eq!(stored.audits, dir.audits);
        // With a what-if, or on another date, the network is built instead.
        let what_if = WhatIf {
            mark_unsafe: vec!["x".into()],
            ..WhatIf::default()
        };
        assert!(p.stored_network(as_of, &what_if).unwrap().is_none());
        let other = NaiveDate::from_ymd_opt(2001, 1, 1);
        assert!(p
            .stored_network(other, &WhatIf::default())
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_damaged_search_section_is_an_error_naming_the_file() {
        let (bytes, _) = with_hierarchies();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.prepared");
        let body = file::layout(&bytes)
            .unwrap()
            .section(Kind::Search)
            .unwrap()
            .body
            .clone();
        // A flipped byte in the section: the payload is fine, the section is refused.
        let mut v = bytes.clone();
        v[body.start + 3] ^= 1;
        std::fs::write(&path, &v).unwrap();
        let e = read_search(&path).unwrap_err().to_string();
        assert!(
            e.contains("h.prepared") && e.contains("search section") && e.contains("checksum"),
            "{e}"
        );
        // Cut inside the section: the whole file is refused.
        for cut in [body.start - 1, body.start + 1, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let e = read_search(&path).unwrap_err().to_string();
            assert!(e.contains("truncated"), "{e}");
        }
    }
}
