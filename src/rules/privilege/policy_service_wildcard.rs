//! PRIV002 policy-service-wildcard.
//!
//! Reports `Allow` statements that grant a whole-service wildcard, one finding per
//! statement.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/PRIV002.yaml`; `docs/rules/PRIV002.md` and `rolegraph rules PRIV002` render it.

use super::{location, statements, whole_service};
use crate::finding::Finding;
use crate::iam::dataset::{self, AccessLevel};
use crate::iam::escalation::Scope;
use crate::iam::eval::covers_resources;
use crate::model::Model;
use crate::model::policy::Tri;
use crate::rules::Rule;

pub struct Priv002;

const ID: &str = "PRIV002";

impl Rule for Priv002 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let data = dataset::get();
        let mut out = Vec::new();
        for stmt in statements(m) {
            if !stmt.is_allow() {
                continue;
            }
            // A prefix the dataset does not know matches nothing: PRIV005 reports it.
            let hits: Vec<_> = stmt
                .actions()
                .into_iter()
                .filter(|(p, _)| whole_service(p).is_some_and(|s| data.has_service(s)))
                .collect();
            if hits.is_empty() {
                continue;
            }
            let names: Vec<&str> = hits.iter().map(|(p, _)| *p).collect();
            let nodes: Vec<_> = hits.iter().map(|(_, n)| *n).collect();
            // What the wildcards grant today on the statement's resources (an action counts
            // only if one of them is a resource it acts on), by access level.
            let (mut write, mut perms, mut any) = (0, 0, false);
            for name in &names {
                for a in data.expand(name) {
                    if covers_resources(&stmt.st, a.name, Scope::AnyResource) == Tri::No {
                        continue;
                    }
                    any = true;
                    match a.level {
                        AccessLevel::Write => write += 1,
                        AccessLevel::PermissionsManagement => perms += 1,
                        _ => {}
                    }
                }
            }
            // `iam:*` on a log group ARN grants nothing.
            if !any {
                continue;
            }
            let plural = |n: usize, what: &str| {
                format!("{n} {what} action{}", if n == 1 { "" } else { "s" })
            };
            let granted = match (write, perms) {
                (0, 0) => String::new(),
                (w, 0) => format!("{}, and ", plural(w, "Write")),
                (0, p) => format!("{}, and ", plural(p, "Permissions management")),
                (w, p) => format!(
                    "{} and {}, and ",
                    plural(w, "Write"),
                    plural(p, "Permissions management")
                ),
            };
            let message = format!(
                "{} allows every action of {} on {}: {} {granted}every action AWS adds later; list the actions the principal uses",
                stmt.describe(),
                if names.len() == 1 {
                    format!("a service ({})", names[0])
                } else {
                    format!("{} services ({})", names.len(), names.join(", "))
                },
                stmt.resources_text(),
                if names.len() == 1 {
                    "that includes"
                } else {
                    "those include"
                },
            );
            out.push(stmt.finding(m, ID, location(&stmt, &nodes), message));
        }
        out
    }
}
