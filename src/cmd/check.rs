//! `schoolrun check`: decide one application and print the decision with its reasons.

use anyhow::Result;

use crate::cli::{CheckArgs, Format};
use crate::decide::{decide, Outcome};
use crate::io::decisions::Record;
use crate::io::text::render;

use super::sources::{case_from, load};
use super::Exit;

/// Runs `check`.
pub fn run(args: CheckArgs) -> Result<Exit> {
    let case = case_from(args.case.as_deref(), &args.flags)?;
    let loaded = load(&args.sources)?;
    let d = decide(
        &loaded.policy.policy,
        &loaded.area.area,
        &case,
        &loaded.settings,
    );
    match args.format {
        Format::Text => print!("{}", render(&d, &loaded.origin)),
        Format::Json => {
            let rec = Record {
                decision: &d,
                origin: &loaded.origin,
            };
            println!("{}", serde_json::to_string_pretty(&rec)?);
        }
    }
    // A case that cannot be decided is bad input: say so in the exit code too.
    Ok(if d.outcome == Outcome::Error {
        Exit::Failure
    } else {
        Exit::Success
    })
}
