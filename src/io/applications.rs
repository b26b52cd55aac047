//! Reading an applications CSV: every data row becomes either a [`Case`] or an error saying which
//! row and field is wrong. No row is ever dropped: a row that cannot be read is still a row.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::decide::Case;

use super::case_fields::{case_from_fields, FIELDS};
pub use super::csvutil::ColumnMap;
use super::csvutil::LineCounter;

/// One data row: its 1-based number among data rows, its line in the file, and the case or why
/// it could not be read.
#[derive(Debug)]
pub struct Row {
    pub row: u64,
    pub line: u64,
    /// The application id if it could be read (for error rows), else `row N`.
    pub id: String,
    pub case: Result<Case, String>,
    /// The row's non-empty fields by canonical name, for a decision record (empty for rows that
    /// could not be read).
    pub fields: BTreeMap<String, String>,
}

/// Reads every row of the file. Fails only when the file cannot be read at all or lacks the
/// required columns; bad rows come back as error rows.
pub fn read_applications(path: &Path, map: &ColumnMap) -> Result<Vec<Row>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read applications {}", path.display()))?;
    parse_applications(&bytes, &path.display().to_string(), map)
}

/// Reads applications from bytes already in memory; `name` is used in messages.
pub fn parse_applications(bytes: &[u8], name: &str, map: &ColumnMap) -> Result<Vec<Row>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        bail!("{name}: the file is empty (expected a header row and applications)");
    }
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = rdr
        .byte_headers()
        .with_context(|| format!("{name}: cannot read the header row"))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    for k in map.0.keys() {
        if !FIELDS.contains(&k.as_str()) {
            bail!(
                "column map: '{k}' is not a field (fields: {})",
                FIELDS.join(", ")
            );
        }
    }
    // field -> column index
    let mut index: HashMap<&str, usize> = HashMap::new();
    for f in FIELDS {
        let header = map.0.get(*f).map(String::as_str).unwrap_or(f);
        if let Some(i) = headers.iter().position(|h| h.eq_ignore_ascii_case(header)) {
            index.insert(f, i);
        } else if map.0.contains_key(*f) {
            bail!(
                "{name}: the column map names column '{header}' for {f}, but the header row has \
                 no such column (found: {})",
                headers.join(", ")
            );
        }
    }
    let has = |f: &str| index.contains_key(f);
    let mut missing: Vec<&str> = ["id", "year_group", "school_urn"]
        .into_iter()
        .filter(|f| !has(f))
        .collect();
    let has_grid = has("easting") && has("northing");
    let has_degrees = has("latitude") && has("longitude");
    if !has_grid && !has_degrees {
        missing.push("easting/northing (or latitude/longitude)");
    }
    if !missing.is_empty() {
        bail!(
            "{name}: line 1: missing column(s) {}; found: {} (use --columns MAP.toml to map \
             other names)",
            missing.join(", "),
            headers.join(", ")
        );
    }
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut n: u64 = 0;
    let mut lines = LineCounter::default();
    loop {
        let before = rdr.position().byte();
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                n += 1;
                let start = record.position().map_or(before, |p| p.byte());
                let line = lines.line_at(bytes, start);
                rows.push(read_row(&record, &index, headers.len(), n, line, name));
            }
            Err(e) => {
                n += 1;
                let line = lines.line_at(bytes, e.position().map_or(before, |p| p.byte()));
                rows.push(Row {
                    row: n,
                    line,
                    id: format!("row {n}"),
                    case: Err(format!("{name}: line {line}: cannot read the row: {e}")),
                    fields: BTreeMap::new(),
                });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    Ok(rows)
}

fn read_row(
    record: &csv::ByteRecord,
    index: &HashMap<&str, usize>,
    width: usize,
    n: u64,
    line: u64,
    name: &str,
) -> Row {
    let mut values: HashMap<&str, String> = HashMap::new();
    let mut bad_utf8 = None;
    for (f, &i) in index {
        if let Some(raw) = record.get(i) {
            match std::str::from_utf8(raw) {
                Ok(s) => {
                    values.insert(f, s.to_string());
                }
                Err(_) => bad_utf8 = Some(*f),
            }
        }
    }
    let id = values
        .get("id")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("row {n}"));
    let fail = |msg: String| Row {
        row: n,
        line,
        id: id.clone(),
        case: Err(format!("{name}: line {line}: {msg}")),
        fields: BTreeMap::new(),
    };
    if let Some(f) = bad_utf8 {
        return fail(format!("field {f}: not valid UTF-8 text"));
    }
    if record.len() != width {
        return fail(format!(
            "has {} fields but the header has {width}",
            record.len()
        ));
    }
    match case_from_fields(|f| values.get(f).map(String::as_str)) {
        Ok(case) => Row {
            row: n,
            line,
            id: id.clone(),
            case: Ok(case),
            fields: values
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        },
        Err(e) => fail(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id,easting,northing,year_group,school_urn\n";

    #[test]
    fn every_row_is_kept_even_bad_ones() {
        let text = format!(
            "\u{feff}{HEAD}A1,391000,87000,Y7,148737\r\nA2,NaN,87000,Y7,148737\r\nA3,1,2\r\nA4,391000,87000,Y15,1\r\n"
        );
        let rows = parse_applications(text.as_bytes(), "apps.csv", &ColumnMap::default()).unwrap();
        assert_eq!(rows.len(), 4);
        assert!(rows[0].case.is_ok());
        let e = rows[1].case.as_ref().unwrap_err();
        assert!(e.contains("apps.csv: line 3: field easting"), "{e}");
        assert!(rows[2].case.as_ref().unwrap_err().contains("line 4"));
        assert!(rows[3]
            .case
            .as_ref()
            .unwrap_err()
            .contains("field year_group"));
        assert_eq!(rows[3].id, "A4");
    }

    #[test]
    fn missing_columns_and_empty_files_are_fatal() {
        let e = parse_applications(b"id,year_group\n", "a.csv", &ColumnMap::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("a.csv: line 1: missing column(s) school_urn"),
            "{e}"
        );
        let e = parse_applications(b"", "a.csv", &ColumnMap::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty"));
    }

    #[test]
    fn column_map_renames() {
        let mut map = ColumnMap::default();
        map.0.insert("id".into(), "Ref".into());
        map.0.insert("school_urn".into(), "School".into());
        let text = "Ref,easting,northing,year_group,School\nX,391000,87000,R,5\n";
        let rows = parse_applications(text.as_bytes(), "a.csv", &map).unwrap();
        assert_eq!(rows[0].case.as_ref().unwrap().id, "X");
    }
}
