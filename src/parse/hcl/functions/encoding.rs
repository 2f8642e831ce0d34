//! Encoding functions: `jsonencode`/`jsondecode` text, `yamldecode`/`yamlencode`, base64,
//! gzip, URL encoding.

use super::{Cx, R};
use crate::parse::cfn::raw::{Raw, RawKind};
use crate::parse::cfn::yaml;
use crate::parse::json;
use crate::value::{Node, Piece, Value, format_number, parse_json_with_refs, pieces_to_value};
use base64::Engine as _;

// ---------------------------------------------------------------------------------------
// JSON text

/// Escape a string's contents the way Terraform's jsonencode does (Go's encoding/json).
pub(crate) fn json_escape_into(s: &str, out: &mut String) {
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

pub(crate) fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    json_escape_into(s, &mut out);
    out.push('"');
    out
}

pub(crate) fn push_lit(out: &mut Vec<Piece>, s: &str) {
    if let Some(Piece::Lit(l)) = out.last_mut() {
        l.push_str(s);
    } else {
        out.push(Piece::Lit(s.to_string()));
    }
}

/// Render a value as compact JSON text pieces: references stay pieces (inside the quotes of
/// a JSON string), unknown values become [`Piece::Unknown`].
pub(crate) fn json_pieces(n: &Node, out: &mut Vec<Piece>) {
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
pub(crate) fn to_json_text(node: &Node) -> Option<String> {
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

pub(crate) fn jsondecode(cx: &Cx, a: &[Node]) -> R {
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
// Encoding and hashing

pub(crate) fn base64decode(cx: &Cx, a: &[Node]) -> R {
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

pub(crate) fn base64gzip(cx: &Cx, a: &[Node]) -> R {
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

pub(crate) fn jsonencode(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    if matches!(a[0].value, Value::Unknown) {
        return cx.unknown();
    }
    Ok(cx.node(Value::Json(Box::new(a[0].clone()))))
}

pub(crate) fn base64encode(cx: &Cx, a: &[Node]) -> R {
    super::string::str_map(cx, a, |s| {
        base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
    })
}

/// `yamldecode(text)`: the YAML document as a value. Positions point into the text's source
/// (the YAML file itself when the text comes from `file()`), so a finding on a decoded value
/// lands on its YAML line. The loader is the CloudFormation one: bounded depth and node count
/// (alias bombs stop), no recursion.
pub(crate) fn yamldecode(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    let Some(text) = cx.text(n)? else {
        return cx.unknown();
    };
    let file = if n.span.is_none() {
        cx.ctx.span.file.clone()
    } else {
        n.span.file.clone()
    };
    let loaded = yaml::load(&text, &file).map_err(|d| format!("yamldecode: {}", d.message))?;
    // The text starts where the argument starts (line 1 for a whole file).
    let shift = n.span.line.saturating_sub(1);
    Ok(raw_to_node(loaded.root, shift))
}

/// Convert the loader's tree into a value, moving lines down by `shift`.
fn raw_to_node(raw: Raw, shift: u32) -> Node {
    let mut span = raw.span;
    if !span.is_none() {
        span.line += shift;
        span.end_line += shift;
    }
    let value = match raw.kind {
        RawKind::Null => Value::Null,
        RawKind::Bool(b) => Value::Bool(b),
        RawKind::Number(x) => Value::Number(x),
        RawKind::Str(s) => Value::String(s),
        RawKind::Seq(items) => {
            Value::List(items.into_iter().map(|i| raw_to_node(i, shift)).collect())
        }
        // Terraform rejects duplicate keys; the loader has already warned, the last one wins.
        RawKind::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|e| (e.key, raw_to_node(e.value, shift)))
                .collect(),
        ),
    };
    Node::new(value, span)
}

/// `yamlencode(value)`: block-style YAML with sorted keys, keys and strings double-quoted,
/// a sequence under a key not indented, as Terraform writes it. Unknown when the value holds
/// references or unknown parts (the text is not known).
pub(crate) fn yamlencode(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(lines) = yaml_lines(&a[0]) else {
        return cx.unknown();
    };
    let size: usize = lines.iter().map(|l| l.len() + 1).sum();
    if size > MAX_YAML_OUTPUT {
        return cx.err("the result would be too large");
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Ok(cx.node(Value::String(out)))
}

/// Largest text `yamlencode` builds (a guard against huge allocations).
const MAX_YAML_OUTPUT: usize = 64 * 1024 * 1024;

/// A double-quoted YAML string (escapes as YAML's double-quoted style defines them).
fn yaml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The lines of `n` in block style (without the indentation of where it is placed), or
/// `None` when some part is not known as text.
fn yaml_lines(n: &Node) -> Option<Vec<String>> {
    Some(match &n.value {
        Value::Null => vec!["null".into()],
        Value::Bool(b) => vec![b.to_string()],
        Value::Number(x) => vec![format_number(*x)],
        Value::String(s) => vec![yaml_string(s)],
        Value::Json(_) => vec![yaml_string(&to_json_text(n)?)],
        Value::List(l) if l.is_empty() => vec!["[]".into()],
        Value::Map(m) if m.is_empty() => vec!["{}".into()],
        Value::List(l) => {
            let mut out = Vec::new();
            for item in l {
                let sub = yaml_lines(item)?;
                for (i, line) in sub.into_iter().enumerate() {
                    out.push(if i == 0 {
                        format!("- {line}")
                    } else {
                        format!("  {line}")
                    });
                }
            }
            out
        }
        Value::Map(m) => {
            let mut out = Vec::new();
            for (k, v) in m {
                let key = yaml_string(k);
                let sub = yaml_lines(v)?;
                let nested = match &v.value {
                    Value::Map(m) => !m.is_empty(),
                    Value::List(l) => !l.is_empty(),
                    _ => false,
                };
                if !nested {
                    out.push(format!("{key}: {}", sub.join("\n")));
                    continue;
                }
                out.push(format!("{key}:"));
                // A sequence sits at its key's indentation, a mapping two spaces in.
                let pad = if matches!(v.value, Value::List(_)) {
                    ""
                } else {
                    "  "
                };
                out.extend(sub.into_iter().map(|l| format!("{pad}{l}")));
            }
            out
        }
        Value::Ref(_) | Value::Interp(_) | Value::Unknown | Value::Cond { .. } => return None,
    })
}

/// Most fields `csvdecode` reads (a guard against huge allocations).
const MAX_CSV_FIELDS: usize = 1_000_000;

/// `csvdecode(text)`: RFC 4180 CSV whose first line names the columns, as a list of maps of
/// strings. Every row must have as many fields as the header, as in Terraform.
pub(crate) fn csvdecode(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(text) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let rows = csv_rows(&text).map_err(|e| format!("csvdecode: {e}"))?;
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return cx.err("missing header line");
    };
    let mut out = Vec::new();
    for (i, row) in rows.enumerate() {
        if row.len() != header.len() {
            return cx.err(format!(
                "line {}: wrong number of fields ({} instead of {})",
                i + 2,
                row.len(),
                header.len()
            ));
        }
        let m = header
            .iter()
            .cloned()
            .zip(row.into_iter().map(|f| Node::string(f, cx.span())))
            .collect();
        out.push(cx.node(Value::Map(m)));
    }
    Ok(cx.node(Value::List(out)))
}

/// Split CSV text into rows of fields (quoted fields may hold commas, newlines and `""`).
fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut fields = 0usize;
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_start => {
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => field.push(c),
                        None => return Err("unterminated quoted field".into()),
                    }
                }
                if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                    return Err("extraneous text after a quoted field".into());
                }
                at_start = false;
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
        fields += 1;
        if fields > MAX_CSV_FIELDS * 64 {
            return Err("the text is too large".into());
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}
