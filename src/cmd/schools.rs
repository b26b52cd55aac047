//! `schoolrun schools near`: the suitable schools nearest a home by straight line, with walking
//! and driven distances and whether the home is in their catchment: what an officer looks at
//! first.

use std::fmt::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::area::Urn;
use crate::cli::{Format, NearArgs};
use crate::decide::schools::SchoolSets;
use crate::decide::{Case, Sex};
use crate::io::case_fields::case_from_fields;
use crate::network::Mode;
use crate::units::Metres;

use super::output::print;
use super::sources::load;
use super::Exit;

/// One row of the listing.
#[derive(Debug, Serialize)]
pub struct NearSchool {
    pub urn: Urn,
    pub name: String,
    pub straight_line_mi: String,
    pub walking_mi: Option<String>,
    pub driven_mi: Option<String>,
    pub in_catchment: bool,
    pub has_places: bool,
    pub religious_character: Option<String>,
}

/// Runs `schools near`.
pub fn near(args: NearArgs) -> Result<Exit> {
    let mut fields: Vec<(&str, String)> = vec![
        ("id", "NEAR".into()),
        ("year_group", args.year.clone()),
        ("school_urn", "0".into()),
    ];
    fields.extend(args.home.fields());
    if let Some(sex) = &args.sex {
        fields.push(("sex", sex.clone()));
    }
    if args.selective_qualified {
        fields.push(("selective_qualified", "yes".into()));
    }
    let loaded = load(&args.sources)?;
    let case: Case = case_from_fields(
        |f| {
            fields
                .iter()
                .find(|(k, _)| *k == f)
                .map(|(_, v)| v.as_str())
        },
        &loaded.area.places,
    )
    .context("the location or year group given is not valid")?;
    let _: Option<Sex> = case.sex;
    let area = &loaded.area.area;
    let located = area.locate(
        case.home,
        case.access_point,
        &loaded.policy.policy.walk_start.rule(),
    );
    // A home the area does not cover has no nearest school worth listing (issue 9, item 5).
    area.check_placed(&located)
        .context("the schools near this home cannot be listed")?;
    // The schools `check` decides with: suitable for the year and sex (clause 1.1.7), never a
    // special school as a mainstream school (clause 1.1.2), catchments as the area rules read
    // them (clause 1.1.3). One function for both, so the list and a decision cannot disagree.
    let sets = SchoolSets::new(area, &loaded.policy.policy, &case);
    let (ranked, catchment) = (&sets.ranked, &sets.catchment);
    let mi = |m: f64| Metres(m).miles_3dp();
    let measure = |u: Urn, mode: Mode| -> Option<String> {
        match area.measure(&located, u, mode) {
            Ok(Some(m)) => Some(mi(m.length_m)),
            Ok(None) => Some("none".into()),
            Err(_) => None,
        }
    };
    let rows: Vec<NearSchool> = ranked
        .iter()
        .take(args.count)
        .filter_map(|(u, d)| {
            let s = area.school(*u)?;
            Some(NearSchool {
                urn: *u,
                name: s.name.clone(),
                straight_line_mi: mi(*d),
                walking_mi: measure(*u, Mode::Walk),
                driven_mi: measure(*u, Mode::Drive),
                in_catchment: catchment.contains(u),
                has_places: s.has_places,
                religious_character: s.religious_character.clone(),
            })
        })
        .collect();
    let mut s = String::new();
    match args.format {
        Format::Json => writeln!(s, "{}", serde_json::to_string_pretty(&rows)?)?,
        Format::Text => {
            writeln!(
                s,
                "Schools suitable for {} nearest ({:.0}, {:.0}), by straight line (clause 1.1.2):",
                case.year_group,
                case.home.x(),
                case.home.y()
            )?;
            writeln!(
                s,
                "{:>3}  {:>7}  {:<44} {:>9} {:>9} {:>9}  catchment",
                "#", "URN", "school", "straight", "walking", "driven"
            )?;
            for (i, r) in rows.iter().enumerate() {
                writeln!(
                    s,
                    "{:>3}  {:>7}  {:<44} {:>9} {:>9} {:>9}  {}",
                    i + 1,
                    r.urn.to_string(),
                    r.name.chars().take(44).collect::<String>(),
                    r.straight_line_mi,
                    r.walking_mi.as_deref().unwrap_or("-"),
                    r.driven_mi.as_deref().unwrap_or("-"),
                    if r.in_catchment { "yes" } else { "no" }
                )?;
            }
            writeln!(
                s,
                "(distances in miles; walking and driven to the nearest open entrance)"
            )?;
        }
    }
    print(s)?;
    Ok(Exit::Success)
}
