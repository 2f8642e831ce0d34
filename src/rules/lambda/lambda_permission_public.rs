//! LAMBDA001 lambda-permission-public
//!
//! What it does: finds Lambda permissions (`aws_lambda_permission`, `AWS::Lambda::Permission`)
//! that grant invoke to `*` with no source condition (`source_arn`, `source_account`,
//! `principal_org_id`). The permission of a function URL (`lambda:InvokeFunctionUrl` with
//! `function_url_auth_type`) is left to LAMBDA003: with `AWS_IAM` the caller still needs IAM
//! permission, with `NONE` the URL itself is the finding.
//!
//! Why is this bad? Anyone with AWS credentials, in any account, can invoke the function:
//! run its code, with its role, on input of their choosing, and run up its bill.

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
