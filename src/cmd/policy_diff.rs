//! `schoolrun policy diff FROM TO`: every value that differs between two policies (academic
//! years or directories), each with its clause, old and new value. Both policies are loaded in
//! full first (overlays merged, every section checked), then their merged values are compared
//! path by path (`crate::policy::diff`), so sections added to the policy files later are covered.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::{policy_root, Format, PolicyDiffArgs};
use crate::io::policy_files::{load_merged, LoadedPolicy};
use crate::policy::diff::{diff, inline, to_json, Change, Difference};
use crate::policy::overlay::combined;

use super::output::print;
use super::Exit;

/// Whether an argument names an academic year (`2021-22`) rather than a path.
fn is_year(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// The policy directory an argument names.
pub fn resolve(arg: &str) -> PathBuf {
    if is_year(arg) {
        policy_root().join(arg)
    } else {
        PathBuf::from(arg)
    }
}

struct Side {
    path: PathBuf,
    loaded: LoadedPolicy,
    table: toml::Table,
}

fn load(arg: &str) -> Result<Side> {
    let path = resolve(arg);
    let (loaded, merged) =
        load_merged(&path).with_context(|| format!("loading policy {}", path.display()))?;
    Ok(Side {
        path,
        loaded,
        table: combined(&merged),
    })
}

fn heading(s: &Side) -> String {
    let m = &s.loaded.policy.meta;
    format!("{}: {} ({})", s.path.display(), m.name, m.academic_year)
}

/// Values that follow from the policy rather than being written in it, compared as well.
fn derived(a: &Side, b: &Side) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    let net = |s: &Side| {
        let p = &s.loaded.policy;
        p.network_date
            .as_of(p.meta.starts)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "none".into())
    };
    let (na, nb) = (net(a), net(b));
    if na != nb {
        out.push((
            "network date".to_string(),
            b.loaded.policy.network_date.cite.clause.clone(),
            na,
            nb,
        ));
    }
    // Figures a rule takes from another value (section 2.5's contribution is the surplus seat
    // charge): each shown where it changes with the value it follows.
    let figures = |s: &Side| -> Vec<(String, String, String)> {
        let p = &s.loaded.policy;
        p.rules
            .iter()
            .flat_map(|r| r.form().derived_figures(p))
            .collect()
    };
    let before = figures(a);
    for (what, clause, new) in figures(b) {
        if let Some((_, _, old)) = before.iter().find(|(w, _, _)| *w == what) {
            if *old != new {
                out.push((what, clause, old.clone(), new));
            }
        }
    }
    out
}

fn text(a: &Side, b: &Side, diffs: &[Difference]) -> String {
    let mut s = format!("from {}\nto   {}\n\n", heading(a), heading(b));
    for d in diffs {
        let clause = d
            .clause
            .as_deref()
            .map(|c| format!(" (clause {c})"))
            .unwrap_or_default();
        let line = match d.change {
            Change::Changed => format!(
                "~ {}{clause}: {} -> {}",
                d.path,
                d.old.as_ref().map(inline).unwrap_or_default(),
                d.new.as_ref().map(inline).unwrap_or_default()
            ),
            Change::Added => format!(
                "+ {}{clause}: {}",
                d.path,
                d.new.as_ref().map(inline).unwrap_or_default()
            ),
            Change::Removed => format!(
                "- {}{clause}: {}",
                d.path,
                d.old.as_ref().map(inline).unwrap_or_default()
            ),
        };
        s.push_str(&line);
        s.push('\n');
    }
    for (what, clause, old, new) in derived(a, b) {
        s.push_str(&format!(
            "= {what} (clause {clause}, follows from the above): {old} -> {new}\n"
        ));
    }
    let count = |c: Change| diffs.iter().filter(|d| d.change == c).count();
    s.push_str(&format!(
        "\n{} difference{} ({} changed, {} added, {} removed)\n",
        diffs.len(),
        if diffs.len() == 1 { "" } else { "s" },
        count(Change::Changed),
        count(Change::Added),
        count(Change::Removed)
    ));
    s
}

fn side_json(s: &Side) -> serde_json::Value {
    let m = &s.loaded.policy.meta;
    serde_json::json!({
        "policy": s.path.display().to_string(),
        "name": m.name,
        "academic_year": m.academic_year,
        "files": s.loaded.files,
    })
}

fn json(a: &Side, b: &Side, diffs: &[Difference]) -> Result<String> {
    let differences: Vec<serde_json::Value> = diffs
        .iter()
        .map(|d| {
            serde_json::json!({
                "path": d.path,
                "clause": d.clause,
                "change": d.change,
                "old": d.old.as_ref().map(to_json),
                "new": d.new.as_ref().map(to_json),
            })
        })
        .collect();
    let derived: Vec<serde_json::Value> = derived(a, b)
        .into_iter()
        .map(|(what, clause, old, new)| {
            serde_json::json!({ "what": what, "clause": clause, "old": old, "new": new })
        })
        .collect();
    let v = serde_json::json!({
        "from": side_json(a),
        "to": side_json(b),
        "differences": differences,
        "derived": derived,
    });
    Ok(serde_json::to_string_pretty(&v)?)
}

/// Runs `policy diff`.
pub fn run(args: PolicyDiffArgs) -> Result<Exit> {
    let a = load(&args.from)?;
    let b = load(&args.to)?;
    let diffs = diff(&a.table, &b.table);
    match args.format {
        Format::Text => print(text(&a, &b, &diffs))?,
        Format::Json => print(json(&a, &b, &diffs)? + "\n")?,
    }
    Ok(Exit::Success)
}
