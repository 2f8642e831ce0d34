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

/// In SARIF, a path finding's code flow steps through the chain in order: the entry, the
/// way to the credentials, each role assumed (grant, then trust), the grant of the impact.
#[test]
fn sarif_code_flow_follows_the_chain() {
    let (code, out, err) = run(&[
        "scan",
        "--select",
        "PATH",
        "--format",
        "sarif",
        "--fail-on",
        "none",
        "testdata/PATH001/terraform/fail-chain-three-hops",
    ]);
    assert_eq!(code, 0, "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let result = &log["runs"][0]["results"][0];
    let flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    let messages: Vec<&str> = flow
        .iter()
        .map(|l| l["location"]["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].starts_with("attack path: IMDSv1"),
        "{messages:?}"
    );
    let assumes: Vec<&str> = messages[1..]
        .iter()
        .copied()
        .filter(|m| m.contains("may call sts:AssumeRole") || m.contains("the trust policy of"))
        .collect();
    assert_eq!(
        assumes,
        [
            "aws_iam_role.web_role may call sts:AssumeRole on aws_iam_role.hop1_role",
            "the trust policy of aws_iam_role.hop1_role admits aws_iam_role.web_role",
            "aws_iam_role.hop1_role may call sts:AssumeRole on aws_iam_role.hop2_role",
            "the trust policy of aws_iam_role.hop2_role admits aws_iam_role.hop1_role",
            "aws_iam_role.hop2_role may call sts:AssumeRole on aws_iam_role.admin_role",
            "the trust policy of aws_iam_role.admin_role admits aws_iam_role.hop2_role",
        ]
    );
    assert!(
        messages.last().unwrap().contains("AdministratorAccess"),
        "{messages:?}"
    );
    assert_eq!(
        result["codeFlows"][0]["message"]["text"],
        "The attack path from aws_instance.web_instance"
    );
}
