//! Terraform built-in functions over the value model.
//!
//! Semantics follow Terraform, with two additions of the value model:
//! - [`Value::Unknown`] propagates: a result that depends on an unknown argument is unknown
//!   (carrying the call's span). A collection with unknown *elements* is still a known
//!   collection (its length, its keys are known).
//! - [`Value::Ref`] and [`Value::Interp`] are strings whose text is not fully known. Functions
//!   that only concatenate text (`join`, `format`, `formatlist`) keep the references as
//!   [`crate::value::Piece`]s; functions that need the text (`lower`, `replace`,
//!   `base64encode` ...) give `Unknown`.
//!
//! `jsonencode(x)` stays structured: `Value::Json(x)`, with x's spans and references. Where
//! the text of such a value is needed, it is rendered the way Terraform renders it
//! ([`to_json_text`]). `try` and `can` are evaluated by the evaluator, not here.
//!
//! One file per category of Terraform's function list (string, collection, encoding,
//! filesystem, numeric, type conversion, date and time, hash and crypto, IP network); this
//! file holds only the calling context and the dispatcher table.
//!
//! Nothing here executes anything, and `file()` never reads outside [`FnCtx::root`].

mod collection;
mod conversion;
mod datetime;
mod encoding;
mod filesystem;
pub(crate) use filesystem::file_span;
mod hash;
mod ip;
mod numeric;
mod string;
#[cfg(test)]
mod tests;

use crate::value::{Node, Span, Value, format_number};
use collection::*;
use conversion::*;
use encoding::*;
use filesystem::*;
use hash::*;
use ip::*;
use numeric::*;
use std::collections::BTreeMap;
use std::path::Path;
use string::*;

pub(crate) use crate::value::parse_json_with_refs;
pub(crate) use encoding::to_json_text;

/// Renders a template text with variables: `(text, path of the template file, vars)`.
pub(crate) type RenderFn<'a> = dyn Fn(&str, &Path, BTreeMap<String, Node>) -> Node + 'a;

pub(crate) struct FnCtx<'a> {
    /// The calling module's directory (relative paths in file()/templatefile() resolve here).
    pub(crate) module_dir: &'a Path,
    /// Files outside this directory are never read (return Err).
    pub(crate) root: &'a Path,
    /// The call expression's span: results get this span unless they come from an argument.
    pub(crate) span: Span,
    /// Renders a template text (file contents) with the given variables; supplied by the evaluator.
    pub(crate) render_template: &'a RenderFn<'a>,
}

type R = Result<Node, String>;

/// Call a Terraform function. Err(message) for a function rolegraph does not evaluate (the
/// message then starts with "unsupported function": the evaluator notes it once per file
/// and function, so users see why a value stays unknown) or invalid arguments (the
/// evaluator turns Err into Unknown plus a diagnostic).
pub(crate) fn call(name: &str, args: Vec<Node>, ctx: &FnCtx) -> Result<Node, String> {
    let name = name.strip_prefix("core::").unwrap_or(name);
    let cx = Cx { name, ctx };
    let a = args.as_slice();
    if datetime::KNOWN_ONLY_WHEN_RUN.contains(&name) {
        return cx.unknown();
    }
    match name {
        // Encoding
        "jsonencode" => jsonencode(&cx, a),
        "jsondecode" => jsondecode(&cx, a),
        "yamlencode" => yamlencode(&cx, a),
        "yamldecode" => yamldecode(&cx, a),
        "csvdecode" => csvdecode(&cx, a),
        "base64encode" => base64encode(&cx, a),
        "base64decode" => base64decode(&cx, a),
        "base64gzip" => base64gzip(&cx, a),
        "urlencode" => str_map(&cx, a, urlencode),

        // Collections
        "merge" => merge(&cx, a),
        "concat" => concat(&cx, a),
        "flatten" => flatten(&cx, a),
        "distinct" => distinct(&cx, a),
        "lookup" => lookup(&cx, a),
        "element" => element(&cx, a),
        "index" => index(&cx, a),
        "slice" => slice(&cx, a),
        "reverse" => reverse(&cx, a),
        "sort" => sort(&cx, a),
        "keys" => keys(&cx, a),
        "values" => values(&cx, a),
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
        "setproduct" => setproduct(&cx, a),
        "matchkeys" => matchkeys(&cx, a),
        "transpose" => transpose(&cx, a),

        // Type conversions
        "tostring" => tostring(&cx, a),
        "tonumber" => tonumber(&cx, a),
        "tobool" => tobool(&cx, a),
        "tolist" => tolist(&cx, a),
        "toset" => toset(&cx, a),
        "tomap" => tomap(&cx, a),
        "sensitive" | "nonsensitive" | "ephemeralasnull" => identity(&cx, a),

        // Strings
        "format" => format(&cx, a),
        "formatlist" => formatlist(&cx, a),
        "join" => join(&cx, a),
        "split" => split(&cx, a),
        "replace" => replace(&cx, a),
        "regex" => regex(&cx, a, false),
        "regexall" => regex(&cx, a, true),
        "lower" => str_map(&cx, a, |s| s.to_lowercase()),
        "upper" => str_map(&cx, a, |s| s.to_uppercase()),
        "title" => str_map(&cx, a, title),
        "trimspace" => str_map(&cx, a, |s| s.trim().to_string()),
        "chomp" => str_map(&cx, a, |s| s.trim_end_matches(['\n', '\r']).to_string()),
        "strrev" => str_map(&cx, a, |s| s.chars().rev().collect()),
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

        // Filesystem
        "file" => file(&cx, a, false),
        "filebase64" => file(&cx, a, true),
        "fileexists" => fileexists(&cx, a),
        "fileset" => fileset(&cx, a),
        "templatefile" => templatefile(&cx, a),
        "basename" => str_map(&cx, a, basename),
        "dirname" => str_map(&cx, a, dirname),

        // Hash and crypto
        "sha256" => str_map(&cx, a, |s| hex_digest(true, s.as_bytes())),
        "sha512" => str_map(&cx, a, |s| hex_digest(false, s.as_bytes())),
        "base64sha256" => str_map(&cx, a, |s| base64_digest(true, s.as_bytes())),
        "base64sha512" => str_map(&cx, a, |s| base64_digest(false, s.as_bytes())),
        "filesha256" | "filesha512" => file_digest(&cx, a, name == "filesha256", false),
        "filebase64sha256" | "filebase64sha512" => {
            file_digest(&cx, a, name == "filebase64sha256", true)
        }

        // IP network
        "cidrhost" => cidrhost(&cx, a),
        "cidrnetmask" => cidrnetmask(&cx, a),
        "cidrsubnet" => cidrsubnet(&cx, a),
        "cidrsubnets" => cidrsubnets(&cx, a),

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
