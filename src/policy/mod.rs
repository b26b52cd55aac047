//! The policy as data. Each TOML file under `policy/<year>/` is read into typed sections whose
//! values validate themselves as they are parsed (so errors carry file, line and column); the
//! sections of all files are then merged and cross-checked into one [`Policy`].
//!
//! The code knows rule *forms* (a distance rule with year bands and limits, a referral, the
//! post-16 criteria, the surplus seat scheme); every number, comparison, year band, charge,
//! priority and clause reference comes from the files.

mod area_rule;
mod circumstances;
pub mod diff;
mod follow_up;
pub mod overlay;
pub mod ranges;
mod types;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use types::{Comparison, Gbp, Limit, Measure, Percent, YearGroup, YearRange};
// Clauses 1.1.8-1.1.13, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2 and 5.
pub use circumstances::{
    Bar, ChangingSchool, Deadline, Finding, Flag, MovingHouse, Note, OnFinding, Placement,
    PlacementSchool, Post16Send, Post19, Recorded, RecordedMinimum, SplitResidency,
    TemporaryHousing, Transitional, TransitionalStart, Year11Move,
};
// Clause 1.1.3: area specific rules.
pub use area_rule::{AreaRule, AreaRuleForm};
// Clauses 1.1.14, 1.5.1, 1.5.2, 2.1, 2.3, 2.4, 5.2: what follows from a decision.
pub use follow_up::{
    AdultPass, AppealRules, ExceptionalCost, FollowUps, FuelContribution, JourneyBand, JourneyTime,
    Liability, LostPass, PickupBand, PickupPoint, TransportType, WithdrawalAfterError,
};

/// A clause reference and a short quote of the words it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cite {
    pub clause: String,
    pub quote: String,
}

/// Errors in the policy files. TOML syntax and value errors carry line and column.
#[derive(Debug, Error)]
pub enum PolicyError {
    #[error("{file}: {message}")]
    Toml { file: String, message: String },
    #[error("{file}: section [{section}] is also given in {other}; give it once")]
    Duplicate {
        file: String,
        section: &'static str,
        other: String,
    },
    #[error("policy: section [{0}] is missing from every file")]
    Missing(&'static str),
    #[error("policy: [decision] order names rule '{0}', which no file defines")]
    UnknownRule(String),
    #[error("policy: rule '{0}' is defined but not listed in [decision] order")]
    UnorderedRule(String),
    #[error("policy: {0}")]
    Letter(String),
    #[error("policy: rule id '{0}' is defined twice")]
    DuplicateRule(String),
    /// An error found when the files are put together, with the file it belongs to.
    #[error("{file}: {source}")]
    InFile {
        file: String,
        #[source]
        source: Box<PolicyError>,
    },
    #[error("policy: rule '{rule}' borrows the criteria of '{wanted}', which is not a rule of the right form")]
    BadReference { rule: String, wanted: String },
    #[error("policy: rule '{rule}' band {band}: {message}")]
    Band {
        rule: String,
        band: usize,
        message: String,
    },
    // Policy overlays (a year that overrides another year's values; see `overlay`).
    #[error("{file}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Overlay {
        file: String,
        line: Option<usize>,
        message: String,
    },
    /// A value an overlay wrote that the policy refuses once merged (out of range, wrong
    /// form), reported where the overlay wrote it; `merged` names the base file it went into.
    #[error("{file}, line {line}, column {column}: {path}: {message} (merged: {merged})")]
    OverlayValue {
        file: String,
        line: usize,
        column: usize,
        path: String,
        message: String,
        merged: String,
    },
}

/// Parental preference (clause 1.1.6): a school none of the listed rules accepts (the
/// catchment/nearest school, or one of the three nearest under clause 1.1.4) is attended on
/// preference; used for the decision and for surplus seat priority (clause 1.3.3).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParentalPreference {
    #[serde(flatten)]
    pub cite: Cite,
    /// The basis of a decision on parental preference: the engine's own decision when no rule
    /// accepts the school, named by the policy like every other basis.
    pub basis: Basis,
    /// Ids of the rules whose school sets define a non-preference school.
    pub accepted_by: Vec<String>,
}

/// Which school or schools a distance rule accepts as qualifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolSet {
    /// The catchment school(s) or the straight-line nearest suitable school (clause 1.1.2).
    CatchmentOrNearest,
    /// One of the N straight-line nearest suitable schools with places (clause 1.1.4).
    NearestWithPlaces,
    /// The straight-line nearest suitable school of the family's religion or belief (1.1.15).
    NearestOfFaith,
}

/// What a rule needs of the family besides distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Receipt of a qualifying benefit ([`LowIncome`]).
    LowIncome,
    /// A stated religion or belief with enough evidence ([`ReligionOrBelief`]).
    Faith,
}

/// What a decision is based on: a name the policy gives (`basis = "statutory_distance"` on a
/// rule), written in CSV and JSON output and named to families in the policy's own words
/// (`[letter.basis]`). The names are policy data, not code: a council adds a basis by writing it
/// on a rule and giving it words. Names are lower-case words joined by `_`, so they are safe in a
/// spreadsheet cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Basis(std::sync::Arc<str>);

impl Basis {
    /// A basis name, refused unless it is lower-case words joined by `_`.
    pub fn new(name: &str) -> Result<Basis, String> {
        let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(Basis(name.into()))
        } else {
            Err(format!(
                "basis \"{name}\" is not a basis name: lower-case letters, digits and _, starting \
                 with a letter"
            ))
        }
    }

    /// The name written in CSV and JSON output.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Basis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Basis {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Basis::new(&name).map_err(serde::de::Error::custom)
    }
}

/// The header of a policy file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    pub council: String,
    pub academic_year: String,
    /// First day of the academic year the policy governs.
    pub starts: chrono::NaiveDate,
    pub source: String,
}

/// Which schools can be "nearest" at all (clause 1.1.7: a school is unsuitable only for a
/// physical reason: sex, phase, or a private school the council does not transport to).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suitability {
    #[serde(flatten)]
    pub cite: Cite,
    /// Establishment types (GIAS `TypeOfEstablishment`) containing any of these words, any case,
    /// are never suitable.
    pub exclude_establishment_types_containing: Vec<String>,
    /// Whether single-sex schools are unsuitable for the other sex.
    pub respect_single_sex: bool,
}

/// Children with an EHCP (clause 1.1.2): special schools serve only them, and they qualify at
/// their catchment or nearest mainstream school, the closest appropriate base provision, or the
/// closest appropriate special school.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EhcpProvision {
    #[serde(flatten)]
    pub cite: Cite,
    /// Establishment types (GIAS `TypeOfEstablishment`) containing any of these words, any case,
    /// are special schools: never the "nearest" or a catchment school for other children.
    pub special_types_containing: Vec<String>,
}

impl EhcpProvision {
    /// Whether the school is a special school.
    pub fn is_special(&self, establishment_type: &str) -> bool {
        self.special_types_containing
            .iter()
            .any(|w| contains_ignore_case(establishment_type, w))
    }
}

/// Whether `hay` contains `needle`, ignoring ASCII case: the policy's words matched against data
/// (establishment types) without allocating, since it runs for every school of every case.
pub fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Low-income families (clauses 1.1.4, 1.1.5).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LowIncome {
    #[serde(flatten)]
    pub cite: Cite,
    /// Benefits that qualify: `free_school_meals`, `max_working_tax_credit`, `universal_credit`.
    pub qualifying: Vec<Benefit>,
    /// The clause under which Universal Credit counts (through free school meals), and its
    /// words: every value carries both, so an officer sees what a number rests on.
    pub universal_credit_clause: String,
    pub universal_credit_quote: String,
}

/// A benefit a family may receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Benefit {
    FreeSchoolMeals,
    MaxWorkingTaxCredit,
    UniversalCredit,
}

/// Religion or belief evidence (clause 1.1.15).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReligionOrBelief {
    #[serde(flatten)]
    pub cite: Cite,
    #[serde(deserialize_with = "ranges::evidence")]
    pub evidence_required: u8,
}

/// What "no available walking route" means (clause 1.5.4: unsafe routes are disregarded).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnavailableRoute {
    #[serde(flatten)]
    pub cite: Cite,
    /// When true, a child with no available walking route at all is treated as living beyond any
    /// "at least" / "more than" walking limit.
    pub beyond_every_walking_limit: bool,
}

/// The date the network is measured as of (clause 1.5.3): the start of the admission cycle,
/// "September in the year prior to admission".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkDate {
    #[serde(flatten)]
    pub cite: Cite,
    /// Whole years before the academic year's first day.
    #[serde(deserialize_with = "ranges::years_before")]
    pub years_before_start: u8,
}

impl NetworkDate {
    /// The network date for an academic year starting on `starts`.
    pub fn as_of(&self, starts: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
        starts.checked_sub_months(chrono::Months::new(12 * u32::from(self.years_before_start)))
    }
}

/// The fixed order in which rules are tried; the first that makes the child eligible decides.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionOrder {
    #[serde(flatten)]
    pub cite: Cite,
    pub order: Vec<String>,
}

/// Year groups to which the council provides no transport (e.g. pre-school, clause 1.2.1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotProvided {
    pub id: String,
    #[serde(flatten)]
    pub cite: Cite,
    pub years: YearRange,
    pub basis: Basis,
}

/// One year band of a distance rule.
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub cite: Cite,
    pub years: YearRange,
    pub schools: SchoolSet,
    /// How many nearest schools count, for [`SchoolSet::NearestWithPlaces`].
    pub count: Option<usize>,
    pub limits: Vec<Limit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    clause: String,
    quote: String,
    years: YearRange,
    schools: SchoolSet,
    count: Option<usize>,
    #[serde(default, deserialize_with = "walking")]
    walking: Option<Limit>,
    #[serde(default, deserialize_with = "driven")]
    driven: Option<Limit>,
    #[serde(default, deserialize_with = "straight")]
    straight_line: Option<Limit>,
}

fn walking<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Limit>, D::Error> {
    Limit::read(Measure::Walking, d).map(Some)
}
fn driven<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Limit>, D::Error> {
    Limit::read(Measure::Driven, d).map(Some)
}
fn straight<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Limit>, D::Error> {
    Limit::read(Measure::StraightLine, d).map(Some)
}

impl<'de> Deserialize<'de> for Band {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = RawBand::deserialize(d)?;
        let limits: Vec<Limit> = [r.walking, r.driven, r.straight_line]
            .into_iter()
            .flatten()
            .collect();
        if limits.is_empty() {
            return Err(serde::de::Error::custom(
                "a band needs at least one of walking, driven, straight_line",
            ));
        }
        match (r.schools, r.count) {
            (SchoolSet::NearestWithPlaces, None) => {
                return Err(serde::de::Error::custom(
                    "schools = \"nearest_with_places\" needs count = N (N >= 1)",
                ))
            }
            (SchoolSet::NearestWithPlaces, Some(n)) if !ranges::NEAREST_COUNT.contains(&n) => {
                return Err(serde::de::Error::custom(format!(
                    "count = {n} is outside the plausible range of nearest schools, {} to {}",
                    ranges::NEAREST_COUNT.start(),
                    ranges::NEAREST_COUNT.end()
                )))
            }
            (SchoolSet::NearestWithPlaces, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(serde::de::Error::custom(
                    "count is only meaningful with schools = \"nearest_with_places\"",
                ))
            }
        }
        Ok(Band {
            cite: Cite {
                clause: r.clause,
                quote: r.quote,
            },
            years: r.years,
            schools: r.schools,
            count: r.count,
            limits,
        })
    }
}

/// A distance rule: for the child's year band, the school attended must be in the band's school
/// set and every limit must hold (clauses 1.1.1, 1.1.4, 1.1.15).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistanceRule {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    #[serde(default)]
    pub requires: Vec<Requirement>,
    #[serde(rename = "band")]
    pub bands: Vec<Band>,
}

/// A circumstance that sends the case to an officer with stated evidence (clause 1.1.12).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub years: YearRange,
    /// The case field that triggers the referral.
    pub when: ReferralTrigger,
    /// The school must be one of these for a referral (clauses 1.1.2, 1.1.6: a child at a
    /// preference school is not eligible whatever the need).
    pub schools: Option<SchoolSet>,
    /// What the officer needs to see.
    pub evidence: String,
    /// Clause 1.1.12: once the officer records the finding, what follows.
    #[serde(default)]
    pub on_finding: Option<OnFinding>,
}

/// Case fields that can trigger a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralTrigger {
    MobilityNeed,
}

/// The Local Authority 16+ Assistance Scheme (Post-16 policy, section 3).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post16Assistance {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub years: YearRange,
    pub reduction_percent: Percent,
    /// Operator models on which the reduction is not available (public transport, rail).
    pub not_on_operator_models: Vec<crate::area::OperatorModel>,
    /// The clause saying where the reduction is not available, and its words.
    pub not_on_clause: String,
    pub not_on_quote: String,
    pub resident: Criterion,
    pub age: AgeCriterion,
    #[serde(deserialize_with = "walking_required")]
    pub distance: Limit,
    pub distance_quote: String,
    pub full_time: FullTime,
    pub low_income: Criterion,
    pub medical_alternative: Criterion,
    /// Post-16 section 3: the EHCP must highlight transport as a necessity for the age extension.
    #[serde(default)]
    pub ehcp_necessity: Option<Finding>,
    /// Post-16 section 3: "supporting evidence from the appropriate Medical Officer will always be
    /// required" for the medical alternative.
    #[serde(default)]
    pub medical_evidence: Option<Finding>,
}

fn walking_required<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Limit, D::Error> {
    Limit::read(Measure::Walking, d)
}

/// A criterion with its quote.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub quote: String,
}

/// "Be under 19 on 31 August immediately preceding the start of the academic year or up to 25
/// if a Section139a/Education, Health and Care Plan highlights transport is a necessity".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeCriterion {
    pub quote: String,
    #[serde(deserialize_with = "ranges::age")]
    pub under: u8,
    /// The day before the academic year on which the age is taken, as month and day.
    #[serde(deserialize_with = "ranges::month")]
    pub on_month: u32,
    #[serde(deserialize_with = "ranges::day")]
    pub on_day: u32,
    /// Upper age (inclusive: "up to 25") with an EHCP saying transport is necessary.
    #[serde(deserialize_with = "ranges::age")]
    pub with_ehcp_up_to: u8,
}

/// "Be in full time education (16 hours or more over 3+ days per week)".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FullTime {
    pub quote: String,
    #[serde(deserialize_with = "ranges::hours_a_week")]
    pub min_hours: f64,
    #[serde(deserialize_with = "ranges::days_a_week")]
    pub min_days: u8,
}

impl FullTime {
    /// Whether the hours and days make full-time education, with the sentence and the figures
    /// compared (Post-16 section 3; section 2 borrows it).
    pub fn judge(&self, hours: f64, days: u8) -> (bool, String, String) {
        let (h_ok, d_ok) = (hours >= self.min_hours, days >= self.min_days);
        let sym = |ok: bool| if ok { ">=" } else { "<" };
        (
            h_ok && d_ok,
            format!("{hours} hours over {days} days a week ({})", self.quote),
            format!(
                "hours {hours} {} {}, days {days} {} {}",
                sym(h_ok),
                self.min_hours,
                sym(d_ok),
                self.min_days
            ),
        )
    }
}

/// The Surplus Seat Travel Scheme (clauses 1.3.1 to 1.3.3).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurplusSeat {
    #[serde(flatten)]
    pub cite: Cite,
    /// Annual charge on council contract vehicles (clause 1.3.2).
    pub charge_gbp: Gbp,
    /// Operator models on which the council's charge applies.
    pub council_charged: Vec<crate::area::OperatorModel>,
    /// Operator models whose operator sets the pass price (clause 1.3.1).
    pub operator_priced: Vec<crate::area::OperatorModel>,
    pub operator_priced_clause: String,
    pub operator_priced_quote: String,
    /// Operator models with no surplus seat scheme (public service routes, clause 1.3.1).
    pub unavailable: Vec<crate::area::OperatorModel>,
    pub unavailable_clause: String,
    pub unavailable_quote: String,
    /// Operator models to which the priority order does not apply (clause 1.3.3).
    pub no_priority_on: Vec<crate::area::OperatorModel>,
    pub priority_clause: String,
    pub priority_quote: String,
    /// The tie-break within a category (clause 1.3.3): furthest walking distance first.
    pub tie_break: Cite,
    #[serde(rename = "priority")]
    pub priorities: Vec<Priority>,
    /// Clause 1.3.4: paying passengers only on PSVAR compliant vehicles, once enforced.
    pub psvar: Option<Psvar>,
}

/// The Public Service Vehicle Accessibility Regulations and surplus seats (clause 1.3.4).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Psvar {
    #[serde(flatten)]
    pub cite: Cite,
    /// Whether the regulations are enforced on routes carrying paying passengers: then no
    /// surplus seat is sold on a vehicle recorded as not compliant. While only intended, such
    /// seats are sold with a warning.
    pub enforced: bool,
}

/// One surplus seat priority category (clause 1.3.3 (i)-(iv)).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    #[serde(deserialize_with = "ranges::rank")]
    pub rank: u8,
    #[serde(flatten)]
    pub cite: Cite,
    /// Any of these circumstances places the child in the category.
    #[serde(default)]
    pub any_of: Vec<Circumstance>,
    /// All of these must hold.
    #[serde(default)]
    pub all_of: Vec<Circumstance>,
}

/// Circumstances the priority categories are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Circumstance {
    ChildInCare,
    Ehcp,
    RegisteredDisability,
    MedicalCondition,
    YoungCarer,
    Vulnerable,
    CatchmentOrNearest,
    ParentalPreference,
    LowIncome,
}

/// The Surplus Seat Travel Scheme as a family meets it (clause 1.3.1: availability; clause 1.3.3:
/// when and how to apply). Decides nothing: quoted in letters next to the charge and priority.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurplusSeatScheme {
    #[serde(flatten)]
    pub cite: Cite,
    /// How and when to apply for a seat.
    pub application: Cite,
}

/// How a letter names each basis to a family ("eligible for transport assistance to X under the
/// statutory walking distance"): plain words an officer can edit with the policy, not rules. The
/// table must give words for every basis a rule can decide on, and only for those, so no letter
/// falls back to a code name and a misspelt basis is caught.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letter {
    pub basis: std::collections::BTreeMap<Basis, String>,
    /// Why a child is refused on a basis, in a sentence the letter gives instead of "the policy's
    /// conditions are not met" (e.g. pre-school: the council provides no transport at all).
    #[serde(default)]
    pub not_eligible: std::collections::BTreeMap<Basis, String>,
}

impl Letter {
    /// The words for a basis, as the letter says them.
    pub fn basis_words(&self, b: &Basis) -> Option<&str> {
        self.basis.get(b).map(String::as_str)
    }

    /// The sentence saying why a child is refused on a basis, when the policy gives one.
    pub fn not_eligible_words(&self, b: &Basis) -> Option<&str> {
        self.not_eligible.get(b).map(String::as_str)
    }
}

/// Transport appeals (clause 5.2): the grounds a refused family may appeal on and the days each
/// stage allows, as a letter quotes them so the family knows its deadline. Written in the policy
/// once, in `[follow_up.appeal]` ([`AppealRules`]), and taken from there.
#[derive(Debug, Clone, Serialize)]
pub struct Appeal {
    #[serde(flatten)]
    pub cite: Cite,
    /// The grounds, in the policy's order (i, ii, iii), as the policy words them.
    pub grounds: Vec<String>,
    /// Stage 1: a Transport Appeal form within `days` of the letter.
    pub stage1: AppealStage,
    /// Stage 2: the appeal panel, within `days` of the stage 1 result.
    pub stage2: AppealStage,
}

/// One stage of an appeal and its time limit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealStage {
    #[serde(flatten)]
    pub cite: Cite,
    /// Days allowed (the policy counts days, not working days).
    #[serde(deserialize_with = "ranges::days")]
    pub days: u32,
}

/// One policy file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyDoc {
    policy: Option<Meta>,
    decision: Option<DecisionOrder>,
    suitable_schools: Option<Suitability>,
    low_income: Option<LowIncome>,
    religion_or_belief: Option<ReligionOrBelief>,
    unavailable_route: Option<UnavailableRoute>,
    network_date: Option<NetworkDate>,
    parental_preference: Option<ParentalPreference>,
    surplus_seat: Option<SurplusSeat>,
    follow_up: Option<FollowUps>,
    ehcp_provision: Option<EhcpProvision>,
    #[serde(default)]
    area_rule: Vec<AreaRule>,
    surplus_seat_scheme: Option<SurplusSeatScheme>,
    letter: Option<Letter>,
    #[serde(default)]
    not_provided: Vec<NotProvided>,
    #[serde(default)]
    distance_rule: Vec<DistanceRule>,
    #[serde(default)]
    referral: Vec<Referral>,
    #[serde(default)]
    post16_assistance: Vec<Post16Assistance>,
    // Clauses 1.1.8-1.1.13, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2 and 5.
    #[serde(default)]
    split_residency: Vec<SplitResidency>,
    #[serde(default)]
    bar: Vec<Bar>,
    #[serde(default)]
    note: Vec<Note>,
    #[serde(default)]
    temporary_housing: Vec<TemporaryHousing>,
    #[serde(default)]
    changing_school: Vec<ChangingSchool>,
    #[serde(default)]
    moving_house: Vec<MovingHouse>,
    #[serde(default)]
    year11_move: Vec<Year11Move>,
    #[serde(default)]
    placement: Vec<Placement>,
    #[serde(default)]
    transitional: Vec<Transitional>,
    #[serde(default)]
    post16_send: Vec<Post16Send>,
    #[serde(default)]
    post19: Vec<Post19>,
}

/// A rule in decision order.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Rule {
    NotProvided(NotProvided),
    Distance(DistanceRule),
    Referral(Referral),
    Post16(Post16Assistance),
    // Clauses 1.1.8-1.1.13, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2 and 5.
    SplitResidency(SplitResidency),
    Bar(Bar),
    Note(Note),
    TemporaryHousing(TemporaryHousing),
    ChangingSchool(ChangingSchool),
    MovingHouse(MovingHouse),
    Year11Move(Year11Move),
    Placement(Placement),
    Transitional(Transitional),
    Post16Send(Post16Send),
    Post19(Post19),
}

impl Rule {
    /// The rule's id, as listed in `[decision] order`.
    pub fn id(&self) -> &str {
        match self {
            Rule::NotProvided(r) => &r.id,
            Rule::Distance(r) => &r.id,
            Rule::Referral(r) => &r.id,
            Rule::Post16(r) => &r.id,
            Rule::SplitResidency(r) => &r.id,
            Rule::Bar(r) => &r.id,
            Rule::Note(r) => &r.id,
            Rule::TemporaryHousing(r) => &r.id,
            Rule::ChangingSchool(r) => &r.id,
            Rule::MovingHouse(r) => &r.id,
            Rule::Year11Move(r) => &r.id,
            Rule::Placement(r) => &r.id,
            Rule::Transitional(r) => &r.id,
            Rule::Post16Send(r) => &r.id,
            Rule::Post19(r) => &r.id,
        }
    }
}

impl Rule {
    /// Every basis the rule can decide on: its own, and any other it names (the basis of a
    /// recorded finding, of remaining on preference).
    pub fn bases(&self) -> Vec<&Basis> {
        match self {
            Rule::NotProvided(r) => vec![&r.basis],
            Rule::Distance(r) => vec![&r.basis],
            Rule::Referral(r) => std::iter::once(&r.basis)
                .chain(r.on_finding.as_ref().map(|f| &f.basis))
                .collect(),
            Rule::Post16(r) => vec![&r.basis],
            Rule::SplitResidency(r) => vec![&r.basis],
            Rule::Bar(r) => vec![&r.basis],
            Rule::Note(_) => vec![],
            Rule::TemporaryHousing(r) => vec![&r.basis],
            Rule::ChangingSchool(r) => vec![&r.basis],
            Rule::MovingHouse(r) => vec![&r.basis, &r.preference_basis],
            Rule::Year11Move(r) => vec![&r.basis],
            Rule::Placement(r) => vec![&r.basis],
            Rule::Transitional(r) => vec![&r.basis],
            Rule::Post16Send(r) => vec![&r.basis],
            Rule::Post19(r) => vec![&r.basis],
        }
    }
}

/// The validated policy: every section present once, rules in decision order.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub meta: Meta,
    pub decision: DecisionOrder,
    pub suitable_schools: Suitability,
    pub low_income: LowIncome,
    pub religion_or_belief: ReligionOrBelief,
    pub unavailable_route: UnavailableRoute,
    pub network_date: NetworkDate,
    pub parental_preference: ParentalPreference,
    pub surplus_seat: SurplusSeat,
    /// What follows from a decision (clauses 1.1.14, 1.5.1, 1.5.2, 2.1, 2.3, 2.4, 5.2).
    pub follow_up: FollowUps,
    /// Area specific readings of catchment and nearest (clause 1.1.3).
    pub area_rules: Vec<AreaRule>,
    /// Special schools and base provision for children with an EHCP (clause 1.1.2).
    pub ehcp_provision: Option<EhcpProvision>,
    /// How to apply for a surplus seat (clauses 1.3.1, 1.3.3), when the policy gives it.
    pub surplus_seat_scheme: Option<SurplusSeatScheme>,
    /// How letters name each basis, when the policy gives it.
    pub letter: Option<Letter>,
    /// Appeal grounds and deadlines (clause 5.2), when the policy gives them: the procedure part
    /// of `follow_up.appeal`, where the policy writes it.
    pub appeal: Option<Appeal>,
    pub rules: Vec<Rule>,
}

fn take_once<T>(
    slot: &mut Option<(T, String)>,
    value: Option<T>,
    file: &str,
    section: &'static str,
) -> Result<(), PolicyError> {
    if let Some(v) = value {
        if let Some((_, other)) = slot {
            return Err(PolicyError::Duplicate {
                file: file.into(),
                section,
                other: other.clone(),
            });
        }
        *slot = Some((v, file.to_string()));
    }
    Ok(())
}

fn required<T>(slot: Option<(T, String)>, section: &'static str) -> Result<T, PolicyError> {
    slot.map(|(v, _)| v).ok_or(PolicyError::Missing(section))
}

impl Policy {
    /// Parses and merges policy files given as (name, text) pairs, in order.
    pub fn from_sources(sources: &[(String, String)]) -> Result<Policy, PolicyError> {
        Policy::from_layers(&[sources.to_vec()])
    }

    /// Parses a complete policy (`layers[0]`) with overlays on it (each later layer, see
    /// [`overlay`]): the overlays are deep-merged first, then the result is read as one policy.
    pub fn from_layers(layers: &[Vec<overlay::Source>]) -> Result<Policy, PolicyError> {
        let merged = overlay::merge_layers(layers)?;
        let overlays = layers.get(1..).unwrap_or_default();
        let docs = merged
            .iter()
            .map(|f| Ok((f.name.clone(), read_doc(f, overlays)?)))
            .collect::<Result<Vec<_>, PolicyError>>()?;
        Policy::from_docs(docs)
    }

    /// Merges and cross-checks the sections of parsed policy files, in order.
    fn from_docs(docs: Vec<(String, PolicyDoc)>) -> Result<Policy, PolicyError> {
        let mut meta = None;
        let mut decision = None;
        let mut suit = None;
        let mut low = None;
        let mut faith = None;
        let mut unavailable = None;
        let mut network_date = None;
        let mut pref = None;
        let mut surplus = None;
        let mut follow_up = None;
        let mut area_rules: Vec<AreaRule> = Vec::new();
        let mut ehcp = None;
        let mut scheme = None;
        let mut letter = None;
        let mut rules: Vec<Rule> = Vec::new();
        // The file each rule and area rule came from, for errors found across files.
        let mut rule_files: Vec<String> = Vec::new();
        let mut area_rule_files: Vec<String> = Vec::new();
        for (file, doc) in docs {
            let file = &file;
            take_once(&mut meta, doc.policy, file, "policy")?;
            take_once(&mut decision, doc.decision, file, "decision")?;
            take_once(&mut suit, doc.suitable_schools, file, "suitable_schools")?;
            take_once(&mut low, doc.low_income, file, "low_income")?;
            take_once(
                &mut faith,
                doc.religion_or_belief,
                file,
                "religion_or_belief",
            )?;
            take_once(
                &mut unavailable,
                doc.unavailable_route,
                file,
                "unavailable_route",
            )?;
            take_once(&mut network_date, doc.network_date, file, "network_date")?;
            take_once(
                &mut pref,
                doc.parental_preference,
                file,
                "parental_preference",
            )?;
            take_once(&mut surplus, doc.surplus_seat, file, "surplus_seat")?;
            take_once(&mut follow_up, doc.follow_up, file, "follow_up")?;
            area_rules.extend(doc.area_rule);
            take_once(&mut ehcp, doc.ehcp_provision, file, "ehcp_provision")?;
            take_once(
                &mut scheme,
                doc.surplus_seat_scheme,
                file,
                "surplus_seat_scheme",
            )?;
            take_once(&mut letter, doc.letter, file, "letter")?;
            rules.extend(doc.not_provided.into_iter().map(Rule::NotProvided));
            rules.extend(doc.distance_rule.into_iter().map(Rule::Distance));
            rules.extend(doc.referral.into_iter().map(Rule::Referral));
            rules.extend(doc.post16_assistance.into_iter().map(Rule::Post16));
            // Clauses 1.1.8-1.1.13, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2 and 5.
            rules.extend(doc.split_residency.into_iter().map(Rule::SplitResidency));
            rules.extend(doc.bar.into_iter().map(Rule::Bar));
            rules.extend(doc.note.into_iter().map(Rule::Note));
            rules.extend(
                doc.temporary_housing
                    .into_iter()
                    .map(Rule::TemporaryHousing),
            );
            rules.extend(doc.changing_school.into_iter().map(Rule::ChangingSchool));
            rules.extend(doc.moving_house.into_iter().map(Rule::MovingHouse));
            rules.extend(doc.year11_move.into_iter().map(Rule::Year11Move));
            rules.extend(doc.placement.into_iter().map(Rule::Placement));
            rules.extend(doc.transitional.into_iter().map(Rule::Transitional));
            rules.extend(doc.post16_send.into_iter().map(Rule::Post16Send));
            rules.extend(doc.post19.into_iter().map(Rule::Post19));
            rule_files.resize(rules.len(), file.clone());
            area_rule_files.resize(area_rules.len(), file.clone());
        }
        let in_file = |file: &str, e: PolicyError| PolicyError::InFile {
            file: file.to_string(),
            source: Box::new(e),
        };
        for (i, a) in area_rules.iter().enumerate() {
            let file = &area_rule_files[i];
            if area_rules[..i].iter().any(|o| o.id == a.id) {
                return Err(in_file(file, PolicyError::DuplicateRule(a.id.clone())));
            }
        }
        let (decision, decision_file): (DecisionOrder, String) =
            decision.ok_or(PolicyError::Missing("decision"))?;
        for (i, r) in rules.iter().enumerate() {
            let file = &rule_files[i];
            if rules[..i].iter().any(|o| o.id() == r.id()) {
                return Err(in_file(
                    file,
                    PolicyError::DuplicateRule(r.id().to_string()),
                ));
            }
            if !decision.order.iter().any(|id| id == r.id()) {
                return Err(in_file(
                    file,
                    PolicyError::UnorderedRule(r.id().to_string()),
                ));
            }
        }
        let mut ordered = Vec::with_capacity(rules.len());
        let mut ordered_files = Vec::with_capacity(rules.len());
        for id in &decision.order {
            let pos = rules
                .iter()
                .position(|r| r.id() == id)
                .ok_or_else(|| in_file(&decision_file, PolicyError::UnknownRule(id.clone())))?;
            ordered.push(rules.swap_remove(pos));
            ordered_files.push(rule_files.swap_remove(pos));
        }
        for (r, file) in ordered.iter().zip(&ordered_files) {
            if let Rule::Distance(d) = r {
                check_bands(d).map_err(|e| in_file(file, e))?;
            }
        }
        check_references(&ordered).map_err(|(i, e)| in_file(&ordered_files[i], e))?;
        let (pref, pref_file): (ParentalPreference, String) =
            pref.ok_or(PolicyError::Missing("parental_preference"))?;
        for id in &pref.accepted_by {
            if !ordered.iter().any(|r| r.id() == id) {
                return Err(in_file(&pref_file, PolicyError::UnknownRule(id.clone())));
            }
        }
        let letter = match letter {
            Some((l, file)) => {
                let mut decided: std::collections::BTreeSet<Basis> =
                    ordered.iter().flat_map(Rule::bases).cloned().collect();
                decided.insert(pref.basis.clone());
                Some(check_letter(l, &decided).map_err(|e| in_file(&file, e))?)
            }
            None => None,
        };
        Ok(Policy {
            meta: required(meta, "policy")?,
            decision,
            suitable_schools: required(suit, "suitable_schools")?,
            low_income: required(low, "low_income")?,
            religion_or_belief: required(faith, "religion_or_belief")?,
            unavailable_route: required(unavailable, "unavailable_route")?,
            network_date: required(network_date, "network_date")?,
            parental_preference: pref,
            surplus_seat: required(surplus, "surplus_seat")?,
            appeal: follow_up
                .as_ref()
                .and_then(|(f, _)| f.appeal.as_ref())
                .map(AppealRules::procedure),
            follow_up: follow_up.map(|(f, _)| f).unwrap_or_default(),
            area_rules,
            ehcp_provision: ehcp.map(|(e, _)| e),
            surplus_seat_scheme: scheme.map(|(v, _)| v),
            letter,
            rules: ordered,
        })
    }
}

/// A letter table must name every basis the rules can decide on (`decided`), and only those: a
/// decision on a basis without words would read as a code name to the family, and words for a
/// basis no rule gives are most likely a misspelling of one.
fn check_letter(
    l: Letter,
    decided: &std::collections::BTreeSet<Basis>,
) -> Result<Letter, PolicyError> {
    let missing: Vec<&str> = decided
        .iter()
        .filter(|b| !l.basis.contains_key(b))
        .map(Basis::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(PolicyError::Letter(format!(
            "[letter.basis] gives no words for {}",
            missing.join(", ")
        )));
    }
    for (table, words) in [("basis", &l.basis), ("not_eligible", &l.not_eligible)] {
        if let Some(b) = words.keys().find(|b| !decided.contains(b)) {
            return Err(PolicyError::Letter(format!(
                "[letter.{table}] gives words for {b}, on which no rule decides: is it misspelt?"
            )));
        }
    }
    Ok(l)
}

/// Reads one merged policy file: from its text when no overlay changed it (so errors carry line
/// and column), else from the merged values, a refused value then being reported at the line
/// and column where an overlay wrote it.
fn read_doc(
    f: &overlay::MergedFile,
    overlays: &[Vec<overlay::Source>],
) -> Result<PolicyDoc, PolicyError> {
    let whole = |e: &toml::de::Error| PolicyError::Toml {
        file: f.name.clone(),
        message: e.to_string().trim_end().to_string(),
    };
    match &f.text {
        Some(text) => toml::from_str(text).map_err(|e| whole(&e)),
        None => PolicyDoc::deserialize(toml::Value::Table(f.table.clone())).map_err(|e| {
            let keys = error_keys(&e);
            match overlay::written_at(overlays, &keys) {
                Some(at) if !keys.is_empty() => PolicyError::OverlayValue {
                    file: at.file,
                    line: at.line,
                    column: at.column,
                    path: keys.join("."),
                    message: e.message().trim_end().to_string(),
                    merged: f.name.clone(),
                },
                _ => whole(&e),
            }
        }),
    }
}

/// The table keys a TOML value error names ("in `surplus_seat.charge_gbp`"): the toml crate
/// prints them after the message but has no accessor for them. Empty when there are none.
fn error_keys(e: &toml::de::Error) -> Vec<String> {
    let shown = e.to_string();
    shown
        .trim_end()
        .rsplit_once("\nin `")
        .and_then(|(_, keys)| keys.strip_suffix('`'))
        .map(|keys| keys.split('.').map(str::to_string).collect())
        .unwrap_or_default()
}

/// Rules that borrow another rule's criteria (clauses 1.1.9, 1.1.10, 1.1.8, 1.1.16, 4.2, 4.3;
/// Post-16 section 2) must name a rule of the right form.
fn check_references(rules: &[Rule]) -> Result<(), (usize, PolicyError)> {
    let distance = |id: &str| {
        rules
            .iter()
            .any(|r| matches!(r, Rule::Distance(d) if d.id == id))
    };
    let post16 = |id: &str| {
        rules
            .iter()
            .any(|r| matches!(r, Rule::Post16(p) if p.id == id))
    };
    for (i, r) in rules.iter().enumerate() {
        let (wanted, ok) = match r {
            Rule::TemporaryHousing(t) => (&t.age_distance, distance(&t.age_distance)),
            Rule::ChangingSchool(c) => (&c.age_distance, distance(&c.age_distance)),
            Rule::MovingHouse(m) => (&m.age_distance, distance(&m.age_distance)),
            Rule::Placement(p) => match &p.age_distance {
                Some(a) => (a, distance(a)),
                None => continue,
            },
            Rule::Post16Send(p) => (&p.criteria_of, post16(&p.criteria_of)),
            _ => continue,
        };
        if !ok {
            return Err((
                i,
                PolicyError::BadReference {
                    rule: r.id().to_string(),
                    wanted: wanted.clone(),
                },
            ));
        }
    }
    Ok(())
}

/// Bands of one rule must not overlap, or a year group would have two answers.
fn check_bands(rule: &DistanceRule) -> Result<(), PolicyError> {
    for (i, a) in rule.bands.iter().enumerate() {
        for b in &rule.bands[..i] {
            if a.years.first <= b.years.last && b.years.first <= a.years.last {
                return Err(PolicyError::Band {
                    rule: rule.id.clone(),
                    band: i + 1,
                    message: format!("years {} overlap another band's {}", a.years, b.years),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Pence;

    fn shipped() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policy/2022-23");
        let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn policy_words_match_data_in_any_case() {
        assert!(contains_ignore_case("Community Special School", "special"));
        assert!(contains_ignore_case(
            "Other independent school",
            "Independent"
        ));
        assert!(!contains_ignore_case("Academy converter", "special"));
        assert!(!contains_ignore_case("spec", "special"));
        assert!(contains_ignore_case("", ""));
    }

    #[test]
    fn shipped_policy_loads_with_its_figures() {
        let p = Policy::from_sources(&shipped()).unwrap();
        assert_eq!(p.surplus_seat.charge_gbp.0, Pence(82500));
        let ids: Vec<&str> = p.rules.iter().map(Rule::id).collect();
        assert_eq!(
            ids,
            p.decision
                .order
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        );
        let Some(Rule::Distance(stat)) = p.rules.iter().find(|r| r.id() == "statutory-distance")
        else {
            panic!("the statutory distance rule is a distance rule")
        };
        assert_eq!(stat.bands[0].limits[0].comparison, Comparison::AtLeast);
        assert_eq!(stat.bands[0].limits[0].metres.0, 2.0 * 1609.344);
        assert_eq!(stat.bands[1].limits[0].metres.0, 3.0 * 1609.344);
    }

    fn with_replacement(from: &str, to: &str) -> Result<Policy, PolicyError> {
        let mut src = shipped();
        let hit = src
            .iter_mut()
            .find(|(_, t)| t.contains(from))
            .expect("text to replace");
        hit.1 = hit.1.replacen(from, to, 1);
        Policy::from_sources(&src)
    }

    #[test]
    fn a_value_with_a_clause_carries_its_quote() {
        for key in [
            "universal_credit_quote",
            "operator_priced_quote",
            "unavailable_quote",
            "priority_quote",
            "not_on_quote",
        ] {
            let e = with_replacement(&format!("{key} = "), "dropped_quote = ")
                .unwrap_err()
                .to_string();
            assert!(e.contains(key) || e.contains("dropped_quote"), "{key}: {e}");
        }
    }

    /// Basis names are policy data: a rule may name a new one, which the letter must then give
    /// words for; a name that is not lower-case words, or letter words for a basis no rule
    /// gives, is refused.
    #[test]
    fn bases_are_named_by_the_policy_and_checked_against_the_letter() {
        let e = with_replacement("basis = \"pre_school\"", "basis = \"Pre School\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a basis name") && e.contains("line"), "{e}");
        let e = with_replacement("basis = \"pre_school\"", "basis = \"nursery\"")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[letter.basis] gives no words for nursery"),
            "{e}"
        );
        let e = with_replacement("\nsibling = ", "\nsiblings = \"x\"\nsibling = ")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("gives words for siblings, on which no rule decides"),
            "{e}"
        );
        let mut src = shipped();
        for (_, t) in src.iter_mut() {
            *t = t.replace("basis = \"pre_school\"", "basis = \"nursery\"");
            *t = t.replace("\npre_school = ", "\nnursery = ");
        }
        let p = Policy::from_sources(&src).unwrap();
        assert!(p
            .rules
            .iter()
            .any(|r| r.bases().iter().any(|b| b.as_str() == "nursery")));
    }

    #[test]
    fn bad_values_are_reported_with_line_and_column() {
        let e = with_replacement(
            "walking = { comparison = \">=\", miles = 2 }",
            "walking = { comparison = \"=>\", miles = 2 }",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("home-to-school.toml"), "{e}");
        assert!(e.contains("line"), "{e}");
        assert!(e.contains("=>"), "{e}");
        let e = with_replacement("years = \"R-Y4\"", "years = \"Y4-R\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("ends earlier"), "{e}");
        let e = with_replacement("charge_gbp = 825.00", "charge_gbp = 825.001")
            .unwrap_err()
            .to_string();
        assert!(e.contains("pounds and pence"), "{e}");
        let e = with_replacement("years = \"Y5-Y11\"", "years = \"Y4-Y11\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("overlap"), "{e}");
        let e = with_replacement("miles = 3 }", "miles = -3 }")
            .unwrap_err()
            .to_string();
        assert!(e.contains("non-negative"), "{e}");
    }

    #[test]
    fn values_outside_their_ranges_are_refused_with_line_and_column() {
        for (from, to, says) in [
            (
                "charge_gbp = 825.00",
                "charge_gbp = 1e300",
                "1e300 is outside",
            ),
            (
                "charge_gbp = 825.00",
                "charge_gbp = 100000.01",
                "0 to 100000 pounds",
            ),
            ("miles = 3 }", "miles = 300 }", "300 miles is outside"),
            ("review_days = 20", "review_days = 20000", "0 to 366"),
        ] {
            let e = with_replacement(from, to).unwrap_err().to_string();
            assert!(e.contains("line ") && e.contains("column "), "{to}: {e}");
            assert!(e.contains(says), "{to}: {e}");
        }
    }

    /// An overlay's value is checked after merging, and reported where the overlay wrote it.
    #[test]
    fn an_overlay_value_out_of_range_is_reported_at_its_line_and_column() {
        let overlay = (
            "over/policy.toml".to_string(),
            "[overlay]\nbase = \"../2022-23\"\n\n[surplus_seat]\nquote = \"q\"\n\
             charge_gbp   = 1e300\n"
                .to_string(),
        );
        let e = Policy::from_layers(&[shipped(), vec![overlay]])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "over/policy.toml, line 6, column 16: surplus_seat.charge_gbp: 1e300 is outside \
                 the plausible range of amounts, 0 to 100000 pounds (merged: "
            ),
            "{e}"
        );
        assert!(
            e.ends_with("home-to-school.toml with over/policy.toml)"),
            "{e}"
        );
    }

    #[test]
    fn structure_errors_are_reported() {
        let e = with_replacement("  \"post16-assistance\",\n", "")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not listed"), "{e}");
        let e = with_replacement("[surplus_seat]", "[surplus_seats]")
            .unwrap_err()
            .to_string();
        assert!(e.contains("surplus_seats"), "{e}");
        let mut src = shipped();
        src.retain(|(n, _)| n.ends_with("home-to-school.toml"));
        let e = Policy::from_sources(&src).unwrap_err().to_string();
        assert!(e.contains("which no file defines"), "{e}");
        assert!(e.contains("post19-ehcp"), "{e}");
    }
}
