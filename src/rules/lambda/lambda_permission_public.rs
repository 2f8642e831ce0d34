//! LAMBDA001 lambda-permission-public.
//!
//! Reports Lambda permissions whose principal is `*` with no source condition, leaving
//! function-URL permissions to LAMBDA003.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/LAMBDA001.yaml`; `docs/rules/LAMBDA001.md` and `rolegraph rules LAMBDA001` render it.

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
        for perm in m.lambda_permissions() {
            let r = m.resource(perm.res);
            let Some(p) = &perm.principal else {
                continue;
            };
            if p.as_str() != Some("*") {
                continue;
            }
            if perm.source_arn.is_some()
                || perm.source_account.is_some()
                || perm.principal_org_id.is_some()
            {
                continue;
            }
            let url = perm
                .action
                .as_ref()
                .and_then(|a| a.as_str())
                .is_some_and(|a| a.eq_ignore_ascii_case("lambda:InvokeFunctionUrl"));
            if url && perm.function_url_auth_type.is_some() {
                continue;
            }
            out.push(Finding::new(
                ID,
                severity(ID),
                p.span.clone(),
                &r.address,
                format!(
                    "{} lets any AWS principal in any account invoke {}: anyone can run the function's code with its role. Name the principal (an account, a service with {}) or add {}",
                    r.address, perm.function, perm.source_arn_attr, perm.principal_org_id_attr,
                ),
            ));
        }
        out
    }
}
