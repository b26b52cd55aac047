//! One application: the child, the home, the school and the family circumstances the policy asks
//! about. Built by the loaders in `crate::io` after validation; the engine trusts its types.

use serde::Serialize;

use crate::area::Urn;
use crate::policy::{Benefit, YearGroup};

/// The child's sex, used only to rule out single-sex schools (clause 1.1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// Parses `M`, `F`, `male`, `female`, `boy`, `girl` in any case.
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim().to_ascii_lowercase().as_str() {
            "m" | "male" | "boy" => Some(Sex::Male),
            "f" | "female" | "girl" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// An application, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: String,
    /// Home location, BNG metres.
    pub home: geo::Point<f64>,
    /// Where the property meets the adopted road, when known (clause 1.1.1): given with the
    /// case, or the address gazetteer's.
    pub access_point: Option<geo::Point<f64>>,
    /// Where the home point came from (coordinates, the gazetteer by UPRN, a postcode's
    /// centroid), and so how far it may be from the property.
    pub home_from: crate::area::HomeFrom,
    /// Whether `access_point` is the address gazetteer's rather than given with the case.
    pub access_from_gazetteer: bool,
    /// What reading the case found worth saying (coordinates far from the UPRN's point): the
    /// decision's warnings carry them.
    #[serde(skip)]
    pub notes: Vec<String>,
    pub year_group: YearGroup,
    pub date_of_birth: Option<chrono::NaiveDate>,
    pub sex: Option<Sex>,
    pub school: Urn,
    pub free_school_meals: bool,
    pub max_working_tax_credit: bool,
    pub universal_credit: bool,
    pub faith: Option<String>,
    pub faith_evidence: u8,
    pub ehcp: bool,
    pub mobility_need: bool,
    pub child_in_care: bool,
    pub registered_disability: bool,
    pub medical_condition: bool,
    pub young_carer: bool,
    pub vulnerable: bool,
    pub resident_in_area: bool,
    /// Whether the child has qualified for a selective (grammar) school (clause 1.1.7); `None`
    /// when not recorded, which counts as not qualified.
    pub selective_qualified: Option<bool>,
    pub hours_per_week: Option<f64>,
    pub days_per_week: Option<u8>,
    pub schools_without_places: Vec<Urn>,
    // Clauses 1.1.8-1.1.12, 1.1.16, 1.5, 4.1-4.3; Post-16 sections 2, 3 and 5. Option<bool> is a
    // finding an officer records: yes, no, or not yet made.
    /// The school the child attended before a house move or change of school.
    pub previous_school: Option<Urn>,
    /// The family has moved house (clauses 1.1.8, 1.1.11).
    pub moved_house: bool,
    /// Displaced from home because of family related issues (clause 1.1.8).
    pub displaced_by_family_issues: bool,
    /// The date the family was temporarily re-housed (clause 1.1.9).
    pub temporarily_rehoused_on: Option<chrono::NaiveDate>,
    /// The last days of the existing school's terms, from the school's calendar (clause 1.1.9).
    pub school_term_ends: Vec<chrono::NaiveDate>,
    pub rehousing_reason_accepted: Option<bool>,
    pub place_secured_in_area: Option<bool>,
    /// The parents decided to change school (clause 1.1.10).
    pub changed_school: bool,
    pub move_supported: Option<bool>,
    pub year11_move_exceptional: Option<bool>,
    pub existing_school_reasonable: Option<bool>,
    /// A Professional Assessment (clause 1.1.12; Post-16 section 2).
    pub professional_assessment: Option<bool>,
    pub cic_manager_recommended: bool,
    pub fair_access_allocated: bool,
    /// A Managed Move (clause 1.1.16): through a panel, or on a parent's application.
    pub managed_move: Option<ManagedMove>,
    pub only_other_appropriate_school: Option<bool>,
    pub alternative_provision: bool,
    pub ap_remain: bool,
    /// Clause 4.1: dates of implementation.
    pub reorganised_on: Option<chrono::NaiveDate>,
    pub catchment_changed_on: Option<chrono::NaiveDate>,
    /// Clause 4.1: the minimum distance the Director set for this reorganisation, miles.
    pub reorganisation_min_miles: Option<f64>,
    /// Already receives transport support to the school (clause 4.1).
    pub receives_transport: bool,
    /// Split residency (section 1.5): the other parent's home, which address is nominated, and
    /// which is on the child's GP record.
    pub second_home: Option<geo::Point<f64>>,
    pub nominated_address: Option<Address>,
    pub gp_address: Option<Address>,
    /// Post-16 section 2.
    pub distance_criterion_disapplied: Option<bool>,
    pub applied_on: Option<chrono::NaiveDate>,
    pub course_starts: Option<chrono::NaiveDate>,
    /// Post-16 sections 3 and 5.
    pub ehcp_transport_necessary: Option<bool>,
    pub medical_officer_evidence: Option<bool>,
    /// Clause 1.1.7: the application refused at the catchment/nearest school for a full year
    /// group, and whether it was on time.
    pub year_group_full: Option<Application>,
    /// Clause 1.1.7: a sibling eligible for transport to this school remains on roll.
    pub sibling_eligible_on_roll: bool,
    /// Clause 1.1.7: the child attended an LA-nominated alternative school and transfers to its
    /// pyramid's receiver school; and the officer's finding on the catchment school.
    pub attended_la_alternative: bool,
    pub catchment_cannot_continue: Option<bool>,
    /// Clause 1.1.2: the child (with an EHCP) attends the school's base provision.
    pub base_provision: bool,
    /// Clause 1.1.2: the SEN team's finding that the school is the closest appropriate special
    /// school or base provision for the child's needs.
    pub closest_appropriate_provision: Option<bool>,
    /// Facts about what follows the decision (clauses 1.1.14, 1.5.1, 1.5.2, 2.3, 2.4, 5.2).
    pub follow_up: FollowUpFacts,
}

/// What the letter needs to know besides eligibility: where the child would be picked up, how
/// the child travels, the dates of letters, appeals, authorisations and audits, lost passes and
/// the cost of exceptional support. All optional; each follow-up is stated only when its facts
/// are given.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FollowUpFacts {
    /// The nearest pick-up point offered (clause 2.3), BNG metres.
    pub pickup_point: Option<geo::Point<f64>>,
    /// The planned each-way journey, gate to gate, in minutes (clause 2.2).
    pub journey_minutes: Option<u32>,
    /// How the child travels (clause 2.4).
    pub transport_type: Option<crate::policy::TransportType>,
    /// When the family received the refusal letter (clause 5.2, stage 1).
    pub letter_received_on: Option<chrono::NaiveDate>,
    /// When the stage 1 appeal was submitted (clause 5.2, review).
    pub appeal_submitted_on: Option<chrono::NaiveDate>,
    /// When the family was told the review's result (clause 5.2, stage 2).
    pub review_notified_on: Option<chrono::NaiveDate>,
    /// Appeals already made for this journey in this academic year (clause 5.2).
    pub appeals_this_year: u32,
    /// When an approval made in error was found (clause 1.5.1).
    pub error_found_on: Option<chrono::NaiveDate>,
    /// Whether the transport approved in error had started (clause 1.5.1).
    pub transport_started: Option<bool>,
    /// The last days of the school's half-terms (clause 1.5.1).
    pub half_term_ends: Vec<chrono::NaiveDate>,
    /// Dates from which the council's liability for the cost runs (clause 1.5.2).
    pub authorised_on: Option<chrono::NaiveDate>,
    pub appeal_heard_on: Option<chrono::NaiveDate>,
    pub safety_audit_on: Option<chrono::NaiveDate>,
    /// How many times the contract vehicle pass has been lost, this loss included (1.5.2).
    pub passes_lost: u32,
    /// The cost per day of the support considered under exceptional circumstances (1.1.14).
    pub exceptional_cost_per_day: Option<crate::units::Pence>,
}

/// When an application refused for a full year group was made (clause 1.1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Application {
    /// By the nationally recognised deadline.
    OnTime,
    /// After it, though it could have been made on time.
    Late,
}

/// How a Managed Move came about (clause 1.1.16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ManagedMove {
    /// Through the In Year Fair Access process or the Local Inclusion Panel.
    Panel,
    /// Agreed as a result of a parent making an application.
    Parent,
}

/// One of the two addresses of a child with split residency (section 1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Address {
    /// The home given in easting/northing (or latitude/longitude).
    First,
    /// The home given in second_easting/second_northing.
    Second,
}

impl Case {
    /// A case with only the required fields; every circumstance defaults to "no".
    pub fn new(id: &str, home: geo::Point<f64>, year_group: YearGroup, school: Urn) -> Case {
        Case {
            id: id.to_string(),
            home,
            access_point: None,
            home_from: crate::area::HomeFrom::Coordinates,
            access_from_gazetteer: false,
            notes: Vec::new(),
            year_group,
            date_of_birth: None,
            sex: None,
            school,
            free_school_meals: false,
            max_working_tax_credit: false,
            universal_credit: false,
            faith: None,
            faith_evidence: 0,
            ehcp: false,
            mobility_need: false,
            child_in_care: false,
            registered_disability: false,
            medical_condition: false,
            young_carer: false,
            vulnerable: false,
            resident_in_area: true,
            selective_qualified: None,
            hours_per_week: None,
            days_per_week: None,
            schools_without_places: Vec::new(),
            previous_school: None,
            moved_house: false,
            displaced_by_family_issues: false,
            temporarily_rehoused_on: None,
            school_term_ends: Vec::new(),
            rehousing_reason_accepted: None,
            place_secured_in_area: None,
            changed_school: false,
            move_supported: None,
            year11_move_exceptional: None,
            existing_school_reasonable: None,
            professional_assessment: None,
            cic_manager_recommended: false,
            fair_access_allocated: false,
            managed_move: None,
            only_other_appropriate_school: None,
            alternative_provision: false,
            ap_remain: false,
            reorganised_on: None,
            catchment_changed_on: None,
            reorganisation_min_miles: None,
            receives_transport: false,
            second_home: None,
            nominated_address: None,
            gp_address: None,
            distance_criterion_disapplied: None,
            applied_on: None,
            course_starts: None,
            ehcp_transport_necessary: None,
            medical_officer_evidence: None,
            year_group_full: None,
            sibling_eligible_on_roll: false,
            attended_la_alternative: false,
            catchment_cannot_continue: None,
            base_provision: false,
            closest_appropriate_provision: None,
            follow_up: FollowUpFacts::default(),
        }
    }

    /// Split residency (section 1.5): the address the case is decided from, when a second home
    /// is given: the nominated one, else the one on the GP record; `None` when neither is known.
    pub fn split_residency_address(&self) -> Option<Address> {
        self.second_home?;
        self.nominated_address.or(self.gp_address)
    }

    /// A recorded finding (clauses 1.1.9-1.1.16; Post-16 sections 2, 3, 5).
    pub fn recorded(&self, r: crate::policy::Recorded) -> Option<bool> {
        use crate::policy::Recorded as R;
        match r {
            R::RehousingReasonAccepted => self.rehousing_reason_accepted,
            R::PlaceSecuredInArea => self.place_secured_in_area,
            R::MoveSupported => self.move_supported,
            R::Year11MoveExceptional => self.year11_move_exceptional,
            R::ExistingSchoolReasonable => self.existing_school_reasonable,
            R::ProfessionalAssessment => self.professional_assessment,
            R::OnlyOtherAppropriateSchool => self.only_other_appropriate_school,
            R::DistanceCriterionDisapplied => self.distance_criterion_disapplied,
            R::EhcpTransportNecessary => self.ehcp_transport_necessary,
            R::MedicalOfficerEvidence => self.medical_officer_evidence,
            R::CatchmentCannotContinue => self.catchment_cannot_continue,
        }
    }

    /// A yes/no circumstance (clauses 1.1.8, 1.1.13, 1.1.16, 4.2, 4.3).
    pub fn flag(&self, f: crate::policy::Flag) -> bool {
        use crate::policy::Flag as F;
        match f {
            F::ChildInCare => self.child_in_care,
            F::CicManagerRecommended => self.cic_manager_recommended,
            F::FairAccessAllocated => self.fair_access_allocated,
            F::ManagedMoveByPanel => self.managed_move == Some(ManagedMove::Panel),
            F::AlternativeProvision => self.alternative_provision,
            F::ApRemain => self.ap_remain,
            F::DisplacedByFamilyIssues => self.displaced_by_family_issues,
            F::YoungCarer => self.young_carer,
            F::YearGroupFullOnTime => self.year_group_full == Some(Application::OnTime),
            F::YearGroupFullLate => self.year_group_full == Some(Application::Late),
            F::SiblingEligibleOnRoll => self.sibling_eligible_on_roll,
            F::AttendedLaAlternative => self.attended_la_alternative,
        }
    }

    /// Whether the family receives the given benefit.
    pub fn receives(&self, b: Benefit) -> bool {
        match b {
            Benefit::FreeSchoolMeals => self.free_school_meals,
            Benefit::MaxWorkingTaxCredit => self.max_working_tax_credit,
            Benefit::UniversalCredit => self.universal_credit,
        }
    }
}
