//! A resource's attributes from the plan: `after` gives the known values, `after_unknown`
//! marks what is known only after apply. An unknown value the configuration writes becomes
//! the symbolic reference its expression's `references` name (so it links the graph as in
//! the HCL scan), or `Unknown`; an unknown value the configuration does not write at all is
//! the provider's default and reads as absent, as in the HCL scan. Policy documents given
//! as JSON strings are parsed into structured JSON.

use super::config::{self, Cfg, Frame};
use crate::parse::hcl::functions;
use crate::parse::json;
use crate::value::{Node, Span, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What building a resource's values needs besides the values.
pub struct Ctx<'a> {
    /// The module instances from the root to the resource's.
    pub frames: &'a [Frame<'a>],
    /// The plan's text, to place what is parsed out of its strings.
    pub source: Option<&'a Source<'a>>,
    /// What `each.value` stands for, when the resource's `for_each` is another resource.
    pub each: Option<&'a config::EachOver>,
}

impl Ctx<'_> {
    /// The references of an expression, `each.value` replaced by what it stands for.
    fn references<'e>(&self, e: &'e Node) -> Vec<std::borrow::Cow<'e, str>> {
        let refs = config::references(e);
        match self.each {
            Some(each) => each.substitute(&refs),
            None => refs.into_iter().map(std::borrow::Cow::Borrowed).collect(),
        }
    }
}

/// The text of a plan file by line.
pub struct Source<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        Source {
            lines: text.split('\n').collect(),
        }
    }
}

/// Build the value at one place of a resource. `after` and `unknown` are the two trees at
/// that place (either may be missing), `cfg` what the configuration writes there.
pub fn build(
    after: Option<&Node>,
    unknown: Option<&Node>,
    cfg: Cfg,
    ctx: &Ctx,
    fallback: &Span,
) -> Node {
    let span = after
        .or(unknown)
        .map(|n| n.span.clone())
        .filter(|s| !s.is_none())
        .unwrap_or_else(|| fallback.clone());
    if unknown.is_some_and(|u| matches!(u.value, Value::Bool(true))) {
        return match cfg {
            Cfg::NotWritten => Node::null(span),
            Cfg::Expr(e) => Node::new(
                config::value_of(config::resolve(
                    &ctx.references(e)
                        .iter()
                        .map(|r| r.as_ref())
                        .collect::<Vec<_>>(),
                    ctx.frames,
                )),
                span,
            ),
            Cfg::Block(_) | Cfg::Unavailable => Node::unknown(span),
        };
    }
    let (am, um) = (as_map(after), as_map(unknown));
    if am.is_some() || um.is_some() {
        let keys: BTreeSet<&String> = am
            .into_iter()
            .flat_map(|m| m.keys())
            .chain(um.into_iter().flat_map(|m| m.keys()))
            .collect();
        let mut out = BTreeMap::new();
        for k in keys {
            let (a, u) = (am.and_then(|m| m.get(k)), um.and_then(|m| m.get(k)));
            let c = cfg.key(k);
            out.insert(k.clone(), absent_default(build(a, u, c, ctx, &span), u, c));
        }
        return Node::new(Value::Map(out), span);
    }
    let (al, ul) = (as_list(after), as_list(unknown));
    if al.is_some() || ul.is_some() {
        let len = al.map_or(0, Vec::len).max(ul.map_or(0, Vec::len));
        let items = (0..len)
            .map(|i| {
                let (a, u) = (al.and_then(|l| l.get(i)), ul.and_then(|l| l.get(i)));
                build(a, u, cfg.index(i), ctx, &span)
            })
            .collect();
        return Node::new(Value::List(items), span);
    }
    match after {
        Some(a) => policy_json(a, ctx.source).unwrap_or_else(|| a.clone()),
        None => Node::null(span),
    }
}

pub(super) fn as_map(n: Option<&Node>) -> Option<&BTreeMap<String, Node>> {
    match n.map(|n| &n.value) {
        Some(Value::Map(m)) => Some(m),
        _ => None,
    }
}

fn as_list(n: Option<&Node>) -> Option<&Vec<Node>> {
    match n.map(|n| &n.value) {
        Some(Value::List(l)) => Some(l),
        _ => None,
    }
}

/// A value the configuration does not write that the plan knows nothing about (a block of
/// unknowns and nulls, such as the provider's `metadata_options` of a new instance) is
/// absent, as it is in the configuration.
fn absent_default(n: Node, unknown: Option<&Node>, cfg: Cfg) -> Node {
    if matches!(cfg, Cfg::NotWritten) && unknown.is_some_and(any_true) && !has_known_leaf(&n) {
        return Node::null(n.span);
    }
    n
}

fn any_true(n: &Node) -> bool {
    match &n.value {
        Value::Bool(b) => *b,
        Value::Map(m) => m.values().any(any_true),
        Value::List(l) => l.iter().any(any_true),
        _ => false,
    }
}

fn has_known_leaf(n: &Node) -> bool {
    match &n.value {
        Value::Null | Value::Unknown => false,
        Value::Map(m) => m.values().any(has_known_leaf),
        Value::List(l) => l.iter().any(has_known_leaf),
        _ => true,
    }
}

/// A string that holds an IAM policy document (`policy`, `assume_role_policy`, an inline
/// policy) as structured JSON. Each part of the document is placed where it is written in
/// the plan file, inside the string literal (escapes counted), so a finding points at the
/// statement even in Terraform's one-line output.
fn policy_json(n: &Node, source: Option<&Source>) -> Option<Node> {
    let s = n.as_str()?;
    if !s.trim_start().starts_with('{') || !s.contains("Statement") {
        return None;
    }
    let inner = match source.and_then(|src| parse_in_place(n, s, src)) {
        Some(i) => i,
        None => functions::parse_json_with_refs(n)?,
    };
    inner.get_ci("Statement")?;
    Some(Node::new(Value::Json(Box::new(inner)), n.span.clone()))
}

/// Parse the JSON text `s` that the one-line string literal `n` holds, with spans in the
/// file.
fn parse_in_place(n: &Node, s: &str, src: &Source) -> Option<Node> {
    if n.span.line == 0 || n.span.line != n.span.end_line {
        return None;
    }
    let raw = src.lines.get(n.span.line as usize - 1)?;
    let cols = literal_columns(raw, n.span.col)?;
    let inner = json::parse(s, n.span.file.clone(), 1, 1).ok()?;
    // Character offset in `s` of the start of each of its lines.
    let mut starts = vec![0usize];
    for (i, c) in s.chars().enumerate() {
        if c == '\n' {
            starts.push(i + 1);
        }
    }
    let last = *cols.last()?;
    let place = |line: u32, col: u32| -> u32 {
        let off = starts
            .get(line.saturating_sub(1) as usize)
            .map(|st| st + col.saturating_sub(1) as usize);
        off.and_then(|o| cols.get(o).copied()).unwrap_or(last)
    };
    Some(remap(inner, n.span.line, &place))
}

/// The column in the file of each character a string literal decodes to (and, last, the
/// column of its closing quote). `quote_col` is the column of the opening quote.
fn literal_columns(raw: &str, quote_col: u32) -> Option<Vec<u32>> {
    let mut chars = raw
        .chars()
        .skip((quote_col as usize).saturating_sub(1))
        .peekable();
    if chars.next()? != '"' {
        return None;
    }
    let mut col = quote_col + 1;
    let mut out = Vec::new();
    loop {
        let c = chars.next()?;
        match c {
            '"' => {
                out.push(col);
                return Some(out);
            }
            '\\' => {
                let e = chars.next()?;
                if e == 'u' {
                    let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                    let unit = u32::from_str_radix(&hex, 16).ok()?;
                    // A surrogate pair is one character in two escapes.
                    if (0xD800..0xDC00).contains(&unit) && chars.peek() == Some(&'\\') {
                        let _ = chars.next();
                        let _ = chars.next();
                        let _: String = (0..4).filter_map(|_| chars.next()).collect();
                        out.push(col);
                        col += 12;
                    } else {
                        out.push(col);
                        col += 6;
                    }
                } else {
                    out.push(col);
                    col += 2;
                }
            }
            _ => {
                out.push(col);
                col += 1;
            }
        }
    }
}

/// Every span of `n`, from positions in the decoded text to positions on `line` of the file.
fn remap(n: Node, line: u32, place: &dyn Fn(u32, u32) -> u32) -> Node {
    let span = Span::new(
        n.span.file.clone(),
        line,
        place(n.span.line, n.span.col),
        line,
        place(n.span.end_line, n.span.end_col),
    );
    let value = match n.value {
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| (k, remap(v, line, place)))
                .collect(),
        ),
        Value::List(l) => Value::List(l.into_iter().map(|v| remap(v, line, place)).collect()),
        other => other,
    };
    Node::new(value, span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn parse(s: &str) -> Node {
        json::parse(s, Arc::from("plan.json"), 1, 1).unwrap()
    }

    fn show(n: &Node) -> String {
        match &n.value {
            Value::Map(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!("{k}: {}", show(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(", ")),
            Value::Json(i) => format!("json {}", show(i)),
            Value::Null => "null".into(),
            Value::Unknown => "?".into(),
            _ => n.display_text().unwrap_or_default(),
        }
    }

    #[test]
    fn unknown_values_become_references_or_absent() {
        let after = parse(r#"{"name": "web", "metadata_options": [], "role": null}"#);
        let unknown = parse(
            r#"{"arn": true, "metadata_options": [{"http_tokens": true}], "role": true, "tags": {}}"#,
        );
        let exprs = parse(
            r#"{"name": {"constant_value": "web"}, "role": {"references": ["aws_iam_role.app.name", "aws_iam_role.app"]}}"#,
        );
        let frames = config::frames(None, r#"module.svc["api"]"#);
        let n = build(
            Some(&after),
            Some(&unknown),
            Cfg::Block(&exprs),
            &Ctx {
                frames: &frames,
                source: None,
                each: None,
            },
            &Span::none(),
        );
        assert_eq!(
            show(&n),
            r#"{arn: null, metadata_options: null, name: web, role: ${module.svc["api"].aws_iam_role.app.name}, tags: {}}"#
        );
    }

    #[test]
    fn without_configuration_unknown_stays_unknown() {
        let after = parse(r#"{"name": "web"}"#);
        let unknown = parse(r#"{"role": true}"#);
        let n = build(
            Some(&after),
            Some(&unknown),
            Cfg::Unavailable,
            &Ctx {
                frames: &[],
                source: None,
                each: None,
            },
            &Span::none(),
        );
        assert_eq!(show(&n), "{name: web, role: ?}");
    }

    #[test]
    fn policy_strings_are_parsed() {
        let after = parse(
            r#"{"policy": "{\"Statement\":[{\"Action\":\"s3:*\",\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}", "other": "{\"a\": 1}"}"#,
        );
        let ctx = Ctx {
            frames: &[],
            source: None,
            each: None,
        };
        let n = build(Some(&after), None, Cfg::Unavailable, &ctx, &Span::none());
        assert_eq!(
            show(&n),
            "{other: {\"a\": 1}, policy: json {Statement: [{Action: s3:*, Effect: Allow, Resource: *}], Version: 2012-10-17}}"
        );
    }
}

#[cfg(test)]
mod placement_tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn policy_parts_are_placed_inside_the_string_literal() {
        // One line, as `terraform show -json` prints it; an escaped quote, a \u escape and a
        // surrogate pair before the statement's Action.
        let text = r#"{"x":1,"policy":"{\"Id\":\"\u003cé\ud83d\ude00\",\"Statement\":[{\"Action\":\"s3:*\"}]}"}"#;
        let root = json::parse(text, Arc::from("p.json"), 1, 1).unwrap();
        let src = Source::new(text);
        let ctx = Ctx {
            frames: &[],
            source: Some(&src),
            each: None,
        };
        let n = build(Some(&root), None, Cfg::Unavailable, &ctx, &Span::none());
        let Value::Json(inner) = &n.get("policy").unwrap().value else {
            panic!("not parsed: {n:?}");
        };
        let action = inner.get("Statement").unwrap().items()[0]
            .get("Action")
            .unwrap();
        assert_eq!(action.as_str(), Some("s3:*"));
        let byte = text.find("\\\"s3:*").unwrap();
        let col = text[..byte].chars().count() as u32 + 1;
        assert_eq!((action.span.line, action.span.col), (1, col));
        // The end is exclusive: after the escaped closing quote.
        assert_eq!(action.span.end_col, col + 8);
    }
}
