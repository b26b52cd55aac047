//! File formats at the edge; every error names the file, the line or feature, and the field.

pub mod applications;
pub mod area_dir;
pub mod case_fields;
pub mod case_file;
pub mod decisions;
pub mod policy_files;
pub mod text;
