//! The JSON output format: a stable document described in `docs/json-output.md`.
//!
//! Field order is fixed by the structs below; output is pretty-printed (two-space indent)
//! and ends with a newline. Messages, resources and paths are masked with [`mask_secrets`]
//! (JSON escapes control characters itself).

use super::{RenderOptions, unparsed_files};
use crate::document::{DiagLevel, Diagnostic};
use crate::finding::{Finding, Report, Severity};
use crate::secrets::mask_secrets;
use crate::value::Span;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    version: &'a str,
    ruleset_version: &'a str,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    diagnostics: Vec<JsonDiagnostic>,
    /// Baseline entries that match no finding (empty without `--baseline`).
    baseline_stale: &'a [crate::baseline::Entry],
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    findings: usize,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    suppressed: usize,
    baselined: usize,
    hidden: usize,
    baseline_stale: usize,
    parse_errors: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    slug: Option<&'a str>,
    title: Option<&'a str>,
    /// The one-line fix, as the text report's `help:`.
    help: Option<String>,
    /// The rule's documentation page.
    doc_url: Option<String>,
    severity: Severity,
    message: String,
    resource: String,
    location: Option<Location>,
    path: Vec<PathStep>,
    fingerprint: &'a str,
    suppressed: Option<Suppressed<'a>>,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    reason: Option<String>,
    location: Option<Location>,
    tool: &'static str,
    id: &'a str,
}

#[derive(Serialize)]
struct PathStep {
    message: String,
    location: Option<Location>,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    level: DiagLevel,
    message: String,
    location: Option<Location>,
}

#[derive(Serialize)]
struct Location {
    file: String,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
}

/// `None` when the span names no file; positions that are not known (0) are `null`.
fn location(span: &Span) -> Option<Location> {
    if span.file.is_empty() {
        return None;
    }
    let known = |n: u32| (n > 0).then_some(n);
    Some(Location {
        file: mask_secrets(&span.file),
        line: known(span.line),
        column: known(span.col),
        end_line: known(span.end_line),
        end_column: known(span.end_col),
    })
}

fn finding<'a>(f: &'a Finding, opts: &'a RenderOptions) -> JsonFinding<'a> {
    let meta = opts.rule(f.rule_id);
    JsonFinding {
        rule_id: f.rule_id,
        slug: meta.map(|m| m.slug.as_str()),
        title: meta.map(|m| m.title.as_str()),
        help: meta.and_then(|m| super::text::short_help(m, f)),
        doc_url: meta.map(|m| m.doc_url()),
        severity: f.severity,
        message: mask_secrets(&f.message),
        resource: mask_secrets(&f.resource),
        location: location(&f.span),
        path: f
            .related
            .iter()
            .map(|r| PathStep {
                message: mask_secrets(&r.message),
                location: location(&r.span),
            })
            .collect(),
        fingerprint: &f.fingerprint,
        suppressed: f.suppressed.as_ref().map(|s| Suppressed {
            reason: (!s.reason.is_empty()).then(|| mask_secrets(&s.reason)),
            location: location(&s.span),
            tool: s.syntax.tool(),
            id: &s.rule,
        }),
    }
}

fn diagnostic(d: &Diagnostic) -> JsonDiagnostic {
    JsonDiagnostic {
        level: d.level,
        message: mask_secrets(&d.message),
        location: location(&d.span),
    }
}

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let out = Output {
        version: opts.tool_version,
        ruleset_version: opts.ruleset_version,
        summary: Summary {
            files_scanned: report.files_scanned,
            findings: report.findings.len(),
            critical: report.count(Severity::Critical),
            high: report.count(Severity::High),
            medium: report.count(Severity::Medium),
            low: report.count(Severity::Low),
            suppressed: report.suppressed(),
            baselined: report.baselined,
            hidden: report.hidden,
            baseline_stale: report.baseline_stale.len(),
            parse_errors: unparsed_files(report),
        },
        findings: report.findings.iter().map(|f| finding(f, opts)).collect(),
        diagnostics: report.diagnostics.iter().map(diagnostic).collect(),
        baseline_stale: &report.baseline_stale,
    };
    let mut s = serde_json::to_string_pretty(&out).expect("the report serializes to JSON");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use crate::report::OutputFormat;
    use crate::report::tests::{render_sample, sample_report};

    #[test]
    fn json_snapshot() {
        let out = render_sample(&sample_report(), OutputFormat::Json, false);
        insta::assert_snapshot!("json", out);
    }

    #[test]
    fn json_shape() {
        let out = render_sample(&sample_report(), OutputFormat::Json, false);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["summary"]["findings"], 3);
        assert_eq!(v["summary"]["parse_errors"], 1);
        assert_eq!(v["findings"][0]["slug"], "imdsv2-not-required");
        assert_eq!(v["findings"][0]["path"][1]["location"]["line"], 3);
        assert!(v["diagnostics"][2]["location"].is_null());
        // Top-level keys in the documented order.
        let at = |k: &str| out.find(&format!("\n  \"{k}\": ")).unwrap();
        assert!(at("version") < at("ruleset_version"));
        assert!(at("ruleset_version") < at("summary"));
        assert!(at("summary") < at("findings"));
        assert!(at("findings") < at("diagnostics"));
        assert!(at("diagnostics") < at("baseline_stale"));
    }
}
