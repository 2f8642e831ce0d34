//! A compact Markdown summary for a pull-request comment: a heading with the number of
//! findings, the counts by severity, and a table of the findings (most severe first) with
//! the rule, the resource and a `file:line` link to the source when a link base is known.
//!
//! ```markdown
//! ### rolegraph: 2 findings
//!
//! **0** critical · **1** high · **1** medium · **0** low in 3 files
//!
//! | Severity | Rule | Resource | Location |
//! | --- | --- | --- | --- |
//! | high | **IMDS001** EC2 instance metadata accepts IMDSv1 | `aws_instance.web` | [main.tf:12](https://github.com/o/r/blob/SHA/main.tf#L12) |
//! ```
//!
//! The findings' messages follow, folded in a `<details>` element. Findings suppressed in
//! source and those recorded in a baseline are not listed (the summary line counts them):
//! the table holds what this change brings.

use super::{RenderOptions, unparsed_files};
use crate::finding::{Finding, Report, Severity};
use crate::secrets::{guard_lines, sanitize};
use std::fmt::Write as _;

/// The most rows the table shows; the rest are counted below it.
const MAX_ROWS: usize = 50;

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut active: Vec<&Finding> = report.active().collect();
    // Most severe first; report order (file, line) within a severity.
    active.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut out = String::new();
    let new = if report.baselined > 0 { "new " } else { "" };
    match active.len() {
        0 => {
            let _ = writeln!(out, "### rolegraph: no {new}findings");
        }
        n => {
            let _ = writeln!(
                out,
                "### rolegraph: {n} {new}finding{}",
                if n == 1 { "" } else { "s" }
            );
        }
    }
    out.push('\n');
    let counts: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ]
    .iter()
    .map(|s| format!("**{}** {s}", report.count(*s)))
    .collect();
    let _ = write!(
        out,
        "{} in {} file{}",
        counts.join(" · "),
        report.files_scanned,
        if report.files_scanned == 1 { "" } else { "s" }
    );
    let suppressed = report.suppressed();
    if suppressed > 0 {
        let _ = write!(out, "; {suppressed} suppressed in source");
    }
    if report.baselined > 0 {
        let _ = write!(out, "; {} in the baseline", report.baselined);
    }
    let stale = report.baseline_stale.len();
    if stale > 0 {
        let _ = write!(
            out,
            "; {stale} baseline {} matching nothing",
            if stale == 1 { "entry" } else { "entries" }
        );
    }
    let unparsed = unparsed_files(report);
    if unparsed > 0 {
        let _ = write!(
            out,
            "; **{unparsed} file{} could not be parsed**",
            if unparsed == 1 { "" } else { "s" }
        );
    }
    out.push('\n');
    if active.is_empty() {
        return out;
    }
    out.push_str("\n| Severity | Rule | Resource | Location |\n| --- | --- | --- | --- |\n");
    for f in active.iter().take(MAX_ROWS) {
        let title = opts
            .rule(f.rule_id)
            .map(|m| format!(" {}", cell(&m.title)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | **{}**{title} | `{}` | {} |",
            f.severity,
            f.rule_id,
            cell(&f.resource).replace('`', "'"),
            location(f, opts.link_base),
        );
    }
    if active.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n… and {} more; see the full report.",
            active.len() - MAX_ROWS
        );
    }
    // What each finding says, folded away under the table.
    out.push_str("\n<details><summary>Messages</summary>\n\n");
    for f in active.iter().take(MAX_ROWS) {
        let _ = writeln!(
            out,
            "- **{}** `{}` at {}: {}",
            f.rule_id,
            cell(&f.resource).replace('`', "'"),
            cell(&format!("{}:{}", f.span.file, f.span.line)),
            cell(&f.message),
        );
    }
    out.push_str("\n</details>\n");
    guard_lines(&out)
}

/// Text for a table cell: one line (control characters escaped), pipes escaped, secrets
/// masked.
fn cell(s: &str) -> String {
    sanitize(s).replace('|', "\\|")
}

/// `file:line`, linked when a link base is known.
fn location(f: &Finding, link_base: Option<&str>) -> String {
    let text = cell(&format!("{}:{}", f.span.file, f.span.line));
    match link_base {
        Some(base) if !f.span.is_none() => {
            let path: String = crate::secrets::mask_secrets(&f.span.file)
                .trim_start_matches("./")
                .chars()
                .map(|c| match c {
                    ' ' => "%20".to_string(),
                    '#' => "%23".to_string(),
                    '%' => "%25".to_string(),
                    '(' => "%28".to_string(),
                    ')' => "%29".to_string(),
                    c if c.is_control() || c == '<' || c == '>' => {
                        let mut buf = [0; 4];
                        c.encode_utf8(&mut buf)
                            .bytes()
                            .map(|b| format!("%{b:02X}"))
                            .collect()
                    }
                    c => c.to_string(),
                })
                .collect();
            format!(
                "[{text}]({}/{path}#L{})",
                base.trim_end_matches('/'),
                f.span.line
            )
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{metas, sample_report, source};
    use super::super::{OutputFormat, RenderOptions, render};
    use crate::rules::meta::RuleMeta;

    fn render_with(report: &crate::finding::Report, link_base: Option<&str>) -> String {
        let metas = metas();
        let rules: Vec<&RuleMeta> = metas.iter().collect();
        render(
            report,
            OutputFormat::Markdown,
            &RenderOptions {
                color: false,
                tool_version: "0.1.0",
                ruleset_version: "1.0.0",
                rules: &rules,
                sources: &source,
                link_base,
                sarif: Default::default(),
                show_notes: false,
            },
        )
    }

    #[test]
    fn summary_and_table_most_severe_first() {
        let out = render_with(&sample_report(), None);
        assert_eq!(
            out,
            "### rolegraph: 3 findings\n\
             \n\
             **1** critical · **1** high · **1** medium · **0** low in 12 files; **1 file could not be parsed**\n\
             \n\
             | Severity | Rule | Resource | Location |\n\
             | --- | --- | --- | --- |\n\
             | critical | **TRUST001** A trust policy lets anyone assume the role | `AppRole` | templates/app.yaml:14 |\n\
             | high | **IMDS001** EC2 instance metadata accepts IMDSv1 requests | `aws_instance.web` | testdata/demo dir/main.tf:5 |\n\
             | medium | **IMDS002** Metadata hop limit lets containers reach the instance role | `aws_instance.web` | testdata/demo dir/main.tf:4 |\n\
             \n\
             <details><summary>Messages</summary>\n\
             \n\
             - **TRUST001** `AppRole` at templates/app.yaml:14: AppRole can be assumed by any AWS principal\n\
             - **IMDS001** `aws_instance.web` at testdata/demo dir/main.tf:5: aws_instance.web accepts IMDSv1: http_tokens is \"optional\"\n\
             - **IMDS002** `aws_instance.web` at testdata/demo dir/main.tf:4: aws_instance.web lets containers reach IMDS: hop limit is 3 (set by AKIA****************)\n\
             \n\
             </details>\n"
        );
    }

    #[test]
    fn links_locations_and_counts_the_baseline() {
        let mut r = sample_report();
        r.findings.truncate(1);
        r.baselined = 2;
        r.diagnostics.clear();
        let out = render_with(&r, Some("https://github.com/o/r/blob/abc/"));
        assert_eq!(
            out,
            "### rolegraph: 1 new finding\n\
             \n\
             **0** critical · **1** high · **0** medium · **0** low in 12 files; 2 in the baseline\n\
             \n\
             | Severity | Rule | Resource | Location |\n\
             | --- | --- | --- | --- |\n\
             | high | **IMDS001** EC2 instance metadata accepts IMDSv1 requests | `aws_instance.web` | [testdata/demo dir/main.tf:5](https://github.com/o/r/blob/abc/testdata/demo%20dir/main.tf#L5) |\n\
             \n\
             <details><summary>Messages</summary>\n\
             \n\
             - **IMDS001** `aws_instance.web` at testdata/demo dir/main.tf:5: aws_instance.web accepts IMDSv1: http_tokens is \"optional\"\n\
             \n\
             </details>\n"
        );
        r.findings.clear();
        assert_eq!(
            render_with(&r, None),
            "### rolegraph: no new findings\n\n**0** critical · **0** high · **0** medium · **0** low in 12 files; 2 in the baseline\n"
        );
    }
}
