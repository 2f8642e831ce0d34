//! Suppressions written in source, applied to findings.
//!
//! Each parser reads its own syntax into [`Resource::suppressions`]: Terraform comments
//! (`# rolegraph:ignore IMDS001 -- reason`, read by `parse_comment` and placed by
//! [`crate::parse::hcl::suppress`]), CloudFormation `Metadata` (see
//! [`crate::parse::cfn::suppress`]). Both also read the syntaxes of other scanners
//! (`checkov:skip=CKV_AWS_79`, `tfsec:ignore:...`, `trivy:ignore:...`, cfn_nag
//! `rules_to_suppress`, cfn-lint `ignore_checks`), which suppress the rolegraph rules whose
//! `equivalents` (in `policies/<ID>.yaml`) list that check.
//!
//! From there on this module is the same for every format. A finding is suppressed when the
//! resource it is about (its address, within the same document) suppresses its rule and
//! the finding is inside the suppression's scope (an attribute or block, or the whole
//! resource). A suppressed finding stays in the report: SARIF marks it with an in-source
//! suppression, the text output only counts it, and it never fails the gate.

use crate::document::{Diagnostic, Resource, Suppression, SuppressionSyntax};
use crate::finding::Finding;
use std::collections::HashMap;

/// What one comment asks to suppress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Directive {
    pub(crate) syntax: SuppressionSyntax,
    /// The rule or check ID as written.
    pub(crate) id: String,
    /// Empty when none is given.
    pub(crate) reason: String,
}

/// Read the suppression directives of one comment (its text without the comment markers).
/// `today` (`YYYY-MM-DD`) decides whether a tfsec or Trivy `:exp:` date has passed.
/// Returns the directives, and the problems to report (a directive that names no rule, an
/// expired or conditional one that is not applied).
pub(crate) fn parse_comment(text: &str, today: &str) -> (Vec<Directive>, Vec<String>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    if let Some(at) = text.find("rolegraph:ignore") {
        let rest = &text[at + "rolegraph:ignore".len()..];
        let (ids, reason) = match rest.split_once("--") {
            Some((ids, reason)) => (ids, reason.trim()),
            None => (rest, ""),
        };
        let ids: Vec<&str> = ids
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        if ids.is_empty() {
            problems.push(
                "`rolegraph:ignore` names no rule ID (write `rolegraph:ignore IMDS001 -- reason`); \
                 nothing is suppressed by it"
                    .to_string(),
            );
        }
        for id in ids {
            out.push(Directive {
                syntax: SuppressionSyntax::Rolegraph,
                id: id.to_string(),
                reason: reason.to_string(),
            });
        }
    }
    for (at, _) in text.match_indices("checkov:skip=") {
        let rest = &text[at + "checkov:skip=".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let id = &rest[..end];
        if id.is_empty() {
            continue;
        }
        let reason = rest[end..]
            .strip_prefix(':')
            .map(|r| r.split("checkov:skip=").next().unwrap_or("").trim())
            .unwrap_or("");
        out.push(Directive {
            syntax: SuppressionSyntax::Checkov,
            id: id.to_string(),
            reason: reason.to_string(),
        });
    }
    for (marker, syntax) in [
        ("tfsec:ignore:", SuppressionSyntax::Tfsec),
        ("trivy:ignore:", SuppressionSyntax::Trivy),
    ] {
        for (at, _) in text.match_indices(marker) {
            let rest = &text[at + marker.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            let id = &rest[..end];
            if id.is_empty() {
                continue;
            }
            let after = &rest[end..];
            let written = format!("{marker}{id}");
            if after.starts_with('[') {
                problems.push(format!(
                    "`{written}[...]` applies only when attributes have given values, which \
                     rolegraph does not check; it is not applied"
                ));
                continue;
            }
            if let Some(date) = after.strip_prefix(":exp:") {
                let date: String = date.chars().take(10).collect();
                if date.as_str() < today {
                    problems.push(format!("`{written}` expired on {date}; it is not applied"));
                    continue;
                }
            }
            out.push(Directive {
                syntax,
                id: id.to_string(),
                reason: String::new(),
            });
        }
    }
    (out, problems)
}

/// Today's date in UTC, `YYYY-MM-DD` (for the expiry dates of tfsec and Trivy ignores).
pub(crate) fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The rolegraph rules a suppression stands for: its own ID, or the rules whose
/// equivalents list another tool's check.
fn rules_of(s: &Suppression) -> Vec<String> {
    match s.syntax {
        SuppressionSyntax::Rolegraph => vec![s.rule.to_ascii_uppercase()],
        peer => crate::rules::meta::rules_for_peer(peer, &s.rule)
            .into_iter()
            .map(str::to_string)
            .collect(),
    }
}

/// Does `s` suppress a finding of `rule` at `span`?
pub fn suppresses(s: &Suppression, rule: &str, span: &crate::value::Span) -> bool {
    rules_of(s).iter().any(|id| id == rule) && s.covers(span)
}

/// Findings made from a file's text (credentials written in it), put in context: in a
/// Terraform file each is named after the top-level block it is in (a resource, but also
/// `provider.aws` or `locals`, never the resource before it) and suppressed by that block's
/// directives; elsewhere (templates) `suppressions` are the document's resources' own, by
/// address.
pub fn text_findings(
    file: &std::sync::Arc<str>,
    text: &str,
    findings: &mut [Finding],
    suppressions: &[(String, Vec<Suppression>)],
) {
    if findings.is_empty() {
        return;
    }
    if file.ends_with(".tf") {
        let blocks = crate::parse::hcl::suppress::text_blocks(file, text, &today());
        for f in findings.iter_mut() {
            let Some(b) = blocks
                .iter()
                .find(|b| b.line <= f.span.line && f.span.line <= b.end_line)
            else {
                // Outside every block: the file itself.
                f.resource = file.to_string();
                continue;
            };
            // A resource keeps the address it was given (with its module path and key).
            if !f.resource.contains(&b.name) {
                f.resource = b.name.clone();
            }
            f.suppressed = b
                .suppressions
                .iter()
                .find(|s| suppresses(s, f.rule_id, &f.span))
                .cloned();
        }
        return;
    }
    for f in findings.iter_mut() {
        if let Some((_, sups)) = suppressions.iter().find(|(a, _)| *a == f.resource) {
            f.suppressed = sups
                .iter()
                .find(|s| suppresses(s, f.rule_id, &f.span))
                .cloned();
        }
    }
}

/// Mark the findings of one document that its resources suppress. Returns a warning for
/// every suppression in rolegraph's syntax that names no rule of rolegraph (a typo would
/// silently suppress nothing) or gives no reason. A suppression in another tool's syntax
/// for a check rolegraph has no equivalent of is left alone: it is that tool's business.
pub(crate) fn apply(findings: &mut [Finding], resources: &[Resource]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let known: Vec<&str> = crate::rules::all().iter().map(|r| r.id()).collect();
    let mut by_address: HashMap<&str, Vec<(&Suppression, Vec<String>)>> = HashMap::new();
    for r in resources {
        for s in &r.suppressions {
            if s.syntax == SuppressionSyntax::Rolegraph {
                if !known.iter().any(|id| id.eq_ignore_ascii_case(&s.rule)) {
                    diags.push(Diagnostic::warning(
                        s.span.first_line(),
                        format!(
                            "{} suppresses `{}`, which is not a rolegraph rule ID; nothing is \
                             suppressed by it",
                            r.address, s.rule
                        ),
                    ));
                    continue;
                }
                if s.reason.is_empty() {
                    diags.push(Diagnostic::warning(
                        s.span.first_line(),
                        format!(
                            "the suppression of {} gives no reason: say why the finding is \
                             safe to ignore (`-- reason` after the rule ID in a comment, \
                             `reason:` in Metadata)",
                            s.rule.to_ascii_uppercase()
                        ),
                    ));
                }
            }
            let rules = rules_of(s);
            if !rules.is_empty() {
                by_address
                    .entry(r.address.as_str())
                    .or_default()
                    .push((s, rules));
            }
        }
    }
    if by_address.is_empty() {
        return diags;
    }
    for f in findings.iter_mut() {
        let Some(sups) = by_address.get(f.resource.as_str()) else {
            continue;
        };
        if let Some((s, _)) = sups
            .iter()
            .find(|(s, rules)| rules.iter().any(|id| id == f.rule_id) && s.covers(&f.span))
        {
            f.suppressed = Some((*s).clone());
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, Mode, Suppression};
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
            construct_path: None,
        }
    }

    fn suppression(rule: &str, reason: &str, line: u32) -> Suppression {
        Suppression::own(rule, reason, at(line))
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

    fn peer(syntax: SuppressionSyntax, id: &str, line: u32) -> Suppression {
        Suppression {
            syntax,
            ..Suppression::own(id, "", at(line))
        }
    }

    #[test]
    fn other_tools_suppress_their_equivalent_rules() {
        use SuppressionSyntax::*;
        let resources = vec![
            resource(
                "Web",
                vec![
                    peer(Checkov, "ckv_aws_79", 2),
                    // No rolegraph rule is equivalent: left alone, no warning.
                    peer(Checkov, "CKV_AWS_20", 3),
                ],
            ),
            resource(
                "Lt",
                vec![peer(Trivy, "aws-ec2-enforce-http-token-imds", 4)],
            ),
            resource("Pol", vec![peer(CfnNag, "W16", 5), peer(CfnLint, "W3", 6)]),
        ];
        let mut findings = vec![
            Finding::new("IMDS001", Severity::High, at(9), "Web", "a"),
            Finding::new("IMDS002", Severity::Medium, at(9), "Web", "b"),
            Finding::new("IMDS001", Severity::High, at(20), "Lt", "c"),
            Finding::new("PRIV004", Severity::Medium, at(30), "Pol", "d"),
            Finding::new("PRIV005", Severity::Low, at(31), "Pol", "e"),
            Finding::new("PRIV001", Severity::Critical, at(32), "Pol", "f"),
        ];
        let diags = apply(&mut findings, &resources);
        assert!(diags.is_empty(), "{diags:?}");
        let by: Vec<Option<(SuppressionSyntax, &str)>> = findings
            .iter()
            .map(|f| f.suppressed.as_ref().map(|s| (s.syntax, s.rule.as_str())))
            .collect();
        assert_eq!(
            by,
            [
                Some((Checkov, "ckv_aws_79")),
                None,
                Some((Trivy, "aws-ec2-enforce-http-token-imds")),
                Some((CfnNag, "W16")),
                // cfn-lint entries are prefixes: `W3` covers W3037.
                Some((CfnLint, "W3")),
                None,
            ]
        );
        assert_eq!(
            findings[0].suppressed.as_ref().unwrap().justification(),
            "checkov:skip=ckv_aws_79 (no reason given)"
        );
    }

    #[test]
    fn a_scoped_suppression_covers_only_its_lines() {
        let mut s = Suppression::own("IMDS002", "pods", at(5));
        s.scope = Some(Span::new(Arc::from("t.yaml"), 6, 3, 8, 4));
        let resources = vec![resource("Web", vec![s])];
        let mut findings = vec![
            Finding::new("IMDS002", Severity::Medium, at(7), "Web", "inside"),
            Finding::new("IMDS002", Severity::Medium, at(9), "Web", "after"),
            Finding::new(
                "IMDS002",
                Severity::Medium,
                Span::new(Arc::from("other.tf"), 7, 1, 7, 2),
                "Web",
                "other file",
            ),
        ];
        apply(&mut findings, &resources);
        let suppressed: Vec<bool> = findings.iter().map(|f| f.suppressed.is_some()).collect();
        assert_eq!(suppressed, [true, false, false]);
    }

    #[test]
    fn a_suppression_without_a_reason_is_a_warning() {
        let resources = vec![resource(
            "Web",
            vec![
                suppression("IMDS001", "", 5),
                suppression("IMDS002", "why", 6),
            ],
        )];
        let mut findings = vec![Finding::new("IMDS001", Severity::High, at(9), "Web", "a")];
        let diags = apply(&mut findings, &resources);
        assert!(findings[0].suppressed.is_some(), "it still suppresses");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].level, crate::document::DiagLevel::Warning);
        assert_eq!(diags[0].span.line, 5);
        assert!(
            diags[0]
                .message
                .starts_with("the suppression of IMDS001 gives no reason"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn comment_directives() {
        use SuppressionSyntax::*;
        let d = |syntax, id: &str, reason: &str| Directive {
            syntax,
            id: id.into(),
            reason: reason.into(),
        };
        let today = "2025-06-01";
        assert_eq!(
            parse_comment("rolegraph:ignore IMDS001 IMDS002 -- two -- dashes", today).0,
            [
                d(Rolegraph, "IMDS001", "two -- dashes"),
                d(Rolegraph, "IMDS002", "two -- dashes")
            ]
        );
        assert_eq!(
            parse_comment("checkov:skip=CKV_AWS_79: not yet", today).0,
            [d(Checkov, "CKV_AWS_79", "not yet")]
        );
        assert_eq!(
            parse_comment(
                "checkov:skip=CKV_AWS_79 checkov:skip=CKV_AWS_341:hops",
                today
            )
            .0,
            [
                d(Checkov, "CKV_AWS_79", ""),
                d(Checkov, "CKV_AWS_341", "hops")
            ]
        );
        assert_eq!(
            parse_comment(
                "tfsec:ignore:AWS079 tfsec:ignore:aws-x:exp:2025-06-01",
                today
            )
            .0,
            [d(Tfsec, "AWS079", ""), d(Tfsec, "aws-x", "")],
            "an ignore expires after its date"
        );
        let (found, problems) = parse_comment("trivy:ignore:AVD-AWS-0028:exp:2025-05-31", today);
        assert!(found.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(
            parse_comment("just a comment: rolegraph", today),
            (vec![], vec![])
        );
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(today().len(), 10);
    }
}
