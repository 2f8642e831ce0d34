//! JUnit XML, the test report format GitLab (`artifacts:reports:junit`), Jenkins and most CI
//! systems display.
//!
//! Every rule that ran is a `<testsuite>` (`IMDS001 imdsv2-not-required`); every finding of
//! it is a `<testcase>` with a `<failure>` (its severity as `type`, the message, the graph
//! path and where to read the rule's documentation in the body). A finding suppressed in
//! source is a `<testcase>` with `<skipped>` and the suppression's reason. A rule without
//! findings has one passing test case, `no findings`, so the report shows what was checked.
//! Files that could not be parsed make a last suite, `parse`, with an `<error>` each.
//!
//! Test case names are `resource at file:line`, and `classname` is `rolegraph.<RULE>`.
//! Every message, resource and path is masked and its control characters escaped
//! ([`crate::secrets::sanitize`]); then attribute values and text are escaped for XML.
//! No timestamps or durations: the output is deterministic.

use super::RenderOptions;
use crate::document::DiagLevel;
use crate::finding::{Finding, Report};
use crate::secrets::sanitize;
use crate::value::Span;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One `<testcase>`.
struct Case {
    name: String,
    classname: String,
    file: Option<String>,
    line: Option<u32>,
    outcome: Outcome,
}

enum Outcome {
    Pass,
    Failure {
        kind: String,
        message: String,
        body: String,
    },
    Skipped(String),
    Error {
        message: String,
    },
}

struct Suite {
    name: String,
    cases: Vec<Case>,
}

impl Suite {
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.cases.iter().filter(|c| f(&c.outcome)).count()
    }
    fn failures(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failure { .. }))
    }
    fn errors(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Error { .. }))
    }
    fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped(_)))
    }
}

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for id in &report.rules_run {
        by_rule.entry(id).or_default();
    }
    for f in &report.findings {
        by_rule.entry(f.rule_id).or_default().push(f);
    }
    let mut suites: Vec<Suite> = by_rule
        .into_iter()
        .map(|(id, findings)| {
            let name = match opts.rule(id) {
                Some(m) => format!("{id} {}", m.slug),
                None => id.to_string(),
            };
            let classname = format!("rolegraph.{id}");
            let mut cases: Vec<Case> = findings.iter().map(|f| case(f, &classname)).collect();
            if cases.is_empty() {
                cases.push(Case {
                    name: "no findings".into(),
                    classname,
                    file: None,
                    line: None,
                    outcome: Outcome::Pass,
                });
            }
            Suite { name, cases }
        })
        .collect();
    let errors: Vec<Case> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagLevel::Error)
        .map(|d| Case {
            name: if d.span.file.is_empty() {
                "input".into()
            } else {
                location(&d.span)
            },
            classname: "rolegraph.parse".into(),
            file: (!d.span.file.is_empty()).then(|| sanitize(&d.span.file)),
            line: (!d.span.is_none()).then_some(d.span.line),
            outcome: Outcome::Error {
                message: sanitize(&d.message),
            },
        })
        .collect();
    if !errors.is_empty() {
        suites.push(Suite {
            name: "parse".into(),
            cases: errors,
        });
    }

    let total = |f: &dyn Fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"rolegraph\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        total(&|s| s.cases.len()),
        total(&Suite::failures),
        total(&Suite::errors),
        total(&Suite::skipped),
    );
    for s in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            attr(&s.name),
            s.cases.len(),
            s.failures(),
            s.errors(),
            s.skipped(),
        );
        for c in &s.cases {
            write_case(&mut out, c);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn case(f: &Finding, classname: &str) -> Case {
    let message = sanitize(&f.message);
    let outcome = match &f.suppressed {
        Some(s) if s.span.file.is_empty() => Outcome::Skipped(format!(
            "suppressed in source: {}",
            sanitize(&s.justification())
        )),
        Some(s) => Outcome::Skipped(format!(
            "suppressed in source at {}: {}",
            location(&s.span),
            sanitize(&s.justification())
        )),
        None => {
            let mut body = format!("{message}\nat {}\n", location(&f.span));
            for r in &f.related {
                let _ = writeln!(body, "  {} at {}", sanitize(&r.message), location(&r.span));
            }
            let _ = writeln!(body, "Documentation: rolegraph rules {}", f.rule_id);
            Outcome::Failure {
                kind: f.severity.to_string(),
                message,
                body,
            }
        }
    };
    Case {
        name: format!("{} at {}", sanitize(&f.resource), location(&f.span)),
        classname: classname.to_string(),
        file: (!f.span.file.is_empty()).then(|| sanitize(&f.span.file)),
        line: (!f.span.is_none()).then_some(f.span.line),
        outcome,
    }
}

fn write_case(out: &mut String, c: &Case) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\"",
        attr(&c.name),
        attr(&c.classname)
    );
    if let Some(file) = &c.file {
        let _ = write!(out, " file=\"{}\"", attr(file));
    }
    if let Some(line) = c.line {
        let _ = write!(out, " line=\"{line}\"");
    }
    match &c.outcome {
        Outcome::Pass => out.push_str("/>\n"),
        Outcome::Failure {
            kind,
            message,
            body,
        } => {
            let _ = writeln!(
                out,
                ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                attr(kind),
                attr(message),
                text(body)
            );
        }
        Outcome::Skipped(message) => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                attr(message)
            );
        }
        Outcome::Error { message } => {
            let _ = writeln!(
                out,
                ">\n      <error type=\"parse\" message=\"{}\"/>\n    </testcase>",
                attr(message)
            );
        }
    }
}

fn location(span: &Span) -> String {
    if span.is_none() {
        sanitize(&span.file)
    } else {
        sanitize(&format!("{}:{}", span.file, span.line))
    }
}

/// Characters XML 1.0 allows in a document.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escape character data.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escape an attribute value (line breaks kept as character references: a parser would turn
/// a literal one into a space).
fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::OutputFormat;
    use crate::report::tests::{render_sample, sample_report};

    #[test]
    fn junit_snapshot() {
        let out = render_sample(&sample_report(), OutputFormat::Junit, false);
        insta::assert_snapshot!("junit", out);
    }

    /// The output parses as XML, and the counts add up.
    #[test]
    fn junit_is_valid_xml() {
        let mut r = sample_report();
        r.findings[0].message = "a <b> & \"c\" 'd'\u{1} ]]> \n e".into();
        r.findings[2].suppressed = Some(crate::document::Suppression::own(
            "TRUST001",
            "reviewed <ok>",
            Span::none(),
        ));
        let out = render_sample(&r, OutputFormat::Junit, false);
        let doc = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("tests"), Some("4"));
        assert_eq!(root.attribute("failures"), Some("2"));
        assert_eq!(root.attribute("errors"), Some("1"));
        assert_eq!(root.attribute("skipped"), Some("1"));
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        let names: Vec<_> = suites
            .iter()
            .map(|s| s.attribute("name").unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "IMDS001 imdsv2-not-required",
                "IMDS002 imds-hop-limit-too-high",
                "TRUST001 trust-any-principal",
                "parse"
            ]
        );
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert_eq!(failure.attribute("type"), Some("high"));
        // The message comes back as written, its control characters as visible escapes
        // (a scanned file cannot start a line of its own).
        assert_eq!(
            failure.attribute("message"),
            Some("a <b> & \"c\" 'd'\\u{1} ]]> \\n e")
        );
        let skipped = doc
            .descendants()
            .find(|n| n.has_tag_name("skipped"))
            .unwrap();
        assert_eq!(
            skipped.attribute("message"),
            Some("suppressed in source: reviewed <ok>")
        );
        assert!(!out.contains("AKIAIOSFODNN7EXAMPLE"));
    }

    #[test]
    fn a_rule_without_findings_passes() {
        let mut r = sample_report();
        r.findings.clear();
        r.diagnostics.clear();
        let out = render_sample(&r, OutputFormat::Junit, false);
        assert!(out.contains(
            "  <testsuite name=\"IMDS002 imds-hop-limit-too-high\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase name=\"no findings\" classname=\"rolegraph.IMDS002\"/>\n"
        ), "{out}");
        roxmltree::Document::parse(&out).unwrap();
    }
}
