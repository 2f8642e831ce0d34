//! PRIV006 policy-data-read-any-resource.
//!
//! Expands each `Allow` statement on `Resource: "*"` against the embedded IAM action
//! dataset and reports the actions in [`DATA_READ`], unless a condition scopes the
//! resources.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV006.yaml`; `docs/rules/PRIV006.md` and `rolegraph rules PRIV006` render it.

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
