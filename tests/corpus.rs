//! Robustness on real code: every `.tf` file of ../shared/corpus parses without an error and
//! without a panic, and a scan of the whole corpus finishes.
//!
//! The corpus is not part of the repository: without it (no `ROLEGRAPH_CORPUS`, no
//! `../shared/corpus`) each test says "skipped: ..." on the terminal and passes, so a fresh
//! clone's `cargo test` is green; `.ci/run` sets `ROLEGRAPH_CORPUS` and requires it.

mod common;

use rolegraph::document::DiagLevel;
use rolegraph::parse::hcl::module::read_body;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

#[test]
fn every_terraform_file_of_the_corpus_parses() {
    let Some(root) = common::corpus_or_skip("every_terraform_file_of_the_corpus_parses") else {
        return;
    };
    let mut n = 0;
    let mut failures = Vec::new();
    for e in walk(&root) {
        let name = e.to_string_lossy().to_string();
        if !(name.ends_with(".tf") || name.ends_with(".tf.json") || name.ends_with(".tfvars")) {
            continue;
        }
        n += 1;
        let mut diags = Vec::new();
        if read_body(
            &e,
            &Arc::from(name.as_str()),
            rolegraph::fsread::Links::Refuse,
            &mut diags,
        )
        .is_none()
            || !diags.is_empty()
        {
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

/// The scan of the whole corpus with every rule, as `rolegraph scan ../shared/corpus` runs
/// it; done once for the tests that read it.
fn corpus_report(root: std::path::PathBuf) -> &'static rolegraph::finding::Report {
    static REPORT: OnceLock<rolegraph::finding::Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        rolegraph::scan(&rolegraph::ScanOptions {
            paths: vec![root],
            ..Default::default()
        })
    })
}

#[test]
fn scanning_the_whole_corpus_finishes_without_parse_errors() {
    let Some(root) =
        common::corpus_or_skip("scanning_the_whole_corpus_finishes_without_parse_errors")
    else {
        return;
    };
    // Terraform and CloudFormation alike; other YAML and JSON is skipped silently.
    let report = corpus_report(root);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagLevel::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // 377 Terraform files and 482 CloudFormation templates.
    assert_eq!(report.files_scanned, 377 + 482);
}

/// The per-rule table of docs/precision.md: `| ID | findings | ...` rows.
fn documented_counts() -> BTreeMap<String, usize> {
    common::at_root();
    let doc = std::fs::read_to_string("docs/precision.md").expect("docs/precision.md");
    let ids: Vec<&str> = rolegraph::rules::all().iter().map(|r| r.id()).collect();
    let mut out = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| [IMDS001](../policies/IMDS001.yaml) | 164 | ...`: the rule (linked to its
        // policy: other tables name rules without a link), then its number of findings.
        if let [_, rule, count, tp, fp, debatable, ..] = cells.as_slice()
            && let Some(linked) = rule.strip_prefix('[')
        {
            let id = linked.split(']').next().unwrap_or_default();
            // Every finding is triaged: true positive, false positive or debatable.
            let n = |c: &str| c.parse::<usize>().unwrap_or(usize::MAX / 4);
            assert_eq!(
                n(tp) + n(fp) + n(debatable),
                n(count),
                "docs/precision.md: {id}'s TP + FP + debatable is not its number of findings"
            );
            if ids.contains(&id)
                && let Ok(n) = count.parse::<usize>()
                && out.insert(id.to_string(), n).is_some()
            {
                panic!("docs/precision.md counts {id} twice");
            }
        }
    }
    out
}

#[test]
fn per_rule_counts_on_the_corpus_match_docs_precision() {
    // A change in what a rule reports on real code shows up here: triage the difference,
    // then update the table (and the triage) in docs/precision.md.
    let Some(root) = common::corpus_or_skip("per_rule_counts_on_the_corpus_match_docs_precision")
    else {
        return;
    };
    let mut found: BTreeMap<String, usize> = rolegraph::rules::all()
        .iter()
        .map(|r| (r.id().to_string(), 0))
        .collect();
    for f in &corpus_report(root).findings {
        *found.get_mut(f.rule_id).expect("a known rule") += 1;
    }
    let documented = documented_counts();
    assert_eq!(
        documented.keys().collect::<Vec<_>>(),
        found.keys().collect::<Vec<_>>(),
        "docs/precision.md must have one row per rule"
    );
    assert_eq!(found, documented, "findings per rule on ../shared/corpus");
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
