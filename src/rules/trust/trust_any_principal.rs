//! TRUST001 trust-any-principal.
//!
//! Reports `Allow` statements of trust policies whose principal is anyone, unless a
//! condition on one of `CALLER_KEYS` (`iam/principal.rs`) narrows the caller.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/TRUST001.yaml`; `docs/rules/TRUST001.md` and `rolegraph rules TRUST001` render it.

use super::trust_statements;
use crate::finding::Finding;
use crate::iam::principal::{CALLER_KEYS, Principal, narrows};
use crate::model::Model;
use crate::model::policy::Tri;
use crate::rules::{Rule, severity};

pub struct Trust001;

const ID: &str = "TRUST001";

impl Rule for Trust001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for ts in trust_statements(m) {
            let Some(tests) = &ts.tests else { continue };
            if narrows(tests, CALLER_KEYS) != Tri::No {
                continue;
            }
            for (p, node) in &ts.principals {
                if *p != Principal::Anyone {
                    continue;
                }
                out.push(
                    Finding::new(
                        ID,
                        severity(ID),
                        node.span.clone(),
                        ts.role_address(),
                        format!(
                            "the trust policy of {} lets any AWS principal in any account assume it: nothing narrows the caller (no aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn or sts:ExternalId condition), so anyone who knows the role's ARN gets its credentials. Name the accounts or roles that may assume it",
                            ts.role_address()
                        ),
                    )
                    .related(ts.st.node.span.first_line(), "in this statement"),
                );
            }
        }
        out
    }
}
