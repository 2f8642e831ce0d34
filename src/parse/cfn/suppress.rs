//! Suppressions written in a template, on the resource they are about:
//!
//! ```yaml
//! Metadata:
//!   rolegraph:
//!     ignore:
//!       - id: IMDS001
//!         reason: legacy AMI, replaced in Q3
//!       - IMDS002          # a bare rule ID: no reason given
//! ```
//!
//! They are read as written (intrinsic functions are not evaluated here). An entry that
//! cannot be read is a warning with its position and is left out; whether the ID names a
//! rule is checked by the pipeline ([`crate::suppress`]), which knows the rules.

use super::raw::{Raw, RawKind};
use crate::doc::{Diagnostic, Suppression};

/// The suppressions in a resource's `Metadata` (the resource entry's value).
pub fn read(resource: &Raw, diags: &mut Vec<Diagnostic>) -> Vec<Suppression> {
    let Some(ours) = resource.get("Metadata").and_then(|m| m.get("rolegraph")) else {
        return Vec::new();
    };
    if !ours.is_map() || ours.as_call().is_some() {
        diags.push(Diagnostic::warning(
            ours.span.first_line(),
            "`Metadata.rolegraph` must be a mapping with an `ignore` list; ignored",
        ));
        return Vec::new();
    }
    for e in ours.entries() {
        if e.key != "ignore" {
            diags.push(Diagnostic::warning(
                e.key_span.clone(),
                format!(
                    "unknown key `{}` in `Metadata.rolegraph` (only `ignore` is read)",
                    e.key
                ),
            ));
        }
    }
    let Some(ignore) = ours.get("ignore") else {
        return Vec::new();
    };
    let RawKind::Seq(items) = &ignore.kind else {
        diags.push(Diagnostic::warning(
            ignore.span.first_line(),
            "`Metadata.rolegraph.ignore` must be a list of rule IDs or of {id, reason} \
             mappings; ignored",
        ));
        return Vec::new();
    };
    items.iter().filter_map(|item| entry(item, diags)).collect()
}

fn entry(item: &Raw, diags: &mut Vec<Diagnostic>) -> Option<Suppression> {
    let mut warn = |span: &crate::value::Span, msg: String| {
        diags.push(Diagnostic::warning(span.first_line(), msg));
    };
    match &item.kind {
        RawKind::Str(id) if !id.trim().is_empty() => Some(Suppression {
            rule: id.trim().to_string(),
            reason: String::new(),
            span: item.span.clone(),
        }),
        RawKind::Map(entries) if item.as_call().is_none() => {
            for e in entries {
                if e.key != "id" && e.key != "reason" {
                    warn(
                        &e.key_span,
                        format!(
                            "unknown key `{}` in a suppression (expected `id` and `reason`)",
                            e.key
                        ),
                    );
                }
            }
            let id = match item.get("id") {
                Some(id) => match id.as_str().map(str::trim) {
                    Some(s) if !s.is_empty() => s.to_string(),
                    _ => {
                        warn(
                            &id.span,
                            "the `id` of a suppression must be a rule ID such as `IMDS001`; \
                             entry ignored"
                                .into(),
                        );
                        return None;
                    }
                },
                None => {
                    warn(
                        &item.span,
                        "a suppression needs an `id` (the rule ID); entry ignored".into(),
                    );
                    return None;
                }
            };
            let reason = match item.get("reason") {
                None => String::new(),
                Some(r) => match r.scalar_text() {
                    Some(s) => s.trim().to_string(),
                    None => {
                        warn(
                            &r.span,
                            format!(
                                "the `reason` of the suppression of {id} must be text; no \
                                 reason recorded"
                            ),
                        );
                        String::new()
                    }
                },
            };
            Some(Suppression {
                rule: id,
                reason,
                span: item.span.clone(),
            })
        }
        _ => {
            warn(
                &item.span,
                "a suppression must be a rule ID or a mapping {id, reason}; entry ignored".into(),
            );
            None
        }
    }
}
