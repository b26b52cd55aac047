//! Reading an area directory: the manifest and every file it names, each hashed as read, and
//! (for an OpenStreetMap network) the import and the schools it locates.

use std::path::{Path, PathBuf};

use anyhow::anyhow;

use crate::area::{Gate, School, Urn};
use crate::io::area_sources::{AreaFiles, AreaManifest, FilePaths, NetworkSource, OsmSummary};
use crate::io::audits::read_audits;
use crate::io::catchments::read_catchments;
use crate::io::entrances::read_entrances;
use crate::io::hash::FileHash;
use crate::io::network_geojson::read_network_geojson;
use crate::io::places::{codepoint_files, read_codepoint, read_codepoint_headers, read_gazetteer};
use crate::io::read_bytes;
use crate::io::schools::read_schools;
use crate::osm::{import_osm_bytes, ImportReport, Profile, DEFAULT_PROFILE_NAME};

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
    let mut places = crate::area::Places {
        postcode_uncertainty_m: manifest.postcode_uncertainty_m,
        ..Default::default()
    };
    if let Some(rel) = &manifest.addresses {
        let (p, b) = read("addresses", rel)?;
        let map = (!manifest.address_columns.is_empty())
            .then(|| crate::io::csvutil::ColumnMap(manifest.address_columns.clone()));
        let g = read_gazetteer(&p, b, map.as_ref())
            .map_err(|e| anyhow!("{e:#} (the addresses file named in {shown})"))?;
        places.gazetteer = Some((g, rel.clone()));
    }
    if let Some(rel) = &manifest.postcodes {
        let (data, headers) = codepoint_files(&dir.join(rel))
            .map_err(|e| anyhow!("{e:#} (the postcodes named in {shown})"))?;
        let name = |p: &Path| {
            p.strip_prefix(&dir)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        };
        let (hp, hb) = read("postcodes", &name(&headers))?;
        let cols = read_codepoint_headers(&hp, &hb)?;
        let mut rows = Vec::new();
        for f in &data {
            let (p, b) = read("postcodes", &name(f))?;
            read_codepoint(&p, &b, cols, &mut rows)?;
        }
        places.postcodes = Some((crate::area::Postcodes::new(rows), rel.clone()));
    }
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
        places,
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
