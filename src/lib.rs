//! schoolrun: decides home-to-school transport eligibility under a council's published policy.
//!
//! Layout (pure core first, I/O at the edges):
//! * [`units`]   – metres and pence; miles and pounds are converted once, at policy load.
//! * [`policy`]  – the policy as data: values and sections, each validated as it is read; `decide::Policy` puts them together with the rules.
//! * [`area`]    – schools, entrances, catchments, and measuring from a home to a school.
//! * [`network`] – the walking and driving graphs, snapping, shortest routes.
//! * [`decide`]  – the rules engine: one module per clause under `decide/rules/`.
//! * [`geodesy`] – latitude/longitude to British National Grid (OSTN15).
//! * [`osm`]     – OpenStreetMap extracts (`.osm.pbf`) to network edges, school sites and entrances.
//! * [`appeal`]  – for appeal panels: comparing two runs of decisions case by case.
//! * [`provenance`] – where a decision came from: policy and area files with their SHA-256.
//! * [`report`]  – the HTML letter and SVG map of a decision (clause 5.2, clause 1.5.3).
//! * [`textpos`] – byte offsets to the line and column a person sees (one count for every reader).
//! * [`io`]      – file formats: CSV, GeoJSON and TOML readers and writers, with file/line context.
//! * [`cmd`]     – one module per subcommand; [`cli`] holds the argument definitions.

pub(crate) mod appeal;
pub mod area;
pub mod cli;
pub(crate) mod cmd;
pub mod decide;
pub mod geodesy;
pub mod io;
pub mod network;
pub mod osm;
pub mod policy;
pub(crate) mod provenance;
pub(crate) mod report;
pub mod textpos;
pub(crate) mod units;

pub use cmd::output::{clap_exit_code, exit_code};
pub use cmd::run;
