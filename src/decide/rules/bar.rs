//! Recorded circumstances under which the policy provides no transport support, whatever the
//! other rules say: clause 1.1.8, "The LA will not provide transport support for children who
//! have been displaced from their home because of family related issues".

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::Reason;
use crate::policy::Flag;

use super::{toml_name, Form, Head, Notes};
use super::{Finding, Verdict};

/// A recorded circumstance under which the clause says no transport support is provided,
/// whatever other rules say (e.g. clause 1.1.8, children displaced by family issues).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bar {
    #[serde(flatten)]
    pub head: Head,
    pub when: Flag,
}

impl Form for Bar {
    fn summary(&self) -> String {
        format!(
            "{}: not eligible (basis {})",
            toml_name(&self.when),
            self.head.basis.as_str()
        )
    }

    fn apply(&self, ctx: &Ctx, _notes: &mut Notes) -> Result<Finding, DecideError> {
        Ok(apply(self, ctx))
    }
}

/// Bars the case when the circumstance is recorded.
fn apply(rule: &Bar, ctx: &Ctx) -> Finding {
    if !ctx.case.flag(rule.when) {
        return Finding::not_applicable();
    }
    Finding {
        verdict: Verdict::Bar {
            basis: rule.head.basis.clone(),
            clause: rule.head.cite.clause.clone(),
        },
        reasons: vec![Reason {
            clause: rule.head.cite.clause.clone(),
            text: format!("No transport support: \"{}\"", rule.head.cite.quote),
            figures: None,
        }],
    }
}
