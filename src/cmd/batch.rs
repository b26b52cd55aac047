//! `schoolrun batch`: decide every row of an applications CSV, in parallel, writing one output
//! row per input row in input order (so the output is the same whatever the thread count), with
//! a summary on stderr. No personal data is logged: the summary holds counts only.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::cli::BatchArgs;
use crate::decide::{decide, Decision, Outcome};
use crate::io::applications::{read_applications, ColumnMap, Row};
use crate::io::decisions::DecisionWriter;
use crate::io::record::record_file_name;
use crate::units::Pence;

use super::sources::{load, record_bytes, recorded_sources, Loaded};
use super::Exit;

/// Counts for the end-of-run summary.
#[derive(Debug, Default)]
pub struct Summary {
    pub rows: u64,
    pub decided: u64,
    pub errors: u64,
    pub by_outcome: BTreeMap<&'static str, u64>,
    pub by_basis: BTreeMap<&'static str, u64>,
    pub charges_pence: i64,
    pub charges_unpriced: u64,
}

impl Summary {
    fn add(&mut self, d: &Decision) {
        self.rows += 1;
        if d.outcome == Outcome::Error {
            self.errors += 1;
        } else {
            self.decided += 1;
        }
        *self.by_outcome.entry(d.outcome.as_str()).or_default() += 1;
        if let Some(b) = d.basis {
            *self.by_basis.entry(b.as_str()).or_default() += 1;
        }
        if let Some(c) = &d.charge {
            match c.pence {
                Some(p) => self.charges_pence += p,
                None => self.charges_unpriced += 1,
            }
        }
    }

    /// The summary as printed on stderr.
    pub fn render(&self) -> String {
        let mut s = format!(
            "rows read: {}\ndecided: {}\nerrors: {}\n",
            self.rows, self.decided, self.errors
        );
        s.push_str("by outcome:\n");
        for (k, v) in &self.by_outcome {
            s.push_str(&format!("  {k}: {v}\n"));
        }
        s.push_str("by basis:\n");
        for (k, v) in &self.by_basis {
            s.push_str(&format!("  {k}: {v}\n"));
        }
        s.push_str(&format!(
            "surplus seat and post-16 charges in total: {} ({} more set by operators, not recorded)\n",
            Pence(self.charges_pence).display_gbp(),
            self.charges_unpriced
        ));
        s
    }
}

/// Runs `batch`.
pub fn run(args: BatchArgs) -> Result<Exit> {
    let map = match &args.columns {
        Some(p) => ColumnMap::load(p)?,
        None => ColumnMap::default(),
    };
    let rows = read_applications(&args.input, &map)?;
    let loaded = load(&args.sources)?;
    eprintln!(
        "area: {} ({} schools; {} closed and {} without a location left out); policy: {} {}",
        loaded.area.name,
        loaded.area.area.schools().len(),
        loaded.area.skipped_closed_schools,
        loaded.area.skipped_unlocated_schools,
        loaded.policy.policy.meta.name,
        loaded.policy.policy.meta.academic_year
    );
    if let Some(p) = &loaded.area.prepared {
        // The decisions name the source files; the prepared file itself is named here.
        eprintln!(
            "area loaded from the prepared file {} (payload sha256 {}, prepared from {})",
            p.path, p.sha256, p.source
        );
    }
    // Open the output before deciding, so a bad path fails at once, not after the work.
    let out: Box<dyn Write> = if args.output.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(BufWriter::new(File::create(&args.output).with_context(
            || format!("cannot create {}", args.output.display()),
        )?))
    };
    let mut w = DecisionWriter::new(out, &loaded.origin)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let bar = if !args.no_progress && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(rows.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} deciding {pos}/{len} [{bar:40}] {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let policy = &loaded.policy.policy;
    let area = &loaded.area.area;
    let settings = &loaded.settings;
    let input = args.input.display().to_string();
    let decisions: Vec<Decision> = pool.install(|| {
        rows.par_iter()
            .map(|r| {
                let d = match &r.case {
                    Ok(case) => {
                        let mut d = decide(policy, area, case, settings);
                        if let Some(e) = &mut d.error {
                            *e = format!("{input}: line {}: {e}", r.line);
                        }
                        d
                    }
                    Err(msg) => Decision::error(&r.id, msg.clone()),
                };
                if let Some(b) = &bar {
                    b.inc(1);
                }
                d
            })
            .collect()
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(dir) = &args.records {
        write_records(dir, &loaded, &args.sources, &rows, &decisions)?;
    }
    let mut summary = Summary::default();
    for (r, d) in rows.iter().zip(&decisions) {
        w.write(d, r.row)?;
        summary.add(d);
    }
    w.finish()
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    eprint!("{}", summary.render());
    Ok(if summary.errors > 0 {
        Exit::RowErrors
    } else {
        Exit::Success
    })
}

/// Writes one decision record per decided row (error rows get none: there is no decision to
/// reproduce, and the decisions CSV says why), in parallel but each to its own file.
fn write_records(
    dir: &std::path::Path,
    loaded: &Loaded,
    sources: &crate::cli::Sources,
    rows: &[Row],
    decisions: &[Decision],
) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the records folder {}", dir.display()))?;
    let recorded = recorded_sources(sources);
    rows.par_iter()
        .zip(decisions)
        .try_for_each(|(r, d)| -> Result<()> {
            let Ok(case) = &r.case else {
                return Ok(());
            };
            if d.outcome == Outcome::Error {
                return Ok(());
            }
            let bytes = record_bytes(
                &loaded.area.area,
                &loaded.origin,
                &recorded,
                &r.fields,
                case,
                d,
            )?;
            let path = dir.join(record_file_name(&r.id, r.row));
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
        })
}
