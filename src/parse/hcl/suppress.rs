//! Suppressions written as comments in Terraform files.
//!
//! ```hcl
//! # rolegraph:ignore IMDS001 -- legacy agent needs IMDSv1 until the March upgrade
//! resource "aws_instance" "bastion" {
//!   metadata_options {
//!     // rolegraph:ignore IMDS002 -- the node runs pods that need the instance role
//!     http_put_response_hop_limit = 2
//!   }
//! }
//! ```
//!
//! rolegraph's own directive applies to what follows it: written above the resource (or
//! after its opening brace) it covers the whole resource; above an attribute or a nested
//! block (or after it on the same line) only findings inside that attribute or block.
//! `#`, `//` and `/* */` comments all work. The reason follows `--`.
//!
//! Other scanners' directives are honoured for their equivalent checks, and cover the whole
//! resource wherever they are written in it or above it: `checkov:skip=CKV_AWS_79:reason`
//! (Checkov reads it anywhere in the resource), `tfsec:ignore:<id>` and
//! `trivy:ignore:<id>` (with an optional `:exp:YYYY-MM-DD` after which they no longer
//! apply).

use super::ast::{Body, Comment, CommentTarget};
use crate::document::{Diagnostic, Suppression, SuppressionSyntax};
use crate::suppress::parse_comment;
use crate::value::Span;

/// The suppressions of a resource block: `comments` are the comments of the enclosing body
/// that belong to the block (above it, after its opening brace), `body` is its body.
pub fn read(
    comments: &[&Comment],
    body: &Body,
    today: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in comments {
        directives(c, None, today, &mut out, diags);
    }
    inner(body, None, today, &mut out, diags);
    out
}

/// The comments of a body at any depth; `enclosing` is the nested block the body belongs
/// to (`None` for the resource's own body).
fn inner(
    body: &Body,
    enclosing: Option<&Span>,
    today: &str,
    out: &mut Vec<Suppression>,
    diags: &mut Vec<Diagnostic>,
) {
    for c in &body.comments {
        let scope = match c.target {
            CommentTarget::Attribute(i) => body.attributes.get(i).map(|a| &a.span),
            CommentTarget::Block(i) => body.blocks.get(i).map(|b| &b.span),
            CommentTarget::End => enclosing,
            CommentTarget::Detached => {
                detached(c, today, diags);
                continue;
            }
        };
        directives(c, scope, today, out, diags);
    }
    for b in &body.blocks {
        inner(&b.body, Some(&b.span), today, out, diags);
    }
}

/// A comment separated by a blank line from what follows: a directive in it applies to
/// nothing, and a warning says so (instead of suppressing silently, or not at all).
pub fn detached(c: &Comment, today: &str, diags: &mut Vec<Diagnostic>) {
    let (found, _) = parse_comment(&c.text, today);
    if !found.is_empty() {
        diags.push(Diagnostic::warning(
            c.span.first_line(),
            "suppression separated from what follows by a blank line: it applies to nothing (write it directly above the resource, attribute or block, or inside it)",
        ));
    }
}

fn directives(
    c: &Comment,
    scope: Option<&Span>,
    today: &str,
    out: &mut Vec<Suppression>,
    diags: &mut Vec<Diagnostic>,
) {
    let (found, problems) = parse_comment(&c.text, today);
    for p in problems {
        diags.push(Diagnostic::warning(c.span.first_line(), p));
    }
    for d in found {
        out.push(Suppression {
            rule: d.id,
            reason: d.reason,
            span: c.span.clone(),
            // Other tools' directives cover the resource wherever they are written.
            scope: match d.syntax {
                SuppressionSyntax::Rolegraph => scope.cloned(),
                _ => None,
            },
            syntax: d.syntax,
        });
    }
}

/// A top-level block of a Terraform file, for findings made from the file's text (a
/// credential written in it): where it is, what to call it, what it suppresses.
pub struct TextBlock {
    pub line: u32,
    pub end_line: u32,
    /// `aws_instance.web`, `data.x.y`, `provider.aws`, `locals`, `var.name`, `module.m`...
    pub name: String,
    pub suppressions: Vec<Suppression>,
}

/// The top-level blocks of a `.tf` file's text (empty when it does not parse: its parse
/// error is reported where the module is read).
pub fn text_blocks(file: &std::sync::Arc<str>, text: &str, today: &str) -> Vec<TextBlock> {
    if super::depth::too_deep(text).is_some() {
        return Vec::new();
    }
    let Ok(body) = super::ast::parse_hcl(file.clone(), text) else {
        return Vec::new();
    };
    let mut diags = Vec::new();
    let mut out = Vec::new();
    for (i, b) in body.blocks.iter().enumerate() {
        let label = |n: usize| b.labels.get(n).map(String::as_str).unwrap_or("?");
        let name = match b.kind.as_str() {
            "resource" => format!("{}.{}", label(0), label(1)),
            "data" => format!("data.{}.{}", label(0), label(1)),
            "variable" => format!("var.{}", label(0)),
            kind if b.labels.is_empty() => kind.to_string(),
            kind => format!("{kind}.{}", label(0)),
        };
        let own: Vec<&Comment> = body
            .comments
            .iter()
            .filter(|c| c.target == CommentTarget::Block(i))
            .collect();
        // Warnings about these directives are given when the module is read.
        let suppressions = read(&own, &b.body, today, &mut diags);
        // In `locals`, the local itself (`local.name`), then the block around it.
        if b.kind == "locals" {
            for a in &b.body.attributes {
                out.push(TextBlock {
                    line: a.span.line,
                    end_line: a.span.end_line.max(a.span.line),
                    name: format!("local.{}", a.name),
                    suppressions: suppressions.clone(),
                });
            }
        }
        out.push(TextBlock {
            line: b.span.line,
            end_line: b.span.end_line.max(b.span.line),
            name,
            suppressions,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::hcl::ast::parse_hcl;
    use std::sync::Arc;

    fn read_src(src: &str) -> (Vec<Suppression>, Vec<Diagnostic>) {
        let body = parse_hcl(Arc::from("s.tf"), src).unwrap();
        let comments: Vec<&Comment> = body
            .comments
            .iter()
            .filter(|c| c.target == CommentTarget::Block(0))
            .collect();
        let mut diags = Vec::new();
        let s = read(&comments, &body.blocks[0].body, "2025-06-01", &mut diags);
        (s, diags)
    }

    type Line<'a> = (SuppressionSyntax, &'a str, &'a str, u32, Option<(u32, u32)>);

    fn lines(s: &[Suppression]) -> Vec<Line<'_>> {
        s.iter()
            .map(|s| {
                (
                    s.syntax,
                    s.rule.as_str(),
                    s.reason.as_str(),
                    s.span.line,
                    s.scope.as_ref().map(|sc| (sc.line, sc.end_line)),
                )
            })
            .collect()
    }

    #[test]
    fn own_directives_cover_what_follows_them() {
        let (s, diags) = read_src(
            "\
# rolegraph:ignore IMDS001 -- legacy agent
resource \"aws_instance\" \"web\" {
  /* rolegraph:ignore WL001, ECS001 -- reviewed */
  iam_instance_profile = \"p\"
  metadata_options {
    http_put_response_hop_limit = 2 // rolegraph:ignore IMDS002 -- pods
  }
  # rolegraph:ignore PRIV001
}
",
        );
        use SuppressionSyntax::Rolegraph as R;
        assert_eq!(
            lines(&s),
            vec![
                (R, "IMDS001", "legacy agent", 1, None),
                (R, "WL001", "reviewed", 3, Some((4, 4))),
                (R, "ECS001", "reviewed", 3, Some((4, 4))),
                (R, "PRIV001", "", 8, None),
                (R, "IMDS002", "pods", 6, Some((6, 6))),
            ]
        );
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn peer_directives_cover_the_resource() {
        let (s, diags) = read_src(
            "\
#tfsec:ignore:aws-ec2-enforce-http-token-imds
resource \"aws_instance\" \"web\" {
  #checkov:skip=CKV_AWS_79:legacy AMI
  ami = \"ami-1\" # trivy:ignore:AVD-AWS-0028:exp:2099-01-01
  # trivy:ignore:AVD-AWS-0130:exp:2020-01-01
  # trivy:ignore:AVD-AWS-0131[ebs_optimized=false]
}
",
        );
        use SuppressionSyntax::*;
        assert_eq!(
            lines(&s),
            vec![
                (Tfsec, "aws-ec2-enforce-http-token-imds", "", 1, None),
                (Checkov, "CKV_AWS_79", "legacy AMI", 3, None),
                (Trivy, "AVD-AWS-0028", "", 4, None),
            ]
        );
        let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`trivy:ignore:AVD-AWS-0130` expired on 2020-01-01; it is not applied",
                "`trivy:ignore:AVD-AWS-0131[...]` applies only when attributes have given \
                 values, which rolegraph does not check; it is not applied",
            ]
        );
        assert_eq!(diags[0].span.line, 5);
    }

    #[test]
    fn scope_is_directly_above_or_inside() {
        // Directly above (other comments before it, a blank line before those): applies.
        let (s, diags) =
            read_src("# header\n\n# note\n# rolegraph:ignore IMDS001\nresource \"a\" \"b\" {\n}\n");
        assert_eq!(s.len(), 1, "{s:?}");
        assert!(diags.is_empty(), "{diags:?}");
        // One blank line, or two, between it and the resource: applies to nothing, said.
        for gap in ["\n\n", "\n\n\n"] {
            let src = format!("# rolegraph:ignore IMDS001{gap}resource \"a\" \"b\" {{\n}}\n");
            let body = parse_hcl(Arc::from("s.tf"), &src).unwrap();
            assert!(
                body.comments
                    .iter()
                    .all(|c| c.target == CommentTarget::Detached),
                "{:?}",
                body.comments
            );
            let (s, _) = read_src(&src);
            assert!(s.is_empty(), "{s:?}");
        }
        // Inside the block, after a blank line: covers what follows it there.
        let (s, diags) = read_src(
            "resource \"a\" \"b\" {\n  ami = 1\n\n  # rolegraph:ignore IMDS001\n  x = 2\n}\n",
        );
        assert_eq!(
            lines(&s),
            [(SuppressionSyntax::Rolegraph, "IMDS001", "", 4, Some((5, 5)))]
        );
        assert!(diags.is_empty(), "{diags:?}");
        // Inside, separated from the attribute below by a blank line: reported, not applied.
        let body = parse_hcl(
            Arc::from("s.tf"),
            "resource \"a\" \"b\" {\n  # rolegraph:ignore IMDS001\n\n  x = 2\n}\n",
        )
        .unwrap();
        let mut diags = Vec::new();
        let s = read(&[], &body.blocks[0].body, "2025-06-01", &mut diags);
        assert!(s.is_empty(), "{s:?}");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("blank line"), "{diags:?}");
        assert_eq!(diags[0].span.line, 2);
    }

    #[test]
    fn a_directive_without_ids_is_reported() {
        let (s, diags) = read_src("# rolegraph:ignore -- why\nresource \"a\" \"b\" {\n}\n");
        assert!(s.is_empty());
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("names no rule ID"));
    }
}
