//! Every command reads the scan the same way: `explain` and `graph` find `.rolegraph.yaml`
//! from the scan root up and apply it as `scan` does (variables, account IDs, rules),
//! end to end through the built binary.

use assert_cmd::Command;

const DIR: &str = "testdata/cli/explain-config";

fn rolegraph() -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

/// Exit code and standard output of `rolegraph <args>`, with `--config` an empty file when
/// `configured` is false.
fn run(args: &[&str], configured: bool) -> (i32, String) {
    let empty = tempfile::NamedTempFile::new().unwrap();
    let mut c = rolegraph();
    c.args(args);
    if !configured {
        c.arg("--config").arg(empty.path());
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn explain_reads_the_configuration() {
    // var-files: [prod.tfvars] names the bucket of the role's policy.
    let (code, out) = run(&["explain", "aws_instance.app", DIR], true);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Read: GetObject on arn:aws:s3:::prod-data/*"),
        "{out}"
    );
    let (code, out) = run(&["explain", "aws_instance.app", DIR], false);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Read: GetObject on arn:aws:s3:::${?}/*"),
        "{out}"
    );
    // A flag still wins over the configuration.
    let (_, out) = run(
        &["explain", "aws_instance.app", DIR, "--var", "bucket=other"],
        true,
    );
    assert!(out.contains("arn:aws:s3:::other/*"), "{out}");
}

/// The rule IDs marked on each node of `rolegraph graph --format json`, by label.
fn marks(args: &[&str], configured: bool) -> Vec<(String, Vec<String>)> {
    let (code, out) = run(args, configured);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let ids = n["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| format!("{} {}", f["rule_id"].as_str().unwrap(), f["severity"]))
                .collect();
            (n["label"].as_str().unwrap().to_string(), ids)
        })
        .filter(|(_, ids): &(String, Vec<String>)| !ids.is_empty())
        .collect()
}

#[test]
fn graph_marks_the_findings_of_the_configured_scan() {
    let args = ["graph", DIR, "--format", "json"];
    // The configuration ignores IMDS and names 111122223333 as the organisation's own.
    assert_eq!(marks(&args, true), Vec::<(String, Vec<String>)>::new());
    assert_eq!(
        marks(&args, false),
        [
            (
                "aws_iam_role.app".to_string(),
                vec!["TRUST002 \"medium\"".to_string()]
            ),
            (
                "aws_instance.app".to_string(),
                vec!["IMDS001 \"high\"".to_string()]
            ),
        ]
    );
    // What the graph marks is what `scan` reports.
    let (code, out) = run(&["scan", DIR, "--format", "json"], false);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["IMDS001", "TRUST002"]);
    let (code, out) = run(&["scan", DIR, "--format", "json"], true);
    assert_eq!(code, 0);
    assert!(out.contains("\"findings\": []"), "{out}");
}

#[test]
fn explain_and_graph_reject_what_scan_rejects() {
    for cmd in [
        &["explain", "aws_instance.app", DIR][..],
        &["graph", DIR][..],
        &["scan", DIR][..],
        &[
            "baseline",
            DIR,
            "-o",
            "/nonexistent/rolegraph-baseline.json",
        ][..],
    ] {
        let out = rolegraph()
            .args(cmd)
            .args(["--var-file", "no-such.tfvars"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: --var-file no-such.tfvars: no such file\n",
            "{cmd:?}"
        );
    }
}

#[test]
fn graph_marks_what_file_rules_find() {
    // CRED001 reads files, not the model: the graph marks its findings like any other.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n}\n\nresource \"aws_iam_instance_profile\" \"p\" {\n  role = aws_iam_role.r.name\n}\n\nresource \"aws_instance\" \"app\" {\n  ami = \"ami-0123456789abcdef0\"\n  iam_instance_profile = aws_iam_instance_profile.p.name\n  metadata_options {\n    http_tokens = \"required\"\n  }\n  user_data = \"export AWS_ACCESS_KEY_ID=AKIAQWERTYUIOPASDFGH\"\n}\n",
    )
    .unwrap();
    let d = dir.path().to_string_lossy().to_string();
    let got = marks(&["graph", &d, "--format", "json"], false);
    let app: Vec<&Vec<String>> = got
        .iter()
        .filter(|(label, _)| label == "aws_instance.app")
        .map(|(_, ids)| ids)
        .collect();
    assert_eq!(app, [&vec!["CRED001 \"critical\"".to_string()]], "{got:?}");
    // --ignore reaches file rules too.
    let got = marks(
        &["graph", &d, "--format", "json", "--ignore", "CRED"],
        false,
    );
    assert!(
        got.iter()
            .all(|(_, ids)| ids.iter().all(|i| !i.starts_with("CRED"))),
        "{got:?}"
    );
}
