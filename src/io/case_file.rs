//! Case files: one application as TOML (`[case]`), optionally with the decision a council officer
//! expects (`[expect]`), which makes it a worked case for `policy test`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::decide::Outcome;

/// What a worked case expects of the decision. Only the fields given are checked, and a case
/// must expect something. Each value is checked as the file is read (an outcome the tool never
/// gives, miles that are not a number), so a misspelt expectation is an error naming the file,
/// line and column instead of a case that can never pass; the basis is checked against the
/// policy's bases when the case is run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub outcome: Option<Outcome>,
    pub basis: Option<String>,
    pub deciding_clause: Option<String>,
    pub school_urn: Option<u32>,
    /// Pence, or "none" when no price can be stated (no seat scheme, operator's price unknown).
    pub charge_pence: Option<OrNone<u64>>,
    /// Surplus seat priority category; 0 means "no priority".
    pub surplus_priority: Option<u8>,
    /// Walking distance in miles, compared at three decimals; "none" for no available route.
    pub walking_miles: Option<OrNone<Miles>>,
    pub driven_miles: Option<Miles>,
    /// The limit the decision headlines (`Limit applied`, the CSV's `threshold`), as the
    /// decision writes it: e.g. "walking route > 2 mi", limits joined by " and "; "none".
    pub threshold: Option<String>,
    /// The date support ends (clauses 1.1.9, 4.1; Post-16 2.4), or "none".
    pub support_ends: Option<OrNone<chrono::NaiveDate>>,
    /// What follows from the decision (clauses 1.1.14, 1.5.1, 1.5.2, 2.1, 2.3, 2.4, 5.2): topic
    /// to value (pence, a date, yes/no); "none" expects the topic to be absent.
    #[serde(default)]
    pub follow_up: std::collections::BTreeMap<String, String>,
    /// Text that must appear in some reason or warning.
    #[serde(default)]
    pub reasons_contain: Vec<String>,
}

impl Expect {
    /// Whether the case expects anything at all.
    pub fn is_empty(&self) -> bool {
        self.outcome.is_none()
            && self.basis.is_none()
            && self.deciding_clause.is_none()
            && self.school_urn.is_none()
            && self.charge_pence.is_none()
            && self.surplus_priority.is_none()
            && self.walking_miles.is_none()
            && self.driven_miles.is_none()
            && self.threshold.is_none()
            && self.support_ends.is_none()
            && self.follow_up.is_empty()
            && self.reasons_contain.is_empty()
    }
}

/// An expected value, or the word "none" for its absence (no price, no route, no end date).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OrNone<T> {
    Value(T),
    None,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrNone<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read as a TOML value first, so that "none" and a value of T are told apart with a
        // message naming both, instead of serde's "did not match any variant".
        let v = toml::Value::deserialize(d)?;
        if v.as_str() == Some("none") {
            return Ok(OrNone::None);
        }
        T::deserialize(v).map(OrNone::Value).map_err(|e| {
            serde::de::Error::custom(format!("{} (or \"none\")", e.message().trim_end()))
        })
    }
}

/// Miles as a worked case writes them: a number (compared at three decimals), never negative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Miles(pub f64);

impl<'de> Deserialize<'de> for Miles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        let m = match v {
            toml::Value::Float(f) => f,
            toml::Value::Integer(i) => i as f64,
            _ => {
                return Err(serde::de::Error::custom(
                    "expected miles as a number, e.g. 3.214",
                ))
            }
        };
        if m.is_finite() && m >= 0.0 {
            Ok(Miles(m))
        } else {
            Err(serde::de::Error::custom("miles must be 0 or more"))
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaseFile {
    title: Option<String>,
    source: Option<String>,
    area: Option<PathBuf>,
    policy: Option<PathBuf>,
    as_of: Option<String>,
    case: toml::Table,
    expect: Option<Expect>,
}

/// A case file, read.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub path: PathBuf,
    pub title: String,
    /// Where the case comes from: the clause or consultation example it illustrates.
    pub source: String,
    /// Area directory for this case (relative paths resolved against the case file).
    pub area: Option<PathBuf>,
    pub policy: Option<PathBuf>,
    /// The network date to measure on (clause 1.5.3), when not the policy's default.
    pub as_of: Option<String>,
    /// The `[case]` fields as text, for the shared case parser.
    pub fields: HashMap<String, String>,
    pub expect: Option<Expect>,
}

fn as_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => if *b { "yes" } else { "no" }.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(a) => a.iter().map(as_text).collect::<Vec<_>>().join(";"),
        toml::Value::Table(_) => String::new(),
    }
}

/// A case file's TOML error as file, line, column and message only. The toml crate's own message
/// quotes the offending line of the file, and a case file's lines are personal data (a home's
/// coordinates, a date of birth), which must not reach the terminal or a log.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let at = e
        .span()
        .map(|s| {
            let (line, column) = crate::textpos::line_col(text, s.start);
            format!(", line {line}, column {column}")
        })
        .unwrap_or_default();
    anyhow::anyhow!(
        "{}{at}: not a valid case file: {}",
        path.display(),
        e.message().trim_end()
    )
}

/// Reads a case file.
pub fn load_case_file(path: &Path) -> Result<CaseFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read case {}", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let raw: RawCaseFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let base = path.parent().unwrap_or(Path::new("."));
    if let Some(k) = raw
        .case
        .keys()
        .find(|k| super::case_fields::field_named(k).is_none())
    {
        anyhow::bail!(
            "{}: [case] has an unknown field '{k}' (fields: {})",
            path.display(),
            super::case_fields::FIELDS.join(", ")
        );
    }
    let mut fields = HashMap::new();
    for (k, v) in &raw.case {
        let field = super::case_fields::field_named(k).unwrap_or(k);
        if fields.insert(field.to_string(), as_text(v)).is_some() {
            anyhow::bail!(
                "{}: [case] gives {field} twice (once under its former name); give it once",
                path.display()
            );
        }
    }
    Ok(CaseFile {
        path: path.to_path_buf(),
        title: raw.title.unwrap_or_default(),
        source: raw.source.unwrap_or_default(),
        area: raw.area.map(|a| base.join(a)),
        // A built-in policy (`builtin:policy/2022-23`) is not a path beside the case file.
        policy: raw.policy.map(|p| {
            if crate::io::builtin_policy::is_builtin(std::path::Path::new(&p)) {
                p
            } else {
                base.join(p)
            }
        }),
        as_of: raw.as_of,
        fields,
        expect: raw.expect,
    })
}
