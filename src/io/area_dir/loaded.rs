//! From an area's parsed sources to a [`LoadedArea`]: the network date, audits and what-if
//! applied, the network built, the area cross-checked; and the warnings naming schools left out.

use anyhow::anyhow;

use crate::area::{Area, AreaError, LeftOutSchool, LeftOutWhy};
use crate::io::area_sources::{AreaFiles, OsmSummary};
use crate::io::hash::FileHash;
use crate::io::prepared::{PreparedInfo, StoredNetwork};
use crate::io::schools::count_left_out;
use crate::network::dated::{apply_audits, select_as_of, what_if_audits, WhatIf};
use crate::network::{AuditApplied, AuditError, Network};

use super::manifest::check_max_snap;

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
    /// The address gazetteer and postcode centroids, for homes given by UPRN or postcode.
    pub places: crate::area::Places,
}

impl LoadedArea {
    /// Warning lines (without a `warning:` prefix) naming the schools left out at load, for
    /// stderr: see [`left_out_warnings`].
    pub fn left_out_warnings(&self, closed_limit: Option<usize>) -> Vec<String> {
        left_out_warnings(self.area.left_out(), closed_limit)
    }
}

/// Warning lines (without a `warning:` prefix) naming schools left out at load, one a line with
/// URN, name, file, line and why: every school without a location or readable ages (an open school no decision
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
        .filter(|l| l.why != LeftOutWhy::Closed)
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

/// The network date, audits and what-if applied to an area's parsed sources, the network built
/// and the area cross-checked: the one path by which both an area directory and a prepared area
/// file become a [`LoadedArea`], so that both give the same decisions.
pub(crate) fn finish_loading(
    mut f: AreaFiles,
    max_snap_override: Option<f64>,
    as_of: Option<chrono::NaiveDate>,
    what_if: &WhatIf,
    stored: Option<StoredNetwork>,
) -> anyhow::Result<LoadedArea> {
    if stored.is_some() && !what_if.is_empty() {
        anyhow::bail!("a stored network cannot stand for one with a what-if applied");
    }
    for g in &mut f.gates {
        if !g.valid.exists_on(as_of) {
            g.open = false;
        }
    }
    for (urn, name) in &what_if.closed_entrances {
        let g = f
            .gates
            .iter_mut()
            .find(|g| g.urn.0 == *urn && g.name == *name)
            .ok_or_else(|| anyhow!("what-if: school {urn} has no entrance named {name}"))?;
        g.open = false;
    }
    // A prepared file's network of this date (see `prepared::Prepared::stored_network`) was
    // made by these very steps when the file was prepared.
    let (edges_not_yet_open, audits, stored) = match stored {
        Some(s) => (s.edges_not_yet_open, s.audits, Some(s.network)),
        None => {
            let (n, audits) = select_and_audit(&mut f, as_of, what_if)?;
            (n, audits, None)
        }
    };
    let max_snap_m = match max_snap_override {
        Some(m) => {
            check_max_snap(m).map_err(|msg| anyhow!("maximum snap distance: {msg}"))?;
            m
        }
        None => f.manifest.max_snap_m,
    };
    let network = match stored {
        Some(n) => n,
        None => Network::build(std::mem::take(&mut f.edges))
            .map_err(|e| anyhow!("{}: {e}", f.paths.network.display()))?,
    };
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
        places: f.places,
    })
}

/// Leaves out the edges that did not exist on `as_of` (clause 1.5.3) and applies the route
/// safety audits of that date and the what-if (clause 1.5.4); returns how many edges were left
/// out and the audits applied.
fn select_and_audit(
    f: &mut AreaFiles,
    as_of: Option<chrono::NaiveDate>,
    what_if: &WhatIf,
) -> anyhow::Result<(usize, Vec<AuditApplied>)> {
    let edges_not_yet_open = select_as_of(&mut f.edges, as_of);
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
    Ok((edges_not_yet_open, audits))
}
