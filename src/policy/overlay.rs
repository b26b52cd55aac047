//! Policy overlays: a policy year that differs from another only in a few values says so in one
//! small file instead of copying the other year's files.
//!
//! An overlay file has an `[overlay]` table naming its base (`base = "../2022-23"`, a directory
//! relative to the overlay's own directory) and, besides it, only the values that differ, written
//! where the base writes them. The overlay is deep-merged into the base: tables merge key by key,
//! arrays of tables are matched item by item on their `id` (or replaced whole when their items
//! have no `id`), and every other value (numbers, text, dates, plain arrays) is replaced. An
//! overlay can only change what the base has: a key, section or rule id the base lacks is an
//! error, which protects against typos. Every overlay table that changes a value must also give
//! the `quote` (or, for `[policy]`, the `source`) its new values rest on; the clause is the
//! table's own, inherited from the base unless the overlay changes it too.
//!
//! Reading the files and finding the base directory is I/O and lives in `crate::io::policy_files`;
//! this module merges texts already read, so the typed policy and `policy diff` see exactly the
//! same merged values.

use toml::{Table, Value};

use super::PolicyError;
use crate::textpos::{line_col, line_of_offset};

/// One policy file as read: the name shown in errors (its path) and its text.
pub type Source = (String, String);

/// The `[overlay]` header of an overlay file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayHeader {
    /// The base policy directory, relative to the overlay file's directory.
    pub base: String,
    /// The line of `base = ...`, for errors about it.
    pub line: Option<usize>,
}

/// A policy file after merging: untouched base files keep their text so that errors in them
/// still carry line and column.
#[derive(Debug, Clone)]
pub struct MergedFile {
    /// The file's path, or "BASE with OVERLAY, ..." when overlays changed it.
    pub name: String,
    /// The merged TOML (without any `[overlay]` table).
    pub table: Table,
    /// The original text, when no overlay changed the file.
    pub text: Option<String>,
}

/// One step of a path into a TOML document, for error lines and diff paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of a table.
    Key(String),
    /// An item of an array of tables, by position (from 0) in the file being read.
    Index(usize),
}

/// Renders a path as `surplus_seat.charge_gbp` / `distance_rule[2].band`.
pub fn path_text(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !s.is_empty() && !k.starts_with('[') {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{}]", i + 1)),
        }
    }
    s
}

/// The 1-based line of the item at `path` in `text`, where it can be found (else the line of
/// the nearest enclosing item found).
pub fn line_of(text: &str, path: &[Step]) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    find_span(doc.as_table(), path, None).map(|r| line_of_offset(text, r.start))
}

fn find_span(
    table: &dyn toml_edit::TableLike,
    path: &[Step],
    span: Option<std::ops::Range<usize>>,
) -> Option<std::ops::Range<usize>> {
    let Some((Step::Key(k), rest)) = path.split_first() else {
        return span;
    };
    let Some((key, item)) = table.get_key_value(k) else {
        return span;
    };
    let span = key.span().or_else(|| item.span()).or(span);
    match rest.first() {
        None => span,
        Some(Step::Index(i)) => match item.as_array_of_tables().and_then(|a| a.get(*i)) {
            Some(t) => find_span(t, &rest[1..], t.span().or(span)),
            None => span,
        },
        Some(Step::Key(_)) => match item.as_table_like() {
            Some(t) => find_span(t, rest, span),
            None => span,
        },
    }
}

/// Where an overlay wrote a value: its file, and the line and column of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// The overlay file that writes the value at `keys` (table keys from the top, as a TOML error
/// names them; arrays of tables are searched item by item), the last one when several do, with
/// the position of the value: so that a value refused after merging is reported where it was
/// written, not in the merged table, which has no lines.
pub fn written_at(overlays: &[Vec<Source>], keys: &[String]) -> Option<Written> {
    overlays.iter().rev().flatten().find_map(|(file, text)| {
        let doc = toml_edit::ImDocument::parse(text.as_str()).ok()?;
        let span = value_span(doc.as_item(), keys)?;
        let (line, column) = line_col(text, span.start);
        Some(Written {
            file: file.clone(),
            line,
            column,
        })
    })
}

fn value_span(item: &toml_edit::Item, keys: &[String]) -> Option<std::ops::Range<usize>> {
    let Some((key, rest)) = keys.split_first() else {
        return item.span();
    };
    if let Some(tables) = item.as_array_of_tables() {
        return tables.iter().find_map(|t| value_span(t.get(key)?, rest));
    }
    value_span(item.as_table_like()?.get(key)?, rest)
}

fn toml_error(file: &str, e: toml::de::Error) -> PolicyError {
    PolicyError::Toml {
        file: file.to_string(),
        message: e.to_string().trim_end().to_string(),
    }
}

fn overlay_error(file: &str, text: &str, path: &[Step], message: String) -> PolicyError {
    PolicyError::Overlay {
        file: file.to_string(),
        line: line_of(text, path),
        message,
    }
}

/// Reads the `[overlay]` header of a policy file, if it has one.
pub fn overlay_header(file: &str, text: &str) -> Result<Option<OverlayHeader>, PolicyError> {
    let table: Table = toml::from_str(text).map_err(|e| toml_error(file, e))?;
    let Some(o) = table.get("overlay") else {
        return Ok(None);
    };
    let here = [Step::Key("overlay".into())];
    let Some(o) = o.as_table() else {
        return Err(overlay_error(
            file,
            text,
            &here,
            "overlay must be a table: [overlay] base = \"../YEAR\"".into(),
        ));
    };
    for k in o.keys() {
        if k != "base" && k != "note" {
            return Err(overlay_error(
                file,
                text,
                &[Step::Key("overlay".into()), Step::Key(k.clone())],
                format!("[overlay] has no key '{k}' (it takes base and note)"),
            ));
        }
    }
    let base_path = [Step::Key("overlay".into()), Step::Key("base".into())];
    match o.get("base") {
        Some(Value::String(b)) if !b.trim().is_empty() => Ok(Some(OverlayHeader {
            base: b.clone(),
            line: line_of(text, &base_path),
        })),
        Some(_) => Err(overlay_error(
            file,
            text,
            &base_path,
            "[overlay] base must be the base policy directory, e.g. \"../2022-23\"".into(),
        )),
        None => Err(overlay_error(
            file,
            text,
            &here,
            "[overlay] needs base = \"DIR\": the policy directory this one overrides".into(),
        )),
    }
}

/// Merges policy layers: `layers[0]` is a complete policy (its files in order); each later layer
/// is an overlay on everything before it.
pub fn merge_layers(layers: &[Vec<Source>]) -> Result<Vec<MergedFile>, PolicyError> {
    let Some((first, overlays)) = layers.split_first() else {
        return Ok(Vec::new());
    };
    let mut files = Vec::with_capacity(first.len());
    for (file, text) in first {
        let table: Table = toml::from_str(text).map_err(|e| toml_error(file, e))?;
        if table.contains_key("overlay") {
            return Err(overlay_error(
                file,
                text,
                &[Step::Key("overlay".into())],
                "an overlay file cannot be mixed into a complete policy".into(),
            ));
        }
        files.push(MergedFile {
            name: file.clone(),
            table,
            text: Some(text.clone()),
        });
    }
    for layer in overlays {
        for (file, text) in layer {
            apply_overlay(&mut files, file, text)?;
        }
    }
    Ok(files)
}

/// Merges one overlay file into the merged files of its base.
fn apply_overlay(files: &mut [MergedFile], file: &str, text: &str) -> Result<(), PolicyError> {
    let mut over: Table = toml::from_str(text).map_err(|e| toml_error(file, e))?;
    over.remove("overlay");
    for (key, value) in over {
        let path = vec![Step::Key(key.clone())];
        let Some(target) = files.iter_mut().find(|f| f.table.contains_key(&key)) else {
            return Err(overlay_error(
                file,
                text,
                &path,
                format!("overrides [{key}], which the base policy does not have"),
            ));
        };
        let slot = target.table.get_mut(&key).expect("key found above");
        let mut cx = Cx { file, text };
        cx.merge(slot, value, &path, &path, None)?;
        if target.text.take().is_some() {
            target.name = format!("{} with {file}", target.name);
        } else if !target.name.ends_with(file) {
            target.name = format!("{}, {file}", target.name);
        }
    }
    Ok(())
}

/// What an error needs to name: the overlay file and its text (for lines).
struct Cx<'a> {
    file: &'a str,
    text: &'a str,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "text",
        Value::Integer(_) | Value::Float(_) => "number",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "date",
        Value::Array(a) if is_array_of_tables(a) => "list of tables",
        Value::Array(_) => "list",
        Value::Table(_) => "table",
    }
}

/// Whether two values are the two ways of writing a year range, `"R-Y4"` and `["R", "Y4"]`
/// ([`super::YearRange`] reads both): an overlay may use either form whatever its base uses. Any
/// other text given for a list is still read by the typed policy, which says what is wrong.
fn year_range_forms(a: &Value, b: &Value) -> bool {
    let pair =
        |v: &Value| matches!(v, Value::Array(x) if x.len() == 2 && x.iter().all(Value::is_str));
    (a.is_str() && pair(b)) || (pair(a) && b.is_str())
}

/// A non-empty list whose items are all tables: a list of rules matched by `id`, not a value.
pub(crate) fn is_array_of_tables(a: &[Value]) -> bool {
    !a.is_empty() && a.iter().all(Value::is_table)
}

impl Cx<'_> {
    fn err(&self, at: &[Step], message: String) -> PolicyError {
        overlay_error(self.file, self.text, at, message)
    }

    /// Merges `over` into `base`. `shown` is the readable path (ids for matched items); `at` is
    /// the path inside the overlay file, for its line. `quoted` is, for the nearest enclosing
    /// table of the base that has a `quote` (or `source`), its path and whether the overlay gives
    /// a new one: a changed value must rest on a quote.
    fn merge(
        &mut self,
        base: &mut Value,
        over: Value,
        shown: &[Step],
        at: &[Step],
        quoted: Option<(String, bool)>,
    ) -> Result<(), PolicyError> {
        let name = path_text(shown);
        match (base, over) {
            (Value::Table(b), Value::Table(o)) => {
                let quoted = if b.contains_key("quote") || b.contains_key("source") {
                    Some((
                        name.clone(),
                        o.contains_key("quote") || o.contains_key("source"),
                    ))
                } else {
                    quoted
                };
                for (k, v) in o {
                    let mut s = shown.to_vec();
                    s.push(Step::Key(k.clone()));
                    let mut a = at.to_vec();
                    a.push(Step::Key(k.clone()));
                    let Some(slot) = b.get_mut(&k) else {
                        return Err(self.err(
                            &a,
                            format!(
                                "overrides {}, which the base policy does not have",
                                path_text(&s)
                            ),
                        ));
                    };
                    if k == "id" {
                        continue;
                    }
                    self.merge(slot, v, &s, &a, quoted.clone())?;
                }
                Ok(())
            }
            (Value::Array(b), Value::Array(o)) if is_array_of_tables(b) && is_tables_list(&o) => {
                let with_ids = o.iter().all(|t| t.get("id").is_some());
                if !with_ids {
                    if o.iter().any(|t| t.get("id").is_some()) {
                        return Err(self.err(
                            at,
                            format!(
                                "[[{name}]]: give every item an id (to change those items) or \
                                 none (to replace the list)"
                            ),
                        ));
                    }
                    self.quoted(at, &name, &quoted)?;
                    *b = o;
                    return Ok(());
                }
                for (i, item) in o.into_iter().enumerate() {
                    let id = item.get("id").cloned().unwrap_or(Value::Boolean(false));
                    let mut a = at.to_vec();
                    a.push(Step::Index(i));
                    let Some(slot) = b.iter_mut().find(|t| t.get("id") == Some(&id)) else {
                        return Err(self.err(
                            &a,
                            format!(
                                "[[{name}]] id = {id}: the base policy has no such item (an \
                                 overlay can only change what the base has)"
                            ),
                        ));
                    };
                    let mut s = shown.to_vec();
                    s.push(Step::Key(format!("[{}]", id.as_str().unwrap_or("?"))));
                    self.merge(slot, item, &s, &a, quoted.clone())?;
                }
                Ok(())
            }
            (b, o) => {
                let same = kind(b) == kind(&o)
                    || (matches!(b, Value::Array(x) if x.is_empty()) && o.is_array())
                    || year_range_forms(b, &o);
                if !same {
                    return Err(self.err(
                        at,
                        format!(
                            "{name}: the base has a {} here, the overlay gives a {}",
                            kind(b),
                            kind(&o)
                        ),
                    ));
                }
                self.quoted(at, &name, &quoted)?;
                *b = o;
                Ok(())
            }
        }
    }

    /// A changed value needs a new quote (or source) in its nearest quoted table.
    fn quoted(
        &self,
        at: &[Step],
        name: &str,
        quoted: &Option<(String, bool)>,
    ) -> Result<(), PolicyError> {
        match quoted {
            Some((table, false)) => {
                let (key, shown) = if table.is_empty() {
                    ("quote", String::from("the file"))
                } else if table == "policy" {
                    ("source", format!("[{table}]"))
                } else {
                    ("quote", format!("[{table}]"))
                };
                Err(self.err(
                    at,
                    format!(
                        "changes {name} but gives no new {key} in {shown}: say what the new value \
                         rests on"
                    ),
                ))
            }
            _ => Ok(()),
        }
    }
}

fn is_tables_list(a: &[Value]) -> bool {
    a.iter().all(Value::is_table)
}

/// All merged files as one table (top-level sections are disjoint across files; lists of rules
/// given in several files are joined in file order), for `policy diff`.
pub fn combined(files: &[MergedFile]) -> Table {
    let mut all = Table::new();
    for f in files {
        for (k, v) in &f.table {
            match (all.get_mut(k), v) {
                (Some(Value::Array(a)), Value::Array(more)) => a.extend(more.iter().cloned()),
                _ => {
                    all.insert(k.clone(), v.clone());
                }
            }
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(name: &str, text: &str) -> Source {
        (name.to_string(), text.to_string())
    }

    const BASE: &str = r#"[policy]
name = "P"
starts = "2022-09-01"

[surplus_seat]
clause = "1.3.2"
quote = "825"
charge_gbp = 825.00

[[rule]]
id = "a"
clause = "1"
limit = 3
  [[rule.band]]
  years = 1
  [[rule.band]]
  years = 2

[[rule]]
id = "b"
clause = "2"
limit = 6
"#;

    fn merged(over: &str) -> Result<Table, PolicyError> {
        let layers = vec![
            vec![src("base/a.toml", BASE)],
            vec![src("over/o.toml", over)],
        ];
        merge_layers(&layers).map(|f| combined(&f))
    }

    #[test]
    fn tables_merge_and_values_replace() {
        let t = merged(
            "[overlay]\nbase = \"../base\"\n\n[surplus_seat]\nquote = \"800\"\ncharge_gbp = 800\n",
        )
        .unwrap();
        assert_eq!(t["surplus_seat"]["charge_gbp"], Value::Integer(800));
        assert_eq!(t["surplus_seat"]["clause"], Value::String("1.3.2".into()));
        assert_eq!(t["policy"]["name"], Value::String("P".into()));
    }

    #[test]
    fn items_match_by_id_and_lists_without_ids_are_replaced() {
        let t = merged(
            "[[rule]]\nid = \"b\"\nlimit = 7\n\n[[rule]]\nid = \"a\"\n  [[rule.band]]\n  years = 9\n",
        )
        .unwrap();
        let rules = t["rule"].as_array().unwrap();
        assert_eq!(rules[1]["limit"], Value::Integer(7));
        assert_eq!(rules[0]["limit"], Value::Integer(3));
        let bands = rules[0]["band"].as_array().unwrap();
        assert_eq!(bands.len(), 1);
        assert_eq!(bands[0]["years"], Value::Integer(9));
    }

    #[test]
    fn a_year_range_may_be_written_either_way_over_its_base() {
        let base =
            "[band]\nclause = \"1\"\nquote = \"q\"\nyears = \"R-Y4\"\nold = [\"R\", \"Y4\"]\n";
        let layers = vec![
            vec![src("base/a.toml", base)],
            vec![src(
                "over/o.toml",
                "[band]\nquote = \"q2\"\nyears = [\"R\", \"Y6\"]\nold = \"R-Y6\"\n",
            )],
        ];
        let t = combined(&merge_layers(&layers).unwrap());
        assert_eq!(t["band"]["years"].as_array().unwrap().len(), 2);
        assert_eq!(t["band"]["old"].as_str(), Some("R-Y6"));
    }

    #[test]
    fn unknown_keys_ids_and_sections_are_errors_with_lines() {
        let e =
            merged("[overlay]\nbase = \"x\"\n\n[surplus_seat]\nquote = \"q\"\ncharge_gpb = 1\n")
                .unwrap_err()
                .to_string();
        assert_eq!(
            e,
            "over/o.toml, line 6: overrides surplus_seat.charge_gpb, which the base policy does not have"
        );
        let e = merged("[surplus_seats]\nquote = \"q\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("over/o.toml, line 1: overrides [surplus_seats]"),
            "{e}"
        );
        let e = merged("[[rule]]\nid = \"c\"\nlimit = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && e.contains("id = \"c\""), "{e}");
        let e = merged("[surplus_seat]\ncharge_gbp = 1\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "over/o.toml, line 2: changes surplus_seat.charge_gbp but gives no new quote in \
             [surplus_seat]: say what the new value rests on"
        );
        let e = merged("[surplus_seat]\nquote = \"q\"\ncharge_gbp = \"800\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("number"), "{e}");
    }

    #[test]
    fn overlay_header_is_read_and_checked() {
        let h = overlay_header("o.toml", "# x\n[overlay]\nbase = \"../2022-23\"\n")
            .unwrap()
            .unwrap();
        assert_eq!(h.base, "../2022-23");
        assert_eq!(h.line, Some(3));
        assert!(overlay_header("o.toml", "[policy]\n").unwrap().is_none());
        let e = overlay_header("o.toml", "[overlay]\nbsae = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("bsae"), "{e}");
    }
}
