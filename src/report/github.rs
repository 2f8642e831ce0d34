//! GitHub Actions workflow commands: one annotation per finding, shown on the lines of the
//! pull request diff and in the run's summary.
//!
//! ```text
//! ::error file=main.tf,line=12,endLine=12,col=19,endColumn=29,title=IMDS001 imdsv2-not-required (high)::aws_instance.web accepts IMDSv1 ...
//! ```
//!
//! Critical and high findings are `error`s, medium `warning`s, low `notice`s. Findings
//! suppressed in source are left out. Diagnostics follow: files that could not be parsed
//! as `error`s, warnings as `warning`s (notes are left out: they are details, not something
//! to act on in a diff). The last line is the text output's summary, as a plain log line.
//!
//! Every message and path is masked and its control characters escaped
//! ([`crate::secrets::sanitize`]): a scanned file cannot end a command early or start one.
//! Values are then escaped the way the runner reads them: in the message `%`, CR and LF become
//! `%25`, `%0D`, `%0A`; in properties `:` and `,` also become `%3A` and `%2C`. The graph path
//! of a finding follows its message on lines of their own. Paths are as rolegraph prints
//! them (relative to the directory it ran in): run it from the repository root for the
//! annotations to land on the right files.

use super::{RenderOptions, text};
use crate::document::{DiagLevel, Diagnostic};
use crate::finding::{Finding, Report, Severity};
use crate::secrets::sanitize;
use crate::value::Span;
use std::fmt::Write as _;

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for f in report.active() {
        out.push_str(&finding(f, opts));
    }
    for d in &report.diagnostics {
        if let Some(line) = diagnostic(d) {
            out.push_str(&line);
        }
    }
    out.push_str(&text::summary(report));
    out.push('\n');
    out
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "notice",
    }
}

fn finding(f: &Finding, opts: &RenderOptions) -> String {
    let title = match opts.rule(f.rule_id) {
        Some(m) => format!("{} {} ({})", f.rule_id, m.slug, f.severity),
        None => format!("{} ({})", f.rule_id, f.severity),
    };
    let mut message = sanitize(&f.message);
    for r in &f.related {
        let _ = write!(
            message,
            "\n- {} ({})",
            sanitize(&r.message),
            location(&r.span)
        );
    }
    format!(
        "::{}{}::{}\n",
        command(f.severity),
        properties(&f.span, Some(&title)),
        escape_data(&message)
    )
}

fn diagnostic(d: &Diagnostic) -> Option<String> {
    let cmd = match d.level {
        DiagLevel::Error => "error",
        DiagLevel::Warning => "warning",
        DiagLevel::Note => return None,
    };
    let title = match d.level {
        DiagLevel::Error => "rolegraph could not read this file",
        _ => "rolegraph",
    };
    Some(format!(
        "::{cmd}{}::{}\n",
        properties(&d.span, Some(title)),
        escape_data(&sanitize(&d.message))
    ))
}

/// ` file=...,line=...,title=...` (with its leading space), or only the title when the span
/// names no file.
fn properties(span: &Span, title: Option<&str>) -> String {
    let mut props: Vec<(&str, String)> = Vec::new();
    if !span.file.is_empty() {
        props.push(("file", sanitize(&span.file)));
        if !span.is_none() {
            props.push(("line", span.line.to_string()));
            // A span that ends at column 1 of the next line covers its first line only.
            let end_line = if span.end_line == span.line + 1 && span.end_col <= 1 {
                span.line
            } else {
                span.end_line.max(span.line)
            };
            props.push(("endLine", end_line.to_string()));
            // Columns only mean something on a one-line annotation.
            if end_line == span.line && span.col > 0 {
                props.push(("col", span.col.to_string()));
                if span.end_line == span.line && span.end_col > span.col {
                    props.push(("endColumn", span.end_col.to_string()));
                }
            }
        }
    }
    if let Some(t) = title {
        props.push(("title", t.to_string()));
    }
    if props.is_empty() {
        return String::new();
    }
    let joined: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!(" {}", joined.join(","))
}

fn location(span: &Span) -> String {
    if span.is_none() {
        sanitize(&span.file)
    } else {
        sanitize(&format!("{}:{}", span.file, span.line))
    }
}

/// Escape the message of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::OutputFormat;
    use crate::report::tests::{render_sample, sample_report};

    #[test]
    fn github_snapshot() {
        let out = render_sample(&sample_report(), OutputFormat::Github, false);
        insta::assert_snapshot!("github", out);
    }

    #[test]
    fn escapes_what_the_runner_would_read_as_syntax() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\nd"), "a%3Ab%2Cc%25%0Ad".to_string());
    }

    #[test]
    fn every_finding_line_is_one_command() {
        let out = render_sample(&sample_report(), OutputFormat::Github, false);
        let lines: Vec<&str> = out.lines().collect();
        // Three findings, one error and one warning diagnostic, the summary.
        assert_eq!(lines.len(), 6, "{out}");
        assert!(lines[..5].iter().all(|l| l.starts_with("::")));
        assert!(lines[0].starts_with("::error file=testdata/demo dir/main.tf,line=5,endLine=5,col=16,endColumn=26,title=IMDS001 imdsv2-not-required (high)::"));
        assert!(
            lines[1]
                .starts_with("::warning file=testdata/demo dir/main.tf,line=4,endLine=7,title=")
        );
        assert!(!out.contains("AKIAIOSFODNN7EXAMPLE"));
    }

    #[test]
    fn suppressed_findings_are_left_out() {
        let mut r = sample_report();
        r.findings[0].suppressed = Some(crate::document::Suppression::own(
            "IMDS001",
            "legacy",
            Span::none(),
        ));
        let out = render_sample(&r, OutputFormat::Github, false);
        assert!(!out.contains("IMDS001"), "{out}");
        assert!(out.ends_with("; 1 suppressed in source; 1 file could not be parsed; 1 note.\n"));
    }
}
