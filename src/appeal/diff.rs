//! Comparing two sets of decisions (two batch outputs: the same applications under two policy
//! years, two network versions, or before and after a correction) case by case, and saying for
//! each changed case what changed and the likely cause: a distance crossed a limit, the nearest
//! school changed, a policy parameter changed, or the rule applied changed.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// One decided case as a decisions CSV holds it: the cells that matter for a comparison, as
/// text (so that what is compared is exactly what officers saw).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DecidedRow {
    /// Application reference.
    pub id: String,
    /// Input data row number.
    pub row: String,
    pub outcome: String,
    pub basis: String,
    pub school_urn: String,
    pub school_name: String,
    /// Miles to three decimals, `none` when no walking route is available, empty when unknown.
    pub walking_mi: String,
    pub driven_mi: String,
    pub threshold: String,
    pub charge_pence: String,
    pub surplus_priority: String,
    pub deciding_clause: String,
    pub error: String,
    pub policy_sha256: String,
    pub data_sha256: String,
}

/// A field whose value differs between the two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// Why a case's decision changed, as far as the two rows show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Cause {
    /// The case is in the old run only.
    OnlyInOld,
    /// The case is in the new run only.
    OnlyInNew,
    /// A measured distance moved across the limit that decides the outcome.
    DistanceCrossedLimit {
        measure: &'static str,
        old_mi: String,
        new_mi: String,
        /// The limit applied in the new run (or the old, if the new has none).
        limit: String,
    },
    /// The school decided about changed (e.g. a different nearest school).
    SchoolChanged { old: String, new: String },
    /// Outcome, basis, school and distances are the same, so a policy parameter (a charge or a
    /// priority) changed.
    ParameterChanged { fields: Vec<&'static str> },
    /// Distances and school are the same but another rule decided (e.g. a changed year band or
    /// a changed circumstance).
    RuleChanged {
        old_clause: String,
        new_clause: String,
    },
    /// The case could not be decided in one of the runs.
    ErrorInOneRun { old: String, new: String },
}

impl Cause {
    /// A sentence for the text report.
    pub fn describe(&self) -> String {
        match self {
            Cause::OnlyInOld => "the case is only in the old decisions".into(),
            Cause::OnlyInNew => "the case is only in the new decisions".into(),
            Cause::DistanceCrossedLimit {
                measure,
                old_mi,
                new_mi,
                limit,
            } => format!("{measure} distance {old_mi} mi -> {new_mi} mi crossed the limit {limit}"),
            Cause::SchoolChanged { old, new } => format!("the school changed: {old} -> {new}"),
            Cause::ParameterChanged { fields } => format!(
                "a policy parameter changed ({}): outcome, basis, school and distances are the same",
                fields.join(", ")
            ),
            Cause::RuleChanged {
                old_clause,
                new_clause,
            } => format!(
                "another rule decided ({} -> {}) with the same school and distances",
                or_none(old_clause),
                or_none(new_clause)
            ),
            Cause::ErrorInOneRun { old, new } => format!(
                "the case could not be decided in one run (old: {}, new: {})",
                or_none(old),
                or_none(new)
            ),
        }
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "none"
    } else {
        s
    }
}

/// One case whose decision differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseChange {
    pub id: String,
    /// Row number in the old and the new file (empty when absent).
    pub old_row: String,
    pub new_row: String,
    pub changes: Vec<FieldChange>,
    pub causes: Vec<Cause>,
}

/// The comparison of two runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Comparison {
    /// Cases present in both runs.
    pub compared: usize,
    pub unchanged: usize,
    pub only_in_old: usize,
    pub only_in_new: usize,
    /// How many changed cases changed each field.
    pub changed_fields: BTreeMap<&'static str, usize>,
    /// Whether the policy or data fingerprints differ between the runs (first row of each).
    pub policy_files_differ: bool,
    pub data_files_differ: bool,
    /// Changed cases, in the new run's order, then cases only in the old run.
    pub changes: Vec<CaseChange>,
}

/// Reads one cell of a row.
type Getter = fn(&DecidedRow) -> &str;

/// The decision fields compared, in report order. Distances are not decisions: they show up as
/// causes. Reasons are not compared: their wording follows the fields compared.
const FIELDS: &[(&str, Getter)] = &[
    ("outcome", |r| &r.outcome),
    ("basis", |r| &r.basis),
    ("school_urn", |r| &r.school_urn),
    ("charge_pence", |r| &r.charge_pence),
    ("surplus_priority", |r| &r.surplus_priority),
];

/// Matches rows by application id (the n-th row with an id in one run meets the n-th with the
/// same id in the other, so repeated or empty ids still pair up in order).
fn keyed(rows: &[DecidedRow]) -> Vec<(String, usize)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    rows.iter()
        .map(|r| {
            let n = seen.entry(r.id.as_str()).or_default();
            *n += 1;
            (r.id.clone(), *n)
        })
        .collect()
}

/// Compares `old` with `new`.
pub fn compare(old: &[DecidedRow], new: &[DecidedRow]) -> Comparison {
    let mut c = Comparison {
        policy_files_differ: first_differs(old, new, |r| &r.policy_sha256),
        data_files_differ: first_differs(old, new, |r| &r.data_sha256),
        ..Comparison::default()
    };
    let old_keys = keyed(old);
    let old_at: HashMap<&(String, usize), usize> =
        old_keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let mut matched = vec![false; old.len()];
    for (n, key) in new.iter().zip(keyed(new)) {
        let Some(&i) = old_at.get(&key) else {
            c.only_in_new += 1;
            c.changes.push(CaseChange {
                id: n.id.clone(),
                old_row: String::new(),
                new_row: n.row.clone(),
                changes: Vec::new(),
                causes: vec![Cause::OnlyInNew],
            });
            continue;
        };
        matched[i] = true;
        c.compared += 1;
        let o = &old[i];
        let changes: Vec<FieldChange> = FIELDS
            .iter()
            .filter(|(_, get)| get(o) != get(n))
            .map(|(field, get)| FieldChange {
                field,
                old: get(o).to_string(),
                new: get(n).to_string(),
            })
            .collect();
        if changes.is_empty() {
            c.unchanged += 1;
            continue;
        }
        for ch in &changes {
            *c.changed_fields.entry(ch.field).or_default() += 1;
        }
        c.changes.push(CaseChange {
            id: n.id.clone(),
            old_row: o.row.clone(),
            new_row: n.row.clone(),
            causes: causes(o, n, &changes),
            changes,
        });
    }
    for (o, _) in old.iter().zip(&matched).filter(|(_, m)| !**m) {
        c.only_in_old += 1;
        c.changes.push(CaseChange {
            id: o.id.clone(),
            old_row: o.row.clone(),
            new_row: String::new(),
            changes: Vec::new(),
            causes: vec![Cause::OnlyInOld],
        });
    }
    c
}

fn first_differs(old: &[DecidedRow], new: &[DecidedRow], f: fn(&DecidedRow) -> &str) -> bool {
    match (old.first(), new.first()) {
        (Some(o), Some(n)) => f(o) != f(n),
        _ => false,
    }
}

/// The causes of a change, most specific first.
fn causes(o: &DecidedRow, n: &DecidedRow, changes: &[FieldChange]) -> Vec<Cause> {
    if o.outcome == "error" || n.outcome == "error" {
        return vec![Cause::ErrorInOneRun {
            old: o.error.clone(),
            new: n.error.clone(),
        }];
    }
    let mut out = Vec::new();
    if o.school_urn != n.school_urn {
        out.push(Cause::SchoolChanged {
            old: school(o),
            new: school(n),
        });
    }
    let decided_differs = o.outcome != n.outcome || o.basis != n.basis;
    let distances = [
        ("walking", &o.walking_mi, &n.walking_mi),
        ("driven", &o.driven_mi, &n.driven_mi),
    ];
    let moved: Vec<_> = distances.iter().filter(|(_, a, b)| a != b).collect();
    if decided_differs && o.school_urn == n.school_urn {
        let limit = if n.threshold.is_empty() {
            &o.threshold
        } else {
            &n.threshold
        };
        for (measure, a, b) in &moved {
            out.push(Cause::DistanceCrossedLimit {
                measure,
                old_mi: or_none(a).to_string(),
                new_mi: or_none(b).to_string(),
                limit: or_none(limit).to_string(),
            });
        }
        if moved.is_empty() {
            out.push(Cause::RuleChanged {
                old_clause: o.deciding_clause.clone(),
                new_clause: n.deciding_clause.clone(),
            });
        }
    }
    if !decided_differs && o.school_urn == n.school_urn && moved.is_empty() {
        out.push(Cause::ParameterChanged {
            fields: changes.iter().map(|c| c.field).collect(),
        });
    }
    if out.is_empty() {
        // Outcome unchanged, distances moved, and a charge or priority moved with them (the
        // surplus seat tie-break, or a rule whose charge depends on distance).
        out.push(Cause::ParameterChanged {
            fields: changes.iter().map(|c| c.field).collect(),
        });
    }
    out
}

fn school(r: &DecidedRow) -> String {
    if r.school_urn.is_empty() {
        "none".into()
    } else {
        format!("{} {}", r.school_urn, r.school_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, outcome: &str, walking: &str, charge: &str) -> DecidedRow {
        DecidedRow {
            id: id.into(),
            row: "1".into(),
            outcome: outcome.into(),
            basis: if outcome == "eligible" {
                "statutory_distance".into()
            } else {
                String::new()
            },
            school_urn: "100".into(),
            school_name: "A School".into(),
            walking_mi: walking.into(),
            threshold: "walking route >= 3 mi (1.1.1(ii))".into(),
            charge_pence: charge.into(),
            deciding_clause: if outcome == "eligible" {
                "1.1.1(ii)".into()
            } else {
                "1.1.1".into()
            },
            ..DecidedRow::default()
        }
    }

    #[test]
    fn same_rows_are_unchanged() {
        let a = vec![row("A", "eligible", "3.100", "0")];
        let c = compare(&a, &a);
        assert_eq!((c.compared, c.unchanged, c.changes.len()), (1, 1, 0));
    }

    #[test]
    fn a_charge_change_alone_is_a_parameter_change() {
        let old = vec![row("A", "not_eligible", "1.000", "80000")];
        let new = vec![row("A", "not_eligible", "1.000", "82500")];
        let c = compare(&old, &new);
        assert_eq!(c.changes.len(), 1);
        assert_eq!(
            c.changes[0].changes,
            vec![FieldChange {
                field: "charge_pence",
                old: "80000".into(),
                new: "82500".into()
            }]
        );
        assert_eq!(
            c.changes[0].causes,
            vec![Cause::ParameterChanged {
                fields: vec!["charge_pence"]
            }]
        );
        assert_eq!(c.changed_fields.get("charge_pence"), Some(&1));
    }

    #[test]
    fn a_distance_across_the_limit_is_named() {
        let old = vec![row("A", "not_eligible", "2.999", "82500")];
        let new = vec![row("A", "eligible", "3.001", "0")];
        let c = compare(&old, &new);
        let causes = &c.changes[0].causes;
        assert_eq!(
            causes,
            &vec![Cause::DistanceCrossedLimit {
                measure: "walking",
                old_mi: "2.999".into(),
                new_mi: "3.001".into(),
                limit: "walking route >= 3 mi (1.1.1(ii))".into()
            }]
        );
        assert!(causes[0].describe().contains("2.999 mi -> 3.001 mi"));
    }

    #[test]
    fn a_new_school_is_named_and_missing_cases_counted() {
        let old = vec![
            row("A", "eligible", "3.100", "0"),
            row("B", "eligible", "4.000", "0"),
        ];
        let mut moved = row("A", "eligible", "3.500", "0");
        moved.school_urn = "200".into();
        moved.school_name = "B School".into();
        let new = vec![moved, row("C", "eligible", "4.000", "0")];
        let c = compare(&old, &new);
        assert_eq!((c.compared, c.only_in_new, c.only_in_old), (1, 1, 1));
        assert_eq!(
            c.changes[0].causes[0],
            Cause::SchoolChanged {
                old: "100 A School".into(),
                new: "200 B School".into()
            }
        );
        assert_eq!(c.changes[1].causes, vec![Cause::OnlyInNew]);
        assert_eq!(c.changes[2].causes, vec![Cause::OnlyInOld]);
    }

    #[test]
    fn same_distance_other_rule() {
        let old = vec![row("A", "not_eligible", "2.500", "82500")];
        let mut new = row("A", "eligible", "2.500", "0");
        new.basis = "low_income".into();
        new.deciding_clause = "1.1.4".into();
        let c = compare(&old, &[new]);
        assert_eq!(
            c.changes[0].causes,
            vec![Cause::RuleChanged {
                old_clause: "1.1.1".into(),
                new_clause: "1.1.4".into()
            }]
        );
    }

    #[test]
    fn repeated_ids_pair_in_order() {
        let old = vec![row("", "error", "", ""), row("", "error", "", "")];
        let c = compare(&old, &old);
        assert_eq!((c.compared, c.unchanged), (2, 2));
    }
}
