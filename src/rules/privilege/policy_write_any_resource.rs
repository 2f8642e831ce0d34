//! PRIV003 policy-write-any-resource.
//!
//! Expands each `Allow` statement on `Resource: "*"` against the embedded IAM action
//! dataset and reports the Write and Permissions-management actions that accept specific
//! resources, unless a condition scopes the resources.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV003.yaml`; `docs/rules/PRIV003.md` and `rolegraph rules PRIV003` render it.

use super::policy_data_read_any_resource::is_data_read;
use super::{entry_text, expanded, location, statements};
use crate::finding::Finding;
use crate::iam::dataset::{AccessLevel, Action};
use crate::model::Model;
use crate::model::policy::Tri;
use crate::rules::Rule;
use std::collections::BTreeSet;

pub struct Priv003;

const ID: &str = "PRIV003";

/// A Write or Permissions management action that could be limited to some resources.
fn scopable_write(a: &Action) -> bool {
    matches!(
        a.level,
        AccessLevel::Write | AccessLevel::PermissionsManagement
    ) && a.has_resource_types()
        && !is_data_read(a)
}

impl Rule for Priv003 {
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
            let mut types = BTreeSet::new();
            for (entry, node, matched) in expanded(&stmt) {
                let hits: Vec<&Action> =
                    matched.into_iter().filter(|a| scopable_write(a)).collect();
                if hits.is_empty() {
                    continue;
                }
                for a in &hits {
                    types.extend(a.resource_types());
                }
                listed.push(entry_text(entry, &hits, "Write or Permissions management"));
                nodes.push(node);
            }
            if listed.is_empty() {
                continue;
            }
            let mut types: Vec<&str> = types.into_iter().collect();
            if types.len() > 4 {
                types.truncate(4);
                types.push("...");
            }
            let message = format!(
                "{} allows {} on \"*\", though {} can be limited to specific resources ({}): the principal can change every such resource in the account; put the ARNs it works with in Resource",
                stmt.describe(),
                listed.join(", "),
                if listed.len() == 1 && !listed[0].contains(' ') {
                    "it"
                } else {
                    "they"
                },
                types.join(", ")
            );
            out.push(stmt.finding(m, ID, location(&stmt, &nodes), message));
        }
        out
    }
}
