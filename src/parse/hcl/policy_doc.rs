//! `data "aws_iam_policy_document"` evaluated to the policy JSON it renders, kept structured
//! ([`Value::Json`]) so statements keep their spans and symbolic references.

use super::ast::Body;
use super::eval::{Instance, Scope};
use super::functions;
use crate::value::{Node, Span, Value};
use std::collections::BTreeMap;

/// The policy document a data block renders.
pub fn evaluate(inst: &Instance, body: &Body, scope: &Scope, span: &Span) -> Node {
    let b = inst.eval_body(body, scope, span);
    let mut statements: Vec<Node> = Vec::new();
    let mut partial = false;

    let docs = |key: &str, legacy: &str| -> Vec<Node> {
        let mut out = Vec::new();
        for k in [key, legacy] {
            if let Some(v) = b.get(k) {
                match &v.value {
                    Value::List(l) => out.extend(l.iter().cloned()),
                    Value::Null => {}
                    _ => out.push(v.clone()),
                }
            }
        }
        out
    };

    // source_policy_documents: their statements come first; ours replace same-Sid ones.
    for src in docs("source_policy_documents", "source_json") {
        match statements_of(&src) {
            Some(st) => merge(&mut statements, st),
            None => partial = true,
        }
    }
    let own: Vec<Node> = match b.get("statement").map(|s| &s.value) {
        Some(Value::List(l)) => l.iter().map(statement).collect(),
        Some(Value::Unknown) => {
            partial = true;
            vec![]
        }
        _ => vec![],
    };
    merge(&mut statements, own);
    for ov in docs("override_policy_documents", "override_json") {
        match statements_of(&ov) {
            Some(st) => merge(&mut statements, st),
            None => partial = true,
        }
    }
    if partial {
        statements.push(Node::unknown(span.clone()));
    }
    let mut doc = BTreeMap::new();
    doc.insert(
        "Version".to_string(),
        b.get("version")
            .cloned()
            .filter(|v| !v.is_null())
            .unwrap_or_else(|| Node::string("2012-10-17", span.clone())),
    );
    if let Some(id) = b.get("policy_id").filter(|v| !v.is_null()) {
        doc.insert("Id".to_string(), id.clone());
    }
    doc.insert(
        "Statement".to_string(),
        Node::new(Value::List(statements), span.clone()),
    );
    Node::new(
        Value::Json(Box::new(Node::new(Value::Map(doc), span.clone()))),
        span.clone(),
    )
}

/// Statements with a Sid replace earlier ones with the same Sid; others are appended.
fn merge(into: &mut Vec<Node>, new: Vec<Node>) {
    for st in new {
        let sid = st
            .get("Sid")
            .and_then(|s| s.as_str())
            .filter(|s| !s.is_empty());
        match sid.and_then(|sid| {
            into.iter()
                .position(|o| o.get("Sid").and_then(|s| s.as_str()) == Some(sid))
        }) {
            Some(i) => into[i] = st,
            None => into.push(st),
        }
    }
}

/// The statements of a policy given as JSON (structured or text); `None` when unknown.
fn statements_of(doc: &Node) -> Option<Vec<Node>> {
    let parsed = match &doc.value {
        Value::Json(inner) => (**inner).clone(),
        Value::String(_) | Value::Interp(_) => functions::parse_json_with_refs(doc)?,
        _ => return None,
    };
    let st = parsed.get("Statement")?;
    Some(st.items().into_iter().cloned().collect())
}

/// One `statement { ... }` block as a JSON statement.
fn statement(s: &Node) -> Node {
    let span = s.span.clone();
    let mut out = BTreeMap::new();
    let put = |out: &mut BTreeMap<String, Node>, json: &str, hcl: &str| {
        if let Some(v) = s.get(hcl).filter(|v| !v.is_null()) {
            out.insert(json.to_string(), v.clone());
        }
    };
    put(&mut out, "Sid", "sid");
    put(&mut out, "Action", "actions");
    put(&mut out, "NotAction", "not_actions");
    put(&mut out, "Resource", "resources");
    put(&mut out, "NotResource", "not_resources");
    out.insert(
        "Effect".to_string(),
        s.get("effect")
            .filter(|v| !v.is_null())
            .cloned()
            .unwrap_or_else(|| Node::string("Allow", span.clone())),
    );
    for (json, hcl) in [
        ("Principal", "principals"),
        ("NotPrincipal", "not_principals"),
    ] {
        if let Some(p) = s.get(hcl) {
            out.insert(json.to_string(), principals(p));
        }
    }
    if let Some(c) = s.get("condition") {
        out.insert("Condition".to_string(), conditions(c));
    }
    Node::new(Value::Map(out), span)
}

fn principals(p: &Node) -> Node {
    let Value::List(blocks) = &p.value else {
        return Node::unknown(p.span.clone());
    };
    let mut m: BTreeMap<String, Node> = BTreeMap::new();
    for b in blocks {
        let (Some(t), Some(ids)) = (b.get("type"), b.get("identifiers")) else {
            return Node::unknown(b.span.clone());
        };
        let Some(t) = t.as_str() else {
            return Node::unknown(b.span.clone());
        };
        // `type = "*"`, `identifiers = ["*"]` renders as `"Principal": "*"`.
        if t == "*" {
            return Node::string("*", b.span.clone());
        }
        let e = m
            .entry(t.to_string())
            .or_insert_with(|| Node::new(Value::List(vec![]), b.span.clone()));
        if let Value::List(l) = &mut e.value {
            match &ids.value {
                Value::List(items) => l.extend(items.iter().cloned()),
                _ => l.push(ids.clone()),
            }
        }
    }
    Node::new(Value::Map(m), p.span.clone())
}

fn conditions(c: &Node) -> Node {
    let Value::List(blocks) = &c.value else {
        return Node::unknown(c.span.clone());
    };
    let mut m: BTreeMap<String, Node> = BTreeMap::new();
    for b in blocks {
        let (Some(test), Some(var), Some(vals)) = (
            b.get("test").and_then(|t| t.as_str()),
            b.get("variable").and_then(|t| t.display_text()),
            b.get("values"),
        ) else {
            return Node::unknown(b.span.clone());
        };
        let e = m
            .entry(test.to_string())
            .or_insert_with(|| Node::new(Value::Map(BTreeMap::new()), b.span.clone()));
        if let Value::Map(inner) = &mut e.value {
            inner.insert(var, vals.clone());
        }
    }
    Node::new(Value::Map(m), c.span.clone())
}
