//! Turning named text fields (a CSV row, a case file's `[case]` table, or `check` flags) into a
//! validated [`Case`]. One parser for all three, so a field means the same wherever it is given.

use super::csvutil::Cell;
use crate::area::{
    normalise_postcode, parse_uprn, postcode_uncertainty_m, AddressPoint, HomeFrom, Places, Urn,
};
use crate::decide::case::{Address, Application, FollowUpFacts, ManagedMove};
use crate::decide::{Case, Sex};
use crate::geodesy::wgs84_to_bng;
use crate::policy::{TransportType, YearGroup};
use crate::units::Pence;

/// A problem with one field of one case: the same type as a bad CSV cell, so a case read from a
/// CSV row, a case file or flags is reported alike.
pub use super::csvutil::FieldError;

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// The case fields holding one date (`YYYY-MM-DD`; an export's other orders are rewritten first,
/// `--date-format`).
pub const DATE_FIELDS: &[&str] = &[
    "date_of_birth",
    "letter_received_on",
    "appeal_submitted_on",
    "review_notified_on",
    "error_found_on",
    "authorised_on",
    "appeal_heard_on",
    "safety_audit_on",
    "temporarily_rehoused_on",
    "reorganised_on",
    "catchment_changed_on",
    "applied_on",
    "course_starts",
    "letter_date",
];

/// The case fields holding a list of dates separated by `;` or `,`.
pub const DATE_LIST_FIELDS: &[&str] = &["half_term_ends", "school_term_ends"];

/// The case fields, in the order they are documented (docs/formats.md).
pub const FIELDS: &[&str] = &[
    "id",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "uprn",
    "postcode",
    "access_easting",
    "access_northing",
    "year_group",
    "date_of_birth",
    "sex",
    "school_urn",
    "free_school_meals",
    "max_working_tax_credit",
    "universal_credit",
    "faith",
    "faith_evidence",
    "ehcp",
    "mobility_need",
    "child_in_care",
    "registered_disability",
    "medical_condition",
    "young_carer",
    "vulnerable",
    "resident_in_area",
    "selective_qualified",
    "hours_per_week",
    "days_per_week",
    "schools_without_places",
    // Clauses 1.1.8-1.1.12, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2, 3 and 5.
    "previous_school_urn",
    "moved_house",
    "displaced_by_family_issues",
    "temporarily_rehoused_on",
    "school_term_ends",
    "rehousing_reason_accepted",
    "place_secured_in_area",
    "changed_school",
    "move_supported",
    "year11_move_exceptional",
    "existing_school_reasonable",
    "professional_assessment",
    "cic_manager_recommended",
    "fair_access_allocated",
    "managed_move",
    "only_other_appropriate_school",
    "alternative_provision",
    "ap_remain",
    "reorganised_on",
    "reorganisation_min_miles",
    "catchment_changed_on",
    "receives_transport",
    "second_easting",
    "second_northing",
    "nominated_address",
    "gp_address",
    "distance_criterion_disapplied",
    "applied_on",
    "course_starts",
    "ehcp_transport_necessary",
    "medical_officer_evidence",
    "year_group_full",
    "sibling_eligible_on_roll",
    "attended_la_alternative",
    "catchment_cannot_continue",
    "base_provision",
    "closest_appropriate_provision",
    // Clauses 1.1.14, 1.5.1, 1.5.2, 2.3, 2.4, 5.2: what follows from the decision.
    "pickup_easting",
    "pickup_northing",
    "journey_minutes",
    "transport_type",
    "letter_received_on",
    "appeal_submitted_on",
    "review_notified_on",
    "appeals_this_year",
    "error_found_on",
    "transport_started",
    "half_term_ends",
    "authorised_on",
    "appeal_heard_on",
    "safety_audit_on",
    "passes_lost",
    "exceptional_cost_per_day",
    // The letter only: never decided on, never written to stderr or the decisions file.
    "child_name",
    "parent_name",
    "home_address",
    "letter_date",
];

/// Former names of case fields, still accepted wherever a field is named (CSV headers, column
/// maps, case files, `--set`): (old name, field). `dorset_resident` put one council's name into a
/// field every council's policy uses.
pub const ALIASES: &[(&str, &str)] = &[("dorset_resident", "resident_in_area")];

/// The field a name stands for: the field itself, or the field an old name was renamed to.
pub fn field_named(name: &str) -> Option<&'static str> {
    FIELDS.iter().find(|f| **f == name).copied().or_else(|| {
        ALIASES
            .iter()
            .find(|(old, _)| *old == name)
            .map(|(_, field)| *field)
    })
}

/// The old names a field is still accepted under.
pub fn old_names(field: &str) -> impl Iterator<Item = &'static str> + '_ {
    ALIASES
        .iter()
        .filter(move |(_, f)| *f == field)
        .map(|(old, _)| *old)
}

/// Reads a field of any [`Cell`] type; `None` when empty. `is_not` is the whole message for a bad
/// value: it never quotes the value, because case fields are personal data and messages reach
/// standard error.
fn value<T: Cell>(field: &str, is_not: &str, v: &str) -> Result<Option<T>, FieldError> {
    match v.trim() {
        "" => Ok(None),
        t => T::from_cell(t).map(Some).map_err(|_| err(field, is_not)),
    }
}

/// The message for a bad yes/no field.
const NOT_YES_NO: &str = "is not yes or no";
/// The message for a bad number field.
const NOT_NUMBER: &str = "is not a number";
/// The message for a bad date field.
const NOT_DATE: &str = "is not a date (YYYY-MM-DD)";
/// The message for a bad school URN field.
const NOT_URN: &str = "is not a school URN (a whole number)";

/// The named text fields of one case (`get` returns `None` for an absent field), read through
/// [`value`]: one reader for every kind of field instead of a set of closures per section.
struct Fields<G>(G);

impl<'a, G: Fn(&str) -> Option<&'a str>> Fields<G> {
    /// The trimmed text; `None` when absent or empty.
    fn text(&self, f: &str) -> Option<&'a str> {
        (self.0)(f).map(str::trim).filter(|s| !s.is_empty())
    }

    /// A field of any [`Cell`] type; `None` when absent or empty.
    fn opt<T: Cell>(&self, f: &str, is_not: &str) -> Result<Option<T>, FieldError> {
        (self.0)(f)
            .map(|v| value::<T>(f, is_not, v))
            .transpose()
            .map(Option::flatten)
    }

    /// A finding an officer records: yes, no, or `None` for not yet made.
    fn finding(&self, f: &str) -> Result<Option<bool>, FieldError> {
        self.opt(f, NOT_YES_NO)
    }

    /// A yes/no fact; absent or empty is no.
    fn flag(&self, f: &str) -> Result<bool, FieldError> {
        Ok(self.finding(f)?.unwrap_or(false))
    }

    /// A finite number.
    fn num(&self, f: &str) -> Result<Option<f64>, FieldError> {
        self.opt(f, NOT_NUMBER)
    }

    /// A `YYYY-MM-DD` date.
    fn date(&self, f: &str) -> Result<Option<chrono::NaiveDate>, FieldError> {
        self.opt(f, NOT_DATE)
    }

    /// A count; absent or empty is 0.
    fn count(&self, f: &str) -> Result<u32, FieldError> {
        Ok(self.opt(f, "is not a whole number")?.unwrap_or(0))
    }
}

/// How far coordinates given with a UPRN may be from the gazetteer's point before the case says
/// so, metres.
pub const UPRN_AGREES_WITHIN_M: f64 = 50.0;

/// Reads one case from a source of named text fields (`get` returns `None` for an absent
/// field), finding a home given by UPRN or postcode in `places` (the loaded area's; empty where
/// no area is at hand).
pub fn case_from_fields<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    places: &Places,
) -> Result<Case, FieldError> {
    let fd = Fields(&get);
    let id = fd
        .text("id")
        .ok_or_else(|| err("id", "is missing"))?
        .to_string();
    // The letter's date is the letter's alone, but a bad one is refused like any other field.
    fd.date("letter_date")?;
    let coords = match (
        fd.num("easting")?,
        fd.num("northing")?,
        fd.num("latitude")?,
        fd.num("longitude")?,
    ) {
        (Some(e), Some(n), _, _) => Some(bng("easting", e, n)?),
        (None, None, Some(lat), Some(lon)) => Some(wgs84_to_bng(lat, lon).map_err(|e| {
            // The geodesy error quotes the position: a home is personal data.
            err(
                "latitude",
                match e {
                    crate::geodesy::GeodesyError::NonFinite { .. } => "is not a finite number",
                    crate::geodesy::GeodesyError::OutsideCoverage { .. } => {
                        "is outside Great Britain's grid (OSTN15 coverage): were latitude and \
                             longitude swapped?"
                    }
                },
            )
        })?),
        (Some(_), None, _, _) => return Err(err("northing", "is missing")),
        (None, Some(_), _, _) => return Err(err("easting", "is missing")),
        (None, None, Some(_), None) => return Err(err("longitude", "is missing")),
        (None, None, None, Some(_)) => return Err(err("latitude", "is missing")),
        (None, None, None, None) => None,
    };
    let (home, home_from, listed_access, notes) =
        find_home(fd.text("uprn"), fd.text("postcode"), coords, places)?;
    let access_point = match (fd.num("access_easting")?, fd.num("access_northing")?) {
        (Some(e), Some(n)) => Some(bng("access_easting", e, n)?),
        (None, None) => None,
        (Some(_), None) => return Err(err("access_northing", "is missing")),
        (None, Some(_)) => return Err(err("access_easting", "is missing")),
    };
    let yg_text = fd
        .text("year_group")
        .ok_or_else(|| err("year_group", "is missing"))?;
    let year_group = YearGroup::parse(yg_text)
        .ok_or_else(|| err("year_group", "is not a year group (N, R, 1 to 13)"))?;
    let school = fd
        .opt::<Urn>("school_urn", NOT_URN)?
        .ok_or_else(|| err("school_urn", "is missing"))?;
    let mut case = Case::new(&id, home, year_group, school);
    // The access point given with the case wins over the gazetteer's.
    case.access_from_gazetteer = access_point.is_none() && listed_access.is_some();
    case.access_point = access_point.or(listed_access);
    case.home_from = home_from;
    case.notes = notes;
    case.date_of_birth = fd.date("date_of_birth")?;
    case.sex = fd
        .text("sex")
        .map(|t| Sex::parse(t).ok_or_else(|| err("sex", "is not M or F")))
        .transpose()?;
    case.free_school_meals = fd.flag("free_school_meals")?;
    case.max_working_tax_credit = fd.flag("max_working_tax_credit")?;
    case.universal_credit = fd.flag("universal_credit")?;
    case.faith = fd.text("faith").map(str::to_string);
    case.faith_evidence = fd
        .text("faith_evidence")
        .map(|t| {
            t.parse::<u8>()
                .map_err(|_| err("faith_evidence", "is not a count of pieces of evidence"))
        })
        .transpose()?
        .unwrap_or(0);
    case.ehcp = fd.flag("ehcp")?;
    case.mobility_need = fd.flag("mobility_need")?;
    case.child_in_care = fd.flag("child_in_care")?;
    case.registered_disability = fd.flag("registered_disability")?;
    case.medical_condition = fd.flag("medical_condition")?;
    case.young_carer = fd.flag("young_carer")?;
    case.vulnerable = fd.flag("vulnerable")?;
    case.resident_in_area = fd.finding("resident_in_area")?.unwrap_or(true);
    case.selective_qualified = fd.finding("selective_qualified")?;
    case.hours_per_week = fd.num("hours_per_week")?;
    if case
        .hours_per_week
        .is_some_and(|h| !(0.0..=168.0).contains(&h))
    {
        return Err(err("hours_per_week", "must be between 0 and 168"));
    }
    case.days_per_week = fd
        .text("days_per_week")
        .map(|t| match t.parse::<u8>() {
            Ok(d) if d <= 7 => Ok(d),
            _ => Err(err("days_per_week", "is not a number of days (0-7)")),
        })
        .transpose()?;
    if let Some(list) = fd.text("schools_without_places") {
        for part in list
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            if let Some(u) = value::<Urn>("schools_without_places", NOT_URN, part)? {
                case.schools_without_places.push(u);
            }
        }
    }
    circumstances(&mut case, &get)?;
    follow_up_facts(&mut case.follow_up, &get)?;
    Ok(case)
}

/// A list of dates separated by `;` or `,`, sorted.
fn parse_dates(field: &str, list: &str) -> Result<Vec<chrono::NaiveDate>, FieldError> {
    let mut out = Vec::new();
    for part in list
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        out.push(value(field, NOT_DATE, part)?.ok_or_else(|| err(field, NOT_DATE))?);
    }
    out.sort();
    Ok(out)
}

/// Clauses 1.1.14, 1.5.1, 1.5.2, 2.3, 2.4, 5.2: the facts the follow-ups of a decision need.
fn follow_up_facts<'a>(
    f: &mut FollowUpFacts,
    get: &impl Fn(&str) -> Option<&'a str>,
) -> Result<(), FieldError> {
    let fd = Fields(get);
    f.pickup_point = match (fd.num("pickup_easting")?, fd.num("pickup_northing")?) {
        (Some(e), Some(n)) => Some(bng("pickup_easting", e, n)?),
        (None, None) => None,
        (Some(_), None) => return Err(err("pickup_northing", "is missing")),
        (None, Some(_)) => return Err(err("pickup_easting", "is missing")),
    };
    f.transport_type = fd
        .text("transport_type")
        .map(
            |t| match t.to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
                "public_bus" => Ok(TransportType::PublicBus),
                "contract" | "contract_bus" | "taxi" => Ok(TransportType::Contract),
                _ => Err(err("transport_type", "is not public_bus or contract")),
            },
        )
        .transpose()?;
    f.journey_minutes = fd
        .text("journey_minutes")
        .map(|t| {
            t.parse::<u32>()
                .map_err(|_| err("journey_minutes", "is not a whole number of minutes"))
        })
        .transpose()?;
    f.letter_received_on = fd.date("letter_received_on")?;
    f.appeal_submitted_on = fd.date("appeal_submitted_on")?;
    f.review_notified_on = fd.date("review_notified_on")?;
    f.appeals_this_year = fd.count("appeals_this_year")?;
    f.error_found_on = fd.date("error_found_on")?;
    f.transport_started = fd.finding("transport_started")?;
    if let Some(list) = fd.text("half_term_ends") {
        f.half_term_ends = parse_dates("half_term_ends", list)?;
    }
    f.authorised_on = fd.date("authorised_on")?;
    f.appeal_heard_on = fd.date("appeal_heard_on")?;
    f.safety_audit_on = fd.date("safety_audit_on")?;
    f.passes_lost = fd.count("passes_lost")?;
    f.exceptional_cost_per_day = fd
        .text("exceptional_cost_per_day")
        .map(|t| {
            let gbp = t.trim_start_matches(['£']).trim();
            match gbp.parse::<f64>() {
                // Bounded like the policy's amounts, so the pence cannot saturate.
                Ok(v)
                    if v.is_finite()
                        && (0.0..=crate::policy::ranges::MAX_GBP).contains(&v)
                        && ((v * 100.0).round() - v * 100.0).abs() < 1e-6 =>
                {
                    Ok(Pence((v * 100.0).round() as i64))
                }
                _ => Err(err(
                    "exceptional_cost_per_day",
                    format!(
                        "is not an amount of pounds and pence from 0 to {}",
                        crate::policy::ranges::MAX_GBP
                    ),
                )),
            }
        })
        .transpose()?;
    Ok(())
}

/// Clauses 1.1.8-1.1.12, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2, 3 and 5: the family
/// circumstances and the findings an officer records (yes, no, or blank for not yet made).
fn circumstances<'a>(
    case: &mut Case,
    get: &impl Fn(&str) -> Option<&'a str>,
) -> Result<(), FieldError> {
    let fd = Fields(get);
    let address = |f: &str| -> Result<Option<Address>, FieldError> {
        fd.text(f)
            .map(|t| match t.to_ascii_lowercase().as_str() {
                "first" | "1" => Ok(Address::First),
                "second" | "2" => Ok(Address::Second),
                _ => Err(err(f, "is not first or second")),
            })
            .transpose()
    };
    case.previous_school = fd.opt::<Urn>("previous_school_urn", NOT_URN)?;
    case.moved_house = fd.flag("moved_house")?;
    case.displaced_by_family_issues = fd.flag("displaced_by_family_issues")?;
    case.temporarily_rehoused_on = fd.date("temporarily_rehoused_on")?;
    if let Some(list) = fd.text("school_term_ends") {
        case.school_term_ends = parse_dates("school_term_ends", list)?;
    }
    case.rehousing_reason_accepted = fd.finding("rehousing_reason_accepted")?;
    case.place_secured_in_area = fd.finding("place_secured_in_area")?;
    case.changed_school = fd.flag("changed_school")?;
    case.move_supported = fd.finding("move_supported")?;
    case.year11_move_exceptional = fd.finding("year11_move_exceptional")?;
    case.existing_school_reasonable = fd.finding("existing_school_reasonable")?;
    case.professional_assessment = fd.finding("professional_assessment")?;
    case.cic_manager_recommended = fd.flag("cic_manager_recommended")?;
    case.fair_access_allocated = fd.flag("fair_access_allocated")?;
    case.managed_move = fd
        .text("managed_move")
        .map(|t| match t.to_ascii_lowercase().as_str() {
            "panel" => Ok(ManagedMove::Panel),
            "parent" => Ok(ManagedMove::Parent),
            _ => Err(err("managed_move", "is not panel or parent")),
        })
        .transpose()?;
    case.only_other_appropriate_school = fd.finding("only_other_appropriate_school")?;
    case.alternative_provision = fd.flag("alternative_provision")?;
    case.ap_remain = fd.flag("ap_remain")?;
    case.reorganised_on = fd.date("reorganised_on")?;
    case.reorganisation_min_miles = fd.num("reorganisation_min_miles")?;
    if case.reorganisation_min_miles.is_some_and(|m| m < 0.0) {
        return Err(err("reorganisation_min_miles", "must not be negative"));
    }
    case.catchment_changed_on = fd.date("catchment_changed_on")?;
    case.receives_transport = fd.flag("receives_transport")?;
    case.second_home = match (fd.num("second_easting")?, fd.num("second_northing")?) {
        (Some(e), Some(n)) => Some(bng("second_easting", e, n)?),
        (None, None) => None,
        (Some(_), None) => return Err(err("second_northing", "is missing")),
        (None, Some(_)) => return Err(err("second_easting", "is missing")),
    };
    case.nominated_address = address("nominated_address")?;
    case.gp_address = address("gp_address")?;
    if case.second_home.is_none() && (case.nominated_address.is_some() || case.gp_address.is_some())
    {
        return Err(err(
            "second_easting",
            "is missing: nominated_address and gp_address need the second home",
        ));
    }
    case.distance_criterion_disapplied = fd.finding("distance_criterion_disapplied")?;
    case.applied_on = fd.date("applied_on")?;
    case.course_starts = fd.date("course_starts")?;
    case.ehcp_transport_necessary = fd.finding("ehcp_transport_necessary")?;
    case.year_group_full = fd
        .text("year_group_full")
        .map(
            |t| match t.to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
                "on_time" => Ok(Application::OnTime),
                "late" => Ok(Application::Late),
                _ => Err(err("year_group_full", "is not on_time or late")),
            },
        )
        .transpose()?;
    case.sibling_eligible_on_roll = fd.flag("sibling_eligible_on_roll")?;
    case.attended_la_alternative = fd.flag("attended_la_alternative")?;
    case.catchment_cannot_continue = fd.finding("catchment_cannot_continue")?;
    case.base_provision = fd.flag("base_provision")?;
    case.closest_appropriate_provision = fd.finding("closest_appropriate_provision")?;
    case.medical_officer_evidence = fd.finding("medical_officer_evidence")?;
    Ok(())
}

/// The home: the coordinates given; else the property's point in the gazetteer by UPRN (with its
/// access point); else the postcode's centroid (provisional). Coordinates given with a UPRN win,
/// with a note when they are more than [`UPRN_AGREES_WITHIN_M`] from the gazetteer's point (its
/// access point is then not used). Messages name the field and the file, never the value.
#[allow(clippy::type_complexity)]
fn find_home(
    uprn: Option<&str>,
    postcode: Option<&str>,
    coords: Option<geo::Point<f64>>,
    places: &Places,
) -> Result<
    (
        geo::Point<f64>,
        HomeFrom,
        Option<geo::Point<f64>>,
        Vec<String>,
    ),
    FieldError,
> {
    let mut notes = Vec::new();
    // With coordinates given, the UPRN only checks them: a UPRN that cannot be looked up is a
    // note, not a reason to refuse a case that has its home.
    let lookup = |notes: &mut Vec<String>| -> Result<Option<AddressPoint>, FieldError> {
        let Some(text) = uprn else {
            return Ok(None);
        };
        let found = match (parse_uprn(text), &places.gazetteer) {
            (None, _) => Err(err("uprn", "is not a UPRN (up to twelve digits)")),
            (Some(_), None) => Err(err(
                "uprn",
                "is given, but the area names no address gazetteer (addresses = \"...\" in \
                 area.toml)",
            )),
            (Some(u), Some((g, file))) => g.get(u).map(Some).ok_or_else(|| {
                err(
                    "uprn",
                    format!("is not in the area's address gazetteer ({file})"),
                )
            }),
        };
        match (found, coords.is_some()) {
            (Err(e), true) => {
                notes.push(format!(
                    "{e}; the easting and northing given were used without it"
                ));
                Ok(None)
            }
            (found, _) => found,
        }
    };
    let listed = lookup(&mut notes)?;
    let pt = |xy: [f64; 2]| geo::Point::new(xy[0], xy[1]);
    match (coords, listed) {
        (Some(home), Some(a)) => {
            let apart = geo::Distance::distance(&geo::Euclidean, home, pt(a.point));
            if apart > UPRN_AGREES_WITHIN_M {
                notes.push(format!(
                    "the easting and northing given are {apart:.0} m from the UPRN's point in the \
                     address gazetteer (more than {UPRN_AGREES_WITHIN_M:.0} m): the coordinates \
                     given were used; check which is the home"
                ));
                return Ok((home, HomeFrom::Coordinates, None, notes));
            }
            Ok((home, HomeFrom::Coordinates, a.access.map(pt), notes))
        }
        (Some(home), None) => Ok((home, HomeFrom::Coordinates, None, notes)),
        (None, Some(a)) => Ok((
            pt(a.point),
            HomeFrom::Gazetteer { quality: a.quality },
            a.access.map(pt),
            notes,
        )),
        (None, None) => {
            let Some(typed) = postcode else {
                return Err(err(
                    "easting",
                    "is missing (give easting/northing, latitude/longitude, a uprn or a postcode)",
                ));
            };
            if normalise_postcode(typed).is_none() {
                return Err(err("postcode", "is not a UK postcode"));
            }
            let Some((postcodes, file)) = &places.postcodes else {
                return Err(err(
                    "postcode",
                    "is given, but the area names no postcodes (postcodes = \"...\" in \
                     area.toml)",
                ));
            };
            let c = postcodes.get(typed).ok_or_else(|| {
                err(
                    "postcode",
                    format!("is not in the area's postcodes ({file})"),
                )
            })?;
            Ok((
                pt(c.point),
                HomeFrom::Postcode {
                    quality: c.quality,
                    uncertainty_m: postcode_uncertainty_m(c.quality, places.postcode_uncertainty_m),
                },
                None,
                notes,
            ))
        }
    }
}

/// A point on the British National Grid, checked to be plausible.
fn bng(field: &str, e: f64, n: f64) -> Result<geo::Point<f64>, FieldError> {
    if !(0.0..=700_000.0).contains(&e) || !(0.0..=1_300_000.0).contains(&n) {
        return Err(err(
            field,
            "is outside the British National Grid (eastings 0-700000, northings 0-1300000); \
             latitude/longitude go in the latitude and longitude fields",
        ));
    }
    Ok(geo::Point::new(e, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<Case, FieldError> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        case_from_fields(|f| m.get(f).map(String::as_str), &Places::default())
    }

    const BASE: &[(&str, &str)] = &[
        ("id", "A1"),
        ("easting", "391000"),
        ("northing", "87000"),
        ("year_group", "Y7"),
        ("school_urn", "148737"),
    ];

    #[test]
    fn minimal_case() {
        let c = parse(BASE).unwrap();
        assert_eq!(c.year_group, YearGroup::year(7).unwrap());
        assert!(c.resident_in_area);
        assert!(!c.free_school_meals);
    }

    #[test]
    fn errors_name_the_field() {
        let mut v = BASE.to_vec();
        v[1] = ("easting", "NaN");
        assert_eq!(parse(&v).unwrap_err().field, "easting");
        let mut v = BASE.to_vec();
        v[3] = ("year_group", "Y15");
        let e = parse(&v).unwrap_err();
        assert_eq!(e.field, "year_group");
        assert!(!e.message.contains("Y15"), "a cell is never quoted");
        let mut v = BASE.to_vec();
        v.push(("ehcp", "maybe"));
        assert_eq!(parse(&v).unwrap_err().field, "ehcp");
        let v: Vec<_> = BASE
            .iter()
            .copied()
            .filter(|(k, _)| *k != "school_urn")
            .collect();
        assert_eq!(parse(&v).unwrap_err().field, "school_urn");
        let mut v = BASE.to_vec();
        v[1] = ("easting", "-2.1");
        v[2] = ("northing", "50.7");
        assert_eq!(parse(&v).unwrap_err().field, "easting");
    }

    #[test]
    fn follow_up_facts_are_read_and_checked() {
        let mut v = BASE.to_vec();
        v.push(("pickup_easting", "391500"));
        v.push(("pickup_northing", "87000"));
        v.push(("transport_type", "Public bus"));
        v.push(("half_term_ends", "2023-02-17; 2022-10-21"));
        v.push(("passes_lost", "2"));
        v.push(("exceptional_cost_per_day", "£35.00"));
        let c = parse(&v).unwrap();
        assert_eq!(
            c.follow_up.pickup_point,
            Some(geo::Point::new(391500.0, 87000.0))
        );
        assert_eq!(c.follow_up.transport_type, Some(TransportType::PublicBus));
        assert_eq!(c.follow_up.half_term_ends[0].to_string(), "2022-10-21");
        assert_eq!(c.follow_up.passes_lost, 2);
        assert_eq!(c.follow_up.exceptional_cost_per_day, Some(Pence(3500)));
        for (field, value) in [
            ("transport_type", "bicycle"),
            ("exceptional_cost_per_day", "35.001"),
            ("exceptional_cost_per_day", "-1"),
            ("passes_lost", "two"),
            ("letter_received_on", "04/07/2022"),
            ("half_term_ends", "2023-02-30"),
            ("transport_started", "perhaps"),
        ] {
            let mut v = BASE.to_vec();
            v.push((field, value));
            assert_eq!(parse(&v).unwrap_err().field, field, "{field}={value}");
        }
        let mut v = BASE.to_vec();
        v.push(("pickup_easting", "391500"));
        assert_eq!(parse(&v).unwrap_err().field, "pickup_northing");
    }

    #[test]
    fn lists_and_flags() {
        let mut v = BASE.to_vec();
        v.push(("schools_without_places", "1; 2,3"));
        v.push(("free_school_meals", "Y"));
        v.push(("resident_in_area", "no"));
        let c = parse(&v).unwrap();
        assert_eq!(c.schools_without_places, vec![Urn(1), Urn(2), Urn(3)]);
        assert!(c.free_school_meals);
        assert!(!c.resident_in_area);
    }
}
