//! Letters as PDF, printed by a headless Chromium found on the PATH (`chromium` or
//! `chromium-browser`), the browser a council's machines are likely to have and the one CI
//! installs. Chromium stamps each PDF with the time it was printed; that stamp is the only
//! part that differs between two prints of the same page, so it is set to a fixed time of the
//! same length, and a pack made again from a record holds the same PDF to the byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// How to get a browser, for the message given when there is none.
pub const INSTALL_HINT: &str =
    "no headless Chromium on the PATH (chromium or chromium-browser): on Debian or Ubuntu, \
     `apt-get install chromium`";

/// How the browser is started for printing, here and in [`super::printer`]: headless, and quiet
/// (no first-run pages, no network of its own, no sync).
pub(super) const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The longest a print may take before the browser is stopped.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The headless browser on the PATH, if any.
pub fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser"]
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// The page `html` printed to PDF (A4, as the page's print styles say) by `browser`.
pub fn print(browser: &Path, html: &str) -> Result<Vec<u8>> {
    let dir = tempfile::tempdir().context("cannot make a folder to print the letter in")?;
    let page = dir.path().join("letter.html");
    let pdf = dir.path().join("letter.pdf");
    std::fs::write(&page, html).context("cannot write the letter to print it")?;
    let profile = dir.path().join("profile");
    let mut child = Command::new(browser)
        .args(HEADLESS)
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {}", browser.display()))?;
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} did not print the letter within two minutes",
                browser.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if !status.success() {
        bail!(
            "{} could not print the letter ({status})",
            browser.display()
        );
    }
    let mut bytes = std::fs::read(&pdf)
        .with_context(|| format!("{} wrote no PDF of the letter", browser.display()))?;
    fix_dates(&mut bytes);
    Ok(bytes)
}

/// Sets the digits of every `/CreationDate (D:...)` and `/ModDate (D:...)` to 2000-01-01 00:00:00,
/// in place: the same length, so every offset in the file stays right.
pub(super) fn fix_dates(pdf: &mut [u8]) {
    const FIXED: &[u8; 14] = b"20000101000000";
    for key in [&b"/CreationDate (D:"[..], &b"/ModDate (D:"[..]] {
        let mut at = 0;
        while let Some(i) = pdf[at..].windows(key.len()).position(|w| w == key) {
            let start = at + i + key.len();
            let digits = pdf[start..]
                .iter()
                .take(FIXED.len())
                .take_while(|b| b.is_ascii_digit())
                .count();
            pdf[start..start + digits].copy_from_slice(&FIXED[..digits]);
            at = start + digits;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_times_are_fixed_in_place() {
        let mut pdf =
            b"<</CreationDate (D:20261207001009+00'00')\n/ModDate (D:2026120700)>>".to_vec();
        let len = pdf.len();
        fix_dates(&mut pdf);
        assert_eq!(pdf.len(), len);
        assert_eq!(
            pdf,
            b"<</CreationDate (D:20000101000000+00'00')\n/ModDate (D:2000010100)>>".to_vec()
        );
    }
}
