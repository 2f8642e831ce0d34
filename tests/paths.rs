//! `rolegraph paths`, end to end through the built binary: every attack path of the
//! inputs listed step by step (text and JSON), none for a configuration whose links are
//! broken, and the usual exit codes.

use assert_cmd::Command;

fn rolegraph() -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = rolegraph().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn text_lists_the_chain_and_a_fix_per_link() {
    let (code, out, err) = run(&["paths", "testdata/PATH001/terraform/fail-chain"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("paths_chain_text", out);
}

#[test]
fn json_lists_every_path_of_every_rule() {
    let (code, out, err) = run(&[
        "paths",
        "--format",
        "json",
        "testdata/PATH001/cloudformation/fail-chain/template.yaml",
        "testdata/PATH002/terraform/fail-entries-read",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths = v["paths"].as_array().unwrap();
    // One chain (CloudFormation) and seven entries to a reader (Terraform).
    assert_eq!(paths.len(), 8, "{out}");
    assert_eq!(paths[0]["rule_id"], "PATH001");
    assert_eq!(paths[0]["severity"], "critical");
    assert_eq!(paths[0]["fixes"].as_array().unwrap().len(), 3);
    insta::assert_snapshot!("paths_json", out);
}

#[test]
fn no_path_when_a_link_is_broken() {
    for dir in [
        "testdata/PATH001/terraform/pass-chain-untrusted",
        "testdata/PATH001/terraform/pass-entries-closed",
    ] {
        let (code, out, err) = run(&["paths", dir]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, "No attack path.\n", "{dir}");
    }
}

#[test]
fn a_missing_input_is_a_usage_error() {
    let (code, _, err) = run(&["paths", "testdata/does-not-exist"]);
    assert_eq!(code, 2, "{err}");
}
