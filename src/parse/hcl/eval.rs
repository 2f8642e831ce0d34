//! The Terraform evaluator: expressions of one module instance into [`Node`] values.
//!
//! Variables, locals, module outputs, `aws_iam_policy_document` data sources, string
//! templates, conditionals, for-expressions, splats and functions are evaluated. A reference
//! to another resource's attribute stays symbolic ([`Value::Ref`]). What cannot be known is
//! [`Value::Unknown`].

use super::ast::{Body, Expr, ForExpr, ObjKey, Op, TPart};
use super::functions::{self, FnCtx};
use super::module::{ModuleDef, Workspace};
use crate::document::Diagnostic;
use crate::value::{Node, Piece, Ref, Span, Value, format_number};
use hcl_edit::expr::{BinaryOperator, UnaryOperator};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

/// More instances than this from one count/for_each is treated as unknown.
pub const MAX_INSTANCES: usize = 1000;
/// How deep expression evaluation may recurse (locals referring to locals, nested calls).
const MAX_EVAL_DEPTH: usize = 200;

/// An evaluation failure in Terraform's sense (missing attribute, wrong type): `try()` moves
/// on to its next argument, anywhere else the value becomes Unknown.
#[derive(Debug, Clone)]
pub struct EvalError(pub String);

pub type EvalResult = Result<Node, EvalError>;

/// One instance of a module: its definition, its input values and its address prefix.
pub struct Instance<'w> {
    pub ws: &'w Workspace,
    pub def: Arc<ModuleDef>,
    /// `""` for the root module, `module.a.` or `module.a["k"].module.b.` for children.
    pub prefix: String,
    /// The module key path as `modules.json` writes it (`a.b`), empty for the root.
    pub key_path: String,
    pub vars: HashMap<String, Node>,
    /// Directories of the calling modules, to detect a module that calls itself.
    pub chain: Vec<std::path::PathBuf>,
    locals: RefCell<HashMap<String, Node>>,
    in_progress: RefCell<HashSet<String>>,
    children: RefCell<HashMap<String, Rc<Child<'w>>>>,
    policy_docs: RefCell<HashMap<String, Node>>,
    depth: RefCell<usize>,
}

/// A module call, instantiated.
pub enum Child<'w> {
    Single(Rc<Instance<'w>>),
    /// count / for_each instances by key (`0`, `"api"`).
    Many(BTreeMap<String, Rc<Instance<'w>>>),
    /// Not resolved (registry module without `.terraform`, unknown count, ...).
    Opaque,
}

/// Local names bound while evaluating (count, each, for-expression and iterator variables).
#[derive(Clone, Default)]
pub struct Scope {
    bindings: Vec<(String, Node)>,
}

impl Scope {
    pub fn with(&self, name: &str, value: Node) -> Scope {
        let mut s = self.clone();
        s.bindings.push((name.to_string(), value));
        s
    }
    fn get(&self, name: &str) -> Option<&Node> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// `count.index` / `each.key` / `each.value` bindings for one instance.
pub fn instance_scope(key: &InstanceKey, span: &Span) -> Scope {
    let s = Scope::default();
    match key {
        InstanceKey::None => s,
        InstanceKey::UnknownCount => s.with("count", map1("index", Node::unknown(span.clone()))),
        InstanceKey::UnknownEach => s.with(
            "each",
            map2(
                "key",
                Node::unknown(span.clone()),
                "value",
                Node::unknown(span.clone()),
            ),
        ),
        InstanceKey::Index(i) => s.with(
            "count",
            map1("index", Node::new(Value::Number(*i as f64), span.clone())),
        ),
        InstanceKey::Key(k, v) => s.with(
            "each",
            map2(
                "key",
                Node::string(k.clone(), span.clone()),
                "value",
                v.clone(),
            ),
        ),
    }
}

/// Which instance of a resource or module a set of bindings is for.
#[derive(Clone, Debug)]
pub enum InstanceKey {
    None,
    UnknownCount,
    UnknownEach,
    Index(usize),
    Key(String, Node),
}

impl InstanceKey {
    /// The address suffix: `[0]`, `["api"]`, or nothing.
    pub fn suffix(&self) -> String {
        match self {
            InstanceKey::Index(i) => format!("[{i}]"),
            InstanceKey::Key(k, _) => format!("[{}]", quote(k)),
            _ => String::new(),
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn map1(k: &str, v: Node) -> Node {
    let span = v.span.clone();
    let mut m = BTreeMap::new();
    m.insert(k.to_string(), v);
    Node::new(Value::Map(m), span)
}

fn map2(k1: &str, v1: Node, k2: &str, v2: Node) -> Node {
    let span = v1.span.clone();
    let mut m = BTreeMap::new();
    m.insert(k1.to_string(), v1);
    m.insert(k2.to_string(), v2);
    Node::new(Value::Map(m), span)
}

/// Expand count / for_each into instance keys. `None` when the expression is absent.
pub fn expand(
    inst: &Instance,
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    scope: &Scope,
) -> Result<Vec<InstanceKey>, String> {
    if let Some(c) = count {
        let v = inst
            .eval(c, scope)
            .map_err(|e| format!("count cannot be evaluated ({}): treated as unknown", e.0))?;
        return match &v.value {
            Value::Number(n) if *n >= 0.0 && (*n as usize) <= MAX_INSTANCES => {
                Ok((0..*n as usize).map(InstanceKey::Index).collect())
            }
            Value::Number(n) if *n >= 0.0 => Err(format!(
                "count = {} is more than {MAX_INSTANCES} instances: treated as unknown",
                format_number(*n)
            )),
            Value::Bool(b) => Ok(if *b {
                vec![InstanceKey::Index(0)]
            } else {
                vec![]
            }),
            _ => Ok(vec![InstanceKey::UnknownCount]),
        };
    }
    if let Some(fe) = for_each {
        let v = inst
            .eval(fe, scope)
            .map_err(|e| format!("for_each cannot be evaluated ({}): treated as unknown", e.0))?;
        let keys = match &v.value {
            Value::Map(m) => m
                .iter()
                .map(|(k, v)| InstanceKey::Key(k.clone(), v.clone()))
                .collect::<Vec<_>>(),
            Value::List(l) => {
                let mut keys = Vec::new();
                let mut seen = HashSet::new();
                for item in l {
                    match &item.value {
                        Value::String(s) => {
                            if seen.insert(s.clone()) {
                                keys.push(InstanceKey::Key(s.clone(), item.clone()))
                            }
                        }
                        _ => return Ok(vec![InstanceKey::UnknownEach]),
                    }
                }
                keys.sort_by_key(|k| k.suffix());
                keys
            }
            Value::Null => vec![],
            // `for_each = aws_iam_role.fn`: the instances of that resource, each.value being
            // one instance (a reference, so `each.value.name` links to it).
            Value::Ref(r) if r.attr.is_empty() => inst
                .resource_instances(&r.target)
                .unwrap_or_else(|| vec![InstanceKey::UnknownEach]),
            _ => vec![InstanceKey::UnknownEach],
        };
        if keys.len() > MAX_INSTANCES {
            return Err(format!(
                "for_each has {} elements, more than {MAX_INSTANCES}: treated as unknown",
                keys.len()
            ));
        }
        return Ok(keys);
    }
    Ok(vec![InstanceKey::None])
}

impl<'w> Instance<'w> {
    pub fn new(
        ws: &'w Workspace,
        def: Arc<ModuleDef>,
        prefix: String,
        key_path: String,
        vars: HashMap<String, Node>,
        chain: Vec<std::path::PathBuf>,
    ) -> Instance<'w> {
        Instance {
            ws,
            def,
            prefix,
            key_path,
            vars,
            chain,
            locals: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(HashSet::new()),
            children: RefCell::new(HashMap::new()),
            policy_docs: RefCell::new(HashMap::new()),
            depth: RefCell::new(0),
        }
    }

    pub fn diag(&self, d: Diagnostic) {
        self.ws.diag(d);
    }

    /// Evaluate; a Terraform error becomes Unknown.
    pub fn eval_or_unknown(&self, e: &Expr, scope: &Scope) -> Node {
        self.eval(e, scope)
            .unwrap_or_else(|_| Node::unknown(e.span().clone()))
    }

    pub fn eval(&self, e: &Expr, scope: &Scope) -> EvalResult {
        self.ws.step(e.span())?;
        {
            let mut d = self.depth.borrow_mut();
            if *d >= MAX_EVAL_DEPTH {
                return Err(EvalError("expression nesting too deep".into()));
            }
            *d += 1;
        }
        let r = self.eval_inner(e, scope);
        *self.depth.borrow_mut() -= 1;
        r
    }

    fn eval_inner(&self, e: &Expr, scope: &Scope) -> EvalResult {
        match e {
            Expr::Lit(n) => Ok(n.clone()),
            Expr::Template(parts, span) => self.template(parts, scope, span),
            Expr::Array(items, span) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.use_site(i, self.eval(i, scope)?));
                }
                Ok(Node::new(Value::List(out), span.clone()))
            }
            Expr::Object(items, span) => {
                let mut out = BTreeMap::new();
                for (k, v) in items {
                    let key = match k {
                        ObjKey::Ident(s) => s.clone(),
                        ObjKey::Expr(ke) => match self.eval(ke, scope)?.value {
                            Value::String(s) => s,
                            Value::Number(n) => format_number(n),
                            Value::Bool(b) => b.to_string(),
                            _ => return Ok(Node::unknown(span.clone())),
                        },
                    };
                    out.insert(key, self.use_site(v, self.eval(v, scope)?));
                }
                Ok(Node::new(Value::Map(out), span.clone()))
            }
            Expr::Var(name, span) => self.traverse(name, &[], scope, span),
            Expr::Traversal(base, ops, span) => match base.as_ref() {
                Expr::Var(name, _) => self.traverse(name, ops, scope, span),
                other => {
                    let v = self.eval(other, scope)?;
                    self.apply_ops(v, ops, scope, span)
                }
            },
            Expr::Call {
                name,
                args,
                expand_final,
                span,
            } => self.call(name, args, *expand_final, scope, span),
            Expr::Cond(c, t, f, span) => {
                let cond = self.eval(c, scope)?;
                match truthy(&cond) {
                    Some(true) => self.eval(t, scope),
                    Some(false) => self.eval(f, scope),
                    None => {
                        // Both branches the same value: the condition does not matter.
                        let a = self.eval(t, scope);
                        let b = self.eval(f, scope);
                        match (a, b) {
                            (Ok(a), Ok(b)) if same_value(&a, &b) => Ok(a),
                            // A root variable with no value decides: both branches are
                            // checked, like a CloudFormation `Fn::If` over a parameter
                            // without a default (see `crate::conditions`).
                            (Ok(a), Ok(b))
                                if self.prefix.is_empty()
                                    && !a.has_unknown()
                                    && !b.has_unknown() =>
                            {
                                match c.static_path() {
                                    Some(p) if p.len() == 2 && p[0] == "var" => Ok(Node::new(
                                        Value::Cond {
                                            condition: p.join("."),
                                            then: Some(Box::new(a)),
                                            otherwise: Some(Box::new(b)),
                                        },
                                        span.clone(),
                                    )),
                                    _ => Ok(Node::unknown(span.clone())),
                                }
                            }
                            _ => Ok(Node::unknown(span.clone())),
                        }
                    }
                }
            }
            Expr::Unary(op, x, span) => {
                let v = self.eval(x, scope)?;
                Ok(match (op, &v.value) {
                    (UnaryOperator::Not, _) => match truthy(&v) {
                        Some(b) => Node::new(Value::Bool(!b), span.clone()),
                        None => Node::unknown(span.clone()),
                    },
                    (UnaryOperator::Neg, Value::Number(n)) => {
                        Node::new(Value::Number(-n), span.clone())
                    }
                    _ => Node::unknown(span.clone()),
                })
            }
            Expr::Binary(op, l, r, span) => self.binary(*op, l, r, scope, span),
            Expr::For(f) => self.for_expr(f, scope),
        }
    }

    fn binary(
        &self,
        op: BinaryOperator,
        l: &Expr,
        r: &Expr,
        scope: &Scope,
        span: &Span,
    ) -> EvalResult {
        use BinaryOperator::*;
        let lv = self.eval(l, scope)?;
        // Short-circuit where the left side decides.
        if op == And && truthy(&lv) == Some(false) {
            return Ok(Node::new(Value::Bool(false), span.clone()));
        }
        if op == Or && truthy(&lv) == Some(true) {
            return Ok(Node::new(Value::Bool(true), span.clone()));
        }
        let rv = self.eval(r, scope)?;
        let unknown = || Ok(Node::unknown(span.clone()));
        let b = |x: bool| Ok(Node::new(Value::Bool(x), span.clone()));
        let n = |x: f64| Ok(Node::new(Value::Number(x), span.clone()));
        match op {
            Eq | NotEq => match equal(&lv, &rv) {
                Some(e) => b(if op == Eq { e } else { !e }),
                None => unknown(),
            },
            And | Or => match (truthy(&lv), truthy(&rv)) {
                (Some(a), Some(c)) => b(if op == And { a && c } else { a || c }),
                (_, Some(false)) if op == And => b(false),
                (_, Some(true)) if op == Or => b(true),
                _ => unknown(),
            },
            _ => match (lv.as_f64(), rv.as_f64()) {
                (Some(a), Some(c)) if !lv.has_unknown() && !rv.has_unknown() => match op {
                    Less => b(a < c),
                    LessEq => b(a <= c),
                    Greater => b(a > c),
                    GreaterEq => b(a >= c),
                    Plus => n(a + c),
                    Minus => n(a - c),
                    Mul => n(a * c),
                    Div if c != 0.0 => n(a / c),
                    Mod if c != 0.0 => n(a % c),
                    _ => Err(EvalError("division by zero".into())),
                },
                _ => unknown(),
            },
        }
    }

    fn for_expr(&self, f: &ForExpr, scope: &Scope) -> EvalResult {
        let coll = self.eval(&f.collection, scope)?;
        let entries: Vec<(Node, Node)> = match &coll.value {
            Value::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        Node::new(Value::Number(i as f64), v.span.clone()),
                        v.clone(),
                    )
                })
                .collect(),
            Value::Map(m) => m
                .iter()
                .map(|(k, v)| (Node::string(k.clone(), v.span.clone()), v.clone()))
                .collect(),
            Value::Null => return Err(EvalError("for expression over null".into())),
            _ => return Ok(Node::unknown(f.span.clone())),
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Node> = BTreeMap::new();
        for (k, v) in entries {
            let mut s = scope.with(&f.value_var, v);
            if let Some(kv) = &f.key_var {
                s = s.with(kv, k);
            }
            if let Some(c) = &f.cond {
                match truthy(&self.eval(c, &s)?) {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Ok(Node::unknown(f.span.clone())),
                }
            }
            let val = self.eval(&f.value_expr, &s)?;
            match &f.key_expr {
                None => list.push(val),
                Some(ke) => {
                    let key = match self.eval(ke, &s)?.value {
                        Value::String(s) => s,
                        Value::Number(n) => format_number(n),
                        Value::Bool(b) => b.to_string(),
                        _ => return Ok(Node::unknown(f.span.clone())),
                    };
                    if f.grouping {
                        let e = map
                            .entry(key)
                            .or_insert_with(|| Node::new(Value::List(vec![]), f.span.clone()));
                        if let Value::List(l) = &mut e.value {
                            l.push(val)
                        }
                    } else {
                        map.insert(key, val);
                    }
                }
            }
        }
        Ok(if f.key_expr.is_some() {
            Node::new(Value::Map(map), f.span.clone())
        } else {
            Node::new(Value::List(list), f.span.clone())
        })
    }

    /// A string template: text, interpolations and `%{if}` / `%{for}` directives.
    pub fn template(&self, parts: &[TPart], scope: &Scope, span: &Span) -> EvalResult {
        // A template that is a single interpolation yields the value itself, not a string.
        if let [TPart::Interp(e)] = parts {
            return self.eval(e, scope);
        }
        let mut pieces: Vec<Piece> = Vec::new();
        self.template_pieces(parts, scope, &mut pieces)?;
        Ok(Node::new(pieces_value(pieces), span.clone()))
    }

    fn template_pieces(
        &self,
        parts: &[TPart],
        scope: &Scope,
        out: &mut Vec<Piece>,
    ) -> Result<(), EvalError> {
        for p in parts {
            match p {
                TPart::Lit(s) => out.push(Piece::Lit(s.clone())),
                TPart::Interp(e) => {
                    let v = self.eval(e, scope)?;
                    push_node_pieces(&v, out);
                }
                TPart::If {
                    cond,
                    then,
                    otherwise,
                } => match truthy(&self.eval(cond, scope)?) {
                    Some(true) => self.template_pieces(then, scope, out)?,
                    Some(false) => self.template_pieces(otherwise, scope, out)?,
                    None => out.push(Piece::Unknown),
                },
                TPart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    let coll = self.eval(collection, scope)?;
                    let entries: Vec<(Node, Node)> = match &coll.value {
                        Value::List(l) => l
                            .iter()
                            .enumerate()
                            .map(|(i, v)| {
                                (
                                    Node::new(Value::Number(i as f64), v.span.clone()),
                                    v.clone(),
                                )
                            })
                            .collect(),
                        Value::Map(m) => m
                            .iter()
                            .map(|(k, v)| (Node::string(k.clone(), v.span.clone()), v.clone()))
                            .collect(),
                        _ => {
                            out.push(Piece::Unknown);
                            continue;
                        }
                    };
                    for (k, v) in entries {
                        let mut s = scope.with(value_var, v);
                        if let Some(kv) = key_var {
                            s = s.with(kv, k);
                        }
                        self.template_pieces(body, &s, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn call(
        &self,
        name: &str,
        args: &[Expr],
        expand_final: bool,
        scope: &Scope,
        span: &Span,
    ) -> EvalResult {
        let name = name.strip_prefix("provider::terraform::").unwrap_or(name);
        match name {
            "try" => {
                for a in args {
                    match self.eval(a, scope) {
                        Ok(v) => return Ok(v),
                        Err(_) => continue,
                    }
                }
                return Err(EvalError("no argument of try() could be evaluated".into()));
            }
            "can" => {
                let Some(a) = args.first() else {
                    return Err(EvalError("can() needs one argument".into()));
                };
                return Ok(match self.eval(a, scope) {
                    Ok(v) if matches!(v.value, Value::Unknown) => Node::unknown(span.clone()),
                    Ok(_) => Node::new(Value::Bool(true), span.clone()),
                    Err(_) => Node::new(Value::Bool(false), span.clone()),
                });
            }
            _ => {}
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a, scope)?);
        }
        if expand_final && let Some(last) = vals.pop() {
            match last.value {
                Value::List(l) => vals.extend(l),
                _ => return Ok(Node::unknown(span.clone())),
            }
        }
        let module_dir = self.def.dir.clone();
        let render = |text: &str, path: &Path, vars: BTreeMap<String, Node>| -> Node {
            self.render_template_file(text, path, vars, span)
        };
        let ctx = FnCtx {
            module_dir: &module_dir,
            root: self.ws.file_root(&module_dir),
            span: span.clone(),
            render_template: &render,
        };
        match functions::call(name, vals, &ctx) {
            Ok(v) => {
                // The text of a file became a value: it keeps its own positions (see
                // `use_site`), the file counts as scanned, and the call is remembered.
                if matches!(name, "file" | "templatefile")
                    && !v.span.is_none()
                    && v.span.file != span.file
                {
                    self.ws.files_read.borrow_mut().insert(v.span.file.clone());
                    self.ws
                        .loaded
                        .borrow_mut()
                        .entry(v.span.file.clone())
                        .or_insert_with(|| span.clone());
                }
                Ok(v)
            }
            Err(msg) => {
                // A file refused by file()/templatefile() (outside the root, a link, not
                // a regular file, too large) is said once, naming the path, not its content.
                let refused = [
                    " is outside the scanned directory",
                    " is a symbolic link",
                    " is not a file",
                    " is larger than ",
                ];
                if msg.starts_with("unsupported function")
                    || refused.iter().any(|r| msg.contains(r))
                {
                    self.ws
                        .note_once(span, &format!("{msg}: its result is treated as unknown"));
                    Ok(Node::unknown(span.clone()))
                } else {
                    Err(EvalError(msg))
                }
            }
        }
    }

    fn render_template_file(
        &self,
        text: &str,
        path: &Path,
        vars: BTreeMap<String, Node>,
        span: &Span,
    ) -> Node {
        let file: std::sync::Arc<str> =
            std::sync::Arc::from(crate::discover::display(path).as_str());
        match super::ast::parse_template_text(file, text) {
            Ok(parts) => {
                let mut scope = Scope::default();
                for (k, v) in vars {
                    scope = scope.with(&k, v);
                }
                // The text keeps the template file's positions (a policy in it is
                // reported there).
                let whole = super::functions::file_span(path, text);
                self.template(&parts, &scope, &whole)
                    .unwrap_or_else(|_| Node::unknown(span.clone()))
            }
            Err((s, msg)) => {
                self.diag(Diagnostic::warning(s, msg));
                Node::unknown(span.clone())
            }
        }
    }

    /// A name and the operators after it: variables, locals, modules, data sources,
    /// resources, path, count / each, or a local binding.
    fn traverse(&self, name: &str, ops: &[Op], scope: &Scope, span: &Span) -> EvalResult {
        if let Some(v) = scope.get(name) {
            return self.apply_ops(v.clone(), ops, scope, span);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(Op::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        match name {
            "var" => {
                let Some(v) = attr(0) else {
                    return Ok(Node::unknown(span.clone()));
                };
                let val = match self.vars.get(v) {
                    Some(val) => val.clone(),
                    None => return Err(EvalError(format!("undeclared variable var.{v}"))),
                };
                self.apply_ops(val, &ops[1..], scope, span)
            }
            "local" => {
                let Some(l) = attr(0) else {
                    return Ok(Node::unknown(span.clone()));
                };
                let val = self.local(l)?;
                self.apply_ops(val, &ops[1..], scope, span)
            }
            "module" => self.module_ref(ops, scope, span),
            "data" => {
                let (Some(t), Some(n)) = (attr(0), attr(1)) else {
                    return Ok(Node::unknown(span.clone()));
                };
                if t == "aws_iam_policy_document" {
                    let (key, rest) = match ops.get(2) {
                        Some(Op::Index(e)) => (Some(self.eval(e, scope)?), &ops[3..]),
                        _ => (None, &ops[2..]),
                    };
                    let doc = self.policy_document(n, key.as_ref(), span)?;
                    return self.apply_ops(doc, rest, scope, span);
                }
                let target = format!("{}data.{t}.{n}", self.prefix);
                self.resource_ref(target, &ops[2..], scope, span)
            }
            "path" => Ok(match attr(0) {
                Some("module") => Node::string(self.ws.display_path(&self.def.dir), span.clone()),
                Some("root") => Node::string(self.ws.display_path(&self.ws.root_dir), span.clone()),
                Some("cwd") => Node::string(".", span.clone()),
                _ => Node::unknown(span.clone()),
            }),
            "terraform" => Ok(match attr(0) {
                Some("workspace") => Node::string("default", span.clone()),
                _ => Node::unknown(span.clone()),
            }),
            "count" | "each" | "self" => Ok(Node::unknown(span.clone())),
            _ => match attr(0) {
                Some(n) => {
                    let target = format!("{}{name}.{n}", self.prefix);
                    self.resource_ref(target, &ops[1..], scope, span)
                }
                None => Ok(Node::unknown(span.clone())),
            },
        }
    }

    /// `aws_iam_role.app[0].arn` -> a symbolic reference; an index right after the name is
    /// part of the target.
    fn resource_ref(
        &self,
        mut target: String,
        ops: &[Op],
        scope: &Scope,
        span: &Span,
    ) -> EvalResult {
        let mut rest = ops;
        if let Some(Op::Index(e)) = ops.first() {
            let k = self.eval(e, scope)?;
            match &k.value {
                Value::Number(n) => target.push_str(&format!("[{}]", format_number(*n))),
                Value::String(s) => target.push_str(&format!("[{}]", quote(s))),
                _ => {}
            }
            rest = &ops[1..];
        }
        let base = Node::new(
            Value::Ref(Ref {
                target,
                attr: String::new(),
            }),
            span.clone(),
        );
        self.apply_ops(base, rest, scope, span)
    }

    fn module_ref(&self, ops: &[Op], scope: &Scope, span: &Span) -> EvalResult {
        let Some(Op::Attr(m)) = ops.first() else {
            return Ok(Node::unknown(span.clone()));
        };
        let child = self.child(m);
        let (inst, rest): (Option<Rc<Instance>>, &[Op]) = match (&*child, ops.get(1)) {
            (Child::Single(i), _) => (Some(i.clone()), &ops[1..]),
            (Child::Many(map), Some(Op::Index(e))) => {
                let k = self.eval(e, scope)?;
                let key = match &k.value {
                    Value::Number(n) => format_number(*n),
                    Value::String(s) => s.clone(),
                    _ => return Ok(Node::unknown(span.clone())),
                };
                match map.get(&key) {
                    Some(i) => (Some(i.clone()), &ops[2..]),
                    None => return Err(EvalError(format!("module.{m}[{key}] does not exist"))),
                }
            }
            // `module.roles` as a whole (`for_each = module.roles`): an object of instances,
            // each the object of its outputs.
            (Child::Many(map), None) => {
                let m = map
                    .iter()
                    .map(|(k, i)| (k.clone(), i.outputs_object(span)))
                    .collect();
                return Ok(Node::new(Value::Map(m), span.clone()));
            }
            _ => (None, &[]),
        };
        let Some(inst) = inst else {
            return Ok(Node::unknown(span.clone()));
        };
        let Some(Op::Attr(out)) = rest.first() else {
            if rest.is_empty() {
                return Ok(inst.outputs_object(span));
            }
            return Ok(Node::unknown(span.clone()));
        };
        let v = inst.output(out)?;
        self.apply_ops(v, &rest[1..], scope, span)
    }

    /// Apply traversal operators to a value.
    pub fn apply_ops(&self, mut v: Node, ops: &[Op], scope: &Scope, span: &Span) -> EvalResult {
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Splat => {
                    let items = match v.value {
                        Value::List(l) => l,
                        Value::Null => vec![],
                        Value::Unknown => return Ok(Node::unknown(span.clone())),
                        _ => vec![v.clone()],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for it in items {
                        out.push(self.apply_ops(it, &ops[i + 1..], scope, span)?);
                    }
                    return Ok(Node::new(Value::List(out), span.clone()));
                }
                Op::Attr(a) => v = get_attr(v, a, span)?,
                Op::Index(e) => {
                    let k = self.eval(e, scope)?;
                    v = index(v, &k, span)?;
                }
            }
        }
        Ok(v)
    }

    /// All outputs of this instance as one object (`module.x` without an output name).
    fn outputs_object(&self, span: &Span) -> Node {
        let mut names: Vec<&String> = self.def.outputs.keys().collect();
        names.sort();
        let m = names
            .into_iter()
            .map(|n| {
                let v = self
                    .output(n)
                    .unwrap_or_else(|_| Node::unknown(span.clone()));
                (n.clone(), v)
            })
            .collect();
        Node::new(Value::Map(m), span.clone())
    }

    /// A local value, evaluated once, with cycle detection.
    pub fn local(&self, name: &str) -> EvalResult {
        if let Some(v) = self.locals.borrow().get(name) {
            return Ok(v.clone());
        }
        let Some(expr) = self.def.locals.get(name) else {
            return Err(EvalError(format!("undeclared local.{name}")));
        };
        if !self
            .in_progress
            .borrow_mut()
            .insert(format!("local.{name}"))
        {
            self.diag(Diagnostic::warning(
                expr.span().clone(),
                format!("local.{name} refers to itself: treated as unknown"),
            ));
            return Ok(Node::unknown(expr.span().clone()));
        }
        let v = self.eval_or_unknown(expr, &Scope::default());
        self.in_progress
            .borrow_mut()
            .remove(&format!("local.{name}"));
        self.locals.borrow_mut().insert(name.to_string(), v.clone());
        Ok(v)
    }

    /// A module output's value.
    pub fn output(&self, name: &str) -> EvalResult {
        let Some(expr) = self.def.outputs.get(name) else {
            return Err(EvalError(format!("module has no output {name}")));
        };
        let key = format!("output.{name}");
        if !self.in_progress.borrow_mut().insert(key.clone()) {
            return Ok(Node::unknown(expr.span().clone()));
        }
        let v = self.eval_or_unknown(expr, &Scope::default());
        self.in_progress.borrow_mut().remove(&key);
        Ok(v)
    }

    /// A module call of this instance, instantiated once.
    pub fn child(&self, name: &str) -> Rc<Child<'w>> {
        if let Some(c) = self.children.borrow().get(name) {
            return c.clone();
        }
        let key = format!("module.{name}");
        if !self.in_progress.borrow_mut().insert(key.clone()) {
            return Rc::new(Child::Opaque);
        }
        let c = Rc::new(self.ws.instantiate_child(self, name));
        self.in_progress.borrow_mut().remove(&key);
        self.children
            .borrow_mut()
            .insert(name.to_string(), c.clone());
        c
    }

    /// All module calls of this instance, instantiated.
    pub fn children(&self) -> Vec<(String, Rc<Child<'w>>)> {
        let names: Vec<String> = self.def.modules.iter().map(|m| m.name.clone()).collect();
        names
            .into_iter()
            .map(|n| (n.clone(), self.child(&n)))
            .collect()
    }

    /// `data.aws_iam_policy_document.<name>` evaluated to `{json, minified_json}`.
    fn policy_document(&self, name: &str, key: Option<&Node>, span: &Span) -> EvalResult {
        let cache_key = format!(
            "{name}{}",
            key.map(|k| k.display_text().unwrap_or_default())
                .unwrap_or_default()
        );
        if let Some(v) = self.policy_docs.borrow().get(&cache_key) {
            return Ok(v.clone());
        }
        let Some(def) = self
            .def
            .resources
            .iter()
            .find(|r| r.is_data && r.rtype == "aws_iam_policy_document" && r.name == name)
        else {
            return Err(EvalError(format!(
                "undeclared data.aws_iam_policy_document.{name}"
            )));
        };
        let guard = format!("policy.{cache_key}");
        if !self.in_progress.borrow_mut().insert(guard.clone()) {
            return Ok(Node::unknown(span.clone()));
        }
        let keys = expand(
            self,
            def.count.as_ref(),
            def.for_each.as_ref(),
            &Scope::default(),
        )
        .unwrap_or_else(|_| vec![InstanceKey::UnknownCount]);
        let ik = match key {
            None => keys.into_iter().next(),
            Some(k) => {
                let want = match &k.value {
                    Value::Number(n) => format!("[{}]", format_number(*n)),
                    Value::String(s) => format!("[{}]", quote(s)),
                    _ => String::new(),
                };
                keys.into_iter().find(|ik| {
                    ik.suffix() == want
                        || matches!(ik, InstanceKey::UnknownCount | InstanceKey::UnknownEach)
                })
            }
        };
        let v = match ik {
            None => Err(EvalError(format!(
                "data.aws_iam_policy_document.{name} has no such instance"
            ))),
            Some(ik) => {
                let scope = instance_scope(&ik, &def.span);
                let doc = super::policy_doc::evaluate(self, &def.body, &scope, &def.span);
                let mut m = BTreeMap::new();
                m.insert("json".to_string(), doc.clone());
                m.insert("minified_json".to_string(), doc);
                m.insert("id".to_string(), Node::unknown(def.span.clone()));
                Ok(Node::new(Value::Map(m), def.span.clone()))
            }
        };
        self.in_progress.borrow_mut().remove(&guard);
        if let Ok(v) = &v {
            self.policy_docs.borrow_mut().insert(cache_key, v.clone());
        }
        v
    }

    /// The instances of a resource or data source of this module, by the address a
    /// reference to it carries (`aws_iam_role.fn`, `data.aws_iam_role.x`): each key with a
    /// reference to that instance as its value. `None` when the resource is not declared
    /// here, has no for_each (a single object or a count tuple is not a valid for_each) or
    /// its instances are unknown.
    fn resource_instances(&self, target: &str) -> Option<Vec<InstanceKey>> {
        let local = target.strip_prefix(self.prefix.as_str())?;
        let (is_data, rest) = match local.strip_prefix("data.") {
            Some(r) => (true, r),
            None => (false, local),
        };
        let (rtype, name) = rest.split_once('.')?;
        let def = self
            .def
            .resources
            .iter()
            .find(|r| r.is_data == is_data && r.rtype == rtype && r.name == name)?;
        let fe = def.for_each.as_ref()?;
        let guard = format!("each.{target}");
        if !self.in_progress.borrow_mut().insert(guard.clone()) {
            return None;
        }
        let keys = expand(self, None, Some(fe), &Scope::default());
        self.in_progress.borrow_mut().remove(&guard);
        let keys = keys.ok()?;
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let InstanceKey::Key(key, _) = k else {
                return None;
            };
            let r = Ref {
                target: format!("{target}[{}]", quote(&key)),
                attr: String::new(),
            };
            out.push(InstanceKey::Key(
                key,
                Node::new(Value::Ref(r), def.span.clone()),
            ));
        }
        Some(out)
    }

    /// Evaluate a block body into a map: attributes by name, nested blocks as lists of maps,
    /// `dynamic` blocks expanded. Meta-arguments are left out.
    pub fn eval_body(&self, body: &Body, scope: &Scope, span: &Span) -> Node {
        let mut m: BTreeMap<String, Node> = BTreeMap::new();
        for a in &body.attributes {
            if matches!(
                a.name.as_str(),
                "count" | "for_each" | "depends_on" | "provider"
            ) {
                continue;
            }
            let v = self.eval_or_unknown(&a.expr, scope);
            m.insert(a.name.clone(), self.use_site(&a.expr, v));
        }
        for b in &body.blocks {
            match b.kind.as_str() {
                "lifecycle" | "provisioner" | "connection" | "precondition" | "postcondition" => {}
                "dynamic" => {
                    let Some(label) = b.labels.first() else {
                        continue;
                    };
                    let iter_name = b
                        .body
                        .attr("iterator")
                        .and_then(|a| a.expr.static_path())
                        .and_then(|p| p.into_iter().next())
                        .unwrap_or_else(|| label.clone());
                    let Some(content) = b.body.blocks("content").next() else {
                        continue;
                    };
                    let coll = b
                        .body
                        .attr("for_each")
                        .map(|a| self.eval_or_unknown(&a.expr, scope))
                        .unwrap_or_else(|| Node::unknown(b.span.clone()));
                    let entries: Option<Vec<(Node, Node)>> = match &coll.value {
                        Value::List(l) => Some(
                            l.iter()
                                .enumerate()
                                .map(|(i, v)| {
                                    (
                                        Node::new(Value::Number(i as f64), v.span.clone()),
                                        v.clone(),
                                    )
                                })
                                .collect(),
                        ),
                        Value::Map(mm) => Some(
                            mm.iter()
                                .map(|(k, v)| (Node::string(k.clone(), v.span.clone()), v.clone()))
                                .collect(),
                        ),
                        Value::Null => Some(vec![]),
                        _ => None,
                    };
                    match entries {
                        None => {
                            m.entry(label.clone())
                                .or_insert_with(|| Node::unknown(b.span.clone()));
                        }
                        Some(entries) => {
                            for (k, v) in entries {
                                let s = scope.with(&iter_name, map2("key", k, "value", v));
                                let node = self.eval_body(&content.body, &s, &b.header);
                                push_block(&mut m, label, node, &b.header);
                            }
                        }
                    }
                }
                kind => {
                    let node = self.eval_body(&b.body, scope, &b.header);
                    push_block(&mut m, kind, node, &b.header);
                }
            }
        }
        Node::new(Value::Map(m), span.clone())
    }

    /// A value from elsewhere (a variable default, a policy document, a module output) is
    /// reported where the expression uses it; its parts keep their own spans. The text of
    /// a file read by `file()` / `templatefile()` keeps its own: positions inside it (a
    /// policy statement) are positions in that file, and the call is a related location
    /// ([`crate::document::Document::loaded`]).
    /// Whether a value keeps the span of the file it came from: the text of a file read by
    /// `file()` / `templatefile()` always; a value of a tfvars file when it is text over
    /// several lines (a policy: positions inside it are positions in that file), while a
    /// one-line value is reported where it is used.
    fn keeps_own_span(&self, v: &Node) -> bool {
        match self.ws.loaded.borrow().get(&v.span.file) {
            None => false,
            Some(call) if !call.is_none() => true,
            Some(_) => matches!(&v.value, Value::String(s) if s.contains('\n')),
        }
    }

    fn use_site(&self, e: &Expr, mut v: Node) -> Node {
        match e {
            Expr::Lit(_) => {}
            // A heredoc's text keeps its own start (JSON positions inside it are relative
            // to it).
            Expr::Template(parts, _) if parts.len() > 1 => {}
            _ if self.keeps_own_span(&v) => {}
            _ => v.span = e.span().clone(),
        }
        v
    }
}

fn push_block(m: &mut BTreeMap<String, Node>, kind: &str, node: Node, span: &Span) {
    let e = m
        .entry(kind.to_string())
        .or_insert_with(|| Node::new(Value::List(vec![]), span.clone()));
    // A dynamic block with unknown for_each next to a static one stays unknown.
    if let Value::List(l) = &mut e.value {
        l.push(node)
    }
}

/// `x.attr`
fn get_attr(v: Node, a: &str, span: &Span) -> EvalResult {
    match v.value {
        Value::Map(mut m) => m
            .remove(a)
            .ok_or_else(|| EvalError(format!("no attribute {a}"))),
        Value::Ref(mut r) => {
            if !r.attr.is_empty() {
                r.attr.push('.');
            }
            r.attr.push_str(a);
            Ok(Node::new(Value::Ref(r), span.clone()))
        }
        Value::Unknown => Ok(Node::unknown(span.clone())),
        Value::List(l) => match a.parse::<usize>() {
            Ok(i) => l
                .into_iter()
                .nth(i)
                .ok_or_else(|| EvalError(format!("index {i} out of range"))),
            Err(_) => Err(EvalError(format!("a list has no attribute {a}"))),
        },
        Value::Json(inner) => get_attr(*inner, a, span),
        Value::Null => Err(EvalError(format!("attribute {a} of null"))),
        _ => Err(EvalError(format!("attribute {a} of a primitive value"))),
    }
}

/// `x[k]`
fn index(v: Node, k: &Node, span: &Span) -> EvalResult {
    if matches!(k.value, Value::Unknown) || k.has_unknown() {
        return Ok(Node::unknown(span.clone()));
    }
    match v.value {
        Value::List(l) => {
            let Some(i) = k.as_f64() else {
                return Err(EvalError("list index is not a number".into()));
            };
            if i < 0.0 || i.fract() != 0.0 {
                return Err(EvalError("invalid list index".into()));
            }
            l.into_iter()
                .nth(i as usize)
                .ok_or_else(|| EvalError("index out of range".into()))
        }
        Value::Map(mut m) => {
            let key = k
                .display_text()
                .ok_or_else(|| EvalError("invalid map key".into()))?;
            m.remove(&key)
                .ok_or_else(|| EvalError(format!("no key {key}")))
        }
        Value::Ref(mut r) => {
            let key = match &k.value {
                Value::Number(n) => format_number(*n),
                Value::String(s) => s.clone(),
                _ => return Ok(Node::unknown(span.clone())),
            };
            if !r.attr.is_empty() {
                r.attr.push('.');
            }
            r.attr.push_str(&key);
            Ok(Node::new(Value::Ref(r), span.clone()))
        }
        Value::Unknown => Ok(Node::unknown(span.clone())),
        Value::Json(inner) => index(*inner, k, span),
        _ => Err(EvalError("cannot index this value".into())),
    }
}

/// Terraform truthiness of a condition: `Some(bool)` when known.
pub fn truthy(n: &Node) -> Option<bool> {
    match &n.value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// Equality where known: `None` when a side is unknown.
pub fn equal(a: &Node, b: &Node) -> Option<bool> {
    match (&a.value, &b.value) {
        (Value::Unknown, _) | (_, Value::Unknown) => None,
        // A resource attribute compared with null: resources referenced exist.
        (Value::Ref(_) | Value::Interp(_), Value::Null)
        | (Value::Null, Value::Ref(_) | Value::Interp(_)) => Some(false),
        (Value::Ref(x), Value::Ref(y)) if x == y => Some(true),
        (Value::Ref(_) | Value::Interp(_), _) | (_, Value::Ref(_) | Value::Interp(_)) => None,
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                match equal(p, q) {
                    Some(false) => return Some(false),
                    None => all = false,
                    Some(true) => {}
                }
            }
            if all { Some(true) } else { None }
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.values().zip(y.values()) {
                match equal(p, q) {
                    Some(false) => return Some(false),
                    None => all = false,
                    Some(true) => {}
                }
            }
            if all { Some(true) } else { None }
        }
        (Value::Json(x), Value::Json(y)) => equal(x, y),
        (x, y) => Some(strip_eq(x, y)),
    }
}

fn strip_eq(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::String(a), Value::Number(n)) | (Value::Number(n), Value::String(a)) => {
            *a == format_number(*n)
        }
        _ => x == y,
    }
}

fn same_value(a: &Node, b: &Node) -> bool {
    equal(a, b) == Some(true) && !a.has_unknown()
}

/// Append the text pieces of a value interpolated into a string.
pub fn push_node_pieces(v: &Node, out: &mut Vec<Piece>) {
    match &v.value {
        Value::String(s) => out.push(Piece::Lit(s.clone())),
        Value::Number(n) => out.push(Piece::Lit(format_number(*n))),
        Value::Bool(b) => out.push(Piece::Lit(b.to_string())),
        Value::Ref(r) => out.push(Piece::Ref(r.clone())),
        Value::Interp(p) => out.extend(p.iter().cloned()),
        Value::Json(_) => match functions::to_json_text(v) {
            Some(s) => out.push(Piece::Lit(s)),
            None => out.push(Piece::Unknown),
        },
        _ => out.push(Piece::Unknown),
    }
}

/// Collapse pieces into a String (all literal), an Interp, or Unknown (only unknown).
pub fn pieces_value(pieces: Vec<Piece>) -> Value {
    let mut merged: Vec<Piece> = Vec::new();
    for p in pieces {
        match (merged.last_mut(), p) {
            (Some(Piece::Lit(a)), Piece::Lit(b)) => a.push_str(&b),
            (_, p) => merged.push(p),
        }
    }
    if merged.iter().all(|p| matches!(p, Piece::Lit(_))) {
        return Value::String(
            merged
                .into_iter()
                .map(|p| match p {
                    Piece::Lit(s) => s,
                    _ => String::new(),
                })
                .collect(),
        );
    }
    if merged.len() == 1 && matches!(merged[0], Piece::Unknown) {
        return Value::Unknown;
    }
    Value::Interp(merged)
}
