//! Intrinsic functions resolved into the shared value model.
//!
//! - `Ref` to a parameter is its `Default` (a list for `CommaDelimitedList` / `List<...>`),
//!   or `Unknown` without one. An `AWS::SSM::Parameter::Value<...>` parameter is read from
//!   Parameter Store at deploy time: its value is the dynamic reference
//!   `{{resolve:ssm:<default>}}` (what CloudFormation resolves it to), `Unknown` without a
//!   default or for a list type.
//! - `Ref` / `Fn::GetAtt` to a resource, and the pseudo parameters (`AWS::AccountId`,
//!   `AWS::Partition`, `AWS::Region`, ...), stay symbolic: [`Value::Ref`].
//!   `AWS::NoValue` removes the key or list element it is in.
//! - `Fn::Sub`, `Fn::Join`: a `String` when every part is known text, else a
//!   [`Value::Interp`] of literal text, references and unknown parts.
//! - `Fn::Select`, `Fn::Split` (of known text), `Fn::FindInMap` (with `DefaultValue`),
//!   `Fn::Length`, `Fn::If` and the condition functions are evaluated when their inputs are
//!   known; `Fn::Base64` is its (decoded) argument; `Fn::ToJsonString` is a [`Value::Json`].
//! - `Fn::If` over a condition that cannot be decided (it depends on a parameter without a
//!   default, a pseudo parameter, ...) keeps both branches as a [`Value::Cond`], unless they
//!   are the same; used inside a string (`Fn::Sub`, `Fn::Join`) it is an unknown part.
//! - `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Cidr`, `Fn::Transform` are `Unknown`.
//!
//! An evaluation returns `None` for `AWS::NoValue`.

use super::raw::{Raw, RawKind};
use crate::document::Diagnostic;
use crate::value::{Node, Piece, Ref, Span, Value, format_number};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Pseudo parameters that stay symbolic references.
pub const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::Partition",
    "AWS::Region",
    "AWS::URLSuffix",
    "AWS::StackName",
    "AWS::StackId",
];

/// How deep evaluation may recurse (conditions naming conditions, ...).
const MAX_EVAL_DEPTH: usize = 400;

#[derive(Clone, Copy, Debug, PartialEq)]
enum ParamKind {
    Plain,
    /// `CommaDelimitedList`, `List<...>`: the default is split on commas.
    List,
    /// `AWS::SSM::Parameter::Value<...>`: resolved from Parameter Store at deploy time.
    Ssm,
    /// `AWS::SSM::Parameter::Value<List<...>>` or `<CommaDelimitedList>`: a list from
    /// Parameter Store.
    SsmList,
}

struct Param {
    default: Option<Raw>,
    kind: ParamKind,
    string: bool,
}

pub struct Evaluator<'a> {
    params: HashMap<String, Param>,
    mappings: Option<&'a Raw>,
    conditions: HashMap<String, &'a Raw>,
    /// Logical IDs of the template's resources (after SAM and `Fn::ForEach` expansion).
    pub resources: HashSet<String>,
    /// A `Ref` to a name that is not declared stays symbolic instead of `Unknown` (SAM
    /// templates refer to resources SAM generates, like `MyFunctionRole`).
    pub lenient_refs: bool,
    cond_cache: HashMap<String, Option<bool>>,
    cond_visiting: HashSet<String>,
    depth: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Parameter values given from outside (a parent stack's `Parameters` for a nested
    /// stack): they replace the defaults.
    pub overrides: HashMap<String, Node>,
}

impl<'a> Evaluator<'a> {
    pub fn new(root: &'a Raw) -> Evaluator<'a> {
        let mut params = HashMap::new();
        if let Some(p) = root.get("Parameters") {
            for e in p.entries() {
                let ty = e
                    .value
                    .get("Type")
                    .and_then(Raw::as_str)
                    .unwrap_or("String");
                let kind = if ty.starts_with("AWS::SSM::Parameter::Value<List<")
                    || ty.starts_with("AWS::SSM::Parameter::Value<CommaDelimitedList")
                {
                    ParamKind::SsmList
                } else if ty.starts_with("AWS::SSM::Parameter::Value<") {
                    ParamKind::Ssm
                } else if ty == "CommaDelimitedList" || ty.starts_with("List<") {
                    ParamKind::List
                } else {
                    ParamKind::Plain
                };
                params.insert(
                    e.key.clone(),
                    Param {
                        default: e.value.get("Default").cloned(),
                        kind,
                        string: ty == "String",
                    },
                );
            }
        }
        let conditions = root
            .get("Conditions")
            .map(|c| {
                c.entries()
                    .iter()
                    .map(|e| (e.key.clone(), &e.value))
                    .collect()
            })
            .unwrap_or_default();
        Evaluator {
            params,
            mappings: root.get("Mappings"),
            conditions,
            resources: HashSet::new(),
            lenient_refs: false,
            cond_cache: HashMap::new(),
            cond_visiting: HashSet::new(),
            depth: 0,
            diagnostics: Vec::new(),
            overrides: HashMap::new(),
        }
    }

    fn warn(&mut self, span: &Span, msg: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(span.clone(), msg));
    }

    /// Evaluate a node of the template. `None` is `AWS::NoValue`.
    pub fn eval(&mut self, raw: &Raw) -> Option<Node> {
        if self.depth >= MAX_EVAL_DEPTH {
            self.warn(
                &raw.span,
                "expression nests too deeply to evaluate; treated as unknown",
            );
            return Some(Node::unknown(raw.span.clone()));
        }
        self.depth += 1;
        let out = self.eval_inner(raw);
        self.depth -= 1;
        out
    }

    fn eval_inner(&mut self, raw: &Raw) -> Option<Node> {
        if let Some((name, arg)) = raw.as_call() {
            return self.call(name, arg, &raw.span);
        }
        let span = raw.span.clone();
        let value = match &raw.kind {
            RawKind::Null => Value::Null,
            RawKind::Bool(b) => Value::Bool(*b),
            RawKind::Number(n) => Value::Number(*n),
            RawKind::Str(s) => Value::String(s.clone()),
            RawKind::Seq(items) => Value::List(items.iter().filter_map(|i| self.eval(i)).collect()),
            RawKind::Map(entries) => {
                let mut m = BTreeMap::new();
                for e in entries {
                    if let Some(v) = self.eval(&e.value) {
                        m.insert(e.key.clone(), v);
                    }
                }
                Value::Map(m)
            }
        };
        Some(Node::new(value, span))
    }

    fn call(&mut self, name: &str, arg: &Raw, span: &Span) -> Option<Node> {
        let unknown = || Some(Node::unknown(span.clone()));
        match name {
            "Ref" => match self.text_arg(arg) {
                Some(target) => self.reference(&target, span),
                None => {
                    self.warn(span, "Ref needs the name of a parameter or resource");
                    unknown()
                }
            },
            "Fn::GetAtt" => Some(self.get_att(arg, span)),
            "Fn::Sub" => Some(self.sub(arg, span)),
            "Fn::Join" => Some(self.join(arg, span)),
            "Fn::Select" => self.select(arg, span),
            "Fn::Split" => Some(self.split(arg, span)),
            // Reported where the template uses it, not in the Mappings section.
            "Fn::FindInMap" => self.find_in_map(arg, span).map(|mut n| {
                n.span = span.clone();
                n
            }),
            "Fn::If" => self.if_(arg, span),
            "Fn::Base64" => self.eval(arg),
            "Fn::Length" => match self.eval(arg).map(|n| n.value) {
                Some(Value::List(l)) => {
                    Some(Node::new(Value::Number(l.len() as f64), span.clone()))
                }
                _ => unknown(),
            },
            "Fn::ToJsonString" => match self.eval(arg) {
                Some(inner) => Some(Node::new(Value::Json(Box::new(inner)), span.clone())),
                None => unknown(),
            },
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let c = Raw::call(name, arg.clone(), span.clone());
                Some(match self.cond_expr(&c) {
                    Some(b) => Node::new(Value::Bool(b), span.clone()),
                    None => Node::unknown(span.clone()),
                })
            }
            "Fn::ImportValue" | "Fn::GetAZs" | "Fn::Cidr" | "Fn::Transform" => unknown(),
            _ => {
                self.warn(
                    span,
                    format!("unsupported intrinsic function `{name}`; treated as unknown"),
                );
                unknown()
            }
        }
    }

    /// A literal string argument, or one an intrinsic evaluates to.
    fn text_arg(&mut self, arg: &Raw) -> Option<String> {
        if let Some(t) = arg.scalar_text() {
            return Some(t);
        }
        let n = self.eval(arg)?;
        scalar_text(&n)
    }

    /// `Ref name`: a parameter's value, a pseudo parameter or a resource.
    pub fn reference(&mut self, target: &str, span: &Span) -> Option<Node> {
        let symbolic = |t: &str| {
            Some(Node::new(
                Value::Ref(Ref {
                    target: t.to_string(),
                    attr: String::new(),
                }),
                span.clone(),
            ))
        };
        if target == "AWS::NoValue" {
            return None;
        }
        if PSEUDO_PARAMETERS.contains(&target) {
            return symbolic(target);
        }
        if target == "AWS::NotificationARNs" {
            return Some(Node::unknown(span.clone()));
        }
        if self.params.contains_key(target)
            && let Some(v) = self.overrides.get(target)
        {
            let mut v = v.clone();
            v.span = span.clone();
            return Some(v);
        }
        if let Some(p) = self.params.get(target) {
            return Some(match (&p.default, p.kind) {
                // The value of a Parameter Store parameter whose name is the default: the
                // same as a dynamic reference to it, and written as one.
                (Some(d), ParamKind::Ssm) => match d.scalar_text() {
                    Some(name) if !name.is_empty() => {
                        Node::string(format!("{{{{resolve:ssm:{name}}}}}"), span.clone())
                    }
                    _ => Node::unknown(span.clone()),
                },
                (_, ParamKind::Ssm | ParamKind::SsmList) | (None, _) => Node::unknown(span.clone()),
                (Some(d), kind) => {
                    let (d, string) = (d.clone(), p.string);
                    // Reported where the template uses it, like a Terraform variable.
                    let mut v = self.param_value(&d, kind, string);
                    v.span = span.clone();
                    v
                }
            });
        }
        if self.resources.contains(target) || self.lenient_refs {
            return symbolic(target);
        }
        self.warn(
            span,
            format!("Ref to `{target}`, which is not a parameter or resource of this template"),
        );
        Some(Node::unknown(span.clone()))
    }

    fn param_value(&mut self, d: &Raw, kind: ParamKind, string: bool) -> Node {
        let span = d.span.clone();
        let node = self.eval(d).unwrap_or_else(|| Node::unknown(span.clone()));
        match (kind, &node.value) {
            (ParamKind::List, Value::String(s)) => {
                let items = if s.is_empty() {
                    Vec::new()
                } else {
                    s.split(',')
                        .map(|p| Node::string(p.trim(), span.clone()))
                        .collect()
                };
                Node::new(Value::List(items), span)
            }
            (_, Value::Number(_) | Value::Bool(_)) if string => {
                let t = scalar_text(&node).unwrap_or_default();
                Node::string(t, span)
            }
            _ => node,
        }
    }

    fn get_att(&mut self, arg: &Raw, span: &Span) -> Node {
        let (res, attr) = match &arg.kind {
            RawKind::Seq(items) if items.len() == 2 => {
                let res = items[0].scalar_text();
                let attr = self.text_arg(&items[1]);
                (res, attr)
            }
            RawKind::Str(s) => match s.split_once('.') {
                Some((a, b)) => (Some(a.to_string()), Some(b.to_string())),
                None => (None, None),
            },
            _ => (None, None),
        };
        match (res, attr) {
            (Some(res), Some(attr)) if !res.is_empty() => {
                if !self.resources.contains(&res) && !self.lenient_refs {
                    self.warn(
                        span,
                        format!("GetAtt of `{res}`, which is not a resource of this template"),
                    );
                }
                Node::new(Value::Ref(Ref { target: res, attr }), span.clone())
            }
            _ => {
                self.warn(span, "Fn::GetAtt needs [LogicalId, Attribute]");
                Node::unknown(span.clone())
            }
        }
    }

    fn sub(&mut self, arg: &Raw, span: &Span) -> Node {
        let (template, vars) = match &arg.kind {
            RawKind::Str(s) => (s.as_str(), None),
            RawKind::Seq(items) if !items.is_empty() && items.len() <= 2 => match items[0].as_str()
            {
                Some(s) => (s, items.get(1)),
                None => return Node::unknown(span.clone()),
            },
            _ => {
                self.warn(span, "Fn::Sub needs a string or [string, {variables}]");
                return Node::unknown(span.clone());
            }
        };
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some(i) = rest.find("${") {
            push_lit(&mut pieces, &rest[..i]);
            let after = &rest[i + 2..];
            if let Some(lit) = after.strip_prefix('!') {
                // `${!Literal}` is the text `${Literal}`.
                push_lit(&mut pieces, "${");
                rest = lit;
                continue;
            }
            let Some(close) = after.find('}') else {
                push_lit(&mut pieces, &rest[i..]);
                rest = "";
                break;
            };
            let name = after[..close].trim();
            let value = match vars.and_then(|v| v.get(name)) {
                Some(raw) => self.eval(raw),
                None => match name.split_once('.') {
                    Some((res, attr)) if !self.params.contains_key(name) => {
                        let list = Raw::new(
                            RawKind::Seq(vec![
                                Raw::str(res, span.clone()),
                                Raw::str(attr, span.clone()),
                            ]),
                            span.clone(),
                        );
                        Some(self.get_att(&list, span))
                    }
                    _ => self.reference(name, span),
                },
            };
            match value {
                Some(v) => pieces.extend(to_pieces(&v)),
                None => pieces.push(Piece::Unknown),
            }
            rest = &after[close + 1..];
        }
        push_lit(&mut pieces, rest);
        from_pieces(pieces, span)
    }

    fn join(&mut self, arg: &Raw, span: &Span) -> Node {
        let RawKind::Seq(items) = &arg.kind else {
            self.warn(span, "Fn::Join needs [delimiter, [values]]");
            return Node::unknown(span.clone());
        };
        if items.len() != 2 {
            self.warn(span, "Fn::Join needs [delimiter, [values]]");
            return Node::unknown(span.clone());
        }
        let Some(delim) = self.text_arg(&items[0]) else {
            return Node::unknown(span.clone());
        };
        let list = match self.eval(&items[1]) {
            Some(Node {
                value: Value::List(l),
                ..
            }) => l,
            _ => return Node::unknown(span.clone()),
        };
        let mut pieces = Vec::new();
        for (i, n) in list.iter().enumerate() {
            if i > 0 {
                push_lit(&mut pieces, &delim);
            }
            pieces.extend(to_pieces(n));
        }
        from_pieces(pieces, span)
    }

    fn select(&mut self, arg: &Raw, span: &Span) -> Option<Node> {
        let unknown = Some(Node::unknown(span.clone()));
        let RawKind::Seq(items) = &arg.kind else {
            return unknown;
        };
        if items.len() != 2 {
            return unknown;
        }
        let index = self.eval(&items[0]).and_then(|n| n.as_f64());
        let list = self.eval(&items[1]);
        match (index, list) {
            (
                Some(i),
                Some(Node {
                    value: Value::List(l),
                    ..
                }),
            ) if i >= 0.0 && i.fract() == 0.0 => match l.into_iter().nth(i as usize) {
                Some(n) => Some(n),
                None => {
                    self.warn(span, "Fn::Select index is out of range");
                    unknown
                }
            },
            _ => unknown,
        }
    }

    fn split(&mut self, arg: &Raw, span: &Span) -> Node {
        let RawKind::Seq(items) = &arg.kind else {
            return Node::unknown(span.clone());
        };
        if items.len() != 2 {
            return Node::unknown(span.clone());
        }
        let delim = self.text_arg(&items[0]);
        let source = self.eval(&items[1]);
        match (delim, source) {
            (
                Some(d),
                Some(Node {
                    value: Value::String(s),
                    span: sspan,
                }),
            ) if !d.is_empty() => Node::new(
                Value::List(
                    s.split(d.as_str())
                        .map(|p| Node::string(p, sspan.clone()))
                        .collect(),
                ),
                span.clone(),
            ),
            _ => Node::unknown(span.clone()),
        }
    }

    fn find_in_map(&mut self, arg: &Raw, span: &Span) -> Option<Node> {
        let unknown = Some(Node::unknown(span.clone()));
        let RawKind::Seq(items) = &arg.kind else {
            return unknown;
        };
        if items.len() < 3 {
            self.warn(
                span,
                "Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]",
            );
            return unknown;
        }
        let default = items.get(3).and_then(|d| d.get("DefaultValue"));
        let keys: Vec<Option<String>> = items[..3].iter().map(|k| self.text_arg(k)).collect();
        let Some(mappings) = self.mappings else {
            self.warn(span, "Fn::FindInMap without a Mappings section");
            return unknown;
        };
        let Some(map_name) = &keys[0] else {
            return unknown;
        };
        let Some(map) = mappings.get(map_name) else {
            if let Some(d) = default {
                return self.eval(d);
            }
            self.warn(span, format!("Fn::FindInMap: no mapping `{map_name}`"));
            return unknown;
        };
        // Candidate values; an unknown key considers every entry of its level.
        let tops: Vec<&Raw> = match &keys[1] {
            Some(k) => map.get(k).into_iter().collect(),
            None => map.entries().iter().map(|e| &e.value).collect(),
        };
        let mut candidates: Vec<&Raw> = Vec::new();
        for top in tops {
            match &keys[2] {
                Some(k) => candidates.extend(top.get(k)),
                None => candidates.extend(top.entries().iter().map(|e| &e.value)),
            }
        }
        let all_known = keys.iter().all(Option::is_some);
        if candidates.is_empty() {
            if all_known {
                if let Some(d) = default {
                    return self.eval(d);
                }
                self.warn(span, "Fn::FindInMap: the keys are not in the mapping");
            }
            return unknown;
        }
        if !all_known && default.is_some() {
            // An unknown key may also miss the mapping and select the default.
            return unknown;
        }
        let first = self.eval(candidates[0]);
        if !all_known {
            // Known anyway when every entry the unknown key could select is the same.
            let first_value = first.as_ref().map(|n| n.value.clone());
            for c in &candidates[1..] {
                let v = self.eval(c);
                let same = match (&first_value, &v) {
                    (Some(a), Some(b)) => same_value(a, &b.value),
                    (None, None) => true,
                    _ => false,
                };
                if !same {
                    return unknown;
                }
            }
        }
        first
    }

    fn if_(&mut self, arg: &Raw, span: &Span) -> Option<Node> {
        let RawKind::Seq(items) = &arg.kind else {
            self.warn(span, "Fn::If needs [Condition, ValueIfTrue, ValueIfFalse]");
            return Some(Node::unknown(span.clone()));
        };
        if items.len() != 3 {
            self.warn(span, "Fn::If needs [Condition, ValueIfTrue, ValueIfFalse]");
            return Some(Node::unknown(span.clone()));
        }
        let name = items[0].as_str();
        let cond = match name {
            Some(name) => self.condition(name, &items[0].span),
            None => None,
        };
        match cond {
            Some(true) => self.eval(&items[1]),
            Some(false) => self.eval(&items[2]),
            None => {
                let a = self.eval(&items[1]);
                let b = self.eval(&items[2]);
                match (a, b, name) {
                    (None, None, _) => None,
                    (Some(a), Some(b), _) if same_value(&a.value, &b.value) => Some(a),
                    // Both branches are kept; the pipeline checks each (see `Value::Cond`).
                    (a, b, Some(name)) if self.conditions.contains_key(name) => Some(Node::new(
                        Value::Cond {
                            condition: name.to_string(),
                            then: a.map(Box::new),
                            otherwise: b.map(Box::new),
                        },
                        span.clone(),
                    )),
                    _ => Some(Node::unknown(span.clone())),
                }
            }
        }
    }

    /// The value of a named condition, from parameter defaults; `None` when not known.
    pub fn condition(&mut self, name: &str, span: &Span) -> Option<bool> {
        if let Some(v) = self.cond_cache.get(name) {
            return *v;
        }
        let Some(raw) = self.conditions.get(name).copied() else {
            self.warn(span, format!("condition `{name}` is not defined"));
            return None;
        };
        if !self.cond_visiting.insert(name.to_string()) {
            self.warn(span, format!("condition `{name}` refers to itself"));
            return None;
        }
        let v = if self.depth >= MAX_EVAL_DEPTH {
            self.warn(span, "conditions nest too deeply to evaluate");
            None
        } else {
            self.depth += 1;
            let v = self.cond_expr(raw);
            self.depth -= 1;
            v
        };
        self.cond_visiting.remove(name);
        self.cond_cache.insert(name.to_string(), v);
        v
    }

    /// A condition expression: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`.
    fn cond_expr(&mut self, raw: &Raw) -> Option<bool> {
        if let RawKind::Bool(b) = raw.kind {
            return Some(b);
        }
        let entries = raw.entries();
        let [e] = entries else {
            return None;
        };
        let args: &[Raw] = match &e.value.kind {
            RawKind::Seq(items) => items,
            _ => std::slice::from_ref(&e.value),
        };
        match e.key.as_str() {
            "Condition" => {
                let name = e.value.as_str()?;
                self.condition(name, &e.value.span)
            }
            "Fn::Equals" => {
                let [a, b] = args else {
                    return None;
                };
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                equals(&a, &b)
            }
            "Fn::Not" => {
                let [c] = args else {
                    return None;
                };
                self.cond_expr(c).map(|b| !b)
            }
            "Fn::And" | "Fn::Or" => {
                let is_and = e.key == "Fn::And";
                let mut unknown = false;
                for c in args {
                    match self.cond_expr(c) {
                        Some(b) if b != is_and => return Some(b),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(is_and)
            }
            _ => None,
        }
    }
}

/// `Fn::Equals` of two evaluated values: known when both are known scalars (compared as
/// text, as CloudFormation does) or the same symbolic value.
fn equals(a: &Node, b: &Node) -> Option<bool> {
    match (scalar_text(a), scalar_text(b)) {
        (Some(x), Some(y)) => Some(x == y),
        _ if !a.has_unknown() && same_value(&a.value, &b.value) => Some(true),
        _ => None,
    }
}

/// The text of a known scalar.
pub fn scalar_text(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.clone()),
        Value::Number(x) => Some(format_number(*x)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Structural equality that ignores spans.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(&a.value, &b.value))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, a), (kb, b))| ka == kb && same_value(&a.value, &b.value))
        }
        (Value::Json(x), Value::Json(y)) => same_value(&x.value, &y.value),
        (
            Value::Cond {
                condition: c1,
                then: t1,
                otherwise: o1,
            },
            Value::Cond {
                condition: c2,
                then: t2,
                otherwise: o2,
            },
        ) => {
            let same = |a: &Option<Box<Node>>, b: &Option<Box<Node>>| match (a, b) {
                (Some(a), Some(b)) => same_value(&a.value, &b.value),
                (None, None) => true,
                _ => false,
            };
            c1 == c2 && same(t1, t2) && same(o1, o2)
        }
        (Value::Unknown, _) | (_, Value::Unknown) => false,
        _ => a == b,
    }
}

fn push_lit(pieces: &mut Vec<Piece>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Piece::Lit(last)) = pieces.last_mut() {
        last.push_str(s);
    } else {
        pieces.push(Piece::Lit(s.to_string()));
    }
}

/// A value as parts of a string.
fn to_pieces(n: &Node) -> Vec<Piece> {
    match &n.value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            vec![Piece::Lit(scalar_text(n).unwrap_or_default())]
        }
        Value::Ref(r) => vec![Piece::Ref(r.clone())],
        Value::Interp(p) => p.clone(),
        _ => vec![Piece::Unknown],
    }
}

/// A `String` when every piece is literal, else an `Interp`.
fn from_pieces(pieces: Vec<Piece>, span: &Span) -> Node {
    let mut merged: Vec<Piece> = Vec::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => push_lit(&mut merged, &s),
            other => merged.push(other),
        }
    }
    match merged.as_slice() {
        [] => Node::string("", span.clone()),
        [Piece::Lit(s)] => Node::string(s.clone(), span.clone()),
        _ => Node::new(Value::Interp(merged), span.clone()),
    }
}
