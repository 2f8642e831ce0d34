//! Baselines: the findings a project has accepted for now, so a gate fails only on new
//! ones. `rolegraph baseline --output FILE PATH...` records the fingerprints of a scan's
//! findings; `rolegraph scan --baseline FILE` leaves those findings out of the report.
//!
//! A finding matches by its fingerprint ([`crate::finding::Finding::fingerprint`]: rule,
//! file, resource address and the rule's key), never by line, so a baseline survives edits
//! that move code around. The other fields of an entry are there for the people who review
//! the file; they are masked ([`crate::secrets::mask_secrets`]) like every output.

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

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule_id: String,
    resource: String,
    file: String,
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
    fingerprints: BTreeSet<String>,
}

impl Baseline {
    /// Read a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let f: File = serde_json::from_str(text).map_err(BaselineError::NotBaseline)?;
        if f.rolegraph_baseline != VERSION {
            return Err(BaselineError::Version(f.rolegraph_baseline));
        }
        Ok(Baseline {
            fingerprints: f.findings.into_iter().map(|e| e.fingerprint).collect(),
        })
    }

    /// Leave out of the report the findings the baseline records; count them.
    pub fn apply(&self, report: &mut Report) {
        let before = report.findings.len();
        report
            .findings
            .retain(|f| !self.fingerprints.contains(&f.fingerprint));
        report.baselined += before - report.findings.len();
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
            file: crate::secrets::mask_secrets(&f.span.file),
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
