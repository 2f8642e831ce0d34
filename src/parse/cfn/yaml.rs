//! YAML templates read into the [`Raw`] tree with positions, from the event stream of the
//! saphyr parser (`saphyr-parser`, the parser under `saphyr`'s marked loader). Reading events
//! ourselves instead of loading saphyr's node tree lets us keep duplicate keys (a diagnostic),
//! build without recursion (a 10,000-deep file is a diagnostic, not a stack overflow) and count
//! nodes as aliases expand (an alias bomb stops at [`MAX_NODES`]).
//!
//! Short-form intrinsic tags become their long form here: `!Ref X` -> `{Ref: X}`,
//! `!GetAtt A.B` -> `{Fn::GetAtt: [A, B]}`, `!Sub s` -> `{Fn::Sub: s}`, ... The call takes
//! the span of the tagged node itself (tag included).

use super::raw::{Entry, MAX_DEPTH, MAX_NODES, Raw, RawKind, join_spans};
use crate::document::Diagnostic;
use crate::value::Span;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan, Tag};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A parsed YAML document: its root and the warnings found on the way (duplicate keys, ...).
pub struct Loaded {
    pub root: Raw,
    pub warnings: Vec<Diagnostic>,
}

/// Short-form tags and the long form they stand for.
fn intrinsic_for_tag(suffix: &str) -> Option<&'static str> {
    Some(match suffix {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "FindInMap" => "Fn::FindInMap",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "Transform" => "Fn::Transform",
        "Length" => "Fn::Length",
        "ToJsonString" => "Fn::ToJsonString",
        "ForEach" => "Fn::ForEach",
        _ => return None,
    })
}

const CORE_TAG: &str = "tag:yaml.org,2002:";

struct Frame {
    kind: FrameKind,
    start: Marker,
    tag: Option<Tag>,
    anchor: usize,
    /// End of the last completed child (block collections end there).
    last_end: Option<Span>,
}

enum FrameKind {
    Seq(Vec<Raw>),
    Map(MapBuilder),
}

#[derive(Default)]
struct MapBuilder {
    entries: Vec<Entry>,
    key: Option<(String, Span)>,
    index: HashMap<String, usize>,
    /// Keys that came from a `<<` merge: an explicit key overrides them silently.
    merged: HashSet<String>,
}

struct Builder<'a> {
    file: &'a Arc<str>,
    /// Spaces added at the start of lines by an indentation repair (line -> count).
    pads: &'a HashMap<u32, u32>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Raw, usize)>,
    nodes: usize,
    root: Option<Raw>,
    warnings: Vec<Diagnostic>,
}

/// Most indentation repairs tried on one file (see [`load`]).
const MAX_REPAIRS: usize = 32;

/// Parse the first document of a YAML stream.
///
/// saphyr follows the YAML spec on indentation strictly, while CloudFormation (and PyYAML,
/// libyaml) accept a multi-line quoted scalar or a flow collection whose continuation lines
/// are not indented past the enclosing key. Those errors are repaired by indenting the
/// offending lines (which changes no value: such leading whitespace is folded away or
/// insignificant) and parsing again; spans are mapped back to the original columns.
pub fn load(text: &str, file: &Arc<str>) -> Result<Loaded, Diagnostic> {
    let mut pads: HashMap<u32, u32> = HashMap::new();
    let first = match load_once(text, file, &pads) {
        Ok(l) => return Ok(l),
        Err(e) => e,
    };
    let mut current = text.to_string();
    let mut err = first.clone();
    for _ in 0..MAX_REPAIRS {
        let Failure::Syntax { mark, info } = &err else {
            break;
        };
        let Some(repaired) = repair(&current, *mark, info, &mut pads) else {
            break;
        };
        current = repaired;
        match load_once(&current, file, &pads) {
            Ok(mut l) => {
                let mut lines: Vec<u32> = pads.keys().copied().collect();
                lines.sort_unstable();
                let shown: Vec<String> = lines.iter().take(5).map(u32::to_string).collect();
                l.warnings.push(Diagnostic::note(
                    Span::new(file.clone(), lines[0], 1, lines[0], 2),
                    format!(
                        "continuation lines indented less than strict YAML requires were \
                         accepted (line {}{})",
                        shown.join(", "),
                        if lines.len() > 5 { ", ..." } else { "" }
                    ),
                ));
                return Ok(l);
            }
            Err(e) => err = e,
        }
    }
    Err(first.into_diagnostic(file))
}

#[derive(Clone)]
enum Failure {
    /// A syntax error from the parser: where, and its message.
    Syntax {
        mark: Marker,
        info: String,
    },
    Other(Diagnostic),
}

impl Failure {
    fn into_diagnostic(self, file: &Arc<str>) -> Diagnostic {
        match self {
            Failure::Syntax { mark, info } => {
                let (line, col) = (mark.line().max(1) as u32, mark.col() as u32 + 1);
                Diagnostic::error(
                    Span::new(file.clone(), line, col, line, col + 1),
                    format!("YAML syntax error: {info}"),
                )
            }
            Failure::Other(d) => d,
        }
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Failure {
        Failure::Other(d)
    }
}

/// Indent the lines an indentation error is about; `None` when it is not that kind of error.
fn repair(text: &str, mark: Marker, info: &str, pads: &mut HashMap<u32, u32>) -> Option<String> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let line0 = mark.line().checked_sub(1)?;
    if line0 >= lines.len() {
        return None;
    }
    let mut pad = |lines: &mut Vec<String>, i: usize, to: usize| -> bool {
        let Some(l) = lines.get_mut(i) else {
            return false;
        };
        let have = indent(l);
        if have >= to || l.trim().is_empty() {
            return false;
        }
        l.insert_str(0, &" ".repeat(to - have));
        *pads.entry(i as u32 + 1).or_default() += (to - have) as u32;
        true
    };
    let changed = if info == "invalid indentation in quoted scalar" {
        // The mark is the opening quote: indent every line up to the closing quote past it.
        let quote_col = mark.col();
        let start: usize = lines[..line0].iter().map(|l| l.len() + 1).sum();
        let open_byte = start + lines[line0].char_indices().nth(quote_col)?.0;
        let q = text[open_byte..].chars().next()?;
        let close = closing_quote(&text[open_byte..], q).map(|c| open_byte + c)?;
        let close_line = text[..close].matches('\n').count();
        let mut any = false;
        for i in line0 + 1..=close_line {
            any |= pad(&mut lines, i, quote_col + 1);
        }
        any
    } else if info == "invalid indentation in flow construct" || info == "invalid indentation" {
        // The mark is the offending line of a flow collection: indent it past the line before.
        // A plain "invalid indentation" is only repaired inside a flow collection (the line
        // closes one, or the line before opens or continues one): in block structure,
        // indenting a line would change what it belongs to.
        let prev = (0..line0).rev().find(|&i| !lines[i].trim().is_empty())?;
        let in_flow = lines[line0].trim_start().starts_with([']', '}'])
            || lines[prev].trim_end().ends_with(['[', '{', ',']);
        if info == "invalid indentation" && !in_flow {
            return None;
        }
        let to = indent(&lines[prev]).max(indent(&lines[line0])) + 2;
        pad(&mut lines, line0, to)
    } else {
        false
    };
    changed.then(|| lines.join("\n"))
}

/// Byte offset of the quote closing the scalar that starts at `s[0] == q`.
fn closing_quote(s: &str, q: char) -> Option<usize> {
    let mut it = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = it.next() {
        if q == '\'' && c == '\'' {
            if it.peek().map(|&(_, n)| n) == Some('\'') {
                it.next();
                continue;
            }
            return Some(i);
        }
        if q == '"' {
            if c == '\\' {
                it.next();
            } else if c == '"' {
                return Some(i);
            }
        }
    }
    None
}

fn load_once(text: &str, file: &Arc<str>, pads: &HashMap<u32, u32>) -> Result<Loaded, Failure> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        file,
        pads,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
        warnings: Vec::new(),
    };
    let mut in_document = false;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Err(e)) => {
                return Err(Failure::Syntax {
                    mark: *e.marker(),
                    info: e.info().to_string(),
                });
            }
            Some(Ok(ev)) => ev,
        };
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if in_document || b.root.is_some() {
                    b.warnings.push(Diagnostic::warning(
                        b.span(span),
                        "only the first YAML document of the file is read",
                    ));
                    break;
                }
                in_document = true;
            }
            Event::DocumentEnd => {
                in_document = false;
                if b.root.is_some() {
                    // A later document is noted by the DocumentStart arm on the next turn.
                    continue;
                }
            }
            Event::Alias(id) => b.alias(id, span)?,
            Event::Scalar(value, style, anchor, tag) => {
                b.count(span)?;
                let raw = b.scalar(&value, style, tag.as_deref(), span);
                let key_text = value.into_owned();
                b.complete(raw, anchor, Some(key_text))?;
            }
            Event::SequenceStart(anchor, tag) => b.open(
                FrameKind::Seq(Vec::new()),
                anchor,
                tag.map(|t| t.into_owned()),
                span,
            )?,
            Event::MappingStart(anchor, tag) => b.open(
                FrameKind::Map(MapBuilder::default()),
                anchor,
                tag.map(|t| t.into_owned()),
                span,
            )?,
            Event::SequenceEnd | Event::MappingEnd => b.close(span)?,
        }
    }
    if !b.stack.is_empty() {
        // The parser reports unterminated input itself; this is a safety net.
        return Err(Failure::Other(Diagnostic::error(
            Span::new(file.clone(), 1, 1, 1, 2),
            "YAML syntax error: unexpected end of input",
        )));
    }
    let root = b
        .root
        .take()
        .unwrap_or_else(|| Raw::new(RawKind::Null, Span::new(file.clone(), 1, 1, 1, 1)));
    Ok(Loaded {
        root,
        warnings: b.warnings,
    })
}

impl Builder<'_> {
    fn point(&self, m: Marker) -> Span {
        let (line, col) = self.line_col(m);
        Span::new(self.file.clone(), line, col, line, col + 1)
    }

    /// 1-based line and column in the original text.
    fn line_col(&self, m: Marker) -> (u32, u32) {
        let line = m.line().max(1) as u32;
        let pad = self.pads.get(&line).copied().unwrap_or(0);
        (line, (m.col() as u32).saturating_sub(pad) + 1)
    }

    fn span(&self, s: YSpan) -> Span {
        let (line, col) = self.line_col(s.start);
        let (end_line, end_col) = self.line_col(s.end);
        Span::new(self.file.clone(), line, col, end_line, end_col)
    }

    fn count(&mut self, span: YSpan) -> Result<(), Diagnostic> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Diagnostic::error(
                self.span(span),
                format!("the template has more than {MAX_NODES} YAML nodes (aliases expanded)"),
            ));
        }
        Ok(())
    }

    fn open(
        &mut self,
        kind: FrameKind,
        anchor: usize,
        tag: Option<Tag>,
        span: YSpan,
    ) -> Result<(), Diagnostic> {
        self.count(span)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                self.span(span),
                format!("the template nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.stack.push(Frame {
            kind,
            start: span.start,
            tag,
            anchor,
            last_end: None,
        });
        Ok(())
    }

    fn close(&mut self, span: YSpan) -> Result<(), Diagnostic> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let start = self.point(frame.start);
        let end = if !span.is_empty() {
            self.span(span)
        } else {
            frame.last_end.clone().unwrap_or_else(|| start.clone())
        };
        let full = Span::new(
            self.file.clone(),
            start.line,
            start.col,
            end.end_line,
            end.end_col,
        );
        let kind = match frame.kind {
            FrameKind::Seq(items) => RawKind::Seq(items),
            FrameKind::Map(mut m) => {
                if let Some((k, ks)) = m.key.take() {
                    // `key:` with no value cannot happen (the parser emits an empty scalar);
                    // keep the key with a null value for safety.
                    m.entries.push(Entry {
                        key: k,
                        key_span: ks.clone(),
                        value: Raw::new(RawKind::Null, ks),
                    });
                }
                RawKind::Map(m.entries)
            }
        };
        let raw = Raw::new(kind, full);
        let raw = self.apply_collection_tag(raw, frame.tag.as_ref());
        self.complete(raw, frame.anchor, None)
    }

    fn alias(&mut self, id: usize, span: YSpan) -> Result<(), Diagnostic> {
        let Some((node, size)) = self.anchors.get(&id) else {
            return Err(Diagnostic::error(
                self.span(span),
                "YAML alias refers to an anchor that is not complete (a recursive alias)",
            ));
        };
        if self.nodes + size > MAX_NODES {
            return Err(Diagnostic::error(
                self.span(span),
                format!(
                    "the template has more than {MAX_NODES} YAML nodes once aliases are expanded \
                     (an alias bomb?)"
                ),
            ));
        }
        if self.stack.len() + node.depth() > MAX_DEPTH {
            return Err(Diagnostic::error(
                self.span(span),
                format!(
                    "the template nests deeper than {MAX_DEPTH} levels once aliases are expanded"
                ),
            ));
        }
        self.nodes += size;
        let node = node.clone();
        let key_text = node.scalar_text();
        // An alias is attached as is; it is not registered again.
        self.attach(node, key_text)
    }

    fn complete(
        &mut self,
        raw: Raw,
        anchor: usize,
        key_text: Option<String>,
    ) -> Result<(), Diagnostic> {
        if anchor != 0 {
            let size = raw.size();
            self.anchors.insert(anchor, (raw.clone(), size));
        }
        self.attach(raw, key_text)
    }

    fn attach(&mut self, raw: Raw, key_text: Option<String>) -> Result<(), Diagnostic> {
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(raw);
            }
            return Ok(());
        };
        parent.last_end = Some(raw.span.clone());
        match &mut parent.kind {
            FrameKind::Seq(items) => items.push(raw),
            FrameKind::Map(m) => match m.key.take() {
                None => {
                    let text = match key_text {
                        Some(t) if !matches!(raw.kind, RawKind::Map(_) | RawKind::Seq(_)) => t,
                        _ => {
                            self.warnings.push(Diagnostic::warning(
                                raw.span.clone(),
                                "a mapping key that is not a scalar is not supported; \
                                 the entry is ignored",
                            ));
                            String::new()
                        }
                    };
                    m.key = Some((text, raw.span));
                }
                Some((key, key_span)) => {
                    if key == "<<" {
                        merge_into(m, raw);
                    } else {
                        let dup = insert(m, key.clone(), key_span.clone(), raw);
                        if let Some(first) = dup {
                            self.warnings.push(Diagnostic::warning(
                                key_span,
                                format!(
                                    "duplicate key `{key}` (first defined at line {}); the last \
                                     one is used",
                                    first.line
                                ),
                            ));
                        }
                    }
                }
            },
        }
        Ok(())
    }

    /// A scalar with YAML 1.1-like typing for plain scalars, as CloudFormation reads them.
    fn scalar(&self, value: &str, style: ScalarStyle, tag: Option<&Tag>, span: YSpan) -> Raw {
        let span = self.span(span);
        let plain = style == ScalarStyle::Plain;
        match tag {
            Some(t) if t.handle == CORE_TAG => {
                let kind = match t.suffix.as_str() {
                    "str" => RawKind::Str(value.to_string()),
                    "null" => RawKind::Null,
                    "bool" | "int" | "float" => match plain_kind(value) {
                        k @ (RawKind::Bool(_) | RawKind::Number(_)) => k,
                        _ => RawKind::Str(value.to_string()),
                    },
                    _ => RawKind::Str(value.to_string()),
                };
                Raw::new(kind, span)
            }
            Some(t) if t.handle == "!" => match intrinsic_for_tag(&t.suffix) {
                Some("Fn::GetAtt") => {
                    let (res, attr) = value.split_once('.').unwrap_or((value, ""));
                    let list = Raw::new(
                        RawKind::Seq(vec![
                            Raw::str(res, span.clone()),
                            Raw::str(attr, span.clone()),
                        ]),
                        span.clone(),
                    );
                    Raw::call("Fn::GetAtt", list, span)
                }
                Some(name) => {
                    let inner = Raw::str(value, span.clone());
                    Raw::call(name, inner, span)
                }
                // An unknown local tag: keep the value (CloudFormation would reject it).
                None => Raw::str(value, span),
            },
            _ if plain => Raw::new(plain_kind(value), span),
            _ => Raw::str(value, span),
        }
    }

    fn apply_collection_tag(&self, raw: Raw, tag: Option<&Tag>) -> Raw {
        match tag {
            Some(t) if t.handle == "!" => match intrinsic_for_tag(&t.suffix) {
                Some(name) => {
                    let span = raw.span.clone();
                    Raw::call(name, raw, span)
                }
                None => raw,
            },
            _ => raw,
        }
    }
}

/// Insert or replace an entry; returns the span of the earlier key when it was a duplicate
/// written explicitly (not merged in by `<<`).
fn insert(m: &mut MapBuilder, key: String, key_span: Span, value: Raw) -> Option<Span> {
    let entry = Entry {
        key: key.clone(),
        key_span,
        value,
    };
    match m.index.get(&key) {
        Some(&i) => {
            let was_merged = m.merged.remove(&key);
            let first = m.entries[i].key_span.clone();
            m.entries[i] = entry;
            (!was_merged).then_some(first)
        }
        None => {
            m.index.insert(key, m.entries.len());
            m.entries.push(entry);
            None
        }
    }
}

/// YAML merge key `<<: *base` (or a list of maps): entries not already present are added.
fn merge_into(m: &mut MapBuilder, value: Raw) {
    let sources = match value.kind {
        RawKind::Map(_) => vec![value],
        RawKind::Seq(items) => items,
        _ => return,
    };
    for src in sources {
        if let RawKind::Map(entries) = src.kind {
            for e in entries {
                if !m.index.contains_key(&e.key) {
                    m.merged.insert(e.key.clone());
                    m.index.insert(e.key.clone(), m.entries.len());
                    m.entries.push(e);
                }
            }
        }
    }
}

/// How CloudFormation types an unquoted scalar: booleans, numbers, null, else a string.
/// Integers with a leading zero (`0123`, account IDs) stay strings so no digit is lost.
pub fn plain_kind(s: &str) -> RawKind {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return RawKind::Null,
        "true" | "True" | "TRUE" => return RawKind::Bool(true),
        "false" | "False" | "FALSE" => return RawKind::Bool(false),
        _ => {}
    }
    if is_number(s)
        && let Ok(n) = s.parse::<f64>()
        && n.is_finite()
    {
        return RawKind::Number(n);
    }
    RawKind::Str(s.to_string())
}

fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mantissa, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let int_ok = match frac {
        Some(f) => {
            (int.is_empty() || digits(int))
                && (f.is_empty() || digits(f))
                && !(int.is_empty() && f.is_empty())
        }
        None => digits(int),
    };
    if !int_ok {
        return false;
    }
    // A leading zero on an integer part with more digits: keep the text.
    if int.len() > 1 && int.starts_with('0') {
        return false;
    }
    match exp {
        None => true,
        Some(e) => digits(e.strip_prefix(['-', '+']).unwrap_or(e)),
    }
}

/// Span of a whole mapping entry (key through value).
pub fn entry_span(e: &Entry) -> Span {
    join_spans(&e.key_span, &e.value.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_ok(text: &str) -> Loaded {
        let file: Arc<str> = Arc::from("t.yaml");
        load(text, &file).unwrap_or_else(|d| panic!("{d:?}"))
    }

    fn pos(s: &Span) -> (u32, u32, u32, u32) {
        (s.line, s.col, s.end_line, s.end_col)
    }

    #[test]
    fn plain_scalars_are_typed_like_cloudformation() {
        assert_eq!(plain_kind("true"), RawKind::Bool(true));
        assert_eq!(plain_kind("False"), RawKind::Bool(false));
        assert_eq!(plain_kind("2"), RawKind::Number(2.0));
        assert_eq!(plain_kind("-1.5e3"), RawKind::Number(-1500.0));
        assert_eq!(
            plain_kind("012345678901"),
            RawKind::Str("012345678901".into())
        );
        assert_eq!(plain_kind("2012-10-17"), RawKind::Str("2012-10-17".into()));
        assert_eq!(plain_kind("python3.10"), RawKind::Str("python3.10".into()));
        assert_eq!(plain_kind("yes"), RawKind::Str("yes".into()));
        assert_eq!(plain_kind("~"), RawKind::Null);
        assert_eq!(plain_kind(".5"), RawKind::Number(0.5));
        assert_eq!(plain_kind("."), RawKind::Str(".".into()));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let l = load_ok("a: 'true'\nb: \"2\"\nc: 2\n");
        assert_eq!(l.root.get("a").unwrap().kind, RawKind::Str("true".into()));
        assert_eq!(l.root.get("b").unwrap().kind, RawKind::Str("2".into()));
        assert_eq!(l.root.get("c").unwrap().kind, RawKind::Number(2.0));
    }

    #[test]
    fn keys_and_values_have_positions() {
        let l = load_ok("Resources:\n  Role:\n    Type: AWS::IAM::Role\n");
        let res = l.root.entry("Resources").unwrap();
        assert_eq!(pos(&res.key_span), (1, 1, 1, 10));
        let role = res.value.entry("Role").unwrap();
        assert_eq!(pos(&role.key_span), (2, 3, 2, 7));
        let ty = role.value.entry("Type").unwrap();
        assert_eq!(pos(&ty.key_span), (3, 5, 3, 9));
        assert_eq!(pos(&ty.value.span), (3, 11, 3, 25));
        // A block mapping ends where its last value ends.
        assert_eq!(pos(&role.value.span), (3, 5, 3, 25));
        assert_eq!(pos(&entry_span(role)), (2, 3, 3, 25));
    }

    #[test]
    fn tagged_nodes_take_the_position_of_the_tag() {
        let l = load_ok("a: !Ref Foo\nb: !GetAtt Role.Arn\nc: !Join [',', [x, y]]\n");
        let a = l.root.get("a").unwrap();
        assert_eq!(pos(&a.span), (1, 4, 1, 12));
        assert_eq!(a.as_call().unwrap().0, "Ref");
        let b = l.root.get("b").unwrap();
        assert_eq!(pos(&b.span), (2, 4, 2, 20));
        let (name, arg) = b.as_call().unwrap();
        assert_eq!(name, "Fn::GetAtt");
        let RawKind::Seq(items) = &arg.kind else {
            panic!()
        };
        assert_eq!(items[0].as_str(), Some("Role"));
        assert_eq!(items[1].as_str(), Some("Arn"));
        let c = l.root.get("c").unwrap();
        assert_eq!(pos(&c.span), (3, 4, 3, 23));
    }

    #[test]
    fn every_short_form_tag_becomes_its_long_form() {
        let tags = [
            ("Ref", "Ref"),
            ("Condition", "Condition"),
            ("GetAtt", "Fn::GetAtt"),
            ("Sub", "Fn::Sub"),
            ("Join", "Fn::Join"),
            ("Select", "Fn::Select"),
            ("Split", "Fn::Split"),
            ("If", "Fn::If"),
            ("Equals", "Fn::Equals"),
            ("And", "Fn::And"),
            ("Or", "Fn::Or"),
            ("Not", "Fn::Not"),
            ("FindInMap", "Fn::FindInMap"),
            ("Base64", "Fn::Base64"),
            ("Cidr", "Fn::Cidr"),
            ("GetAZs", "Fn::GetAZs"),
            ("ImportValue", "Fn::ImportValue"),
            ("Transform", "Fn::Transform"),
        ];
        for (tag, long) in tags {
            for form in [
                format!("x: !{tag} v\n"),
                format!("x: !{tag} [a, b]\n"),
                format!("x: !{tag} {{k: v}}\n"),
            ] {
                let l = load_ok(&form);
                let x = l.root.get("x").unwrap();
                let entries = x.entries();
                assert_eq!(entries.len(), 1, "{form}");
                assert_eq!(entries[0].key, long, "{form}");
            }
        }
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let l = load_ok("base: &b {x: 1, y: 2}\ncopy: *b\nmerged:\n  <<: *b\n  y: 3\n");
        assert_eq!(
            l.root.get("copy").unwrap().get("x").unwrap().kind,
            RawKind::Number(1.0)
        );
        let m = l.root.get("merged").unwrap();
        assert_eq!(m.get("x").unwrap().kind, RawKind::Number(1.0));
        assert_eq!(m.get("y").unwrap().kind, RawKind::Number(3.0));
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    }

    #[test]
    fn multi_line_scalars() {
        let l = load_ok("a: |\n  line1\n  line2\nb: >\n  folded\n  text\nc: plain\n  continued\n");
        assert_eq!(l.root.get("a").unwrap().as_str(), Some("line1\nline2\n"));
        assert_eq!(l.root.get("b").unwrap().as_str(), Some("folded text\n"));
        assert_eq!(l.root.get("c").unwrap().as_str(), Some("plain continued"));
    }

    #[test]
    fn duplicate_keys_warn_with_position() {
        let l = load_ok("a: 1\nb: 2\na: 3\n");
        assert_eq!(l.warnings.len(), 1);
        assert_eq!(pos(&l.warnings[0].span), (3, 1, 3, 2));
        assert!(l.warnings[0].message.contains("duplicate key `a`"));
        assert_eq!(l.root.get("a").unwrap().kind, RawKind::Number(3.0));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let file: Arc<str> = Arc::from("t.yaml");
        let err = load("a: 1\nb: [1,\n", &file).err().unwrap();
        assert_eq!(err.level, crate::document::DiagLevel::Error);
        assert_eq!((err.span.line, err.span.col), (3, 1));
        assert!(err.message.starts_with("YAML syntax error"));
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let file: Arc<str> = Arc::from("t.yaml");
        let err = load(&text, &file).err().unwrap();
        assert!(err.message.contains("alias"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_a_diagnostic() {
        let file: Arc<str> = Arc::from("t.yaml");
        let flow = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let err = load(&flow, &file).err().unwrap();
        assert_eq!(err.level, crate::document::DiagLevel::Error);
        let one_line = format!("a: {}x\n", "- ".repeat(10_000));
        assert!(load(&one_line, &file).is_err());
        let mut block = String::from("r:\n");
        for i in 0..1_000 {
            block.push_str(&" ".repeat(i + 1));
            block.push_str("- \n");
        }
        assert!(load(&block, &file).is_err());
        let mut maps = String::new();
        for i in 0..1_000 {
            maps.push_str(&" ".repeat(i));
            maps.push_str(&format!("k{i}:\n"));
        }
        let err = load(&maps, &file).err().unwrap();
        assert!(err.message.contains("deeper"), "{}", err.message);
    }

    #[test]
    fn lenient_indentation_of_continuation_lines() {
        // A quoted scalar continued at the key's own indentation (PyYAML and CloudFormation
        // accept it; strict YAML does not).
        let text = "Outputs:\n  A:\n    Value: 'first line,\n    second line'\n    Other: x\n";
        let l = load_ok(text);
        let a = l.root.get("Outputs").unwrap().get("A").unwrap();
        assert_eq!(
            a.get("Value").unwrap().as_str(),
            Some("first line, second line")
        );
        let other = a.entry("Other").unwrap();
        assert_eq!(pos(&other.key_span), (5, 5, 5, 10));
        assert_eq!(l.warnings.len(), 1);
        assert_eq!(l.warnings[0].level, crate::document::DiagLevel::Note);
        // A flow sequence closed at the key's indentation; positions stay those of the file.
        let text = "R:\n  k: [\n      \"a\",\n      !GetAtt B.Arn\n  ]\n  n: 1\n";
        let l = load_ok(text);
        let k = l.root.get("R").unwrap().get("k").unwrap();
        let RawKind::Seq(items) = &k.kind else {
            panic!("{k:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(pos(&items[1].span), (4, 7, 4, 20));
        assert_eq!((k.span.end_line, k.span.end_col), (5, 4));
        // Real indentation errors are still errors, at their original position.
        let file: Arc<str> = Arc::from("t.yaml");
        let err = load("a:\n  b: 1\n c: 2\n", &file).err().unwrap();
        assert_eq!(err.span.line, 3);
        let err = load("a:\n  b:\n c: 2\n", &file).err().unwrap();
        assert_eq!(err.span.line, 3);
    }

    #[test]
    fn recursive_alias_is_an_error() {
        let file: Arc<str> = Arc::from("t.yaml");
        assert!(load("a: &a [*a]\n", &file).is_err());
    }

    #[test]
    fn only_the_first_document_is_read() {
        let l = load_ok("a: 1\n---\nb: 2\n");
        assert!(l.root.get("a").is_some());
        assert_eq!(l.warnings.len(), 1);
    }
}
