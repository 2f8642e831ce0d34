//! TRUST005 trust-principal-malformed.
//!
//! Reads the `Principal` of each trust statement that lets someone assume a role and reports
//! literal entries IAM rejects or that name nobody: an `AWS` account ID or ARN whose
//! account is not 12 digits (`arn:aws:iam::123:root`), an `AWS` ARN of another service than
//! IAM or STS, a `Service` that is not a service principal (an ARN, an account ID, a bare
//! name without its `.amazonaws.com` domain), a `Federated` provider ARN whose account is
//! not 12 digits or that names no OIDC or SAML provider. References and values not
//! statically known never fire.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/TRUST005.yaml`; `docs/rules/TRUST005.md` and `rolegraph rules TRUST005` render it.

use super::trust_statements;
use crate::finding::Finding;
use crate::model::Model;
use crate::rules::{Rule, severity};
use crate::value::Value;

pub struct Trust005;

const ID: &str = "TRUST005";

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Why an `AWS` principal entry is malformed, if it is.
fn aws_problem(s: &str) -> Option<String> {
    if s == "*" {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return (!is_account(s)).then(|| format!("{s} is not an account ID (12 digits)"));
    }
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, _partition, service, _region, account, _resource] = parts.as_slice() else {
        return Some(format!("{s} is neither an account ID nor an ARN"));
    };
    if *arn != "arn" {
        return Some(format!("{s} is neither an account ID nor an ARN"));
    }
    if !matches!(*service, "iam" | "sts") {
        return Some(format!(
            "{s} is an ARN of {service}, not of an IAM or STS principal"
        ));
    }
    (!is_account(account)).then(|| format!("{s} has the account {account:?}, not 12 digits"))
}

fn service_problem(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("arn:") || lower.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("{s} is an AWS principal, not a service principal"));
    }
    let domain = [".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"]
        .iter()
        .any(|d| lower.ends_with(d));
    (!domain || lower.contains(['/', ' ', ':']))
        .then(|| format!("{s} is not a service principal (SERVICE.amazonaws.com)"))
}

fn federated_problem(s: &str) -> Option<String> {
    if !s.starts_with("arn:") {
        // A provider name: cognito-identity.amazonaws.com, accounts.google.com, ...
        return None;
    }
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [_, _, _, _, account, resource] = parts.as_slice() else {
        return Some(format!("{s} is not a provider ARN"));
    };
    if !is_account(account) {
        return Some(format!("{s} has the account {account:?}, not 12 digits"));
    }
    (!resource.starts_with("oidc-provider/") && !resource.starts_with("saml-provider/"))
        .then(|| format!("{s} names no OIDC or SAML provider"))
}

impl Rule for Trust005 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for ts in trust_statements(m) {
            let Some(p) = ts.st.principal() else { continue };
            let Value::Map(map) = &p.value else { continue };
            for (key, v) in map {
                let check: fn(&str) -> Option<String> = match key.to_ascii_lowercase().as_str() {
                    "aws" => aws_problem,
                    "service" => service_problem,
                    "federated" => federated_problem,
                    _ => continue,
                };
                for item in v.items() {
                    let Some(s) = item.as_str() else { continue };
                    if crate::value::is_dynamic_reference(s) {
                        continue;
                    }
                    if let Some(problem) = check(s) {
                        out.push(
                            Finding::new(
                                ID,
                                severity(ID),
                                item.span.clone(),
                                ts.role_address(),
                                format!(
                                    "the trust policy of {} has a malformed {key} principal: {problem}. IAM rejects the policy or the entry admits nobody, so the caller it was meant for cannot assume the role",
                                    ts.role_address()
                                ),
                            )
                            .key(format!("{}/{s}", key.to_ascii_lowercase())),
                        );
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals() {
        assert!(aws_problem("arn:aws:iam::123:root").is_some());
        assert!(aws_problem("12345").is_some());
        assert!(aws_problem("arn:aws:s3:::bucket").is_some());
        assert!(aws_problem("arn:aws:iam::123456789012:root").is_none());
        assert!(aws_problem("arn:aws:sts::123456789012:assumed-role/r/s").is_none());
        assert!(service_problem("lambda").is_some());
        assert!(service_problem("arn:aws:iam::123456789012:root").is_some());
        assert!(service_problem("lambda.amazonaws.com").is_none());
        assert!(service_problem("states.eu-west-1.amazonaws.com").is_none());
        assert!(federated_problem("arn:aws:iam::123456789012:oidc-provider/x").is_none());
        assert!(federated_problem("arn:aws:iam::12:oidc-provider/x").is_some());
        assert!(federated_problem("cognito-identity.amazonaws.com").is_none());
    }
}
