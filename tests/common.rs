//! Helpers shared by the integration tests.

#![allow(dead_code)]

use rolegraph::ScanOptions;
use rolegraph::finding::Report;
use rolegraph::report::{OutputFormat, RenderOptions};
use rolegraph::rules::meta;
use std::path::{Path, PathBuf};

/// Run the tests from the crate root so paths in findings are `testdata/...`.
pub fn at_root() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
}

pub fn scan(paths: &[&str], select: &[&str]) -> Report {
    at_root();
    rolegraph::scan(&ScanOptions {
        paths: paths.iter().map(PathBuf::from).collect(),
        select: select.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    })
}

pub fn render(report: &Report, format: OutputFormat) -> String {
    let metas: Vec<&meta::RuleMeta> = report
        .rules_run
        .iter()
        .filter_map(|id| meta::get(id))
        .collect();
    let sources = |f: &str| std::fs::read_to_string(f).ok();
    rolegraph::report::render(
        report,
        format,
        &RenderOptions {
            color: false,
            tool_version: env!("CARGO_PKG_VERSION"),
            ruleset_version: meta::RULESET_VERSION,
            rules: &metas,
            sources: &sources,
            link_base: None,
            sarif: Default::default(),
            show_notes: false,
        },
    )
}

/// `testdata/<ID>/<format>/<case>` directories, sorted.
pub fn fixture_cases() -> Vec<(String, String, String, PathBuf)> {
    at_root();
    let mut out = Vec::new();
    let mut rules: Vec<PathBuf> = std::fs::read_dir("testdata")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    rules.sort();
    for rule in rules {
        let id = rule.file_name().unwrap().to_string_lossy().to_string();
        if !id.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
            continue;
        }
        for format in ["terraform", "cloudformation", "plan"] {
            let dir = rule.join(format);
            if !dir.is_dir() {
                continue;
            }
            let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect();
            cases.sort();
            for c in cases {
                let case = c.file_name().unwrap().to_string_lossy().to_string();
                out.push((id.clone(), format.to_string(), case, c));
            }
        }
    }
    out
}

pub fn shared_corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    p.is_dir().then_some(p)
}
