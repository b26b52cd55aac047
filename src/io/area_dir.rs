//! An area directory: the `area.toml` manifest naming the schools, entrances, catchments and
//! network files (see `docs/formats.md`), loaded and cross-checked into an [`Area`], with the
//! SHA-256 of every file read so each decision can name the exact data behind it.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use toml::Spanned;

use super::audits::read_audits;
use super::catchments::read_catchments;
use super::entrances::read_entrances;
use super::hash::FileHash;
use super::network_geojson::read_network_geojson;
use super::read_bytes;
use super::schools::read_schools;
use crate::area::{Area, AreaError, Catchment, Gate, School};
use crate::network::dated::{apply_audits, select_as_of};
use crate::network::{Audit, AuditApplied, Network, RawEdge};

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
    /// The network GeoJSON (required).
    pub network: String,
    /// Route safety audits overlay (clause 1.5.4), optional.
    pub audits: Option<String>,
    /// Furthest a home may be from a usable edge, metres (default 250).
    pub max_snap_m: f64,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    name: Spanned<String>,
    schools: Spanned<String>,
    entrances: Option<Spanned<String>>,
    catchments: Option<Spanned<String>>,
    network: Spanned<String>,
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
        Ok(AreaManifest {
            name: raw.name.into_inner(),
            schools: path("schools", raw.schools)?,
            entrances: raw.entrances.map(|v| path("entrances", v)).transpose()?,
            catchments: raw.catchments.map(|v| path("catchments", v)).transpose()?,
            network: path("network", raw.network)?,
            audits: raw.audits.map(|v| path("audits", v)).transpose()?,
            max_snap_m,
        })
    }
}

fn check_max_snap(m: f64) -> Result<(), String> {
    if m.is_finite() && m > 0.0 {
        Ok(())
    } else {
        Err(format!("{m} is not a positive number of metres"))
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
}

/// Everything read from an area's files, before the network is built.
#[derive(Debug)]
pub(crate) struct AreaFiles {
    pub manifest_path: PathBuf,
    pub manifest: AreaManifest,
    pub schools: Vec<School>,
    pub skipped_closed: usize,
    pub skipped_no_location: usize,
    pub gates: Vec<Gate>,
    pub catchments: Vec<Catchment>,
    pub edges: Vec<RawEdge>,
    pub audits: Vec<Audit>,
    pub files: Vec<FileHash>,
    pub paths: FilePaths,
}

/// Where each file was found, for messages about cross-references.
#[derive(Debug, Default)]
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
    let text =
        std::str::from_utf8(&bytes).map_err(|e| anyhow!("{shown}: not valid UTF-8 text: {e}"))?;
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
    let (gates, entrances_path) = match &manifest.entrances {
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
    let (network_path, b) = read("network", &manifest.network)?;
    let edges = read_network_geojson(&network_path, &b)?;
    let (audits, audits_path) = match &manifest.audits {
        Some(rel) => {
            let (p, b) = read("audits", rel)?;
            (read_audits(&p, &b)?, Some(p))
        }
        None => (Vec::new(), None),
    };
    Ok(AreaFiles {
        manifest_path,
        manifest,
        schools: schools.schools,
        skipped_closed: schools.skipped_closed,
        skipped_no_location: schools.skipped_no_location,
        gates,
        catchments,
        edges,
        audits,
        files,
        paths: FilePaths {
            schools: schools_path,
            entrances: entrances_path,
            catchments: catchments_path,
            network: network_path,
            audits: audits_path,
        },
    })
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
    let mut f = read_area_files(manifest)?;
    let edges_not_yet_open = select_as_of(&mut f.edges, as_of);
    for g in &mut f.gates {
        if !g.valid.exists_on(as_of) {
            g.open = false;
        }
    }
    let audits = apply_audits(&mut f.edges, &f.audits, as_of).map_err(|e| {
        anyhow!(
            "{}: {e}",
            f.paths
                .audits
                .as_ref()
                .unwrap_or(&f.manifest_path)
                .display()
        )
    })?;
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
        let closed = if f.skipped_closed > 0
            && matches!(
                e,
                AreaError::GateUnknownSchool { .. } | AreaError::CatchmentUnknownSchool { .. }
            ) {
            format!(" ({} closed schools were skipped)", f.skipped_closed)
        } else {
            String::new()
        };
        anyhow!("{}: {e}{closed}", at.display())
    })?;
    Ok(LoadedArea {
        name: f.manifest.name,
        area,
        files: f.files,
        skipped_closed_schools: f.skipped_closed,
        skipped_unlocated_schools: f.skipped_no_location,
        as_of,
        edges_not_yet_open,
        audits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::Urn;

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
        assert_eq!(m.network, "net/network.geojson");
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
            assert_eq!(f.skipped_closed, 1);
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
