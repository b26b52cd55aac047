//! Address gazetteers and postcode centroids as published, read unchanged:
//!
//! * **OS Open UPRN** (`UPRN,X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE`), or a council
//!   gazetteer (LLPG / NLPG, AddressBase-style) through the column map of `[addresses]` in
//!   `area.toml`: UPRN, easting, northing, and optionally the address text, the access point
//!   where the property meets the road, and a positional quality code (AddressBase RPC 1-9);
//! * **OS Code-Point Open**: one headerless CSV per postcode area (`dt.csv`, `bh.csv`, ...) with
//!   the separate `Code-Point_Open_Column_Headers.csv`, whose long names say which column is
//!   which.
//!
//! Windows-1252 files (a council export's address text) are decoded; every error names the file,
//! the line and the field.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};

use super::bng_point;
use super::csvutil::{AtRow, ColumnMap, CsvTable, FieldSpec};
#[cfg(test)]
use crate::area::Postcodes;
use crate::area::{normalise_postcode, parse_uprn, AddressPoint, Gazetteer, PostcodePoint};

/// The gazetteer's fields by canonical name, with the OS Open UPRN headers (and common council
/// spellings) accepted without a column map.
const GAZETTEER_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("uprn", &["UPRN"]),
    FieldSpec::required("easting", &["X_COORDINATE", "EASTING", "Easting", "X"]),
    FieldSpec::required("northing", &["Y_COORDINATE", "NORTHING", "Northing", "Y"]),
    FieldSpec::optional("address", &["ADDRESS", "Address"]),
    FieldSpec::optional("access_easting", &[]),
    FieldSpec::optional("access_northing", &[]),
    FieldSpec::optional("quality", &["RPC"]),
];

/// The canonical names a gazetteer column map may give (`[addresses]` in `area.toml`).
pub const GAZETTEER_COLUMNS: &[&str] = &[
    "uprn",
    "easting",
    "northing",
    "address",
    "access_easting",
    "access_northing",
    "quality",
];

/// UTF-8 as it is, else Windows-1252 decoded (a council export's address text).
fn utf8_or_1252(mut bytes: Vec<u8>) -> Vec<u8> {
    // A byte-order mark says UTF-8; dropped here, it is never read as Windows-1252 text.
    if bytes.starts_with(super::csvutil::UTF8_BOM) {
        bytes.drain(..super::csvutil::UTF8_BOM.len());
    }
    match std::str::from_utf8(&bytes) {
        Ok(_) => bytes,
        Err(_) => encoding_rs::WINDOWS_1252
            .decode(&bytes)
            .0
            .into_owned()
            .into_bytes(),
    }
}

/// Reads an address gazetteer from bytes already read (and hashed): OS Open UPRN as published,
/// or any CSV whose columns `map` names (canonical name -> header).
pub fn read_gazetteer(
    path: &Path,
    bytes: Vec<u8>,
    map: Option<&ColumnMap>,
) -> anyhow::Result<Gazetteer> {
    let file = path.display().to_string();
    let mut table = CsvTable::from_bytes(&file, utf8_or_1252(bytes), GAZETTEER_FIELDS, map)?;
    let mut gazetteer = Gazetteer::default();
    let mut lines: Vec<u64> = Vec::new();
    for row in table.rows() {
        let row = row?;
        let uprn_text = row.get("uprn");
        let uprn = parse_uprn(uprn_text).ok_or_else(|| {
            row.error(row.field_error("uprn", "is not a UPRN (up to twelve digits)"))
        })?;
        let p = bng_point(&row, "easting", "northing")?;
        let access = match (
            row.is_empty("access_easting"),
            row.is_empty("access_northing"),
        ) {
            (true, true) => None,
            (false, false) => {
                let a = bng_point(&row, "access_easting", "access_northing")?;
                Some([a.x(), a.y()])
            }
            (false, true) => {
                return Err(row.error(row.field_error("access_northing", "is missing")))
            }
            (true, false) => return Err(row.error(row.field_error("access_easting", "is missing"))),
        };
        let quality: Option<u8> = row.opt("quality").at(&row)?;
        let address = Some(row.get("address").trim())
            .filter(|a| !a.is_empty())
            .map(Box::from);
        lines.push(row.line());
        gazetteer.push(AddressPoint {
            uprn,
            point: [p.x(), p.y()],
            access,
            quality,
            address,
        });
    }
    gazetteer.finish().map_err(|d| {
        anyhow!(
            "{file}: lines {} and {}, field uprn: the same UPRN is given twice",
            lines[d.first - 1],
            lines[d.second - 1]
        )
    })
}

/// The name of Code-Point Open's column-headers file.
pub const CODEPOINT_HEADERS: &str = "Code-Point_Open_Column_Headers.csv";

/// The Code-Point Open files named by `postcodes` in `area.toml`: a directory of the published
/// per-area CSVs (or the download's `Data/CSV` folder), or one such CSV; and the column-headers
/// file found beside them or in the download's `Doc` folder.
pub fn codepoint_files(at: &Path) -> anyhow::Result<(Vec<PathBuf>, PathBuf)> {
    let (data_dir, files) = if at.is_dir() {
        let dir = if at.join("Data").join("CSV").is_dir() {
            at.join("Data").join("CSV")
        } else {
            at.to_path_buf()
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read the postcodes folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"))
                    && p.file_name().is_some_and(|n| n != CODEPOINT_HEADERS)
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(anyhow!(
                "{}: no Code-Point Open CSV files (e.g. dt.csv) in this folder",
                dir.display()
            ));
        }
        (dir, files)
    } else {
        let dir = at.parent().map(Path::to_path_buf).unwrap_or_default();
        (dir, vec![at.to_path_buf()])
    };
    let candidates = [
        data_dir.join(CODEPOINT_HEADERS),
        data_dir.join("Doc").join(CODEPOINT_HEADERS),
        data_dir.join("..").join("Doc").join(CODEPOINT_HEADERS),
        data_dir
            .join("..")
            .join("..")
            .join("Doc")
            .join(CODEPOINT_HEADERS),
    ];
    let headers = candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| {
            anyhow!(
            "{}: Code-Point Open's column headers file {CODEPOINT_HEADERS} was not found beside \
             the data or in the download's Doc folder; it says which column is which",
            at.display()
        )
        })?;
    Ok((files, headers))
}

/// Column positions of Code-Point Open's data files, from the column-headers file (its second
/// row has the long names: `Postcode`, `Positional_quality_indicator`, `Eastings`, `Northings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodepointColumns {
    postcode: usize,
    quality: usize,
    easting: usize,
    northing: usize,
}

/// Reads the column-headers file.
pub fn read_codepoint_headers(path: &Path, bytes: &[u8]) -> anyhow::Result<CodepointColumns> {
    let file = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow!("{file}: {e}"))?;
    let long = rows
        .iter()
        .find(|r| r.iter().any(|c| c.trim().eq_ignore_ascii_case("Postcode")))
        .ok_or_else(|| anyhow!("{file}: no row names the column Postcode"))?;
    let find = |name: &str| {
        long.iter()
            .position(|c| c.trim().eq_ignore_ascii_case(name))
            .ok_or_else(|| anyhow!("{file}: no column is named {name}"))
    };
    Ok(CodepointColumns {
        postcode: find("Postcode")?,
        quality: find("Positional_quality_indicator")?,
        easting: find("Eastings")?,
        northing: find("Northings")?,
    })
}

/// Reads one Code-Point Open data file (no header row) into `out`. A postcode with quality 90
/// (no coordinates) is left out; anything unreadable is an error naming the file, line and
/// column.
pub fn read_codepoint(
    path: &Path,
    bytes: &[u8],
    cols: CodepointColumns,
    out: &mut Vec<PostcodePoint>,
) -> anyhow::Result<()> {
    let file = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| anyhow!("{file}: {e}"))?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: usize, name: &str| {
            record
                .get(i)
                .map(str::trim)
                .ok_or_else(|| anyhow!("{file}: line {line}: field {name}: is missing"))
        };
        let postcode = normalise_postcode(cell(cols.postcode, "Postcode")?)
            .ok_or_else(|| anyhow!("{file}: line {line}: field Postcode: is not a UK postcode"))?;
        let quality: u8 = cell(cols.quality, "Positional_quality_indicator")?
            .parse()
            .map_err(|_| {
                anyhow!("{file}: line {line}: field Positional_quality_indicator: is not a number")
            })?;
        if quality >= 90 {
            continue;
        }
        let num = |i: usize, name: &str| -> anyhow::Result<f64> {
            cell(i, name)?
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && (0.0..=1_300_000.0).contains(v))
                .ok_or_else(|| {
                    anyhow!("{file}: line {line}: field {name}: is not a grid coordinate in metres")
                })
        };
        out.push(PostcodePoint {
            postcode: postcode.into(),
            point: [
                num(cols.easting, "Eastings")?,
                num(cols.northing, "Northings")?,
            ],
            quality,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_open_uprn_loads_as_published() {
        let csv = "UPRN,X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE\n\
                   10023117655,394813.00,99708.00,50.79,-2.07\n\
                   100040123456,402919.5,101488.25,50.80,-1.96\n";
        let g = read_gazetteer(Path::new("osopenuprn.csv"), csv.as_bytes().to_vec(), None).unwrap();
        assert_eq!(g.len(), 2);
        let a = g.get(100_040_123_456).unwrap();
        assert_eq!(a.point, [402919.5, 101488.25]);
        assert_eq!(
            (a.access, a.quality, a.address.as_deref()),
            (None, None, None)
        );
    }

    #[test]
    fn a_council_gazetteer_loads_through_its_column_map_in_windows_1252() {
        let mut bytes = b"PROPREF;X;Y;ADDR;AX;AY;RPC\n".to_vec();
        bytes.extend_from_slice(b"7;394813;99708;1 Caf\xe9 Row;394800;99700;1\n");
        // Semicolons are not this reader's delimiter: the file is comma separated.
        let bytes: Vec<u8> = bytes
            .iter()
            .map(|&b| if b == b';' { b',' } else { b })
            .collect();
        let map = ColumnMap(
            [
                ("uprn", "PROPREF"),
                ("address", "ADDR"),
                ("access_easting", "AX"),
                ("access_northing", "AY"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        );
        let g = read_gazetteer(Path::new("llpg.csv"), bytes, Some(&map)).unwrap();
        let a = g.get(7).unwrap();
        assert_eq!(a.address.as_deref(), Some("1 Café Row"));
        assert_eq!(a.access, Some([394800.0, 99700.0]));
        assert_eq!(a.quality, Some(1));
    }

    #[test]
    fn gazetteer_errors_name_file_line_and_field() {
        let e = |csv: &str| {
            read_gazetteer(Path::new("g.csv"), csv.as_bytes().to_vec(), None)
                .unwrap_err()
                .to_string()
        };
        let head = "UPRN,X_COORDINATE,Y_COORDINATE\n";
        assert_eq!(
            e(&format!("{head}1,394813,99708\nx1,394813,99708\n")),
            "g.csv: line 3, field UPRN: is not a UPRN (up to twelve digits)"
        );
        assert!(
            e(&format!("{head}1,-2.07,50.79\n")).starts_with("g.csv: line 2, field X_COORDINATE")
        );
        assert_eq!(
            e(&format!(
                "{head}1,394813,99708\n2,394100,99100\n\n1,394000,99000\n"
            )),
            "g.csv: lines 2 and 5, field uprn: the same UPRN is given twice"
        );
        assert!(
            e("ID,E,N\n1,2,3\n").contains("UPRN"),
            "{}",
            e("ID,E,N\n1,2,3\n")
        );
    }

    #[test]
    fn codepoint_open_reads_the_published_layout() {
        let headers = "PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\n\
                       Postcode,Positional_quality_indicator,Eastings,Northings,Country_code,\
                       NHS_regional_HA_code,NHS_HA_code,Admin_county_code,Admin_district_code,\
                       Admin_ward_code\n";
        let cols = read_codepoint_headers(Path::new("h.csv"), headers.as_bytes()).unwrap();
        let data = "\"DT1 1AA\",10,368730,90722,\"E92000001\",\"E19000002\",\"E18000010\",\"\",\"E06000059\",\"E05012698\"\n\
                    \"DT1 9ZZ\",90,0,0,\"E92000001\",\"\",\"\",\"\",\"\",\"\"\n\
                    \"BH214BB\",50,401000,100000,\"E92000001\",\"\",\"\",\"\",\"\",\"\"\n";
        let mut rows = Vec::new();
        read_codepoint(Path::new("dt.csv"), data.as_bytes(), cols, &mut rows).unwrap();
        let p = Postcodes::new(rows);
        assert_eq!(p.len(), 2, "quality 90 (no coordinates) is left out");
        assert_eq!(
            p.get("dt1 1aa").map(|c| (c.point, c.quality)),
            Some(([368730.0, 90722.0], 10))
        );
        assert_eq!(p.get("BH21 4BB").map(|c| c.quality), Some(50));
        let mut rows = Vec::new();
        let e = read_codepoint(Path::new("dt.csv"), b"\"DT1\",10,1,2\n", cols, &mut rows)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "dt.csv: line 1: field Postcode: is not a UK postcode");
    }
}
