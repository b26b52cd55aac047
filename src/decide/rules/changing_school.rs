//! Changing school for other reasons (clause 1.1.10): support after a parent's decision to
//! change schools is not approved unless the new school is the catchment/nearest school, or all
//! avenues of support at the current school have been pursued and the move is supported by the
//! Alternative Provision Team, the School Attendance Team or another professional. The officer
//! records that support (`move_supported`); the age/distance criteria then apply.

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::{Finding as Needed, SchoolSet};

use super::recorded::{age_distance, age_distance_finding, finding, finding_reason, unmet_finding};
use super::{toml_name, Form, Head, Notes};
use super::{Finding, Verdict};

/// Changing school for other reasons (clause 1.1.10).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangingSchool {
    #[serde(flatten)]
    pub head: Head,
    /// A transfer to one of these schools is approved on the usual rules.
    pub schools: SchoolSet,
    pub supported: Needed,
    pub age_distance: String,
}

impl Form for ChangingSchool {
    fn borrows(&self) -> Option<(&str, &'static str)> {
        Some((&self.age_distance, "distance_rule"))
    }

    fn summary(&self) -> String {
        format!(
            "to a {} school on the usual rules, else records {}; age/distance of {}",
            toml_name(&self.schools),
            toml_name(&self.supported.field),
            self.age_distance
        )
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx, notes)
    }
}

/// Applies clause 1.1.10.
fn apply(rule: &ChangingSchool, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
    if !ctx.case.changed_school {
        return Ok(Finding::not_applicable());
    }
    let clause = rule.head.cite.clause.as_str();
    let (accepted, why) = super::distance_rule::school_accepted(rule.schools, None, ctx);
    let mut reasons = vec![Reason {
        clause: clause.to_string(),
        text: format!("The parents decided to change school: {why}"),
        figures: None,
    }];
    if accepted {
        // The usual rules decide a transfer to the catchment/nearest school.
        return Ok(Finding {
            verdict: Verdict::NotApplicable,
            reasons,
        });
    }
    reasons.push(Reason {
        clause: clause.to_string(),
        text: format!("\"{}\"", rule.head.cite.quote),
        figures: None,
    });
    let value = ctx.case.move_supported;
    reasons.push(finding_reason(clause, &rule.supported, value));
    if let Some(v) = unmet_finding(value, rule.head.basis.clone(), clause) {
        return Ok(finding(v, reasons));
    }
    let Some(ad) = age_distance(&rule.age_distance, ctx, notes)? else {
        return Ok(Finding::not_applicable());
    };
    Ok(age_distance_finding(
        rule.head.basis.clone(),
        clause,
        ad,
        reasons,
    ))
}
