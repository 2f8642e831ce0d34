//! JSON templates read into the [`Raw`] tree through the crate's spanned JSON parser
//! ([`crate::parse::json`]). That parser gives every value a span but keeps object keys in a
//! sorted map without positions, so entries are put back in source order (by the position of
//! their values) and each key's span is found in the text just before its value
//! (`"Key" : value`).

use super::raw::{Entry, MAX_DEPTH, Raw, RawKind};
use crate::document::Diagnostic;
use crate::parse::json;
use crate::value::{Node, Span, Value};
use std::sync::Arc;

/// The text with its position index ([`crate::parse::lines`]: no lookup scans a whole
/// line, so minified one-line templates stay linear).
struct Lines<'a> {
    text: &'a str,
    index: crate::parse::lines::Lines,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text,
            index: crate::parse::lines::Lines::new(text),
        }
    }

    fn offset(&self, line: u32, col: u32) -> Option<usize> {
        self.index.offset(self.text, line, col)
    }

    fn pos(&self, offset: usize) -> (u32, u32) {
        let (line, col) = self.index.pos0(self.text, offset);
        (line + 1, col + 1)
    }
}

/// Parse a JSON template. Duplicate keys become warnings.
pub fn load(text: &str, file: &Arc<str>) -> Result<(Raw, Vec<Diagnostic>), Diagnostic> {
    let (node, dups) = json::parse_with_duplicates(text, file.clone(), 1, 1).map_err(|e| {
        Diagnostic::error(
            Span::new(file.clone(), e.line, e.col, e.line, e.col + 1),
            format!("JSON syntax error: {}", e.message),
        )
    })?;
    let lines = Lines::new(text);
    let raw = convert(&node, &lines, 0)?;
    let warnings = dups
        .into_iter()
        .map(|(span, key)| {
            Diagnostic::warning(span, format!("duplicate key `{key}`; the last one is used"))
        })
        .collect();
    Ok((raw, warnings))
}

fn convert(node: &Node, lines: &Lines, depth: usize) -> Result<Raw, Diagnostic> {
    let kind = match &node.value {
        Value::Null => RawKind::Null,
        Value::Bool(b) => RawKind::Bool(*b),
        Value::Number(n) => RawKind::Number(*n),
        Value::String(s) => RawKind::Str(s.clone()),
        Value::List(_) | Value::Map(_) if depth >= MAX_DEPTH => {
            return Err(Diagnostic::error(
                node.span.first_line(),
                format!("the template nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Value::List(items) => RawKind::Seq(
            items
                .iter()
                .map(|n| convert(n, lines, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => {
            let mut entries: Vec<(&String, &Node)> = m.iter().collect();
            entries.sort_by_key(|(_, v)| (v.span.line, v.span.col));
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                out.push(Entry {
                    key: k.clone(),
                    key_span: key_span(v, lines).unwrap_or_else(|| v.span.first_line()),
                    value: convert(v, lines, depth + 1)?,
                });
            }
            RawKind::Map(out)
        }
        // The JSON parser produces none of the others.
        _ => RawKind::Null,
    };
    Ok(Raw::new(kind, node.span.clone()))
}

/// The span of the quoted key written before `value` (`"Key" : value`).
fn key_span(value: &Node, lines: &Lines) -> Option<Span> {
    let b = lines.text.as_bytes();
    let mut i = lines.offset(value.span.line, value.span.col)?;
    let skip_ws = |mut i: usize| {
        while i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'\r' | b'\n') {
            i -= 1;
        }
        i
    };
    i = skip_ws(i);
    if i == 0 || b[i - 1] != b':' {
        return None;
    }
    i = skip_ws(i - 1);
    if i == 0 || b[i - 1] != b'"' {
        return None;
    }
    let end = i;
    let mut j = end - 1;
    while j > 0 {
        j -= 1;
        if b[j] == b'"' {
            let backslashes = b[..j].iter().rev().take_while(|&&c| c == b'\\').count();
            if backslashes % 2 == 0 {
                let (line, col) = lines.pos(j);
                let (end_line, end_col) = lines.pos(end);
                return Some(Span::new(
                    value.span.file.clone(),
                    line,
                    col,
                    end_line,
                    end_col,
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_get_spans_and_source_order() {
        let text = "{\n  \"Zeta\": 1,\n  \"Al\\\"pha\" : {\"é\": \"x\"}\n}";
        let file: Arc<str> = Arc::from("t.json");
        let (raw, warnings) = load(text, &file).unwrap();
        assert!(warnings.is_empty());
        let e = raw.entries();
        assert_eq!(e[0].key, "Zeta");
        assert_eq!(
            (e[0].key_span.line, e[0].key_span.col, e[0].key_span.end_col),
            (2, 3, 9)
        );
        assert_eq!(e[1].key, "Al\"pha");
        assert_eq!(
            (e[1].key_span.line, e[1].key_span.col, e[1].key_span.end_col),
            (3, 3, 12)
        );
        let inner = &e[1].value.entries()[0];
        assert_eq!((inner.key_span.col, inner.key_span.end_col), (16, 19));
    }

    #[test]
    fn duplicates_and_errors() {
        let file: Arc<str> = Arc::from("t.json");
        let (_, w) = load("{\"a\": 1, \"a\": 2}", &file).unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].span.line, w[0].span.col), (1, 10));
        let err = load("{\"a\": 1,\n \"b\" 2}", &file).err().unwrap();
        assert_eq!((err.span.line, err.span.col), (2, 6));
        assert!(err.message.starts_with("JSON syntax error"));
    }

    #[test]
    fn depth_limit() {
        let file: Arc<str> = Arc::from("t.json");
        let deep = format!("{}{}", "[".repeat(210), "]".repeat(210));
        assert!(load(&deep, &file).is_err());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(load(&deep, &file).is_err());
    }
}
