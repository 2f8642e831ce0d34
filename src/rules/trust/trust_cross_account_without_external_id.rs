//! TRUST002 trust-cross-account-without-external-id.
//!
//! Reports trust statements that admit an AWS principal of an account that is not the
//! configuration's own, unless an `sts:ExternalId` or `aws:PrincipalOrgID` condition
//! narrows it; accounts that cannot be told never fire.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/TRUST002.yaml`; `docs/rules/TRUST002.md` and `rolegraph rules TRUST002` render it.

use super::trust_statements;
use crate::finding::Finding;
use crate::iam::principal::{Account, Principal, narrows};
use crate::model::Model;
use crate::model::policy::Tri;
use crate::rules::{Rule, severity};

pub struct Trust002;

/// Does the statement require MFA (`Bool` `aws:MultiFactorAuthPresent` = true, not
/// `IfExists`)? A third-party service acting for its customers cannot satisfy it, so it
/// closes the confused-deputy case as an external ID does.
fn mfa_required(tests: &[crate::iam::principal::Test]) -> Tri {
    let mut result = Tri::No;
    for t in tests {
        if t.key != "aws:multifactorauthpresent"
            || !t.operator.eq_ignore_ascii_case("Bool")
            || t.if_exists
        {
            continue;
        }
        if t.values.iter().any(|v| v.has_unknown()) {
            result = Tri::Unknown;
            continue;
        }
        let truthy = |v: &crate::value::Node| {
            matches!(v.value, crate::value::Value::Bool(true))
                || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
        };
        if !t.values.is_empty() && t.values.iter().all(truthy) {
            return Tri::Yes;
        }
    }
    result
}

const ID: &str = "TRUST002";

impl Rule for Trust002 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for ts in trust_statements(m) {
            let Some(tests) = &ts.tests else { continue };
            if narrows(tests, &["sts:externalid", "aws:principalorgid"]) != Tri::No
                || mfa_required(tests) != Tri::No
            {
                continue;
            }
            // One finding per trusted account: a role ARN and the account ID of the same
            // account in one statement are one trust.
            let mut seen = std::collections::BTreeSet::new();
            for (p, node) in &ts.principals {
                let Principal::Aws {
                    account: Account::Other(id),
                    ..
                } = p
                else {
                    continue;
                };
                if !seen.insert(id.clone()) {
                    continue;
                }
                out.push(
                    Finding::new(
                        ID,
                        severity(ID),
                        node.span.clone(),
                        ts.role_address(),
                        format!(
                            "{} can be assumed from account {id} without an external ID: a third party acting for several customers can be made to use this access for someone else (confused deputy). Add a condition on sts:ExternalId (or aws:PrincipalOrgID for your own organization); if {id} is one of your accounts, pass --account-id {id}",
                            ts.role_address()
                        ),
                    )
                    .key(id.clone())
                    .related(ts.st.node.span.first_line(), "in this statement"),
                );
            }
        }
        out
    }
}
