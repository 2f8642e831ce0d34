//! CRED003 policy-attached-to-user
//!
//! What it does: finds policies attached to, or written inline into, an IAM user
//! (`aws_iam_user_policy`, `aws_iam_user_policy_attachment`, `aws_iam_policy_attachment`
//! with `users`, `AWS::IAM::User` `Policies` and `ManagedPolicyArns`, `AWS::IAM::Policy` and
//! `AWS::IAM::ManagedPolicy` with `Users`, `AWS::IAM::UserPolicy`), also when the user is
//! only named. One finding per attachment.
//!
//! Why is this bad? Permissions on a user go with its long-lived credentials. Groups (for
//! people) and roles (for workloads) keep permissions in one place and away from keys.

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
