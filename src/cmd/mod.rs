//! One module per subcommand; each turns parsed arguments into work on the pure core and writes
//! the result. `run` dispatches and returns the documented exit code.

pub mod batch;
pub mod check;
pub mod diff;
mod explain;
pub mod network;
pub mod output;
mod pack;
pub mod packaging;
mod pdf;
pub mod policy_diff;
pub mod policy_show;
pub mod policy_test;
pub mod prepare;
mod printer;
pub mod replay;
pub mod report;
pub mod route;
pub mod schools;
pub mod sources;

use anyhow::Result;

use crate::cli::{Cli, Command, NetworkCommand, PolicyCommand, SchoolsCommand};

/// Declares [`Exit`] and its wording in `schoolrun --help` in one list, so that a code cannot be
/// added, renumbered or reworded in one place and not the other (as fd's `exit_codes.rs` keeps
/// its codes in one enum).
macro_rules! exit_codes {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal, $help:literal;)*) => {
        /// Exit codes, as documented in `schoolrun --help` ([`exit_codes_help`]) and the README.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Exit {
            $($(#[doc = $doc])* $name = $code,)*
        }

        impl Exit {
            /// Every exit code in order, with the words `--help` gives it.
            pub const ALL: &'static [(Exit, &'static str)] = &[$((Exit::$name, $help)),*];
        }
    };
}

exit_codes! {
    /// Everything worked.
    Success = 0, "success";
    /// The command could not run (bad input file, missing file, bad policy).
    Failure = 1, "the command failed (bad input, missing file, a case that cannot be decided)";
    /// The command line is wrong (clap's own usage errors use this code too), e.g. an output
    /// path that is one of the inputs.
    Usage = 2, "usage error";
    /// The batch finished, but some rows could not be decided (they are error rows).
    RowErrors = 3, "batch finished but some rows could not be decided (they are error rows)";
    /// Some worked cases did not give the expected decision.
    CasesFailed = 4, "some worked cases failed";
    /// A replayed decision record was not reproduced (a file or the decision differs).
    NotReproduced = 5, "a replayed decision was not reproduced (a file or the decision differs)";
}

/// The "Exit codes" paragraph of `schoolrun --help`, written from [`Exit::ALL`].
pub fn exit_codes_help() -> String {
    let codes: Vec<String> = Exit::ALL
        .iter()
        .map(|(e, help)| format!("{} {help}", *e as u8))
        .collect();
    format!(
        "Exit codes: {}. A reader that closes standard output early (| head) ends the command \
         quietly with 0.",
        codes.join("; ")
    )
}

/// The exit code for an error that stopped a command.
pub fn exit_for(e: &anyhow::Error) -> Exit {
    if e.downcast_ref::<crate::io::output::UsageError>().is_some() {
        Exit::Usage
    } else {
        Exit::Failure
    }
}

/// Runs the subcommand.
pub fn run(cli: Cli) -> Result<Exit> {
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Batch(a) => batch::run(a),
        Command::Policy(PolicyCommand::Show(a)) => policy_show::show(&a.policy.dir(), a.format),
        Command::Policy(PolicyCommand::Diff(a)) => policy_diff::run(a),
        Command::Policy(PolicyCommand::Test(a)) => policy_test::test(a),
        Command::Schools(SchoolsCommand::Near(a)) => schools::near(a),
        Command::Route(a) => route::run(a),
        Command::Network(NetworkCommand::ImportOsm(a)) => network::import_osm(a),
        Command::Network(NetworkCommand::Export(a)) => network::export(a),
        Command::Network(NetworkCommand::Distances(a)) => network::distances(a),
        Command::Diff(a) => diff::run(a),
        Command::Replay(a) => replay::run(a),
        Command::Report(a) => report::run(a),
        Command::Prepare(a) => prepare::run(a),
        Command::Completions(a) => packaging::completions(a.shell),
        Command::Man => packaging::man(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_listed_in_order_from_zero() {
        for (i, (e, _)) in Exit::ALL.iter().enumerate() {
            assert_eq!(*e as usize, i, "{e:?}");
        }
        assert!(exit_codes_help().contains("; 3 batch finished but some rows"));
    }
}
