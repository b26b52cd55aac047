//! Loading what every deciding command needs: the policy, the area, and the case from flags or
//! a case file; and the provenance that goes into every decision.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};

use crate::appeal::record::measured_routes;
use crate::area::Area;
use crate::area::Places;
use crate::cli::{CaseFlags, Sources};
use crate::decide::{Case, Decision, Settings};
use crate::io::area_dir::{load_area_what_if, LoadedArea};
use crate::io::case_fields::case_from_fields;
use crate::io::case_file::load_case_file;
use crate::io::policy_files::{load_policy, LoadedPolicy};
use crate::io::record::{RecordOut, RecordedSources, RECORD_FORMAT, RECORD_VERSION};
use crate::network::WhatIf;
use crate::provenance::Origin;
use crate::units::Metres;

/// Policy, area, settings and origin, loaded once per run.
pub struct Loaded {
    pub policy: LoadedPolicy,
    pub area: LoadedArea,
    pub settings: Settings,
    pub origin: Origin,
}

/// Loads a policy and an area from explicit paths.
pub fn load_paths(policy: &Path, area: &Path, sources: &Sources) -> Result<Loaded> {
    let policy = load_policy(policy)?;
    let as_of = network_as_of(&policy, sources.as_of.as_deref())?;
    let what_if = WhatIf {
        mark_unsafe: sources.mark_unsafe.clone(),
        ignore_audits: sources.ignore_audit.clone(),
        closed_entrances: sources.closed_entrances.clone(),
    };
    let area = load_area_what_if(area, sources.max_snap, as_of, &what_if)?;
    if let Some(m) = sources.margin_miles {
        crate::cli::check_margin_miles(m)
            .map_err(|msg| anyhow::anyhow!("--margin-miles: {msg}"))?;
    }
    let settings = match sources.margin_miles {
        Some(m) => Settings {
            close_margin_m: Metres::from_miles(m).0,
            margin_given: true,
        },
        None => Settings::default(),
    };
    let origin = Origin {
        policy_name: policy.policy.meta.name.clone(),
        academic_year: policy.policy.meta.academic_year.clone(),
        policy_files: policy.files.clone(),
        area_name: area.name.clone(),
        area_files: area.files.clone(),
        network_as_of: area.as_of.map(|d| d.to_string()),
        audits: area.audits.iter().map(|a| a.reference.clone()).collect(),
        what_if,
        tool: env!("CARGO_PKG_NAME").to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    Ok(Loaded {
        policy,
        area,
        settings,
        origin,
    })
}

/// The date the network is taken as of: `--as-of` when given, else the policy's network date
/// (clause 1.5.3).
pub fn network_as_of(
    policy: &LoadedPolicy,
    as_of: Option<&str>,
) -> Result<Option<chrono::NaiveDate>> {
    Ok(match as_of {
        Some(s) => Some(
            crate::io::csvutil::parse_date(s.trim())
                .ok_or_else(|| anyhow::anyhow!("--as-of: \"{s}\" is not a date (YYYY-MM-DD)"))?,
        ),
        None => policy.policy.network_date.as_of(policy.policy.meta.starts),
    })
}

/// The files and folders the common flags read, for refusing an output path that is one of them.
pub fn source_inputs(sources: &Sources) -> Vec<std::path::PathBuf> {
    vec![sources.area_path(), sources.policy_dir()]
}

/// Loads the policy and area named by the common flags.
pub fn load(sources: &Sources) -> Result<Loaded> {
    load_paths(&sources.policy_dir(), &sources.area_path(), sources)
}

/// The sources for a case. With `--case FILE`, the case file's own `policy =`, `area =` and
/// `as_of =` apply where the command line (or its environment variables) gives none, as
/// `policy test` reads them, so that a case is decided on the data it was written for; flags
/// given as well override the file, as they do its fields.
pub fn sources_for_case(sources: &Sources, case_file: Option<&Path>) -> Result<Sources> {
    let Some(p) = case_file else {
        return Ok(sources.clone());
    };
    let file = load_case_file(p)?;
    let mut s = sources.clone();
    if s.area.area.is_none() {
        s.area.area = file.area;
    }
    if !s.policy.given() {
        s.policy.policy = file.policy;
    }
    if s.as_of.is_none() {
        s.as_of = file.as_of;
    }
    Ok(s)
}

/// [`load`] for a case, naming the case file in any error, since its `policy =`, `area =` or
/// `as_of =` may have chosen what failed to load.
pub fn load_for_case(sources: &Sources, case_file: Option<&Path>) -> Result<Loaded> {
    let loaded = load(sources);
    match case_file {
        Some(p) => loaded.with_context(|| {
            format!(
                "loading the policy {} and the area {} for the case {}",
                sources.policy_dir().display(),
                sources.area_path().display(),
                p.display()
            )
        }),
        None => loaded,
    }
}

/// The case fields given by flags (only those present).
fn flag_fields(f: &CaseFlags) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = f.home.fields();
    let mut opt = |k: &'static str, x: &Option<String>| {
        if let Some(s) = x {
            v.push((k, s.clone()));
        }
    };
    opt("access_easting", &f.access_easting);
    opt("access_northing", &f.access_northing);
    opt("year_group", &f.year);
    opt("date_of_birth", &f.dob);
    opt("sex", &f.sex);
    opt("school_urn", &f.school);
    opt("faith", &f.faith);
    opt("faith_evidence", &f.faith_evidence);
    opt("hours_per_week", &f.hours);
    opt("days_per_week", &f.days);
    opt("schools_without_places", &f.no_places);
    for (k, on) in [
        ("free_school_meals", f.fsm),
        ("max_working_tax_credit", f.max_wtc),
        ("universal_credit", f.uc),
        ("ehcp", f.ehcp),
        ("mobility_need", f.mobility_need),
        ("child_in_care", f.child_in_care),
        ("registered_disability", f.registered_disability),
        ("medical_condition", f.medical_condition),
        ("young_carer", f.young_carer),
        ("vulnerable", f.vulnerable),
    ] {
        if on {
            v.push((k, "yes".into()));
        }
    }
    if f.not_resident {
        v.push(("resident_in_area", "no".into()));
    }
    v
}

/// The case from an optional case file overlaid with flags; a home given by UPRN or postcode is
/// found in `places` (the loaded area's).
pub fn case_from(case_file: Option<&Path>, flags: &CaseFlags, places: &Places) -> Result<Case> {
    case_and_fields(case_file, flags, places).map(|(c, _)| c)
}

/// [`case_from`], with the fields the case was read from (for a decision record).
pub fn case_and_fields(
    case_file: Option<&Path>,
    flags: &CaseFlags,
    places: &Places,
) -> Result<(Case, BTreeMap<String, String>)> {
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut what = "the command line".to_string();
    if let Some(p) = case_file {
        fields = load_case_file(p)?.fields;
        what = p.display().to_string();
        if flags.id != "CHECK" || !fields.contains_key("id") {
            fields.insert("id".into(), flags.id.clone());
        }
    } else {
        fields.insert("id".into(), flags.id.clone());
    }
    for (k, v) in flag_fields(flags) {
        fields.insert(k.to_string(), v);
    }
    // Messages name the field, never the value: a value is personal data.
    let mut set_here: Vec<&str> = Vec::new();
    for (i, kv) in flags.set.iter().enumerate() {
        let (k, v) = kv
            .split_once('=')
            .with_context(|| format!("--set (number {}): give FIELD=VALUE", i + 1))?;
        let k = k.trim();
        let Some(field) = crate::io::case_fields::field_named(k) else {
            anyhow::bail!("--set {k}=...: {k} is not a case field (see docs/formats.md)");
        };
        if set_here.contains(&field) {
            anyhow::bail!(
                "--set {k}=...: {field} is already set (under its name or its former name); \
                 set it once"
            );
        }
        set_here.push(field);
        fields.insert(field.to_string(), v.to_string());
    }
    let case = case_from_fields(|f| fields.get(f).map(String::as_str), places)
        .with_context(|| format!("the case given by {what} is not valid"))?;
    let fields = fields
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
    Ok((case, fields))
}

/// The sources as a record states them.
pub fn recorded_sources(sources: &Sources) -> RecordedSources {
    RecordedSources {
        policy: sources.policy_dir().display().to_string(),
        area: sources.area_path().display().to_string(),
        as_of: sources.as_of.clone(),
        max_snap_m: sources.max_snap,
        margin_miles: sources.margin_miles,
        what_if: WhatIf {
            mark_unsafe: sources.mark_unsafe.clone(),
            ignore_audits: sources.ignore_audit.clone(),
            closed_entrances: sources.closed_entrances.clone(),
        },
    }
}

/// The decision record of one decided case, as bytes.
pub fn record_bytes(
    area: &Area,
    start: &crate::area::WalkStartRule,
    origin: &Origin,
    sources: &RecordedSources,
    fields: &BTreeMap<String, String>,
    case: &Case,
    decision: &Decision,
) -> Result<Vec<u8>> {
    let routes = measured_routes(area, start, case, decision);
    RecordOut {
        record_format: RECORD_FORMAT,
        record_version: RECORD_VERSION,
        case: fields,
        sources,
        origin,
        decision,
        routes: &routes,
    }
    .to_bytes()
}
