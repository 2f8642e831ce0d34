//! `rolegraph completions`, `rolegraph man` and the examples of `rolegraph --help`, end to
//! end through the built binary: each completion script is loaded by its shell where that
//! shell is installed (bash always is on CI), the man page is rendered by groff without a
//! warning, and every example command of `--help` runs on a fixture with its documented
//! exit code, so a renamed flag cannot leave a stale example behind.

use assert_cmd::Command;
use std::process::Output;

fn rolegraph() -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> Output {
    rolegraph().args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Whether `program` can be started (the skip of a check that needs it says so).
fn have(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "skipped: {program} is not installed");
    }
    found
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        // (fish names long options without their dashes: `-l fail-on`.)
        for word in [
            "rolegraph",
            "scan",
            "explain",
            "baseline",
            "fail-on",
            "changed-only",
        ] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
}

#[test]
fn bash_loads_the_bash_completion_and_completes_a_subcommand() {
    if !have("bash") {
        return;
    }
    let script = stdout(&run(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rolegraph.bash");
    std::fs::write(&path, script).unwrap();
    // Load the script, then ask its function what `rolegraph ex<TAB>` completes to.
    let probe = format!(
        "source '{}' && complete -p rolegraph && COMP_WORDS=(rolegraph ex) COMP_CWORD=1 \
         COMP_LINE='rolegraph ex' COMP_POINT=12 && _rolegraph rolegraph ex rolegraph && \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    assert!(
        lines
            .next()
            .is_some_and(|l| l.contains("-F _rolegraph rolegraph")),
        "{text}"
    );
    assert_eq!(
        lines.map(str::trim).collect::<Vec<_>>(),
        ["explain"],
        "{text}"
    );
}

#[test]
fn zsh_and_fish_parse_their_completions_when_installed() {
    for (shell, args) in [("zsh", ["-n", ""]), ("fish", ["--no-execute", ""])] {
        if !have(shell) {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("rolegraph.{shell}"));
        std::fs::write(&path, stdout(&run(&["completions", shell]))).unwrap();
        let out = std::process::Command::new(shell)
            .arg(args[0])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'tcsh'"));
}

#[test]
fn man_page_names_every_command_and_renders_without_warnings() {
    let out = run(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains(".TH rolegraph 1"), "{page}");
    for cmd in [
        "scan",
        "baseline",
        "rules",
        "graph",
        "explain",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!("rolegraph\\-{cmd}(1)")),
            "no {cmd} in\n{page}"
        );
    }
    // The --help examples are in the page too.
    assert!(
        page.contains("rolegraph scan \\-\\-plan plan.json"),
        "{page}"
    );
    if !have("groff") {
        return;
    }
    let mut groff = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    groff
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = groff.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("man1");
    let out = run(&["man", "--dir", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut pages: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "rolegraph-baseline.1",
            "rolegraph-completions.1",
            "rolegraph-diagnose.1",
            "rolegraph-explain.1",
            "rolegraph-graph.1",
            "rolegraph-man.1",
            "rolegraph-rules.1",
            "rolegraph-scan.1",
            "rolegraph-simulate.1",
            "rolegraph.1",
        ]
    );
    let scan = std::fs::read_to_string(target.join("rolegraph-scan.1")).unwrap();
    assert!(scan.contains("\\-\\-changed\\-only"), "{scan}");
}

/// Every `rolegraph ...` line of the Examples section of `--help`, run with its paths
/// mapped onto fixtures, exits as the example says: 1 for the scans (the fixtures have
/// high findings), 0 for explain and diagnose, 1 for the simulation that depends.
#[test]
fn help_examples_run_on_fixtures() {
    let help = stdout(&run(&["--help"]));
    let examples = help.split("Examples:").nth(1).expect("an Examples section");
    let mut ran = Vec::new();
    for line in examples.lines() {
        let line = line.trim();
        let Some(cmd) = line.strip_prefix("rolegraph ") else {
            continue;
        };
        let cmd = cmd.split('#').next().unwrap().trim();
        let out_dir = tempfile::tempdir().unwrap();
        let sarif = out_dir.path().join("rolegraph.sarif");
        let args: Vec<String> = cmd
            .split_whitespace()
            .map(|a| match a {
                "." => "testdata/demo".to_string(),
                "infra/" => "testdata/explain/terraform".to_string(),
                "plan.json" => "testdata/plan/update/plan.json".to_string(),
                "events.json.gz" => "testdata/cli/diagnose/cfn-task.json.gz".to_string(),
                "rolegraph.sarif" => sarif.to_string_lossy().into_owned(),
                other => other.to_string(),
            })
            .collect();
        let out = rolegraph().args(&args).output().unwrap();
        // The demo and the plan have high findings: a scan exits 1, even the SARIF one
        // (its --fail-on is the default, high); explain and diagnose exit 0; the simulated
        // request depends on a policy not known (an ARN from a variable): 1.
        let expected = if cmd.starts_with("explain") || cmd.starts_with("diagnose") {
            0
        } else {
            1
        };
        ran.push(cmd.to_string());
        assert_eq!(
            out.status.code(),
            Some(expected),
            "rolegraph {cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if cmd.contains("--format sarif") {
            let sarif = std::fs::read_to_string(&sarif).unwrap();
            assert!(sarif.contains("\"IMDS001\""), "{sarif}");
        }
    }
    assert_eq!(ran.len(), 7, "{ran:?}");
}
