//! One application: the child, the home, the school and the family circumstances the policy asks
//! about. Built by the loaders in `crate::io` after validation; the engine trusts its types.

use serde::Serialize;

use crate::area::Urn;
use crate::policy::{Benefit, YearGroup};

/// The child's sex, used only to rule out single-sex schools (clause 1.1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// Parses `M`, `F`, `male`, `female`, `boy`, `girl` in any case.
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim().to_ascii_lowercase().as_str() {
            "m" | "male" | "boy" => Some(Sex::Male),
            "f" | "female" | "girl" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// An application, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: String,
    /// Home location, BNG metres.
    pub home: geo::Point<f64>,
    /// Where the property meets the adopted road, when known (clause 1.1.1).
    pub access_point: Option<geo::Point<f64>>,
    pub year_group: YearGroup,
    pub date_of_birth: Option<chrono::NaiveDate>,
    pub sex: Option<Sex>,
    pub school: Urn,
    pub free_school_meals: bool,
    pub max_working_tax_credit: bool,
    pub universal_credit: bool,
    pub faith: Option<String>,
    pub faith_evidence: u8,
    pub ehcp: bool,
    pub mobility_need: bool,
    pub child_in_care: bool,
    pub registered_disability: bool,
    pub medical_condition: bool,
    pub young_carer: bool,
    pub vulnerable: bool,
    pub dorset_resident: bool,
    pub hours_per_week: Option<f64>,
    pub days_per_week: Option<u8>,
    pub schools_without_places: Vec<Urn>,
}

impl Case {
    /// A case with only the required fields; every circumstance defaults to "no".
    pub fn new(id: &str, home: geo::Point<f64>, year_group: YearGroup, school: Urn) -> Case {
        Case {
            id: id.to_string(),
            home,
            access_point: None,
            year_group,
            date_of_birth: None,
            sex: None,
            school,
            free_school_meals: false,
            max_working_tax_credit: false,
            universal_credit: false,
            faith: None,
            faith_evidence: 0,
            ehcp: false,
            mobility_need: false,
            child_in_care: false,
            registered_disability: false,
            medical_condition: false,
            young_carer: false,
            vulnerable: false,
            dorset_resident: true,
            hours_per_week: None,
            days_per_week: None,
            schools_without_places: Vec::new(),
        }
    }

    /// Whether the family receives the given benefit.
    pub fn receives(&self, b: Benefit) -> bool {
        match b {
            Benefit::FreeSchoolMeals => self.free_school_meals,
            Benefit::MaxWorkingTaxCredit => self.max_working_tax_credit,
            Benefit::UniversalCredit => self.universal_credit,
        }
    }
}
