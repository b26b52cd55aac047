//! `schoolrun batch`: decide every row of an applications CSV, writing one output row per input
//! row in input order (so the output is the same whatever the thread count), with a summary on
//! stderr. No personal data is logged: the summary holds counts only.
//!
//! The file is streamed: rows are read, decided in parallel in chunks of [`CHUNK`] and written in
//! order, so memory does not grow with the number of rows. Before anything is decided the file is
//! scanned once for quoting that would lose rows (an unclosed quote), and the output path is
//! checked not to be an input. The output appears whole when the run finishes and not at all if
//! it fails or is killed (the previous file stays).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::cli::BatchArgs;
use crate::decide::{decide, Decision, Outcome};
use crate::io::applications::{scan, Applications, ColumnMap, LineCount, Reading, Row};
use crate::io::decisions::{csv_line, DecisionWriter};
use crate::io::output::{refuse_overwriting_inputs, Output};
use crate::io::prepared::install_search;
use crate::io::record::record_file_name;
use crate::network::Mode;
use crate::policy::Basis;
use crate::units::Pence;

use super::sources::{load, record_bytes, recorded_sources, Loaded};
use super::Exit;
use crate::note;

/// Rows decided together: enough to keep every core busy, few enough that memory stays small
/// (a decided row holds a few kilobytes until it is written), at the least: see [`window`].
const CHUNK: usize = 4096;

/// Rows held per school of the area, at most, when a batch reads rows in windows larger than
/// [`CHUNK`] (see [`window`]).
const ROWS_PER_SCHOOL: usize = 200;

/// The most rows a window holds (about 3 KB each until written).
const MAX_WINDOW: usize = 131_072;

/// How many rows to read, decide and write at a time. Rows are decided grouped by school within
/// a window, so each school's trees serve all its rows there; a window large enough to hold many
/// rows per school means each tree is grown about once per window. The file is split into
/// windows of equal size so that no small tail grows every tree again.
fn window(rows: u64, schools: usize) -> usize {
    let most = (schools.saturating_mul(ROWS_PER_SCHOOL)).clamp(CHUNK, MAX_WINDOW) as u64;
    let windows = rows.div_ceil(most).max(1);
    rows.div_ceil(windows).clamp(1, most) as usize
}

/// Counts for the end-of-run summary.
#[derive(Debug, Default)]
pub struct Summary {
    pub rows: u64,
    pub decided: u64,
    pub errors: u64,
    pub by_outcome: BTreeMap<&'static str, u64>,
    pub by_basis: BTreeMap<Basis, u64>,
    /// The charges added up; `None` once the sum no longer fits (only a policy with absurd
    /// charges could get there, and then no total is better than a wrapped one).
    pub charges_pence: Option<i64>,
    pub charges_unpriced: u64,
    pub lines: LineCount,
    /// Decisions a limit lies within the home point's uncertainty of.
    pub could_change: u64,
}

impl Summary {
    fn new() -> Self {
        Summary {
            charges_pence: Some(0),
            ..Summary::default()
        }
    }

    fn add(&mut self, d: &Counted) {
        self.rows += 1;
        if d.outcome == Outcome::Error {
            self.errors += 1;
        } else {
            self.decided += 1;
        }
        *self.by_outcome.entry(d.outcome.as_str()).or_default() += 1;
        self.could_change += u64::from(d.could_change);
        if let Some(b) = &d.basis {
            *self.by_basis.entry(b.clone()).or_default() += 1;
        }
        if let Some(pence) = d.charge {
            match pence {
                Some(p) => self.charges_pence = self.charges_pence.and_then(|t| t.checked_add(p)),
                None => self.charges_unpriced += 1,
            }
        }
    }
}

/// What the summary counts of one decision.
#[derive(Debug)]
struct Counted {
    outcome: Outcome,
    could_change: bool,
    basis: Option<Basis>,
    /// The charge, if any: its pence, `None` when an operator sets it.
    charge: Option<Option<i64>>,
}

impl Counted {
    fn of(d: &Decision) -> Counted {
        Counted {
            outcome: d.outcome,
            could_change: d.could_change,
            basis: d.basis.clone(),
            charge: d.charge.as_ref().map(|c| c.pence),
        }
    }
}

/// A decided row as a window keeps it until it is written: its output line and what the
/// summary counts, and (only when decision records are written) its decision.
struct Done {
    line: Result<Vec<u8>>,
    counted: Counted,
    decoded_1252: bool,
    /// The decision, for a decision record only (boxed: kilobytes).
    decision: Option<Box<Decision>>,
}

impl Summary {
    /// The summary as printed on stderr.
    pub fn render(&self) -> String {
        let l = &self.lines;
        let mut s = format!(
            "lines read: {} (header {}, rows {}, blank or empty and skipped {})\n",
            l.total, l.header, l.in_rows, l.blank
        );
        s.push_str(&format!(
            "rows read: {}\ndecided: {}\nerrors: {}\n",
            self.rows, self.decided, self.errors
        ));
        s.push_str("by outcome:\n");
        for (k, v) in &self.by_outcome {
            s.push_str(&format!("  {k}: {v}\n"));
        }
        s.push_str("by basis:\n");
        for (k, v) in &self.by_basis {
            s.push_str(&format!("  {k}: {v}\n"));
        }
        let total = match self.charges_pence {
            Some(p) => Pence(p).display_gbp(),
            None => "too large to add up (check the policy's charges)".to_string(),
        };
        s.push_str(&format!(
            "surplus seat and post-16 charges in total: {total} ({} more set by operators, not \
             recorded)\n",
            self.charges_unpriced
        ));
        if self.could_change > 0 {
            s.push_str(&format!(
                "could change with a more exact home point (a limit within the home point's \
                 uncertainty): {}\n",
                self.could_change
            ));
        }
        s
    }
}

/// The applications file, readable twice (once to scan, once to decide): a path, or standard
/// input copied to a temporary file (it can be read only once).
enum Input {
    Path(PathBuf),
    Spooled(tempfile::NamedTempFile),
}

impl Input {
    fn new(path: &Path) -> Result<Input> {
        if path.as_os_str() != "-" {
            return Ok(Input::Path(path.to_path_buf()));
        }
        let mut tmp = tempfile::NamedTempFile::new()
            .context("cannot create a temporary file for the applications on standard input")?;
        std::io::copy(&mut std::io::stdin().lock(), tmp.as_file_mut())
            .context("cannot read the applications from standard input")?;
        Ok(Input::Spooled(tmp))
    }

    fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Spooled(_) => "standard input".into(),
        }
    }

    fn open(&self) -> Result<impl Read> {
        match self {
            Input::Path(p) => {
                File::open(p).with_context(|| format!("cannot read applications {}", p.display()))
            }
            Input::Spooled(t) => t
                .reopen()
                .context("cannot read back the applications from standard input"),
        }
    }
}

/// Runs `batch`.
pub fn run(args: BatchArgs) -> Result<Exit> {
    // Nothing is read before the output is known not to be one of the inputs.
    let (policy_dir, area) = (args.sources.policy_dir(), args.sources.area_path());
    let mut inputs: Vec<&Path> = vec![&args.input, &area, &policy_dir];
    if let Some(c) = &args.columns {
        inputs.push(c);
    }
    refuse_overwriting_inputs("-o", &args.output, &inputs)?;
    let map = match &args.columns {
        Some(p) => ColumnMap::load_for(p, crate::io::case_fields::FIELDS)?,
        None => ColumnMap::default(),
    };
    let input = Input::new(&args.input)?;
    let name = input.name();
    // Refuse quoting that would lose rows before deciding anything.
    let scanned = scan(&name, BufReader::with_capacity(1 << 16, input.open()?))?;
    let mut apps = Applications::open(
        &name,
        BufReader::with_capacity(1 << 16, input.open()?),
        &map,
    )?;
    let loaded = load(&args.sources)?;
    note!(
        "area: {} ({} schools; {} closed and {} without a location left out); policy: {} {}",
        loaded.area.name,
        loaded.area.area.schools().len(),
        loaded.area.skipped_closed_schools,
        loaded.area.skipped_unlocated_schools,
        loaded.policy.policy.meta.name,
        loaded.policy.policy.meta.academic_year
    );
    // Open schools the area could not place are never anyone's nearest school: name them.
    for w in loaded.area.left_out_warnings(None) {
        note!("warning: {w}");
    }
    if let Some(p) = &loaded.area.prepared {
        // The decisions name the source files; the prepared file itself is named here.
        note!(
            "area loaded from the prepared file {} (payload sha256 {}, prepared from {})",
            p.path,
            p.sha256,
            p.source
        );
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let net = loaded.area.area.network();
    let installed = match &loaded.area.prepared {
        Some(_) => Some(install_search(&area, net)?),
        None => None,
    };
    if let Some(i) = installed {
        // Trees are swept through the hierarchies `prepare` stored, where they were made for
        // this very network (see `network::ch`); the distances are the same.
        let words = |ms: &[Mode]| ms.iter().map(|m| m.words()).collect::<Vec<_>>();
        if !i.used.is_empty() {
            note!(
                "trees swept through the prepared contraction hierarchies: {}",
                words(&i.used).join(", ")
            );
        }
        if !i.not_this_network.is_empty() {
            note!(
                "trees grown by Dijkstra, the prepared hierarchies being made for the network \
                 on another date or without this what-if: {}",
                words(&i.not_this_network).join(", ")
            );
        }
    }
    // Each tree serves many homes: grow it whole, once (see `Area`).
    loaded.area.area.grow_whole_trees();
    if args.records.is_none() && args.letters.is_none() {
        // No route is drawn for most rows: keep distances only (see `Area`).
        loaded.area.area.measure_distances_only();
    }
    loaded
        .area
        .area
        .limit_tree_memory(args.tree_memory.saturating_mul(1 << 20));
    let window = window(
        scanned.records.saturating_sub(1),
        loaded.area.area.schools().len(),
    );
    // The output is a temporary file until the run succeeds, so a bad path fails at once and a
    // failed run leaves any previous output as it was.
    let mut w = DecisionWriter::new(Output::create(&args.output)?, &loaded.origin, args.excel)?;
    let bar = (!args.no_progress && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(scanned.records.saturating_sub(1));
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} deciding {pos}/{len} [{bar:40}] {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    if let Some(dir) = &args.records {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the records folder {}", dir.display()))?;
    }
    // The browser that prints the letters, found before anything is decided.
    let browser = match (args.pdf, super::pdf::browser()) {
        (false, _) => None,
        (true, Some(b)) => Some(Printers {
            browser: b,
            idle: std::sync::Mutex::new(Vec::new()),
        }),
        (true, None) => anyhow::bail!("--pdf: {}", super::pdf::INSTALL_HINT),
    };
    if let Some(dir) = &args.letters {
        // Letters of an earlier run left beside these would be taken for this run's.
        if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
            anyhow::bail!(
                "--letters: the folder {} is not empty: give a new or empty folder",
                dir.display()
            );
        }
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the letters folder {}", dir.display()))?;
    }
    // Every row listed in the letters' index, in input order.
    let mut listed: Vec<Listed> = Vec::new();
    let keep_rows = args.records.is_some() || args.letters.is_some();
    let mut header = apps.header().clone().with_reading(Reading {
        encoding: args.encoding,
        date_order: args.date_format,
    });
    if args.records.is_none() && args.letters.is_none() {
        // A row keeps its fields (kilobytes) only for a decision record or a letter.
        header = header.without_fields();
    }
    // The date the letters bear, kept with each row's fields (so in its decision record) when the
    // row gives none.
    let letter_date = args.letters.as_ref().map(|_| {
        args.letter_date
            .unwrap_or_else(super::report::today)
            .format("%Y-%m-%d")
            .to_string()
    });
    let mut summary = Summary::new();
    // Rows with text that was not UTF-8, read as Windows-1252.
    let mut decoded_rows = 0u64;
    // The next `window` rows, as read.
    let mut read_window = |into: &mut Vec<_>| -> Result<()> {
        into.clear();
        while into.len() < window {
            match apps.next_raw()? {
                Some(raw) => into.push(raw),
                None => break,
            }
        }
        Ok(())
    };
    let mut chunk = Vec::with_capacity(window);
    let mut next_chunk = Vec::with_capacity(window);
    read_window(&mut chunk)?;
    // While the pool decides a window, this thread writes the lines of the one before and
    // reads the one after: reading and writing are the parts of a town's batch otherwise left
    // on one thread.
    let mut decided: Vec<(usize, Done)> = Vec::new();
    loop {
        if chunk.is_empty() && decided.is_empty() {
            break;
        }
        let stamp = w.stamp().clone();
        let written = std::mem::take(&mut decided);
        let mut write = |done: Vec<(usize, Done)>| -> Result<()> {
            for (_, d) in &done {
                match &d.line {
                    Ok(line) => w.write_line(line)?,
                    Err(e) => anyhow::bail!("cannot write a decision: {e}"),
                }
                summary.add(&d.counted);
                decoded_rows += u64::from(d.decoded_1252);
            }
            if let Some(b) = &bar {
                b.inc(done.len() as u64);
            }
            w.start_writeback()
        };
        let mut decided_now = None;
        let wrote = pool.in_place_scope(|scope| {
            scope.spawn(|_| {
                let rows: Vec<Row> = chunk
                    .par_drain(..)
                    .map(|raw| header.parse(raw, &loaded.area.places))
                    .collect();
                // Decided in school order, each kept as its line (and, for a decision record,
                // its decision), then put back in file order. Rows stay where they are: only
                // their numbers are sorted, not half a kilobyte each there and back.
                let mut done: Vec<(usize, Done)> = decide_order(&loaded.area.area, &rows)
                    .into_par_iter()
                    .map(|i| {
                        let r = &rows[i];
                        let d = decide_row(&loaded, r, &name);
                        let done = Done {
                            line: csv_line(&d, r.row, &stamp),
                            counted: Counted::of(&d),
                            decoded_1252: r.decoded_1252,
                            decision: keep_rows.then(|| Box::new(d)),
                        };
                        (i, done)
                    })
                    .collect();
                done.sort_unstable_by_key(|(i, _)| *i);
                decided_now = Some((rows, done));
            });
            // Meanwhile, on this thread: the previous window's lines, and the next window.
            write(written).and_then(|()| read_window(&mut next_chunk))
        });
        wrote?;
        std::mem::swap(&mut chunk, &mut next_chunk);
        let (mut rows, done) = decided_now.expect("the window was decided");
        if let Some(date) = &letter_date {
            for r in rows.iter_mut().filter(|r| r.case.is_ok()) {
                r.fields
                    .entry("letter_date".into())
                    .or_insert_with(|| date.clone());
            }
        }
        if let Some(dir) = &args.records {
            let decided: Vec<(&Row, &Decision)> = rows
                .iter()
                .zip(&done)
                .filter_map(|(r, (_, d))| Some((r, d.decision.as_deref()?)))
                .collect();
            pool.install(|| write_records(dir, &loaded, &args.sources, &decided))?;
        }
        if let Some(dir) = &args.letters {
            let decided: Vec<(&Row, &Decision)> = rows
                .iter()
                .zip(&done)
                .filter_map(|(r, (_, d))| Some((r, d.decision.as_deref()?)))
                .collect();
            listed
                .extend(pool.install(|| write_letters(dir, &loaded, &decided, browser.as_ref()))?);
        }
        decided = done;
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if decoded_rows > 0 && args.encoding == crate::io::applications::Encoding::Auto {
        let rows = if decoded_rows == 1 {
            "1 row has".to_string()
        } else {
            format!("{decoded_rows} rows have")
        };
        note!(
            "note: {name}: {rows} text that is not UTF-8; it was read as Windows-1252 \
             (--encoding utf-8 refuses such rows, --encoding windows-1252 reads every cell so)"
        );
    }
    summary.lines = apps.lines();
    if let Some(dir) = &args.letters {
        listed.sort_by_key(|l| l.row);
        let path = dir.join("index.html");
        Output::write_whole(&path, letters_index(&listed, &loaded.origin).as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        let printed = listed
            .iter()
            .filter(|l| matches!(l.pdf, Some(Ok(_))))
            .count();
        let unprinted = listed
            .iter()
            .filter(|l| matches!(l.pdf, Some(Err(_))))
            .count();
        let pdfs = match (args.pdf, unprinted) {
            (false, _) => String::new(),
            (true, 0) => format!(", {printed} printed to PDF"),
            (true, n) => format!(", {printed} printed to PDF ({n} could not be: see index.html)"),
        };
        note!(
            "letters: {} written to {}{pdfs}, every row listed in index.html",
            listed.iter().filter(|l| l.letter.is_some()).count(),
            dir.display()
        );
    }
    w.into_inner()?.finish()?;
    super::output::note_str(&summary.render());
    Ok(if summary.errors > 0 {
        Exit::RowErrors
    } else {
        Exit::Success
    })
}

/// The order to decide rows in (their places in `rows`): by school, schools near each other
/// together (see [`crate::area::Area::spatial_rank`]), rows that name no known school last; the
/// file order within each. Threads take runs of this order, so a school's trees serve its rows
/// one after another and are seldom dropped (under `--tree-memory`) while still needed.
fn decide_order(area: &crate::area::Area, rows: &[Row]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_cached_key(|&i| {
        let rank = rows[i]
            .case
            .as_ref()
            .ok()
            .and_then(|c| area.spatial_rank(c.school));
        (rank.unwrap_or(u32::MAX), i)
    });
    order
}

/// Decides one row; a row that could not be read is an error decision saying why.
fn decide_row(loaded: &Loaded, r: &Row, input: &str) -> Decision {
    match &r.case {
        Ok(case) => {
            let mut d = decide(
                &loaded.policy.policy,
                &loaded.area.area,
                case,
                &loaded.settings,
            );
            if let Some(e) = &mut d.error {
                *e = format!("{input}: line {}: {e}", r.line);
            }
            d
        }
        Err(msg) => Decision::error(&r.id, msg.clone()),
    }
}

/// The browsers printing letters (`--pdf`): one kept running per thread that prints, started
/// when first needed; one that fails is dropped, and the next letter starts another.
struct Printers {
    browser: std::path::PathBuf,
    idle: std::sync::Mutex<Vec<super::printer::Printer>>,
}

impl Printers {
    fn print(&self, html: &str) -> Result<Vec<u8>> {
        let idle = self.idle.lock().map(|mut v| v.pop()).unwrap_or(None);
        let mut p = match idle {
            Some(p) => p,
            None => super::printer::Printer::start(&self.browser)?,
        };
        let pdf = p.print(html)?;
        if let Ok(mut v) = self.idle.lock() {
            v.push(p);
        }
        Ok(pdf)
    }
}

/// One row as the letters' index lists it.
struct Listed {
    row: u64,
    id: String,
    outcome: &'static str,
    basis: String,
    /// The letter's file name; `None` for a row that could not be decided.
    letter: Option<String>,
    /// Why the row could not be decided.
    error: Option<String>,
    /// The letter printed to PDF (with `--pdf`): its file name, or why it could not be.
    pdf: Option<Result<String, String>>,
}

/// Writes one letter per decided row (error rows get none), in parallel, each to its own file,
/// whole or not at all; returns every row as the index lists it.
fn write_letters(
    dir: &Path,
    loaded: &Loaded,
    decided: &[(&Row, &Decision)],
    printers: Option<&Printers>,
) -> Result<Vec<Listed>> {
    decided
        .par_iter()
        .map(|&(r, d)| -> Result<Listed> {
            let mut listed = Listed {
                row: r.row,
                id: r.id.clone(),
                outcome: d.outcome.as_str(),
                basis: d
                    .basis
                    .as_ref()
                    .map(|b| b.as_str().to_string())
                    .unwrap_or_default(),
                letter: None,
                error: d.error.clone(),
                pdf: None,
            };
            if let (Ok(case), false) = (&r.case, d.outcome == Outcome::Error) {
                let name = record_file_name(&r.id, r.row).replace(".json", ".html");
                let facts =
                    crate::report::LetterFacts::from_fields(&r.fields, super::report::today());
                let page = super::report::letter(loaded, case, d, facts);
                Output::write_whole(&dir.join(&name), page.as_bytes())?;
                if let Some(p) = printers {
                    // A letter the browser cannot print keeps its HTML; the index says why.
                    let pdf_name = name.replace(".html", ".pdf");
                    listed.pdf = Some(
                        p.print(&page)
                            .and_then(|pdf| Output::write_whole(&dir.join(&pdf_name), &pdf))
                            .map(|()| pdf_name)
                            .map_err(|e| format!("{e:#}")),
                    );
                }
                listed.letter = Some(name);
            }
            Ok(listed)
        })
        .collect()
}

/// The letters' index page: every row, its outcome and its letter (or why it has none).
fn letters_index(listed: &[Listed], origin: &crate::provenance::Origin) -> String {
    use crate::report::esc;
    use std::fmt::Write as _;
    let letters = listed.iter().filter(|l| l.letter.is_some()).count();
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Letters: \
         {}</title>\n</head>\n<body>\n<h1>Letters</h1>\n<p>{} rows: {letters} letters, {} rows \
         that could not be decided (no letter). Policy: {} ({}). Area: {}.</p>\n<table>\n<tr><th>Row</th>\
         <th>Application</th><th>Outcome</th><th>Basis</th><th>Letter</th></tr>\n",
        esc(&origin.area_name),
        listed.len(),
        listed.len() - letters,
        esc(&origin.policy_name),
        esc(&origin.academic_year),
        esc(&origin.area_name),
    );
    for l in listed {
        let pdf = match &l.pdf {
            Some(Ok(f)) => format!(" (<a href=\"{}\">PDF</a>)", esc(f)),
            Some(Err(e)) => format!(" (no PDF: {})", esc(e)),
            None => String::new(),
        };
        let letter = match (&l.letter, &l.error) {
            (Some(f), _) => format!("<a href=\"{}\">{}</a>{pdf}", esc(f), esc(f)),
            (None, Some(e)) => format!("no letter: {}", esc(e)),
            (None, None) => "no letter".to_string(),
        };
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{letter}</td></tr>",
            l.row,
            esc(&l.id),
            esc(l.outcome),
            esc(&l.basis)
        );
    }
    s.push_str("</table>\n</body>\n</html>\n");
    s
}

/// Writes one decision record per decided row (error rows get none: there is no decision to
/// reproduce, and the decisions CSV says why), in parallel but each to its own file, each whole
/// or not at all.
fn write_records(
    dir: &Path,
    loaded: &Loaded,
    sources: &crate::cli::Sources,
    decided: &[(&Row, &Decision)],
) -> Result<()> {
    let recorded = recorded_sources(sources);
    decided.par_iter().try_for_each(|&(r, d)| -> Result<()> {
        let Ok(case) = &r.case else {
            return Ok(());
        };
        if d.outcome == Outcome::Error {
            return Ok(());
        }
        let bytes = record_bytes(
            &loaded.area.area,
            &loaded.policy.policy.walk_start.rule(),
            &loaded.origin,
            &recorded,
            &r.fields,
            case,
            d,
        )?;
        Output::write_whole(&dir.join(record_file_name(&r.id, r.row)), &bytes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::Charge;

    fn charged(pence: Option<i64>) -> Decision {
        let mut d = Decision::error("X", String::new());
        d.outcome = Outcome::NotEligible;
        d.charge = Some(Charge {
            pence,
            clause: "1.3.1".into(),
            note: String::new(),
        });
        d
    }

    #[test]
    fn windows_split_the_file_evenly_and_hold_many_rows_per_school() {
        // The demo (37 schools): windows of at most 7,400 rows, split evenly.
        assert_eq!(window(584, 37), 584);
        assert_eq!(window(10_000, 37), 5_000);
        // A county's 600 schools: 100,000 rows in one window; a million in nine.
        assert_eq!(window(100_000, 600), 100_000);
        assert_eq!(window(1_000_000, 600), 111_112);
        // Few schools still get windows of the streaming chunk.
        assert_eq!(window(9_000, 2), 3_000);
        assert_eq!(window(0, 10), 1);
    }

    #[test]
    fn charges_add_up_and_a_total_too_large_is_said_not_wrapped() {
        let mut s = Summary::new();
        s.add(&Counted::of(&charged(Some(82_500))));
        s.add(&Counted::of(&charged(Some(41_250))));
        s.add(&Counted::of(&charged(None)));
        assert_eq!(s.charges_pence, Some(123_750));
        assert!(s.render().contains("GBP 1237.50 (1 more set by operators"));
        s.add(&Counted::of(&charged(Some(i64::MAX))));
        assert_eq!(s.charges_pence, None);
        assert!(s.render().contains("too large to add up"), "{}", s.render());
        assert_eq!((s.rows, s.decided, s.errors), (4, 4, 0));
    }
}
