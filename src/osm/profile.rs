//! The OpenStreetMap profile: which `highway=*` ways are walkable and drivable, and how access,
//! right-of-way, pavement, one-way and area tags change that.
//!
//! The rules are data (TOML), not code, for the same reason the policy is: a council must be able
//! to see, and change, what "walkable" meant for a decision. The built-in default
//! (`default-profile.toml`, embedded in the binary) documents every key; a council can copy it
//! and pass its own with `--profile FILE` or `osm_profile = "FILE"` in `area.toml`. A profile is
//! parsed once into typed sets, and every error names the file, line and column.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use anyhow::anyhow;
use toml::Spanned;

use crate::network::{Oneway, RoadClass};
use crate::textpos::line_col;

/// The built-in default profile, as shipped in `src/osm/default-profile.toml`.
pub const DEFAULT_PROFILE_TOML: &str = include_str!("default-profile.toml");

/// How the built-in profile is named in reports and file fingerprints.
pub const DEFAULT_PROFILE_NAME: &str = "<built-in OSM profile>";

/// A parsed, validated profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Shown in the import report, so a report says which rules produced the network.
    pub name: String,
    /// Who may walk where.
    pub walk: WalkRules,
    /// Who may drive where, and which way.
    pub drive: DriveRules,
    /// Which kept ways are adopted roads, paths or private ways; `None` when the profile does not
    /// say (its edges carry no road class).
    pub road_class: Option<RoadClassRules>,
}

/// How a kept way's road class is read from its tags (clause 1.1.1: walks are measured "from
/// where the property meets the adopted road").
#[derive(Debug, Clone, PartialEq)]
pub struct RoadClassRules {
    /// `highway=*` values that are adopted roads (public highways for vehicles).
    pub adopted_road: BTreeSet<String>,
    /// `highway=*` values that are paths (footways, footpaths, bridleways, tracks).
    pub path: BTreeSet<String>,
    /// Access keys read for a private way, most specific first.
    pub access_keys: Vec<String>,
    /// Values of those keys that make the way private, whatever its highway value.
    pub private: BTreeSet<String>,
    /// `service=*` values that make a way private (a driveway serves one property, never a
    /// road a home meets).
    pub private_service: BTreeSet<String>,
}

impl RoadClassRules {
    /// The road class of a way with these tags and this `highway=*` value; `None` when the
    /// highway value is in neither list (a service road, say) and nothing makes it private.
    pub fn class(&self, highway: &str, tags: &[(&str, &str)]) -> Option<RoadClass> {
        let private = self
            .access_keys
            .iter()
            .find_map(|k| tag(tags, k))
            .is_some_and(|v| self.private.contains(v))
            || tag(tags, "service").is_some_and(|v| self.private_service.contains(v));
        if private {
            Some(RoadClass::Private)
        } else if self.adopted_road.contains(highway) {
            Some(RoadClass::AdoptedRoad)
        } else if self.path.contains(highway) {
            Some(RoadClass::Path)
        } else {
            None
        }
    }
}

/// The walking rules (see `default-profile.toml` for what each set means).
#[derive(Debug, Clone, PartialEq)]
pub struct WalkRules {
    /// `highway=*` values walkable unless access tags forbid walkers.
    pub highways: BTreeSet<String>,
    /// Walkable only when access tags allow walkers or a public right of way is designated.
    pub highways_if_access_allows: BTreeSet<String>,
    /// Walkable only with a pavement (`sidewalk_keys` with a value in `sidewalk_present`).
    pub highways_if_sidewalk: BTreeSet<String>,
    /// `area=yes` ways of these types are walked along their perimeter; other areas are dropped.
    pub area_highways: BTreeSet<String>,
    /// Access keys for walkers, most specific first.
    pub access_keys: Vec<String>,
    /// Access values that allow.
    pub allowed: BTreeSet<String>,
    /// Access values that forbid.
    pub forbidden: BTreeSet<String>,
    /// `designation=*` values that make a way a public right of way on foot.
    pub rights_of_way: BTreeSet<String>,
    /// Keys that say whether a road has a pavement.
    pub sidewalk_keys: Vec<String>,
    /// Values of those keys that mean a pavement is there.
    pub sidewalk_present: BTreeSet<String>,
}

/// The driving rules.
#[derive(Debug, Clone, PartialEq)]
pub struct DriveRules {
    /// `highway=*` values drivable unless access tags forbid cars.
    pub highways: BTreeSet<String>,
    /// Access keys for cars, most specific first.
    pub access_keys: Vec<String>,
    /// Access values that allow.
    pub allowed: BTreeSet<String>,
    /// Access values that forbid.
    pub forbidden: BTreeSet<String>,
    /// How `oneway=*` is read.
    pub oneway: OnewayRules,
}

/// How `oneway=*` (and the tags that imply it) are read; one-way binds drivers only.
#[derive(Debug, Clone, PartialEq)]
pub struct OnewayRules {
    /// One way along the drawn direction (`yes`, `1`, `true`).
    pub forward: BTreeSet<String>,
    /// One way against the drawn direction (`-1`).
    pub backward: BTreeSet<String>,
    /// Explicitly two-way (`no`), overriding anything implied.
    pub two_way: BTreeSet<String>,
    /// `junction=*` values that imply one way without an `oneway=*` tag (roundabouts).
    pub implied_by_junction: BTreeSet<String>,
    /// `highway=*` values that imply one way without an `oneway=*` tag (motorways).
    pub implied_by_highway: BTreeSet<String>,
}

/// What the profile makes of a kept way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WayUse {
    /// Walkable (in both directions).
    pub walk: bool,
    /// Drivable.
    pub drive: bool,
    /// One-way restriction for drivers (always [`Oneway::No`] on a way that is not drivable).
    pub oneway: Oneway,
    /// The way had an `oneway=*` value the profile does not know; it was taken as two-way, and
    /// the import report counts such ways so that they can be checked.
    pub oneway_unrecognised: bool,
    /// Adopted road, path or private way, when the profile says (see [`RoadClassRules`]).
    pub road_class: Option<RoadClass>,
}

/// Why a way was left out of the network; the import report counts ways by this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropReason {
    /// No `highway=*` tag: not part of the path and road network at all.
    NotHighway,
    /// The `highway=*` value is in none of the profile's lists (e.g. `construction`, `proposed`).
    NotInProfile(String),
    /// `area=yes` on a highway that is not a pedestrian area (e.g. a car park).
    Area(String),
    /// A cycleway or track with neither foot access nor a public right of way.
    NeedsAccess(String),
    /// A trunk road (or whatever the profile lists) without a pavement, and not drivable.
    NeedsSidewalk(String),
    /// The access tags forbid both walking and driving.
    AccessForbids,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DropReason::NotHighway => write!(f, "no highway tag"),
            DropReason::NotInProfile(h) => write!(f, "highway={h} is in no list of the profile"),
            DropReason::Area(h) => {
                write!(
                    f,
                    "area=yes on highway={h} (only pedestrian areas are walked)"
                )
            }
            DropReason::NeedsAccess(h) => {
                write!(
                    f,
                    "highway={h} without foot access or a public right of way"
                )
            }
            DropReason::NeedsSidewalk(h) => write!(f, "highway={h} without a pavement tag"),
            DropReason::AccessForbids => write!(f, "access tags forbid walking and driving"),
        }
    }
}

/// The value of `key` among `tags`, if present (the first, should a list repeat a key).
pub(crate) fn tag<'a>(tags: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The first access key present with a recognised value decides: `Some((key, allowed))`.
fn access<'k>(
    tags: &[(&str, &str)],
    keys: &'k [String],
    allowed: &BTreeSet<String>,
    forbidden: &BTreeSet<String>,
) -> Option<(&'k str, bool)> {
    keys.iter().find_map(|k| match tag(tags, k) {
        Some(v) if allowed.contains(v) => Some((k.as_str(), true)),
        Some(v) if forbidden.contains(v) => Some((k.as_str(), false)),
        _ => None,
    })
}

/// The general access key, which a public right of way overrides (a private drive that is also a
/// public footpath is walkable).
const GENERAL_ACCESS_KEY: &str = "access";

/// Why a way is not walkable, kept to explain a drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoWalk {
    NotListed,
    Area,
    Forbidden,
    NeedsAccess,
    NeedsSidewalk,
}

impl Profile {
    /// The built-in default profile.
    pub fn default_profile() -> Profile {
        Profile::from_toml_str(DEFAULT_PROFILE_NAME, DEFAULT_PROFILE_TOML)
            .expect("the built-in OSM profile is valid (tested)")
    }

    /// Judges one way from its tags: kept (with what it allows) or dropped (with why).
    pub fn classify(&self, tags: &[(&str, &str)]) -> Result<WayUse, DropReason> {
        let Some(highway) = tag(tags, "highway") else {
            return Err(DropReason::NotHighway);
        };
        let area = tag(tags, "area") == Some("yes");
        let walk = self.walk(highway, area, tags);
        let drive = !area
            && self.drive.highways.contains(highway)
            && !matches!(
                access(
                    tags,
                    &self.drive.access_keys,
                    &self.drive.allowed,
                    &self.drive.forbidden
                ),
                Some((_, false))
            );
        if walk.is_err() && !drive {
            let listed = self.walk.highways.contains(highway)
                || self.walk.highways_if_access_allows.contains(highway)
                || self.walk.highways_if_sidewalk.contains(highway)
                || self.drive.highways.contains(highway);
            let h = highway.to_string();
            return Err(match walk {
                _ if !listed => DropReason::NotInProfile(h),
                Err(NoWalk::Area) => DropReason::Area(h),
                Err(NoWalk::NeedsAccess) => DropReason::NeedsAccess(h),
                Err(NoWalk::NeedsSidewalk) if !self.drive.highways.contains(highway) => {
                    DropReason::NeedsSidewalk(h)
                }
                _ => DropReason::AccessForbids,
            });
        }
        let (oneway, oneway_unrecognised) = if drive {
            self.oneway(highway, tags)
        } else {
            (Oneway::No, false)
        };
        Ok(WayUse {
            walk: walk.is_ok(),
            drive,
            oneway,
            oneway_unrecognised,
            road_class: self
                .road_class
                .as_ref()
                .and_then(|r| r.class(highway, tags)),
        })
    }

    fn walk(&self, highway: &str, area: bool, tags: &[(&str, &str)]) -> Result<(), NoWalk> {
        let w = &self.walk;
        if area && !w.area_highways.contains(highway) {
            return Err(NoWalk::Area);
        }
        let right_of_way = tag(tags, "designation").is_some_and(|d| w.rights_of_way.contains(d));
        let decided = access(tags, &w.access_keys, &w.allowed, &w.forbidden);
        let forbidden = matches!(decided, Some((key, false))
            if !(right_of_way && key == GENERAL_ACCESS_KEY));
        let allowed = matches!(decided, Some((_, true))) || right_of_way;
        let ok = |cond: bool, why: NoWalk| {
            if forbidden {
                Err(NoWalk::Forbidden)
            } else if cond {
                Ok(())
            } else {
                Err(why)
            }
        };
        if w.highways.contains(highway) {
            ok(true, NoWalk::NotListed)
        } else if w.highways_if_access_allows.contains(highway) {
            ok(allowed, NoWalk::NeedsAccess)
        } else if w.highways_if_sidewalk.contains(highway) {
            let pavement = w
                .sidewalk_keys
                .iter()
                .any(|k| tag(tags, k).is_some_and(|v| w.sidewalk_present.contains(v)));
            ok(pavement, NoWalk::NeedsSidewalk)
        } else {
            Err(NoWalk::NotListed)
        }
    }

    fn oneway(&self, highway: &str, tags: &[(&str, &str)]) -> (Oneway, bool) {
        let o = &self.drive.oneway;
        match tag(tags, "oneway") {
            Some(v) if o.forward.contains(v) => (Oneway::Forward, false),
            Some(v) if o.backward.contains(v) => (Oneway::Backward, false),
            Some(v) if o.two_way.contains(v) => (Oneway::No, false),
            Some(_) => (Oneway::No, true),
            None => {
                let implied = tag(tags, "junction")
                    .is_some_and(|j| o.implied_by_junction.contains(j))
                    || o.implied_by_highway.contains(highway);
                (if implied { Oneway::Forward } else { Oneway::No }, false)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Words = Spanned<Vec<Spanned<String>>>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Spanned<String>,
    walk: RawWalk,
    drive: RawDrive,
    /// Optional, so that profiles written before road classes existed still load (their edges
    /// then carry no road class).
    road_class: Option<RawRoadClass>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoadClass {
    adopted_road: Words,
    path: Words,
    access_keys: Words,
    private: Words,
    private_service: Option<Words>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWalk {
    highways: Words,
    highways_if_access_allows: Words,
    highways_if_sidewalk: Words,
    area_highways: Words,
    access_keys: Words,
    allowed: Words,
    forbidden: Words,
    rights_of_way: Words,
    sidewalk_keys: Words,
    sidewalk_present: Words,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDrive {
    highways: Words,
    access_keys: Words,
    allowed: Words,
    forbidden: Words,
    oneway: RawOneway,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOneway {
    forward: Words,
    backward: Words,
    two_way: Words,
    implied_by_junction: Words,
    implied_by_highway: Words,
}

/// Builds positioned error messages for one profile file.
struct At<'a> {
    file: &'a str,
    text: &'a str,
}

impl At<'_> {
    fn err(&self, span: Range<usize>, key: &str, msg: impl fmt::Display) -> anyhow::Error {
        let (line, col) = line_col(self.text, span.start);
        anyhow!("{}: line {line}, column {col}, {key}: {msg}", self.file)
    }

    /// A list of distinct, non-empty words.
    fn words(&self, key: &str, words: Words, allow_empty: bool) -> anyhow::Result<Vec<String>> {
        let span = words.span();
        let words = words.into_inner();
        if words.is_empty() && !allow_empty {
            return Err(self.err(span, key, "is empty; at least one value is needed"));
        }
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        for w in words {
            let s = w.get_ref();
            if s.trim().is_empty() {
                return Err(self.err(w.span(), key, "a value is empty"));
            }
            if s.trim() != s {
                return Err(self.err(
                    w.span(),
                    key,
                    format!("\"{s}\" has spaces around it (OSM values are compared exactly)"),
                ));
            }
            if out.contains(s) {
                return Err(self.err(w.span(), key, format!("\"{s}\" is listed twice")));
            }
            out.push(w.into_inner());
        }
        Ok(out)
    }

    fn set(&self, key: &str, words: Words, allow_empty: bool) -> anyhow::Result<BTreeSet<String>> {
        Ok(self.words(key, words, allow_empty)?.into_iter().collect())
    }

    /// Sets that must not share a value (a value in two of them would be ambiguous). `lists` are
    /// (key, spanned words) in file order; the error points at the second occurrence.
    fn disjoint(
        &self,
        lists: Vec<(&str, Words)>,
        allow_empty: &[&str],
    ) -> anyhow::Result<Vec<BTreeSet<String>>> {
        let mut seen: Vec<(String, String)> = Vec::new();
        let mut out = Vec::with_capacity(lists.len());
        for (key, words) in lists {
            for w in words.get_ref() {
                if let Some((_, first)) = seen.iter().find(|(v, _)| v == w.get_ref()) {
                    return Err(self.err(
                        w.span(),
                        key,
                        format!(
                            "\"{}\" is also in {first}; a value may be in only one",
                            w.get_ref()
                        ),
                    ));
                }
            }
            let set = self.set(key, words, allow_empty.contains(&key))?;
            seen.extend(set.iter().map(|v| (v.clone(), key.to_string())));
            out.push(set);
        }
        Ok(out)
    }
}

impl Profile {
    /// Parses and validates a profile; `file` names it in messages, which give line and column.
    pub fn from_toml_str(file: &str, text: &str) -> anyhow::Result<Profile> {
        let raw: RawProfile =
            toml::from_str(text).map_err(|e| anyhow!("{file}: {}", e.to_string().trim_end()))?;
        let at = At { file, text };
        if raw.name.get_ref().trim().is_empty() {
            return Err(at.err(raw.name.span(), "name", "is empty"));
        }
        let w = raw.walk;
        let mut walk_lists = at
            .disjoint(
                vec![
                    ("walk.highways", w.highways),
                    (
                        "walk.highways_if_access_allows",
                        w.highways_if_access_allows,
                    ),
                    ("walk.highways_if_sidewalk", w.highways_if_sidewalk),
                ],
                &[
                    "walk.highways_if_access_allows",
                    "walk.highways_if_sidewalk",
                ],
            )?
            .into_iter();
        let mut walk_access = at
            .disjoint(
                vec![("walk.allowed", w.allowed), ("walk.forbidden", w.forbidden)],
                &[],
            )?
            .into_iter();
        let walk = WalkRules {
            highways: walk_lists.next().unwrap_or_default(),
            highways_if_access_allows: walk_lists.next().unwrap_or_default(),
            highways_if_sidewalk: walk_lists.next().unwrap_or_default(),
            area_highways: at.set("walk.area_highways", w.area_highways, true)?,
            access_keys: at.words("walk.access_keys", w.access_keys, false)?,
            allowed: walk_access.next().unwrap_or_default(),
            forbidden: walk_access.next().unwrap_or_default(),
            rights_of_way: at.set("walk.rights_of_way", w.rights_of_way, true)?,
            sidewalk_keys: at.words("walk.sidewalk_keys", w.sidewalk_keys, true)?,
            sidewalk_present: at.set("walk.sidewalk_present", w.sidewalk_present, true)?,
        };
        let d = raw.drive;
        let mut drive_access = at
            .disjoint(
                vec![
                    ("drive.allowed", d.allowed),
                    ("drive.forbidden", d.forbidden),
                ],
                &[],
            )?
            .into_iter();
        let o = d.oneway;
        let mut oneway_values = at
            .disjoint(
                vec![
                    ("drive.oneway.forward", o.forward),
                    ("drive.oneway.backward", o.backward),
                    ("drive.oneway.two_way", o.two_way),
                ],
                &[],
            )?
            .into_iter();
        let drive = DriveRules {
            highways: at.set("drive.highways", d.highways, true)?,
            access_keys: at.words("drive.access_keys", d.access_keys, false)?,
            allowed: drive_access.next().unwrap_or_default(),
            forbidden: drive_access.next().unwrap_or_default(),
            oneway: OnewayRules {
                forward: oneway_values.next().unwrap_or_default(),
                backward: oneway_values.next().unwrap_or_default(),
                two_way: oneway_values.next().unwrap_or_default(),
                implied_by_junction: at.set(
                    "drive.oneway.implied_by_junction",
                    o.implied_by_junction,
                    true,
                )?,
                implied_by_highway: at.set(
                    "drive.oneway.implied_by_highway",
                    o.implied_by_highway,
                    true,
                )?,
            },
        };
        if walk.highways.is_empty()
            && walk.highways_if_access_allows.is_empty()
            && walk.highways_if_sidewalk.is_empty()
            && drive.highways.is_empty()
        {
            return Err(anyhow!(
                "{file}: no highway is walkable or drivable: every highways list is empty"
            ));
        }
        let road_class = match raw.road_class {
            None => None,
            Some(r) => {
                let mut lists = at
                    .disjoint(
                        vec![
                            ("road_class.adopted_road", r.adopted_road),
                            ("road_class.path", r.path),
                        ],
                        &["road_class.path"],
                    )?
                    .into_iter();
                Some(RoadClassRules {
                    adopted_road: lists.next().unwrap_or_default(),
                    path: lists.next().unwrap_or_default(),
                    access_keys: at.words("road_class.access_keys", r.access_keys, false)?,
                    private: at.set("road_class.private", r.private, false)?,
                    private_service: match r.private_service {
                        Some(w) => at.set("road_class.private_service", w, true)?,
                        None => BTreeSet::new(),
                    },
                })
            }
        };
        Ok(Profile {
            name: raw.name.into_inner(),
            walk,
            drive,
            road_class,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Profile {
        Profile::default_profile()
    }

    /// Clause 1.1.1's "adopted road": the default profile classes public roads, paths and
    /// private ways from `highway=*` and the access tags; a profile without `[road_class]`
    /// classes nothing.
    #[test]
    fn road_classes_come_from_highway_and_access_tags() {
        let class = |tags: &[(&str, &str)]| p().classify(tags).unwrap().road_class;
        assert_eq!(
            class(&[("highway", "residential")]),
            Some(RoadClass::AdoptedRoad)
        );
        assert_eq!(class(&[("highway", "footway")]), Some(RoadClass::Path));
        assert_eq!(
            class(&[("highway", "track"), ("designation", "public_footpath")]),
            Some(RoadClass::Path)
        );
        assert_eq!(
            class(&[
                ("highway", "residential"),
                ("access", "private"),
                ("designation", "public_footpath")
            ]),
            Some(RoadClass::Private)
        );
        assert_eq!(
            class(&[
                ("highway", "service"),
                ("access", "private"),
                ("foot", "yes")
            ]),
            Some(RoadClass::Private)
        );
        assert_eq!(class(&[("highway", "service")]), None);
        // A driveway serves one property: private, not a road a home meets.
        assert_eq!(
            class(&[("highway", "service"), ("service", "driveway")]),
            Some(RoadClass::Private)
        );
        assert_eq!(class(&[("highway", "service"), ("service", "alley")]), None);
        let text = DEFAULT_PROFILE_TOML
            .split("\n[road_class]")
            .next()
            .unwrap()
            .to_string();
        let without = Profile::from_toml_str("p.toml", &text).unwrap();
        assert!(without.road_class.is_none());
        let u = without.classify(&[("highway", "residential")]).unwrap();
        assert_eq!(u.road_class, None);
    }

    fn use_of(tags: &[(&str, &str)]) -> WayUse {
        p().classify(tags)
            .unwrap_or_else(|r| panic!("{tags:?} dropped: {r}"))
    }

    fn dropped(tags: &[(&str, &str)]) -> DropReason {
        match p().classify(tags) {
            Ok(u) => panic!("{tags:?} kept as {u:?}"),
            Err(r) => r,
        }
    }

    #[test]
    fn default_profile_parses() {
        let p = p();
        assert!(p.walk.highways.contains("footway"));
        assert!(p.walk.highways_if_sidewalk.contains("trunk"));
        assert!(!p.walk.highways.contains("motorway"));
        assert_eq!(p.walk.access_keys, ["foot", "access"]);
        assert!(p.drive.oneway.implied_by_junction.contains("roundabout"));
    }

    #[test]
    fn footpath_is_walk_only() {
        let u = use_of(&[("highway", "footway")]);
        assert!(u.walk && !u.drive);
        assert_eq!(u.oneway, Oneway::No);
        for h in ["path", "steps", "bridleway", "pedestrian"] {
            let u = use_of(&[("highway", h)]);
            assert!(u.walk && !u.drive, "{h}");
        }
        // A one-way footway (for cyclists, say) still carries walkers both ways and no drivers.
        let u = use_of(&[("highway", "footway"), ("oneway", "yes")]);
        assert_eq!(u.oneway, Oneway::No);
    }

    #[test]
    fn roads_are_walk_and_drive() {
        for h in [
            "residential",
            "unclassified",
            "service",
            "tertiary",
            "secondary_link",
            "primary",
            "living_street",
        ] {
            let u = use_of(&[("highway", h)]);
            assert!(u.walk && u.drive, "{h}");
        }
    }

    #[test]
    fn foot_no_is_not_walkable() {
        let u = use_of(&[("highway", "primary"), ("foot", "no")]);
        assert!(!u.walk && u.drive);
        assert_eq!(
            dropped(&[("highway", "footway"), ("foot", "no")]),
            DropReason::AccessForbids
        );
        // foot=no beats a right-of-way designation (a contradiction in the data; the explicit
        // tag wins).
        assert_eq!(
            dropped(&[
                ("highway", "path"),
                ("foot", "no"),
                ("designation", "public_footpath")
            ]),
            DropReason::AccessForbids
        );
        let u = use_of(&[
            ("highway", "trunk"),
            ("sidewalk", "both"),
            ("foot", "use_sidepath"),
        ]);
        assert!(!u.walk && u.drive);
    }

    #[test]
    fn access_private_with_foot_yes() {
        // access=private alone: neither walkable nor drivable.
        assert_eq!(
            dropped(&[("highway", "service"), ("access", "private")]),
            DropReason::AccessForbids
        );
        // foot=yes is more specific: walkable, still not drivable.
        let u = use_of(&[
            ("highway", "service"),
            ("access", "private"),
            ("foot", "yes"),
        ]);
        assert!(u.walk && !u.drive);
        for f in ["designated", "permissive"] {
            let u = use_of(&[("highway", "service"), ("access", "no"), ("foot", f)]);
            assert!(u.walk && !u.drive, "{f}");
        }
        // motor_vehicle=no: a road closed to cars but open to walkers.
        let u = use_of(&[("highway", "residential"), ("motor_vehicle", "no")]);
        assert!(u.walk && !u.drive);
        // motorcar=yes beats access=no for drivers.
        let u = use_of(&[
            ("highway", "service"),
            ("access", "no"),
            ("motorcar", "yes"),
        ]);
        assert!(!u.walk && u.drive);
        // An unrecognised value is passed over: foot=discouraged leaves access=private to decide.
        assert_eq!(
            dropped(&[
                ("highway", "service"),
                ("access", "private"),
                ("foot", "discouraged")
            ]),
            DropReason::AccessForbids
        );
        // A private drive that is also a public footpath is walkable.
        let u = use_of(&[
            ("highway", "service"),
            ("access", "private"),
            ("designation", "public_footpath"),
        ]);
        assert!(u.walk && !u.drive);
    }

    #[test]
    fn oneway_values() {
        for v in ["yes", "1", "true"] {
            assert_eq!(
                use_of(&[("highway", "residential"), ("oneway", v)]).oneway,
                Oneway::Forward
            );
        }
        let u = use_of(&[("highway", "residential"), ("oneway", "-1")]);
        assert_eq!(u.oneway, Oneway::Backward);
        assert!(u.walk, "one-way binds drivers only");
        assert_eq!(
            use_of(&[("highway", "residential"), ("oneway", "no")]).oneway,
            Oneway::No
        );
        let u = use_of(&[("highway", "residential"), ("oneway", "reversible")]);
        assert_eq!(u.oneway, Oneway::No);
        assert!(u.oneway_unrecognised);
        assert!(!use_of(&[("highway", "residential")]).oneway_unrecognised);
    }

    #[test]
    fn roundabout_is_one_way_for_drivers() {
        let u = use_of(&[("highway", "primary"), ("junction", "roundabout")]);
        assert_eq!(u.oneway, Oneway::Forward);
        assert!(u.walk && u.drive);
        // An explicit oneway=no wins over the implication.
        let u = use_of(&[
            ("highway", "primary"),
            ("junction", "roundabout"),
            ("oneway", "no"),
        ]);
        assert_eq!(u.oneway, Oneway::No);
        assert_eq!(use_of(&[("highway", "motorway")]).oneway, Oneway::Forward);
        assert_eq!(
            use_of(&[("highway", "motorway_link")]).oneway,
            Oneway::No,
            "links are not implied one-way"
        );
    }

    #[test]
    fn tracks_need_public_access_or_a_right_of_way() {
        assert_eq!(
            dropped(&[("highway", "track")]),
            DropReason::NeedsAccess("track".into())
        );
        for d in [
            "public_footpath",
            "public_bridleway",
            "byway_open_to_all_traffic",
            "restricted_byway",
        ] {
            let u = use_of(&[("highway", "track"), ("designation", d)]);
            assert!(u.walk && !u.drive, "{d}");
        }
        let u = use_of(&[
            ("highway", "track"),
            ("access", "private"),
            ("designation", "public_footpath"),
        ]);
        assert!(u.walk);
        assert!(use_of(&[("highway", "track"), ("foot", "permissive")]).walk);
        assert!(use_of(&[("highway", "track"), ("access", "yes")]).walk);
        assert_eq!(
            dropped(&[("highway", "track"), ("designation", "unknown")]),
            DropReason::NeedsAccess("track".into())
        );
    }

    #[test]
    fn cycleways_need_foot_access() {
        assert_eq!(
            dropped(&[("highway", "cycleway")]),
            DropReason::NeedsAccess("cycleway".into())
        );
        let u = use_of(&[("highway", "cycleway"), ("foot", "designated")]);
        assert!(u.walk && !u.drive);
    }

    #[test]
    fn motorway_is_not_walkable_and_trunk_needs_a_pavement() {
        let u = use_of(&[("highway", "motorway")]);
        assert!(!u.walk && u.drive);
        // Even foot=yes does not make a motorway walkable: it is in no walk list.
        assert!(!use_of(&[("highway", "motorway"), ("foot", "yes")]).walk);
        let u = use_of(&[("highway", "trunk")]);
        assert!(!u.walk && u.drive);
        for s in [
            ("sidewalk", "both"),
            ("sidewalk", "left"),
            ("sidewalk:right", "yes"),
        ] {
            let u = use_of(&[("highway", "trunk"), s]);
            assert!(u.walk && u.drive, "{s:?}");
        }
        assert!(!use_of(&[("highway", "trunk"), ("sidewalk", "separate")]).walk);
        assert!(!use_of(&[("highway", "trunk"), ("sidewalk", "no")]).walk);
    }

    #[test]
    fn trunk_walkability_is_configurable() {
        let text = DEFAULT_PROFILE_TOML
            .replace(
                "highways_if_sidewalk = [\"trunk\", \"trunk_link\"]",
                "highways_if_sidewalk = []",
            )
            .replace(
                "\"footway\", \"path\",",
                "\"footway\", \"path\", \"trunk\",",
            );
        let p = Profile::from_toml_str("p.toml", &text).unwrap();
        let u = p.classify(&[("highway", "trunk")]).unwrap();
        assert!(u.walk && u.drive);
        // trunk_link is now in no walk list: drivable only.
        assert!(!p.classify(&[("highway", "trunk_link")]).unwrap().walk);
    }

    #[test]
    fn areas_are_walked_round_and_never_driven() {
        let u = use_of(&[("highway", "pedestrian"), ("area", "yes")]);
        assert!(u.walk && !u.drive);
        assert_eq!(
            dropped(&[("highway", "service"), ("area", "yes")]),
            DropReason::Area("service".into())
        );
    }

    #[test]
    fn other_highways_are_dropped_with_their_value() {
        assert_eq!(
            dropped(&[("highway", "construction")]),
            DropReason::NotInProfile("construction".into())
        );
        assert_eq!(dropped(&[("building", "yes")]), DropReason::NotHighway);
        assert_eq!(
            DropReason::NotInProfile("proposed".into()).to_string(),
            "highway=proposed is in no list of the profile"
        );
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = Profile::from_toml_str("p.toml", "name = [\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.toml: ") && e.contains("line 1"), "{e}");
        // A missing key names it.
        let e = Profile::from_toml_str("p.toml", "name = \"x\"\n[walk]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.toml") && e.contains("missing field"), "{e}");
        // An unknown key (a typo) is refused, with its position.
        let text = DEFAULT_PROFILE_TOML.replace("area_highways =", "area_highway =");
        let e = Profile::from_toml_str("p.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.toml") && e.contains("area_highway"), "{e}");
        // A value in two walk lists is ambiguous; the error points at the second one.
        let text = DEFAULT_PROFILE_TOML.replace(
            "highways_if_sidewalk = [\"trunk\", \"trunk_link\"]",
            "highways_if_sidewalk = [\"trunk\", \"footway\"]",
        );
        let e = Profile::from_toml_str("p.toml", &text)
            .unwrap_err()
            .to_string();
        let line = text
            .lines()
            .position(|l| l.starts_with("highways_if_sidewalk"))
            .unwrap()
            + 1;
        assert!(
            e.contains(&format!(
                "p.toml: line {line}, column 34, walk.highways_if_sidewalk"
            )) && e.contains("\"footway\" is also in walk.highways"),
            "{e}"
        );
        let text = DEFAULT_PROFILE_TOML.replace("forbidden = [\"no\", ", "forbidden = [\"yes\", ");
        let e = Profile::from_toml_str("p.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("walk.forbidden: \"yes\" is also in walk.allowed"),
            "{e}"
        );
        let text = DEFAULT_PROFILE_TOML
            .replace("access_keys = [\"foot\", \"access\"]", "access_keys = []");
        let e = Profile::from_toml_str("p.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("walk.access_keys: is empty"), "{e}");
        let text = DEFAULT_PROFILE_TOML.replace("\"steps\",", "\" steps\",");
        let e = Profile::from_toml_str("p.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("has spaces around it"), "{e}");
        let text = DEFAULT_PROFILE_TOML.replace("\"steps\",", "\"steps\", \"steps\",");
        let e = Profile::from_toml_str("p.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"steps\" is listed twice"), "{e}");
    }
}
