//! Area specific rules (clause 1.1.3): named places and schools where the catchment or "nearest"
//! test is read differently. Each `[[area_rule]]` has a form the code knows; the towns, schools
//! and year groups come from the policy file.

use serde::{Deserialize, Serialize};

use super::{Cite, PolicyError, YearRange};

/// The forms of area rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaRuleForm {
    /// In a joint catchment whose name contains one of `catchment_name_contains`, only the
    /// nearest (straight line) of its schools counts as the catchment school, for `years`.
    NearestOfJointCatchment,
    /// `school_urn` counts as the nearest school only when it is the nearest suitable school
    /// providing every year in `years_provided` (the Dorset Studio School and KS4).
    NearestProviding,
    /// `school_urn`'s catchment (its transport priority area) is the union of the catchments of
    /// the schools in `catchments_of` (The Swanage School).
    CatchmentOf,
}

/// One area rule as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaRule {
    pub id: String,
    #[serde(flatten)]
    pub cite: Cite,
    pub form: AreaRuleForm,
    /// The year groups the rule applies to (all when absent).
    pub years: Option<YearRange>,
    #[serde(default)]
    pub catchment_name_contains: Vec<String>,
    pub school_urn: Option<u32>,
    pub years_provided: Option<YearRange>,
    #[serde(default)]
    pub catchments_of: Vec<u32>,
}

impl AreaRule {
    /// Checks that the fields the form needs are given.
    pub(crate) fn check(&self) -> Result<(), PolicyError> {
        let missing = |what: &str| {
            Err(PolicyError::AreaRule {
                id: self.id.clone(),
                message: format!("the {:?} form needs {what}", self.form),
            })
        };
        match self.form {
            AreaRuleForm::NearestOfJointCatchment if self.catchment_name_contains.is_empty() => {
                missing("catchment_name_contains")
            }
            AreaRuleForm::NearestProviding
                if self.school_urn.is_none() || self.years_provided.is_none() =>
            {
                missing("school_urn and years_provided")
            }
            AreaRuleForm::CatchmentOf
                if self.school_urn.is_none() || self.catchments_of.is_empty() =>
            {
                missing("school_urn and catchments_of")
            }
            _ => Ok(()),
        }
    }
}
