//! The report page: a self-contained HTML document (inline CSS and SVG; no scripts, fonts or
//! anything else fetched), printable to PDF. It reads like an officer's letter: the outcome in
//! one sentence, then why (each reason with its clause and the policy's own words), the figures
//! compared, what the family can do next (surplus seat, its price and priority, clause 1.3;
//! appeal grounds and deadlines, clause 5.2), the map, and the data the decision used.
//!
//! The markup is also well-formed XML, so that it can be checked mechanically.

use std::fmt::Write as _;

use crate::decide::Policy;
use crate::decide::{Decision, Outcome};
use crate::policy::Basis;
use crate::units::{Metres, Pence};

use super::map::svg_with_ids;
use super::{esc, quotes_for, Report, Scenario};

const CSS: &str = "
:root{color-scheme:light}
body{font-family:'DejaVu Sans','Liberation Sans',Arial,Helvetica,sans-serif;color:#1a1a1a;
  background:#fff;margin:0;line-height:1.45;font-size:15px}
main{max-width:860px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #1f5fbf;padding-bottom:3px;
  break-after:avoid;page-break-after:avoid}
h3{font-size:16px;margin:18px 0 6px;break-after:avoid;page-break-after:avoid}
p{margin:6px 0 10px}
.r-meta{color:#555;font-size:13px;margin-bottom:14px}
.r-outcome{border-left:8px solid #888;background:#f3f3f3;padding:12px 16px;margin:14px 0;
  font-size:17px}
.r-eligible{border-color:#2a7a2a;background:#eef7ee}
.r-assisted{border-color:#1f5fbf;background:#eef3fb}
.r-not_eligible{border-color:#b01c1c;background:#fbeeee}
.r-refer{border-color:#c78a00;background:#fdf6e6}
.r-error{border-color:#555}
.r-outcome strong{display:block;font-size:19px;margin-bottom:4px}
.r-whatif-banner{border:2px dashed #c78a00;padding:8px 12px;background:#fffaf0;margin:10px 0}
.r-warning{border:1px solid #c78a00;background:#fff8e5;padding:8px 12px;margin:10px 0}
ol.r-reasons>li{margin-bottom:12px}
.r-clause{display:inline-block;font-weight:bold;background:#e8eef9;color:#1a3f80;
  border-radius:3px;padding:0 6px;margin-right:6px;font-size:13px}
.r-figures{font-family:'DejaVu Sans Mono','Liberation Mono',monospace;font-size:13px;
  background:#f6f6f6;padding:1px 6px;display:inline-block;margin-top:3px}
blockquote{margin:6px 0 6px 0;padding:4px 12px;border-left:4px solid #c9c2ad;color:#333;
  background:#faf8f2;font-style:italic}
blockquote cite{display:block;font-style:normal;font-size:12px;color:#666;margin-top:2px}
table{border-collapse:collapse;margin:8px 0 12px;width:100%}
th,td{border:1px solid #ccc;padding:5px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#f0f0f0}
figure{margin:12px 0;break-inside:avoid;page-break-inside:avoid}
figure svg{width:100%;height:auto;display:block;border:1px solid #ddd}
figcaption{font-size:13px;color:#444;margin-top:4px}
code{font-family:'DejaVu Sans Mono','Liberation Mono',monospace;font-size:12px;word-break:break-all}
.r-small{font-size:12px;color:#555}
.r-method dt{font-weight:600;margin-top:.4em}
@page{size:A4;margin:12mm 14mm}
@media print{
  body{font-size:11pt}
  main{max-width:none;padding:0}
  h2{margin-top:18px}
  .r-outcome,.r-warning,.r-whatif-banner,blockquote,tr{break-inside:avoid;page-break-inside:avoid}
  section.r-panel{break-before:page;page-break-before:always}
  a{color:inherit;text-decoration:none}
}
";

fn mi(m: f64) -> String {
    format!("{} miles", Metres(m).miles_3dp())
}

fn school_name(d: &Decision) -> String {
    d.school
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "the school applied for".into())
}

/// How the letter names a basis: the policy's own words (`[letter.basis]`), else its code name
/// in plain spacing (a policy without a letter table still gives a readable sentence).
pub(super) fn basis_words(policy: &Policy, b: &Basis) -> String {
    policy
        .letter
        .as_ref()
        .and_then(|l| l.basis_words(b))
        .map_or_else(|| b.as_str().replace('_', " "), str::to_string)
}

fn charge_pence(d: &Decision) -> Option<i64> {
    d.charge.as_ref().and_then(|c| c.pence)
}

/// The outcome as a heading and one or two sentences: what the letter says first.
pub fn outcome_sentences(policy: &Policy, d: &Decision) -> (String, String) {
    let school = school_name(d);
    let clause = d
        .deciding_clause
        .as_ref()
        .map(|c| format!(" (clause {c})"))
        .unwrap_or_default();
    match d.outcome {
        Outcome::Eligible | Outcome::Assisted => {
            let basis = d
                .basis
                .as_ref()
                .map_or_else(|| "the policy".to_string(), |b| basis_words(policy, b));
            match (d.outcome, charge_pence(d)) {
                (Outcome::Assisted, Some(p)) => (
                    format!("Transport assistance to {school}, at a charge"),
                    format!(
                        "Application {} is offered transport assistance to {school} under \
                         {basis}{clause}. It is not free transport: the family pays {} a year.",
                        d.id,
                        super::words::pounds(p)
                    ),
                ),
                (Outcome::Assisted, None) => (
                    format!("Transport assistance to {school}, at a charge"),
                    format!(
                        "Application {} is offered transport assistance to {school} under \
                         {basis}{clause}. It is not free transport: the family pays a charge \
                         the operator sets.",
                        d.id
                    ),
                ),
                _ => (
                    format!("Eligible for free transport to {school}"),
                    format!(
                        "Application {} is eligible for free home to school transport to {school} \
                         under {basis}{clause}.",
                        d.id
                    ),
                ),
            }
        }
        Outcome::NotEligible => {
            let own_words = d
                .basis
                .as_ref()
                .and_then(|b| policy.letter.as_ref()?.not_eligible_words(b));
            let why = match (&d.basis, own_words) {
                // Parental preference is the engine's own decision (no rule accepted the school).
                (Some(b), _) if *b == policy.parental_preference.basis => format!(
                    "{school} is not the catchment school or the nearest suitable school and no \
                     other part of the policy applies, so it is attended by parental \
                     preference{clause}, for which the council does not provide free transport."
                ),
                (_, Some(words)) => format!("{words}{clause}."),
                _ => match (&d.threshold, d.distances.walking_m) {
                    (Some(t), Some(w)) => format!(
                        "The shortest available walking route from the home to the school is {}. \
                         Free transport to this school needs {} (clause {}), so it cannot be \
                         given.",
                        mi(w),
                        t.limits
                            .iter()
                            .map(|l| super::words::limit(l))
                            .collect::<Vec<_>>()
                            .join(" and "),
                        t.clause
                    ),
                    _ => format!("The policy's conditions{clause} are not met."),
                },
            };
            (
                format!("Not eligible for free transport to {school}"),
                format!(
                    "Application {} is not eligible for free home to school transport to \
                     {school}. {why}",
                    d.id
                ),
            )
        }
        Outcome::Refer => (
            format!("An officer must decide: transport to {school}"),
            format!(
                "Application {} cannot be decided on distance alone. An officer will decide \
                 on the evidence described below{clause}.",
                d.id
            ),
        ),
        Outcome::Error => (
            "This application could not be decided".into(),
            format!(
                "Application {} could not be decided: {}",
                d.id,
                d.error.as_deref().unwrap_or("no reason was given")
            ),
        ),
    }
}

fn quote_block(s: &mut String, clause: &str, quote: &str) {
    let _ = writeln!(
        s,
        "<blockquote>\u{201c}{}\u{201d}<cite>Policy clause {}</cite></blockquote>",
        esc(quote),
        esc(clause)
    );
}

fn quotes(s: &mut String, policy: &Policy, clause: &str) {
    for (c, q) in quotes_for(policy, clause) {
        quote_block(s, &c, &q);
    }
}

fn reasons(s: &mut String, policy: &Policy, d: &Decision) {
    if d.reasons.is_empty() {
        return;
    }
    s.push_str("<h2>Why</h2>\n<ol class=\"r-reasons\">\n");
    for r in &d.reasons {
        let _ = write!(
            s,
            "<li><span class=\"r-clause\">Clause {}</span>{}",
            esc(&r.clause),
            esc(&r.text)
        );
        if let Some(f) = &r.figures {
            let _ = write!(s, "<br/><span class=\"r-figures\">{}</span>", esc(f));
        }
        s.push('\n');
        quotes(s, policy, &r.clause);
        s.push_str("</li>\n");
    }
    s.push_str("</ol>\n");
}

fn figures(s: &mut String, policy: &Policy, sc: &Scenario) {
    let d = &sc.decision;
    s.push_str("<h2>The figures compared</h2>\n<table class=\"r-figures-table\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(s, "<tr><th scope=\"row\">{}</th><td>{v}</td></tr>", esc(k));
    };
    if let Some(sc) = &d.school {
        row(
            "School",
            format!("{} (URN {})", esc(&sc.name), esc(&sc.urn.to_string())),
        );
    }
    if let Some(h) = d.home_from_words() {
        row("Home", esc(&h).to_string());
    }
    let ds = &d.distances;
    if ds.no_available_walking_route {
        row(
            "Shortest available walking route",
            "none: every walking route uses a stretch assessed unsafe".into(),
        );
    } else if let Some(w) = ds.walking_m {
        row(
            "Shortest available walking route",
            format!(
                "<strong class=\"r-walk-mi\">{}</strong>{}",
                esc(&mi(w)),
                ds.walking_entrance
                    .as_ref()
                    .map(|e| format!(", to {}", esc(e)))
                    .unwrap_or_default()
            ),
        );
    }
    if let Some(v) = ds.driven_m {
        row("Shortest driven route", esc(&mi(v)));
    }
    if let Some(v) = ds.straight_line_m {
        row("Straight line (to find the nearest school)", esc(&mi(v)));
    }
    if let Some(w) = &ds.walk_start {
        row("Walk starts", esc(&w.describe()).to_string());
    }
    if let Some(t) = &d.threshold {
        row(
            "Limit applied",
            format!(
                "{} (clause {})",
                esc(&t.limits.join(" and ")),
                esc(&t.clause)
            ),
        );
    }
    for r in d.reasons.iter().filter(|r| r.figures.is_some()) {
        row(
            "Compared",
            esc(r.figures.as_deref().unwrap_or_default()).to_string(),
        );
    }
    if let Some(date) = &sc.origin.network_as_of {
        row(
            "Network as of",
            format!(
                "{} (clause {})",
                esc(&super::words::date(date)),
                esc(&policy.network_date.cite.clause)
            ),
        );
    }
    if !sc.origin.audits.is_empty() {
        row(
            "Route safety audits applied",
            esc(&sc.origin.audits.join(", ")),
        );
    }
    s.push_str("</table>\n");
}

/// What the family can do next: a surplus seat and its price and priority, and how to appeal;
/// `quoted` adds the policy's own words for each (the panel's copy).
pub(super) fn next_steps(
    s: &mut String,
    policy: &Policy,
    sc: &Scenario,
    avoided: &[String],
    quoted: bool,
) {
    let quote_block = |s: &mut String, clause: &str, quote: &str| {
        if quoted {
            quote_block(s, clause, quote);
        }
    };
    let quotes = |s: &mut String, policy: &Policy, clause: &str| {
        if quoted {
            quotes(s, policy, clause);
        }
    };
    let d = &sc.decision;
    s.push_str("<h2>What you can do next</h2>\n");
    if d.outcome == Outcome::Error {
        s.push_str(if quoted {
            "<p>Please check the details given with the application (the reason above says \
             which) and apply again.</p>\n"
        } else {
            "<p>Please contact us, quoting our reference, so that we can check the details \
             given with the application with you.</p>\n"
        });
        return;
    }
    if d.outcome == Outcome::Eligible {
        s.push_str("<p>Nothing more is needed for this decision.</p>\n");
        return;
    }
    // Surplus seat (clause 1.3).
    if !d.outcome.supported() {
        if let Some(c) = &d.charge {
            s.push_str("<h3>A surplus seat</h3>\n");
            match c.pence {
                Some(p) if p > 0 => {
                    let _ = writeln!(
                        s,
                        "<p>You can apply for a spare seat on a council contract vehicle under \
                         the Surplus Seat Travel Scheme. The charge is <strong \
                         class=\"r-charge\">{}</strong> a year (clause {}).</p>",
                        esc(&super::words::pounds(p)),
                        esc(&c.clause)
                    );
                }
                _ => {
                    let _ = writeln!(s, "<p>{} (clause {}).</p>", esc(&c.note), esc(&c.clause));
                }
            }
            if let Some(scheme) = &policy.surplus_seat_scheme {
                quote_block(s, &scheme.cite.clause, &scheme.cite.quote);
            }
            quotes(s, policy, &c.clause);
            if let Some(pr) = &d.surplus_priority {
                let tie = pr
                    .tie_break_walking_m
                    .map(|w| {
                        format!(
                            " Within a category, seats go first to those who live furthest by \
                             the shortest available walking route; for this application that is \
                             {}.",
                            if quoted {
                                mi(w)
                            } else {
                                super::words::family_miles(w, "walking", &[])
                            }
                        )
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "<p>Seats are allocated in priority order. This application would be in \
                     <strong class=\"r-priority\">priority category {}</strong> (clause {}).{}</p>",
                    pr.rank,
                    esc(&pr.clause),
                    esc(&tie)
                );
                quotes(s, policy, &pr.clause);
                let tb = &policy.surplus_seat.tie_break;
                if pr.tie_break_walking_m.is_some() && tb.clause != pr.clause {
                    quote_block(s, &tb.clause, &tb.quote);
                }
            }
            if let Some(scheme) = &policy.surplus_seat_scheme {
                let app = &scheme.application;
                if quoted {
                    s.push_str("<p>How and when to apply:</p>\n");
                    quote_block(s, &app.clause, &app.quote);
                } else {
                    let _ = writeln!(
                        s,
                        "<p>How and when to apply: \u{201c}{}\u{201d} (clause {}).</p>",
                        esc(&app.quote),
                        esc(&app.clause)
                    );
                }
            }
        }
    }
    // Appeal (clause 5.2).
    if matches!(d.outcome, Outcome::NotEligible | Outcome::Refer) {
        s.push_str("<h3>Appealing against this decision</h3>\n");
        if d.outcome == Outcome::Refer {
            s.push_str(
                "<p>If, once the evidence has been seen, transport assistance is refused, you can \
                 appeal as follows.</p>\n",
            );
        }
        match &policy.appeal {
            Some(a) => {
                let _ = writeln!(
                    s,
                    "<p class=\"r-deadline\"><strong>You have {} days from receiving the letter \
                     refusing transport to appeal</strong> (stage 1, clause {}): send a Transport \
                     Appeal form with full supporting evidence.</p>",
                    a.stage1.days,
                    esc(&a.stage1.cite.clause)
                );
                quote_block(s, &a.stage1.cite.clause, &a.stage1.cite.quote);
                let _ = writeln!(
                    s,
                    "<p>An appeal can be made only on these grounds (clause {}):</p>",
                    esc(&a.cite.clause)
                );
                quote_block(s, &a.cite.clause, &a.cite.quote);
                s.push_str("<ol class=\"r-grounds\" type=\"i\">\n");
                for (i, g) in a.grounds.iter().enumerate() {
                    let _ = write!(s, "<li>{}", esc(g));
                    if i + 1 == a.grounds.len() && !avoided.is_empty() {
                        let _ = write!(
                            s,
                            "<br/><span class=\"r-small\">The walking route measured avoids \
                             stretches assessed unsafe by {}; an appeal on route safety grounds \
                             would concern that assessment.</span>",
                            esc(&avoided.join(", "))
                        );
                    }
                    s.push_str("</li>\n");
                }
                s.push_str("</ol>\n");
                let _ = writeln!(
                    s,
                    "<p>You will be told the result of the review in writing. If you are still not \
                     satisfied, you have {} days to ask for the appeal to go to stage 2, the \
                     appeal panel (clause {}).</p>",
                    a.stage2.days,
                    esc(&a.stage2.cite.clause)
                );
                quote_block(s, &a.stage2.cite.clause, &a.stage2.cite.quote);
            }
            None => s.push_str(
                "<p>The policy files used give no appeal procedure; see the council's published \
                 policy.</p>\n",
            ),
        }
    }
}

/// What follows from the decision (clauses 1.1.14, 1.5.1, 1.5.2, 2.1, 2.3, 2.4, 5.2): fuel
/// contribution, pick-up point, adult pass, appeal dates and the like, each with its clause.
/// The right of appeal, which the letter's next steps already state for a refusal, is not
/// repeated.
pub(super) fn follow_ups(s: &mut String, policy: &Policy, d: &Decision, quoted: bool) {
    let appeal_said = matches!(d.outcome, Outcome::NotEligible | Outcome::Refer);
    let shown: Vec<_> = d
        .follow_ups
        .iter()
        .filter(|f| {
            !(appeal_said
                && policy
                    .appeal
                    .as_ref()
                    .is_some_and(|a| a.cite.clause == f.clause && f.topic.contains("appeal")))
        })
        .collect();
    if shown.is_empty() {
        return;
    }
    s.push_str("<h2>Arrangements and dates</h2>\n<ul class=\"r-follow-ups\">\n");
    for f in shown {
        if !quoted {
            // The family's letter: the sentence in pounds, without the working.
            let _ = writeln!(
                s,
                "<li>{} (clause {}).</li>",
                esc(super::words::pounds_in(&f.text).trim_end_matches('.')),
                esc(&f.clause)
            );
            continue;
        }
        let _ = write!(
            s,
            "<li>{} <span class=\"r-clause\">(clause {})</span>",
            esc(&f.text),
            esc(&f.clause)
        );
        if let Some(fig) = &f.figures {
            let _ = write!(s, "<br/><span class=\"r-figures\">{}</span>", esc(fig));
        }
        s.push_str("</li>\n");
    }
    s.push_str("</ul>\n");
}

pub(super) fn map_section(s: &mut String, sc: &Scenario, prefix: &str, caption: &str) {
    let _ = writeln!(
        s,
        "<figure class=\"r-figure\">\n{}<figcaption>{}</figcaption>\n</figure>",
        svg_with_ids(&sc.map, prefix),
        esc(caption)
    );
}

fn map_caption(sc: &Scenario) -> String {
    let d = &sc.decision;
    let mut c = String::from("The route measured");
    if let Some(w) = d.distances.walking_m {
        let _ = write!(c, ": the shortest available walking route, {}", mi(w));
        if let Some(e) = &d.distances.walking_entrance {
            let _ = write!(c, ", to {e}");
        }
    }
    if let Some(v) = d.distances.driven_m {
        let _ = write!(c, "; the shortest driven route, {}", mi(v));
    }
    c.push_str(". The distance is measured along the network from where the home meets it.");
    c
}

fn outcome_block(s: &mut String, policy: &Policy, d: &Decision) {
    let (head, sentence) = outcome_sentences(policy, d);
    let _ = writeln!(
        s,
        "<div class=\"r-outcome r-{}\" data-outcome=\"{}\"><strong>{}</strong><span \
         class=\"r-outcome-sentence\">{}</span></div>",
        d.outcome.as_str(),
        d.outcome.as_str(),
        esc(&head),
        esc(&sentence)
    );
}

fn warnings(s: &mut String, d: &Decision) {
    for w in &d.warnings {
        let _ = writeln!(
            s,
            "<p class=\"r-warning\"><strong>For the officer:</strong> {}</p>",
            esc(w)
        );
    }
}

fn provenance(s: &mut String, r: &Report) {
    let o = &r.decided.origin;
    s.push_str("<h2>The data this decision used</h2>\n");
    if let Some(n) = &r.provenance_note {
        let _ = writeln!(s, "<p>{}</p>", esc(n));
    }
    let _ = writeln!(
        s,
        "<p>Policy: {} ({}). Area: {}{}. Made with {} {}. Each file below is identified by its \
         SHA-256 fingerprint, so the decision can be re-run on exactly the same data.</p>",
        esc(&o.policy_name),
        esc(&o.academic_year),
        esc(&o.area_name),
        o.network_as_of
            .as_ref()
            .map(|d| format!(", network as of {}", esc(d)))
            .unwrap_or_default(),
        esc(&o.tool),
        esc(&o.tool_version)
    );
    s.push_str("<table class=\"r-files\">\n<tr><th>File</th><th>SHA-256</th></tr>\n");
    for f in o.policy_files.iter().chain(&o.area_files) {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
            esc(&f.path),
            esc(&f.sha256)
        );
    }
    s.push_str("</table>\n");
}

/// A what-if in words, for its heading: "the network were as on 2022-04-01 and audit
/// RSA-2019-015 had not been made".
pub fn what_if_words(as_of: Option<&str>, w: &crate::network::WhatIf) -> String {
    let mut asked = Vec::new();
    if let Some(d) = as_of {
        asked.push(format!("the network were as it was on {d}"));
    }
    if !w.ignore_audits.is_empty() {
        asked.push(format!(
            "route safety audit {} had not been made",
            w.ignore_audits.join(", ")
        ));
    }
    if !w.mark_unsafe.is_empty() {
        asked.push(format!(
            "{} were assessed unsafe to walk",
            w.mark_unsafe.join(", ")
        ));
    }
    asked.join(" and ")
}

fn comparison(s: &mut String, a: &Scenario, b: &Scenario) {
    let row = |s: &mut String, k: &str, x: String, y: String| {
        let changed = if x == y { "" } else { " class=\"r-changed\"" };
        let _ = writeln!(
            s,
            "<tr{changed}><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            esc(k),
            esc(&x),
            esc(&y)
        );
    };
    let (da, db) = (&a.decision, &b.decision);
    let _ = writeln!(
        s,
        "<table class=\"r-compare\">\n<tr><th></th><th>{}</th><th>{}</th></tr>",
        esc(&a.label),
        esc(&b.label)
    );
    let outcome = |d: &Decision| {
        format!(
            "{}{}",
            d.outcome.as_str().replace('_', " "),
            d.basis
                .as_ref()
                .map(|b| format!(" ({})", b.as_str().replace('_', " ")))
                .unwrap_or_default()
        )
    };
    row(s, "Outcome", outcome(da), outcome(db));
    let opt = |v: Option<f64>| v.map(mi).unwrap_or_else(|| "-".into());
    let walk = |d: &Decision| {
        if d.distances.no_available_walking_route {
            "no available route".into()
        } else {
            opt(d.distances.walking_m)
        }
    };
    row(s, "Shortest available walking route", walk(da), walk(db));
    row(
        s,
        "Shortest driven route",
        opt(da.distances.driven_m),
        opt(db.distances.driven_m),
    );
    let charge = |d: &Decision| match charge_pence(d) {
        Some(0) => "none".to_string(),
        Some(p) => Pence(p).display_gbp(),
        None => "-".into(),
    };
    row(s, "Charge", charge(da), charge(db));
    let pr = |d: &Decision| {
        d.surplus_priority
            .as_ref()
            .map(|p| format!("category {} ({})", p.rank, p.clause))
            .unwrap_or_else(|| "-".into())
    };
    row(s, "Surplus seat priority", pr(da), pr(db));
    let date = |sc: &Scenario| sc.origin.network_as_of.clone().unwrap_or_default();
    row(s, "Network as of", date(a), date(b));
    let audits = |sc: &Scenario| {
        if sc.origin.audits.is_empty() {
            "none".into()
        } else {
            sc.origin.audits.join(", ")
        }
    };
    row(s, "Route safety audits applied", audits(a), audits(b));
    s.push_str("</table>\n");
}

/// "How the distances were measured" (see `method`), for the decision as made.
fn method_statement(s: &mut String, r: &Report) {
    let sc = &r.decided;
    if sc.decision.outcome == Outcome::Error {
        return;
    }
    let points = super::method::statement(r.policy, &sc.decision, &sc.origin, &sc.map);
    s.push_str("<section class=\"r-method\">\n<h2>How the distances were measured</h2>\n<dl>\n");
    for p in points {
        let clause = p
            .clause
            .map(|c| format!(" (clause {})", esc(&c)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<dt>{}</dt><dd>{}{clause}</dd>",
            esc(p.topic),
            esc(&p.text)
        );
    }
    s.push_str("</dl>\n</section>\n");
}

/// "What would change this decision", for the panel: each change of fact with the decision it
/// gives, computed by deciding again.
fn would_change(s: &mut String, r: &Report) {
    let Some(e) = &r.would_change else {
        return;
    };
    let decided = r.decided.decision.outcome;
    s.push_str(
        "<section class=\"r-would-change\">\n<h2>What would change this decision</h2>\n<p>Each \
         fact below was changed on its own and the application decided again by the same \
         rules.</p>\n<ul>\n",
    );
    if let Some(short) = &e.shortfall {
        let _ = writeln!(s, "<li>{}.</li>", esc(&super::words::upper_first(short)));
    }
    for c in &e.changes {
        let basis = c
            .basis
            .as_ref()
            .map(|b| format!(" ({})", basis_words(r.policy, b)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<li>{}: {}{}. <strong>{}</strong>.</li>",
            esc(&super::words::upper_first(&c.change)),
            esc(&c.outcome.as_str().replace('_', " ")),
            esc(&basis),
            esc(&super::words::upper_first(c.effect(decided)))
        );
    }
    s.push_str("</ul>\n</section>\n");
}

/// The whole page: the letter, then (for the panel) the decision in full.
pub fn page(r: &Report) -> String {
    let d = &r.decided.decision;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta \
         name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>Home to \
         school transport decision: application {}</title>\n<style>{CSS}{}</style>\n</head>\n\
         <body>\n<main>\n",
        esc(&d.id),
        super::letter::CSS
    );
    super::letter::body(&mut s, r);
    if r.panel {
        panel(&mut s, r);
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

/// The sections for an appeal panel, after the letter on a page of their own: each reason with
/// the policy's words, the figures compared, a what-if, how the distances were measured, what
/// would change the decision and the data it used.
fn panel(s: &mut String, r: &Report) {
    let d = &r.decided.decision;
    let _ = writeln!(
        s,
        "<section class=\"r-panel\">\n<h1>For an appeal panel: application {}</h1>\n<p \
         class=\"r-meta\">{}, {} ({}). The letter above is what the family receives; what follows \
         gives the decision in full.</p>",
        esc(&d.id),
        esc(&r.policy.meta.council),
        esc(&r.policy.meta.name),
        esc(&r.policy.meta.academic_year)
    );
    outcome_block(s, r.policy, d);
    reasons(s, r.policy, d);
    figures(s, r.policy, &r.decided);
    if let Some(w) = &r.what_if {
        s.push_str("<section class=\"r-what-if\">\n");
        let _ = writeln!(
            s,
            "<h2>What if {}?</h2>\n<p class=\"r-whatif-banner\">This part answers a panel's \
             question. It is <strong>not</strong> the decision: it re-decides the same application \
             as if {}.</p>",
            esc(&w.label),
            esc(&w.label)
        );
        outcome_block(s, r.policy, &w.decision);
        comparison(s, &r.decided, w);
        warnings(s, &w.decision);
        reasons(s, r.policy, &w.decision);
        map_section(
            s,
            w,
            "whatif-",
            &format!(
                "{} The route as decided is drawn dashed grey for comparison.",
                map_caption(w)
            ),
        );
        s.push_str("</section>\n");
    }
    method_statement(s, r);
    would_change(s, r);
    provenance(s, r);
    s.push_str("</section>\n");
}
