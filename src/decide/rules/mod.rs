//! The rule forms. A form is one kind of `[[...]]` table in the policy files (a distance rule, a
//! referral, the post-16 scheme ...) and how a rule of that kind decides. Each form is one file
//! here holding all of it: the TOML shape (with the shared [`Head`]: id, basis, clause, quote),
//! the checks serde cannot make, the rule it borrows criteria from, how `policy show` describes
//! it, and how it decides (an impl of [`Form`]). A form is registered in one line of
//! [`rule_forms`]; the policy reader, the engine and `policy show` find it there. A new clause is
//! a new entry of an existing form in the policy TOML, or a new form here; never an edit across
//! the code (see docs/architecture.md, "Adding a rule form").
//!
//! * `not_provided` – year groups with no transport (pre-school, clause 1.2.1).
//! * `distance_rule` – catchment/nearest and distance limits (clauses 1.1.1, 1.1.2, 1.1.4, 1.1.5,
//!   1.1.15), with unavailable routes disregarded (clause 1.5.4).
//! * `referral`     – SEND, disability and medical needs sent to an officer (clause 1.1.12).
//! * `post16_assistance` – the 16+ Assistance Scheme criteria (Post-16 policy section 3).
//! * `split_residency` – the nominated or GP-record address of a child with two homes (1.5).
//! * `bar`          – recorded circumstances under which no support is given (clause 1.1.8).
//! * `note`         – circumstances the officer is told of, eligibility unchanged (clause 1.1.13).
//! * `temporary_housing` – support for at most two school terms after re-housing (1.1.9).
//! * `changing_school` – a parent's change of school (clause 1.1.10).
//! * `moving_house` – remaining at the existing school after a move (clause 1.1.8).
//! * `year11_move`  – remaining at the existing school after a move in Year 11 (clause 1.1.11).
//! * `placement`    – panel and council placements (clauses 1.1.16, 4.2, 4.3).
//! * `transitional` – reorganisations and catchment changes (clause 4.1).
//! * `post16_send`  – 16-18 SEND and medical travel assistance (Post-16 policy section 2).
//! * `post19`       – 19-25 travel assistance where the EHCP makes it necessary (section 5).
//!
//! Helpers several forms share: `recorded` (officer findings, borrowed age/distance criteria),
//! `against_limit` (one distance against one limit, with the unavailable-route fallback) and
//! `surplus_seat` (the charge and priority for those not eligible, clauses 1.3.1-1.3.3).

mod against_limit;
mod recorded;
pub mod surplus_seat;

// The forms' files (Rust needs each declared; the registry below is what makes it a form).
mod bar;
mod changing_school;
mod distance_rule;
mod moving_house;
mod not_provided;
mod note;
mod placement;
mod post16_assistance;
mod post16_send;
mod post19;
mod referral;
mod split_residency;
mod temporary_housing;
mod transitional;
mod year11_move;

/// The registry of rule forms, one line each: the name of the form's TOML tables
/// (`[[distance_rule]]`), which is also its file here, and the type they are read into. Rules
/// of a file are taken form by form in this order before `[decision] order` sorts them.
macro_rules! rule_forms {
    ($then:path) => {
        $then! {
            not_provided: NotProvided,
            distance_rule: DistanceRule,
            referral: Referral,
            post16_assistance: Post16Assistance,
            split_residency: SplitResidency,
            bar: Bar,
            note: Note,
            temporary_housing: TemporaryHousing,
            changing_school: ChangingSchool,
            moving_house: MovingHouse,
            year11_move: Year11Move,
            placement: Placement,
            transitional: Transitional,
            post16_send: Post16Send,
            post19: Post19,
        }
    };
}
pub(crate) use rule_forms;

/// Declares [`Rule`], one variant a registered form, and what it asks of each form.
macro_rules! declare_rule {
    ($($key:ident: $Form:ident),* $(,)?) => {
        $(pub use $key::$Form;)*

        /// A rule of the policy, of one of the registered forms.
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum Rule {
            $($Form($Form),)*
        }

        impl Rule {
            /// The rule as its form.
            pub fn form(&self) -> &dyn Form {
                match self {
                    $(Rule::$Form(r) => r,)*
                }
            }

            /// The rule's id, basis, clause and quote: every form's `head` field.
            pub fn head(&self) -> HeadRef<'_> {
                match self {
                    $(Rule::$Form(r) => r.head.as_ref(),)*
                }
            }

            /// The name of the rule's form, as its tables are written (`distance_rule`).
            pub fn form_name(&self) -> &'static str {
                match self {
                    $(Rule::$Form(_) => stringify!($key),)*
                }
            }
        }
    };
}
rule_forms!(declare_rule);

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::area::AreaError;
use crate::network::Mode;
use crate::policy::{Basis, Cite};

use super::case::Case;
use super::context::{Ctx, DecideError};
use super::decision::{Reason, ThresholdApplied};

/// What every rule starts with: its id (as `[decision] order` lists it), the basis a decision
/// under it is recorded on, and the clause and quote it rests on. Flattened into each form, so
/// the TOML writes them as the rule's own keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "HeadKeys")]
pub struct Head {
    pub id: String,
    pub basis: Basis,
    #[serde(flatten)]
    pub cite: Cite,
}

/// The head's keys as the TOML writes them. A head is read through this flat struct because
/// serde cannot flatten a struct that itself flattens (`cite`) into one that refuses unknown
/// keys: the inner keys would be read but still reported as unknown.
#[derive(Deserialize)]
struct HeadKeys {
    id: String,
    #[serde(default)]
    basis: Option<Basis>,
    clause: String,
    quote: String,
}

/// The head of a form that never decides (a note for the officer): id, clause and quote, no
/// basis.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "HeadKeys")]
pub struct NoteHead {
    pub id: String,
    #[serde(flatten)]
    pub cite: Cite,
}

/// A rule's head as every form gives it: the basis is absent for forms that never decide.
#[derive(Debug, Clone, Copy)]
pub struct HeadRef<'a> {
    pub id: &'a str,
    pub basis: Option<&'a Basis>,
    pub cite: &'a Cite,
}

impl TryFrom<HeadKeys> for Head {
    type Error = String;

    fn try_from(k: HeadKeys) -> Result<Self, String> {
        let Some(basis) = k.basis else {
            return Err(format!(
                "rule '{}' decides cases, so it needs a basis (basis = \"...\", named in \
                 [letter.basis])",
                k.id
            ));
        };
        Ok(Head {
            id: k.id,
            basis,
            cite: Cite {
                clause: k.clause,
                quote: k.quote,
            },
        })
    }
}

impl TryFrom<HeadKeys> for NoteHead {
    type Error = String;

    fn try_from(k: HeadKeys) -> Result<Self, String> {
        if k.basis.is_some() {
            return Err(format!(
                "rule '{}' only tells the officer, it never decides: remove its basis",
                k.id
            ));
        }
        Ok(NoteHead {
            id: k.id,
            cite: Cite {
                clause: k.clause,
                quote: k.quote,
            },
        })
    }
}

impl Head {
    /// The head as [`Rule::head`] gives it.
    pub fn as_ref(&self) -> HeadRef<'_> {
        HeadRef {
            id: &self.id,
            basis: Some(&self.basis),
            cite: &self.cite,
        }
    }
}

impl NoteHead {
    /// The head as [`Rule::head`] gives it.
    pub fn as_ref(&self) -> HeadRef<'_> {
        HeadRef {
            id: &self.id,
            basis: None,
            cite: &self.cite,
        }
    }
}

/// A rule form: what the policy reader, `policy show` and the engine ask of a rule. Only
/// [`Form::summary`] and [`Form::apply`] are needed; the rest say what few forms do. The rule's
/// head is its `head` field ([`Head`], or [`NoteHead`] for a form that never decides), which
/// [`Rule::head`] reads.
pub trait Form {
    /// Bases the rule can decide on besides its own (a recorded finding's, remaining on
    /// preference): the letter must give words for each.
    fn other_bases(&self) -> Vec<&Basis> {
        Vec::new()
    }

    /// The rule whose criteria this one borrows, and the form that rule must be of (clauses
    /// 1.1.9, 1.1.10, 1.1.8, 1.1.16, 4.2, 4.3: "the age/distance criteria"; Post-16 section 2).
    fn borrows(&self) -> Option<(&str, &'static str)> {
        None
    }

    /// Checks across the rule's own values that reading each value cannot make (year bands
    /// that overlap): the message, when the rule is refused.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }

    /// Figures of the rule that another value of the policy sets (section 2.5's contribution is
    /// the surplus seat charge): (what, clause, value), so that `policy diff` shows them change
    /// with the value they follow.
    fn derived_figures(&self, _policy: &super::Policy) -> Vec<(String, String, String)> {
        Vec::new()
    }

    /// Where the case is decided from when not the home given (section 1.5: the nominated home
    /// of a child with two homes); asked of every rule before any is applied.
    fn decided_home(&self, _case: &Case) -> Option<Case> {
        None
    }

    /// What `policy show` says of the rule after `rule <id> [<clause>]: `, on one line.
    fn summary(&self) -> String;

    /// Lines `policy show` prints under the summary (a distance rule's year bands), if any.
    fn details(&self, _out: &mut String) {}

    /// The rule's finding on the case; warnings for the officer and the terms of the support it
    /// decides go in `notes`.
    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError>;
}

impl Rule {
    /// What `policy show` prints of the rule: its summary line, then any details.
    pub fn describe(&self, out: &mut String) {
        let form = self.form();
        let head = self.head();
        let _ = writeln!(
            out,
            "rule {} [{}]: {}",
            head.id,
            head.cite.clause,
            form.summary()
        );
        form.details(out);
    }

    /// The rule's id, as listed in `[decision] order`.
    pub fn id(&self) -> &str {
        self.head().id
    }

    /// Every basis the rule can decide on: its own, and any other it names.
    pub fn bases(&self) -> Vec<&Basis> {
        self.head()
            .basis
            .into_iter()
            .chain(self.form().other_bases())
            .collect()
    }
}

/// The name a value has in the policy TOML (e.g. `free_school_meals`), for `policy show`.
pub fn toml_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The case fields of recorded findings, comma separated.
pub fn finding_names(fs: &[&crate::policy::Finding]) -> String {
    fs.iter()
        .map(|f| toml_name(&f.field))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names of several values, comma separated.
pub fn toml_names<T: Serialize>(vs: &[T]) -> String {
    vs.iter().map(toml_name).collect::<Vec<_>>().join(", ")
}

/// What one rule concluded about a case.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The rule does not speak to this case (another year group, no qualifying benefit, ...).
    NotApplicable,
    /// Eligible under this rule.
    Eligible {
        basis: Basis,
        clause: String,
        threshold: Option<ThresholdApplied>,
    },
    /// The rule applies to the child but its conditions are not met. `school_qualifies` says
    /// whether the school applied for was one the rule accepts (if not: parental preference).
    NotMet {
        basis: Basis,
        clause: String,
        threshold: Option<ThresholdApplied>,
        school_qualifies: bool,
    },
    /// An officer must decide on evidence.
    Refer { basis: Basis, clause: String },
    // Clauses 1.1.8-1.1.10, 1.5: verdicts that decide whatever later rules say.
    /// The clause says no transport support is provided, whatever later rules say.
    Bar { basis: Basis, clause: String },
    /// An officer must record a finding before any later rule can decide.
    Hold { basis: Basis, clause: String },
}

/// What a rule says of the support besides eligibility: when it ends and what it costs (clauses
/// 1.1.9, 4.1; Post-16 sections 2, 3 and 5).
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub ends: Option<crate::decide::decision::SupportEnds>,
    pub charge: Option<crate::decide::decision::Charge>,
}

/// What a rule produces besides its verdict and reasons: warnings for the officer ("close to the
/// limit", evidence still needed) and the terms of the support it decides. A rule writes them
/// here as it goes; [`apply`] hands them back with the finding, so that they belong to the rule
/// that raised them (kept even when the rule then refers the case for a distance it could not
/// measure).
#[derive(Debug, Clone, Default)]
pub struct Notes {
    pub warnings: Vec<String>,
    pub terms: Terms,
}

impl Notes {
    /// Adds a warning for the officer (once).
    pub fn warn(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }
}

/// A verdict with the reasons that led to it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
}

impl Finding {
    /// A rule that does not speak to the case.
    pub fn not_applicable() -> Finding {
        Finding {
            verdict: Verdict::NotApplicable,
            reasons: Vec::new(),
        }
    }
}

/// What a rule concludes when a distance it needs cannot be measured because the home is placed
/// on another mode's network but not this one's (a footpath within reach but no road, say): it
/// refers the case, naming the measurement and how to supply it, rather than failing the whole
/// case or deciding without the distance. A rule that never needed the distance has already
/// decided without it. Any other error is returned as it is.
pub fn unmeasured(rule: &Rule, ctx: &Ctx, e: DecideError) -> Result<Finding, DecideError> {
    let (what, clause, source) = match e {
        DecideError::Unmeasured {
            what,
            clause,
            source,
        } => (what, clause, source),
        DecideError::Area(a) => match (a.unmeasured_route(), rule.head()) {
            (Some(what), HeadRef { basis: Some(_), .. }) => {
                (what, rule.head().cite.clause.clone(), a)
            }
            _ => return Err(DecideError::Area(a)),
        },
        e => return Err(e),
    };
    let Some(basis) = rule.head().basis else {
        return Err(DecideError::Area(source));
    };
    Ok(Finding {
        verdict: Verdict::Refer {
            basis: basis.clone(),
            clause: clause.clone(),
        },
        reasons: vec![unmeasured_reason(ctx, what, clause, &source)],
    })
}

/// The reason given when the `what` distance a clause needs could not be measured: which
/// distance, why, and how an officer can supply it.
pub fn unmeasured_reason(ctx: &Ctx, what: &str, clause: String, source: &AreaError) -> Reason {
    let how = if ctx.case.access_point.is_some() {
        "check the access point (access_easting, access_northing), or measure the distance by \
         hand"
    } else {
        "give an access point (access_easting, access_northing) where the home meets the road \
         and decide again, or measure the distance by hand"
    };
    // A home whose only path within reach is assessed unsafe is placed when safety is ignored:
    // say so, since "no usable edge" alone would read as a home off the map.
    let unsafe_path = match (source, ctx.home_snap(Mode::WalkIgnoringSafety)) {
        (AreaError::HomeSnap { .. }, Ok(s)) if what == "walking route" => format!(
            " (the nearest path, {:.0} m from the home, is assessed unsafe: clause {})",
            crate::decide::from_home(ctx, s.point),
            ctx.policy.unavailable_route.cite.clause
        ),
        _ => String::new(),
    };
    Reason {
        clause,
        text: format!(
            "The {what} from home to {} could not be measured: {source}{unsafe_path}. An officer \
             must {how}.",
            ctx.school.name
        ),
        figures: Some(format!("{what} not measured")),
    }
}

/// Applies one rule of the policy to the case: its finding, and the warnings and terms it gave.
/// A distance the rule needed but could not measure (the home is on another mode's network
/// only) makes it refer the case (see [`unmeasured`]).
pub fn apply(rule: &Rule, ctx: &Ctx) -> Result<(Finding, Notes), DecideError> {
    let mut notes = Notes::default();
    let finding = match rule.form().apply(ctx, &mut notes) {
        Ok(f) => f,
        Err(e) => unmeasured(rule, ctx, e)?,
    };
    Ok((finding, notes))
}
