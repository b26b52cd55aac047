//! The `schoolrun` binary: parse arguments, run, print any error chain once, exit with the
//! documented code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc keeps freed memory for reuse, so loading an area and growing shortest-path trees
/// fault in fewer fresh pages than with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = schoolrun::cli::Cli::parse();
    match schoolrun::cmd::run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("schoolrun: error: {e:#}");
            ExitCode::from(schoolrun::cmd::exit_for(&e) as u8)
        }
    }
}
