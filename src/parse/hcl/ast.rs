//! rolegraph's own Terraform syntax tree. Both native HCL (through `hcl-edit`, which keeps
//! byte spans) and the JSON syntax (`.tf.json`) convert into it, with line/column spans, so
//! the evaluator is written once.

use crate::value::{Node, Span, Value};
use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Body as HBody, Structure};
use hcl_edit::template::{Directive, Element, Template};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum Expr {
    /// null, bool, number or a plain string.
    Lit(Node),
    Template(Vec<TPart>, Span),
    Array(Vec<Expr>, Span),
    Object(Vec<(ObjKey, Expr)>, Span),
    Var(String, Span),
    Traversal(Box<Expr>, Vec<Op>, Span),
    Call {
        name: String,
        args: Vec<Expr>,
        expand_final: bool,
        span: Span,
    },
    Cond(Box<Expr>, Box<Expr>, Box<Expr>, Span),
    Unary(UnaryOperator, Box<Expr>, Span),
    Binary(BinaryOperator, Box<Expr>, Box<Expr>, Span),
    For(Box<ForExpr>),
}

#[derive(Clone, Debug)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    pub key_expr: Option<Expr>,
    pub value_expr: Expr,
    pub cond: Option<Expr>,
    pub grouping: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ObjKey {
    Ident(String),
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub enum Op {
    Attr(String),
    Index(Expr),
    /// `.*` and `[*]`.
    Splat,
}

#[derive(Clone, Debug)]
pub enum TPart {
    Lit(String),
    Interp(Expr),
    If {
        cond: Expr,
        then: Vec<TPart>,
        otherwise: Vec<TPart>,
    },
    For {
        key_var: Option<String>,
        value_var: String,
        collection: Expr,
        body: Vec<TPart>,
    },
}

impl Expr {
    pub fn span(&self) -> &Span {
        match self {
            Expr::Lit(n) => &n.span,
            Expr::Template(_, s)
            | Expr::Array(_, s)
            | Expr::Object(_, s)
            | Expr::Var(_, s)
            | Expr::Traversal(_, _, s)
            | Expr::Call { span: s, .. }
            | Expr::Cond(_, _, _, s)
            | Expr::Unary(_, _, s)
            | Expr::Binary(_, _, _, s) => s,
            Expr::For(f) => &f.span,
        }
    }

    /// The traversal as a dotted path of static names (`var.x`, `aws_iam_role.r.arn`), when it
    /// is one.
    pub fn static_path(&self) -> Option<Vec<String>> {
        match self {
            Expr::Var(name, _) => Some(vec![name.clone()]),
            Expr::Traversal(base, ops, _) => {
                let mut p = base.static_path()?;
                for op in ops {
                    match op {
                        Op::Attr(a) => p.push(a.clone()),
                        _ => return None,
                    }
                }
                Some(p)
            }
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub expr: Expr,
    /// From the attribute name to the end of its value.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub span: Span,
    /// The block's header: type, labels and the opening brace.
    pub header: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
    /// The comments of this body (native syntax only; `.tf.json` has none), in source order.
    pub comments: Vec<Comment>,
}

/// A comment (`# ...`, `// ...`, `/* ... */`) and what it belongs to.
#[derive(Clone, Debug)]
pub struct Comment {
    /// The comment's text without its markers, trimmed.
    pub text: String,
    pub span: Span,
    pub target: CommentTarget,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentTarget {
    /// On the lines above the attribute with this index in [`Body::attributes`], or after
    /// it on its last line.
    Attribute(usize),
    /// Above the block with this index in [`Body::blocks`], or after its opening brace.
    Block(usize),
    /// After the last attribute or block (before the closing brace, or at the end of the
    /// file).
    End,
    /// Above an attribute or block but separated from it by a blank line: it applies to
    /// nothing (a suppression written there is reported, not applied).
    Detached,
}

/// The comments in `gap` (text that holds only whitespace and comments), which starts at
/// byte `offset` of its file: `(byte range, text without markers)`.
fn comments_in(gap: &str, offset: usize) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    let b = gap.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &gap[i..];
        let (len, text) = if rest.starts_with('#') || rest.starts_with("//") {
            let len = rest.find('\n').unwrap_or(rest.len());
            let marker = if rest.starts_with('#') { 1 } else { 2 };
            (len, &rest[marker..len])
        } else if rest.starts_with("/*") {
            let len = rest.find("*/").map(|e| e + 2).unwrap_or(rest.len());
            (len, rest[2..len].trim_end_matches("*/"))
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        out.push((offset + i..offset + i + len, text.trim().to_string()));
        i += len;
    }
    out
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

/// Maps byte offsets of one file to 1-based line and character columns (through
/// [`crate::parse::lines`], so a long line costs no more per lookup than a short one).
pub struct LineIndex {
    file: Arc<str>,
    lines: crate::parse::lines::Lines,
    text: Arc<str>,
    /// Where the text starts in its file (for text embedded in another file: a JSON string).
    base_line: u32,
    base_col: u32,
}

impl LineIndex {
    pub fn new(file: Arc<str>, text: Arc<str>) -> LineIndex {
        LineIndex {
            file,
            lines: crate::parse::lines::Lines::new(&text),
            text,
            base_line: 1,
            base_col: 1,
        }
    }

    /// An index for text that starts at `line`:`col` of `file`.
    pub fn with_base(file: Arc<str>, text: Arc<str>, line: u32, col: u32) -> LineIndex {
        LineIndex {
            base_line: line.max(1),
            base_col: col.max(1),
            ..LineIndex::new(file, text)
        }
    }

    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// The text of a byte range (empty when out of range).
    pub fn text(&self, r: std::ops::Range<usize>) -> &str {
        self.text.get(r).unwrap_or("")
    }

    pub fn pos(&self, offset: usize) -> (u32, u32) {
        let (line, col) = self.lines.pos0(&self.text, offset);
        if line == 0 {
            (self.base_line, col + self.base_col)
        } else {
            (line + self.base_line, col + 1)
        }
    }

    pub fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        match range {
            None => Span::none(),
            Some(r) => {
                let (line, col) = self.pos(r.start);
                let (end_line, end_col) = self.pos(r.end);
                Span::new(self.file.clone(), line, col, end_line, end_col)
            }
        }
    }
}

/// Converts an `hcl-edit` body into the rolegraph syntax tree.
pub struct Converter<'a> {
    pub idx: &'a LineIndex,
}

impl Converter<'_> {
    /// Record the comments of a decor string that starts (`Ok`) or ends (`Err`) at one of
    /// the given offsets: the first place where the source text is the decor's text.
    fn decor_comments(
        &self,
        raw: Option<&hcl_edit::RawString>,
        at: &[Result<usize, usize>],
        target: CommentTarget,
        above: bool,
        out: &mut Vec<Comment>,
    ) {
        let Some(raw) = raw else { return };
        let text: &str = raw;
        if text.is_empty() {
            return;
        }
        let found = at.iter().find_map(|a| {
            let offset = match *a {
                Ok(start) => start,
                Err(end) => end.checked_sub(text.len())?,
            };
            (self.idx.text(offset..offset + text.len()) == text).then_some(offset)
        });
        // Positions would be wrong anywhere else.
        let Some(offset) = found else { return };
        let comments = comments_in(text, offset);
        // Above a structure, a comment applies to it only when no blank line separates
        // them: the comments before the last blank line are detached.
        let mut detached = 0;
        if above {
            let end = offset + text.len();
            for (i, (range, _)) in comments.iter().enumerate() {
                let next = comments.get(i + 1).map_or(end, |c| c.0.start);
                let gap = self.idx.text(range.end..next);
                if gap.matches('\n').count() >= 2 {
                    detached = i + 1;
                }
            }
        }
        for (i, (range, text)) in comments.into_iter().enumerate() {
            out.push(Comment {
                text,
                span: self.idx.span(Some(range)),
                target: if i < detached {
                    CommentTarget::Detached
                } else {
                    target
                },
            });
        }
    }

    pub fn body(&self, body: &HBody) -> Body {
        use hcl_edit::Decorate;
        let mut out = Body::default();
        // Sized once: growing by doubling held up to twice the memory for a body of
        // 100,000 blocks (issue 16).
        let blocks = body.iter().filter(|s| s.is_block()).count();
        out.blocks.reserve_exact(blocks);
        out.attributes.reserve_exact(body.len() - blocks);
        for s in body.iter() {
            let span = s.span();
            let target = match s {
                Structure::Attribute(_) => CommentTarget::Attribute(out.attributes.len()),
                Structure::Block(_) => CommentTarget::Block(out.blocks.len()),
            };
            if let Some(r) = &span {
                self.decor_comments(
                    s.decor().prefix(),
                    &[Err(r.start)],
                    target,
                    true,
                    &mut out.comments,
                );
                self.decor_comments(
                    s.decor().suffix(),
                    &[Ok(r.end)],
                    target,
                    false,
                    &mut out.comments,
                );
            }
            if let (Structure::Block(b), Some(r)) = (s, &span) {
                // After the opening brace, on the header line.
                let text = self.idx.text(r.clone());
                if let Some(brace) = text.find('{') {
                    self.decor_comments(
                        b.body.decor().prefix(),
                        &[Ok(r.start + brace + 1)],
                        target,
                        false,
                        &mut out.comments,
                    );
                }
            }
            match s {
                Structure::Attribute(a) => out.attributes.push(Attribute {
                    name: a.key.as_str().to_string(),
                    expr: self.expr(&a.value),
                    span: self.idx.span(a.span()),
                }),
                Structure::Block(b) => {
                    let span = b.span();
                    // The header ends at the opening brace.
                    let header = span.clone().map(|r| {
                        let text = self.idx.text(r.clone());
                        let end = text.find('{').map(|i| r.start + i + 1).unwrap_or(r.end);
                        r.start..end
                    });
                    out.blocks.push(Block {
                        kind: b.ident.as_str().to_string(),
                        labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                        body: self.body(&b.body),
                        span: self.idx.span(span),
                        header: self.idx.span(header),
                    })
                }
            }
        }
        // Comments after the last structure: the body's own suffix, which ends where the
        // body does (the closing brace, or the end of the file).
        if let Some(r) = body.span() {
            self.decor_comments(
                body.decor().suffix(),
                &[Ok(r.end), Err(r.end)],
                CommentTarget::End,
                false,
                &mut out.comments,
            );
        }
        out.comments.sort_by_key(|c| (c.span.line, c.span.col));
        out
    }

    pub fn expr(&self, e: &Expression) -> Expr {
        let span = self.idx.span(e.span());
        match e {
            Expression::Null(_) => Expr::Lit(Node::null(span)),
            Expression::Bool(b) => Expr::Lit(Node::new(Value::Bool(*b.value()), span)),
            Expression::Number(n) => Expr::Lit(Node::new(
                Value::Number(n.value().as_f64().unwrap_or(f64::NAN)),
                span,
            )),
            Expression::String(s) => Expr::Lit(Node::string(s.value().clone(), span)),
            Expression::Array(a) => Expr::Array(a.iter().map(|e| self.expr(e)).collect(), span),
            Expression::Object(o) => Expr::Object(
                o.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(i) => ObjKey::Ident(i.as_str().to_string()),
                            ObjectKey::Expression(e) => match e {
                                // `"key" = value` is a literal key, not an expression (a
                                // repeated key was renamed, see `dupkeys`).
                                Expression::String(s) => ObjKey::Ident(
                                    super::dupkeys::original_key(s.value()).to_string(),
                                ),
                                Expression::Variable(v) => ObjKey::Ident(v.as_str().to_string()),
                                other => ObjKey::Expr(self.expr(other)),
                            },
                        };
                        (key, self.expr(v.expr()))
                    })
                    .collect(),
                span,
            ),
            Expression::StringTemplate(t) => Expr::Template(self.template_elements(t.iter()), span),
            Expression::HeredocTemplate(h) => {
                // The text starts on the line after `<<EOF`: spans of JSON parsed from it line up.
                let mut s = span.clone();
                s.line += 1;
                s.col = 1;
                Expr::Template(self.template(&h.template), s)
            }
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => Expr::Var(v.as_str().to_string(), span),
            Expression::Conditional(c) => Expr::Cond(
                Box::new(self.expr(&c.cond_expr)),
                Box::new(self.expr(&c.true_expr)),
                Box::new(self.expr(&c.false_expr)),
                span,
            ),
            Expression::FuncCall(f) => {
                let mut name = String::new();
                for ns in &f.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(f.name.name.as_str());
                Expr::Call {
                    name,
                    args: f.args.iter().map(|a| self.expr(a)).collect(),
                    expand_final: f.args.expand_final(),
                    span,
                }
            }
            Expression::Traversal(t) => Expr::Traversal(
                Box::new(self.expr(&t.expr)),
                t.operators
                    .iter()
                    .map(|op| match op.value() {
                        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                            Op::Splat
                        }
                        TraversalOperator::GetAttr(i) => Op::Attr(i.as_str().to_string()),
                        TraversalOperator::Index(e) => Op::Index(self.expr(e)),
                        TraversalOperator::LegacyIndex(i) => Op::Index(Expr::Lit(Node::new(
                            Value::Number(*i.value() as f64),
                            span.clone(),
                        ))),
                    })
                    .collect(),
                span,
            ),
            Expression::UnaryOp(u) => {
                Expr::Unary(*u.operator.value(), Box::new(self.expr(&u.expr)), span)
            }
            Expression::BinaryOp(b) => Expr::Binary(
                *b.operator.value(),
                Box::new(self.expr(&b.lhs_expr)),
                Box::new(self.expr(&b.rhs_expr)),
                span,
            ),
            Expression::ForExpr(f) => Expr::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr),
                key_expr: f.key_expr.as_ref().map(|k| self.expr(k)),
                value_expr: self.expr(&f.value_expr),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
                grouping: f.grouping,
                span,
            })),
        }
    }

    pub fn template(&self, t: &Template) -> Vec<TPart> {
        self.template_elements(t.iter())
    }

    fn template_elements<'e>(&self, elements: impl Iterator<Item = &'e Element>) -> Vec<TPart> {
        let mut out = Vec::new();
        for el in elements {
            match el {
                Element::Literal(s) => out.push(TPart::Lit(s.value().clone())),
                Element::Interpolation(i) => out.push(TPart::Interp(self.expr(&i.expr))),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => out.push(TPart::If {
                        cond: self.expr(&d.if_expr.cond_expr),
                        then: self.template(&d.if_expr.template),
                        otherwise: d
                            .else_expr
                            .as_ref()
                            .map(|e| self.template(&e.template))
                            .unwrap_or_default(),
                    }),
                    Directive::For(d) => out.push(TPart::For {
                        key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().to_string()),
                        value_var: d.for_expr.value_var.as_str().to_string(),
                        collection: self.expr(&d.for_expr.collection_expr),
                        body: self.template(&d.for_expr.template),
                    }),
                },
            }
        }
        out
    }
}

/// Parse a native-syntax `.tf` (or `.tfvars`) file.
pub fn parse_hcl(file: Arc<str>, text: &str) -> Result<Body, (Span, String)> {
    parse_hcl_with_warnings(file, text).map(|(b, _)| b)
}

/// A warning about a file that was still parsed: where, and what.
pub type Warning = (Span, String);

/// Parse a native-syntax file; object keys written twice are accepted as Terraform does
/// (the last value wins), each with a warning.
pub fn parse_hcl_with_warnings(
    file: Arc<str>,
    text: &str,
) -> Result<(Body, Vec<Warning>), (Span, String)> {
    let mut warnings = Vec::new();
    let mut owned: Option<String> = None;
    loop {
        let current = owned.as_deref().unwrap_or(text);
        match parse_hcl_once(file.clone(), current) {
            Ok(b) => return Ok((b, warnings)),
            Err((span, msg, true)) if warnings.len() < super::dupkeys::MAX_RENAMES => {
                let Some((next, key)) = super::dupkeys::rename(
                    current,
                    span.line as usize,
                    span.col as usize,
                    warnings.len(),
                ) else {
                    return Err((span, msg));
                };
                warnings.push((
                    span,
                    format!("object key \"{key}\" is written twice: the last value is used, as Terraform does"),
                ));
                owned = Some(next);
            }
            Err((span, msg, _)) => return Err((span, msg)),
        }
    }
}

/// One parse; the flag says the error is a repeated object key.
fn parse_hcl_once(file: Arc<str>, text: &str) -> Result<Body, (Span, String, bool)> {
    let idx = LineIndex::new(file.clone(), Arc::from(text));
    // Terraform accepts a UTF-8 byte order mark at the start of a file; hcl-edit does not.
    // Three spaces in its place keep every byte offset (and so every position) as it is.
    let unmarked;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            unmarked = format!("   {rest}");
            unmarked.as_str()
        }
        None => text,
    };
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Ok(Converter { idx: &idx }.body(&body)),
        Err(e) => {
            let loc = e.location();
            let span = Span::new(
                file,
                loc.line() as u32,
                loc.column() as u32,
                loc.line() as u32,
                loc.column() as u32 + 1,
            );
            let repeated = e.message().contains("redefined object key");
            Err((span, format!("HCL syntax error: {}", e.message()), repeated))
        }
    }
}

/// Parse a template text (for `templatefile`) into parts; spans point into `file`.
pub fn parse_template_text(file: Arc<str>, text: &str) -> Result<Vec<TPart>, (Span, String)> {
    let idx = LineIndex::new(file.clone(), Arc::from(text));
    match hcl_edit::parser::parse_template(text) {
        Ok(t) => Ok(Converter { idx: &idx }.template(&t)),
        Err(e) => {
            let loc = e.location();
            let span = Span::new(
                file,
                loc.line() as u32,
                loc.column() as u32,
                loc.line() as u32,
                loc.column() as u32 + 1,
            );
            Err((span, format!("template syntax error: {}", e.message())))
        }
    }
}

#[cfg(test)]
mod comment_tests {
    use super::*;

    fn comments(src: &str) -> Body {
        parse_hcl(Arc::from("c.tf"), src).unwrap()
    }

    fn summary(b: &Body) -> Vec<(u32, String, CommentTarget)> {
        b.comments
            .iter()
            .map(|c| (c.span.line, c.text.clone(), c.target))
            .collect()
    }

    #[test]
    fn comments_belong_to_what_follows_them() {
        let src = "\
# above the resource
/* block comment */
resource \"aws_instance\" \"web\" { # after the brace
  // above ami
  ami = \"ami-1\" # trailing ami
  s = \"# not a comment\"

  /* above
     the block */
  metadata_options {
    http_tokens = \"optional\"
  }
  # before the closing brace
}
# end of file
";
        let body = comments(src);
        assert_eq!(
            summary(&body),
            vec![
                (1, "above the resource".into(), CommentTarget::Block(0)),
                (2, "block comment".into(), CommentTarget::Block(0)),
                (3, "after the brace".into(), CommentTarget::Block(0)),
                (15, "end of file".into(), CommentTarget::End),
            ]
        );
        let inner = &body.blocks[0].body;
        assert_eq!(
            summary(inner),
            vec![
                (4, "above ami".into(), CommentTarget::Attribute(0)),
                (5, "trailing ami".into(), CommentTarget::Attribute(0)),
                (8, "above\n     the block".into(), CommentTarget::Block(0)),
                (13, "before the closing brace".into(), CommentTarget::End),
            ]
        );
        assert_eq!(inner.comments[1].span.col, 17);
    }

    #[test]
    fn scans_only_comment_text() {
        assert_eq!(
            comments_in("  # a\n\t// b /* c */\n /* d\n e */ ", 10),
            vec![
                (12..15, "a".to_string()),
                (17..29, "b /* c */".to_string()),
                (31..41, "d\n e".to_string()),
            ]
        );
    }
}
