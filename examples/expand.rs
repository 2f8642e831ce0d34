//! Expand IAM action patterns with rolegraph's embedded dataset: one pattern per line on
//! standard input, one JSON line per pattern on standard output
//! (`{"pattern": "s3:Get*", "actions": ["s3:GetObject", ...]}`). Used by
//! `scripts/check-iam-expand`.
//!
//! With `--bench ROUNDS`: time loading the dataset and expanding every pattern ROUNDS times,
//! and print the figures instead (used by `scripts/bench-iam-expand`).

use std::io::{BufRead, Write};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: Option<u32> = args
        .iter()
        .position(|a| a == "--bench")
        .map(|i| args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(20));
    let patterns: Vec<String> = std::io::stdin()
        .lock()
        .lines()
        .map(|l| l.expect("standard input is text").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let start = Instant::now();
    let data = rolegraph::iam::dataset::get();
    let load = start.elapsed();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let Some(rounds) = rounds else {
        for p in &patterns {
            let actions: Vec<&str> = data.expand(p).iter().map(|a| a.name).collect();
            let row = serde_json::json!({ "pattern": p, "actions": actions });
            writeln!(out, "{row}").expect("standard output is writable");
        }
        return;
    };
    let wildcards = patterns.iter().filter(|p| p.contains(['*', '?'])).count();
    let mut matched = 0usize;
    let start = Instant::now();
    for _ in 0..rounds {
        matched = patterns.iter().map(|p| data.expand(p).len()).sum();
    }
    let total = start.elapsed();
    let per_round = total / rounds.max(1);
    writeln!(
        out,
        "dataset: {} actions, indexed in {:.1} ms",
        data.len(),
        load.as_secs_f64() * 1e3
    )
    .unwrap();
    writeln!(
        out,
        "patterns: {} ({} with wildcards), matching {} actions in all",
        patterns.len(),
        wildcards,
        matched
    )
    .unwrap();
    writeln!(
        out,
        "expansion of every pattern: {:.3} ms per round ({:.2} us per pattern), averaged over {} rounds",
        per_round.as_secs_f64() * 1e3,
        per_round.as_secs_f64() * 1e6 / patterns.len().max(1) as f64,
        rounds
    )
    .unwrap();
}
