//! Terraform plans (`terraform show -json`): the findings and locations of the plan
//! fixtures, the same answers as the HCL scan of the configuration they were made from, and
//! the plan gate on the command line (`--plan`, `--changed-only`, `--baseline`,
//! `rolegraph baseline`, `--format markdown`).

mod common;

use assert_cmd::Command;
use rolegraph::ScanOptions;
use rolegraph::finding::Report;
use rolegraph::parse::plan::{Locations, address::strip_keys};
use rolegraph::report::OutputFormat;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Scan one plan (`tf_dir`: `--tf-dir`), with every rule.
fn scan_plan(plan: &str, tf_dir: Option<&str>, changed_only: bool) -> Report {
    common::at_root();
    rolegraph::scan(&ScanOptions {
        plans: vec![PathBuf::from(plan)],
        plan_locations: Locations {
            tf_dir: tf_dir.map(PathBuf::from),
        },
        changed_only,
        ..Default::default()
    })
}

/// The text report of a plan scan, with the notes it gives, pinned as a snapshot.
#[test]
fn plan_fixtures_match_snapshots() {
    for (name, plan, tf_dir, changed_only) in [
        // Nested modules, count and for_each, ARNs known after apply; the configuration is
        // beside the plan (made by scripts/make-plans with Terraform 1.11.4).
        ("modules", "testdata/plan/modules/plan.json", None, false),
        // The same plan without its configuration: references link the graph, findings
        // point into the plan JSON.
        (
            "modules-without-config",
            "testdata/plan/modules/plan.json",
            Some("testdata/plan/one-line"),
            false,
        ),
        // Terraform's own one-line output: locations are columns of line 1.
        ("one-line", "testdata/plan/one-line/plan.json", None, false),
        // An update, a no-op, a create, a delete and a data source only in the prior state.
        ("update", "testdata/plan/update/plan.json", None, false),
        (
            "update-changed-only",
            "testdata/plan/update/plan.json",
            None,
            true,
        ),
        // A registry module that is not installed: only the plan sees inside it; findings
        // about its resources point into the plan, the rest at the .tf lines.
        ("registry", "testdata/plan/registry/plan.json", None, false),
        (
            "web-stack",
            "testdata/pairs/web-stack/plan/plan.json",
            Some("testdata/pairs/web-stack/terraform"),
            false,
        ),
    ] {
        let report = scan_plan(plan, tf_dir, changed_only);
        assert!(
            !report.has_parse_errors(),
            "{name}: {:?}",
            report.diagnostics
        );
        assert!(!report.findings.is_empty(), "{name}: no findings");
        insta::assert_snapshot!(name, common::render(&report, OutputFormat::Text));
    }
}

fn rule_and_address(r: &Report) -> BTreeSet<(String, String)> {
    r.findings
        .iter()
        .map(|f| (f.rule_id.to_string(), f.resource.clone()))
        .collect()
}

/// Scanning a configuration and scanning its plan give the same rule IDs on the same
/// resource addresses, and at the same `.tf` locations when the configuration is at hand.
/// Without it, the plan alone links the graph through the configuration's references and
/// gives the same answers; there, instances of one resource are reported one by one (they
/// have places of their own in the plan), where the HCL scan reports one finding per
/// location, so the comparison leaves out instance keys (and credentials written in the
/// `.tf` files, which are searched for there).
#[test]
fn a_configuration_and_its_plan_give_the_same_findings() {
    for (hcl, plan, tf_dir) in [
        (
            "testdata/pairs/web-stack/terraform",
            "testdata/pairs/web-stack/plan/plan.json",
            "testdata/pairs/web-stack/terraform",
        ),
        (
            "testdata/plan/modules/main.tf",
            "testdata/plan/modules/plan.json",
            "testdata/plan/modules",
        ),
        // Made by scripts/make-plans with Terraform 1.11.4: for_each over a resource.
        (
            "testdata/plan/for-each/main.tf",
            "testdata/plan/for-each/plan.json",
            "testdata/plan/for-each",
        ),
    ] {
        let from_hcl = common::scan(&[hcl], &[]);
        let from_plan = scan_plan(plan, Some(tf_dir), false);
        assert!(!from_hcl.findings.is_empty(), "{hcl}: no findings");
        assert_eq!(
            rule_and_address(&from_hcl),
            rule_and_address(&from_plan),
            "{plan}: the HCL scan (left) and the plan (right) disagree"
        );
        let at = |r: &Report| -> Vec<(String, String)> {
            r.findings
                .iter()
                .map(|f| (f.rule_id.to_string(), f.span.to_string()))
                .collect()
        };
        assert_eq!(at(&from_hcl), at(&from_plan), "{plan}: locations differ");
        assert_eq!(
            from_hcl
                .findings
                .iter()
                .map(|f| &f.fingerprint)
                .collect::<Vec<_>>(),
            from_plan
                .findings
                .iter()
                .map(|f| &f.fingerprint)
                .collect::<Vec<_>>(),
            "{plan}: fingerprints differ"
        );

        // Without the configuration (a directory without .tf files).
        let alone = scan_plan(plan, Some("testdata/plan/one-line"), false);
        // Credentials written in the code (CRED001) are searched for in the files of the
        // configuration; a plan alone holds every value Terraform will write, secrets
        // passed in included, and is not searched.
        let strip = |r: &Report| -> BTreeSet<(String, String)> {
            rule_and_address(r)
                .into_iter()
                .filter(|(rule, _)| rule != "CRED001")
                .map(|(rule, a)| (rule, strip_keys(&a)))
                .collect()
        };
        assert_eq!(
            strip(&from_hcl),
            strip(&alone),
            "{plan}: the HCL scan (left) and the plan alone (right) disagree"
        );
        assert!(
            alone
                .findings
                .iter()
                .all(|f| f.span.file.ends_with(".json")),
            "{plan}: without the configuration, findings point into the plan"
        );
    }
}

/// The plan resolves what the configuration alone cannot: a registry module that is not
/// installed.
#[test]
fn the_plan_sees_inside_registry_modules() {
    let hcl = common::scan(&["testdata/plan/registry/main.tf"], &[]);
    assert!(hcl.findings.is_empty(), "{:#?}", hcl.findings);
    let plan = scan_plan("testdata/plan/registry/plan.json", None, false);
    assert_eq!(
        plan.findings
            .iter()
            .map(|f| format!("{} {} {}", f.rule_id, f.resource, f.span.file))
            .collect::<Vec<_>>(),
        ["WL001 module.app_role.aws_iam_role.this[0] testdata/plan/registry/plan.json"]
    );
    assert_eq!(
        plan.findings[0].related[0].span.to_string(),
        "testdata/plan/registry/main.tf:19:26"
    );
}

/// Real plans, when the workplace has them (`../shared/plans/`): each is read as a plan
/// without an error, and its findings have locations.
#[test]
fn shared_plans_are_read() {
    let Some(dir) = common::plans_or_skip("shared_plans_are_read") else {
        return;
    };
    let entries = std::fs::read_dir(&dir).unwrap();
    let mut plans: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    plans.sort();
    for p in plans {
        let report = rolegraph::scan(&ScanOptions {
            plans: vec![p.clone()],
            ..Default::default()
        });
        assert!(
            !report.has_parse_errors(),
            "{}: {:?}",
            p.display(),
            report.diagnostics
        );
        assert!(report.findings.iter().all(|f| !f.span.is_none()));
    }
}

// ---- the command line ----

fn rolegraph() -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    for v in ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"] {
        c.env_remove(v);
    }
    c
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// (rule, resource, file:line) of a JSON scan.
fn findings(args: &[&str]) -> Vec<String> {
    let out = rolegraph()
        .args(args)
        .args(["--format", "json", "--fail-on", "none"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["rule_id"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
                f["location"]["file"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect()
}

#[test]
fn scan_plan_gates_on_its_findings() {
    let out = rolegraph()
        .args(["scan", "--plan", "testdata/plan/update/plan.json"])
        .output()
        .unwrap();
    // Only the plan is scanned (not the current directory), with the .tf beside it.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.ends_with("Found 4 findings (0 critical, 3 high, 0 medium, 1 low) in 2 files.\n"),
        "{text}"
    );
    assert!(
        text.contains("--> testdata/plan/update/main.tf:22:19"),
        "{text}"
    );
    let out = rolegraph()
        .args([
            "scan",
            "--plan",
            "testdata/plan/update/plan.json",
            "--fail-on",
            "critical",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn changed_only_reports_what_the_plan_changes() {
    let plan = "testdata/plan/update/plan.json";
    assert_eq!(
        findings(&["scan", "--plan", plan]),
        [
            "WL001 data.aws_iam_role.legacy testdata/plan/update/main.tf:7",
            "WL002 data.aws_iam_role.legacy testdata/plan/update/main.tf:7",
            "IMDS001 aws_instance.app testdata/plan/update/main.tf:22",
            "IMDS001 aws_instance.batch testdata/plan/update/main.tf:31",
        ]
    );
    // aws_instance.batch is left alone by the plan; the role is not changed either, but
    // the new aws_instance.worker attaches it.
    let changed = [
        "WL001 data.aws_iam_role.legacy testdata/plan/update/main.tf:7",
        "WL002 data.aws_iam_role.legacy testdata/plan/update/main.tf:7",
        "IMDS001 aws_instance.app testdata/plan/update/main.tf:22",
    ];
    assert_eq!(
        findings(&["scan", "--plan", plan, "--changed-only"]),
        changed
    );
    // The directory holds the configuration and its plan: the plan says what changes.
    assert_eq!(
        findings(&["scan", "testdata/plan/update", "--changed-only"]),
        changed
    );
    // Without a plan there is nothing to compare with: everything is reported, with a note.
    let out = rolegraph()
        .args(["scan", "testdata/plan/update/main.tf", "--changed-only"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains(
            "note: --changed-only: no Terraform plan was scanned, so every finding is reported"
        ) && text.contains("Found 3 findings"),
        "{text}"
    );
}

#[test]
fn plans_are_found_by_content_whatever_their_name() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(src.join("testdata/plan/one-line/plan.json")).unwrap();
    std::fs::write(dir.path().join("tfplan-pr-42.json"), &text).unwrap();
    // Not JSON by name: only read when given with --plan.
    std::fs::write(dir.path().join("tfplan.out"), &text).unwrap();
    let d = dir.path().to_string_lossy().to_string();
    let found = findings(&["scan", &d]);
    // 7, and WL003 for the two service roles whose inline policy allows `*` on `*`.
    assert_eq!(found.len(), 9, "{found:#?}");
    assert!(
        found.iter().all(|f| f.ends_with("tfplan-pr-42.json:1")),
        "{found:#?}"
    );
    let given = findings(&["scan", "--plan", &format!("{d}/tfplan.out")]);
    assert_eq!(given.len(), 9, "{given:#?}");
    // A state file (no planned values) and other JSON are not plans.
    std::fs::write(
        dir.path().join("tfplan-pr-42.json"),
        r#"{"format_version": "1.0", "values": {"root_module": {}}}"#,
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("tfplan.out")).unwrap();
    assert!(findings(&["scan", &d]).is_empty());
}

#[test]
fn bad_plans_fail_closed() {
    // A file given with --plan that is not a plan.
    let out = rolegraph()
        .args([
            "scan",
            "--plan",
            "testdata/pairs/web-stack/cloudformation/template.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("error: not a Terraform plan"),
        "{}",
        stdout(&out)
    );
    // Broken JSON and an unsupported format version: a diagnostic with the position.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("plan.json");
    std::fs::write(
        &broken,
        "{\"format_version\": \"1.2\",\n \"planned_values\": {,}}\n",
    )
    .unwrap();
    let p = broken.to_string_lossy().to_string();
    let out = rolegraph().args(["scan", "--plan", &p]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("error: not a Terraform plan")
            && stdout(&out).contains("JSON syntax error")
            && stdout(&out).contains(&format!("{p}:2:")),
        "{}",
        stdout(&out)
    );
    std::fs::write(
        &broken,
        r#"{"format_version": "2.0", "resource_changes": []}"#,
    )
    .unwrap();
    let out = rolegraph().args(["scan", "--plan", &p]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("unsupported plan format_version \"2.0\""),
        "{}",
        stdout(&out)
    );
    // Missing files are usage errors.
    for args in [
        ["scan", "--plan", "no/such/plan.json"],
        ["scan", "--tf-dir", "no/such/dir"],
        ["scan", "--baseline", "no/such/baseline.json"],
    ] {
        let out = rolegraph().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn baseline_suppresses_recorded_findings_only() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("baseline.json");
    let base_s = base.to_string_lossy().to_string();
    // Record the findings of the configuration as it is...
    let out = rolegraph()
        .args([
            "baseline",
            "--output",
            &base_s,
            "testdata/plan/update/main.tf",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), format!("recorded 3 findings in {base_s}\n"));
    let recorded = std::fs::read_to_string(&base).unwrap();
    insta::assert_snapshot!("baseline_file", recorded);
    // ...then gate the plan on what it adds: the findings of the configuration match by
    // fingerprint (rule, file, resource, key), the plan's new one does not.
    let out = rolegraph()
        .args([
            "scan",
            "--plan",
            "testdata/plan/update/plan.json",
            "--baseline",
            &base_s,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("high[WL001]"), "{text}");
    assert!(!text.contains("[IMDS001]"), "{text}");
    assert!(
        text.ends_with(
            "Found 1 finding (0 critical, 1 high, 0 medium, 0 low) in 2 files; 3 in the baseline.\n"
        ),
        "{text}"
    );
    // A baseline of everything passes the gate.
    let out = rolegraph()
        .args([
            "baseline",
            "-o",
            &base_s,
            "--plan",
            "testdata/plan/update/plan.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = rolegraph()
        .args([
            "scan",
            "--plan",
            "testdata/plan/update/plan.json",
            "--baseline",
            &base_s,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // A file that is not a baseline is a usage error.
    let out = rolegraph()
        .args([
            "scan",
            "--plan",
            "testdata/plan/update/plan.json",
            "--baseline",
            "testdata/plan/update/plan.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a baseline"), "{}", stderr(&out));
}

#[test]
fn markdown_summary_for_a_pull_request() {
    let out = rolegraph()
        .args([
            "scan",
            "--plan",
            "testdata/plan/update/plan.json",
            "--changed-only",
            "--format",
            "markdown",
        ])
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/infra")
        .env("GITHUB_SHA", "0123abc")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("markdown_changed_only", stdout(&out));
    // Outside GitHub Actions, locations are plain text.
    let out = rolegraph()
        .args([
            "scan",
            "testdata/plan/modules",
            "--format",
            "markdown",
            "--fail-on",
            "none",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("markdown_modules", stdout(&out));
}
