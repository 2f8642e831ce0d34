//! Terraform plans: the JSON that `terraform show -json PLANFILE` prints (format_version
//! 1.x), read into the same [`Document`] the HCL scan makes, with Terraform's own answers
//! for variables, modules (registry ones too) and `count` / `for_each`.
//!
//! - Resources come from `resource_changes` (`after`, `after_unknown`, `actions`), then
//!   from `planned_values` and `prior_state` for what the changes do not list (resources
//!   the plan leaves alone). A resource the plan deletes is not part of the graph.
//! - Unknown values: see [`values`]; references are resolved per module instance against
//!   `configuration` ([`config`]).
//! - Locations: see [`locate`]; without the configuration, findings point at the
//!   resource's entry in the plan JSON.

pub mod address;
pub mod config;
pub mod locate;
pub mod sensitive;
pub mod values;

use crate::document::{Diagnostic, Document, Format, Mode, Resource};
use crate::value::{Node, Span, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Attributes that a provider fills from other resources (`aws_iam_role.inline_policy`
/// lists the policies of every `aws_iam_role_policy` of the role): when the configuration
/// does not write them, they are left out, so nothing is counted twice.
const MIRRORS: &[(&str, &str)] = &[
    ("aws_iam_role", "inline_policy"),
    ("aws_iam_role", "managed_policy_arns"),
];

/// Is this parsed JSON document a plan (not a state file, not a template)?
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").and_then(Node::as_str).is_some()
        && (root.get("planned_values").is_some() || root.get("resource_changes").is_some())
}

/// Where to look for the configuration a plan was made from.
#[derive(Clone, Debug, Default)]
pub struct Locations {
    /// `--tf-dir`: only this directory. Without it: the plan file's directory, then the
    /// current directory.
    pub tf_dir: Option<PathBuf>,
}

/// One resource instance of the plan, before its values are read.
struct Entry<'a> {
    address: String,
    module_address: String,
    data: bool,
    rtype: String,
    name: String,
    values: Option<&'a Node>,
    unknown: Option<&'a Node>,
    /// Its entry in the plan JSON.
    span: Span,
    change: Change,
}

/// What the plan does to a resource instance.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Change {
    /// Nothing (or only reads it).
    None,
    /// Creates or replaces it: all of it is new.
    Create,
    /// Updates it in place: these top-level attributes change.
    Update(BTreeSet<String>),
}

fn str_at<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str)
}

/// Read a parsed plan into a document. `path` is the plan file (for the default
/// configuration directory).
pub fn parse_plan(path: &Path, text: &str, root: &Node, locations: &Locations) -> Document {
    let source = values::Source::new(text);
    let mut doc = Document::default();
    let file_span = Span::new(root.span.file.clone(), 1, 1, 1, 1);
    let version = str_at(root, "format_version").unwrap_or("");
    let major: u32 = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major > 1 {
        doc.diagnostics.push(Diagnostic::error(
            root.get("format_version")
                .map(|n| n.span.clone())
                .unwrap_or(file_span),
            format!(
                "unsupported plan format_version \"{version}\": rolegraph reads Terraform's JSON plan format 1.x"
            ),
        ));
        return doc;
    }
    let entries = entries(root);
    let config_root = root.get("configuration").and_then(|c| c.get("root_module"));
    let config = find_configuration(path, root, &entries, locations);
    let mut changes = crate::document::Changes::default();
    let mut expressions = config::ExpressionIndex::default();
    for e in &entries {
        if e.data && e.rtype == "aws_iam_policy_document" {
            // Evaluated into the references to it, as in the HCL scan.
            continue;
        }
        let frames = config::frames(config_root, &e.module_address);
        let cfg = match config_root {
            Some(_) => expressions
                .get(
                    frames.last().and_then(|f| f.module),
                    e.data,
                    &e.rtype,
                    &e.name,
                )
                .map_or(config::Cfg::Unavailable, config::Cfg::Block),
            None => config::Cfg::Unavailable,
        };
        // `each.value` of a resource whose for_each is another resource.
        let each = frames.last().and_then(|f| {
            let r = expressions.resource(f.module, e.data, &e.rtype, &e.name)?;
            let kind = if e.data { "data." } else { "" };
            let base = format!("{kind}{}.{}", e.rtype, e.name);
            let key = e.address.rsplit_once(&base).map(|(_, k)| k)?;
            config::EachOver::of(r, key)
        });
        let ctx = values::Ctx {
            frames: &frames,
            source: Some(&source),
            each: each.as_ref(),
        };
        let mut attrs = values::build(e.values, e.unknown, cfg, &ctx, &e.span);
        if let (Value::Map(m), config::Cfg::Block(_)) = (&mut attrs.value, cfg) {
            for (rtype, attr) in MIRRORS {
                if *rtype == e.rtype && matches!(cfg.key(attr), config::Cfg::NotWritten) {
                    m.remove(*attr);
                }
            }
        }
        let module_prefix = if e.module_address.is_empty() {
            String::new()
        } else {
            format!("{}.", e.module_address)
        };
        let kind = if e.data { "data." } else { "" };
        let mut res = Resource {
            format: Format::Plan,
            mode: if e.data { Mode::Data } else { Mode::Managed },
            rtype: e.rtype.clone(),
            address: e.address.clone(),
            ref_address: format!("{module_prefix}{kind}{}.{}", e.rtype, e.name),
            attr_spans: match &attrs.value {
                Value::Map(m) => m.iter().map(|(k, v)| (k.clone(), v.span.clone())).collect(),
                _ => BTreeMap::new(),
            },
            attrs,
            span: e.span.clone(),
            suppressions: Vec::new(),
            construct_path: None,
        };
        if let Some((decl, same)) = config.as_ref().and_then(|c| c.find(&e.address)) {
            res.attrs = locate::graft(res.attrs, Some(&decl.attrs), &decl.span, same);
            res.span = decl.span.clone();
            res.attr_spans = decl.attr_spans.clone();
        }
        match &e.change {
            Change::None => {}
            Change::Create => {
                changes.addresses.insert(e.address.clone());
                changes.spans.insert(res.span.clone());
                changes.spans.extend(res.attr_spans.values().cloned());
                spans_of(&res.attrs, &mut changes.spans);
            }
            Change::Update(keys) => {
                changes.addresses.insert(e.address.clone());
                for k in keys {
                    if let Some(s) = res.attr_spans.get(k) {
                        changes.spans.insert(s.clone());
                    }
                    if let Some(n) = res.attrs.get(k) {
                        spans_of(n, &mut changes.spans);
                    }
                }
            }
        }
        doc.resources.push(res);
    }
    if let Some(c) = &config {
        doc.other_files = c.files.clone();
    }
    if config.is_none() && !doc.resources.is_empty() {
        let looked: Vec<String> = candidate_dirs(path, locations)
            .iter()
            .map(|d| crate::discover::display(d))
            .collect();
        let hint = if locations.tf_dir.is_some() {
            ""
        } else {
            "; pass --tf-dir to point them at the .tf files"
        };
        doc.diagnostics.push(Diagnostic::note(
            file_span,
            format!(
                "the configuration of this plan was not found (looked in {}): findings point into the plan JSON{hint}",
                looked.join(", ")
            ),
        ));
    }
    doc.changes = Some(changes);
    doc
}

/// The resource instances of a plan: its changes (deletions left out), then what only the
/// planned values and the prior state hold.
fn entries(root: &Node) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    if let Some(changes) = root.get("resource_changes") {
        for rc in changes.items() {
            // A deposed object is an old copy being destroyed.
            if rc.get("deposed").is_some() {
                continue;
            }
            let Some(address) = str_at(rc, "address") else {
                continue;
            };
            seen.insert(address.to_string());
            let change = rc.get("change");
            let actions: Vec<&str> = change
                .and_then(|c| c.get("actions"))
                .map(|a| a.items().into_iter().filter_map(Node::as_str).collect())
                .unwrap_or_default();
            // Deleted (or forgotten): not there after apply.
            if actions.iter().all(|a| *a == "delete" || *a == "forget") && !actions.is_empty() {
                continue;
            }
            if let Some(e) = entry(rc, address, str_at(rc, "module_address").unwrap_or("")) {
                let after = change.and_then(|c| c.get("after"));
                let unknown = change.and_then(|c| c.get("after_unknown"));
                let kind = if actions.contains(&"create") {
                    Change::Create
                } else if actions.contains(&"update") {
                    Change::Update(updated_keys(
                        change.and_then(|c| c.get("before")),
                        after,
                        unknown,
                    ))
                } else {
                    Change::None
                };
                out.push(Entry {
                    values: after,
                    unknown,
                    change: kind,
                    ..e
                });
            }
        }
    }
    for source in [
        root.get("planned_values")
            .and_then(|p| p.get("root_module")),
        root.get("prior_state")
            .and_then(|p| p.get("values"))
            .and_then(|v| v.get("root_module")),
    ]
    .into_iter()
    .flatten()
    {
        module_entries(source, "", &mut seen, &mut out, 0);
    }
    out
}

/// Resources of a module of `planned_values` or `prior_state`, and of its child modules.
fn module_entries<'a>(
    module: &'a Node,
    module_address: &str,
    seen: &mut HashSet<String>,
    out: &mut Vec<Entry<'a>>,
    depth: usize,
) {
    if depth > crate::parse::json::MAX_DEPTH {
        return;
    }
    if let Some(resources) = module.get("resources") {
        for r in resources.items() {
            let Some(address) = str_at(r, "address") else {
                continue;
            };
            if !seen.insert(address.to_string()) {
                continue;
            }
            if let Some(e) = entry(r, address, module_address) {
                out.push(Entry {
                    values: r.get("values"),
                    ..e
                });
            }
        }
    }
    if let Some(children) = module.get("child_modules") {
        for c in children.items() {
            let addr = str_at(c, "address").unwrap_or(module_address);
            module_entries(c, addr, seen, out, depth + 1);
        }
    }
}

fn entry<'a>(r: &'a Node, address: &str, module_address: &str) -> Option<Entry<'a>> {
    let rtype = str_at(r, "type")?;
    let name = str_at(r, "name")?;
    let span = r
        .get("address")
        .map(|a| a.span.clone())
        .unwrap_or_else(|| r.span.first_line());
    Some(Entry {
        address: address.to_string(),
        module_address: module_address.to_string(),
        data: str_at(r, "mode") == Some("data"),
        rtype: rtype.to_string(),
        name: name.to_string(),
        values: None,
        unknown: None,
        span,
        change: Change::None,
    })
}

/// The top-level attributes an in-place update changes: those whose value after differs
/// from the value before, or is known only after apply.
fn updated_keys(
    before: Option<&Node>,
    after: Option<&Node>,
    unknown: Option<&Node>,
) -> BTreeSet<String> {
    use values::as_map;
    let (b, a, u) = (as_map(before), as_map(after), as_map(unknown));
    let keys: BTreeSet<&String> = [b, a, u]
        .into_iter()
        .flatten()
        .flat_map(|m| m.keys())
        .collect();
    keys.into_iter()
        .filter(|k| {
            let unknown = u
                .and_then(|m| m.get(*k))
                .is_some_and(|n| !matches!(n.value, Value::Bool(false)));
            let (bv, av) = (b.and_then(|m| m.get(*k)), a.and_then(|m| m.get(*k)));
            unknown || !same_value(bv, av)
        })
        .cloned()
        .collect()
}

/// Equal values, whatever their positions (a missing value is null).
fn same_value(a: Option<&Node>, b: Option<&Node>) -> bool {
    let null = |n: Option<&Node>| n.is_none_or(Node::is_null);
    match (a, b) {
        (Some(x), Some(y)) => match (&x.value, &y.value) {
            (Value::Map(m1), Value::Map(m2)) => {
                let keys: BTreeSet<&String> = m1.keys().chain(m2.keys()).collect();
                keys.into_iter().all(|k| same_value(m1.get(k), m2.get(k)))
            }
            (Value::List(l1), Value::List(l2)) => {
                l1.len() == l2.len() && l1.iter().zip(l2).all(|(p, q)| same_value(Some(p), Some(q)))
            }
            (v1, v2) => v1 == v2,
        },
        _ => null(a) && null(b),
    }
}

/// Every location inside a value.
fn spans_of(n: &Node, out: &mut std::collections::HashSet<Span>) {
    out.insert(n.span.clone());
    match &n.value {
        Value::Map(m) => m.values().for_each(|v| spans_of(v, out)),
        Value::List(l) => l.iter().for_each(|v| spans_of(v, out)),
        Value::Json(inner) => spans_of(inner, out),
        _ => {}
    }
}

/// The directories that may hold the plan's configuration, in order.
fn candidate_dirs(path: &Path, locations: &Locations) -> Vec<PathBuf> {
    if let Some(d) = &locations.tf_dir {
        return vec![d.clone()];
    }
    let plan_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => crate::parse::hcl::module::normalize(p),
        _ => PathBuf::from("."),
    };
    let mut out = vec![plan_dir];
    if out[0] != Path::new(".") {
        out.push(PathBuf::from("."));
    }
    out
}

/// The first candidate directory whose configuration declares resources of the plan.
fn find_configuration(
    path: &Path,
    root: &Node,
    entries: &[Entry],
    locations: &Locations,
) -> Option<locate::Config> {
    if entries.is_empty() {
        return None;
    }
    let vars = plan_variables(root);
    candidate_dirs(path, locations).into_iter().find_map(|dir| {
        let c = locate::Config::load(&dir, vars.clone())?;
        entries
            .iter()
            .any(|e| c.find(&e.address).is_some())
            .then_some(c)
    })
}

/// The plan's root variable values, as `--var NAME=VALUE` would give them (so the
/// configuration evaluates with the values the plan used).
fn plan_variables(root: &Node) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(Value::Map(vars)) = root.get("variables").map(|v| &v.value) {
        for (name, v) in vars {
            let Some(value) = v.get("value") else {
                continue;
            };
            let text = match &value.value {
                Value::String(s) => s.clone(),
                _ => match crate::parse::hcl::functions::to_json_text(value) {
                    Some(t) => t,
                    None => continue,
                },
            };
            out.push((name.clone(), text));
        }
    }
    out
}

/// Read a plan file. `None` when the file is JSON but not a plan (and `explicit` is false:
/// a file given with `--plan` that is not a plan is an error).
pub fn load(path: &Path, text: &str, locations: &Locations, explicit: bool) -> Option<Document> {
    let file: Arc<str> = Arc::from(crate::discover::display(path).as_str());
    let whole = Span::new(file.clone(), 1, 1, 1, 1);
    let root = match crate::parse::json::parse(text, file.clone(), 1, 1) {
        Ok(r) => r,
        Err(e) => {
            return Some(Document {
                diagnostics: vec![Diagnostic::error(
                    Span::new(file, e.line, e.col, e.line, e.col + 1),
                    if explicit {
                        format!(
                            "not a Terraform plan (the JSON of `terraform show -json PLANFILE`): JSON syntax error: {}",
                            e.message
                        )
                    } else {
                        format!("plan JSON syntax error: {}", e.message)
                    },
                )],
                ..Default::default()
            });
        }
    };
    if !is_plan(&root) {
        return explicit.then(|| Document {
            diagnostics: vec![Diagnostic::error(
                whole,
                "not a Terraform plan: expected the output of `terraform show -json PLANFILE` (with format_version and planned_values or resource_changes)",
            )],
            ..Default::default()
        });
    }
    Some(parse_plan(path, text, &root, locations))
}
