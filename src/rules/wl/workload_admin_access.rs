//! WL003 workload-admin-access.
//!
//! Reports workload roles whose effective permissions make them administrators: an
//! administrator managed policy attached (`ADMIN_POLICIES`) that the role's permissions
//! still grant, or `*` / `iam:*` on every resource from any policy (written, customer
//! managed, AWS managed), at the granting statement.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/WL003.yaml`; `docs/rules/WL003.md` and `rolegraph rules WL003` render it.

use crate::finding::Finding;
use crate::iam::escalation::{Permissions, Scope};
use crate::model::Model;
use crate::model::permissions::{ADMIN_POLICIES, PrincipalPolicies};
use crate::model::policy::Tri;
use crate::rules::grants::{grant_site, with_uses, workloads_text};
use crate::rules::{Rule, severity};
use crate::value::Span;

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

/// Where a principal's administrator access comes from.
pub struct AdminGrant {
    /// The attachment (AWS managed) or the `Action` entry that grants it (written).
    pub span: Span,
    /// `AdministratorAccess`, or for a written policy the managed policy it amounts to.
    pub name: &'static str,
    /// `AWS managed policy AdministratorAccess`, `statement 1 of aws_iam_policy.ci`.
    pub label: String,
}

/// The admin access a principal has, whose grants survive its boundary and Deny
/// statements: an AWS managed admin policy attached, else effective permissions from any
/// source (a `*`-on-`*` or `iam:*`-on-`*` statement in a customer or inline policy) that
/// allow every probe of AdministratorAccess or IAMFullAccess on every resource.
pub fn admin_grant(pp: &PrincipalPolicies) -> Option<AdminGrant> {
    let (set, index) = pp.set();
    if let Some(a) = pp.policies.iter().find(|a| {
        a.managed_name().is_some_and(|name| {
            ADMIN_POLICIES.contains(&name)
                && probes(name)
                    .iter()
                    .all(|p| set.allows(p, Scope::AnyResource) == Tri::Yes)
        })
    }) {
        return Some(AdminGrant {
            span: a.span.clone(),
            name: a.managed_name().unwrap_or_default(),
            label: a.label.clone(),
        });
    }
    for name in ["AdministratorAccess", "IAMFullAccess"] {
        if probes(name)
            .iter()
            .all(|p| set.allows(p, Scope::Star) == Tri::Yes)
        {
            let first = probes(name)[0];
            let w = set.decide(first, Scope::Star).by?;
            let (span, label) = grant_site(pp, &index, w, first);
            return Some(AdminGrant { span, name, label });
        }
    }
    None
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
            let name = admin.name;
            // A written policy: say which statement, the line to change.
            let source = if admin.label.starts_with("AWS managed policy") {
                format!("which has {name} attached: it allows")
            } else {
                format!("whose {} allows", admin.label)
            };
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
                    "{} run{} as {}, {source} {what}, so code running in the workload administers the account. Attach a policy that names the actions and resources the workload uses instead",
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
