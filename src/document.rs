//! What every parser hands to the graph: resources with evaluated, spanned attributes, and
//! diagnostics for what could not be read.

use crate::value::{Node, Span};
use serde::Serialize;

/// Which input language a resource came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Terraform,
    Plan,
    CloudFormation,
}

/// Managed resource or data source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Managed,
    Data,
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub format: Format,
    pub mode: Mode,
    /// Provider type: `aws_instance`, `AWS::EC2::Instance`.
    pub rtype: String,
    /// Full address with instance key: `module.api.aws_iam_role.app`, `aws_instance.web[0]`,
    /// `aws_iam_role.r["a"]`; the logical ID for CloudFormation.
    pub address: String,
    /// The address references use: `address` without the instance key of the resource itself
    /// (module instance keys are kept, since references are resolved per module instance).
    pub ref_address: String,
    /// Evaluated attributes and nested blocks (a map). Nested blocks are lists of maps.
    pub attrs: Node,
    /// The block header (Terraform) or the logical-ID entry (CloudFormation).
    pub span: Span,
    /// Where each top-level attribute (Terraform) or property (CloudFormation) is written,
    /// from its name to the end of its value.
    pub attr_spans: std::collections::BTreeMap<String, Span>,
    /// Rules the source asks to suppress for this resource (CloudFormation:
    /// `Metadata.rolegraph.ignore`). Each parser fills this from its own syntax; the pipeline
    /// marks matching findings (see [`crate::suppress`]).
    pub suppressions: Vec<Suppression>,
    /// The CDK construct path of a synthesized resource (`Metadata` `aws:cdk:path`, without
    /// the trailing `/Resource`): what a CDK user knows the resource by, shown beside its
    /// logical ID.
    pub construct_path: Option<String>,
}

/// The syntax a suppression is written in: rolegraph's own, or that of another scanner
/// whose check is equivalent to a rolegraph rule (the `equivalents` of `policies/<ID>.yaml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuppressionSyntax {
    /// `# rolegraph:ignore IMDS001 -- reason`, CloudFormation `Metadata.rolegraph.ignore`.
    Rolegraph,
    /// `# checkov:skip=CKV_AWS_79:reason`, CloudFormation `Metadata.checkov.skip`.
    Checkov,
    /// `# tfsec:ignore:aws-ec2-enforce-http-token-imds`.
    Tfsec,
    /// `# trivy:ignore:AVD-AWS-0028`.
    Trivy,
    /// CloudFormation `Metadata.cfn_nag.rules_to_suppress`.
    CfnNag,
    /// CloudFormation `Metadata.cfn-lint.config.ignore_checks`.
    CfnLint,
}

impl SuppressionSyntax {
    /// The tool's name as users write it.
    pub fn tool(self) -> &'static str {
        match self {
            SuppressionSyntax::Rolegraph => "rolegraph",
            SuppressionSyntax::Checkov => "checkov",
            SuppressionSyntax::Tfsec => "tfsec",
            SuppressionSyntax::Trivy => "trivy",
            SuppressionSyntax::CfnNag => "cfn_nag",
            SuppressionSyntax::CfnLint => "cfn-lint",
        }
    }

    /// How a suppression of `id` reads in this syntax (`checkov:skip=CKV_AWS_79`).
    pub fn directive(self, id: &str) -> String {
        match self {
            SuppressionSyntax::Rolegraph => format!("rolegraph:ignore {id}"),
            SuppressionSyntax::Checkov => format!("checkov:skip={id}"),
            SuppressionSyntax::Tfsec => format!("tfsec:ignore:{id}"),
            SuppressionSyntax::Trivy => format!("trivy:ignore:{id}"),
            SuppressionSyntax::CfnNag => format!("cfn_nag rules_to_suppress {id}"),
            SuppressionSyntax::CfnLint => format!("cfn-lint ignore_checks {id}"),
        }
    }
}

/// One rule suppressed in source for one resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Suppression {
    /// The rule ID as written: a rolegraph ID (`IMDS001`), or for another tool's syntax that
    /// tool's check ID (`CKV_AWS_79`), mapped to rolegraph rules by the pipeline. Matched
    /// case-insensitively.
    pub rule: String,
    /// Why; empty when the source gives no reason.
    pub reason: String,
    /// Where the suppression is written.
    pub span: Span,
    pub syntax: SuppressionSyntax,
    /// Only findings inside this span are suppressed (the attribute or nested block a
    /// comment is written above); `None`: every finding about the resource.
    pub scope: Option<Span>,
}

impl Suppression {
    /// A suppression in rolegraph's own syntax that covers the whole resource.
    pub fn own(rule: impl Into<String>, reason: impl Into<String>, span: Span) -> Suppression {
        Suppression {
            rule: rule.into(),
            reason: reason.into(),
            span,
            syntax: SuppressionSyntax::Rolegraph,
            scope: None,
        }
    }

    /// The text reports show for it (SARIF `justification`): the reason, and for another
    /// tool's syntax the directive it was read from.
    pub fn justification(&self) -> String {
        match (self.syntax, self.reason.is_empty()) {
            (SuppressionSyntax::Rolegraph, true) => "no reason given".into(),
            (SuppressionSyntax::Rolegraph, false) => self.reason.clone(),
            (s, true) => format!("{} (no reason given)", s.directive(&self.rule)),
            (s, false) => format!("{} ({})", self.reason, s.directive(&self.rule)),
        }
    }

    /// Whether a finding at `span` is inside the suppression's scope.
    pub fn covers(&self, span: &Span) -> bool {
        match &self.scope {
            None => true,
            Some(s) => {
                s.file == span.file && span.line >= s.line && span.line <= s.end_line.max(s.line)
            }
        }
    }
}

impl Resource {
    /// An attribute by path (`["metadata_options", "http_tokens"]`); a block given once is
    /// looked through (a one-element list of maps).
    pub fn attr(&self, path: &[&str]) -> Option<&Node> {
        let mut cur = &self.attrs;
        for key in path {
            cur = block_or_self(cur)?.get(key)?;
        }
        Some(cur)
    }

    /// Where a top-level attribute is written (its name through its value), else the
    /// resource's own span.
    pub fn attr_span(&self, name: &str) -> Span {
        self.attr_spans
            .get(name)
            .cloned()
            .unwrap_or_else(|| self.span.clone())
    }

    /// The first instance of a nested block or object attribute (`metadata_options`).
    pub fn block(&self, path: &[&str]) -> Option<&Node> {
        self.attr(path).and_then(block_or_self)
    }
}

/// A nested block written once is stored as a one-element list; an object attribute is a map.
/// Both read the same way through this.
pub fn block_or_self(n: &Node) -> Option<&Node> {
    match &n.value {
        crate::value::Value::List(l) => l.first(),
        crate::value::Value::Null => None,
        _ => Some(n),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagLevel {
    /// The file could not be read or parsed: results for it are missing.
    Error,
    /// Something was skipped or left unresolved (unresolved module, unsupported function).
    Warning,
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    pub level: DiagLevel,
    pub span: Span,
    pub message: String,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: DiagLevel::Error,
            span,
            message: message.into(),
        }
    }
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: DiagLevel::Warning,
            span,
            message: message.into(),
        }
    }
    pub fn note(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: DiagLevel::Note,
            span,
            message: message.into(),
        }
    }
}

/// The result of reading one input (a Terraform root module with its modules, a template,
/// a plan).
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub resources: Vec<Resource>,
    pub diagnostics: Vec<Diagnostic>,
    /// For a plan: what it changes (`--changed-only` reports only findings about that).
    /// `None` for other inputs.
    pub changes: Option<Changes>,
    /// Other files the document was read with (the configuration a plan was made from):
    /// they count as scanned, and are searched for credentials like the rest.
    pub other_files: std::collections::BTreeSet<std::sync::Arc<str>>,
    /// Files whose text became a value (`file("policy.json")`, `templatefile("init.sh",
    /// ...)`), each with the first call that read it: a finding in such a file is reported
    /// where the text is, with the call as a related location.
    pub loaded: std::collections::BTreeMap<std::sync::Arc<str>, Span>,
}

/// What a plan changes.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// The resources it creates, updates or replaces.
    pub addresses: std::collections::BTreeSet<String>,
    /// Where it changes something: every location of a resource it creates or replaces, the
    /// attributes an update changes. A finding whose path through the graph passes there
    /// is this change's business too (a new instance that attaches an existing role).
    pub spans: std::collections::HashSet<Span>,
}
