//! Terraform's JSON syntax (`.tf.json`, `.tfvars.json`) converted into the same syntax tree
//! as native HCL. Strings are templates (`"${var.x}"`), as Terraform reads them.

use super::ast::{Attribute, Block, Body, Converter, Expr, LineIndex, ObjKey, TPart};
use crate::parse::json;
use crate::value::{Node, Span, Value};
use std::sync::Arc;

/// Block types whose JSON form nests labels as object keys, and how many labels they take.
fn label_count(kind: &str) -> Option<usize> {
    match kind {
        "resource" | "data" => Some(2),
        "variable" | "output" | "module" | "provider" => Some(1),
        "locals" | "terraform" => Some(0),
        _ => None,
    }
}

pub fn parse(file: Arc<str>, text: &str) -> Result<Body, (Span, String)> {
    let root = json::parse(text, file.clone(), 1, 1).map_err(|e| {
        (
            Span::new(file.clone(), e.line, e.col, e.line, e.col + 1),
            format!("JSON syntax error: {}", e.message),
        )
    })?;
    let Value::Map(top) = &root.value else {
        return Err((
            root.span.clone(),
            "a Terraform JSON file must be an object".into(),
        ));
    };
    let mut body = Body::default();
    let is_vars = file.ends_with(".tfvars.json");
    for (kind, v) in top.iter() {
        let (kind, v): (&str, &Node) = (kind.as_str(), v);
        if is_vars {
            body.attributes.push(Attribute {
                name: kind.to_string(),
                expr: literal(v),
                span: v.span.clone(),
            });
            continue;
        }
        match label_count(kind) {
            Some(n) => {
                for item in v.items() {
                    blocks(kind, n, item, Vec::new(), &mut body.blocks);
                }
            }
            None => body.attributes.push(Attribute {
                name: kind.to_string(),
                expr: expr(v),
                span: v.span.clone(),
            }),
        }
    }
    Ok(body)
}

fn blocks(kind: &str, labels_left: usize, v: &Node, labels: Vec<String>, out: &mut Vec<Block>) {
    if labels_left == 0 {
        for item in v.items() {
            out.push(Block {
                kind: kind.to_string(),
                labels: labels.clone(),
                body: block_body(kind, item),
                span: item.span.clone(),
                header: item.span.first_line(),
            });
        }
        return;
    }
    if let Value::Map(m) = &v.value {
        for (k, inner) in m {
            let mut l = labels.clone();
            l.push(k.clone());
            blocks(kind, labels_left - 1, inner, l, out);
        }
    }
}

fn block_body(kind: &str, v: &Node) -> Body {
    let mut body = Body::default();
    let Value::Map(m) = &v.value else {
        return body;
    };
    for (k, val) in m {
        match (kind, k.as_str()) {
            // Variable defaults and types are literal values, not templates.
            ("variable", "default") => body.attributes.push(Attribute {
                name: k.clone(),
                expr: literal(val),
                span: val.span.clone(),
            }),
            ("variable", "type") => {
                if let Some(s) = val.as_str() {
                    let idx = LineIndex::with_base(
                        val.span.file.clone(),
                        Arc::from(s),
                        val.span.line,
                        val.span.col + 1,
                    );
                    if let Ok(e) = hcl_edit::parser::parse_expr(s) {
                        body.attributes.push(Attribute {
                            name: k.clone(),
                            expr: Converter { idx: &idx }.expr(&e),
                            span: val.span.clone(),
                        });
                    }
                }
            }
            ("resource" | "data", "dynamic") => {
                if let Value::Map(dm) = &val.value {
                    for (label, d) in dm {
                        for item in d.items() {
                            let mut inner = block_body("", item);
                            // `content` is a block in the dynamic body.
                            if let Some(pos) =
                                inner.attributes.iter().position(|a| a.name == "content")
                            {
                                let a = inner.attributes.remove(pos);
                                if let Expr::Object(..) = &a.expr {
                                    let content_node = item.get("content").cloned();
                                    if let Some(c) = content_node {
                                        inner.blocks.push(Block {
                                            kind: "content".into(),
                                            labels: vec![],
                                            body: block_body("", &c),
                                            span: c.span.clone(),
                                            header: c.span.first_line(),
                                        });
                                    }
                                }
                            }
                            body.blocks.push(Block {
                                kind: "dynamic".into(),
                                labels: vec![label.clone()],
                                body: inner,
                                span: item.span.clone(),
                                header: item.span.first_line(),
                            });
                        }
                    }
                }
            }
            (_, "//") => {}
            _ => body.attributes.push(Attribute {
                name: k.clone(),
                expr: expr(val),
                span: val.span.clone(),
            }),
        }
    }
    body
}

/// A JSON value as an expression: strings are templates.
fn expr(v: &Node) -> Expr {
    match &v.value {
        Value::String(s) if s.contains("${") || s.contains("%{") => template(s, &v.span),
        Value::List(l) => Expr::Array(l.iter().map(expr).collect(), v.span.clone()),
        Value::Map(m) => Expr::Object(
            m.iter()
                .map(|(k, val)| (ObjKey::Ident(k.clone()), expr(val)))
                .collect(),
            v.span.clone(),
        ),
        _ => Expr::Lit(v.clone()),
    }
}

/// A JSON value taken literally.
fn literal(v: &Node) -> Expr {
    Expr::Lit(v.clone())
}

fn template(s: &str, span: &Span) -> Expr {
    let idx = LineIndex::with_base(span.file.clone(), Arc::from(s), span.line, span.col + 1);
    match hcl_edit::parser::parse_template(s) {
        Ok(t) => {
            let parts = Converter { idx: &idx }.template(&t);
            Expr::Template(parts, span.clone())
        }
        Err(_) => Expr::Template(vec![TPart::Lit(s.to_string())], span.clone()),
    }
}
