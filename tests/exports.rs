//! Admissions-system exports as they come (issue 12, part 3): Windows-1252 text and column maps,
//! UK dates, homes by UPRN and postcode, and a decisions CSV Excel on Windows reads correctly,
//! decided through `--columns` with no editing. Runs on the access test area's gazetteer and
//! Code-Point files (committed fixtures).

mod common;

use common::run;

/// The committed council export (`fixtures/exports`): Windows-1252, CRLF, its own column names
/// (one accented), UK dates; homes by UPRN (1001: 3.125 miles) and by postcode (AT1 1AB: 2.206
/// miles), and one with neither.
fn export() -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = common::root().join("fixtures/exports");
    let (apps, cols) = (dir.join("council-export.csv"), dir.join("columns.toml"));
    assert!(
        std::str::from_utf8(&std::fs::read(&apps).unwrap()).is_err(),
        "not Windows-1252"
    );
    assert!(
        std::str::from_utf8(&std::fs::read(&cols).unwrap()).is_err(),
        "not Windows-1252"
    );
    (apps, cols)
}

fn batch(extra: &[&str]) -> (common::Run, Vec<u8>) {
    let tmp = tempfile::tempdir().unwrap();
    let (apps, cols) = export();
    let out = tmp.path().join("decisions.csv");
    let mut args = vec![
        "batch",
        apps.to_str().unwrap(),
        "--columns",
        cols.to_str().unwrap(),
        "--area",
        "fixtures/areas/access",
        "-o",
        out.to_str().unwrap(),
        "--no-progress",
    ];
    args.extend(extra);
    let r = run(&args);
    let bytes = std::fs::read(&out).unwrap_or_default();
    (r, bytes)
}

fn rows(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut rd = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let header = rd.headers().unwrap().clone();
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn a_windows_1252_export_with_uk_dates_decides_through_its_column_map() {
    let (r, bytes) = batch(&["--date-format", "dmy", "--excel"]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFid,row,outcome"),
        "no byte-order mark"
    );
    let rows = rows(&bytes);
    assert_eq!(rows.len(), 3);
    // The id was Windows-1252 and is written as UTF-8.
    assert_eq!(rows[0]["id"], "A-Zoë");
    assert_eq!(
        (
            rows[0]["outcome"].as_str(),
            rows[0]["walking_mi"].as_str(),
            rows[0]["home_from"].as_str()
        ),
        ("eligible", "3.125", "uprn")
    );
    assert_eq!(
        (
            rows[1]["outcome"].as_str(),
            rows[1]["walking_mi"].as_str(),
            rows[1]["home_from"].as_str()
        ),
        ("not_eligible", "2.206", "postcode (provisional)")
    );
    assert!(
        rows[2]["error"].contains("line 4: field easting: is missing"),
        "{:?}",
        rows[2]
    );
    assert!(
        r.stderr
            .contains("1 row has text that is not UTF-8; it was read as Windows-1252"),
        "{}",
        r.stderr
    );
    // Personal fields never reach stderr.
    for name in ["Zoë", "O’Brien", "Siân", "Renée", "at1 1ab", "1001"] {
        assert!(!r.stderr.contains(name), "{name} in {}", r.stderr);
    }
}

#[test]
fn without_a_date_format_a_uk_date_is_an_error_row_naming_the_option() {
    let (r, bytes) = batch(&[]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    let rows = rows(&bytes);
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    for row in &rows[..2] {
        assert_eq!(row["outcome"], "error");
        assert!(
            row["error"].contains("field date_of_birth: is not a date in YYYY-MM-DD form; for dates such as 31/08/2008 give --date-format dmy")
                && !row["error"].contains("31/08/2010"),
            "{row:?}"
        );
    }
    // Month first reads 31/08/2010 as no date at all.
    let (_, bytes) = batch(&["--date-format", "mdy"]);
    assert!(rows_of_error(&bytes, 0).contains("is not a date in month/day/year form"));
}

fn rows_of_error(bytes: &[u8], i: usize) -> String {
    rows(bytes)[i]["error"].clone()
}

#[test]
fn encoding_utf8_refuses_rows_that_are_not_utf8() {
    let (r, bytes) = batch(&["--date-format", "dmy", "--encoding", "utf-8"]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    let e = rows_of_error(&bytes, 0);
    assert!(
        e.contains("field id: not valid UTF-8 text (--encoding windows-1252"),
        "{e}"
    );
    assert_eq!(rows(&bytes)[1]["outcome"], "not_eligible");
    // latin-1 is read as Windows-1252, every cell.
    let (r, bytes) = batch(&["--date-format", "dmy", "--encoding", "latin-1"]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert_eq!(rows(&bytes)[0]["id"], "A-Zoë");
    assert!(!r.stderr.contains("not UTF-8"), "{}", r.stderr);
}
