//! PRIV: least privilege in the identity policy documents written in the configuration
//! (inline policies of roles, users and groups; customer-managed policies). Each rule reads
//! one statement at a time; AWS managed policies are judged elsewhere, through what they
//! grant a principal.

pub mod admin_managed_policy_attached;
pub mod policy_allow_not_action;
pub mod policy_data_read_any_resource;
pub mod policy_full_admin;
pub mod policy_invalid;
pub mod policy_privilege_escalation;
pub mod policy_service_wildcard;
pub mod policy_unknown_action;
pub mod policy_write_any_resource;

use crate::finding::Finding;
use crate::iam::dataset::{self, Action};
use crate::model::policy::{PolicyDocument, Statement, Tri};
use crate::model::{IdentityPolicy, Model};
use crate::rules::severity;
use crate::value::{Node, Span, Value};

/// One statement of one identity policy.
pub struct Stmt<'a> {
    pub policy: &'a IdentityPolicy,
    pub st: Statement,
    /// Position in the document's `Statement` list.
    pub index: usize,
}

/// The identity policies the PRIV rules judge: every one in the scan but those used only as
/// a permissions boundary (a boundary grants nothing).
pub fn granting_policies(m: &Model) -> impl Iterator<Item = &IdentityPolicy> {
    m.identity_policies
        .iter()
        .filter(|p| !m.boundary_only(p.res))
}

/// Every statement of every identity policy in the scan that grants (see
/// [`granting_policies`]), in order. Documents that cannot be read at all give none;
/// unreadable statements are skipped (unknown never fires).
pub fn statements(m: &Model) -> Vec<Stmt<'_>> {
    let mut out = Vec::new();
    for policy in granting_policies(m) {
        let Some(doc) = PolicyDocument::parse(&policy.doc_node) else {
            continue;
        };
        for (index, st) in doc.statements.into_iter().enumerate() {
            out.push(Stmt { policy, st, index });
        }
    }
    out
}

/// The statement's items of one element (`Action`, `Resource`, ...), absent or null as
/// empty.
fn field<'a>(st: &'a Statement, name: &str) -> Option<&'a Node> {
    st.node.get_ci(name).filter(|n| !n.is_null())
}

/// The literal strings of a list-or-string element, with their nodes. Items not statically
/// known (dynamic references included) are left out: they never make a rule fire.
pub fn literals<'a>(st: &'a Statement, name: &str) -> Vec<(&'a str, &'a Node)> {
    field(st, name)
        .map(|n| n.items())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| match &n.value {
            Value::String(s) if !crate::value::is_dynamic_reference(s) => Some((s.as_str(), n)),
            _ => None,
        })
        .collect()
}

impl Stmt<'_> {
    /// A definite `Allow` (Effect statically known).
    pub fn is_allow(&self) -> bool {
        self.st.allows() == Some(true)
    }

    /// The literal `Action` entries.
    pub fn actions(&self) -> Vec<(&str, &Node)> {
        literals(&self.st, "Action")
    }

    /// Does the statement apply to `Resource: "*"`? Unknown when a resource entry is not
    /// statically known; No with `NotResource` (PRIV004's case) or no `Resource`.
    pub fn on_any_resource(&self) -> Tri {
        let Some(r) = field(&self.st, "Resource") else {
            return Tri::No;
        };
        let mut result = Tri::No;
        for item in r.items() {
            match &item.value {
                Value::String(s) if s == "*" => return Tri::Yes,
                Value::String(_) => {}
                _ => result = Tri::Unknown,
            }
        }
        result
    }

    /// Does the statement's `Condition` limit the resources it reaches (a resource or
    /// request tag, `aws:ViaAWSService`, `aws:CalledVia`, a KMS alias or `kms:ViaService`),
    /// or might it (a condition block that is not statically known)? Such a statement on
    /// `"*"` is scoped another way than by ARN.
    pub fn scoped_by_condition(&self) -> bool {
        match crate::iam::principal::tests(self.st.condition()) {
            None => true,
            Some(tests) => crate::iam::principal::scopes_resources(&tests) != Tri::No,
        }
    }

    /// The resources of the statement as a message shows them (`"*"`, `arn:...`, `2
    /// resources`).
    pub fn resources_text(&self) -> String {
        let items: Vec<String> = field(&self.st, "Resource")
            .map(|n| n.items())
            .unwrap_or_default()
            .into_iter()
            .map(|n| n.display_text().unwrap_or_else(|| "?".into()))
            .collect();
        match items.as_slice() {
            [] => "its resources".into(),
            [one] if one == "*" => "\"*\"".into(),
            [one] => one.clone(),
            more => format!("{} resources", more.len()),
        }
    }

    /// How a message names the statement: `statement "WriteAll" of aws_iam_policy.ci`,
    /// `statement 2 of inline policy "logs" of aws_iam_role.app`.
    pub fn describe(&self) -> String {
        match self.sid() {
            Some(sid) => format!("statement \"{sid}\" of {}", self.policy.label),
            None => format!("statement {} of {}", self.index + 1, self.policy.label),
        }
    }

    /// What the statement is about, independent of layout and order: its effect, actions,
    /// resources and principals, each set sorted (actions compared without case, as IAM
    /// does). Part of the fingerprint key of its findings.
    pub fn subject(&self) -> String {
        fn canonical(n: &Node, lower: bool) -> String {
            match &n.value {
                Value::String(s) if lower => s.to_ascii_lowercase(),
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(x) => x.to_string(),
                Value::List(items) => {
                    let mut v: Vec<String> = items.iter().map(|i| canonical(i, lower)).collect();
                    v.sort();
                    v.dedup();
                    format!("[{}]", v.join(","))
                }
                Value::Map(m) => {
                    let v: Vec<String> = m
                        .iter()
                        .map(|(k, x)| format!("{k}={}", canonical(x, lower)))
                        .collect();
                    format!("{{{}}}", v.join(";"))
                }
                Value::Json(inner) => canonical(inner, lower),
                _ => n.display_text().unwrap_or_else(|| "?".into()),
            }
        }
        let parts: Vec<String> = [
            "Effect",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Principal",
            "NotPrincipal",
        ]
        .iter()
        .filter_map(|name| {
            let lower = name.ends_with("Action");
            field(&self.st, name).map(|n| {
                // A single value and a list of one are the same.
                let c = match &n.value {
                    Value::List(_) => canonical(n, lower),
                    _ => format!("[{}]", canonical(n, lower)),
                };
                format!("{name}:{c}")
            })
        })
        .collect();
        parts.join(" ")
    }

    fn sid(&self) -> Option<&str> {
        field(&self.st, "Sid")
            .and_then(|s| s.as_str())
            .filter(|s| !s.is_empty())
    }

    /// A finding about this statement, at `span` (the statement, or the one action it is
    /// about), with the policy's resource and the principals it is attached to as related
    /// locations. The fingerprint key names the policy and the statement, not lines.
    pub fn finding(&self, m: &Model, id: &'static str, span: Span, message: String) -> Finding {
        let res = m.resource(self.policy.res);
        // The blast radius: the workloads that run with the policy, in the message and as
        // related locations.
        let holders = m.holders(self.policy.res);
        let uses: Vec<(usize, &crate::model::RoleUse)> = m
            .workload_roles()
            .into_iter()
            .filter(|(role, _)| holders.contains(role))
            .flat_map(|(_, uses)| uses)
            .collect();
        let message = if uses.is_empty() {
            message
        } else {
            format!(
                "{message} (workloads that run with it: {})",
                crate::rules::grants::workloads_text(m, &uses)
            )
        };
        // Where (policy, statement) and what (the statement's subject), so that changing
        // `s3:*` to `kms:*` in the same statement is a new finding, not a baselined one.
        let key = format!(
            "{}#{}#{}",
            self.policy.label,
            self.sid()
                .map(String::from)
                .unwrap_or_else(|| self.index.to_string()),
            self.subject()
        );
        let mut f = Finding::new(id, severity(id), span.clone(), &res.address, message).key(key);
        // A document written elsewhere (an aws_iam_policy_document, a variable).
        if let Value::Json(inner) = &self.policy.doc_node.value
            && inner.span.line != self.policy.doc_node.span.line
        {
            f = f.related(
                self.policy.span.first_line(),
                format!("used as the document of {}", self.policy.label),
            );
        }
        if span != self.st.node.span {
            f = f.related(self.st.node.span.first_line(), "in this statement");
        }
        for kind in [
            crate::graph::EdgeKind::InlinePolicy,
            crate::graph::EdgeKind::AttachedPolicy,
        ] {
            for (holder, e) in m.graph.incoming(self.policy.res, kind) {
                // An attachment resource: name the principals it attaches the policy to.
                let principals: Vec<String> = m
                    .graph
                    .incoming(holder, kind)
                    .into_iter()
                    .map(|(p, _)| m.resource(p).address.clone())
                    .collect();
                let who = if principals.is_empty() {
                    m.resource(holder).address.clone()
                } else {
                    principals.join(", ")
                };
                f = f.related(e.span.clone(), format!("{} of {who}", kind.describe()));
            }
        }
        crate::rules::grants::with_uses(m, &uses, f)
    }
}

/// The span a finding about some of a statement's actions points at: the action when there
/// is exactly one, else the statement.
pub fn location(stmt: &Stmt, nodes: &[&Node]) -> Span {
    match nodes {
        [one] => one.span.clone(),
        _ => stmt.st.node.span.clone(),
    }
}

/// An `Action` entry that grants every action of every service (`*`, `*:*`).
pub fn is_everything(pattern: &str) -> bool {
    match pattern.split_once(':') {
        None => pattern.chars().all(|c| c == '*') && !pattern.is_empty(),
        Some((svc, act)) => {
            svc.chars().all(|c| c == '*')
                && !svc.is_empty()
                && act.chars().all(|c| c == '*')
                && !act.is_empty()
        }
    }
}

/// The service of an `Action` entry that grants a whole service (`s3:*`), if it is one.
pub fn whole_service(pattern: &str) -> Option<&str> {
    let (svc, act) = pattern.split_once(':')?;
    (!svc.is_empty()
        && !svc.contains(['*', '?'])
        && !act.is_empty()
        && act.chars().all(|c| c == '*'))
    .then_some(svc)
}

/// An `Action` entry with the dataset actions it grants, for the rules that judge actions
/// by what they are (PRIV003, PRIV006). Entries PRIV001 and PRIV002 report (everything, a
/// whole service) are left to them: one root cause, one finding.
pub fn expanded<'a>(stmt: &'a Stmt) -> Vec<(&'a str, &'a Node, Vec<&'static Action>)> {
    let data = dataset::get();
    stmt.actions()
        .into_iter()
        .filter(|(p, _)| !is_everything(p) && whole_service(p).is_none())
        .map(|(p, n)| (p, n, data.expand(p)))
        .collect()
}

/// How a message lists matched entries: `s3:PutObject`, `s3:Put* (12 Write actions)`.
pub fn entry_text(entry: &str, matched: &[&Action], what: &str) -> String {
    if crate::iam::pattern::is_pattern(entry) {
        let n = matched.len();
        format!(
            "{entry} ({n} {what} action{})",
            if n == 1 { "" } else { "s" }
        )
    } else {
        matched
            .first()
            .map(|a| a.name.to_string())
            .unwrap_or_else(|| entry.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_shapes() {
        assert!(is_everything("*") && is_everything("*:*") && is_everything("**"));
        assert!(!is_everything("s3:*") && !is_everything("*:Get*") && !is_everything(""));
        assert_eq!(whole_service("s3:*"), Some("s3"));
        assert_eq!(whole_service("dynamodb:**"), Some("dynamodb"));
        assert_eq!(whole_service("s3:Get*"), None);
        assert_eq!(whole_service("*:*"), None);
        assert_eq!(whole_service("s*:*"), None);
    }
}
