//! The GitHub Action's shell steps (scripts/action.sh), run the way action.yml runs them,
//! in a simulated runner: a workspace with fixtures, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
//! files, the inputs as INPUT_* variables, and the rolegraph binary this build made
//! (ROLEGRAPH_BIN) so nothing is downloaded or built.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/action.sh");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A runner: a workspace (with `infra/` = a copy of a fixture directory) and the files the
/// runner collects.
struct Runner {
    dir: tempfile::TempDir,
}

struct Step {
    out: Output,
    outputs: BTreeMap<String, String>,
    summary: String,
}

impl Step {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).to_string()
    }
}

impl Runner {
    fn new(fixture: &str) -> Runner {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("workspace");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture),
            &ws.join("infra"),
        );
        // The workspace is a repository: configuration lookup stops here.
        std::fs::create_dir_all(ws.join(".git")).unwrap();
        Runner { dir }
    }

    fn workspace(&self) -> PathBuf {
        self.dir.path().join("workspace")
    }

    /// Run `action.sh <step>` with these INPUT_* values (and any other variables).
    fn run(&self, step: &str, env: &[(&str, &str)]) -> Step {
        let output_file = self.dir.path().join(format!("output-{step}"));
        let summary_file = self.dir.path().join(format!("summary-{step}"));
        std::fs::write(&output_file, "").unwrap();
        std::fs::write(&summary_file, "").unwrap();
        let mut cmd = Command::new("bash");
        cmd.arg(SCRIPT)
            .arg(step)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .env("GITHUB_WORKSPACE", self.workspace())
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("RUNNER_TEMP", self.dir.path())
            .env("ROLEGRAPH_BIN", env!("CARGO_BIN_EXE_rolegraph"))
            .current_dir(self.dir.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let outputs = std::fs::read_to_string(&output_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let summary = std::fs::read_to_string(&summary_file).unwrap();
        Step {
            out,
            outputs,
            summary,
        }
    }
}

fn outputs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn install_uses_the_given_binary() {
    let r = Runner::new("testdata/demo");
    let step = r.run("install", &[("INPUT_VERSION", "")]);
    assert_eq!(step.out.status.code(), Some(0));
    assert!(step.stdout().starts_with("rolegraph "), "{}", step.stdout());
    assert_eq!(
        step.outputs,
        outputs(&[("bin", env!("CARGO_BIN_EXE_rolegraph"))])
    );
}

#[test]
fn scan_with_findings_sets_outputs_summary_annotations_and_fails_the_gate() {
    let r = Runner::new("testdata/demo");
    let step = r.run(
        "scan",
        &[
            ("INPUT_PATHS", "."),
            ("INPUT_WORKING_DIRECTORY", "infra"),
            ("INPUT_SARIF_FILE", "reports/rolegraph.sarif"),
            ("INPUT_FORMAT", "text"),
            ("INPUT_FAIL_ON", ""),
        ],
    );
    // The scan step itself succeeds, so the SARIF upload can run; the gate fails later.
    assert_eq!(step.out.status.code(), Some(0), "{}", step.stdout());
    assert_eq!(
        step.outputs,
        outputs(&[
            ("findings", "6"),
            ("sarif-file", "infra/reports/rolegraph.sarif"),
            ("exit-code", "1"),
        ])
    );

    // The SARIF report, with paths relative to the repository root.
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(r.workspace().join("infra/reports/rolegraph.sarif")).unwrap(),
    )
    .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "infra/main.tf"
    );

    // Annotations, on repository-relative paths, and the report in a log group.
    let log = step.stdout();
    let annotations: Vec<&str> = log.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(annotations.len(), 3, "{log}");
    assert!(
        annotations
            .iter()
            .all(|a| a.starts_with("::error file=infra/main.tf,line=")),
        "{log}"
    );
    assert!(log.contains("::warning file=infra/main.tf,line="), "{log}");
    let report = log
        .split_once("::group::rolegraph report (text)\n")
        .map(|(_, r)| r)
        .unwrap_or_default();
    assert!(
        report.starts_with("low[WL002]") && report.contains("\nhigh[IMDS001]"),
        "{log}"
    );

    // The step summary names the findings (rolegraph's Markdown format where the binary has
    // it, else the script's own summary of the text report).
    let summary = &step.summary;
    assert!(summary.contains("rolegraph"), "{summary}");
    for id in ["IMDS001", "WL001", "ECS001"] {
        assert!(
            summary.contains(id),
            "{id} missing from the summary:\n{summary}"
        );
    }

    // The gate fails the job with the scan's exit code.
    let gate = r.run("gate", &[("EXIT_CODE", &step.outputs["exit-code"])]);
    assert_eq!(gate.out.status.code(), Some(1));
    assert!(
        gate.stdout()
            .starts_with("::error title=rolegraph::findings")
    );
}

/// The Action as a workflow uses it with no `with:` at all: paths "." in the repository
/// root. Annotations and SARIF name files as the repository does (`infra/main.tf`, never
/// `./infra/main.tf`, which GitHub does not attach to the diff).
#[test]
fn default_invocation_annotates_repository_relative_paths() {
    let r = Runner::new("testdata/demo");
    let step = r.run(
        "scan",
        &[
            ("INPUT_PATHS", "."),
            ("INPUT_WORKING_DIRECTORY", "."),
            ("INPUT_SARIF_FILE", "rolegraph.sarif"),
            ("INPUT_FORMAT", "text"),
            ("INPUT_FAIL_ON", ""),
        ],
    );
    assert_eq!(step.outputs["findings"], "6", "{}", step.stdout());
    let log = step.stdout();
    let annotations: Vec<&str> = log
        .lines()
        .filter(|l| {
            l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")
        })
        .collect();
    assert_eq!(annotations.len(), 6, "{log}");
    for a in &annotations {
        assert!(a.contains(" file=infra/main.tf,line="), "{a}");
        assert!(!a.contains("./"), "{a}");
    }
    // The text report in the log names the same paths.
    assert!(log.contains(" --> infra/main.tf:"), "{log}");
    assert!(!log.contains("./infra"), "{log}");
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(r.workspace().join("rolegraph.sarif")).unwrap(),
    )
    .unwrap();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "infra/main.tf", "{result}");
    }
}

#[test]
fn fail_on_and_config_decide_the_exit_code() {
    let r = Runner::new("testdata/demo");
    let base = [("INPUT_WORKING_DIRECTORY", "infra"), ("INPUT_PATHS", ".")];
    let run = |extra: &[(&str, &str)]| {
        let mut env = base.to_vec();
        env.extend_from_slice(extra);
        r.run("scan", &env)
    };
    assert_eq!(run(&[("INPUT_FAIL_ON", "none")]).outputs["exit-code"], "0");
    assert_eq!(
        run(&[("INPUT_FAIL_ON", "critical")]).outputs["exit-code"],
        "0"
    );
    // A configuration file (relative to the working directory) sets fail-on.
    std::fs::write(r.workspace().join("infra/ci.yaml"), "fail-on: critical\n").unwrap();
    let step = run(&[("INPUT_CONFIG", "ci.yaml")]);
    assert_eq!(step.outputs["exit-code"], "0");
    assert_eq!(step.outputs["findings"], "6", "findings are still reported");
    // A usage error: exit code 2, and the gate says so.
    let step = run(&[("INPUT_FAIL_ON", "sometimes")]);
    assert_eq!(step.out.status.code(), Some(0));
    assert_eq!(step.outputs["exit-code"], "2");
    let gate = r.run("gate", &[("EXIT_CODE", "2")]);
    assert_eq!(gate.out.status.code(), Some(2));
    let gate = r.run("gate", &[("EXIT_CODE", "0")]);
    assert_eq!(gate.out.status.code(), Some(0));
}

#[test]
fn clean_scan_and_suppressed_findings_pass() {
    let r = Runner::new("testdata/cli/suppressed-terraform");
    let step = r.run(
        "scan",
        &[
            ("INPUT_PATHS", "infra"),
            ("INPUT_FORMAT", "github"),
            ("INPUT_SARIF_FILE", "out.sarif"),
        ],
    );
    // Three high findings are suppressed, one medium and one low are not: the default gate
    // (high) passes.
    assert_eq!(
        step.outputs,
        outputs(&[
            ("findings", "2"),
            ("sarif-file", "out.sarif"),
            ("exit-code", "0")
        ])
    );
    let log = step.stdout();
    assert!(
        !log.contains("::group::"),
        "github format is not printed twice"
    );
    assert_eq!(
        log.lines().filter(|l| l.starts_with("::warning ")).count(),
        2,
        "the medium finding and the suppression without a reason:\n{log}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.workspace().join("out.sarif")).unwrap())
            .unwrap();
    let suppressed = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(suppressed, 3);
    assert!(step.summary.contains("IMDS002"), "{}", step.summary);
}

#[test]
fn missing_runner_environment_is_an_error() {
    let r = Runner::new("testdata/demo");
    let mut cmd = Command::new("bash");
    let out = cmd
        .arg(SCRIPT)
        .arg("scan")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ROLEGRAPH_BIN", env!("CARGO_BIN_EXE_rolegraph"))
        .current_dir(r.dir.path())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GITHUB_WORKSPACE is not set"));
    let out = Command::new("bash")
        .arg(SCRIPT)
        .arg("nonsense")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// action.yml and the script agree: every input is passed to a step as INPUT_*, and every
/// output is one the scan step writes.
#[test]
fn action_yml_matches_the_script() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).unwrap();
    let action: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let inputs: Vec<String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        inputs,
        [
            "paths",
            "plan",
            "format",
            "fail-on",
            "config",
            "sarif-file",
            "upload-sarif",
            "category",
            "working-directory",
            "version"
        ]
    );
    let script = std::fs::read_to_string(SCRIPT).unwrap();
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    for input in &inputs {
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        let used_by_step = steps.iter().any(|s| {
            s["env"]
                .get(var.as_str())
                .and_then(|v| v.as_str())
                .is_some_and(|v| v == format!("${{{{ inputs.{input} }}}}"))
        });
        let used_in_with = text.contains(&format!("inputs.{input}"));
        match input.as_str() {
            // Used by the workflow steps themselves (cache, upload).
            "upload-sarif" | "category" => assert!(used_in_with, "{input}"),
            _ => {
                assert!(used_by_step, "{input} is not passed as {var}");
                assert!(script.contains(&var), "the script does not read {var}");
            }
        }
    }
    for (name, value) in action["outputs"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        assert_eq!(
            value["value"].as_str().unwrap(),
            format!("${{{{ steps.scan.outputs.{name} }}}}")
        );
        assert!(script.contains(&format!("output {name} ")), "{name}");
    }
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert_eq!(
        uses,
        ["actions/cache@v4", "github/codeql-action/upload-sarif@v3"]
    );
}
