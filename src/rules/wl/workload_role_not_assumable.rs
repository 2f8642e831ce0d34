//! WL001 workload-role-not-assumable.
//!
//! For each workload in the model, checks that the trust policy of each role it runs as
//! lets the workload's service assume it; one finding per role and service.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/WL001.yaml`; `docs/rules/WL001.md` and `rolegraph rules WL001` render it.

use crate::finding::Finding;
use crate::model::policy::{PolicyDocument, Tri};
use crate::model::{Model, trust_attr_span, trust_policy};
use crate::rules::{Rule, severity};
use std::collections::BTreeMap;

pub struct Wl001;

const ID: &str = "WL001";

impl Rule for Wl001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        // (role, service) -> the uses that need it.
        type Uses<'a> = Vec<(usize, &'a crate::model::RoleUse)>;
        let mut broken: BTreeMap<(usize, &'static str), (Uses, Vec<String>)> = BTreeMap::new();
        let mut actions_of: BTreeMap<&'static str, &'static [&'static str]> = BTreeMap::new();
        for w in &m.workloads {
            for ru in &w.roles {
                let role = m.resource(ru.role);
                let Some(doc) = trust_policy(role).and_then(PolicyDocument::parse) else {
                    continue;
                };
                if doc.trusts_service_with(ru.service, ru.actions) == Tri::No {
                    let e = broken
                        .entry((ru.role, ru.service))
                        .or_insert_with(|| (Vec::new(), doc.principals()));
                    e.0.push((w.res, ru));
                    actions_of.insert(ru.service, ru.actions);
                }
            }
        }
        let mut out = Vec::new();
        for ((role_i, service), (uses, principals)) in broken {
            let role = m.resource(role_i);
            let Some(trust) = trust_policy(role) else {
                continue;
            };
            let users: Vec<String> = uses
                .iter()
                .map(|(w, ru)| format!("{} of {}", ru.kind.describe(), m.resource(*w).address))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            // Pod Identity also tags the session: both actions must be allowed.
            let actions = actions_of.get(service).copied().unwrap_or(&[]);
            let (assume, denied, add) = if actions.len() > 1 {
                let all = actions.join(" and ");
                (
                    format!("assume it with {all}"),
                    actions.join(" or "),
                    format!("with {all}"),
                )
            } else {
                (
                    "assume it".to_string(),
                    "sts:AssumeRole".to_string(),
                    "as a Service principal".to_string(),
                )
            };
            let mut f = Finding::new(
                ID,
                severity(ID),
                trust_attr_span(role),
                &role.address,
                format!(
                    "{} is the {} but its trust policy does not allow {service} to {assume} (it trusts {}): the workload gets no credentials (AccessDenied on {denied}); add {service} {add}",
                    role.address,
                    users.join(", "),
                    if principals.is_empty() {
                        "no principal".to_string()
                    } else {
                        principals.join(", ")
                    }
                ),
            )
            .key(service);
            f = crate::rules::grants::with_uses(m, &uses, f);
            // A policy written elsewhere (aws_iam_policy_document, a variable, a file).
            if let crate::value::Value::Json(inner) = &trust.value
                && inner.span.line != trust.span.line
            {
                f = f.related(inner.span.clone(), "the trust policy is written here");
            }
            out.push(f);
        }
        out
    }
}
