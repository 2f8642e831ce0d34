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
//!
//! The `Metadata` other scanners read is honoured for their checks that are equivalent to a
//! rolegraph rule (the `equivalents` of `policies/<ID>.yaml`):
//!
//! ```yaml
//! Metadata:
//!   checkov:
//!     skip:
//!       - id: CKV_AWS_79
//!         comment: legacy AMI
//!   cfn_nag:
//!     rules_to_suppress:
//!       - id: W16
//!         reason: the statement denies everything else
//!   cfn-lint:
//!     config:
//!       ignore_checks: [W3037]
//! ```
//!
//! Those are read leniently: an entry of another tool that cannot be read is that tool's
//! business and is skipped without a warning.

use super::raw::{Raw, RawKind};
use crate::document::{Diagnostic, Suppression, SuppressionSyntax};

/// The suppressions in a resource's `Metadata` (the resource entry's value).
pub fn read(resource: &Raw, diags: &mut Vec<Diagnostic>) -> Vec<Suppression> {
    let Some(metadata) = resource.get("Metadata") else {
        return Vec::new();
    };
    let mut out = own(metadata, diags);
    out.extend(peers(metadata));
    out
}

/// `id` + reason entries of another tool: `[{id: X, <reason_key>: why}]`, or bare IDs.
fn peer_list(list: Option<&Raw>, reason_key: &str, syntax: SuppressionSyntax) -> Vec<Suppression> {
    let Some(RawKind::Seq(items)) = list.map(|l| &l.kind) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let (id, reason) = match &item.kind {
                RawKind::Str(id) => (id.trim().to_string(), String::new()),
                RawKind::Map(_) if item.as_call().is_none() => (
                    item.get("id")?.scalar_text()?.trim().to_string(),
                    item.get(reason_key)
                        .and_then(Raw::scalar_text)
                        .map(|r| r.trim().to_string())
                        .unwrap_or_default(),
                ),
                _ => return None,
            };
            (!id.is_empty()).then(|| Suppression {
                rule: id,
                reason,
                span: item.span.clone(),
                syntax,
                scope: None,
            })
        })
        .collect()
}

/// Checkov's `skip`, cfn_nag's `rules_to_suppress`, cfn-lint's `ignore_checks`.
fn peers(metadata: &Raw) -> Vec<Suppression> {
    let mut out = peer_list(
        metadata.get("checkov").and_then(|c| c.get("skip")),
        "comment",
        SuppressionSyntax::Checkov,
    );
    out.extend(peer_list(
        metadata
            .get("cfn_nag")
            .and_then(|c| c.get("rules_to_suppress")),
        "reason",
        SuppressionSyntax::CfnNag,
    ));
    out.extend(peer_list(
        metadata
            .get("cfn-lint")
            .and_then(|c| c.get("config"))
            .and_then(|c| c.get("ignore_checks")),
        "reason",
        SuppressionSyntax::CfnLint,
    ));
    out
}

/// `Metadata.rolegraph.ignore`.
fn own(metadata: &Raw, diags: &mut Vec<Diagnostic>) -> Vec<Suppression> {
    let Some(ours) = metadata.get("rolegraph") else {
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
        RawKind::Str(id) if !id.trim().is_empty() => {
            Some(Suppression::own(id.trim(), "", item.span.clone()))
        }
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
            Some(Suppression::own(id, reason, item.span.clone()))
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
