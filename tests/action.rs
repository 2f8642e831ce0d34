//! The GitHub Action's shell steps (scripts/action.sh), run the way action.yml runs them,
//! in a simulated runner: a workspace with fixtures, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
//! files, the inputs as INPUT_* variables, and the rolegraph binary this build made
//! (ROLEGRAPH_BIN) so nothing is downloaded or built. The install step's release download
//! runs against a fake release served on 127.0.0.1 (ROLEGRAPH_RELEASE_URL): download and
//! checksum, a wrong or missing checksum, and the fallback to a source build (with a fake
//! `cargo`, so nothing compiles).

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

/// The scan step runs rolegraph once (several `--format`s), not once per output, and
/// passes the category into the SARIF.
#[test]
fn one_scan_writes_every_output() {
    let r = Runner::new("testdata/demo");
    let log = r.dir.path().join("calls");
    let wrapper = r.dir.path().join("rolegraph-wrapper");
    std::fs::write(
        &wrapper,
        format!(
            "#!/usr/bin/env bash\necho \"$*\" >>'{}'\nexec '{}' \"$@\"\n",
            log.display(),
            env!("CARGO_BIN_EXE_rolegraph")
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&wrapper).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&wrapper, perms).unwrap();
    let step = r.run(
        "scan",
        &[
            ("ROLEGRAPH_BIN", wrapper.to_str().unwrap()),
            ("INPUT_WORKING_DIRECTORY", "infra"),
            ("INPUT_FORMAT", "json"),
            ("INPUT_CATEGORY", "infra-prod"),
        ],
    );
    assert_eq!(step.outputs["exit-code"], "1", "{}", step.stdout());
    assert_eq!(step.outputs["findings"], "6");
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls.lines().count(), 1, "{calls}");
    assert!(calls.starts_with("scan "), "{calls}");
    // Annotations, then the JSON report in its group, and the summary.
    let out = step.stdout();
    assert!(out.starts_with("::"), "{out}");
    let json = out
        .split_once("::group::rolegraph report (json)\n")
        .and_then(|(_, r)| r.split_once("::endgroup::"))
        .map(|(j, _)| j)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["summary"]["findings"], 6);
    assert!(step.summary.contains("IMDS001"), "{}", step.summary);
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(r.workspace().join("infra/rolegraph.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "infra-prod/");
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
    assert!(
        step.summary.contains("The scan failed (exit code 2)")
            && step.summary.contains("sometimes"),
        "{}",
        step.summary
    );
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
            "terraform-get",
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
            "upload-sarif" => assert!(used_in_with, "{input}"),
            // Used by the upload, and written into the SARIF (automationDetails).
            "category" => {
                assert!(used_in_with, "{input}");
                assert!(used_by_step && script.contains(&var), "{input}");
            }
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

// ---- release download (install step) against a fake release on the loopback address ----

/// A release server on 127.0.0.1 serving the files under `root` by URL path (404 for the
/// rest). It answers at most 20 requests and stops by itself after 60 seconds; the paths
/// it was asked for are recorded.
struct ReleaseServer {
    url: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

fn serve(root: PathBuf) -> ReleaseServer {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut served = 0;
        while served < 20 && std::time::Instant::now() < deadline {
            let mut conn = match listener.accept() {
                Ok((conn, _)) => conn,
                Err(_) => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                }
            };
            served += 1;
            conn.set_nonblocking(false).unwrap();
            conn.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).to_string();
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            seen.lock().unwrap().push(path.clone());
            let file = root.join(path.trim_start_matches('/'));
            let response = match std::fs::read(&file) {
                Ok(body) if file.is_file() => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = conn.write_all(&response);
        }
    });
    ReleaseServer { url, requests }
}

/// The archive name the action asks for on this machine (dist's target triples).
fn release_target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        other => panic!("no release target for {other:?}"),
    }
}

fn sh(script: &str, cwd: &Path) {
    let out = Command::new("sh")
        .args(["-c", script])
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(out.status.success(), "{script}: {out:?}");
}

/// A fake release v9.9.9 laid out as dist publishes it: rolegraph-<target>.tar.gz holding
/// rolegraph-<target>/rolegraph (a script that says it is the release), and its .sha256 —
/// the right one, or the text given instead. Returns the folder to serve.
fn fake_release(dir: &Path, sha256: Option<&str>) -> PathBuf {
    let target = release_target();
    let stage = dir.join("stage").join(format!("rolegraph-{target}"));
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::write(
        stage.join("rolegraph"),
        "#!/bin/sh\necho 'rolegraph 9.9.9 (the fake release)'\n",
    )
    .unwrap();
    let root = dir.join("releases");
    let assets = root.join("v9.9.9");
    std::fs::create_dir_all(&assets).unwrap();
    let name = format!("rolegraph-{target}.tar.gz");
    sh(
        &format!(
            "chmod +x rolegraph-{target}/rolegraph && tar -czf '{}' rolegraph-{target}",
            assets.join(&name).display()
        ),
        &dir.join("stage"),
    );
    match sha256 {
        Some(sum) => std::fs::write(assets.join(format!("{name}.sha256")), sum).unwrap(),
        None => sh(
            &format!("(sha256sum {name} 2>/dev/null || shasum -a 256 {name}) > {name}.sha256"),
            &assets,
        ),
    }
    root
}

/// A `cargo` that "builds" rolegraph into --target-dir/release as a script saying so, so
/// the fallback to a source build is tested without compiling anything.
fn fake_cargo(dir: &Path) -> String {
    let bin = dir.join("fake-cargo");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("cargo"),
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do [ \"$1\" = --target-dir ] && t=\"$2\"; shift; done\n\
         mkdir -p \"$t/release\"\n\
         printf '#!/bin/sh\\necho \"rolegraph (built from source)\"\\n' > \"$t/release/rolegraph\"\n\
         chmod +x \"$t/release/rolegraph\"\n",
    )
    .unwrap();
    sh("chmod +x cargo", &bin);
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn install_downloads_and_verifies_the_release_of_the_version_input() {
    let r = Runner::new("testdata/demo");
    let server = serve(fake_release(r.dir.path(), None));
    let step = r.run(
        "install",
        &[
            ("ROLEGRAPH_BIN", ""),
            ("INPUT_VERSION", "9.9.9"),
            ("ROLEGRAPH_RELEASE_URL", &server.url),
        ],
    );
    assert_eq!(step.out.status.code(), Some(0), "{:?}", step.out);
    let target = release_target();
    assert!(
        step.stdout().contains(&format!(
            "verified rolegraph-{target}.tar.gz of release v9.9.9"
        )),
        "{}",
        step.stdout()
    );
    assert!(
        step.stdout()
            .ends_with("rolegraph 9.9.9 (the fake release)\n")
    );
    let bin = r
        .dir
        .path()
        .join(format!("rolegraph-9.9.9/rolegraph-{target}/rolegraph"));
    assert_eq!(step.outputs, outputs(&[("bin", bin.to_str().unwrap())]));
    assert_eq!(
        *server.requests.lock().unwrap(),
        [
            format!("/v9.9.9/rolegraph-{target}.tar.gz"),
            format!("/v9.9.9/rolegraph-{target}.tar.gz.sha256"),
        ]
    );
}

#[test]
fn install_downloads_the_release_of_the_action_ref_when_it_is_a_version_tag() {
    let r = Runner::new("testdata/demo");
    let server = serve(fake_release(r.dir.path(), None));
    let step = r.run(
        "install",
        &[
            ("ROLEGRAPH_BIN", ""),
            ("INPUT_VERSION", ""),
            ("ACTION_REF", "v9.9.9"),
            ("ROLEGRAPH_RELEASE_URL", &server.url),
        ],
    );
    assert_eq!(step.out.status.code(), Some(0), "{:?}", step.out);
    assert!(
        step.stdout()
            .ends_with("rolegraph 9.9.9 (the fake release)\n")
    );
    assert_eq!(server.requests.lock().unwrap().len(), 2);
}

#[test]
fn install_refuses_a_release_whose_checksum_does_not_match() {
    let r = Runner::new("testdata/demo");
    let wrong = format!("{}  rolegraph.tar.gz\n", "0".repeat(64));
    let server = serve(fake_release(r.dir.path(), Some(&wrong)));
    let step = r.run(
        "install",
        &[
            ("ROLEGRAPH_BIN", ""),
            ("INPUT_VERSION", "v9.9.9"),
            ("ROLEGRAPH_RELEASE_URL", &server.url),
            ("PATH", &fake_cargo(r.dir.path())),
            ("ACTION_PATH", r.dir.path().join("src").to_str().unwrap()),
        ],
    );
    // The step fails: neither the download runs nor a source build replaces it.
    assert_eq!(step.out.status.code(), Some(2));
    let stdout = step.stdout();
    assert!(
        stdout.starts_with(&format!(
            "::error title=rolegraph action::checksum mismatch for rolegraph-{}.tar.gz of release v9.9.9: expected {}, got ",
            release_target(),
            "0".repeat(64)
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("fake release") && !stdout.contains("built from source"));
    assert_eq!(step.outputs, outputs(&[]));
}

#[test]
fn install_refuses_a_release_without_a_checksum() {
    let r = Runner::new("testdata/demo");
    let root = fake_release(r.dir.path(), None);
    std::fs::remove_file(
        root.join("v9.9.9")
            .join(format!("rolegraph-{}.tar.gz.sha256", release_target())),
    )
    .unwrap();
    let server = serve(root);
    let step = r.run(
        "install",
        &[
            ("ROLEGRAPH_BIN", ""),
            ("INPUT_VERSION", "9.9.9"),
            ("ROLEGRAPH_RELEASE_URL", &server.url),
        ],
    );
    assert_eq!(step.out.status.code(), Some(2));
    assert!(step.stdout().contains("no rolegraph-"), "{}", step.stdout());
    assert!(
        step.stdout()
            .contains(".sha256: not running an unverified binary")
    );
    assert_eq!(step.outputs, outputs(&[]));
}

#[test]
fn install_builds_from_source_when_there_is_no_release() {
    let r = Runner::new("testdata/demo");
    let server = serve(fake_release(r.dir.path(), None));
    let src = r.dir.path().join("src");
    let step = r.run(
        "install",
        &[
            ("ROLEGRAPH_BIN", ""),
            ("INPUT_VERSION", "1.2.3"),
            ("ROLEGRAPH_RELEASE_URL", &server.url),
            ("PATH", &fake_cargo(r.dir.path())),
            ("ACTION_PATH", src.to_str().unwrap()),
        ],
    );
    assert_eq!(step.out.status.code(), Some(0), "{:?}", step.out);
    assert_eq!(
        step.stdout(),
        "::warning title=rolegraph action::no release binary of rolegraph 1.2.3 for this runner; building from the action's source\nrolegraph (built from source)\n"
    );
    let bin = src.join("target/release/rolegraph");
    assert_eq!(step.outputs, outputs(&[("bin", bin.to_str().unwrap())]));
    assert_eq!(
        *server.requests.lock().unwrap(),
        [format!("/v1.2.3/rolegraph-{}.tar.gz", release_target())]
    );
}

#[test]
fn install_builds_from_source_on_a_branch_ref_without_asking_for_a_release() {
    let r = Runner::new("testdata/demo");
    let server = serve(fake_release(r.dir.path(), None));
    let src = r.dir.path().join("src");
    let step = r.run(
        "install",
        &[
            ("ROLEGRAPH_BIN", ""),
            ("INPUT_VERSION", ""),
            ("ACTION_REF", "main"),
            ("ROLEGRAPH_RELEASE_URL", &server.url),
            ("PATH", &fake_cargo(r.dir.path())),
            ("ACTION_PATH", src.to_str().unwrap()),
        ],
    );
    assert_eq!(step.out.status.code(), Some(0), "{:?}", step.out);
    assert_eq!(step.stdout(), "rolegraph (built from source)\n");
    assert!(server.requests.lock().unwrap().is_empty());
}

/// `terraform-get: true` installs a git module (a repository on the local file system) with
/// `terraform get` before the scan, so the finding inside the module is reported; without
/// it the summary line says the module is not installed. Skipped when terraform is not on
/// the PATH (the other tests never need it).
#[test]
fn terraform_get_installs_git_modules_before_the_scan() {
    if std::process::Command::new("terraform")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("terraform is not on the PATH: skipped");
        return;
    }
    let runner = Runner::new("testdata/cli/terraform-get");
    // The module: a git repository next to the workspace.
    let repo = runner.dir.path().join("module-repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join("main.tf"),
        "resource \"aws_instance\" \"in_module\" {\n  ami           = \"ami-0123456789abcdef0\"\n  instance_type = \"t3.micro\"\n}\n",
    )
    .unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "main.tf"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qm",
        "module",
    ]);
    let root = runner.workspace().join("infra");
    std::fs::write(
        root.join("main.tf"),
        format!(
            "module \"remote\" {{\n  source = \"git::file://{}\"\n}}\n",
            repo.display()
        ),
    )
    .unwrap();

    let without = runner.run(
        "scan",
        &[("INPUT_PATHS", "infra"), ("INPUT_UPLOAD_SARIF", "false")],
    );
    assert_eq!(without.outputs["findings"], "0", "{}", without.stdout());
    assert!(
        without
            .stdout()
            .contains("1 module not installed: run `terraform get`"),
        "{}",
        without.stdout()
    );

    let with = runner.run(
        "scan",
        &[("INPUT_PATHS", "infra"), ("INPUT_TERRAFORM_GET", "true")],
    );
    assert_eq!(with.outputs["findings"], "1", "{}", with.stdout());
    assert!(
        with.stdout()
            .contains("module.remote.aws_instance.in_module"),
        "{}",
        with.stdout()
    );
}
