//! PRIV005 policy-unknown-action.
//!
//! Checks each `Action` and `NotAction` entry against the embedded IAM action dataset and
//! reports names and patterns that match no action.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV005.yaml`; `docs/rules/PRIV005.md` and `rolegraph rules PRIV005` render it.

use super::{literals, location, statements};
use crate::finding::Finding;
use crate::iam::dataset;
use crate::iam::pattern::is_pattern;
use crate::model::Model;
use crate::rules::Rule;

pub struct Priv005;

/// Is `entry` a pattern over a literal service prefix (`acm:View*`) while another entry of
/// the same list names that service and matches something (`acm:List*`)?
fn sibling_matches<N>(entry: &str, entries: &[(&str, N, bool)]) -> bool {
    let service = |e: &str| e.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    let Some(svc) = service(entry).filter(|s| !is_pattern(s)) else {
        return false;
    };
    is_pattern(entry)
        && entries
            .iter()
            .any(|(other, _, known)| *known && service(other).as_deref() == Some(svc.as_str()))
}

const ID: &str = "PRIV005";

impl Rule for Priv005 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let data = dataset::get();
        let mut out = Vec::new();
        for stmt in statements(m) {
            let mut bad = Vec::new();
            let mut in_not_action = false;
            for element in ["Action", "NotAction"] {
                let entries: Vec<(&str, _, bool)> = literals(&stmt.st, element)
                    .into_iter()
                    .map(|(entry, node)| {
                        let known = if is_pattern(entry) {
                            !data.expand(entry).is_empty()
                        } else {
                            data.get(entry).is_some()
                        };
                        (entry, node, known)
                    })
                    .collect();
                for (entry, node, known) in &entries {
                    if *known || sibling_matches(entry, &entries) {
                        continue;
                    }
                    in_not_action |= element == "NotAction";
                    bad.push((*entry, *node));
                }
            }
            if bad.is_empty() {
                continue;
            }
            let names: Vec<&str> = bad.iter().map(|(e, _)| *e).collect();
            let nodes: Vec<_> = bad.iter().map(|(_, n)| *n).collect();
            let what = match bad.as_slice() {
                [(e, _)] if is_pattern(e) => format!("{e}, a pattern that matches no IAM action"),
                [(e, _)] => format!("{e}, which is not an IAM action"),
                _ => format!("{}, which are not IAM actions", names.join(", ")),
            };
            let (entry, call, stay) = if bad.len() == 1 {
                ("the entry", "the call it meant", "stays")
            } else {
                ("these entries", "the calls they meant", "stay")
            };
            let effect = if in_not_action {
                format!("IAM ignores {entry}, so the exception excepts nothing")
            } else {
                match stmt.st.allows() {
                    Some(true) => format!("IAM ignores {entry}, so {call} to allow {stay} denied"),
                    Some(false) => format!("IAM ignores {entry}, so {call} to deny {stay} allowed"),
                    None => format!("IAM ignores {entry}"),
                }
            };
            let message = format!(
                "{} names {what}: {effect}; check the spelling against the AWS service authorization reference",
                stmt.describe()
            );
            out.push(stmt.finding(m, ID, location(&stmt, &nodes), message));
        }
        out
    }
}
