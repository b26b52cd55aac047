//! A case whose `sex` is blank (clause 1.1.7). A single-sex school is suitable only for its own
//! sex, so the schools that count (catchment schools, the nearest school, the nearest with
//! places, the nearest of the family's religion or belief) may depend on the child's sex. Where
//! they do not, the case is decided as given. Where they do, it is decided for a boy and for a
//! girl: the same decision either way stands (with a warning naming the schools); different
//! decisions send the case to an officer, naming the field and the schools it affects, rather
//! than deciding silently as if every single-sex school suited the child.

use super::rules::Rule;
use super::Policy;
use crate::area::{Area, Gender, Urn};
use crate::policy::{Requirement, SchoolSet};

use super::case::{Case, Sex};
use super::context::{Ctx, DecideError};
use super::decision::{Decision, Reason};
use super::schools::SchoolSets;
use super::two_readings::{refer_to_officer, same_decision, summary};

/// One set of schools the rules may count, for one sex: what it is, and its schools.
type Counted = Vec<(String, Vec<Urn>)>;

/// The sets of schools the policy's rules count for this case, as they come out for `sex`;
/// `low_income` says whether the low-income rules apply to the family.
fn counted(area: &Area, policy: &Policy, case: &Case, low_income: bool, sex: Sex) -> Counted {
    let case = Case {
        sex: Some(sex),
        ..case.clone()
    };
    let sets = SchoolSets::new(area, policy, &case);
    let year = case.year_group;
    let mut nearest: Vec<Urn> = sets
        .ranked
        .iter()
        .filter(|(u, _)| sets.is_nearest(*u))
        .map(|(u, _)| *u)
        .chain(
            sets.nearest_by_rule
                .iter()
                .filter(|(_, is)| *is)
                .map(|(u, _)| *u),
        )
        .collect();
    nearest.sort();
    nearest.dedup();
    let mut out = vec![
        (
            format!("catchment schools for {year}"),
            sets.catchment.clone(),
        ),
        (format!("nearest suitable school for {year}"), nearest),
    ];
    // Clauses 1.1.4 and 1.1.15: the N nearest with places and the nearest of the family's
    // religion or belief, as the distance rules this case can meet count them.
    let bands = policy
        .rules
        .iter()
        .filter_map(|r| match r {
            Rule::DistanceRule(d) => Some(d),
            _ => None,
        })
        .filter(|d| {
            d.requires.iter().all(|r| match r {
                Requirement::LowIncome => low_income,
                Requirement::Faith => case.faith.is_some(),
            })
        })
        .flat_map(|d| &d.bands)
        .filter(|b| b.years.contains(year));
    let mut counts: Vec<usize> = Vec::new();
    let mut faith_counted = false;
    for b in bands {
        match b.schools {
            SchoolSet::NearestWithPlaces => counts.extend(b.count),
            SchoolSet::NearestOfFaith => faith_counted = true,
            SchoolSet::CatchmentOrNearest => {}
        }
    }
    counts.sort_unstable();
    counts.dedup();
    for n in counts {
        out.push((
            format!("{n} nearest suitable schools with places for {year}"),
            sets.nearest_with_places(area, &case, n),
        ));
    }
    if let (true, Some(faith)) = (faith_counted, case.faith.as_deref()) {
        out.push((
            format!("nearest suitable {faith} school for {year}"),
            sets.nearest_of_faith(area, faith).into_iter().collect(),
        ));
    }
    out
}

/// Settles a case whose sex is blank: `d` is its decision as given (single-sex schools counted
/// as suitable), `decide` decides a copy of the case with the sex filled in.
pub(super) fn settle(
    ctx: &Ctx,
    d: Decision,
    decide: impl Fn(&Case) -> Result<Decision, DecideError>,
) -> Result<Decision, DecideError> {
    let (area, policy, case) = (ctx.area, ctx.policy, ctx.case);
    let single_sex = area.schools().iter().any(|s| s.gender != Gender::Mixed);
    if !single_sex || !policy.suitable_schools.respect_single_sex {
        return Ok(d);
    }
    let low_income = ctx.low_income().is_some();
    let boy = counted(area, policy, case, low_income, Sex::Male);
    let girl = counted(area, policy, case, low_income, Sex::Female);
    if boy == girl {
        return Ok(d);
    }
    let names = |us: &[Urn]| ctx.school_names(us);
    let mut differences: Vec<String> = Vec::new();
    let mut affected: Vec<Urn> = Vec::new();
    for ((what, b), (_, g)) in boy.iter().zip(&girl) {
        if b == g {
            continue;
        }
        differences.push(format!(
            "{what}: {} for a boy, {} for a girl",
            names(b),
            names(g)
        ));
        affected.extend(b.iter().filter(|u| !g.contains(u)));
        affected.extend(g.iter().filter(|u| !b.contains(u)));
    }
    affected.sort();
    affected.dedup();
    let differences = differences.join("; ");
    let with_sex = |sex: Sex| {
        decide(&Case {
            sex: Some(sex),
            ..case.clone()
        })
    };
    let (as_boy, as_girl) = (with_sex(Sex::Male)?, with_sex(Sex::Female)?);
    let clause = policy.suitable_schools.cite.clause.clone();
    if same_decision(&as_boy, &as_girl) {
        // The decision does not turn on the sex; say which schools did.
        let mut out = if same_decision(&d, &as_boy) {
            d
        } else {
            as_boy
        };
        out.warnings.push(format!(
            "sex is blank and changes which schools count (clause {clause}: {differences}); the \
             decision is the same for a boy and a girl"
        ));
        return Ok(out);
    }
    let reasons = vec![
        Reason {
            clause: clause.clone(),
            text: format!(
                "The child's sex is not given (field sex), and a single-sex school is suitable \
                 only for its own sex, so it changes which schools count: {differences}. The \
                 schools affected: {}. Record the child's sex and decide again.",
                names(&affected)
            ),
            figures: None,
        },
        Reason {
            clause: clause.clone(),
            text: format!(
                "Decided as for a boy: {}; as for a girl: {}.",
                summary(&as_boy),
                summary(&as_girl)
            ),
            figures: None,
        },
    ];
    Ok(refer_to_officer(
        ctx,
        d,
        clause,
        reasons,
        [&as_boy, &as_girl],
    ))
}
