//! What an appeal panel needs beyond the decision itself (clause 5.2): the routes a decision
//! rests on ([`record`]), checking that a recorded decision comes out the same again
//! ([`replay`]), and comparing two runs of decisions case by case ([`diff`]).
//!
//! Pure: files are read and written by `crate::io` and `crate::cmd`; these modules take and
//! return values.

pub mod diff;
pub mod record;
pub mod replay;
