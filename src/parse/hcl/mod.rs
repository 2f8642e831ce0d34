//! Terraform: HCL and `.tf.json` modules, evaluated.

pub mod ast;
pub mod depth;
pub mod dupkeys;
pub mod eval;
pub mod functions;
pub mod module;
pub mod policy_doc;
pub mod suppress;
pub mod tfjson;
