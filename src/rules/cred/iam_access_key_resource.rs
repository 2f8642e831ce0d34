//! CRED002 iam-access-key-resource.
//!
//! Reports every resource the model knows as a long-lived IAM access key.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/CRED002.yaml`; `docs/rules/CRED002.md` and `rolegraph rules CRED002` render it.

use crate::finding::Finding;
use crate::model::Model;
use crate::rules::{Rule, severity};

pub struct Cred002;

const ID: &str = "CRED002";

impl Rule for Cred002 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        m.access_keys()
            .into_iter()
            .map(|key| {
                let r = m.resource(key.res);
                let user = key.user;
                Finding::new(
                    ID,
                    severity(ID),
                    r.span.first_line(),
                    &r.address,
                    format!(
                        "{} creates a long-lived access key for {user}: it never expires and is copied wherever it is used. Give the workload a role (or use OIDC federation or IAM Roles Anywhere outside AWS) instead",
                        r.address
                    ),
                )
            })
            .collect()
    }
}
