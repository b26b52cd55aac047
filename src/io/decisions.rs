//! Writing decisions: the batch CSV (one row per input row, safe to open in a spreadsheet) and
//! the JSON record (decision plus the policy, data and tool it came from).

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::decide::Decision;
use crate::provenance::Origin;
use crate::units::{Metres, Pence};

/// A decision with its origin, as `check --format json` prints it.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    #[serde(flatten)]
    pub decision: &'a Decision,
    pub origin: &'a Origin,
}

/// Columns of the decisions CSV, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "row",
    "outcome",
    "basis",
    "school_urn",
    "school_name",
    "walking_mi",
    "driven_mi",
    "straight_mi",
    "threshold",
    "charge_pence",
    "charge",
    "surplus_priority",
    "deciding_clause",
    "reasons",
    "warnings",
    "follow_ups",
    "error",
    "home_from",
    "uncertainty_m",
    "could_change",
    "policy_sha256",
    "data_sha256",
    "tool_version",
];

/// Makes a cell safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or carriage
/// return would start a formula, so such cells get a leading apostrophe.
pub fn spreadsheet_safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Where the home point came from: `coordinates`, `uprn`, or `postcode (provisional)`; empty for
/// an error row.
fn home_from_cell(d: &Decision) -> String {
    use crate::area::HomeFrom;
    if d.outcome == crate::decide::Outcome::Error {
        return String::new();
    }
    match &d.home_from {
        None | Some(HomeFrom::Coordinates) => "coordinates".into(),
        Some(HomeFrom::Gazetteer { .. }) => "uprn".into(),
        Some(HomeFrom::Postcode { .. }) => "postcode (provisional)".into(),
    }
}

fn miles(m: Option<f64>) -> String {
    m.map(|v| Metres(v).miles_3dp()).unwrap_or_default()
}

/// The provenance columns shared by every row of one run, worked out once.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub policy_sha256: String,
    pub data_sha256: String,
    pub tool_version: String,
}

impl Stamp {
    /// The stamp for decisions of this origin.
    pub fn of(origin: &Origin) -> Stamp {
        Stamp {
            policy_sha256: origin.policy_digest(),
            data_sha256: origin.data_digest(),
            tool_version: origin.tool_version.clone(),
        }
    }
}

/// The CSV cells for one decision (before spreadsheet escaping).
pub fn row_cells(d: &Decision, row: u64, stamp: &Stamp) -> Vec<String> {
    let reasons: Vec<String> = d
        .reasons
        .iter()
        .map(|r| match &r.figures {
            Some(f) => format!("[{}] {} ({f})", r.clause, r.text),
            None => format!("[{}] {}", r.clause, r.text),
        })
        .collect();
    vec![
        d.id.clone(),
        row.to_string(),
        d.outcome.as_str().to_string(),
        d.basis
            .as_ref()
            .map(|b| b.as_str().to_string())
            .unwrap_or_default(),
        d.school
            .as_ref()
            .map(|s| s.urn.to_string())
            .unwrap_or_default(),
        d.school
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        if d.distances.no_available_walking_route {
            "none".into()
        } else {
            miles(d.distances.walking_m)
        },
        miles(d.distances.driven_m),
        miles(d.distances.straight_line_m),
        d.threshold
            .as_ref()
            .map(|t| format!("{} ({})", t.limits.join(" and "), t.clause))
            .unwrap_or_default(),
        d.charge
            .as_ref()
            .and_then(|c| c.pence)
            .map(|p| p.to_string())
            .unwrap_or_default(),
        d.charge
            .as_ref()
            .map(|c| match c.pence {
                Some(p) if p > 0 => format!("{} ({})", Pence(p).display_gbp(), c.clause),
                _ => format!("{} ({})", c.note, c.clause),
            })
            .unwrap_or_default(),
        d.surplus_priority
            .as_ref()
            .map(|p| format!("{} ({})", p.rank, p.clause))
            .unwrap_or_default(),
        d.deciding_clause.clone().unwrap_or_default(),
        reasons.join(" | "),
        d.warnings.join(" | "),
        d.follow_ups
            .iter()
            .map(|f| format!("{}={} ({})", f.topic, f.value, f.clause))
            .collect::<Vec<_>>()
            .join(" | "),
        d.error.clone().unwrap_or_default(),
        home_from_cell(d),
        d.uncertainty_m
            .map(|m| format!("{m:.0}"))
            .unwrap_or_default(),
        if d.could_change { "yes" } else { "" }.to_string(),
        stamp.policy_sha256.clone(),
        stamp.data_sha256.clone(),
        stamp.tool_version.clone(),
    ]
}

/// One decision as its CSV line (spreadsheet-safe cells, CRLF-terminated), for
/// [`DecisionWriter::write_line`]: made as soon as a row is decided (in parallel), a line is a
/// few hundred bytes where the decision is kilobytes.
pub fn csv_line(d: &Decision, row: u64, stamp: &Stamp) -> Result<Vec<u8>> {
    let cells = row_cells(d, row, stamp);
    line_of(
        &cells
            .iter()
            .map(|c| spreadsheet_safe(c))
            .collect::<Vec<_>>(),
    )
}

/// Cells as one CSV line, CRLF-terminated.
fn line_of<S: AsRef<[u8]>>(cells: &[S]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(1024)
        .from_writer(Vec::with_capacity(512));
    w.write_record(cells)?;
    w.into_inner()
        .map_err(|e| anyhow::Error::new(e.into_error()))
}

/// Writes decisions as CSV, every cell spreadsheet-safe.
pub struct DecisionWriter<W: Write> {
    out: std::io::BufWriter<W>,
    stamp: Stamp,
}

impl<W: Write> DecisionWriter<W> {
    /// Starts the CSV with its header row; with `bom`, after a UTF-8 byte-order mark (for
    /// Excel on Windows, which otherwise reads the file as the local code page).
    pub fn new(w: W, origin: &Origin, bom: bool) -> Result<Self> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, w);
        if bom {
            out.write_all(super::csvutil::UTF8_BOM)?;
        }
        out.write_all(&line_of(COLUMNS)?)?;
        Ok(DecisionWriter {
            out,
            stamp: Stamp::of(origin),
        })
    }

    /// Writes one decision's line, made by [`csv_line`] with this writer's
    /// [`DecisionWriter::stamp`].
    pub fn write_line(&mut self, line: &[u8]) -> Result<()> {
        self.out.write_all(line)?;
        Ok(())
    }

    /// The provenance columns this writer stamps on every row.
    pub fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    /// Flushes the CSV and hands back the output (to be finished: renamed into place).
    pub fn into_inner(self) -> Result<W> {
        self.out
            .into_inner()
            .map_err(|e| anyhow::Error::new(e.into_error()))
    }
}

impl DecisionWriter<super::output::Output> {
    /// Flushes the lines so far and starts putting them on disk (see
    /// [`super::output::Output::start_writeback`]).
    pub fn start_writeback(&mut self) -> Result<()> {
        self.out.flush()?;
        self.out.get_mut().start_writeback()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+44"), "'+44");
        assert_eq!(spreadsheet_safe("-1"), "'-1");
        assert_eq!(spreadsheet_safe("@SUM"), "'@SUM");
        assert_eq!(spreadsheet_safe("\tx"), "'\tx");
        assert_eq!(spreadsheet_safe("A-1"), "A-1");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
