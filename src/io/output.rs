//! Every file the tool writes goes through here, so that a reader only ever sees the old file or
//! the complete new one: output is written to a temporary file in the destination's folder and
//! renamed into place when the command has finished writing it. A run that fails, is killed or
//! loses its disk leaves the previous file untouched (at worst a stray `.NAME.*.tmp` beside it,
//! after a SIGKILL).
//!
//! Outputs are also checked against the command's inputs before anything is read: `-o` naming an
//! input (the same file, by device and inode, so hard links count too) is a usage error.
//!
//! `-` is standard output. A destination that exists but is not a regular file (`/dev/null`, a
//! named pipe, `/dev/stdout`) is written in place: renaming over a device would replace it.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A command-line mistake found before any work (exit code 2, like clap's usage errors).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Refuses an output path that is one of the inputs: a file given as an input, or any file in an
/// input folder (an area or policy directory, walked a few levels down). Compared by device and
/// inode, so a hard link or a different spelling of the same path is caught; an output that does
/// not exist yet is never an input.
pub fn refuse_overwriting_inputs(
    flag: &str,
    output: &Path,
    inputs: &[&Path],
) -> Result<(), UsageError> {
    if output.as_os_str() == "-" || !is_regular_file(output) {
        return Ok(());
    }
    let Ok(out) = same_file::Handle::from_path(output) else {
        return Ok(());
    };
    for input in inputs {
        if let Some(hit) = find_same(&out, input, 3) {
            return Err(UsageError(format!(
                "{flag} {} is one of the inputs ({}); writing it would destroy that input: \
                 choose another output path",
                output.display(),
                hit.display()
            )));
        }
    }
    Ok(())
}

fn is_regular_file(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file())
}

/// The path under `input` (itself, or a file in it down to `depth` folders) that is `out`.
fn find_same(out: &same_file::Handle, input: &Path, depth: u32) -> Option<PathBuf> {
    let meta = std::fs::metadata(input).ok()?;
    if meta.is_file() {
        let h = same_file::Handle::from_path(input).ok()?;
        return (h == *out).then(|| input.to_path_buf());
    }
    if meta.is_dir() && depth > 0 {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(input)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        return entries.iter().find_map(|p| find_same(out, p, depth - 1));
    }
    None
}

/// A failed write to standard output: the payload of the `io::Error` (of the same kind) that
/// [`stdout`] and [`print`] return, so the failure is recognised under any added context.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output: {0}")]
pub struct StdoutError(io::Error);

/// Marks an error from standard output, keeping its kind (a closed pipe stays `BrokenPipe`).
pub(crate) fn on_stdout(e: io::Error) -> io::Error {
    if e.get_ref().is_some_and(|i| i.is::<StdoutError>()) {
        return e;
    }
    io::Error::new(e.kind(), StdoutError(e))
}

/// Standard output, buffered and locked, whose errors are marked as [`StdoutError`]s. The caller
/// flushes it: a buffer left at exit is flushed with its errors ignored.
pub struct Stdout(io::BufWriter<io::StdoutLock<'static>>);

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(on_stdout)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(on_stdout)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(on_stdout)
    }
}

/// A writer on standard output for output written piece by piece (see [`Stdout`]).
pub fn stdout() -> Stdout {
    Stdout(io::BufWriter::new(io::stdout().lock()))
}

enum Sink {
    Stdout(Stdout),
    /// Written beside the destination, renamed into place by [`Output::finish`].
    Temp {
        file: BufWriter<NamedTempFile>,
        dest: PathBuf,
    },
    /// A device or named pipe: written as it is.
    InPlace(BufWriter<File>),
}

/// An output being written: standard output, or a file that appears whole on
/// [`Output::finish`] and not at all if the output is dropped unfinished. Write errors carry the
/// output's name and keep their kind (so a closed pipe is still `BrokenPipe`).
pub struct Output {
    sink: Sink,
    name: String,
    /// A background write to disk of what was written so far (see [`Output::start_writeback`]).
    writeback: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl Output {
    /// Opens `path` for writing (`-` is standard output). Creating the temporary file is the only
    /// thing done to the destination's folder; the destination itself is untouched until
    /// [`Output::finish`].
    pub fn create(path: &Path) -> anyhow::Result<Output> {
        if path.as_os_str() == "-" {
            return Ok(Output {
                sink: Sink::Stdout(stdout()),
                name: "standard output".into(),
                writeback: None,
            });
        }
        let name = path.display().to_string();
        let exists_special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if exists_special {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| anyhow::anyhow!("cannot open {name} for writing: {e}"))?;
            return Ok(Output {
                sink: Sink::InPlace(BufWriter::new(f)),
                name,
                writeback: None,
            });
        }
        if path.is_dir() {
            anyhow::bail!("cannot write {name}: it is a folder");
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{file_name}."))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create {name}: {e} (in {})", dir.display()))?;
        Ok(Output {
            sink: Sink::Temp {
                file: BufWriter::with_capacity(1 << 16, tmp),
                dest: path.to_path_buf(),
            },
            name,
            writeback: None,
        })
    }

    /// Starts putting on disk, in the background, what has been written to a file so far, so
    /// that [`Output::finish`] (which waits until the whole file is on disk before moving it
    /// into place) has only the rest left to wait for: a town's batch writes 80 MB of decisions,
    /// whose wait at the end was 45 ms of a one-second run. One at a time; nothing for standard
    /// output or a device. A failed write to disk is reported by the next call or by
    /// [`Output::finish`], before anything is moved into place (the system reports such a
    /// failure once, to whichever sync asks first).
    pub fn start_writeback(&mut self) -> io::Result<()> {
        let Sink::Temp { file, .. } = &mut self.sink else {
            return Ok(());
        };
        if self.writeback.as_ref().is_some_and(|h| !h.is_finished()) {
            return Ok(());
        }
        if let Some(done) = self.writeback.take() {
            joined(done).map_err(|e| named(&self.name, e))?;
        }
        let named_err = |e: io::Error| named(&self.name, e);
        file.flush().map_err(named_err)?;
        let f = file.get_ref().as_file().try_clone().map_err(named_err)?;
        self.writeback = Some(std::thread::spawn(move || f.sync_data()));
        Ok(())
    }

    /// Flushes everything and, for a file, moves it into place over any old file.
    pub fn finish(self) -> anyhow::Result<()> {
        let name = self.name;
        let fail = |e: io::Error| anyhow::Error::new(named(&name, e));
        if let Some(w) = self.writeback {
            joined(w).map_err(fail)?;
        }
        match self.sink {
            Sink::Stdout(mut s) => Ok(s.flush()?),
            Sink::InPlace(mut f) => f.flush().map_err(fail),
            Sink::Temp { file, dest } => {
                let tmp = file.into_inner().map_err(|e| fail(e.into_error()))?;
                tmp.as_file().sync_all().map_err(fail)?;
                tmp.persist(&dest).map_err(|e| fail(e.error))?;
                Ok(())
            }
        }
    }

    /// Writes all of `bytes` and finishes: the whole output in one call.
    pub fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
        let mut out = Output::create(path)?;
        out.write_all(bytes)?;
        out.finish()
    }
}

/// What a background write to disk returned (a panic in it, which cannot happen, as an error).
fn joined(h: std::thread::JoinHandle<io::Result<()>>) -> io::Result<()> {
    h.join()
        .unwrap_or_else(|_| Err(io::Error::other("the write to disk stopped")))
}

/// An I/O error with the output's name, of the same kind.
fn named(name: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot write {name}: {e}"))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = match &mut self.sink {
            Sink::Stdout(s) => s.write(buf),
            Sink::Temp { file, .. } => file.write(buf),
            Sink::InPlace(f) => f.write(buf),
        };
        self.name_error(r)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let r = match &mut self.sink {
            Sink::Stdout(s) => s.write_all(buf),
            Sink::Temp { file, .. } => file.write_all(buf),
            Sink::InPlace(f) => f.write_all(buf),
        };
        self.name_error(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = match &mut self.sink {
            Sink::Stdout(s) => s.flush(),
            Sink::Temp { file, .. } => file.flush(),
            Sink::InPlace(f) => f.flush(),
        };
        self.name_error(r)
    }
}

impl Output {
    /// A failed write named after the output (standard output's errors already say so).
    fn name_error<T>(&self, r: io::Result<T>) -> io::Result<T> {
        match self.sink {
            Sink::Stdout(_) => r,
            _ => r.map_err(|e| named(&self.name, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_appears_only_on_finish_and_old_file_survives_a_drop() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        std::fs::write(&p, "old\n").unwrap();
        {
            let mut o = Output::create(&p).unwrap();
            o.write_all(b"new, half").unwrap();
            o.flush().unwrap();
            assert_eq!(std::fs::read_to_string(&p).unwrap(), "old\n");
            // dropped unfinished
        }
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old\n");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the temporary file is removed on drop");
        let mut o = Output::create(&p).unwrap();
        o.write_all(b"new\n").unwrap();
        o.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
    }

    #[test]
    fn devices_are_written_in_place_and_errors_name_the_output() {
        let mut o = Output::create(Path::new("/dev/null")).unwrap();
        o.write_all(b"x").unwrap();
        o.finish().unwrap();
        assert!(Path::new("/dev/null").exists());
        if Path::new("/dev/full").exists() {
            let mut o = Output::create(Path::new("/dev/full")).unwrap();
            let e = o
                .write_all(&[b'x'; 1 << 17])
                .and_then(|()| o.flush())
                .unwrap_err();
            assert!(e.to_string().contains("cannot write /dev/full"), "{e}");
        }
    }

    #[test]
    fn an_input_is_refused_as_output_even_by_hard_link() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("apps.csv");
        std::fs::write(&input, "id\n").unwrap();
        let link = dir.path().join("link.csv");
        std::fs::hard_link(&input, &link).unwrap();
        let e = refuse_overwriting_inputs("-o", &link, &[&input]).unwrap_err();
        assert!(e.0.contains("is one of the inputs"), "{}", e.0);
        // A file inside an input folder counts too.
        let e = refuse_overwriting_inputs("-o", &input, &[dir.path()]).unwrap_err();
        assert!(e.0.contains("apps.csv"), "{}", e.0);
        let other = dir.path().join("new.csv");
        refuse_overwriting_inputs("-o", &other, &[&input]).unwrap();
        refuse_overwriting_inputs("-o", Path::new("-"), &[&input]).unwrap();
    }
}
