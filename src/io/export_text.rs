//! Admissions-system exports as they come: text in Windows-1252 (or Latin-1) rather than UTF-8,
//! and dates written day first (`31/08/2008`), month first or year first. How a batch reads them
//! is its [`Reading`]: the encoding (`--encoding`) and the date order (`--date-format`). Without
//! a date order, a date that is not `YYYY-MM-DD` is refused with the option to give: the tool
//! never guesses between day and month.

use chrono::NaiveDate;

/// How the text of an applications file is decoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8; a cell that is not valid UTF-8 is read as Windows-1252, with a note on stderr.
    #[default]
    Auto,
    /// UTF-8 only: a row with text that is not UTF-8 is an error row.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Windows-1252 (a superset of Latin-1 / ISO-8859-1 for text), every cell.
    #[value(
        name = "windows-1252",
        alias = "latin-1",
        alias = "iso-8859-1",
        alias = "cp1252"
    )]
    Windows1252,
}

/// The order of day, month and year in dates that are not `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DateOrder {
    /// 31/08/2008 (UK).
    Dmy,
    /// 2008/08/31.
    Ymd,
    /// 08/31/2008 (US).
    Mdy,
}

impl DateOrder {
    fn name(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day/month/year",
            DateOrder::Ymd => "year/month/day",
            DateOrder::Mdy => "month/day/year",
        }
    }
}

/// How a batch reads its applications file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    pub encoding: Encoding,
    pub date_order: Option<DateOrder>,
}

/// A cell's bytes as text, and whether they were read as Windows-1252.
pub fn decode_cell(raw: &[u8], encoding: Encoding) -> Option<(String, bool)> {
    let w1252 = || {
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(raw);
        text.into_owned()
    };
    match (encoding, std::str::from_utf8(raw)) {
        (Encoding::Windows1252, _) => Some((w1252(), !raw.is_ascii())),
        (_, Ok(s)) => Some((s.to_string(), false)),
        (Encoding::Auto, Err(_)) => Some((w1252(), true)),
        (Encoding::Utf8, Err(_)) => None,
    }
}

/// Bytes of a small file (a column map) as text: UTF-8, else Windows-1252.
pub fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The three numbers of a date written with `/`, `-` or `.` between them, if it is one.
fn parts(s: &str) -> Option<[u32; 3]> {
    let t = s.trim();
    let sep = t.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let v: Vec<&str> = t.split(sep).collect();
    if v.len() != 3
        || v.iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some([v[0].parse().ok()?, v[1].parse().ok()?, v[2].parse().ok()?])
}

/// Whether a cell is an ISO date (`YYYY-MM-DD`), which every order reads the same.
fn is_iso(s: &str) -> bool {
    let t = s.trim();
    t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-'
}

/// What a date cell becomes: `Ok(Some(iso))` rewritten as `YYYY-MM-DD`, `Ok(None)` left as it
/// is (already ISO, or not shaped like a date, for the case reader to refuse), or the message for
/// a date the order does not read, or any non-ISO date when no order was given. The message
/// never quotes the cell.
pub fn normalise_date(cell: &str, order: Option<DateOrder>) -> Result<Option<String>, String> {
    if cell.trim().is_empty() || is_iso(cell) {
        return Ok(None);
    }
    let Some([a, b, c]) = parts(cell) else {
        return Ok(None);
    };
    let Some(order) = order else {
        return Err(
            "is not a date in YYYY-MM-DD form; for dates such as 31/08/2008 give --date-format \
             dmy (day first; mdy for month first, ymd for year first)"
                .into(),
        );
    };
    let (y, m, d) = match order {
        DateOrder::Dmy => (c, b, a),
        DateOrder::Mdy => (c, a, b),
        DateOrder::Ymd => (a, b, c),
    };
    // A two-digit year is as ambiguous as day and month: refuse it.
    if y < 1000 {
        return Err(format!(
            "is not a date in {} form with a four-digit year",
            order.name()
        ));
    }
    let date = i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| format!("is not a date in {} form", order.name()))?;
    Ok(Some(date.format("%Y-%m-%d").to_string()))
}

/// [`normalise_date`] over a list of dates separated by `;` or `,`.
pub fn normalise_dates(cell: &str, order: Option<DateOrder>) -> Result<Option<String>, String> {
    let mut changed = false;
    let mut out = Vec::new();
    for part in cell.split([';', ',']) {
        match normalise_date(part, order)? {
            Some(iso) => {
                changed = true;
                out.push(iso);
            }
            None => out.push(part.trim().to_string()),
        }
    }
    Ok(changed.then(|| out.join(";")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_order_given_and_never_guessed() {
        let dmy = Some(DateOrder::Dmy);
        assert_eq!(
            normalise_date("31/08/2008", dmy),
            Ok(Some("2008-08-31".into()))
        );
        assert_eq!(
            normalise_date("1.9.2008", dmy),
            Ok(Some("2008-09-01".into()))
        );
        assert_eq!(
            normalise_date("08/31/2008", Some(DateOrder::Mdy)),
            Ok(Some("2008-08-31".into()))
        );
        assert_eq!(
            normalise_date("2008/08/31", Some(DateOrder::Ymd)),
            Ok(Some("2008-08-31".into()))
        );
        // ISO dates read the same whatever the order.
        assert_eq!(normalise_date("2008-08-31", dmy), Ok(None));
        assert_eq!(normalise_date("2008-08-31", None), Ok(None));
        // Without an order, 03/04/2008 could be either: refused, naming the option.
        let e = normalise_date("03/04/2008", None).unwrap_err();
        assert!(
            e.contains("--date-format dmy") && !e.contains("03/04"),
            "{e}"
        );
        assert!(normalise_date("31/02/2008", dmy)
            .unwrap_err()
            .contains("day/month/year"));
        assert!(normalise_date("31/08/08", dmy)
            .unwrap_err()
            .contains("four-digit year"));
        assert_eq!(
            normalise_dates("20/10/2022; 2022-12-16", dmy),
            Ok(Some("2022-10-20;2022-12-16".into()))
        );
    }

    #[test]
    fn cells_that_are_not_utf8_are_read_as_windows_1252_unless_refused() {
        let raw = b"Zo\xeb O'Brien";
        assert_eq!(
            decode_cell(raw, Encoding::Auto),
            Some(("Zoë O'Brien".to_string(), true))
        );
        assert_eq!(decode_cell(raw, Encoding::Utf8), None);
        assert_eq!(
            decode_cell("Zoë".as_bytes(), Encoding::Auto),
            Some(("Zoë".to_string(), false))
        );
        // Forced, even bytes that happen to be valid UTF-8 are Windows-1252.
        assert_eq!(
            decode_cell("Zoë".as_bytes(), Encoding::Windows1252).map(|(s, _)| s),
            Some("ZoÃ«".to_string())
        );
        assert_eq!(text_of(b"name = \"Caf\xe9\""), "name = \"Café\"");
    }
}
