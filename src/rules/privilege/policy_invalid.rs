//! PRIV009 policy-invalid.
//!
//! Validates each identity policy written in the configuration the way IAM Access Analyzer's
//! policy validation does, with the action dataset's resource types and condition keys:
//!
//! - a policy variable (`${aws:username}`) in a document without `Version: "2012-10-17"`
//!   (IAM then compares the text literally);
//! - an Allow statement whose every `Resource` ARN matches no resource type of any of its
//!   actions (the statement grants nothing);
//! - a service condition key that no action of the statement supports and no action of its
//!   service documents (`dynamodb:prefix`), for keys of a service the statement's actions
//!   belong to (`aws:` keys are global; the dataset lists action keys, not resource-type
//!   keys, so a key some action of the service has is not judged).
//!
//! Only literal values are judged: references, unknown parts and NotAction statements
//! never fire. One finding per problem, at the entry that has it.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV009.yaml`; `docs/rules/PRIV009.md` and `rolegraph rules PRIV009` render it.

use super::{granting_policies, literals};
use crate::finding::Finding;
use crate::iam::arn::without_variables;
use crate::iam::dataset::{self, Action};
use crate::model::Model;
use crate::model::policy::PolicyDocument;
use crate::rules::{Rule, severity};
use crate::value::{Node, Value};

pub struct Priv009;

const ID: &str = "PRIV009";

/// Does a literal contain an IAM policy variable (`${aws:username}`, `${s3:prefix}`)?
fn has_policy_variable(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        if let Some(end) = after.find('}') {
            let var = &after[..end];
            if var.contains(':') || matches!(var, "*" | "?" | "$") {
                return true;
            }
        }
        rest = after;
    }
    false
}

/// Every literal string of a node, with its node.
fn strings<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
    match &n.value {
        Value::String(_) => out.push(n),
        Value::List(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Map(m) => m.values().for_each(|v| strings(v, out)),
        Value::Json(inner) => strings(inner, out),
        _ => {}
    }
}

/// Does the action document condition key `key` (case-insensitive; a key with a
/// placeholder, `s3:ExistingObjectTag/<key>` or `kms:EncryptionContext:${EncryptionContextKey}`,
/// covers every key with its prefix)?
fn supports(a: &Action, key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    a.condition_keys().any(|k| {
        let k = k.to_ascii_lowercase();
        match k.find(['<', '$']) {
            Some(i) => key.starts_with(&k[..i]) && key.len() > i,
            None => k == key,
        }
    })
}

/// Does any action of `service` document `key`? The dataset lists the keys of actions, not
/// those of resource types (`ec2:ResourceTag/...` on an instance), so a key is judged
/// against the whole service: only a key the service does not have at all (a typo, a key
/// of another service) fires.
fn service_knows(service: &str, key: &str) -> bool {
    dataset::get()
        .expand(&format!("{service}:*"))
        .iter()
        .any(|a| supports(a, key))
}

impl Rule for Priv009 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let data = dataset::get();
        let mut out = Vec::new();
        for p in granting_policies(m) {
            let Some(doc) = PolicyDocument::parse(&p.doc_node) else {
                continue;
            };
            let r = m.resource(p.res);
            let finding = |node: &Node, key: String, message: String| {
                Finding::new(ID, severity(ID), node.span.clone(), &r.address, message).key(&key)
            };
            let version = doc.node.get_ci("Version");
            let versioned = version.and_then(Node::as_str) == Some("2012-10-17");
            let version_known = version.is_none_or(|v| v.as_str().is_some());
            for (index, st) in doc.statements.iter().enumerate() {
                let which = format!("statement {} of {}", index + 1, p.label);
                // Policy variables without the version that defines them.
                if !versioned && version_known {
                    let mut all = Vec::new();
                    for element in ["Resource", "NotResource", "Condition"] {
                        if let Some(n) = st.node.get_ci(element) {
                            strings(n, &mut all);
                        }
                    }
                    if let Some(n) = all
                        .into_iter()
                        .find(|n| n.as_str().is_some_and(has_policy_variable))
                    {
                        out.push(finding(
                            n,
                            format!("variable/{index}"),
                            format!(
                                "{which} uses the policy variable in {} but the policy has no Version \"2012-10-17\": IAM compares the text literally, so the statement matches nothing it was meant to",
                                n.as_str().unwrap_or_default()
                            ),
                        ));
                    }
                }
                let actions = literals(st, "Action");
                if st.not_actions().is_some()
                    || actions.is_empty()
                    || st.node.get_ci("Action").is_some_and(|a| {
                        a.items().len() != actions.len() || matches!(a.value, Value::Unknown)
                    })
                {
                    continue;
                }
                let expanded: Vec<&Action> =
                    actions.iter().flat_map(|(a, _)| data.expand(a)).collect();
                if expanded.is_empty() {
                    continue; // PRIV005's case.
                }
                // A Resource that no action of the statement can act on.
                if st.allows() == Some(true)
                    && let Some(res) = st.node.get_ci("Resource")
                {
                    let items = res.items();
                    let lits = literals(st, "Resource");
                    // ARNs of AWS-owned resources (account `aws`: CloudFormation transforms,
                    // managed policies) have no resource type in the dataset.
                    let aws_owned = lits.iter().any(|(s, _)| s.split(':').nth(4) == Some("aws"));
                    if !items.is_empty() && lits.len() == items.len() && !aws_owned {
                        let grants_nothing = lits.iter().all(|(s, _)| {
                            let pattern = without_variables(s);
                            !expanded.iter().any(|a| a.applies_to(&pattern))
                        });
                        if grants_nothing {
                            let names: Vec<&str> = lits.iter().map(|(s, _)| *s).collect();
                            out.push(finding(
                                lits[0].1,
                                format!("resource/{index}"),
                                format!(
                                    "{which} allows {} on {}, which matches no resource type of those actions: the statement grants nothing",
                                    actions.iter().map(|(a, _)| *a).collect::<Vec<_>>().join(", "),
                                    names.join(", ")
                                ),
                            ));
                        }
                    }
                }
                // Service condition keys no action supports.
                let services: std::collections::BTreeSet<String> = expanded
                    .iter()
                    .map(|a| a.service().to_ascii_lowercase())
                    .collect();
                if let Some(Value::Map(ops)) = st.condition().map(|c| &c.value) {
                    for keys in ops.values() {
                        let Value::Map(keys) = &keys.value else {
                            continue;
                        };
                        for (key, node) in keys {
                            let Some((svc, _)) = key.split_once(':') else {
                                continue;
                            };
                            // Tag keys of resource types (`ec2:ResourceTag/...`) are not
                            // in the action data.
                            let tag_key = key.split_once(':').is_some_and(|(_, k)| {
                                k.to_ascii_lowercase().starts_with("resourcetag/")
                            });
                            if !services.contains(&svc.to_ascii_lowercase()) || tag_key {
                                continue;
                            }
                            if expanded.iter().any(|a| supports(a, key)) || service_knows(svc, key)
                            {
                                continue;
                            }
                            out.push(finding(
                                node,
                                format!("condition/{index}/{}", key.to_ascii_lowercase()),
                                format!(
                                    "{which} tests the condition key {key}, which no action of {svc} documents: the condition never matches (with a positive operator the statement never applies)"
                                ),
                            ));
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::has_policy_variable;

    #[test]
    fn policy_variables() {
        assert!(has_policy_variable("arn:aws:s3:::b/${aws:username}/*"));
        assert!(has_policy_variable("${*}"));
        assert!(!has_policy_variable("arn:aws:s3:::b/${var}"));
        assert!(!has_policy_variable("plain"));
    }
}
