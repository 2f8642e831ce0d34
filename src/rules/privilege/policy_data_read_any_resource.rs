//! PRIV006 policy-data-read-any-resource
//!
//! What it does: finds `Allow` statements on `Resource: "*"` whose actions read data or
//! secrets: object contents, secret values, parameters, decryption, table items, queue
//! messages, stream records, log events, database logins (the list is [`DATA_READ`]).
//! Patterns count by what they match (`s3:Get*` includes `s3:GetObject`). One finding per
//! statement, listing the actions. `*` and whole-service wildcards are PRIV001's and
//! PRIV002's findings. A statement whose `Condition` limits the resources another way (a
//! resource tag, a KMS alias or `kms:ViaService`, `aws:CalledVia*`, `aws:ViaAWSService`)
//! does not fire.
//!
//! Why is this bad? The principal can read every object, secret or table in the account,
//! not only its own: one compromised workload exposes everyone's data.

use super::{entry_text, expanded, location, statements};
use crate::finding::Finding;
use crate::iam::dataset::Action;
use crate::model::Model;
use crate::model::policy::Tri;
use crate::rules::Rule;

pub struct Priv006;

const ID: &str = "PRIV006";

/// Actions that return stored data or secrets, or decrypt them. Each is checked against
/// the dataset by a test.
pub const DATA_READ: &[&str] = &[
    "dynamodb:BatchGetItem",
    "dynamodb:GetItem",
    "dynamodb:GetRecords",
    "dynamodb:Query",
    "dynamodb:Scan",
    "glacier:GetJobOutput",
    "kinesis:GetRecords",
    "kms:Decrypt",
    "logs:FilterLogEvents",
    "logs:GetLogEvents",
    "rds-db:connect",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "secretsmanager:GetSecretValue",
    "sqs:ReceiveMessage",
    "ssm:GetParameter",
    "ssm:GetParameterHistory",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
];

/// Does the action read data or secrets (and accept specific resources)?
pub fn is_data_read(a: &Action) -> bool {
    a.has_resource_types() && DATA_READ.iter().any(|d| d.eq_ignore_ascii_case(a.name))
}

impl Rule for Priv006 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for stmt in statements(m) {
            if !stmt.is_allow() || stmt.on_any_resource() != Tri::Yes || stmt.scoped_by_condition()
            {
                continue;
            }
            let mut listed = Vec::new();
            let mut nodes = Vec::new();
            for (entry, node, matched) in expanded(&stmt) {
                let hits: Vec<&Action> = matched.into_iter().filter(|a| is_data_read(a)).collect();
                if hits.is_empty() {
                    continue;
                }
                listed.push(if crate::iam::pattern::is_pattern(entry) {
                    format!(
                        "{entry} (includes {})",
                        hits.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
                    )
                } else {
                    entry_text(entry, &hits, "data-read")
                });
                nodes.push(node);
            }
            if listed.is_empty() {
                continue;
            }
            let message = format!(
                "{} allows {} on \"*\": the principal can read every object, secret, parameter or item {} reach in the account, not only its own; put the ARNs it reads in Resource",
                stmt.describe(),
                listed.join(", "),
                if listed.len() == 1 && !listed[0].contains(' ') {
                    "this action can"
                } else {
                    "these actions"
                },
            );
            out.push(stmt.finding(m, ID, location(&stmt, &nodes), message));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_read_action_is_in_the_dataset_and_scopable() {
        let data = crate::iam::dataset::get();
        for name in DATA_READ {
            let a = data
                .get(name)
                .unwrap_or_else(|| panic!("{name} is not in the IAM action dataset"));
            assert_eq!(&a.name, name, "spelled as AWS spells it");
            assert!(a.has_resource_types(), "{name} only accepts \"*\"");
        }
        let mut sorted = DATA_READ.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, DATA_READ);
    }
}
