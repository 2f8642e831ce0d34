//! Hostile input, end to end through the built binary: each case is generated into a
//! temporary directory at test time, next to a normal configuration. Every case must give a
//! diagnostic naming the hostile file, and the scan must go on: the normal configuration's
//! finding is still reported.
//!
//! Memory is bounded for real: the binary runs under an address-space limit
//! (`ulimit -v`, [`MEMORY_LIMIT_KIB`]), so a scan that tried to expand an alias bomb or a
//! huge range would fail to allocate and abort, and the test would fail on its exit code.
//! Nothing here measures time; a generous timeout only turns a hang into a failure.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The address-space limit each scan runs under (virtual memory, which counts more than
/// the resident set: thread stacks and allocator arenas are reserved up front).
const MEMORY_LIMIT_KIB: u64 = 1024 * 1024;

/// A configuration with one known finding: IMDS001 on `normal/main.tf`.
const NORMAL: &str = r#"resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}
"#;

struct Scan {
    code: i32,
    report: Value,
    stderr: String,
}

impl Scan {
    fn diagnostics(&self) -> Vec<(String, String, String)> {
        self.report["diagnostics"]
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

    /// The diagnostics about one file (by its path relative to the scanned directory).
    fn about(&self, file: &str) -> Vec<(String, String)> {
        self.diagnostics()
            .into_iter()
            .filter(|(_, f, _)| f == file)
            .map(|(l, _, m)| (l, m))
            .collect()
    }

    /// The one diagnostic about `file`, which must be at `level` and contain `text`.
    fn expect(&self, file: &str, level: &str, text: &str) {
        let about = self.about(file);
        assert!(
            about.iter().any(|(l, m)| l == level && m.contains(text)),
            "expected a {level} containing {text:?} for {file}, got {about:?}\nall: {:#?}",
            self.diagnostics()
        );
    }

    /// The normal configuration was scanned as if nothing else were there.
    fn normal_finding_is_there(&self) {
        let found = self.report["findings"].as_array().unwrap().iter().any(|f| {
            f["rule_id"] == "IMDS001"
                && f["resource"] == "aws_instance.web"
                && f["location"]["file"] == "normal/main.tf"
        });
        assert!(found, "the normal finding is missing: {:#}", self.report);
    }

    fn findings(&self, rule: &str) -> usize {
        self.report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == rule)
            .count()
    }
}

/// A temporary directory holding the normal configuration.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "normal/main.tf", NORMAL);
    dir
}

fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

/// `rolegraph scan . --format json --fail-on none` in `dir`, under the memory limit.
fn scan(dir: &Path) -> Scan {
    let bin = assert_cmd::cargo::cargo_bin("rolegraph");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(bin)
        .args(["scan", ".", "--format", "json", "--fail-on", "none"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output_with_timeout(Duration::from_secs(300));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("rolegraph was killed ({:?}): {stderr}", out.status));
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON report (exit {code}): {e}\nstderr: {stderr}"));
    Scan {
        code,
        report,
        stderr,
    }
}

trait OutputWithTimeout {
    fn output_with_timeout(&mut self, limit: Duration) -> std::process::Output;
}

impl OutputWithTimeout for Command {
    /// Like `output()`, but kills the child after `limit` (a hang guard, not a measurement).
    fn output_with_timeout(&mut self, limit: Duration) -> std::process::Output {
        let child = self
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let id = child.id();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let guard = std::thread::spawn(move || {
            if rx.recv_timeout(limit).is_err() {
                // Still running: end it so the test fails instead of hanging.
                let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
            }
        });
        let out = child.wait_with_output().unwrap();
        let _ = tx.send(());
        guard.join().unwrap();
        out
    }
}

#[test]
fn the_normal_configuration_alone() {
    let dir = workspace();
    let s = scan(dir.path());
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert!(s.diagnostics().is_empty(), "{:?}", s.diagnostics());
    s.normal_finding_is_there();
    assert_eq!(s.findings("IMDS001"), 1);
}

#[test]
fn yaml_alias_bomb() {
    let dir = workspace();
    let mut bomb = String::from("AWSTemplateFormatVersion: '2010-09-09'\n");
    bomb.push_str("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = format!("*a{}", i - 1);
        let row = [p.as_str(); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{row}]\n"));
    }
    bomb.push_str("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      X: *a9\n");
    write(dir.path(), "bomb/template.yaml", bomb);
    let s = scan(dir.path());
    assert_eq!(s.code, 2, "a template that cannot be read fails the gate");
    s.expect(
        "bomb/template.yaml",
        "error",
        "YAML nodes once aliases are expanded",
    );
    s.normal_finding_is_there();
}

fn deep(open: &str, close: &str, n: usize) -> String {
    format!("{}1{}", open.repeat(n), close.repeat(n))
}

#[test]
fn deep_nesting_in_hcl() {
    let dir = workspace();
    write(
        dir.path(),
        "list/main.tf",
        format!("locals {{\n  x = {}\n}}\n", deep("[", "]", 10_000)),
    );
    write(
        dir.path(),
        "calls/main.tf",
        format!("locals {{\n  x = {}\n}}\n", deep("max(", ")", 10_000)),
    );
    let mut blocks = String::from("resource \"aws_instance\" \"deep\" {\n");
    blocks.push_str(&"dynamic \"b\" {\n".repeat(10_000));
    blocks.push_str(&"}\n".repeat(10_001));
    write(dir.path(), "blocks/main.tf", blocks);
    write(
        dir.path(),
        "template/main.tf",
        format!(
            "locals {{\n  x = \"{}{}\"\n}}\n",
            "${\"".repeat(10_000),
            "\"}".repeat(10_000)
        ),
    );
    // Operators nest without brackets.
    write(
        dir.path(),
        "unary/main.tf",
        format!("locals {{\n  x = {}true\n}}\n", "!".repeat(10_000)),
    );
    write(
        dir.path(),
        "conditional/main.tf",
        format!("locals {{\n  x = {}1\n}}\n", "true ? 1 : ".repeat(10_000)),
    );
    write(
        dir.path(),
        "json/main.tf.json",
        format!("{{\"locals\": {{\"x\": {}}}}}", deep("[", "]", 10_000)),
    );
    let s = scan(dir.path());
    assert_eq!(s.code, 2, "{}", s.stderr);
    for f in ["list", "calls", "blocks", "template"] {
        s.expect(&format!("{f}/main.tf"), "error", "nesting deeper than");
    }
    for f in ["unary", "conditional"] {
        s.expect(&format!("{f}/main.tf"), "error", "nest");
    }
    s.expect("json/main.tf.json", "error", "nesting deeper than");
    s.normal_finding_is_there();
}

#[test]
fn deep_nesting_in_json_and_yaml_templates() {
    let dir = workspace();
    let head = "AWSTemplateFormatVersion";
    write(
        dir.path(),
        "json/template.json",
        format!(
            "{{\"{head}\": \"2010-09-09\", \"Resources\": {{\"Q\": {{\"Type\": \"AWS::SQS::Queue\", \"Properties\": {{\"X\": {}}}}}}}}}",
            deep("[", "]", 10_000)
        ),
    );
    write(
        dir.path(),
        "flow/template.yaml",
        format!(
            "{head}: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      X: {}\n",
            deep("{a: ", "}", 10_000)
        ),
    );
    // Block style: `- - - - 1` nests a sequence per dash.
    write(
        dir.path(),
        "block/template.yaml",
        format!(
            "{head}: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      X:\n        {}1\n",
            "- ".repeat(10_000)
        ),
    );
    let s = scan(dir.path());
    assert_eq!(s.code, 2, "{}", s.stderr);
    s.expect("json/template.json", "error", "nesting deeper than");
    s.expect("flow/template.yaml", "error", "nests deeper than");
    s.expect("block/template.yaml", "error", "nests deeper than");
    s.normal_finding_is_there();
}

#[test]
fn a_50_mb_file() {
    let dir = workspace();
    let mut tf = String::with_capacity(50 << 20);
    let mut i = 0;
    while tf.len() < 50 << 20 {
        tf.push_str(&format!(
            "resource \"aws_sqs_queue\" \"q{i}\" {{\n  name = \"queue-{i}\"\n}}\n"
        ));
        i += 1;
    }
    write(dir.path(), "big/main.tf", &tf);
    let mut yaml = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    let mut i = 0;
    while yaml.len() < 50 << 20 {
        yaml.push_str(&format!("  Q{i}:\n    Type: AWS::SQS::Queue\n"));
        i += 1;
    }
    write(dir.path(), "big/template.yaml", &yaml);
    let s = scan(dir.path());
    assert_eq!(s.code, 2, "{}", s.stderr);
    s.expect("big/main.tf", "error", "file is larger than");
    s.expect("big/template.yaml", "error", "file is larger than");
    s.normal_finding_is_there();
}

#[test]
fn invalid_utf8_and_nul_bytes() {
    let dir = workspace();
    write(
        dir.path(),
        "latin1/main.tf",
        b"resource \"aws_sqs_queue\" \"q\" {\n  name = \"caf\xe9\"\n}\n",
    );
    write(
        dir.path(),
        "nul/main.tf",
        b"resource \"aws_sqs_queue\" \"q\" {\n  name = \"a\0b\"\n}\n\0\0\0",
    );
    write(
        dir.path(),
        "latin1/template.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: caf\xe9\n",
    );
    write(
        dir.path(),
        "nul/template.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n\0\0\0\n",
    );
    // Not a template (no template keys): skipped silently, binary or not.
    write(dir.path(), "other/data.json", b"\xff\xfe\0\0binary");
    let s = scan(dir.path());
    assert_eq!(s.code, 2, "{}", s.stderr);
    s.expect("latin1/main.tf", "error", "not valid UTF-8");
    s.expect("latin1/template.yaml", "error", "not valid UTF-8");
    assert_eq!(s.about("nul/main.tf").len(), 1, "{:?}", s.diagnostics());
    assert_eq!(s.about("nul/main.tf")[0].0, "error");
    assert_eq!(
        s.about("nul/template.yaml").len(),
        1,
        "{:?}",
        s.diagnostics()
    );
    assert_eq!(s.about("nul/template.yaml")[0].0, "error");
    assert!(s.about("other/data.json").is_empty());
    // The positions name the line of the bad byte.
    let line_of = |file: &str| {
        s.report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["location"]["file"] == file)
            .map(|d| d["location"]["line"].as_u64().unwrap())
    };
    assert_eq!(line_of("latin1/main.tf"), Some(2));
    assert_eq!(line_of("latin1/template.yaml"), Some(6));
    s.normal_finding_is_there();
}

#[cfg(unix)]
#[test]
fn symlink_loops() {
    use std::os::unix::fs::symlink;
    let dir = workspace();
    let root = dir.path();
    std::fs::create_dir_all(root.join("loop/sub")).unwrap();
    // A file link to itself, two links to each other, a directory link to its parent.
    symlink("self.tf", root.join("loop/self.tf")).unwrap();
    symlink("b.yaml", root.join("loop/a.yaml")).unwrap();
    symlink("a.yaml", root.join("loop/b.yaml")).unwrap();
    symlink("..", root.join("loop/sub/up")).unwrap();
    write(root, "loop/sub/main.tf", NORMAL.replace("web", "sub"));
    let s = scan(root);
    // Warnings only: nothing that should have been read was lost.
    assert_eq!(s.code, 0, "{}", s.stderr);
    s.expect("loop/self.tf", "warning", "symbolic link");
    s.expect("loop/a.yaml", "warning", "symbolic link");
    s.expect("loop/b.yaml", "warning", "symbolic link");
    s.expect("loop/sub/up", "warning", "loop");
    s.normal_finding_is_there();
    // The directory behind the loop is scanned once, not once per trip around it.
    assert_eq!(s.findings("IMDS001"), 2, "{:#}", s.report);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace();
    let tf = write(
        dir.path(),
        "locked/main.tf",
        "resource \"aws_sqs_queue\" \"q\" {}\n",
    );
    let yaml = write(
        dir.path(),
        "locked/template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
    );
    for p in [&tf, &yaml] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let s = scan(dir.path());
    s.normal_finding_is_there();
    if std::fs::read(&tf).is_ok() {
        // Root (CAP_DAC_OVERRIDE) reads through mode 000: the files are read like any
        // other. The read-error path itself is covered below with a directory.
        eprintln!("running with privileges that ignore file modes: mode 000 does not stop reads");
        assert_eq!(s.code, 0, "{}", s.stderr);
        assert!(s.diagnostics().is_empty(), "{:?}", s.diagnostics());
    } else {
        assert_eq!(s.code, 2, "{}", s.stderr);
        s.expect("locked/main.tf", "error", "cannot read");
        s.expect("locked/template.yaml", "error", "cannot read");
    }
    // A read that fails whoever runs it: a file that is not there. (A directory where a
    // file is expected is refused before reading: not a regular file, see hostile_fs.)
    let file = std::sync::Arc::from("locked");
    let mut diags = Vec::new();
    let body = rolegraph::parse::hcl::module::read_body(
        &dir.path().join("locked/missing.tf"),
        &file,
        rolegraph::fsread::Links::Refuse,
        &mut diags,
    );
    assert!(body.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].message.starts_with("cannot read file: "),
        "{diags:?}"
    );
    assert_eq!(&*diags[0].span.file, "locked");
}

#[test]
fn a_local_module_that_calls_itself() {
    let dir = workspace();
    write(
        dir.path(),
        "self/main.tf",
        "module \"again\" {\n  source = \"./\"\n}\n\nresource \"aws_instance\" \"self\" {\n  ami = \"ami-1\"\n}\n",
    );
    // Two modules that call each other, and nothing else calls them.
    write(
        dir.path(),
        "pair/a/main.tf",
        "module \"b\" {\n  source = \"../b\"\n}\n\nresource \"aws_instance\" \"a\" {\n  ami = \"ami-1\"\n}\n",
    );
    write(
        dir.path(),
        "pair/b/main.tf",
        "module \"a\" {\n  source = \"../a\"\n}\n",
    );
    let s = scan(dir.path());
    assert_eq!(s.code, 0, "{}", s.stderr);
    s.expect("self/main.tf", "warning", "calls itself");
    s.expect("pair/b/main.tf", "warning", "calls itself");
    s.normal_finding_is_there();
    // Each module's own resources are still checked, once.
    let resources: Vec<&str> = s.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "IMDS001")
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(
        resources,
        ["aws_instance.web", "aws_instance.a", "aws_instance.self"],
        "{:#}",
        s.report
    );
}

#[test]
fn for_each_over_a_huge_range() {
    let dir = workspace();
    write(
        dir.path(),
        "huge/main.tf",
        r#"resource "aws_instance" "range" {
  for_each = toset([for i in range(100000000) : tostring(i)])
  ami      = "ami-1"
}

resource "aws_instance" "count" {
  count = 100000000
  ami   = "ami-1"
}

locals {
  # 1024 x 1024 x 1024 elements if nothing stopped it.
  cube = flatten([for a in range(1024) : [for b in range(1024) : [for c in range(1024) : "${a}-${b}-${c}"]]])
}

resource "aws_instance" "cube" {
  for_each = toset(local.cube)
  ami      = "ami-1"
}
"#,
    );
    let s = scan(dir.path());
    assert_eq!(s.code, 0, "{}", s.stderr);
    let about = s.about("huge/main.tf");
    assert!(about.iter().all(|(l, _)| l == "warning"), "{about:?}");
    s.expect("huge/main.tf", "warning", "for_each");
    s.expect(
        "huge/main.tf",
        "warning",
        "count = 100000000 is more than 1000 instances",
    );
    s.normal_finding_is_there();
    // Each resource is checked once, with an unknown instance key.
    let resources: Vec<&str> = s.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(
        resources,
        [
            "aws_instance.range",
            "aws_instance.count",
            "aws_instance.cube",
            "aws_instance.web"
        ],
        "{:#}",
        s.report
    );
}

#[test]
fn a_template_with_10000_resources() {
    let dir = workspace();
    // 3,334 instances, each with its own instance profile and role, linked by literal names
    // (the graph's name index), and a trust policy that lets Lambda, not EC2, assume it.
    let n = 3_334;
    let mut t = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    for i in 0..n {
        t.push_str(&format!(
            "  Instance{i}:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      IamInstanceProfile: profile-{i}
  Profile{i}:
    Type: AWS::IAM::InstanceProfile
    Properties:
      InstanceProfileName: profile-{i}
      Roles: [role-{i}]
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      RoleName: role-{i}
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
"
        ));
    }
    write(dir.path(), "large/template.yaml", t);
    let s = scan(dir.path());
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert!(
        s.about("large/template.yaml").is_empty(),
        "{:?}",
        s.diagnostics()
    );
    // Every instance reached its role through its profile.
    assert_eq!(s.findings("WL001"), n);
    assert_eq!(s.findings("IMDS001"), n + 1);
    s.normal_finding_is_there();
}
