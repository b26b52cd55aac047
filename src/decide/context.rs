//! Everything a rule may ask about one case, measured at most once: the school applied for, the
//! qualifying school sets, and routes from the home to any school on foot or by road.

use std::cell::RefCell;

use super::Policy;
use crate::area::{Area, AreaError, Located, Measured, School, Urn};
use crate::network::Mode;
use crate::policy::Benefit;

use super::case::Case;
use super::decision::Reason;
use super::schools::SchoolSets;
use super::Settings;

/// Why a case cannot be decided.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    Area(#[from] AreaError),
    #[error("{field} is needed to apply clause {clause}")]
    MissingInput { field: &'static str, clause: String },
    /// A distance a rule needs cannot be measured: the home is placed on another mode's
    /// network but not on this one's. The rule refers the case (see
    /// [`super::rules::unmeasured`]); the case as a whole is not an error.
    #[error("the {what} (clause {clause}) could not be measured: {source}")]
    Unmeasured {
        what: &'static str,
        clause: String,
        source: AreaError,
    },
}

type MeasureCache = Vec<((Urn, Mode), Result<Option<Measured>, AreaError>)>;

/// The case in the context of one policy and one area.
pub struct Ctx<'a> {
    pub policy: &'a Policy,
    pub area: &'a Area,
    pub case: &'a Case,
    pub school: &'a School,
    pub sets: SchoolSets,
    pub settings: &'a Settings,
    located: Located,
    cache: RefCell<MeasureCache>,
    /// Every distance compared with a limit, in the order the rules compared them: what was
    /// measured, the distance and the limit, metres (for a home whose point is uncertain).
    compared: RefCell<Vec<(&'static str, f64, f64)>>,
}

impl<'a> Ctx<'a> {
    /// Prepares a case; fails when the school applied for is unknown (or was left out of the
    /// area at load, saying why), or when the home cannot be placed in the area at all (see
    /// [`Area::check_placed`]): nothing can be decided about a home the area does not cover.
    pub fn new(
        policy: &'a Policy,
        area: &'a Area,
        case: &'a Case,
        settings: &'a Settings,
    ) -> Result<Ctx<'a>, DecideError> {
        let school = area
            .school(case.school)
            .ok_or_else(|| area.unknown_school(case.school))?;
        let located = area.locate(case.home, case.access_point, &policy.walk_start.rule());
        area.check_placed(&located)?;
        let sets = SchoolSets::new(area, policy, case);
        Ok(Ctx {
            policy,
            area,
            case,
            school,
            sets,
            settings,
            located,
            cache: RefCell::new(Vec::new()),
            compared: RefCell::new(Vec::new()),
        })
    }

    /// The shortest route in `mode` from the home to the school's nearest open entrance;
    /// `Ok(None)` when there is no available route.
    pub fn measure(&self, urn: Urn, mode: Mode) -> Result<Option<Measured>, AreaError> {
        if let Some((_, r)) = self.cache.borrow().iter().find(|(k, _)| *k == (urn, mode)) {
            return r.clone();
        }
        let r = self.area.measure(&self.located, urn, mode);
        self.cache.borrow_mut().push(((urn, mode), r.clone()));
        r
    }

    /// The route audits assessed unsafe along the shortest route in `mode` (clause 1.5.4).
    pub fn unsafe_audits_on_route(&self, urn: Urn, mode: Mode) -> Vec<String> {
        match self.area.route(&self.located, urn, mode) {
            Ok(Some(r)) => self.area.network().unsafe_refs(&r),
            _ => Vec::new(),
        }
    }

    /// Records a distance compared with a limit (what, distance, limit, metres).
    pub fn record_comparison(&self, what: &'static str, value_m: f64, limit_m: f64) {
        self.compared.borrow_mut().push((what, value_m, limit_m));
    }

    /// How many comparisons the rules have made so far.
    pub fn comparisons_made(&self) -> usize {
        self.compared.borrow().len()
    }

    /// The comparisons made from the `from`-th to before the `to`-th.
    pub fn comparisons(&self, from: usize, to: usize) -> Vec<(&'static str, f64, f64)> {
        self.compared.borrow()[from..to].to_vec()
    }

    /// Where the home's routes start (clause 1.1.1) and how that point was found.
    pub fn walk_start(&self) -> &crate::area::WalkStart {
        &self.located.start
    }

    /// Where the home was placed on `mode`'s network (clause 2.3 measures from it too).
    pub fn home_snap(&self, mode: Mode) -> Result<&crate::network::Snap, AreaError> {
        self.located.snap(mode)
    }

    /// A measurement already taken, if any (never measures).
    pub fn measured(&self, urn: Urn, mode: Mode) -> Option<Result<Option<Measured>, AreaError>> {
        self.cache
            .borrow()
            .iter()
            .find(|(k, _)| *k == (urn, mode))
            .map(|(_, r)| r.clone())
    }

    /// Straight-line distance to a school, metres.
    pub fn straight_line_m(&self, urn: Urn) -> Option<f64> {
        self.area
            .school(urn)
            .map(|s| self.area.straight_line_m(self.case.home, s))
    }

    /// Whether the family receives a benefit the policy counts as low income, with the reason.
    pub fn low_income(&self) -> Option<Reason> {
        let li = &self.policy.low_income;
        let got: Vec<Benefit> = li
            .qualifying
            .iter()
            .copied()
            .filter(|b| self.case.receives(*b))
            .collect();
        if got.is_empty() {
            return None;
        }
        let names: Vec<&str> = got
            .iter()
            .map(|b| match b {
                Benefit::FreeSchoolMeals => "free school meals",
                Benefit::MaxWorkingTaxCredit => "maximum Working Tax Credit",
                Benefit::UniversalCredit => "Universal Credit",
            })
            .collect();
        let clause = if got == [Benefit::UniversalCredit] {
            format!("{}, {}", li.cite.clause, li.universal_credit_clause)
        } else {
            li.cite.clause.clone()
        };
        Some(Reason {
            clause,
            text: format!("Low-income family: {}.", names.join(", ")),
            figures: None,
        })
    }

    /// Schools' names for reasons, joined with commas (`none` for no school).
    pub fn school_names(&self, urns: &[Urn]) -> String {
        if urns.is_empty() {
            return "none".to_string();
        }
        urns.iter()
            .map(|u| self.school_name(*u))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A school's name for reasons.
    pub fn school_name(&self, urn: Urn) -> String {
        self.area
            .school(urn)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("URN {urn}"))
    }
}
