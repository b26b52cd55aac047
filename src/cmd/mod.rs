//! One module per subcommand; each turns parsed arguments into work on the pure core and writes
//! the result. `run` dispatches and returns the documented exit code.

pub mod batch;
pub mod check;
pub mod diff;
pub mod network;
pub mod output;
pub mod policy_diff;
pub mod policy_show;
pub mod policy_test;
pub mod prepare;
pub mod replay;
pub mod report;
pub mod route;
pub mod schools;
pub mod sources;

use anyhow::Result;

use crate::cli::{Cli, Command, NetworkCommand, PolicyCommand, SchoolsCommand};

/// Exit codes, as documented in `schoolrun --help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Success = 0,
    /// The command could not run (bad input file, missing file, bad policy).
    Failure = 1,
    /// The command line is wrong (clap's own usage errors use this code too), e.g. an output
    /// path that is one of the inputs.
    Usage = 2,
    /// The batch finished, but some rows could not be decided (they are error rows).
    RowErrors = 3,
    /// Some worked cases did not give the expected decision.
    CasesFailed = 4,
    /// A replayed decision record was not reproduced (a file or the decision differs).
    NotReproduced = 5,
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
        Command::Policy(PolicyCommand::Show {
            policy,
            academic_year,
            format,
        }) => policy_show::show(
            &crate::cli::policy_dir(&policy, academic_year.as_deref()),
            format,
        ),
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
    }
}
