//! Reading a decisions CSV back (as `batch` wrote it) for comparisons: cells are taken as
//! written, with the spreadsheet-safety apostrophe removed, and each row is checked to be a
//! decision so that giving the wrong file is an error naming file, line and field.

use std::path::Path;

use anyhow::Result;

use crate::appeal::diff::DecidedRow;

use super::csvutil::{CsvTable, FieldSpec};

const FIELDS: &[FieldSpec] = &[
    FieldSpec::required("id", &[]),
    FieldSpec::optional("row", &[]),
    FieldSpec::required("outcome", &[]),
    FieldSpec::required("basis", &[]),
    FieldSpec::required("school_urn", &[]),
    FieldSpec::optional("school_name", &[]),
    FieldSpec::optional("walking_mi", &[]),
    FieldSpec::optional("driven_mi", &[]),
    FieldSpec::optional("threshold", &[]),
    FieldSpec::required("charge_pence", &[]),
    FieldSpec::optional("surplus_priority", &[]),
    FieldSpec::optional("deciding_clause", &[]),
    FieldSpec::optional("error", &[]),
    FieldSpec::optional("policy_sha256", &[]),
    FieldSpec::optional("data_sha256", &[]),
];

/// The outcomes a decisions file may hold.
const OUTCOMES: &[&str] = &["eligible", "assisted", "not_eligible", "refer", "error"];

/// Undoes [`super::decisions::spreadsheet_safe`]: a leading apostrophe before a character that
/// would start a formula was added on writing.
pub fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Reads every decision of a decisions CSV, in file order.
pub fn read_decisions(path: &Path) -> Result<Vec<DecidedRow>> {
    let mut table = CsvTable::open(path, FIELDS, None)?;
    let mut out = Vec::new();
    for row in table.rows() {
        let row = row?;
        let get = |f: &str| unescape(row.get(f)).to_string();
        let outcome = get("outcome");
        if !OUTCOMES.contains(&outcome.as_str()) {
            return Err(row.error(row.field_error(
                "outcome",
                format!(
                    "\"{outcome}\" is not an outcome ({}); is this a decisions file?",
                    OUTCOMES.join(", ")
                ),
            )));
        }
        out.push(DecidedRow {
            id: get("id"),
            row: get("row"),
            outcome,
            basis: get("basis"),
            school_urn: get("school_urn"),
            school_name: get("school_name"),
            walking_mi: get("walking_mi"),
            driven_mi: get("driven_mi"),
            threshold: get("threshold"),
            charge_pence: get("charge_pence"),
            surplus_priority: get("surplus_priority"),
            deciding_clause: get("deciding_clause"),
            error: get("error"),
            policy_sha256: get("policy_sha256"),
            data_sha256: get("data_sha256"),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::decisions::spreadsheet_safe;

    #[test]
    fn unescape_undoes_spreadsheet_safe() {
        for s in ["=1+1", "+44", "-3", "@x", "plain", "'quoted", ""] {
            assert_eq!(unescape(&spreadsheet_safe(s)), s);
        }
    }

    #[test]
    fn a_file_that_is_not_decisions_is_refused_naming_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.csv");
        std::fs::write(
            &p,
            "id,outcome,basis,school_urn,charge_pence\nA,eligible,,1,0\nB,maybe,,1,0\n",
        )
        .unwrap();
        let e = format!("{:#}", read_decisions(&p).unwrap_err());
        assert!(
            e.contains("d.csv") && e.contains("line 3") && e.contains("outcome"),
            "{e}"
        );
        std::fs::write(&p, "URN,Name\n1,x\n").unwrap();
        let e = format!("{:#}", read_decisions(&p).unwrap_err());
        assert!(e.contains("d.csv") && e.contains("id"), "{e}");
    }
}
