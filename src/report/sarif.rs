//! SARIF 2.1.0 output, as GitHub code scanning and SARIF viewers read it.
//!
//! One run. `tool.driver.rules` lists the rules that ran, with their documentation;
//! every finding is a result pointing at its rule by `ruleIndex`, with the graph path as
//! `relatedLocations` and the finding's fingerprint as `partialFingerprints["rolegraph/v1"]`.
//! A finding suppressed in source keeps its result, with an `inSource` entry in
//! `suppressions` (its reason as `justification`, where it is written as `location`).
//! Diagnostics (files that could not be parsed, unresolved modules ...) are
//! `invocations[0].toolExecutionNotifications`.
//!
//! Paths are relative to `%SRCROOT%` (the directory rolegraph ran in). `originalUriBaseIds`
//! is left out on purpose, so the output does not depend on the machine; GitHub resolves
//! relative URIs against the repository root. Columns count Unicode code points
//! (`columnKind: unicodeCodePoints`), as [`crate::value::Span`] does.
//!
//! Output is deterministic: fields in struct order, pretty-printed with two-space indent,
//! a trailing newline.

use super::RenderOptions;
use crate::document::DiagLevel;
use crate::finding::{Finding, Report};
use crate::rules::meta::RuleMeta;
use crate::secrets::mask_secrets;
use crate::value::Span;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/rolegraph/rolegraph";
const SRCROOT: &str = "%SRCROOT%";
/// The key of `partialFingerprints`; bump the version if the fingerprint recipe changes.
const FINGERPRINT_KEY: &str = "rolegraph/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    properties: DriverProperties<'a>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
struct DriverProperties<'a> {
    #[serde(rename = "ruleset-version")]
    ruleset_version: &'a str,
    /// The embedded IAM action dataset: package, version and data date.
    #[serde(rename = "iam-dataset")]
    iam_dataset: String,
    /// The embedded AWS managed policies: package, version and data date.
    #[serde(rename = "aws-managed-policies")]
    managed_policies: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: impl Into<String>) -> Message {
        Message { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: Vec<&'a str>,
    precision: &'a str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties,
}

/// A suppression written in the scanned source (`kind: inSource`).
#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
}

#[derive(Serialize)]
struct ResultProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    resource: String,
    severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    /// The resource by its CDK construct path, when the template was synthesized by the CDK.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "rolegraph",
                    version: opts.tool_version,
                    semantic_version: opts.tool_version,
                    information_uri: INFORMATION_URI,
                    properties: DriverProperties {
                        ruleset_version: opts.ruleset_version,
                        iam_dataset: crate::iam::dataset::source().to_string(),
                        managed_policies: crate::iam::managed::source().to_string(),
                    },
                    rules: opts.rules.iter().map(|m| rule(m)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: !report.has_parse_errors(),
                tool_execution_notifications: report
                    .diagnostics
                    .iter()
                    .map(|d| Notification {
                        level: match d.level {
                            DiagLevel::Error => "error",
                            DiagLevel::Warning => "warning",
                            DiagLevel::Note => "note",
                        },
                        message: Message::new(mask_secrets(&d.message)),
                        locations: physical_location(&d.span)
                            .map(|physical_location| Location {
                                physical_location,
                                logical_locations: Vec::new(),
                            })
                            .into_iter()
                            .collect(),
                    })
                    .collect(),
            }],
            column_kind: "unicodeCodePoints",
            results: report.findings.iter().map(|f| result(f, opts)).collect(),
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).expect("the SARIF log serializes to JSON");
    s.push('\n');
    s
}

fn rule(m: &RuleMeta) -> Rule<'_> {
    let mut tags: Vec<&str> = Vec::with_capacity(m.tags.len() + 1);
    if !m.tags.iter().any(|t| t == "security") {
        tags.push("security");
    }
    tags.extend(m.tags.iter().map(String::as_str));
    Rule {
        id: &m.id,
        name: m.sarif_name(),
        short_description: Message::new(m.title.trim()),
        full_description: Message::new(m.description.trim()),
        help: Help {
            text: m.help_text(),
            markdown: m.help_markdown(),
        },
        // The rule's generated page in the repository (AWS references inside it).
        help_uri: format!("{INFORMATION_URI}/blob/main/{}", m.doc_path()),
        default_configuration: Configuration {
            level: m.severity.sarif_level(),
        },
        properties: RuleProperties {
            tags,
            precision: &m.precision,
            security_severity: m.severity.security_severity(),
        },
    }
}

fn result<'a>(f: &'a Finding, opts: &RenderOptions) -> SarifResult<'a> {
    let mut partial_fingerprints = BTreeMap::new();
    if !f.fingerprint.is_empty() {
        partial_fingerprints.insert(FINGERPRINT_KEY, f.fingerprint.as_str());
    }
    SarifResult {
        rule_id: f.rule_id,
        rule_index: opts.rules.iter().position(|m| m.id == f.rule_id),
        level: f.severity.sarif_level(),
        message: Message::new(mask_secrets(&f.message)),
        locations: physical_location(&f.span)
            .map(|physical_location| Location {
                physical_location,
                logical_locations: f
                    .construct_path
                    .iter()
                    .map(|path| LogicalLocation {
                        name: mask_secrets(&f.resource),
                        fully_qualified_name: mask_secrets(path),
                        kind: "resource",
                    })
                    .collect(),
            })
            .into_iter()
            .collect(),
        related_locations: f
            .related
            .iter()
            .filter_map(|r| Some((physical_location(&r.span)?, &r.message)))
            .enumerate()
            .map(|(i, (physical_location, message))| RelatedLocation {
                id: i + 1,
                physical_location,
                message: Message::new(mask_secrets(message)),
            })
            .collect(),
        partial_fingerprints,
        suppressions: f
            .suppressed
            .iter()
            .map(|s| Suppression {
                kind: "inSource",
                justification: mask_secrets(&s.justification()),
                location: physical_location(&s.span).map(|physical_location| Location {
                    physical_location,
                    logical_locations: Vec::new(),
                }),
            })
            .collect(),
        properties: ResultProperties {
            security_severity: f.severity.security_severity(),
            resource: mask_secrets(&f.resource),
            severity: f.severity.as_str(),
        },
    }
}

/// `None` when the span names no file.
fn physical_location(span: &Span) -> Option<PhysicalLocation> {
    if span.file.is_empty() {
        return None;
    }
    let (uri, uri_base_id) = artifact_uri(&mask_secrets(&span.file));
    let known = |n: u32| (n > 0).then_some(n);
    Some(PhysicalLocation {
        artifact_location: ArtifactLocation { uri, uri_base_id },
        region: known(span.line).map(|start_line| Region {
            start_line,
            start_column: known(span.col),
            end_line: known(span.end_line),
            end_column: known(span.end_col),
        }),
    })
}

/// The URI of a scanned file: a relative path (forward slashes, percent-encoded) against
/// `%SRCROOT%`, or a `file://` URI for an absolute path.
fn artifact_uri(file: &str) -> (String, Option<&'static str>) {
    // A backslash separates directories only on Windows; elsewhere it is part of a name
    // (percent-encoded below).
    let path = if cfg!(windows) {
        file.replace('\\', "/")
    } else {
        file.to_string()
    };
    let bytes = path.as_bytes();
    if path.starts_with('/') {
        return (format!("file://{}", percent_encode(&path)), None);
    }
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        // A Windows drive path: `C:/dir/file.tf` -> `file:///C:/dir/file.tf`.
        return (
            format!("file:///{}:{}", &path[..1], percent_encode(&path[2..])),
            None,
        );
    }
    let mut rel = path.as_str();
    while let Some(rest) = rel.strip_prefix("./") {
        rel = rest;
    }
    (percent_encode(rel), Some(SRCROOT))
}

/// Percent-encode everything but unreserved characters (RFC 3986) and `/`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::OutputFormat;
    use crate::report::tests::{render_sample, sample_report};

    #[test]
    fn sarif_snapshot() {
        let out = render_sample(&sample_report(), OutputFormat::Sarif, false);
        insta::assert_snapshot!("sarif", out);
    }

    #[test]
    fn sarif_what_github_reads() {
        let out = render_sample(&sample_report(), OutputFormat::Sarif, false);
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for (i, r) in run["results"].as_array().unwrap().iter().enumerate() {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"], "result {i}");
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(!uri.contains(' ') && !uri.starts_with('/'), "{uri}");
            assert!(r["partialFingerprints"]["rolegraph/v1"].is_string());
        }
        assert_eq!(rules[0]["name"], "ImdsV2NotRequired");
        assert_eq!(rules[0]["properties"]["tags"][0], "security");
        assert_eq!(rules[2]["properties"]["security-severity"], "9.5");
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    }

    #[test]
    fn artifact_uris() {
        assert_eq!(
            artifact_uri("testdata/IMDS001/terraform/fail/main.tf"),
            (
                "testdata/IMDS001/terraform/fail/main.tf".to_string(),
                Some(SRCROOT)
            )
        );
        // A backslash is a separator on Windows only; elsewhere part of the name.
        let sep = if cfg!(windows) { "/" } else { "%5C" };
        assert_eq!(
            artifact_uri("./my dir\\a#b%.tf"),
            (format!("my%20dir{sep}a%23b%25.tf"), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("/home/u/x y.tf"),
            ("file:///home/u/x%20y.tf".to_string(), None)
        );
        assert_eq!(
            artifact_uri("C:\\infra\\main.tf"),
            (format!("file:///C:{sep}infra{sep}main.tf"), None)
        );
        assert_eq!(
            artifact_uri("modules/é.tf"),
            ("modules/%C3%A9.tf".to_string(), Some(SRCROOT))
        );
    }
}
