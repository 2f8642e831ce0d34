//! IAM semantics that do not depend on how a policy was written: the embedded action
//! dataset, the ARN formats of resource types, action patterns and the
//! privilege-escalation catalogue.

pub mod arn;
pub mod condition;
pub mod dataset;
pub mod escalation;
pub mod eval;
pub mod managed;
pub mod pattern;
pub mod principal;
