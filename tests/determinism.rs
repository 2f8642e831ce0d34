//! Determinism, end to end through the built binary: the same input gives byte-identical
//! SARIF and JSON (whatever order the parallel scan finishes in), and blank lines inserted
//! above a resource move its findings' lines but keep their fingerprints.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn rolegraph(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::cargo_bin("rolegraph")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--fail-on", "none", "--allow-parse-errors"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn two_runs_give_byte_identical_sarif_and_json() {
    // All fixtures at once: many inputs, parsed and checked in parallel.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for format in ["sarif", "json"] {
        let args = ["scan", "testdata", "--format", format];
        let first = rolegraph(root, &args);
        let report: Value = serde_json::from_slice(&first).unwrap();
        let results = match format {
            "sarif" => &report["runs"][0]["results"],
            _ => &report["findings"],
        };
        assert!(
            results.as_array().unwrap().len() > 100,
            "the fixtures give many findings"
        );
        for _ in 0..2 {
            assert!(first == rolegraph(root, &args), "{format} output differs");
        }
    }
}

/// `(rule, resource, fingerprint, file, line)` of each finding of a JSON report.
fn fingerprints(report: &[u8]) -> Vec<(String, String, String, String, u64)> {
    let v: Value = serde_json::from_slice(report).unwrap();
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// SARIF `partialFingerprints` of each result, with its line.
fn sarif_fingerprints(report: &[u8]) -> Vec<(String, u64)> {
    let v: Value = serde_json::from_slice(report).unwrap();
    let mut out: Vec<_> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["rolegraph/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Insert `n` blank lines before the first line that starts with `marker`; the line number
/// (1-based) the marker had.
fn insert_blank_lines(file: &Path, marker: &str, n: usize) -> u64 {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(marker))
        .unwrap_or_else(|| panic!("{marker:?} not in {}", file.display()));
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i == at {
            out.push_str(&"\n".repeat(n));
        }
        out.push_str(l);
    }
    std::fs::write(file, out).unwrap();
    at as u64 + 1
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, dest).unwrap();
        }
    }
}

fn check_blank_lines(fixture: &str, file: &str, marker: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&src, dir.path());
    let scan = |format: &str| rolegraph(dir.path(), &["scan", ".", "--format", format]);
    let (json_before, sarif_before) = (scan("json"), scan("sarif"));
    let at = insert_blank_lines(&dir.path().join(file), marker, 5);
    let (json_after, sarif_after) = (scan("json"), scan("sarif"));

    let before = fingerprints(&json_before);
    let after = fingerprints(&json_after);
    assert!(before.len() >= 2, "{fixture}: {before:?}");
    assert_eq!(before.len(), after.len());
    let mut moved = 0;
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(
            (&b.0, &b.1, &b.2, &b.3),
            (&a.0, &a.1, &a.2, &a.3),
            "{fixture}: same finding, same fingerprint"
        );
        let same_file = b.3.trim_start_matches("./") == file;
        let shift = if same_file && b.4 >= at { 5 } else { 0 };
        assert_eq!(a.4, b.4 + shift, "{fixture}: {b:?} -> {a:?}");
        moved += usize::from(shift > 0);
    }
    assert!(moved > 0, "{fixture}: no finding below line {at}");
    assert!(
        moved < before.len(),
        "{fixture}: no finding above line {at}"
    );

    // SARIF carries the same fingerprints.
    let sb = sarif_fingerprints(&sarif_before);
    let sa = sarif_fingerprints(&sarif_after);
    let prints = |v: &[(String, u64)]| v.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
    assert_eq!(prints(&sb), prints(&sa));
    let mut json_prints: Vec<String> = before.iter().map(|b| b.2.clone()).collect();
    json_prints.sort();
    assert_eq!(prints(&sb), json_prints);
    assert_ne!(sb, sa, "lines moved in SARIF too");
}

#[test]
fn blank_lines_above_a_terraform_resource_keep_fingerprints() {
    check_blank_lines(
        "testdata/IMDS001/terraform/fail",
        "main.tf",
        "resource \"aws_instance\" \"optional\"",
    );
}

#[test]
fn blank_lines_above_a_cloudformation_resource_keep_fingerprints() {
    check_blank_lines(
        "testdata/WL001/cloudformation/fail",
        "template.yaml",
        "  InstanceProfile:",
    );
}
