//! Rule forms for family circumstances and placements (Appendix A clauses 1.1.8 to 1.1.13,
//! 1.1.16, 1.5, 4.1 to 4.3) and for post-16 SEND and post-19 travel assistance (Appendix B
//! sections 2 and 5). Each form is a TOML array of tables; every figure, period and date comes
//! from the file with its clause and quote.
//!
//! Where a clause turns on something only an officer can judge (a professional assessment,
//! exceptional circumstances, satisfactory reasons), the officer records the finding as a case
//! field ([`Recorded`]) and the form applies what the clause says follows; with nothing recorded
//! the case is referred, naming the evidence needed.

use serde::{Deserialize, Serialize};

use super::{Basis, Cite, Comparison, Gbp, Percent, SchoolSet, YearRange};

/// A yes/no circumstance given on the case (a flag that is simply true or false).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    ChildInCare,
    /// The school admits on the recommendation of the Child in Care Education Manager (4.2).
    CicManagerRecommended,
    /// A place allocated by the In Year Fair Access panel at an alternative school (4.3).
    FairAccessAllocated,
    /// Referred to a new school (a Managed Move) through the In Year Fair Access process or the
    /// Local Inclusion Panel (1.1.16).
    ManagedMoveByPanel,
    /// Referred to Alternative Provision, including Learning Centres (1.1.16).
    AlternativeProvision,
    /// It is deemed appropriate that the child remains at the Alternative Provision (1.1.16).
    ApRemain,
    /// Displaced from home because of family related issues (1.1.8).
    DisplacedByFamilyIssues,
    YoungCarer,
    /// An on-time application for the normal year of entry to the catchment (or nearest) school
    /// was refused because the year group is full (1.1.7).
    YearGroupFullOnTime,
    /// As above, but the application was late though it could have been made on time (1.1.7).
    YearGroupFullLate,
    /// A brother or sister is eligible for transport to this school, other than the
    /// catchment/nearest, and remains on roll (1.1.7).
    SiblingEligibleOnRoll,
    /// The child attended an alternative school nominated by the LA (year group full or other
    /// reason) and transfers to that pyramid's receiver school (1.1.7).
    AttendedLaAlternative,
}

/// A finding only an officer can make, recorded on the case as yes, no or blank (not yet made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recorded {
    /// Satisfactory reasons for the loss of the registered accommodation (1.1.9).
    RehousingReasonAccepted,
    /// The place at the existing school was secured on in-area grounds, not preference (1.1.9).
    PlaceSecuredInArea,
    /// All avenues at the current school pursued and the move supported by a professional (1.1.10).
    MoveSupported,
    /// Unavoidable reasons for the move, or the schools serving the new area are inappropriate
    /// (1.1.11).
    Year11MoveExceptional,
    /// The existing school is a reasonable and appropriate alternative to which transport can be
    /// offered from the new address (1.1.11).
    ExistingSchoolReasonable,
    /// A Professional Assessment supports the need (1.1.12; Post-16 section 2).
    ProfessionalAssessment,
    /// The new school is the only other appropriate school for the child (1.1.16).
    OnlyOtherAppropriateSchool,
    /// The "over 3 miles" criterion is dis-applied in exceptional circumstances (Post-16 2.5).
    DistanceCriterionDisapplied,
    /// The EHCP highlights transport as a necessity (Post-16 sections 3 and 5).
    EhcpTransportNecessary,
    /// Supporting evidence from the appropriate Medical Officer (Post-16 section 3).
    MedicalOfficerEvidence,
    /// The catchment area school does not operate the same age of transfer, or could not have
    /// offered a place (1.1.7, continuation at the age of transfer).
    CatchmentCannotContinue,
}

/// A recorded finding a rule needs, with the words it rests on and the evidence to ask for.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub field: Recorded,
    pub quote: String,
    /// What the officer must see before recording it.
    pub evidence: String,
}

/// Split residency (section 1.5, "Points of Clarification"): the case is decided from the
/// nominated home address, or where that is unclear or disputed, from the address on the
/// child's GP record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitResidency {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    /// Words for the GP-record fallback.
    pub gp_quote: String,
    pub evidence: String,
}

/// A recorded circumstance under which the clause says no transport support is provided,
/// whatever other rules say (e.g. clause 1.1.8, children displaced by family issues).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bar {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub when: Flag,
}

/// A circumstance that changes nothing about eligibility but which the officer must be told of
/// (clause 1.1.13, young carers): a warning on the decision.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub id: String,
    #[serde(flatten)]
    pub cite: Cite,
    pub when: Flag,
    pub text: String,
}

/// Temporary housing (clause 1.1.9): support to the existing school for at most N school terms.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryHousing {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    #[serde(deserialize_with = "super::ranges::terms")]
    pub max_terms: u8,
    /// Whether the term in which the family was re-housed counts as the first of the terms.
    pub count_term_of_rehousing: bool,
    /// The distance rule whose year bands are "the age/distance criteria".
    pub age_distance: String,
    /// Families whose main residence is in another authority's area are not supported.
    pub outside_area: Cite,
    pub reason: Finding,
    pub original_place: Finding,
    /// When support ends besides the term limit (return home, permanent re-housing, cost).
    pub ends_quote: String,
}

/// Changing school for other reasons (clause 1.1.10).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangingSchool {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    /// A transfer to one of these schools is approved on the usual rules.
    pub schools: SchoolSet,
    pub supported: Finding,
    pub age_distance: String,
}

/// Moving house and asking to remain at the existing school (clause 1.1.8).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovingHouse {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    /// From the new home, a school in this set is decided on the usual rules.
    pub schools: SchoolSet,
    pub age_distance: String,
    /// The basis when nearer schools have places: remaining is parental preference.
    pub preference_basis: Basis,
}

/// A family moving house in Year 11 (clause 1.1.11).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Year11Move {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub years: YearRange,
    /// From the new home, a school in this set is decided on the usual rules.
    pub schools: SchoolSet,
    /// Every circumstance that must apply.
    pub requires: Vec<Finding>,
}

/// Which school a placement accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementSchool {
    /// Any school: the placement was made "irrespective of the location of and space
    /// availability at other schools" (4.2, 4.3), or to an Alternative Provision setting.
    Any,
    /// The next nearest appropriate school (the nearest suitable school other than the previous
    /// one), or a school recorded as the only other appropriate school (1.1.16).
    NextNearestOrOnlyOther,
    /// The nearest suitable school with places (after the refusal) in the council's own area,
    /// unless a closer school with places in a neighbouring authority is under the qualifying
    /// distance (1.1.7).
    NearestWithPlaces,
}

/// A placement made by the council or a panel (clauses 1.1.16, 4.2, 4.3): the school it names
/// qualifies, subject (where the clause says so) to the age/distance criteria.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    /// Every one of these must be true on the case.
    pub when: Vec<Flag>,
    /// None of these may be true.
    #[serde(default)]
    pub unless: Vec<Flag>,
    pub school: PlacementSchool,
    /// For [`PlacementSchool::NextNearestOrOnlyOther`]: the recorded alternative.
    pub only_other: Option<Finding>,
    /// The distance rule whose year bands are "the age/distance criteria"; none: no distance
    /// criterion applies.
    pub age_distance: Option<String>,
    /// For [`PlacementSchool::NearestWithPlaces`]: the council's own LA codes; schools with
    /// another code are in neighbouring authorities.
    #[serde(default)]
    pub home_la_codes: Vec<String>,
    /// A finding the officer must record as yes before the placement qualifies (1.1.7).
    pub requires: Option<Finding>,
}

/// What starts a transitional period (clause 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionalStart {
    /// `reorganised_on`: the date a school reorganisation was implemented.
    Reorganisation,
    /// `catchment_changed_on`: the date a catchment area change was implemented.
    CatchmentChange,
}

/// The minimum distance set case by case (clause 4.1): recorded on the case in miles.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedMinimum {
    pub quote: String,
    pub comparison: Comparison,
    pub evidence: String,
}

/// Transport continued or introduced for a period after a reorganisation or catchment change
/// (clause 4.1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transitional {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub starts: TransitionalStart,
    /// Length of the period in whole years after the date of implementation.
    #[serde(deserialize_with = "super::ranges::years")]
    pub years: u8,
    /// The child must already receive transport support to the school.
    #[serde(default)]
    pub requires_receiving_transport: bool,
    /// A school in this set from the home is decided on the usual rules instead.
    pub unless_school_in: Option<SchoolSet>,
    pub minimum_distance: Option<RecordedMinimum>,
}

/// The application deadline: a day and month before the course starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub quote: String,
    #[serde(deserialize_with = "super::ranges::month")]
    pub month: u32,
    #[serde(deserialize_with = "super::ranges::day")]
    pub day: u32,
}

/// Post-16 travel assistance for students aged 16-18 with SEND or compelling medical
/// circumstances (Appendix B section 2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post16Send {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub years: YearRange,
    /// The section 3 rule whose residence, age, distance and full-time criteria apply.
    pub criteria_of: String,
    pub assessment: Finding,
    pub contribution_gbp: Gbp,
    pub contribution: Cite,
    pub reduction_percent: Percent,
    pub low_income_quote: String,
    pub disapplied: Finding,
    pub deadline: Deadline,
    pub reapply: Cite,
}

/// Post-19 transport (Appendix B section 5): free travel assistance for 19-25 year olds whose
/// EHCP makes it necessary.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post19 {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub years: YearRange,
    /// Inclusive age range ("between 19-25").
    #[serde(deserialize_with = "super::ranges::age")]
    pub from_age: u8,
    #[serde(deserialize_with = "super::ranges::age")]
    pub to_age: u8,
    /// The day and month on which age is taken, the last before the academic year.
    #[serde(deserialize_with = "super::ranges::month")]
    pub on_month: u32,
    #[serde(deserialize_with = "super::ranges::day")]
    pub on_day: u32,
    pub age_date_quote: String,
    pub necessity: Finding,
}

/// What follows once the finding a referral asks for is recorded (clause 1.1.12: a recorded
/// Professional Assessment makes the child eligible at a school the referral accepts).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnFinding {
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
    pub field: Recorded,
}
