//! CRED003 policy-attached-to-user.
//!
//! Reports each policy the model attaches to, or writes into, an IAM user, including
//! users that are only named by an attachment.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/CRED003.yaml`; `docs/rules/CRED003.md` and `rolegraph rules CRED003` render it.

use crate::finding::Finding;
use crate::model::permissions::PrincipalKind;
use crate::model::{Model, ResourceKind};
use crate::rules::{Rule, severity};

pub struct Cred003;

const ID: &str = "CRED003";

impl Rule for Cred003 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let message = |policy: &str, user: &str| {
            format!(
                "{policy} is attached to the IAM user {user}: permissions on a user go with its long-lived credentials. Attach it to a group the user is in, or give the workload a role"
            )
        };
        let mut out = Vec::new();
        for (i, r) in m.graph.resources.iter().enumerate() {
            if m.kind(i) == Some(ResourceKind::IamUser) {
                for a in m.principal_policies(i).policies {
                    out.push(
                        Finding::new(
                            ID,
                            severity(ID),
                            a.span.clone(),
                            &r.address,
                            message(&a.label, &r.address),
                        )
                        .key(a.label.clone()),
                    );
                }
            }
            // A user named by text only.
            for item in m.unlinked_principals(i, PrincipalKind::User) {
                let Some(name) = item.display_text() else {
                    continue;
                };
                out.push(
                    Finding::new(
                        ID,
                        severity(ID),
                        item.span.clone(),
                        &r.address,
                        message(&r.address, &name),
                    )
                    .key(name),
                );
            }
        }
        out
    }
}
