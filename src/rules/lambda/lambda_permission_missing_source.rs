//! LAMBDA002 lambda-permission-missing-source
//!
//! What it does: finds Lambda permissions for an AWS service principal (`s3.amazonaws.com`,
//! `sns.amazonaws.com`, `events.amazonaws.com`, `apigateway.amazonaws.com`, ...) that name
//! neither the source resource (`source_arn` / `SourceArn`) nor the source account
//! (`source_account` / `SourceAccount`); for S3, without the account (a bucket ARN names no
//! account). The Lambda API documents either of the two as the way to limit who invokes the
//! function through the service. A permission with `principal_org_id` / `PrincipalOrgID` is
//! limited to the organization and does not fire. A value that is not statically known
//! counts as set.
//!
//! Why is this bad? The permission lets the service invoke the function on behalf of any
//! resource of that service, in any account: another customer's bucket, topic or rule can
//! trigger it (the confused deputy).

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
