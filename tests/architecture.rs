//! Architecture guard: rules read only the model. Every file under `src/rules/` is scanned
//! for knowledge of the input formats that belongs in `src/model/`: resource type literals
//! (`"aws_iam_role"`, `"AWS::IAM::Role"`), branching on the resource type or the format,
//! JSON-with-references parsing, and pairs of a Terraform attribute name with its
//! CloudFormation twin (`"source_arn"` next to `"SourceArn"`). The scanner itself is tested
//! on code the way the rules were written before the model held these views.

use std::path::{Path, PathBuf};

/// One thing a rule file must not contain, found on a line.
#[derive(Debug, PartialEq)]
struct Violation {
    line: usize,
    what: String,
}

/// The string literals on a line (the text between double quotes; escaped quotes inside a
/// literal are skipped). A `//` outside a literal ends the code part.
fn literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    let mut current: Option<String> = None;
    while let Some(c) = chars.next() {
        match &mut current {
            Some(s) => match c {
                '\\' => {
                    chars.next();
                }
                '"' => out.push(current.take().unwrap_or_default()),
                _ => s.push(c),
            },
            None => match c {
                '"' => current = Some(String::new()),
                '/' if chars.peek() == Some(&'/') => break,
                // A char literal such as '"' would open a string: skip it whole.
                '\'' => {
                    let rest: String = chars.clone().take(3).collect();
                    if rest.starts_with("\"'") {
                        chars.next();
                        chars.next();
                    }
                }
                _ => {}
            },
        }
    }
    out
}

/// The code part of a line: everything before a `//` comment that is not in a literal.
fn code(line: &str) -> String {
    let mut in_str = false;
    let mut prev = ' ';
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if !in_str && c == '/' && chars.peek() == Some(&'/') {
            break;
        }
        if c == '"' && prev != '\\' && prev != '\'' {
            in_str = !in_str;
        }
        prev = c;
        out.push(c);
    }
    out
}

/// A Terraform resource type: `aws_` then lower-case words.
fn is_terraform_type(s: &str) -> bool {
    s.strip_prefix("aws_").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    })
}

fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `SourceArn`: an uppercase start, then letters and digits with some lowercase (so that
/// rule IDs such as `IMDS001` are not taken for attribute names).
fn is_pascal(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && s.chars().any(|c| c.is_ascii_lowercase())
}

/// `source_arn` and `SourceArn` name the same attribute in the two formats; so do `user`
/// and `UserName` (CloudFormation often adds a word).
fn same_attribute(snake: &str, pascal: &str) -> bool {
    let camel: String = snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let pascal = pascal.to_ascii_lowercase();
    let camel = camel.to_ascii_lowercase();
    pascal.starts_with(&camel) || pascal.ends_with(&camel)
}

/// Everything in one rule file that knows about a format.
fn violations(source: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let trimmed = line.trim_start();
        // Unit tests come last in a file and may spell anything (rule IDs, inputs).
        if trimmed == "#[cfg(test)]" {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let line_no = n + 1;
        let lits = literals(line);
        for l in &lits {
            if is_terraform_type(l) || l.starts_with("AWS::") {
                out.push(Violation {
                    line: line_no,
                    what: format!("resource type literal \"{l}\""),
                });
            }
        }
        for s in lits.iter().filter(|l| is_snake(l)) {
            for p in lits.iter().filter(|l| is_pascal(l)) {
                if same_attribute(s, p) {
                    out.push(Violation {
                        line: line_no,
                        what: format!("attribute name mapping \"{s}\" / \"{p}\""),
                    });
                }
            }
        }
        let code = code(line);
        for (needle, what) in [
            (
                ".rtype",
                "reads the resource type (ask the model for a kind or a view)",
            ),
            ("Format::", "branches on the input format"),
            (
                "parse_json_with_refs",
                "parses JSON with references (the model does)",
            ),
            (
                ".attr(",
                "reads a raw attribute (add a field or a view to the model)",
            ),
            (
                ".block(",
                "reads a raw block (add a field or a view to the model)",
            ),
            (
                "term(",
                "spells an attribute per format (the model's views carry the names)",
            ),
        ] {
            if code.contains(needle) {
                out.push(Violation {
                    line: line_no,
                    what: what.to_string(),
                });
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn rules_read_only_the_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(
        files.len() > 20,
        "expected the rule files under {}",
        root.display()
    );
    let mut report = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for v in violations(&text) {
            report.push(format!("{}:{}: {}", f.display(), v.line, v.what));
        }
    }
    assert!(
        report.is_empty(),
        "format knowledge under src/rules/ (move it into src/model/):\n{}",
        report.join("\n")
    );
}

/// The scanner catches each shape the rules used to have before the model held them.
#[test]
fn scanner_catches_format_knowledge() {
    let old = r#"
        "aws_lambda_permission" | "AWS::Lambda::Permission"
            "principal" => "Principal",
        let cfn = r.format == crate::document::Format::CloudFormation;
        let subnets = vpc.get("subnet_ids").or_else(|| vpc.get("SubnetIds"));
        let user = crate::rules::named(r, &["user", "UserName"], "a user");
        attr(r, "event_source_arn", "EventSourceArn")?;
        match r.rtype.as_str() {
            crate::parse::hcl::functions::parse_json_with_refs(defs)
        ("aws_sqs_queue", "sqs"),
            let Some(auth) = r.attr(&[key]) else { continue };
                tokens = term(r, "http_tokens"),
    "#;
    let found: Vec<usize> = violations(old).iter().map(|v| v.line).collect();
    assert_eq!(found, vec![2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
}

/// Messages, comments and IAM keys are not format knowledge.
#[test]
fn scanner_leaves_the_rest_alone() {
    let fine = r#"
        //! finds `aws_iam_access_key` and `AWS::IAM::AccessKey` ("aws_iam_role" in a comment)
        "AWS managed policy {name} is attached to {who}",
        if t.key == "aws:sourcearn" { return "awslogs"; } // "aws_instance"
        .key("http_tokens")
        let c = '"'; let s = "a \"quoted\" aws_instance";
    "#;
    assert_eq!(violations(fine), Vec::new());
}
