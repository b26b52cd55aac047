//! Writing to standard output and standard error without ever panicking.
//!
//! `print!` and `eprint!` panic when the write fails: a reader that closes the pipe early
//! (`schoolrun policy show | head`) or a full disk (`> /dev/full`) turned into exit 101 and a
//! panic message. Every command writes its standard output through [`print`] or a writer from
//! [`stdout`], whose failures are `io::Error`s of the same kind carrying a [`StdoutError`], so
//! that [`exit_code`] can tell them apart from a failed file whatever context was added on the
//! way: a closed pipe ([`is_broken_pipe`]) ends the run quietly with exit 0, as ripgrep and other
//! Unix filters do (a reader that stops reading has what it wanted); any other failure prints
//! `schoolrun: error: cannot write to standard output: <io error>` and exits 1. Messages on
//! standard error go through [`note!`](crate::note), which drops a failed write: there is
//! nowhere left to report it.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use anyhow::Result;

use crate::io::output::on_stdout;
pub use crate::io::output::{stdout, StdoutError};

/// The context of a failed write to standard output, so the message names the output.
pub const STDOUT_CONTEXT: &str = "cannot write to standard output";

/// Whether an output path means standard output (`-`).
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The context for a failed write to `path`: standard output named as such, a file by its path.
pub fn write_context(path: &Path) -> String {
    if is_stdout(path) {
        STDOUT_CONTEXT.to_string()
    } else {
        format!("cannot write {}", path.display())
    }
}

/// Writes `text` to standard output and flushes it, so that a failure is seen here.
pub fn print(text: impl AsRef<[u8]>) -> Result<()> {
    let mut out = stdout();
    out.write_all(text.as_ref())?;
    out.flush()?;
    Ok(())
}

/// The `io::Error`s in an error's chain, including those inside csv and JSON errors.
fn io_errors(e: &anyhow::Error) -> impl Iterator<Item = &io::Error> {
    e.chain().filter_map(|c| {
        c.downcast_ref::<io::Error>().or_else(|| {
            c.downcast_ref::<csv::Error>().and_then(|e| match e.kind() {
                csv::ErrorKind::Io(io) => Some(io),
                _ => None,
            })
        })
    })
}

/// Whether an error, anywhere in its chain, is a write to a pipe whose reader has closed.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let kind = Some(io::ErrorKind::BrokenPipe);
    io_errors(e).any(|io| io.kind() == io::ErrorKind::BrokenPipe)
        || e.chain().any(|c| {
            c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == kind)
        })
}

/// The failed write to standard output in an error's chain, if there is one.
pub fn stdout_error(e: &anyhow::Error) -> Option<&StdoutError> {
    io_errors(e).find_map(|io| io.get_ref().and_then(|i| i.downcast_ref::<StdoutError>()))
}

/// Writes formatted text and a newline to standard error, ignoring a failure (a closed or full
/// standard error has nowhere to report it). Used through [`note!`](crate::note).
pub fn note_line(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Writes formatted text to standard error without a newline, ignoring a failure.
pub fn note_str(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// `eprintln!` that never panics: a line on standard error, dropped if standard error cannot be
/// written.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cmd::output::note_line(format_args!($($arg)*))
    };
}

/// Runs a command's result into the process exit code: the documented code on success; exit 0
/// without a word when standard output's reader went away; otherwise the error once on standard
/// error (a failed standard output named as such, whatever context was added) and exit 1.
pub fn exit_code(result: Result<super::Exit>) -> u8 {
    let e = match result {
        Ok(exit) => return exit as u8,
        Err(e) => e,
    };
    if is_broken_pipe(&e) {
        return super::Exit::Success as u8;
    }
    match stdout_error(&e) {
        Some(out) => note!("schoolrun: error: {out}"),
        None => note!("schoolrun: error: {e:#}"),
    }
    super::exit_for(&e) as u8
}

/// The exit code for arguments clap refused or answered itself (`--help`, `--version`, a usage
/// error): clap's message printed without its panic-free but silent `exit`, so that help sent to
/// a full disk is an error like any other output and help into a closed pipe ends quietly.
pub fn clap_exit_code(e: &clap::Error) -> u8 {
    match e.print() {
        Err(io) if !e.use_stderr() => exit_code(Err(on_stdout(io).into())),
        // A usage error that cannot even be written to standard error still exits 2.
        _ => u8::try_from(e.exit_code()).unwrap_or(super::Exit::Failure as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(kind: io::ErrorKind) -> io::Error {
        on_stdout(io::Error::from(kind))
    }

    #[test]
    fn a_broken_pipe_is_found_under_context() {
        let e = anyhow::Error::from(marked(io::ErrorKind::BrokenPipe))
            .context("cannot write -")
            .context("outer");
        assert!(is_broken_pipe(&e));
        let plain = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&plain));
        let full = anyhow::Error::from(marked(io::ErrorKind::StorageFull));
        assert!(!is_broken_pipe(&full));
    }

    #[test]
    fn a_broken_pipe_inside_csv_and_json_errors_is_found() {
        let csv = csv::Error::from(marked(io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(
            &anyhow::Error::from(csv).context("cannot write -")
        ));
        let json = serde_json::Error::io(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&anyhow::Error::from(json)));
    }

    #[test]
    fn a_failed_standard_output_is_named_under_any_context() {
        let e = anyhow::Error::from(csv::Error::from(marked(io::ErrorKind::StorageFull)))
            .context("cannot write -");
        let out = stdout_error(&e).expect("found under csv and context");
        assert_eq!(
            out.to_string(),
            format!(
                "cannot write to standard output: {}",
                io::Error::from(io::ErrorKind::StorageFull)
            )
        );
        // Marking twice does not repeat the words.
        let twice = on_stdout(marked(io::ErrorKind::StorageFull));
        assert_eq!(twice.to_string().matches("standard output").count(), 1);
        let file = anyhow::Error::from(io::Error::from(io::ErrorKind::StorageFull));
        assert!(stdout_error(&file).is_none());
    }

    #[test]
    fn a_broken_pipe_exits_0_and_other_errors_exit_1() {
        let pipe = anyhow::Error::from(marked(io::ErrorKind::BrokenPipe));
        assert_eq!(exit_code(Err(pipe)), 0);
        let full = anyhow::Error::from(marked(io::ErrorKind::StorageFull));
        assert_eq!(exit_code(Err(full)), 1);
        assert_eq!(exit_code(Err(anyhow::anyhow!("bad input"))), 1);
        assert_eq!(exit_code(Ok(super::super::Exit::CasesFailed)), 4);
    }

    #[test]
    fn standard_output_is_named_as_such() {
        assert_eq!(write_context(Path::new("-")), STDOUT_CONTEXT);
        assert_eq!(write_context(Path::new("a.csv")), "cannot write a.csv");
    }
}
