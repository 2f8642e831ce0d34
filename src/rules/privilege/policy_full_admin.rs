//! PRIV001 policy-full-admin.
//!
//! Reports `Allow` statements of identity policies written in the configuration that grant
//! every action on every resource.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV001.yaml`; `docs/rules/PRIV001.md` and `rolegraph rules PRIV001` render it.

use super::{is_everything, statements};
use crate::finding::Finding;
use crate::model::Model;
use crate::model::policy::Tri;
use crate::rules::Rule;

pub struct Priv001;

const ID: &str = "PRIV001";

impl Rule for Priv001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for stmt in statements(m) {
            if !stmt.is_allow() || stmt.on_any_resource() != Tri::Yes {
                continue;
            }
            let Some((entry, _)) = stmt.actions().into_iter().find(|(p, _)| is_everything(p))
            else {
                continue;
            };
            let message = format!(
                "{} allows every action (\"{entry}\") on every resource (\"*\"): whoever holds this policy administers the account, including IAM, so it can grant itself anything else; list the actions and resources the principal uses",
                stmt.describe()
            );
            out.push(stmt.finding(m, ID, stmt.st.node.span.clone(), message));
        }
        out
    }
}
