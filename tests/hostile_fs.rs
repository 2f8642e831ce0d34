//! Hostile repositories and the file system, end to end through the built binary (issue
//! 16): FIFOs and devices named like inputs, symbolic links leading out of the scan root,
//! a configuration file naming files outside its repository, a report written over an
//! input, module nesting past the limit, and large legal input that must scale linearly.
//!
//! Every scan runs under an address-space limit and a hang guard (a generous timeout that
//! only turns a hang into a failure; nothing here measures time).

#![cfg(unix)]

use serde_json::Value;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const MEMORY_LIMIT_KIB: u64 = 1024 * 1024;

/// One known finding: IMDS001 on `normal/main.tf`.
const NORMAL: &str = "resource \"aws_instance\" \"web\" {\n  ami = \"ami-0123456789abcdef0\"\n}\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn report(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "no JSON report (exit {}): {e}\nstderr: {}",
                self.code, self.stderr
            )
        })
    }
}

fn diagnostics(report: &Value) -> Vec<(String, String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["level"].as_str().unwrap().to_string(),
                d["location"]["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A diagnostic about `file` at `level` containing `text` is in the report.
fn expect(report: &Value, file: &str, level: &str, text: &str) {
    let all = diagnostics(report);
    assert!(
        all.iter()
            .any(|(l, f, m)| l == level && f == file && m.contains(text)),
        "expected a {level} containing {text:?} for {file}; got {all:#?}"
    );
}

fn resources(report: &Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| f["resource"].as_str().unwrap().to_string())
        .collect()
}

fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

fn mkfifo(p: &Path) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    let ok = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(ok.success(), "mkfifo {}", p.display());
}

/// `rolegraph ARGS` in `dir`, under the memory limit and the hang guard.
fn run(dir: &Path, args: &[&str]) -> Run {
    let bin = assert_cmd::cargo::cargo_bin("rolegraph");
    let child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let guard = std::thread::spawn(move || {
        if rx.recv_timeout(Duration::from_secs(120)).is_err() {
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
        }
    });
    let out = child.wait_with_output().unwrap();
    let _ = tx.send(());
    guard.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("rolegraph was killed ({:?}): {stderr}", out.status));
    Run {
        code,
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    }
}

fn scan_json(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["scan", ".", "--format", "json", "--fail-on", "none"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// A scan root `repo/` next to a directory `outside/` holding what must never be read.
fn repo_and_outside() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let outside = dir.path().join("outside");
    write(&repo, "normal/main.tf", NORMAL);
    // A variables file and a module outside the repository.
    write(
        &outside,
        "creds.tfvars",
        "ami = \"OUTSIDE-VALUE-MUST-NOT-APPEAR\"\n",
    );
    write(
        &outside,
        "mod/main.tf",
        "resource \"aws_instance\" \"outside\" {\n  ami = \"ami-1\"\n}\n",
    );
    (dir, repo, outside)
}

#[test]
fn fifos_named_like_inputs_never_block() {
    let (_d, repo, _) = repo_and_outside();
    write(
        &repo,
        "fifo/main.tf",
        "variable \"ami\" {}\nresource \"aws_instance\" \"f\" {\n  ami = var.ami\n}\n",
    );
    mkfifo(&repo.join("fifo/x.auto.tfvars"));
    mkfifo(&repo.join("fifo/y.auto.tfvars.json"));
    mkfifo(&repo.join("fifo/terraform.tfvars"));
    mkfifo(&repo.join("fifo/.terraform/modules/modules.json"));
    mkfifo(&repo.join("fifo/z.tf"));
    let r = scan_json(&repo, &[]);
    let report = r.report();
    for f in [
        "fifo/x.auto.tfvars",
        "fifo/y.auto.tfvars.json",
        "fifo/terraform.tfvars",
        "fifo/.terraform/modules/modules.json",
    ] {
        expect(&report, f, "warning", "is not a regular file (a FIFO)");
    }
    expect(&report, "fifo/z.tf", "warning", "not a regular file");
    assert_eq!(
        resources(&report, "IMDS001"),
        ["aws_instance.f", "aws_instance.web"]
    );

    // A configuration file naming a FIFO or a device as its baseline.
    mkfifo(&repo.join("base.fifo"));
    write(&repo, ".rolegraph.yaml", "baseline: base.fifo\n");
    let r = scan_json(&repo, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("is not a regular file (a FIFO)"),
        "{}",
        r.stderr
    );
    write(&repo, ".rolegraph.yaml", "baseline: /dev/zero\n");
    let r = scan_json(&repo, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("baseline: /dev/zero is outside"),
        "{}",
        r.stderr
    );
    // Given by the user, a device is still refused (followed, but not a regular file).
    std::fs::remove_file(repo.join(".rolegraph.yaml")).unwrap();
    let r = scan_json(&repo, &["--baseline", "/dev/zero"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a regular file (a device)"),
        "{}",
        r.stderr
    );
}

#[test]
fn symlinks_never_lead_out_of_the_root() {
    let (_d, repo, outside) = repo_and_outside();
    let m = repo.join("links");
    write(
        &repo,
        "links/main.tf",
        "variable \"ami\" {\n  default = \"ami-default\"\n}\n\
         resource \"aws_instance\" \"l\" {\n  ami = var.ami\n  user_data = local.f\n}\n\
         module \"s\" {\n  source = \"./linkdir\"\n}\n\
         module \"installed\" {\n  source = \"registry.example/x/y\"\n}\n\
         locals {\n  f = file(\"${path.module}/inner-link.json\")\n}\n",
    );
    symlink(outside.join("creds.tfvars"), m.join("terraform.tfvars")).unwrap();
    symlink("/dev/zero", m.join("x.auto.tfvars")).unwrap();
    symlink("../../outside/mod", m.join("linkdir")).unwrap();
    write(&repo, "links/real.json", "{}");
    symlink("real.json", m.join("inner-link.json")).unwrap();
    write(
        &repo,
        "links/.terraform/modules/modules.json",
        format!(
            "{{\"Modules\": [{{\"Key\": \"installed\", \"Source\": \"x\", \"Dir\": \"{}\"}}]}}",
            outside.join("mod").display()
        ),
    );
    let r = scan_json(&repo, &[]);
    let report = r.report();
    expect(
        &report,
        "links/terraform.tfvars",
        "warning",
        "symbolic link",
    );
    expect(&report, "links/x.auto.tfvars", "warning", "symbolic link");
    expect(
        &report,
        "links/main.tf",
        "warning",
        "links/linkdir is a symbolic link",
    );
    expect(
        &report,
        "links/main.tf",
        "warning",
        "is outside the scanned directory",
    );
    expect(
        &report,
        "links/main.tf",
        "note",
        "inner-link.json is a symbolic link",
    );
    // Nothing from outside was read: no outside resource, no outside value anywhere.
    assert_eq!(
        resources(&report, "IMDS001"),
        ["aws_instance.l", "aws_instance.web"]
    );
    assert!(!r.stdout.contains("OUTSIDE-VALUE"), "{}", r.stdout);
    assert!(!r.stderr.contains("OUTSIDE-VALUE"), "{}", r.stderr);
}

#[test]
fn a_repository_configuration_names_only_files_inside_it() {
    let (_d, repo, outside) = repo_and_outside();
    write(&repo, ".rolegraph.yaml", "var-files: [/etc/passwd]\n");
    let r = scan_json(&repo, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("var-files: /etc/passwd is outside"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("root:"), "{}", r.stderr);
    write(
        &repo,
        ".rolegraph.yaml",
        "var-files: [../outside/creds.tfvars]\n",
    );
    let r = scan_json(&repo, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is outside"), "{}", r.stderr);
    // Inside the repository it is read; on the command line, anything the user names is.
    write(&repo, "vars/prod.tfvars", "ami = \"ami-1\"\n");
    write(&repo, ".rolegraph.yaml", "var-files: [vars/prod.tfvars]\n");
    assert_eq!(scan_json(&repo, &[]).code, 0);
    std::fs::remove_file(repo.join(".rolegraph.yaml")).unwrap();
    let given = outside.join("creds.tfvars");
    let r = scan_json(&repo, &["--var-file", given.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn the_report_never_overwrites_an_input() {
    let (_d, repo, _) = repo_and_outside();
    write(
        &repo,
        "cfn/template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
    );
    for target in ["normal/main.tf", "cfn/template.yaml"] {
        let before = std::fs::read(repo.join(target)).unwrap();
        let r = run(&repo, &["scan", ".", "--format", "sarif", "-o", target]);
        assert_eq!(r.code, 2, "{target}: {}", r.stderr);
        assert!(r.stderr.contains("one of the inputs"), "{}", r.stderr);
        assert_eq!(std::fs::read(repo.join(target)).unwrap(), before);
    }
    let before = std::fs::read(repo.join("normal/main.tf")).unwrap();
    let r = run(&repo, &["baseline", ".", "-o", "normal/main.tf"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read(repo.join("normal/main.tf")).unwrap(), before);
    // A file given directly, and a new file in the scanned directory: the latter is fine.
    let r = run(
        &repo,
        &["scan", "normal/main.tf", "-o", "./normal/../normal/main.tf"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(
        &repo,
        &[
            "scan",
            ".",
            "--format",
            "sarif",
            "--fail-on",
            "none",
            "-o",
            "out.sarif",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn module_nesting_past_the_limit_is_said_and_fails_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let n = 30;
    for i in 0..n {
        let mut tf = String::new();
        if i + 1 < n {
            tf.push_str(&format!(
                "module \"m\" {{\n  source = \"../m{}\"\n}}\n",
                i + 1
            ));
        } else {
            tf.push_str(NORMAL);
        }
        write(dir.path(), &format!("m{i}/main.tf"), tf);
    }
    let r = scan_json(dir.path(), &[]);
    assert_eq!(r.code, 2, "a partial scan fails the gate: {}", r.stderr);
    let report = r.report();
    expect(
        &report,
        "m24/main.tf",
        "error",
        "module nesting deeper than 24 levels",
    );
    assert!(
        !diagnostics(&report)
            .iter()
            .any(|(_, _, m)| m.contains("calls itself")),
        "{:#?}",
        diagnostics(&report)
    );
    let r = scan_json(dir.path(), &["--allow-parse-errors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_backslash_in_a_file_name_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "back\\slash/main.tf", NORMAL);
    // The directory it would be confused with.
    write(dir.path(), "back/slash/other.txt", "");
    let r = scan_json(dir.path(), &[]);
    let report = r.report();
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["back\\slash/main.tf"], "{report:#}");
    let r = run(
        dir.path(),
        &["scan", ".", "--format", "sarif", "--fail-on", "none"],
    );
    assert!(
        r.stdout.contains("\"uri\": \"back%5Cslash/main.tf\""),
        "{}",
        r.stdout
    );
}

/// A key that is not AWS's documented example.
const KEY: &str = "AKIA2E0A8F3B244C9986";

#[test]
fn credentials_are_named_by_their_block_and_suppressed_like_other_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "cred/main.tf",
        format!(
            "resource \"aws_instance\" \"before\" {{\n  ami = \"ami-1\"\n}}\n\n\
             provider \"aws\" {{\n  access_key = \"{KEY}\"\n}}\n\n\
             locals {{\n  k = \"{KEY}\"\n}}\n\n\
             # rolegraph:ignore CRED001 -- a test fixture's key, deactivated\n\
             resource \"aws_iam_access_key\" \"quiet\" {{\n  user = \"{KEY}\"\n}}\n"
        ),
    );
    write(
        dir.path(),
        "cfn/template.yaml",
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Metadata:\n      rolegraph:\n        ignore:\n          - id: CRED001\n            reason: a fixture\n    Properties:\n      Role: arn:aws:iam::123456789012:role/r\n      Environment:\n        Variables:\n          AWS_ACCESS_KEY_ID: {KEY}\n"
        ),
    );
    let r = scan_json(dir.path(), &[]);
    let report = r.report();
    let creds: Vec<(String, u64, bool)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "CRED001")
        .map(|f| {
            (
                f["resource"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["suppressed"].is_object(),
            )
        })
        .collect();
    assert_eq!(
        creds,
        [
            ("Fn".to_string(), 14, true),
            ("provider.aws".to_string(), 6, false),
            ("local.k".to_string(), 10, false),
            ("aws_iam_access_key.quiet".to_string(), 15, true),
        ],
        "{report:#}"
    );
}

const POLICY: &str = "resource \"aws_iam_policy\" \"p\" {\n  name = \"p\"\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect   = \"Allow\"\n      Action   = \"ACTION\"\n      Resource = \"*\"\n    }]\n  })\n}\n";

#[test]
fn a_baseline_keeps_what_moved_and_not_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p/main.tf", POLICY.replace("ACTION", "s3:*"));
    let r = run(dir.path(), &["baseline", ".", "-o", "base.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let active = |dir: &Path| -> Vec<String> {
        let r = scan_json(dir, &["--baseline", "base.json"]);
        r.report()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["rule_id"].as_str().unwrap(), f["message"]))
            .collect()
    };
    assert_eq!(active(dir.path()), Vec::<String>::new());
    // Moved down three lines: the same finding, still baselined.
    write(
        dir.path(),
        "p/main.tf",
        format!("\n\n\n{}", POLICY.replace("ACTION", "s3:*")),
    );
    assert_eq!(active(dir.path()), Vec::<String>::new());
    // Another service in the same statement: a new finding.
    write(dir.path(), "p/main.tf", POLICY.replace("ACTION", "kms:*"));
    let now = active(dir.path());
    assert_eq!(now.len(), 1, "{now:?}");
    assert!(
        now[0].starts_with("PRIV002") && now[0].contains("kms:*"),
        "{now:?}"
    );
}

#[test]
fn a_module_tree_past_its_source_budget_stops_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // Two files of 9 MiB each (mostly a comment, cheap to parse), each with a resource.
    let big = |name: &str| {
        let mut t = format!("resource \"aws_instance\" \"{name}\" {{\n  ami = \"ami-1\"\n}}\n");
        let line = format!("# {}\n", "x".repeat(1021));
        while t.len() < 9 << 20 {
            t.push_str(&line);
        }
        t
    };
    write(dir.path(), "big/a.tf", big("a"));
    write(dir.path(), "big/b.tf", big("b"));
    let r = scan_json(dir.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = r.report();
    expect(&report, "big/b.tf", "error", "add up to more than 16 MiB");
    assert_eq!(resources(&report, "IMDS001"), ["aws_instance.a"]);
}

#[test]
fn minified_templates_are_read_whole() {
    // Linear time is measured by scripts/bench-hostile; here the results at scale: every
    // resource found, positions on a very long line exact.
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    let mut t = String::from("{\"AWSTemplateFormatVersion\":\"2010-09-09\",\"Resources\":{");
    for i in 0..n {
        if i > 0 {
            t.push(',');
        }
        t.push_str(&format!(
            "\"I{i}\":{{\"Type\":\"AWS::EC2::Instance\",\"Properties\":{{\"ImageId\":\"ami-é{i}\"}}}}"
        ));
    }
    t.push_str("}}");
    write(dir.path(), "cfn/template.json", &t);
    let r = scan_json(dir.path(), &[]);
    let report = r.report();
    let found: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "IMDS001")
        .collect();
    assert_eq!(found.len(), n);
    let last = found
        .iter()
        .find(|f| f["resource"] == format!("I{}", n - 1))
        .unwrap();
    // Columns count characters: the é before it are one each.
    let at = t.find(&format!("\"I{}\"", n - 1)).unwrap();
    let col = t[..at].chars().count() as u64 + 1;
    assert_eq!(last["location"]["line"], 1);
    assert_eq!(last["location"]["column"], col, "{last:#}");
}
