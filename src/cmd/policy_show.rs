//! `schoolrun policy show`: every parameter of a policy with its clause, as text an officer reads
//! or as JSON.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::cli::Format;
use crate::io::policy_files::load_policy;
use crate::policy::{Policy, Rule};
use crate::units::Metres;

use super::output::print;
use super::Exit;

/// The name a value has in the policy TOML (e.g. `free_school_meals`), for display.
fn name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Names of several values, comma separated.
fn names<T: serde::Serialize>(vs: &[T]) -> String {
    vs.iter().map(name).collect::<Vec<_>>().join(", ")
}

/// One line (or a few) for each circumstance rule form (clauses 1.1.8-1.1.13, 1.1.16, 1.5,
/// 4.1-4.3; Post-16 sections 2 and 5).
fn describe_circumstance(s: &mut String, r: &Rule) {
    let findings = |fs: &[&crate::policy::Finding]| {
        fs.iter()
            .map(|f| name(&f.field))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let line = match r {
        Rule::SplitResidency(x) => format!(
            "rule {} [{}]: split residency decided from nominated_address, else gp_address",
            x.id, x.cite.clause
        ),
        Rule::Bar(x) => format!(
            "rule {} [{}]: {}: not eligible (basis {})",
            x.id,
            x.cite.clause,
            name(&x.when),
            x.basis.as_str()
        ),
        Rule::Note(x) => format!(
            "rule {} [{}]: {}: note for the officer",
            x.id,
            x.cite.clause,
            name(&x.when)
        ),
        Rule::TemporaryHousing(x) => format!(
            "rule {} [{}]: at most {} school term(s) (term of re-housing counted: {}); records {}; \
             age/distance of {}",
            x.id,
            x.cite.clause,
            x.max_terms,
            x.count_term_of_rehousing,
            findings(&[&x.reason, &x.original_place]),
            x.age_distance
        ),
        Rule::ChangingSchool(x) => format!(
            "rule {} [{}]: to a {} school on the usual rules, else records {}; age/distance of {}",
            x.id,
            x.cite.clause,
            name(&x.schools),
            name(&x.supported.field),
            x.age_distance
        ),
        Rule::MovingHouse(x) => format!(
            "rule {} [{}]: remaining after a move: {} if a nearer school has places, else \
             age/distance of {}",
            x.id,
            x.cite.clause,
            x.preference_basis.as_str(),
            x.age_distance
        ),
        Rule::Year11Move(x) => format!(
            "rule {} [{}]: {}: remaining after a move; records {}",
            x.id,
            x.cite.clause,
            x.years,
            findings(&x.requires.iter().collect::<Vec<_>>())
        ),
        Rule::Placement(x) => format!(
            "rule {} [{}]: when {}{}: school {}; age/distance of {}",
            x.id,
            x.cite.clause,
            names(&x.when),
            if x.unless.is_empty() {
                String::new()
            } else {
                format!(" unless {}", names(&x.unless))
            },
            name(&x.school),
            x.age_distance.as_deref().unwrap_or("none")
        ),
        Rule::Transitional(x) => format!(
            "rule {} [{}]: {} years after the {}{}",
            x.id,
            x.cite.clause,
            x.years,
            name(&x.starts),
            x.minimum_distance
                .as_ref()
                .map(|m| format!(
                    "; walking route {} the recorded minimum distance",
                    m.comparison.symbol()
                ))
                .unwrap_or_default()
        ),
        Rule::Post16Send(x) => format!(
            "rule {} [{}]: {}: criteria of {}; records {}; contribution {} ({}% off for low \
             income or a dis-applied distance); apply by {:02}-{:02}",
            x.id,
            x.cite.clause,
            x.years,
            x.criteria_of,
            findings(&[&x.assessment, &x.disapplied]),
            x.contribution_gbp.0.display_gbp(),
            x.reduction_percent.0,
            x.deadline.day,
            x.deadline.month
        ),
        Rule::Post19(x) => format!(
            "rule {} [{}]: {}: aged {}-{} on {:02}-{:02} with an EHCP; records {}: free",
            x.id,
            x.cite.clause,
            x.years,
            x.from_age,
            x.to_age,
            x.on_day,
            x.on_month,
            name(&x.necessity.field)
        ),
        _ => return,
    };
    let _ = writeln!(s, "{line}");
}

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
        "[{}] suitable schools: age range covers the year group; single-sex respected: {}; excluded establishment types containing: {}",
        su.cite.clause,
        su.respect_single_sex,
        su.exclude_establishment_types_containing.join(", ")
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
    let ur = &p.unavailable_route;
    let _ = writeln!(
        s,
        "[{}] no available walking route counts as beyond every walking limit: {}",
        ur.cite.clause, ur.beyond_every_walking_limit
    );
    let _ = writeln!(
        s,
        "[{}] parental preference: not eligible when no rule accepts the school; a preference \
         school for surplus seat priority is one not accepted by {}",
        p.parental_preference.cite.clause,
        p.parental_preference.accepted_by.join(", ")
    );
    for r in &p.rules {
        let _ = writeln!(s);
        match r {
            Rule::NotProvided(n) => {
                let _ = writeln!(
                    s,
                    "rule {} [{}]: no transport for {} (basis {})",
                    n.id,
                    n.cite.clause,
                    n.years,
                    n.basis.as_str()
                );
            }
            Rule::Distance(d) => {
                let req: Vec<String> = d.requires.iter().map(name).collect();
                let _ = writeln!(
                    s,
                    "rule {} [{}]: basis {}{}",
                    d.id,
                    d.cite.clause,
                    d.basis.as_str(),
                    if req.is_empty() {
                        String::new()
                    } else {
                        format!(", requires {}", req.join(" and "))
                    }
                );
                for b in &d.bands {
                    let limits: Vec<String> = b
                        .limits
                        .iter()
                        .map(|l| format!("{} ({} m)", l.describe(), Metres::from_miles(l.miles).0))
                        .collect();
                    let _ = writeln!(
                        s,
                        "  [{}] {}: school {}{}; {}",
                        b.cite.clause,
                        b.years,
                        name(&b.schools),
                        b.count.map(|c| format!(" (count {c})")).unwrap_or_default(),
                        limits.join(" and ")
                    );
                }
            }
            Rule::Referral(r) => {
                let _ = writeln!(
                    s,
                    "rule {} [{}]: {} with {}{}: refer; evidence: {}",
                    r.id,
                    r.cite.clause,
                    r.years,
                    name(&r.when),
                    r.schools
                        .map(|x| format!(" at a {} school", name(&x)))
                        .unwrap_or_default(),
                    r.evidence
                );
            }
            Rule::Post16(r) => {
                let _ = writeln!(
                    s,
                    "rule {} [{}]: {}: {}% reduction (not on {})",
                    r.id,
                    r.cite.clause,
                    r.years,
                    r.reduction_percent.0,
                    names(&r.not_on_operator_models)
                );
                let _ = writeln!(s, "  resident: {}", r.resident.quote);
                let _ = writeln!(
                    s,
                    "  age: under {} on {:02}-{:02} before the year, or up to {} with an EHCP",
                    r.age.under, r.age.on_day, r.age.on_month, r.age.with_ehcp_up_to
                );
                let _ = writeln!(s, "  distance: {}", r.distance.describe());
                let _ = writeln!(
                    s,
                    "  full time: at least {} hours over at least {} days a week",
                    r.full_time.min_hours, r.full_time.min_days
                );
                let _ = writeln!(
                    s,
                    "  low income, or medical circumstance at the nearest school or college"
                );
            }
            // Clauses 1.1.8-1.1.13, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2 and 5.
            other => describe_circumstance(&mut s, other),
        }
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
