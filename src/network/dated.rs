//! Dated and audited networks. Clause 1.5.3: the network "represents the position at the
//! beginning of the Annual admission cycle ... Any footpaths or roads added after this time will
//! not be taken into consideration until the following September"; so edges (and entrances)
//! carry validity dates and a network is selected as of a date. Clause 1.5.4: route safety audits
//! come as a separate overlay marking stretches unavailable for walking, each with its reference.

use chrono::NaiveDate;
use geo::{Distance, Euclidean, LineString, MultiLineString};
use serde::Serialize;

use super::RawEdge;

/// When something existed: from `from` (inclusive) until `to` (exclusive: the first day it no
/// longer exists). Either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Validity {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Validity {
    /// Whether it existed on the date; with no date, everything exists.
    pub fn exists_on(&self, date: Option<NaiveDate>) -> bool {
        let Some(d) = date else { return true };
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d < t)
    }
}

/// Keeps the edges that existed on `as_of`; returns how many were left out.
pub fn select_as_of(edges: &mut Vec<RawEdge>, as_of: Option<NaiveDate>) -> usize {
    let before = edges.len();
    edges.retain(|e| e.attrs.valid.exists_on(as_of));
    before - edges.len()
}

/// A route safety audit (clause 1.5.4): stretches, named by edge id or drawn as lines, assessed
/// unavailable for walking.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// The audit's reference, named in decisions whose route had to avoid it.
    pub reference: String,
    pub date: Option<NaiveDate>,
    /// Edge ids (network `id`s, e.g. `osm:1234`) the audit covers.
    pub edge_ids: Vec<String>,
    /// Lines the audit covers: an edge is covered when every vertex lies within `tolerance_m`.
    pub lines: Option<MultiLineString<f64>>,
    pub tolerance_m: f64,
    /// `true`: assessed unsafe; `false`: assessed safe (clears an earlier unsafe flag).
    pub unsafe_walk: bool,
}

/// What an audit changed, for the record of the area loaded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditApplied {
    pub reference: String,
    pub date: Option<NaiveDate>,
    pub unsafe_walk: bool,
    pub edges: usize,
}

/// Why an audit could not be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuditError {
    #[error("audit {reference}: edge id {id} is not in the network")]
    UnknownEdge { reference: String, id: String },
    #[error(
        "audit {reference}: its lines cover no edge of the network (tolerance {tolerance_m} m)"
    )]
    NothingCovered { reference: String, tolerance_m: f64 },
    #[error("there is no audit {reference} to ignore")]
    UnknownAudit { reference: String },
}

fn covered(line: &LineString<f64>, audit: &MultiLineString<f64>, tol: f64) -> bool {
    line.points()
        .all(|p| audit.0.iter().any(|a| Euclidean.distance(&p, a) <= tol))
}

/// Applies audits dated on or before `until` (all, when `None`), in date order, to the edges.
pub fn apply_audits(
    edges: &mut [RawEdge],
    audits: &[Audit],
    until: Option<NaiveDate>,
) -> Result<Vec<AuditApplied>, AuditError> {
    let mut order: Vec<&Audit> = audits
        .iter()
        .filter(|a| until.is_none_or(|u| a.date.is_none_or(|d| d <= u)))
        .collect();
    order.sort_by_key(|a| a.date);
    let mut applied = Vec::new();
    for a in order {
        let mut hit: Vec<usize> = Vec::new();
        for id in &a.edge_ids {
            let found: Vec<usize> = edges
                .iter()
                .enumerate()
                .filter(|(_, e)| e.attrs.id == *id || e.attrs.id.starts_with(&format!("{id}#")))
                .map(|(i, _)| i)
                .collect();
            if found.is_empty() {
                return Err(AuditError::UnknownEdge {
                    reference: a.reference.clone(),
                    id: id.clone(),
                });
            }
            hit.extend(found);
        }
        if let Some(lines) = &a.lines {
            let before = hit.len();
            let bbox = geo::BoundingRect::bounding_rect(lines);
            for (i, e) in edges.iter().enumerate() {
                let near = bbox.is_some_and(|r| {
                    e.geometry.points().all(|p| {
                        p.x() >= r.min().x - a.tolerance_m
                            && p.x() <= r.max().x + a.tolerance_m
                            && p.y() >= r.min().y - a.tolerance_m
                            && p.y() <= r.max().y + a.tolerance_m
                    })
                });
                if near && covered(&e.geometry, lines, a.tolerance_m) {
                    hit.push(i);
                }
            }
            if hit.len() == before {
                return Err(AuditError::NothingCovered {
                    reference: a.reference.clone(),
                    tolerance_m: a.tolerance_m,
                });
            }
        }
        hit.sort_unstable();
        hit.dedup();
        for &i in &hit {
            let attrs = &mut edges[i].attrs;
            attrs.unsafe_walk = a.unsafe_walk;
            attrs.unsafe_ref = a.unsafe_walk.then(|| a.reference.clone());
        }
        applied.push(AuditApplied {
            reference: a.reference.clone(),
            date: a.date,
            unsafe_walk: a.unsafe_walk,
            edges: hit.len(),
        });
    }
    Ok(applied)
}

/// What an appeal panel asks of the network: "what if this path were unsafe" (`mark_unsafe`: an
/// edge id, or the reference of an audit whose stretches are then taken as unsafe) and "what if
/// this audit had not been made" (`ignore_audits`: audit references left out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct WhatIf {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mark_unsafe: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_audits: Vec<String>,
    /// "What if this entrance were closed": (school URN, entrance name). Asked by what would
    /// change a decision, so that the walk is measured to the school's next nearest entrance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed_entrances: Vec<(u32, String)>,
}

impl WhatIf {
    /// True when nothing is asked.
    pub fn is_empty(&self) -> bool {
        self.mark_unsafe.is_empty()
            && self.ignore_audits.is_empty()
            && self.closed_entrances.is_empty()
    }
}

/// The reference under which a what-if stretch is named in decisions, so that nobody mistakes it
/// for a real audit.
pub fn what_if_reference(target: &str) -> String {
    format!("what-if: {target} marked unsafe")
}

/// Whether an edge's recorded audit (e.g. "RSA-2019-015 Stourpaine-Durweston (Durweston
/// Bridge)") is the one a panel names: the whole text, or its first word (the reference).
fn names_audit(recorded: &str, asked: &str) -> bool {
    recorded == asked || recorded.split_whitespace().next() == Some(asked)
}

/// Splits the audits for a what-if: the audits kept (those not ignored) and the what-if audits,
/// to apply after every real audit. An ignored reference may name an audit of the overlay file
/// or an audit recorded on the network's own edges (`unsafe_ref`, by its whole text or its first
/// word); those edges are then cleared.
/// A reference found in neither is an error.
pub fn what_if_audits(
    audits: &[Audit],
    edges: &[RawEdge],
    w: &WhatIf,
) -> Result<(Vec<Audit>, Vec<Audit>), AuditError> {
    let mut extra = Vec::new();
    for r in &w.ignore_audits {
        let on_edges: Vec<String> = edges
            .iter()
            .filter(|e| {
                e.attrs
                    .unsafe_ref
                    .as_deref()
                    .is_some_and(|u| names_audit(u, r))
            })
            .map(|e| e.attrs.id.clone())
            .collect();
        if !audits.iter().any(|a| a.reference == *r) && on_edges.is_empty() {
            return Err(AuditError::UnknownAudit {
                reference: r.clone(),
            });
        }
        if !on_edges.is_empty() {
            extra.push(Audit {
                reference: format!("what-if: {r} ignored"),
                date: None,
                edge_ids: on_edges,
                lines: None,
                tolerance_m: 0.0,
                unsafe_walk: false,
            });
        }
    }
    let kept: Vec<Audit> = audits
        .iter()
        .filter(|a| !w.ignore_audits.contains(&a.reference))
        .cloned()
        .collect();
    for target in &w.mark_unsafe {
        let reference = what_if_reference(target);
        match audits.iter().find(|a| a.reference == *target) {
            Some(a) => extra.push(Audit {
                reference,
                date: None,
                unsafe_walk: true,
                ..a.clone()
            }),
            None => extra.push(Audit {
                reference,
                date: None,
                edge_ids: vec![target.clone()],
                lines: None,
                tolerance_m: 0.0,
                unsafe_walk: true,
            }),
        }
    }
    Ok((kept, extra))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{EdgeAttrs, Mode, Network, Tree};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn edge(id: &str, pts: &[(f64, f64)], valid: Validity) -> RawEdge {
        RawEdge {
            attrs: EdgeAttrs {
                id: id.into(),
                walk: true,
                drive: true,
                valid,
                ..Default::default()
            },
            geometry: LineString::from(pts.to_vec()),
        }
    }

    /// A 1000 m road round two sides of a square, and a 721 m footpath shortcut opened on
    /// 2022-01-10: before that date the walk is 1000 m, after it 721 m.
    fn square() -> Vec<RawEdge> {
        let new_path = Validity {
            from: Some(d("2022-01-10")),
            to: None,
        };
        vec![
            edge("road-1", &[(0.0, 0.0), (500.0, 0.0)], Validity::default()),
            edge(
                "road-2",
                &[(500.0, 0.0), (500.0, 500.0)],
                Validity::default(),
            ),
            edge(
                "shortcut",
                &[(0.0, 0.0), (300.0, 200.0), (500.0, 500.0)],
                new_path,
            ),
        ]
    }

    fn walk(edges: Vec<RawEdge>) -> f64 {
        let net = Network::build(edges).unwrap();
        let school = net
            .snap(Mode::Walk, geo::Point::new(500.0, 500.0), 10.0)
            .unwrap();
        let home = net
            .snap(Mode::Walk, geo::Point::new(0.0, 0.0), 10.0)
            .unwrap();
        Tree::grow(&net, Mode::Walk, &[school])
            .distance(&net, &home)
            .unwrap()
    }

    #[test]
    fn validity_dates_are_inclusive_from_and_exclusive_to() {
        let v = Validity {
            from: Some(d("2021-09-01")),
            to: Some(d("2022-09-01")),
        };
        assert!(!v.exists_on(Some(d("2021-08-31"))));
        assert!(v.exists_on(Some(d("2021-09-01"))));
        assert!(v.exists_on(Some(d("2022-08-31"))));
        assert!(!v.exists_on(Some(d("2022-09-01"))));
        assert!(v.exists_on(None));
    }

    #[test]
    fn a_path_opened_after_the_network_date_is_not_used() {
        let mut before = square();
        assert_eq!(select_as_of(&mut before, Some(d("2021-09-01"))), 1);
        assert_eq!(walk(before), 1000.0);
        let mut after = square();
        assert_eq!(select_as_of(&mut after, Some(d("2022-09-01"))), 0);
        // 300-200 leg: sqrt(300^2+200^2) = 360.555; second leg sqrt(200^2+300^2) = 360.555.
        let expect = 2.0 * (300.0f64.powi(2) + 200.0f64.powi(2)).sqrt();
        assert!(
            (walk(after) - expect).abs() < 2e-6,
            "lengths add as whole micrometres"
        );
    }

    #[test]
    fn audits_mark_edges_by_id_or_by_line_and_can_clear_them() {
        let mut edges = square();
        let by_id = Audit {
            reference: "RSA-1".into(),
            date: Some(d("2020-05-01")),
            edge_ids: vec!["shortcut".into()],
            lines: None,
            tolerance_m: 2.0,
            unsafe_walk: true,
        };
        let applied = apply_audits(&mut edges, std::slice::from_ref(&by_id), None).unwrap();
        assert_eq!(applied[0].edges, 1);
        assert!(edges[2].attrs.unsafe_walk);
        assert_eq!(walk(edges.clone()), 1000.0);
        // A later audit drawn along road-2 (within 1 m) marks it; a later one clears the shortcut.
        let by_line = Audit {
            reference: "RSA-2".into(),
            date: Some(d("2021-03-01")),
            edge_ids: vec![],
            lines: Some(MultiLineString::new(vec![LineString::from(vec![
                (500.5, -1.0),
                (500.5, 501.0),
            ])])),
            tolerance_m: 1.0,
            unsafe_walk: true,
        };
        let cleared = Audit {
            reference: "RSA-3".into(),
            date: Some(d("2022-06-01")),
            unsafe_walk: false,
            ..by_id.clone()
        };
        let mut e2 = square();
        let applied = apply_audits(
            &mut e2,
            &[cleared.clone(), by_line, by_id.clone()],
            Some(d("2021-09-01")),
        )
        .unwrap();
        assert_eq!(
            applied
                .iter()
                .map(|a| a.reference.as_str())
                .collect::<Vec<_>>(),
            ["RSA-1", "RSA-2"]
        );
        assert!(e2[1].attrs.unsafe_walk && e2[2].attrs.unsafe_walk && !e2[0].attrs.unsafe_walk);
        let mut e3 = square();
        apply_audits(&mut e3, &[cleared, by_id], None).unwrap();
        assert!(!e3[2].attrs.unsafe_walk, "the later audit cleared it");
    }

    #[test]
    fn audits_that_match_nothing_are_errors() {
        let mut edges = square();
        let a = Audit {
            reference: "RSA-9".into(),
            date: None,
            edge_ids: vec!["nope".into()],
            lines: None,
            tolerance_m: 2.0,
            unsafe_walk: true,
        };
        assert!(matches!(
            apply_audits(&mut edges, &[a], None),
            Err(AuditError::UnknownEdge { .. })
        ));
    }

    #[test]
    fn what_if_marks_a_stretch_unsafe_and_ignores_an_audit() {
        // The shortcut is open from 2022-01-10; an audit (A1) marks it unsafe.
        let audit = Audit {
            reference: "A1".into(),
            date: Some(d("2022-02-01")),
            edge_ids: vec!["shortcut".into()],
            lines: None,
            tolerance_m: 0.0,
            unsafe_walk: true,
        };
        let with = |w: &WhatIf| {
            let mut edges = square();
            let (kept, extra) = what_if_audits(std::slice::from_ref(&audit), &edges, w).unwrap();
            apply_audits(&mut edges, &kept, None).unwrap();
            apply_audits(&mut edges, &extra, None).unwrap();
            walk(edges)
        };
        assert_eq!(with(&WhatIf::default()), 1000.0);
        let ignore = WhatIf {
            ignore_audits: vec!["A1".into()],
            ..WhatIf::default()
        };
        let shortcut = 2.0 * (300f64.hypot(200.0));
        assert!((with(&ignore) - shortcut).abs() < 2e-6);
        let unsafe_road = WhatIf {
            ignore_audits: vec!["A1".into()],
            mark_unsafe: vec!["road-1".into()],
            ..WhatIf::default()
        };
        // road-1 unsafe, shortcut open again: the shortcut is the only route.
        assert!((with(&unsafe_road) - shortcut).abs() < 2e-6);
        let both = WhatIf {
            ignore_audits: vec!["A1".into()],
            mark_unsafe: vec!["A1".into()],
            ..WhatIf::default()
        };
        assert_eq!(
            with(&both),
            1000.0,
            "marking the audit's stretch unsafe again"
        );
        let e = what_if_audits(
            std::slice::from_ref(&audit),
            &square(),
            &WhatIf {
                ignore_audits: vec!["nope".into()],
                ..WhatIf::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "there is no audit nope to ignore");
    }
}
