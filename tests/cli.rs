//! The command line, end to end through the built binary.

use assert_cmd::Command;

fn rolegraph() -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The rule IDs of the findings of `rolegraph <args> --format json`, in report order.
fn rule_ids(args: &[&str]) -> Vec<String> {
    let out = rolegraph()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn demo_findings_exit_1_at_default_threshold() {
    let out = rolegraph()
        .args(["scan", "testdata/demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    insta::assert_snapshot!("demo_text", stdout(&out));
}

#[test]
fn fail_on_controls_the_exit_code() {
    // IMDS002 findings are medium: below the default threshold (high).
    let base = ["scan", "testdata/IMDS002/terraform/fail"];
    let out = rolegraph().args(base).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = rolegraph()
        .args(base)
        .args(["--fail-on", "medium"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--fail-on", "none"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = rolegraph()
        .args(["scan", "testdata/IMDS001/terraform/pass"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("No findings"), "{}", stdout(&out));
}

#[test]
fn select_and_ignore_filter_rules() {
    assert_eq!(
        rule_ids(&["scan", "testdata/demo", "--select", "ECS001"]),
        ["ECS001"]
    );
    assert_eq!(
        rule_ids(&["scan", "testdata/demo", "--ignore", "IMDS,ECS001"]),
        ["WL002", "WL001"]
    );
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--select", "NOPE999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn parse_error_fails_closed_but_other_files_are_reported() {
    let out = rolegraph()
        .args(["scan", "testdata/cli/parse-error"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("testdata/cli/parse-error/broken.tf:4:"),
        "{text}"
    );
    assert!(text.contains("aws_instance.still_reported"), "{text}");
    let out = rolegraph()
        .args(["scan", "testdata/cli/parse-error", "--allow-parse-errors"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // With the report in a file, the reason for exit 2 still reaches the terminal.
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let out = rolegraph()
        .args([
            "scan",
            "testdata/cli/parse-error",
            "--format",
            "sarif",
            "--output",
        ])
        .arg(&sarif)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.tf:4:"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 1);
}

#[test]
fn variables_from_the_command_line_and_var_files() {
    // Without a value the variable is unknown: no finding.
    let out = rolegraph()
        .args(["scan", "testdata/cli/vars", "--fail-on", "low"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let dir = "testdata/cli/vars";
    let file = "testdata/cli/vars/prod.tfvars";
    assert_eq!(
        rule_ids(&["scan", dir, "--var", "http_tokens=optional"]),
        ["IMDS001"]
    );
    let mut ids = rule_ids(&["scan", dir, "--var-file", file]);
    ids.sort();
    assert_eq!(ids, ["IMDS001", "IMDS002"]);
    // --var wins over the var file.
    assert_eq!(
        rule_ids(&[
            "scan",
            dir,
            "--var-file",
            file,
            "--var",
            "http_tokens=required"
        ]),
        ["IMDS002"]
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = rolegraph()
        .args(["scan", "testdata/does-not-exist"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rolegraph()
        .args(["scan", "--format", "yaml", "testdata/demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--var", "novalue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rolegraph()
        .args([
            "scan",
            "testdata/demo",
            "--output",
            "/nonexistent-dir/x.sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_is_deterministic_and_written_to_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.sarif");
    let b = dir.path().join("b.sarif");
    for p in [&a, &b] {
        let out = rolegraph()
            .args([
                "scan",
                "testdata",
                "--format",
                "sarif",
                "--fail-on",
                "none",
                "--output",
            ])
            .arg(p)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "testdata/cli/parse-error is part of testdata"
        );
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn version_rules_and_explain() {
    let out = rolegraph().arg("--version").output().unwrap();
    assert!(stdout(&out).contains("rule set"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("IAM action data of 20"),
        "{}",
        stdout(&out)
    );
    let out = rolegraph().arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    for id in ["IMDS001", "IMDS002", "ECS001", "WL001"] {
        assert!(stdout(&out).contains(id));
    }
    let out = rolegraph()
        .args(["explain", "imdsv2-not-required"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("IMDS001"));
    let out = rolegraph().args(["explain", "XYZ123"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn suppressed_findings_stay_in_sarif_but_do_not_fail_the_gate() {
    let dir = "testdata/cli/suppressed";
    // The only high finding is suppressed: the default gate (high) passes.
    let out = rolegraph().args(["scan", dir]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(!text.contains("[IMDS001]"), "{text}");
    assert!(text.contains("medium[IMDS002]"), "{text}");
    assert!(
        text.ends_with("Found 1 finding (0 critical, 0 high, 1 medium, 0 low) in 1 file; 1 suppressed in source.\n"),
        "{text}"
    );
    // The medium finding is not suppressed and still counts.
    let out = rolegraph()
        .args(["scan", dir, "--fail-on", "medium"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let out = rolegraph()
        .args(["scan", dir, "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "a suppressed finding stays in SARIF");
    let imds001 = results.iter().find(|r| r["ruleId"] == "IMDS001").unwrap();
    let s = &imds001["suppressions"];
    assert_eq!(s.as_array().unwrap().len(), 1);
    assert_eq!(s[0]["kind"], "inSource");
    assert_eq!(s[0]["justification"], "replaced by the v2 fleet in March");
    let loc = &s[0]["location"]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "testdata/cli/suppressed/template.yaml"
    );
    assert_eq!(loc["region"]["startLine"], 10);
    let imds002 = results.iter().find(|r| r["ruleId"] == "IMDS002").unwrap();
    assert!(imds002.get("suppressions").is_none());

    let out = rolegraph()
        .args(["scan", dir, "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["findings"], 2);
    assert_eq!(v["summary"]["high"], 0);
    assert_eq!(v["summary"]["suppressed"], 1);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "IMDS001")
        .unwrap();
    assert_eq!(
        f["suppressed"]["reason"],
        "replaced by the v2 fleet in March"
    );
    assert_eq!(f["suppressed"]["location"]["line"], 10);
}

#[test]
fn a_template_named_on_the_command_line_is_scanned() {
    assert_eq!(
        rule_ids(&[
            "scan",
            "testdata/IMDS001/cloudformation/fail/template.json",
            "--select",
            "IMDS001"
        ]),
        ["IMDS001"]
    );
    // Other JSON named directly is still skipped silently.
    let out = rolegraph()
        .args(["scan", "tests/data/sarif-schema-2.1.0.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("No findings in 0 files."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn terraform_comment_suppressions_end_to_end() {
    let dir = "testdata/cli/suppressed-terraform";
    let out = rolegraph().args(["scan", dir]).output().unwrap();
    let text = stdout(&out);
    // The three high findings are suppressed: the default gate (high) passes.
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("[IMDS001]"), "{text}");
    assert!(text.contains("medium[IMDS002]"), "{text}");
    // The appliance's suppression (after its opening brace) gives no reason: a warning.
    assert!(
        text.contains(
            "warning: the suppression of IMDS001 gives no reason: say why the finding is safe \
             to ignore"
        ),
        "{text}"
    );
    assert!(
        text.contains("--> testdata/cli/suppressed-terraform/main.tf:41:39"),
        "{text}"
    );
    let out = rolegraph()
        .args(["scan", dir, "--fail-on", "medium"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the medium finding still counts"
    );

    let out = rolegraph()
        .args(["scan", dir, "--format", "sarif"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, String)> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let resource = r["properties"]["resource"].as_str().unwrap().to_string();
            let j = match r["suppressions"].as_array() {
                Some(s) => {
                    assert_eq!(s[0]["kind"], "inSource");
                    s[0]["justification"].as_str().unwrap().to_string()
                }
                None => "-".to_string(),
            };
            (format!("{} {resource}", r["ruleId"].as_str().unwrap()), j)
        })
        .collect();
    got.sort();
    let want = [
        ("IMDS001 aws_instance.appliance", "no reason given"),
        (
            "IMDS001 aws_instance.legacy",
            "replaced by the v2 fleet in March",
        ),
        (
            "IMDS001 aws_launch_template.vendor",
            "vendor image (checkov:skip=CKV_AWS_79)",
        ),
        ("IMDS002 aws_instance.legacy", "-"),
        ("WL002 aws_iam_role.web", "-"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn rules_id_prints_the_full_documentation() {
    let out = rolegraph().args(["rules", "IMDS001"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for part in [
        "How to fix it (Terraform)",
        "```hcl",
        "How to fix it (CloudFormation)",
        "```yaml",
        "Equivalent checks",
    ] {
        assert!(text.contains(part), "{part}");
    }
    insta::assert_snapshot!("rules_imds001", text);
    // By slug too, in any case for the ID; an unknown rule is a usage error.
    let by_slug = rolegraph()
        .args(["rules", "imdsv2-not-required"])
        .output()
        .unwrap();
    assert_eq!(stdout(&by_slug), text);
    let lower = rolegraph().args(["rules", "imds001"]).output().unwrap();
    assert_eq!(stdout(&lower), text);
    let out = rolegraph().args(["rules", "NOPE999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule or family NOPE999"));
}

/// `(rule, severity)` of the findings of a JSON scan.
fn rules_and_severities(out: &std::process::Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn configuration_is_found_upward_and_applied() {
    // testdata/cli/config/.rolegraph.yaml: fail-on medium, ignore WL, IMDS002 low, excludes
    // stack/legacy, loads stack/prod.tfvars (http_tokens = "optional").
    let stack = "testdata/cli/config/stack";
    let out = rolegraph()
        .args(["scan", stack, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        rules_and_severities(&out),
        [
            ("IMDS001".to_string(), "high".to_string()),
            ("IMDS002".to_string(), "low".to_string()),
        ],
        "no WL001 (ignored), no aws_instance.legacy (excluded), the var file loaded"
    );
    assert_eq!(out.status.code(), Some(1));
    // Flags override the configuration.
    let out = rolegraph()
        .args(["scan", stack, "--fail-on", "critical"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = rolegraph()
        .args(["scan", stack, "--format", "json", "--ignore", "IMDS001"])
        .output()
        .unwrap();
    let mut ids: Vec<String> = rules_and_severities(&out)
        .into_iter()
        .map(|r| r.0)
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        ["IMDS002", "WL001"],
        "--ignore replaces the configured ignore"
    );
    // A --var wins over the configured var file.
    let out = rolegraph()
        .args([
            "scan",
            stack,
            "--format",
            "json",
            "--var",
            "http_tokens=required",
        ])
        .output()
        .unwrap();
    let ids: Vec<String> = rules_and_severities(&out)
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(ids, ["IMDS002"]);
    // Without the configuration (another file given), everything is back.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let out = rolegraph()
        .args(["scan", stack, "--format", "json", "--config"])
        .arg(&empty)
        .output()
        .unwrap();
    let mut got = rules_and_severities(&out);
    got.sort();
    let got: Vec<String> = got.into_iter().map(|(r, s)| format!("{r} {s}")).collect();
    assert_eq!(
        got,
        ["IMDS001 high", "IMDS002 medium", "WL001 high"],
        "IMDS001 of the legacy instance (no longer excluded; the stack's own tokens are \
         unknown without the var file), IMDS002 at its own severity, WL001 not ignored"
    );
}

#[test]
fn configuration_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tf")).unwrap();
    std::fs::write(dir.path().join("tf/main.tf"), "").unwrap();
    std::fs::write(
        dir.path().join(".rolegraph.yaml"),
        "fail-on: high\nselect: [IMDS]\nfial-on: low\n",
    )
    .unwrap();
    // Found from the scan root up (a directory below the configuration).
    let out = rolegraph()
        .current_dir(dir.path())
        .args(["scan", "tf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        err.starts_with("error: .rolegraph.yaml:3:1: unknown key `fial-on` (the keys are"),
        "{err}"
    );
    for (text, want) in [
        (
            "severity:\n  NOPE001: high\n",
            "severity: unknown rule \"NOPE001\"",
        ),
        (
            "account-ids: [12345]\n",
            "account-ids: \"12345\" is not an AWS account ID",
        ),
        ("select: [XYZ]\n", "select: unknown rule or family \"XYZ\""),
        ("exclude: ['a[']\n", "exclude pattern \"a[\""),
        ("fail-on: [high]\n", ".rolegraph.yaml:1:10: "),
    ] {
        std::fs::write(dir.path().join(".rolegraph.yaml"), text).unwrap();
        let out = rolegraph()
            .current_dir(dir.path())
            .args(["scan", "tf"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(err.contains(want), "{text}: {err}");
    }
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--config", "does-not-exist.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn graph_in_every_format() {
    let dir = "testdata/cli/graph";
    for format in ["dot", "mermaid", "json"] {
        let out = rolegraph()
            .args(["graph", dir, "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        insta::assert_snapshot!(format!("graph_{format}"), stdout(&out));
    }
    // The JSON is the same graph as data: the path bastion -> profile -> role -> policies.
    let out = rolegraph()
        .args(["graph", dir, "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let label = |id: &str| {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .map(|n| n["label"].as_str().unwrap().to_string())
            .unwrap()
    };
    let next = |from: &str| -> Vec<String> {
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| label(e["from"].as_str().unwrap()) == from)
            .map(|e| label(e["to"].as_str().unwrap()))
            .collect()
    };
    assert_eq!(
        next("aws_instance.bastion"),
        ["aws_iam_instance_profile.web"]
    );
    assert_eq!(next("aws_iam_instance_profile.web"), ["aws_iam_role.web"]);
    assert_eq!(
        next("aws_iam_role.web"),
        ["AmazonSSMManagedInstanceCore", "aws_iam_policy.assets"]
    );
    let bastion = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["label"] == "aws_instance.bastion")
        .unwrap();
    assert_eq!(bastion["findings"][0]["rule_id"], "IMDS001");
    assert_eq!(bastion["kind"], "workload");
}

#[test]
fn no_progress_output_when_not_a_terminal_or_quiet() {
    for args in [
        &["scan", "testdata/demo"][..],
        &["scan", "testdata/demo", "--quiet"][..],
        &["scan", "testdata/demo", "-q", "--format", "json"][..],
    ] {
        let out = rolegraph().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_config_file_names_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/IMDS002/terraform/fail/main.tf"),
        dir.path().join("main.tf"),
    )
    .unwrap();
    let d = dir.path().to_string_lossy().to_string();
    let base = dir.path().join("known.json").to_string_lossy().to_string();
    let out = rolegraph()
        .args(["baseline", "-o", &base, &d])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Without the configuration the medium findings fail a `low` gate...
    let out = rolegraph()
        .args(["scan", &d, "--fail-on", "low"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    // ...with `baseline:` in .rolegraph.yaml (relative to the file) they are known.
    std::fs::write(dir.path().join(".rolegraph.yaml"), "baseline: known.json\n").unwrap();
    let out = rolegraph()
        .args(["scan", &d, "--fail-on", "low"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("in the baseline"), "{}", stdout(&out));
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// A repository in a temporary directory: `.git`, and these files.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const DEMO: &str = include_str!("../testdata/demo/main.tf");
/// One IMDS001 finding (medium: the instance has no profile).
const IMDSV1: &str = "resource \"aws_instance\" \"a\" {\n  ami = \"ami-1\"\n  metadata_options {\n    http_tokens = \"optional\"\n  }\n}\n";

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("rolegraph.sarif");
    let json = dir.path().join("out/report.json");
    std::fs::create_dir_all(json.parent().unwrap()).unwrap();
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--format", "text"])
        .arg("--format")
        .arg(format!("sarif={}", sarif.display()))
        .args(["--format", "github", "--format"])
        .arg(format!("json={}", json.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Text, then the annotations, on standard output, in the order given.
    let text = stdout(&out);
    let (report, annotations) = text.split_once("::").unwrap();
    assert!(report.starts_with("low[WL002]"), "{text}");
    assert!(report.contains("\nFound 6 findings"), "{text}");
    assert!(annotations.starts_with("notice file=") || annotations.starts_with("error file="));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 6);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(json["summary"]["findings"], 6);

    // `-o` is the file of the one format without its own.
    let md = dir.path().join("summary.md");
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--format", "markdown", "-o"])
        .arg(&md)
        .arg("--format")
        .arg(format!("sarif={}", dir.path().join("b.sarif").display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(std::fs::read_to_string(&md).unwrap().contains("IMDS001"));
    assert!(dir.path().join("b.sarif").is_file());

    // Usage errors: an unknown format, `-o` with two formats on standard output.
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--format", "yaml=x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--format \"yaml=x\""),
        "{}",
        stderr(&out)
    );
    let out = rolegraph()
        .args([
            "scan",
            "testdata/demo",
            "--format",
            "text",
            "--format",
            "json",
            "-o",
        ])
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output goes with one format"));
    // No output may overwrite an input, whichever flag names it.
    let before = std::fs::read_to_string("testdata/demo/main.tf").unwrap();
    let out = rolegraph()
        .args([
            "scan",
            "testdata/demo",
            "--format",
            "text",
            "--format",
            "sarif=testdata/demo/main.tf",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("one of the inputs"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    assert_eq!(
        std::fs::read_to_string("testdata/demo/main.tf").unwrap(),
        before
    );
}

#[test]
fn exclude_on_the_command_line_and_named_paths_beat_excludes() {
    let dir = repo(&[
        (".rolegraph.yaml", "exclude: [legacy/**]\n"),
        ("legacy/main.tf", DEMO),
        ("app/main.tf", IMDSV1),
        ("app/examples/main.tf", IMDSV1),
    ]);
    let run = |args: &[&str]| {
        let out = rolegraph()
            .current_dir(dir.path())
            .arg("scan")
            .args(args)
            .args(["--format", "json", "--fail-on", "none"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut files: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["location"]["file"].as_str().unwrap().to_string())
            .collect();
        files.dedup();
        files
    };
    // The configuration excludes legacy/ from a scan of the repository ...
    assert_eq!(run(&["app", "legacy"]).len(), 3);
    assert!(run(&["."]).iter().all(|f| !f.contains("legacy")));
    // ... but legacy/ named on the command line is scanned (not "No findings in 0 files").
    let legacy = run(&["legacy"]);
    assert_eq!(legacy, ["legacy/main.tf"]);
    // --exclude adds to the configuration's patterns.
    let files = run(&[".", "--exclude", "**/examples/**"]);
    assert_eq!(files, ["app/main.tf"], "{files:?}");
    let files = run(&["app", "--exclude", "app/examples"]);
    assert_eq!(files, ["app/main.tf"], "{files:?}");
    // A pattern that is not a glob is a usage error.
    let out = rolegraph()
        .current_dir(dir.path())
        .args(["scan", ".", "--exclude", "a["])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --exclude "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn severity_filters_what_is_shown_not_the_gate() {
    let shown = |args: &[&str]| {
        let out = rolegraph()
            .args(["scan", "testdata/demo", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let severities: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect();
        (out.status.code(), severities)
    };
    let (code, all) = shown(&[]);
    assert_eq!((code, all.len()), (Some(1), 6));
    let (code, high) = shown(&["--severity", "high,critical"]);
    assert_eq!(code, Some(1));
    assert_eq!(high, ["high", "high", "high"]);
    // Only the low finding is shown; the high ones still fail the gate.
    let (code, low) = shown(&["--severity", "low"]);
    assert_eq!((code, low), (Some(1), vec!["low".to_string()]));
    // The summary says what the filter hides.
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--severity", "low"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).ends_with(
            "Found 1 finding (0 critical, 0 high, 0 medium, 1 low) in 1 file; 5 not shown \
             (--severity).\n"
        ),
        "{}",
        stdout(&out)
    );
    let (code, _) = shown(&["--severity", "low", "--fail-on", "none"]);
    assert_eq!(code, Some(0));
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--severity", "severe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn notes_are_counted_and_folded() {
    // A module that is not installed: a note, counted on its own in the summary line
    // (other notes are counted as notes: the plan snapshots show one).
    let module = "module \"iam\" {\n  source = \"terraform-aws-modules/iam/aws\"\n}\n";
    let dir = repo(&[("main.tf", &format!("{IMDSV1}{module}"))]);
    let run = |extra: &[&str]| {
        let out = rolegraph()
            .current_dir(dir.path())
            .args(["scan", "."])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        stdout(&out)
    };
    let folded = run(&[]);
    assert!(!folded.contains("is not installed"), "{folded}");
    assert!(
        folded.ends_with(
            "Found 1 finding (0 critical, 0 high, 1 medium, 0 low) in 1 file; 1 module not \
             installed: run `terraform get` (--show-notes lists them).\n"
        ),
        "{folded}"
    );
    for flag in ["--show-notes", "-v"] {
        let shown = run(&[flag]);
        assert!(
            shown.contains(
                "note: module \"iam\" (source \"terraform-aws-modules/iam/aws\") is not installed"
            ),
            "{shown}"
        );
        assert!(
            shown.ends_with("in 1 file; 1 module not installed: run `terraform get`.\n"),
            "{shown}"
        );
    }
}

#[test]
fn nothing_to_scan_warns_and_a_missing_path_is_an_error() {
    let dir = repo(&[
        ("README.md", "# nothing here\n"),
        (".rolegraph.yaml", "exclude: [legacy]\n"),
        ("legacy/main.tf", IMDSV1),
    ]);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for args in [
        vec!["scan", "empty"],
        vec!["scan", "."],
        vec!["graph", "empty"],
    ] {
        let out = rolegraph()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            stderr(&out).starts_with("warning: 0 files scanned"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    for args in [
        vec!["scan", "nonexistent"],
        vec!["graph", "nonexistent"],
        vec!["explain", "aws_instance.a", "nonexistent"],
        vec!["baseline", "nonexistent", "-o", "b.json"],
    ] {
        let out = rolegraph()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out),
            "error: nonexistent: no such file or directory\n",
            "{args:?}"
        );
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
    }
}

#[test]
fn rules_of_a_family_and_as_json() {
    let out = rolegraph().args(["rules", "IMDS"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let ids: Vec<String> = stdout(&out)
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["IMDS001", "IMDS002"]);
    assert_eq!(
        stdout(&rolegraph().args(["rules", "imds"]).output().unwrap()),
        stdout(&out)
    );

    let out = rolegraph()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), rolegraph::rules::meta::all().len());
    let imds = rules.iter().find(|r| r["id"] == "IMDS001").unwrap();
    assert_eq!(imds["slug"], "imdsv2-not-required");
    assert_eq!(imds["severity"], "high");
    assert!(
        imds["remediation"]["terraform"]
            .as_str()
            .unwrap()
            .contains("http_tokens")
    );
    assert!(!imds["references"].as_array().unwrap().is_empty());
    let v: serde_json::Value = serde_json::from_slice(
        &rolegraph()
            .args(["rules", "IMDS", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["rules"].as_array().unwrap().len(), 2);
}

#[test]
fn json_findings_carry_help_and_the_rule_page() {
    let out = rolegraph()
        .args(["scan", "testdata/demo", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in v["findings"].as_array().unwrap() {
        let id = f["rule_id"].as_str().unwrap();
        let url = f["doc_url"].as_str().unwrap();
        let page = url
            .strip_prefix("https://github.com/rolegraph/rolegraph/blob/main/")
            .unwrap();
        assert_eq!(page, format!("docs/rules/{id}.md"));
        assert!(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(page)
                .is_file(),
            "{page}"
        );
        assert!(!f["help"].as_str().unwrap().is_empty(), "{id}");
    }
    let imds = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "IMDS001")
        .unwrap();
    assert_eq!(
        imds["help"],
        "Require session tokens in the `metadata_options` block of the instance, launch \
         template or launch configuration."
    );
}

#[test]
fn config_errors_read_well() {
    for (text, want) in [
        (
            "fail-on: [\n",
            ".rolegraph.yaml:1:10: fail-on: expected one of critical, high, medium, low, none, not a list",
        ),
        (
            "select: IMDS\n",
            ".rolegraph.yaml:1:9: select: expected a list, like [IMDS, WL001], not string \"IMDS\"",
        ),
    ] {
        let dir = repo(&[(".rolegraph.yaml", text), ("main.tf", IMDSV1)]);
        let out = rolegraph()
            .current_dir(dir.path())
            .args(["scan", "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stderr(&out), format!("error: {want}\n"));
    }
}
