//! PATH002 path-to-data-read.
//!
//! Reports the attack paths of `super::paths` whose impact is read of data or secrets on every resource: one finding per
//! entry, at the entry's location.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PATH002.yaml`; `docs/rules/PATH002.md` and `rolegraph rules PATH002` render it.

use crate::finding::Finding;
use crate::model::Model;
use crate::rules::Rule;

pub struct Path002;

const ID: &str = "PATH002";

impl Rule for Path002 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        super::findings(m, ID)
    }
}
