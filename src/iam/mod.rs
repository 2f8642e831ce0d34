//! IAM semantics that do not depend on how a policy was written: the embedded action
//! dataset and action patterns.

pub mod dataset;
pub mod pattern;
