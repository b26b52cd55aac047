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
use crate::cli::{Crs, ReportArgs, ReportFormat, Sources};
use crate::decide::{decide, Case, Decision, Outcome};
use crate::io::output::{refuse_overwriting_inputs, Output};
use crate::io::record::read_record;
use crate::network::Mode;
use crate::network::WhatIf;
use crate::provenance::Origin;
use crate::report::html::what_if_words;
use crate::report::{gather, page, svg, LetterFacts, Report, Scenario};

use super::replay::{changed_since, redecide, sources_of, Redecided};
use super::route::route_geojson;
use super::sources::{
    case_and_fields, load_for_case, load_paths, record_bytes, recorded_sources, sources_for_case,
    Loaded,
};
use super::Exit;

/// Decides the case on the loaded sources and gathers its map.
fn scenario(
    label: String,
    loaded: &Loaded,
    origin: Origin,
    case: &Case,
    as_decided: &[RecordedRoute],
) -> (Scenario, Vec<RecordedRoute>) {
    let d = decide(
        &loaded.policy.policy,
        &loaded.area.area,
        case,
        &loaded.settings,
    );
    scenario_of(label, loaded, origin, case, d, as_decided)
}

/// [`scenario`] for a decision already made.
fn scenario_of(
    label: String,
    loaded: &Loaded,
    origin: Origin,
    case: &Case,
    d: Decision,
    as_decided: &[RecordedRoute],
) -> (Scenario, Vec<RecordedRoute>) {
    let area = &loaded.area.area;
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
    /// The decision record's bytes (from a record: the record itself, reproduced), or the case's
    /// fields to make one from (for a panel pack).
    record: RecordOf,
    /// Who the letter is to and its date.
    letter: LetterFacts,
}

/// Today's date where the letter is written (the machine's local time zone), the default date of
/// a letter.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

enum RecordOf {
    Bytes(Vec<u8>),
    Fields(std::collections::BTreeMap<String, String>),
}

/// The date of a letter made from a decision record: the one asked for, else the one the record
/// keeps, else today. A panel pack must be made again the same from its record, so it takes the
/// record's date and no other, and a record without one needs `--letter-date`.
fn record_letter_date(
    path: &Path,
    recorded: Option<&String>,
    asked: Option<chrono::NaiveDate>,
    pack: bool,
) -> Result<chrono::NaiveDate> {
    let recorded = recorded.map(|d| {
        chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").with_context(|| {
            format!(
                "{}: the recorded letter_date is not a date (YYYY-MM-DD)",
                path.display()
            )
        })
    });
    // A date asked for stands for a page, whatever the record holds.
    let recorded = match (recorded, asked, pack) {
        (Some(Err(_)), Some(_), false) => None,
        (r, _, _) => r.transpose()?,
    };
    match (recorded, asked, pack) {
        (Some(r), Some(a), true) if r != a => bail!(
            "{}: the record dates its letter otherwise: a pack from it must carry the record's \
             date, so that it is made again the same; leave out --letter-date",
            path.display()
        ),
        (None, None, true) => bail!(
            "{}: the record keeps no letter date: give --letter-date YYYY-MM-DD for the pack's \
             letter (a pack made again from the same record and date is the same)",
            path.display()
        ),
        (_, Some(a), _) => Ok(a),
        (Some(r), None, _) => Ok(r),
        (None, None, false) => Ok(today()),
    }
}

fn from_record(path: &Path, letter_date: Option<chrono::NaiveDate>, pack: bool) -> Result<Base> {
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
    let record = RecordOf::Bytes(bytes.clone());
    if bytes != stored.bytes {
        bail!(
            "{}: re-deciding the record on the same files does not give the recorded decision; \
             `schoolrun replay {}` says what differs",
            path.display(),
            path.display()
        );
    }
    let files = rec.origin.policy_files.len() + rec.origin.area_files.len();
    let date = record_letter_date(path, rec.case.get("letter_date"), letter_date, pack)?;
    let mut letter = LetterFacts::from_fields(&rec.case, date);
    letter.date = date;
    Ok(Base {
        letter,
        sources,
        loaded,
        origin,
        case,
        note: Some(format!(
            "This report was made from the decision record {}, re-decided and reproduced exactly: \
             its {files} files still have their recorded SHA-256 fingerprints.",
            path.display()
        )),
        record,
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
    let (case, fields) = case_and_fields(
        args.input.case.as_deref(),
        &args.input.flags,
        &loaded.area.places,
    )?;
    let origin = loaded.origin.clone();
    let mut fields = fields;
    // The letter's date is part of what the pack's record keeps, so that its letter is made
    // again the same.
    if let Some(d) = args.letter_date {
        let asked = d.format("%Y-%m-%d").to_string();
        if fields.get("letter_date").is_some_and(|f| f.trim() != asked) {
            bail!("--letter-date differs from the case's letter_date: give the letter's date once");
        }
        fields.insert("letter_date".into(), asked);
    }
    fields
        .entry("letter_date".into())
        .or_insert_with(|| today().format("%Y-%m-%d").to_string());
    Ok(Base {
        letter: LetterFacts::from_fields(&fields, today()),
        sources,
        loaded,
        origin,
        case,
        note: None,
        record: RecordOf::Fields(fields),
    })
}

fn write_out(path: &Path, text: &str, what: &str) -> Result<()> {
    Output::write_whole(path, text.as_bytes())
        .with_context(|| format!("cannot write the {what} {}", path.display()))
}

/// The letter for one decided application of a batch (`batch --letters`): the family's letter,
/// as `report --family` writes it (what would change the decision is for the panel's copy).
pub(crate) fn letter(loaded: &Loaded, case: &Case, d: &Decision, facts: LetterFacts) -> String {
    let (decided, _) = scenario_of(
        "As decided".into(),
        loaded,
        loaded.origin.clone(),
        case,
        d.clone(),
        &[],
    );
    page(&Report {
        policy: &loaded.policy.policy,
        decided,
        what_if: None,
        provenance_note: None,
        would_change: None,
        letter: facts,
        panel: false,
    })
}

/// The panel pack for the decision as made (see `pack`).
fn write_pack(dir: &Path, base: &Base, report: &Report, inputs: &[&Path]) -> Result<()> {
    let d = &report.decided.decision;
    let policy = &base.loaded.policy.policy;
    let record = match &base.record {
        RecordOf::Bytes(b) => b.clone(),
        RecordOf::Fields(fields) => record_bytes(
            &base.loaded.area.area,
            &policy.walk_start.rule(),
            &base.origin,
            &recorded_sources(&base.sources),
            fields,
            &base.case,
            d,
        )?,
    };
    let method =
        crate::report::method::statement(policy, d, &report.decided.origin, &report.decided.map);
    let json = |v: &dyn erased::Json| -> Result<Vec<u8>> { Ok((v.text()? + "\n").into_bytes()) };
    let panel = page(report);
    let letter = page(&Report {
        panel: false,
        what_if: None,
        ..report.clone()
    });
    let mut files = Vec::new();
    // Each as PDF too, when a browser can print it.
    let browser = super::pdf::browser();
    for (name, html) in [("letter", &letter), ("panel", &panel)] {
        match browser.as_ref().map(|b| super::pdf::print(b, html)) {
            Some(Ok(pdf)) => files.push((format!("{name}.pdf"), pdf)),
            Some(Err(e)) => crate::note!("no {name}.pdf in the pack: {e:#}"),
            None => crate::note!("no {name}.pdf in the pack: {}", super::pdf::INSTALL_HINT),
        }
    }
    files.extend([
        ("letter.html".to_string(), letter.into_bytes()),
        ("panel.html".to_string(), panel.into_bytes()),
        ("map.svg".to_string(), svg(&report.decided.map).into_bytes()),
        ("decision-record.json".to_string(), record),
        ("method.json".to_string(), json(&method)?),
    ]);
    if let Some(w) = &report.would_change {
        files.push(("would-change.json".to_string(), json(w)?));
    }
    let routes = [
        (d.distances.walking_m.is_some(), Mode::Walk, "walk"),
        (d.distances.driven_m.is_some(), Mode::Drive, "drive"),
    ];
    for (measured, mode, name) in routes {
        if !measured || d.school.is_none() {
            continue;
        }
        for (crs, suffix) in [(Crs::Bng, "epsg27700"), (Crs::Wgs84, "wgs84")] {
            let text = route_geojson(&base.loaded, &base.case, mode, crs)?;
            files.push((
                format!("route-{name}-{suffix}.geojson"),
                (text + "\n").into_bytes(),
            ));
        }
    }
    super::pack::write(dir, &d.id, files, inputs)
}

/// Serializing values of several types from one list.
mod erased {
    pub trait Json {
        fn text(&self) -> serde_json::Result<String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn text(&self) -> serde_json::Result<String> {
            serde_json::to_string_pretty(self)
        }
    }
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
    let asked = &args.sources;
    let what_if_asked =
        asked.as_of.is_some() || !asked.mark_unsafe.is_empty() || !asked.ignore_audit.is_empty();
    if args.family && what_if_asked {
        bail!(
            "--family writes the family's letter only; a what-if (--as-of, --mark-unsafe, \
             --ignore-audit) is shown in the sections for the panel: leave out --family"
        );
    }
    let base = match &args.record {
        Some(p) => from_record(p, args.letter_date, args.pack.is_some())?,
        None => from_case(&args)?,
    };
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
                closed_entrances: Vec::new(),
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
        provenance_note: base.note.clone(),
        would_change,
        letter: base.letter.clone(),
        panel: !args.family,
    };
    if let Some(dir) = &args.pack {
        write_pack(dir, &base, &report, &inputs)?;
        if failed {
            crate::note!("schoolrun: the case could not be decided; the letter says why");
            return Ok(Exit::Failure);
        }
        return Ok(Exit::Success);
    }
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
