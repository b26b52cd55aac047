//! What follows from a decision, as its letter states it, without changing the outcome (clauses
//! 1.1.14 with 1.5.2, 1.5.1, 1.5.2, 2.1, 2.3, 2.4 and 5.2): the fuel contribution for the driven
//! route, transport to a distant pick-up point, adult passes, the appeal deadlines, when support
//! approved in error ends, when the council's liability starts, the lost pass charge and the
//! daily cost limit of exceptional support. Each is stated only when the policy has the entry and
//! the case gives the facts it needs. Pure: no I/O.

use chrono::{Datelike, Days, NaiveDate};

use crate::network::Mode;
use crate::policy::FollowUps;
use crate::units::{Metres, Pence};

use super::context::Ctx;
use super::decision::{Decision, FollowUp, Outcome};

/// The follow-ups of decision `d`, in a fixed order.
pub fn follow_ups(ctx: &Ctx, d: &Decision) -> Vec<FollowUp> {
    let f = &ctx.policy.follow_up;
    let mut out = Vec::new();
    if d.outcome.supported() {
        fuel(ctx, f, d, &mut out);
        pickup(ctx, f, &mut out);
        journey_time(ctx, f, &mut out);
        adult_pass(ctx, f, &mut out);
    }
    if d.outcome == Outcome::NotEligible {
        appeal(ctx, f, &mut out);
    }
    withdrawal(ctx, f, &mut out);
    liability(ctx, f, &mut out);
    lost_pass(ctx, f, &mut out);
    exceptional_cost(ctx, f, &mut out);
    out
}

fn item(
    topic: &str,
    clause: &str,
    value: String,
    text: String,
    figures: Option<String>,
) -> FollowUp {
    FollowUp {
        topic: topic.to_string(),
        clause: clause.to_string(),
        value,
        text,
        figures,
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// The comparison as written when it holds, else its negation (figures read "46 min > 45 min").
fn symbol(c: crate::policy::Comparison, holds: bool) -> &'static str {
    if holds {
        c.symbol()
    } else {
        c.negated_symbol()
    }
}

fn plus_days(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// Clause 2.1: pence per mile on the shortest driven route, for each return journey.
fn fuel(ctx: &Ctx, f: &FollowUps, d: &Decision, out: &mut Vec<FollowUp>) {
    let (Some(rule), Some(m)) = (&f.fuel_contribution, d.distances.driven_m) else {
        return;
    };
    if !rule.years.contains(ctx.case.year_group) {
        return;
    }
    let miles = Metres(m).miles();
    let computed = miles * f64::from(rule.legs_per_return_journey) * f64::from(rule.pence_per_mile);
    // The rate and legs are bounded when the policy is read, so only a nonsense distance can
    // overflow; say so rather than state a saturated amount.
    let Ok(pence) = Pence::from_f64_rounded(computed) else {
        out.push(item(
            "fuel_contribution_pence",
            &rule.cite.clause,
            "unknown".into(),
            "The fuel contribution cannot be worked out: the amount is too large to hold; an \
             officer must check the driven route."
                .into(),
            Some(format!(
                "driven route {} mi x {} x {}p a mile",
                Metres(m).miles_3dp(),
                rule.legs_per_return_journey,
                rule.pence_per_mile
            )),
        ));
        return;
    };
    out.push(item(
        "fuel_contribution_pence",
        &rule.cite.clause,
        pence.0.to_string(),
        format!(
            "If a fuel contribution is the cost-effective way to support the journey, it is paid \
             for the shortest available driven route only: {} per return journey.",
            pence.display_gbp()
        ),
        Some(format!(
            "driven route {} mi x {} x {}p a mile = {}",
            Metres(m).miles_3dp(),
            rule.legs_per_return_journey,
            rule.pence_per_mile,
            pence.display_gbp()
        )),
    ));
}

/// Clause 2.3: transport to the pick-up point when the walk to it is over the limit for the age.
fn pickup(ctx: &Ctx, f: &FollowUps, out: &mut Vec<FollowUp>) {
    let (Some(rule), Some(point)) = (&f.pickup_point, ctx.case.follow_up.pickup_point) else {
        return;
    };
    let Some(band) = rule
        .bands
        .iter()
        .find(|b| b.years.contains(ctx.case.year_group))
    else {
        return;
    };
    let net = ctx.area.network();
    let walk = ctx.home_snap(Mode::Walk).ok().and_then(|home| {
        let stop = net.snap(Mode::Walk, point, ctx.area.max_snap_m()).ok()?;
        Some(net.baseline_distance(Mode::Walk, home, &[stop]))
    });
    let limit = &band.walking;
    let (value, text, figures) = match walk {
        None => (
            "unknown".to_string(),
            "The walk to the pick-up point could not be measured: the home or the pick-up point \
             is off the walking network."
                .to_string(),
            None,
        ),
        Some(None) => (
            "yes".to_string(),
            "There is no available walking route to the pick-up point: transport to and from it \
             may be arranged."
                .to_string(),
            None,
        ),
        Some(Some(m)) => {
            let over = limit.comparison.holds(m, limit.metres.0);
            let symbol = symbol(limit.comparison, over);
            (
                yes_no(over),
                if over {
                    format!(
                        "The nearest pick-up point is over the limit for {}: transport to and \
                         from it may be arranged.",
                        ctx.case.year_group
                    )
                } else {
                    format!(
                        "The nearest pick-up point is within the limit for {}: the child is \
                         expected to walk to it, accompanied as needed.",
                        ctx.case.year_group
                    )
                },
                Some(format!(
                    "walking route {} mi {symbol} {} mi, clause {}",
                    Metres(m).miles_3dp(),
                    limit.miles,
                    rule.cite.clause
                )),
            )
        }
    };
    out.push(item(
        "pickup_transport",
        &rule.cite.clause,
        value,
        text,
        figures,
    ));
}

/// Clause 2.2: whether the planned journey is within the maximum for the child's phase.
fn journey_time(ctx: &Ctx, f: &FollowUps, out: &mut Vec<FollowUp>) {
    let (Some(rule), Some(minutes)) = (&f.journey_time, ctx.case.follow_up.journey_minutes) else {
        return;
    };
    let Some(band) = rule
        .bands
        .iter()
        .find(|b| b.years.contains(ctx.case.year_group))
    else {
        return;
    };
    let within = band
        .comparison
        .holds(f64::from(minutes), f64::from(band.max_minutes));
    out.push(item(
        "journey_within_limit",
        &rule.cite.clause,
        yes_no(within),
        if within {
            format!(
                "The planned journey is within the maximum for {} each way.",
                band.years
            )
        } else {
            format!(
                "The planned journey is longer than the maximum for {} each way: other \
                 arrangements are needed.",
                band.years
            )
        },
        Some(format!(
            "journey {minutes} min {} {} min each way, clause {}",
            symbol(band.comparison, within),
            band.max_minutes,
            rule.cite.clause
        )),
    ));
}

/// Clause 2.4: a bus pass for an accompanying adult, primary children on public buses only.
fn adult_pass(ctx: &Ctx, f: &FollowUps, out: &mut Vec<FollowUp>) {
    let (Some(rule), Some(t)) = (&f.adult_pass, ctx.case.follow_up.transport_type) else {
        return;
    };
    let in_years = rule.years.contains(ctx.case.year_group);
    let on_transport = rule.transport.contains(&t);
    let text = match (in_years, on_transport) {
        (true, true) => format!(
            "A bus pass may be made available for an adult accompanying the child ({}) on the \
             local public bus service, for home to school journeys.",
            ctx.case.year_group
        ),
        (false, _) => format!(
            "No adult pass: passes for accompanying adults are only for {} ({} is outside it).",
            rule.years, ctx.case.year_group
        ),
        (true, false) => format!(
            "No adult pass: transport support is not available for adults when children travel \
             by {}.",
            t.as_str()
        ),
    };
    out.push(item(
        "adult_pass",
        &rule.cite.clause,
        yes_no(in_years && on_transport),
        text,
        None,
    ));
}

/// Clause 5.2: whether the family may appeal, and the dates of each stage.
fn appeal(ctx: &Ctx, f: &FollowUps, out: &mut Vec<FollowUp>) {
    let Some(rule) = &f.appeal else {
        return;
    };
    let facts = &ctx.case.follow_up;
    let clause = &rule.cite.clause;
    if rule.residents_only && !ctx.case.resident_in_area {
        out.push(item(
            "appeal",
            clause,
            "no".into(),
            "Transport appeals are heard only for resident pupils: the family should appeal to \
             its home authority."
                .into(),
            None,
        ));
        return;
    }
    if facts.appeals_this_year >= rule.per_journey_per_year {
        out.push(item(
            "appeal",
            clause,
            "no".into(),
            format!(
                "Only {} transport appeal for the same journey is permitted in each academic \
                 year, and {} has been made.",
                rule.per_journey_per_year, facts.appeals_this_year
            ),
            None,
        ));
        return;
    }
    out.push(item(
        "appeal",
        clause,
        "yes".into(),
        "The family may appeal (stage 1) on the grounds that the child should be considered \
         eligible or for dispensation due to special circumstances, that the application was not \
         processed correctly, or on route safety grounds, with full supporting evidence."
            .into(),
        None,
    ));
    let stage_days = |f: fn(&crate::policy::Appeal) -> u32| ctx.policy.appeal.as_ref().map(f);
    let stages = [
        (
            "appeal_stage1_by",
            facts.letter_received_on,
            stage_days(|a| a.stage1.days),
            "the letter was received",
            "The stage 1 appeal must be submitted by",
        ),
        (
            "appeal_review_by",
            facts.appeal_submitted_on,
            Some(rule.review_days),
            "the stage 1 appeal was submitted",
            "The family is to be told the result of the review by",
        ),
        (
            "appeal_stage2_by",
            facts.review_notified_on,
            stage_days(|a| a.stage2.days),
            "the review's result was notified",
            "A request to move the appeal to stage 2 must be made by",
        ),
    ];
    for (topic, from, days, what, lead) in stages {
        if let (Some(from), Some(days)) = (from, days) {
            let by = plus_days(from, days);
            out.push(item(
                topic,
                clause,
                by.to_string(),
                format!("{lead} {by}."),
                Some(format!("{what} on {from} + {days} days = {by}")),
            ));
        }
    }
}

/// The last day of the academic year that contains `date`: the day before the anniversary of
/// the policy's first day.
fn academic_year_end(starts: NaiveDate, date: NaiveDate) -> NaiveDate {
    let next_start = |year: i32| {
        NaiveDate::from_ymd_opt(year, starts.month(), starts.day())
            .unwrap_or(starts)
            .pred_opt()
            .unwrap_or(starts)
    };
    let end = next_start(date.year());
    if end >= date {
        end
    } else {
        next_start(date.year() + 1)
    }
}

/// Clause 1.5.1: when support approved in error is withdrawn.
fn withdrawal(ctx: &Ctx, f: &FollowUps, out: &mut Vec<FollowUp>) {
    let (Some(rule), Some(found)) = (&f.withdrawal_after_error, ctx.case.follow_up.error_found_on)
    else {
        return;
    };
    let facts = &ctx.case.follow_up;
    let (value, text) = if rule.end_of_year_for.contains(ctx.case.year_group) {
        let end = academic_year_end(ctx.policy.meta.starts, found);
        (
            end.to_string(),
            format!(
                "The support approved in error continues to the completion of the academic year \
                 for {}: it ends on {end}.",
                ctx.case.year_group
            ),
        )
    } else {
        match facts.transport_started {
            Some(false) => (
                found.to_string(),
                format!(
                    "The transport approved in error had not started: it is withdrawn \
                     immediately, on {found}."
                ),
            ),
            None => (
                "unknown".to_string(),
                "Whether the transport approved in error had started (transport_started) is \
                 needed to say when it is withdrawn."
                    .to_string(),
            ),
            Some(true) => match facts.half_term_ends.iter().find(|d| **d >= found) {
                Some(end) => (
                    end.to_string(),
                    format!(
                        "The support approved in error is withdrawn at the end of the half-term \
                         in which the error was found ({found}): {end}."
                    ),
                ),
                None => (
                    "unknown".to_string(),
                    format!(
                        "The school's half-term end dates (half_term_ends) on or after {found} \
                         are needed to say when the support is withdrawn."
                    ),
                ),
            },
        }
    };
    out.push(item("withdrawn_on", &rule.cite.clause, value, text, None));
}

/// Clause 1.5.2: the council is liable for the cost from a period after the earliest date.
fn liability(ctx: &Ctx, f: &FollowUps, out: &mut Vec<FollowUp>) {
    let Some(rule) = &f.liability else {
        return;
    };
    let facts = &ctx.case.follow_up;
    let dates = [
        ("authorisation confirmed", facts.authorised_on),
        ("appeal hearing", facts.appeal_heard_on),
        ("road safety audit", facts.safety_audit_on),
    ];
    let Some((what, earliest)) = dates
        .iter()
        .filter_map(|(w, d)| d.map(|d| (*w, d)))
        .min_by_key(|(_, d)| *d)
    else {
        return;
    };
    let from = plus_days(earliest, rule.days_after);
    out.push(item(
        "liable_from",
        &rule.cite.clause,
        from.to_string(),
        format!(
            "The council is liable for the cost from {from}; costs the family incurred before \
             then are not refunded."
        ),
        Some(format!(
            "{what} on {earliest} (the earliest date given) + {} days = {from}",
            rule.days_after
        )),
    ));
}

/// Clause 1.5.2: the charge for replacing a lost contract vehicle pass.
fn lost_pass(ctx: &Ctx, f: &FollowUps, out: &mut Vec<FollowUp>) {
    let n = ctx.case.follow_up.passes_lost;
    let Some(rule) = &f.lost_pass else {
        return;
    };
    if n == 0 {
        return;
    }
    let charge = if n == 1 {
        rule.first_gbp.0
    } else {
        rule.later_gbp.0
    };
    out.push(item(
        "lost_pass_charge_pence",
        &rule.cite.clause,
        charge.0.to_string(),
        format!(
            "Replacing the pass after loss number {n}: {} (the first loss is charged {}, every \
             later loss {}).",
            charge.display_gbp(),
            rule.first_gbp.0.display_gbp(),
            rule.later_gbp.0.display_gbp()
        ),
        None,
    ));
}

/// Clauses 1.1.14 and 1.5.2: exceptional support only within the daily cost limit.
fn exceptional_cost(ctx: &Ctx, f: &FollowUps, out: &mut Vec<FollowUp>) {
    let (Some(rule), Some(cost)) = (
        &f.exceptional_cost,
        ctx.case.follow_up.exceptional_cost_per_day,
    ) else {
        return;
    };
    let max = rule.max_gbp_per_day.0;
    let within = rule.comparison.holds(cost.0 as f64, max.0 as f64);
    out.push(item(
        "exceptional_cost_within_limit",
        &rule.cite.clause,
        yes_no(within),
        if within {
            "Support under exceptional circumstances may be considered: its cost does not exceed \
             the daily limit."
                .to_string()
        } else {
            "Support under exceptional circumstances is over the daily cost limit: it may be \
             considered only where the limit must be exceeded (for example infant class size \
             legislation); an officer decides."
                .to_string()
        },
        Some(format!(
            "cost {} a day {} {} a day, clause {}",
            cost.display_gbp(),
            symbol(rule.comparison, within),
            max.display_gbp(),
            rule.cite.clause
        )),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn academic_year_ends_the_day_before_the_next_start() {
        let starts = NaiveDate::from_ymd_opt(2022, 9, 1).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(academic_year_end(starts, d(2023, 3, 1)), d(2023, 8, 31));
        assert_eq!(academic_year_end(starts, d(2022, 10, 1)), d(2023, 8, 31));
        assert_eq!(academic_year_end(starts, d(2023, 8, 31)), d(2023, 8, 31));
        assert_eq!(academic_year_end(starts, d(2023, 9, 1)), d(2024, 8, 31));
    }
}
