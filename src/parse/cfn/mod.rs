//! CloudFormation templates (YAML, JSON, SAM, CDK-synthesized) read into a [`Document`].
//!
//! ```text
//! text ─► yaml / jsonsrc ─► Raw (ordered, spanned, short tags in long form)
//!      ─► foreach (Fn::ForEach) ─► sam (AWS::Serverless::*) ─► eval (intrinsics) ─► Document
//! ```
//!
//! Each entry of `Resources` becomes one [`Resource`]: type, logical ID as address, the span
//! of the logical-ID key through the end of its definition, and as `attrs` the evaluated
//! `Properties` map (see [`eval`] for what resolves and what stays unknown), and the rules its
//! `Metadata.rolegraph.ignore` suppresses (see [`suppress`]). A resource whose `Condition` is
//! known to be false is left out.

pub mod detect;
pub mod eval;
pub mod foreach;
pub mod jsonsrc;
pub mod nested;
pub mod raw;
pub mod sam;
pub mod sam_policies;
pub mod suppress;
pub mod yaml;

pub use detect::is_template;

use crate::document::{Diagnostic, Document, Format, Mode, Resource};
use crate::value::{Node, Value};
use raw::{Entry, Raw, join_spans};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Read a template: JSON when the text starts with `{` (strict JSON, so a JSON template gets
/// the JSON error), else YAML.
pub fn load(text: &str, file: &Arc<str>) -> Result<(Raw, Vec<Diagnostic>), Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        jsonsrc::load(text, file)
    } else {
        yaml::load(text, file).map(|l| (l.root, l.warnings))
    }
}

/// Parse a template into resources with evaluated, spanned properties. Never panics; a file
/// that cannot be read as YAML/JSON gives one error diagnostic and no resources.
pub fn parse_template(_path: &Path, file: Arc<str>, text: &str) -> Document {
    document(load(text, &file))
}

/// Read a file that may be a template, parsing it once: `None` when it is not a template
/// (the same decision as [`is_template`]), else the document.
pub fn read_template(path: &Path, file: Arc<str>, text: &str) -> Option<Document> {
    if !detect::may_be_template(path, text) {
        return None;
    }
    let loaded = load(text, &file);
    let is = match &loaded {
        Ok((root, _)) => detect::is_template_tree(root),
        Err(_) => detect::names_format_version(text),
    };
    is.then(|| {
        let mut doc = document(loaded);
        nested::expand(path, &mut doc);
        doc
    })
}

/// The document of a loaded template (or the diagnostic of one that could not be read).
pub fn document(loaded: Result<(Raw, Vec<Diagnostic>), Diagnostic>) -> Document {
    document_with(loaded, std::collections::HashMap::new())
}

/// The document of a loaded template whose parameters `overrides` are given (a nested
/// stack's, from its parent).
pub fn document_with(
    loaded: Result<(Raw, Vec<Diagnostic>), Diagnostic>,
    overrides: std::collections::HashMap<String, Node>,
) -> Document {
    let (root, warnings) = match loaded {
        Ok(r) => r,
        Err(d) => {
            return Document {
                diagnostics: vec![d],
                ..Default::default()
            };
        }
    };
    let mut doc = Document {
        diagnostics: warnings,
        ..Default::default()
    };
    if !root.is_map() {
        doc.diagnostics.push(Diagnostic::error(
            root.span.first_line(),
            "a CloudFormation template must be a mapping (an object)",
        ));
        return doc;
    }
    let mut ev = eval::Evaluator::new(&root);
    ev.overrides = overrides;
    let mut entries: Vec<Entry> = match root.get("Resources") {
        None => Vec::new(),
        Some(r) if r.is_map() => r.entries().to_vec(),
        Some(r) => {
            doc.diagnostics.push(Diagnostic::error(
                r.span.first_line(),
                "`Resources` must be a mapping of logical IDs to resources",
            ));
            Vec::new()
        }
    };
    if entries.iter().any(|e| e.key.starts_with("Fn::ForEach::")) {
        entries = foreach::expand(entries, &mut ev);
    }
    if detect::has_sam_transform(&root) {
        entries = sam::transform(entries, root.get("Globals"), &mut doc.diagnostics);
        ev.lenient_refs = true;
    }
    ev.resources = entries.iter().map(|e| e.key.clone()).collect();
    for e in &entries {
        if let Some(r) = resource(e, &mut ev) {
            doc.resources.push(r);
        }
    }
    doc.diagnostics.append(&mut ev.diagnostics);
    doc
}

/// The CDK construct path of a resource (`Metadata: {aws:cdk:path: Stack/Lt/Resource}`), less
/// the `/Resource` (or `/Default`) leaf CDK adds for the underlying CloudFormation resource.
fn cdk_path(resource: &Raw) -> Option<String> {
    let path = resource
        .get("Metadata")?
        .get("aws:cdk:path")?
        .scalar_text()?;
    let path = path
        .strip_suffix("/Resource")
        .or_else(|| path.strip_suffix("/Default"))
        .unwrap_or(&path);
    (!path.is_empty()).then(|| path.to_string())
}

fn resource(e: &Entry, ev: &mut eval::Evaluator) -> Option<Resource> {
    let span = join_spans(&e.key_span, &e.value.span);
    let Some(rtype) = e.value.get("Type").and_then(Raw::scalar_text) else {
        ev.diagnostics.push(Diagnostic::warning(
            span.first_line(),
            format!("resource `{}` has no Type; skipped", e.key),
        ));
        return None;
    };
    if let Some(cond) = e.value.get("Condition")
        && let Some(name) = cond.as_str()
        && ev.condition(name, &cond.span) == Some(false)
    {
        return None;
    }
    let attrs = match e.value.get("Properties") {
        None => Node::new(Value::Map(BTreeMap::new()), span.clone()),
        Some(p) => match ev.eval(p) {
            None => Node::new(Value::Map(BTreeMap::new()), p.span.clone()),
            Some(n) => match n.value {
                Value::Map(_) | Value::Unknown | Value::Cond { .. } => n,
                _ => {
                    ev.diagnostics.push(Diagnostic::warning(
                        p.span.first_line(),
                        format!("the Properties of `{}` are not a mapping; ignored", e.key),
                    ));
                    Node::new(Value::Map(BTreeMap::new()), p.span.clone())
                }
            },
        },
    };
    let attr_spans = match e.value.get("Properties") {
        Some(p) if p.as_call().is_none() => p
            .entries()
            .iter()
            .map(|pe| (pe.key.clone(), join_spans(&pe.key_span, &pe.value.span)))
            .collect(),
        _ => BTreeMap::new(),
    };
    Some(Resource {
        format: Format::CloudFormation,
        mode: Mode::Managed,
        rtype,
        address: e.key.clone(),
        ref_address: e.key.clone(),
        attrs,
        span,
        attr_spans,
        suppressions: suppress::read(&e.value, &mut ev.diagnostics),
        construct_path: cdk_path(&e.value),
    })
}

#[cfg(test)]
mod tests;
