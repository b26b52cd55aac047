//! Area specific rules (clause 1.1.3): named places and schools where the catchment or "nearest"
//! test is read differently. Each `[[area_rule]]` has a `form` the code knows, and each form is a
//! variant carrying exactly the fields it needs, so a rule missing one is refused by the TOML
//! reader with the field's name, file and line; the towns, schools and year groups come from the
//! policy file.

use serde::{Deserialize, Serialize};

use super::{Cite, YearRange};

/// One area rule: the head every form shares, and its form.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "Written")]
pub struct AreaRule {
    pub id: String,
    #[serde(flatten)]
    pub cite: Cite,
    /// The year groups the rule applies to (all when absent).
    pub years: Option<YearRange>,
    /// What the rule does, with the fields that form needs (`form = "..."` in the file).
    #[serde(flatten)]
    pub form: AreaRuleForm,
}

/// An `[[area_rule]]` as written: tagged by `form`, each form with the shared head (`id`,
/// `clause`, `quote`, optional `years`) and its own fields, so that serde names a missing field
/// and refuses one the form does not have. The head is spelled out in each variant because serde
/// cannot refuse unknown fields next to a flattened struct or tagged enum; [`AreaRule`] is read
/// through this and holds the head once.
#[derive(Debug, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case", deny_unknown_fields)]
enum Written {
    NearestOfJointCatchment {
        id: String,
        clause: String,
        quote: String,
        years: Option<YearRange>,
        #[serde(deserialize_with = "non_empty")]
        catchment_name_contains: Vec<String>,
    },
    NearestProviding {
        id: String,
        clause: String,
        quote: String,
        years: Option<YearRange>,
        school_urn: u32,
        years_provided: YearRange,
    },
    CatchmentOf {
        id: String,
        clause: String,
        quote: String,
        years: Option<YearRange>,
        school_urn: u32,
        #[serde(deserialize_with = "non_empty")]
        catchments_of: Vec<u32>,
    },
}

impl From<Written> for AreaRule {
    fn from(w: Written) -> AreaRule {
        let rule = |id, clause, quote, years, form| AreaRule {
            id,
            cite: Cite { clause, quote },
            years,
            form,
        };
        match w {
            Written::NearestOfJointCatchment {
                id,
                clause,
                quote,
                years,
                catchment_name_contains,
            } => rule(
                id,
                clause,
                quote,
                years,
                AreaRuleForm::NearestOfJointCatchment {
                    catchment_name_contains,
                },
            ),
            Written::NearestProviding {
                id,
                clause,
                quote,
                years,
                school_urn,
                years_provided,
            } => rule(
                id,
                clause,
                quote,
                years,
                AreaRuleForm::NearestProviding {
                    school_urn,
                    years_provided,
                },
            ),
            Written::CatchmentOf {
                id,
                clause,
                quote,
                years,
                school_urn,
                catchments_of,
            } => rule(
                id,
                clause,
                quote,
                years,
                AreaRuleForm::CatchmentOf {
                    school_urn,
                    catchments_of,
                },
            ),
        }
    }
}

/// The forms of area rule, tagged by `form` in the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum AreaRuleForm {
    /// In a joint catchment whose name contains one of `catchment_name_contains`, only the
    /// nearest (straight line) of its schools counts as the catchment school, for `years`.
    NearestOfJointCatchment {
        catchment_name_contains: Vec<String>,
    },
    /// `school_urn` counts as the nearest school only when it is the nearest suitable school
    /// providing every year in `years_provided` (the Dorset Studio School and KS4).
    NearestProviding {
        school_urn: u32,
        years_provided: YearRange,
    },
    /// `school_urn`'s catchment (its transport priority area) is the union of the catchments of
    /// the schools in `catchments_of` (The Swanage School).
    CatchmentOf {
        school_urn: u32,
        catchments_of: Vec<u32>,
    },
}

/// A list a form needs at least one item of: an empty one would make the rule do nothing.
fn non_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let v = Vec::<T>::deserialize(d)?;
    if v.is_empty() {
        return Err(serde::de::Error::custom(
            "is empty; the form needs at least one item",
        ));
    }
    Ok(v)
}

impl AreaRuleForm {
    /// The form's name in `policy show` (its variant name).
    pub fn name(&self) -> &'static str {
        match self {
            AreaRuleForm::NearestOfJointCatchment { .. } => "NearestOfJointCatchment",
            AreaRuleForm::NearestProviding { .. } => "NearestProviding",
            AreaRuleForm::CatchmentOf { .. } => "CatchmentOf",
        }
    }
}

impl AreaRule {
    /// The rule as `policy show` lists it, e.g. `[1.1.3] area rule dorset-studio-school
    /// (NearestProviding): school 140977 nearest of the schools providing Year 10 to Year 11`.
    pub fn describe(&self) -> String {
        let what = match &self.form {
            AreaRuleForm::NearestOfJointCatchment {
                catchment_name_contains,
            } => format!(
                ": joint catchments named {}",
                catchment_name_contains.join(", ")
            ),
            AreaRuleForm::NearestProviding {
                school_urn,
                years_provided,
            } => format!(": school {school_urn} nearest of the schools providing {years_provided}"),
            AreaRuleForm::CatchmentOf {
                school_urn,
                catchments_of,
            } => format!(
                ": school {school_urn} has the catchments of {}",
                catchments_of
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        format!(
            "[{}] area rule {} ({}{}){what}",
            self.cite.clause,
            self.id,
            self.form.name(),
            self.years.map(|y| format!(", {y}")).unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Doc {
        area_rule: Vec<AreaRule>,
    }

    fn rule(body: &str) -> Result<AreaRule, String> {
        let text = format!("[[area_rule]]\nid = \"r\"\nclause = \"1.1.3\"\nquote = \"q\"\n{body}");
        toml::from_str::<Doc>(&text)
            .map(|mut d| d.area_rule.remove(0))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn each_form_has_its_fields_and_a_missing_one_is_named() {
        let r = rule("form = \"catchment_of\"\nschool_urn = 1\ncatchments_of = [2, 3]\n").unwrap();
        assert_eq!(
            r.form,
            AreaRuleForm::CatchmentOf {
                school_urn: 1,
                catchments_of: vec![2, 3]
            }
        );
        assert_eq!(r.years, None);
        let e = rule("form = \"catchment_of\"\nschool_urn = 1\n").unwrap_err();
        assert!(e.contains("missing field `catchments_of`"), "{e}");
        let e = rule("form = \"nearest_providing\"\nyears_provided = \"Y10-Y11\"\n").unwrap_err();
        assert!(e.contains("missing field `school_urn`"), "{e}");
        let e = rule("form = \"nearest_of_joint_catchment\"\ncatchment_name_contains = []\n")
            .unwrap_err();
        assert!(e.contains("is empty"), "{e}");
        let e = rule("form = \"nearest_of_everything\"\n").unwrap_err();
        assert!(e.contains("nearest_of_everything"), "{e}");
        let e = rule(
            "form = \"catchment_of\"\nschool_urn = 1\ncatchments_of = [2]\ncatchment_off = 3\n",
        )
        .unwrap_err();
        assert!(e.contains("catchment_off"), "{e}");
        let e = rule("form = \"catchment_of\"\nschool_urn = 1\ncatchments_of = [2]\nyears_provided = \"Y10\"\n")
            .unwrap_err();
        assert!(e.contains("years_provided"), "{e}");
        let e = rule("school_urn = 1\n").unwrap_err();
        assert!(e.contains("form"), "{e}");
    }
}
