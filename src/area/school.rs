//! Schools and their entrances.

use std::fmt;

use crate::units::Pence;

/// A school's DfE Unique Reference Number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Urn(pub u32);

impl fmt::Display for Urn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Which pupils a school admits by sex (GIAS `Gender`); a boy is never suited to a girls' school
/// (clause 1.1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Mixed,
    Boys,
    Girls,
}

/// How the council's transport to a school is run; it decides what a surplus seat costs
/// (clauses 1.3.1 and 1.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorModel {
    /// Dorset Council contract vehicles: the council's surplus seat charge applies.
    CouncilContract,
    /// One School One Operator: the operator sets the pass price.
    OneSchoolOneOperator,
    /// Local public service routes: no surplus seat scheme.
    PublicService,
}

/// A school as the policy needs it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct School {
    pub urn: Urn,
    pub name: String,
    /// School site reference point (BNG metres); used for straight-line "nearest school".
    pub location: geo::Point<f64>,
    /// Statutory age range (GIAS `StatutoryLowAge` / `StatutoryHighAge`).
    pub low_age: u8,
    pub high_age: u8,
    pub gender: Gender,
    /// GIAS `ReligiousCharacter`, `None` for "Does not apply" / "None".
    pub religious_character: Option<String>,
    /// GIAS `TypeOfEstablishment (name)`.
    pub establishment_type: String,
    /// GIAS `LA (code)`, e.g. "838" for Dorset.
    pub la_code: String,
    pub operator_model: OperatorModel,
    /// Pass price set by a one-school-one-operator operator, when known.
    pub operator_pass_price: Option<Pence>,
    /// Whether the school has places in the relevant year groups (clauses 1.1.4, 1.1.7).
    pub has_places: bool,
    /// Whether the vehicles on the school's routes meet the Public Service Vehicle Accessibility
    /// Regulations (clause 1.3.4); `None` when not recorded.
    pub psvar_compliant: Option<bool>,
    /// A selective (grammar) school: GIAS `AdmissionsPolicy` is "Selective". Clause 1.1.7: a
    /// child who has not qualified for it "could not attend".
    pub selective: bool,
}

/// A school entrance ("nearest available entrance to school grounds", clause 1.1.1).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Gate {
    pub urn: Urn,
    pub name: String,
    pub point: geo::Point<f64>,
    /// Closed gates are not "available" and are never measured to.
    pub open: bool,
    /// When the entrance existed (clause 1.5.3); open-ended by default.
    pub valid: crate::network::Validity,
}

/// Why a row of the schools file was not loaded as a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOutWhy {
    /// `EstablishmentStatus` is `Closed`: a full GIAS extract lists closed schools too.
    Closed,
    /// Neither `Easting` nor `Northing` is given (GIAS has some such rows): a school with no
    /// location can be neither the nearest school nor measured to.
    NoLocation,
    /// `StatutoryLowAge` or `StatutoryHighAge` is empty or not a whole number: which year groups
    /// the school takes is not known, so it can be no child's suitable school.
    NoAges,
}

impl fmt::Display for LeftOutWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LeftOutWhy::Closed => "it is closed (EstablishmentStatus Closed)",
            LeftOutWhy::NoLocation => {
                "it has no Easting or Northing, so it can be neither the nearest school nor \
                 measured to"
            }
            LeftOutWhy::NoAges => {
                "its StatutoryLowAge or StatutoryHighAge is empty or not a whole number, so the \
                 year groups it takes are not known and it can be no child's suitable school"
            }
        })
    }
}

/// A row of the schools file left out at load, named so that nobody mistakes a missing school
/// for one that is not in the file: its URN and name, where it is, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOutSchool {
    pub urn: Urn,
    pub name: String,
    /// The schools file, as the area names it.
    pub file: String,
    /// The row's line in the file (1 = the header).
    pub line: u64,
    pub why: LeftOutWhy,
}

impl fmt::Display for LeftOutSchool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "school URN {} ({}) was left out of the area: {} line {}: {}",
            self.urn, self.name, self.file, self.line, self.why
        )
    }
}
