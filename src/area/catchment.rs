//! Catchment areas: polygons naming the school or schools they serve.

use super::Urn;

/// One catchment polygon. A home inside several catchments (or in one naming several schools)
/// is in a joint catchment.
#[derive(Debug, Clone)]
pub struct Catchment {
    pub name: String,
    pub schools: Vec<Urn>,
    pub area: geo::MultiPolygon<f64>,
}
