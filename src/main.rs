//! The `schoolrun` binary: parse arguments, run, print any error chain once, exit with the
//! documented code (a closed standard output ends the run quietly: `cmd::output`).

use std::process::ExitCode;

use clap::Parser;
use schoolrun::{clap_exit_code, exit_code};

/// mimalloc keeps freed memory for reuse, so loading an area and growing shortest-path trees
/// fault in fewer fresh pages than with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(match schoolrun::cli::Cli::try_parse() {
        Ok(cli) => exit_code(schoolrun::run(cli)),
        Err(e) => clap_exit_code(&e),
    })
}
