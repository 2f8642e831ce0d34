//! `rolegraph diagnose --cloudtrail`, end to end through the built binary: each kind of
//! diagnosis on events made to the documented CloudTrail formats (records file, gzipped
//! records, a single event), events for principals not in the configuration, and hostile
//! files (not JSON, a broken gzip, deep nesting) that give a note, never a panic.

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

const TF: &str = "testdata/cli/simulate/terraform";

#[test]
fn records_and_a_single_event() {
    let (code, out, err) = run(&[
        "diagnose",
        "--cloudtrail",
        "testdata/cli/diagnose/records.json",
        "--cloudtrail",
        "testdata/cli/diagnose/assume-role-event.json",
        TF,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "9 events read, 8 denied: 7 diagnosed, 1 for principals not in the configuration"
        ),
        "{out}"
    );
    for kind in [
        "resource-not-covered:",
        "boundary:",
        "explicit-deny:",
        "condition-not-met:",
        "not-granted:",
        "trust-policy:",
    ] {
        assert!(out.contains(kind), "{kind}\n{out}");
    }
    assert!(out.contains("records.json#7 ec2:DescribeInstances by arn:aws:sts::123456789012:assumed-role/legacy-batch/i-0abc"), "{out}");
    insta::assert_snapshot!("diagnose_cloudtrail_text", out);
}

#[test]
fn json_output() {
    let (code, out, err) = run(&[
        "diagnose",
        "--cloudtrail",
        "testdata/cli/diagnose/records.json",
        TF,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["denied"], 7);
    assert_eq!(v["unmatched"].as_array().unwrap().len(), 1);
    let kinds: Vec<&str> = v["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "resource-not-covered",
            "boundary",
            "explicit-deny",
            "condition-not-met",
            "not-granted",
            "trust-policy"
        ]
    );
    insta::assert_snapshot!("diagnose_cloudtrail_json", out);
}

#[test]
fn gzipped_records_and_a_cloudformation_role_by_its_generated_name() {
    let (code, out, err) = run(&[
        "diagnose",
        "--cloudtrail",
        "testdata/cli/diagnose/cfn-task.json.gz",
        "testdata/cli/simulate/cloudformation",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("as TaskRole (testdata/cli/simulate/cloudformation/template.yaml:8)"),
        "{out}"
    );
    insta::assert_snapshot!("diagnose_cloudtrail_cfn_gz", out);
}

#[test]
fn hostile_files_give_notes() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.json");
    std::fs::write(&deep, "[".repeat(100_000)).unwrap();
    let gz = dir.path().join("broken.json.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]).unwrap();
    let odd = dir.path().join("odd.json");
    std::fs::write(
        &odd,
        r#"{"Records": [1, "x", {"errorCode": 5}, {"errorCode": "AccessDenied"}]}"#,
    )
    .unwrap();
    let (code, out, err) = run(&[
        "diagnose",
        "--cloudtrail",
        deep.to_str().unwrap(),
        "--cloudtrail",
        gz.to_str().unwrap(),
        "--cloudtrail",
        odd.to_str().unwrap(),
        "--cloudtrail",
        "testdata/cli/diagnose/broken.json",
        TF,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("deep.json: not CloudTrail JSON: recursion limit exceeded"),
        "{out}"
    );
    assert!(
        out.contains("broken.json.gz: not a valid gzip file"),
        "{out}"
    );
    assert!(out.contains("broken.json: not CloudTrail JSON"), "{out}");
    // The one denied event names no principal: listed, not dropped.
    assert!(
        out.starts_with(
            "4 events read, 1 denied: 0 diagnosed, 1 for principals not in the configuration"
        ),
        "{out}"
    );
}

#[test]
fn a_missing_file_is_an_error() {
    let (code, _, err) = run(&[
        "diagnose",
        "--cloudtrail",
        "testdata/cli/diagnose/nope.json",
        TF,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.json: no such file"), "{err}");
}

#[test]
fn access_analyzer_unused_access_maps_to_statements() {
    let args = [
        "diagnose",
        "--access-analyzer",
        "testdata/cli/diagnose/unused-permission.json",
        "--access-analyzer",
        "testdata/cli/diagnose/list-findings.json",
        TF,
    ];
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("proposal: Action = [\"s3:GetObject\"]"),
        "{out}"
    );
    assert!(
        out.contains("proposal: remove the statement (nothing it grants is used)"),
        "{out}"
    );
    assert!(
        out.contains(
            "list-findings.json#2 UnusedIAMRole for arn:aws:iam::123456789012:role/legacy-batch"
        ),
        "{out}"
    );
    insta::assert_snapshot!("diagnose_access_analyzer_text", out);
    let (code, out, err) = run(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["mapped"][0]["location"],
        "testdata/cli/simulate/terraform/main.tf:27"
    );
    assert_eq!(
        v["mapped"][0]["narrowed_actions"],
        serde_json::json!(["s3:GetObject"])
    );
    insta::assert_snapshot!("diagnose_access_analyzer_json", out);
}
