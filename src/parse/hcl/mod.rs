//! Terraform: HCL and `.tf.json` modules, evaluated.

pub mod functions;
