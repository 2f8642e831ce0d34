//! Robustness on real code: every `.tf` file of ../shared/corpus parses without an error and
//! without a panic, and a scan of the whole corpus finishes.

mod common;

use rolegraph::doc::DiagLevel;
use rolegraph::parse::hcl::module::read_body;
use std::sync::Arc;

fn corpus() -> std::path::PathBuf {
    match common::shared_corpus() {
        Some(p) => p,
        None => panic!("../shared/corpus is missing: the corpus tests need it beside the checkout"),
    }
}

#[test]
fn every_terraform_file_of_the_corpus_parses() {
    let root = corpus();
    let mut n = 0;
    let mut failures = Vec::new();
    for e in walk(&root) {
        let name = e.to_string_lossy().to_string();
        if !(name.ends_with(".tf") || name.ends_with(".tf.json") || name.ends_with(".tfvars")) {
            continue;
        }
        n += 1;
        let mut diags = Vec::new();
        if read_body(&e, &Arc::from(name.as_str()), &mut diags).is_none() || !diags.is_empty() {
            failures.push(format!("{name}: {diags:?}"));
        }
    }
    assert!(n > 300, "expected the corpus's Terraform files, found {n}");
    assert!(
        failures.is_empty(),
        "{} files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn scanning_the_whole_corpus_finishes_without_parse_errors() {
    // Terraform and CloudFormation alike; other YAML and JSON is skipped silently.
    let root = corpus();
    let report = rolegraph::scan(&rolegraph::ScanOptions {
        paths: vec![root],
        ..Default::default()
    });
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagLevel::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // 377 Terraform files and 482 CloudFormation templates.
    assert_eq!(report.files_scanned, 377 + 482);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
