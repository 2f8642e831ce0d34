//! SLR001 policy-on-service-linked-role.
//!
//! Reports policies the model attaches to, or writes into, a service-linked role (by
//! resource type, path or name), including roles that are only named by an attachment.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/SLR001.yaml`; `docs/rules/SLR001.md` and `rolegraph rules SLR001` render it.

use crate::finding::Finding;
use crate::graph::EdgeKind;
use crate::model::permissions::PrincipalKind;
use crate::model::{Model, RoleNaming};
use crate::rules::{Rule, severity};

pub struct Slr001;

const ID: &str = "SLR001";

/// A role name or ARN that is service-linked.
fn slr_name(s: &str) -> bool {
    s.contains(":role/aws-service-role/")
        || crate::graph::arn_name(s).starts_with("AWSServiceRoleFor")
}

fn is_slr(m: &Model, i: usize) -> bool {
    match m.role_naming(i) {
        Some(RoleNaming::ServiceLinked) => true,
        Some(RoleNaming::Role { path, name }) => {
            path.starts_with("/aws-service-role/") || slr_name(name)
        }
        None => false,
    }
}

impl Rule for Slr001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let message = |policy: &str, role: &str| {
            format!(
                "{policy} is attached to the service-linked role {role}: AWS defines a service-linked role's permissions and IAM rejects policy changes on it (UnmodifiableEntity), so the deploy fails. Remove the attachment; give extra permissions to a role of your own"
            )
        };
        let mut out = Vec::new();
        for (i, r) in m.graph.resources.iter().enumerate() {
            if m.is_principal(i) && is_slr(m, i) {
                for a in m.principal_policies(i).policies {
                    // A policy resource naming the role: point at where it names it.
                    let span = [EdgeKind::InlinePolicy, EdgeKind::AttachedPolicy]
                        .into_iter()
                        .flat_map(|k| m.graph.out(i, k))
                        .find(|(t, e)| *t == a.via && a.via != i && !e.span.is_none())
                        .map(|(_, e)| e.span.clone())
                        .unwrap_or_else(|| a.span.clone());
                    out.push(
                        Finding::new(
                            ID,
                            severity(ID),
                            span,
                            &m.resource(a.via).address,
                            message(&a.label, &r.address),
                        )
                        .key(format!("{}:{}", r.address, a.label))
                        .related(r.span.first_line(), "the service-linked role"),
                    );
                }
            }
            // A role named by text only, not in the scan.
            for item in m.unlinked_principals(i, PrincipalKind::Role) {
                if let Some(name) = item.as_str().filter(|s| slr_name(s)) {
                    out.push(
                        Finding::new(
                            ID,
                            severity(ID),
                            item.span.clone(),
                            &r.address,
                            message(&r.address, crate::graph::arn_name(name)),
                        )
                        .key(name.to_string()),
                    );
                }
            }
        }
        out
    }
}
