//! Locations for a plan's resources. A plan has no line numbers; when the configuration it
//! was made from is at hand, the HCL scan of that configuration gives each resource's
//! declaration, and each value the `.tf` line it is written at. The evaluated configuration
//! also fills in values the plan knows only after apply (a policy built with `jsonencode`
//! from an ARN is one unknown string in the plan, but a document with a reference in the
//! configuration).

use super::address::strip_keys;
use crate::document::{Resource, block_or_self};
use crate::parse::hcl::module::{VarInputs, is_tf_file, scan_root_module};
use crate::value::{Node, Span, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The evaluated configuration of a plan.
pub struct Config {
    pub dir: PathBuf,
    /// The files of the configuration (its modules and variable files included).
    pub files: std::collections::BTreeSet<std::sync::Arc<str>>,
    resources: Vec<Resource>,
    by_address: HashMap<String, usize>,
    by_stripped: HashMap<String, usize>,
}

impl Config {
    /// Evaluate the Terraform configuration in `dir` with the plan's root variable values;
    /// `None` when the directory has no Terraform files.
    pub fn load(dir: &Path, vars: Vec<(String, String)>) -> Option<Config> {
        let has_tf = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok())
            .any(|e| is_tf_file(&e.path()) && e.path().is_file());
        if !has_tf {
            return None;
        }
        let inputs = VarInputs {
            var_files: Vec::new(),
            vars,
        };
        let (doc, files) = scan_root_module(dir, dir, &inputs);
        let mut by_address = HashMap::new();
        let mut by_stripped = HashMap::new();
        for (i, r) in doc.resources.iter().enumerate() {
            by_address.entry(r.address.clone()).or_insert(i);
            by_stripped.entry(strip_keys(&r.address)).or_insert(i);
        }
        Some(Config {
            dir: dir.to_path_buf(),
            files,
            resources: doc.resources,
            by_address,
            by_stripped,
        })
    }

    /// The declaration of a resource, and whether it is the same instance (else it is the
    /// same resource in another instance of it or of its modules: its locations hold, its
    /// values may not).
    pub fn find(&self, address: &str) -> Option<(&Resource, bool)> {
        if let Some(&i) = self.by_address.get(address) {
            return Some((&self.resources[i], true));
        }
        self.by_stripped
            .get(&strip_keys(address))
            .map(|&i| (&self.resources[i], false))
    }
}

/// Move a value built from the plan onto the configuration: every node takes the span of
/// the configuration's node at the same place (else its parent's), and, with `values`
/// (the configuration's node is of the same instance), a value the plan does not know
/// (unknown, or only the references of its expression) takes the evaluated
/// configuration's value when that says more.
pub fn graft(mut n: Node, hcl: Option<&Node>, fallback: &Span, values: bool) -> Node {
    if values
        && matches!(n.value, Value::Unknown | Value::Ref(_) | Value::Interp(_))
        && let Some(h) = hcl
        && !matches!(h.value, Value::Unknown)
    {
        return h.clone();
    }
    let span = hcl
        .map(|h| h.span.clone())
        .filter(|s| !s.is_none())
        .unwrap_or_else(|| fallback.clone());
    n.value = match n.value {
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| {
                    let h = hcl.and_then(block_or_self).and_then(|h| h.get(&k));
                    let v = graft(v, h, &span, values);
                    (k, v)
                })
                .collect(),
        ),
        Value::List(l) => Value::List(
            l.into_iter()
                .enumerate()
                .map(|(i, v)| graft(v, hcl.and_then(|h| item(h, i)), &span, values))
                .collect(),
        ),
        Value::Json(inner) => {
            let h = hcl.map(|h| match &h.value {
                Value::Json(i) => &**i,
                _ => h,
            });
            Value::Json(Box::new(graft(*inner, h, &span, values)))
        }
        other => other,
    };
    n.span = span;
    n
}

fn item(h: &Node, i: usize) -> Option<&Node> {
    match &h.value {
        Value::List(l) => l.get(i),
        Value::Json(inner) => item(inner, i),
        Value::Map(_) if i == 0 => Some(h),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Ref;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn at(file: &str, line: u32) -> Span {
        Span::new(Arc::from(file), line, 3, line, 9)
    }

    fn map(entries: Vec<(&str, Node)>, span: Span) -> Node {
        let m: BTreeMap<String, Node> = entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        Node::new(Value::Map(m), span)
    }

    #[test]
    fn spans_move_to_the_configuration_and_unknowns_take_its_values() {
        let plan = map(
            vec![
                ("name", Node::string("web", at("plan.json", 10))),
                ("arn", Node::unknown(at("plan.json", 11))),
                ("role", Node::unknown(at("plan.json", 12))),
            ],
            at("plan.json", 9),
        );
        let role_ref = Node::new(
            Value::Ref(Ref {
                target: "aws_iam_role.r".into(),
                attr: "name".into(),
            }),
            at("main.tf", 4),
        );
        let hcl = map(
            vec![
                ("name", Node::string("web", at("main.tf", 3))),
                ("role", role_ref.clone()),
            ],
            at("main.tf", 2),
        );
        let decl = at("main.tf", 1);
        let same = graft(plan.clone(), Some(&hcl), &decl, true);
        assert_eq!(same.span, at("main.tf", 2));
        assert_eq!(same.get("name").unwrap().span, at("main.tf", 3));
        // Not written in the configuration: the resource's parent node.
        assert_eq!(same.get("arn").unwrap().span, at("main.tf", 2));
        assert_eq!(same.get("arn").unwrap().value, Value::Unknown);
        assert_eq!(same.get("role").unwrap(), &role_ref);
        // Another instance's declaration: its places, not its values.
        let other = graft(plan, Some(&hcl), &decl, false);
        assert_eq!(other.get("role").unwrap().value, Value::Unknown);
        assert_eq!(other.get("role").unwrap().span, at("main.tf", 4));
    }
}
