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
}

/// One rule suppressed in source for one resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Suppression {
    /// The rule ID as written (`IMDS001`); matched case-insensitively.
    pub rule: String,
    /// Why; empty when the source gives no reason.
    pub reason: String,
    /// Where the suppression is written.
    pub span: Span,
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
}
