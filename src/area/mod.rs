//! The council's area data, validated and indexed: schools, their entrances, catchment areas and
//! the network. Pure core: loaders in `crate::io` build these from files.
//!
//! * `school`    – a school (DfE GIAS attributes plus the transport attributes the policy needs).
//! * `catchment` – catchment polygons; overlapping ones make joint catchments.
//! * `measure`   – distances from a home to a school as the policy measures them.
//! * `held`      – the per-school trees held at once, within a memory budget.
//! * `places`    – homes by UPRN (an address gazetteer) or postcode (centroids).
//! * `walk_start` – where a home's walk starts: the access point, or the adopted road it meets.

mod catchment;
mod held;
mod measure;
mod places;
mod school;
mod walk_start;

pub use catchment::Catchment;
pub use measure::{Area, AreaError, Extent, Located, Measured, NotPlaced, PlacedPoint};
pub use places::{
    normalise_postcode, parse_uprn, point_error_m, postcode_uncertainty_m, AddressPoint,
    DuplicateUprn, Gazetteer, HomeFrom, Places, PostcodePoint, Postcodes,
};
pub use school::{Gate, Gender, LeftOutSchool, LeftOutWhy, OperatorModel, School, Urn};
pub use walk_start::{RoadPoint, StartAt, WalkStart, WalkStartRule};
