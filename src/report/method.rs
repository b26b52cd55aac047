//! "How this distance was measured": the method statement every report carries, generated
//! from the policy and the area actually used and from the decision's own measurements, never
//! fixed text. Ombudsman findings against councils keep returning to a measurement method that
//! was not explained to the family; this says, point by point and with the clause for each,
//! which network (and its date) was measured on, where the walk started and ended and why,
//! what counts as walkable, which stretches were disregarded as unsafe, how "nearest" and the
//! driven limits are measured, and how miles are compared.

use super::map::{MapData, RouteRole};
use super::words::{comparison as comparison_words, miles as miles_words};
use crate::decide::{Decision, Policy};
use crate::provenance::Origin;
use crate::units::METRES_PER_MILE;

/// One point of the statement.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Point {
    /// What the point is about, e.g. "The network".
    pub topic: &'static str,
    /// The point in plain English.
    pub text: String,
    /// The policy clause it follows, when one says so.
    pub clause: Option<String>,
}

/// A distance limit the policy's eligibility rules set, found anywhere in them: the clause it
/// comes under, what it is measured on (`walking`, `driven`, `straight_line`), the comparison and the miles.
fn limits(policy: &Policy) -> Vec<(String, String, String, f64)> {
    fn walk(
        v: &serde_json::Value,
        clause: Option<&str>,
        out: &mut Vec<(String, String, String, f64)>,
    ) {
        match v {
            serde_json::Value::Object(m) => {
                // A band's clause may sit in its own `cite` table.
                let clause = m
                    .get("clause")
                    .or_else(|| m.get("cite").and_then(|c| c.get("clause")))
                    .and_then(|c| c.as_str())
                    .or(clause);
                if let (Some(c), Some(measure), Some(cmp), Some(miles)) = (
                    clause,
                    m.get("measure").and_then(|x| x.as_str()),
                    m.get("comparison").and_then(|x| x.as_str()),
                    m.get("miles").and_then(|x| x.as_f64()),
                ) {
                    let l = (c.to_string(), measure.to_string(), cmp.to_string(), miles);
                    if !out.contains(&l) {
                        out.push(l);
                    }
                }
                for x in m.values() {
                    walk(x, clause, out);
                }
            }
            serde_json::Value::Array(a) => {
                for x in a {
                    walk(x, clause, out);
                }
            }
            _ => {}
        }
    }
    // The eligibility rules' limits only: others (the distance to a pick-up point, say) are
    // not measured to the school.
    let mut out = Vec::new();
    if let Ok(v) = serde_json::to_value(policy) {
        walk(&v["rules"], None, &mut out);
    }
    out
}

/// The limits measured on `measure`, in words with their clauses: "at least 3 miles (clause
/// 1.1.1)".
fn limits_on(all: &[(String, String, String, f64)], measure: &str) -> Vec<String> {
    all.iter()
        .filter(|(_, m, _, _)| m == measure)
        .map(|(c, _, cmp, mi)| {
            format!(
                "{} {} (clause {c})",
                comparison_words(cmp).unwrap_or("compared with"),
                miles_words(*mi)
            )
        })
        .collect()
}

/// Joins phrases as a list in a sentence: "a", "a and b", "a, b and c".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The method statement for one decision.
pub fn statement(policy: &Policy, d: &Decision, origin: &Origin, map: &MapData) -> Vec<Point> {
    let mut out = Vec::new();
    let date = origin
        .network_as_of
        .as_deref()
        .map_or("as supplied, with no date applied".to_string(), |d| {
            format!("as it was on {}", super::words::date(d))
        });
    out.push(Point {
        topic: "The network",
        text: format!(
            "Routes were measured on the map of paths and roads of {} {date}: paths or roads \
             added after that date are not taken into account.",
            origin.area_name
        ),
        clause: Some(policy.network_date.cite.clause.clone()),
    });
    if let Some(ws) = &d.distances.walk_start {
        out.push(Point {
            topic: "Where the walk starts",
            text: format!("The walk is measured {}.", ws.describe()),
            // The description names the clause.
            clause: None,
        });
    }
    if let Some(entrance) = &d.distances.walking_entrance {
        // A school with no entrance recorded is measured to its site point (see `area`).
        let text = if entrance.starts_with("site reference point") {
            "No entrance is recorded for this school, so the walk ends at the school's site \
             point, as the schools list gives it."
                .to_string()
        } else {
            format!(
                "The walk ends at the school's nearest available entrance, {entrance}: of the \
                 school's open entrances, the one the shortest walk reaches."
            )
        };
        out.push(Point {
            topic: "Where the walk ends",
            text,
            clause: Some(policy.walk_start.cite.clause.clone()),
        });
    }
    out.push(Point {
        topic: "What can be walked",
        text: "Walking routes follow every way the map marks as walkable, in either direction: \
               one-way streets bind drivers only."
            .into(),
        clause: None,
    });
    let audits = if origin.audits.is_empty() {
        String::new()
    } else {
        format!(" (route safety audits applied: {})", listed(&origin.audits))
    };
    let disregarded = map
        .routes
        .iter()
        .find(|r| r.role == RouteRole::Disregarded)
        .map(|r| r.length_mi.clone());
    let unsafe_text = match (map.audits_avoided.is_empty(), disregarded) {
        _ if d.distances.no_available_walking_route => format!(
            "Stretches the map or a route safety audit marks as unsafe to walk with an adult are \
             left out of walking routes{audits}; no available walking route was found from the \
             home to the school."
        ),
        _ if d.distances.walking_m.is_none() => format!(
            "Stretches the map or a route safety audit marks as unsafe to walk with an adult are \
             left out of walking routes{audits}; no walk was measured for this decision."
        ),
        (true, _) => format!(
            "Stretches the map or a route safety audit marks as unsafe to walk with an adult are \
             left out of walking routes{audits}; none of them lies on the shortest walk here."
        ),
        (false, shorter) => format!(
            "Stretches the map or a route safety audit marks as unsafe to walk with an adult are \
             left out of walking routes{audits}. The shortest walk would otherwise have gone over \
             {}{}; the walk measured goes round them.",
            listed(&map.audits_avoided),
            shorter
                .map(|mi| format!(" and been {mi} miles"))
                .unwrap_or_default()
        ),
    };
    out.push(Point {
        topic: "Unsafe stretches",
        text: unsafe_text,
        clause: Some(policy.unavailable_route.cite.clause.clone()),
    });
    let all = limits(policy);
    let walking = limits_on(&all, "walking");
    if !walking.is_empty() {
        out.push(Point {
            topic: "Walking distances",
            text: format!(
                "The walking limits, {}, are measured along the shortest available walking \
                 route.",
                listed(&walking)
            ),
            clause: None,
        });
    }
    let driven = limits_on(&all, "driven");
    if !driven.is_empty() {
        out.push(Point {
            topic: "Driven distances",
            text: format!(
                "The driving limits, {}, are measured along the shortest route a car may \
                 drive, keeping to one-way streets.",
                listed(&driven)
            ),
            clause: None,
        });
    }
    let straight = limits_on(&all, "straight_line");
    out.push(Point {
        topic: "Which school is nearest",
        text: if straight.is_empty() {
            "Which suitable school is nearest is judged by the straight line between the home \
             and each school's site."
                .into()
        } else {
            format!(
                "Which suitable school is nearest is judged by the straight line between the \
                 home and each school's site; so are the limits {}.",
                listed(&straight)
            )
        },
        clause: None,
    });
    out.push(Point {
        topic: "Miles",
        text: format!(
            "Distances are measured in metres and compared with the policy's limits in miles \
             at 1 mile = {} metres. Nothing is rounded before it is compared.",
            format!("{METRES_PER_MILE}").replace("1609", "1,609")
        ),
        clause: None,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_limits_and_lists() {
        assert_eq!(miles_words(3.0), "3 miles");
        assert_eq!(miles_words(0.75), "0.75 miles");
        assert_eq!(miles_words(1.0), "1 mile");
        assert_eq!(comparison_words(">="), Some("at least"));
        assert_eq!(comparison_words("<"), Some("less than"));
        let l = |v: &[&str]| listed(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&[]), "");
        assert_eq!(l(&["a"]), "a");
        assert_eq!(l(&["a", "b"]), "a and b");
        assert_eq!(l(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn the_policys_limits_are_found_with_their_clauses() {
        let p = crate::io::policy_files::load_policy(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/policy/2022-23"
        )))
        .expect("the policy loads")
        .policy;
        let all = limits(&p);
        let walking = limits_on(&all, "walking");
        assert_eq!(
            walking,
            [
                "at least 2 miles (clause 1.1.1(i))",
                "at least 3 miles (clause 1.1.1(ii))",
                "more than 2 miles (clause 1.1.4 (Years 5 and 6))",
                "more than 2 miles (clause 1.1.4 (Years 7 to 11))",
                "at least 2 miles (clause 1.1.15)",
                "more than 3 miles (clause Post-16 3)"
            ]
        );
        let driven = limits_on(&all, "driven");
        assert_eq!(
            driven,
            [
                "less than 6 miles (clause 1.1.4 (Years 7 to 11))",
                "no more than 15 miles (clause 1.1.15)"
            ]
        );
    }
}
