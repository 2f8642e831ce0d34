//! Human-readable output in the style of rustc and ruff:
//!
//! ```text
//! high[IMDS001]: aws_instance.web accepts IMDSv1: http_tokens is "optional"
//!   --> testdata/x/main.tf:12:19
//!    |
//! 12 |     http_tokens = "optional"
//!    |                   ^^^^^^^^^^
//!    |
//!    = note: credentials of instance profile aws_iam_instance_profile.p at testdata/x/main.tf:20:1
//!    = help: Require session tokens in the `metadata_options` block
//! ```
//!
//! Findings come first (in report order), then diagnostics, then a one-line summary.
//! Findings suppressed in source are not printed; the summary counts them. A tab in
//! a source line prints as four spaces, and the carets follow. A multi-line span marks its
//! first line and shows at most three lines. Source files, messages and paths are masked
//! with [`mask_secrets`]; control characters in them print as escapes (`\n`, `\u{1b}`),
//! so no scanned text starts a line of the output or reaches the terminal raw, and no line
//! starts a GitHub workflow command ([`guard_lines`]).

use super::{RenderOptions, unparsed_files};
use crate::document::{DiagLevel, Diagnostic};
use crate::finding::{Finding, Report, Severity};
use crate::secrets::{escape_controls, guard_lines, mask_secrets, sanitize};
use crate::value::Span;
use std::collections::HashMap;
use std::fmt::Write as _;

/// How a tab in a source line is printed.
const TAB: &str = "    ";
/// The most source lines one snippet shows.
const MAX_SNIPPET_LINES: u32 = 3;
/// Longer source lines are shown in part: the marked part with [`LINE_CONTEXT`] characters
/// on each side.
const MAX_LINE_CHARS: usize = 160;
const LINE_CONTEXT: usize = 40;

const RED_BOLD: &str = "1;31";
const YELLOW: &str = "33";
const BLUE: &str = "34";
const GUTTER: &str = "1;34";
const BOLD: &str = "1";

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut r = TextRenderer {
        opts,
        files: HashMap::new(),
        out: String::new(),
    };
    // Suppressed findings are only counted in the summary.
    for f in report.active() {
        r.finding(f);
        r.out.push('\n');
    }
    // Notes on files (unresolved modules and the like) can be many: counted in the
    // summary line, listed with --show-notes. A note on the run itself (`--changed-only`
    // without a plan) is always shown.
    for d in report
        .diagnostics
        .iter()
        .filter(|d| opts.show_notes || !is_folded_note(d))
    {
        r.diagnostic(d);
        r.out.push('\n');
    }
    r.out.push_str(&summary(report));
    let folded = report.diagnostics.iter().any(is_folded_note);
    if folded && !opts.show_notes {
        // In front of the final full stop.
        r.out.pop();
        r.out.push_str(" (--show-notes lists them).");
    }
    r.out.push('\n');
    guard_lines(&r.out)
}

/// A note on a file: folded into the summary line's count unless --show-notes.
fn is_folded_note(d: &Diagnostic) -> bool {
    d.level == DiagLevel::Note && !d.span.file.is_empty()
}

/// Number of note-level diagnostics the summary does not count on their own (modules
/// not installed have their own count).
fn notes(report: &Report) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| {
            d.level == DiagLevel::Note
                && !(d.message.starts_with("module \"")
                    && d.message.contains(crate::parse::hcl::module::NOT_INSTALLED))
        })
        .count()
}

/// The last line of the text output.
pub(super) fn summary(report: &Report) -> String {
    let files = plural(report.files_scanned, "file", "files");
    let active = report.active().count();
    let mut s = if active == 0 {
        format!("No findings in {files}")
    } else {
        format!(
            "Found {} ({} critical, {} high, {} medium, {} low) in {files}",
            plural(active, "finding", "findings"),
            report.count(Severity::Critical),
            report.count(Severity::High),
            report.count(Severity::Medium),
            report.count(Severity::Low),
        )
    };
    let suppressed = report.suppressed();
    if suppressed > 0 {
        let _ = write!(s, "; {suppressed} suppressed in source");
    }
    if report.baselined > 0 {
        let _ = write!(s, "; {} in the baseline", report.baselined);
    }
    if report.hidden > 0 {
        let _ = write!(s, "; {} not shown (--severity)", report.hidden);
    }
    if !report.baseline_stale.is_empty() {
        let _ = write!(
            s,
            "; {} matching nothing",
            plural(
                report.baseline_stale.len(),
                "baseline entry",
                "baseline entries"
            )
        );
    }
    let uninstalled = super::uninstalled_modules(report);
    if uninstalled > 0 {
        let _ = write!(
            s,
            "; {} not installed: run `terraform get`",
            plural(uninstalled, "module", "modules")
        );
    }
    let unparsed = unparsed_files(report);
    if unparsed > 0 {
        let _ = write!(
            s,
            "; {} could not be parsed",
            plural(unparsed, "file", "files")
        );
    }
    let notes = notes(report);
    if notes > 0 {
        let _ = write!(s, "; {}", plural(notes, "note", "notes"));
    }
    s.push('.');
    s
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => RED_BOLD,
        Severity::Medium => YELLOW,
        Severity::Low => BLUE,
    }
}

fn level_color(l: DiagLevel) -> &'static str {
    match l {
        DiagLevel::Error => RED_BOLD,
        DiagLevel::Warning => YELLOW,
        DiagLevel::Note => BLUE,
    }
}

fn level_word(l: DiagLevel) -> &'static str {
    match l {
        DiagLevel::Error => "error",
        DiagLevel::Warning => "warning",
        DiagLevel::Note => "note",
    }
}

/// `file:line:col`, or just `file` when the position is unknown.
fn location(span: &Span) -> String {
    if span.is_none() {
        sanitize(&span.file)
    } else {
        sanitize(&span.to_string())
    }
}

/// Number of decimal digits of `n` (at least 1).
fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// How a character of a source line prints: a tab as [`TAB`], a control character as its
/// escape (`\u{1b}`), anything else as itself.
fn shown(c: char) -> String {
    if c == '\t' {
        return TAB.to_string();
    }
    escape_controls(c.encode_utf8(&mut [0; 4]))
}

/// Printed width of the characters of a source line (see [`shown`]).
fn display_width<'a>(chars: impl IntoIterator<Item = &'a char>) -> usize {
    chars.into_iter().map(|&c| shown(c).chars().count()).sum()
}

/// The one-line fix of a finding: the first paragraph of its rule's remediation for the
/// finding's language (text `help:`, JSON `help`).
pub(super) fn short_help(m: &crate::rules::meta::RuleMeta, f: &Finding) -> Option<String> {
    // A Terraform address always has a dot (`aws_instance.web`); a CloudFormation
    // logical ID never does.
    let fix = if f.resource.contains('.') {
        &m.remediation.terraform
    } else {
        &m.remediation.cloudformation
    };
    first_paragraph(fix)
}

/// The first paragraph of a remediation text, as one line; `None` when it starts with code.
fn first_paragraph(text: &str) -> Option<String> {
    let para: Vec<&str> = text
        .trim_start()
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    if para.is_empty() || para[0].starts_with("```") {
        return None;
    }
    let mut s = para.join(" ");
    if s.ends_with(':') {
        s.pop();
        s.push('.');
    }
    Some(s)
}

/// The lines a snippet shows: 1-based line numbers with their text.
struct Snippet {
    lines: Vec<(u32, String)>,
    /// The span goes on past the last line shown.
    truncated: bool,
    /// 0-based character range marked on the first line (the end may pass the line's end).
    mark: (usize, usize),
}

struct TextRenderer<'a, 'o> {
    opts: &'a RenderOptions<'o>,
    /// Lines of each source file, read once.
    files: HashMap<String, Option<Vec<String>>>,
    out: String,
}

impl TextRenderer<'_, '_> {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.opts.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn lines_of(&mut self, file: &str) -> Option<&Vec<String>> {
        if !self.files.contains_key(file) {
            let lines = (self.opts.sources)(file).map(|text| {
                // Never print a value a Terraform plan marks sensitive.
                let text = crate::parse::plan::sensitive::mask_plan_text(&text).unwrap_or(text);
                // Never print a secret, in any snippet: the whole file is masked at once, so
                // a secret whose name is on the line above is masked too.
                mask_secrets(&text)
                    .split('\n')
                    .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
                    .collect()
            });
            self.files.insert(file.to_string(), lines);
        }
        self.files.get(file).and_then(Option::as_ref)
    }

    fn snippet(&mut self, span: &Span) -> Option<Snippet> {
        if span.is_none() || span.file.is_empty() {
            return None;
        }
        let lines = self.lines_of(&span.file)?;
        let first = span.line as usize;
        let text = lines.get(first - 1)?;
        // A span that ends at the start of the next line covers its first line only.
        let end_line = if span.end_line == span.line + 1 && span.end_col <= 1 {
            span.line
        } else {
            span.end_line.max(span.line)
        };
        let start = (span.col.max(1) - 1) as usize;
        let end = if end_line == span.line && span.end_line == span.line {
            (span.end_col.max(1) - 1) as usize
        } else {
            text.trim_end().chars().count()
        };
        let end = end.max(start + 1);
        let last = end_line.min(span.line + MAX_SNIPPET_LINES - 1) as usize;
        let last = last.min(lines.len());
        let mut shown: Vec<(u32, String)> = (first..=last)
            .map(|n| (n as u32, lines[n - 1].clone()))
            .collect();
        // A very long line (a one-line JSON plan, a policy in a string) is shown around
        // the mark; other long lines are cut.
        let mut mark = (start, end);
        for (i, (_, line)) in shown.iter_mut().enumerate() {
            let chars: Vec<char> = line.chars().collect();
            if chars.len() <= MAX_LINE_CHARS {
                continue;
            }
            let (from, to) = if i == 0 {
                let from = start.saturating_sub(LINE_CONTEXT);
                let mark_end = end.min(start + MAX_LINE_CHARS - 2 * LINE_CONTEXT);
                mark = (start - from, mark_end - from);
                (from, (mark_end + LINE_CONTEXT).min(chars.len()))
            } else {
                (0, MAX_LINE_CHARS)
            };
            let mut cut = String::new();
            if from > 0 {
                cut.push('…');
                if i == 0 {
                    mark = (mark.0 + 1, mark.1 + 1);
                }
            }
            cut.extend(&chars[from..to]);
            if to < chars.len() {
                cut.push('…');
            }
            *line = cut;
        }
        Some(Snippet {
            lines: shown,
            truncated: end_line as usize > last,
            mark,
        })
    }

    /// Write the source lines of a snippet with the carets under the first one.
    fn write_snippet(&mut self, s: &Snippet, pad: &str, caret_color: &str) {
        let bar = self.paint(GUTTER, "|");
        let _ = writeln!(self.out, "{pad} {bar}");
        let width = pad.len();
        for (i, (n, raw)) in s.lines.iter().enumerate() {
            let shown: String = raw.chars().map(shown).collect();
            let num = self.paint(GUTTER, &format!("{n:>width$}"));
            let shown = shown.trim_end();
            if shown.is_empty() {
                let _ = writeln!(self.out, "{num} {bar}");
            } else {
                let _ = writeln!(self.out, "{num} {bar} {shown}");
            }
            if i == 0 {
                let chars: Vec<char> = raw.chars().collect();
                let (start, end) = s.mark;
                let lead =
                    display_width(chars.iter().take(start)) + start.saturating_sub(chars.len());
                let inside = display_width(chars.iter().take(end).skip(start))
                    + end.saturating_sub(chars.len().max(start));
                let carets = self.paint(caret_color, &"^".repeat(inside.max(1)));
                let _ = writeln!(self.out, "{pad} {bar} {}{carets}", " ".repeat(lead));
            }
        }
        if s.truncated {
            let _ = writeln!(self.out, "{pad} {bar} ...");
        }
        let _ = writeln!(self.out, "{pad} {bar}");
    }

    fn finding(&mut self, f: &Finding) {
        let color = severity_color(f.severity);
        let head = self.paint(color, &format!("{}[{}]", f.severity, f.rule_id));
        let message = self.paint(BOLD, &sanitize(&f.message));
        let _ = writeln!(self.out, "{head}: {message}");

        let snippet = self.snippet(&f.span);
        let widest = snippet
            .as_ref()
            .and_then(|s| s.lines.last().map(|l| l.0))
            .unwrap_or(f.span.line);
        let pad = " ".repeat(digits(widest));
        if !f.span.file.is_empty() {
            let arrow = self.paint(GUTTER, "-->");
            let _ = writeln!(self.out, "{pad}{arrow} {}", location(&f.span));
        }
        if let Some(s) = &snippet {
            self.write_snippet(s, &pad, color);
        }
        let eq = self.paint(GUTTER, "=");
        for r in &f.related {
            let label = self.paint(BOLD, "note");
            let _ = writeln!(
                self.out,
                "{pad} {eq} {label}: {} at {}",
                sanitize(&r.message),
                location(&r.span)
            );
        }
        let help = self.opts.rule(f.rule_id).and_then(|m| short_help(m, f));
        if let Some(help) = help {
            let label = self.paint(BOLD, "help");
            let _ = writeln!(self.out, "{pad} {eq} {label}: {help}");
        }
    }

    fn diagnostic(&mut self, d: &Diagnostic) {
        let word = self.paint(level_color(d.level), level_word(d.level));
        let message = self.paint(BOLD, &sanitize(&d.message));
        let _ = writeln!(self.out, "{word}: {message}");
        if !d.span.file.is_empty() {
            let pad = " ".repeat(digits(d.span.line));
            let arrow = self.paint(GUTTER, "-->");
            let _ = writeln!(self.out, "{pad}{arrow} {}", location(&d.span));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Report;
    use crate::report::OutputFormat;
    use crate::report::tests::{MAIN_TF, render_sample, sample_report};
    use std::sync::Arc;

    #[test]
    fn text_snapshot() {
        let out = render_sample(&sample_report(), OutputFormat::Text, false);
        assert!(!out.contains('\x1b'));
        insta::assert_snapshot!("text", out);
    }

    #[test]
    fn text_color_snapshot() {
        let out = render_sample(&sample_report(), OutputFormat::Text, true);
        assert!(out.contains("\x1b[1;31mhigh[IMDS001]\x1b[0m"));
        insta::assert_snapshot!("text_color", out);
    }

    #[test]
    fn summary_without_findings() {
        let r = Report {
            files_scanned: 1,
            ..Report::default()
        };
        assert_eq!(
            render_sample(&r, OutputFormat::Text, false),
            "No findings in 1 file.\n"
        );
        let r = Report {
            files_scanned: 3,
            diagnostics: vec![
                Diagnostic::error(Span::new(Arc::from("a.tf"), 1, 1, 1, 2), "x"),
                Diagnostic::error(Span::new(Arc::from("b.tf"), 1, 1, 1, 2), "y"),
            ],
            ..Report::default()
        };
        assert!(
            render_sample(&r, OutputFormat::Text, false)
                .ends_with("\nNo findings in 3 files; 2 files could not be parsed.\n")
        );
    }

    #[test]
    fn carets_follow_tabs_and_clamp_to_the_line() {
        let mut r = sample_report();
        r.findings.truncate(1);
        r.findings[0].related.clear();
        let out = render_sample(&r, OutputFormat::Text, false);
        // `\thttp_tokens = "optional"`: the tab is four spaces, the value starts at col 16.
        assert!(
            out.contains("5 |     http_tokens = \"optional\"\n  |                   ^^^^^^^^^^\n")
        );

        // A span past the end of its line still gets one caret.
        r.findings[0].span = Span::new(Arc::from(MAIN_TF), 13, 5, 13, 5);
        let out = render_sample(&r, OutputFormat::Text, false);
        assert!(out.contains("13 | }\n   |     ^\n"), "{out}");
    }

    #[test]
    fn missing_source_leaves_out_the_snippet() {
        let out = render_sample(&sample_report(), OutputFormat::Text, false);
        assert!(out.contains(
            "critical[TRUST001]: AppRole can be assumed by any AWS principal\n  --> templates/app.yaml:14:11\n   = help: Set the property in the template.\n"
        ));
    }

    #[test]
    fn long_lines_are_shown_around_the_mark() {
        // A one-line JSON plan: 300 characters before the value, 300 after.
        let line = format!(
            "{{\"a\":\"{}\",\"http_tokens\":\"optional\",\"b\":\"{}\"}}",
            "x".repeat(300),
            "y".repeat(300)
        );
        let col = line.find("\"optional\"").unwrap() as u32 + 1;
        let mut r = sample_report();
        r.findings.truncate(1);
        r.findings[0].related.clear();
        r.findings[0].span = Span::new(Arc::from("plan.json"), 1, col, 1, col + 10);
        let metas = super::super::tests::metas();
        let rules: Vec<&crate::rules::meta::RuleMeta> = metas.iter().collect();
        let sources = |f: &str| (f == "plan.json").then(|| line.clone());
        let out = super::super::render(
            &r,
            OutputFormat::Text,
            &RenderOptions {
                color: false,
                tool_version: "0.1.0",
                ruleset_version: "1.0.0",
                rules: &rules,
                sources: &sources,
                link_base: None,
                sarif: Default::default(),
                show_notes: false,
            },
        );
        let shown = format!(
            "1 | …{}\",\"http_tokens\":\"optional\",\"b\":\"{}…\n  |  {}^^^^^^^^^^\n",
            "x".repeat(24),
            "y".repeat(34),
            " ".repeat(40)
        );
        assert!(out.contains(&shown), "{out}");
    }

    #[test]
    fn first_paragraph_of_remediation() {
        assert_eq!(
            first_paragraph("Require tokens\nin the block:\n\n```hcl\nx\n```\n").as_deref(),
            Some("Require tokens in the block.")
        );
        assert_eq!(first_paragraph("```hcl\nx\n```\n"), None);
        assert_eq!(first_paragraph(""), None);
    }
}
