//! What a decision says: outcome, basis, school, distances, the limit applied, the charge, the
//! surplus-seat priority, and the reasons, each citing its clause and the figures compared.

use serde::{Deserialize, Serialize};

use crate::area::Urn;
use crate::policy::Basis;

/// The outcome of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Eligible under `basis`: free transport (Appendix A 1.1: eligibility is "free provision").
    Eligible,
    /// Transport assistance under `basis` at a charge the family pays: the 16+ scheme's reduced
    /// charge (Post-16 section 3), the Post-16 SEND contribution (section 2.5). Appendix B 1.2.2:
    /// "There is no automatic eligibility to free home to school or college transport once a
    /// student is over 16".
    Assisted,
    NotEligible,
    /// An officer must decide on evidence the tool cannot see.
    Refer,
    /// The case could not be decided (bad input, home off the network, unknown school).
    Error,
}

impl Outcome {
    /// Whether transport is provided, free or at a charge.
    pub fn supported(self) -> bool {
        matches!(self, Outcome::Eligible | Outcome::Assisted)
    }

    /// The name written in CSV and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Eligible => "eligible",
            Outcome::Assisted => "assisted",
            Outcome::NotEligible => "not_eligible",
            Outcome::Refer => "refer",
            Outcome::Error => "error",
        }
    }
}

/// One reason: the clause applied, a plain-English sentence, and the figures compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub clause: String,
    pub text: String,
    /// E.g. "walking route 3.214 mi >= 3 mi".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<String>,
}

/// Distances from the home to the decided school, in metres (unrounded) and miles (3 dp).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Distances {
    pub walking_m: Option<f64>,
    pub driven_m: Option<f64>,
    pub straight_line_m: Option<f64>,
    /// True when the walking network offers no available route at all (clause 1.5.4).
    pub no_available_walking_route: bool,
    /// Straight-line distance from the home's point to where its walk joins the walking
    /// network (through the access point or the adopted road where the walk starts), metres;
    /// not counted in the distance.
    pub walking_snap_m: Option<f64>,
    /// The school entrance the walking route reaches.
    pub walking_entrance: Option<String>,
    /// Where the routes start (clause 1.1.1), when the walk was measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walk_start: Option<WalkStartShown>,
}

/// Where the measured routes start and how that point was found (clause 1.1.1: "from where the
/// property meets the adopted road"), for the letter, the panel and the decisions file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WalkStartShown {
    /// `access_point` (given in the case), `gazetteer_access_point` (the address gazetteer's),
    /// `adopted_road` (the nearest point of the nearest adopted road) or `nearest_path` (the
    /// nearest walkable way of any kind).
    pub how: &'static str,
    /// The clause of the policy's rule for where a walk starts.
    pub clause: String,
    /// Straight-line distance from the home's point to where the walk starts, metres (not
    /// counted in the distance).
    pub from_home_m: f64,
    /// The road or path the walk starts on, as named in the network, else its edge id.
    pub road: String,
    /// A second road about as near the home, when the access point is ambiguous.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_road: Option<crate::area::RoadPoint>,
}

impl WalkStartShown {
    /// The line the text and HTML reports give.
    pub fn describe(&self) -> String {
        let m = self.from_home_m;
        match self.how {
            "access_point" => format!(
                "from the access point given, on {}, {m:.1} m from the home's point (not counted)",
                self.road
            ),
            "gazetteer_access_point" => format!(
                "from the access point in the address gazetteer, on {}, {m:.1} m from the home's \
                 point (not counted)",
                self.road
            ),
            "adopted_road" => format!(
                "where the home meets the adopted road, on {}, {m:.1} m from the home's point \
                 (not counted; clause {})",
                self.road, self.clause
            ),
            _ => format!(
                "on the nearest path, {}, {m:.1} m from the home's point (not counted)",
                self.road
            ),
        }
    }
}

/// The limit that decided the outcome, e.g. "walking route >= 3 mi (1.1.1(ii))".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdApplied {
    pub clause: String,
    pub limits: Vec<String>,
    /// How far the child's distances were from meeting these limits, in metres (the amounts by
    /// which each unmet limit was missed, added; 0 when all were met): of the rules that refused
    /// a child at a school they accept, the one the child came closest to decides the refusal.
    /// `None` where the rule does not report one (post-16 and reorganisation rules, whose other
    /// criteria decide as much as the distance) or a distance was not measured; such rules decide
    /// a refusal only when no rule with a shortfall does.
    #[serde(skip)]
    pub shortfall_m: Option<f64>,
}

/// A surplus seat charge, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Charge {
    /// Pence; `None` when no price can be stated (operator's price unknown, or no scheme).
    pub pence: Option<i64>,
    pub clause: String,
    pub note: String,
}

/// Surplus seat priority (clause 1.3.3): rank and, within the rank, the walking distance that
/// orders applicants (furthest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurplusPriority {
    pub rank: u8,
    pub clause: String,
    pub tie_break_walking_m: Option<f64>,
}

/// When the support decided ends (clauses 1.1.9, 4.1; Post-16 section 2.4), and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupportEnds {
    pub date: chrono::NaiveDate,
    pub clause: String,
    pub note: String,
}

/// Something the letter states that follows from the decision without changing it (clauses
/// 1.1.14, 1.5.1, 1.5.2, 2.1, 2.3, 2.4, 5.2): a topic, its value in a fixed form (pence, a
/// date, yes/no) for machines and worked cases, and the sentence for the family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    pub topic: String,
    pub clause: String,
    pub value: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<String>,
}

/// The school decided about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolRef {
    pub urn: Urn,
    pub name: String,
}

/// A whole decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub id: String,
    pub outcome: Outcome,
    pub basis: Option<Basis>,
    /// The clause that decided the outcome.
    pub deciding_clause: Option<String>,
    pub school: Option<SchoolRef>,
    pub distances: Distances,
    pub threshold: Option<ThresholdApplied>,
    pub charge: Option<Charge>,
    pub surplus_priority: Option<SurplusPriority>,
    pub reasons: Vec<Reason>,
    pub warnings: Vec<String>,
    /// Why the case could not be decided (outcome `error`).
    pub error: Option<String>,
    /// When the support ends, where a clause limits it (clauses 1.1.9, 4.1; Post-16 2.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_ends: Option<SupportEnds>,
    /// What follows from the decision (clauses 1.1.14, 1.5.1, 1.5.2, 2.1, 2.3, 2.4, 5.2).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<FollowUp>,
    /// Where the home point came from, when not from coordinates given with the case: the
    /// address gazetteer (by UPRN) or a postcode's centroid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_from: Option<crate::area::HomeFrom>,
    /// The home is a postcode's centroid, not the property: the decision is provisional.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
    /// How far the distances measured may be out because the home point is not exactly the
    /// property (its quality, and where the walk was inferred to start), metres; `None` when the
    /// point's quality is not known (coordinates given with the case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty_m: Option<f64>,
    /// A limit the deciding rules compared lies within `uncertainty_m` of the distance: the
    /// decision could change with a more exact home point.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub could_change: bool,
}

impl Decision {
    /// Where the home point came from, in words, when not from coordinates given with the case.
    pub fn home_from_words(&self) -> Option<String> {
        use crate::area::HomeFrom;
        match self.home_from.as_ref()? {
            HomeFrom::Coordinates => None,
            HomeFrom::Gazetteer { .. } => Some(format!(
                "the property's point in the address gazetteer (by its UPRN){}",
                self.uncertainty_m
                    .map(|u| format!("; distances may be out by up to {u:.0} m"))
                    .unwrap_or_default()
            )),
            HomeFrom::Postcode { uncertainty_m, .. } => Some(format!(
                "its postcode's centroid, PROVISIONAL: it may be up to {uncertainty_m:.0} m from \
                 the property"
            )),
        }
    }

    /// A decision for a case that could not be decided.
    pub fn error(id: &str, message: String) -> Decision {
        Decision {
            id: id.to_string(),
            outcome: Outcome::Error,
            basis: None,
            deciding_clause: None,
            school: None,
            distances: Distances::default(),
            threshold: None,
            charge: None,
            surplus_priority: None,
            reasons: Vec::new(),
            warnings: Vec::new(),
            error: Some(message),
            support_ends: None,
            follow_ups: Vec::new(),
            home_from: None,
            provisional: false,
            uncertainty_m: None,
            could_change: false,
        }
    }
}
