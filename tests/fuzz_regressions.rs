//! Regression tests for what fuzzing found (docs/fuzzing.md), and a check that the fuzz
//! entry points ([`rolegraph::fuzzing`]) see what a scan sees.

mod common;

use serde_json::Value;
use std::path::Path;

/// Run `text` through the entry point of a fuzz target; the JSON report.
fn run(target: &str, text: &str) -> Value {
    let json = match target {
        "hcl" => rolegraph::fuzzing::terraform(text),
        "tf_json" => rolegraph::fuzzing::terraform_json(text),
        "cfn_yaml" => rolegraph::fuzzing::cloudformation_yaml(text),
        "cfn_json" => rolegraph::fuzzing::cloudformation_json(text),
        "plan" => rolegraph::fuzzing::terraform_plan(text),
        other => panic!("no fuzz target {other}"),
    };
    serde_json::from_str(&json).unwrap()
}

fn rule_ids(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn every_saved_input_runs_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut n = 0;
    for target in ["hcl", "tf_json", "cfn_yaml", "cfn_json", "plan"] {
        let Ok(rd) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            // Inputs that are not UTF-8 never reach the pipeline (the targets skip them).
            if let Ok(text) = String::from_utf8(std::fs::read(&p).unwrap()) {
                let report = run(target, &text);
                assert!(report["summary"].is_object(), "{}", p.display());
                n += 1;
            }
        }
    }
    eprintln!("{n} saved inputs");
}

#[test]
fn the_entry_points_find_what_a_scan_finds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scan_ids = |dir: &str| {
        let mut ids: Vec<String> = common::scan(&[dir], &[])
            .findings
            .iter()
            .map(|f| f.rule_id.to_string())
            .collect();
        ids.sort();
        ids
    };
    let text = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let demo = run("hcl", &text("testdata/demo/main.tf"));
    assert!(!rule_ids(&demo).is_empty());
    assert_eq!(rule_ids(&demo), scan_ids("testdata/demo"));
    let yaml = run(
        "cfn_yaml",
        &text("testdata/WL001/cloudformation/fail/template.yaml"),
    );
    let json = run(
        "cfn_json",
        &text("testdata/WL001/cloudformation/fail/template.json"),
    );
    let both = {
        let mut v = [rule_ids(&yaml), rule_ids(&json)].concat();
        v.sort();
        v
    };
    assert!(rule_ids(&yaml).contains(&"WL001".to_string()));
    assert_eq!(both, scan_ids("testdata/WL001/cloudformation/fail"));
    // A plan alone, without its configuration: findings point into the plan.
    let plan = run("plan", &text("testdata/plan/one-line/plan.json"));
    assert!(!rule_ids(&plan).is_empty());
    assert!(
        plan["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["location"]["file"] == "plan.json"),
        "{plan:#}"
    );
}
