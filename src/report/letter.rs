//! The letter a family receives: the council's letterhead (from the policy's letter template,
//! `[letter]`), the addressee and date, the outcome in the template's words, why in plain
//! English ("1.6 miles", "at least 3 miles", the entrance and road by name), the map of the
//! route measured, what the family can do next, and the sign-off. A simple refusal fits two A4
//! pages with its map. The exact figures, every clause quoted and the data's fingerprints follow
//! in the panel's sections ([`super::html::page`]) when asked for.

use std::fmt::Write as _;

use base64::Engine as _;

use crate::decide::Policy;
use crate::decide::{Decision, Outcome};
use crate::policy::fill_letter;

use super::html::{basis_words, follow_ups, map_section, next_steps, outcome_sentences};
use super::map::RouteRole;
use super::{esc, quotes_for, words, Report, Scenario};

/// The letter's own styles (the page's are in `html`).
pub const CSS: &str = "
.l-head{display:flex;justify-content:space-between;align-items:flex-start;gap:16px;
  border-bottom:2px solid #1f5fbf;padding-bottom:8px;margin-bottom:12px}
.l-head img{max-height:56px;max-width:240px}
.l-from{font-style:normal;font-size:12px;text-align:right;line-height:1.35}
.l-from strong{font-size:14px}
.l-to{font-style:normal;margin:8px 0 10px;line-height:1.35}
.l-dateref{display:flex;justify-content:space-between;font-size:13px;color:#333;margin:4px 0 10px}
.l-sign{margin-top:14px;break-inside:avoid;page-break-inside:avoid}
.l-method ul{margin:4px 0 8px;padding-left:20px;font-size:13px}
.l-method li{margin-bottom:2px}
.l-exact{font-size:11.5px;color:#444;border-top:1px solid #ccc;padding-top:6px;margin-top:14px}
.l-letter h1{font-size:19px;margin:12px 0 6px}
@media print{
  .l-letter{font-size:10pt}
  .l-method ul{font-size:9pt}
  .l-letter figure svg{max-height:88mm;width:auto;max-width:100%;margin:0 auto}
  .l-letter h2{margin-top:10px;font-size:13pt}
  .l-letter h3{margin-top:8px;font-size:11pt}
}
";

/// The values of the template's placeholders for this letter.
struct Fill {
    child: String,
    school: String,
    basis: String,
    charge: String,
    year: String,
}

impl Fill {
    fn of(r: &Report, d: &Decision) -> Fill {
        let charge = match d.charge.as_ref().and_then(|c| c.pence) {
            Some(p) => format!("{} a year", words::pounds(p)),
            None => "set by the operator".into(),
        };
        Fill {
            child: r
                .letter
                .child
                .clone()
                .unwrap_or_else(|| "your child".into()),
            school: d
                .school
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_else(|| "the school applied for".into()),
            basis: d
                .basis
                .as_ref()
                .map_or_else(|| "the policy".into(), |b| basis_words(r.policy, b)),
            charge,
            year: words::academic_year(&r.policy.meta.academic_year),
        }
    }

    fn apply(&self, text: &str) -> String {
        words::upper_first(&fill_letter(
            text,
            &[
                ("child", &self.child),
                ("school", &self.school),
                ("basis", &self.basis),
                ("charge", &self.charge),
                ("year", &self.year),
            ],
        ))
    }
}

/// The letterhead: the logo, and who writes with their address and contact details.
fn letterhead(s: &mut String, policy: &Policy) {
    let Some(letter) = &policy.letter else {
        return;
    };
    let Some(c) = &letter.council else {
        return;
    };
    s.push_str("<header class=\"l-head\">\n<div class=\"l-logo\">");
    if let Some(logo) = &letter.logo {
        let _ = write!(
            s,
            "<img alt=\"{}\" src=\"data:{};base64,{}\"/>",
            esc(&c.name),
            logo.media_type,
            base64::engine::general_purpose::STANDARD.encode(&logo.bytes)
        );
    }
    let _ = write!(
        s,
        "</div>\n<address class=\"l-from\"><strong>{}</strong>",
        esc(&c.name)
    );
    let lines = c
        .department
        .iter()
        .chain(&c.address)
        .map(|l| esc(l))
        .chain(c.telephone.iter().map(|t| format!("Telephone {}", esc(t))))
        .chain(c.email.iter().map(|e| esc(e)))
        .chain(c.website.iter().map(|w| esc(w)));
    for l in lines {
        let _ = write!(s, "<br/>{l}");
    }
    s.push_str("</address>\n</header>\n");
}

/// Who the letter is to, its date and reference, and the greeting.
fn addressee(s: &mut String, r: &Report) {
    let f = &r.letter;
    let to = match (&f.parent, &f.child) {
        (Some(p), _) => p.clone(),
        (None, Some(c)) => format!("The parent or carer of {c}"),
        (None, None) => "The parent or carer".into(),
    };
    let _ = write!(s, "<address class=\"l-to\">{}", esc(&to));
    for l in &f.address {
        let _ = write!(s, "<br/>{}", esc(l));
    }
    s.push_str("</address>\n");
    let _ = writeln!(
        s,
        "<div class=\"l-dateref\"><span class=\"l-date\">{}</span><span>Our reference: {}</span></div>",
        esc(&f.date.format("%-d %B %Y").to_string()),
        esc(&r.decided.decision.id)
    );
    let _ = writeln!(
        s,
        "<p>Dear {},</p>",
        esc(f.parent.as_deref().unwrap_or("parent or carer"))
    );
}

/// The heading and opening paragraph, in the template's words (else the built-in sentences).
fn opening(s: &mut String, r: &Report, fill: &Fill) {
    let d = &r.decided.decision;
    let words = r
        .policy
        .letter
        .as_ref()
        .and_then(|l| l.outcome.as_ref())
        .map(|o| o.for_outcome(d.outcome.as_str()));
    let (head, text) = match words {
        Some(w) => (fill.apply(&w.heading), fill.apply(&w.opening)),
        None => outcome_sentences(r.policy, d),
    };
    let _ = writeln!(
        s,
        "<h1 class=\"r-heading\">{}</h1>\n<div class=\"r-outcome r-{}\" data-outcome=\"{}\"><span \
         class=\"r-outcome-sentence\">{}</span></div>",
        esc(&head),
        d.outcome.as_str(),
        d.outcome.as_str(),
        esc(&text)
    );
}

/// The street the walk arrives at the school on: the name of the network edge nearest the
/// entrance reached, when it has one.
fn street_at_entrance(sc: &Scenario) -> Option<String> {
    let gate = sc.map.gates.iter().find(|g| g.used)?;
    sc.map
        .edges
        .iter()
        .filter(|e| e.walk)
        .filter_map(|e| {
            let name = e.name.as_deref()?;
            let d = e
                .points
                .iter()
                .map(|p| (p[0] - gate.point[0]).hypot(p[1] - gate.point[1]))
                .fold(f64::INFINITY, f64::min);
            Some((d, name))
        })
        .filter(|(d, _)| *d <= 150.0)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| words::road(n))
        .filter(|n| n != "the road")
}

/// Why, in plain words: the distance against the limit where a limit decided, else the reasons
/// of the deciding clause; then where the walk was measured from and to.
fn why(s: &mut String, r: &Report, fill: &Fill) {
    let sc = &r.decided;
    let d = &sc.decision;
    if d.outcome == Outcome::Error {
        return;
    }
    s.push_str("<h2>Why</h2>\n");
    let limits = d
        .threshold
        .as_ref()
        .map(|t| t.limits.clone())
        .unwrap_or_default();
    // The distance against the limit is the whole reason only for free transport given on it,
    // or refused because the distance fell short; an offer at a charge, or a refusal on another
    // ground under the same clause (a post-16 criterion, say), is told by its reasons.
    let threshold_decided = d.threshold.as_ref().is_some_and(|t| {
        d.deciding_clause.as_deref() == Some(t.clause.as_str())
            && match d.outcome {
                Outcome::Eligible => true,
                Outcome::NotEligible => t.shortfall_m.is_some_and(|m| m > 0.0),
                _ => false,
            }
    });
    let ds = &d.distances;
    let walk = ds
        .walking_m
        .map(|w| words::family_miles(w, "walking", &limits));
    match (&d.threshold, &walk) {
        (Some(t), Some(w)) if threshold_decided => {
            let needs = t
                .limits
                .iter()
                .map(|l| words::limit(l))
                .collect::<Vec<_>>()
                .join(" and ");
            let mut p = format!(
                "The shortest available walking route from your home to {} is <strong \
                 class=\"r-walk-mi\">{}</strong>",
                esc(&fill.school),
                esc(w)
            );
            if let Some(v) = ds
                .driven_m
                .filter(|_| limits.iter().any(|l| l.starts_with("driven")))
            {
                let _ = write!(
                    p,
                    " and the shortest driven route is {}",
                    esc(&words::family_miles(v, "driven", &limits))
                );
            }
            let verdict = if d.outcome == Outcome::Eligible {
                format!(
                    ". Free transport is given where there is {} (clause {}), so {} qualifies.",
                    esc(&needs),
                    esc(&t.clause),
                    esc(&fill.child)
                )
            } else {
                format!(
                    ". Free transport to this school needs {} (clause {}), so we cannot give it.",
                    esc(&needs),
                    esc(&t.clause)
                )
            };
            let _ = writeln!(s, "<p>{p}{verdict}</p>");
        }
        _ => {
            let (_, sentence) = outcome_sentences(r.policy, d);
            let own: Vec<&str> = d
                .reasons
                .iter()
                .filter(|x| d.deciding_clause.as_deref() == Some(x.clause.as_str()))
                .map(|x| x.text.as_str())
                .collect();
            if own.is_empty() {
                let _ = writeln!(s, "<p>{}</p>", esc(&sentence));
            } else {
                for t in own {
                    let _ = writeln!(s, "<p>{}</p>", esc(&words::plain(t)));
                }
                if let Some(c) = &d.deciding_clause {
                    let _ = writeln!(s, "<p>This is clause {} of the policy.</p>", esc(c));
                }
            }
        }
    }
    // The policy's own words for the deciding clause, when short enough for a letter.
    if let Some(c) = &d.deciding_clause {
        if let Some((clause, quote)) = quotes_for(r.policy, c).into_iter().next() {
            if quote.len() <= 320 {
                let _ = writeln!(
                    s,
                    "<p class=\"l-quote\">The policy says: \u{201c}{}\u{201d} (clause {}).</p>",
                    esc(&quote),
                    esc(&clause)
                );
            }
        }
    }
    if ds.no_available_walking_route {
        let _ = writeln!(
            s,
            "<p>Every walking route from your home to the school uses a stretch assessed as \
             unsafe for a child to walk with an adult, so there is no available walking route \
             (clause {}).</p>",
            esc(&r.policy.unavailable_route.cite.clause)
        );
    }
    if let Some(dis) = sc
        .map
        .routes
        .iter()
        .find(|x| x.role == RouteRole::Disregarded)
    {
        let shorter = dis
            .length_mi
            .parse::<f64>()
            .map(|m| words::family_miles(m * crate::units::METRES_PER_MILE, "walking", &limits))
            .unwrap_or_else(|_| format!("{} miles", dis.length_mi));
        let _ = writeln!(
            s,
            "<p>The route goes round a stretch that route safety audit {} assessed as unsafe to \
             walk. The shorter walk over it, {}, is not counted (clause {}).</p>",
            esc(&sc.map.audits_avoided.join(", ")),
            esc(&shorter),
            esc(&r.policy.unavailable_route.cite.clause)
        );
    }
}

/// "How we measured the distance": the method statement's points a family needs beside the
/// paragraph on where the walk starts and ends (see `super::method`), generated from the policy,
/// area and decision like the panel's full statement.
fn method(s: &mut String, r: &Report) {
    let sc = &r.decided;
    let d = &sc.decision;
    if d.outcome == Outcome::Error {
        return;
    }
    let driven_limit = d
        .threshold
        .as_ref()
        .is_some_and(|t| t.limits.iter().any(|l| l.starts_with("driven")));
    let points: Vec<_> = super::method::statement(r.policy, d, &sc.origin, &sc.map)
        .into_iter()
        .filter(|p| match p.topic {
            "The network" | "What can be walked" | "Unsafe stretches" | "Miles" => true,
            "Which school is nearest" => d.distances.straight_line_m.is_some(),
            "Driven distances" => driven_limit,
            _ => false,
        })
        .collect();
    s.push_str("<section class=\"l-method\">\n<h2>How we measured the distance</h2>\n<ul>\n");
    // Where the walk starts and ends, in the family's words.
    let ds = &d.distances;
    if ds.walking_m.is_some() {
        let from = ds
            .walk_start
            .as_ref()
            .map(|w| format!(" from where your home meets {}", esc(&words::road(&w.road))))
            .unwrap_or_default();
        let to = ds
            .walking_entrance
            .as_ref()
            .map(|e| {
                format!(
                    " to {}, the school entrance the shortest walk reaches",
                    esc(&words::entrance(e, street_at_entrance(sc).as_deref()))
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<li>We measured the walk along roads and paths{from}{to}; the map shows it \
             (clause {}).</li>",
            esc(&r.policy.walk_start.cite.clause)
        );
    }
    for p in points {
        let clause = p
            .clause
            .map(|c| format!(" (clause {})", esc(&c)))
            .unwrap_or_default();
        let _ = writeln!(s, "<li>{}{clause}</li>", esc(&p.text));
    }
    s.push_str("</ul>\n</section>\n");
}

/// The map's caption, in the letter's words.
fn caption(r: &Report, fill: &Fill) -> String {
    let d = &r.decided.decision;
    let limits = d
        .threshold
        .as_ref()
        .map(|t| t.limits.clone())
        .unwrap_or_default();
    let mut c = String::from("The route we measured");
    if let Some(w) = d.distances.walking_m {
        let _ = write!(
            c,
            ": the shortest available walking route to {}, {}",
            fill.school,
            words::family_miles(w, "walking", &limits)
        );
    }
    if let Some(v) = d.distances.driven_m {
        let _ = write!(
            c,
            "; the shortest driven route (dashed), {}",
            words::family_miles(v, "driven", &limits)
        );
    }
    c.push('.');
    c
}

/// The sign-off: how to get in touch, and who signs.
fn sign_off(s: &mut String, r: &Report) {
    let letter = r.policy.letter.as_ref();
    let contact: Vec<String> = letter
        .and_then(|l| l.council.as_ref())
        .map(|c| {
            c.telephone
                .iter()
                .map(|t| format!("telephone {t}"))
                .chain(c.email.iter().map(|e| format!("email {e}")))
                .chain(c.website.iter().map(|w| format!("see {w}")))
                .collect()
        })
        .unwrap_or_default();
    let how = if contact.is_empty() {
        String::new()
    } else {
        format!(" ({})", contact.join(", "))
    };
    let _ = writeln!(
        s,
        "<div class=\"l-sign\"><p>If you have any questions about this letter, please contact \
         us{}, quoting our reference {}.</p>\n<p>Yours sincerely,</p>",
        esc(&how),
        esc(&r.decided.decision.id)
    );
    if let Some(sig) = letter.and_then(|l| l.signatory.as_ref()) {
        let _ = writeln!(
            s,
            "<p><strong>{}</strong><br/>{}</p>",
            esc(&sig.name),
            esc(&sig.role)
        );
    }
    s.push_str("</div>\n");
}

/// The exact figures in one line, for anyone checking the letter.
fn exact(s: &mut String, r: &Report) {
    let d = &r.decided.decision;
    let mut parts = Vec::new();
    if let Some(w) = d.distances.walking_m {
        parts.push(format!(
            "shortest available walking route {} metres ({} miles)",
            words::metres(w),
            crate::units::Metres(w).miles_3dp()
        ));
    }
    if let Some(v) = d.distances.driven_m {
        parts.push(format!(
            "shortest driven route {} metres ({} miles)",
            words::metres(v),
            crate::units::Metres(v).miles_3dp()
        ));
    }
    if let Some(t) = &d.threshold {
        parts.push(format!(
            "limit {} (clause {})",
            t.limits
                .iter()
                .map(|l| words::limit(l))
                .collect::<Vec<_>>()
                .join(" and "),
            t.clause
        ));
    }
    if parts.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "<p class=\"l-exact\">The figures exactly: {}.</p>",
        esc(&parts.join("; "))
    );
}

/// The letter: everything a family receives.
pub fn body(s: &mut String, r: &Report) {
    let d = &r.decided.decision;
    let fill = Fill::of(r, d);
    s.push_str("<div class=\"l-letter\">\n");
    letterhead(s, r.policy);
    addressee(s, r);
    opening(s, r, &fill);
    // Warnings are for the officer who checks the letter before it goes: the panel's copy.
    for w in d.warnings.iter().filter(|_| r.panel) {
        let _ = writeln!(
            s,
            "<p class=\"r-warning\"><strong>For the officer:</strong> {}</p>",
            esc(w)
        );
    }
    why(s, r, &fill);
    method(s, r);
    next_steps(
        s,
        r.policy,
        &r.decided,
        &r.decided.map.audits_avoided,
        r.panel,
    );
    follow_ups(s, r.policy, d, r.panel);
    if d.outcome != Outcome::Error && !r.decided.map.routes.is_empty() {
        s.push_str("<section class=\"r-map\">\n<h2>The route we measured</h2>\n");
        map_section(s, &r.decided, "decided-", &caption(r, &fill));
        s.push_str("</section>\n");
    }
    sign_off(s, r);
    exact(s, r);
    s.push_str("</div>\n");
}
