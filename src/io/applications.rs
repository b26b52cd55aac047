//! Reading an applications CSV as a stream: every data row becomes either a [`Case`] or an error
//! saying which line and field is wrong, and every physical line of the file is accounted for (the
//! header, a row, part of a row whose quoted cell runs over several lines, or a blank line).
//!
//! The file is read twice. [`scan`] goes through it first, in constant memory, and refuses the
//! whole file (before anything is decided) when a quote is never closed or a quoted cell runs over
//! more than [`MAX_LINES_PER_ROW`] lines: either would silently fold the following children's rows
//! into one cell. [`Applications`] then yields rows one at a time, so a batch holds only the rows
//! it is deciding, however long the file.
//!
//! Messages never quote a cell: applications are personal data. They name the file, the line and
//! the column.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

use anyhow::{bail, Result};

use crate::area::Places;
use crate::decide::Case;

use super::case_fields::{
    case_from_fields, field_named, old_names, DATE_FIELDS, DATE_LIST_FIELDS, FIELDS,
};
pub use super::csvutil::ColumnMap;
use super::export_text::{decode_cell, normalise_date, normalise_dates};
pub use super::export_text::{DateOrder, Encoding, Reading};

/// The most lines one row may span. A quoted cell may hold line breaks (an address typed on
/// several lines), but one that runs further is almost surely a stray quote swallowing the rows
/// after it, so the file is refused rather than guessed at.
pub const MAX_LINES_PER_ROW: u64 = 5;

/// The most bytes one row may hold; a longer "row" is a file that is not an applications CSV.
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// One data row: its 1-based number among data rows, the lines it spans in the file, and the case
/// or why it could not be read.
#[derive(Debug)]
pub struct Row {
    pub row: u64,
    pub line: u64,
    /// The last line of the row (the same as `line` unless a quoted cell holds line breaks).
    pub end_line: u64,
    /// The application id if it could be read (for error rows), else `row N`.
    pub id: String,
    pub case: Result<Case, String>,
    /// The row's non-empty fields by canonical name, for a decision record (empty for rows that
    /// could not be read).
    pub fields: BTreeMap<String, String>,
    /// Some of its text was not UTF-8 and was read as Windows-1252.
    pub decoded_1252: bool,
}

/// What [`scan`] found: enough to size a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scan {
    /// Records in the file, the header included (blank lines are not records).
    pub records: u64,
    /// Physical lines in the file.
    pub lines: u64,
}

/// How the lines of a file were used, for the batch summary: they always add up to `total`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineCount {
    pub total: u64,
    pub header: u64,
    /// Lines taken by data rows (more than the rows when a quoted cell holds line breaks).
    pub in_rows: u64,
    /// Empty or whitespace-only lines, and rows whose every cell is empty (spreadsheet leftovers),
    /// which are skipped.
    pub blank: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    RecordStart,
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: the cell's end, or the first of a doubled quote.
    QuoteInQuoted,
}

/// Follows the file byte by byte as `csv_core` reads it (RFC 4180 quoting, any of CR, LF or CRLF
/// ending a line) to know the line of every record and where a quoted cell opened. `csv_core`
/// reports neither, and counting afterwards would need the whole file in memory, so this small
/// state machine mirrors its transitions (see `csv_core`'s `transition_nfa`).
#[derive(Debug, Clone)]
struct Tracker {
    breaks: u64,
    prev_cr: bool,
    state: State,
    at_start: bool,
    record_line: u64,
    record_end_line: u64,
    quote_line: u64,
    seen_any: bool,
    last_was_break: bool,
    /// Records ended by a line break so far.
    records: u64,
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker {
            breaks: 0,
            prev_cr: false,
            state: State::RecordStart,
            at_start: true,
            record_line: 1,
            record_end_line: 1,
            quote_line: 0,
            seen_any: false,
            last_was_break: false,
            records: 0,
        }
    }
}

/// Something wrong with the file's quoting, found by the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteFault {
    /// A quoted cell opened on `opened` runs past [`MAX_LINES_PER_ROW`] lines.
    TooLong { opened: u64 },
}

impl Tracker {
    fn line(&self) -> u64 {
        self.breaks + 1
    }

    /// Follows `bytes`; stops at the first fault.
    fn feed(&mut self, bytes: &[u8]) -> Result<(), QuoteFault> {
        let mut bytes = bytes;
        if self.at_start {
            // csv_core drops a UTF-8 byte-order mark at the very start.
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
            }
            if !bytes.is_empty() {
                self.at_start = false;
            }
        }
        for &b in bytes {
            self.seen_any = true;
            if b == b'\n' && self.prev_cr {
                // The LF of a CRLF: the CR already ended the line.
                self.prev_cr = false;
                self.last_was_break = true;
                continue;
            }
            let is_break = b == b'\n' || b == b'\r';
            self.prev_cr = b == b'\r';
            self.last_was_break = is_break;
            if self.state == State::RecordStart {
                if is_break {
                    self.breaks += 1;
                    continue;
                }
                self.record_line = self.line();
                self.state = State::FieldStart;
            }
            self.state = match (self.state, b) {
                (State::FieldStart, b'"') => {
                    self.quote_line = self.line();
                    State::Quoted
                }
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (_, b',') => State::FieldStart,
                (_, _) if is_break => {
                    self.record_end_line = self.line();
                    self.records += 1;
                    State::RecordStart
                }
                (_, _) => State::Unquoted,
            };
            if is_break {
                self.breaks += 1;
                if self.state == State::Quoted
                    && self.line() - self.record_line >= MAX_LINES_PER_ROW
                {
                    return Err(QuoteFault::TooLong {
                        opened: self.quote_line,
                    });
                }
            }
        }
        Ok(())
    }

    /// The file's end: the line of a quote still open, if any.
    fn open_quote(&self) -> Option<u64> {
        (self.state == State::Quoted).then_some(self.quote_line)
    }

    /// Physical lines seen (a last line without a line break counts).
    fn lines(&self) -> u64 {
        if !self.seen_any {
            0
        } else if self.last_was_break {
            self.breaks
        } else {
            self.breaks + 1
        }
    }

    /// The record just ended (or ended by the file's end) spans these lines.
    fn record_span(&self) -> (u64, u64) {
        let end = if self.state == State::RecordStart {
            self.record_end_line
        } else {
            self.line()
        };
        (self.record_line, end.max(self.record_line))
    }
}

fn quote_error(name: &str, fault: QuoteFault) -> anyhow::Error {
    match fault {
        QuoteFault::TooLong { opened } => anyhow::anyhow!(
            "{name}: line {opened}: a quoted cell opens here and runs over more than \
             {MAX_LINES_PER_ROW} lines, which would fold the rows after it into one cell (a stray \
             \" ?); the file was not decided: correct the quote and run again"
        ),
    }
}

/// Reads the whole file once, in constant memory, and refuses it when its quoting would lose
/// rows: a quote never closed, or a quoted cell spanning more than [`MAX_LINES_PER_ROW`] lines.
/// The error names the line where the quote opened.
pub fn scan(name: &str, mut input: impl Read) -> Result<Scan> {
    let mut t = Tracker::default();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => bail!("cannot read {name}: {e}"),
        };
        t.feed(&buf[..n]).map_err(|f| quote_error(name, f))?;
    }
    if let Some(opened) = t.open_quote() {
        bail!(
            "{name}: line {opened}: a quote (\") opens a cell here and is never closed, so the \
             rest of the file would be read as one cell; the file was not decided: close or \
             remove the quote and run again"
        );
    }
    let records = t.records + u64::from(t.state != State::RecordStart);
    Ok(Scan {
        records,
        lines: t.lines(),
    })
}

/// One record as read: its cells (raw bytes) and its lines.
struct RawRecord {
    cells: Vec<Vec<u8>>,
    line: u64,
    end_line: u64,
}

/// Reads records from a byte stream with `csv_core`, following the lines with a [`Tracker`].
struct RecordReader<R> {
    input: R,
    name: String,
    csv: csv_core::Reader,
    tracker: Tracker,
    out: Vec<u8>,
    ends: Vec<usize>,
    done: bool,
}

impl<R: BufRead> RecordReader<R> {
    fn new(name: &str, input: R) -> Self {
        RecordReader {
            input,
            name: name.to_string(),
            csv: csv_core::Reader::new(),
            tracker: Tracker::default(),
            out: vec![0; 4096],
            ends: vec![0; 64],
            done: false,
        }
    }

    /// The next record, `None` at the end of the file.
    fn next_record(&mut self) -> Result<Option<RawRecord>> {
        use csv_core::ReadRecordResult as R;
        if self.done {
            return Ok(None);
        }
        let (mut nout, mut nend) = (0usize, 0usize);
        loop {
            let input = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => bail!("cannot read {}: {e}", self.name),
            };
            let (res, nin, o, e) =
                self.csv
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            let used = &input[..nin];
            self.tracker
                .feed(used)
                .map_err(|f| quote_error(&self.name, f))?;
            self.input.consume(nin);
            // csv_core gives field ends as offsets into the whole record, across calls.
            nout += o;
            nend += e;
            match res {
                R::InputEmpty => {}
                R::OutputFull => {
                    if self.out.len() >= MAX_ROW_BYTES {
                        bail!(
                            "{}: line {}: a row of more than {} bytes: this is not an \
                             applications CSV",
                            self.name,
                            self.tracker.record_line,
                            MAX_ROW_BYTES
                        );
                    }
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                R::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                R::Record => {
                    let mut cells = Vec::with_capacity(nend);
                    let mut start = 0;
                    for &end in &self.ends[..nend] {
                        cells.push(self.out[start..end].to_vec());
                        start = end;
                    }
                    let (line, end_line) = self.tracker.record_span();
                    return Ok(Some(RawRecord {
                        cells,
                        line,
                        end_line,
                    }));
                }
                R::End => {
                    self.done = true;
                    if let Some(opened) = self.tracker.open_quote() {
                        bail!(
                            "{}: line {opened}: a quote (\") opens a cell here and is never closed",
                            self.name
                        );
                    }
                    return Ok(None);
                }
            }
        }
    }
}

/// Where each field is in the file: resolved once from the header row.
#[derive(Debug, Clone)]
pub struct Header {
    name: String,
    index: Vec<(&'static str, usize)>,
    width: usize,
    /// How cells are decoded and dates read (`--encoding`, `--date-format`).
    reading: Reading,
    /// Whether a parsed row keeps its fields by name (for a decision record).
    keep_fields: bool,
}

/// The applications of one file, one row at a time: first [`Applications::open`] reads and checks
/// the header, then [`Applications::next_row`] reads each data row.
pub struct Applications<R> {
    reader: RecordReader<R>,
    header: Header,
    rows: u64,
    lines: LineCount,
}

impl<R: BufRead> Applications<R> {
    /// Reads the header row and resolves the columns; `name` names the file in messages.
    /// Fails when the file is empty, its first line is not a header, a column is missing or
    /// named twice, or the column map names a column the file lacks.
    pub fn open(name: &str, input: R, map: &ColumnMap) -> Result<Self> {
        let mut reader = RecordReader::new(name, input);
        let Some(first) = reader.next_record()? else {
            bail!("{name}: the file is empty (expected a header row and applications)");
        };
        if first.cells.iter().all(|c| c.trim_ascii().is_empty()) {
            bail!("{name}: the file is empty (expected a header row and applications)");
        }
        let header = resolve_header(name, &first, map)?;
        let lines = LineCount {
            header: first.end_line - first.line + 1,
            blank: first.line - 1,
            ..LineCount::default()
        };
        Ok(Applications {
            reader,
            header,
            rows: 0,
            lines,
        })
    }

    /// The header as resolved (for parsing rows elsewhere, e.g. on other threads).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The next data row, unparsed; `None` at the end. Blank lines and rows of empty cells are
    /// skipped (and counted).
    pub fn next_raw(&mut self) -> Result<Option<RawRow>> {
        loop {
            let Some(rec) = self.reader.next_record()? else {
                self.lines.total = self.reader.tracker.lines();
                let counted = self.lines.header + self.lines.in_rows + self.lines.blank;
                // Blank lines after the last row.
                self.lines.blank += self.lines.total.saturating_sub(counted);
                return Ok(None);
            };
            if rec.cells.iter().all(|c| c.trim_ascii().is_empty()) {
                continue;
            }
            self.rows += 1;
            self.lines.in_rows += rec.end_line - rec.line + 1;
            return Ok(Some(RawRow {
                row: self.rows,
                cells: rec.cells,
                line: rec.line,
                end_line: rec.end_line,
            }));
        }
    }

    /// How the file's lines were used; complete once [`Applications::next_raw`] returned `None`.
    pub fn lines(&self) -> LineCount {
        self.lines
    }
}

/// A data row as read, before its cells are checked; [`Header::parse`] makes it a [`Row`].
#[derive(Debug, Clone)]
pub struct RawRow {
    pub row: u64,
    pub line: u64,
    pub end_line: u64,
    cells: Vec<Vec<u8>>,
}

/// The header row's cells: trimmed text (the header is not personal data unless the first line
/// is really a row, which [`resolve_header`] checks before ever naming a cell).
fn header_cells(first: &RawRecord) -> Vec<String> {
    first
        .cells
        .iter()
        // A header that is not UTF-8 is Windows-1252 (an export's accented column names).
        .map(|c| super::export_text::text_of(c).trim().to_string())
        .collect()
}

fn resolve_header(name: &str, first: &RawRecord, map: &ColumnMap) -> Result<Header> {
    // The column map by field (a former field name stands for the field it became).
    let mut mapped: BTreeMap<&'static str, &str> = BTreeMap::new();
    for (k, v) in &map.0 {
        let Some(f) = field_named(k) else {
            bail!(
                "column map: '{k}' is not a field (fields: {})",
                FIELDS.join(", ")
            );
        };
        if mapped.insert(f, v).is_some() {
            bail!("column map: {f} is mapped twice (once under its former name); map it once");
        }
    }
    let headers = header_cells(first);
    let line = first.line;
    // The headers each field is looked up by: the mapped one, else its name and former names.
    let known: Vec<(&'static str, Vec<String>)> = FIELDS
        .iter()
        .map(|f| match mapped.get(f) {
            Some(h) => (*f, vec![h.to_string()]),
            None => (
                *f,
                std::iter::once(*f)
                    .chain(old_names(f))
                    .map(str::to_string)
                    .collect(),
            ),
        })
        .collect();
    let is = |h: &str, ws: &[String]| ws.iter().any(|w| h.eq_ignore_ascii_case(w));
    let matches = |h: &str| known.iter().any(|(_, ws)| is(h, ws));
    let recognised = headers.iter().filter(|h| matches(h)).count();
    if recognised == 0 {
        if headers.len() == 1 {
            if let Some(sep) = [';', '\t', '|']
                .into_iter()
                .find(|c| headers[0].contains(*c))
            {
                let shown = if sep == '\t' {
                    "tab".to_string()
                } else {
                    format!("'{sep}'")
                };
                let parts = headers[0].split(sep).filter(|p| matches(p.trim())).count();
                if parts > 0 {
                    bail!(
                        "{name}: line {line}: the header row is one column: the file is \
                         separated by {shown}, not commas; save it as comma-separated CSV"
                    );
                }
            }
        }
        bail!(
            "{name}: line {line}: the first line looks like data, not a header: {} field{}, none \
             matches a known column (expected at least id, easting, northing, year_group, \
             school_urn; use --columns MAP.toml to map other names)",
            headers.len(),
            if headers.len() == 1 { "" } else { "s" }
        );
    }
    let mut index: Vec<(&'static str, usize)> = Vec::new();
    for (f, ws) in &known {
        let at: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| is(h, ws))
            .map(|(i, _)| i)
            .collect();
        let w = &ws[0];
        match at.as_slice() {
            [] => {
                if mapped.contains_key(*f) {
                    bail!(
                        "{name}: line {line}: the column map names column '{w}' for {f}, but the \
                         header row has no such column (found: {})",
                        headers.join(", ")
                    );
                }
            }
            [i] => index.push((f, *i)),
            [a, b, ..] if headers[*a].eq_ignore_ascii_case(&headers[*b]) => bail!(
                "{name}: line {line}: columns {} and {} are both '{}' ({f}); remove or rename one",
                a + 1,
                b + 1,
                headers[*a]
            ),
            [a, b, ..] => bail!(
                "{name}: line {line}: columns {} ('{}') and {} ('{}') are both {f}, one under \
                 its former name; remove one",
                a + 1,
                headers[*a],
                b + 1,
                headers[*b]
            ),
        }
    }
    let has = |f: &str| index.iter().any(|(k, _)| *k == f);
    let mut missing: Vec<&str> = ["id", "year_group", "school_urn"]
        .into_iter()
        .filter(|f| !has(f))
        .collect();
    if !(has("easting") && has("northing")
        || has("latitude") && has("longitude")
        || has("uprn")
        || has("postcode"))
    {
        missing.push("easting/northing (or latitude/longitude, uprn or postcode)");
    }
    if !missing.is_empty() {
        bail!(
            "{name}: line {line}: missing column(s) {}; found: {} (use --columns MAP.toml to map \
             other names)",
            missing.join(", "),
            headers.join(", ")
        );
    }
    Ok(Header {
        name: name.to_string(),
        index,
        width: headers.len(),
        reading: Reading::default(),
        keep_fields: true,
    })
}

impl Header {
    /// The header reading cells and dates as `reading` says.
    pub fn with_reading(mut self, reading: Reading) -> Header {
        self.reading = reading;
        self
    }

    /// The header parsing rows without keeping their fields by name ([`Row::fields`] empty):
    /// for a batch that writes no decision records, where they would be made and thrown away.
    pub fn without_fields(mut self) -> Header {
        self.keep_fields = false;
        self
    }

    /// Checks a row's cells and reads its case, finding homes given by UPRN or postcode in
    /// `places`. Never quotes a cell in a message.
    pub fn parse(&self, raw: RawRow, places: &Places) -> Row {
        let RawRow {
            row,
            line,
            end_line,
            cells,
        } = raw;
        let name = &self.name;
        let mut values: Vec<(&'static str, String)> = Vec::with_capacity(self.index.len());
        let mut bad_utf8 = None;
        let mut bad_date = None;
        let mut decoded_1252 = false;
        for &(f, i) in &self.index {
            if let Some(raw) = cells.get(i) {
                match decode_cell(raw, self.reading.encoding) {
                    Some((mut s, was_1252)) => {
                        decoded_1252 |= was_1252;
                        let dates = if DATE_LIST_FIELDS.contains(&f) {
                            normalise_dates(&s, self.reading.date_order)
                        } else if DATE_FIELDS.contains(&f) {
                            normalise_date(&s, self.reading.date_order)
                        } else {
                            Ok(None)
                        };
                        match dates {
                            Ok(Some(iso)) => s = iso,
                            Ok(None) => {}
                            Err(e) => bad_date = bad_date.or(Some((f, e))),
                        }
                        values.push((f, s));
                    }
                    None => bad_utf8 = Some(f),
                }
            }
        }
        let get = |f: &str| {
            values
                .iter()
                .find(|(k, _)| *k == f)
                .map(|(_, v)| v.as_str())
        };
        let id = get("id")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| format!("row {row}"));
        let lines = if end_line > line {
            format!("lines {line}-{end_line}")
        } else {
            format!("line {line}")
        };
        let fail = |msg: String| Row {
            row,
            line,
            end_line,
            id: id.clone(),
            case: Err(format!("{name}: {lines}: {msg}")),
            fields: BTreeMap::new(),
            decoded_1252,
        };
        if let Some(f) = bad_utf8 {
            return fail(format!(
                "field {f}: not valid UTF-8 text (--encoding windows-1252 reads Windows-1252 and \
                 Latin-1 exports)"
            ));
        }
        if cells.len() != self.width {
            let mut msg = format!(
                "has {} fields but the header has {}",
                cells.len(),
                self.width
            );
            if end_line > line {
                msg.push_str(&format!(
                    " (a quoted cell runs from line {line} to line {end_line}: if its quote is a \
                     mistake, the rows on those lines were read into this one)"
                ));
            }
            return fail(msg);
        }
        if let Some((f, e)) = bad_date {
            return fail(format!("field {f}: {e}"));
        }
        match case_from_fields(get, places) {
            Ok(case) => Row {
                row,
                line,
                end_line,
                id: id.clone(),
                case: Ok(case),
                fields: if self.keep_fields {
                    values
                        .iter()
                        .filter(|(_, v)| !v.trim().is_empty())
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect()
                } else {
                    BTreeMap::new()
                },
                decoded_1252,
            },
            Err(e) => fail(e.to_string()),
        }
    }
}

/// Reads every row of applications already in memory; `name` is used in messages. For tests and
/// small inputs: a batch streams with [`Applications`].
pub fn parse_applications(bytes: &[u8], name: &str, map: &ColumnMap) -> Result<Vec<Row>> {
    scan(name, bytes)?;
    let mut apps = Applications::open(name, bytes, map)?;
    let mut rows = Vec::new();
    while let Some(raw) = apps.next_raw()? {
        rows.push(apps.header().parse(raw, &Places::default()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id,easting,northing,year_group,school_urn\n";

    fn parse(text: &str) -> Result<Vec<Row>> {
        parse_applications(text.as_bytes(), "apps.csv", &ColumnMap::default())
    }

    fn err(text: &str) -> String {
        format!("{:#}", parse(text).unwrap_err())
    }

    #[test]
    fn every_row_is_kept_even_bad_ones() {
        let text = format!(
            "\u{feff}{HEAD}A1,391000,87000,Y7,148737\r\nA2,NaN,87000,Y7,148737\r\nA3,1,2\r\nA4,391000,87000,Y15,1\r\n"
        );
        let rows = parse(&text).unwrap();
        assert_eq!(rows.len(), 4);
        assert!(rows[0].case.is_ok());
        let e = rows[1].case.as_ref().unwrap_err();
        assert!(e.contains("apps.csv: line 3: field easting"), "{e}");
        assert!(!e.contains("NaN"), "a cell is never quoted: {e}");
        assert!(rows[2].case.as_ref().unwrap_err().contains("line 4"));
        let e = rows[3].case.as_ref().unwrap_err();
        assert!(e.contains("field year_group"), "{e}");
        assert!(!e.contains("Y15"), "{e}");
        assert_eq!(rows[3].id, "A4");
    }

    #[test]
    fn missing_columns_and_empty_files_are_fatal() {
        let e = err("id,year_group\n");
        assert!(
            e.contains("a.csv: line 1: missing column(s) school_urn")
                || e.contains("apps.csv: line 1: missing column(s) school_urn"),
            "{e}"
        );
        assert!(err("").contains("empty"));
        assert!(err("\n\r\n  \n").contains("empty"));
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

    #[test]
    fn an_unclosed_quote_refuses_the_file_naming_its_line() {
        let text = format!(
            "{HEAD}A1,391000,87000,Y7,1\n\"A2,391000,87000,Y7,1\nA3,1,2,Y7,1\nA4,1,2,Y7,1\n"
        );
        let e = err(&text);
        assert!(e.contains("apps.csv: line 3: a quote"), "{e}");
        assert!(e.contains("never closed"), "{e}");
    }

    #[test]
    fn a_quoted_cell_over_too_many_lines_refuses_the_file() {
        let mut text = format!("{HEAD}A1,\"391000");
        for _ in 0..MAX_LINES_PER_ROW {
            text.push_str("\nX,1,2,Y7,1");
        }
        text.push_str("\",87000,Y7,1\n");
        let e = err(&text);
        assert!(
            e.contains("apps.csv: line 2: a quoted cell opens here"),
            "{e}"
        );
    }

    #[test]
    fn a_short_multi_line_cell_is_one_row_and_every_line_is_counted() {
        let text = format!(
            "{HEAD}\"A1\nsecond line\",391000,87000,Y7,1\n\n   \n,,,,\nA2,391000,87000,Y7,1\r\nA3,\"x\ny\",87000,Y7\n"
        );
        scan("apps.csv", text.as_bytes()).unwrap();
        let mut apps =
            Applications::open("apps.csv", text.as_bytes(), &ColumnMap::default()).unwrap();
        let mut rows = Vec::new();
        while let Some(r) = apps.next_raw().unwrap() {
            rows.push(apps.header().parse(r, &Places::default()));
        }
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].line, rows[0].end_line), (2, 3));
        assert_eq!(rows[1].line, 7);
        assert_eq!((rows[2].line, rows[2].end_line), (8, 9));
        let e = rows[2].case.as_ref().unwrap_err();
        assert!(e.contains("apps.csv: lines 8-9: has 4 fields"), "{e}");
        let l = apps.lines();
        assert_eq!(l.total, 9);
        assert_eq!(l.header + l.in_rows + l.blank, l.total, "{l:?}");
        assert_eq!(l.blank, 3);
    }

    #[test]
    fn header_like_data_and_other_delimiters_are_described_without_their_cells() {
        let e = err("P000,Jane Canary,1 Secret Lane,DT1 1AA\nP001,x,y,z\n");
        assert!(
            e.contains("the first line looks like data, not a header: 4 fields"),
            "{e}"
        );
        assert!(!e.contains("Canary") && !e.contains("Secret"), "{e}");
        let e = err("id;easting;northing;year_group;school_urn\nA;1;2;Y7;3\n");
        assert!(e.contains("separated by ';'"), "{e}");
    }

    /// A renamed field is still read under its former name (`dorset_resident`), as a header and
    /// in a column map, but not under both names at once.
    #[test]
    fn a_former_field_name_is_still_read() {
        let rows =
            parse("id,easting,northing,year_group,school_urn,Dorset_Resident\nA,1,2,Y12,3,no\n")
                .unwrap();
        assert!(!rows[0].case.as_ref().unwrap().resident_in_area);
        let e = err(
            "id,easting,northing,year_group,school_urn,dorset_resident,resident_in_area\n\
             A,1,2,Y12,3,no,yes\n",
        );
        assert!(
            e.contains(
                "columns 6 ('dorset_resident') and 7 ('resident_in_area') are both \
                 resident_in_area, one under its former name"
            ),
            "{e}"
        );
        let mut map = ColumnMap::default();
        map.0.insert("dorset_resident".into(), "Lives Here".into());
        let text = "id,easting,northing,year_group,school_urn,Lives Here\nA,1,2,Y12,3,no\n";
        let rows = parse_applications(text.as_bytes(), "a.csv", &map).unwrap();
        assert!(!rows[0].case.as_ref().unwrap().resident_in_area);
    }

    #[test]
    fn duplicate_columns_are_refused_naming_both() {
        let e = err("id,easting,northing,year_group,school_urn,Easting\nA,1,2,Y7,3,4\n");
        assert!(e.contains("columns 2 and 6 are both 'easting'"), "{e}");
    }

    /// Rows read through a buffer of any size, however the buffer splits a row, a quoted cell or
    /// a CRLF, are the rows read from the whole file at once.
    #[test]
    fn rows_do_not_depend_on_where_the_input_buffer_ends() {
        let demo = include_str!("../../fixtures/demo/applications.csv");
        let mut text: String = demo.lines().take(60).collect::<Vec<_>>().join("\r\n");
        text.push_str("\r\n\"Q1\nQ2\",394813,99708,,,,,9,,M,141526\r\n\r\n");
        text.push_str(&demo.lines().skip(570).collect::<Vec<_>>().join("\n"));
        let read = |cap: usize| {
            let input = std::io::BufReader::with_capacity(cap, text.as_bytes());
            let mut apps = Applications::open("a.csv", input, &ColumnMap::default()).unwrap();
            let mut out = Vec::new();
            while let Some(r) = apps.next_raw().unwrap() {
                out.push((r.line, r.end_line, r.cells.clone()));
            }
            (out, apps.lines())
        };
        let whole = read(1 << 20);
        assert_eq!(whole.0.len(), 59 + 1 + 15);
        for cap in [1, 2, 3, 7, 64, 100, 1000, 4096] {
            assert_eq!(read(cap), whole, "buffer of {cap} bytes");
        }
    }

    #[test]
    fn scan_counts_records_and_lines() {
        let s = scan("a", "h\r\na\r\n\r\nb".as_bytes()).unwrap();
        assert_eq!(
            s,
            Scan {
                records: 3,
                lines: 4
            }
        );
        let s = scan("a", "h\n\"a\nb\"\n".as_bytes()).unwrap();
        assert_eq!(
            s,
            Scan {
                records: 2,
                lines: 3
            }
        );
    }
}
