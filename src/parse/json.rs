//! A strict JSON parser (RFC 8259, plus a tolerated UTF-8 byte order mark) that keeps the
//! position of every value: each [`Node`] gets the [`Span`] of its text in the file.
//!
//! Byte-oriented recursive descent with a nesting limit, so no input can overflow the stack.
//! Columns count characters, not bytes. JSON embedded in another file (a heredoc, a string)
//! is parsed with the position where it starts, so its spans point into that file.

use crate::value::{Node, Span, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 256;

/// A syntax error and where it is (1-based line and character column in the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for JsonError {}

/// Parse `text` into a Node tree where every node's span is its position in the file.
/// `line`/`col` are the position of text's first character in `file` (1,1 for a whole file;
/// for JSON embedded in a heredoc or string, where it starts) — positions of later lines
/// start at col 1. Duplicate object keys: the last one wins.
pub fn parse(text: &str, file: Arc<str>, line: u32, col: u32) -> Result<Node, JsonError> {
    let mut p = Parser::new(text, file, line, col, false);
    p.document()
}

/// Like [`parse`], and also returns every duplicated object key: the span of the later
/// occurrence (the one that wins) and the key.
pub fn parse_with_duplicates(
    text: &str,
    file: Arc<str>,
    line: u32,
    col: u32,
) -> Result<(Node, Vec<(Span, String)>), JsonError> {
    let mut p = Parser::new(text, file, line, col, true);
    let node = p.document()?;
    Ok((node, std::mem::take(&mut p.duplicates)))
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    file: Arc<str>,
    /// Line of `pos` (absolute, in the file).
    line: u32,
    /// Byte offset where the current line starts.
    line_start: usize,
    /// Column of the current line's first character (the `col` argument on the first line).
    line_first_col: u32,
    /// A known (byte offset, column) on the current line, so columns are counted
    /// incrementally: positions are asked for in increasing order.
    cache_pos: usize,
    cache_col: u32,
    depth: usize,
    track_duplicates: bool,
    duplicates: Vec<(Span, String)>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, file: Arc<str>, line: u32, col: u32, track: bool) -> Parser<'a> {
        let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        let line = line.max(1);
        let col = col.max(1);
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: start,
            file,
            line,
            line_start: start,
            line_first_col: col,
            cache_pos: start,
            cache_col: col,
            depth: 0,
            track_duplicates: track,
            duplicates: Vec::new(),
        }
    }

    /// Column of byte offset `pos` on the current line.
    fn col_at(&mut self, pos: usize) -> u32 {
        if pos < self.cache_pos {
            self.cache_pos = self.line_start;
            self.cache_col = self.line_first_col;
        }
        let end = pos.min(self.bytes.len());
        let n = self.bytes[self.cache_pos.min(end)..end]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        self.cache_col = self.cache_col.saturating_add(n as u32);
        self.cache_pos = end;
        self.cache_col
    }

    fn here(&mut self) -> (u32, u32) {
        let c = self.col_at(self.pos);
        (self.line, c)
    }

    fn err_at(&mut self, pos: usize, message: impl Into<String>) -> JsonError {
        let col = self.col_at(pos);
        JsonError {
            line: self.line,
            col,
            message: message.into(),
        }
    }

    fn err(&mut self, message: impl Into<String>) -> JsonError {
        self.err_at(self.pos, message)
    }

    fn span_from(&mut self, start: (u32, u32)) -> Span {
        let (end_line, end_col) = self.here();
        Span::new(self.file.clone(), start.0, start.1, end_line, end_col)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                    self.line_first_col = 1;
                    self.cache_pos = self.pos;
                    self.cache_col = 1;
                }
                _ => break,
            }
        }
    }

    fn document(&mut self) -> Result<Node, JsonError> {
        self.skip_ws();
        let node = self.value()?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.err("trailing characters after JSON value"));
        }
        Ok(node)
    }

    /// A description of the character at `pos`, for messages.
    fn found(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => "end of input".to_string(),
            Some(c) if c.is_control() => format!("{:?}", c),
            Some(c) => format!("'{c}'"),
        }
    }

    fn value(&mut self) -> Result<Node, JsonError> {
        let start = self.here();
        match self.peek() {
            None => Err(self.err("unexpected end of input, expected a JSON value")),
            Some(b'{') => self.object(start),
            Some(b'[') => self.array(start),
            Some(b'"') => {
                let s = self.string()?;
                let span = self.span_from(start);
                Ok(Node::new(Value::String(s), span))
            }
            Some(b'-' | b'0'..=b'9') => {
                let n = self.number()?;
                let span = self.span_from(start);
                Ok(Node::new(Value::Number(n), span))
            }
            Some(b't') => self.literal("true", Value::Bool(true), start),
            Some(b'f') => self.literal("false", Value::Bool(false), start),
            Some(b'n') => self.literal("null", Value::Null, start),
            Some(_) => {
                let found = self.found();
                Err(self.err(format!("expected a JSON value, found {found}")))
            }
        }
    }

    fn literal(&mut self, word: &str, v: Value, start: (u32, u32)) -> Result<Node, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            let after = self.bytes.get(self.pos + word.len()).copied();
            if !matches!(after, Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_')) {
                self.pos += word.len();
                let span = self.span_from(start);
                return Ok(Node::new(v, span));
            }
        }
        Err(self.err(format!("invalid literal, expected '{word}'")))
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn array(&mut self, start: (u32, u32)) -> Result<Node, JsonError> {
        self.enter()?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                items.push(self.value()?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(b']') {
                            return Err(self.err("trailing comma in array"));
                        }
                    }
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    None => {
                        return Err(self.err(
                            "unexpected end of input, expected ',' or ']' after array element",
                        ));
                    }
                    Some(_) => {
                        let found = self.found();
                        return Err(self.err(format!(
                            "expected ',' or ']' after array element, found {found}"
                        )));
                    }
                }
            }
        }
        self.depth -= 1;
        let span = self.span_from(start);
        Ok(Node::new(Value::List(items), span))
    }

    fn object(&mut self, start: (u32, u32)) -> Result<Node, JsonError> {
        self.enter()?;
        self.pos += 1; // '{'
        let mut map = BTreeMap::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                if self.peek() != Some(b'"') {
                    let found = self.found();
                    return Err(self.err(format!("expected a string object key, found {found}")));
                }
                let key_start = self.here();
                let key = self.string()?;
                let key_span = if self.track_duplicates {
                    Some(self.span_from(key_start))
                } else {
                    None
                };
                self.skip_ws();
                if self.peek() != Some(b':') {
                    let found = self.found();
                    return Err(self.err(format!("expected ':' after object key, found {found}")));
                }
                self.pos += 1;
                self.skip_ws();
                let v = self.value()?;
                if let Some(ks) = key_span
                    && map.contains_key(&key)
                {
                    self.duplicates.push((ks, key.clone()));
                }
                map.insert(key, v);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(b'}') {
                            return Err(self.err("trailing comma in object"));
                        }
                    }
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    None => {
                        return Err(self.err(
                            "unexpected end of input, expected ',' or '}' after object member",
                        ));
                    }
                    Some(_) => {
                        let found = self.found();
                        return Err(self.err(format!(
                            "expected ',' or '}}' after object member, found {found}"
                        )));
                    }
                }
            }
        }
        self.depth -= 1;
        let span = self.span_from(start);
        Ok(Node::new(Value::Map(map), span))
    }

    /// A string starting at the opening quote; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<String, JsonError> {
        let open = self.pos;
        self.pos += 1;
        let chunk_start = self.pos;
        // Fast path: no escapes.
        loop {
            match self.bytes.get(self.pos) {
                None => return Err(self.err_at(open, "unterminated string")),
                Some(b'"') => {
                    let s = self.text[chunk_start..self.pos].to_string();
                    self.pos += 1;
                    return Ok(s);
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => {
                    return Err(self.err("control character in string (must be escaped)"));
                }
                Some(_) => self.pos += 1,
            }
        }
        let mut out = String::with_capacity(self.pos - chunk_start + 16);
        out.push_str(&self.text[chunk_start..self.pos]);
        loop {
            let run = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.bytes.get(self.pos) {
                None => return Err(self.err_at(open, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => {
                    return Err(self.err("control character in string (must be escaped)"));
                }
            }
        }
    }

    /// An escape sequence at `pos` (the backslash).
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let at = self.pos;
        let Some(&c) = self.bytes.get(self.pos + 1) else {
            return Err(self.err_at(at, "unterminated string"));
        };
        self.pos += 2;
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = self.hex4(at)?;
                if (0xD800..0xDC00).contains(&hi) {
                    // A high surrogate: a low one should follow.
                    if self.bytes.get(self.pos) == Some(&b'\\')
                        && self.bytes.get(self.pos + 1) == Some(&b'u')
                    {
                        let save = self.pos;
                        self.pos += 2;
                        let lo = self.hex4(save)?;
                        if (0xDC00..0xE000).contains(&lo) {
                            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        } else {
                            // Unpaired: keep going with the next escape on its own.
                            out.push('\u{FFFD}');
                            self.pos = save;
                        }
                    } else {
                        out.push('\u{FFFD}');
                    }
                } else {
                    // Lone low surrogates are valid JSON text but not a Unicode scalar value.
                    out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
                }
            }
            _ => {
                // Point at the escape character itself.
                let msg = if c < 0x80 {
                    format!("invalid escape '\\{}' in string", c as char)
                } else {
                    "invalid escape in string".to_string()
                };
                return Err(self.err_at(at, msg));
            }
        }
        Ok(())
    }

    /// Four hex digits at `pos`; `esc` is where the escape started (for the error position).
    fn hex4(&mut self, esc: usize) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for i in 0..4 {
            let d = match self.bytes.get(self.pos + i) {
                Some(&b @ b'0'..=b'9') => b - b'0',
                Some(&b @ b'a'..=b'f') => b - b'a' + 10,
                Some(&b @ b'A'..=b'F') => b - b'A' + 10,
                _ => {
                    return Err(self.err_at(
                        esc,
                        "invalid unicode escape (expected \\u and four hex digits)",
                    ));
                }
            };
            v = v * 16 + d as u32;
        }
        self.pos += 4;
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let s = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - s
    }

    fn number(&mut self) -> Result<f64, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.err_at(start, "invalid number: leading zeros are not allowed"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err_at(start, "invalid number: expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number: expected a digit after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number: expected a digit in the exponent"));
            }
        }
        match self.text[start..self.pos].parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(self.err_at(start, "number out of range")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Node {
        parse(text, Arc::from("f.json"), 1, 1).unwrap()
    }

    fn e(text: &str) -> JsonError {
        parse(text, Arc::from("f.json"), 1, 1).unwrap_err()
    }

    fn pos(n: &Node) -> (u32, u32, u32, u32) {
        (n.span.line, n.span.col, n.span.end_line, n.span.end_col)
    }

    #[test]
    fn scalars() {
        assert_eq!(p("null").value, Value::Null);
        assert_eq!(p(" true ").value, Value::Bool(true));
        assert_eq!(p("false").value, Value::Bool(false));
        assert_eq!(p("-12.5e1").value, Value::Number(-125.0));
        assert_eq!(p("0").value, Value::Number(0.0));
        assert_eq!(p("1E+2").value, Value::Number(100.0));
        assert_eq!(p("\"hi\"").value, Value::String("hi".into()));
        assert_eq!(pos(&p("  42  ")), (1, 3, 1, 5));
    }

    #[test]
    fn positions_of_nested_values() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": null\n}";
        let n = p(text);
        assert_eq!(pos(&n), (1, 1, 4, 2));
        let a = n.get("a").unwrap();
        assert_eq!(pos(a), (2, 8, 2, 23));
        let Value::List(items) = &a.value else {
            panic!()
        };
        assert_eq!(pos(&items[0]), (2, 9, 2, 10));
        assert_eq!(pos(&items[1]), (2, 12, 2, 22));
        assert_eq!(pos(items[1].get("b").unwrap()), (2, 18, 2, 21));
        assert_eq!(pos(n.get("c").unwrap()), (3, 8, 3, 12));
        assert_eq!(&*n.span.file, "f.json");
    }

    #[test]
    fn columns_count_characters() {
        let n = p("{\"é€😀\": \"ü\", \"k\": 1}");
        assert_eq!(pos(n.get("é€😀").unwrap()), (1, 9, 1, 12));
        assert_eq!(pos(n.get("k").unwrap()), (1, 19, 1, 20));
        let err = e("[\"ü\", x]");
        assert_eq!((err.line, err.col), (1, 7));
    }

    #[test]
    fn offsets_apply_to_the_first_line_only() {
        let n = parse("{\"a\": 1,\n \"b\": 2}", Arc::from("main.tf"), 10, 5).unwrap();
        assert_eq!(pos(&n), (10, 5, 11, 9));
        assert_eq!(pos(n.get("a").unwrap()), (10, 11, 10, 12));
        assert_eq!(pos(n.get("b").unwrap()), (11, 7, 11, 8));
        let err = parse("[1,\n  ?]", Arc::from("main.tf"), 3, 9).unwrap_err();
        assert_eq!((err.line, err.col), (4, 3));
        let err = parse("[1 2]", Arc::from("main.tf"), 3, 9).unwrap_err();
        assert_eq!((err.line, err.col), (3, 12));
    }

    #[test]
    fn crlf_lines() {
        let n = p("{\r\n\"a\":\r\n  true\r\n}");
        assert_eq!(pos(n.get("a").unwrap()), (3, 3, 3, 7));
    }

    #[test]
    fn errors_with_positions() {
        let cases: &[(&str, u32, u32, &str)] = &[
            ("", 1, 1, "unexpected end of input"),
            (
                "{\"a\": 1 \"b\": 2}",
                1,
                9,
                "expected ',' or '}' after object member",
            ),
            ("[1 2]", 1, 4, "expected ',' or ']' after array element"),
            ("{\"a\" 1}", 1, 6, "expected ':' after object key"),
            ("{a: 1}", 1, 2, "expected a string object key"),
            ("\n  \"abc", 2, 3, "unterminated string"),
            ("\"a\\x\"", 1, 3, "invalid escape '\\x'"),
            ("\"\\u12g4\"", 1, 2, "invalid unicode escape"),
            ("{} x", 1, 4, "trailing characters after JSON value"),
            ("[1,]", 1, 4, "trailing comma in array"),
            ("{\"a\":1,}", 1, 8, "trailing comma in object"),
            ("01", 1, 1, "leading zeros"),
            ("1.", 1, 3, "expected a digit after '.'"),
            ("1e", 1, 3, "exponent"),
            ("-", 1, 1, "invalid number"),
            ("tru", 1, 1, "invalid literal"),
            ("nullx", 1, 1, "invalid literal"),
            ("\"a\nb\"", 1, 3, "control character"),
            ("[1,\n 2,\n @]", 3, 2, "expected a JSON value, found '@'"),
            ("1e999", 1, 1, "out of range"),
            ("{\"a\": [1, 2}", 1, 12, "expected ',' or ']'"),
            ("[", 1, 2, "unexpected end of input"),
        ];
        for (text, line, col, msg) in cases {
            let err = e(text);
            assert_eq!((err.line, err.col), (*line, *col), "{text:?}: {err}");
            assert!(err.message.contains(msg), "{text:?}: {err}");
        }
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(256), "]".repeat(256));
        assert!(parse(&ok, Arc::from("f"), 1, 1).is_ok());
        let deep = format!("{}{}", "[".repeat(257), "]".repeat(257));
        let err = e(&deep);
        assert_eq!(err.message, "nesting deeper than 256 levels");
        assert_eq!((err.line, err.col), (1, 257));
        let err = e(&"[".repeat(10_000));
        assert_eq!(err.message, "nesting deeper than 256 levels");
        let err = e(&"{\"a\":".repeat(10_000));
        assert_eq!(err.message, "nesting deeper than 256 levels");
    }

    #[test]
    fn bom_is_skipped() {
        let n = p("\u{FEFF}{\"a\": 1}");
        assert_eq!(pos(&n), (1, 1, 1, 9));
        assert_eq!(n.get("a").unwrap().value, Value::Number(1.0));
    }

    #[test]
    fn escapes_and_surrogates() {
        let n = p(r#""a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\ud83d\ude00""#);
        assert_eq!(
            n.value,
            Value::String("a\"b\\c/d\u{8}\u{c}\n\r\tAé😀".into())
        );
        // Unpaired surrogates become U+FFFD rather than failing the file.
        assert_eq!(p(r#""\ud83dx""#).value, Value::String("\u{FFFD}x".into()));
        assert_eq!(
            p(r#""\ud83d\u0041""#).value,
            Value::String("\u{FFFD}A".into())
        );
        assert_eq!(p(r#""\ude00""#).value, Value::String("\u{FFFD}".into()));
        // Span covers the escaped text as written.
        assert_eq!(pos(&p(r#""\u0041""#)), (1, 1, 1, 9));
    }

    #[test]
    fn duplicates_last_wins_and_are_reported() {
        let text = "{\"a\": 1,\n \"b\": 2,\n \"a\": 3}";
        let n = p(text);
        assert_eq!(n.get("a").unwrap().value, Value::Number(3.0));
        let (n2, dups) = parse_with_duplicates(text, Arc::from("f.json"), 1, 1).unwrap();
        assert_eq!(n2, n);
        assert_eq!(dups.len(), 1);
        assert_eq!(dups[0].1, "a");
        assert_eq!(
            (dups[0].0.line, dups[0].0.col, dups[0].0.end_col),
            (3, 2, 5)
        );
    }

    #[test]
    fn large_input_is_linear() {
        let mut s = String::from("[");
        for i in 0..200_000 {
            if i > 0 {
                s.push(',');
            }
            s.push_str("{\"k\":\"vé\",\"n\":1.5}");
        }
        s.push(']');
        let n = p(&s);
        let Value::List(items) = &n.value else {
            panic!()
        };
        assert_eq!(items.len(), 200_000);
        assert_eq!(items[199_999].span.col, 1 + 1 + 199_999 * 19);
    }
}
