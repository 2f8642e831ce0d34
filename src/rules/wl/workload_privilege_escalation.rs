//! WL004 workload-privilege-escalation.
//!
//! Evaluates each workload role's effective permissions (every policy that reaches it)
//! against the escalation catalogue of `src/iam/escalation.rs`, leaving administrators to
//! WL003; a path one policy grants alone is also PRIV007's finding at the statement.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/WL004.yaml`; `docs/rules/WL004.md` and `rolegraph rules WL004` render it.

use crate::finding::Finding;
use crate::model::Model;
use crate::rules::grants::{
    escalation_fix, escalations, grant_site, scope_of, with_uses, workloads_text,
};
use crate::rules::wl::workload_admin_access::admin_grant;
use crate::rules::{Rule, severity};

pub struct Wl004;

const ID: &str = "WL004";

impl Rule for Wl004 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for (role_i, uses) in m.workload_roles() {
            let pp = m.principal_policies(role_i);
            if admin_grant(&pp).is_some() {
                continue;
            }
            let (set, index) = pp.set();
            // Every source counts, a path one written policy allows alone included: PRIV007
            // reports that policy's statement (the line to change), WL004 the workload that
            // runs with it (the blast radius).
            let paths: Vec<_> = escalations(&set).into_iter().collect();
            let Some(first) = paths.first() else {
                continue;
            };
            let role = m.resource(role_i);
            let mut sites = Vec::new();
            for (k, action) in first.actions.iter().enumerate() {
                let d = set.decide(action, scope_of(first, k));
                if let Some(w) = d.by {
                    let (span, label) = grant_site(&pp, &index, w, action);
                    sites.push((span, format!("{action} from {label}")));
                }
            }
            let Some((span, _)) = sites.first().cloned() else {
                continue;
            };
            let more = match &paths[1..] {
                [] => String::new(),
                rest => format!(
                    " Also: {}.",
                    rest.iter()
                        .map(|f| f.path.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let mut f = Finding::new(
                ID,
                severity(ID),
                span,
                &role.address,
                format!(
                    "{} can escalate privileges: the policies of its role {} together allow it to {} ({}).{more} To fix: {}",
                    workloads_text(m, &uses),
                    role.address,
                    first.path.summary,
                    sites.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("; "),
                    escalation_fix(first),
                ),
            )
            .key(first.path.id);
            for (span, text) in sites.iter().skip(1) {
                f = f.related(span.clone(), text.clone());
            }
            out.push(with_uses(m, &uses, f).related(role.span.first_line(), "the role"));
        }
        out
    }
}
