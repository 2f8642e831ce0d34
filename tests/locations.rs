//! Every finding at the right place, in every output (issue 15), end to end through the
//! built binary: values read from files are reported in those files, paths are clean
//! relative paths whatever the spelling of the scan root, and baselines match wherever the
//! scan runs from.

use assert_cmd::Command;
use std::path::Path;

fn rolegraph(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(cwd);
    c.env("NO_COLOR", "1");
    c
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A project `demo/` inside a temporary directory: the three-line `main.tf` with a
/// policy read by `file()`, and an instance that accepts IMDSv1.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    std::fs::create_dir(&demo).unwrap();
    std::fs::write(
        demo.join("main.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  policy = file(\"policy.json\")\n}\n",
    )
    .unwrap();
    std::fs::write(
        demo.join("policy.json"),
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n",
    )
    .unwrap();
    std::fs::write(
        demo.join("web.tf"),
        "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\"\n  metadata_options {\n    http_tokens = \"optional\"\n  }\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_policy_read_with_file_is_reported_in_its_file_with_the_call_related() {
    let dir = demo();
    let demo = dir.path().join("demo");
    let out = rolegraph(&demo)
        .args(["scan", ".", "--select", "PRIV001"])
        .output()
        .unwrap();
    let text = stdout(&out);
    // Not main.tf:5:5, past the end of the three-line main.tf.
    assert!(text.contains(" --> policy.json:4:5\n"), "{text}");
    assert!(
        text.contains("= note: policy.json is read by the call at main.tf:2:12\n"),
        "{text}"
    );
    // SARIF: the region lies inside policy.json, the call is a related location.
    let out = rolegraph(&demo)
        .args(["scan", ".", "--select", "PRIV001", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let loc = &result["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "policy.json");
    assert_eq!(loc["region"]["startLine"], 4);
    assert!(loc["region"]["endLine"].as_u64().unwrap() <= 10, "{loc}");
    let related = result["relatedLocations"].as_array().unwrap();
    assert!(
        related.iter().any(|r| {
            r["physicalLocation"]["artifactLocation"]["uri"] == "main.tf"
                && r["physicalLocation"]["region"]["startLine"] == 2
        }),
        "{result}"
    );
}

#[test]
fn a_credential_in_a_script_read_with_file_is_found_and_masked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_instance\" \"web\" {\n  ami       = \"ami-1\"\n  user_data = file(\"init.sh\")\n  metadata_options {\n    http_tokens = \"required\"\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("init.sh"),
        "#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIA5T3R9WQ8ZL2XK7VD\n",
    )
    .unwrap();
    for format in ["text", "json", "sarif", "github", "markdown", "junit"] {
        let out = rolegraph(dir.path())
            .args(["scan", ".", "--format", format])
            .output()
            .unwrap();
        let s = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {s}");
        assert!(s.contains("init.sh"), "{format}: {s}");
        assert!(
            !s.contains("AKIA5T3R9WQ8ZL2XK7VD"),
            "{format} prints the key: {s}"
        );
    }
    let out = rolegraph(dir.path()).args(["scan", "."]).output().unwrap();
    let s = stdout(&out);
    assert!(s.contains("critical[CRED001]"), "{s}");
    assert!(s.contains(" --> init.sh:2:26\n"), "{s}");
    assert!(
        s.contains("init.sh is read by the call at main.tf:3:15"),
        "{s}"
    );
}

/// No output names a file `./...` when the scan root is `.`, nor `demo/./...`.
#[test]
fn paths_are_clean_in_every_format() {
    let dir = demo();
    let demo = dir.path().join("demo");
    let runs: [(&Path, &str, &str); 3] = [
        (&demo, ".", ""),
        (&demo, "./", ""),
        (dir.path(), "demo/.", "demo/"),
    ];
    for (cwd, root, prefix) in runs {
        for format in ["text", "json", "sarif", "github", "markdown", "junit"] {
            let out = rolegraph(cwd)
                .args(["scan", root, "--format", format])
                .output()
                .unwrap();
            let s = stdout(&out);
            assert!(!s.contains("./"), "{root} {format}: {s}");
            assert!(
                s.contains(&format!("{prefix}web.tf")),
                "{root} {format}: {s}"
            );
        }
        let out = rolegraph(cwd)
            .args(["scan", root, "--format", "github"])
            .output()
            .unwrap();
        assert!(
            stdout(&out).contains(&format!("::warning file={prefix}web.tf,line=4,")),
            "{}",
            stdout(&out)
        );
        // The baseline file, explain and graph.
        let b = dir.path().join("paths.json");
        let out = rolegraph(cwd)
            .args(["baseline", "--output", b.to_str().unwrap(), root])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let s = std::fs::read_to_string(&b).unwrap();
        assert!(s.contains("\"file\": \"web.tf\""), "{root}: {s}");
        assert!(!s.contains("./"), "{root}: {s}");
        for args in [
            vec!["explain", "aws_instance.web", root],
            vec!["graph", root],
        ] {
            let out = rolegraph(cwd).args(&args).output().unwrap();
            let s = stdout(&out);
            assert!(!s.contains("./"), "{args:?}: {s}");
        }
    }
}

fn fingerprints(out: &std::process::Output) -> Vec<String> {
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["rolegraph/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// `baseline --output b.json demo`, then the same findings scanned as `cd demo && scan .`,
/// as an absolute path and as `demo/.`: the baseline hides them all, and SARIF's
/// partialFingerprints are the same.
#[test]
fn a_baseline_matches_however_the_scan_root_is_spelled() {
    let dir = demo();
    let top = dir.path();
    let demo = top.join("demo");
    let out = rolegraph(top)
        .args(["baseline", "--output", "b.json", "demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let recorded = std::fs::read_to_string(top.join("b.json")).unwrap();
    assert!(recorded.contains("\"file\": \"policy.json\""), "{recorded}");
    let reference = fingerprints(
        &rolegraph(top)
            .args(["scan", "demo", "--format", "sarif"])
            .output()
            .unwrap(),
    );
    assert_eq!(reference.len(), 2);
    let baseline = top.join("b.json").to_string_lossy().to_string();
    let absolute = demo.to_string_lossy().to_string();
    let runs: [(&Path, &str, &str); 4] = [
        (&demo, ".", "../b.json"),
        (&demo, &absolute, "../b.json"),
        (top, "demo/.", "b.json"),
        (Path::new("/"), &absolute, &baseline),
    ];
    for (cwd, root, base) in runs {
        let out = rolegraph(cwd)
            .args(["scan", root, "--baseline", base])
            .output()
            .unwrap();
        let s = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{root} from {cwd:?}: {s}");
        assert_eq!(s, "No findings in 3 files; 2 in the baseline.\n", "{root}");
        let out = rolegraph(cwd)
            .args(["scan", root, "--format", "sarif"])
            .output()
            .unwrap();
        assert_eq!(fingerprints(&out), reference, "{root} from {cwd:?}");
    }
    // In a repository, paths are relative to its root: recorded inside `demo/` (the
    // README's `working-directory: infra` recipe) and scanned from the top, or the reverse.
    std::fs::create_dir(top.join(".git")).unwrap();
    let out = rolegraph(&demo)
        .args(["baseline", "--output", "in.json", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let recorded = std::fs::read_to_string(demo.join("in.json")).unwrap();
    assert!(
        recorded.contains("\"file\": \"demo/policy.json\""),
        "{recorded}"
    );
    let out = rolegraph(top)
        .args(["scan", "demo", "--baseline", "demo/in.json"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "No findings in 3 files; 2 in the baseline.\n");
}

/// Entries that match nothing: counted in the summary, explained in a note, listed by
/// `--format json`.
#[test]
fn stale_baseline_entries_are_reported() {
    let dir = demo();
    let demo = dir.path().join("demo");
    let out = rolegraph(&demo)
        .args(["baseline", "--output", "b.json", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // The instance is fixed: its IMDS001 entry is stale.
    std::fs::write(
        demo.join("web.tf"),
        "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\"\n  metadata_options {\n    http_tokens = \"required\"\n  }\n}\n",
    )
    .unwrap();
    let out = rolegraph(&demo)
        .args(["scan", ".", "--baseline", "b.json"])
        .output()
        .unwrap();
    let s = stdout(&out);
    assert!(
        s.contains("note: 1 baseline entry matches no finding: fixed since, or recorded from other files; record the baseline again to drop it"),
        "{s}"
    );
    assert!(
        s.ends_with(
            "No findings in 3 files; 1 in the baseline; 1 baseline entry matching nothing; 1 note.\n"
        ),
        "{s}"
    );
    let out = rolegraph(&demo)
        .args(["scan", ".", "--baseline", "b.json", "--format", "markdown"])
        .output()
        .unwrap();
    let s = stdout(&out);
    assert!(
        s.contains("; 1 in the baseline; 1 baseline entry matching nothing"),
        "{s}"
    );
    let out = rolegraph(&demo)
        .args(["scan", ".", "--baseline", "b.json", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["baseline_stale"], 1);
    let stale = v["baseline_stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["rule_id"], "IMDS001");
    assert_eq!(stale[0]["resource"], "aws_instance.web");
    assert_eq!(stale[0]["file"], "web.tf");
}

/// A CDK-synthesized resource is named by its construct path beside the logical ID, in the
/// message and as SARIF's logical location.
#[test]
fn cdk_construct_paths_in_messages_and_sarif_logical_locations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = rolegraph(root)
        .args([
            "scan",
            "testdata/IMDS001/cloudformation/fail-cdk/AsgOptionalTokens.template.json",
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("LtA1B2C3D4 (AsgOptionalTokens/Lt) accepts IMDSv1"),
        "{result}"
    );
    let logical = &result["locations"][0]["logicalLocations"][0];
    assert_eq!(logical["name"], "LtA1B2C3D4");
    assert_eq!(logical["fullyQualifiedName"], "AsgOptionalTokens/Lt");
    assert_eq!(logical["kind"], "resource");
}

/// CloudFormation findings speak CloudFormation: IMDS001's help for an `AWS::EC2::Instance`
/// says `MetadataOptions` on the instance works; TRUST003 names the OIDC provider by its
/// logical ID and URL, not `${GitHubProvider}`.
#[test]
fn cloudformation_findings_use_cloudformation_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = rolegraph(root)
        .args([
            "scan",
            "testdata/IMDS001/cloudformation/fail",
            "--select",
            "IMDS001",
        ])
        .output()
        .unwrap();
    let s = stdout(&out);
    assert!(
        s.contains("= help: Set `MetadataOptions: { HttpTokens: required }` on the `AWS::EC2::Instance` itself"),
        "{s}"
    );
    assert!(!s.contains("metadata_options"), "{s}");
    for (path, want) in [
        (
            "testdata/TRUST003/cloudformation/fail",
            "for GitHubProvider (https://token.actions.githubusercontent.com) has no condition",
        ),
        (
            "testdata/TRUST003/terraform/fail",
            "for aws_iam_openid_connect_provider.github (https://token.actions.githubusercontent.com) has no condition",
        ),
    ] {
        let out = rolegraph(root)
            .args(["scan", path, "--select", "TRUST003"])
            .output()
            .unwrap();
        let s = stdout(&out);
        assert!(s.contains(want), "{s}");
        assert!(!s.contains("for ${"), "{s}");
    }
}

/// A policy set in terraform.tfvars is reported in the tfvars file, at the statement's line
/// (before: at main.tf:8, past the end of the six-line main.tf).
#[test]
fn a_policy_set_in_tfvars_is_reported_in_the_tfvars_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "variable \"policy\" {\n  type = string\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = var.policy\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("terraform.tfvars"),
        "# the policy\npolicy = <<EOT\n{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\nEOT\n",
    )
    .unwrap();
    let out = rolegraph(dir.path())
        .args(["scan", ".", "--select", "PRIV001"])
        .output()
        .unwrap();
    let s = stdout(&out);
    assert!(s.contains(" --> terraform.tfvars:6:5\n"), "{s}");
    assert!(!s.contains("main.tf:"), "{s}");
}

/// Container definitions read with `file()`: a key in them is found in that file, with the
/// call related.
#[test]
fn a_credential_in_container_definitions_read_with_file_is_found_there() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_ecs_task_definition\" \"api\" {\n  family                = \"api\"\n  container_definitions = file(\"${path.module}/containers.json\")\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("containers.json"),
        "[\n  {\n    \"name\": \"api\",\n    \"image\": \"api:1\",\n    \"environment\": [\n      { \"name\": \"AWS_ACCESS_KEY_ID\", \"value\": \"AKIA5T3R9WQ8ZL2XK7VE\" }\n    ]\n  }\n]\n",
    )
    .unwrap();
    let out = rolegraph(dir.path()).args(["scan", "."]).output().unwrap();
    let s = stdout(&out);
    assert!(s.contains("critical[CRED001]"), "{s}");
    assert!(s.contains(" --> containers.json:6:48\n"), "{s}");
    assert!(
        s.contains("containers.json is read by the call at main.tf:3:27"),
        "{s}"
    );
    assert!(!s.contains("AKIA5T3R9WQ8ZL2XK7VE"), "{s}");
}
