//! `schoolrun report`: the decision for a case, or for a decision record, as a self-contained
//! HTML letter with the map of the measured route, or the map alone as SVG (clauses 1.5.3, 5.2).
//!
//! A case is decided twice when a what-if is asked (`--as-of`, `--mark-unsafe`,
//! `--ignore-audit`): once on the network as assessed (the decision as made) and once as asked,
//! and the page shows both. A record is first re-decided on the files it names; the report is
//! refused when a file's fingerprint differs or the decision does not come out the same, so that
//! a report can never show a route other than the one recorded.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::appeal::record::{measured_routes, RecordedRoute};
use crate::cli::{ReportArgs, ReportFormat, Sources};
use crate::decide::{decide, Case, Outcome};
use crate::io::output::{refuse_overwriting_inputs, Output};
use crate::io::record::read_record;
use crate::network::WhatIf;
use crate::provenance::Origin;
use crate::report::html::what_if_words;
use crate::report::{gather, page, svg, Report, Scenario};

use super::replay::{changed_since, redecide, sources_of, Redecided};
use super::sources::{case_from, load_for_case, load_paths, sources_for_case, Loaded};
use super::Exit;

/// Decides the case on the loaded sources and gathers its map.
fn scenario(
    label: String,
    loaded: &Loaded,
    origin: Origin,
    case: &Case,
    as_decided: &[RecordedRoute],
) -> (Scenario, Vec<RecordedRoute>) {
    let area = &loaded.area.area;
    let d = decide(&loaded.policy.policy, area, case, &loaded.settings);
    let start = loaded.policy.policy.walk_start.rule();
    let routes = measured_routes(area, &start, case, &d);
    let map = gather(
        area,
        &start,
        &loaded.policy.policy.unavailable_route.cite.clause,
        case,
        d.school.as_ref().map(|s| s.urn),
        &routes,
        as_decided,
    );
    (
        Scenario {
            label,
            decision: d,
            origin,
            map,
        },
        routes,
    )
}

fn load(sources: &Sources) -> Result<Loaded> {
    load_paths(&sources.policy_dir(), &sources.area_path(), sources)
}

/// The sources of the decision as made, the case, and (for a record) a note on where it came
/// from.
struct Base {
    sources: Sources,
    loaded: Loaded,
    origin: Origin,
    case: Case,
    note: Option<String>,
}

fn from_record(path: &Path) -> Result<Base> {
    let stored = read_record(path)?;
    let rec = &stored.record;
    let sources = sources_of(rec, None, None);
    let loaded = load(&sources).with_context(|| {
        format!(
            "{}: the sources the record names cannot be loaded (check them with `schoolrun \
             replay`, which can be pointed at archived copies)",
            path.display()
        )
    })?;
    let changed = changed_since(rec, &loaded);
    if !changed.is_empty() {
        let list: Vec<String> = changed.iter().map(|c| c.describe()).collect();
        bail!(
            "{}: the data is not what the decision was made from, so no report is written:\n  {}",
            path.display(),
            list.join("\n  ")
        );
    }
    let Redecided {
        origin,
        case,
        bytes,
        ..
    } = redecide(rec, &loaded).with_context(|| path.display().to_string())?;
    if bytes != stored.bytes {
        bail!(
            "{}: re-deciding the record on the same files does not give the recorded decision; \
             `schoolrun replay {}` says what differs",
            path.display(),
            path.display()
        );
    }
    let files = rec.origin.policy_files.len() + rec.origin.area_files.len();
    Ok(Base {
        sources,
        loaded,
        origin,
        case,
        note: Some(format!(
            "This report was made from the decision record {}, re-decided and reproduced exactly: \
             its {files} files still have their recorded SHA-256 fingerprints.",
            path.display()
        )),
    })
}

fn from_case(args: &ReportArgs) -> Result<Base> {
    // The decision as made: the network date of the policy (or of the case file) and the audits
    // as assessed.
    let sources = Sources {
        as_of: None,
        mark_unsafe: Vec::new(),
        ignore_audit: Vec::new(),
        ..args.sources.clone()
    };
    let sources = sources_for_case(&sources, args.input.case.as_deref())?;
    let loaded = load_for_case(&sources, args.input.case.as_deref())?;
    let case = case_from(
        args.input.case.as_deref(),
        &args.input.flags,
        &loaded.area.places,
    )?;
    let origin = loaded.origin.clone();
    Ok(Base {
        sources,
        loaded,
        origin,
        case,
        note: None,
    })
}

fn write_out(path: &Path, text: &str, what: &str) -> Result<()> {
    Output::write_whole(path, text.as_bytes())
        .with_context(|| format!("cannot write the {what} {}", path.display()))
}

/// Runs `report`.
pub fn run(args: ReportArgs) -> Result<Exit> {
    let mut inputs = super::sources::source_inputs(&args.sources);
    inputs.extend(args.input.case.clone());
    inputs.extend(args.record.clone());
    let inputs: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
    refuse_overwriting_inputs("-o", &args.output, &inputs)?;
    if let Some(p) = &args.svg {
        refuse_overwriting_inputs("--svg", p, &inputs)?;
    }
    let base = match &args.record {
        Some(p) => from_record(p)?,
        None => from_case(&args)?,
    };
    let asked = &args.sources;
    let what_if_asked =
        asked.as_of.is_some() || !asked.mark_unsafe.is_empty() || !asked.ignore_audit.is_empty();
    let (decided, routes) = scenario(
        "As decided".into(),
        &base.loaded,
        base.origin.clone(),
        &base.case,
        &[],
    );
    let what_if = if what_if_asked {
        let mut s = base.sources.clone();
        if asked.as_of.is_some() {
            s.as_of.clone_from(&asked.as_of);
        }
        s.mark_unsafe.extend(asked.mark_unsafe.iter().cloned());
        s.ignore_audit.extend(asked.ignore_audit.iter().cloned());
        let loaded = load(&s)?;
        let label = what_if_words(
            asked.as_of.as_deref(),
            &WhatIf {
                mark_unsafe: asked.mark_unsafe.clone(),
                ignore_audits: asked.ignore_audit.clone(),
            },
        );
        let origin = loaded.origin.clone();
        Some(scenario(label, &loaded, origin, &base.case, &routes).0)
    } else {
        None
    };
    let failed = decided.decision.outcome == Outcome::Error;
    let would_change = if failed {
        None
    } else {
        Some(super::explain::explain(
            &base.sources,
            &base.loaded,
            &base.case,
            &decided.decision,
        )?)
    };
    let report = Report {
        policy: &base.loaded.policy.policy,
        decided,
        what_if,
        provenance_note: base.note,
        would_change,
    };
    let map = report
        .what_if
        .as_ref()
        .unwrap_or(&report.decided)
        .map
        .clone();
    let text = match args.format {
        ReportFormat::Html => page(&report),
        ReportFormat::Svg => svg(&map),
    };
    write_out(&args.output, &text, "report")?;
    if let Some(p) = &args.svg {
        write_out(p, &svg(&map), "map")?;
    }
    // A case that cannot be decided is bad input: the page says why, the exit code too.
    if failed {
        crate::note!("schoolrun: the case could not be decided; the report says why");
        return Ok(Exit::Failure);
    }
    Ok(Exit::Success)
}
