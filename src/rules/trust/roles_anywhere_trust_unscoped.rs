//! TRUST004 roles-anywhere-trust-unscoped.
//!
//! Reports trusts of `rolesanywhere.amazonaws.com` without a condition on the client
//! certificate or the trust anchor.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/TRUST004.yaml`; `docs/rules/TRUST004.md` and `rolegraph rules TRUST004` render it.

use super::trust_statements;
use crate::finding::Finding;
use crate::iam::principal::Principal;
use crate::model::Model;
use crate::rules::{Rule, severity};

pub struct Trust004;

const ID: &str = "TRUST004";

impl Rule for Trust004 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for ts in trust_statements(m) {
            let Some(tests) = &ts.tests else { continue };
            let Some((_, node)) = ts.principals.iter().find(|(p, _)| {
                matches!(p, Principal::Service(s) if s.starts_with("rolesanywhere.amazonaws.com"))
            }) else {
                continue;
            };
            // A bare `*` (or `**`) matches every certificate: it never scopes.
            let scoped = tests.iter().any(|t| {
                t.is_positive_match()
                    && !t.if_exists
                    && (t.key.starts_with("aws:principaltag/x509") || t.key == "aws:sourcearn")
                    && t.values.iter().any(|v| {
                        v.as_str()
                            .is_none_or(|s| s.is_empty() || !s.chars().all(|c| c == '*'))
                    })
            });
            if scoped {
                continue;
            }
            out.push(
                Finding::new(
                    ID,
                    severity(ID),
                    node.span.clone(),
                    ts.role_address(),
                    format!(
                        "{} trusts IAM Roles Anywhere with no condition on the certificate or the trust anchor: any certificate from any trust anchor in the account gets its credentials. Add a condition on aws:PrincipalTag/x509Subject/CN (or x509Issuer) and on aws:SourceArn naming the trust anchor",
                        ts.role_address()
                    ),
                )
                .related(ts.st.node.span.first_line(), "in this statement"),
            );
        }
        out
    }
}
