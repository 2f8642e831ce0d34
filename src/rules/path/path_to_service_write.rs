//! PATH003 path-to-service-write.
//!
//! Reports the attack paths of `super::paths` whose impact is write or delete on every resource of a service: one finding per
//! entry, at the entry's location.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PATH003.yaml`; `docs/rules/PATH003.md` and `rolegraph rules PATH003` render it.

use crate::finding::Finding;
use crate::model::Model;
use crate::rules::Rule;

pub struct Path003;

const ID: &str = "PATH003";

impl Rule for Path003 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        super::findings(m, ID)
    }
}
