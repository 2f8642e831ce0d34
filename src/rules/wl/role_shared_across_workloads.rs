//! WL002 role-shared-across-workloads.
//!
//! Groups the model's workload roles by role and reports roles used by several distinct
//! workloads (copies of one resource and launch-template families count once).
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/WL002.yaml`; `docs/rules/WL002.md` and `rolegraph rules WL002` render it.

use crate::finding::Finding;
use crate::graph::EdgeKind;
use crate::model::Model;
use crate::rules::grants::with_uses;
use crate::rules::{Rule, severity};
use std::collections::BTreeSet;

pub struct Wl002;

const ID: &str = "WL002";

/// A workload's identity with instance keys dropped: `module.a["x"].aws_lambda_function.f[0]`
/// -> `module.a.aws_lambda_function.f`.
fn base(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

impl Rule for Wl002 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for (role_i, uses) in m.workload_roles() {
            // An execution role is the agent's, not the workload code's: sharing it is usual.
            let uses: Vec<_> = uses
                .into_iter()
                .filter(|(_, ru)| ru.kind != EdgeKind::ExecutionRole)
                .collect();
            // A launch template and what launches from it are one workload.
            let launched_from = |w: usize| -> Vec<usize> {
                m.graph
                    .out(w, EdgeKind::UsesLaunchTemplate)
                    .into_iter()
                    .chain(m.graph.out(w, EdgeKind::UsesLaunchConfiguration))
                    .map(|(t, _)| t)
                    .collect()
            };
            let workloads: BTreeSet<usize> = uses.iter().map(|(w, _)| *w).collect();
            let distinct: BTreeSet<String> = workloads
                .iter()
                .filter(|w| !launched_from(**w).iter().any(|t| workloads.contains(t)))
                .map(|w| base(&m.resource(*w).address))
                .collect();
            if distinct.len() < 2 {
                continue;
            }
            let role = m.resource(role_i);
            let names: Vec<&str> = distinct.iter().map(String::as_str).collect();
            let f = Finding::new(
                ID,
                severity(ID),
                role.span.first_line(),
                &role.address,
                format!(
                    "{} is shared by {} workloads ({}): each runs with the permissions all of them need, and a compromise of one reaches what the others can. Give each workload its own role",
                    role.address,
                    names.len(),
                    names.join(", ")
                ),
            );
            out.push(with_uses(m, &uses, f));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn instance_keys_are_dropped() {
        assert_eq!(
            super::base("module.a[\"x\"].aws_lambda_function.f[0]"),
            "module.a.aws_lambda_function.f"
        );
    }
}
