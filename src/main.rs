//! The `schoolrun` binary: parse arguments, run, print any error chain once, exit with the
//! documented code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = schoolrun::cli::Cli::parse();
    match schoolrun::cmd::run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("schoolrun: error: {e:#}");
            ExitCode::from(schoolrun::cmd::Exit::Failure as u8)
        }
    }
}
