//! `schoolrun prepare`: reads an area directory once (schools, entrances, catchments, network or
//! OpenStreetMap extract, audits), checks it loads, and writes it as one prepared area file that
//! `--area` accepts wherever it accepts the directory, loading in milliseconds instead of
//! re-reading and re-converting every source.

use std::time::Instant;

use anyhow::{bail, Result};

use crate::cli::PrepareArgs;
use crate::io::area_dir::{finish_loading, read_area_files};
use crate::io::policy_files::load_policy;
use crate::io::prepared::{is_prepared, write_prepared, Built, PEdges, Payload};
use crate::network::WhatIf;

use super::sources::network_as_of;
use super::Exit;
use crate::note;

/// How many closed schools left out of the schools file `prepare` names (then says how many
/// more): a full GIAS extract lists thousands.
const CLOSED_NAMED: usize = 20;

/// Runs `prepare`.
pub fn run(args: PrepareArgs) -> Result<Exit> {
    let area = args.area.path();
    if is_prepared(&area) {
        bail!(
            "{} is already a prepared area file; give the area directory it was prepared from",
            area.display()
        );
    }
    let policy_dir = args.policy.dir();
    crate::io::output::refuse_overwriting_inputs("-o", &args.output, &[&area, &policy_dir])?;
    let policy = load_policy(&policy_dir)?;
    let as_of = network_as_of(&policy, args.as_of.as_deref())?;
    let t = Instant::now();
    let files = read_area_files(&area)?;
    // Load it exactly as a command would, so that a prepared file is known to load.
    let loaded = finish_loading(files.clone(), None, as_of, &WhatIf::default(), None)?;
    let net = loaded.area.network();
    let payload = Payload::new(&area.display().to_string(), &files, as_of);
    // Contraction hierarchies for the network as of that date, through which a batch sweeps
    // each school's trees (see `network::ch`); a batch on another date grows them instead.
    let ch = Instant::now();
    net.make_hierarchies();
    let ch_secs = ch.elapsed().as_secs_f64();
    // The network as just loaded is stored too, for commands on that date to read in place.
    let built = Built {
        network: net,
        as_of,
        edges_not_yet_open: loaded.edges_not_yet_open,
        audits: &loaded.audits,
    };
    let (sha256, size) = write_prepared(&args.output, payload, &PEdges::new(&files), Some(built))?;
    let secs = t.elapsed().as_secs_f64();
    note!(
        "prepared {} from {}: {} schools, {} entrances, {} catchments, {} edges ({} junctions), {} \
         audits; checked as of {}",
        loaded.name,
        area.display(),
        loaded.area.schools().len(),
        files.gates.len(),
        loaded.area.catchments().len(),
        files.edges.len(),
        net.node_count(),
        files.audits.len(),
        as_of.map_or("any date".to_string(), |d| d.to_string()),
    );
    for w in loaded.left_out_warnings(Some(CLOSED_NAMED)) {
        note!("warning: {w}");
    }
    note!("source files:");
    for f in &loaded.files {
        note!("  {}  sha256 {}", f.path, f.sha256);
    }
    let arcs: usize = net.hierarchies().map(|(_, h)| h.size().2).sum();
    note!(
        "contraction hierarchies: {} ({arcs} arcs) in {ch_secs:.2} s",
        net.hierarchies()
            .map(|(m, _)| m.words())
            .collect::<Vec<_>>()
            .join(", "),
    );
    note!(
        "wrote {} ({size} bytes, payload sha256 {sha256}) in {secs:.2} s",
        args.output.display()
    );
    Ok(Exit::Success)
}
