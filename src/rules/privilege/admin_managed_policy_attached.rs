//! PRIV008 admin-managed-policy-attached.
//!
//! Reports administrator AWS managed policies (`ADMIN_POLICIES` in
//! `model/permissions.rs`) attached to a role, user or group that no workload runs as.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV008.yaml`; `docs/rules/PRIV008.md` and `rolegraph rules PRIV008` render it.

use crate::finding::Finding;
use crate::graph::EdgeKind;
use crate::iam::managed::{ArnKind, classify};
use crate::model::Model;
use crate::model::permissions::ADMIN_POLICIES;
use crate::rules::{Rule, severity};
use crate::value::Span;
use std::collections::{BTreeMap, BTreeSet};

pub struct Priv008;

const ID: &str = "PRIV008";

impl Rule for Priv008 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let workload_roles: BTreeSet<usize> =
            m.workload_roles().into_iter().map(|(r, _)| r).collect();
        // attachment site -> (policy name, the resource that attaches, principals)
        let mut sites: BTreeMap<(Span, &str), (usize, BTreeSet<String>)> = BTreeMap::new();
        for (i, r) in m.graph.resources.iter().enumerate() {
            if !m.is_principal(i) {
                continue;
            }
            for a in m.principal_policies(i).policies {
                let Some(name) = a.managed_name().filter(|n| ADMIN_POLICIES.contains(n)) else {
                    continue;
                };
                // A workload's role is WL003's; the other principals of the same
                // attachment (`aws_iam_policy_attachment` with `roles` and `users`) are
                // still judged here.
                if workload_roles.contains(&i) {
                    continue;
                }
                sites
                    .entry((a.span.clone(), name))
                    .or_insert((a.via, BTreeSet::new()))
                    .1
                    .insert(r.address.clone());
            }
        }
        // Attachments whose principal is not in the scan.
        let attachments = m.policy_attachments();
        for a in &attachments {
            if !m.graph.incoming(a.res, EdgeKind::AttachedPolicy).is_empty() {
                continue;
            }
            let Some(v) = &a.policy_arn else { continue };
            if let ArnKind::Managed(p) = classify(v)
                && ADMIN_POLICIES.contains(&p.name)
            {
                sites
                    .entry((v.span.clone(), p.name))
                    .or_insert((a.res, a.principals.iter().cloned().collect()));
            }
        }
        let mut out = Vec::new();
        for ((span, name), (via, principals)) in sites {
            let principals: Vec<String> = principals.into_iter().collect();
            let who = if principals.is_empty() {
                "a principal".to_string()
            } else {
                principals.join(", ")
            };
            // The principal when there is one in the scan, else the attachment.
            let resource = match principals.as_slice() {
                [one] if m.graph.resources.iter().any(|r| &r.address == one) => one.clone(),
                _ => m.resource(via).address.clone(),
            };
            out.push(
                Finding::new(
                    ID,
                    severity(ID),
                    span,
                    &resource,
                    format!(
                        "AWS managed policy {name} is attached to {who}: whoever acts as it administers the account{}. Grant the actions and resources it needs, and keep administrator access for break-glass roles outside day-to-day use",
                        if name == "IAMFullAccess" { " (IAM full access lets it grant itself anything)" } else { "" },
                    ),
                )
                .key(format!("{name}:{who}")),
            );
        }
        out
    }
}
