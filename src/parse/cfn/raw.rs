//! The template as written, before intrinsic functions are resolved: an ordered tree whose
//! mapping keys keep their own spans (the shared [`Node`](crate::value::Node) keeps a map's
//! keys without positions). YAML short-form tags are already in their long form here
//! (`!Ref X` is the one-entry map `{Ref: X}`), so JSON and YAML read the same from here on.

use crate::value::Span;

/// Deepest nesting of collections a template may have.
pub const MAX_DEPTH: usize = 200;
/// Most nodes a template may expand to (YAML aliases included).
pub const MAX_NODES: usize = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub enum RawKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Seq(Vec<Raw>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Raw {
    pub kind: RawKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Raw,
}

impl Raw {
    pub fn new(kind: RawKind, span: Span) -> Raw {
        Raw { kind, span }
    }

    pub fn str(s: impl Into<String>, span: Span) -> Raw {
        Raw::new(RawKind::Str(s.into()), span)
    }

    /// A one-entry map `{key: value}` (the long form of an intrinsic function).
    pub fn call(key: &str, value: Raw, span: Span) -> Raw {
        Raw::new(
            RawKind::Map(vec![Entry {
                key: key.to_string(),
                key_span: span.clone(),
                value,
            }]),
            span,
        )
    }

    /// A map built from entries whose keys take `span`.
    pub fn map(entries: Vec<(&str, Raw)>, span: Span) -> Raw {
        Raw::new(
            RawKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Entry {
                        key: k.to_string(),
                        key_span: span.clone(),
                        value: v,
                    })
                    .collect(),
            ),
            span,
        )
    }

    pub fn get(&self, key: &str) -> Option<&Raw> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            RawKind::Map(m) => m.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            RawKind::Map(m) => m,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            RawKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, RawKind::Map(_))
    }

    /// A scalar as CloudFormation reads it where a string is expected (`Type: 2`).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            RawKind::Str(s) => Some(s.clone()),
            RawKind::Number(n) => Some(crate::value::format_number(*n)),
            RawKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// `Some((name, argument))` when this is an intrinsic function call: a map with exactly
    /// one key, `Ref` or `Fn::...`.
    pub fn as_call(&self) -> Option<(&str, &Raw)> {
        match &self.kind {
            RawKind::Map(m) if m.len() == 1 => {
                let e = &m[0];
                (e.key == "Ref" || e.key.starts_with("Fn::")).then_some((e.key.as_str(), &e.value))
            }
            _ => None,
        }
    }

    /// Number of nodes in this tree (keys not counted).
    pub fn size(&self) -> usize {
        match &self.kind {
            RawKind::Seq(s) => 1 + s.iter().map(Raw::size).sum::<usize>(),
            RawKind::Map(m) => 1 + m.iter().map(|e| e.value.size()).sum::<usize>(),
            _ => 1,
        }
    }

    /// Nesting depth of this tree (a scalar is 0, `[x]` is 1).
    pub fn depth(&self) -> usize {
        match &self.kind {
            RawKind::Seq(s) => 1 + s.iter().map(Raw::depth).max().unwrap_or(0),
            RawKind::Map(m) => 1 + m.iter().map(|e| e.value.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }
}

/// Span from the start of `a` to the end of `b`.
pub fn join_spans(a: &Span, b: &Span) -> Span {
    if a.is_none() {
        return b.clone();
    }
    if b.is_none() || (b.end_line, b.end_col) < (a.end_line, a.end_col) {
        return a.clone();
    }
    Span::new(a.file.clone(), a.line, a.col, b.end_line, b.end_col)
}
