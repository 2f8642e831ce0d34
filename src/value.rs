//! The format-neutral value model every parser produces and every rule reads.
//!
//! A [`Node`] is a [`Value`] plus the [`Span`] of the source text it came from. A value that
//! refers to another resource stays symbolic ([`Value::Ref`], or a [`Piece::Ref`] inside an
//! [`Value::Interp`] string): that is what becomes a graph edge. What cannot be known
//! statically is [`Value::Unknown`], never a guess.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A position range in one source file. Lines and columns are 1-based; `end_col` is
/// exclusive. A span with `line == 0` means "no position known".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: Arc<str>,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    pub fn none() -> Span {
        Span::default()
    }
    pub fn is_none(&self) -> bool {
        self.line == 0
    }
    pub fn new(file: Arc<str>, line: u32, col: u32, end_line: u32, end_col: u32) -> Span {
        Span {
            file,
            line,
            col,
            end_line,
            end_col,
        }
    }
    /// The span of the first line only (used to point at a block header). A span that ends
    /// at column 1 of the next line covers its first line to the end.
    pub fn first_line(&self) -> Span {
        if self.end_line == self.line {
            return self.clone();
        }
        Span {
            end_line: self.line + 1,
            end_col: 1,
            ..self.clone()
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Is the text a CloudFormation dynamic reference (`{{resolve:ssm:/name}}`,
/// `{{resolve:secretsmanager:...}}`), whose value CloudFormation reads at deploy time? An
/// `AWS::SSM::Parameter::Value<...>` parameter evaluates to one.
pub fn is_dynamic_reference(s: &str) -> bool {
    s.contains("{{resolve:")
}

/// A symbolic reference to (an attribute of) another resource, e.g. `aws_iam_role.app.arn`
/// or, in CloudFormation, `!GetAtt AppRole.Arn`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ref {
    /// Address of the referenced resource, as it appears in [`crate::document::Resource::address`]
    /// without an instance key (`module.api.aws_iam_role.app`, `data.aws_iam_role.x`, `AppRole`).
    pub target: String,
    /// Attribute path after the resource (`arn`, `name`, `id`, `Arn`, ...); empty for a bare
    /// reference (CloudFormation `Ref`).
    pub attr: String,
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.attr.is_empty() {
            write!(f, "{}", self.target)
        } else {
            write!(f, "{}.{}", self.target, self.attr)
        }
    }
}

/// One part of a string that mixes literal text with values not known as text.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Lit(String),
    Ref(Ref),
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Node>),
    /// Objects and maps; keys sorted, so output is deterministic.
    Map(BTreeMap<String, Node>),
    /// A symbolic reference to another resource's attribute.
    Ref(Ref),
    /// A string built from literal text and references (`"${aws_iam_role.app.arn}/*"`).
    Interp(Vec<Piece>),
    /// A JSON-encoded document kept structured (`jsonencode(...)`, a heredoc that parsed as
    /// JSON, `data.aws_iam_policy_document.x.json`): the inner node keeps its spans and refs.
    Json(Box<Node>),
    /// Not statically known.
    Unknown,
    /// One of two values, chosen by a named condition that is not statically known
    /// (CloudFormation `Fn::If` over a condition on a parameter without a default). A `None`
    /// branch removes the value (`AWS::NoValue`). As a whole it is not known
    /// ([`Node::has_unknown`]); [`Node::choose`] picks a branch once the condition is given,
    /// and [`Node::refs`] sees the references of both branches.
    Cond {
        condition: String,
        then: Option<Box<Node>>,
        otherwise: Option<Box<Node>>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Node {
        Node { value, span }
    }
    pub fn unknown(span: Span) -> Node {
        Node::new(Value::Unknown, span)
    }
    pub fn string(s: impl Into<String>, span: Span) -> Node {
        Node::new(Value::String(s.into()), span)
    }
    pub fn null(span: Span) -> Node {
        Node::new(Value::Null, span)
    }

    /// Look up a key of a map (for `Json`, of the encoded document).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.get(key),
            Value::Json(inner) => inner.get(key),
            _ => None,
        }
    }

    /// Look up a key case-insensitively (IAM policy element names).
    pub fn get_ci(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.get(key).or_else(|| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            }),
            Value::Json(inner) => inner.get_ci(key),
            _ => None,
        }
    }

    /// Follow a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut cur = self;
        for k in keys {
            cur = cur.get(k)?;
        }
        Some(cur)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// True when the value, or any part of it, is unknown (a value chosen by an undecided
    /// condition counts as unknown).
    pub fn has_unknown(&self) -> bool {
        match &self.value {
            Value::Unknown | Value::Cond { .. } => true,
            Value::Interp(p) => p.iter().any(|p| matches!(p, Piece::Unknown)),
            Value::List(l) => l.iter().any(Node::has_unknown),
            Value::Map(m) => m.values().any(Node::has_unknown),
            Value::Json(n) => n.has_unknown(),
            _ => false,
        }
    }

    /// The items of a list, or the node itself as a one-item list (IAM allows a string or a
    /// list of strings in most places; HCL blocks may appear once or repeated).
    pub fn items(&self) -> Vec<&Node> {
        match &self.value {
            Value::List(l) => l.iter().collect(),
            Value::Null => vec![],
            Value::Json(inner) => inner.items(),
            _ => vec![self],
        }
    }

    /// Every symbolic reference in this value, depth first, in source order.
    pub fn refs(&self) -> Vec<&Ref> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a Ref>) {
        match &self.value {
            Value::Ref(r) => out.push(r),
            Value::Interp(p) => {
                for piece in p {
                    if let Piece::Ref(r) = piece {
                        out.push(r)
                    }
                }
            }
            Value::List(l) => l.iter().for_each(|n| n.collect_refs(out)),
            Value::Map(m) => m.values().for_each(|n| n.collect_refs(out)),
            Value::Json(n) => n.collect_refs(out),
            Value::Cond {
                then, otherwise, ..
            } => {
                for branch in [then, otherwise].into_iter().flatten() {
                    branch.collect_refs(out);
                }
            }
            _ => {}
        }
    }

    /// The names of the conditions that choose parts of this value, sorted.
    pub fn conditions(&self) -> std::collections::BTreeSet<&str> {
        let mut out = std::collections::BTreeSet::new();
        self.collect_conditions(&mut out);
        out
    }

    fn collect_conditions<'a>(&'a self, out: &mut std::collections::BTreeSet<&'a str>) {
        match &self.value {
            Value::Cond {
                condition,
                then,
                otherwise,
            } => {
                out.insert(condition);
                for branch in [then, otherwise].into_iter().flatten() {
                    branch.collect_conditions(out);
                }
            }
            Value::List(l) => l.iter().for_each(|n| n.collect_conditions(out)),
            Value::Map(m) => m.values().for_each(|n| n.collect_conditions(out)),
            Value::Json(n) => n.collect_conditions(out),
            _ => {}
        }
    }

    /// This value with every [`Value::Cond`] replaced by the branch `choice` picks for its
    /// condition (`Some(true)`: the first), or by `Unknown` when `choice` gives `None`. A
    /// branch that removes the value drops the map key or list item it is in; `None` when
    /// this node itself is removed.
    pub fn choose(&self, choice: &dyn Fn(&str) -> Option<bool>) -> Option<Node> {
        let value = match &self.value {
            Value::Cond {
                condition,
                then,
                otherwise,
            } => {
                return match choice(condition) {
                    Some(true) => then.as_ref().and_then(|n| n.choose(choice)),
                    Some(false) => otherwise.as_ref().and_then(|n| n.choose(choice)),
                    None => Some(Node::unknown(self.span.clone())),
                };
            }
            Value::List(l) => Value::List(l.iter().filter_map(|n| n.choose(choice)).collect()),
            Value::Map(m) => Value::Map(
                m.iter()
                    .filter_map(|(k, n)| Some((k.clone(), n.choose(choice)?)))
                    .collect(),
            ),
            Value::Json(n) => match n.choose(choice) {
                Some(inner) => Value::Json(Box::new(inner)),
                None => Value::Unknown,
            },
            other => other.clone(),
        };
        Some(Node::new(value, self.span.clone()))
    }

    /// The text of a string-like value with references shown as `${...}` and unknown parts as
    /// `${?}`; a value chosen by a condition as `${if Cond then a else b}` (a removed branch
    /// is `AWS::NoValue`); `None` for non-scalars.
    pub fn display_text(&self) -> Option<String> {
        match &self.value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            Value::Ref(r) => Some(format!("${{{r}}}")),
            Value::Interp(p) => Some(
                p.iter()
                    .map(|p| match p {
                        Piece::Lit(s) => s.clone(),
                        Piece::Ref(r) => format!("${{{r}}}"),
                        Piece::Unknown => "${?}".to_string(),
                    })
                    .collect(),
            ),
            Value::Cond {
                condition,
                then,
                otherwise,
            } => {
                let branch = |b: &Option<Box<Node>>| match b {
                    Some(n) => n.display_text(),
                    None => Some("AWS::NoValue".to_string()),
                };
                Some(format!(
                    "${{if {condition} then {} else {}}}",
                    branch(then)?,
                    branch(otherwise)?
                ))
            }
            _ => None,
        }
    }
}

/// Numbers print like Terraform prints them: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

// ---------------------------------------------------------------------------------------
// JSON text with references

/// Collapse pieces: a String when all literal, Unknown when only unknown, else an Interp.
pub(crate) fn pieces_to_value(pieces: Vec<Piece>) -> Value {
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (merged.last_mut(), p) {
            (Some(Piece::Lit(a)), Piece::Lit(b)) => a.push_str(&b),
            (_, Piece::Lit(b)) if b.is_empty() => {}
            (_, p) => merged.push(p),
        }
    }
    match merged.as_slice() {
        [] => Value::String(String::new()),
        [Piece::Unknown] => Value::Unknown,
        _ if merged.iter().all(|p| matches!(p, Piece::Lit(_))) => {
            let mut s = String::new();
            for p in &merged {
                if let Piece::Lit(l) = p {
                    s.push_str(l);
                }
            }
            Value::String(s)
        }
        _ => Value::Interp(merged),
    }
}

// Sentinels standing for non-text pieces while JSON text with references is parsed.
const IN_STR_OPEN: char = '\u{E000}';
const IN_STR_PAD: char = '\u{E001}';
const VALUE_OPEN: char = '\u{E002}';
const VALUE_PAD: char = '\u{E003}';

fn is_sentinel(c: char) -> bool {
    ('\u{E000}'..='\u{E003}').contains(&c)
}

/// Parse JSON text that may contain references (a heredoc policy with
/// `${aws_iam_role.x.arn}` inside, a `jsondecode` of an interpolated string). A String is
/// parsed as is; in an Interp every reference or unknown part stands in the text as a
/// placeholder, and after parsing the strings holding placeholders become [`Value::Ref`],
/// [`Value::Interp`] or [`Value::Unknown`] again. A placeholder outside a JSON string (e.g.
/// `"Resource": ${jsonencode(var.arns)}` when that is unknown) becomes a whole value.
/// Spans point into the source: parsing starts at the node's span start. `None` when the
/// text is not valid JSON.
pub(crate) fn parse_json_with_refs(node: &Node) -> Option<Node> {
    let (file, line, col) = (node.span.file.clone(), node.span.line, node.span.col);
    match &node.value {
        Value::Json(inner) => Some((**inner).clone()),
        Value::String(s) => crate::parse::json::parse(s, file, line, col).ok(),
        Value::Interp(pieces) => {
            let mut text = String::new();
            let mut holes: Vec<Piece> = Vec::new();
            let (mut in_str, mut esc) = (false, false);
            for p in pieces {
                match p {
                    Piece::Lit(s) => {
                        if s.chars().any(is_sentinel) {
                            return None;
                        }
                        for b in s.bytes() {
                            if in_str {
                                if esc {
                                    esc = false;
                                } else if b == b'\\' {
                                    esc = true;
                                } else if b == b'"' {
                                    in_str = false;
                                }
                            } else if b == b'"' {
                                in_str = true;
                            }
                        }
                        text.push_str(s);
                    }
                    hole => {
                        let i = holes.len();
                        // As wide as the `${...}` it stands for, so later columns line up.
                        let width = match hole {
                            Piece::Ref(r) => format!("${{{r}}}").chars().count(),
                            _ => 4,
                        };
                        let digits = i.to_string();
                        if in_str {
                            text.push(IN_STR_OPEN);
                            text.push_str(&digits);
                            let pad = width.saturating_sub(digits.len() + 1).max(1);
                            text.extend(std::iter::repeat_n(IN_STR_PAD, pad));
                        } else {
                            text.push('"');
                            text.push(VALUE_OPEN);
                            text.push_str(&digits);
                            let pad = width.saturating_sub(digits.len() + 3).max(1);
                            text.extend(std::iter::repeat_n(VALUE_PAD, pad));
                            text.push('"');
                        }
                        esc = false;
                        holes.push(hole.clone());
                    }
                }
            }
            let root = crate::parse::json::parse(&text, file, line, col).ok()?;
            Some(restore_holes(root, &holes))
        }
        _ => None,
    }
}

/// Parse `<digits><pad>+` at the start of `s`: the hole index and the rest.
fn hole_at(s: &str, pad: char) -> Option<(usize, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let i: usize = s[..end].parse().ok()?;
    let rest = &s[end..];
    if !rest.starts_with(pad) {
        return None;
    }
    Some((i, rest.trim_start_matches(pad)))
}

fn restore_text(s: &str, holes: &[Piece]) -> Value {
    if let Some(rest) = s.strip_prefix(VALUE_OPEN)
        && let Some((i, "")) = hole_at(rest, VALUE_PAD)
    {
        return match holes.get(i) {
            Some(Piece::Ref(r)) => Value::Ref(r.clone()),
            _ => Value::Unknown,
        };
    }
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut rest = s;
    while let Some(at) = rest.find(IN_STR_OPEN) {
        lit.push_str(&rest[..at]);
        let after = &rest[at + IN_STR_OPEN.len_utf8()..];
        match hole_at(after, IN_STR_PAD).and_then(|(i, r)| Some((holes.get(i)?, r))) {
            Some((hole, r)) => {
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(hole.clone());
                rest = r;
            }
            None => {
                lit.push(IN_STR_OPEN);
                rest = after;
            }
        }
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    match pieces.as_slice() {
        [Piece::Ref(r)] => Value::Ref(r.clone()),
        _ => pieces_to_value(pieces),
    }
}

fn restore_holes(n: Node, holes: &[Piece]) -> Node {
    let Node { value, span } = n;
    let value = match value {
        Value::String(s) if s.chars().any(is_sentinel) => restore_text(&s, holes),
        Value::List(items) => {
            Value::List(items.into_iter().map(|i| restore_holes(i, holes)).collect())
        }
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| {
                    let k = if k.chars().any(is_sentinel) {
                        // A key is text: show the references in it.
                        let key = Node::new(restore_text(&k, holes), Span::none());
                        key.display_text().unwrap_or(k)
                    } else {
                        k
                    };
                    (k, restore_holes(v, holes))
                })
                .collect(),
        ),
        other => other,
    };
    Node { value, span }
}
