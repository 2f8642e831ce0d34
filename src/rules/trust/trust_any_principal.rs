//! TRUST001 trust-any-principal
//!
//! What it does: finds role trust policies whose `Allow` statement lets `Principal: "*"` or
//! `{"AWS": "*"}` (or an `Allow` with `NotPrincipal`) assume the role, with no condition that
//! narrows the caller: `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
//! `aws:SourceAccount`, `aws:SourceArn`, `sts:ExternalId` (a positive match on a value that
//! is not a bare wildcard; `...IfExists` does not count, it passes when the key is absent).
//!
//! Why is this bad? Any AWS account in the world can call sts:AssumeRole on the role and get
//! its credentials.

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
