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
use crate::model::Model;
use crate::rules::grants::{admin_grant, with_uses, workloads_text};
use crate::rules::{Rule, severity};

pub struct Wl003;

const ID: &str = "WL003";

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
