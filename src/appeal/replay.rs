//! Replaying a decision record: are the files the same as when the decision was made, and does
//! the decision come out the same? Both checks say exactly what differs, so that a panel never
//! has to take "reproduced" on trust.

use serde::Serialize;
use serde_json::Value;

/// A file whose fingerprint differs from the one recorded (or that is missing or extra).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// "policy" or "area".
    pub kind: &'static str,
    /// The file as recorded (empty when the file is new).
    pub recorded: String,
    pub recorded_sha256: String,
    /// The file as found now (empty when it is missing).
    pub now: String,
    pub now_sha256: String,
}

impl FileChange {
    /// A sentence naming the file and both fingerprints.
    pub fn describe(&self) -> String {
        match (self.recorded.is_empty(), self.now.is_empty()) {
            (true, _) => format!(
                "{} file {} (sha256 {}) was not used when the decision was made",
                self.kind, self.now, self.now_sha256
            ),
            (_, true) => format!(
                "{} file {} (sha256 {}) is not used now",
                self.kind, self.recorded, self.recorded_sha256
            ),
            _ if self.recorded == self.now => format!(
                "{} file {} has changed: recorded sha256 {}, now {}",
                self.kind, self.recorded, self.recorded_sha256, self.now_sha256
            ),
            _ => format!(
                "{} file {} has changed: recorded sha256 {}, now {} ({})",
                self.kind, self.recorded, self.recorded_sha256, self.now_sha256, self.now
            ),
        }
    }
}

/// The last path component, so that archived copies in another folder still match.
fn file_name(p: &str) -> &str {
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

/// Compares recorded `(path, sha256)` pairs with those found now, in order. Paths may differ in
/// their folder (files restored from an archive); the file name and the fingerprint may not.
pub fn changed_files(
    kind: &'static str,
    recorded: &[(String, String)],
    now: &[(String, String)],
) -> Vec<FileChange> {
    let mut out = Vec::new();
    let n = recorded.len().max(now.len());
    for i in 0..n {
        let (rp, rs) = recorded.get(i).cloned().unwrap_or_default();
        let (np, ns) = now.get(i).cloned().unwrap_or_default();
        if rs != ns || file_name(&rp) != file_name(&np) {
            out.push(FileChange {
                kind,
                recorded: rp,
                recorded_sha256: rs,
                now: np,
                now_sha256: ns,
            });
        }
    }
    out
}

/// One value that differs between the recorded and the replayed record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// Where, e.g. `decision.distances.walking_m` or `routes[0].geometry[12]`.
    pub path: String,
    /// JSON text of the recorded value (`absent` when missing).
    pub recorded: String,
    pub now: String,
}

/// Every leaf value that differs, in document order of the recorded record (then keys only in
/// the replayed one). Long arrays of coordinates report their first difference only.
pub fn differences(recorded: &Value, now: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(String::new(), recorded, now, &mut out);
    out
}

fn text(v: Option<&Value>) -> String {
    v.map_or_else(|| "absent".to_string(), Value::to_string)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: String, a: &Value, b: &Value, out: &mut Vec<Difference>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => walk(join(&path, k), va, vb, out),
                    None => out.push(Difference {
                        path: join(&path, k),
                        recorded: text(Some(va)),
                        now: text(None),
                    }),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    out.push(Difference {
                        path: join(&path, k),
                        recorded: text(None),
                        now: text(Some(vb)),
                    });
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(Difference {
                    path: format!("{path} (length)"),
                    recorded: x.len().to_string(),
                    now: y.len().to_string(),
                });
            }
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                let before = out.len();
                walk(format!("{path}[{i}]"), va, vb, out);
                if out.len() > before && x.len() > 20 {
                    // One difference in a long coordinate list says enough.
                    break;
                }
            }
        }
        _ => {
            if a != b {
                out.push(Difference {
                    path,
                    recorded: a.to_string(),
                    now: b.to_string(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn same_files_in_another_folder_match() {
        let rec = pairs(&[
            ("policy/2022-23/a.toml", "11"),
            ("policy/2022-23/b.toml", "22"),
        ]);
        let now = pairs(&[("archive/a.toml", "11"), ("archive/b.toml", "22")]);
        assert!(changed_files("policy", &rec, &now).is_empty());
    }

    #[test]
    fn a_changed_file_is_named_with_both_fingerprints() {
        let rec = pairs(&[("area.toml", "11"), ("network.geojson", "22")]);
        let now = pairs(&[("area.toml", "11"), ("network.geojson", "33")]);
        let c = changed_files("area", &rec, &now);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].describe(),
            "area file network.geojson has changed: recorded sha256 22, now 33"
        );
        let fewer = changed_files("area", &rec, &rec[..1]);
        assert_eq!(
            fewer[0].describe(),
            "area file network.geojson (sha256 22) is not used now"
        );
    }

    #[test]
    fn differences_name_the_path() {
        let a = json!({"decision": {"outcome": "eligible", "distances": {"walking_m": 4828.1}}, "routes": [[1, 2]]});
        let b = json!({"decision": {"outcome": "not_eligible", "distances": {"walking_m": 4828.1}}, "routes": [[1, 3]], "extra": 1});
        let d = differences(&a, &b);
        assert_eq!(
            d.iter().map(|x| x.path.as_str()).collect::<Vec<_>>(),
            vec!["decision.outcome", "routes[0][1]", "extra"]
        );
        assert_eq!(d[0].recorded, "\"eligible\"");
        assert_eq!(d[2].recorded, "absent");
        assert!(differences(&a, &a).is_empty());
    }
}
