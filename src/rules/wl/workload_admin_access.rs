//! WL003 workload-admin-access.
//!
//! Reports workload roles with an administrator managed policy attached (`ADMIN_POLICIES`)
//! that the role's effective permissions still grant.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/WL003.yaml`; `docs/rules/WL003.md` and `rolegraph rules WL003` render it.

use crate::finding::Finding;
use crate::iam::escalation::{Permissions, Scope};
use crate::model::Model;
use crate::model::permissions::{ADMIN_POLICIES, Attached, PrincipalPolicies};
use crate::model::policy::Tri;
use crate::rules::grants::{with_uses, workloads_text};
use crate::rules::{Rule, severity};

pub struct Wl003;

const ID: &str = "WL003";

/// Actions each admin policy grants that a boundary meant to contain it would take away.
fn probes(policy: &str) -> &'static [&'static str] {
    match policy {
        "AdministratorAccess" => &["iam:PutRolePolicy", "ec2:RunInstances", "s3:GetObject"],
        "PowerUserAccess" => &["ec2:RunInstances", "lambda:CreateFunction", "s3:GetObject"],
        _ => &["iam:PutRolePolicy", "iam:CreateAccessKey"],
    }
}

/// The admin policy attached to a principal whose grants survive its boundary and Deny
/// statements, if any.
pub fn admin_grant(pp: &PrincipalPolicies) -> Option<&Attached> {
    let (set, _) = pp.set();
    pp.policies.iter().find(|a| {
        a.managed_name().is_some_and(|name| {
            ADMIN_POLICIES.contains(&name)
                && probes(name)
                    .iter()
                    .all(|p| set.allows(p, Scope::AnyResource) == Tri::Yes)
        })
    })
}

impl Rule for Wl003 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for (role_i, uses) in m.workload_roles() {
            let pp = m.principal_policies(role_i);
            let Some(admin) = admin_grant(&pp) else {
                continue;
            };
            let role = m.resource(role_i);
            let name = admin.managed_name().unwrap_or_default();
            let what = match name {
                "IAMFullAccess" => "full control of IAM (it can grant itself anything)",
                "PowerUserAccess" => "every action outside IAM and Organizations",
                _ => "every action on every resource",
            };
            let f = Finding::new(
                ID,
                severity(ID),
                admin.span.clone(),
                &role.address,
                format!(
                    "{} run{} as {}, which has {name} attached: it allows {what}, so code running in the workload administers the account. Attach a policy that names the actions and resources the workload uses instead",
                    workloads_text(m, &uses),
                    if uses.iter().map(|(w, _)| w).collect::<std::collections::BTreeSet<_>>().len() == 1 { "s" } else { "" },
                    role.address,
                ),
            )
            .key(name);
            let f = with_uses(m, &uses, f).related(role.span.first_line(), "the role");
            out.push(f);
        }
        out
    }
}
