//! `schoolrun diff OLD.csv NEW.csv`: every case whose outcome, basis, school, charge or surplus
//! priority differs between two decisions files, with the cause (a distance crossed a limit, the
//! school changed, a policy parameter changed, another rule decided).

use anyhow::{Context, Result};

use crate::appeal::diff::{compare, CaseChange, Comparison};
use crate::cli::{DiffArgs, DiffFormat};
use crate::io::decisions::spreadsheet_safe;
use crate::io::decisions_read::read_decisions;

use super::output::{is_stdout, print};
use super::Exit;

/// Runs `diff`.
pub fn run(args: DiffArgs) -> Result<Exit> {
    let old = read_decisions(&args.old)?;
    let new = read_decisions(&args.new)?;
    let c = compare(&old, &new);
    let bytes = match args.format {
        DiffFormat::Text => render_text(&c).into_bytes(),
        DiffFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&c)?;
            v.push(b'\n');
            v
        }
        DiffFormat::Csv => render_csv(&c)?,
    };
    if is_stdout(&args.output) {
        print(&bytes)?;
    } else {
        std::fs::write(&args.output, bytes)
            .with_context(|| format!("cannot write {}", args.output.display()))?;
    }
    Ok(Exit::Success)
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn rows(ch: &CaseChange) -> String {
    match (ch.old_row.as_str(), ch.new_row.as_str()) {
        ("", n) => format!("row {n} of NEW"),
        (o, "") => format!("row {o} of OLD"),
        (o, n) if o == n => format!("row {o}"),
        (o, n) => format!("row {o} -> {n}"),
    }
}

/// The readable report: totals first, then one block per changed case.
pub fn render_text(c: &Comparison) -> String {
    let changed = c.compared - c.unchanged;
    let mut s = format!(
        "compared {} cases present in both files: {changed} changed, {} unchanged; {} only in OLD, {} only in NEW\n",
        c.compared, c.unchanged, c.only_in_old, c.only_in_new
    );
    s.push_str(&format!(
        "policy files differ: {}; data files differ: {}\n",
        yes_no(c.policy_files_differ),
        yes_no(c.data_files_differ)
    ));
    if !c.changed_fields.is_empty() {
        let fields: Vec<String> = c
            .changed_fields
            .iter()
            .map(|(f, n)| format!("{f} {n}"))
            .collect();
        s.push_str(&format!("fields changed: {}\n", fields.join(", ")));
    }
    for ch in &c.changes {
        let id = if ch.id.is_empty() { "(no id)" } else { &ch.id };
        s.push_str(&format!("\n{id} ({})\n", rows(ch)));
        for f in &ch.changes {
            s.push_str(&format!(
                "  {}: {} -> {}\n",
                f.field,
                or_empty(&f.old),
                or_empty(&f.new)
            ));
        }
        for cause in &ch.causes {
            s.push_str(&format!("  cause: {}\n", cause.describe()));
        }
    }
    s
}

fn or_empty(s: &str) -> &str {
    if s.is_empty() {
        "(none)"
    } else {
        s
    }
}

/// One CSV row per changed case, spreadsheet-safe.
fn render_csv(c: &Comparison) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(["id", "old_row", "new_row", "changes", "causes"])?;
    for ch in &c.changes {
        let changes: Vec<String> = ch
            .changes
            .iter()
            .map(|f| format!("{}: {} -> {}", f.field, or_empty(&f.old), or_empty(&f.new)))
            .collect();
        let causes: Vec<String> = ch.causes.iter().map(|c| c.describe()).collect();
        let cells = [
            ch.id.clone(),
            ch.old_row.clone(),
            ch.new_row.clone(),
            changes.join(" | "),
            causes.join(" | "),
        ];
        w.write_record(cells.iter().map(|c| spreadsheet_safe(c)))?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}
