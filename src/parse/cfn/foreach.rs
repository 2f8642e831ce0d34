//! `Fn::ForEach` (the `AWS::LanguageExtensions` transform) in the `Resources` section:
//! `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: Resource}]` becomes one resource
//! per collection item, with `${Identifier}` / `&{Identifier}` replaced in keys and strings and
//! `Ref: Identifier` replaced by the item.

use super::eval::{Evaluator, scalar_text};
use super::raw::{Entry, Raw, RawKind};
use crate::value::Value;

/// Nested loops deeper than this are not expanded.
const MAX_LOOP_DEPTH: usize = 5;
/// Most resources a loop may produce.
const MAX_OUTPUT: usize = 10_000;

pub fn expand(entries: Vec<Entry>, ev: &mut Evaluator) -> Vec<Entry> {
    expand_at(entries, ev, 0)
}

fn expand_at(entries: Vec<Entry>, ev: &mut Evaluator, depth: usize) -> Vec<Entry> {
    let mut out = Vec::new();
    for e in entries {
        if !e.key.starts_with("Fn::ForEach::") {
            out.push(e);
            continue;
        }
        if depth >= MAX_LOOP_DEPTH {
            ev.diagnostics.push(crate::document::Diagnostic::warning(
                e.key_span.clone(),
                "Fn::ForEach loops nest too deeply; not expanded",
            ));
            continue;
        }
        let RawKind::Seq(args) = &e.value.kind else {
            continue;
        };
        let [id, collection, body] = args.as_slice() else {
            ev.diagnostics.push(crate::document::Diagnostic::warning(
                e.key_span.clone(),
                "Fn::ForEach needs [Identifier, Collection, {OutputKey: Value}]",
            ));
            continue;
        };
        let Some(id) = id.as_str() else {
            continue;
        };
        let items: Option<Vec<String>> = match ev.eval(collection).map(|n| n.value) {
            Some(Value::List(l)) => l.iter().map(scalar_text).collect(),
            _ => None,
        };
        let Some(items) = items else {
            ev.diagnostics.push(crate::document::Diagnostic::warning(
                e.key_span.clone(),
                format!(
                    "the collection of `{}` is not known; its resources are skipped",
                    e.key
                ),
            ));
            continue;
        };
        let mut produced = Vec::new();
        for item in &items {
            for b in body.entries() {
                if produced.len() >= MAX_OUTPUT {
                    break;
                }
                produced.push(Entry {
                    key: replace(&b.key, id, item),
                    key_span: b.key_span.clone(),
                    value: substitute(&b.value, id, item),
                });
            }
        }
        out.extend(expand_at(produced, ev, depth + 1));
    }
    out
}

fn alnum(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

fn replace(s: &str, id: &str, item: &str) -> String {
    s.replace(&format!("${{{id}}}"), item)
        .replace(&format!("&{{{id}}}"), &alnum(item))
}

fn substitute(raw: &Raw, id: &str, item: &str) -> Raw {
    if let Some(("Ref", arg)) = raw.as_call()
        && arg.as_str() == Some(id)
    {
        return Raw::str(item, raw.span.clone());
    }
    let kind = match &raw.kind {
        RawKind::Str(s) => RawKind::Str(replace(s, id, item)),
        RawKind::Seq(items) => {
            RawKind::Seq(items.iter().map(|i| substitute(i, id, item)).collect())
        }
        RawKind::Map(entries) => RawKind::Map(
            entries
                .iter()
                .map(|e| Entry {
                    key: replace(&e.key, id, item),
                    key_span: e.key_span.clone(),
                    value: substitute(&e.value, id, item),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Raw::new(kind, raw.span.clone())
}
