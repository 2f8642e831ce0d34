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

/// `graph --paths` draws the chain (the role assumed, the outside principals of a trust,
/// an access key's user) and highlights its edges, in DOT and Mermaid; without the flag
/// nothing is highlighted.
#[test]
fn graph_highlights_path_edges() {
    let dir = "testdata/PATH001/terraform/fail-chain";
    let (code, dot, err) = run(&["graph", "--paths", dir]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("paths_graph_dot", dot);
    let (code, mermaid, err) = run(&["graph", "--paths", "--format", "mermaid", dir]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("paths_graph_mermaid", mermaid);
    let (_, plain, _) = run(&["graph", "--format", "mermaid", dir]);
    assert!(
        !plain.contains("==>") && !plain.contains("linkStyle"),
        "{plain}"
    );
    let (_, plain, _) = run(&["graph", dir]);
    assert!(!plain.contains("penwidth=3"), "{plain}");
    // Every entry kind has its highlighted edge into the principal.
    let (code, mermaid, err) = run(&[
        "graph",
        "--paths",
        "--format",
        "mermaid",
        "testdata/PATH001/terraform/fail-entries-admin",
    ]);
    assert_eq!(code, 0, "{err}");
    for who in [
        "any AWS principal (TRUST001)",
        "account 111122223333 (TRUST002)",
        "any OIDC subject (TRUST003)",
        "any Roles Anywhere certificate (TRUST004)",
    ] {
        assert!(mermaid.contains(who), "{who}: {mermaid}");
    }
    assert!(mermaid.contains("==>|access key of|"), "{mermaid}");
    assert_eq!(mermaid.matches("==>").count(), 9, "{mermaid}");
}
