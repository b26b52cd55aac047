//! Circumstances that leave eligibility as it is but which the officer must weigh when the
//! transport is arranged: clause 1.1.13, young carers who receive transport support "may be
//! considered for alternative methods of transport".

use crate::decide::context::Ctx;
use crate::policy::Note;

use super::Finding;
use super::Notes;

/// Adds the clause's note as a warning when the circumstance is on the case.
pub fn apply(rule: &Note, ctx: &Ctx, notes: &mut Notes) -> Finding {
    if ctx.case.flag(rule.when) {
        notes.warn(format!(
            "clause {}: {} (\"{}\")",
            rule.cite.clause, rule.text, rule.cite.quote
        ));
    }
    Finding::not_applicable()
}
