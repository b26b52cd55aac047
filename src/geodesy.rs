//! Latitude/longitude (WGS84/ETRS89) to British National Grid eastings and northings.

/// Why a coordinate could not be converted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeodesyError {
    #[error("latitude/longitude ({0}, {1}) is outside the area the OSTN15 transformation covers")]
    OutsideCoverage(f64, f64),
}

/// Converts WGS84 latitude/longitude to BNG with the OSTN15 transformation.
pub fn wgs84_to_bng(latitude: f64, longitude: f64) -> Result<geo::Point<f64>, GeodesyError> {
    lonlat_bng::convert_osgb36(longitude, latitude)
        .map(|(e, n)| geo::Point::new(e, n))
        .map_err(|_| GeodesyError::OutsideCoverage(latitude, longitude))
}
