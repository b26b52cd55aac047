//! The readable decision an admissions officer sees from `check`: outcome first, then the
//! figures, then each reason with its clause.

use std::fmt::Write;

use crate::decide::{Decision, Outcome, Policy};
use crate::provenance::Origin;
use crate::units::{Metres, Pence};

fn mi(m: f64) -> String {
    format!("{} mi", Metres(m).miles_3dp())
}

/// Renders a decision as plain text; clauses the text names come from `policy`.
pub fn render(d: &Decision, origin: &Origin, policy: &Policy) -> String {
    let mut s = String::new();
    let outcome = match d.outcome {
        Outcome::Eligible => "ELIGIBLE",
        Outcome::Assisted => "ASSISTED AT A CHARGE",
        Outcome::NotEligible => "NOT ELIGIBLE",
        Outcome::Refer => "REFER TO AN OFFICER",
        Outcome::Error => "CANNOT BE DECIDED",
    };
    let _ = write!(s, "Application {}: {outcome}", d.id);
    if let Some(b) = &d.basis {
        let _ = write!(s, " ({})", b.as_str().replace('_', " "));
    }
    if let Some(c) = &d.deciding_clause {
        let _ = write!(s, ", clause {c}");
    }
    s.push('\n');
    let w = &origin.what_if;
    if !w.is_empty() {
        let mut asked = Vec::new();
        if !w.ignore_audits.is_empty() {
            asked.push(format!("audits ignored: {}", w.ignore_audits.join(", ")));
        }
        if !w.mark_unsafe.is_empty() {
            asked.push(format!("marked unsafe: {}", w.mark_unsafe.join(", ")));
        }
        let _ = writeln!(
            s,
            "  WHAT-IF, not the network as assessed: {}",
            asked.join("; ")
        );
    }
    if let Some(e) = &d.error {
        let _ = writeln!(s, "  Why: {e}");
    }
    if let Some(sc) = &d.school {
        let _ = writeln!(s, "  School: {} (URN {})", sc.name, sc.urn);
    }
    if let Some(h) = d.home_from_words() {
        let _ = writeln!(s, "  Home: {h}");
    }
    let ds = &d.distances;
    let mut parts = Vec::new();
    if ds.no_available_walking_route {
        parts.push("walking: no available route".to_string());
    } else if let Some(w) = ds.walking_m {
        let mut p = format!("walking {}", mi(w));
        if let Some(e) = &ds.walking_entrance {
            let _ = write!(p, " to {e}");
        }
        parts.push(p);
    }
    if let Some(v) = ds.driven_m {
        parts.push(format!("driven {}", mi(v)));
    }
    if let Some(v) = ds.straight_line_m {
        parts.push(format!("straight line {}", mi(v)));
    }
    if !parts.is_empty() {
        let _ = writeln!(s, "  Distances: {}", parts.join("; "));
    }
    if let Some(w) = &ds.walk_start {
        let _ = writeln!(s, "  Walk starts {}", w.describe());
    }
    if let Some(t) = &d.threshold {
        let _ = writeln!(
            s,
            "  Limit applied: {} (clause {})",
            t.limits.join(" and "),
            t.clause
        );
    }
    if let Some(c) = &d.charge {
        let price = match c.pence {
            Some(0) => "none".to_string(),
            Some(p) => Pence(p).display_gbp(),
            None => "no price can be stated".to_string(),
        };
        let _ = writeln!(s, "  Charge: {price}: {} (clause {})", c.note, c.clause);
    }
    if let Some(e) = &d.support_ends {
        let _ = writeln!(
            s,
            "  Support ends: {} ({}; clause {})",
            e.date, e.note, e.clause
        );
    }
    if let Some(p) = &d.surplus_priority {
        let tie = p
            .tie_break_walking_m
            .map(|w| format!("; within it, walking distance {} (furthest first)", mi(w)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  Surplus seat priority: category {} (clause {}){tie}",
            p.rank, p.clause
        );
    }
    if !d.reasons.is_empty() {
        let _ = writeln!(s, "  Reasons:");
        for (i, r) in d.reasons.iter().enumerate() {
            let _ = writeln!(s, "    {}. [{}] {}", i + 1, r.clause, r.text);
            if let Some(f) = &r.figures {
                let _ = writeln!(s, "       {f}");
            }
        }
    }
    if !d.follow_ups.is_empty() {
        let _ = writeln!(s, "  What follows:");
        for f in &d.follow_ups {
            let _ = writeln!(s, "    [{}] {}", f.clause, f.text);
            if let Some(fig) = &f.figures {
                let _ = writeln!(s, "       {fig}");
            }
        }
    }
    for w in &d.warnings {
        let _ = writeln!(s, "  Warning: {w}");
    }
    let _ = writeln!(
        s,
        "  Policy: {} ({})",
        origin.policy_name, origin.academic_year
    );
    for f in &origin.policy_files {
        let _ = writeln!(s, "    {}  sha256 {}", f.path, f.sha256);
    }
    let _ = writeln!(
        s,
        "  Area: {}{}",
        origin.area_name,
        origin
            .network_as_of
            .as_ref()
            .map(|d| {
                format!(
                    " (network as of {d}, clause {})",
                    policy.network_date.cite.clause
                )
            })
            .unwrap_or_default()
    );
    if !origin.audits.is_empty() {
        let _ = writeln!(
            s,
            "    route safety audits applied: {}",
            origin.audits.join(", ")
        );
    }
    for f in &origin.area_files {
        let _ = writeln!(s, "    {}  sha256 {}", f.path, f.sha256);
    }
    let _ = writeln!(s, "  {} {}", origin.tool, origin.tool_version);
    s
}
