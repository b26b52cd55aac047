//! The clause register (`docs/clauses.md`) against the repository: every `computed` clause has
//! worked cases that exist and cite it, every row has a known status (and a reason when it is
//! not computed), and every clause the policy TOML cites has a row.
//!
//! A case cites clause C when its folder is named after C (`1.5.3-network-date`), or its
//! `source` names C as a whole clause number (`1.1.4` but not inside `1.1.45` or `1.1.4.2`;
//! `Post-16 N` as "Post-16 ... section N"), or its `expect.deciding_clause` is C or a sub-item of
//! C (`1.1.1(ii)` cites `1.1.1`).

mod common;

use std::path::Path;

use common::{root, toml_files};

const STATUSES: &[&str] = &["computed", "planned", "recorded", "out of scope"];

/// One row of the register, with its line in docs/clauses.md.
#[derive(Debug)]
struct Row {
    line: usize,
    clause: String,
    status: String,
    cases: Vec<String>,
    reason: String,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("docs/clauses.md")).expect("docs/clauses.md");
    let mut out = Vec::new();
    let mut in_table = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if cells.first().is_some_and(|c| c == "clause") {
            in_table = true;
            continue;
        }
        if !in_table || cells.iter().all(|c| c.chars().all(|ch| ch == '-')) {
            continue;
        }
        assert_eq!(
            cells.len(),
            6,
            "docs/clauses.md line {line_no}: a row needs 6 cells (clause | title | status | rule | \
             worked cases | reason), found {}",
            cells.len()
        );
        let cases = cells[4]
            .split(',')
            .map(|c| c.trim().trim_matches('`').trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        out.push(Row {
            line: line_no,
            clause: cells[0].clone(),
            status: cells[2].clone(),
            cases,
            reason: cells[5].clone(),
        });
    }
    out
}

/// Whether `text` names clause `c` as a whole number: not preceded by a digit or '.', and not
/// followed by a digit or by '.' and a digit.
fn names_number(text: &str, c: &str) -> bool {
    text.match_indices(c).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after: Vec<char> = text[i + c.len()..].chars().take(2).collect();
        let bad_before = before.is_some_and(|b| b.is_ascii_digit() || b == '.');
        let bad_after = match after.as_slice() {
            [d, ..] if d.is_ascii_digit() => true,
            ['.', d] if d.is_ascii_digit() => true,
            _ => false,
        };
        !bad_before && !bad_after
    })
}

/// Whether a `source` text names clause `c`.
fn source_names(source: &str, c: &str) -> bool {
    match c.strip_prefix("Post-16 ") {
        Some(n) => {
            (source.contains("Post-16") || source.contains("Post 16"))
                && (names_number(source, &format!("section {n}"))
                    || names_number(source, &format!("Post-16 {n}")))
        }
        None => names_number(source, c),
    }
}

/// Whether a deciding clause is `c` or a sub-item of it.
fn decides(deciding: &str, c: &str) -> bool {
    deciding == c
        || deciding
            .strip_prefix(c)
            .is_some_and(|rest| rest.starts_with('(') || rest.starts_with(' '))
}

/// Whether a folder name is named after clause `c` (`1.5.3-network-date`).
fn folder_names(folder: &Path, c: &str) -> bool {
    folder
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(c))
        .is_some_and(|rest| rest.starts_with('-'))
}

/// Why a case file does not cite `c`, or None when it does.
fn case_cites(path: &Path, c: &str) -> Option<String> {
    if path.parent().is_some_and(|p| folder_names(p, c)) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let v: toml::Table = match toml::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Some(format!("is not TOML: {e}")),
    };
    let source = v.get("source").and_then(|s| s.as_str()).unwrap_or("");
    let deciding = v
        .get("expect")
        .and_then(|e| e.get("deciding_clause"))
        .and_then(|d| d.as_str())
        .unwrap_or("");
    if source_names(source, c) || decides(deciding, c) {
        None
    } else {
        Some(format!(
            "neither its folder, its source ({source:?}) nor its deciding_clause ({deciding:?}) \
             cites {c}"
        ))
    }
}

#[test]
fn every_row_has_a_known_status_and_a_reason_unless_computed() {
    let rows = rows();
    assert!(rows.len() > 50, "the register has only {} rows", rows.len());
    let mut problems = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if !STATUSES.contains(&r.status.as_str()) {
            problems.push(format!(
                "docs/clauses.md line {} (clause {}): unknown status {:?}; use one of {STATUSES:?}",
                r.line, r.clause, r.status
            ));
        }
        if r.status != "computed" && r.reason.is_empty() {
            problems.push(format!(
                "docs/clauses.md line {} (clause {}): a {} row needs a reason",
                r.line, r.clause, r.status
            ));
        }
        if rows[..i].iter().any(|o| o.clause == r.clause) {
            problems.push(format!(
                "docs/clauses.md line {} (clause {}): the clause has two rows",
                r.line, r.clause
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn computed_rows_list_worked_cases_that_exist_and_cite_the_clause() {
    let mut problems = Vec::new();
    for r in rows().iter().filter(|r| r.status == "computed") {
        let at = format!("docs/clauses.md line {} (clause {})", r.line, r.clause);
        if r.cases.is_empty() {
            problems.push(format!("{at}: computed but lists no worked case"));
        }
        for c in &r.cases {
            let path = root().join(c);
            if !path.exists() {
                problems.push(format!("{at}: worked case {c} does not exist"));
                continue;
            }
            if path.is_dir() {
                if folder_names(&path, &r.clause) {
                    continue;
                }
                let files = toml_files(&path);
                if files.is_empty() {
                    problems.push(format!("{at}: {c} holds no case files"));
                }
                for f in files {
                    if let Some(why) = case_cites(&f, &r.clause) {
                        let shown = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
                        problems.push(format!("{at}: {shown} (listed as {c}) {why}"));
                    }
                }
            } else if let Some(why) = case_cites(&path, &r.clause) {
                problems.push(format!("{at}: {c} {why}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every `clause = "..."` (and `*_clause = "..."`) value in a policy TOML value, with its path.
fn cited(v: &toml::Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match x {
                    toml::Value::String(s) if k == "clause" || k.ends_with("_clause") => {
                        out.push((p, s.clone()))
                    }
                    _ => cited(x, &p, out),
                }
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                cited(x, &format!("{path}[{}]", i + 1), out);
            }
        }
        _ => {}
    }
}

/// The row covering a cited clause: the longest row clause the citation starts with, followed
/// by its end, a space or '('.
fn covering<'a>(rows: &'a [Row], citation: &str) -> Option<&'a Row> {
    rows.iter()
        .filter(|r| decides(citation, &r.clause))
        .max_by_key(|r| r.clause.len())
}

#[test]
fn every_clause_the_policy_cites_has_a_row() {
    let rows = rows();
    let mut files = Vec::new();
    for dir in std::fs::read_dir(root().join("policy")).expect("policy/") {
        let dir = dir.expect("entry").path();
        if dir.is_dir() {
            files.extend(toml_files(&dir));
        }
    }
    assert!(!files.is_empty(), "no policy files under policy/");
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("policy file");
        let v: toml::Value = toml::from_str(&text).expect("policy TOML");
        let mut found = Vec::new();
        cited(&v, "", &mut found);
        for (path, clause) in found {
            if covering(&rows, &clause).is_none() {
                let shown = f.strip_prefix(root()).unwrap_or(f).display().to_string();
                problems.push(format!(
                    "{shown}: {path} = {clause:?} has no row in docs/clauses.md"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_citation_rules_mean_what_they_say() {
    assert!(names_number("clause 1.1.4: low income", "1.1.4"));
    assert!(names_number("clause 1.1.1(ii)", "1.1.1"));
    assert!(!names_number("clause 1.1.15", "1.1.1"));
    assert!(!names_number("committee report 2.3.3", "2.3"));
    assert!(!names_number("clause 1.1.1", "1.1"));
    assert!(source_names(
        "Post-16 policy section 3 (scheme)",
        "Post-16 3"
    ));
    assert!(!source_names("section 3", "Post-16 3"));
    assert!(decides("1.1.1(ii)", "1.1.1"));
    assert!(decides("1.1.4 (Years 5 and 6)", "1.1.4"));
    assert!(!decides("1.1.15", "1.1.1"));
    assert!(folder_names(Path::new("x/1.5.3-network-date"), "1.5.3"));
    assert!(!folder_names(Path::new("x/1.3-surplus-seat"), "1.3.2"));
}
