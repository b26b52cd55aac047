//! `schoolrun check`: decide one application and print the decision with its reasons.

use anyhow::{Context, Result};

use crate::cli::{CheckArgs, Format};
use crate::decide::would_change::Explanation;
use crate::decide::{decide, Decision, Outcome};
use crate::io::decisions::Record;
use crate::io::output::{refuse_overwriting_inputs, Output};
use crate::report::text::render;

use super::explain::explain;
use super::output::print;
use super::sources::{
    case_and_fields, load_for_case, record_bytes, recorded_sources, sources_for_case,
};
use super::Exit;
use crate::note;

/// A decision with what would change it, as `check --explain --format json` prints it.
#[derive(serde::Serialize)]
struct Explained<'a> {
    #[serde(flatten)]
    record: Record<'a>,
    would_change: &'a Explanation,
}

/// The explanation as `check` prints it after the decision `d`.
fn explanation_text(e: &Explanation, d: &Decision) -> String {
    let mut s = String::from(
        "  What would change this decision (each fact changed alone, decided again by the same \
         rules):\n",
    );
    if let Some(short) = &e.shortfall {
        s.push_str(&format!("    - {short}\n"));
    }
    for c in &e.changes {
        let outcome = c.outcome.as_str().replace('_', " ").to_uppercase();
        let basis = c
            .basis
            .as_ref()
            .map(|b| format!(" ({})", b.as_str().replace('_', " ")))
            .unwrap_or_default();
        let effect = c.effect(d.outcome);
        s.push_str(&format!("    - {}: {outcome}{basis}, {effect}\n", c.change));
    }
    s
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> Result<Exit> {
    if let Some(path) = &args.record {
        let mut inputs = super::sources::source_inputs(&args.sources);
        inputs.extend(args.input.case.clone());
        let inputs: Vec<&std::path::Path> = inputs.iter().map(|p| p.as_path()).collect();
        refuse_overwriting_inputs("--record", path, &inputs)?;
    }
    let sources = sources_for_case(&args.sources, args.input.case.as_deref())?;
    let loaded = load_for_case(&sources, args.input.case.as_deref())?;
    let (case, fields) = case_and_fields(
        args.input.case.as_deref(),
        &args.input.flags,
        &loaded.area.places,
    )?;
    // An open school left out for want of a location is never anyone's nearest school: say
    // which, so a decision that turns on "nearest" is checked. (A case naming a left-out school,
    // closed or not, is told why in its decision.)
    for w in loaded.area.left_out_warnings(None) {
        note!("warning: {w}");
    }
    let d = decide(
        &loaded.policy.policy,
        &loaded.area.area,
        &case,
        &loaded.settings,
    );
    let explained = if args.explain && d.outcome != Outcome::Error {
        Some(explain(&sources, &loaded, &case, &d)?)
    } else {
        None
    };
    match args.format {
        Format::Text => {
            let mut text = render(&d, &loaded.origin, &loaded.policy.policy);
            if let Some(e) = &explained {
                text.push_str(&explanation_text(e, &d));
            }
            print(text)?
        }
        Format::Json => {
            let rec = Record {
                decision: &d,
                origin: &loaded.origin,
            };
            let json = match &explained {
                Some(e) => serde_json::to_string_pretty(&Explained {
                    record: rec,
                    would_change: e,
                })?,
                None => serde_json::to_string_pretty(&rec)?,
            };
            print(json + "\n")?;
        }
    }
    if let Some(path) = &args.record {
        let bytes = record_bytes(
            &loaded.area.area,
            &loaded.policy.policy.walk_start.rule(),
            &loaded.origin,
            &recorded_sources(&sources),
            &fields,
            &case,
            &d,
        )?;
        Output::write_whole(path, &bytes)
            .with_context(|| format!("cannot write the decision record {}", path.display()))?;
    }
    // A case that cannot be decided is bad input: say so in the exit code too.
    Ok(if d.outcome == Outcome::Error {
        Exit::Failure
    } else {
        Exit::Success
    })
}
