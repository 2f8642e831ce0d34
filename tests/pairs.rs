//! The same infrastructure written as Terraform and as CloudFormation gives the same rule IDs
//! on the corresponding resources. Under `testdata/pairs/<name>/`, a Terraform resource
//! `aws_x.web_role` corresponds to the logical ID `WebRole`.

mod common;

use std::collections::BTreeSet;

/// `aws_iam_role.web_role[0]` -> `webrole`; `WebRole` -> `webrole`.
fn key(address: &str) -> String {
    let name = address.split('[').next().unwrap_or(address);
    let name = name.rsplit('.').next().unwrap_or(name);
    name.replace('_', "").to_ascii_lowercase()
}

fn findings(path: &str) -> BTreeSet<(String, String)> {
    common::scan(&[path], &[])
        .findings
        .iter()
        .map(|f| (f.rule_id.to_string(), key(&f.resource)))
        .collect()
}

#[test]
fn terraform_and_cloudformation_agree() {
    common::at_root();
    let mut pairs: Vec<_> = std::fs::read_dir("testdata/pairs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pairs.sort();
    assert!(!pairs.is_empty());
    for p in pairs {
        let p = p.to_string_lossy().replace('\\', "/");
        let tf = findings(&format!("{p}/terraform"));
        let cfn = findings(&format!("{p}/cloudformation"));
        assert!(!tf.is_empty(), "{p}: the pair should exercise rules");
        assert_eq!(
            tf, cfn,
            "{p}: Terraform (left) and CloudFormation (right) disagree"
        );
        let rules: BTreeSet<&str> = tf.iter().map(|(r, _)| r.as_str()).collect();
        for r in rolegraph::rules::all() {
            assert!(
                rules.contains(r.id()),
                "{p}: no {} finding in the pair",
                r.id()
            );
        }
    }
}

/// A PATH finding as both formats must agree on it: the rule, the severity, the entry rule,
/// the chain of principals (by the pair's naming) and the impact. The finding's key holds
/// `ENTRY:entry-key:principal>role>...:impact`.
fn paths(path: &str) -> BTreeSet<(String, String, String, Vec<String>, String)> {
    common::scan(&[path], &["PATH"])
        .findings
        .iter()
        .map(|f| {
            let parts: Vec<&str> = f.key.split(':').collect();
            assert!(parts.len() >= 4, "{path}: unexpected key {}", f.key);
            let chain = parts[2].split('>').map(key).collect();
            (
                f.rule_id.to_string(),
                f.severity.to_string(),
                parts[0].to_string(),
                chain,
                parts[3..].join(":"),
            )
        })
        .collect()
}

/// The same stack gives the same attack paths in both formats: every PATH fixture case and
/// the web stack.
#[test]
fn terraform_and_cloudformation_give_the_same_paths() {
    common::at_root();
    let mut dirs = vec!["testdata/pairs/web-stack".to_string()];
    for id in ["PATH001", "PATH002", "PATH003"] {
        let mut cases: Vec<String> = std::fs::read_dir(format!("testdata/{id}/terraform"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        cases.sort();
        assert!(!cases.is_empty());
        for case in cases {
            // A fixture case is a pair: `terraform/<case>` and `cloudformation/<case>`.
            dirs.push(format!("testdata/{id}/{{}}/{case}"));
        }
    }
    let mut compared = 0;
    for d in dirs {
        let (tf, cfn) = if d.contains("{}") {
            (
                d.replace("{}", "terraform"),
                d.replace("{}", "cloudformation") + "/template.yaml",
            )
        } else {
            (format!("{d}/terraform"), format!("{d}/cloudformation"))
        };
        let a = paths(&tf);
        let b = paths(&cfn);
        assert_eq!(
            a, b,
            "{tf}: Terraform (left) and CloudFormation (right) paths disagree"
        );
        compared += a.len();
    }
    assert!(
        compared > 20,
        "the pairs should exercise paths ({compared})"
    );
}
