//! The report a family and an appeal panel read (clause 5.2): one self-contained HTML page per
//! case, written like an officer's letter (outcome first, then why with the policy's own words,
//! the figures compared, then what the family can do next), with the map of the measured route
//! ([`map`]) inlined as SVG. With a what-if (`--as-of`, `--mark-unsafe`, `--ignore-audit`) the
//! page shows the decision as made and the what-if side by side, each with its route. The
//! plain-text decision `check` prints is rendered here too ([`text`]).
//!
//! Pure: takes decisions, the policy and map data; returns text. Every piece of user or data
//! text goes through [`esc`].

pub mod html;
pub mod labels;
pub mod letter;
pub mod map;
pub mod method;
pub mod text;
pub mod words;

use crate::decide::Decision;
use crate::decide::Policy;
use crate::provenance::Origin;

pub use html::page;
pub use map::{gather, svg, MapData};

/// Escapes text for HTML and SVG (XML) content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters have no place in a letter (and some are not allowed in XML).
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// One decision with everything the page shows about it.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// "As decided", or the what-if asked ("What if RSA-2019-015 were ignored").
    pub label: String,
    pub decision: Decision,
    pub origin: Origin,
    pub map: MapData,
}

/// The whole report: the decision as made and, when a panel asked, a what-if.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub policy: &'a Policy,
    pub decided: Scenario,
    pub what_if: Option<Scenario>,
    /// Where the decision came from when it was read from a record (e.g. "decision record
    /// x.json, reproduced: 9 files match their recorded SHA-256").
    pub provenance_note: Option<String>,
    /// What would change the decision as made (see `decide::would_change`), for the panel.
    pub would_change: Option<crate::decide::would_change::Explanation>,
    /// Who the letter is to and its date.
    pub letter: LetterFacts,
    /// Whether the page carries the sections for an appeal panel after the letter (each clause
    /// quoted, the figures in full, how the distances were measured, what would change the
    /// decision, the data's fingerprints); without them it is the letter a family receives.
    pub panel: bool,
}

/// Who a letter is to, and when it is dated: personal data given with the case (`child_name`,
/// `parent_name`, `home_address`, `letter_date`), which appears in the letter only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterFacts {
    /// The date the letter bears.
    pub date: chrono::NaiveDate,
    /// The child's name; the letter says "your child" without it.
    pub child: Option<String>,
    /// The parent or carer the letter is addressed to; "The parent or carer" without it.
    pub parent: Option<String>,
    /// The home address, one line each.
    pub address: Vec<String>,
}

impl LetterFacts {
    /// The facts from a case's fields; `date` when the fields give no `letter_date` (which the
    /// case reader has checked).
    pub fn from_fields(
        fields: &std::collections::BTreeMap<String, String>,
        date: chrono::NaiveDate,
    ) -> LetterFacts {
        let text = |k: &str| {
            fields
                .get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        LetterFacts {
            date: text("letter_date")
                .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .unwrap_or(date),
            child: text("child_name"),
            parent: text("parent_name"),
            // An address in one cell has its lines separated by commas or line breaks.
            address: text("home_address")
                .map(|a| {
                    a.split([',', '\n'])
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// The clause and quote pairs the policy gives for a clause cited by a reason: every table
/// whose `clause` is that clause (or, for "1.1.4, 1.1.5", each of them), in policy order and
/// without repeats. Found by walking the policy as `policy show --format json` prints it, so
/// every quote the TOML carries is available without naming sections here.
pub fn quotes_for(policy: &Policy, clause: &str) -> Vec<(String, String)> {
    let Ok(v) = serde_json::to_value(policy) else {
        return Vec::new();
    };
    let mut all = Vec::new();
    collect_quotes(&v, &mut all);
    let wanted: Vec<&str> = clause.split(',').map(str::trim).collect();
    let mut out: Vec<(String, String)> = Vec::new();
    for w in wanted {
        for (c, q) in &all {
            if c != w {
                continue;
            }
            // A quote that is part of another of the same clause (a value quoting a phrase of
            // its section's clause) is given once, as the longer.
            match out
                .iter_mut()
                .find(|(c2, q2)| c2 == c && (q2.contains(q.as_str()) || q.contains(q2.as_str())))
            {
                Some((_, q2)) if q.len() > q2.len() => *q2 = q.clone(),
                Some(_) => {}
                None => out.push((c.clone(), q.clone())),
            }
        }
    }
    out
}

fn collect_quotes(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            if let (Some(serde_json::Value::String(c)), Some(serde_json::Value::String(q))) =
                (m.get("clause"), m.get("quote"))
            {
                out.push((c.clone(), q.clone()));
            }
            for x in m.values() {
                collect_quotes(x, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                collect_quotes(x, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(esc("a\u{0}b"), "a\u{fffd}b");
    }
}
