//! Which schools qualify: suitability (clause 1.1.7), catchment and straight-line nearest
//! (clause 1.1.2), the N nearest with places (clause 1.1.4), the nearest of a religion or belief
//! (clause 1.1.15).

use super::Policy;
use crate::area::{Area, Gender, School, Urn};
use crate::policy::{AreaRule, AreaRuleForm, Suitability, YearRange};
use crate::units::Metres;

use super::case::{Case, Sex};
use super::decision::Reason;

/// Whether a child of this year group (and sex, when known) could physically attend the school:
/// its statutory age range covers the year, it admits the child's sex, it is not of an excluded
/// establishment type, and, if it is selective, the child has qualified for it (clause 1.1.7).
pub fn suitable(rules: &Suitability, school: &School, case: &Case) -> bool {
    let age = case.year_group.age_reached();
    let ages_fit = i16::from(school.low_age) < age && age <= i16::from(school.high_age);
    let sex_fits = !rules.respect_single_sex
        || !matches!(
            (school.gender, case.sex),
            (Gender::Boys, Some(Sex::Female)) | (Gender::Girls, Some(Sex::Male))
        );
    let type_fits = !rules
        .exclude_establishment_types_containing
        .iter()
        .any(|w| crate::policy::contains_ignore_case(&school.establishment_type, w));
    ages_fit && sex_fits && type_fits && !selective_barred(rules, school, case)
}

/// Whether a selective school is unsuitable for this child: the policy says a child must have
/// qualified for it, and the case does not record that the child has (clause 1.1.7). The school
/// applied for is the exception when nothing is recorded: a child applying for transport to a
/// grammar school holds a place there, so has qualified for it; `selective_qualified = no` still
/// says otherwise.
fn selective_barred(rules: &Suitability, school: &School, case: &Case) -> bool {
    let qualified = match case.selective_qualified {
        Some(q) => q,
        None => school.urn == case.school,
    };
    rules.selective_needs_qualification && school.selective && !qualified
}

/// Whether the school's religious character includes the family's stated religion or belief
/// (joint schools such as "Roman Catholic/Church of England" match either).
pub fn of_faith(school: &School, faith: &str) -> bool {
    let want = faith.trim().to_lowercase();
    school.religious_character.as_deref().is_some_and(|rc| {
        rc.to_lowercase()
            .split(['/', ';', ','])
            .any(|part| part.trim() == want)
    })
}

/// Suitable schools ordered by straight-line distance from the home (ties by URN), with the
/// distance in metres.
fn by_straight_line(area: &Area, rules: &Suitability, case: &Case) -> Vec<(Urn, f64)> {
    let mut v: Vec<(Urn, f64)> = area
        .schools()
        .iter()
        .filter(|s| suitable(rules, s, case))
        .map(|s| (s.urn, area.straight_line_m(case.home, s)))
        .collect();
    // Unstable is as good: no two entries are equal (URNs are unique).
    v.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    v
}

/// Schools with their straight-line distance, nearest first.
type Ranked = Vec<(Urn, f64)>;

/// The qualifying school sets for one case, worked out once.
#[derive(Debug, Clone)]
pub struct SchoolSets {
    /// Suitable schools whose catchment contains the home (as the area rules of clause 1.1.3
    /// read it).
    pub catchment: Vec<Urn>,
    /// Suitable mainstream schools (never a special school, clause 1.1.2) by straight-line
    /// distance: what "nearest" means in every rule, and what `schools near` lists.
    pub ranked: Vec<(Urn, f64)>,
    /// Schools whose "nearest" an area rule decides (clause 1.1.3): (school, is the nearest).
    pub nearest_by_rule: Vec<(Urn, bool)>,
    /// What the area rules did, by the school it concerns, for the reasons of a decision.
    pub area_notes: Vec<(Urn, Reason)>,
    /// Schools passed over that would otherwise have been the nearest (a selective school the
    /// child has not qualified for, clause 1.1.7), for the reasons of every decision.
    pub passed_over: Vec<Reason>,
}

/// Clause 1.1.2 for a child with an EHCP: a special school counts as "nearest" when it is the
/// closest appropriate special school (the nearest suitable special school by straight line,
/// unless the SEN team records otherwise); a base provision when the SEN team records it as the
/// closest appropriate one.
fn ehcp_provision(
    e: &crate::policy::EhcpProvision,
    area: &Area,
    case: &Case,
    special_ranked: &[(Urn, f64)],
    nearest_by_rule: &mut Vec<(Urn, bool)>,
    notes: &mut Vec<(Urn, Reason)>,
) {
    let target = case.school;
    let Some(school) = area.school(target) else {
        return;
    };
    let name = |u: Urn| area.school(u).map_or(u.to_string(), |s| s.name.clone());
    let recorded = case.closest_appropriate_provision;
    let note = |text: String| Reason {
        clause: e.cite.clause.clone(),
        text,
        figures: None,
    };
    if e.is_special(&school.establishment_type) {
        let least = special_ranked.first().map_or(f64::INFINITY, |p| p.1);
        let nearest: Vec<Urn> = special_ranked
            .iter()
            .take_while(|(_, d)| *d == least)
            .map(|(u, _)| *u)
            .collect();
        let is_nearest = nearest.contains(&target);
        let is = recorded.unwrap_or(is_nearest);
        nearest_by_rule.push((target, is));
        let nearest_names: Vec<String> = nearest.iter().map(|u| name(*u)).collect();
        let text = match recorded {
            Some(true) => format!(
                "{} is recorded by the SEN team as the closest appropriate special school for \
                 the child's needs.",
                school.name
            ),
            Some(false) => format!(
                "{} is recorded by the SEN team as not the closest appropriate special school \
                 for the child's needs.",
                school.name
            ),
            None => format!(
                "The nearest suitable special school by straight line is {}; {} {} it (the SEN \
                 team may record another as the closest appropriate for the child's needs: \
                 closest_appropriate_provision).",
                if nearest_names.is_empty() {
                    "none".to_string()
                } else {
                    nearest_names.join(", ")
                },
                school.name,
                if is_nearest { "is" } else { "is not" }
            ),
        };
        notes.push((target, note(text)));
    } else if case.base_provision {
        if recorded == Some(true) {
            nearest_by_rule.push((target, true));
        }
        notes.push((
            target,
            note(match recorded {
                Some(true) => format!(
                    "The child attends the base provision at {}, recorded by the SEN team as the \
                     closest appropriate base provision.",
                    school.name
                ),
                Some(false) => format!(
                    "The base provision at {} is recorded as not the closest appropriate one: \
                     the school qualifies only as a catchment or nearest mainstream school.",
                    school.name
                ),
                None => format!(
                    "Whether the base provision at {} is the closest appropriate one is not \
                     recorded (closest_appropriate_provision): until it is, the school qualifies \
                     only as a catchment or nearest mainstream school.",
                    school.name
                ),
            }),
        ));
    }
}

/// Whether the school's statutory age range covers every year of the range (clause 1.1.3: a
/// school "providing KS4 provision (year 10 and 11)").
fn provides(school: &School, years: YearRange) -> bool {
    i16::from(school.low_age) < years.first.age_reached()
        && years.last.age_reached() <= i16::from(school.high_age)
}

/// The selective schools nearer than the nearest suitable school that the child has not
/// qualified for, as a reason: a decision that passed one over says so (clause 1.1.7).
fn selective_passed_over(
    area: &Area,
    policy: &Policy,
    case: &Case,
    ranked: &[(Urn, f64)],
    special: &dyn Fn(&School) -> bool,
) -> Vec<Reason> {
    let rules = &policy.suitable_schools;
    // Runs for every case of a batch: nothing to look for in most areas and policies.
    if !rules.selective_needs_qualification
        || case.selective_qualified == Some(true)
        || !area.schools().iter().any(|s| s.selective)
    {
        return Vec::new();
    }
    let nearest = ranked
        .iter()
        .find(|(u, _)| area.school(*u).is_some_and(|s| !special(s)))
        .map_or(f64::INFINITY, |(_, d)| *d);
    let qualified = Case {
        selective_qualified: Some(true),
        ..case.clone()
    };
    let mut skipped: Vec<(f64, &School)> = area
        .schools()
        .iter()
        .filter(|s| selective_barred(rules, s, case) && suitable(rules, s, &qualified))
        .filter(|s| !special(s))
        .map(|s| (area.straight_line_m(case.home, s), s))
        .filter(|(d, _)| *d < nearest)
        .collect();
    skipped.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.urn.cmp(&b.1.urn)));
    skipped
        .into_iter()
        .map(|(d, s)| Reason {
            clause: rules.cite.clause.clone(),
            text: format!(
                "{} ({} mi by straight line) is a selective school and the child is not \
                 recorded as qualifying for it (selective_qualified), so it is not a suitable \
                 school for this child and not the nearest.",
                s.name,
                Metres(d).miles_3dp()
            ),
            figures: None,
        })
        .collect()
}

impl SchoolSets {
    /// Works out the sets for a case, applying the policy's area rules (clause 1.1.3).
    pub fn new(area: &Area, policy: &Policy, case: &Case) -> SchoolSets {
        let rules = &policy.suitable_schools;
        // Clause 1.1.2: special schools serve only children with an EHCP, and never as their
        // catchment or nearest mainstream school.
        let special = |s: &School| {
            policy
                .ehcp_provision
                .as_ref()
                .is_some_and(|e| e.is_special(&s.establishment_type))
        };
        let fits = |u: &Urn| {
            area.school(*u)
                .is_some_and(|s| suitable(rules, s, case) && !special(s))
        };
        let straight = |u: Urn| {
            area.school(u)
                .map_or(f64::INFINITY, |s| area.straight_line_m(case.home, s))
        };
        let applies = |r: &&AreaRule| r.years.is_none_or(|y| y.contains(case.year_group));
        let mut notes: Vec<(Urn, Reason)> = Vec::new();
        let mut catchment: Vec<Urn> = Vec::new();
        // The catchments are looked up once: the R-tree and point-in-polygon tests run for every
        // case of a batch.
        let home_in = area.catchments_at(case.home);
        // Clause 1.1.3: in the towns a joint-catchment rule names, the home's catchment schools
        // form one joint catchment, whether one polygon names several schools or several
        // polygons (one school each) overlap at the home; only the nearest of them counts.
        let joint_rule_of = |c: &&crate::area::Catchment| {
            policy.area_rules.iter().filter(applies).find(|r| {
                matches!(&r.form, AreaRuleForm::NearestOfJointCatchment { catchment_name_contains }
                    if catchment_name_contains
                        .iter()
                        .any(|t| c.name.to_lowercase().contains(&t.to_lowercase())))
            })
        };
        let mut joint: Vec<(&AreaRule, Vec<&crate::area::Catchment>)> = Vec::new();
        for c in &home_in {
            match joint_rule_of(c) {
                Some(r) => match joint.iter_mut().find(|(jr, _)| jr.id == r.id) {
                    Some((_, cs)) => cs.push(c),
                    None => joint.push((r, vec![c])),
                },
                None => catchment.extend(c.schools.iter().copied().filter(fits)),
            }
        }
        for (r, cs) in joint {
            let mut schools: Vec<Urn> = Vec::new();
            for u in cs
                .iter()
                .flat_map(|c| c.schools.iter().copied())
                .filter(fits)
            {
                if !schools.contains(&u) {
                    schools.push(u);
                }
            }
            if schools.len() > 1 {
                let least = schools
                    .iter()
                    .map(|u| straight(*u))
                    .fold(f64::INFINITY, f64::min);
                let (kept, dropped): (Vec<Urn>, Vec<Urn>) =
                    schools.iter().partition(|u| straight(**u) == least);
                let name = |u: &Urn| area.school(*u).map_or(u.to_string(), |s| s.name.clone());
                let kept_names: Vec<String> = kept.iter().map(name).collect();
                let catchment_names: Vec<&str> = cs.iter().map(|c| c.name.as_str()).collect();
                for u in &schools {
                    notes.push((
                        *u,
                        Reason {
                            clause: r.cite.clause.clone(),
                            text: format!(
                                "The home is in a joint catchment ({}): transport is provided \
                                 only to the nearest catchment school, {} ({} by straight \
                                 line){}.",
                                catchment_names.join("; "),
                                kept_names.join(", "),
                                Metres(least).miles_3dp() + " mi",
                                if dropped.is_empty() {
                                    String::new()
                                } else {
                                    format!(
                                        "; {} does not count as a catchment school",
                                        dropped.iter().map(name).collect::<Vec<_>>().join(", ")
                                    )
                                }
                            ),
                            figures: None,
                        },
                    ));
                }
                schools = kept;
            }
            catchment.extend(schools);
        }
        let home_catchments: Vec<Urn> = home_in
            .iter()
            .flat_map(|c| c.schools.iter().copied())
            .collect();
        for r in policy.area_rules.iter().filter(applies) {
            let AreaRuleForm::CatchmentOf {
                school_urn,
                catchments_of,
            } = &r.form
            else {
                continue;
            };
            let target = Urn(*school_urn);
            if !fits(&target) {
                continue;
            }
            if let Some(via) = catchments_of
                .iter()
                .map(|u| Urn(*u))
                .find(|u| home_catchments.contains(u))
            {
                catchment.push(target);
                let name = area.school(via).map_or(via.to_string(), |s| s.name.clone());
                notes.push((
                    target,
                    Reason {
                        clause: r.cite.clause.clone(),
                        text: format!(
                            "The home is in the catchment of {name}, part of the transport \
                             priority area of {}: it counts as the catchment school.",
                            area.school(target)
                                .map_or(String::new(), |s| s.name.clone())
                        ),
                        figures: None,
                    },
                ));
            }
        }
        catchment.sort();
        catchment.dedup();
        let all_ranked = by_straight_line(area, rules, case);
        let passed_over = selective_passed_over(area, policy, case, &all_ranked, &special);
        let (special_ranked, ranked): (Ranked, Ranked) = all_ranked
            .into_iter()
            .partition(|(u, _)| area.school(*u).is_some_and(special));
        let mut nearest_by_rule = Vec::new();
        if let (Some(e), true) = (&policy.ehcp_provision, case.ehcp) {
            ehcp_provision(
                e,
                area,
                case,
                &special_ranked,
                &mut nearest_by_rule,
                &mut notes,
            );
        }
        for r in policy.area_rules.iter().filter(applies) {
            let AreaRuleForm::NearestProviding {
                school_urn,
                years_provided: years,
            } = r.form
            else {
                continue;
            };
            let target = Urn(school_urn);
            if !fits(&target) {
                continue;
            }
            let providing: Vec<(Urn, f64)> = ranked
                .iter()
                .filter(|(u, _)| area.school(*u).is_some_and(|s| provides(s, years)))
                .copied()
                .collect();
            let least = providing.first().map_or(f64::INFINITY, |p| p.1);
            let is = providing
                .iter()
                .take_while(|(_, d)| *d == least)
                .any(|(u, _)| *u == target);
            nearest_by_rule.push((target, is));
            let first = providing
                .first()
                .and_then(|(u, _)| area.school(*u))
                .map_or("none".to_string(), |s| s.name.clone());
            notes.push((
                target,
                Reason {
                    clause: r.cite.clause.clone(),
                    text: format!(
                        "{} counts as the nearest school only if it is the nearest school \
                         providing {years}: the nearest such school is {first}, so it {}.",
                        area.school(target)
                            .map_or(String::new(), |s| s.name.clone()),
                        if is { "does" } else { "does not" }
                    ),
                    figures: None,
                },
            ));
        }
        SchoolSets {
            catchment,
            ranked,
            nearest_by_rule,
            area_notes: notes,
            passed_over,
        }
    }

    /// The straight-line nearest suitable school (clause 1.1.2); of equally near schools, the
    /// lowest URN (use [`SchoolSets::is_nearest`] to ask about a particular school).
    pub fn nearest(&self) -> Option<Urn> {
        self.ranked.first().map(|(u, _)| *u)
    }

    /// Whether the school is the nearest suitable school, or as near as it: the policy gives no
    /// tie-break, so every school at the least straight-line distance counts as the nearest.
    pub fn is_nearest(&self, urn: Urn) -> bool {
        if let Some((_, is)) = self.nearest_by_rule.iter().find(|(u, _)| *u == urn) {
            return *is;
        }
        let Some(&(_, least)) = self.ranked.first() else {
            return false;
        };
        self.ranked
            .iter()
            .take_while(|(_, d)| *d == least)
            .any(|(u, _)| *u == urn)
    }

    /// Whether the school is a catchment school or the nearest.
    pub fn is_catchment_or_nearest(&self, urn: Urn) -> bool {
        self.catchment.contains(&urn) || self.is_nearest(urn)
    }

    /// The `n` nearest suitable schools with places for this child (clause 1.1.4).
    pub fn nearest_with_places(&self, area: &Area, case: &Case, n: usize) -> Vec<Urn> {
        self.ranked
            .iter()
            .filter(|(u, _)| {
                area.school(*u).is_some_and(|s| s.has_places)
                    && !case.schools_without_places.contains(u)
            })
            .take(n)
            .map(|(u, _)| *u)
            .collect()
    }

    /// The nearest suitable school of the family's religion or belief (clause 1.1.15).
    pub fn nearest_of_faith(&self, area: &Area, faith: &str) -> Option<Urn> {
        self.ranked
            .iter()
            .find(|(u, _)| area.school(*u).is_some_and(|s| of_faith(s, faith)))
            .map(|(u, _)| *u)
    }
}
