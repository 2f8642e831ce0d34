//! Regression guard for speed: parsing and evaluation of a fixed slice of the shared corpus
//! (`../shared/corpus`: the examples of terraform-aws-lambda, root modules that call the
//! same local modules), then the whole pipeline over it and over the aws-cloudformation-
//! templates repository. Run with `cargo bench`; it prints the median time of each step and
//! asserts nothing (machines differ: the figures are recorded in README.md, Performance).
//! Without the corpus it says so and exits successfully. No benchmark crate: a plain
//! `harness = false` main keeps it cheap to build in CI (`cargo clippy --all-targets`).

use rolegraph::parse::hcl::module::{VarInputs, scan_root_module};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Timed runs of each step (after one warm-up run).
const RUNS: usize = 10;

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

fn time(name: &str, mut f: impl FnMut() -> usize) {
    let warm = f();
    let runs: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    println!(
        "{name:<48} {:>9.2} ms  (median of {RUNS}; {warm} items)",
        median(runs).as_secs_f64() * 1000.0
    );
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let lambda = corpus.join("terraform-aws-lambda");
    let cfn = corpus.join("aws-cloudformation-templates");
    if !lambda.is_dir() {
        println!("no corpus at {}: benchmark skipped", corpus.display());
        return;
    }
    let mut roots: Vec<PathBuf> = std::fs::read_dir(lambda.join("examples"))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    roots.retain(|p| p.is_dir());
    roots.sort();
    let vars = VarInputs::default();
    // Each root module parsed and evaluated on its own (no sharing between them).
    time("parse + evaluate: lambda examples, one by one", || {
        roots
            .iter()
            .map(|r| scan_root_module(r, &lambda, &vars).0.resources.len())
            .sum()
    });
    // The whole pipeline (discovery, shared module definitions, model, rules, report).
    let scan = |paths: Vec<PathBuf>| {
        let opts = rolegraph::ScanOptions {
            paths,
            ..Default::default()
        };
        rolegraph::scan(&opts).findings.len()
    };
    time("scan: terraform-aws-lambda", || scan(vec![lambda.clone()]));
    if cfn.is_dir() {
        time("scan: aws-cloudformation-templates", || {
            scan(vec![cfn.clone()])
        });
    }
}
