//! CSV plumbing shared by every CSV loader (schools, entrances, applications): opening a file or
//! reader (a UTF-8 byte-order mark is stripped, CRLF and LF both accepted, header names trimmed),
//! finding columns by canonical field name (with alternative spellings and an optional user
//! column map), and cell getters, generic over the [`Cell`] types, whose errors name the field.
//!
//! A loader declares its fields once as [`FieldSpec`]s, opens a [`CsvTable`], and reads each
//! [`Row`] with [`Row::parse`] and [`Row::opt`]; [`AtRow::at`] turns a [`FieldError`] into a message naming
//! file, line and field, e.g. `schools.csv: line 12, field StatutoryLowAge: "abc" is not a whole
//! number`. Line numbers are the record's first line in the file; the header is line 1.
//!
//! ```text
//! use schoolrun::io::csvutil::{AtRow, CsvTable, FieldSpec};
//! const FIELDS: &[FieldSpec] = &[
//!     FieldSpec::required("id", &[]),
//!     FieldSpec::optional("sex", &["gender"]),
//! ];
//! # fn main() -> anyhow::Result<()> {
//! let mut table = CsvTable::open("applications.csv".as_ref(), FIELDS, None)?;
//! for row in table.rows() {
//!     let row = row?;
//!     let id = row.string("id").at(&row)?;
//!     let sex: Option<String> = row.opt("sex").at(&row)?;
//! }
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Cursor;
use std::path::Path;

use anyhow::anyhow;
use chrono::NaiveDate;

use crate::units::Pence;

/// The UTF-8 byte-order mark that Excel writes at the start of "CSV UTF-8" files.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A bad cell: the field (the header as written in the file) and a plain message. The caller
/// knows the file and line, and adds them with [`AtRow::at`] or [`Row::error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The header as written in the file (or the canonical name if the column is absent).
    pub field: String,
    /// What is wrong, quoting the cell, e.g. `"abc" is not a whole number`.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field {}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// One field a loader reads: its canonical name (what the code and a column map use), other
/// header spellings accepted in preference order after the name (e.g. GIAS `Gender (name)`),
/// and whether the column must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Canonical name: what the loader asks for and a column map's key.
    pub name: &'static str,
    /// Other accepted headers, tried in order after `name`.
    pub alternatives: &'static [&'static str],
    /// Whether a file without this column is refused.
    pub required: bool,
}

impl FieldSpec {
    /// A column that must be present (its cells may still be optional for the loader).
    pub const fn required(name: &'static str, alternatives: &'static [&'static str]) -> Self {
        FieldSpec {
            name,
            alternatives,
            required: true,
        }
    }

    /// A column that may be absent; every cell then reads as empty.
    pub const fn optional(name: &'static str, alternatives: &'static [&'static str]) -> Self {
        FieldSpec {
            name,
            alternatives,
            required: false,
        }
    }
}

/// A user's column map: canonical field name -> header in their file (`--columns MAP.toml`), so a
/// council's own export loads without renaming its columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct ColumnMap(pub BTreeMap<String, String>);

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnMapFile {
    columns: BTreeMap<String, String>,
}

impl ColumnMap {
    /// Reads a `[columns]` table from a TOML file; errors name the file, line and column.
    pub fn load(path: &Path) -> anyhow::Result<ColumnMap> {
        // A map written on a council PC may be Windows-1252 (accented header names).
        let text = super::export_text::text_of(
            &std::fs::read(path)
                .map_err(|e| anyhow!("cannot read column map {}: {e}", path.display()))?,
        );
        Self::from_toml_str(&path.display().to_string(), &text)
    }

    /// Reads a column map for a loader whose fields are `known`: a key that is no field is an
    /// error naming the map file and the key's line.
    pub fn load_for(path: &Path, known: &[&str]) -> anyhow::Result<ColumnMap> {
        // A map written on a council PC may be Windows-1252 (accented header names).
        let text = super::export_text::text_of(
            &std::fs::read(path)
                .map_err(|e| anyhow!("cannot read column map {}: {e}", path.display()))?,
        );
        let file = path.display().to_string();
        let map = Self::from_toml_str(&file, &text)?;
        if let Some(k) = map.0.keys().find(|k| !known.contains(&k.as_str())) {
            let line = toml_edit::ImDocument::parse(text.as_str())
                .ok()
                .and_then(|doc| {
                    let start = doc.get("columns")?.as_table()?.key(k)?.span()?.start;
                    Some(crate::textpos::line_of_offset(&text, start))
                })
                .map_or(String::new(), |l| format!(" line {l}:"));
            return Err(anyhow!(
                "{file}:{line} [columns] key '{k}' is not a field (fields: {})",
                known.join(", ")
            ));
        }
        Ok(map)
    }

    /// Parses the `[columns]` table of a column map; `file` names the source in messages.
    pub fn from_toml_str(file: &str, text: &str) -> anyhow::Result<ColumnMap> {
        let parsed: ColumnMapFile =
            toml::from_str(text).map_err(|e| anyhow!("{file}: {}", e.to_string().trim_end()))?;
        Ok(ColumnMap(parsed.columns))
    }
}

fn normalise(header: &str) -> String {
    header.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// Where each canonical field is in a file's header row, resolved once per file so that rows are
/// read by name and a missing column is reported once, not once per row.
#[derive(Debug, Clone)]
pub struct HeaderIndex {
    file: String,
    headers: Vec<String>,
    columns: HashMap<String, usize>,
}

impl HeaderIndex {
    /// Resolves `specs` against `headers` (trimmed, case-insensitive). A column map entry
    /// replaces the usual spellings of its field. Errors: a map key that is no known field, a
    /// mapped header absent from the file, and every missing required column at once.
    pub fn new(
        file: &str,
        headers: &[String],
        specs: &[FieldSpec],
        map: Option<&ColumnMap>,
    ) -> anyhow::Result<HeaderIndex> {
        let headers: Vec<String> = headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        let find = |wanted: &str| {
            let wanted = normalise(wanted);
            normalised.iter().position(|h| *h == wanted)
        };
        let found_list = || {
            if headers.is_empty() {
                "none".to_string()
            } else {
                headers.join(", ")
            }
        };

        let mut mapped: HashMap<String, &str> = HashMap::new();
        if let Some(map) = map {
            for (field, header) in &map.0 {
                let Some(spec) = specs.iter().find(|s| normalise(s.name) == normalise(field))
                else {
                    let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                    return Err(anyhow!(
                        "{file}: column map names unknown field '{field}' (known fields: {})",
                        known.join(", ")
                    ));
                };
                if find(header).is_none() {
                    return Err(anyhow!(
                        "{file}: column map says field {} is column \"{header}\", but the file \
                         has no such column (headers found: {})",
                        spec.name,
                        found_list()
                    ));
                }
                mapped.insert(spec.name.to_string(), header.as_str());
            }
        }

        let mut columns = HashMap::new();
        let mut missing = Vec::new();
        for spec in specs {
            let col = match mapped.get(spec.name) {
                Some(header) => find(header),
                None => std::iter::once(spec.name)
                    .chain(spec.alternatives.iter().copied())
                    .find_map(find),
            };
            match col {
                Some(c) => {
                    columns.insert(spec.name.to_string(), c);
                }
                None if spec.required => missing.push(describe_spec(spec)),
                None => {}
            }
        }
        let index = HeaderIndex {
            file: file.to_string(),
            headers,
            columns,
        };
        if !missing.is_empty() {
            return Err(index.missing_columns_error(&missing));
        }
        Ok(index)
    }

    /// The field's column number (0-based), if present.
    pub fn column(&self, field: &str) -> Option<usize> {
        self.columns.get(field).copied()
    }

    /// The header as written in the file for the field, if present; messages use it so the
    /// user recognises the column.
    pub fn header(&self, field: &str) -> Option<&str> {
        self.column(field)
            .and_then(|c| self.headers.get(c))
            .map(String::as_str)
    }

    /// The one message for missing columns, listing the headers found; also for a loader's own
    /// either-or checks (`missing` are descriptions such as `easting and northing`).
    pub fn missing_columns_error(&self, missing: &[String]) -> anyhow::Error {
        let found = if self.headers.is_empty() {
            "none".to_string()
        } else {
            self.headers.join(", ")
        };
        anyhow!(
            "{}: missing required column{} {} (headers found: {found})",
            self.file,
            if missing.len() == 1 { "" } else { "s" },
            missing.join("; "),
        )
    }
}

fn describe_spec(spec: &FieldSpec) -> String {
    if spec.alternatives.is_empty() {
        spec.name.to_string()
    } else {
        format!("{} (or {})", spec.name, spec.alternatives.join(" or "))
    }
}

/// A CSV file opened for reading rows by field name. The whole file is held in memory, so that
/// record line numbers can be counted exactly (the csv crate's own count drifts on blank lines
/// and CRLF endings).
pub struct CsvTable {
    index: HeaderIndex,
    reader: csv::Reader<Cursor<Vec<u8>>>,
}

impl fmt::Debug for CsvTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvTable")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl CsvTable {
    /// Opens a file; a missing or unreadable file is an error naming the path.
    pub fn open(
        path: &Path,
        specs: &[FieldSpec],
        map: Option<&ColumnMap>,
    ) -> anyhow::Result<CsvTable> {
        let bytes =
            std::fs::read(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
        CsvTable::from_bytes(&path.display().to_string(), bytes, specs, map)
    }

    /// Reads CSV from bytes already in memory (e.g. read once and hashed); `file` names the
    /// source in messages.
    pub fn from_bytes(
        file: &str,
        bytes: impl Into<Vec<u8>>,
        specs: &[FieldSpec],
        map: Option<&ColumnMap>,
    ) -> anyhow::Result<CsvTable> {
        let mut bytes = bytes.into();
        if bytes.starts_with(UTF8_BOM) {
            bytes.drain(..UTF8_BOM.len());
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::Headers)
            .from_reader(Cursor::new(bytes));
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(file, &e, None))?
            .iter()
            .map(str::to_string)
            .collect();
        if headers.iter().all(|h| h.trim().is_empty()) {
            let expected: Vec<&str> = specs
                .iter()
                .filter(|s| s.required)
                .map(|s| s.name)
                .collect();
            return Err(anyhow!(
                "{file}: the file is empty; expected a header row with {}",
                expected.join(", ")
            ));
        }
        let index = HeaderIndex::new(file, &headers, specs, map)?;
        Ok(CsvTable { index, reader })
    }

    /// The file name used in messages.
    pub fn file(&self) -> &str {
        &self.index.file
    }

    /// The data rows in file order. Rows whose cells are all empty (spreadsheet leftovers) are
    /// skipped. Malformed CSV (a row with the wrong number of cells, invalid UTF-8) is an error
    /// naming the line; reading stops after it.
    pub fn rows(&mut self) -> Rows<'_> {
        Rows {
            index: &self.index,
            reader: &mut self.reader,
            lines: LineCounter::default(),
            done: false,
        }
    }
}

/// Counts line breaks (LF, CRLF or a lone CR, as [`crate::textpos::line_breaks`]) up to each
/// record's first byte, incrementally: a large file is scanned once, not once per row.
#[derive(Debug, Default)]
pub(crate) struct LineCounter {
    scanned_to: usize,
    breaks: u64,
}

impl LineCounter {
    /// The 1-based line of the record whose parse began at byte `offset` (which may point at
    /// the line breaks or blank lines before it).
    pub(crate) fn line_at(&mut self, data: &[u8], offset: u64) -> u64 {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(data.len());
        while start < data.len() && matches!(data[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.scanned_to {
            self.breaks += crate::textpos::line_breaks(&data[self.scanned_to..start]) as u64;
            self.scanned_to = start;
        }
        self.breaks + 1
    }
}

/// Iterator over a [`CsvTable`]'s rows.
pub struct Rows<'a> {
    index: &'a HeaderIndex,
    reader: &'a mut csv::Reader<Cursor<Vec<u8>>>,
    lines: LineCounter,
    done: bool,
}

impl<'a> Iterator for Rows<'a> {
    type Item = anyhow::Result<Row<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let mut record = csv::StringRecord::new();
            let offset = self.reader.position().byte();
            let read = self.reader.read_record(&mut record);
            let data = self.reader.get_ref().get_ref();
            match read {
                Ok(false) => self.done = true,
                Err(e) => {
                    self.done = true;
                    let line = e
                        .position()
                        .map(|p| self.lines.line_at(data, p.byte()))
                        .unwrap_or_else(|| self.lines.line_at(data, offset));
                    return Some(Err(csv_error(&self.index.file, &e, Some(line))));
                }
                Ok(true) => {
                    if record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let start = record.position().map_or(offset, |p| p.byte());
                    let line = self.lines.line_at(data, start);
                    return Some(Ok(Row {
                        index: self.index,
                        record,
                        line,
                    }));
                }
            }
        }
        None
    }
}

/// A csv crate error as `FILE: line N: MESSAGE`; `line` is our own count when known (header
/// errors are on line 1).
fn csv_error(file: &str, e: &csv::Error, line: Option<u64>) -> anyhow::Error {
    let line = line.unwrap_or(1);
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            anyhow!("{file}: line {line}: row has {len} cells but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => {
            anyhow!(
                "{file}: line {line}: not valid UTF-8 text (save the file as UTF-8; GIAS \
                 downloads are Windows-1252)"
            )
        }
        _ => anyhow!("{file}: line {line}: {e}"),
    }
}

/// One data row, read by canonical field name. Cells are trimmed; an absent optional column
/// reads as an empty cell.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    index: &'a HeaderIndex,
    record: csv::StringRecord,
    line: u64,
}

impl Row<'_> {
    /// The record's first line in the file (header = line 1).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The file name used in messages.
    pub fn file(&self) -> &str {
        &self.index.file
    }

    /// The trimmed cell, or "" when the column is absent.
    pub fn get(&self, field: &str) -> &str {
        self.index
            .column(field)
            .and_then(|c| self.record.get(c))
            .map_or("", str::trim)
    }

    /// Whether the cell is empty or the column absent.
    pub fn is_empty(&self, field: &str) -> bool {
        self.get(field).is_empty()
    }

    /// A [`FieldError`] for this field, named as the file's header spells it.
    pub fn field_error(&self, field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: self.index.header(field).unwrap_or(field).to_string(),
            message: message.into(),
        }
    }

    /// `FILE: line N, field F: MESSAGE`.
    pub fn error(&self, e: FieldError) -> anyhow::Error {
        anyhow!("{}: line {}, {e}", self.index.file, self.line)
    }

    fn required(&self, field: &str) -> Result<&str, FieldError> {
        match self.get(field) {
            "" => Err(self.field_error(field, "is empty but a value is required")),
            s => Ok(s),
        }
    }

    /// A required text cell.
    pub fn string(&self, field: &str) -> Result<String, FieldError> {
        self.required(field).map(str::to_string)
    }

    /// A required cell of any [`Cell`] type: `row.parse::<u32>("URN")`.
    pub fn parse<T: Cell>(&self, field: &str) -> Result<T, FieldError> {
        let s = self.required(field)?;
        T::from_cell(s).map_err(|m| self.field_error(field, m))
    }

    /// An optional cell of any [`Cell`] type; empty is `None`, for fields where "not said"
    /// differs from any value.
    pub fn opt<T: Cell>(&self, field: &str) -> Result<Option<T>, FieldError> {
        match self.get(field) {
            "" => Ok(None),
            s => T::from_cell(s)
                .map(Some)
                .map_err(|m| self.field_error(field, m)),
        }
    }

    /// A yes/no cell (`yes/no`, `y/n`, `true/false`, `1/0`, any case); empty is `default`.
    pub fn bool_or(&self, field: &str, default: bool) -> Result<bool, FieldError> {
        self.opt::<bool>(field).map(|b| b.unwrap_or(default))
    }
}

/// A type a CSV cell (trimmed, not empty) is read as, with the message a bad cell gets. One
/// trait instead of a getter per type, so every number, flag, date and amount is refused the same
/// way whatever file it is in.
pub trait Cell: Sized {
    /// The value, or what is wrong, quoting the cell, e.g. `"abc" is not a whole number`.
    fn from_cell(s: &str) -> Result<Self, String>;
}

/// Whole numbers: the standard parse (digits, an optional `+`), so `-1` and `1.5` are refused.
fn whole<T: std::str::FromStr>(s: &str, max: impl fmt::Display) -> Result<T, String> {
    s.parse()
        .map_err(|_| format!("\"{s}\" is not a whole number (0 to {max})"))
}

impl Cell for u32 {
    fn from_cell(s: &str) -> Result<Self, String> {
        whole(s, u32::MAX)
    }
}

/// A school URN: a whole number.
impl Cell for crate::area::Urn {
    fn from_cell(s: &str) -> Result<Self, String> {
        u32::from_cell(s).map(crate::area::Urn)
    }
}

/// Small whole numbers, e.g. an age.
impl Cell for u8 {
    fn from_cell(s: &str) -> Result<Self, String> {
        whole(s, u8::MAX)
    }
}

/// Finite numbers: NaN and infinities are refused.
impl Cell for f64 {
    fn from_cell(s: &str) -> Result<Self, String> {
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err(format!("\"{s}\" is not a finite number")),
            Err(_) => Err(format!("\"{s}\" is not a number")),
        }
    }
}

/// Yes/no, as [`parse_bool`] spells it.
impl Cell for bool {
    fn from_cell(s: &str) -> Result<Self, String> {
        parse_bool(s).ok_or_else(|| {
            format!("\"{s}\" is not yes or no (expected yes/no, y/n, true/false or 1/0)")
        })
    }
}

/// A strict `YYYY-MM-DD` date ([`parse_date`]).
impl Cell for NaiveDate {
    fn from_cell(s: &str) -> Result<Self, String> {
        parse_date(s).ok_or_else(|| format!("\"{s}\" is not a date in YYYY-MM-DD form"))
    }
}

/// An amount in pounds (`412.50`, `412.5`, `412`, `£412.50`) as exact pence ([`parse_pounds`]).
impl Cell for Pence {
    fn from_cell(s: &str) -> Result<Self, String> {
        parse_pounds(s)
    }
}

/// Adds file and line to a cell error: `row.parse::<u32>("URN").at(&row)?`.
pub trait AtRow<T> {
    /// Converts the [`FieldError`] into `FILE: line N, field F: MESSAGE`.
    fn at(self, row: &Row<'_>) -> anyhow::Result<T>;
}

impl<T> AtRow<T> for Result<T, FieldError> {
    fn at(self, row: &Row<'_>) -> anyhow::Result<T> {
        self.map_err(|e| row.error(e))
    }
}

/// The accepted yes/no spellings (`yes/no`, `y/n`, `true/false`, `1/0`, any case, trimmed);
/// `None` for anything else, including empty. Shared with the GeoJSON loaders.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A strict `YYYY-MM-DD` calendar date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Pounds to exact pence: digits, optionally `.` and one or two decimals, optional leading `£`.
/// Negative amounts and more than two decimals are refused rather than rounded.
pub fn parse_pounds(s: &str) -> Result<Pence, String> {
    let bad = |why: &str| format!("\"{s}\" is not an amount in pounds ({why})");
    let t = s.trim();
    let t = t.strip_prefix('£').unwrap_or(t).trim_start();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("expected e.g. 412.50"));
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (t.contains('.') && frac.is_empty()) {
        return Err(bad("expected e.g. 412.50"));
    }
    if frac.len() > 2 {
        return Err(bad("more than two decimal places"));
    }
    let pounds: i64 = whole.parse().map_err(|_| bad("too large"))?;
    let pence: i64 = match frac.len() {
        0 => 0,
        1 => {
            frac.parse::<i64>()
                .map_err(|_| bad("expected e.g. 412.50"))?
                * 10
        }
        _ => frac
            .parse::<i64>()
            .map_err(|_| bad("expected e.g. 412.50"))?,
    };
    let max_pence = (crate::policy::ranges::MAX_GBP * 100.0) as i64;
    pounds
        .checked_mul(100)
        .and_then(|p| p.checked_add(pence))
        .filter(|p| *p <= max_pence)
        .map(Pence)
        .ok_or_else(|| {
            bad(&format!(
                "more than {}, the most a charge may be",
                Pence(max_pence).display_gbp()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the tests look at that the tool itself does not need.
    impl CsvTable {
        /// Where the fields are; useful for either-or checks before reading rows.
        fn index(&self) -> &HeaderIndex {
            &self.index
        }
    }

    impl HeaderIndex {
        /// The file's header row, trimmed.
        fn headers(&self) -> &[String] {
            &self.headers
        }
    }

    impl Row<'_> {
        /// An optional text cell; empty is `None`.
        fn opt_string(&self, field: &str) -> Option<String> {
            match self.get(field) {
                "" => None,
                s => Some(s.to_string()),
            }
        }
    }

    const SPECS: &[FieldSpec] = &[
        FieldSpec::required("id", &["ref"]),
        FieldSpec::required("easting", &[]),
        FieldSpec::optional("sex", &["Gender (name)"]),
        FieldSpec::optional("ok", &[]),
        FieldSpec::optional("dob", &[]),
        FieldSpec::optional("age", &[]),
        FieldSpec::optional("price", &[]),
    ];

    fn table(text: &str, map: Option<&ColumnMap>) -> anyhow::Result<CsvTable> {
        CsvTable::from_bytes("t.csv", text.as_bytes(), SPECS, map)
    }

    fn err(r: anyhow::Result<impl std::fmt::Debug>) -> String {
        format!("{:#}", r.unwrap_err())
    }

    #[test]
    fn reads_rows_with_bom_crlf_and_trimmed_headers() {
        let mut t = table(
            "\u{feff} ID ,easting, Gender (name) \r\nA1, 391000.5 ,Boys\r\n\r\n,,\r\nA2,1,\r\n",
            None,
        )
        .unwrap();
        assert_eq!(t.index().header("sex"), Some("Gender (name)"));
        let rows: Vec<_> = t.rows().collect::<anyhow::Result<_>>().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line(), 2);
        assert_eq!(rows[0].string("id").unwrap(), "A1");
        assert_eq!(rows[0].parse::<f64>("easting").unwrap(), 391000.5);
        assert_eq!(rows[0].opt_string("sex").as_deref(), Some("Boys"));
        assert_eq!(rows[1].line(), 5);
        assert_eq!(rows[1].opt_string("sex"), None);
        assert_eq!(rows[1].opt::<bool>("ok").unwrap(), None);
    }

    #[test]
    fn bom_via_bytes() {
        let bytes = b"\xEF\xBB\xBFid,easting\nx,1\n";
        let mut t = CsvTable::from_bytes("b.csv", bytes.to_vec(), SPECS, None).unwrap();
        assert_eq!(t.index().headers()[0], "id");
        assert_eq!(t.rows().count(), 1);
    }

    #[test]
    fn line_numbers_count_blank_lines_crlf_and_quoted_newlines() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = [
                "id,easting",
                "",
                "a,1",
                "",
                "",
                "b,\"2",
                "",
                "\"",
                "c,3",
                ",",
                "d,4",
                "",
            ]
            .join(nl);
            let mut t = table(&format!("\u{feff}{nl}{text}"), None).unwrap();
            let lines: Vec<u64> = t.rows().map(|r| r.unwrap().line()).collect();
            assert_eq!(lines, [4, 7, 10, 12], "newline {nl:?}");
        }
        let mut t = table("id,easting\r\na,1\r\nb,2,3\r\n", None).unwrap();
        let e = err(t.rows().collect::<anyhow::Result<Vec<_>>>());
        assert!(e.contains("t.csv: line 3: row has 3 cells"), "{e}");
    }

    #[test]
    fn alternative_spelling_is_used_in_preference_order() {
        let t = table("ref,id,easting\n", None).unwrap();
        assert_eq!(t.index().header("id"), Some("id"));
        let t = table("ref,easting\n", None).unwrap();
        assert_eq!(t.index().header("id"), Some("ref"));
    }

    #[test]
    fn missing_columns_reported_once_with_headers_found() {
        let e = err(table("name,northing\nx,1\n", None));
        assert!(e.contains("t.csv"), "{e}");
        assert!(
            e.contains("missing required columns id (or ref); easting"),
            "{e}"
        );
        assert!(e.contains("headers found: name, northing"), "{e}");
    }

    #[test]
    fn empty_file_is_an_error() {
        let e = err(table("", None));
        assert!(e.contains("t.csv: the file is empty"), "{e}");
        let e = err(table("\u{feff}\r\n", None));
        assert!(e.contains("the file is empty"), "{e}");
    }

    #[test]
    fn typed_getter_errors_name_file_line_field() {
        let mut t = table(
            "id,easting,ok,dob,age,price\nA,abc,maybe,12/03/2010,300,1.234\nB,NaN,,,,\n,inf,,,,\n",
            None,
        )
        .unwrap();
        let rows: Vec<_> = t.rows().collect::<anyhow::Result<_>>().unwrap();
        let r = &rows[0];
        let e = r.parse::<f64>("easting").at(r).unwrap_err().to_string();
        assert_eq!(e, "t.csv: line 2, field easting: \"abc\" is not a number");
        let e = r.bool_or("ok", false).at(r).unwrap_err().to_string();
        assert!(
            e.contains("line 2, field ok: \"maybe\" is not yes or no"),
            "{e}"
        );
        let e = r.opt::<NaiveDate>("dob").unwrap_err().to_string();
        assert!(e.contains("not a date in YYYY-MM-DD"), "{e}");
        let e = r.parse::<u8>("age").unwrap_err().to_string();
        assert!(
            e.contains("\"300\" is not a whole number (0 to 255)"),
            "{e}"
        );
        let e = r.parse::<u32>("easting").unwrap_err().to_string();
        assert!(e.contains("\"abc\" is not a whole number"), "{e}");
        let e = r.opt::<Pence>("price").unwrap_err().to_string();
        assert!(e.contains("more than two decimal places"), "{e}");
        let e = rows[1]
            .parse::<f64>("easting")
            .at(&rows[1])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 3, field easting: \"NaN\" is not a finite number"),
            "{e}"
        );
        assert!(rows[2].parse::<f64>("easting").is_err());
        let e = rows[2].string("id").at(&rows[2]).unwrap_err().to_string();
        assert!(e.contains("line 4, field id: is empty"), "{e}");
        // Optional column absent from the file reads as empty.
        assert_eq!(rows[1].opt_string("sex"), None);
        assert!(rows[1].bool_or("ok", true).unwrap());
    }

    #[test]
    fn booleans_dates_and_numbers() {
        for (s, v) in [
            ("Yes", true),
            ("n", false),
            ("TRUE", true),
            ("0", false),
            ("1", true),
        ] {
            assert_eq!(parse_bool(s), Some(v), "{s}");
        }
        assert_eq!(parse_bool(""), None);
        assert_eq!(parse_bool("2"), None);
        assert_eq!(
            parse_date("2010-03-12"),
            NaiveDate::from_ymd_opt(2010, 3, 12)
        );
        assert_eq!(parse_date("2010-3-12"), None);
        assert_eq!(parse_date("2010-02-30"), None);
        assert_eq!(u32::from_cell("12").ok(), Some(12));
        assert_eq!(u32::from_cell("-1").ok(), None);
        assert_eq!(u32::from_cell("1.0").ok(), None);
        assert_eq!(u32::from_cell("99999999999").ok(), None);
    }

    #[test]
    fn pounds_to_pence_exactly() {
        assert_eq!(parse_pounds("412.50"), Ok(Pence(41250)));
        assert_eq!(parse_pounds("412.5"), Ok(Pence(41250)));
        assert_eq!(parse_pounds("412"), Ok(Pence(41200)));
        assert_eq!(parse_pounds("£0.07"), Ok(Pence(7)));
        assert_eq!(parse_pounds("825.00"), Ok(Pence(82500)));
        assert_eq!(parse_pounds("100000"), Ok(Pence(10_000_000)));
        for bad in [
            "412.505",
            "-1",
            "abc",
            "412.",
            ".5",
            "1,000",
            "99999999999999999999",
            "100000.01",
        ] {
            assert!(parse_pounds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn column_map_renames_fields() {
        let map = ColumnMap::from_toml_str(
            "map.toml",
            "[columns]\nid = \"Application Ref\"\neasting = \"Home X\"\n",
        )
        .unwrap();
        let mut t = table("Application Ref,Home X,id\nR1,5,zzz\n", Some(&map)).unwrap();
        let rows: Vec<_> = t.rows().collect::<anyhow::Result<_>>().unwrap();
        assert_eq!(rows[0].string("id").unwrap(), "R1");
        assert_eq!(rows[0].parse::<f64>("easting").unwrap(), 5.0);
        let e = rows[0].field_error("id", "x").to_string();
        assert_eq!(e, "field Application Ref: x");

        let id_only = ColumnMap(BTreeMap::from([(
            "id".to_string(),
            "Application Ref".to_string(),
        )]));
        let e = err(table("id,easting\n", Some(&id_only)));
        assert!(
            e.contains("column map says field id is column \"Application Ref\""),
            "{e}"
        );
        assert!(e.contains("headers found: id, easting"), "{e}");

        let bad = ColumnMap(BTreeMap::from([("idd".to_string(), "x".to_string())]));
        let e = err(table("id,easting\n", Some(&bad)));
        assert!(e.contains("unknown field 'idd'"), "{e}");

        let e = err(ColumnMap::from_toml_str("map.toml", "[columns]\nid = 3\n"));
        assert!(e.contains("map.toml") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn ragged_rows_and_bad_utf8_name_the_line() {
        let e = err(table("id,easting\nA,1\nB,2,3\n", None)
            .unwrap()
            .rows()
            .collect::<anyhow::Result<Vec<_>>>());
        assert!(
            e.contains("t.csv: line 3: row has 3 cells but the header has 2"),
            "{e}"
        );
        let bytes: &[u8] = b"id,easting\nA\xff,1\n";
        let mut t = CsvTable::from_bytes("w.csv", bytes.to_vec(), SPECS, None).unwrap();
        let e = err(t.rows().collect::<anyhow::Result<Vec<_>>>());
        assert!(e.contains("w.csv: line 2: not valid UTF-8"), "{e}");
    }

    #[test]
    fn open_missing_file_names_path() {
        let e = err(CsvTable::open(
            Path::new("/nonexistent/dir/x.csv"),
            SPECS,
            None,
        ));
        assert!(e.contains("/nonexistent/dir/x.csv"), "{e}");
    }
}
