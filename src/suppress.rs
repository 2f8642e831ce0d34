//! Suppressions written in source, applied to findings.
//!
//! Each parser reads its own syntax into [`Resource::suppressions`] (CloudFormation:
//! `Metadata.rolegraph.ignore`, see [`crate::parse::cfn::suppress`]); from there on this
//! module is the same for every format. A finding is suppressed when the resource it is
//! about (its address, within the same document) suppresses its rule ID. A suppressed
//! finding stays in the report: SARIF marks it with an in-source suppression, the text
//! output only counts it, and it never fails the gate.

use crate::doc::{Diagnostic, Resource};
use crate::finding::Finding;
use std::collections::HashMap;

/// Mark the findings of one document that its resources suppress. Returns a warning for
/// every suppression that names no rule of rolegraph (a typo would silently suppress
/// nothing).
pub fn apply(findings: &mut [Finding], resources: &[Resource]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let known: Vec<&str> = crate::rules::all().iter().map(|r| r.id()).collect();
    let mut by_address: HashMap<&str, &Resource> = HashMap::new();
    for r in resources {
        if r.suppressions.is_empty() {
            continue;
        }
        by_address.insert(r.address.as_str(), r);
        for s in &r.suppressions {
            if !known.iter().any(|id| id.eq_ignore_ascii_case(&s.rule)) {
                diags.push(Diagnostic::warning(
                    s.span.first_line(),
                    format!(
                        "{} suppresses `{}`, which is not a rolegraph rule ID; nothing is \
                         suppressed by it",
                        r.address, s.rule
                    ),
                ));
            }
        }
    }
    if by_address.is_empty() {
        return diags;
    }
    for f in findings.iter_mut() {
        let Some(r) = by_address.get(f.resource.as_str()) else {
            continue;
        };
        if let Some(s) = r
            .suppressions
            .iter()
            .find(|s| s.rule.eq_ignore_ascii_case(f.rule_id))
        {
            f.suppressed = Some(s.clone());
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Format, Mode, Suppression};
    use crate::finding::Severity;
    use crate::value::{Node, Span, Value};
    use std::sync::Arc;

    fn at(line: u32) -> Span {
        Span::new(Arc::from("t.yaml"), line, 1, line, 10)
    }

    fn resource(address: &str, suppressions: Vec<Suppression>) -> Resource {
        Resource {
            format: Format::CloudFormation,
            mode: Mode::Managed,
            rtype: "AWS::EC2::Instance".into(),
            address: address.into(),
            ref_address: address.into(),
            attrs: Node::new(Value::Map(Default::default()), at(1)),
            span: at(1),
            attr_spans: Default::default(),
            suppressions,
        }
    }

    fn suppression(rule: &str, reason: &str, line: u32) -> Suppression {
        Suppression {
            rule: rule.into(),
            reason: reason.into(),
            span: at(line),
        }
    }

    #[test]
    fn marks_findings_of_the_suppressing_resource_and_rule_only() {
        let resources = vec![
            resource(
                "Web",
                vec![
                    suppression("imds001", "legacy", 5),
                    suppression("NOPE999", "", 6),
                ],
            ),
            resource("Other", vec![]),
        ];
        let mut findings = vec![
            Finding::new("IMDS001", Severity::High, at(9), "Web", "a"),
            Finding::new("IMDS002", Severity::Medium, at(9), "Web", "b"),
            Finding::new("IMDS001", Severity::High, at(20), "Other", "c"),
        ];
        let diags = apply(&mut findings, &resources);
        assert_eq!(
            findings[0].suppressed,
            Some(suppression("imds001", "legacy", 5))
        );
        assert_eq!(findings[1].suppressed, None);
        assert_eq!(findings[2].suppressed, None);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].span.line, 6);
        assert!(
            diags[0].message.contains("`NOPE999`"),
            "{}",
            diags[0].message
        );
    }
}
