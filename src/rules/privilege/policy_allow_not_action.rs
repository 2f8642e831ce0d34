//! PRIV004 policy-allow-not-action.
//!
//! Reports `Allow` statements that use `NotAction` or `NotResource`.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV004.yaml`; `docs/rules/PRIV004.md` and `rolegraph rules PRIV004` render it.

use super::statements;
use crate::finding::Finding;
use crate::model::Model;
use crate::rules::Rule;

pub struct Priv004;

const ID: &str = "PRIV004";

impl Rule for Priv004 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for stmt in statements(m) {
            if !stmt.is_allow() {
                continue;
            }
            let not_action = stmt.st.node.get_ci("NotAction").filter(|n| !n.is_null());
            let not_resource = stmt.st.node.get_ci("NotResource").filter(|n| !n.is_null());
            // `NotResource: "*"` excludes every resource: the statement grants nothing.
            let excludes_all = not_resource.is_some_and(|nr| {
                nr.items().iter().any(|i| {
                    i.as_str()
                        .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c == '*'))
                })
            });
            let (span, message) = match (not_action, not_resource) {
                (None, None) => continue,
                (_, Some(nr)) if excludes_all => {
                    let mut f = stmt.finding(
                        m,
                        ID,
                        nr.span.clone(),
                        format!(
                            "{} has NotResource \"*\": it excludes every resource, so the statement grants nothing; remove it, or name the allowed resources in Resource if a grant was meant",
                            stmt.describe()
                        ),
                    );
                    f.severity = crate::finding::Severity::Low;
                    out.push(f);
                    continue;
                }
                (Some(na), nr) => (
                    na.span.clone(),
                    format!(
                        "{} allows every action except those in NotAction{}: that is every other action of every service, including actions AWS adds later; name the allowed actions in Action instead (keep NotAction for Deny statements)",
                        stmt.describe(),
                        if nr.is_some() {
                            ", on every resource except those in NotResource"
                        } else {
                            ""
                        }
                    ),
                ),
                (None, Some(nr)) => (
                    nr.span.clone(),
                    format!(
                        "{} allows its actions on every resource except those in NotResource: that includes every resource created later, in any account the actions reach; name the allowed resources in Resource instead",
                        stmt.describe()
                    ),
                ),
            };
            out.push(stmt.finding(m, ID, span, message));
        }
        out
    }
}
