//! PATH001 path-to-admin.
//!
//! Reports the attack paths of `super::paths` whose impact is administrator access or a privilege-escalation path: one finding per
//! entry, at the entry's location.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PATH001.yaml`; `docs/rules/PATH001.md` and `rolegraph rules PATH001` render it.

use crate::finding::Finding;
use crate::model::Model;
use crate::rules::Rule;

pub struct Path001;

const ID: &str = "PATH001";

impl Rule for Path001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        super::findings(m, ID)
    }
}
