//! Facts the rule documentation repeats from the code, checked against the code: the YAML in
//! `policies/` is the one place a rule is documented, and where it lists what a code
//! constant holds (the condition keys that narrow a caller, the data-read actions, the
//! administrator policies) the list must be the constant's, item for item, so the two
//! cannot drift apart again (TRUST001's docs once named 6 and 7 of the 9 caller keys).
//!
//! Each fact names a documentation field, the code's list and which backticked words of
//! the field are items of that kind: every item of the list must be in the field, and every
//! word of that kind in the field must be in the list.
//!
//! Public constants are read directly. A constant private to a rule file is read from the
//! file's source text ([`const_strings`]), so that the rule stays as it is; if it moves,
//! the test says where to look.

#![cfg(test)]

use crate::rules::meta;

/// The words written between backticks.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Compare a documentation field with the code's list; the differences, as messages.
fn compare(what: &str, field: &str, code: &[&str], of_kind: &dyn Fn(&str) -> bool) -> Vec<String> {
    let words = backticked(field);
    let mut errors = Vec::new();
    for item in code {
        if !words.iter().any(|w| w.eq_ignore_ascii_case(item)) {
            errors.push(format!(
                "{what}: the code has `{item}`, the documentation does not"
            ));
        }
    }
    for w in words.iter().filter(|w| of_kind(w)) {
        if !code.iter().any(|item| item.eq_ignore_ascii_case(w)) {
            errors.push(format!(
                "{what}: the documentation has `{w}`, the code does not"
            ));
        }
    }
    errors
}

/// The string literals of `const NAME: &[&str] = &[...];` in a source file of the crate.
fn const_strings(file: &str, name: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let start = text
        .find(&format!("const {name}: &[&str] = &["))
        .unwrap_or_else(|| {
            panic!("{file} has no `const {name}: &[&str]`: point src/rules/doc_facts.rs at it")
        });
    let body = &text[start..];
    let body = &body[body.find("= &[").unwrap_or(0) + 4..];
    let body = &body[..body.find("];").unwrap_or(body.len())];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

fn description(id: &str) -> &'static str {
    &meta::get(id)
        .unwrap_or_else(|| panic!("no policies/{id}.yaml"))
        .description
}

/// The list items (`- ...` lines, with their continuation lines) of a Markdown text.
fn list_items(text: &str) -> String {
    let mut out = String::new();
    let mut in_item = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("- ") {
            in_item = true;
        } else if t.is_empty() || !line.starts_with(' ') {
            in_item = false;
        }
        if in_item {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn trust001_documents_the_caller_keys_of_the_code() {
    use crate::iam::principal::CALLER_KEYS;
    // Condition keys in TRUST001's description are the caller keys; the assume actions
    // (`sts:AssumeRole`, ...) are not keys.
    let is_key = |w: &str| {
        let w = w.to_ascii_lowercase();
        w.starts_with("aws:") || (w.starts_with("sts:") && !w.starts_with("sts:assumerole"))
    };
    let errors = compare(
        "TRUST001 description, CALLER_KEYS (src/iam/principal.rs)",
        description("TRUST001"),
        CALLER_KEYS,
        &is_key,
    );
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn priv006_documents_the_data_read_actions_of_the_code() {
    use crate::rules::privilege::policy_data_read_any_resource::DATA_READ;
    // The description lists the actions as Markdown list items; other backticked words
    // there (condition keys, patterns) are not items of the list.
    let items = list_items(description("PRIV006"));
    assert!(
        !items.is_empty(),
        "PRIV006: the description has no list of actions"
    );
    let is_action = |w: &str| w.contains(':') && !w.contains('*') && !w.contains('/');
    let errors = compare(
        "PRIV006 description, DATA_READ",
        &items,
        DATA_READ,
        &is_action,
    );
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn admin_rules_document_the_admin_policies_of_the_code() {
    use crate::model::permissions::ADMIN_POLICIES;
    let is_managed_policy = |w: &str| crate::iam::managed::get().by_name(w).is_some();
    let mut errors = Vec::new();
    for id in ["PRIV008", "WL003"] {
        errors.extend(compare(
            &format!("{id} description, ADMIN_POLICIES (src/model/permissions.rs)"),
            description(id),
            ADMIN_POLICIES,
            &is_managed_policy,
        ));
    }
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn trust001_documents_the_assume_actions_of_the_code() {
    let assume = const_strings("src/rules/trust/mod.rs", "ASSUME");
    let assume: Vec<&str> = assume.iter().map(String::as_str).collect();
    assert!(!assume.is_empty());
    let errors = compare(
        "TRUST001 description, ASSUME (src/rules/trust/mod.rs)",
        description("TRUST001"),
        &assume,
        &|w: &str| w.to_ascii_lowercase().starts_with("sts:assumerole"),
    );
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn eks001_documents_the_node_policies_of_the_code() {
    let file = "src/rules/eks/eks_node_role_overprivileged.rs";
    let policies = const_strings(file, "NODE_POLICIES");
    let policies: Vec<&str> = policies.iter().map(String::as_str).collect();
    assert!(!policies.is_empty());
    let errors = compare(
        &format!("EKS001 description, NODE_POLICIES ({file})"),
        description("EKS001"),
        &policies,
        &|w: &str| crate::iam::managed::get().by_name(w).is_some(),
    );
    assert!(errors.is_empty(), "{errors:#?}");
}

/// ECS002's first paragraph lists what the agent needs: the actions of
/// AmazonECSTaskExecutionRolePolicy (from the embedded managed-policy data) and the rule's
/// `AGENT_EXTRA`.
#[test]
fn ecs002_documents_the_agent_actions_of_the_code() {
    let file = "src/rules/ecs/ecs_execution_role_overprivileged.rs";
    let mut needed: Vec<String> =
        crate::rules::grants::managed_actions(&["AmazonECSTaskExecutionRolePolicy"])
            .into_iter()
            .collect();
    assert!(
        !needed.is_empty(),
        "no AmazonECSTaskExecutionRolePolicy in the data"
    );
    needed.extend(const_strings(file, "AGENT_EXTRA"));
    let needed: Vec<&str> = needed.iter().map(String::as_str).collect();
    let text = description("ECS002");
    let first = text.split("\n\n").next().unwrap_or_default();
    let errors = compare(
        &format!("ECS002 description, AmazonECSTaskExecutionRolePolicy + AGENT_EXTRA ({file})"),
        first,
        &needed,
        &|w: &str| w.contains(':'),
    );
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn a_drifted_list_is_caught() {
    let yes = |_: &str| true;
    assert!(compare("x", "`a` and `b`", &["a", "b"], &yes).is_empty());
    assert_eq!(compare("x", "`a`", &["a", "b"], &yes).len(), 1);
    assert_eq!(compare("x", "`a`, `b`, `c`", &["a", "b"], &yes).len(), 1);
    assert_eq!(
        list_items("intro `x`\n\n- `a`,\n  `b`\n\nafter `y`\n"),
        "- `a`,\n  `b`\n"
    );
}

/// Read by `a_drifted_list_is_caught` through [`const_strings`].
#[allow(dead_code)]
const SAMPLE: &[&str] = &["one", "two"];
