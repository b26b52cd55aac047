//! What would change a decision (`check --explain`, and the report's panel section): the pure
//! changes of fact (`decide::would_change`), and those that need the area loaded again: each
//! route safety audit that kept the walk from a shorter route set aside, each of the longest
//! roads of a walk refused as too short assessed unsafe, the entrance it reaches closed (the walk
//! then measured to the next), and the network of the next admission cycle.

use anyhow::Result;

use super::sources::{load, Loaded};
use crate::appeal::record::measured_routes;
use crate::cli::Sources;
use crate::decide::would_change::{fact_changes, shortfall, Change, Explanation};
use crate::decide::{decide, Case, Decision};

/// The decision again with one fact changed at a time; for each route safety audit that kept
/// the walk from a shorter route, the area loaded again with that audit ignored.
pub fn explain(
    sources: &Sources,
    loaded: &Loaded,
    case: &Case,
    d: &Decision,
) -> Result<Explanation> {
    let (policy, area) = (&loaded.policy.policy, &loaded.area.area);
    let mut changes = fact_changes(policy, area, case, &loaded.settings, d);
    let routes = measured_routes(area, &policy.walk_start.rule(), case, d);
    // Stretches marked unsafe without an audit reference ("edge X") have no audit to set aside.
    let avoided: Vec<String> = routes
        .iter()
        .flat_map(|r| r.audits_avoided.iter().cloned())
        .filter(|a| !a.starts_with("edge "))
        .collect();
    for audit in avoided {
        let mut s = sources.clone();
        s.ignore_audit.push(audit.clone());
        // An audit the what-if cannot set aside is left out of the list, said on stderr.
        let again = match decided_with(&s, case) {
            Ok(again) => again,
            Err(e) => {
                crate::note!("note: what would change: audit {audit} not set aside: {e:#}");
                continue;
            }
        };
        changes.push(Change::of(
            d,
            format!(
                "if route safety audit {audit} were set aside (its stretches assessed safe to \
                 walk, clause {})",
                policy.unavailable_route.cite.clause
            ),
            &again,
        ));
    }
    // A walk refused as too short would be longer were a road it follows assessed unsafe
    // (clause 1.5.4): each of the longest few roads and paths of the walk, alone.
    // Only a walking limit the walk fell short of ("at least", "more than") can be met by a
    // longer walk.
    let short_walk = d
        .threshold
        .as_ref()
        .is_some_and(|t| t.limits.iter().any(|l| l.starts_with("walking route >")));
    if d.outcome == crate::decide::Outcome::NotEligible && shortfall(d).is_some() && short_walk {
        if let Some(walk) = routes.iter().find(|r| r.mode == crate::network::Mode::Walk) {
            let stretches = area.network().named_stretches(&walk.edge_ids);
            for (name, ids, metres) in stretches.into_iter().take(UNSAFE_STRETCHES_TRIED) {
                let mut s = sources.clone();
                s.mark_unsafe.extend(ids);
                let again = match decided_with(&s, case) {
                    Ok(again) => again,
                    Err(e) => {
                        crate::note!("note: what would change: a road not marked unsafe: {e:#}");
                        continue;
                    }
                };
                // The home's or the school's own road, unsafe, can leave no walk to measure at
                // all: that is no answer to "would a longer walk change it".
                if again.outcome == crate::decide::Outcome::Error {
                    continue;
                }
                changes.push(Change::of(
                    d,
                    format!(
                        "if {name} ({:.0} m of the walk) were assessed unsafe to walk (clause {})",
                        metres, policy.unavailable_route.cite.clause
                    ),
                    &again,
                ));
            }
        }
    }
    // Another entrance: the walk measured to the school's next nearest open entrance, were the
    // one it reaches closed (clause 1.1.1: "the nearest available entrance").
    if let (Some(school), Some(entrance)) = (&d.school, &d.distances.walking_entrance) {
        let others = area
            .gates(school.urn)
            .iter()
            .filter(|g| g.open && g.name != *entrance)
            .count();
        if d.outcome == crate::decide::Outcome::NotEligible && short_walk && others > 0 {
            let mut s = sources.clone();
            s.closed_entrances.push((school.urn.0, entrance.clone()));
            match decided_with(&s, case) {
                Ok(again) if again.outcome != crate::decide::Outcome::Error => {
                    changes.push(Change::of(
                        d,
                        format!(
                            "if {entrance} were closed, the walk measured to the school's next \
                             nearest open entrance{}",
                            match (&again.distances.walking_entrance, again.distances.walking_m) {
                                (Some(e), Some(m)) => format!(
                                    " ({e}, {} miles)",
                                    crate::units::Metres(m).miles_3dp()
                                ),
                                _ => String::new(),
                            }
                        ),
                        &again,
                    ));
                }
                Ok(_) => {}
                Err(e) => crate::note!("note: what would change: no other entrance tried: {e:#}"),
            }
        }
    }
    // The network of the next admission cycle (clause 1.5.3): paths opened since would count.
    if let Some(next) = loaded
        .area
        .as_of
        .and_then(|d| d.checked_add_months(chrono::Months::new(12)))
    {
        let mut s = sources.clone();
        s.as_of = Some(next.to_string());
        // (The area loads on any date: edges are chosen by date, never refused for it.)
        let again = decided_with(&s, case)?;
        changes.push(Change::of(
            d,
            format!(
                "if measured on the network as it was on {next}, a year later (clause {})",
                policy.network_date.cite.clause
            ),
            &again,
        ));
    }
    Ok(Explanation {
        shortfall: shortfall(d),
        changes,
    })
}

/// How many of the walk's roads and paths (the longest) are each tried as assessed unsafe: each
/// loads the area again, and the longest are those a detour round would lengthen the walk most.
const UNSAFE_STRETCHES_TRIED: usize = 3;

/// The case decided on the policy and area `sources` name (a what-if, another date).
fn decided_with(sources: &Sources, case: &Case) -> Result<Decision> {
    let other = load(sources)?;
    Ok(decide(
        &other.policy.policy,
        &other.area.area,
        case,
        &other.settings,
    ))
}
