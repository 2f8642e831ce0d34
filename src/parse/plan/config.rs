//! The plan's `configuration`: which attributes the user wrote for a resource, and the
//! `references` of each expression, followed through module inputs (`var.x` -> the module
//! call's argument) and outputs (`module.iam.role_arn` -> the output's expression) to the
//! resources they name, per module instance.

use super::address::{self, Step};
use crate::value::{Node, Piece, Ref, Value};
use std::collections::{BTreeMap, HashMap};

/// How deep references are followed through module inputs and outputs.
const MAX_HOPS: usize = 32;

/// One module instance on the way from the root to a resource.
#[derive(Clone, Debug)]
pub struct Frame<'a> {
    /// Address prefix of the instance's resources (`module.svc["api"].`; empty at the root).
    pub prefix: String,
    /// The module's configuration (`root_module`, or a call's `module`), when the plan has it.
    pub module: Option<&'a Node>,
    /// The `module_calls` entry that instantiates it (none at the root).
    pub call: Option<&'a Node>,
}

/// The frames from the root to the module instance at `module_address`.
pub fn frames<'a>(config_root: Option<&'a Node>, module_address: &str) -> Vec<Frame<'a>> {
    let mut out = vec![Frame {
        prefix: String::new(),
        module: config_root,
        call: None,
    }];
    for (name, key) in address::module_path(module_address) {
        let parent = out.last().expect("the root frame");
        let call = parent
            .module
            .and_then(|m| m.get("module_calls"))
            .and_then(|c| c.get(&name));
        out.push(Frame {
            prefix: format!("{}module.{name}{key}.", parent.prefix),
            module: call.and_then(|c| c.get("module")),
            call,
        });
    }
    out
}

/// The configuration block of a resource in a module (`expressions` of the entry with this
/// mode, type and name).
pub fn resource_expressions<'a>(
    module: Option<&'a Node>,
    data: bool,
    rtype: &str,
    name: &str,
) -> Option<&'a Node> {
    ExpressionIndex::default().get(module, data, rtype, name)
}

/// [`resource_expressions`] for every resource of a plan: each module's resources are
/// indexed once, on first use, instead of searched one by one per resource (which made a
/// plan of 16,000 resources take minutes).
#[derive(Default)]
pub struct ExpressionIndex<'a> {
    /// Module node (by address in memory) -> (data?, type, name) -> the first such block.
    modules: HashMap<usize, HashMap<(bool, &'a str, &'a str), &'a Node>>,
}

impl<'a> ExpressionIndex<'a> {
    /// A resource's configuration block in a module.
    pub fn resource(
        &mut self,
        module: Option<&'a Node>,
        data: bool,
        rtype: &str,
        name: &str,
    ) -> Option<&'a Node> {
        let module = module?;
        let index = self
            .modules
            .entry(module as *const Node as usize)
            .or_insert_with(|| {
                let mut m = HashMap::new();
                let Some(resources) = module.get("resources") else {
                    return m;
                };
                let items: Vec<&'a Node> = match &resources.value {
                    Value::List(l) => l.iter().collect(),
                    _ => Vec::new(),
                };
                for r in items {
                    let is_data =
                        r.get("mode").and_then(Node::as_str).unwrap_or("managed") == "data";
                    let (Some(t), Some(n)) = (
                        r.get("type").and_then(Node::as_str),
                        r.get("name").and_then(Node::as_str),
                    ) else {
                        continue;
                    };
                    m.entry((is_data, t, n)).or_insert(r);
                }
                m
            });
        let r = index.get(&(data, rtype, name))?;
        Some(r)
    }

    /// The `expressions` block of a resource's configuration (empty when it has none).
    pub fn get(
        &mut self,
        module: Option<&'a Node>,
        data: bool,
        rtype: &str,
        name: &str,
    ) -> Option<&'a Node> {
        self.resource(module, data, rtype, name)
            .map(|r| r.get("expressions").unwrap_or_else(|| empty_block()))
    }
}

/// What `each.value` stands for in one instance of a resource whose `for_each` iterates
/// over another resource (`for_each = aws_iam_role.fn`): that resource's instance with the
/// same key (`aws_iam_role.fn["ingest"]`), as in the HCL scan.
pub struct EachOver {
    /// The resources the `for_each` expression names (`aws_iam_role.fn`).
    pub over: Vec<String>,
    /// This instance's key as written in its address (`["ingest"]`).
    pub key: String,
}

impl EachOver {
    /// For a resource configuration and the address suffix of one of its instances.
    pub fn of(resource: &Node, key: &str) -> Option<EachOver> {
        let refs = references(resource.get("for_each_expression")?);
        let over: Vec<String> = refs
            .iter()
            .filter(|r| {
                address::steps(r).is_some_and(|st| {
                    // A whole resource (`aws_iam_role.fn`, `data.x.y`), not an attribute of it.
                    address::resource_ref(&st)
                        .is_some_and(|rr| rr.key.is_empty() && rr.attr.is_empty())
                })
            })
            .map(|r| r.to_string())
            .collect();
        (!over.is_empty() && key.starts_with('[')).then(|| EachOver {
            over,
            key: key.to_string(),
        })
    }

    /// `refs` with `each.value` / `each.value.ATTR` replaced by the instance it stands for.
    pub fn substitute<'r>(&self, refs: &[&'r str]) -> Vec<std::borrow::Cow<'r, str>> {
        let mut out = Vec::new();
        for r in refs {
            let rest = if *r == "each.value" {
                Some("")
            } else {
                r.strip_prefix("each.value.")
            };
            match rest {
                Some(rest) => {
                    for o in &self.over {
                        let dot = if rest.is_empty() { "" } else { "." };
                        out.push(std::borrow::Cow::Owned(format!(
                            "{o}{}{dot}{rest}",
                            self.key
                        )));
                    }
                }
                None => out.push(std::borrow::Cow::Borrowed(*r)),
            }
        }
        out
    }
}

/// A resource written without any argument has no `expressions`: its block is empty.
fn empty_block() -> &'static Node {
    static EMPTY: std::sync::OnceLock<Node> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Node::new(Value::Map(BTreeMap::new()), crate::value::Span::none()))
}

/// What the configuration says about one value of a resource.
#[derive(Clone, Copy, Debug)]
pub enum Cfg<'a> {
    /// The plan has no configuration for the resource: nothing can be said.
    Unavailable,
    /// The value is not written in the configuration (the provider computes it).
    NotWritten,
    /// A block (or the resource itself): a map of argument name -> expression or nested
    /// blocks.
    Block(&'a Node),
    /// One expression (`constant_value` / `references`) that produces this value and
    /// everything inside it.
    Expr(&'a Node),
}

/// An expression object has only `constant_value` and `references` (or nothing at all).
fn is_expression(n: &Node) -> bool {
    match &n.value {
        Value::Map(m) => m.keys().all(|k| k == "constant_value" || k == "references"),
        _ => false,
    }
}

impl<'a> Cfg<'a> {
    /// The configuration of one argument or nested block of this value.
    pub fn key(self, k: &str) -> Cfg<'a> {
        match self {
            Cfg::Block(b) => match b.get(k) {
                None => Cfg::NotWritten,
                Some(n)
                    if is_expression(n) && !matches!(&n.value, Value::Map(m) if m.is_empty()) =>
                {
                    Cfg::Expr(n)
                }
                // Nested blocks: a list of blocks, or one block (a map).
                Some(n) => Cfg::Block(n),
            },
            other => other,
        }
    }

    /// The configuration of item `i` of a list value.
    pub fn index(self, i: usize) -> Cfg<'a> {
        match self {
            Cfg::Block(b) => match &b.value {
                Value::List(l) => match l.get(i) {
                    Some(n) => Cfg::Block(n),
                    // More planned blocks than written ones (a dynamic block).
                    None => Cfg::Unavailable,
                },
                // A single nested block.
                Value::Map(_) if i == 0 => Cfg::Block(b),
                _ => Cfg::Unavailable,
            },
            other => other,
        }
    }
}

/// The `references` strings of an expression.
pub fn references(expr: &Node) -> Vec<&str> {
    expr.get("references")
        .map(|r| r.items().into_iter().filter_map(Node::as_str).collect())
        .unwrap_or_default()
}

/// The resources an expression refers to, as the symbolic references the HCL evaluator
/// makes: one per resource, the most specific form the plan lists (with the instance key
/// and the attribute when given). References to variables are followed to the module call
/// that sets them, references to module outputs into the output's expression, each in its
/// own module instance.
pub fn resolve(refs: &[&str], frames: &[Frame]) -> Vec<Ref> {
    let mut found: BTreeMap<String, Ref> = BTreeMap::new();
    collect(refs, frames, 0, &mut found);
    found.into_values().collect()
}

fn collect(refs: &[&str], frames: &[Frame], hops: usize, out: &mut BTreeMap<String, Ref>) {
    let Some(frame) = frames.last() else { return };
    if hops > MAX_HOPS {
        return;
    }
    for r in refs {
        let Some(st) = address::steps(r) else {
            continue;
        };
        let Some(Step::Name(first)) = st.first() else {
            continue;
        };
        match first.as_str() {
            "var" => {
                let (Some(Step::Name(var)), Some(call)) = (st.get(1), frame.call) else {
                    continue;
                };
                if let Some(e) = call.get("expressions").and_then(|e| e.get(var)) {
                    let inner = references(e);
                    collect(&inner, &frames[..frames.len() - 1], hops + 1, out);
                }
            }
            "module" => {
                let Some(Step::Name(name)) = st.get(1) else {
                    continue;
                };
                let (key, rest) = match st.get(2) {
                    Some(Step::Key(k)) => (k.clone(), 3),
                    _ => (String::new(), 2),
                };
                let Some(Step::Name(output)) = st.get(rest) else {
                    continue;
                };
                let Some(call) = frame
                    .module
                    .and_then(|m| m.get("module_calls"))
                    .and_then(|c| c.get(name))
                else {
                    continue;
                };
                // An expanded module named without an instance key: which one is unknown.
                let expanded = call.get("count_expression").is_some()
                    || call.get("for_each_expression").is_some();
                if expanded && key.is_empty() {
                    continue;
                }
                let module = call.get("module");
                let Some(expr) = module
                    .and_then(|m| m.get("outputs"))
                    .and_then(|o| o.get(output))
                    .and_then(|o| o.get("expression"))
                else {
                    continue;
                };
                let mut inner_frames = frames.to_vec();
                inner_frames.push(Frame {
                    prefix: format!("{}module.{name}{key}.", frame.prefix),
                    module,
                    call: Some(call),
                });
                let inner = references(expr);
                collect(&inner, &inner_frames, hops + 1, out);
            }
            "local" | "each" | "count" | "path" | "terraform" | "self" => {}
            _ => {
                let Some(rr) = address::resource_ref(&st) else {
                    continue;
                };
                // Policy documents are evaluated, not resources (as in the HCL scan).
                if rr.resource.starts_with("data.aws_iam_policy_document.") {
                    continue;
                }
                let base = format!("{}{}", frame.prefix, rr.resource);
                let candidate = Ref {
                    target: format!("{base}{}", rr.key),
                    attr: rr.attr,
                };
                let better = match out.get(&base) {
                    None => true,
                    Some(old) => {
                        (candidate.target.len(), candidate.attr.len())
                            > (old.target.len(), old.attr.len())
                    }
                };
                if better {
                    out.insert(base, candidate);
                }
            }
        }
    }
}

/// The value a set of references stands for: one reference, several (a string that
/// interpolates them), or unknown.
pub fn value_of(refs: Vec<Ref>) -> Value {
    match refs.len() {
        0 => Value::Unknown,
        1 => Value::Ref(refs.into_iter().next().expect("one")),
        _ => Value::Interp(refs.into_iter().map(Piece::Ref).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::json;
    use std::sync::Arc;

    fn parse(s: &str) -> Node {
        json::parse(s, Arc::from("plan.json"), 1, 1).unwrap()
    }

    const CONFIG: &str = r#"{
      "resources": [{"mode": "managed", "type": "aws_iam_role", "name": "root", "expressions": {}}],
      "module_calls": {
        "svc": {
          "for_each_expression": {},
          "expressions": {"role_name": {"references": ["aws_iam_role.root.name", "aws_iam_role.root"]}},
          "module": {
            "outputs": {"arn": {"expression": {"references": ["aws_iam_role.this[\"a\"].arn", "aws_iam_role.this[\"a\"]", "aws_iam_role.this"]}}},
            "module_calls": {
              "inner": {
                "expressions": {"role": {"references": ["var.role_name"]}},
                "module": {}
              }
            }
          }
        }
      }
    }"#;

    fn show(refs: Vec<Ref>) -> Vec<String> {
        refs.iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn references_resolve_per_module_instance() {
        let root = parse(CONFIG);
        let inner = frames(Some(&root), r#"module.svc["x"].module.inner"#);
        assert_eq!(inner.len(), 3);
        assert_eq!(inner[2].prefix, r#"module.svc["x"].module.inner."#);
        // var.role -> the call's role_name -> the root module's role.
        assert_eq!(
            show(resolve(&["var.role"], &inner)),
            ["aws_iam_role.root.name"]
        );
        // The most specific reference of each resource; local values are not followed.
        let svc = frames(Some(&root), r#"module.svc["x"]"#);
        assert_eq!(
            show(resolve(
                &[
                    "aws_iam_role.this[\"a\"].arn",
                    "aws_iam_role.this",
                    "local.x",
                    "each.key"
                ],
                &svc
            )),
            [r#"module.svc["x"].aws_iam_role.this["a"].arn"#]
        );
        // A module output, in the instance the reference names; an expanded module named
        // without a key is not followed.
        let top = frames(Some(&root), "");
        assert_eq!(
            show(resolve(&[r#"module.svc["b"].arn"#], &top)),
            [r#"module.svc["b"].aws_iam_role.this["a"].arn"#]
        );
        assert!(resolve(&["module.svc.arn"], &top).is_empty());
        // Policy documents are evaluated, not linked.
        assert!(resolve(&["data.aws_iam_policy_document.p.json"], &top).is_empty());
        assert_eq!(value_of(vec![]), Value::Unknown);
    }

    #[test]
    fn what_the_configuration_writes() {
        let block = parse(
            r#"{"name": {"constant_value": "a"}, "metadata_options": [{"http_tokens": {"constant_value": "required"}}], "tags": {}}"#,
        );
        let cfg = Cfg::Block(&block);
        assert!(matches!(cfg.key("name"), Cfg::Expr(_)));
        assert!(matches!(cfg.key("arn"), Cfg::NotWritten));
        // An empty object may be an empty block or an expression without references.
        assert!(matches!(cfg.key("tags"), Cfg::Block(_)));
        let mo = cfg.key("metadata_options");
        assert!(matches!(mo.index(0).key("http_tokens"), Cfg::Expr(_)));
        assert!(matches!(mo.index(0).key("http_endpoint"), Cfg::NotWritten));
        // A block the plan has more of than the configuration writes (dynamic blocks).
        assert!(matches!(mo.index(1), Cfg::Unavailable));
        assert!(
            resource_expressions(Some(&parse(CONFIG)), false, "aws_iam_role", "root").is_some()
        );
        assert!(resource_expressions(Some(&parse(CONFIG)), true, "aws_iam_role", "root").is_none());
    }
}
