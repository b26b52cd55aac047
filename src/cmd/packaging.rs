//! `completions` and `man`: what a packager installs beside the binary, generated from the same
//! clap definition as the help (clap_complete, clap_mangen), so they never fall out of step.

use anyhow::Result;
use clap::CommandFactory;

use super::output::print;
use super::Exit;
use crate::cli::Cli;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<Exit> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "schoolrun", &mut out);
    print(out)?;
    Ok(Exit::Success)
}

/// Prints the manual page, roff.
pub fn man() -> Result<Exit> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    print(out)?;
    Ok(Exit::Success)
}
