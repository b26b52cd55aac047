//! Where a home is, found from what an admissions team holds: the property's point in an address
//! gazetteer, keyed by its UPRN (Unique Property Reference Number), or the centroid of its
//! postcode. Pure: the readers of OS Open UPRN, council gazetteers and OS Code-Point Open are in
//! `crate::io::places`.
//!
//! A gazetteer point is the property itself (a council decides from it); a postcode centroid can
//! be hundreds of metres from the home, so a decision made from one is provisional (see
//! `docs/formats.md`, "Homes by UPRN and postcode").

use serde::{Deserialize, Serialize};

/// One property of an address gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddressPoint {
    pub uprn: u64,
    /// The property's point, eastings and northings.
    pub point: [f64; 2],
    /// Where the property meets the adopted road, when the gazetteer records it (clause 1.1.1).
    pub access: Option<[f64; 2]>,
    /// Positional quality code as the gazetteer gives it (AddressBase's RPC 1-9), when known.
    pub quality: Option<u8>,
    /// The address text, when the gazetteer gives it (for letters; never logged).
    pub address: Option<Box<str>>,
}

/// What a gazetteer may say of a property besides its point.
#[derive(Debug, Clone, PartialEq)]
struct Details {
    access: Option<[f64; 2]>,
    quality: Option<u8>,
    address: Option<Box<str>>,
}

/// No details for this property.
const NO_DETAILS: u32 = u32::MAX;

/// An address gazetteer: properties by UPRN, sorted for lookup by binary search. Held column by
/// column, with the rarer details (access point, quality, address text) apart, so that a
/// property costs 28 bytes (a million-row OS Open UPRN file about 28 MB).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gazetteer {
    uprns: Vec<u64>,
    points: Vec<[f64; 2]>,
    /// Index into `details`, or [`NO_DETAILS`].
    detail: Vec<u32>,
    details: Vec<Details>,
}

/// Why a gazetteer could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("UPRN appears twice (rows {first} and {second})")]
pub struct DuplicateUprn {
    pub first: usize,
    pub second: usize,
}

impl Gazetteer {
    /// Adds a property (in any order; [`Gazetteer::finish`] sorts).
    pub fn push(&mut self, a: AddressPoint) {
        self.uprns.push(a.uprn);
        self.points.push(a.point);
        if a.access.is_none() && a.quality.is_none() && a.address.is_none() {
            self.detail.push(NO_DETAILS);
        } else {
            self.detail.push(self.details.len() as u32);
            self.details.push(Details {
                access: a.access,
                quality: a.quality,
                address: a.address,
            });
        }
    }

    /// Sorts the properties by UPRN; a UPRN given twice is refused, naming both rows (1-based,
    /// in the order pushed), since the two points could disagree.
    pub fn finish(self) -> Result<Gazetteer, DuplicateUprn> {
        // Already in order (a prepared area's, or a file sorted by UPRN): nothing to move.
        if self.uprns.windows(2).all(|w| w[0] < w[1]) {
            return Ok(self);
        }
        let mut order: Vec<u32> = (0..self.uprns.len() as u32).collect();
        order.sort_unstable_by_key(|&i| (self.uprns[i as usize], i));
        for w in order.windows(2) {
            if self.uprns[w[0] as usize] == self.uprns[w[1] as usize] {
                return Err(DuplicateUprn {
                    first: w[0] as usize + 1,
                    second: w[1] as usize + 1,
                });
            }
        }
        let pick = |i: &u32| *i as usize;
        Ok(Gazetteer {
            uprns: order.iter().map(|i| self.uprns[pick(i)]).collect(),
            points: order.iter().map(|i| self.points[pick(i)]).collect(),
            detail: order.iter().map(|i| self.detail[pick(i)]).collect(),
            details: self.details,
        })
    }

    /// A gazetteer of these properties ([`Gazetteer::push`] each, then [`Gazetteer::finish`]).
    pub fn new(rows: Vec<AddressPoint>) -> Result<Gazetteer, DuplicateUprn> {
        let mut g = Gazetteer::default();
        for r in rows {
            g.push(r);
        }
        g.finish()
    }

    fn at(&self, i: usize) -> AddressPoint {
        let d = self
            .details
            .get(self.detail[i] as usize)
            .filter(|_| self.detail[i] != NO_DETAILS);
        AddressPoint {
            uprn: self.uprns[i],
            point: self.points[i],
            access: d.and_then(|d| d.access),
            quality: d.and_then(|d| d.quality),
            address: d.and_then(|d| d.address.clone()),
        }
    }

    /// The property with this UPRN.
    pub fn get(&self, uprn: u64) -> Option<AddressPoint> {
        self.uprns.binary_search(&uprn).ok().map(|i| self.at(i))
    }

    /// Every property, by UPRN.
    pub fn iter(&self) -> impl Iterator<Item = AddressPoint> + '_ {
        (0..self.uprns.len()).map(|i| self.at(i))
    }

    /// Number of properties.
    pub fn len(&self) -> usize {
        self.uprns.len()
    }

    /// Whether the gazetteer is empty.
    pub fn is_empty(&self) -> bool {
        self.uprns.is_empty()
    }
}

/// One postcode's centroid (OS Code-Point Open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostcodePoint {
    /// Normalised: outward code, one space, inward code ("BH21 4BB").
    pub postcode: Box<str>,
    pub point: [f64; 2],
    /// Code-Point's positional quality indicator: 10 (within the building of the address
    /// nearest the postcode's mean) to 60 (the postcode sector's mean); 90 (no coordinates) is
    /// never kept.
    pub quality: u8,
}

/// Postcode centroids, sorted by normalised postcode.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Postcodes {
    rows: Vec<PostcodePoint>,
}

impl Postcodes {
    /// Sorts the rows; a postcode given twice keeps its first row (Code-Point lists each once).
    pub fn new(mut rows: Vec<PostcodePoint>) -> Postcodes {
        rows.sort_by(|a, b| a.postcode.cmp(&b.postcode));
        rows.dedup_by(|b, a| a.postcode == b.postcode);
        Postcodes { rows }
    }

    /// The centroid of a postcode as a user typed it (any case and spacing).
    pub fn get(&self, typed: &str) -> Option<&PostcodePoint> {
        let key = normalise_postcode(typed)?;
        self.rows
            .binary_search_by(|r| (*r.postcode).cmp(key.as_str()))
            .ok()
            .map(|i| &self.rows[i])
    }

    /// Every postcode, in order.
    pub fn rows(&self) -> &[PostcodePoint] {
        &self.rows
    }

    /// Number of postcodes.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// A UK postcode as users type it (`bh21 4bb`, `BH214BB`, ` BH21  4BB `) in its one written
/// form, `BH21 4BB`; `None` when it is not shaped like a postcode: an outward code of two to four
/// letters and digits starting with a letter, and an inward code of a digit and two letters.
pub fn normalise_postcode(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !(5..=7).contains(&s.len()) || !s.is_ascii() {
        return None;
    }
    let (out, inw) = s.split_at(s.len() - 3);
    let ib = inw.as_bytes();
    let ob = out.as_bytes();
    let inward_ok = ib[0].is_ascii_digit() && ib[1..].iter().all(u8::is_ascii_alphabetic);
    let outward_ok = ob[0].is_ascii_alphabetic() && ob.iter().all(u8::is_ascii_alphanumeric);
    (inward_ok && outward_ok).then(|| format!("{out} {inw}"))
}

/// A UPRN as typed: up to twelve digits (leading zeros and surrounding spaces allowed).
pub fn parse_uprn(typed: &str) -> Option<u64> {
    let t = typed.trim();
    if t.is_empty() || t.len() > 12 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// The area's address gazetteer and postcode centroids, for finding homes by UPRN or postcode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Places {
    /// The gazetteer named by `addresses` in `area.toml`, and that file as named.
    pub gazetteer: Option<(Gazetteer, String)>,
    /// The postcode centroids named by `postcodes`, and that folder or file as named.
    pub postcodes: Option<(Postcodes, String)>,
    /// How far a home may plausibly be from its postcode's centroid (quality 10 to 40), metres.
    pub postcode_uncertainty_m: f64,
}

/// Where a case's home point came from, and so how far it may be from the property.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum HomeFrom {
    /// Eastings and northings (or latitude and longitude) given with the case.
    Coordinates,
    /// The property's point in the area's address gazetteer.
    Gazetteer {
        /// The gazetteer's positional quality code, when it gives one.
        #[serde(skip_serializing_if = "Option::is_none")]
        quality: Option<u8>,
    },
    /// A postcode's centroid: provisional.
    Postcode {
        /// Code-Point's positional quality indicator.
        quality: u8,
        /// How far the home may plausibly be from the centroid, metres.
        uncertainty_m: f64,
    },
}

impl HomeFrom {
    /// The plausible error of the home point when it is a postcode centroid.
    pub fn postcode_uncertainty_m(&self) -> Option<f64> {
        match self {
            HomeFrom::Postcode { uncertainty_m, .. } => Some(*uncertainty_m),
            _ => None,
        }
    }
}

/// How far the home point may be from the property, metres, where that is known: a gazetteer
/// point by its positional quality code (AddressBase RPC: 1 the visual centre of the property,
/// 5 m; 2 a general internal point, 10 m; 3 the south-west corner of a 100 m grid square, 71 m
/// (half its diagonal); 4 the start of the street, 250 m; 5 to 7 a locality, 1000 m; 8 a postcode
/// unit's position, 400 m; 9 interpolated, 50 m; none given, as OS Open UPRN's property points,
/// 10 m), a postcode centroid by its plausible error. `None` for coordinates given with the
/// case, whose quality nobody stated.
pub fn point_error_m(from: &HomeFrom) -> Option<f64> {
    match from {
        HomeFrom::Coordinates => None,
        HomeFrom::Gazetteer { quality } => Some(match quality {
            Some(1) => 5.0,
            None | Some(2) => 10.0,
            Some(3) => 71.0,
            Some(4) => 250.0,
            Some(5..=7) => 1000.0,
            Some(8) => 400.0,
            Some(9) => 50.0,
            Some(_) => 1000.0,
        }),
        HomeFrom::Postcode { uncertainty_m, .. } => Some(*uncertainty_m),
    }
}

/// How far a home may plausibly be from its postcode's centroid, by Code-Point's positional
/// quality: `base_m` (the area's `postcode_uncertainty_m`) where the centroid was placed from the
/// postcode's own addresses (10 to 40), twice that where it was estimated from neighbouring
/// postcodes (50), five times where it is the postcode sector's mean (60).
pub fn postcode_uncertainty_m(quality: u8, base_m: f64) -> f64 {
    match quality {
        0..=40 => base_m,
        41..=50 => 2.0 * base_m,
        _ => 5.0 * base_m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_match_however_they_are_typed() {
        for typed in ["bh21 4bb", "BH214BB", " BH21  4BB ", "bH21\t4bB"] {
            assert_eq!(
                normalise_postcode(typed).as_deref(),
                Some("BH21 4BB"),
                "{typed}"
            );
        }
        assert_eq!(normalise_postcode("DT1 1AA").as_deref(), Some("DT1 1AA"));
        assert_eq!(normalise_postcode("W1A0AX").as_deref(), Some("W1A 0AX"));
        assert_eq!(normalise_postcode("M1 1AE").as_deref(), Some("M1 1AE"));
        for bad in [
            "",
            "BH21",
            "BH21 4B",
            "1H21 4BB",
            "BH21 BBB",
            "BH21-4BB",
            "BH21 4BBX1",
            "ÄH21 4BB",
        ] {
            assert_eq!(normalise_postcode(bad), None, "{bad}");
        }
    }

    #[test]
    fn uprns_are_up_to_twelve_digits() {
        assert_eq!(parse_uprn(" 100040123456 "), Some(100_040_123_456));
        assert_eq!(parse_uprn("0012"), Some(12));
        for bad in ["", "12a", "-1", "1234567890123", "1.5"] {
            assert_eq!(parse_uprn(bad), None, "{bad}");
        }
    }

    fn at(uprn: u64, x: f64) -> AddressPoint {
        AddressPoint {
            uprn,
            point: [x, 0.0],
            access: None,
            quality: None,
            address: None,
        }
    }

    #[test]
    fn a_gazetteer_finds_by_uprn_and_refuses_a_uprn_twice() {
        let mut with_details = at(40, 4.0);
        with_details.address = Some("4 Long Road".into());
        with_details.quality = Some(1);
        let g = Gazetteer::new(vec![
            at(30, 3.0),
            with_details.clone(),
            at(10, 1.0),
            at(20, 2.0),
        ])
        .unwrap();
        assert_eq!(g.get(20).map(|a| a.point[0]), Some(2.0));
        assert_eq!(g.get(40), Some(with_details));
        assert_eq!(
            g.iter().map(|a| a.uprn).collect::<Vec<_>>(),
            [10, 20, 30, 40]
        );
        assert_eq!(g.get(25), None);
        assert_eq!(g.len(), 4);
        assert_eq!(
            Gazetteer::new(vec![at(30, 3.0), at(10, 1.0), at(30, 2.0)]),
            Err(DuplicateUprn {
                first: 1,
                second: 3
            })
        );
    }

    #[test]
    fn postcode_lookup_normalises_and_the_uncertainty_grows_with_the_quality_code() {
        let p = Postcodes::new(vec![PostcodePoint {
            postcode: "BH21 4BB".into(),
            point: [1.0, 2.0],
            quality: 10,
        }]);
        assert_eq!(p.get("bh214bb").map(|c| c.point), Some([1.0, 2.0]));
        assert_eq!(p.get("BH21 4BC"), None);
        assert_eq!(p.get("not a postcode"), None);
        assert_eq!(postcode_uncertainty_m(10, 400.0), 400.0);
        assert_eq!(postcode_uncertainty_m(50, 400.0), 800.0);
        assert_eq!(postcode_uncertainty_m(60, 400.0), 2000.0);
    }
}
