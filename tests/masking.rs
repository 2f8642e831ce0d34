//! Secrets never leave in full, and no scanned text forges a line of output: the same
//! hostile repository, end to end through the built binary, rendered in every format of
//! `scan`, every format of `graph`, both formats of `explain`, as a baseline file, and on
//! standard error. Every output is searched for each raw secret, for raw control
//! characters (ESC, BEL, CR) and for lines a GitHub runner would read as a workflow command.
//!
//! The hostile repository holds:
//! - a directory and a file named with an access key ID, declaring a resource named with
//!   another one (`resource "aws_instance" "AKIA..."`);
//! - module sources with credentials in their URLs (`git::https://oauth2:ghp_...@`,
//!   `https://user:password@`), which become "module not resolved" notes;
//! - an attribute whose value holds newlines, workflow commands, ESC and BEL, which the
//!   IMDS001 message quotes;
//! - a suppression whose reason holds a password;
//! - files with a UTF-8 byte order mark (`.tf`, `.tf.json`, CloudFormation YAML and JSON),
//!   which must parse.

use assert_cmd::Command;
use clap::ValueEnum;
use rolegraph::report::OutputFormat;
use std::path::Path;

const KEY_IN_DIR: &str = "AKIA4HQ7ZX2MLW9KB3TD";
const KEY_IN_FILE: &str = "AKIA5RP2NV8XQ4LZ7MWC";
const KEY_IN_NAME: &str = "AKIA6Y2V8N4QP7LR3XKD";
const GITHUB_TOKEN: &str = "ghp_q8VnR2xLm5TzK9wYb3HcJ7pDf4GsA6eU1iOo";
const URL_PASSWORD: &str = "Pa55w0rdInAUrl";
const REASON_PASSWORD: &str = "Hunter2Hunter2";

/// Every secret the repository holds: none may appear in any output.
const SECRETS: &[&str] = &[
    KEY_IN_DIR,
    KEY_IN_FILE,
    KEY_IN_NAME,
    GITHUB_TOKEN,
    URL_PASSWORD,
    REASON_PASSWORD,
];

/// The value of `http_tokens`: it tries to end the line, forge two workflow commands
/// (an annotation, and switching workflow commands off) and set the terminal title.
const HOSTILE_VALUE: &str =
    r#"optional\n::error file=README.md,line=1::Injected\n::stop-commands::tok\n\u001b]0;t\u0007"#;

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        &format!("{KEY_IN_DIR}/{KEY_IN_FILE}.tf"),
        &format!(
            "resource \"aws_instance\" \"{KEY_IN_NAME}\" {{\n  ami           = \"ami-0123456789abcdef0\"\n  instance_type = \"t3.micro\"\n}}\n"
        ),
    );
    write(
        "modules/main.tf",
        &format!(
            "module \"private\" {{\n  source = \"git::https://oauth2:{GITHUB_TOKEN}@github.com/org/infra.git//vpc\"\n}}\n\nmodule \"zip\" {{\n  source = \"https://deploy:{URL_PASSWORD}@artifacts.example.com/m.zip\"\n}}\n"
        ),
    );
    write(
        "hostile/main.tf",
        &format!(
            "resource \"aws_instance\" \"web\" {{\n  ami = \"ami-0123456789abcdef0\"\n  metadata_options {{\n    http_tokens = \"{HOSTILE_VALUE}\"\n  }}\n}}\n\n# rolegraph:ignore IMDS001 -- legacy box, password={REASON_PASSWORD}\nresource \"aws_instance\" \"legacy\" {{\n  ami = \"ami-0123456789abcdef0\"\n}}\n"
        ),
    );
    // Terraform accepts a byte order mark at the start of a file.
    write(
        "bom/main.tf",
        "\u{feff}resource \"aws_instance\" \"bom\" {\n  ami = \"ami-0123456789abcdef0\"\n}\n",
    );
    write(
        "bom/json.tf.json",
        "\u{feff}{\"resource\": {\"aws_instance\": {\"bomjson\": {\"ami\": \"ami-0123456789abcdef0\"}}}}\n",
    );
    write(
        "bom-cfn/template.yaml",
        "\u{feff}Resources:\n  BomYaml:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-0123456789abcdef0\n",
    );
    write(
        "bom-cfn/template.json",
        "\u{feff}{\"Resources\": {\"BomJson\": {\"Type\": \"AWS::EC2::Instance\", \"Properties\": {\"ImageId\": \"ami-0123456789abcdef0\"}}}}\n",
    );
    dir
}

fn rolegraph(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(dir);
    c.env("NO_COLOR", "1");
    for k in ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"] {
        c.env_remove(k);
    }
    c
}

/// No secret, no raw control character but newline and tab, and (unless the output is
/// GitHub workflow commands itself) no line a runner would read as a workflow command.
fn assert_clean(what: &str, text: &str, commands_allowed: bool) {
    assert!(!text.is_empty(), "{what}: no output");
    for s in SECRETS {
        assert!(!text.contains(s), "{what} prints {s}:\n{text}");
    }
    for c in text.chars() {
        assert!(
            !c.is_control() || c == '\n' || c == '\t',
            "{what} prints the control character {:?}:\n{text}",
            c
        );
    }
    assert!(!text.contains("##["), "{what}: {text}");
    for line in text.lines() {
        let t = line.trim_start();
        if commands_allowed {
            // Each line is one of rolegraph's own commands, or the summary.
            assert!(
                !t.starts_with("::")
                    || ["::error ", "::warning ", "::notice "]
                        .iter()
                        .any(|c| t.starts_with(c)),
                "{what}: a forged command: {line}"
            );
        } else {
            assert!(!t.starts_with("::"), "{what}: a workflow command: {line}");
        }
    }
}

fn stdout_and_stderr(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8(out.stdout.clone()).unwrap(),
        String::from_utf8(out.stderr.clone()).unwrap(),
    )
}

#[test]
fn the_repository_holds_what_the_tests_look_for() {
    // Guard: the other tests mean something only if the secrets reach a report unmasked
    // when nothing masks them: the finding is about the resource named with a key, the
    // notes are about the module sources, the message quotes the hostile value.
    let dir = repository();
    let report = rolegraph::scan(&rolegraph::ScanOptions {
        paths: vec![dir.path().to_path_buf()],
        ..Default::default()
    });
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.resource.contains(KEY_IN_NAME) && f.span.file.contains(KEY_IN_FILE))
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains(GITHUB_TOKEN))
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains(URL_PASSWORD))
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.message.contains("\n::error file=README.md"))
    );
    assert!(report.findings.iter().any(|f| {
        f.suppressed
            .as_ref()
            .is_some_and(|s| s.reason.contains(REASON_PASSWORD))
    }));
    // The file with a byte order mark parses, and its instance is found.
    assert!(!report.has_parse_errors(), "{:#?}", report.diagnostics);
    for resource in [
        "aws_instance.bom",
        "aws_instance.bomjson",
        "BomYaml",
        "BomJson",
    ] {
        assert!(
            report.findings.iter().any(|f| f.resource == resource),
            "{resource}: {:#?}",
            report.findings
        );
    }
}

#[test]
fn every_scan_format_masks_and_escapes() {
    let dir = repository();
    let formats: Vec<String> = OutputFormat::value_variants()
        .iter()
        .map(|f| f.to_possible_value().unwrap().get_name().to_string())
        .collect();
    assert_eq!(formats.len(), 6, "{formats:?}");
    for format in &formats {
        let out = rolegraph(dir.path())
            // --show-notes: the text format lists the notes on files (folded by default).
            .args([
                "scan",
                ".",
                "--format",
                format,
                "--fail-on",
                "none",
                "--show-notes",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let (stdout, stderr) = stdout_and_stderr(&out);
        assert_clean(&format!("--format {format}"), &stdout, format == "github");
        if !stderr.is_empty() {
            assert_clean(&format!("--format {format} (stderr)"), &stderr, false);
        }
        // The findings are there, masked.
        assert!(
            stdout.contains("AKIA****************"),
            "{format}: {stdout}"
        );
        // The notes about the module sources, where a format lists notes.
        if ["text", "json", "sarif"].contains(&format.as_str()) {
            assert!(stdout.contains("oauth2:****"), "{format}: {stdout}");
        }
    }
}

#[test]
fn a_report_written_with_output_is_masked_too() {
    let dir = repository();
    for format in ["sarif", "text"] {
        let file = dir.path().join(format!("report.{format}"));
        rolegraph(dir.path())
            .args(["scan", ".", "--fail-on", "none", "--format", format, "-o"])
            .arg(&file)
            .assert()
            .success();
        let text = std::fs::read_to_string(&file).unwrap();
        assert_clean(&format!("-o report.{format}"), &text, false);
    }
}

#[test]
fn text_output_shows_the_hostile_value_escaped() {
    let dir = repository();
    let out = rolegraph(dir.path())
        .args([
            "scan",
            "hostile",
            "--fail-on",
            "none",
            "--select",
            "IMDS001",
        ])
        .output()
        .unwrap();
    let (stdout, _) = stdout_and_stderr(&out);
    assert!(
        stdout.contains(r#"optional\n::error file=README.md,line=1::Injected\n::stop-commands::tok\n\u{1b}]0;t\u{7}"#),
        "{stdout}"
    );
}

#[test]
fn graph_masks_and_escapes() {
    let dir = repository();
    for format in ["dot", "mermaid", "json"] {
        let out = rolegraph(dir.path())
            .args(["graph", ".", "--format", format])
            .output()
            .unwrap();
        let (stdout, stderr) = stdout_and_stderr(&out);
        assert_clean(&format!("graph --format {format}"), &stdout, false);
        assert!(
            stdout.contains("AKIA****************"),
            "{format}: {stdout}"
        );
        if !stderr.is_empty() {
            assert_clean(&format!("graph --format {format} (stderr)"), &stderr, false);
        }
    }
}

#[test]
fn explain_masks_and_escapes() {
    let dir = repository();
    for format in ["text", "json"] {
        let out = rolegraph(dir.path())
            .args(["explain", &format!("aws_instance.{KEY_IN_NAME}"), "."])
            .args(["--format", format])
            .output()
            .unwrap();
        let (stdout, _) = stdout_and_stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert_clean(&format!("explain --format {format}"), &stdout, false);
        assert!(
            stdout.contains("aws_instance.AKIA****************"),
            "{stdout}"
        );
    }
}

#[test]
fn baseline_files_are_masked() {
    let dir = repository();
    let file = dir.path().join("baseline.json");
    let out = rolegraph(dir.path())
        .args(["baseline", "."])
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    let (_, stderr) = stdout_and_stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_clean("the baseline file", &text, false);
    assert!(text.contains("AKIA****************"), "{text}");
    // It still works as a baseline: every finding it recorded is left out.
    rolegraph(dir.path())
        .args(["scan", ".", "--baseline"])
        .arg(&file)
        .assert()
        .success();
}

#[test]
fn errors_on_standard_error_are_masked_and_escaped() {
    let dir = repository();
    // A path named with a key, in an error message.
    let out = rolegraph(dir.path())
        .args(["scan", ".", "--var-file", &format!("{KEY_IN_FILE}.tfvars")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = stdout_and_stderr(&out);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_clean("--var-file error", &stderr, false);
    // A target named with a key and holding a forged command.
    let out = rolegraph(dir.path())
        .args(["explain", &format!("{KEY_IN_NAME}\n::error::forged"), "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = stdout_and_stderr(&out);
    assert_clean("explain error", &stderr, false);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // A malformed plan whose error quotes what it holds.
    std::fs::write(
        dir.path().join("plan.json"),
        format!("{{\"format_version\": \"1.2\", \"planned_values\": {{\"x\": {KEY_IN_NAME}}}}}"),
    )
    .unwrap();
    let out = rolegraph(dir.path())
        .args(["scan", "--plan", "plan.json", "--format", "json"])
        .output()
        .unwrap();
    let (stdout, stderr) = stdout_and_stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("error: "), "{stderr}");
    assert_clean("plan error (stderr)", &stderr, false);
    assert_clean("plan error (report)", &stdout, false);
}

#[test]
fn reports_are_replaced_whole() {
    // `-o` writes a temporary file in the same directory and renames it: the old report
    // stays whole until the new one is complete, and no temporary file is left behind.
    let dir = repository();
    let file = dir.path().join("out").join("report.sarif");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "old").unwrap();
    rolegraph(dir.path())
        .args([
            "scan",
            "modules",
            "--format",
            "sarif",
            "--fail-on",
            "none",
            "-o",
        ])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap();
    let left: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["report.sarif"]);
    // The new report is a new file renamed over the old one, not the old one truncated
    // and rewritten: a hard link to the old report still reads the old report whole.
    std::fs::write(&file, "old").unwrap();
    let link = dir.path().join("out-link.sarif");
    std::fs::hard_link(&file, &link).unwrap();
    rolegraph(dir.path())
        .args([
            "scan",
            "modules",
            "--format",
            "sarif",
            "--fail-on",
            "none",
            "-o",
        ])
        .arg(&file)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&link).unwrap() == "old",
        "the old report was truncated and rewritten in place"
    );
    assert!(std::fs::read_to_string(&file).unwrap().contains("\"runs\""));
}

#[test]
fn plan_values_marked_sensitive_are_never_printed() {
    // A one-line plan (as `terraform show -json` writes it): the snippet of the IMDS001
    // finding shows the 40 characters after `"optional"`, where the sensitive user data is
    // written. No name says it is a secret: only the plan's marks do.
    const VALUE: &str = "Zq-private-bootstrap-42";
    let dir = tempfile::tempdir().unwrap();
    let plan = format!(
        r#"{{"format_version":"1.2","terraform_version":"1.6.6","planned_values":{{"root_module":{{"resources":[{{"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":1,"values":{{"ami":"ami-0123456789abcdef0","metadata_options":[{{"http_tokens":"optional"}}],"user_data":"{VALUE}"}},"sensitive_values":{{"user_data":true,"metadata_options":[{{}}]}}}}]}}}}}}"#
    );
    std::fs::write(dir.path().join("plan.json"), plan).unwrap();
    for format in OutputFormat::value_variants() {
        let format = format.to_possible_value().unwrap().get_name().to_string();
        let out = rolegraph(dir.path())
            .args(["scan", "--plan", "plan.json", "--fail-on", "none"])
            .args(["--format", &format])
            .output()
            .unwrap();
        let (stdout, stderr) = stdout_and_stderr(&out);
        assert!(stdout.contains("IMDS001"), "{format}: {stdout}");
        // Not the value, nor any 8 characters of it.
        for part in VALUE.as_bytes().windows(8) {
            let part = std::str::from_utf8(part).unwrap();
            assert!(
                !stdout.contains(part) && !stderr.contains(part),
                "{format} prints {part:?} of a sensitive value:\n{stdout}{stderr}"
            );
        }
    }
}

#[test]
fn the_action_job_log_holds_no_forged_command_and_no_secret() {
    // scripts/action.sh prints the annotations and the text report to the job log and
    // writes the Markdown summary: over the hostile repository, every line of the log that
    // a runner reads as a command is one the action or rolegraph means.
    let dir = repository();
    let runner = tempfile::tempdir().unwrap();
    let (output, summary) = (runner.path().join("output"), runner.path().join("summary"));
    std::fs::write(&output, "").unwrap();
    std::fs::write(&summary, "").unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let out = std::process::Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/action.sh"))
        .arg("scan")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", runner.path())
        .env("NO_COLOR", "1")
        .env("GITHUB_WORKSPACE", dir.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("RUNNER_TEMP", runner.path())
        .env("ROLEGRAPH_BIN", env!("CARGO_BIN_EXE_rolegraph"))
        .current_dir(runner.path())
        .output()
        .unwrap();
    let (stdout, stderr) = stdout_and_stderr(&out);
    let log = format!("{stdout}{stderr}");
    assert!(out.status.success(), "{log}");
    for s in SECRETS {
        assert!(!log.contains(s), "the job log prints {s}:\n{log}");
    }
    assert!(
        !log.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{log}"
    );
    const OURS: &[&str] = &[
        "::error file=",
        "::warning file=",
        "::notice file=",
        "::group::rolegraph report",
        "::endgroup::",
    ];
    for line in log.lines() {
        let t = line.trim_start();
        assert!(
            !t.starts_with("::") || OURS.iter().any(|o| t.starts_with(o)),
            "a forged command in the job log: {line}"
        );
        assert!(!t.contains("##["), "{line}");
    }
    // The annotation of the hostile value is one line, its newlines escaped.
    assert!(
        log.contains("http_tokens is \"optional\\n::error file=README.md"),
        "{log}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert_clean("the step summary", &summary, false);
}
