//! `schoolrun policy show`: every parameter of a policy with its clause, as text an officer reads
//! or as JSON.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::cli::Format;
use crate::decide::rules::toml_names as names;
use crate::decide::Policy;
use crate::io::policy_files::load_policy;

use super::output::print;
use super::Exit;

/// Renders every parameter of the policy with its clause.
pub fn describe(p: &Policy) -> String {
    let mut s = String::new();
    let m = &p.meta;
    let _ = writeln!(
        s,
        "{} ({}), {}; from {}",
        m.name, m.academic_year, m.council, m.starts
    );
    let _ = writeln!(s, "source: {}", m.source);
    let _ = writeln!(
        s,
        "\n[{}] rules are tried in this order: {}",
        p.decision.cite.clause,
        p.decision.order.join(", ")
    );
    let su = &p.suitable_schools;
    let _ = writeln!(
        s,
        "[{}] suitable schools: age range covers the year group; single-sex respected: {}; excluded establishment types containing: {}{}",
        su.cite.clause,
        su.respect_single_sex,
        su.exclude_establishment_types_containing.join(", "),
        if su.selective_needs_qualification {
            "; selective schools only for a child recorded as qualifying (selective_qualified)"
        } else {
            ""
        }
    );
    let li = &p.low_income;
    let _ = writeln!(
        s,
        "[{}] low income: any of {} (Universal Credit: clause {})",
        li.cite.clause,
        names(&li.qualifying),
        li.universal_credit_clause
    );
    let rb = &p.religion_or_belief;
    let _ = writeln!(
        s,
        "[{}] religion or belief: {} pieces of evidence required",
        rb.cite.clause, rb.evidence_required
    );
    let ws = &p.walk_start;
    let _ = writeln!(
        s,
        "[{}] walks start {}; a second road within {} m makes the access point ambiguous",
        ws.cite.clause,
        match ws.at {
            crate::area::StartAt::AdoptedRoad => "where the property meets the adopted road",
            crate::area::StartAt::NearestPath => "on the nearest path of any kind",
        },
        ws.ambiguous_within_m
    );
    let ur = &p.unavailable_route;
    let _ = writeln!(
        s,
        "[{}] no available walking route counts as beyond every walking limit: {}",
        ur.cite.clause, ur.beyond_every_walking_limit
    );
    let _ = writeln!(
        s,
        "[{}] parental preference: not eligible when no rule accepts the school; a preference \
         school for surplus seat priority is one not accepted by {}{}",
        p.parental_preference.cite.clause,
        p.parental_preference.accepted_by.join(", "),
        p.parental_preference
            .eligible_only
            .as_ref()
            .map(|e| format!(
                ", nor [{}] one the child is eligible to under {}",
                e.cite.clause,
                e.rules.join(", ")
            ))
            .unwrap_or_default()
    );
    for r in &p.rules {
        let _ = writeln!(s);
        r.describe(&mut s);
    }
    let ss = &p.surplus_seat;
    let _ = writeln!(
        s,
        "\n[{}] surplus seat charge {} on {}",
        ss.cite.clause,
        ss.charge_gbp.0.display_gbp(),
        names(&ss.council_charged)
    );
    let _ = writeln!(
        s,
        "[{}] operator-priced on {}",
        ss.operator_priced_clause,
        names(&ss.operator_priced)
    );
    let _ = writeln!(
        s,
        "[{}] no surplus seats on {}",
        ss.unavailable_clause,
        names(&ss.unavailable)
    );
    let _ = writeln!(
        s,
        "[{}] priority (not on {}):",
        ss.priority_clause,
        names(&ss.no_priority_on)
    );
    for pr in &ss.priorities {
        let _ = writeln!(
            s,
            "  {} [{}] any of [{}]; all of [{}]",
            pr.rank,
            pr.cite.clause,
            names(&pr.any_of),
            names(&pr.all_of)
        );
    }
    let _ = writeln!(
        s,
        "  tie-break [{}]: furthest walking distance first",
        ss.tie_break.clause
    );
    if let Some(e) = &p.ehcp_provision {
        let _ = writeln!(
            s,
            "[{}] EHCP: special schools (types containing {}) only for children with an EHCP, at the closest appropriate one",
            e.cite.clause,
            e.special_types_containing.join(", ")
        );
    }
    for a in &p.area_rules {
        let _ = writeln!(s, "{}", a.describe());
    }
    if let Some(ps) = &ss.psvar {
        let _ = writeln!(
            s,
            "[{}] PSVAR enforced on paying passengers: {} (no seat on non-compliant vehicles when enforced)",
            ps.cite.clause, ps.enforced
        );
    }
    describe_follow_ups(&mut s, &p.follow_up);
    if let Some(sc) = &p.surplus_seat_scheme {
        let _ = writeln!(
            s,
            "[{}] surplus seats: applied for as [{}] says (quoted in reports)",
            sc.cite.clause, sc.application.clause
        );
    }
    if let Some(a) = &p.appeal {
        let _ = writeln!(
            s,
            "\n[{}] appeals: {} grounds; stage 1 within {} days [{}], stage 2 within {} days [{}] \
             (quoted in reports)",
            a.cite.clause,
            a.grounds.len(),
            a.stage1.days,
            a.stage1.cite.clause,
            a.stage2.days,
            a.stage2.cite.clause
        );
    }
    s
}

/// Clauses 1.1.14, 1.5.1, 1.5.2, 2.1, 2.3, 2.4, 5.2: what follows from a decision.
fn describe_follow_ups(s: &mut String, f: &crate::policy::FollowUps) {
    let _ = writeln!(s, "\nwhat follows from a decision:");
    if let Some(r) = &f.fuel_contribution {
        let _ = writeln!(
            s,
            "[{}] fuel contribution ({}): {}p a mile on the shortest driven route x {} per return journey",
            r.cite.clause, r.years, r.pence_per_mile, r.legs_per_return_journey
        );
    }
    if let Some(r) = &f.pickup_point {
        for b in &r.bands {
            let _ = writeln!(
                s,
                "[{}] transport to the pick-up point ({}): {}",
                r.cite.clause,
                b.years,
                b.walking.describe()
            );
        }
    }
    if let Some(r) = &f.journey_time {
        for b in &r.bands {
            let _ = writeln!(
                s,
                "[{}] journey time ({}): journey {} {} minutes each way",
                r.cite.clause,
                b.years,
                b.comparison.symbol(),
                b.max_minutes
            );
        }
    }
    if let Some(r) = &f.adult_pass {
        let kinds: Vec<&str> = r.transport.iter().map(|t| t.as_str()).collect();
        let _ = writeln!(
            s,
            "[{}] adult pass ({}) on {}",
            r.cite.clause,
            r.years,
            kinds.join(", ")
        );
    }
    if let Some(r) = &f.appeal {
        let _ = writeln!(
            s,
            "[{}] appeal: review result within {} days; residents only: {}; {} per journey per year",
            r.cite.clause, r.review_days, r.residents_only, r.per_journey_per_year
        );
    }
    if let Some(r) = &f.withdrawal_after_error {
        let _ = writeln!(
            s,
            "[{}] approved in error: {} to the end of the academic year; not started: at once; else the end of the half-term",
            r.cite.clause, r.end_of_year_for
        );
    }
    if let Some(r) = &f.liability {
        let _ = writeln!(
            s,
            "[{}] liable from {} days after the earliest of authorisation, appeal hearing, safety audit",
            r.cite.clause, r.days_after
        );
    }
    if let Some(r) = &f.lost_pass {
        let _ = writeln!(
            s,
            "[{}] lost pass: {} the first time, {} after",
            r.cite.clause,
            r.first_gbp.0.display_gbp(),
            r.later_gbp.0.display_gbp()
        );
    }
    if let Some(r) = &f.exceptional_cost {
        let _ = writeln!(
            s,
            "[{}] exceptional support: cost {} {} a day",
            r.cite.clause,
            r.comparison.symbol(),
            r.max_gbp_per_day.0.display_gbp()
        );
    }
}

/// Runs `policy show`.
pub fn show(path: &Path, format: Format) -> Result<Exit> {
    let lp = load_policy(path)?;
    match format {
        Format::Text => {
            let mut s = describe(&lp.policy);
            s.push_str("\nfiles:\n");
            for f in &lp.files {
                let _ = writeln!(s, "  {}  sha256 {}", f.path, f.sha256);
            }
            print(s)?;
        }
        Format::Json => {
            let v = serde_json::json!({ "policy": lp.policy, "files": lp.files });
            print(serde_json::to_string_pretty(&v)? + "\n")?;
        }
    }
    Ok(Exit::Success)
}
