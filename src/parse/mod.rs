//! One module per input format; each turns files into a [`crate::doc::Document`].

pub mod cfn;
pub mod hcl;
pub mod json;
pub mod plan;
