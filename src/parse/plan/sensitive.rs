//! Values a plan marks sensitive are never printed.
//!
//! `terraform show -json` writes sensitive values in clear, next to a parallel tree of
//! marks: `after_sensitive` / `before_sensitive` for each change, `sensitive_values` for
//! each resource of `planned_values` and `prior_state`, `sensitive: true` for outputs, and
//! `sensitive: true` in `configuration` for a variable (whose value `variables` holds).
//! [`spans`] finds where each marked value is written; [`mask_plan_text`] is the plan's
//! text with each of them replaced, for the source snippets of the text output (one-line
//! plans show the 40 characters around a finding, which can be a password).
//!
//! A marked value shows as `(sensitive)`, padded with `*` to its length (or only `*` when
//! it is shorter), so every other column of the line stays where it is.

use crate::value::{Node, Span, Value};
use std::sync::Arc;

/// The spans of every value the plan marks sensitive.
pub fn spans(root: &Node) -> Vec<Span> {
    let mut out = Vec::new();
    for change in root
        .get("resource_changes")
        .map(Node::items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.get("change"))
        .chain(
            root.get("output_changes")
                .map(map_values)
                .unwrap_or_default(),
        )
    {
        for (values, marks) in [("after", "after_sensitive"), ("before", "before_sensitive")] {
            if let (Some(v), Some(m)) = (change.get(values), change.get(marks)) {
                marked(v, m, &mut out);
            }
        }
    }
    for state in [
        root.get("planned_values"),
        root.get("prior_state").and_then(|s| s.get("values")),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(m) = state.get("root_module") {
            module(m, &mut out);
        }
        for o in state.get("outputs").map(map_values).unwrap_or_default() {
            if is_true(o.get("sensitive"))
                && let Some(v) = o.get("value")
            {
                out.push(v.span.clone());
            }
        }
    }
    // Sensitive input variables: marked in the configuration, valued in `variables`.
    let declared = root
        .get("configuration")
        .and_then(|c| c.get("root_module"))
        .and_then(|m| m.get("variables"));
    if let (Some(declared), Some(Value::Map(values))) =
        (declared, root.get("variables").map(|v| &v.value))
    {
        for (name, v) in values {
            if is_true(declared.get(name).and_then(|d| d.get("sensitive")))
                && let Some(value) = v.get("value")
            {
                out.push(value.span.clone());
            }
        }
    }
    out
}

fn map_values(n: &Node) -> Vec<&Node> {
    match &n.value {
        Value::Map(m) => m.values().collect(),
        _ => Vec::new(),
    }
}

fn is_true(n: Option<&Node>) -> bool {
    matches!(n.map(|n| &n.value), Some(Value::Bool(true)))
}

/// The resources of a module of `planned_values` / `prior_state`, and its children.
fn module(m: &Node, out: &mut Vec<Span>) {
    for r in m.get("resources").map(Node::items).unwrap_or_default() {
        if let (Some(v), Some(s)) = (r.get("values"), r.get("sensitive_values")) {
            marked(v, s, out);
        }
    }
    for child in m.get("child_modules").map(Node::items).unwrap_or_default() {
        module(child, out);
    }
}

/// Walk a value and its tree of marks together: `true` marks the whole value.
fn marked(value: &Node, marks: &Node, out: &mut Vec<Span>) {
    match (&marks.value, &value.value) {
        (Value::Bool(true), _) => out.push(value.span.clone()),
        (Value::Map(ms), Value::Map(_)) => {
            for (k, m) in ms {
                if let Some(v) = value.get(k) {
                    marked(v, m, out);
                }
            }
        }
        (Value::List(ms), Value::List(vs)) => {
            for (v, m) in vs.iter().zip(ms) {
                marked(v, m, out);
            }
        }
        _ => {}
    }
}

/// When `text` is a Terraform plan with sensitive values: the text with each of them
/// replaced (see the module documentation). `None` for any other text.
pub fn mask_plan_text(text: &str) -> Option<String> {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if !head.starts_with('{') || !text.contains("\"format_version\"") || !text.contains("sensitive")
    {
        return None;
    }
    let root = crate::parse::json::parse(text, Arc::from(""), 1, 1).ok()?;
    if !super::is_plan(&root) {
        return None;
    }
    let mut spans = spans(&root);
    if spans.is_empty() {
        return None;
    }
    spans.sort_by_key(|s| (s.line, s.col));
    spans.dedup();
    // Byte offsets of every span's ends, in one pass over the text.
    let mut wanted: Vec<(u32, u32)> = spans
        .iter()
        .flat_map(|s| [(s.line, s.col), (s.end_line, s.end_col)])
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut offsets = std::collections::HashMap::with_capacity(wanted.len());
    let (mut line, mut col, mut next) = (1u32, 1u32, 0usize);
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), '\0')))
    {
        while next < wanted.len() && wanted[next] <= (line, col) {
            offsets.insert(wanted[next], i);
            next += 1;
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in &spans {
        let (Some(&start), Some(&end)) = (
            offsets.get(&(s.line, s.col)),
            offsets.get(&(s.end_line, s.end_col)),
        ) else {
            continue;
        };
        if start < at || end <= start {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&hidden(&text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// `(sensitive)` padded with `*` to the characters of `token` (line breaks kept).
fn hidden(token: &str) -> String {
    const WORD: &str = "(sensitive)";
    let n = token.chars().filter(|&c| c != '\n').count();
    let mut shown: Box<dyn Iterator<Item = char>> = if n >= WORD.len() {
        Box::new(WORD.chars().chain(std::iter::repeat('*')))
    } else {
        Box::new(std::iter::repeat('*'))
    };
    token
        .chars()
        .map(|c| {
            if c == '\n' {
                '\n'
            } else {
                shown.next().unwrap_or('*')
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_marked_values_only() {
        let plan = r#"{"format_version":"1.2","resource_changes":[{"address":"aws_db_instance.db","change":{"actions":["create"],"after":{"username":"admin","password":"correct-horse-battery-staple","port":5432,"tags":{"k":"tagvalue1"}},"after_sensitive":{"password":true,"tags":{"k":true}},"before":null,"before_sensitive":false}}]}"#;
        let masked = mask_plan_text(plan).unwrap();
        assert!(!masked.contains("correct-horse"), "{masked}");
        assert!(!masked.contains("tagvalue1"), "{masked}");
        assert!(
            masked.contains(r#""password":(sensitive)*******************,"port":5432"#),
            "{masked}"
        );
        assert!(masked.contains(r#""tags":{"k":(sensitive)}"#), "{masked}");
        assert!(masked.contains(r#""username":"admin""#));
        assert_eq!(masked.chars().count(), plan.chars().count());
    }

    #[test]
    fn variables_outputs_and_state() {
        let plan = r#"{
  "format_version": "1.2",
  "variables": {"db_password": {"value": "s3cr3t-value-1"}, "region": {"value": "eu-west-1"}},
  "planned_values": {
    "outputs": {"dsn": {"sensitive": true, "value": "postgres://x:y@z"}},
    "root_module": {"child_modules": [{"resources": [{"values": {"token": "abc-def-ghi-jkl"}, "sensitive_values": {"token": true}}]}]}
  },
  "configuration": {"root_module": {"variables": {"db_password": {"sensitive": true}, "region": {}}}}
}"#;
        let masked = mask_plan_text(plan).unwrap();
        for s in ["s3cr3t-value-1", "postgres://x:y@z", "abc-def-ghi-jkl"] {
            assert!(!masked.contains(s), "{masked}");
        }
        assert!(masked.contains("eu-west-1"));
    }

    #[test]
    fn other_texts_are_left_alone() {
        assert_eq!(mask_plan_text("resource \"x\" \"y\" {}"), None);
        assert_eq!(
            mask_plan_text(r#"{"Resources": {}, "sensitive": true}"#),
            None
        );
    }
}
