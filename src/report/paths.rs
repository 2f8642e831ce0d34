//! `rolegraph paths`: the attack paths of a scan (the findings of the PATH rules) as a
//! listing, one path per block with its chain step by step, in text or JSON. Like every
//! renderer, a pure function of the report; text goes through
//! [`crate::secrets::sanitize`], JSON through [`crate::secrets::mask_secrets`].

use crate::finding::{Finding, Report};
use crate::secrets::{mask_secrets, sanitize};
use crate::value::Span;
use serde::Serialize;

/// The PATH findings of a report that are not suppressed in source, worst first, then in
/// report order.
fn paths(report: &Report) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = report
        .active()
        .filter(|f| f.rule_id.starts_with("PATH"))
        .collect();
    v.sort_by_key(|f| std::cmp::Reverse(f.severity));
    v
}

/// The message of a path finding, split into what the path is and how to break it.
fn split(message: &str) -> (&str, Option<&str>) {
    match message.split_once(". Breaking any link breaks the path: ") {
        Some((what, fix)) => (what, Some(fix)),
        None => (message, None),
    }
}

/// The text listing: each path with its entry, the chain and the fixes; a count at the end.
pub fn text(report: &Report) -> String {
    let list = paths(report);
    let mut out = String::new();
    for f in &list {
        let (what, fix) = split(&f.message);
        out.push_str(&format!(
            "{}[{}] {} at {}\n  {}\n",
            f.severity,
            f.rule_id,
            sanitize(&f.resource),
            sanitize(&f.span.to_string()),
            sanitize(what)
        ));
        for (k, r) in f.related.iter().enumerate() {
            out.push_str(&format!(
                "  {}. {} ({})\n",
                k + 1,
                sanitize(&r.message),
                sanitize(&r.span.to_string())
            ));
        }
        if let Some(fix) = fix {
            for (k, step) in fix.split("; or ").enumerate() {
                let lead = if k == 0 { "fix:" } else { " or:" };
                out.push_str(&format!("  {lead} {}\n", sanitize(step)));
            }
        }
        out.push('\n');
    }
    out.push_str(&match list.len() {
        0 => "No attack path.\n".to_string(),
        1 => "1 attack path.\n".to_string(),
        n => format!("{n} attack paths.\n"),
    });
    out
}

#[derive(Serialize)]
struct Listing {
    paths: Vec<JsonPath>,
}

#[derive(Serialize)]
struct JsonPath {
    rule_id: &'static str,
    severity: crate::finding::Severity,
    /// The resource of the entry.
    resource: String,
    /// The entry's location.
    location: JsonLocation,
    summary: String,
    /// The chain, in order: entry, credentials, each assumed role, the grant of the impact.
    steps: Vec<JsonStep>,
    /// One fix per link; any one breaks the path.
    fixes: Vec<String>,
    fingerprint: String,
}

#[derive(Serialize)]
struct JsonStep {
    message: String,
    location: JsonLocation,
}

#[derive(Serialize)]
struct JsonLocation {
    file: String,
    line: u32,
    column: u32,
}

fn location(s: &Span) -> JsonLocation {
    JsonLocation {
        file: mask_secrets(&s.file),
        line: s.line,
        column: s.col,
    }
}

/// The JSON listing: `{"paths": [...]}`, pretty-printed, ending with a newline.
pub fn json(report: &Report) -> String {
    let list: Vec<JsonPath> = paths(report)
        .into_iter()
        .map(|f| {
            let (what, fix) = split(&f.message);
            JsonPath {
                rule_id: f.rule_id,
                severity: f.severity,
                resource: mask_secrets(&f.resource),
                location: location(&f.span),
                summary: mask_secrets(what),
                steps: f
                    .related
                    .iter()
                    .map(|r| JsonStep {
                        message: mask_secrets(&r.message),
                        location: location(&r.span),
                    })
                    .collect(),
                fixes: fix
                    .map(|x| x.split("; or ").map(mask_secrets).collect())
                    .unwrap_or_default(),
                fingerprint: f.fingerprint.clone(),
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&Listing { paths: list })
        .unwrap_or_else(|_| "{\"paths\": []}".to_string());
    s.push('\n');
    s
}
