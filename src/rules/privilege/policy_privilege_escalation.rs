//! PRIV007 policy-privilege-escalation.
//!
//! Evaluates each identity policy document written in the configuration on its own against
//! the escalation catalogue of `src/iam/escalation.rs` (shared with WL004).
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV007.yaml`; `docs/rules/PRIV007.md` and `rolegraph rules PRIV007` render it.

use super::Stmt;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::policy::PolicyDocument;
use crate::rules::Rule;
use crate::rules::grants::{
    action_span, escalation_fix, escalations, is_full_admin, scope_of, single,
};

pub struct Priv007;

const ID: &str = "PRIV007";

impl Rule for Priv007 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for policy in super::granting_policies(m) {
            let Some(doc) = PolicyDocument::parse(&policy.doc_node) else {
                continue;
            };
            let set = single(&doc);
            // For each path, the statements that grant its actions.
            let mut paths = Vec::new();
            for found in escalations(&set) {
                let witnesses: Vec<(&'static str, usize)> = (0..found.actions.len())
                    .filter_map(|k| {
                        let a = found.actions[k];
                        set.decide(a, scope_of(&found, k))
                            .by
                            .map(|w| (a, w.statement))
                    })
                    .collect();
                if witnesses
                    .iter()
                    .all(|(_, s)| is_full_admin(&doc.statements[*s]))
                {
                    continue;
                }
                paths.push((found, witnesses));
            }
            let Some((first, witnesses)) = paths.first() else {
                continue;
            };
            let (action, s) = witnesses[0];
            let stmt = Stmt {
                policy,
                st: doc.statements[s].clone(),
                index: s,
            };
            let grants: Vec<String> = witnesses
                .iter()
                .map(|(a, s)| {
                    let st = Stmt {
                        policy,
                        st: doc.statements[*s].clone(),
                        index: *s,
                    };
                    format!("{a} in {}", st.describe())
                })
                .collect();
            let more = match &paths[1..] {
                [] => String::new(),
                rest => format!(
                    " Also: {}.",
                    rest.iter()
                        .map(|(f, _)| f.path.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let message = format!(
                "{} allows privilege escalation on its own: whoever holds it can {} ({}).{more} To fix: {}",
                policy.label,
                first.path.summary,
                grants.join("; "),
                escalation_fix(first),
            );
            let mut f = stmt.finding(m, ID, action_span(&stmt.st, action), message);
            f.key = format!("{}#{}", policy.label, first.path.id);
            for (a, s) in witnesses.iter().skip(1) {
                if *s != witnesses[0].1 {
                    f = f.related(
                        action_span(&doc.statements[*s], a),
                        format!("{a} is granted here"),
                    );
                }
            }
            out.push(f);
        }
        out
    }
}
