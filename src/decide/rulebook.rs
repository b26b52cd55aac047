//! A whole policy: the sections of [`crate::policy`] and the rules of the registered forms
//! ([`rules`]), read from the policy files, merged, put in `[decision] order` and cross-checked.
//! It lives with the engine, not with the policy's values, because it holds the rules and the
//! rules are how the engine decides: `crate::policy` knows no rule form.

use serde::{Deserialize, Serialize};

use crate::policy::overlay;
use crate::policy::{
    Appeal, AppealRules, AreaRule, Basis, DecisionOrder, EhcpProvision, FollowUps, Letter,
    LowIncome, Meta, NetworkDate, ParentalPreference, PolicyError, ReligionOrBelief, Suitability,
    SurplusSeat, SurplusSeatScheme, UnavailableRoute, WalkStart,
};

use super::rules::{self, Rule};

/// Declares [`PolicyDoc`], one policy file as written: its sections, and the rules of every
/// registered form (the TOML name of a form's tables is its key here).
macro_rules! policy_doc {
    ($($key:ident: $Form:ident),* $(,)?) => {
        /// One policy file as written.
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct PolicyDoc {
            policy: Option<Meta>,
            decision: Option<DecisionOrder>,
            suitable_schools: Option<Suitability>,
            low_income: Option<LowIncome>,
            religion_or_belief: Option<ReligionOrBelief>,
            unavailable_route: Option<UnavailableRoute>,
            network_date: Option<NetworkDate>,
            walk_start: Option<WalkStart>,
            parental_preference: Option<ParentalPreference>,
            surplus_seat: Option<SurplusSeat>,
            follow_up: Option<FollowUps>,
            ehcp_provision: Option<EhcpProvision>,
            #[serde(default)]
            area_rule: Vec<AreaRule>,
            surplus_seat_scheme: Option<SurplusSeatScheme>,
            letter: Option<Letter>,
            $(
                #[serde(default)]
                $key: Vec<rules::$Form>,
            )*
        }

        impl PolicyDoc {
            /// The file's rules, form by form in the registry's order.
            fn take_rules(&mut self) -> Vec<Rule> {
                let mut rules = Vec::new();
                $(rules.extend(std::mem::take(&mut self.$key).into_iter().map(Rule::$Form));)*
                rules
            }
        }
    };
}
rules::rule_forms!(policy_doc);

/// The validated policy: every section present once, rules in decision order.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub meta: Meta,
    pub decision: DecisionOrder,
    pub suitable_schools: Suitability,
    pub low_income: LowIncome,
    pub religion_or_belief: ReligionOrBelief,
    pub unavailable_route: UnavailableRoute,
    pub network_date: NetworkDate,
    /// Where a walk starts (clause 1.1.1).
    pub walk_start: WalkStart,
    pub parental_preference: ParentalPreference,
    pub surplus_seat: SurplusSeat,
    /// What follows from a decision (clauses 1.1.14, 1.5.1, 1.5.2, 2.1, 2.3, 2.4, 5.2).
    pub follow_up: FollowUps,
    /// Area specific readings of catchment and nearest (clause 1.1.3).
    pub area_rules: Vec<AreaRule>,
    /// Special schools and base provision for children with an EHCP (clause 1.1.2).
    pub ehcp_provision: Option<EhcpProvision>,
    /// How to apply for a surplus seat (clauses 1.3.1, 1.3.3), when the policy gives it.
    pub surplus_seat_scheme: Option<SurplusSeatScheme>,
    /// How letters name each basis, when the policy gives it.
    pub letter: Option<Letter>,
    /// Appeal grounds and deadlines (clause 5.2), when the policy gives them: the procedure part
    /// of `follow_up.appeal`, where the policy writes it.
    pub appeal: Option<Appeal>,
    pub rules: Vec<Rule>,
}

impl Policy {
    /// Every basis a decision under this policy can have: the rules' and parental preference's.
    pub fn bases(&self) -> std::collections::BTreeSet<Basis> {
        self.rules
            .iter()
            .flat_map(Rule::bases)
            .cloned()
            .chain(std::iter::once(self.parental_preference.basis.clone()))
            .collect()
    }
}

fn take_once<T>(
    slot: &mut Option<(T, String)>,
    value: Option<T>,
    file: &str,
    section: &'static str,
) -> Result<(), PolicyError> {
    if let Some(v) = value {
        if let Some((_, other)) = slot {
            return Err(PolicyError::Duplicate {
                file: file.into(),
                section,
                other: other.clone(),
            });
        }
        *slot = Some((v, file.to_string()));
    }
    Ok(())
}

fn required<T>(slot: Option<(T, String)>, section: &'static str) -> Result<T, PolicyError> {
    slot.map(|(v, _)| v).ok_or(PolicyError::Missing(section))
}

impl Policy {
    /// Parses and merges policy files given as (name, text) pairs, in order.
    pub fn from_sources(sources: &[(String, String)]) -> Result<Policy, PolicyError> {
        Policy::from_layers(&[sources.to_vec()])
    }

    /// Parses a complete policy (`layers[0]`) with overlays on it (each later layer, see
    /// [`overlay`]): the overlays are deep-merged first, then the result is read as one policy.
    pub fn from_layers(layers: &[Vec<overlay::Source>]) -> Result<Policy, PolicyError> {
        let merged = overlay::merge_layers(layers)?;
        let overlays = layers.get(1..).unwrap_or_default();
        let docs = merged
            .iter()
            .map(|f| Ok((f.name.clone(), read_doc(f, overlays)?)))
            .collect::<Result<Vec<_>, PolicyError>>()?;
        Policy::from_docs(docs)
    }

    /// Merges and cross-checks the sections of parsed policy files, in order.
    fn from_docs(docs: Vec<(String, PolicyDoc)>) -> Result<Policy, PolicyError> {
        let mut meta = None;
        let mut decision = None;
        let mut suit = None;
        let mut low = None;
        let mut faith = None;
        let mut unavailable = None;
        let mut network_date = None;
        let mut walk_start = None;
        let mut pref = None;
        let mut surplus = None;
        let mut follow_up = None;
        let mut area_rules: Vec<AreaRule> = Vec::new();
        let mut ehcp = None;
        let mut scheme = None;
        let mut letter = None;
        let mut rules: Vec<Rule> = Vec::new();
        // The file each rule and area rule came from, for errors found across files.
        let mut rule_files: Vec<String> = Vec::new();
        let mut area_rule_files: Vec<String> = Vec::new();
        for (file, mut doc) in docs {
            let file = &file;
            rules.extend(doc.take_rules());
            take_once(&mut meta, doc.policy, file, "policy")?;
            take_once(&mut decision, doc.decision, file, "decision")?;
            take_once(&mut suit, doc.suitable_schools, file, "suitable_schools")?;
            take_once(&mut low, doc.low_income, file, "low_income")?;
            take_once(
                &mut faith,
                doc.religion_or_belief,
                file,
                "religion_or_belief",
            )?;
            take_once(
                &mut unavailable,
                doc.unavailable_route,
                file,
                "unavailable_route",
            )?;
            take_once(&mut network_date, doc.network_date, file, "network_date")?;
            take_once(&mut walk_start, doc.walk_start, file, "walk_start")?;
            take_once(
                &mut pref,
                doc.parental_preference,
                file,
                "parental_preference",
            )?;
            take_once(&mut surplus, doc.surplus_seat, file, "surplus_seat")?;
            take_once(&mut follow_up, doc.follow_up, file, "follow_up")?;
            area_rules.extend(doc.area_rule);
            take_once(&mut ehcp, doc.ehcp_provision, file, "ehcp_provision")?;
            take_once(
                &mut scheme,
                doc.surplus_seat_scheme,
                file,
                "surplus_seat_scheme",
            )?;
            take_once(&mut letter, doc.letter, file, "letter")?;
            rule_files.resize(rules.len(), file.clone());
            area_rule_files.resize(area_rules.len(), file.clone());
        }
        let in_file = |file: &str, e: PolicyError| PolicyError::InFile {
            file: file.to_string(),
            inner: Box::new(e),
        };
        for (i, a) in area_rules.iter().enumerate() {
            let file = &area_rule_files[i];
            if area_rules[..i].iter().any(|o| o.id == a.id) {
                return Err(in_file(file, PolicyError::DuplicateRule(a.id.clone())));
            }
        }
        let (decision, decision_file): (DecisionOrder, String) =
            decision.ok_or(PolicyError::Missing("decision"))?;
        for (i, r) in rules.iter().enumerate() {
            let file = &rule_files[i];
            if rules[..i].iter().any(|o| o.id() == r.id()) {
                return Err(in_file(
                    file,
                    PolicyError::DuplicateRule(r.id().to_string()),
                ));
            }
            if !decision.order.iter().any(|id| id == r.id()) {
                return Err(in_file(
                    file,
                    PolicyError::UnorderedRule(r.id().to_string()),
                ));
            }
        }
        let mut ordered = Vec::with_capacity(rules.len());
        let mut ordered_files = Vec::with_capacity(rules.len());
        for id in &decision.order {
            let pos = rules
                .iter()
                .position(|r| r.id() == id)
                .ok_or_else(|| in_file(&decision_file, PolicyError::UnknownRule(id.clone())))?;
            ordered.push(rules.swap_remove(pos));
            ordered_files.push(rule_files.swap_remove(pos));
        }
        for (r, file) in ordered.iter().zip(&ordered_files) {
            r.form().check().map_err(|message| {
                let rule = r.id().to_string();
                in_file(file, PolicyError::Rule { rule, message })
            })?;
        }
        check_references(&ordered).map_err(|(i, e)| in_file(&ordered_files[i], e))?;
        let (pref, pref_file): (ParentalPreference, String) =
            pref.ok_or(PolicyError::Missing("parental_preference"))?;
        let eligible_only = pref.eligible_only.iter().flat_map(|e| &e.rules);
        for id in pref.accepted_by.iter().chain(eligible_only) {
            if !ordered.iter().any(|r| r.id() == id) {
                return Err(in_file(&pref_file, PolicyError::UnknownRule(id.clone())));
            }
        }
        let letter = match letter {
            Some((l, file)) => {
                let mut decided: std::collections::BTreeSet<Basis> =
                    ordered.iter().flat_map(Rule::bases).cloned().collect();
                decided.insert(pref.basis.clone());
                Some(check_letter(l, &decided).map_err(|e| in_file(&file, e))?)
            }
            None => None,
        };
        Ok(Policy {
            meta: required(meta, "policy")?,
            decision,
            suitable_schools: required(suit, "suitable_schools")?,
            low_income: required(low, "low_income")?,
            religion_or_belief: required(faith, "religion_or_belief")?,
            unavailable_route: required(unavailable, "unavailable_route")?,
            network_date: required(network_date, "network_date")?,
            walk_start: required(walk_start, "walk_start")?,
            parental_preference: pref,
            surplus_seat: required(surplus, "surplus_seat")?,
            appeal: follow_up
                .as_ref()
                .and_then(|(f, _)| f.appeal.as_ref())
                .map(AppealRules::procedure),
            follow_up: follow_up.map(|(f, _)| f).unwrap_or_default(),
            area_rules,
            ehcp_provision: ehcp.map(|(e, _)| e),
            surplus_seat_scheme: scheme.map(|(v, _)| v),
            letter,
            rules: ordered,
        })
    }
}

/// A letter table must name every basis the rules can decide on (`decided`), and only those: a
/// decision on a basis without words would read as a code name to the family, and words for a
/// basis no rule gives are most likely a misspelling of one.
fn check_letter(
    l: Letter,
    decided: &std::collections::BTreeSet<Basis>,
) -> Result<Letter, PolicyError> {
    let missing: Vec<&str> = decided
        .iter()
        .filter(|b| !l.basis.contains_key(b))
        .map(Basis::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(PolicyError::Letter(format!(
            "[letter.basis] gives no words for {}",
            missing.join(", ")
        )));
    }
    for (table, words) in [("basis", &l.basis), ("not_eligible", &l.not_eligible)] {
        if let Some(b) = words.keys().find(|b| !decided.contains(b)) {
            return Err(PolicyError::Letter(format!(
                "[letter.{table}] gives words for {b}, on which no rule decides: is it misspelt?"
            )));
        }
    }
    for (name, text) in l.wording() {
        crate::policy::letter_placeholders(text)
            .map_err(|e| PolicyError::Letter(format!("[letter] {name} {e}")))?;
    }
    Ok(l)
}

/// Reads one merged policy file: from its text when no overlay changed it (so errors carry line
/// and column), else from the merged values, a refused value then being reported at the line
/// and column where an overlay wrote it.
fn read_doc(
    f: &overlay::MergedFile,
    overlays: &[Vec<overlay::Source>],
) -> Result<PolicyDoc, PolicyError> {
    let whole = |e: &toml::de::Error| PolicyError::Toml {
        file: f.name.clone(),
        message: e.to_string().trim_end().to_string(),
    };
    match &f.text {
        Some(text) => toml::from_str(text).map_err(|e| whole(&e)),
        None => PolicyDoc::deserialize(toml::Value::Table(f.table.clone())).map_err(|e| {
            let keys = error_keys(&e);
            match overlay::written_at(overlays, &keys) {
                Some(at) if !keys.is_empty() => PolicyError::OverlayValue {
                    file: at.file,
                    line: at.line,
                    column: at.column,
                    path: keys.join("."),
                    message: e.message().trim_end().to_string(),
                    merged: f.name.clone(),
                },
                _ => whole(&e),
            }
        }),
    }
}

/// The table keys a TOML value error names ("in `surplus_seat.charge_gbp`"): the toml crate
/// prints them after the message but has no accessor for them. Empty when there are none.
fn error_keys(e: &toml::de::Error) -> Vec<String> {
    let shown = e.to_string();
    shown
        .trim_end()
        .rsplit_once("\nin `")
        .and_then(|(_, keys)| keys.strip_suffix('`'))
        .map(|keys| keys.split('.').map(str::to_string).collect())
        .unwrap_or_default()
}

/// Rules that borrow another rule's criteria (clauses 1.1.9, 1.1.10, 1.1.8, 1.1.16, 4.2, 4.3:
/// "the age/distance criteria"; Post-16 section 2) must name a rule of the form they read.
fn check_references(rules: &[Rule]) -> Result<(), (usize, PolicyError)> {
    for (i, r) in rules.iter().enumerate() {
        let Some((wanted, form)) = r.form().borrows() else {
            continue;
        };
        if !rules
            .iter()
            .any(|o| o.id() == wanted && o.form_name() == form)
        {
            return Err((
                i,
                PolicyError::BadReference {
                    rule: r.id().to_string(),
                    wanted: wanted.to_string(),
                },
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Comparison;
    use crate::units::Pence;

    fn shipped() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policy/2022-23");
        let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn shipped_policy_loads_with_its_figures() {
        let p = Policy::from_sources(&shipped()).unwrap();
        assert_eq!(p.surplus_seat.charge_gbp.0, Pence(82500));
        let ids: Vec<&str> = p.rules.iter().map(Rule::id).collect();
        assert_eq!(
            ids,
            p.decision
                .order
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        );
        let Some(Rule::DistanceRule(stat)) =
            p.rules.iter().find(|r| r.id() == "statutory-distance")
        else {
            panic!("the statutory distance rule is a distance rule")
        };
        assert_eq!(stat.bands[0].limits[0].comparison, Comparison::AtLeast);
        assert_eq!(stat.bands[0].limits[0].metres.0, 2.0 * 1609.344);
        assert_eq!(stat.bands[1].limits[0].metres.0, 3.0 * 1609.344);
    }

    fn with_replacement(from: &str, to: &str) -> Result<Policy, PolicyError> {
        let mut src = shipped();
        let hit = src
            .iter_mut()
            .find(|(_, t)| t.contains(from))
            .expect("text to replace");
        hit.1 = hit.1.replacen(from, to, 1);
        Policy::from_sources(&src)
    }

    #[test]
    fn a_value_with_a_clause_carries_its_quote() {
        for key in [
            "universal_credit_quote",
            "operator_priced_quote",
            "unavailable_quote",
            "priority_quote",
            "not_on_quote",
        ] {
            let e = with_replacement(&format!("{key} = "), "dropped_quote = ")
                .unwrap_err()
                .to_string();
            assert!(e.contains(key) || e.contains("dropped_quote"), "{key}: {e}");
        }
    }

    /// Basis names are policy data: a rule may name a new one, which the letter must then give
    /// words for; a name that is not lower-case words, or letter words for a basis no rule
    /// gives, is refused.
    #[test]
    fn bases_are_named_by_the_policy_and_checked_against_the_letter() {
        let e = with_replacement("basis = \"pre_school\"", "basis = \"Pre School\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a basis name") && e.contains("line"), "{e}");
        let e = with_replacement("basis = \"pre_school\"", "basis = \"nursery\"")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[letter.basis] gives no words for nursery"),
            "{e}"
        );
        let e = with_replacement("\nsibling = ", "\nsiblings = \"x\"\nsibling = ")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("gives words for siblings, on which no rule decides"),
            "{e}"
        );
        let mut src = shipped();
        for (_, t) in src.iter_mut() {
            *t = t.replace("basis = \"pre_school\"", "basis = \"nursery\"");
            *t = t.replace("\npre_school = ", "\nnursery = ");
        }
        let p = Policy::from_sources(&src).unwrap();
        assert!(p
            .rules
            .iter()
            .any(|r| r.bases().iter().any(|b| b.as_str() == "nursery")));
    }

    #[test]
    fn bad_values_are_reported_with_line_and_column() {
        let e = with_replacement(
            "walking = { comparison = \">=\", miles = 2 }",
            "walking = { comparison = \"=>\", miles = 2 }",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("home-to-school.toml"), "{e}");
        assert!(e.contains("line"), "{e}");
        assert!(e.contains("=>"), "{e}");
        let e = with_replacement("years = \"R-Y4\"", "years = \"Y4-R\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("ends earlier"), "{e}");
        let e = with_replacement("charge_gbp = 825.00", "charge_gbp = 825.001")
            .unwrap_err()
            .to_string();
        assert!(e.contains("pounds and pence"), "{e}");
        let e = with_replacement("years = \"Y5-Y11\"", "years = \"Y4-Y11\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("overlap"), "{e}");
        let e = with_replacement("miles = 3 }", "miles = -3 }")
            .unwrap_err()
            .to_string();
        assert!(e.contains("non-negative"), "{e}");
    }

    #[test]
    fn values_outside_their_ranges_are_refused_with_line_and_column() {
        for (from, to, says) in [
            (
                "charge_gbp = 825.00",
                "charge_gbp = 1e300",
                "1e300 is outside",
            ),
            (
                "charge_gbp = 825.00",
                "charge_gbp = 100000.01",
                "0 to 100000 pounds",
            ),
            ("miles = 3 }", "miles = 300 }", "300 miles is outside"),
            ("review_days = 20", "review_days = 20000", "0 to 366"),
        ] {
            let e = with_replacement(from, to).unwrap_err().to_string();
            assert!(e.contains("line ") && e.contains("column "), "{to}: {e}");
            assert!(e.contains(says), "{to}: {e}");
        }
    }

    /// An overlay's value is checked after merging, and reported where the overlay wrote it.
    #[test]
    fn an_overlay_value_out_of_range_is_reported_at_its_line_and_column() {
        let overlay = (
            "over/policy.toml".to_string(),
            "[overlay]\nbase = \"../2022-23\"\n\n[surplus_seat]\nquote = \"q\"\n\
             charge_gbp   = 1e300\n"
                .to_string(),
        );
        let e = Policy::from_layers(&[shipped(), vec![overlay]])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "over/policy.toml, line 6, column 16: surplus_seat.charge_gbp: 1e300 is outside \
                 the plausible range of amounts, 0 to 100000 pounds (merged: "
            ),
            "{e}"
        );
        assert!(
            e.ends_with("home-to-school.toml with over/policy.toml)"),
            "{e}"
        );
    }

    #[test]
    fn structure_errors_are_reported() {
        let e = with_replacement("  \"post16-assistance\",\n", "")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not listed"), "{e}");
        let e = with_replacement("[surplus_seat]", "[surplus_seats]")
            .unwrap_err()
            .to_string();
        assert!(e.contains("surplus_seats"), "{e}");
        let mut src = shipped();
        src.retain(|(n, _)| n.ends_with("home-to-school.toml"));
        let e = Policy::from_sources(&src).unwrap_err().to_string();
        assert!(e.contains("which no file defines"), "{e}");
        assert!(e.contains("post19-ehcp"), "{e}");
    }
}
