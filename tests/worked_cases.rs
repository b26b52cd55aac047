//! Worked cases: every `.toml` under `fixtures/cases` is an application with the decision a council
//! officer expects under Dorset Council's 2022-23 policy. These tests run the real binary over them
//! (`schoolrun policy test fixtures/cases`) and check that the case files are well formed.

mod common;

use common::{root, schoolrun, toml_files};

/// Whether a `source` names a clause: a dotted clause number such as `1.1.4` or `2.3.3`, or a
/// numbered section (`section 3` of the Post-16 policy).
fn mentions_clause(source: &str) -> bool {
    let b = source.as_bytes();
    let dotted = b
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit());
    let lower = source.to_lowercase();
    let section = lower
        .match_indices("section ")
        .any(|(i, m)| lower[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()));
    dotted || section
}

#[test]
fn every_worked_case_passes() {
    let output = schoolrun()
        .args(["policy", "test", "fixtures/cases"])
        .output()
        .expect("schoolrun runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schoolrun policy test fixtures/cases failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains(" passed, 0 failed"),
        "unexpected summary from policy test:\n{stdout}"
    );
}

#[test]
fn case_files_are_well_formed() {
    let cases = root().join("fixtures/cases");
    let files = toml_files(&cases);
    assert!(
        files.len() >= 40,
        "expected at least 40 worked cases under {}, found {}",
        cases.display(),
        files.len()
    );
    let mut problems = Vec::new();
    for f in &files {
        let name = f.strip_prefix(root()).unwrap_or(f).display().to_string();
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{name}: cannot read: {e}"));
                continue;
            }
        };
        let doc: toml::Table = match text.parse() {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("{name}: not valid TOML: {e}"));
                continue;
            }
        };
        match doc.get("expect").and_then(|v| v.as_table()) {
            None => problems.push(format!("{name}: no [expect] table")),
            Some(expect) => {
                if expect.get("outcome").and_then(|v| v.as_str()).is_none() {
                    problems.push(format!("{name}: [expect] has no outcome"));
                }
            }
        }
        if doc.get("case").and_then(|v| v.as_table()).is_none() {
            problems.push(format!("{name}: no [case] table"));
        }
        match doc.get("source").and_then(|v| v.as_str()) {
            None => problems.push(format!("{name}: no source")),
            Some(s) if !mentions_clause(s) => {
                problems.push(format!("{name}: source does not name a clause: {s:?}"))
            }
            Some(_) => {}
        }
        if doc
            .get("title")
            .and_then(|v| v.as_str())
            .is_none_or(|t| t.trim().is_empty())
        {
            problems.push(format!("{name}: no title"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn clause_mentions_are_recognised() {
    assert!(mentions_clause("clause 1.1.1(i)"));
    assert!(mentions_clause("committee report 2.3.3"));
    assert!(mentions_clause(
        "Post-16 policy section 3 (16+ Assistance Scheme)"
    ));
    assert!(!mentions_clause("a worked case"));
    assert!(!mentions_clause("Year 7 and 825"));
}

/// The cases README lists every basis the policy can decide on, so an officer writing a case
/// can find the one to expect.
#[test]
fn the_cases_readme_lists_every_basis() {
    let out = schoolrun()
        .args(["policy", "show", "--format", "json"])
        .output()
        .expect("schoolrun runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let readme = std::fs::read_to_string(root().join("fixtures/cases/README.md")).unwrap();
    let listed: Vec<&str> = readme
        .lines()
        .filter(|l| l.trim_start().starts_with('#') || l.contains("basis = "))
        .flat_map(|l| {
            l.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        })
        .collect();
    let bases = v["policy"]["letter"]["basis"].as_object().unwrap();
    let missing: Vec<&String> = bases
        .keys()
        .filter(|b| !listed.contains(&b.as_str()))
        .collect();
    assert!(
        bases.len() >= 20 && missing.is_empty(),
        "README omits {missing:?}"
    );
}
