//! `schools.csv`: one row per school, in the DfE *Get Information about Schools* (GIAS) column
//! names so that a real extract loads unchanged (see `docs/formats.md`). GIAS columns may carry
//! their ` (name)` / ` (code)` suffix or not; rows whose status is `Closed`, and rows with no
//! location, are left out and named (URN, name, line, why), so a full extract can be used without
//! filtering it first and nobody takes a left-out school for one missing from the file.

use std::collections::HashMap;
use std::path::Path;

use anyhow::anyhow;

use super::bng_point;
use super::csvutil::{AtRow, CsvTable, FieldSpec, Row};
use crate::area::{Gender, LeftOutSchool, LeftOutWhy, OperatorModel, School, Urn};

/// The schools read from a file, and the rows left out (reported to the user by name, so that a
/// missing school is noticed and a case naming one is told why).
#[derive(Debug, Clone)]
pub struct SchoolsLoad {
    /// Open schools, in file order.
    pub schools: Vec<School>,
    /// Rows not loaded, in file order: `EstablishmentStatus` `Closed`, or open with neither
    /// easting nor northing (GIAS has some; a school with no location can be neither nearest
    /// nor measured to).
    pub left_out: Vec<LeftOutSchool>,
}

/// Counts for tests (the loaded area keeps the counts it reports).
#[cfg(test)]
impl SchoolsLoad {
    /// How many closed schools were left out.
    pub fn skipped_closed(&self) -> usize {
        count_left_out(&self.left_out, LeftOutWhy::Closed)
    }

    /// How many open schools without a location were left out.
    pub fn skipped_no_location(&self) -> usize {
        count_left_out(&self.left_out, LeftOutWhy::NoLocation)
    }
}

/// How many of the left-out schools were left out for `why`.
pub fn count_left_out(left_out: &[LeftOutSchool], why: LeftOutWhy) -> usize {
    left_out.iter().filter(|l| l.why == why).count()
}

const FIELDS: &[FieldSpec] = &[
    FieldSpec::required("URN", &[]),
    FieldSpec::required("EstablishmentName", &[]),
    FieldSpec::required("Easting", &[]),
    FieldSpec::required("Northing", &[]),
    FieldSpec::required("StatutoryLowAge", &[]),
    FieldSpec::required("StatutoryHighAge", &[]),
    FieldSpec::optional("Gender", &["Gender (name)"]),
    FieldSpec::optional("ReligiousCharacter", &["ReligiousCharacter (name)"]),
    FieldSpec::optional("TypeOfEstablishment", &["TypeOfEstablishment (name)"]),
    FieldSpec::optional("LA", &["LA (code)"]),
    FieldSpec::optional("EstablishmentStatus", &["EstablishmentStatus (name)"]),
    FieldSpec::optional("OperatorModel", &[]),
    FieldSpec::optional("OperatorPassPrice", &[]),
    FieldSpec::optional("HasPlaces", &[]),
    FieldSpec::optional("PsvarCompliant", &[]),
    FieldSpec::optional("AdmissionsPolicy", &["AdmissionsPolicy (name)"]),
];

/// Reads a schools file (tests only: the area loader reads and hashes each file itself).
#[cfg(test)]
pub(crate) fn load_schools(path: &Path) -> anyhow::Result<SchoolsLoad> {
    let bytes = super::read_bytes(path)?;
    read_schools(path, &bytes)
}

/// Parses schools from bytes already read (and hashed); `path` names the file in messages.
pub fn read_schools(path: &Path, bytes: &[u8]) -> anyhow::Result<SchoolsLoad> {
    // A GIAS download is Windows-1252, not UTF-8: decode it so that a real extract loads
    // unchanged (the hash recorded is still of the bytes as read).
    let decoded: Vec<u8> = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.to_vec(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode(bytes)
            .0
            .into_owned()
            .into_bytes(),
    };
    let mut table = CsvTable::from_bytes(&path.display().to_string(), decoded, FIELDS, None)?;
    let mut schools = Vec::new();
    let mut left_out = Vec::new();
    let mut first_line: HashMap<Urn, u64> = HashMap::new();
    for row in table.rows() {
        let row = row?;
        let why = if row
            .get("EstablishmentStatus")
            .eq_ignore_ascii_case("closed")
        {
            Some(LeftOutWhy::Closed)
        } else if row.is_empty("Easting") && row.is_empty("Northing") {
            Some(LeftOutWhy::NoLocation)
        } else if ["StatutoryLowAge", "StatutoryHighAge"]
            .iter()
            .any(|f| row.parse::<u8>(f).is_err())
        {
            Some(LeftOutWhy::NoAges)
        } else {
            None
        };
        if let Some(why) = why {
            left_out.push(LeftOutSchool {
                urn: row.parse::<Urn>("URN").at(&row)?,
                name: row.get("EstablishmentName").to_string(),
                file: row.file().to_string(),
                line: row.line(),
                why,
            });
            continue;
        }
        let school = school(&row)?;
        if let Some(first) = first_line.insert(school.urn, row.line()) {
            return Err(row.error(row.field_error(
                "URN",
                format!(
                    "school {} appears twice (lines {first} and {})",
                    school.urn,
                    row.line()
                ),
            )));
        }
        schools.push(school);
    }
    if schools.is_empty() {
        let closed = count_left_out(&left_out, LeftOutWhy::Closed);
        let unlocated = count_left_out(&left_out, LeftOutWhy::NoLocation);
        let mut skipped = Vec::new();
        if closed > 0 {
            skipped.push(format!("{closed} closed schools skipped"));
        }
        if unlocated > 0 {
            skipped.push(format!("{unlocated} without a location skipped"));
        }
        let ageless = count_left_out(&left_out, LeftOutWhy::NoAges);
        if ageless > 0 {
            skipped.push(format!("{ageless} without readable ages skipped"));
        }
        return Err(anyhow!(
            "{}: no schools found{}",
            table.file(),
            if skipped.is_empty() {
                String::new()
            } else {
                format!(" ({})", skipped.join(", "))
            }
        ));
    }
    Ok(SchoolsLoad { schools, left_out })
}

fn school(row: &Row<'_>) -> anyhow::Result<School> {
    let urn = row.parse::<Urn>("URN").at(row)?;
    let name = row.string("EstablishmentName").at(row)?;
    let location = bng_point(row, "Easting", "Northing")?;
    let low_age = row.parse::<u8>("StatutoryLowAge").at(row)?;
    let high_age = row.parse::<u8>("StatutoryHighAge").at(row)?;
    if low_age > high_age {
        return Err(row.error(row.field_error(
            "StatutoryLowAge",
            format!("{low_age} is above StatutoryHighAge {high_age}"),
        )));
    }
    let gender = match row.get("Gender").to_ascii_lowercase().as_str() {
        // GIAS writes "Not applicable" where a school has no single-sex admission rule.
        "" | "mixed" | "not applicable" | "does not apply" => Gender::Mixed,
        "boys" => Gender::Boys,
        "girls" => Gender::Girls,
        _ => {
            return Err(row.error(row.field_error(
                "Gender",
                format!("\"{}\" is not Mixed, Boys or Girls", row.get("Gender")),
            )))
        }
    };
    let religious_character = match row.get("ReligiousCharacter") {
        s if s.is_empty()
            || s.eq_ignore_ascii_case("none")
            || s.eq_ignore_ascii_case("does not apply") =>
        {
            None
        }
        s => Some(s.to_string()),
    };
    let operator_model = match row.get("OperatorModel").to_ascii_lowercase().as_str() {
        "" | "council_contract" => OperatorModel::CouncilContract,
        "one_school_one_operator" => OperatorModel::OneSchoolOneOperator,
        "public_service" => OperatorModel::PublicService,
        _ => {
            return Err(row.error(row.field_error(
                "OperatorModel",
                format!(
                    "\"{}\" is not council_contract, one_school_one_operator or public_service",
                    row.get("OperatorModel")
                ),
            )))
        }
    };
    Ok(School {
        urn,
        name,
        location,
        low_age,
        high_age,
        gender,
        religious_character,
        establishment_type: row.get("TypeOfEstablishment").to_string(),
        la_code: row.get("LA").to_string(),
        operator_model,
        operator_pass_price: row
            .opt::<crate::units::Pence>("OperatorPassPrice")
            .at(row)?,
        has_places: row.bool_or("HasPlaces", true).at(row)?,
        psvar_compliant: row.opt::<bool>("PsvarCompliant").at(row)?,
        // GIAS: "Selective", "Non-selective", "Not applicable", "Not collected".
        selective: row
            .get("AdmissionsPolicy")
            .trim()
            .eq_ignore_ascii_case("selective"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Pence;
    use std::io::Write;

    fn write(name: &str, content: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(content)
            .unwrap();
        (dir, path)
    }

    fn load(content: &str) -> anyhow::Result<SchoolsLoad> {
        let (_dir, path) = write("schools.csv", content.as_bytes());
        load_schools(&path)
    }

    fn load_err(content: &str) -> String {
        format!("{:#}", load(content).unwrap_err())
    }

    const HEADER: &str = "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge";

    #[test]
    fn windows_1252_gias_download_loads() {
        let mut bytes =
            b"URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge\n".to_vec();
        bytes.extend_from_slice(b"1,St Mary\x92s School,390000,80000,4,11\n");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gias.csv");
        std::fs::write(&p, &bytes).unwrap();
        let l = load_schools(&p).unwrap();
        assert_eq!(l.schools[0].name, "St Mary\u{2019}s School");
    }

    #[test]
    fn happy_path_all_columns() {
        let csv = "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge,\
                   Gender,ReligiousCharacter,TypeOfEstablishment,LA,EstablishmentStatus,\
                   OperatorModel,OperatorPassPrice,HasPlaces\n\
                   113659,Downlands School,392202,108315,4,11,,Does not apply,Community school,838,Open,,,\n\
                   137345,The Purbeck School,392500.5,82500,11,18,GIRLS,Church of England,Academy converter,838,Open,one_school_one_operator,412.50,no\n\
                   100001,Old School,390000,80000,4,11,Mixed,None,,838,Closed,,,\n\
                   100003,Online School,,,4,11,Mixed,None,,838,Open,,,\n\
                   100002,Bus School,391000,81000,11,16,boys,,,839,,Public_Service,825,y\n";
        let l = load(csv).unwrap();
        assert_eq!(l.skipped_closed(), 1);
        assert_eq!(l.skipped_no_location(), 1);
        assert_eq!(l.schools.len(), 3);
        let a = &l.schools[0];
        assert_eq!(a.urn, Urn(113659));
        assert_eq!(a.name, "Downlands School");
        assert_eq!(a.location, geo::Point::new(392202.0, 108315.0));
        assert_eq!((a.low_age, a.high_age), (4, 11));
        assert_eq!(a.gender, Gender::Mixed);
        assert_eq!(a.religious_character, None);
        assert_eq!(a.establishment_type, "Community school");
        assert_eq!(a.la_code, "838");
        assert_eq!(a.operator_model, OperatorModel::CouncilContract);
        assert_eq!(a.operator_pass_price, None);
        assert!(a.has_places);
        let b = &l.schools[1];
        assert_eq!(b.gender, Gender::Girls);
        assert_eq!(b.religious_character.as_deref(), Some("Church of England"));
        assert_eq!(b.operator_model, OperatorModel::OneSchoolOneOperator);
        assert_eq!(b.operator_pass_price, Some(Pence(41250)));
        assert!(!b.has_places);
        assert_eq!(b.location.x(), 392500.5);
        let c = &l.schools[2];
        assert_eq!(c.gender, Gender::Boys);
        assert_eq!(c.operator_model, OperatorModel::PublicService);
        assert_eq!(c.operator_pass_price, Some(Pence(82500)));
    }

    #[test]
    fn gias_suffixed_headers() {
        // A GIAS extract carries both (code) and (name) columns; the right one is chosen.
        let csv = "URN,LA (code),LA (name),EstablishmentName,TypeOfEstablishment (code),\
                   TypeOfEstablishment (name),EstablishmentStatus (code),EstablishmentStatus (name),\
                   StatutoryLowAge,StatutoryHighAge,Gender (code),Gender (name),\
                   ReligiousCharacter (code),ReligiousCharacter (name),Easting,Northing\n\
                   1,838,Dorset,A School,28,Academy sponsor led,1,Open,11,16,2,Girls,02,Roman Catholic,390000,90000\n\
                   2,838,Dorset,B School,28,Academy sponsor led,2,Closed,11,16,2,Girls,02,Roman Catholic,,\n\
                   3,839,BCP,C School,33,Foundation special school,1,Open,2,19,0,Not applicable,00,Does not apply,408000,91000\n";
        let l = load(csv).unwrap();
        assert_eq!(l.skipped_closed(), 1);
        let s = &l.schools[0];
        assert_eq!(s.la_code, "838");
        assert_eq!(s.establishment_type, "Academy sponsor led");
        assert_eq!(s.gender, Gender::Girls);
        assert_eq!(s.religious_character.as_deref(), Some("Roman Catholic"));
        let c = &l.schools[1];
        assert_eq!(
            (c.gender, c.religious_character.as_deref()),
            (Gender::Mixed, None)
        );
        assert_eq!(c.la_code, "839");
    }

    #[test]
    fn bom_and_crlf() {
        let csv =
            format!("\u{feff}{HEADER}\r\n1,A,390000,90000,4,11\r\n2,B,390100,90100,11,16\r\n");
        let l = load(&csv).unwrap();
        assert_eq!(l.schools.len(), 2);
        assert_eq!(l.schools[1].name, "B");
    }

    #[test]
    fn missing_file_names_path() {
        let e = format!(
            "{:#}",
            load_schools(Path::new("/no/such/dir/schools.csv")).unwrap_err()
        );
        assert!(e.contains("/no/such/dir/schools.csv"), "{e}");
    }

    #[test]
    fn missing_column_lists_headers_found() {
        let e = load_err("URN,EstablishmentName,Easting,Northing,StatutoryLowAge\n1,A,1,2,3\n");
        assert!(e.contains("schools.csv"), "{e}");
        assert!(
            e.contains("missing required column StatutoryHighAge"),
            "{e}"
        );
        assert!(
            e.contains("headers found: URN, EstablishmentName, Easting, Northing, StatutoryLowAge"),
            "{e}"
        );
    }

    #[test]
    fn bad_number_names_file_line_field() {
        // Ages that are not whole numbers (or empty) leave the school out, named with its line
        // and why: its year groups are not known.
        let l = load(&format!(
            "{HEADER}\n1,A,390000,90000,4,11\n2,B,390000,90000,abc,11\n3,C,390000,90000,4,\n"
        ))
        .unwrap();
        assert_eq!(l.schools.len(), 1);
        let why: Vec<(u64, LeftOutWhy)> = l.left_out.iter().map(|s| (s.line, s.why)).collect();
        assert_eq!(why, [(3, LeftOutWhy::NoAges), (4, LeftOutWhy::NoAges)]);
        assert!(l.left_out[0]
            .to_string()
            .contains("StatutoryLowAge or StatutoryHighAge is empty or not a whole number"));
        let e = load_err(&format!("{HEADER}\nx1,A,390000,90000,4,11\n"));
        assert!(
            e.contains("line 2, field URN: \"x1\" is not a whole number"),
            "{e}"
        );
    }

    #[test]
    fn nan_coordinates_rejected() {
        let e = load_err(&format!("{HEADER}\n1,A,NaN,90000,4,11\n"));
        assert!(
            e.contains("line 2, field Easting: \"NaN\" is not a finite number"),
            "{e}"
        );
        let e = load_err(&format!("{HEADER}\n1,A,390000,inf,4,11\n"));
        assert!(
            e.contains("line 2, field Northing: \"inf\" is not a finite number"),
            "{e}"
        );
        let e = load_err(&format!("{HEADER}\n1,A,,90000,4,11\n"));
        assert!(e.contains("line 2, field Easting: is empty"), "{e}");
    }

    #[test]
    fn lat_lon_instead_of_bng() {
        let e = load_err(&format!("{HEADER}\n1,A,-2.112193,50.874272,4,11\n"));
        assert!(e.contains("schools.csv: line 2, field Easting"), "{e}");
        assert!(
            e.contains("EPSG:27700") && e.contains("latitude/longitude"),
            "{e}"
        );
        let e = load_err(&format!("{HEADER}\n1,A,1.2,51.5,4,11\n"));
        assert!(e.contains("looks like longitude/latitude"), "{e}");
        let e = load_err(&format!("{HEADER}\n1,A,390000,1300001,4,11\n"));
        assert!(
            e.contains("field Northing") && e.contains("not a British National Grid northing"),
            "{e}"
        );
    }

    #[test]
    fn empty_file_and_header_only() {
        let e = load_err("");
        assert!(e.contains("schools.csv: the file is empty"), "{e}");
        let e = load_err(&format!("{HEADER}\n"));
        assert!(e.contains("schools.csv: no schools found"), "{e}");
    }

    #[test]
    fn duplicate_urn_names_both_lines() {
        let e = load_err(&format!(
            "{HEADER}\n7,A,390000,90000,4,11\n8,B,390000,90000,4,11\n7,C,390000,90000,4,11\n"
        ));
        assert!(e.contains("schools.csv: line 4, field URN"), "{e}");
        assert!(e.contains("school 7 appears twice (lines 2 and 4)"), "{e}");
    }

    #[test]
    fn bad_enumerations_and_prices() {
        let h = format!("{HEADER},Gender,OperatorModel,OperatorPassPrice,HasPlaces");
        let e = load_err(&format!("{h}\n1,A,390000,90000,4,11,Coed,,,\n"));
        assert!(
            e.contains("line 2, field Gender: \"Coed\" is not Mixed, Boys or Girls"),
            "{e}"
        );
        let e = load_err(&format!("{h}\n1,A,390000,90000,4,11,,bus,,\n"));
        assert!(e.contains("field OperatorModel: \"bus\""), "{e}");
        let e = load_err(&format!("{h}\n1,A,390000,90000,4,11,,,412.505,\n"));
        assert!(
            e.contains("field OperatorPassPrice") && e.contains("more than two decimal"),
            "{e}"
        );
        let e = load_err(&format!("{h}\n1,A,390000,90000,4,11,,,,perhaps\n"));
        assert!(
            e.contains("field HasPlaces: \"perhaps\" is not yes or no"),
            "{e}"
        );
        let e = load_err(&format!("{HEADER}\n1,A,390000,90000,11,4\n"));
        assert!(
            e.contains("field StatutoryLowAge: 11 is above StatutoryHighAge 4"),
            "{e}"
        );
        // An age no school has is unreadable: that school is left out, named.
        let e = load_err(&format!("{HEADER}\n1,A,390000,90000,4,300\n"));
        assert!(
            e.contains("no schools found (1 without readable ages skipped)"),
            "{e}"
        );
    }
}
