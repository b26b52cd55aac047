//! Which schools qualify: suitability (clause 1.1.7), catchment and straight-line nearest
//! (clause 1.1.2), the N nearest with places (clause 1.1.4), the nearest of a religion or belief
//! (clause 1.1.15).

use crate::area::{Area, Gender, School, Urn};
use crate::policy::{Suitability, YearGroup};

use super::case::{Case, Sex};

/// Whether a child of this year group (and sex, when known) could physically attend the school:
/// its statutory age range covers the year, it admits the child's sex, and it is not of an
/// excluded establishment type (clause 1.1.7).
pub fn suitable(rules: &Suitability, school: &School, year: YearGroup, sex: Option<Sex>) -> bool {
    let age = year.age_reached();
    let ages_fit = i16::from(school.low_age) < age && age <= i16::from(school.high_age);
    let sex_fits = !rules.respect_single_sex
        || !matches!(
            (school.gender, sex),
            (Gender::Boys, Some(Sex::Female)) | (Gender::Girls, Some(Sex::Male))
        );
    let ty = school.establishment_type.to_lowercase();
    let type_fits = !rules
        .exclude_establishment_types_containing
        .iter()
        .any(|w| ty.contains(&w.to_lowercase()));
    ages_fit && sex_fits && type_fits
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
pub fn by_straight_line(area: &Area, rules: &Suitability, case: &Case) -> Vec<(Urn, f64)> {
    let mut v: Vec<(Urn, f64)> = area
        .schools()
        .iter()
        .filter(|s| suitable(rules, s, case.year_group, case.sex))
        .map(|s| (s.urn, area.straight_line_m(case.home, s)))
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    v
}

/// The qualifying school sets for one case, worked out once.
#[derive(Debug, Clone)]
pub struct SchoolSets {
    /// Suitable schools whose catchment contains the home.
    pub catchment: Vec<Urn>,
    /// Suitable schools by straight-line distance.
    pub ranked: Vec<(Urn, f64)>,
}

impl SchoolSets {
    /// Works out the sets for a case.
    pub fn new(area: &Area, rules: &Suitability, case: &Case) -> SchoolSets {
        let catchment = area
            .catchment_schools(case.home)
            .into_iter()
            .filter(|u| {
                area.school(*u)
                    .is_some_and(|s| suitable(rules, s, case.year_group, case.sex))
            })
            .collect();
        SchoolSets {
            catchment,
            ranked: by_straight_line(area, rules, case),
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
