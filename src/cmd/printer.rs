//! Printing many letters with one headless Chromium (`batch --letters --pdf`): the browser is
//! started once and kept, and each letter is loaded into its page and printed over the Chrome
//! DevTools Protocol, instead of starting the browser for every letter as [`super::pdf::print`]
//! does (about two seconds a letter). The PDFs are the same as that function's: A4 as the page's
//! print styles say, no header or footer, the print time fixed.
//!
//! Written by hand over `tungstenite`: the protocol needs five commands here, and the crates
//! that wrap it bring an async runtime or a browser download with them.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The longest the browser may take to answer one command (load or print one letter).
const TIMEOUT: Duration = Duration::from_secs(120);

/// A headless Chromium with one page, printing letters one after another.
pub struct Printer {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    /// Events that came while waiting for an answer, kept for whoever waits for them.
    events: Vec<Value>,
    /// The browser's profile and the letter being printed.
    dir: tempfile::TempDir,
}

impl Printer {
    /// Starts `browser` headless and opens the page letters are printed from.
    pub fn start(browser: &Path) -> Result<Printer> {
        let dir = tempfile::tempdir().context("cannot make a folder for the browser")?;
        let mut child = Command::new(browser)
            .args(super::pdf::HEADLESS)
            .args(["--remote-debugging-port=0", "--remote-allow-origins=*"])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", browser.display()))?;
        // The browser says where its DevTools listen on standard error, first thing.
        let url = {
            let err = child
                .stderr
                .take()
                .context("no standard error from the browser")?;
            let mut lines = BufReader::new(err).lines();
            loop {
                match lines.next() {
                    Some(Ok(line)) => {
                        if let Some(u) = line.strip_prefix("DevTools listening on ") {
                            // Keep reading its standard error, so that it never blocks on it.
                            std::thread::spawn(move || for _ in lines {});
                            break u.trim().to_string();
                        }
                    }
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        bail!("{} did not start its DevTools", browser.display());
                    }
                }
            }
        };
        let (socket, _) = tungstenite::connect(url.as_str())
            .with_context(|| format!("cannot reach the DevTools of {}", browser.display()))?;
        if let MaybeTlsStream::Plain(s) = socket.get_ref() {
            s.set_read_timeout(Some(TIMEOUT))?;
        }
        let mut p = Printer {
            child,
            socket,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
            dir,
        };
        let target = p.call(None, "Target.createTarget", json!({"url": "about:blank"}))?;
        let target = target["targetId"]
            .as_str()
            .context("no page was opened")?
            .to_string();
        let attached = p.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        )?;
        p.session = attached["sessionId"]
            .as_str()
            .context("the page could not be attached")?
            .to_string();
        let session = p.session.clone();
        p.call(Some(&session), "Page.enable", json!({}))?;
        Ok(p)
    }

    /// Sends a command and waits for its answer (events meanwhile are passed over).
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.socket.send(Message::Text(msg.to_string().into()))?;
        loop {
            let v = self.next_message()?;
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    bail!("the browser refused {method}: {e}");
                }
                return Ok(v["result"].clone());
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    /// The next message from the browser, as JSON.
    fn next_message(&mut self) -> Result<Value> {
        loop {
            match self.socket.read()? {
                Message::Text(t) => return Ok(serde_json::from_str(t.as_str())?),
                Message::Close(_) => bail!("the browser closed its DevTools"),
                _ => {}
            }
        }
    }

    /// The letter `html` printed to PDF.
    pub fn print(&mut self, html: &str) -> Result<Vec<u8>> {
        let page = self.dir.path().join("letter.html");
        std::fs::write(&page, html).context("cannot write the letter to print it")?;
        let session = self.session.clone();
        self.events.clear();
        self.call(
            Some(&session),
            "Page.navigate",
            json!({"url": format!("file://{}", page.display())}),
        )?;
        // Printed once the letter (with its inline map and logo) has loaded.
        let loaded = |v: &Value| v["method"] == "Page.loadEventFired";
        if !self.events.iter().any(loaded) {
            while !loaded(&self.next_message()?) {}
        }
        let printed = self.call(
            Some(&session),
            "Page.printToPDF",
            json!({"preferCSSPageSize": true, "printBackground": true,
                   "displayHeaderFooter": false}),
        )?;
        let data = printed["data"]
            .as_str()
            .ok_or_else(|| anyhow!("the browser printed no PDF"))?;
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .context("the browser's PDF is not base64")?;
        super::pdf::fix_dates(&mut bytes);
        Ok(bytes)
    }
}

impl Drop for Printer {
    /// Asks the browser to close, so that it ends its own helper processes, and kills it only
    /// if it has not gone within a few seconds.
    fn drop(&mut self) {
        let _ = self.call(None, "Browser.close", json!({}));
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
