//! Circumstances that leave eligibility as it is but which the officer must weigh when the
//! transport is arranged: clause 1.1.13, young carers who receive transport support "may be
//! considered for alternative methods of transport".

use serde::{Deserialize, Serialize};

use crate::decide::context::{Ctx, DecideError};
use crate::policy::Flag;

use super::Finding;
use super::{toml_name, Form, NoteHead, Notes};

/// A circumstance that changes nothing about eligibility but which the officer must be told of
/// (clause 1.1.13, young carers): a warning on the decision.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    #[serde(flatten)]
    pub head: NoteHead,
    pub when: Flag,
    pub text: String,
}

impl Form for Note {
    fn summary(&self) -> String {
        format!("{}: note for the officer", toml_name(&self.when))
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        Ok(apply(self, ctx, notes))
    }
}

/// Adds the clause's note as a warning when the circumstance is on the case.
fn apply(rule: &Note, ctx: &Ctx, notes: &mut Notes) -> Finding {
    if ctx.case.flag(rule.when) {
        notes.warn(format!(
            "clause {}: {} (\"{}\")",
            rule.head.cite.clause, rule.text, rule.head.cite.quote
        ));
    }
    Finding::not_applicable()
}
