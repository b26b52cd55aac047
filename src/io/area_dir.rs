//! An area directory: the `area.toml` manifest naming the schools, entrances, catchments and
//! network files (see `docs/formats.md`), loaded and cross-checked into an [`Area`], with the
//! SHA-256 of every file read so each decision can name the exact data behind it.
//!
//! The network is either the project's GeoJSON (`network = "..."`) or an OpenStreetMap extract
//! (`osm = "....osm.pbf"`, converted on load by `crate::osm` with the built-in or a named
//! profile). With `schools_from_osm = true`, OSM supplies the site point and entrances of the
//! schools the schools file lists; it never supplies a school by itself, because OSM has no age
//! range or admission sex and the tool must not guess them.
//!
//! Wherever an area is loaded, a prepared area file (`crate::io::prepared`) may stand in for the
//! directory.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use toml::Spanned;

use super::audits::read_audits;
use super::catchments::read_catchments;
use super::entrances::read_entrances;
use super::hash::FileHash;
use super::network_geojson::read_network_geojson;
use super::prepared::{is_prepared, read_prepared, PreparedInfo};
use super::read_bytes;
use super::schools::{count_left_out, read_schools};
use crate::area::{Area, AreaError, Catchment, Gate, LeftOutSchool, LeftOutWhy, School, Urn};
use crate::network::dated::{apply_audits, select_as_of, what_if_audits, WhatIf};
use crate::network::{Audit, AuditApplied, AuditError, Network, RawEdge};
use crate::osm::{import_osm_bytes, ImportReport, Profile, DEFAULT_PROFILE_NAME};

/// The manifest's default for how far a home or entrance may be from a usable edge.
pub const DEFAULT_MAX_SNAP_M: f64 = 250.0;

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
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |s| s.matches('\n').count()) + 1
}

impl AreaManifest {
    /// Parses a manifest; `file` names it in messages, which give line and column (toml's own
    /// messages for syntax and type errors, the key's line for invalid values).
    pub fn from_toml_str(file: &str, text: &str) -> anyhow::Result<AreaManifest> {
        let raw: RawManifest =
            toml::from_str(text).map_err(|e| anyhow!("{file}: {}", e.to_string().trim_end()))?;
        let at = |key: &str, span: std::ops::Range<usize>, msg: &str| {
            anyhow!("{file}: line {}, {key}: {msg}", line_of(text, span.start))
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
        Ok(AreaManifest {
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

/// A loaded area, ready to measure, with the fingerprints of the files it came from.
#[derive(Debug)]
pub struct LoadedArea {
    /// The manifest's `name`.
    pub name: String,
    /// Schools, entrances, catchments and network, cross-checked and ready to measure.
    pub area: Area,
    /// Manifest first, then schools, entrances, catchments, network (those present).
    pub files: Vec<FileHash>,
    /// Closed schools left out of the schools file (reported so the count can be checked).
    pub skipped_closed_schools: usize,
    /// Open schools with no easting/northing, left out (they cannot be measured to).
    pub skipped_unlocated_schools: usize,
    /// The date the network and entrances were selected as of (clause 1.5.3), if any.
    pub as_of: Option<chrono::NaiveDate>,
    /// Edges left out because they did not exist on `as_of`.
    pub edges_not_yet_open: usize,
    /// The route safety audits applied (clause 1.5.4).
    pub audits: Vec<AuditApplied>,
    /// What the OpenStreetMap import did, when the network came from OSM.
    pub osm: Option<OsmSummary>,
    /// When the area was loaded from a prepared area file: that file and its fingerprint (the
    /// source files and their fingerprints are in `files`, as from the directory).
    pub prepared: Option<PreparedInfo>,
}

impl LoadedArea {
    /// Schools of the schools file left out at load (closed, or without a location), in file
    /// order: each with its URN, name, line and why.
    pub fn left_out_schools(&self) -> &[LeftOutSchool] {
        self.area.left_out()
    }

    /// Warning lines (without a `warning:` prefix) naming the schools left out at load, for
    /// stderr: see [`left_out_warnings`].
    pub fn left_out_warnings(&self, closed_limit: Option<usize>) -> Vec<String> {
        left_out_warnings(self.area.left_out(), closed_limit)
    }
}

/// Warning lines (without a `warning:` prefix) naming schools left out at load, one a line with
/// URN, name, file, line and why: every school without a location (an open school no decision
/// can consider: it is never the nearest), then, with `closed_limit` `Some(n)`, the first `n`
/// closed schools by name and how many more (a full GIAS extract lists thousands); with `None`
/// closed schools are not mentioned (a case naming one is told anyway).
pub fn left_out_warnings(left_out: &[LeftOutSchool], closed_limit: Option<usize>) -> Vec<String> {
    let line = |l: &LeftOutSchool| {
        format!(
            "school URN {} ({}), {} line {}, left out: {}",
            l.urn, l.name, l.file, l.line, l.why
        )
    };
    let mut out: Vec<String> = left_out
        .iter()
        .filter(|l| l.why == LeftOutWhy::NoLocation)
        .map(line)
        .collect();
    let Some(limit) = closed_limit else {
        return out;
    };
    let closed: Vec<&LeftOutSchool> = left_out
        .iter()
        .filter(|l| l.why == LeftOutWhy::Closed)
        .collect();
    out.extend(closed.iter().take(limit).map(|l| line(l)));
    if closed.len() > limit {
        out.push(format!(
            "{} more closed schools left out (EstablishmentStatus Closed)",
            closed.len() - limit
        ));
    }
    out
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
pub(crate) struct AreaFiles {
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
}

/// Where each file was found, for messages about cross-references.
#[derive(Debug, Default, Clone)]
pub(crate) struct FilePaths {
    pub schools: PathBuf,
    pub entrances: Option<PathBuf>,
    pub catchments: Option<PathBuf>,
    pub network: PathBuf,
    pub audits: Option<PathBuf>,
}

/// The manifest path for a directory (`DIR/area.toml`) or the path itself.
fn manifest_path(p: &Path) -> PathBuf {
    if p.is_dir() {
        p.join("area.toml")
    } else {
        p.to_path_buf()
    }
}

/// Reads the manifest and every file it names, hashing each as read, in a fixed order.
pub(crate) fn read_area_files(manifest: &Path) -> anyhow::Result<AreaFiles> {
    let manifest_path = manifest_path(manifest);
    let shown = manifest_path.display().to_string();
    let dir = manifest_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let bytes = read_bytes(&manifest_path)?;
    let recorded_name = manifest_path
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let mut files = vec![FileHash::of_bytes(recorded_name, &bytes)];
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        anyhow!(
            "{shown}: neither an area.toml (not valid UTF-8 text: {e}) nor a prepared area \
                 file (it does not start with the prepared-area magic bytes)"
        )
    })?;
    let manifest = AreaManifest::from_toml_str(&shown, text)?;

    let mut read = |key: &str, rel: &str| -> anyhow::Result<(PathBuf, Vec<u8>)> {
        let path = dir.join(rel);
        let bytes =
            read_bytes(&path).map_err(|e| anyhow!("{e} (the {key} file named in {shown})"))?;
        files.push(FileHash::of_bytes(rel, &bytes));
        Ok((path, bytes))
    };

    let (schools_path, b) = read("schools", &manifest.schools)?;
    let schools = read_schools(&schools_path, &b)?;
    let (mut gates, entrances_path) = match &manifest.entrances {
        Some(rel) => {
            let (p, b) = read("entrances", rel)?;
            (read_entrances(&p, &b)?, Some(p))
        }
        None => (Vec::new(), None),
    };
    let (catchments, catchments_path) = match &manifest.catchments {
        Some(rel) => {
            let (p, b) = read("catchments", rel)?;
            (read_catchments(&p, &b)?, Some(p))
        }
        None => (Vec::new(), None),
    };
    let (audits, audits_path) = match &manifest.audits {
        Some(rel) => {
            let (p, b) = read("audits", rel)?;
            (read_audits(&p, &b)?, Some(p))
        }
        None => (Vec::new(), None),
    };
    let mut schools_list = schools.schools;
    let (network_path, edges, osm) = match &manifest.network {
        NetworkSource::GeoJson(rel) => {
            let (p, b) = read("network", rel)?;
            let edges = read_network_geojson(&p, &b)?;
            (p, edges, None)
        }
        NetworkSource::Osm {
            file,
            profile,
            schools_from_osm,
        } => {
            let (p, b) = read("osm", file)?;
            let profile = match profile {
                Some(rel) => {
                    let (pp, pb) = read("osm_profile", rel)?;
                    let text = std::str::from_utf8(&pb)
                        .map_err(|e| anyhow!("{}: not valid UTF-8 text: {e}", pp.display()))?;
                    Profile::from_toml_str(&pp.display().to_string(), text)?
                }
                None => {
                    files.push(FileHash::of_bytes(
                        DEFAULT_PROFILE_NAME,
                        crate::osm::DEFAULT_PROFILE_TOML.as_bytes(),
                    ));
                    Profile::default_profile()
                }
            };
            let imp = import_osm_bytes(&p, &b, &profile)
                .map_err(|e| anyhow!("{e:#} (the osm file named in {shown})"))?;
            let summary = apply_osm_schools(
                imp.report,
                imp.schools,
                imp.entrances,
                *schools_from_osm,
                &mut schools_list,
                &mut gates,
            );
            (p, imp.edges, Some(summary))
        }
    };
    Ok(AreaFiles {
        manifest_path,
        manifest,
        schools: schools_list,
        left_out: schools.left_out,
        gates,
        catchments,
        edges,
        audits,
        files,
        osm,
        paths: FilePaths {
            schools: schools_path,
            entrances: entrances_path,
            catchments: catchments_path,
            network: network_path,
            audits: audits_path,
        },
    })
}

/// With `schools_from_osm`, moves each listed school's site point to its OSM site point and adds
/// OSM entrances for listed schools the entrances file says nothing about (the council's own
/// entrances win). OSM schools the schools file does not list are ignored: OSM has no age range
/// or admission sex, and those are never guessed.
fn apply_osm_schools(
    report: ImportReport,
    osm_schools: Vec<crate::osm::OsmSchool>,
    osm_gates: Vec<Gate>,
    schools_from_osm: bool,
    schools: &mut [School],
    gates: &mut Vec<Gate>,
) -> OsmSummary {
    let mut summary = OsmSummary {
        report,
        schools_from_osm,
        schools_located: 0,
        entrances_used: 0,
        osm_schools_not_listed: Vec::new(),
        listed_schools_not_in_osm: Vec::new(),
    };
    if !schools_from_osm {
        return summary;
    }
    let found: std::collections::HashMap<Urn, &crate::osm::OsmSchool> =
        osm_schools.iter().map(|s| (s.urn, s)).collect();
    let listed: std::collections::HashSet<Urn> = schools.iter().map(|s| s.urn).collect();
    let with_file_gates: std::collections::HashSet<Urn> = gates.iter().map(|g| g.urn).collect();
    for s in schools.iter_mut() {
        match found.get(&s.urn) {
            Some(o) => {
                s.location = o.point;
                summary.schools_located += 1;
            }
            None => summary.listed_schools_not_in_osm.push(s.urn),
        }
    }
    for g in osm_gates {
        if listed.contains(&g.urn) && !with_file_gates.contains(&g.urn) {
            gates.push(g);
            summary.entrances_used += 1;
        }
    }
    summary.osm_schools_not_listed = osm_schools
        .iter()
        .map(|s| s.urn)
        .filter(|u| !listed.contains(u))
        .collect();
    summary
}

/// Loads an area from its directory or its `area.toml`: reads and hashes every file, builds the
/// network and cross-checks schools, entrances and catchments. `max_snap_override` (e.g. from
/// the command line) replaces the manifest's `max_snap_m`. Every error names the file at fault.
pub fn load_area(manifest: &Path, max_snap_override: Option<f64>) -> anyhow::Result<LoadedArea> {
    load_area_as_of(manifest, max_snap_override, None)
}

/// [`load_area`] with the network and entrances as they were on `as_of` (clause 1.5.3: edges
/// and entrances not yet open, or already closed, are left out) and the route safety audits
/// dated on or before it (undated audits always) applied (clause 1.5.4).
pub fn load_area_as_of(
    manifest: &Path,
    max_snap_override: Option<f64>,
    as_of: Option<chrono::NaiveDate>,
) -> anyhow::Result<LoadedArea> {
    load_area_what_if(manifest, max_snap_override, as_of, &WhatIf::default())
}

/// [`load_area_as_of`] with an appeal panel's what-if applied after the real audits: stretches
/// (edge ids or audit references) marked unsafe, audits ignored.
///
/// `manifest` may also be a prepared area file (`schoolrun prepare`, told apart by its magic
/// bytes): its stored sources go through the same steps, so the decisions and the source
/// fingerprints are those of the directory it was prepared from.
pub fn load_area_what_if(
    manifest: &Path,
    max_snap_override: Option<f64>,
    as_of: Option<chrono::NaiveDate>,
    what_if: &WhatIf,
) -> anyhow::Result<LoadedArea> {
    if is_prepared(manifest) {
        let p = read_prepared(manifest)?;
        let mut loaded = finish_loading(p.files, max_snap_override, as_of, what_if)?;
        loaded.prepared = Some(p.info);
        return Ok(loaded);
    }
    let f = read_area_files(manifest)?;
    finish_loading(f, max_snap_override, as_of, what_if)
}

/// The network date, audits and what-if applied to an area's parsed sources, the network built
/// and the area cross-checked: the one path by which both an area directory and a prepared area
/// file become a [`LoadedArea`], so that both give the same decisions.
pub(crate) fn finish_loading(
    mut f: AreaFiles,
    max_snap_override: Option<f64>,
    as_of: Option<chrono::NaiveDate>,
    what_if: &WhatIf,
) -> anyhow::Result<LoadedArea> {
    let edges_not_yet_open = select_as_of(&mut f.edges, as_of);
    for g in &mut f.gates {
        if !g.valid.exists_on(as_of) {
            g.open = false;
        }
    }
    let audit_file = f
        .paths
        .audits
        .as_ref()
        .unwrap_or(&f.manifest_path)
        .display()
        .to_string();
    let (kept, extra) =
        what_if_audits(&f.audits, &f.edges, what_if).map_err(|e| anyhow!("{audit_file}: {e}"))?;
    let mut audits =
        apply_audits(&mut f.edges, &kept, as_of).map_err(|e| anyhow!("{audit_file}: {e}"))?;
    audits.extend(
        apply_audits(&mut f.edges, &extra, None).map_err(|e| match e {
            AuditError::UnknownEdge { id, .. } => anyhow!(
                "--mark-unsafe {id}: no network edge has this id and no audit has this \
                     reference"
            ),
            e => anyhow!("--mark-unsafe: {e}"),
        })?,
    );
    let max_snap_m = match max_snap_override {
        Some(m) => {
            check_max_snap(m).map_err(|msg| anyhow!("maximum snap distance: {msg}"))?;
            m
        }
        None => f.manifest.max_snap_m,
    };
    let network =
        Network::build(f.edges).map_err(|e| anyhow!("{}: {e}", f.paths.network.display()))?;
    let area = Area::new(f.schools, f.gates, f.catchments, network, max_snap_m).map_err(|e| {
        let at = match &e {
            AreaError::DuplicateSchool(_) => Some(&f.paths.schools),
            AreaError::GateUnknownSchool { .. } => f.paths.entrances.as_ref(),
            AreaError::CatchmentUnknownSchool { .. } => f.paths.catchments.as_ref(),
            _ => None,
        }
        .unwrap_or(&f.manifest_path);
        // A cross-reference to a school left out at load says which row it was and why.
        let urn = match &e {
            AreaError::GateUnknownSchool { urn, .. }
            | AreaError::CatchmentUnknownSchool { urn, .. } => Some(*urn),
            _ => None,
        };
        let left_out = match urn.and_then(|u| f.left_out.iter().find(|l| l.urn == u)) {
            Some(l) => format!(" ({l})"),
            None => String::new(),
        };
        anyhow!("{}: {e}{left_out}", at.display())
    })?;
    let skipped_closed_schools = count_left_out(&f.left_out, LeftOutWhy::Closed);
    let skipped_unlocated_schools = count_left_out(&f.left_out, LeftOutWhy::NoLocation);
    let area = area.with_left_out(f.left_out);
    Ok(LoadedArea {
        name: f.manifest.name,
        area,
        files: f.files,
        skipped_closed_schools,
        skipped_unlocated_schools,
        as_of,
        edges_not_yet_open,
        audits,
        osm: f.osm,
        prepared: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"name = "Test area"
schools = "schools.csv"
entrances = "entrances.csv"
catchments = "catchments.geojson"
network = "net/network.geojson"
max_snap_m = 100
"#;

    const SCHOOLS: &str = "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge,EstablishmentStatus\n\
                           1,A,390000,80000,4,11,Open\n2,B,391000,80000,11,16,Closed\n";
    const ENTRANCES: &str = "URN,Name,Easting,Northing\n1,Main gate,390010,80000\n";
    const CATCHMENTS: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"C","schools":[1]},"geometry":{"type":"Polygon","coordinates":[[[389000,79000],[392000,79000],[392000,82000],[389000,79000]]]}}]}"#;
    const NETWORK: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"walk":true,"drive":true},"geometry":{"type":"LineString","coordinates":[[389000,80000],[392000,80000]]}}]}"#;

    fn area_dir(manifest: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("net")).unwrap();
        std::fs::write(d.join("area.toml"), manifest).unwrap();
        std::fs::write(d.join("schools.csv"), SCHOOLS).unwrap();
        std::fs::write(d.join("entrances.csv"), ENTRANCES).unwrap();
        std::fs::write(d.join("catchments.geojson"), CATCHMENTS).unwrap();
        std::fs::write(d.join("net/network.geojson"), NETWORK).unwrap();
        dir
    }

    #[test]
    fn manifest_defaults_and_values() {
        let m = AreaManifest::from_toml_str(
            "area.toml",
            "name = \"X\"\nschools = \"s.csv\"\nnetwork = \"n.geojson\"\n",
        )
        .unwrap();
        assert_eq!(m.max_snap_m, DEFAULT_MAX_SNAP_M);
        assert_eq!(m.entrances, None);
        assert_eq!(m.catchments, None);
        let m = AreaManifest::from_toml_str("area.toml", MANIFEST).unwrap();
        assert_eq!(m.max_snap_m, 100.0);
        assert_eq!(
            m.network,
            NetworkSource::GeoJson("net/network.geojson".into())
        );
        assert_eq!(m.entrances.as_deref(), Some("entrances.csv"));
    }

    #[test]
    fn manifest_errors_name_file_and_line() {
        let e = AreaManifest::from_toml_str("area.toml", "name = \"X\"\nschools = \"s.csv\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("area.toml") && e.contains("network"), "{e}");
        let e = AreaManifest::from_toml_str(
            "area.toml",
            "name = \"X\"\nschools = \"s.csv\"\nnetwork = \"n\"\nmax_snap = 3\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("area.toml") && e.contains("line 4") && e.contains("max_snap"),
            "{e}"
        );
        let e = AreaManifest::from_toml_str(
            "area.toml",
            "name = \"X\"\nschools = \"s.csv\"\nnetwork = \"n\"\nmax_snap_m = -5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("area.toml: line 4, max_snap_m: -5 is not a positive"),
            "{e}"
        );
        let e = AreaManifest::from_toml_str(
            "area.toml",
            "name = \"X\"\nschools = 3\nnetwork = \"n\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("area.toml") && e.contains("line 2"), "{e}");
        let e = AreaManifest::from_toml_str(
            "area.toml",
            "name = \"X\"\nschools = \"\"\nnetwork = \"n\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("area.toml: line 2, schools: is empty"), "{e}");
        let e = AreaManifest::from_toml_str("area.toml", "name = [\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("area.toml") && e.contains("line"), "{e}");
    }

    #[test]
    fn reads_every_file_and_hashes_in_order() {
        let dir = area_dir(MANIFEST);
        // Both the directory and the manifest path are accepted.
        for p in [dir.path().to_path_buf(), dir.path().join("area.toml")] {
            let f = read_area_files(&p).unwrap();
            assert_eq!(f.manifest.name, "Test area");
            assert_eq!(f.schools.len(), 1);
            assert_eq!(count_left_out(&f.left_out, LeftOutWhy::Closed), 1);
            assert_eq!(f.gates.len(), 1);
            assert_eq!(f.catchments[0].schools, vec![Urn(1)]);
            assert_eq!(f.edges.len(), 1);
            let paths: Vec<&str> = f.files.iter().map(|h| h.path.as_str()).collect();
            assert_eq!(
                paths,
                [
                    "area.toml",
                    "schools.csv",
                    "entrances.csv",
                    "catchments.geojson",
                    "net/network.geojson"
                ]
            );
            assert_eq!(
                f.files[1].sha256,
                crate::io::hash::sha256_hex(SCHOOLS.as_bytes())
            );
            assert!(f.files.iter().all(|h| h.sha256.len() == 64));
        }
    }

    #[test]
    fn optional_files_may_be_absent() {
        let dir = area_dir(
            "name = \"T\"\nschools = \"schools.csv\"\nnetwork = \"net/network.geojson\"\n",
        );
        let f = read_area_files(dir.path()).unwrap();
        assert!(f.gates.is_empty() && f.catchments.is_empty());
        assert_eq!(f.files.len(), 3);
        assert_eq!(f.manifest.max_snap_m, 250.0);
    }

    #[test]
    fn errors_name_the_file() {
        let e = format!(
            "{:#}",
            read_area_files(Path::new("/no/such/area")).unwrap_err()
        );
        assert!(e.contains("/no/such/area"), "{e}");

        let dir = area_dir(&MANIFEST.replace("entrances.csv", "gates.csv"));
        let e = format!("{:#}", read_area_files(dir.path()).unwrap_err());
        assert!(
            e.contains("gates.csv") && e.contains("entrances file named in"),
            "{e}"
        );
        assert!(e.contains("area.toml"), "{e}");

        let dir = area_dir(MANIFEST);
        std::fs::write(
            dir.path().join("schools.csv"),
            "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge\n1,A,390000,80000,four,11\n",
        )
        .unwrap();
        let e = format!("{:#}", read_area_files(dir.path()).unwrap_err());
        assert!(
            e.contains("schools.csv: line 2, field StatutoryLowAge"),
            "{e}"
        );

        let dir = area_dir(MANIFEST);
        std::fs::write(dir.path().join("net/network.geojson"), "{").unwrap();
        let e = format!("{:#}", read_area_files(dir.path()).unwrap_err());
        assert!(e.contains("network.geojson: not valid GeoJSON"), "{e}");
    }

    #[test]
    fn osm_manifest_keys() {
        let base = "name = \"X\"\nschools = \"s.csv\"\n";
        let m = AreaManifest::from_toml_str(
            "area.toml",
            &format!(
                "{base}osm = \"r.osm.pbf\"\nosm_profile = \"p.toml\"\nschools_from_osm = true\n"
            ),
        )
        .unwrap();
        assert_eq!(
            m.network,
            NetworkSource::Osm {
                file: "r.osm.pbf".into(),
                profile: Some("p.toml".into()),
                schools_from_osm: true
            }
        );
        assert_eq!(m.network.file(), "r.osm.pbf");
        let m = AreaManifest::from_toml_str("area.toml", &format!("{base}osm = \"r.osm.pbf\"\n"))
            .unwrap();
        assert_eq!(
            m.network,
            NetworkSource::Osm {
                file: "r.osm.pbf".into(),
                profile: None,
                schools_from_osm: false
            }
        );
        let err = |extra: &str| {
            AreaManifest::from_toml_str("area.toml", &format!("{base}{extra}"))
                .unwrap_err()
                .to_string()
        };
        let e = err("network = \"n.geojson\"\nosm = \"r.osm.pbf\"\n");
        assert!(
            e.contains("area.toml: line 4, osm: give either network (GeoJSON) or osm"),
            "{e}"
        );
        let e = err("");
        assert!(e.contains("area.toml: a network is required"), "{e}");
        let e = err("network = \"n.geojson\"\nschools_from_osm = true\n");
        assert!(
            e.contains("area.toml: line 4, schools_from_osm: applies only with osm"),
            "{e}"
        );
        let e = err("osm = \"\"\n");
        assert!(e.contains("line 3, osm: is empty"), "{e}");
        let e = err("osm = \"r.osm.pbf\"\nschools_from_osm = \"yes\"\n");
        assert!(e.contains("area.toml") && e.contains("line 4"), "{e}");
    }

    fn rutland_pbf() -> Option<std::path::PathBuf> {
        crate::osm::import::tests::shared_osm("rutland-2018-02.osm.pbf")
    }

    /// Two Rutland schools listed with rough (postcode-like) points and an illustrative age range
    /// (the schools file, not OSM, is where ages come from), and one URN OSM does not have.
    const RUTLAND_SCHOOLS: &str =
        "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge\n\
                                   138113,Catmose Primary School,485000,308000,4,11\n\
                                   137358,Brooke Hill Academy,485000,308000,4,11\n\
                                   999999,Not In OSM,486000,309000,4,11\n";

    fn rutland_area(dir: &Path, pbf: &Path, extra: &str) {
        std::fs::write(
            dir.join("area.toml"),
            format!(
                "name = \"Rutland from OSM\"\nschools = \"schools.csv\"\nosm = {:?}\n{extra}",
                pbf.display().to_string()
            ),
        )
        .unwrap();
        std::fs::write(dir.join("schools.csv"), RUTLAND_SCHOOLS).unwrap();
    }

    #[test]
    fn osm_area_takes_listed_schools_sites_and_entrances_from_osm() {
        let Some(pbf) = rutland_pbf() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        rutland_area(
            dir.path(),
            &pbf,
            "entrances = \"entrances.csv\"\nschools_from_osm = true\n",
        );
        // The council's own entrance for Brooke Hill wins over OSM's.
        std::fs::write(
            dir.path().join("entrances.csv"),
            "URN,Name,Easting,Northing\n137358,Council gate,485480,307700\n",
        )
        .unwrap();
        let a = load_area(dir.path(), None).unwrap();
        let osm = a.osm.as_ref().expect("an OSM summary");
        assert!(osm.schools_from_osm);
        assert_eq!(osm.schools_located, 2);
        assert_eq!(osm.listed_schools_not_in_osm, [Urn(999999)]);
        assert_eq!(osm.osm_schools_not_listed.len(), 5);
        assert!(osm.report.edges > 1000);
        let area = &a.area;
        let catmose = area.school(Urn(138113)).unwrap();
        assert!((catmose.location.x() - 485298.0).abs() < 2.0, "{catmose:?}");
        assert!((catmose.location.y() - 308348.0).abs() < 2.0, "{catmose:?}");
        assert_eq!(catmose.low_age, 4, "ages come from the schools file");
        assert!(!area.gates(Urn(138113)).is_empty());
        assert!(area.gates(Urn(138113))[0].name.contains("osm:"));
        let brooke: Vec<&str> = area
            .gates(Urn(137358))
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(brooke, ["Council gate"]);
        // Not in OSM: keeps the schools file's point, no entrances.
        let other = area.school(Urn(999999)).unwrap();
        assert_eq!(other.location, geo::Point::new(486000.0, 309000.0));
        assert_eq!(osm.entrances_used, area.gates(Urn(138113)).len());
        let paths: Vec<&str> = a.files.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "area.toml",
                "schools.csv",
                "entrances.csv",
                pbf.display().to_string().as_str(),
                DEFAULT_PROFILE_NAME
            ]
        );
        // A home in Oakham is measured to Catmose along the OSM network.
        let home = geo::Point::new(485900.0, 309100.0);
        let located = area.locate(home, None);
        let m = area
            .measure(&located, Urn(138113), crate::network::Mode::Walk)
            .unwrap()
            .expect("a walking route");
        let straight = area.straight_line_m(home, catmose);
        println!(
            "walk {:.0} m (straight line {straight:.0} m) to {}",
            m.length_m, m.entrance
        );
        assert!(m.length_m > 0.5 * straight && m.length_m < 3.0 * straight);
    }

    #[test]
    fn osm_area_without_schools_from_osm_uses_the_network_only() {
        let Some(pbf) = rutland_pbf() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        rutland_area(dir.path(), &pbf, "");
        let a = load_area(dir.path(), None).unwrap();
        let osm = a.osm.as_ref().unwrap();
        assert!(!osm.schools_from_osm);
        assert_eq!(osm.schools_located, 0);
        let catmose = a.area.school(Urn(138113)).unwrap();
        assert_eq!(catmose.location, geo::Point::new(485000.0, 308000.0));
        assert!(a.area.gates(Urn(138113)).is_empty());
    }

    #[test]
    fn osm_area_errors_name_the_file() {
        let Some(pbf) = rutland_pbf() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        rutland_area(dir.path(), &pbf, "osm_profile = \"profile.toml\"\n");
        std::fs::write(dir.path().join("profile.toml"), "name = \"x\"\nwalk = 3\n").unwrap();
        let e = format!("{:#}", load_area(dir.path(), None).unwrap_err());
        assert!(e.contains("profile.toml") && e.contains("line 2"), "{e}");
        // A profile that parses is recorded with the other files.
        std::fs::write(
            dir.path().join("profile.toml"),
            crate::osm::DEFAULT_PROFILE_TOML,
        )
        .unwrap();
        let a = load_area(dir.path(), None).unwrap();
        assert_eq!(a.files.last().unwrap().path, "profile.toml");
        // A truncated extract names the extract and the manifest.
        let cut = dir.path().join("cut.osm.pbf");
        std::fs::write(&cut, &std::fs::read(&pbf).unwrap()[..5000]).unwrap();
        rutland_area(dir.path(), &cut, "");
        let e = format!("{:#}", load_area(dir.path(), None).unwrap_err());
        assert!(
            e.contains("cut.osm.pbf") && e.contains("truncated") && e.contains("area.toml"),
            "{e}"
        );
    }

    #[test]
    fn bad_snap_override_is_refused_before_building() {
        let dir = area_dir(MANIFEST);
        let e = format!("{:#}", load_area(dir.path(), Some(f64::NAN)).unwrap_err());
        assert!(e.contains("maximum snap distance"), "{e}");
    }

    /// Needs `Network::build`, which the network worker is implementing.
    #[test]
    fn loads_a_whole_area() {
        let dir = area_dir(MANIFEST);
        let a = load_area(dir.path(), None).unwrap();
        assert_eq!(a.name, "Test area");
        assert_eq!(a.area.schools().len(), 1);
        assert_eq!(a.area.max_snap_m(), 100.0);
        assert_eq!(a.skipped_closed_schools, 1);
        assert_eq!(a.files.len(), 5);
        let a = load_area(&dir.path().join("area.toml"), Some(30.0)).unwrap();
        assert_eq!(a.area.max_snap_m(), 30.0);
    }
}
