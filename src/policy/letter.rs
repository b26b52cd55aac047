//! The letter template (`[letter]`, `policy/<year>/letter.toml`): who the letter is from (the
//! council's name, address, contact details and logo, the signatory), how it words each outcome
//! and names each basis to a family. Plain words an officer edits with the policy: a council
//! changes its letters without touching code. Nothing here decides anything.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Basis;

/// The letter template. `basis` must give words for every basis a rule can decide on, and only
/// for those, so no letter falls back to a code name and a misspelt basis is caught.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letter {
    pub basis: BTreeMap<Basis, String>,
    /// Why a child is refused on a basis, in a sentence the letter gives instead of "the policy's
    /// conditions are not met" (e.g. pre-school: the council provides no transport at all).
    #[serde(default)]
    pub not_eligible: BTreeMap<Basis, String>,
    /// The letterhead: who writes, and how a family replies.
    pub council: Option<Council>,
    /// Who signs the letter.
    pub signatory: Option<Signatory>,
    /// The heading and opening sentence of the letter for each outcome.
    pub outcome: Option<OutcomeWords>,
    /// The logo file `council.logo` names, read by the policy loader beside the TOML (the pure
    /// policy reads no files) and embedded in each letter.
    #[serde(skip)]
    pub logo: Option<Logo>,
}

/// The council as the letterhead gives it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Council {
    pub name: String,
    /// The team that writes ("School Admissions and Transport").
    pub department: Option<String>,
    /// The postal address, one line each.
    #[serde(default)]
    pub address: Vec<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// A logo file (SVG, PNG or JPEG) beside the TOML file, by its file name.
    pub logo: Option<String>,
}

/// Who signs the letter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    pub name: String,
    /// Their role ("Transport Eligibility Officer").
    pub role: String,
}

/// An embedded logo: its media type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The wording of each outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeWords {
    pub eligible: Words,
    pub assisted: Words,
    pub not_eligible: Words,
    pub refer: Words,
    pub error: Words,
}

/// A heading and an opening paragraph, with `{placeholders}` filled in for each letter (see
/// [`PLACEHOLDERS`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub heading: String,
    pub opening: String,
}

/// The placeholders outcome wording may use: the child's name ("your child" when the case does
/// not give it), the school, the basis in the letter's words, the charge ("£825 a year") and the
/// academic year.
pub const PLACEHOLDERS: &[&str] = &["child", "school", "basis", "charge", "year"];

impl Letter {
    /// The words for a basis, as the letter says them.
    pub fn basis_words(&self, b: &Basis) -> Option<&str> {
        self.basis.get(b).map(String::as_str)
    }

    /// The sentence saying why a child is refused on a basis, when the policy gives one.
    pub fn not_eligible_words(&self, b: &Basis) -> Option<&str> {
        self.not_eligible.get(b).map(String::as_str)
    }

    /// Every piece of outcome wording, named as in the TOML (`outcome.refer.heading`).
    pub fn wording(&self) -> Vec<(String, &str)> {
        let Some(o) = &self.outcome else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, w) in [
            ("eligible", &o.eligible),
            ("assisted", &o.assisted),
            ("not_eligible", &o.not_eligible),
            ("refer", &o.refer),
            ("error", &o.error),
        ] {
            out.push((format!("outcome.{name}.heading"), w.heading.as_str()));
            out.push((format!("outcome.{name}.opening"), w.opening.as_str()));
        }
        out
    }
}

impl OutcomeWords {
    /// The words for an outcome, by its name in decisions (`not_eligible`).
    pub fn for_outcome(&self, outcome: &str) -> &Words {
        match outcome {
            "eligible" => &self.eligible,
            "assisted" => &self.assisted,
            "not_eligible" => &self.not_eligible,
            "refer" => &self.refer,
            _ => &self.error,
        }
    }
}

/// The placeholder names a piece of wording uses, or the first thing in braces that is not one.
pub fn check_placeholders(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("has a { without a closing }".into());
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "names {{{name}}}, which is not one of {}",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err("has a } without an opening {".into());
    }
    Ok(())
}

/// The wording with each `{placeholder}` replaced by its value (`values` names them all).
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    // A value that starts a sentence starts with a capital ("Your child is ...").
                    Some((_, v)) if starts_sentence(&out) => {
                        let mut c = v.chars();
                        if let Some(f) = c.next() {
                            out.extend(f.to_uppercase());
                            out.push_str(c.as_str());
                        }
                    }
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether text written next starts a sentence: nothing before it, or a full stop, question or
/// exclamation mark and a space.
fn starts_sentence(before: &str) -> bool {
    let t = before.trim_end();
    t.is_empty() || (t.len() < before.len() && t.ends_with(['.', '!', '?']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_checked_and_filled() {
        assert!(check_placeholders("{child} is eligible for {school}").is_ok());
        let e = check_placeholders("Dear {parent}").unwrap_err();
        assert!(e.contains("{parent}") && e.contains("{child}"), "{e}");
        assert!(check_placeholders("a { b").is_err());
        assert!(check_placeholders("a } b").is_err());
        assert_eq!(
            fill(
                "{child} to {school}, {child}.",
                &[("child", "Amy"), ("school", "X")]
            ),
            "Amy to X, Amy."
        );
        assert_eq!(
            fill(
                "{child} goes. {child} stays, {child}.",
                &[("child", "your child")]
            ),
            "Your child goes. Your child stays, your child."
        );
    }
}
