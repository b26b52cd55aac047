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
mod letter;
pub mod overlay;
pub mod ranges;
mod types;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use types::{Comparison, Gbp, Limit, Measure, Percent, YearGroup, YearRange};
// Clauses 1.1.8-1.1.13, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2 and 5.
pub use circumstances::{Finding, Flag, Recorded};
// Clause 1.1.3: area specific rules.
pub use area_rule::{AreaRule, AreaRuleForm};
pub use letter::{
    check_placeholders as letter_placeholders, fill as fill_letter, Council, Letter, Logo,
    OutcomeWords, Signatory, Words,
};
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
    /// Its message includes the inner error's, so the inner one is not also its source (an error
    /// chain would say it twice).
    #[error("{file}: {inner}")]
    InFile {
        file: String,
        inner: Box<PolicyError>,
    },
    #[error("policy: rule '{rule}' borrows the criteria of '{wanted}', which is not a rule of the right form")]
    BadReference { rule: String, wanted: String },
    /// A rule whose values do not hold together (its form's own checks).
    #[error("policy: rule '{rule}' {message}")]
    Rule { rule: String, message: String },
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
    /// Ids of the rules whose school sets define a non-preference school (the catchment or
    /// nearest school), whether or not the child meets the rule's distance.
    pub accepted_by: Vec<String>,
    /// Rules whose schools count as non-preference only where the child is eligible under them
    /// (clause 1.1.6: "one of the three nearest eligible schools in the case of 1.1.4").
    #[serde(default)]
    pub eligible_only: Option<EligibleOnly>,
}

/// Rules whose school sets define a non-preference school only where the child is eligible to
/// the school under the rule (clause 1.1.6: a school of 1.1.4's three nearest that fails 1.1.4's
/// distance test is not one of the three nearest *eligible* schools, so attending it is
/// parental preference for surplus seat priority, clause 1.3.3).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibleOnly {
    #[serde(flatten)]
    pub cite: Cite,
    pub rules: Vec<String>,
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
    /// Whether a selective (grammar) school is suitable only for a child recorded as qualifying
    /// for it (`selective_qualified`): a child who has not "could not attend".
    #[serde(default)]
    pub selective_needs_qualification: bool,
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

/// Where a walk starts (clause 1.1.1: "Walking routes are from where the property meets the
/// adopted road").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalkStart {
    #[serde(flatten)]
    pub cite: Cite,
    /// `adopted_road` or `nearest_path`.
    pub at: crate::area::StartAt,
    /// Two roads whose distances from the home differ by no more than this many metres leave
    /// the access point ambiguous: the case is decided from each.
    #[serde(deserialize_with = "ranges::ambiguity_metres")]
    pub ambiguous_within_m: u32,
}

impl WalkStart {
    /// The rule as the area applies it.
    pub fn rule(&self) -> crate::area::WalkStartRule {
        crate::area::WalkStartRule {
            at: self.at,
            ambiguous_within_m: f64::from(self.ambiguous_within_m),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
