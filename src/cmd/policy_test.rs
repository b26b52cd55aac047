//! `schoolrun policy test`: worked cases, each case file's expected decision against the decision
//! the tool makes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::PolicyTestArgs;
use crate::decide::{decide, Decision};
use crate::io::case_fields::case_from_fields;
use crate::io::case_file::{load_case_file, CaseFile, Expect, OrNone};
use crate::units::Metres;

use super::output::print;
use super::sources::{load_paths, Loaded};
use super::Exit;

/// Finds case files: files as given, directories searched (recursively, sorted) for *.toml.
pub fn collect_cases(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Differences between what a worked case expects and the decision made; empty when it passes.
pub fn compare(expect: &Expect, d: &Decision) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut check = |what: &str, want: String, got: String| {
        if want != got {
            diffs.push(format!("{what}: expected {want}, got {got}"));
        }
    };
    if let Some(o) = expect.outcome {
        check(
            "outcome",
            o.as_str().to_string(),
            d.outcome.as_str().to_string(),
        );
    }
    if let Some(b) = &expect.basis {
        check(
            "basis",
            b.clone(),
            d.basis
                .as_ref()
                .map(|b| b.as_str().to_string())
                .unwrap_or_else(|| "none".into()),
        );
    }
    if let Some(c) = &expect.deciding_clause {
        check(
            "deciding clause",
            c.clone(),
            d.deciding_clause.clone().unwrap_or_else(|| "none".into()),
        );
    }
    if let Some(u) = expect.school_urn {
        check(
            "school",
            u.to_string(),
            d.school
                .as_ref()
                .map(|s| s.urn.to_string())
                .unwrap_or_default(),
        );
    }
    if let Some(p) = &expect.charge_pence {
        check(
            "charge (pence)",
            match p {
                OrNone::Value(p) => p.to_string(),
                OrNone::None => "none".into(),
            },
            d.charge
                .as_ref()
                .and_then(|c| c.pence)
                .map(|p| p.to_string())
                .unwrap_or_else(|| "none".into()),
        );
    }
    if let Some(r) = expect.surplus_priority {
        check(
            "surplus priority",
            r.to_string(),
            d.surplus_priority
                .as_ref()
                .map(|p| p.rank)
                .unwrap_or(0)
                .to_string(),
        );
    }
    if let Some(w) = &expect.walking_miles {
        let got = if d.distances.no_available_walking_route {
            "none".to_string()
        } else {
            d.distances
                .walking_m
                .map(|m| Metres(m).miles_3dp())
                .unwrap_or_else(|| "not measured".into())
        };
        let want = match w {
            OrNone::Value(m) => format!("{:.3}", m.0),
            OrNone::None => "none".into(),
        };
        check("walking miles", want, got);
    }
    if let Some(w) = expect.driven_miles {
        check(
            "driven miles",
            format!("{:.3}", w.0),
            d.distances
                .driven_m
                .map(|m| Metres(m).miles_3dp())
                .unwrap_or_else(|| "none".into()),
        );
    }
    if let Some(t) = &expect.threshold {
        check(
            "threshold",
            t.clone(),
            d.threshold
                .as_ref()
                .map(|t| t.limits.join(" and "))
                .unwrap_or_else(|| "none".into()),
        );
    }
    if let Some(e) = &expect.support_ends {
        check(
            "support ends",
            match e {
                OrNone::Value(date) => date.to_string(),
                OrNone::None => "none".into(),
            },
            d.support_ends
                .as_ref()
                .map(|s| s.date.to_string())
                .unwrap_or_else(|| "none".into()),
        );
    }
    for (topic, want) in &expect.follow_up {
        check(
            &format!("follow-up {topic}"),
            want.clone(),
            d.follow_ups
                .iter()
                .find(|f| &f.topic == topic)
                .map(|f| f.value.clone())
                .unwrap_or_else(|| "none".into()),
        );
    }
    for needle in &expect.reasons_contain {
        let found = d.reasons.iter().any(|r| {
            r.text.contains(needle.as_str())
                || r.figures
                    .as_deref()
                    .is_some_and(|f| f.contains(needle.as_str()))
                || r.clause.contains(needle.as_str())
        }) || d.warnings.iter().any(|w| w.contains(needle.as_str()))
            || d.follow_ups.iter().any(|f| {
                f.text.contains(needle.as_str())
                    || f.figures
                        .as_deref()
                        .is_some_and(|g| g.contains(needle.as_str()))
            })
            || d.error
                .as_deref()
                .is_some_and(|e| e.contains(needle.as_str()));
        if !found {
            diffs.push(format!(
                "reasons: expected some reason or warning to contain \"{needle}\""
            ));
        }
    }
    diffs
}

/// The result of one worked case: the decision and what differs from the expectation, or why
/// the case could not be run (a file that does not read, an `[expect]` that names a basis the
/// policy does not have, an area that does not load); one such case fails alone.
pub struct CaseResult {
    pub path: PathBuf,
    pub title: String,
    pub run: Result<(Decision, Vec<String>), String>,
}

impl CaseResult {
    /// Whether the case ran and its decision is the one expected.
    pub fn passed(&self) -> bool {
        matches!(&self.run, Ok((_, diffs)) if diffs.is_empty())
    }
}

/// Runs worked cases, loading each distinct policy/area once.
pub fn run_cases(args: &PolicyTestArgs) -> Result<Vec<CaseResult>> {
    let files = collect_cases(&args.cases)?;
    let mut cache: HashMap<(PathBuf, PathBuf, Option<String>), Result<Loaded, String>> =
        HashMap::new();
    let mut results = Vec::new();
    for path in files {
        let (title, run) = match load_case_file(&path) {
            Ok(file) => (file.title.clone(), run_case(args, &file, &mut cache)),
            Err(e) => (String::new(), Err(format!("{e:#}"))),
        };
        results.push(CaseResult { path, title, run });
    }
    Ok(results)
}

/// Runs one worked case on its policy and area (loaded once for all cases that share them).
fn run_case(
    args: &PolicyTestArgs,
    file: &CaseFile,
    cache: &mut HashMap<(PathBuf, PathBuf, Option<String>), Result<Loaded, String>>,
) -> Result<(Decision, Vec<String>), String> {
    let path = file.path.display();
    let expect = match &file.expect {
        None => return Err(format!("{path}: a worked case needs an [expect] table")),
        Some(e) if e.is_empty() => {
            return Err(format!(
                "{path}: [expect] expects nothing: give at least one of outcome, basis, \
                 deciding_clause, school_urn, charge_pence, surplus_priority, walking_miles, \
                 driven_miles, threshold, support_ends, follow_up, reasons_contain"
            ))
        }
        Some(e) => e,
    };
    let policy = file
        .policy
        .clone()
        .unwrap_or_else(|| args.sources.policy_dir());
    let area = file
        .area
        .clone()
        .unwrap_or_else(|| args.sources.area_path());
    let mut sources = args.sources.clone();
    if file.as_of.is_some() {
        sources.as_of = file.as_of.clone();
    }
    let key = (policy.clone(), area.clone(), sources.as_of.clone());
    let loaded = cache
        .entry(key)
        .or_insert_with(|| load_paths(&policy, &area, &sources).map_err(|e| format!("{e:#}")));
    let loaded = loaded
        .as_ref()
        .map_err(|e| format!("{path}: loading the policy and area: {e}"))?;
    if let Some(b) = &expect.basis {
        let bases = loaded.policy.policy.bases();
        if b != "none" && !bases.iter().any(|x| x.as_str() == b) {
            return Err(format!(
                "{path}: [expect] basis \"{b}\" is not a basis of the policy (bases: {}, or \
                 \"none\")",
                bases
                    .iter()
                    .map(|b| b.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let case = case_from_fields(
        |f| file.fields.get(f).map(String::as_str),
        &loaded.area.places,
    )
    .map_err(|e| format!("{path}: [case] is not valid: {e}"))?;
    let decision = decide(
        &loaded.policy.policy,
        &loaded.area.area,
        &case,
        &loaded.settings,
    );
    let diffs = compare(expect, &decision);
    Ok((decision, diffs))
}

/// Runs `policy test`.
pub fn test(args: PolicyTestArgs) -> Result<Exit> {
    let results = run_cases(&args)?;
    let failed = results.iter().filter(|r| !r.passed()).count();
    let mut s = String::new();
    for r in &results {
        if r.passed() && args.quiet {
            continue;
        }
        let status = match &r.run {
            Ok((_, diffs)) if diffs.is_empty() => "PASS",
            Ok(_) => "FAIL",
            Err(_) => "INVALID",
        };
        let _ = writeln!(s, "{status} {} — {}", r.path.display(), r.title);
        match &r.run {
            Ok((d, diffs)) if !diffs.is_empty() => {
                for diff in diffs {
                    let _ = writeln!(s, "    {diff}");
                }
                for reason in &d.reasons {
                    let _ = writeln!(s, "      [{}] {}", reason.clause, reason.text);
                }
                if let Some(e) = &d.error {
                    let _ = writeln!(s, "      error: {e}");
                }
            }
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(s, "    {e}");
            }
        }
    }
    let _ = writeln!(s, "{} passed, {} failed", results.len() - failed, failed);
    print(s)?;
    Ok(if failed > 0 {
        Exit::CasesFailed
    } else {
        Exit::Success
    })
}
