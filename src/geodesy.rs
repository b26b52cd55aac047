//! Latitude/longitude (WGS84/ETRS89) to British National Grid eastings and northings.
//!
//! Applications may give a home as latitude and longitude (e.g. from a postcode look-up); the
//! rest of the tool works in BNG metres (EPSG:27700). The conversion is Ordnance Survey's OSTN15
//! transformation (via `lonlat_bng`), which is accurate to about 0.1 m inside its coverage and
//! undefined outside it, so points outside Great Britain's grid are refused rather than guessed.

use thiserror::Error;

/// Why a latitude/longitude pair could not be placed on the British National Grid.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GeodesyError {
    /// NaN or infinite input: never a real position, usually an empty or garbled cell.
    #[error("latitude {latitude} / longitude {longitude} is not a finite number")]
    NonFinite {
        /// Degrees north, as given.
        latitude: f64,
        /// Degrees east, as given.
        longitude: f64,
    },
    /// The point is outside the area the OSTN15 transformation covers (Great Britain and its
    /// waters); eastings and northings would be meaningless there.
    #[error(
        "latitude {latitude}, longitude {longitude} is outside the OSTN15 (Great Britain) \
         coverage: {detail} (were latitude and longitude swapped?)"
    )]
    OutsideCoverage {
        /// Degrees north, as given.
        latitude: f64,
        /// Degrees east, as given.
        longitude: f64,
        /// What the transformation reported.
        detail: String,
    },
}

/// The OSTN15 grid's extent in BNG metres: 0 to 700 km east, 0 to 1250 km north.
const OSTN15_EASTINGS: std::ops::RangeInclusive<f64> = 0.0..=700_000.0;
const OSTN15_NORTHINGS: std::ops::RangeInclusive<f64> = 0.0..=1_250_000.0;

/// Converts WGS84 (ETRS89) degrees to OSGB36 British National Grid metres with OSTN15, so that a
/// home given as latitude/longitude is measured on the same grid as the schools and network.
pub fn wgs84_to_bng(latitude: f64, longitude: f64) -> Result<geo::Point<f64>, GeodesyError> {
    if !latitude.is_finite() || !longitude.is_finite() {
        return Err(GeodesyError::NonFinite {
            latitude,
            longitude,
        });
    }
    match lonlat_bng::convert_osgb36(longitude, latitude) {
        Ok((e, n)) if OSTN15_EASTINGS.contains(&e) && OSTN15_NORTHINGS.contains(&n) => {
            Ok(geo::Point::new(e, n))
        }
        // lonlat_bng truncates negative grid indexes towards zero, so a point just west or south
        // of the grid can borrow a neighbouring cell's shift; refuse anything off the grid.
        Ok((e, n)) => Err(GeodesyError::OutsideCoverage {
            latitude,
            longitude,
            detail: format!("it falls at easting {e}, northing {n}, off the OSTN15 grid"),
        }),
        Err(err) => Err(GeodesyError::OutsideCoverage {
            latitude,
            longitude,
            detail: err.to_string(),
        }),
    }
}

/// Converts OSGB36 British National Grid metres to WGS84 (ETRS89) longitude and latitude in
/// degrees with OSTN15 (the inverse of [`wgs84_to_bng`]), for GeoJSON that web maps read
/// (RFC 7946). `None` outside the OSTN15 grid.
pub fn bng_to_wgs84(easting: f64, northing: f64) -> Option<(f64, f64)> {
    if !(OSTN15_EASTINGS.contains(&easting) && OSTN15_NORTHINGS.contains(&northing)) {
        return None;
    }
    lonlat_bng::convert_osgb36_to_ll(easting, northing).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn grid_to_latitude_and_longitude_inverts_the_forward_conversion() {
        // The demo's Sturminster Marshall home, there and back to the millimetre.
        let (lon, lat) = bng_to_wgs84(394813.0, 99708.0).unwrap();
        assert!(
            (lat - 50.79).abs() < 0.01 && (lon + 2.07).abs() < 0.01,
            "{lat} {lon}"
        );
        let back = wgs84_to_bng(lat, lon).unwrap();
        assert!((back.x() - 394813.0).abs() < 0.001, "{back:?}");
        assert!((back.y() - 99708.0).abs() < 0.001, "{back:?}");
        assert_eq!(bng_to_wgs84(-5.0, 100.0), None);
    }

    fn shared_schools_csv() -> Option<PathBuf> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/dorset/schools-dorset-bcp-2024-25.csv");
        p.exists().then_some(p)
    }

    /// Every Dorset/BCP school postcode centroid: postcodes.io latitude/longitude converts to
    /// within 2 m of Code-Point Open's easting/northing (which is itself rounded to 1 m).
    #[test]
    fn real_postcode_centroids_agree_with_code_point_open() {
        let Some(path) = shared_schools_csv() else {
            println!("skipping: ../shared/data not found");
            return;
        };
        let mut rdr = csv::Reader::from_path(&path).expect("open shared schools csv");
        let headers = rdr.headers().expect("headers").clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("column {name} missing"))
        };
        let (lat_c, lon_c, e_c, n_c, urn_c) = (
            col("LAT_postcodes_io"),
            col("LON_postcodes_io"),
            col("CP2025_EASTING"),
            col("CP2025_NORTHING"),
            col("URN"),
        );
        let mut rows = 0;
        let mut max_err: f64 = 0.0;
        let mut worst = String::new();
        let mut without_coordinates = 0;
        for rec in rdr.records() {
            let rec = rec.expect("record");
            let f = |i: usize| -> Option<f64> { rec[i].trim().parse().ok() };
            let (Some(lat), Some(lon), Some(e), Some(n)) = (f(lat_c), f(lon_c), f(e_c), f(n_c))
            else {
                without_coordinates += 1;
                continue;
            };
            let p = wgs84_to_bng(lat, lon).expect("in coverage");
            let err = ((p.x() - e).powi(2) + (p.y() - n).powi(2)).sqrt();
            if err > max_err {
                max_err = err;
                worst = rec[urn_c].to_string();
            }
            assert!(
                err <= 2.0,
                "URN {}: converted ({:.2}, {:.2}) is {err:.2} m from Code-Point ({}, {})",
                &rec[urn_c],
                p.x(),
                p.y(),
                &rec[e_c],
                &rec[n_c]
            );
            rows += 1;
        }
        assert!(rows > 0, "no rows read");
        println!(
            "{rows} postcode centroids ({without_coordinates} rows without both coordinate \
             pairs skipped): max error {max_err:.3} m (URN {worst})"
        );
    }

    #[test]
    fn known_point_converts() {
        // Dorchester area; Code-Point gives 373312, 87209 for DT2 8PH.
        let p = wgs84_to_bng(50.683909, -2.379125).unwrap();
        assert!((p.x() - 373312.0).abs() < 2.0 && (p.y() - 87209.0).abs() < 2.0);
    }

    #[test]
    fn nan_and_infinite_are_errors() {
        for (lat, lon) in [
            (f64::NAN, -2.0),
            (50.7, f64::NAN),
            (f64::INFINITY, -2.0),
            (50.7, f64::NEG_INFINITY),
        ] {
            let e = wgs84_to_bng(lat, lon).unwrap_err();
            assert!(matches!(e, GeodesyError::NonFinite { .. }), "{e}");
            assert!(e.to_string().contains("not a finite number"));
        }
    }

    #[test]
    fn outside_britain_is_an_error() {
        // Paris, New York, swapped Dorset coordinates, open sea west of Scilly. (OSTN15's grid
        // extends over the sea and parts of Ireland, so e.g. Dublin converts; only the grid's
        // coverage can be checked, not land.)
        for (lat, lon) in [
            (48.8566, 2.3522),
            (40.7128, -74.0060),
            (-2.379125, 50.683909),
            (49.93, -8.5),
        ] {
            let e = wgs84_to_bng(lat, lon).unwrap_err();
            assert!(matches!(e, GeodesyError::OutsideCoverage { .. }), "{e}");
            assert!(e.to_string().contains("OSTN15"), "{e}");
        }
    }
}
