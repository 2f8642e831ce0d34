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

/// The external corpus of real-world code the corpus tests read, or `None` (after saying
/// so on the terminal) when this checkout has none: a user's or contributor's clone passes
/// `cargo test` without it, and CI (`.ci/run`) sets `ROLEGRAPH_CORPUS` so they always run.
///
/// - `ROLEGRAPH_CORPUS` set to a path: that folder, which must exist (a wrong path fails
///   the test rather than skipping it, so CI cannot silently lose the corpus tests);
/// - `ROLEGRAPH_CORPUS` set but empty: no corpus, the tests skip;
/// - unset: `../shared/corpus` beside the checkout when it exists, else the tests skip.
pub fn corpus_or_skip(test: &str) -> Option<PathBuf> {
    external_dir(test, "ROLEGRAPH_CORPUS", "../shared/corpus")
}

/// Real Terraform plans (`ROLEGRAPH_PLANS`, else `../shared/plans`), by the rules of
/// [`corpus_or_skip`].
pub fn plans_or_skip(test: &str) -> Option<PathBuf> {
    external_dir(test, "ROLEGRAPH_PLANS", "../shared/plans")
}

fn external_dir(test: &str, var: &str, default: &str) -> Option<PathBuf> {
    let (dir, explicit) = match std::env::var_os(var) {
        Some(v) if v.is_empty() => (None, true),
        Some(v) => (Some(PathBuf::from(v)), true),
        None => (
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join(default)),
            false,
        ),
    };
    match dir {
        Some(d) if d.is_dir() => Some(d),
        Some(d) if explicit => panic!("{var}={} is not a folder", d.display()),
        _ => {
            // Straight to the terminal: the harness hides what `eprintln!` prints in a
            // passing test, and the skip must be visible.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: {test}: needs the external data set ({var} unset or empty, no \
                 {default} beside the checkout)"
            );
            None
        }
    }
}
