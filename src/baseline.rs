//! Baselines: the findings a project has accepted for now, so a gate fails only on new
//! ones. `rolegraph baseline --output FILE PATH...` records the fingerprints of a scan's
//! findings; `rolegraph scan --baseline FILE` leaves those findings out of the report.
//!
//! A finding matches by its fingerprint ([`crate::finding::Finding::fingerprint`]: rule,
//! file relative to the repository root, resource address and the rule's key), never by
//! line or by how the scan root is spelled, so a baseline survives edits that move code
//! around and scans from another directory. The other fields of an entry are there for the
//! people who review the file; they are masked ([`crate::secrets::mask_secrets`]) like
//! every output. Entries that match nothing are reported
//! ([`crate::finding::Report::baseline_stale`]): a stale baseline is visible.

use crate::finding::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The version of the baseline file format.
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct File {
    rolegraph_baseline: u32,
    findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule_id: String,
    pub resource: String,
    /// Relative to the repository root ([`crate::finding::Finding::repo_file`]).
    pub file: String,
}

/// Why a text is not a baseline rolegraph can use.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("not a baseline: {0}")]
    NotBaseline(#[source] serde_json::Error),
    #[error("baseline format version {0} is not supported (expected {VERSION})")]
    Version(u32),
}

/// A loaded baseline.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    entries: Vec<Entry>,
}

impl Baseline {
    /// Read a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let f: File = serde_json::from_str(text).map_err(BaselineError::NotBaseline)?;
        if f.rolegraph_baseline != VERSION {
            return Err(BaselineError::Version(f.rolegraph_baseline));
        }
        Ok(Baseline {
            entries: f.findings,
        })
    }

    /// Leave out of the report the findings the baseline records; count them, and list
    /// the entries that match no finding.
    pub fn apply(&self, report: &mut Report) {
        let recorded: BTreeSet<&str> = self.entries.iter().map(|e| &*e.fingerprint).collect();
        let found: BTreeSet<String> = report
            .findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect();
        let before = report.findings.len();
        report
            .findings
            .retain(|f| !recorded.contains(&*f.fingerprint));
        report.baselined += before - report.findings.len();
        report.baseline_stale.extend(
            self.entries
                .iter()
                .filter(|e| !found.contains(&e.fingerprint))
                .cloned(),
        );
        let stale = report.baseline_stale.len();
        if stale > 0 {
            report.diagnostics.push(crate::document::Diagnostic::note(
                crate::value::Span::none(),
                format!(
                    "{stale} baseline {} no finding: fixed since, or recorded from other files; record the baseline again to drop {}",
                    if stale == 1 { "entry matches" } else { "entries match" },
                    if stale == 1 { "it" } else { "them" },
                ),
            ));
        }
    }
}

/// The baseline file of a report: its findings that are not suppressed in source, in report
/// order, one entry per fingerprint.
pub fn render(report: &Report) -> String {
    let mut seen = BTreeSet::new();
    let findings = report
        .active()
        .filter(|f| seen.insert(f.fingerprint.clone()))
        .map(|f| Entry {
            fingerprint: f.fingerprint.clone(),
            rule_id: f.rule_id.to_string(),
            // For the people who review the file; matching uses the fingerprint only.
            resource: crate::secrets::mask_secrets(&f.resource),
            file: crate::secrets::mask_secrets(if f.repo_file.is_empty() {
                &f.span.file
            } else {
                &f.repo_file
            }),
        })
        .collect();
    let file = File {
        rolegraph_baseline: VERSION,
        findings,
    };
    let mut s = serde_json::to_string_pretty(&file).expect("a baseline serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Severity};
    use crate::value::Span;
    use std::sync::Arc;

    fn finding(fp: &str) -> Finding {
        let mut f = Finding::new(
            "IMDS001",
            Severity::High,
            Span::new(Arc::from("main.tf"), 3, 1, 3, 5),
            "aws_instance.web",
            "m",
        );
        f.fingerprint = fp.into();
        f
    }

    #[test]
    fn round_trip_leaves_out_recorded_findings_only() {
        let mut r = Report {
            findings: vec![finding("aa"), finding("bb")],
            ..Default::default()
        };
        let text = render(&Report {
            findings: vec![finding("aa"), finding("aa")],
            ..Default::default()
        });
        assert_eq!(
            text,
            "{\n  \"rolegraph_baseline\": 1,\n  \"findings\": [\n    {\n      \"fingerprint\": \"aa\",\n      \"rule_id\": \"IMDS001\",\n      \"resource\": \"aws_instance.web\",\n      \"file\": \"main.tf\"\n    }\n  ]\n}\n"
        );
        Baseline::parse(&text).unwrap().apply(&mut r);
        assert_eq!(r.baselined, 1);
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].fingerprint, "bb");
        assert!(r.baseline_stale.is_empty());
    }

    #[test]
    fn entries_that_match_nothing_are_listed() {
        let mut r = Report {
            findings: vec![finding("aa")],
            ..Default::default()
        };
        let text = render(&Report {
            findings: vec![finding("aa"), finding("cc")],
            ..Default::default()
        });
        Baseline::parse(&text).unwrap().apply(&mut r);
        assert_eq!(r.baselined, 1);
        assert!(r.findings.is_empty());
        let stale: Vec<&str> = r.baseline_stale.iter().map(|e| &*e.fingerprint).collect();
        assert_eq!(stale, ["cc"]);
    }

    #[test]
    fn rejects_other_files() {
        let e = Baseline::parse("{}").unwrap_err();
        assert!(matches!(e, BaselineError::NotBaseline(_)), "{e}");
        assert!(e.to_string().starts_with("not a baseline"), "{e}");
        let e = Baseline::parse(r#"{"rolegraph_baseline": 2, "findings": []}"#).unwrap_err();
        assert!(matches!(e, BaselineError::Version(2)), "{e}");
        assert!(e.to_string().contains("version 2"), "{e}");
    }
}
