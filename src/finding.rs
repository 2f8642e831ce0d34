//! Findings, severities and the report every output format renders.

use crate::document::{Diagnostic, Suppression};
use crate::value::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    /// SARIF `level` per RULES.md.
    pub(crate) fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "note",
        }
    }
    /// SARIF `properties.security-severity` per RULES.md.
    pub(crate) fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Another node on the path through the graph (profile, role, policy statement ...).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule_id: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The offending attribute, or the block that lacks it.
    pub span: Span,
    /// Address of the resource the finding is about.
    pub resource: String,
    /// The CDK construct path of that resource, when the template was synthesized by the
    /// CDK (`Metadata` `aws:cdk:path`): shown beside the logical ID, and as the SARIF
    /// logical location.
    pub construct_path: Option<String>,
    /// The rest of the graph path, in order (workload first).
    pub related: Vec<Related>,
    /// Stable identity that does not depend on line numbers: rule, file (relative to the
    /// repository root, see [`Finding::repo_file`]), resource address and a rule-chosen key
    /// (attribute path, role address ...). Filled in by the pipeline.
    pub fingerprint: String,
    /// The finding's file relative to the repository root (the nearest directory upward
    /// with a `.git`, else the scan root it was found under), with `/` separators: the same
    /// whether the scan ran as `scan demo`, `cd demo && scan .`, `scan /abs/demo` or
    /// `scan demo/.`. Filled in by the pipeline; fingerprints and baselines use it.
    pub repo_file: String,
    /// Rule-chosen part of the fingerprint.
    pub key: String,
    /// Set when the resource suppresses this rule in source: the finding stays in the
    /// report (SARIF `suppressions`), but is not printed one by one in text and never fails
    /// the gate.
    pub suppressed: Option<Suppression>,
}

impl Finding {
    pub(crate) fn new(
        rule_id: &'static str,
        severity: Severity,
        span: Span,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule_id,
            severity,
            message: message.into(),
            span,
            resource: resource.into(),
            construct_path: None,
            related: Vec::new(),
            fingerprint: String::new(),
            repo_file: String::new(),
            key: String::new(),
            suppressed: None,
        }
    }
    pub(crate) fn related(mut self, span: Span, message: impl Into<String>) -> Finding {
        if !span.is_none() {
            self.related.push(Related {
                span,
                message: message.into(),
            });
        }
        self
    }
    pub(crate) fn key(mut self, key: impl Into<String>) -> Finding {
        self.key = key.into();
        self
    }
}

/// Everything a scan produced, ready for any output format.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Findings, sorted by file, line, column, rule.
    pub findings: Vec<Finding>,
    /// Parse errors, unresolved modules and other notes, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files read.
    pub files_scanned: usize,
    /// The rules that ran (findings of rules left out by `--select`/`--ignore` are not
    /// here at all).
    pub rules_run: Vec<&'static str>,
    /// Findings left out because a baseline (`--baseline`) records them.
    pub baselined: usize,
    /// Findings not shown because of `--severity` (they still count for `--fail-on`).
    pub hidden: usize,
    /// Entries of the baseline that match no finding of this scan: fixed, or recorded
    /// elsewhere (a stale baseline hides nothing and should be re-recorded).
    pub baseline_stale: Vec<crate::baseline::Entry>,
}

impl Report {
    pub fn has_parse_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level == crate::document::DiagLevel::Error)
    }
    /// Number of findings of a severity that are not suppressed.
    pub(crate) fn count(&self, sev: Severity) -> usize {
        self.active().filter(|f| f.severity == sev).count()
    }
    /// The findings that are not suppressed: what is printed one by one and what the gate
    /// reads.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }
    /// The report with only the findings of these severities (all when empty): what
    /// `scan --severity` shows.
    pub fn showing(mut self, severities: &[Severity]) -> Report {
        if !severities.is_empty() {
            let before = self.active().count();
            self.findings.retain(|f| severities.contains(&f.severity));
            self.hidden += before - self.active().count();
        }
        self
    }
    /// Number of findings suppressed in source.
    pub(crate) fn suppressed(&self) -> usize {
        self.findings.len() - self.active().count()
    }
}

/// Findings of one rule at one location (sorted next to each other): the same module used
/// by several scanned configurations gives exact copies, kept once; count / for_each
/// instances of one block give one finding per instance. Instances that agree (the same
/// message once the instance's own address is set aside) are one finding naming the other
/// instances as related locations (resources of other calls of one module count as
/// instances, with the module address set aside too); instances that differ (another role, another value)
/// are each reported.
pub fn fold_instances(findings: Vec<Finding>) -> Vec<Finding> {
    let same_place =
        |a: &Finding, b: &Finding| a.rule_id == b.rule_id && a.span == b.span && a.key == b.key;
    let shape = |f: &Finding| {
        let mut m = f.message.replace(f.resource.as_str(), "\u{0}");
        if let Some(p) = module_prefix(&f.resource) {
            m = m.replace(p, "\u{1}");
        }
        (f.severity, m)
    };
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    // Where the current location's findings start in `out`.
    let mut group_start = 0;
    for f in findings {
        if out.last().is_none_or(|last| !same_place(last, &f)) {
            group_start = out.len();
            out.push(f);
            continue;
        }
        if let Some(kept) = out[group_start..]
            .iter_mut()
            .find(|k| shape(k) == shape(&f))
        {
            let also = format!("also {}", f.resource);
            if f.resource != kept.resource && !kept.related.iter().any(|r| r.message == also) {
                kept.related.push(Related {
                    span: f.span.clone(),
                    message: also,
                });
            }
            continue;
        }
        out.push(f);
    }
    out
}

/// `module.a["k"].module.b.` of `module.a["k"].module.b.aws_iam_role.r[0]`: the calls of the
/// module a resource is declared in; `Workers/` of a nested stack's `Workers/LaunchTemplate`.
fn module_prefix(address: &str) -> Option<&str> {
    // A CloudFormation nested stack's resource: `Workers/LaunchTemplate`.
    if !address.starts_with("module.") {
        let end = address.find(['[', '"']).unwrap_or(address.len());
        return address[..end].rfind('/').map(|i| &address[..=i]);
    }
    let base = match address.strip_suffix(']') {
        Some(_) => &address[..address.rfind('[')?],
        None => address,
    };
    let name_dot = base.rfind('.')?;
    let type_dot = base[..name_dot].rfind('.')?;
    Some(&address[..=type_dot])
}
