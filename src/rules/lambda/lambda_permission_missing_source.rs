//! LAMBDA002 lambda-permission-missing-source.
//!
//! Reports Lambda permissions for an AWS service principal that set neither a source
//! resource nor a source account (nor an organization); unknown values count as set.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/LAMBDA002.yaml`; `docs/rules/LAMBDA002.md` and `rolegraph rules LAMBDA002` render it.

use crate::finding::Finding;
use crate::model::Model;
use crate::rules::{Rule, severity};

pub struct Lambda002;

const ID: &str = "LAMBDA002";

impl Rule for Lambda002 {
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
            let Some(service) = p.as_str().filter(|s| s.ends_with(".amazonaws.com")) else {
                continue;
            };
            if perm.principal_org_id.is_some() {
                continue;
            }
            let (arn_name, account_name) = (perm.source_arn_attr, perm.source_account_attr);
            let has_arn = perm.source_arn.is_some();
            let has_account = perm.source_account.is_some();
            let why = if service.starts_with("s3.") {
                if has_account {
                    continue;
                }
                if has_arn {
                    format!(
                        "on behalf of a bucket of that name in any account: it sets no {account_name}, and a bucket ARN names no account (a deleted bucket's name can be taken by another account). Set {account_name} to the bucket owner's account"
                    )
                } else {
                    format!(
                        "on behalf of any bucket in any account: it sets neither {arn_name} nor {account_name}. Set {arn_name} to the bucket and {account_name} to its owner's account"
                    )
                }
            } else {
                if has_arn || has_account {
                    continue;
                }
                format!(
                    "on behalf of any resource in any account: it sets neither {arn_name} nor {account_name}. Set {arn_name} to the resource that should trigger the function, or at least {account_name} to the account it belongs to"
                )
            };
            out.push(
                Finding::new(
                    ID,
                    severity(ID),
                    p.span.clone(),
                    &r.address,
                    format!(
                        "{} lets {service} invoke {} {why}",
                        r.address, perm.function,
                    ),
                )
                .key(service),
            );
        }
        out
    }
}
