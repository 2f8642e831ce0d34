//! No output format ever prints a credential in full (CRED001): every format of `scan`, and
//! `graph`, over fixtures full of keys, is searched for each raw key.

use assert_cmd::Command;
use clap::ValueEnum;
use rolegraph::report::OutputFormat;

/// The raw credentials written in the CRED001 fixtures (plain, and inside base64 user data).
const SECRETS: &[&str] = &[
    "AKIA2E0A8F3B244C9986",
    "Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8",
    "AKIA5T3R9WQ8ZL2XK7VB",
    "pQ3+Lm9/Vx2Rt7Nb4Kc8Hd1Fg6Js5Aw0Ez3Yu9Ik",
    "ASIA7Q4MZ2PLWX3NB6KD",
];

const FIXTURES: &[&str] = &[
    "testdata/CRED001/terraform/fail",
    "testdata/CRED001/cloudformation/fail",
];

fn rolegraph() -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

fn assert_clean(what: &str, out: &std::process::Output) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.is_empty(), "{what}: no output");
    for s in SECRETS {
        assert!(!text.contains(s), "{what} prints {s}:\n{text}");
    }
    // The base64 user data that holds a key is not printed either.
    assert!(
        !text.contains("IyEvYmluL2Jhc2gKZXhwb3J0IEFXU19BQ0NFU1NfS0VZX0lE"),
        "{what} prints the encoded key:\n{text}"
    );
}

#[test]
fn every_scan_format_masks_credentials() {
    let formats: Vec<String> = OutputFormat::value_variants()
        .iter()
        .map(|f| f.to_possible_value().unwrap().get_name().to_string())
        .collect();
    assert!(formats.len() >= 5, "{formats:?}");
    for format in &formats {
        let out = rolegraph()
            .args(["scan"])
            .args(FIXTURES)
            .args(["--format", format, "--fail-on", "none"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_clean(&format!("--format {format}"), &out);
        // The finding is there, masked.
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("AKIA****************"), "{format}: {text}");
    }
}

#[test]
fn graph_masks_credentials() {
    for format in ["dot", "mermaid", "json"] {
        let out = rolegraph()
            .args(["graph"])
            .args(FIXTURES)
            .args(["--format", format])
            .output()
            .unwrap();
        assert_clean(&format!("graph --format {format}"), &out);
    }
}

#[test]
fn the_fixtures_do_hold_the_credentials() {
    // Guard: the test above means something only if the raw keys are in the fixtures.
    let mut all = String::new();
    for dir in FIXTURES {
        for e in
            std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap()
        {
            all.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
    }
    for s in SECRETS.iter().filter(|s| !s.starts_with("ASIA")) {
        assert!(all.contains(s), "{s} not in the fixtures");
    }
}
