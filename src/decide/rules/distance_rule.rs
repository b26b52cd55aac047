//! The distance rule form: for the child's year band, the school attended must be one the band
//! accepts (catchment or nearest, clause 1.1.2; one of the N nearest with places, clause 1.1.4;
//! the nearest of the family's religion or belief, clause 1.1.15) and every distance limit must
//! hold. Routes with unsafe stretches are disregarded (clause 1.5.4): with no available walking
//! route at all, the child lives beyond every walking limit when the policy says so.
//!
//! Statutory walking distance (clause 1.1.1), low-income extended rights (clauses 1.1.4, 1.1.5)
//! and religion or belief (clause 1.1.15) are all entries of this form in the policy TOML.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::area::{AreaError, Urn};
use crate::decide::context::{Ctx, DecideError};
use crate::decide::decision::{Reason, ThresholdApplied};
use crate::network::Mode;
use crate::policy::{ranges, Cite, YearRange};
use crate::policy::{Limit, Measure, Requirement, SchoolSet};
use crate::units::Metres;

use super::against_limit::against_limit;
use super::{toml_name, Form, Head, Notes};
use super::{Finding, Verdict};

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
    #[serde(flatten)]
    pub head: Head,
    #[serde(default)]
    pub requires: Vec<Requirement>,
    #[serde(rename = "band")]
    pub bands: Vec<Band>,
}

impl Form for DistanceRule {
    fn check(&self) -> Result<(), String> {
        check_bands(self)
    }

    fn summary(&self) -> String {
        let req: Vec<String> = self.requires.iter().map(toml_name).collect();
        format!(
            "basis {}{}",
            self.head.basis,
            if req.is_empty() {
                String::new()
            } else {
                format!(", requires {}", req.join(" and "))
            }
        )
    }

    fn details(&self, out: &mut String) {
        for b in &self.bands {
            let limits: Vec<String> = b
                .limits
                .iter()
                .map(|l| format!("{} ({} m)", l.describe(), Metres::from_miles(l.miles).0))
                .collect();
            let _ = writeln!(
                out,
                "  [{}] {}: school {}{}; {}",
                b.cite.clause,
                b.years,
                toml_name(&b.schools),
                b.count.map(|c| format!(" (count {c})")).unwrap_or_default(),
                limits.join(" and ")
            );
        }
    }

    fn apply(&self, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
        apply(self, ctx, notes)
    }
}

/// Applies a distance rule to the case.
fn apply(rule: &DistanceRule, ctx: &Ctx, notes: &mut Notes) -> Result<Finding, DecideError> {
    let year = ctx.case.year_group;
    let Some(band) = rule.bands.iter().find(|b| b.years.contains(year)) else {
        return Ok(Finding::not_applicable());
    };
    let mut reasons = Vec::new();
    for req in &rule.requires {
        match req {
            Requirement::LowIncome => match ctx.low_income() {
                Some(r) => reasons.push(r),
                None => return Ok(Finding::not_applicable()),
            },
            Requirement::Faith => {
                if ctx.case.faith.is_none() {
                    return Ok(Finding::not_applicable());
                }
            }
        }
    }
    let urn = ctx.school.urn;
    let (qualifies, why) = school_accepted(band.schools, band.count, ctx);
    reasons.push(Reason {
        clause: band.cite.clause.clone(),
        text: why,
        figures: None,
    });
    let mut threshold = ThresholdApplied {
        clause: band.cite.clause.clone(),
        limits: band.limits.iter().map(Limit::describe).collect(),
        shortfall_m: None,
    };
    if !qualifies {
        return Ok(Finding {
            verdict: Verdict::NotMet {
                basis: rule.head.basis.clone(),
                clause: band.cite.clause.clone(),
                threshold: Some(threshold),
                school_qualifies: false,
            },
            reasons,
        });
    }
    let mut all_hold = true;
    // A limit whose distance cannot be measured (the home is not on that mode's network)
    // decides nothing: another limit not met still refuses, otherwise an officer must measure.
    let mut unmeasured = false;
    let mut shortfall_m = 0.0;
    for limit in &band.limits {
        match check_limit(limit, &band.cite.clause, urn, ctx, notes) {
            Ok((holds, short_m, mut rs)) => {
                all_hold &= holds;
                shortfall_m += short_m;
                reasons.append(&mut rs);
            }
            Err(DecideError::Unmeasured {
                what,
                clause,
                source,
            }) => {
                unmeasured = true;
                reasons.push(super::unmeasured_reason(ctx, what, clause, &source));
            }
            Err(e) => return Err(e),
        }
    }
    threshold.shortfall_m = (!unmeasured).then_some(shortfall_m);
    let threshold = Some(threshold);
    let verdict = if !all_hold {
        Verdict::NotMet {
            basis: rule.head.basis.clone(),
            clause: band.cite.clause.clone(),
            threshold,
            school_qualifies: true,
        }
    } else if unmeasured {
        Verdict::Refer {
            basis: rule.head.basis.clone(),
            clause: band.cite.clause.clone(),
        }
    } else if rule.requires.contains(&Requirement::Faith)
        && ctx.case.faith_evidence < ctx.policy.religion_or_belief.evidence_required
    {
        let rb = &ctx.policy.religion_or_belief;
        reasons.push(Reason {
            clause: rb.cite.clause.clone(),
            text: format!(
                "The religion or belief must be evidenced: {} piece(s) supplied, {} normally \
                 required; an officer must see the evidence.",
                ctx.case.faith_evidence, rb.evidence_required
            ),
            figures: Some(format!(
                "evidence {} < {}",
                ctx.case.faith_evidence, rb.evidence_required
            )),
        });
        Verdict::Refer {
            basis: rule.head.basis.clone(),
            clause: rb.cite.clause.clone(),
        }
    } else {
        Verdict::Eligible {
            basis: rule.head.basis.clone(),
            clause: band.cite.clause.clone(),
            threshold,
        }
    };
    Ok(Finding { verdict, reasons })
}

fn km_mi(m: f64) -> String {
    Metres(m).miles_3dp()
}

/// Whether a school set accepts the school attended, and a sentence saying why.
pub(super) fn school_accepted(set: SchoolSet, count: Option<usize>, ctx: &Ctx) -> (bool, String) {
    let urn = ctx.school.urn;
    let name = &ctx.school.name;
    let year = ctx.case.year_group;
    let list = |us: &[Urn]| ctx.school_names(us);
    match set {
        SchoolSet::CatchmentOrNearest => {
            let in_catchment = ctx.sets.catchment.contains(&urn);
            let nearest = ctx.sets.nearest();
            let is_nearest = ctx.sets.is_nearest(urn);
            let nearest_txt = match nearest {
                Some(n) => format!(
                    "{} ({} mi straight line)",
                    ctx.school_name(n),
                    km_mi(ctx.straight_line_m(n).unwrap_or(f64::NAN))
                ),
                None => "none".into(),
            };
            let text = match (in_catchment, is_nearest) {
                (true, true) => format!(
                    "{name} is the catchment school and the nearest suitable school for {year}."
                ),
                (true, false) => format!(
                    "{name} is a catchment school for the home (catchment schools for {year}: {}).",
                    list(&ctx.sets.catchment)
                ),
                (false, true) => format!(
                    "{name} is the nearest suitable school for {year} by straight line ({} mi); \
                     catchment schools: {}.",
                    km_mi(ctx.straight_line_m(urn).unwrap_or(f64::NAN)),
                    list(&ctx.sets.catchment)
                ),
                (false, false) => format!(
                    "{name} is neither a catchment school (catchment schools for {year}: {}) nor \
                     the nearest suitable school ({nearest_txt}).",
                    list(&ctx.sets.catchment)
                ),
            };
            (in_catchment || is_nearest, text)
        }
        SchoolSet::NearestWithPlaces => {
            let n = count.unwrap_or(0);
            let nearest = ctx.sets.nearest_with_places(ctx.area, ctx.case, n);
            let ok = nearest.contains(&urn);
            let text = format!(
                "{name} {} one of the {n} nearest suitable schools with places for {year} \
                 (by straight line: {}).",
                if ok { "is" } else { "is not" },
                list(&nearest)
            );
            (ok, text)
        }
        SchoolSet::NearestOfFaith => {
            let faith = ctx.case.faith.as_deref().unwrap_or("");
            let nearest = ctx.sets.nearest_of_faith(ctx.area, faith);
            let ok = nearest == Some(urn);
            let text = match nearest {
                Some(n) if ok => format!(
                    "{name} is the nearest suitable {faith} school for {year} ({} mi straight line).",
                    km_mi(ctx.straight_line_m(n).unwrap_or(f64::NAN))
                ),
                Some(n) => format!(
                    "{name} is not the nearest suitable {faith} school for {year}; that is {}.",
                    ctx.school_name(n)
                ),
                None => format!("There is no suitable {faith} school for {year} in the area."),
            };
            (ok, text)
        }
    }
}

/// Measures the distance a limit speaks of and compares it, unrounded: whether it holds, how far
/// it was missed (metres, 0 when met) and the reasons.
pub(super) fn check_limit(
    limit: &Limit,
    clause: &str,
    urn: Urn,
    ctx: &Ctx,
    notes: &mut Notes,
) -> Result<(bool, f64, Vec<Reason>), DecideError> {
    // A home that cannot be placed on this mode's network (it was on another's) leaves the
    // limit unjudged: the rule refers the case, naming the clause whose distance is missing.
    let unmeasured = |e: AreaError| match e.unmeasured_route() {
        Some(what) => DecideError::Unmeasured {
            what,
            clause: clause.to_string(),
            source: e,
        },
        None => DecideError::Area(e),
    };
    let compared = against_limit(ctx, urn, limit.measure, limit.comparison, limit.metres.0)
        .map_err(unmeasured)?;
    let what = limit.measure.describe();
    let school = &ctx.school.name;
    let mut reasons = Vec::new();
    let holds = compared.met;
    let shortfall_m = compared.shortfall_m(limit.metres.0);
    match compared.value_m {
        Some(v) => {
            let figures = compared.figures(what, limit.miles);
            let entrance = match limit.measure {
                Measure::StraightLine => String::new(),
                _ => ctx
                    .measured(urn, mode_of(limit.measure))
                    .and_then(|r| r.ok().flatten())
                    .map(|m| format!(" ({})", m.entrance))
                    .unwrap_or_default(),
            };
            reasons.push(Reason {
                clause: clause.to_string(),
                text: format!(
                    "Shortest available {what} from home to {school}{entrance}: {} mi; the limit \
                     is {} {} mi, which is {}.",
                    km_mi(v),
                    limit.comparison.symbol(),
                    limit.miles,
                    if holds { "met" } else { "not met" }
                ),
                figures: Some(format!("{figures}, clause {clause}")),
            });
            let margin = ctx.settings.close_margin_m;
            // Where the home point's quality is known, its stated uncertainty flags the
            // decision instead (`could_change`), unless a margin was asked for.
            let quality_known = crate::area::point_error_m(&ctx.case.home_from).is_some();
            if (v - limit.metres.0).abs() <= margin && (ctx.settings.margin_given || !quality_known)
            {
                notes.warn(format!(
                    "close to the limit: {what} {} mi against {} mi (within {} mi); check the \
                     measurement by hand before the letter goes out",
                    km_mi(v),
                    limit.miles,
                    km_mi(margin)
                ));
            }
        }
        None => {
            let ur = &ctx.policy.unavailable_route;
            let explain = match limit.measure {
                Measure::Walking => unsafe_explanation(urn, ctx)?,
                _ => String::new(),
            };
            reasons.push(Reason {
                clause: if limit.measure == Measure::Walking {
                    format!("{clause}, {}", ur.cite.clause)
                } else {
                    clause.to_string()
                },
                text: format!(
                    "There is no available {what} from home to {school}{explain}; the limit {} {} \
                     mi is therefore {}.",
                    limit.comparison.symbol(),
                    limit.miles,
                    if holds { "met" } else { "not met" }
                ),
                figures: Some(format!("{what} none available, clause {clause}")),
            });
        }
    }
    if limit.measure == Measure::Walking {
        if let Some(r) = disregarded_route(urn, ctx)? {
            reasons.push(r);
        }
    }
    Ok((holds, shortfall_m, reasons))
}

fn mode_of(m: Measure) -> Mode {
    match m {
        Measure::Driven => Mode::Drive,
        _ => Mode::Walk,
    }
}

/// When no safe walking route exists, what the route would have been ignoring safety audits.
fn unsafe_explanation(urn: Urn, ctx: &Ctx) -> Result<String, DecideError> {
    Ok(match ctx.measure(urn, Mode::WalkIgnoringSafety)? {
        Some(m) => format!(
            " (every walking route uses a stretch assessed unsafe{}; the shortest such route, \
             {} mi, is disregarded)",
            audits_text(&ctx.unsafe_audits_on_route(urn, Mode::WalkIgnoringSafety)),
            km_mi(m.length_m)
        ),
        None => String::new(),
    })
}

fn audits_text(refs: &[String]) -> String {
    if refs.is_empty() {
        String::new()
    } else {
        format!(": {}", refs.join(", "))
    }
}

/// When the shortest walking route ignoring safety audits is shorter than the available one,
/// says which unsafe stretch clause 1.5.4 disregarded.
fn disregarded_route(urn: Urn, ctx: &Ctx) -> Result<Option<Reason>, DecideError> {
    let Some(safe) = ctx.measure(urn, Mode::Walk)? else {
        return Ok(None);
    };
    let Some(any) = ctx.measure(urn, Mode::WalkIgnoringSafety)? else {
        return Ok(None);
    };
    if any.length_m + 1e-6 >= safe.length_m {
        return Ok(None);
    }
    let ur = &ctx.policy.unavailable_route;
    Ok(Some(Reason {
        clause: ur.cite.clause.clone(),
        text: format!(
            "A shorter walking route of {} mi uses a stretch assessed unsafe{}; it is disregarded \
             and the available route of {} mi is measured.",
            km_mi(any.length_m),
            audits_text(&ctx.unsafe_audits_on_route(urn, Mode::WalkIgnoringSafety)),
            km_mi(safe.length_m)
        ),
        figures: None,
    }))
}

/// Bands of one rule must not overlap, or a year group would have two answers.
fn check_bands(rule: &DistanceRule) -> Result<(), String> {
    for (i, a) in rule.bands.iter().enumerate() {
        for b in &rule.bands[..i] {
            if a.years.first <= b.years.last && b.years.first <= a.years.last {
                return Err(format!(
                    "band {}: years {} overlap another band's {}",
                    i + 1,
                    a.years,
                    b.years
                ));
            }
        }
    }
    Ok(())
}
