//! Terraform: HCL and `.tf.json` modules, evaluated.

pub mod ast;
pub mod depth;
pub mod functions;
