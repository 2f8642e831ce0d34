//! rolegraph: how does each AWS compute workload get its credentials, and is that safe?
//!
//! The pipeline (see DESIGN.md): discover -> parse -> resolve -> graph -> model -> rules ->
//! report. [`scan`] runs all of it.

pub mod doc;
pub mod finding;
pub mod parse;
pub mod policies;
pub mod report;
pub mod value;
