//! Terraform built-in functions over the value model.
//!
//! Semantics follow Terraform, with two additions of the value model:
//! - [`Value::Unknown`] propagates: a result that depends on an unknown argument is unknown
//!   (carrying the call's span). A collection with unknown *elements* is still a known
//!   collection (its length, its keys are known).
//! - [`Value::Ref`] and [`Value::Interp`] are strings whose text is not fully known. Functions
//!   that only concatenate text (`join`, `format`, `formatlist`) keep the references as
//!   [`Piece`]s; functions that need the text (`lower`, `replace`, `base64encode` ...) give
//!   `Unknown`.
//!
//! `jsonencode(x)` stays structured: `Value::Json(x)`, with x's spans and references. Where
//! the text of such a value is needed, it is rendered the way Terraform renders it
//! ([`to_json_text`]). `try` and `can` are evaluated by the evaluator, not here.
//!
//! Nothing here executes anything, and `file()` never reads outside [`FnCtx::root`].

use crate::parse::json;
use crate::value::{Node, Piece, Span, Value, format_number};
use base64::Engine as _;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Largest file `file()` / `templatefile()` read.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Most elements `range()` produces (Terraform's own limit).
const MAX_RANGE: usize = 1024;

/// Widest padding or precision `format()` accepts (a guard against huge allocations).
const MAX_WIDTH: usize = 10_000;

/// Largest string `replace()` / `indent()` build (a guard against huge allocations).
const MAX_OUTPUT: usize = 64 * 1024 * 1024;

/// Renders a template text with variables: `(text, path of the template file, vars)`.
pub type RenderFn<'a> = dyn Fn(&str, &Path, BTreeMap<String, Node>) -> Node + 'a;

pub struct FnCtx<'a> {
    /// The calling module's directory (relative paths in file()/templatefile() resolve here).
    pub module_dir: &'a Path,
    /// Files outside this directory are never read (return Err).
    pub root: &'a Path,
    /// The call expression's span: results get this span unless they come from an argument.
    pub span: Span,
    /// Renders a template text (file contents) with the given variables; supplied by the evaluator.
    pub render_template: &'a RenderFn<'a>,
}

type R = Result<Node, String>;

/// Functions whose result can never be known statically (time, randomness, hashes not
/// implemented, network arithmetic, ...): they give `Unknown` without a diagnostic.
const UNKNOWABLE: &[&str] = &[
    "timestamp",
    "plantimestamp",
    "uuid",
    "uuidv5",
    "bcrypt",
    "md5",
    "sha1",
    "filemd5",
    "filesha1",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "formatdate",
    "timeadd",
    "timecmp",
    "abspath",
    "pathexpand",
    "yamlencode",
    "yamldecode",
    "csvdecode",
    "textencodebase64",
    "textdecodebase64",
    "regex",
    "regexall",
    "templatestring",
    "issensitive",
    "rsadecrypt",
    "fileset",
    "urldecode",
    "setproduct",
    "transpose",
    "matchkeys",
    "type",
];

/// Call a Terraform function. Err(message) for an unsupported function (the message then
/// starts with "unsupported function") or invalid arguments (the evaluator turns Err into
/// Unknown plus a diagnostic).
pub fn call(name: &str, args: Vec<Node>, ctx: &FnCtx) -> Result<Node, String> {
    let name = name.strip_prefix("core::").unwrap_or(name);
    let cx = Cx { name, ctx };
    let a = args.as_slice();
    if UNKNOWABLE.contains(&name) {
        return cx.unknown();
    }
    match name {
        // JSON
        "jsonencode" => {
            cx.arity(a, 1)?;
            if matches!(a[0].value, Value::Unknown) {
                return cx.unknown();
            }
            Ok(cx.node(Value::Json(Box::new(a[0].clone()))))
        }
        "jsondecode" => jsondecode(&cx, a),

        // Collections
        "merge" => merge(&cx, a),
        "concat" => concat(&cx, a),
        "flatten" => flatten(&cx, a),
        "distinct" => distinct(&cx, a),
        "lookup" => lookup(&cx, a),
        "element" => element(&cx, a),
        "index" => index(&cx, a),
        "slice" => slice(&cx, a),
        "reverse" => {
            cx.arity(a, 1)?;
            let Some(l) = cx.list(&a[0])? else {
                return cx.unknown();
            };
            Ok(cx.node(Value::List(l.iter().rev().cloned().collect())))
        }
        "sort" => sort(&cx, a),
        "keys" => {
            cx.arity(a, 1)?;
            let Some(m) = cx.map(&a[0])? else {
                return cx.unknown();
            };
            let keys = m
                .keys()
                .map(|k| Node::string(k.clone(), cx.span()))
                .collect();
            Ok(cx.node(Value::List(keys)))
        }
        "values" => {
            cx.arity(a, 1)?;
            let Some(m) = cx.map(&a[0])? else {
                return cx.unknown();
            };
            Ok(cx.node(Value::List(m.values().cloned().collect())))
        }
        "zipmap" => zipmap(&cx, a),
        "contains" => contains(&cx, a),
        "length" => length(&cx, a),
        "coalesce" => coalesce(&cx, a),
        "coalescelist" => coalescelist(&cx, a),
        "compact" => compact(&cx, a),
        "one" => one(&cx, a),
        "range" => range(&cx, a),
        "chunklist" => chunklist(&cx, a),
        "setunion" => setunion(&cx, a),
        "setintersection" => setintersection(&cx, a),
        "setsubtract" => setsubtract(&cx, a),
        "alltrue" | "anytrue" => alltrue_anytrue(&cx, a, name == "alltrue"),
        "sum" => sum(&cx, a),

        // Type conversions
        "tostring" => tostring(&cx, a),
        "tonumber" => tonumber(&cx, a),
        "tobool" => tobool(&cx, a),
        "tolist" => tolist(&cx, a),
        "toset" => toset(&cx, a),
        "tomap" => tomap(&cx, a),
        "sensitive" | "nonsensitive" | "ephemeralasnull" => {
            cx.arity(a, 1)?;
            Ok(a[0].clone())
        }

        // Strings
        "format" => format(&cx, a),
        "formatlist" => formatlist(&cx, a),
        "join" => join(&cx, a),
        "split" => split(&cx, a),
        "replace" => replace(&cx, a),
        "lower" => str_map(&cx, a, |s| s.to_lowercase()),
        "upper" => str_map(&cx, a, |s| s.to_uppercase()),
        "title" => str_map(&cx, a, title),
        "trimspace" => str_map(&cx, a, |s| s.trim().to_string()),
        "chomp" => str_map(&cx, a, |s| s.trim_end_matches(['\n', '\r']).to_string()),
        "strrev" => str_map(&cx, a, |s| s.chars().rev().collect()),
        "urlencode" => str_map(&cx, a, urlencode),
        "basename" => str_map(&cx, a, basename),
        "dirname" => str_map(&cx, a, dirname),
        "trim" => str2(&cx, a, |s, cut| {
            Ok(s.trim_matches(|c| cut.contains(c)).to_string())
        }),
        "trimprefix" => str2(&cx, a, |s, p| {
            Ok(s.strip_prefix(p).unwrap_or(s).to_string())
        }),
        "trimsuffix" => str2(&cx, a, |s, p| {
            Ok(s.strip_suffix(p).unwrap_or(s).to_string())
        }),
        "substr" => substr(&cx, a),
        "startswith" | "endswith" | "strcontains" => str_test(&cx, a),
        "indent" => indent(&cx, a),

        // Numbers
        "min" | "max" => min_max(&cx, a, name == "max"),
        "abs" => num_map(&cx, a, f64::abs),
        "ceil" => num_map(&cx, a, f64::ceil),
        "floor" => num_map(&cx, a, f64::floor),
        "signum" => num_map(&cx, a, |n| if n == 0.0 { 0.0 } else { n.signum() }),
        "pow" => num2(&cx, a, f64::powf),
        "log" => num2(&cx, a, f64::log),
        "parseint" => parseint(&cx, a),

        // Files
        "file" => file(&cx, a, false),
        "filebase64" => file(&cx, a, true),
        "fileexists" => fileexists(&cx, a),
        "templatefile" => templatefile(&cx, a),
        "filesha256" | "filesha512" => {
            cx.arity(a, 1)?;
            let Some(path) = cx.text(&a[0])? else {
                return cx.unknown();
            };
            let (_, bytes) = read_file(&cx, &path)?;
            Ok(cx.node(Value::String(hex_digest(name == "filesha256", &bytes))))
        }

        // Encoding and hashing
        "base64encode" => str_map(&cx, a, |s| {
            base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
        }),
        "base64decode" => base64decode(&cx, a),
        "base64gzip" => base64gzip(&cx, a),
        "sha256" => str_map(&cx, a, |s| hex_digest(true, s.as_bytes())),
        "sha512" => str_map(&cx, a, |s| hex_digest(false, s.as_bytes())),
        "base64sha256" | "base64sha512" => {
            let sha256 = name == "base64sha256";
            str_map(&cx, a, |s| {
                let d = raw_digest(sha256, s.as_bytes());
                base64::engine::general_purpose::STANDARD.encode(d)
            })
        }
        _ => Err(format!("unsupported function {name}()")),
    }
}

/// The calling context of one function call.
struct Cx<'a> {
    name: &'a str,
    ctx: &'a FnCtx<'a>,
}

impl Cx<'_> {
    fn span(&self) -> Span {
        self.ctx.span.clone()
    }
    fn node(&self, v: Value) -> Node {
        Node::new(v, self.span())
    }
    fn unknown(&self) -> R {
        Ok(Node::unknown(self.span()))
    }
    fn err<T>(&self, msg: impl std::fmt::Display) -> Result<T, String> {
        Err(format!("{}: {msg}", self.name))
    }
    fn arity(&self, a: &[Node], n: usize) -> Result<(), String> {
        self.arity_range(a, n, n)
    }
    fn arity_range(&self, a: &[Node], min: usize, max: usize) -> Result<(), String> {
        if a.len() < min || a.len() > max {
            let want = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            let s = if want == "1" { "" } else { "s" };
            return self.err(format!("expected {want} argument{s}, got {}", a.len()));
        }
        Ok(())
    }

    /// The text of a string-like argument; `None` when it is not known as text.
    fn text(&self, n: &Node) -> Result<Option<String>, String> {
        match &n.value {
            Value::String(s) => Ok(Some(s.clone())),
            Value::Number(x) => Ok(Some(format_number(*x))),
            Value::Bool(b) => Ok(Some(b.to_string())),
            Value::Json(_) => Ok(to_json_text(n)),
            Value::Ref(_) | Value::Interp(_) | Value::Unknown | Value::Cond { .. } => Ok(None),
            Value::Null => self.err("argument must not be null"),
            Value::List(_) => self.err("expected a string, got a list"),
            Value::Map(_) => self.err("expected a string, got a map"),
        }
    }

    /// A list (or set or tuple) argument; `None` when not known to be one.
    fn list<'n>(&self, n: &'n Node) -> Result<Option<&'n Vec<Node>>, String> {
        match &n.value {
            Value::List(l) => Ok(Some(l)),
            Value::Ref(_) | Value::Unknown => Ok(None),
            Value::Null => self.err("argument must not be null"),
            Value::Map(_) => self.err("expected a list, got a map"),
            _ => self.err("expected a list, got a string, number or bool"),
        }
    }

    /// A map (or object) argument; `None` when not known to be one.
    fn map<'n>(&self, n: &'n Node) -> Result<Option<&'n BTreeMap<String, Node>>, String> {
        match &n.value {
            Value::Map(m) => Ok(Some(m)),
            Value::Ref(_) | Value::Unknown => Ok(None),
            Value::Null => self.err("argument must not be null"),
            Value::List(_) => self.err("expected a map, got a list"),
            _ => self.err("expected a map, got a string, number or bool"),
        }
    }

    /// A number argument (numeric strings convert); `None` when not known.
    fn num(&self, n: &Node) -> Result<Option<f64>, String> {
        match &n.value {
            Value::Number(x) => Ok(Some(*x)),
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Some(x)),
                _ => self.err(format!("cannot convert {s:?} to a number")),
            },
            Value::Ref(_) | Value::Interp(_) | Value::Unknown | Value::Cond { .. } => Ok(None),
            Value::Null => self.err("argument must not be null"),
            _ => self.err("expected a number"),
        }
    }

    /// A whole-number argument.
    fn int(&self, n: &Node) -> Result<Option<i64>, String> {
        match self.num(n)? {
            None => Ok(None),
            Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Some(x as i64)),
            Some(x) => self.err(format!("{} is not a whole number", format_number(x))),
        }
    }

    fn boolean(&self, n: &Node) -> Result<Option<bool>, String> {
        match &n.value {
            Value::Bool(b) => Ok(Some(*b)),
            Value::String(s) if s == "true" => Ok(Some(true)),
            Value::String(s) if s == "false" => Ok(Some(false)),
            Value::Ref(_) | Value::Interp(_) | Value::Unknown | Value::Cond { .. } => Ok(None),
            Value::Null => self.err("argument must not be null"),
            _ => self.err("expected a bool"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Strings with references

/// Append the text pieces of a string-like value; false when it is not string-like.
fn push_pieces(n: &Node, out: &mut Vec<Piece>) -> bool {
    match &n.value {
        Value::String(s) => out.push(Piece::Lit(s.clone())),
        Value::Number(x) => out.push(Piece::Lit(format_number(*x))),
        Value::Bool(b) => out.push(Piece::Lit(b.to_string())),
        Value::Ref(r) => out.push(Piece::Ref(r.clone())),
        Value::Interp(p) => out.extend(p.iter().cloned()),
        Value::Unknown | Value::Cond { .. } => out.push(Piece::Unknown),
        Value::Json(inner) => json_pieces(inner, out),
        Value::Null | Value::List(_) | Value::Map(_) => return false,
    }
    true
}

/// Collapse pieces: a String when all literal, Unknown when only unknown, else an Interp.
fn pieces_to_value(pieces: Vec<Piece>) -> Value {
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

/// The concatenation of string-like values: a String when all parts are literal, an Interp
/// when references are present (unknown parts become [`Piece::Unknown`]), `None` if some
/// part is not string-like (null, list, map).
pub fn concat_pieces(parts: &[&Node]) -> Option<Value> {
    let mut pieces = Vec::new();
    for p in parts {
        if !push_pieces(p, &mut pieces) {
            return None;
        }
    }
    Some(pieces_to_value(pieces))
}

// ---------------------------------------------------------------------------------------
// JSON text

/// Escape a string's contents the way Terraform's jsonencode does (Go's encoding/json).
fn json_escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    json_escape_into(s, &mut out);
    out.push('"');
    out
}

fn push_lit(out: &mut Vec<Piece>, s: &str) {
    if let Some(Piece::Lit(l)) = out.last_mut() {
        l.push_str(s);
    } else {
        out.push(Piece::Lit(s.to_string()));
    }
}

/// Render a value as compact JSON text pieces: references stay pieces (inside the quotes of
/// a JSON string), unknown values become [`Piece::Unknown`].
fn json_pieces(n: &Node, out: &mut Vec<Piece>) {
    match &n.value {
        Value::Null => push_lit(out, "null"),
        Value::Bool(b) => push_lit(out, if *b { "true" } else { "false" }),
        Value::Number(x) if x.is_finite() => push_lit(out, &format_number(*x)),
        Value::Number(_) | Value::Unknown | Value::Cond { .. } => out.push(Piece::Unknown),
        Value::String(s) => push_lit(out, &json_quote(s)),
        Value::Ref(r) => {
            push_lit(out, "\"");
            out.push(Piece::Ref(r.clone()));
            push_lit(out, "\"");
        }
        Value::Interp(ps) => {
            push_lit(out, "\"");
            for p in ps {
                match p {
                    Piece::Lit(s) => {
                        let mut e = String::new();
                        json_escape_into(s, &mut e);
                        push_lit(out, &e);
                    }
                    other => out.push(other.clone()),
                }
            }
            push_lit(out, "\"");
        }
        Value::List(items) => {
            push_lit(out, "[");
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    push_lit(out, ",");
                }
                json_pieces(it, out);
            }
            push_lit(out, "]");
        }
        Value::Map(m) => {
            push_lit(out, "{");
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    push_lit(out, ",");
                }
                push_lit(out, &json_quote(k));
                push_lit(out, ":");
                json_pieces(v, out);
            }
            push_lit(out, "}");
        }
        // A JSON document inside a JSON document is a string holding its text.
        Value::Json(inner) => {
            let mut inner_pieces = Vec::new();
            json_pieces(inner, &mut inner_pieces);
            push_lit(out, "\"");
            for p in inner_pieces {
                match p {
                    Piece::Lit(s) => {
                        let mut e = String::new();
                        json_escape_into(&s, &mut e);
                        push_lit(out, &e);
                    }
                    other => out.push(other),
                }
            }
            push_lit(out, "\"");
        }
    }
}

/// The compact JSON text Terraform's `jsonencode` produces for a value (keys sorted, no
/// spaces, `<>&` escaped as `\u003c` ...). For a [`Value::Json`] node, the text of the
/// encoded document. `None` if it contains references or unknown values.
pub fn to_json_text(node: &Node) -> Option<String> {
    let target = match &node.value {
        Value::Json(inner) => inner,
        _ => node,
    };
    let mut pieces = Vec::new();
    json_pieces(target, &mut pieces);
    match pieces_to_value(pieces) {
        Value::String(s) => Some(s),
        _ => None,
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
pub fn parse_json_with_refs(node: &Node) -> Option<Node> {
    let (file, line, col) = (node.span.file.clone(), node.span.line, node.span.col);
    match &node.value {
        Value::Json(inner) => Some((**inner).clone()),
        Value::String(s) => json::parse(s, file, line, col).ok(),
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
            let root = json::parse(&text, file, line, col).ok()?;
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

fn jsondecode(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    match &n.value {
        Value::Json(inner) => Ok((**inner).clone()),
        Value::String(s) => {
            json::parse(s, n.span.file.clone(), n.span.line, n.span.col).map_err(|e| {
                format!(
                    "jsondecode: invalid JSON at {}:{}: {}",
                    e.line, e.col, e.message
                )
            })
        }
        Value::Interp(_) => match parse_json_with_refs(n) {
            Some(v) => Ok(v),
            None => cx.unknown(),
        },
        Value::Number(_) | Value::Bool(_) => {
            let text = cx.text(n)?.unwrap_or_default();
            json::parse(&text, n.span.file.clone(), n.span.line, n.span.col)
                .map_err(|e| format!("jsondecode: {}", e.message))
        }
        Value::Ref(_) | Value::Unknown => cx.unknown(),
        Value::Null => cx.err("argument must not be null"),
        _ => cx.err("expected a string"),
    }
}

// ---------------------------------------------------------------------------------------
// Equality

fn has_unknown_piece(v: &Value) -> bool {
    matches!(v, Value::Interp(p) if p.iter().any(|p| matches!(p, Piece::Unknown)))
}

/// Whether an interpolated string certainly differs from the text `s` (its literal prefix
/// or suffix does not match).
fn interp_excludes(pieces: &[Piece], s: &str) -> bool {
    if let Some(Piece::Lit(first)) = pieces.first()
        && !s.starts_with(first.as_str())
    {
        return true;
    }
    if let Some(Piece::Lit(last)) = pieces.last()
        && !s.ends_with(last.as_str())
    {
        return true;
    }
    false
}

/// Equality where it can be decided; `None` when it cannot. With `symbolic_distinct`,
/// references and interpolations (without unknown parts) are compared as symbols: two
/// different ones count as different values (used to deduplicate sets).
fn eq(a: &Node, b: &Node, symbolic_distinct: bool) -> Option<bool> {
    use Value::*;
    match (&a.value, &b.value) {
        (Unknown, _) | (_, Unknown) => None,
        (Null, Null) => Some(true),
        (Null, _) | (_, Null) => Some(false),
        (Ref(x), Ref(y)) if x == y => Some(true),
        (Interp(x), Interp(y)) if x == y && !has_unknown_piece(&a.value) => Some(true),
        (Interp(p), String(s)) | (String(s), Interp(p)) if interp_excludes(p, s) => Some(false),
        (Ref(_) | Interp(_), List(_) | Map(_)) | (List(_) | Map(_), Ref(_) | Interp(_)) => {
            Some(false)
        }
        (Ref(_) | Interp(_), _) | (_, Ref(_) | Interp(_)) => {
            if symbolic_distinct && !has_unknown_piece(&a.value) && !has_unknown_piece(&b.value) {
                Some(false)
            } else {
                None
            }
        }
        (List(x), List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_eq(x.iter().zip(y), symbolic_distinct)
        }
        (Map(x), Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            all_eq(x.values().zip(y.values()), symbolic_distinct)
        }
        (Json(x), Json(y)) => eq(x, y, symbolic_distinct),
        (Json(_), String(s)) | (String(s), Json(_)) => {
            let j = if let Json(_) = &a.value { a } else { b };
            to_json_text(j).map(|t| t == *s)
        }
        (String(x), String(y)) => Some(x == y),
        (Number(x), Number(y)) => Some(x == y),
        (Bool(x), Bool(y)) => Some(x == y),
        (String(s), Number(n)) | (Number(n), String(s)) => Some(*s == format_number(*n)),
        (String(s), Bool(x)) | (Bool(x), String(s)) => Some(*s == x.to_string()),
        _ => Some(false),
    }
}

fn all_eq<'a>(pairs: impl Iterator<Item = (&'a Node, &'a Node)>, sym: bool) -> Option<bool> {
    let mut all = true;
    for (p, q) in pairs {
        match eq(p, q, sym) {
            Some(false) => return Some(false),
            None => all = false,
            Some(true) => {}
        }
    }
    if all { Some(true) } else { None }
}

/// Remove duplicates keeping first occurrences; `None` when equality cannot be decided.
fn dedupe(items: &[Node]) -> Option<Vec<Node>> {
    if items.iter().all(|n| matches!(n.value, Value::String(_))) {
        let mut seen = BTreeSet::new();
        return Some(
            items
                .iter()
                .filter(|n| seen.insert(n.as_str().unwrap_or_default()))
                .cloned()
                .collect(),
        );
    }
    let mut out: Vec<Node> = Vec::new();
    for it in items {
        let mut undecided = false;
        let mut dup = false;
        for k in &out {
            match eq(it, k, true) {
                Some(true) => {
                    dup = true;
                    break;
                }
                None => undecided = true,
                Some(false) => {}
            }
        }
        if dup {
            continue;
        }
        if undecided {
            return None;
        }
        out.push(it.clone());
    }
    Some(out)
}

/// Terraform gives a list of mixed primitives one element type: with any string present,
/// numbers and bools become strings.
fn unify(items: &[Node]) -> Vec<Node> {
    let stringy = items
        .iter()
        .any(|n| matches!(n.value, Value::String(_) | Value::Ref(_) | Value::Interp(_)));
    let all_primitive = items
        .iter()
        .all(|n| !matches!(n.value, Value::List(_) | Value::Map(_) | Value::Json(_)));
    if !(stringy && all_primitive) {
        return items.to_vec();
    }
    items
        .iter()
        .map(|n| match &n.value {
            Value::Number(x) => Node::string(format_number(*x), n.span.clone()),
            Value::Bool(b) => Node::string(b.to_string(), n.span.clone()),
            _ => n.clone(),
        })
        .collect()
}

/// Order a set's elements like Terraform: strings lexically, numbers numerically, bools
/// false first. Symbolic strings (whose text is unknown) come after the known ones.
fn sort_set(items: &mut [Node]) {
    if items.iter().all(|n| matches!(n.value, Value::Number(_))) {
        items.sort_by(|a, b| {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        });
    } else if items.iter().all(|n| matches!(n.value, Value::Bool(_))) {
        items.sort_by_key(|n| n.as_bool());
    } else if items
        .iter()
        .all(|n| matches!(n.value, Value::String(_) | Value::Ref(_) | Value::Interp(_)))
    {
        items.sort_by(|a, b| match (a.as_str(), b.as_str()) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
}

fn to_set(cx: &Cx, items: &[Node]) -> R {
    match dedupe(&unify(items)) {
        Some(mut v) => {
            sort_set(&mut v);
            Ok(cx.node(Value::List(v)))
        }
        None => cx.unknown(),
    }
}

// ---------------------------------------------------------------------------------------
// Collection functions

fn merge(cx: &Cx, a: &[Node]) -> R {
    let mut out = BTreeMap::new();
    for n in a {
        match &n.value {
            Value::Null => {}
            Value::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            Value::Ref(_) | Value::Unknown => return cx.unknown(),
            _ => return cx.err("arguments must be maps or objects"),
        }
    }
    Ok(cx.node(Value::Map(out)))
}

fn concat(cx: &Cx, a: &[Node]) -> R {
    let mut out = Vec::new();
    let mut unknown = false;
    for n in a {
        match cx.list(n)? {
            Some(l) => out.extend(l.iter().cloned()),
            None => unknown = true,
        }
    }
    if unknown {
        return cx.unknown();
    }
    Ok(cx.node(Value::List(out)))
}

fn flatten_into(items: &[Node], out: &mut Vec<Node>) -> bool {
    for it in items {
        match &it.value {
            Value::List(l) => {
                if !flatten_into(l, out) {
                    return false;
                }
            }
            Value::Unknown => return false,
            _ => out.push(it.clone()),
        }
    }
    true
}

fn flatten(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut out = Vec::new();
    if !flatten_into(l, &mut out) {
        return cx.unknown();
    }
    Ok(cx.node(Value::List(out)))
}

fn distinct(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    match dedupe(l) {
        Some(v) => Ok(cx.node(Value::List(v))),
        None => cx.unknown(),
    }
}

fn lookup(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 2, 3)?;
    let Some(m) = cx.map(&a[0])? else {
        return cx.unknown();
    };
    let Some(key) = cx.text(&a[1])? else {
        return cx.unknown();
    };
    match (m.get(&key), a.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => cx.err(format!("the map has no key {key:?}")),
    }
}

fn element(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let l = cx.list(&a[0])?;
    let i = cx.int(&a[1])?;
    if let Some(i) = i
        && i < 0
    {
        return cx.err("cannot use element function with a negative index");
    }
    let (Some(l), Some(i)) = (l, i) else {
        return cx.unknown();
    };
    if l.is_empty() {
        return cx.err("cannot use element function with an empty list");
    }
    Ok(l[(i as usize) % l.len()].clone())
}

fn index(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    for (i, it) in l.iter().enumerate() {
        match eq(it, &a[1], false) {
            Some(true) => return Ok(cx.node(Value::Number(i as f64))),
            Some(false) => {}
            None => return cx.unknown(),
        }
    }
    cx.err("item not found")
}

fn slice(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 3)?;
    let l = cx.list(&a[0])?;
    let (s, e) = (cx.int(&a[1])?, cx.int(&a[2])?);
    let (Some(l), Some(s), Some(e)) = (l, s, e) else {
        return cx.unknown();
    };
    if s < 0 || e < s || e as usize > l.len() {
        return cx.err(format!(
            "invalid indices {s}..{e} for a list of length {}",
            l.len()
        ));
    }
    Ok(cx.node(Value::List(l[s as usize..e as usize].to_vec())))
}

fn sort(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut texts = Vec::with_capacity(l.len());
    for it in l {
        match cx.text(it)? {
            Some(t) => texts.push((t, it.span.clone())),
            None => return cx.unknown(),
        }
    }
    texts.sort_by(|x, y| x.0.cmp(&y.0));
    Ok(cx.node(Value::List(
        texts.into_iter().map(|(t, s)| Node::string(t, s)).collect(),
    )))
}

fn zipmap(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (k, v) = (cx.list(&a[0])?, cx.list(&a[1])?);
    let (Some(k), Some(v)) = (k, v) else {
        return cx.unknown();
    };
    if k.len() != v.len() {
        return cx.err(format!(
            "{} keys but {} values: the lists must have the same length",
            k.len(),
            v.len()
        ));
    }
    let mut out = BTreeMap::new();
    for (key, val) in k.iter().zip(v) {
        let Some(key) = cx.text(key)? else {
            return cx.unknown();
        };
        out.insert(key, val.clone());
    }
    Ok(cx.node(Value::Map(out)))
}

fn contains(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut undecided = false;
    for it in l {
        match eq(it, &a[1], false) {
            Some(true) => return Ok(cx.node(Value::Bool(true))),
            None => undecided = true,
            Some(false) => {}
        }
    }
    if undecided {
        return cx.unknown();
    }
    Ok(cx.node(Value::Bool(false)))
}

fn length(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = match &a[0].value {
        Value::List(l) => l.len(),
        Value::Map(m) => m.len(),
        Value::Null => return cx.err("argument must not be null"),
        _ => match cx.text(&a[0])? {
            Some(t) => t.chars().count(),
            None => return cx.unknown(),
        },
    };
    Ok(cx.node(Value::Number(n as f64)))
}

fn coalesce(cx: &Cx, a: &[Node]) -> R {
    if a.is_empty() {
        return cx.err("expected at least 1 argument, got 0");
    }
    for n in a {
        match &n.value {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::Unknown => return cx.unknown(),
            // A partly known string: empty only if all its literal text is and its unknown
            // parts are.
            Value::Interp(p) if p.iter().all(|p| matches!(p, Piece::Unknown)) => {
                return cx.unknown();
            }
            // Resource attributes referenced exist and are not empty.
            _ => return Ok(n.clone()),
        }
    }
    cx.err("no non-null, non-empty-string arguments")
}

fn coalescelist(cx: &Cx, a: &[Node]) -> R {
    if a.is_empty() {
        return cx.err("expected at least 1 argument, got 0");
    }
    for n in a {
        match &n.value {
            Value::Null => {}
            Value::List(l) if l.is_empty() => {}
            Value::List(_) => return Ok(n.clone()),
            Value::Ref(_) | Value::Unknown => return cx.unknown(),
            _ => return cx.err("arguments must be lists"),
        }
    }
    cx.err("no non-null arguments")
}

fn compact(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut out = Vec::new();
    for it in l {
        match &it.value {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::Unknown => return cx.unknown(),
            Value::List(_) | Value::Map(_) => return cx.err("elements must be strings"),
            _ => out.push(it.clone()),
        }
    }
    Ok(cx.node(Value::List(out)))
}

fn one(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    match l.as_slice() {
        [] => Ok(cx.node(Value::Null)),
        [x] => Ok(x.clone()),
        _ => cx.err(format!(
            "must be a list, set, or tuple value with either zero or one elements, not {}",
            l.len()
        )),
    }
}

fn range(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, 3)?;
    let mut nums = Vec::new();
    for n in a {
        match cx.num(n)? {
            Some(x) => nums.push(x),
            None => return cx.unknown(),
        }
    }
    let (start, end, step) = match nums.as_slice() {
        [e] => (0.0, *e, 1.0),
        [s, e] => (*s, *e, if s <= e { 1.0 } else { -1.0 }),
        [s, e, st] => (*s, *e, *st),
        _ => return cx.err("expected 1 to 3 arguments"),
    };
    if step == 0.0 {
        return cx.err("step must not be zero");
    }
    if step > 0.0 && end < start {
        return cx.err("when step is positive, start must be less than or equal to end");
    }
    if step < 0.0 && end > start {
        return cx.err("when step is negative, start must be greater than or equal to end");
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        if out.len() >= MAX_RANGE {
            return cx.err(format!("more than {MAX_RANGE} values"));
        }
        out.push(cx.node(Value::Number(x)));
        x += step;
    }
    Ok(cx.node(Value::List(out)))
}

fn chunklist(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let l = cx.list(&a[0])?;
    let size = cx.int(&a[1])?;
    if let Some(s) = size
        && s < 0
    {
        return cx.err("the size argument must be positive");
    }
    let (Some(l), Some(size)) = (l, size) else {
        return cx.unknown();
    };
    let chunks: Vec<Node> = if size == 0 || l.is_empty() {
        if l.is_empty() {
            vec![]
        } else {
            vec![cx.node(Value::List(l.clone()))]
        }
    } else {
        l.chunks(size as usize)
            .map(|c| cx.node(Value::List(c.to_vec())))
            .collect()
    };
    Ok(cx.node(Value::List(chunks)))
}

fn lists<'n>(cx: &Cx, a: &'n [Node]) -> Result<Option<Vec<&'n Vec<Node>>>, String> {
    let mut out = Vec::new();
    let mut unknown = false;
    for n in a {
        match cx.list(n)? {
            Some(l) => out.push(l),
            None => unknown = true,
        }
    }
    Ok(if unknown { None } else { Some(out) })
}

fn setunion(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(ls) = lists(cx, a)? else {
        return cx.unknown();
    };
    let all: Vec<Node> = ls.into_iter().flatten().cloned().collect();
    to_set(cx, &all)
}

/// Whether `x` is in `l` (strict equality); `None` when undecidable.
fn member(x: &Node, l: &[Node]) -> Option<bool> {
    let mut undecided = false;
    for it in l {
        match eq(x, it, false) {
            Some(true) => return Some(true),
            None => undecided = true,
            Some(false) => {}
        }
    }
    if undecided { None } else { Some(false) }
}

fn setintersection(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(ls) = lists(cx, a)? else {
        return cx.unknown();
    };
    let mut out = Vec::new();
    for x in ls[0] {
        let mut keep = true;
        for other in &ls[1..] {
            match member(x, other) {
                Some(true) => {}
                Some(false) => {
                    keep = false;
                    break;
                }
                None => return cx.unknown(),
            }
        }
        if keep {
            out.push(x.clone());
        }
    }
    to_set(cx, &out)
}

fn setsubtract(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(ls) = lists(cx, a)? else {
        return cx.unknown();
    };
    let mut out = Vec::new();
    for x in ls[0] {
        match member(x, ls[1]) {
            Some(true) => {}
            Some(false) => out.push(x.clone()),
            None => return cx.unknown(),
        }
    }
    to_set(cx, &out)
}

fn alltrue_anytrue(cx: &Cx, a: &[Node], all: bool) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut undecided = false;
    for it in l {
        match cx.boolean(it)? {
            Some(b) if b != all => return Ok(cx.node(Value::Bool(!all))),
            Some(_) => {}
            None => undecided = true,
        }
    }
    if undecided {
        return cx.unknown();
    }
    Ok(cx.node(Value::Bool(all)))
}

fn sum(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    if l.is_empty() {
        return cx.err("cannot sum an empty list");
    }
    let mut total = 0.0;
    for it in l {
        match cx.num(it)? {
            Some(x) => total += x,
            None => return cx.unknown(),
        }
    }
    Ok(cx.node(Value::Number(total)))
}

// ---------------------------------------------------------------------------------------
// Type conversions

fn tostring(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    match &n.value {
        Value::String(_) | Value::Ref(_) | Value::Interp(_) | Value::Json(_) | Value::Null => {
            Ok(n.clone())
        }
        Value::Number(x) => Ok(Node::string(format_number(*x), n.span.clone())),
        Value::Bool(b) => Ok(Node::string(b.to_string(), n.span.clone())),
        Value::Unknown => cx.unknown(),
        _ => cx.err("cannot convert a list or map to a string"),
    }
}

fn tonumber(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    match &n.value {
        Value::Null => Ok(n.clone()),
        Value::Bool(_) => cx.err("cannot convert a bool to a number"),
        _ => match cx.num(n)? {
            Some(x) => Ok(Node::new(Value::Number(x), n.span.clone())),
            None => cx.unknown(),
        },
    }
}

fn tobool(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    match &n.value {
        Value::Null => Ok(n.clone()),
        Value::String(s) if s != "true" && s != "false" => {
            cx.err(format!("cannot convert {s:?} to a bool"))
        }
        _ => match cx.boolean(n)? {
            Some(b) => Ok(Node::new(Value::Bool(b), n.span.clone())),
            None => cx.unknown(),
        },
    }
}

fn tolist(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    if n.is_null() {
        return Ok(n.clone());
    }
    let Some(l) = cx.list(n)? else {
        return cx.unknown();
    };
    Ok(Node::new(Value::List(unify(l)), n.span.clone()))
}

fn toset(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    if n.is_null() {
        return Ok(n.clone());
    }
    let Some(l) = cx.list(n)? else {
        return cx.unknown();
    };
    let mut set = to_set(cx, l)?;
    if !matches!(set.value, Value::Unknown) {
        set.span = n.span.clone();
    }
    Ok(set)
}

fn tomap(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    if n.is_null() {
        return Ok(n.clone());
    }
    match cx.map(n)? {
        Some(_) => Ok(n.clone()),
        None => cx.unknown(),
    }
}

// ---------------------------------------------------------------------------------------
// Strings

/// Apply a text function to one string argument; unknown text gives Unknown.
fn str_map(cx: &Cx, a: &[Node], f: impl Fn(&str) -> String) -> R {
    cx.arity(a, 1)?;
    match cx.text(&a[0])? {
        Some(s) => Ok(cx.node(Value::String(f(&s)))),
        None => cx.unknown(),
    }
}

fn str2(cx: &Cx, a: &[Node], f: impl Fn(&str, &str) -> Result<String, String>) -> R {
    cx.arity(a, 2)?;
    let (s, t) = (cx.text(&a[0])?, cx.text(&a[1])?);
    match (s, t) {
        (Some(s), Some(t)) => Ok(cx.node(Value::String(f(&s, &t)?))),
        _ => cx.unknown(),
    }
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        if prev_sep {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            c.is_whitespace()
        };
    }
    out
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn basename(s: &str) -> String {
    if s.is_empty() {
        return ".".into();
    }
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

fn dirname(s: &str) -> String {
    let (dir, _) = match s.rfind('/') {
        Some(i) => (&s[..=i], &s[i + 1..]),
        None => ("", s),
    };
    // Clean the directory part the way Go's filepath.Dir does (enough for common paths).
    let rooted = dir.starts_with('/');
    let parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, true) => "/".into(),
        (true, false) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn split(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (sep, s) = (cx.text(&a[0])?, cx.text(&a[1])?);
    let (Some(sep), Some(s)) = (sep, s) else {
        return cx.unknown();
    };
    let parts: Vec<Node> = if sep.is_empty() {
        s.chars()
            .map(|c| Node::string(c.to_string(), cx.span()))
            .collect()
    } else {
        s.split(sep.as_str())
            .map(|p| Node::string(p, cx.span()))
            .collect()
    };
    Ok(cx.node(Value::List(parts)))
}

fn replace(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 3)?;
    let (s, sub, rep) = (cx.text(&a[0])?, cx.text(&a[1])?, cx.text(&a[2])?);
    let (Some(s), Some(sub), Some(rep)) = (s, sub, rep) else {
        return cx.unknown();
    };
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        // The regular-expression form is not evaluated.
        return cx.unknown();
    }
    let count = if sub.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(sub.as_str()).count()
    };
    if s.len().saturating_add(count.saturating_mul(rep.len())) > MAX_OUTPUT {
        return cx.err("the result would be too large");
    }
    Ok(cx.node(Value::String(s.replace(sub.as_str(), &rep))))
}

fn substr(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 3)?;
    let s = cx.text(&a[0])?;
    let (off, len) = (cx.int(&a[1])?, cx.int(&a[2])?);
    let (Some(s), Some(off), Some(len)) = (s, off, len) else {
        return cx.unknown();
    };
    let chars: Vec<char> = s.chars().collect();
    let total = chars.len() as i64;
    let mut off = off;
    if off < 0 {
        off = (total + off).max(0);
    }
    if off >= total {
        return Ok(cx.node(Value::String(String::new())));
    }
    let end = if len < 0 {
        total
    } else {
        (off + len).min(total)
    };
    let out: String = chars[off as usize..end.max(off) as usize].iter().collect();
    Ok(cx.node(Value::String(out)))
}

fn str_test(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(needle) = cx.text(&a[1])? else {
        return cx.unknown();
    };
    let test = |s: &str| match cx.name {
        "startswith" => s.starts_with(needle.as_str()),
        "endswith" => s.ends_with(needle.as_str()),
        _ => s.contains(needle.as_str()),
    };
    if let Some(s) = cx.text(&a[0])? {
        return Ok(cx.node(Value::Bool(test(&s))));
    }
    // A partly known string may still decide it from its literal ends.
    if let Value::Interp(p) = &a[0].value {
        let lit = match cx.name {
            "startswith" => p.first(),
            "endswith" => p.last(),
            _ => None,
        };
        if let Some(Piece::Lit(l)) = lit {
            let known = match cx.name {
                "startswith" if l.starts_with(needle.as_str()) => Some(true),
                "startswith" if !needle.starts_with(l.as_str()) => Some(false),
                "endswith" if l.ends_with(needle.as_str()) => Some(true),
                "endswith" if !needle.ends_with(l.as_str()) => Some(false),
                _ => None,
            };
            if let Some(b) = known {
                return Ok(cx.node(Value::Bool(b)));
            }
        }
        if cx.name == "strcontains"
            && p.iter()
                .any(|p| matches!(p, Piece::Lit(l) if l.contains(needle.as_str())))
        {
            return Ok(cx.node(Value::Bool(true)));
        }
    }
    cx.unknown()
}

fn indent(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (n, s) = (cx.int(&a[0])?, cx.text(&a[1])?);
    let (Some(n), Some(s)) = (n, s) else {
        return cx.unknown();
    };
    if !(0..=MAX_WIDTH as i64).contains(&n) {
        return cx.err("invalid number of spaces");
    }
    let lines = s.matches('\n').count();
    if s.len().saturating_add(lines.saturating_mul(n as usize)) > MAX_OUTPUT {
        return cx.err("the result would be too large");
    }
    let pad = " ".repeat(n as usize);
    Ok(cx.node(Value::String(s.replace('\n', &format!("\n{pad}")))))
}

fn join(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 2, usize::MAX)?;
    let sep = &a[0];
    let mut sep_pieces = Vec::new();
    if !push_pieces(sep, &mut sep_pieces) {
        return cx.err("the separator must be a string");
    }
    let mut pieces = Vec::new();
    let mut first = true;
    let mut unknown = false;
    for l in &a[1..] {
        let Some(l) = cx.list(l)? else {
            unknown = true;
            continue;
        };
        for it in l {
            if !first {
                pieces.extend(sep_pieces.iter().cloned());
            }
            first = false;
            if it.is_null() {
                return cx.err("elements must not be null");
            }
            if !push_pieces(it, &mut pieces) {
                return cx.err("elements must be strings");
            }
        }
    }
    if unknown {
        return cx.unknown();
    }
    Ok(cx.node(pieces_to_value(pieces)))
}

/// One `%` verb of a format string.
struct Verb {
    minus: bool,
    plus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
    verb: char,
}

fn pad(v: &Verb, s: String, numeric: bool) -> String {
    let Some(w) = v.width else { return s };
    let len = s.chars().count();
    if len >= w {
        return s;
    }
    let fill = w - len;
    if v.minus {
        format!("{s}{}", " ".repeat(fill))
    } else if v.zero && numeric {
        let (sign, digits) = match s.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), &s[1..]),
            _ => (String::new(), s.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

fn sign(v: &Verb, x: f64, body: String) -> String {
    if x.is_sign_negative() && x != 0.0 {
        format!("-{body}")
    } else if v.plus {
        format!("+{body}")
    } else if v.space {
        format!(" {body}")
    } else {
        body
    }
}

/// Go's %e: mantissa with `prec` decimals, exponent with sign and at least two digits.
fn fmt_exp(x: f64, prec: Option<usize>, upper: bool) -> String {
    let s = match prec {
        Some(p) => format!("{:.*e}", p, x),
        None => format!("{:e}", x),
    };
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let es = if e < 0 { '-' } else { '+' };
    let out = format!("{m}e{es}{:02}", e.abs());
    if upper { out.to_uppercase() } else { out }
}

/// Go's %g with the shortest representation.
fn fmt_g(x: f64, upper: bool) -> String {
    let e = format!("{:e}", x);
    let exp: i32 = e
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if !(-4..6).contains(&exp) {
        fmt_exp(x, None, upper)
    } else {
        format!("{x}")
    }
}

/// Go's strconv.Quote for a string.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Render one verb with its argument into pieces.
fn format_verb(cx: &Cx, v: &Verb, arg: &Node, out: &mut Vec<Piece>) -> Result<(), String> {
    if matches!(arg.value, Value::Unknown) {
        out.push(Piece::Unknown);
        return Ok(());
    }
    let symbolic = matches!(arg.value, Value::Ref(_) | Value::Interp(_));
    match v.verb {
        's' | 'v' | 'q' => {
            if v.verb == 'v' && v.sharp {
                let mut p = Vec::new();
                json_pieces(arg, &mut p);
                out.extend(p);
                return Ok(());
            }
            let text = match &arg.value {
                Value::Null if v.verb == 'v' => Some("null".to_string()),
                Value::Null => {
                    return cx.err(format!(
                        "unsupported value for %{}: null value cannot be formatted",
                        v.verb
                    ));
                }
                Value::List(_) | Value::Map(_) if v.verb == 'v' => {
                    let mut p = Vec::new();
                    json_pieces(arg, &mut p);
                    if v.width.is_some() {
                        out.push(Piece::Unknown);
                    } else {
                        out.extend(p);
                    }
                    return Ok(());
                }
                Value::List(_) | Value::Map(_) => {
                    return cx.err(format!(
                        "unsupported value for %{}: string required",
                        v.verb
                    ));
                }
                _ => cx.text(arg)?,
            };
            match text {
                Some(t) => {
                    let t = match v.prec {
                        Some(p) if v.verb != 'q' => t.chars().take(p).collect(),
                        _ => t,
                    };
                    let t = if v.verb == 'q' { go_quote(&t) } else { t };
                    push_lit(out, &pad(v, t, false));
                }
                None if v.width.is_some() || v.prec.is_some() => out.push(Piece::Unknown),
                None if v.verb == 'q' => {
                    push_lit(out, "\"");
                    push_pieces(arg, out);
                    push_lit(out, "\"");
                }
                None => {
                    push_pieces(arg, out);
                }
            }
        }
        'd' | 'b' | 'o' | 'x' | 'X' => {
            if v.verb != 'd'
                && let Value::String(s) = &arg.value
                && s.trim().parse::<f64>().is_err()
                && matches!(v.verb, 'x' | 'X')
            {
                let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
                let hex = if v.verb == 'X' {
                    hex.to_uppercase()
                } else {
                    hex
                };
                push_lit(out, &pad(v, hex, false));
                return Ok(());
            }
            if symbolic {
                out.push(Piece::Unknown);
                return Ok(());
            }
            let Some(x) = cx.num(arg)? else {
                out.push(Piece::Unknown);
                return Ok(());
            };
            if x.fract() != 0.0 {
                return cx.err(format!(
                    "%{} requires an integer, got {}",
                    v.verb,
                    format_number(x)
                ));
            }
            let m = x.abs();
            let body = if m < 1.8e19 {
                let u = m as u64;
                match v.verb {
                    'b' => format!("{u:b}"),
                    'o' => format!("{}{u:o}", if v.sharp { "0" } else { "" }),
                    'x' => format!("{}{u:x}", if v.sharp { "0x" } else { "" }),
                    'X' => format!("{}{u:X}", if v.sharp { "0X" } else { "" }),
                    _ => u.to_string(),
                }
            } else {
                format!("{m:.0}")
            };
            push_lit(out, &pad(v, sign(v, x, body), true));
        }
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
            if symbolic {
                out.push(Piece::Unknown);
                return Ok(());
            }
            let Some(x) = cx.num(arg)? else {
                out.push(Piece::Unknown);
                return Ok(());
            };
            let m = x.abs();
            let body = match v.verb {
                'f' | 'F' => format!("{:.*}", v.prec.unwrap_or(6), m),
                'e' | 'E' => fmt_exp(m, Some(v.prec.unwrap_or(6)), v.verb == 'E'),
                _ => fmt_g(m, v.verb == 'G'),
            };
            push_lit(out, &pad(v, sign(v, x, body), true));
        }
        't' => match cx.boolean(arg)? {
            Some(b) => push_lit(out, &pad(v, b.to_string(), false)),
            None => out.push(Piece::Unknown),
        },
        c => return cx.err(format!("unsupported format verb %{c}")),
    }
    Ok(())
}

/// Run a format string over arguments, producing text pieces.
fn format_pieces(cx: &Cx, fmt: &str, args: &[&Node]) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let mut next_arg = 0usize;
    let mut max_used = 0usize;
    let mut lit = String::new();
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            lit.push(c);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            lit.push('%');
            i += 1;
            continue;
        }
        let verb_at = i - 1;
        let mut v = Verb {
            minus: false,
            plus: false,
            sharp: false,
            zero: false,
            space: false,
            width: None,
            prec: None,
            verb: ' ',
        };
        while let Some(&f) = chars.get(i) {
            match f {
                '-' => v.minus = true,
                '+' => v.plus = true,
                '#' => v.sharp = true,
                '0' => v.zero = true,
                ' ' => v.space = true,
                _ => break,
            }
            i += 1;
        }
        let number = |i: &mut usize| -> Option<usize> {
            let s = *i;
            while chars.get(*i).is_some_and(|c| c.is_ascii_digit()) {
                *i += 1;
            }
            if *i == s {
                return None;
            }
            chars[s..*i].iter().collect::<String>().parse().ok()
        };
        if chars.get(i) == Some(&'[') {
            i += 1;
            let n = number(&mut i);
            if chars.get(i) != Some(&']') {
                return cx.err(format!("invalid argument index at offset {verb_at}"));
            }
            i += 1;
            match n {
                Some(n) if n >= 1 => next_arg = n - 1,
                _ => return cx.err(format!("invalid argument index at offset {verb_at}")),
            }
        }
        v.width = number(&mut i);
        if chars.get(i) == Some(&'.') {
            i += 1;
            v.prec = Some(number(&mut i).unwrap_or(0));
        }
        if v.width.unwrap_or(0) > MAX_WIDTH || v.prec.unwrap_or(0) > MAX_WIDTH {
            return cx.err("width or precision too large");
        }
        let Some(&verb) = chars.get(i) else {
            return cx.err(format!("unterminated format verb at offset {verb_at}"));
        };
        i += 1;
        v.verb = verb;
        let Some(arg) = args.get(next_arg) else {
            return cx.err(format!(
                "not enough arguments for \"%{verb}\" at offset {verb_at}"
            ));
        };
        if !lit.is_empty() {
            push_lit(&mut out, &std::mem::take(&mut lit));
        }
        format_verb(cx, &v, arg, &mut out)?;
        next_arg += 1;
        max_used = max_used.max(next_arg);
    }
    if !lit.is_empty() {
        push_lit(&mut out, &lit);
    }
    if max_used < args.len() {
        return if max_used == 0 {
            cx.err("too many arguments; no verbs in format string")
        } else {
            cx.err(format!(
                "too many arguments; only {max_used} used by format string"
            ))
        };
    }
    Ok(out)
}

fn format(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(fmt) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let args: Vec<&Node> = a[1..].iter().collect();
    let pieces = format_pieces(cx, &fmt, &args)?;
    Ok(cx.node(pieces_to_value(pieces)))
}

fn formatlist(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(fmt) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let args = &a[1..];
    let mut n: Option<usize> = None;
    for arg in args {
        match &arg.value {
            Value::Unknown => return cx.unknown(),
            Value::List(l) => match n {
                Some(k) if k != l.len() => {
                    return cx.err(format!(
                        "all list arguments must have the same length ({k} and {})",
                        l.len()
                    ));
                }
                _ => n = Some(l.len()),
            },
            _ => {}
        }
    }
    let mut out = Vec::new();
    for i in 0..n.unwrap_or(1) {
        let row: Vec<&Node> = args
            .iter()
            .map(|arg| match &arg.value {
                Value::List(l) => &l[i],
                _ => arg,
            })
            .collect();
        let pieces = format_pieces(cx, &fmt, &row)?;
        out.push(cx.node(pieces_to_value(pieces)));
    }
    Ok(cx.node(Value::List(out)))
}

// ---------------------------------------------------------------------------------------
// Numbers

fn num_map(cx: &Cx, a: &[Node], f: impl Fn(f64) -> f64) -> R {
    cx.arity(a, 1)?;
    match cx.num(&a[0])? {
        Some(x) => Ok(cx.node(Value::Number(f(x)))),
        None => cx.unknown(),
    }
}

fn num2(cx: &Cx, a: &[Node], f: impl Fn(f64, f64) -> f64) -> R {
    cx.arity(a, 2)?;
    let (x, y) = (cx.num(&a[0])?, cx.num(&a[1])?);
    match (x, y) {
        (Some(x), Some(y)) => {
            let r = f(x, y);
            if r.is_finite() {
                Ok(cx.node(Value::Number(r)))
            } else {
                cx.err("result is not a finite number")
            }
        }
        _ => cx.unknown(),
    }
}

fn min_max(cx: &Cx, a: &[Node], max: bool) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let mut best: Option<f64> = None;
    let mut unknown = false;
    for n in a {
        match cx.num(n)? {
            Some(x) => {
                best = Some(match best {
                    Some(b) if max => b.max(x),
                    Some(b) => b.min(x),
                    None => x,
                })
            }
            None => unknown = true,
        }
    }
    match best {
        Some(b) if !unknown => Ok(cx.node(Value::Number(b))),
        _ => cx.unknown(),
    }
}

fn parseint(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (s, base) = (cx.text(&a[0])?, cx.int(&a[1])?);
    let (Some(s), Some(base)) = (s, base) else {
        return cx.unknown();
    };
    if !(2..=36).contains(&base) {
        return cx.err("base must be a whole number between 2 and 36");
    }
    match i64::from_str_radix(&s, base as u32) {
        Ok(x) => Ok(cx.node(Value::Number(x as f64))),
        Err(_) => cx.err(format!("cannot parse {s:?} as a base {base} integer")),
    }
}

// ---------------------------------------------------------------------------------------
// Files

/// Resolve a path argument: relative to the module directory (a path already starting with
/// it, as `"${path.module}/x"` gives, is taken as is). Returns the path as shown and its
/// canonical form, refusing anything outside the root.
fn resolve_path(cx: &Cx, given: &str) -> Result<(PathBuf, PathBuf), String> {
    let p = Path::new(given);
    let shown = if p.is_absolute() || p.starts_with(cx.ctx.module_dir) {
        p.to_path_buf()
    } else {
        cx.ctx.module_dir.join(p)
    };
    let canon = std::fs::canonicalize(&shown)
        .map_err(|_| format!("{}: no file exists at {}", cx.name, shown.display()))?;
    let root = std::fs::canonicalize(cx.ctx.root).unwrap_or_else(|_| cx.ctx.root.to_path_buf());
    if !canon.starts_with(&root) {
        return cx.err(format!(
            "{} is outside the scanned directory and is not read",
            shown.display()
        ));
    }
    Ok((shown, canon))
}

fn read_file(cx: &Cx, given: &str) -> Result<(PathBuf, Vec<u8>), String> {
    let (shown, canon) = resolve_path(cx, given)?;
    // A link is not followed even when it stays inside the root; the canonical path has
    // none, and the read itself checks the opened handle is a regular file.
    if std::fs::symlink_metadata(&shown).is_ok_and(|m| m.file_type().is_symlink()) {
        return cx.err(format!(
            "{} {}",
            shown.display(),
            crate::fsread::Refused::Symlink
        ));
    }
    match crate::fsread::read(&canon, MAX_FILE_BYTES, crate::fsread::Links::Refuse) {
        Ok(bytes) => Ok((shown, bytes)),
        Err(crate::fsread::Refused::TooLarge(_)) => cx.err(format!(
            "{} is larger than {} MB and is not read",
            shown.display(),
            MAX_FILE_BYTES / (1024 * 1024)
        )),
        Err(crate::fsread::Refused::NotRegular(_)) => {
            cx.err(format!("{} is not a file", shown.display()))
        }
        Err(crate::fsread::Refused::Io(e)) => Err(format!("{}: {e}", cx.name)),
        Err(e) => cx.err(format!("{} {e}", shown.display())),
    }
}

fn read_text(cx: &Cx, given: &str) -> Result<(PathBuf, String), String> {
    let (shown, bytes) = read_file(cx, given)?;
    match String::from_utf8(bytes) {
        Ok(t) => Ok((shown, t)),
        Err(_) => cx.err(format!(
            "the contents of {} are not valid UTF-8",
            shown.display()
        )),
    }
}

/// The span of a whole file's text.
fn file_span(shown: &Path, text: &str) -> Span {
    let file: std::sync::Arc<str> = std::sync::Arc::from(crate::discover::display(shown));
    let body = text.strip_suffix('\n').unwrap_or(text);
    let body = body.strip_suffix('\r').unwrap_or(body);
    let end_line = 1 + body.matches('\n').count() as u32;
    let last = body.rsplit('\n').next().unwrap_or("");
    Span::new(file, 1, 1, end_line, last.chars().count() as u32 + 1)
}

fn file(cx: &Cx, a: &[Node], as_base64: bool) -> R {
    cx.arity(a, 1)?;
    let Some(path) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    if as_base64 {
        let (_, bytes) = read_file(cx, &path)?;
        let enc = base64::engine::general_purpose::STANDARD.encode(bytes);
        return Ok(cx.node(Value::String(enc)));
    }
    let (shown, text) = read_text(cx, &path)?;
    let span = file_span(&shown, &text);
    Ok(Node::new(Value::String(text), span))
}

fn fileexists(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(path) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let p = Path::new(&path);
    let shown = if p.is_absolute() || p.starts_with(cx.ctx.module_dir) {
        p.to_path_buf()
    } else {
        cx.ctx.module_dir.join(p)
    };
    if !shown.exists() {
        return Ok(cx.node(Value::Bool(false)));
    }
    let (_, canon) = resolve_path(cx, &path)?;
    if canon.is_dir() {
        return cx.err(format!("{} is a directory, not a file", shown.display()));
    }
    Ok(cx.node(Value::Bool(canon.is_file())))
}

fn templatefile(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(path) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let vars = match &a[1].value {
        Value::Map(m) => m.clone(),
        Value::Null => return cx.err("the variables argument must not be null"),
        Value::Ref(_) | Value::Unknown => return cx.unknown(),
        _ => return cx.err("the variables argument must be a map or object"),
    };
    let (shown, text) = read_text(cx, &path)?;
    Ok((cx.ctx.render_template)(&text, &shown, vars))
}

// ---------------------------------------------------------------------------------------
// Encoding and hashing

fn base64decode(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(s) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.as_bytes())
        .map_err(|e| format!("base64decode: invalid base64: {e}"))?;
    match String::from_utf8(bytes) {
        Ok(t) => Ok(cx.node(Value::String(t))),
        Err(_) => cx.err("the decoded bytes are not valid UTF-8"),
    }
}

fn base64gzip(cx: &Cx, a: &[Node]) -> R {
    use std::io::Write as _;
    cx.arity(a, 1)?;
    let Some(s) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(s.as_bytes())
        .map_err(|e| format!("base64gzip: {e}"))?;
    let gz = enc.finish().map_err(|e| format!("base64gzip: {e}"))?;
    Ok(cx.node(Value::String(
        base64::engine::general_purpose::STANDARD.encode(gz),
    )))
}

fn raw_digest(sha256: bool, data: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    if sha256 {
        sha2::Sha256::digest(data).to_vec()
    } else {
        sha2::Sha512::digest(data).to_vec()
    }
}

fn hex_digest(sha256: bool, data: &[u8]) -> String {
    raw_digest(sha256, data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Ref;
    use std::sync::Arc;

    fn sp() -> Span {
        Span::new(Arc::from("main.tf"), 7, 3, 7, 20)
    }
    fn at(line: u32) -> Span {
        Span::new(Arc::from("vars.tf"), line, 1, line, 5)
    }
    fn s(x: &str) -> Node {
        Node::string(x, at(1))
    }
    fn n(x: f64) -> Node {
        Node::new(Value::Number(x), at(1))
    }
    fn b(x: bool) -> Node {
        Node::new(Value::Bool(x), at(1))
    }
    fn null() -> Node {
        Node::null(at(1))
    }
    fn unk() -> Node {
        Node::unknown(at(1))
    }
    fn list(v: Vec<Node>) -> Node {
        Node::new(Value::List(v), at(1))
    }
    fn strs(v: &[&str]) -> Node {
        list(v.iter().map(|x| s(x)).collect())
    }
    fn map(v: Vec<(&str, Node)>) -> Node {
        Node::new(
            Value::Map(v.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
            at(1),
        )
    }
    fn rf(t: &str, a: &str) -> Ref {
        Ref {
            target: t.into(),
            attr: a.into(),
        }
    }
    fn r(t: &str, a: &str) -> Node {
        Node::new(Value::Ref(rf(t, a)), at(2))
    }
    fn lit(x: &str) -> Piece {
        Piece::Lit(x.into())
    }
    fn interp(p: Vec<Piece>) -> Node {
        Node::new(Value::Interp(p), at(3))
    }

    /// A compact rendering for assertions.
    fn show(n: &Node) -> String {
        match &n.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(x) => format_number(*x),
            Value::String(s) => format!("{s:?}"),
            Value::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(", ")),
            Value::Map(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!("{k}: {}", show(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Ref(r) => format!("${{{r}}}"),
            Value::Interp(_) => format!("interp({:?})", n.display_text().unwrap_or_default()),
            Value::Json(inner) => format!("json({})", show(inner)),
            Value::Unknown => "?".into(),
            Value::Cond { .. } => format!("cond({:?})", n.display_text().unwrap_or_default()),
        }
    }

    fn no_render(text: &str, path: &Path, vars: BTreeMap<String, Node>) -> Node {
        let keys: Vec<&str> = vars.keys().map(String::as_str).collect();
        Node::string(
            format!("{}|{}|{}", path.display(), keys.join(","), text),
            Span::none(),
        )
    }

    fn call_in(dir: &Path, root: &Path, name: &str, args: Vec<Node>) -> Result<Node, String> {
        let ctx = FnCtx {
            module_dir: dir,
            root,
            span: sp(),
            render_template: &no_render,
        };
        call(name, args, &ctx)
    }

    fn c(name: &str, args: Vec<Node>) -> Result<Node, String> {
        call_in(Path::new("."), Path::new("."), name, args)
    }

    /// The shown result, or "ERR: message".
    fn t(name: &str, args: Vec<Node>) -> String {
        match c(name, args) {
            Ok(v) => show(&v),
            Err(e) => format!("ERR: {e}"),
        }
    }

    fn is_err(name: &str, args: Vec<Node>) -> bool {
        c(name, args).is_err()
    }

    #[test]
    fn unsupported_and_unknowable() {
        let e = c("nosuchfn", vec![]).unwrap_err();
        assert!(e.starts_with("unsupported function"), "{e}");
        assert!(
            c("provider::aws::arn_parse", vec![s("x")])
                .unwrap_err()
                .starts_with("unsupported function")
        );
        for f in [
            "timestamp",
            "uuid",
            "md5",
            "sha1",
            "cidrsubnet",
            "regex",
            "yamldecode",
        ] {
            let v = c(f, vec![s("x")]).unwrap();
            assert_eq!(v.value, Value::Unknown, "{f}");
            assert_eq!(v.span, sp());
        }
        assert_eq!(t("core::upper", vec![s("a")]), "\"A\"");
    }

    #[test]
    fn jsonencode_keeps_structure() {
        let v = c(
            "jsonencode",
            vec![map(vec![("Resource", r("aws_s3_bucket.b", "arn"))])],
        )
        .unwrap();
        assert_eq!(show(&v), "json({Resource: ${aws_s3_bucket.b.arn}})");
        assert_eq!(v.span, sp());
        let Value::Json(inner) = &v.value else {
            panic!()
        };
        assert_eq!(inner.span, at(1));
        assert_eq!(t("jsonencode", vec![unk()]), "?");
        assert!(is_err("jsonencode", vec![]));
        assert!(is_err("jsonencode", vec![s("a"), s("b")]));
    }

    #[test]
    fn json_text_like_terraform() {
        let doc = map(vec![
            ("b", list(vec![n(1.0), n(2.5), b(true), null()])),
            ("a", s("<x>&\"\\\n\u{1}\u{2028}é")),
        ]);
        assert_eq!(
            to_json_text(&doc).unwrap(),
            r#"{"a":"\u003cx\u003e\u0026\"\\\n\u0001\u2028é","b":[1,2.5,true,null]}"#
        );
        let j = c("jsonencode", vec![doc.clone()]).unwrap();
        assert_eq!(to_json_text(&j), to_json_text(&doc));
        assert_eq!(to_json_text(&map(vec![("a", r("x.y", "arn"))])), None);
        assert_eq!(to_json_text(&list(vec![unk()])), None);
        // A JSON document inside one is a string.
        let nested = map(vec![(
            "p",
            Node::new(Value::Json(Box::new(map(vec![("k", s("v"))]))), at(1)),
        )]);
        assert_eq!(to_json_text(&nested).unwrap(), r#"{"p":"{\"k\":\"v\"}"}"#);
        // The text of jsonencode is available to text functions.
        let enc = c(
            "base64encode",
            vec![c("jsonencode", vec![map(vec![("a", n(1.0))])]).unwrap()],
        )
        .unwrap();
        assert_eq!(show(&enc), "\"eyJhIjoxfQ==\"");
        let rep = c("replace", vec![j, s("1"), s("9")]).unwrap();
        assert!(show(&rep).contains("[9,2.5"), "{}", show(&rep));
    }

    #[test]
    fn jsondecode_forms() {
        let inner = map(vec![("a", r("x.y", "arn"))]);
        let j = Node::new(Value::Json(Box::new(inner.clone())), sp());
        assert_eq!(c("jsondecode", vec![j]).unwrap(), inner);
        let text = Node::string(
            "{\"a\": [1, \"x\"]}",
            Span::new(Arc::from("m.tf"), 4, 10, 4, 30),
        );
        let v = c("jsondecode", vec![text]).unwrap();
        assert_eq!(show(&v), "{a: [1, \"x\"]}");
        let a = v.get("a").unwrap();
        assert_eq!((a.span.line, a.span.col, &*a.span.file), (4, 16, "m.tf"));
        let e = c("jsondecode", vec![s("{\"a\" 1}")]).unwrap_err();
        assert!(e.contains("expected ':'"), "{e}");
        assert_eq!(t("jsondecode", vec![unk()]), "?");
        assert_eq!(t("jsondecode", vec![r("a.b", "c")]), "?");
        assert_eq!(t("jsondecode", vec![n(5.0)]), "5");
        assert!(is_err("jsondecode", vec![null()]));
        assert!(is_err("jsondecode", vec![list(vec![])]));
        let i = interp(vec![
            lit("{\"Principal\": \""),
            Piece::Ref(rf("aws_iam_role.r", "arn")),
            lit("\"}"),
        ]);
        assert_eq!(
            t("jsondecode", vec![i]),
            "{Principal: ${aws_iam_role.r.arn}}"
        );
    }

    #[test]
    fn json_with_refs() {
        let i = Node::new(
            Value::Interp(vec![
                lit("{\n  \"Resource\": [\"arn:aws:s3:::"),
                Piece::Ref(rf("aws_s3_bucket.b", "id")),
                lit("/*\", \""),
                Piece::Ref(rf("aws_s3_bucket.c", "arn")),
                lit("\"],\n  \"Principal\": "),
                Piece::Unknown,
                lit(",\n  \"Action\": "),
                Piece::Ref(rf("local", "actions")),
                lit(",\n  \"Esc\": \"a\\\"b"),
                Piece::Unknown,
                lit("\"\n}"),
            ]),
            Span::new(Arc::from("main.tf"), 10, 1, 15, 2),
        );
        let v = parse_json_with_refs(&i).unwrap();
        assert_eq!(
            show(&v),
            "{Action: ${local.actions}, Esc: interp(\"a\\\"b${?}\"), Principal: ?, Resource: [interp(\"arn:aws:s3:::${aws_s3_bucket.b.id}/*\"), ${aws_s3_bucket.c.arn}]}"
        );
        assert_eq!(v.span.line, 10);
        let res = v.get("Resource").unwrap();
        assert_eq!((res.span.line, res.span.col), (11, 15));
        let p = v.get("Principal").unwrap();
        assert_eq!((p.span.line, p.span.col), (12, 16));
        // Plain strings parse with the node's offset; invalid JSON gives None.
        let st = Node::string("[1]", Span::new(Arc::from("f"), 3, 4, 3, 7));
        assert_eq!(parse_json_with_refs(&st).unwrap().span.col, 4);
        assert!(parse_json_with_refs(&s("{nope")).is_none());
        assert!(parse_json_with_refs(&interp(vec![lit("{"), Piece::Unknown, lit("}")])).is_none());
        assert!(parse_json_with_refs(&n(1.0)).is_none());
        // Text that already holds a sentinel character is not trusted.
        assert!(
            parse_json_with_refs(&interp(vec![
                lit("[\"\u{E000}\""),
                Piece::Unknown,
                lit("]")
            ]))
            .is_none()
        );
        // Keys with references show them.
        let k = interp(vec![
            lit("{\"k-"),
            Piece::Ref(rf("a.b", "c")),
            lit("\": 1}"),
        ]);
        assert_eq!(show(&parse_json_with_refs(&k).unwrap()), "{k-${a.b.c}: 1}");
        // Round trip: jsonencode with refs rendered into a heredoc and parsed back.
        let doc = map(vec![("R", r("aws_x.y", "arn")), ("S", strs(&["a<"]))]);
        let enc = Node::new(Value::Json(Box::new(doc)), sp());
        let joined = concat_pieces(&[&enc]).unwrap();
        let back = parse_json_with_refs(&Node::new(joined, sp())).unwrap();
        assert_eq!(show(&back), "{R: ${aws_x.y.arn}, S: [\"a<\"]}");
    }

    #[test]
    fn concat_pieces_helper() {
        assert_eq!(
            concat_pieces(&[&s("a"), &n(1.0), &b(true)]),
            Some(Value::String("a1true".into()))
        );
        let v = concat_pieces(&[&s("arn:"), &r("x.y", "id"), &s("/*")]).unwrap();
        assert_eq!(
            v,
            Value::Interp(vec![lit("arn:"), Piece::Ref(rf("x.y", "id")), lit("/*")])
        );
        assert_eq!(concat_pieces(&[&s("a"), &list(vec![])]), None);
        assert_eq!(concat_pieces(&[&null()]), None);
        assert_eq!(concat_pieces(&[&unk()]), Some(Value::Unknown));
        assert_eq!(concat_pieces(&[]), Some(Value::String(String::new())));
        let i = interp(vec![lit("x"), Piece::Unknown]);
        assert_eq!(
            concat_pieces(&[&i, &s("y")]),
            Some(Value::Interp(vec![lit("x"), Piece::Unknown, lit("y")]))
        );
    }

    #[test]
    fn merge_fn() {
        assert_eq!(
            t(
                "merge",
                vec![
                    map(vec![("a", n(1.0)), ("b", n(2.0))]),
                    null(),
                    map(vec![("b", r("x.y", "z"))])
                ]
            ),
            "{a: 1, b: ${x.y.z}}"
        );
        assert_eq!(t("merge", vec![map(vec![("a", n(1.0))]), unk()]), "?");
        assert_eq!(t("merge", vec![]), "{}");
        assert_eq!(t("merge", vec![map(vec![("a", unk())])]), "{a: ?}");
        assert!(is_err("merge", vec![s("x")]));
    }

    #[test]
    fn concat_flatten_distinct() {
        assert_eq!(
            t("concat", vec![strs(&["a"]), list(vec![r("x.y", "z")])]),
            "[\"a\", ${x.y.z}]"
        );
        assert_eq!(t("concat", vec![strs(&["a"]), unk()]), "?");
        assert_eq!(t("concat", vec![strs(&["a"]), r("x.y", "ids")]), "?");
        assert!(is_err("concat", vec![s("a")]));
        assert!(is_err("concat", vec![null()]));
        assert_eq!(t("concat", vec![]), "[]");

        let nested = list(vec![
            s("a"),
            list(vec![s("b"), list(vec![s("c"), r("x.y", "arn")])]),
            list(vec![]),
        ]);
        assert_eq!(
            t("flatten", vec![nested]),
            "[\"a\", \"b\", \"c\", ${x.y.arn}]"
        );
        assert_eq!(t("flatten", vec![list(vec![s("a"), unk()])]), "?");
        assert_eq!(t("flatten", vec![unk()]), "?");
        assert!(is_err("flatten", vec![s("a")]));

        assert_eq!(
            t("distinct", vec![strs(&["b", "a", "b"])]),
            "[\"b\", \"a\"]"
        );
        assert_eq!(
            t("distinct", vec![list(vec![n(1.0), n(1.0), n(2.0)])]),
            "[1, 2]"
        );
        assert_eq!(
            t(
                "distinct",
                vec![list(vec![r("x", "a"), r("x", "a"), r("y", "a")])]
            ),
            "[${x.a}, ${y.a}]"
        );
        assert_eq!(t("distinct", vec![list(vec![s("a"), unk()])]), "?");
        assert_eq!(t("distinct", vec![list(vec![unk()])]), "[?]");
        assert_eq!(
            t(
                "distinct",
                vec![list(vec![list(vec![unk()]), list(vec![s("a"), unk()])])]
            ),
            "[[?], [\"a\", ?]]"
        );
    }

    #[test]
    fn lookup_element_index_slice() {
        let m = map(vec![("k", n(1.0)), ("other", unk())]);
        assert_eq!(t("lookup", vec![m.clone(), s("k"), s("d")]), "1");
        assert_eq!(t("lookup", vec![m.clone(), s("k")]), "1");
        assert_eq!(t("lookup", vec![m.clone(), s("zz"), s("d")]), "\"d\"");
        assert!(is_err("lookup", vec![m.clone(), s("zz")]));
        assert_eq!(t("lookup", vec![m.clone(), unk(), s("d")]), "?");
        assert_eq!(t("lookup", vec![unk(), s("k"), s("d")]), "?");
        assert!(is_err("lookup", vec![m.clone()]));
        assert!(is_err("lookup", vec![strs(&["a"]), s("k")]));
        // The looked-up value keeps its own span.
        assert_eq!(c("lookup", vec![m, s("k")]).unwrap().span, at(1));

        let l = strs(&["a", "b", "c"]);
        assert_eq!(t("element", vec![l.clone(), n(1.0)]), "\"b\"");
        assert_eq!(t("element", vec![l.clone(), n(4.0)]), "\"b\"");
        assert_eq!(t("element", vec![l.clone(), s("5")]), "\"c\"");
        assert!(is_err("element", vec![l.clone(), n(-1.0)]));
        assert!(is_err("element", vec![l.clone(), n(1.5)]));
        assert!(is_err("element", vec![list(vec![]), n(0.0)]));
        assert_eq!(t("element", vec![l.clone(), unk()]), "?");
        assert_eq!(t("element", vec![unk(), n(0.0)]), "?");

        assert_eq!(t("index", vec![l.clone(), s("c")]), "2");
        assert!(is_err("index", vec![l.clone(), s("z")]));
        assert_eq!(
            t("index", vec![list(vec![s("a"), unk(), s("c")]), s("a")]),
            "0"
        );
        assert_eq!(
            t("index", vec![list(vec![s("a"), unk(), s("c")]), s("c")]),
            "?"
        );

        assert_eq!(
            t("slice", vec![l.clone(), n(1.0), n(3.0)]),
            "[\"b\", \"c\"]"
        );
        assert_eq!(t("slice", vec![l.clone(), n(1.0), n(1.0)]), "[]");
        assert!(is_err("slice", vec![l.clone(), n(2.0), n(1.0)]));
        assert!(is_err("slice", vec![l.clone(), n(0.0), n(4.0)]));
        assert!(is_err("slice", vec![l.clone(), n(-1.0), n(1.0)]));
        assert_eq!(t("slice", vec![l, unk(), n(1.0)]), "?");
    }

    #[test]
    fn reverse_sort_keys_values_zipmap() {
        assert_eq!(t("reverse", vec![strs(&["a", "b"])]), "[\"b\", \"a\"]");
        assert_eq!(t("reverse", vec![unk()]), "?");
        assert_eq!(
            t("sort", vec![list(vec![s("b"), n(10.0), n(9.0), s("a")])]),
            "[\"10\", \"9\", \"a\", \"b\"]"
        );
        assert_eq!(t("sort", vec![list(vec![s("b"), r("x", "y")])]), "?");
        assert!(is_err("sort", vec![list(vec![null()])]));
        let m = map(vec![("b", unk()), ("a", n(1.0))]);
        assert_eq!(t("keys", vec![m.clone()]), "[\"a\", \"b\"]");
        assert_eq!(t("values", vec![m]), "[1, ?]");
        assert_eq!(t("keys", vec![unk()]), "?");
        assert_eq!(t("values", vec![r("x", "tags")]), "?");
        assert!(is_err("keys", vec![strs(&["a"])]));
        assert_eq!(
            t(
                "zipmap",
                vec![strs(&["a", "b"]), list(vec![n(1.0), r("x", "y")])]
            ),
            "{a: 1, b: ${x.y}}"
        );
        assert!(is_err("zipmap", vec![strs(&["a"]), list(vec![])]));
        assert_eq!(
            t("zipmap", vec![list(vec![r("x", "y")]), list(vec![n(1.0)])]),
            "?"
        );
        assert_eq!(t("zipmap", vec![unk(), list(vec![])]), "?");
    }

    #[test]
    fn contains_length_coalesce() {
        assert_eq!(t("contains", vec![strs(&["a", "b"]), s("b")]), "true");
        assert_eq!(t("contains", vec![strs(&["a", "b"]), s("z")]), "false");
        assert_eq!(
            t("contains", vec![list(vec![s("a"), unk()]), s("a")]),
            "true"
        );
        assert_eq!(t("contains", vec![list(vec![s("a"), unk()]), s("z")]), "?");
        assert_eq!(
            t("contains", vec![list(vec![r("x", "a")]), r("x", "a")]),
            "true"
        );
        assert_eq!(t("contains", vec![list(vec![r("x", "a")]), s("q")]), "?");
        let arn = interp(vec![lit("arn:aws:s3:::"), Piece::Ref(rf("b", "id"))]);
        assert_eq!(t("contains", vec![list(vec![arn]), s("*")]), "false");
        assert_eq!(t("contains", vec![list(vec![n(1.0)]), s("1")]), "true");

        assert_eq!(t("length", vec![list(vec![unk(), unk()])]), "2");
        assert_eq!(t("length", vec![map(vec![("a", unk())])]), "1");
        assert_eq!(t("length", vec![s("héé")]), "3");
        assert_eq!(t("length", vec![unk()]), "?");
        assert_eq!(t("length", vec![r("x", "y")]), "?");
        assert!(is_err("length", vec![null()]));
        assert!(is_err("length", vec![]));

        assert_eq!(t("coalesce", vec![null(), s(""), s("x")]), "\"x\"");
        assert_eq!(t("coalesce", vec![null(), unk(), s("x")]), "?");
        assert_eq!(
            t("coalesce", vec![s(""), r("aws_iam_role.r", "arn")]),
            "${aws_iam_role.r.arn}"
        );
        assert_eq!(t("coalesce", vec![n(0.0), s("x")]), "0");
        assert!(is_err("coalesce", vec![null(), s("")]));
        assert!(is_err("coalesce", vec![]));

        assert_eq!(
            t("coalescelist", vec![list(vec![]), strs(&["a"])]),
            "[\"a\"]"
        );
        assert_eq!(
            t("coalescelist", vec![list(vec![]), unk(), strs(&["a"])]),
            "?"
        );
        assert_eq!(t("coalescelist", vec![strs(&["b"]), unk()]), "[\"b\"]");
        assert!(is_err("coalescelist", vec![list(vec![])]));
        assert!(is_err("coalescelist", vec![s("a")]));
    }

    #[test]
    fn compact_one_range_chunklist() {
        assert_eq!(
            t(
                "compact",
                vec![list(vec![s("a"), s(""), null(), r("x", "y")])]
            ),
            "[\"a\", ${x.y}]"
        );
        assert_eq!(t("compact", vec![list(vec![s("a"), unk()])]), "?");
        assert_eq!(t("one", vec![list(vec![])]), "null");
        assert_eq!(t("one", vec![strs(&["a"])]), "\"a\"");
        assert!(is_err("one", vec![strs(&["a", "b"])]));
        assert_eq!(t("one", vec![unk()]), "?");
        assert_eq!(t("range", vec![n(3.0)]), "[0, 1, 2]");
        assert_eq!(t("range", vec![n(1.0), n(4.0)]), "[1, 2, 3]");
        assert_eq!(t("range", vec![n(4.0), n(1.0)]), "[4, 3, 2]");
        assert_eq!(
            t("range", vec![n(0.0), n(1.0), n(0.25)]),
            "[0, 0.25, 0.5, 0.75]"
        );
        assert_eq!(t("range", vec![n(0.0)]), "[]");
        assert!(is_err("range", vec![n(0.0), n(5.0), n(0.0)]));
        assert!(is_err("range", vec![n(0.0), n(5.0), n(-1.0)]));
        assert!(is_err("range", vec![n(1e9)]));
        assert!(is_err("range", vec![]));
        assert_eq!(t("range", vec![unk()]), "?");
        assert_eq!(
            t("chunklist", vec![strs(&["a", "b", "c"]), n(2.0)]),
            "[[\"a\", \"b\"], [\"c\"]]"
        );
        assert_eq!(t("chunklist", vec![strs(&["a"]), n(0.0)]), "[[\"a\"]]");
        assert!(is_err("chunklist", vec![strs(&["a"]), n(-1.0)]));
    }

    #[test]
    fn sets_and_bools() {
        assert_eq!(
            t("setunion", vec![strs(&["b", "a"]), strs(&["c", "a"])]),
            "[\"a\", \"b\", \"c\"]"
        );
        assert_eq!(
            t(
                "setintersection",
                vec![strs(&["b", "a"]), strs(&["c", "a"])]
            ),
            "[\"a\"]"
        );
        assert_eq!(
            t("setsubtract", vec![strs(&["b", "a"]), strs(&["a"])]),
            "[\"b\"]"
        );
        assert_eq!(t("setsubtract", vec![strs(&["b"]), list(vec![unk()])]), "?");
        assert_eq!(t("setunion", vec![strs(&["b"]), unk()]), "?");
        assert_eq!(t("alltrue", vec![list(vec![b(true), s("true")])]), "true");
        assert_eq!(
            t("alltrue", vec![list(vec![b(true), unk(), b(false)])]),
            "false"
        );
        assert_eq!(t("alltrue", vec![list(vec![b(true), unk()])]), "?");
        assert_eq!(t("alltrue", vec![list(vec![])]), "true");
        assert_eq!(t("anytrue", vec![list(vec![unk(), b(true)])]), "true");
        assert_eq!(t("anytrue", vec![list(vec![b(false)])]), "false");
        assert_eq!(t("anytrue", vec![list(vec![])]), "false");
        assert!(is_err("anytrue", vec![list(vec![s("x")])]));
        assert_eq!(t("sum", vec![list(vec![n(1.0), s("2.5")])]), "3.5");
        assert_eq!(t("sum", vec![list(vec![n(1.0), unk()])]), "?");
        assert!(is_err("sum", vec![list(vec![])]));
    }

    #[test]
    fn conversions() {
        assert_eq!(t("tostring", vec![n(5.0)]), "\"5\"");
        assert_eq!(t("tostring", vec![n(1.5)]), "\"1.5\"");
        assert_eq!(t("tostring", vec![b(true)]), "\"true\"");
        assert_eq!(t("tostring", vec![null()]), "null");
        assert_eq!(t("tostring", vec![r("x", "y")]), "${x.y}");
        assert_eq!(t("tostring", vec![unk()]), "?");
        assert!(is_err("tostring", vec![list(vec![])]));
        assert_eq!(c("tostring", vec![n(5.0)]).unwrap().span, at(1));

        assert_eq!(t("tonumber", vec![s("12")]), "12");
        assert_eq!(t("tonumber", vec![n(3.0)]), "3");
        assert_eq!(t("tonumber", vec![null()]), "null");
        assert_eq!(t("tonumber", vec![r("x", "y")]), "?");
        assert!(is_err("tonumber", vec![s("twelve")]));
        assert!(is_err("tonumber", vec![b(true)]));

        assert_eq!(t("tobool", vec![s("true")]), "true");
        assert_eq!(t("tobool", vec![b(false)]), "false");
        assert_eq!(t("tobool", vec![null()]), "null");
        assert_eq!(t("tobool", vec![unk()]), "?");
        assert!(is_err("tobool", vec![s("yes")]));
        assert!(is_err("tobool", vec![n(1.0)]));

        assert_eq!(
            t("tolist", vec![list(vec![s("a"), n(1.0), b(true)])]),
            "[\"a\", \"1\", \"true\"]"
        );
        assert_eq!(t("tolist", vec![list(vec![n(1.0), n(2.0)])]), "[1, 2]");
        assert_eq!(t("tolist", vec![unk()]), "?");
        assert!(is_err("tolist", vec![map(vec![])]));

        assert_eq!(t("toset", vec![strs(&["b", "a", "b"])]), "[\"a\", \"b\"]");
        assert_eq!(
            t("toset", vec![list(vec![n(10.0), n(2.0), n(2.0)])]),
            "[2, 10]"
        );
        assert_eq!(
            t("toset", vec![list(vec![n(10.0), s("2")])]),
            "[\"10\", \"2\"]"
        );
        assert_eq!(
            t("toset", vec![list(vec![b(true), b(false)])]),
            "[false, true]"
        );
        assert_eq!(
            t(
                "toset",
                vec![list(vec![
                    r("p", "arn"),
                    s("arn:aws:iam::aws:policy/X"),
                    r("p", "arn"),
                    r("q", "arn")
                ])]
            ),
            "[\"arn:aws:iam::aws:policy/X\", ${p.arn}, ${q.arn}]"
        );
        assert_eq!(t("toset", vec![list(vec![s("a"), unk()])]), "?");
        assert_eq!(t("toset", vec![list(vec![unk()])]), "[?]");
        assert_eq!(
            t(
                "toset",
                vec![list(vec![s("a"), interp(vec![lit("x"), Piece::Unknown])])]
            ),
            "[\"a\", interp(\"x${?}\")]"
        );
        assert_eq!(
            t(
                "toset",
                vec![list(vec![s("xa"), interp(vec![lit("x"), Piece::Unknown])])]
            ),
            "?"
        );

        assert_eq!(t("tomap", vec![map(vec![("a", n(1.0))])]), "{a: 1}");
        assert_eq!(t("tomap", vec![null()]), "null");
        assert_eq!(t("tomap", vec![unk()]), "?");
        assert!(is_err("tomap", vec![strs(&[])]));
        assert_eq!(t("sensitive", vec![s("x")]), "\"x\"");
    }

    #[test]
    fn format_verbs() {
        assert_eq!(
            t(
                "format",
                vec![s("%s-%d-%v-%q-%%"), s("a"), n(3.0), b(true), s("q\"")]
            ),
            "\"a-3-true-\\\"q\\\\\\\"\\\"-%\""
        );
        assert_eq!(
            t(
                "format",
                vec![
                    s("%5s|%-5s|%05d|%+d|%.2f|%x|%X|%o|%b"),
                    s("ab"),
                    s("cd"),
                    n(-42.0),
                    n(7.0),
                    n(1.23456),
                    n(255.0),
                    n(255.0),
                    n(8.0),
                    n(5.0)
                ]
            ),
            "\"   ab|cd   |-0042|+7|1.23|ff|FF|10|101\""
        );
        assert_eq!(t("format", vec![s("%.3s"), s("abcdef")]), "\"abc\"");
        assert_eq!(
            t("format", vec![s("%e|%g|%g"), n(1234.5), n(1e7), n(0.5)]),
            "\"1.234500e+03|1e+07|0.5\""
        );
        assert_eq!(
            t("format", vec![s("%[2]s %[1]s"), s("a"), s("b")]),
            "\"b a\""
        );
        assert_eq!(
            t("format", vec![s("%v %v"), strs(&["a"]), null()]),
            "\"[\\\"a\\\"] null\""
        );
        assert_eq!(t("format", vec![s("%#v"), s("a")]), "\"\\\"a\\\"\"");
        assert_eq!(t("format", vec![s("%t"), b(false)]), "\"false\"");
        assert_eq!(t("format", vec![s("%d"), s("12")]), "\"12\"");
        // References stay pieces, unknowns become unknown pieces.
        assert_eq!(
            t(
                "format",
                vec![
                    s("arn:aws:iam::%s:role/%s"),
                    unk(),
                    r("aws_iam_role.r", "name")
                ]
            ),
            "interp(\"arn:aws:iam::${?}:role/${aws_iam_role.r.name}\")"
        );
        assert_eq!(t("format", vec![s("%s"), unk()]), "?");
        assert_eq!(t("format", vec![unk(), s("a")]), "?");
        assert_eq!(t("format", vec![s("%d"), r("x", "port")]), "?");
        assert_eq!(
            t("format", vec![s("%q"), r("x", "y")]),
            "interp(\"\\\"${x.y}\\\"\")"
        );
        assert!(is_err("format", vec![s("%s %s"), s("a")]));
        assert!(is_err("format", vec![s("%s"), s("a"), s("b")]));
        assert!(is_err("format", vec![s("x"), s("a")]));
        assert!(is_err("format", vec![s("%d"), n(1.5)]));
        assert!(is_err("format", vec![s("%s"), null()]));
        assert!(is_err("format", vec![s("%s"), list(vec![])]));
        assert!(is_err("format", vec![s("%z"), s("a")]));
        assert!(is_err("format", vec![s("%"), s("a")]));
        assert!(is_err("format", vec![s("%99999999s"), s("a")]));
        assert!(is_err("format", vec![s("%[0]s"), s("a")]));
        assert!(is_err("format", vec![]));
        assert_eq!(
            t("format", vec![s("héllo %s!"), s("wörld")]),
            "\"héllo wörld!\""
        );
    }

    #[test]
    fn formatlist_fn() {
        assert_eq!(
            t("formatlist", vec![s("%s=%s"), strs(&["a", "b"]), s("x")]),
            "[\"a=x\", \"b=x\"]"
        );
        assert_eq!(
            t(
                "formatlist",
                vec![
                    s("arn:aws:s3:::%s/*"),
                    list(vec![s("b1"), r("aws_s3_bucket.b", "id")])
                ]
            ),
            "[\"arn:aws:s3:::b1/*\", interp(\"arn:aws:s3:::${aws_s3_bucket.b.id}/*\")]"
        );
        assert_eq!(t("formatlist", vec![s("%s"), unk()]), "?");
        assert!(is_err(
            "formatlist",
            vec![s("%s%s"), strs(&["a"]), strs(&["a", "b"])]
        ));
        assert_eq!(t("formatlist", vec![s("%s"), s("a")]), "[\"a\"]");
    }

    #[test]
    fn join_split_replace() {
        assert_eq!(t("join", vec![s(","), strs(&["a", "b"])]), "\"a,b\"");
        assert_eq!(
            t("join", vec![s(","), strs(&["a"]), strs(&["b"])]),
            "\"a,b\""
        );
        assert_eq!(t("join", vec![s(","), list(vec![])]), "\"\"");
        assert_eq!(
            t(
                "join",
                vec![s("/"), list(vec![s("a"), r("x", "id"), unk(), n(1.0)])]
            ),
            "interp(\"a/${x.id}/${?}/1\")"
        );
        assert_eq!(t("join", vec![s(","), unk()]), "?");
        assert!(is_err("join", vec![s(","), list(vec![null()])]));
        assert!(is_err("join", vec![s(","), list(vec![list(vec![])])]));
        assert!(is_err("join", vec![s(",")]));

        assert_eq!(
            t("split", vec![s(","), s("a,b,,c")]),
            "[\"a\", \"b\", \"\", \"c\"]"
        );
        assert_eq!(t("split", vec![s(","), s("")]), "[\"\"]");
        assert_eq!(t("split", vec![s(""), s("ab")]), "[\"a\", \"b\"]");
        assert_eq!(t("split", vec![s(","), r("x", "y")]), "?");

        assert_eq!(t("replace", vec![s("a-b-c"), s("-"), s("+")]), "\"a+b+c\"");
        assert_eq!(t("replace", vec![s("a1b2"), s("/[0-9]/"), s("")]), "?");
        assert_eq!(
            t(
                "replace",
                vec![
                    interp(vec![lit("a-"), Piece::Ref(rf("x", "y"))]),
                    s("-"),
                    s("+")
                ]
            ),
            "?"
        );
        assert!(is_err("replace", vec![s("a"), s("b")]));
        let big = "x".repeat(1 << 20);
        assert!(is_err(
            "replace",
            vec![s(&big), s("x"), s(&"y".repeat(100))]
        ));
        assert!(is_err(
            "indent",
            vec![n(10_000.0), s(&"\n".repeat(1 << 20))]
        ));
    }

    #[test]
    fn string_functions() {
        assert_eq!(t("lower", vec![s("AbÉ")]), "\"abé\"");
        assert_eq!(t("upper", vec![s("abé")]), "\"ABÉ\"");
        assert_eq!(
            t(
                "lower",
                vec![interp(vec![lit("A"), Piece::Ref(rf("x", "y"))])]
            ),
            "?"
        );
        assert_eq!(t("upper", vec![r("x", "y")]), "?");
        assert!(is_err("lower", vec![null()]));
        assert!(is_err("lower", vec![list(vec![])]));
        assert_eq!(
            t("title", vec![s("hello world-foo_bar")]),
            "\"Hello World-Foo_bar\""
        );
        assert_eq!(t("trimspace", vec![s("  a b \n")]), "\"a b\"");
        assert_eq!(t("trim", vec![s("?!a?b!"), s("!?")]), "\"a?b\"");
        assert_eq!(
            t("trimprefix", vec![s("helloworld"), s("hello")]),
            "\"world\""
        );
        assert_eq!(t("trimprefix", vec![s("hello"), s("x")]), "\"hello\"");
        assert_eq!(
            t("trimsuffix", vec![s("helloworld"), s("world")]),
            "\"hello\""
        );
        assert_eq!(t("chomp", vec![s("a\r\n\n")]), "\"a\"");
        assert_eq!(t("strrev", vec![s("abé")]), "\"éba\"");
        assert_eq!(t("indent", vec![n(2.0), s("a\nb")]), "\"a\\n  b\"");
        assert_eq!(t("urlencode", vec![s("a b&c/é")]), "\"a+b%26c%2F%C3%A9\"");
        assert_eq!(t("basename", vec![s("/a/b/c.txt")]), "\"c.txt\"");
        assert_eq!(t("dirname", vec![s("/a/b/c.txt")]), "\"/a/b\"");
        assert_eq!(t("dirname", vec![s("c.txt")]), "\".\"");

        assert_eq!(t("substr", vec![s("héllo"), n(1.0), n(3.0)]), "\"éll\"");
        assert_eq!(t("substr", vec![s("hello"), n(-3.0), n(-1.0)]), "\"llo\"");
        assert_eq!(t("substr", vec![s("hello"), n(10.0), n(2.0)]), "\"\"");
        assert_eq!(t("substr", vec![s("hello"), n(3.0), n(100.0)]), "\"lo\"");
        assert_eq!(t("substr", vec![s("hello"), unk(), n(1.0)]), "?");

        assert_eq!(t("startswith", vec![s("arn:aws"), s("arn:")]), "true");
        assert_eq!(t("endswith", vec![s("arn:aws"), s("arn:")]), "false");
        assert_eq!(t("strcontains", vec![s("arn:aws"), s(":a")]), "true");
        let arn = interp(vec![
            lit("arn:aws:s3:::"),
            Piece::Ref(rf("b", "id")),
            lit("/*"),
        ]);
        assert_eq!(t("startswith", vec![arn.clone(), s("arn:")]), "true");
        assert_eq!(t("startswith", vec![arn.clone(), s("xyz")]), "false");
        assert_eq!(
            t("startswith", vec![arn.clone(), s("arn:aws:s3:::bucket")]),
            "?"
        );
        assert_eq!(t("endswith", vec![arn.clone(), s("/*")]), "true");
        assert_eq!(t("strcontains", vec![arn.clone(), s("s3")]), "true");
        assert_eq!(t("strcontains", vec![arn, s("zzz")]), "?");
        assert_eq!(t("startswith", vec![r("x", "y"), s("a")]), "?");
    }

    #[test]
    fn numbers() {
        assert_eq!(t("min", vec![n(3.0), n(1.0), s("2")]), "1");
        assert_eq!(t("max", vec![n(3.0), n(1.0)]), "3");
        assert_eq!(t("max", vec![n(3.0), unk()]), "?");
        assert!(is_err("max", vec![]));
        assert!(is_err("max", vec![s("x")]));
        assert_eq!(t("abs", vec![n(-2.5)]), "2.5");
        assert_eq!(t("ceil", vec![n(1.2)]), "2");
        assert_eq!(t("floor", vec![n(-1.2)]), "-2");
        assert_eq!(t("floor", vec![unk()]), "?");
        assert_eq!(t("signum", vec![n(-7.0)]), "-1");
        assert_eq!(t("pow", vec![n(2.0), n(10.0)]), "1024");
        assert_eq!(t("log", vec![n(8.0), n(2.0)]), "3");
        assert_eq!(t("parseint", vec![s("ff"), n(16.0)]), "255");
        assert_eq!(t("parseint", vec![s("-101"), n(2.0)]), "-5");
        assert!(is_err("parseint", vec![s("zz"), n(10.0)]));
        assert!(is_err("parseint", vec![s("1"), n(99.0)]));
    }

    #[test]
    fn encodings_and_hashes() {
        assert_eq!(t("base64encode", vec![s("Hello")]), "\"SGVsbG8=\"");
        assert_eq!(
            t(
                "base64encode",
                vec![interp(vec![lit("a"), Piece::Ref(rf("x", "y"))])]
            ),
            "?"
        );
        assert_eq!(t("base64decode", vec![s("SGVsbG8=")]), "\"Hello\"");
        assert_eq!(
            t("base64decode", vec![interp(vec![lit("a"), Piece::Unknown])]),
            "?"
        );
        assert!(is_err("base64decode", vec![s("!!!")]));
        assert!(is_err("base64decode", vec![s("/w==")]));
        let gz = c("base64gzip", vec![s("hello hello hello")]).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(gz.as_str().unwrap())
            .unwrap();
        let mut dec = flate2::read::GzDecoder::new(&bytes[..]);
        let mut out = String::new();
        std::io::Read::read_to_string(&mut dec, &mut out).unwrap();
        assert_eq!(out, "hello hello hello");
        assert_eq!(
            t("sha256", vec![s("hello world")]),
            "\"b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9\""
        );
        assert_eq!(
            t("base64sha256", vec![s("hello world")]),
            "\"uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=\""
        );
        assert!(t("sha512", vec![s("")]).starts_with("\"cf83e1357eefb8bd"));
        assert_eq!(t("sha256", vec![r("x", "y")]), "?");
    }

    #[test]
    fn files() {
        let root = tempfile::tempdir().unwrap();
        let module = root.path().join("mod");
        std::fs::create_dir_all(&module).unwrap();
        std::fs::write(module.join("policy.json"), "{\n  \"a\": \"é\"\n}\n").unwrap();
        std::fs::write(module.join("t.tpl"), "hi ${name}").unwrap();
        std::fs::write(root.path().join("shared.txt"), "shared").unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let f = |name: &str, args: Vec<Node>| call_in(&module, root.path(), name, args);

        let v = f("file", vec![s("policy.json")]).unwrap();
        assert_eq!(v.as_str(), Some("{\n  \"a\": \"é\"\n}\n"));
        assert_eq!(
            &*v.span.file,
            module
                .join("policy.json")
                .to_string_lossy()
                .replace('\\', "/")
        );
        assert_eq!(
            (v.span.line, v.span.col, v.span.end_line, v.span.end_col),
            (1, 1, 3, 2)
        );
        // A path already built from path.module is not joined twice.
        let full = module.join("policy.json").to_string_lossy().to_string();
        assert!(f("file", vec![s(&full)]).is_ok());
        assert_eq!(
            f("file", vec![s("../shared.txt")]).unwrap().as_str(),
            Some("shared")
        );
        let secret = outside.path().join("secret").to_string_lossy().to_string();
        let e = f("file", vec![s(&secret)]).unwrap_err();
        assert!(e.contains("outside"), "{e}");
        assert!(
            f("file", vec![s("missing.txt")])
                .unwrap_err()
                .contains("no file exists")
        );
        assert!(f("file", vec![s(".")]).is_err());
        assert_eq!(show(&f("file", vec![r("x", "y")]).unwrap()), "?");
        assert_eq!(
            show(&f("filebase64", vec![s("../shared.txt")]).unwrap()),
            "\"c2hhcmVk\""
        );
        assert_eq!(
            show(&f("filesha256", vec![s("../shared.txt")]).unwrap()),
            format!("{:?}", hex_digest(true, b"shared"))
        );

        assert_eq!(
            show(&f("fileexists", vec![s("policy.json")]).unwrap()),
            "true"
        );
        assert_eq!(show(&f("fileexists", vec![s("nope")]).unwrap()), "false");
        assert!(f("fileexists", vec![s(&secret)]).is_err());
        assert!(f("fileexists", vec![s(".")]).is_err());

        let v = f(
            "templatefile",
            vec![s("t.tpl"), map(vec![("name", s("x"))])],
        )
        .unwrap();
        assert_eq!(
            v.as_str().unwrap(),
            format!("{}|name|hi ${{name}}", module.join("t.tpl").display())
        );
        assert_eq!(
            show(&f("templatefile", vec![s("t.tpl"), unk()]).unwrap()),
            "?"
        );
        assert!(f("templatefile", vec![s("t.tpl"), s("x")]).is_err());
        assert!(f("templatefile", vec![s(&secret), map(vec![])]).is_err());

        let big = root.path().join("big");
        let fh = std::fs::File::create(&big).unwrap();
        fh.set_len(MAX_FILE_BYTES + 1).unwrap();
        let e = f("file", vec![s("../big")]).unwrap_err();
        assert!(e.contains("larger"), "{e}");
    }

    #[test]
    fn never_panics_on_odd_arguments() {
        let shapes = vec![
            null(),
            unk(),
            s(""),
            s("x"),
            n(-1.0),
            n(1e300),
            n(0.5),
            b(true),
            list(vec![]),
            list(vec![unk(), null(), list(vec![])]),
            map(vec![]),
            map(vec![("a", unk())]),
            r("x", "y"),
            interp(vec![lit("a"), Piece::Unknown]),
            Node::new(Value::Json(Box::new(map(vec![("a", r("x", "y"))]))), at(1)),
        ];
        let names = [
            "jsonencode",
            "jsondecode",
            "merge",
            "concat",
            "flatten",
            "distinct",
            "format",
            "formatlist",
            "join",
            "split",
            "replace",
            "lower",
            "upper",
            "title",
            "trimspace",
            "trim",
            "trimprefix",
            "trimsuffix",
            "chomp",
            "substr",
            "startswith",
            "endswith",
            "strcontains",
            "lookup",
            "element",
            "index",
            "slice",
            "reverse",
            "sort",
            "keys",
            "values",
            "zipmap",
            "contains",
            "length",
            "coalesce",
            "coalescelist",
            "compact",
            "one",
            "tostring",
            "tonumber",
            "tobool",
            "tolist",
            "toset",
            "tomap",
            "range",
            "min",
            "max",
            "abs",
            "ceil",
            "floor",
            "file",
            "fileexists",
            "templatefile",
            "base64encode",
            "base64decode",
            "base64gzip",
            "sha256",
            "chunklist",
            "setunion",
            "setintersection",
            "setsubtract",
            "alltrue",
            "anytrue",
            "sum",
            "indent",
            "parseint",
            "pow",
            "log",
            "signum",
            "strrev",
            "urlencode",
            "basename",
            "dirname",
            "filebase64",
            "sensitive",
        ];
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            for count in 0..4 {
                for i in 0..shapes.len() {
                    let args: Vec<Node> = (0..count)
                        .map(|k| shapes[(i + k * 5) % shapes.len()].clone())
                        .collect();
                    let _ = call_in(dir.path(), dir.path(), name, args);
                }
            }
        }
    }
}
