//! The circumstances a case records that rule forms are written in (Appendix A clauses 1.1.7 to
//! 1.1.16, 1.5, 4.1 to 4.3; Appendix B sections 2, 3 and 5): yes/no flags ([`Flag`]) and
//! findings only an officer can make ([`Recorded`], asked for as a [`Finding`]). The forms
//! themselves are in `crate::decide::rules`, one file each.
//!
//! Where a clause turns on something only an officer can judge (a professional assessment,
//! exceptional circumstances, satisfactory reasons), the officer records the finding as a case
//! field ([`Recorded`]) and the form applies what the clause says follows; with nothing recorded
//! the case is referred, naming the evidence needed.

use serde::{Deserialize, Serialize};

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
