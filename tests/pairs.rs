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
