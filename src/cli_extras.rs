//! The commands that serve the shell rather than the scan: `rolegraph completions SHELL`
//! (clap_complete) and `rolegraph man` (clap_mangen), both generated from the same clap
//! definition as the command line itself so they never fall behind it; and the examples
//! that close `rolegraph --help`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// The main uses, shown after the options in `rolegraph --help` (and in the man page).
pub const EXAMPLES: &str = "\
Examples:
  Scan a pull request's Terraform and CloudFormation; exit 1 on a high finding:
    rolegraph scan . --fail-on high
    rolegraph scan . --format sarif --output rolegraph.sarif   # for code scanning

  Gate a Terraform plan on what it changes:
    terraform plan -out tfplan && terraform show -json tfplan > plan.json
    rolegraph scan --plan plan.json --changed-only --fail-on high

  Explain how a workload gets its credentials, or what a rule checks:
    rolegraph explain aws_instance.app infra/
    rolegraph explain IMDS001

  Why 403? Simulate a request, or map CloudTrail AccessDenied events to the line to fix:
    rolegraph simulate aws_instance.app s3:GetObject arn:aws:s3:::app-data/x infra/
    rolegraph diagnose --cloudtrail events.json.gz infra/";

/// Print the completion script of `shell` for `cmd` to standard output.
pub fn completions(shell: clap_complete::Shell, mut cmd: clap::Command) -> ExitCode {
    let name = cmd.get_name().to_string();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut out);
    write_stdout(&out)
}

/// The man page of `cmd` in roff: to standard output, or, with `dir`, `rolegraph.1` and one
/// page per subcommand (`rolegraph-scan.1`, ...) written into that directory.
pub fn man(cmd: clap::Command, dir: Option<&Path>) -> ExitCode {
    match dir {
        Some(dir) => {
            if let Err(e) =
                std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir))
            {
                eprintln!(
                    "error: cannot write the man pages to {}: {e}",
                    dir.display()
                );
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        None => {
            let mut out = Vec::new();
            if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
                eprintln!("error: cannot render the man page: {e}");
                return ExitCode::from(2);
            }
            write_stdout(&out)
        }
    }
}

fn write_stdout(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`rolegraph man | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(2)
        }
    }
}
