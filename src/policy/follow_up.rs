//! What follows from a decision without changing it: the amounts, dates and options a letter
//! states (Appendix A clauses 1.1.14 with 1.5.2, 1.5.1, 1.5.2, 2.1, 2.3, 2.4 and 5.2). Each is an
//! optional table under `[follow_up]`; every rate, period, year band and limit comes from the
//! file with its clause and quote.

use serde::{Deserialize, Serialize};

use super::types::{Limit, Measure};
use super::{Cite, Comparison, Gbp, YearRange};

/// The `[follow_up]` section: each entry is optional (a policy without it states nothing).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUps {
    pub fuel_contribution: Option<FuelContribution>,
    pub pickup_point: Option<PickupPoint>,
    pub journey_time: Option<JourneyTime>,
    pub adult_pass: Option<AdultPass>,
    pub appeal: Option<AppealRules>,
    pub withdrawal_after_error: Option<WithdrawalAfterError>,
    pub liability: Option<Liability>,
    pub lost_pass: Option<LostPass>,
    pub exceptional_cost: Option<ExceptionalCost>,
}

/// Clause 2.1: a fuel contribution for the shortest available driven route, per mile, for each
/// return journey (there and back).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuelContribution {
    #[serde(flatten)]
    pub cite: Cite,
    /// The year groups this policy's transport arrangements cover.
    pub years: YearRange,
    /// Pence paid per mile driven.
    #[serde(deserialize_with = "super::ranges::pence_per_mile")]
    pub pence_per_mile: u32,
    /// How many times the driven route one return journey covers.
    #[serde(deserialize_with = "super::ranges::legs")]
    pub legs_per_return_journey: u32,
}

/// Clause 2.3: transport to the pick-up point when the walk to it is over a limit for the age.
#[derive(Debug, Clone, Serialize)]
pub struct PickupPoint {
    pub cite: Cite,
    pub bands: Vec<PickupBand>,
}

/// One year band of clause 2.3 with its walking limit.
#[derive(Debug, Clone, Serialize)]
pub struct PickupBand {
    pub years: YearRange,
    pub walking: Limit,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPickupPoint {
    clause: String,
    quote: String,
    band: Vec<RawPickupBand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPickupBand {
    years: YearRange,
    #[serde(deserialize_with = "walking_limit")]
    walking: Limit,
}

fn walking_limit<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Limit, D::Error> {
    Limit::read(Measure::Walking, d)
}

impl<'de> Deserialize<'de> for PickupPoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawPickupPoint::deserialize(d)?;
        Ok(PickupPoint {
            cite: Cite {
                clause: raw.clause,
                quote: raw.quote,
            },
            bands: raw
                .band
                .into_iter()
                .map(|b| PickupBand {
                    years: b.years,
                    walking: b.walking,
                })
                .collect(),
        })
    }
}

/// Clause 2.2: the longest each-way journey, gate to gate, by phase.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyTime {
    #[serde(flatten)]
    pub cite: Cite,
    #[serde(rename = "band")]
    pub bands: Vec<JourneyBand>,
}

/// One phase of clause 2.2 with its maximum minutes each way.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyBand {
    pub years: YearRange,
    /// How the planned journey must compare with `max_minutes` ("maximum": `<=`).
    pub comparison: Comparison,
    #[serde(deserialize_with = "super::ranges::minutes")]
    pub max_minutes: u32,
}

/// How the eligible child travels, where a clause turns on it (clause 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportType {
    /// A local public bus service.
    PublicBus,
    /// A council contract vehicle (bus or taxi).
    Contract,
}

impl TransportType {
    /// The name used in case fields and output.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportType::PublicBus => "public_bus",
            TransportType::Contract => "contract",
        }
    }
}

/// Clause 2.4: bus passes for adults accompanying younger children on public buses only.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdultPass {
    #[serde(flatten)]
    pub cite: Cite,
    pub years: YearRange,
    /// The kinds of transport on which an adult pass may be given.
    pub transport: Vec<TransportType>,
}

/// Clause 5.2, the one place a policy states its appeal rules: the grounds and the days of each
/// stage (quoted in letters), who may appeal, how often, and the days the review takes. The
/// loader also gives the procedure as [`super::Policy::appeal`] for the letter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealRules {
    /// The clause, and the words introducing the grounds.
    #[serde(flatten)]
    pub cite: Cite,
    /// The grounds, in the policy's order (i, ii, iii), as the policy words them.
    pub grounds: Vec<String>,
    /// Stage 1: a Transport Appeal form within `days` of the letter.
    pub stage1: super::AppealStage,
    /// Stage 2: the appeal panel, within `days` of the stage 1 result.
    pub stage2: super::AppealStage,
    /// Days from the stage 1 submission within which the family is told the review's result
    /// (stage 2's quote states it).
    #[serde(deserialize_with = "super::ranges::days")]
    pub review_days: u32,
    /// Appeals are heard only for residents of the council's area.
    pub residents_only: bool,
    /// Appeals allowed for the same journey in one academic year.
    #[serde(deserialize_with = "super::ranges::appeals")]
    pub per_journey_per_year: u32,
    /// The policy's words for `residents_only` and `per_journey_per_year`.
    pub who_may_appeal_quote: String,
}

impl AppealRules {
    /// The appeal procedure a letter quotes (grounds and stages).
    pub fn procedure(&self) -> super::Appeal {
        super::Appeal {
            cite: self.cite.clone(),
            grounds: self.grounds.clone(),
            stage1: self.stage1.clone(),
            stage2: self.stage2.clone(),
        }
    }
}

/// Clause 1.5.1: when support approved in error is withdrawn.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalAfterError {
    #[serde(flatten)]
    pub cite: Cite,
    /// Year groups whose support runs to the end of the academic year.
    pub end_of_year_for: YearRange,
}

/// Clause 1.5.2: the council is liable for costs from a period after the earliest of the
/// authorisation, the appeal hearing and the road safety audit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Liability {
    #[serde(flatten)]
    pub cite: Cite,
    #[serde(deserialize_with = "super::ranges::days")]
    pub days_after: u32,
}

/// Clause 1.5.2: replacement of a lost contract vehicle pass.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LostPass {
    #[serde(flatten)]
    pub cite: Cite,
    pub first_gbp: Gbp,
    pub later_gbp: Gbp,
}

/// Clauses 1.1.14 and 1.5.2: support under exceptional circumstances only within a daily cost.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionalCost {
    #[serde(flatten)]
    pub cite: Cite,
    /// How the daily cost must compare with `max_gbp_per_day` ("does not exceed": `<=`).
    pub comparison: Comparison,
    /// The highest cost per child per day that may be considered.
    pub max_gbp_per_day: Gbp,
}
