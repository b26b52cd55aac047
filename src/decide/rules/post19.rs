//! Post-19 transport (Post-16 policy section 5): under section 508F of the Education Act 1996,
//! where the council considers travel assistance necessary for a young person aged 19-25 (as the
//! Section 139a assessment or EHCP highlights), it provides free travel assistance. Age is taken
//! on the day before the academic year the policy names for section 3 (31 August); the officer
//! records whether the plan highlights the necessity.

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::{Finding as Needed, YearRange};

use super::post16_assistance::{age_on, last_before};
use super::recorded::{finding, finding_reason};
use super::{toml_name, Form, Head, Notes};
use super::{Finding, Verdict};

/// Post-19 transport (Appendix B section 5): free travel assistance for 19-25 year olds whose
/// EHCP makes it necessary.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post19 {
    #[serde(flatten)]
    pub head: Head,
    pub years: YearRange,
    /// Inclusive age range ("between 19-25").
    #[serde(deserialize_with = "crate::policy::ranges::age")]
    pub from_age: u8,
    #[serde(deserialize_with = "crate::policy::ranges::age")]
    pub to_age: u8,
    /// The day and month on which age is taken, the last before the academic year.
    #[serde(deserialize_with = "crate::policy::ranges::month")]
    pub on_month: u32,
    #[serde(deserialize_with = "crate::policy::ranges::day")]
    pub on_day: u32,
    pub age_date_quote: String,
    pub necessity: Needed,
}

impl Form for Post19 {
    fn summary(&self) -> String {
        format!(
            "{}: aged {}-{} on {:02}-{:02} with an EHCP; records {}: free",
            self.years,
            self.from_age,
            self.to_age,
            self.on_day,
            self.on_month,
            toml_name(&self.necessity.field)
        )
    }

    fn apply(&self, ctx: &Ctx, _notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx)
    }
}

/// Applies section 5.
fn apply(rule: &Post19, ctx: &Ctx) -> Result<Finding, DecideError> {
    let case = ctx.case;
    if !rule.years.contains(case.year_group) || !case.ehcp {
        return Ok(Finding::not_applicable());
    }
    let clause = rule.head.cite.clause.as_str();
    let dob = case
        .date_of_birth
        .ok_or_else(|| DecideError::MissingInput {
            field: "date_of_birth",
            clause: clause.to_string(),
        })?;
    let on = last_before(ctx.policy.meta.starts, rule.on_month, rule.on_day).ok_or_else(|| {
        DecideError::MissingInput {
            field: "a valid age date in the policy",
            clause: clause.to_string(),
        }
    })?;
    let age = age_on(dob, on);
    let (from, to) = (i32::from(rule.from_age), i32::from(rule.to_age));
    if age < from || age > to {
        return Ok(Finding::not_applicable());
    }
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!(
            "Aged {age} on {on} ({}), within {from}-{to} with an EHCP: \"{}\"",
            rule.age_date_quote, rule.head.cite.quote
        ),
        figures: Some(format!("age {age} >= {from} and <= {to}")),
    }];
    let value = case.recorded(rule.necessity.field);
    reasons.push(finding_reason(clause, &rule.necessity, value));
    // Not highlighted: section 5 does not apply (section 3 may still); not yet recorded: an
    // officer must look, unless another rule (the section 3 extension to 25) already decides.
    let verdict = match value {
        Some(true) => Verdict::Eligible {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
            threshold: None,
        },
        Some(false) => Verdict::NotApplicable,
        None => Verdict::Refer {
            basis: rule.head.basis.clone(),
            clause: clause.to_string(),
        },
    };
    Ok(finding(verdict, reasons))
}
