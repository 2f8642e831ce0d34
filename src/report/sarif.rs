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
//! The path is shown twice, as GitHub and IDE viewers read it: the result message links
//! every related location (`[via aws_iam_instance_profile.p](2)`, the number is the
//! related location's `id`: GitHub code scanning shows related locations only when linked),
//! and `codeFlows` holds one thread flow per finding, workload -> launch template or
//! profile -> role -> policy or statement, which GitHub's "Show paths" and the VS Code
//! SARIF Viewer step through.
//!
//! Paths are relative to `%SRCROOT%`: the repository root ([`SarifOptions::root`]; a scan
//! of an absolute path gives relative URIs too). `originalUriBaseIds` is left out by
//! default, so the output does not depend on the machine; GitHub resolves relative URIs
//! against the repository root. `--sarif-srcroot DIR` writes `%SRCROOT%` as a `file://`
//! URI, so an IDE viewer opens files without asking. Columns count Unicode code points
//! (`columnKind: unicodeCodePoints`), as [`crate::value::Span`] does.
//! `automationDetails.id` is the code scanning category (`--sarif-category`).
//!
//! Output is deterministic: fields in struct order, pretty-printed with two-space indent,
//! a trailing newline.

use super::{RenderOptions, SarifOptions};
use crate::document::DiagLevel;
use crate::finding::{Finding, Report};
use crate::rules::meta::RuleMeta;
use crate::secrets::mask_secrets;
use crate::value::Span;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = crate::rules::meta::REPOSITORY_URL;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<AutomationDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, BaseUri>>,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

impl Message {
    fn new(text: impl Into<String>) -> Message {
        Message {
            text: text.into(),
            markdown: None,
        }
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
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
struct CodeFlow {
    message: Message,
    thread_flows: [ThreadFlow; 1],
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadFlowLocation {
    location: FlowLocation,
    execution_order: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FlowLocation {
    physical_location: PhysicalLocation,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Message,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Clone, Serialize)]
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
    let uris = Uris::new(&opts.sarif);
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
            automation_details: opts
                .sarif
                .category
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .map(|c| AutomationDetails {
                    // GitHub reads the category as everything up to the last `/`.
                    id: format!("{}/", c.trim().trim_end_matches('/')),
                }),
            original_uri_base_ids: uris.srcroot_uri().map(|uri| {
                let mut m = BTreeMap::new();
                m.insert(SRCROOT, BaseUri { uri });
                m
            }),
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
                        locations: uris
                            .physical_location(&d.span)
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
            results: report
                .findings
                .iter()
                .map(|f| result(f, opts, &uris))
                .collect(),
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
        help_uri: m.doc_url(),
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

fn result<'a>(f: &'a Finding, opts: &RenderOptions, uris: &Uris) -> SarifResult<'a> {
    let mut partial_fingerprints = BTreeMap::new();
    if !f.fingerprint.is_empty() {
        partial_fingerprints.insert(FINGERPRINT_KEY, f.fingerprint.as_str());
    }
    let related: Vec<RelatedLocation> = f
        .related
        .iter()
        .filter_map(|r| Some((uris.physical_location(&r.span)?, &r.message)))
        .enumerate()
        .map(|(i, (physical_location, message))| RelatedLocation {
            id: i + 1,
            physical_location,
            message: Message::new(escape_link_text(&mask_secrets(message))),
        })
        .collect();
    let location = uris.physical_location(&f.span);
    SarifResult {
        rule_id: f.rule_id,
        rule_index: opts.rules.iter().position(|m| m.id == f.rule_id),
        level: f.severity.sarif_level(),
        message: linked_message(&mask_secrets(&f.message), &related),
        code_flows: code_flow(f, location.as_ref(), &related)
            .into_iter()
            .collect(),
        locations: location
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
        related_locations: related,
        partial_fingerprints,
        suppressions: f
            .suppressed
            .iter()
            .map(|s| Suppression {
                kind: "inSource",
                justification: mask_secrets(&s.justification()),
                location: uris
                    .physical_location(&s.span)
                    .map(|physical_location| Location {
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

/// Escape the characters that would start or end an embedded link in a SARIF message
/// (`[`, `]`, and `\` itself), so text is never read as a link by accident.
fn escape_link_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The result message with the path after it, each step linked to its related location
/// (whose message is already escaped):
/// `... set http_tokens to "required". Path: [via aws_iam_instance_profile.web](1) ->
/// [IMDS serves the credentials of aws_iam_role.web](2).` Read as plain text it is still
/// the message and the steps; GitHub and viewers turn each step into a link.
fn linked_message(message: &str, related: &[RelatedLocation]) -> Message {
    let text = escape_link_text(message.trim_end());
    if related.is_empty() {
        return Message::new(text);
    }
    let steps: Vec<String> = related
        .iter()
        .map(|r| format!("[{}]({})", r.message.text, r.id))
        .collect();
    let end = if text.ends_with(['.', '!', '?']) {
        ""
    } else {
        "."
    };
    let text = format!("{text}{end} Path: {}.", steps.join(" -> "));
    let markdown = text.replace(" -> ", " → ");
    Message {
        text,
        markdown: Some(markdown),
    }
}

/// Where a step stands in the credential chain, read from the addresses and words of its
/// text: workload 0, launch template or configuration 1, instance profile 2, role 3,
/// policy or statement 4. `None` when the text does not say (a bare CloudFormation
/// logical ID).
fn chain_rank(text: &str) -> Option<u8> {
    let t = text.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["attaches it", "launches from it"]) {
        // "aws_instance.app attaches it", "Api attaches it": the workload that uses it.
        Some(0)
    } else if has(&[
        "statement",
        "_policy",
        "policy ",
        "trust policy",
        "permissions boundary",
    ]) {
        Some(4)
    } else if t.starts_with("via ") || has(&["instance_profile", "instance profile"]) {
        // "via aws_iam_instance_profile.web", "via InstanceProfile".
        Some(2)
    } else if has(&["aws_iam_role", "the role", "role ", "is defined here"]) {
        Some(3)
    } else if has(&["launch_template", "launch template", "launch_configuration"]) {
        Some(1)
    } else if has(&[
        "aws_instance",
        "autoscaling_group",
        "aws_lambda_function",
        "aws_ecs_",
        "aws_eks_",
    ]) {
        Some(0)
    } else {
        None
    }
}

/// The place of the finding's own resource in the chain: from its address, else from
/// what the rule is about (a workload for IMDS, ECS, EKS, Lambda and WL003-WL005, a role
/// for WL001 and WL002, a policy or trust policy for the others).
fn resource_rank(f: &Finding) -> Option<u8> {
    chain_rank(&f.resource).or(match f.rule_id {
        "WL001" | "WL002" => Some(3),
        id if ["IMDS", "ECS", "EKS", "LAMBDA", "WL"]
            .iter()
            .any(|p| id.starts_with(p)) =>
        {
            Some(0)
        }
        id if ["PRIV", "TRUST", "SLR"].iter().any(|p| id.starts_with(p)) => Some(4),
        _ => None,
    })
}

/// One thread flow through the finding's location and its related locations, in chain
/// order (workload first) when every step tells its place, else the finding first and the
/// path in report order. `None` when there is no path to step through.
fn code_flow(
    f: &Finding,
    location: Option<&PhysicalLocation>,
    related: &[RelatedLocation],
) -> Option<CodeFlow> {
    let location = location?;
    if related.is_empty() {
        return None;
    }
    let mut steps: Vec<(Option<u8>, PhysicalLocation, String)> =
        Vec::with_capacity(related.len() + 1);
    let own = mask_secrets(&f.resource);
    steps.push((
        resource_rank(f),
        location.clone(),
        escape_link_text(mask_secrets(&f.message).trim_end()),
    ));
    for r in related {
        steps.push((
            chain_rank(&r.message.text),
            r.physical_location.clone(),
            r.message.text.clone(),
        ));
    }
    if steps.iter().all(|(rank, ..)| rank.is_some()) {
        // Stable: steps of one rank keep the order the rule gave.
        steps.sort_by_key(|(rank, ..)| *rank);
    }
    Some(CodeFlow {
        message: Message::new(format!("How {own} gets its credentials")),
        thread_flows: [ThreadFlow {
            locations: steps
                .into_iter()
                .enumerate()
                .map(|(i, (_, physical_location, message))| ThreadFlowLocation {
                    location: FlowLocation {
                        physical_location,
                        message: Message::new(message),
                    },
                    execution_order: i + 1,
                })
                .collect(),
        }],
    })
}

/// How a file of the report becomes an artifact URI.
struct Uris {
    /// `%SRCROOT%`, absolute and lexically clean; `None`: paths as they are.
    root: Option<PathBuf>,
    /// What relative paths of the report are relative to, absolute.
    cwd: PathBuf,
    write_srcroot: bool,
}

impl Uris {
    fn new(o: &SarifOptions) -> Uris {
        let cwd = o.cwd.as_deref().map(clean).unwrap_or_default();
        Uris {
            root: o.root.as_deref().map(|r| clean(&cwd.join(r))),
            cwd,
            write_srcroot: o.write_srcroot,
        }
    }

    /// `originalUriBaseIds["%SRCROOT%"].uri`: the root as a `file://` URI ending in `/`,
    /// when asked for.
    fn srcroot_uri(&self) -> Option<String> {
        if !self.write_srcroot {
            return None;
        }
        let root = self.root.as_ref()?;
        let (uri, _) = artifact_uri(&root.to_string_lossy());
        Some(if uri.ends_with('/') {
            uri
        } else {
            format!("{uri}/")
        })
    }

    /// `None` when the span names no file.
    fn physical_location(&self, span: &Span) -> Option<PhysicalLocation> {
        if span.file.is_empty() {
            return None;
        }
        // A file name can hold a secret too.
        let (uri, uri_base_id) = self.uri(&mask_secrets(&span.file));
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

    /// The file relative to the root when it is below it (however the scan spelled it:
    /// relative, absolute, `./`), else as [`artifact_uri`] gives it.
    fn uri(&self, file: &str) -> (String, Option<&'static str>) {
        if let Some(root) = &self.root {
            let abs = clean(&self.cwd.join(file));
            if let Ok(rel) = abs.strip_prefix(root)
                && !rel.as_os_str().is_empty()
            {
                // Components joined with `/` (a backslash inside a Linux name stays).
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                return (percent_encode(&parts.join("/")), Some(SRCROOT));
            }
        }
        artifact_uri(file)
    }
}

/// `.` and `..` resolved lexically (no file system access).
fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
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

    /// The ids an embedded link of a SARIF message points at: `[text](id)`, skipping
    /// escaped brackets (`\[`).
    pub(crate) fn link_targets(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut depth = 0;
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 1,
                '[' => depth += 1,
                ']' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 && chars.get(i + 1) == Some(&'(') {
                        let rest: String = chars[i + 2..].iter().collect();
                        if let Some(end) = rest.find(')') {
                            out.push(rest[..end].to_string());
                        }
                    }
                }
                _ => {}
            }
            i += 1;
        }
        out
    }

    #[test]
    fn every_message_link_is_a_related_location() {
        let mut r = sample_report();
        // Brackets in a message or a step are text, not links.
        r.findings[0].message.push_str(" [see arn:aws:s3:::b/*]");
        r.findings[0].related[1].message = "role [r] (1)".into();
        let out = render_sample(&r, OutputFormat::Sarif, false);
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        let mut links = 0;
        for res in results {
            let ids: Vec<String> = res["relatedLocations"]
                .as_array()
                .map(|a| a.iter().map(|l| l["id"].to_string()).collect())
                .unwrap_or_default();
            for key in ["text", "markdown"] {
                let Some(text) = res["message"][key].as_str() else {
                    continue;
                };
                let targets = link_targets(text);
                // Every related location is linked, and every link resolves.
                assert_eq!(targets, ids, "{key}: {text}");
                links += targets.len();
            }
        }
        assert_eq!(links, 4);
        let first = results[0]["message"]["text"].as_str().unwrap();
        assert_eq!(
            first,
            "aws_instance.web accepts IMDSv1: http_tokens is \"optional\" \\[see \
             arn:aws:s3:::b/*\\]. Path: [credentials of instance profile \
             aws_iam_instance_profile.p](1) -> [role \\[r\\] (1)](2)."
        );
        // No path, no links: the message as it is.
        assert_eq!(
            results[2]["message"]["text"],
            "AppRole can be assumed by any AWS principal"
        );
        assert!(results[2].get("codeFlows").is_none());
    }

    #[test]
    fn code_flows_follow_the_credential_chain() {
        let mut r = sample_report();
        // A launch template finding whose path the rule gave out of chain order.
        r.findings[0].resource = "aws_launch_template.web".into();
        r.findings[0].related = vec![
            crate::finding::Related {
                span: Span::new("a.tf".into(), 1, 1, 1, 2),
                message: "IMDS serves the credentials of aws_iam_role.web".into(),
            },
            crate::finding::Related {
                span: Span::new("a.tf".into(), 2, 1, 2, 2),
                message: "via aws_iam_instance_profile.web".into(),
            },
            crate::finding::Related {
                span: Span::new("a.tf".into(), 3, 1, 3, 2),
                message: "aws_autoscaling_group.web launches from it".into(),
            },
        ];
        let out = render_sample(&r, OutputFormat::Sarif, false);
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        let flow = &log["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"];
        let steps: Vec<(u64, u64)> = flow
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["executionOrder"].as_u64().unwrap(),
                    l["location"]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect();
        // ASG (line 3) -> the launch template (the finding, line 5) -> profile (2) -> role (1).
        assert_eq!(steps, [(1, 3), (2, 5), (3, 2), (4, 1)]);

        // CloudFormation: logical IDs say nothing; the words and the rule do. A WL001
        // finding is on the role: the workload and the profile come before it.
        r.findings[0].rule_id = "WL001";
        r.findings[0].resource = "InstanceRole".into();
        r.findings[0].related.truncate(0);
        r.findings[0].related.push(crate::finding::Related {
            span: Span::new("a.tf".into(), 3, 1, 3, 2),
            message: "App attaches it".into(),
        });
        r.findings[0].related.push(crate::finding::Related {
            span: Span::new("a.tf".into(), 2, 1, 2, 2),
            message: "via InstanceProfile".into(),
        });
        let out = render_sample(&r, OutputFormat::Sarif, false);
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        let flow = &log["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"];
        let lines: Vec<u64> = flow
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                l["location"]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(lines, [3, 2, 5]);
    }

    fn render_with(report: &Report, sarif: SarifOptions) -> serde_json::Value {
        let metas = crate::report::tests::metas();
        let rules: Vec<&RuleMeta> = metas.iter().collect();
        let out = crate::report::render(
            report,
            OutputFormat::Sarif,
            &RenderOptions {
                color: false,
                tool_version: "0.1.0",
                ruleset_version: "1.0.0",
                rules: &rules,
                sources: &crate::report::tests::source,
                link_base: None,
                sarif,
                show_notes: false,
            },
        );
        serde_json::from_str(&out).unwrap()
    }

    #[test]
    fn uris_are_relative_to_the_root_however_the_scan_spelled_them() {
        let mut r = sample_report();
        r.findings[0].span.file = "/home/u/repo/infra/main.tf".into();
        r.findings[1].span.file = "./main.tf".into();
        r.findings[2].span.file = "/elsewhere/t.yaml".into();
        let uri = |v: &serde_json::Value, i: usize| {
            v["runs"][0]["results"][i]["locations"][0]["physicalLocation"]["artifactLocation"]
                .clone()
        };
        let v = render_with(
            &r,
            SarifOptions {
                root: Some("/home/u/repo".into()),
                cwd: Some("/home/u/repo/infra".into()),
                write_srcroot: false,
                category: Some("infra".into()),
            },
        );
        assert_eq!(
            uri(&v, 0),
            serde_json::json!({"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            uri(&v, 1),
            serde_json::json!({"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"})
        );
        // Outside the repository: an absolute URI.
        assert_eq!(
            uri(&v, 2),
            serde_json::json!({"uri": "file:///elsewhere/t.yaml"})
        );
        assert!(v["runs"][0].get("originalUriBaseIds").is_none());
        assert_eq!(v["runs"][0]["automationDetails"]["id"], "infra/");
        let v = render_with(
            &r,
            SarifOptions {
                root: Some("/home/u/repo".into()),
                cwd: Some("/home/u/repo/infra".into()),
                write_srcroot: true,
                category: None,
            },
        );
        assert_eq!(
            v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///home/u/repo/"
        );
        assert!(v["runs"][0].get("automationDetails").is_none());
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
