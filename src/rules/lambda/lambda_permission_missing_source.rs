//! LAMBDA002 lambda-permission-missing-source
//!
//! What it does: finds Lambda permissions for an AWS service principal (`s3.amazonaws.com`,
//! `sns.amazonaws.com`, `events.amazonaws.com`, `apigateway.amazonaws.com`, ...) without a
//! `source_arn` / `SourceArn`, and for S3 also without `source_account` / `SourceAccount`
//! (bucket ARNs carry no account). A value that is not statically known counts as set.
//!
//! Why is this bad? The permission lets the service invoke the function on behalf of any
//! resource of that service, in any account: another customer's bucket, topic or rule can
//! trigger it (the confused deputy).

use super::{function_text, is_permission, perm_attr};
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
        for r in m.graph.resources.iter().filter(|r| is_permission(r)) {
            let Some(p) = perm_attr(r, "principal") else {
                continue;
            };
            let Some(service) = p.as_str().filter(|s| s.ends_with(".amazonaws.com")) else {
                continue;
            };
            let mut missing = Vec::new();
            if perm_attr(r, "source_arn").is_none() {
                missing.push(if r.format == crate::doc::Format::CloudFormation {
                    "SourceArn"
                } else {
                    "source_arn"
                });
            }
            if service.starts_with("s3.") && perm_attr(r, "source_account").is_none() {
                missing.push(if r.format == crate::doc::Format::CloudFormation {
                    "SourceAccount"
                } else {
                    "source_account"
                });
            }
            if missing.is_empty() {
                continue;
            }
            out.push(
                Finding::new(
                    ID,
                    severity(ID),
                    p.span.clone(),
                    &r.address,
                    format!(
                        "{} lets {service} invoke {} on behalf of any resource in any account: it sets no {}. Set it to the resource (and account) that should trigger the function",
                        r.address,
                        function_text(r),
                        missing.join(" and ")
                    ),
                )
                .key(service),
            );
        }
        out
    }
}
