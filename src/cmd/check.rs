//! `schoolrun check`: decide one application and print the decision with its reasons.

use anyhow::{Context, Result};

use crate::cli::{CheckArgs, Format};
use crate::decide::{decide, Outcome};
use crate::io::decisions::Record;
use crate::io::text::render;

use super::output::print;
use super::sources::{
    case_and_fields, load_for_case, record_bytes, recorded_sources, sources_for_case,
};
use super::Exit;

/// Runs `check`.
pub fn run(args: CheckArgs) -> Result<Exit> {
    let (case, fields) = case_and_fields(args.case.as_deref(), &args.flags)?;
    let sources = sources_for_case(&args.sources, args.case.as_deref())?;
    let loaded = load_for_case(&sources, args.case.as_deref())?;
    let d = decide(
        &loaded.policy.policy,
        &loaded.area.area,
        &case,
        &loaded.settings,
    );
    match args.format {
        Format::Text => print(render(&d, &loaded.origin))?,
        Format::Json => {
            let rec = Record {
                decision: &d,
                origin: &loaded.origin,
            };
            print(serde_json::to_string_pretty(&rec)? + "\n")?;
        }
    }
    if let Some(path) = &args.record {
        let bytes = record_bytes(
            &loaded.area.area,
            &loaded.origin,
            &recorded_sources(&sources),
            &fields,
            &case,
            &d,
        )?;
        std::fs::write(path, bytes)
            .with_context(|| format!("cannot write the decision record {}", path.display()))?;
    }
    // A case that cannot be decided is bad input: say so in the exit code too.
    Ok(if d.outcome == Outcome::Error {
        Exit::Failure
    } else {
        Exit::Success
    })
}
