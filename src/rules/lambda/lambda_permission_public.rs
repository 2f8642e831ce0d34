//! LAMBDA001 lambda-permission-public.
//!
//! Reports Lambda permissions whose principal is `*` with no source condition, leaving
//! function-URL permissions to LAMBDA003.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/LAMBDA001.yaml`; `docs/rules/LAMBDA001.md` and `rolegraph rules LAMBDA001` render it.

use super::{function_text, is_permission, perm_attr};
use crate::finding::Finding;
use crate::model::Model;
use crate::rules::{Rule, severity};

pub struct Lambda001;

const ID: &str = "LAMBDA001";

impl Rule for Lambda001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for r in m.graph.resources.iter().filter(|r| is_permission(r)) {
            let Some(p) = perm_attr(r, "principal") else {
                continue;
            };
            if p.as_str() != Some("*") {
                continue;
            }
            if ["source_arn", "source_account", "principal_org_id"]
                .iter()
                .any(|k| perm_attr(r, k).is_some())
            {
                continue;
            }
            let url = perm_attr(r, "action")
                .and_then(|a| a.as_str())
                .is_some_and(|a| a.eq_ignore_ascii_case("lambda:InvokeFunctionUrl"));
            if url && perm_attr(r, "function_url_auth_type").is_some() {
                continue;
            }
            out.push(Finding::new(
                ID,
                severity(ID),
                p.span.clone(),
                &r.address,
                format!(
                    "{} lets any AWS principal in any account invoke {}: anyone can run the function's code with its role. Name the principal (an account, a service with source_arn) or add principal_org_id",
                    r.address,
                    function_text(r)
                ),
            ));
        }
        out
    }
}
