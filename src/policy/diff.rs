//! What differs between two policies (`policy diff`): a path-level comparison of the merged
//! policy values, so that any section or key added to the policy files is covered without
//! changing this code. Tables are compared key by key, arrays of tables item by item on their
//! `id` (or by position when their items have no `id`), and every other value as a whole.

use super::overlay::is_array_of_tables;
use serde::Serialize;
use toml::{Table, Value};

/// How a value differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In both, with different values.
    Changed,
    /// Only in the second policy.
    Added,
    /// Only in the first policy.
    Removed,
}

/// One difference between two policies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// Where: `surplus_seat.charge_gbp`, `distance_rule[low-income].band[2].walking.miles`
    /// (items of lists without ids counted from 1).
    pub path: String,
    /// The `clause` of the nearest enclosing table or list item (the second policy's, else the
    /// first's); none for the policy header.
    pub clause: Option<String>,
    pub change: Change,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Every difference from `a` to `b`, in the order the first policy writes its values (values
/// only in `b` follow those of `a` at the same level).
pub fn diff(a: &Table, b: &Table) -> Vec<Difference> {
    let mut out = Vec::new();
    tables(a, b, "", None, &mut out);
    out
}

fn clause_of(t: &Table) -> Option<String> {
    t.get("clause").and_then(Value::as_str).map(str::to_string)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn tables(a: &Table, b: &Table, path: &str, clause: Option<&str>, out: &mut Vec<Difference>) {
    let clause = clause_of(b)
        .or_else(|| clause_of(a))
        .or(clause.map(str::to_string));
    let clause = clause.as_deref();
    for (k, va) in a {
        let p = join(path, k);
        match b.get(k) {
            Some(vb) => values(va, vb, &p, clause, out),
            None => out.push(one(Change::Removed, p, clause, va)),
        }
    }
    for (k, vb) in b {
        if !a.contains_key(k) {
            out.push(one(Change::Added, join(path, k), clause, vb));
        }
    }
}

/// An added or removed value; a table's own clause names it.
fn one(change: Change, path: String, clause: Option<&str>, v: &Value) -> Difference {
    let clause = v
        .as_table()
        .and_then(clause_of)
        .or(clause.map(str::to_string));
    let (old, new) = match change {
        Change::Removed => (Some(v.clone()), None),
        _ => (None, Some(v.clone())),
    };
    Difference {
        path,
        clause,
        change,
        old,
        new,
    }
}

fn id_of(v: &Value) -> Option<String> {
    v.get("id").map(|id| match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // 825 and 825.00 are the same amount.
        (Value::Integer(i), Value::Float(f)) | (Value::Float(f), Value::Integer(i)) => {
            (*i as f64) == *f
        }
        // "R-Y4" and ["R", "Y4"] are the same year range, written two ways.
        (Value::String(_), Value::Array(_)) | (Value::Array(_), Value::String(_)) => {
            match (year_range(a), year_range(b)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }
        }
        _ => a == b,
    }
}

/// A value as a year range, in either form it may be written.
fn year_range(v: &Value) -> Option<super::YearRange> {
    match v {
        Value::String(s) => super::YearRange::parse(s),
        Value::Array(x) => match x.as_slice() {
            [Value::String(a), Value::String(b)] => Some(super::YearRange {
                first: super::YearGroup::parse(a)?,
                last: super::YearGroup::parse(b)?,
            }),
            _ => None,
        },
        _ => None,
    }
}

fn values(a: &Value, b: &Value, path: &str, clause: Option<&str>, out: &mut Vec<Difference>) {
    match (a, b) {
        (Value::Table(ta), Value::Table(tb)) => tables(ta, tb, path, clause, out),
        (Value::Array(la), Value::Array(lb))
            if is_array_of_tables(la) && is_array_of_tables(lb) =>
        {
            let by_id = la.iter().chain(lb).all(|v| id_of(v).is_some());
            if by_id {
                for ia in la {
                    let id = id_of(ia).unwrap_or_default();
                    let p = format!("{path}[{id}]");
                    match lb
                        .iter()
                        .find(|ib| id_of(ib).as_deref() == Some(id.as_str()))
                    {
                        Some(ib) => values(ia, ib, &p, clause, out),
                        None => out.push(one(Change::Removed, p, clause, ia)),
                    }
                }
                for ib in lb {
                    let id = id_of(ib).unwrap_or_default();
                    if !la
                        .iter()
                        .any(|ia| id_of(ia).as_deref() == Some(id.as_str()))
                    {
                        out.push(one(Change::Added, format!("{path}[{id}]"), clause, ib));
                    }
                }
            } else {
                for i in 0..la.len().max(lb.len()) {
                    let p = format!("{path}[{}]", i + 1);
                    match (la.get(i), lb.get(i)) {
                        (Some(ia), Some(ib)) => values(ia, ib, &p, clause, out),
                        (Some(ia), None) => out.push(one(Change::Removed, p, clause, ia)),
                        (None, Some(ib)) => out.push(one(Change::Added, p, clause, ib)),
                        (None, None) => {}
                    }
                }
            }
        }
        _ if same(a, b) => {}
        _ => out.push(Difference {
            path: path.to_string(),
            clause: clause.map(str::to_string),
            change: Change::Changed,
            old: Some(a.clone()),
            new: Some(b.clone()),
        }),
    }
}

/// A value as TOML writes it inline (`825.0`, `"text"`, `2022-09-01`, `{ a = 1 }`).
pub fn inline(v: &Value) -> String {
    match v {
        Value::Table(t) => {
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

/// A value as JSON (dates as their TOML text).
pub fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Integer(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Value::from(*f),
        Value::Boolean(b) => serde_json::Value::Bool(*b),
        Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        Value::Array(a) => serde_json::Value::Array(a.iter().map(to_json).collect()),
        Value::Table(t) => {
            serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Table {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn a_year_range_written_the_other_way_is_no_difference() {
        let a = t("[x]\nclause = \"1\"\nyears = \"R-Y4\"\none = \"Y11\"\n");
        let b = t("[x]\nclause = \"1\"\nyears = [\"R\", \"Y4\"]\none = [\"Y11\", \"Y11\"]\n");
        assert!(diff(&a, &b).is_empty());
        let c = t("[x]\nclause = \"1\"\nyears = [\"R\", \"Y5\"]\none = \"Y11\"\n");
        assert_eq!(diff(&a, &c).len(), 1);
    }

    #[test]
    fn changed_added_and_removed_values_carry_their_clause() {
        let a = t(r#"
[policy]
year = "2021-22"
[surplus_seat]
clause = "1.3.2"
charge_gbp = 800.00
gone = 1
[[rule]]
id = "x"
clause = "1.1"
  [[rule.band]]
  clause = "1.1(i)"
  miles = 2
[[rule]]
id = "old"
clause = "9"
"#);
        let b = t(r#"
[policy]
year = "2022-23"
[surplus_seat]
clause = "1.3.2"
charge_gbp = 825
[[rule]]
id = "new"
clause = "8"
[[rule]]
id = "x"
clause = "1.1"
  [[rule.band]]
  clause = "1.1(i)"
  miles = 3
"#);
        let d = diff(&a, &b);
        let lines: Vec<String> = d
            .iter()
            .map(|d| {
                format!(
                    "{:?} {} {:?} {:?} {:?}",
                    d.change,
                    d.path,
                    d.clause,
                    d.old.as_ref().map(inline),
                    d.new.as_ref().map(inline)
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "Changed policy.year None Some(\"\\\"2021-22\\\"\") Some(\"\\\"2022-23\\\"\")",
                "Changed surplus_seat.charge_gbp Some(\"1.3.2\") Some(\"800.0\") Some(\"825\")",
                "Removed surplus_seat.gone Some(\"1.3.2\") Some(\"1\") None",
                "Changed rule[x].band[1].miles Some(\"1.1(i)\") Some(\"2\") Some(\"3\")",
                "Removed rule[old] Some(\"9\") Some(\"{ id = \\\"old\\\", clause = \\\"9\\\" }\") None",
                "Added rule[new] Some(\"8\") None Some(\"{ id = \\\"new\\\", clause = \\\"8\\\" }\")",
            ]
        );
        assert!(diff(&a, &a).is_empty());
    }
}
