//! One distance measured against one limit, the way every clause with a distance compares it:
//! the shortest route in the limit's mode (or the straight line), unrounded, with the policy's
//! comparison; no available route at all counts as beyond any walking limit only where the
//! policy says so (`[unavailable_route] beyond_every_walking_limit`, clause 1.5.4). Shared by the
//! distance limits (clauses 1.1.1-1.1.15), post-16 (sections 2 and 3) and reorganisations (4.1),
//! so that the comparison, its fallback and the figures read the same in every letter.

use crate::area::{AreaError, Urn};
use crate::network::Mode;
use crate::policy::{Comparison, Measure};
use crate::units::Metres;

use super::super::context::Ctx;

/// A distance compared with a limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Compared {
    /// The distance in metres; `None` when there is no available route.
    pub value_m: Option<f64>,
    /// Whether the limit is met.
    pub met: bool,
    comparison: Comparison,
}

impl Compared {
    /// The distance in miles to three decimals, or `none available`.
    pub fn value_mi(&self) -> String {
        self.value_m
            .map_or_else(|| "none available".into(), |v| Metres(v).miles_3dp())
    }

    /// The comparison's symbol as it turned out (`>=` when met, `<` when not, say).
    pub fn symbol(&self) -> &'static str {
        if self.met {
            self.comparison.symbol()
        } else {
            self.comparison.negated_symbol()
        }
    }

    /// How far the distance was from meeting the limit of `limit_m` metres: 0 when met, the
    /// difference when not, unbounded when there is no route at all.
    pub fn shortfall_m(&self, limit_m: f64) -> f64 {
        match (self.met, self.value_m) {
            (true, _) => 0.0,
            (false, Some(v)) => (v - limit_m).abs(),
            (false, None) => f64::INFINITY,
        }
    }

    /// The figures as a reason gives them, e.g. `walking route 3.593 mi >= 3 mi`.
    pub fn figures(&self, what: &str, limit_miles: impl std::fmt::Display) -> String {
        format!(
            "{what} {} mi {} {limit_miles} mi",
            self.value_mi(),
            self.symbol()
        )
    }
}

/// Measures `measure` from home to school `urn` and compares it with `limit_m` metres.
pub(super) fn against_limit(
    ctx: &Ctx,
    urn: Urn,
    measure: Measure,
    comparison: Comparison,
    limit_m: f64,
) -> Result<Compared, AreaError> {
    let value_m = match measure {
        Measure::Walking => ctx.measure(urn, Mode::Walk)?.map(|m| m.length_m),
        Measure::Driven => ctx.measure(urn, Mode::Drive)?.map(|m| m.length_m),
        Measure::StraightLine => ctx.straight_line_m(urn),
    };
    if let Some(v) = value_m {
        ctx.record_comparison(measure.describe(), v, limit_m);
    }
    let met = match value_m {
        Some(v) => comparison.holds(v, limit_m),
        None => {
            let beyond = measure != Measure::Walking
                || ctx.policy.unavailable_route.beyond_every_walking_limit;
            beyond && comparison.holds_for_unbounded()
        }
    };
    Ok(Compared {
        value_m,
        met,
        comparison,
    })
}

/// The shortest available walking route to the school applied for, against a limit.
pub(super) fn walking_route_against(
    ctx: &Ctx,
    comparison: Comparison,
    limit_m: f64,
) -> Result<Compared, AreaError> {
    against_limit(ctx, ctx.school.urn, Measure::Walking, comparison, limit_m)
}
