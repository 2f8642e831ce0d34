//! The `rolegraph` command line: parse the flags (clap), run the command, map its result
//! to the exit code (0 no finding at or above `--fail-on`, 1 findings, 2 a usage or
//! input/output error, or inputs that could not be parsed). The merge of flags and
//! configuration file is `rolegraph::config`; the scan is the library's.

mod cli_extras;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use rolegraph::config::{FailOn, ReportArgs, ReportSettings, ScanArgs, Settings};
use rolegraph::error::{Error, Outcome, UsageError};
use rolegraph::report::{OutputFormat, RenderOptions, SarifOptions};
use rolegraph::rules::meta;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Everything rolegraph writes to standard error (errors, notes, the diagnostics of a scan)
/// can hold text from the scanned files: this shadows `std::eprintln!` so that every line
/// goes through the one masking function and has its control characters escaped
/// ([`rolegraph::secrets::sanitize`]).
macro_rules! eprintln {
    ($($arg:tt)*) => {
        ::std::eprintln!("{}", rolegraph::secrets::sanitize(&format!($($arg)*)))
    };
}

fn long_version() -> &'static str {
    let iam = rolegraph::iam::dataset::source();
    let managed = rolegraph::iam::managed::source();
    Box::leak(
        format!(
            "{} (rule set {}, IAM action data of {} from {}@{}, AWS managed policies of {} from {}@{})",
            env!("CARGO_PKG_VERSION"),
            meta::RULESET_VERSION,
            iam.date,
            iam.package,
            iam.version,
            managed.date,
            managed.package,
            managed.version,
        )
        .into_boxed_str(),
    )
}

#[derive(Parser)]
#[command(
    name = "rolegraph",
    version = long_version(),
    about = "How does each AWS compute workload get its credentials, and is that safe?",
    after_help = cli_extras::EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExplainFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (GitHub renders it in Markdown).
    Mermaid,
    /// The nodes and edges as JSON.
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Scan Terraform (configurations and plans) and CloudFormation under the given paths.
    Scan {
        #[command(flatten)]
        args: ScanArgs,
        #[command(flatten)]
        report: ReportArgs,
        /// Do not fail (exit 2) when a file cannot be parsed; report it and go on.
        #[arg(long)]
        allow_parse_errors: bool,
        /// Exit 1 when a finding has this severity or higher (findings suppressed in
        /// source never count) [default: high, or `fail-on` of the configuration].
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Report only findings about resources a plan creates, updates or replaces (or
        /// whose path goes through one).
        #[arg(long)]
        changed_only: bool,
        /// Leave out the findings recorded in this baseline (see `rolegraph baseline`).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Record the findings of a scan in a baseline file, for `scan --baseline`.
    Baseline {
        #[command(flatten)]
        args: ScanArgs,
        /// Do not fail (exit 2) when a file cannot be parsed; record the rest.
        #[arg(long)]
        allow_parse_errors: bool,
        /// The baseline file to write.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// List the rules, or show one rule's full documentation.
    Rules {
        /// Rule ID (IMDS001) or slug (imdsv2-not-required): print its documentation, with
        /// Terraform and CloudFormation examples and the equivalent checks of other tools.
        /// A family (IMDS): list its rules.
        rule: Option<String>,
        /// text, or json: the rules with all their metadata, for tooling.
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Draw the credential graph: workloads -> launch templates and instance profiles ->
    /// roles -> policies, with the resources that have findings marked.
    Graph {
        #[command(flatten)]
        args: ScanArgs,
        /// Do not fail (exit 2) when a file cannot be parsed; draw the rest.
        #[arg(long)]
        allow_parse_errors: bool,
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
        /// Write the drawing to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Show how a workload gets its credentials (workload -> profile -> role -> policies)
    /// and what they allow; or, given a rule ID, the rule's documentation.
    Explain {
        /// A Terraform address (aws_lambda_function.api, module.x.aws_iam_role.r) or a
        /// CloudFormation logical ID; or a rule ID (IMDS001) or slug.
        target: String,
        #[command(flatten)]
        args: ScanArgs,
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Is a request allowed? `simulate ADDRESS ACTION [RESOURCE] [PATH]...` evaluates the
    /// policies of a workload's role (or of a role, user or group) with the same engine as
    /// the rules; `simulate --assume ROLE --principal P [PATH]...` evaluates a trust policy.
    /// Exit code 0 allowed, 1 denied or depends on a key not given, 2 error.
    #[command(
        override_usage = "rolegraph simulate [OPTIONS] ADDRESS ACTION [RESOURCE] [PATH]...\n       rolegraph simulate [OPTIONS] --assume ROLE --principal PRINCIPAL [PATH]..."
    )]
    Simulate {
        /// ADDRESS ACTION [RESOURCE] then the paths to scan (RESOURCE: an ARN, `*`, or the
        /// address of a resource of the configuration); with --assume, only the paths.
        #[command(flatten)]
        args: ScanArgs,
        /// Can PRINCIPAL assume this role (its trust policy)?
        #[arg(long, value_name = "ROLE", requires = "principal")]
        assume: Option<String>,
        /// With --assume: a service (lambda.amazonaws.com), an account ID, a role, user or
        /// session ARN, an OIDC or SAML provider ARN, or rolesanywhere.amazonaws.com.
        #[arg(long, value_name = "SERVICE_OR_ARN", requires = "assume")]
        principal: Option<String>,
        /// A request context key (repeatable; repeat a key for several values):
        /// --context aws:SourceIp=203.0.113.7.
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// Keys not given with --context are absent from the request (instead of unknown).
        #[arg(long)]
        closed_context: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Map CloudTrail AccessDenied events onto the configuration: the role, why it was
    /// denied (not granted, explicit Deny, boundary, resource not covered, condition not
    /// met, trust policy) and the line to change; or map IAM Access Analyzer unused-access
    /// findings onto the statements that grant what is unused.
    Diagnose {
        /// A CloudTrail file (`{"Records": [...]}`, gzipped or not, or one event, or
        /// `lookup-events` output); repeatable.
        #[arg(long, value_name = "FILE", required_unless_present = "access_analyzer")]
        cloudtrail: Vec<PathBuf>,
        /// An IAM Access Analyzer unused-access finding file (`get-finding-v2` or
        /// `list-findings-v2` JSON); repeatable: maps each unused permission onto the
        /// statements that grant it, with the narrowed Action list.
        #[arg(long, value_name = "FILE", conflicts_with = "cloudtrail")]
        access_analyzer: Vec<PathBuf>,
        #[command(flatten)]
        args: ScanArgs,
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into a directory.
    Man {
        /// Write rolegraph.1 and rolegraph-<command>.1 into this directory.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The commands that serve the shell print generated text and cannot fail on input.
    match cli.command {
        Command::Completions { shell } => return cli_extras::completions(shell, Cli::command()),
        Command::Man { dir } => return cli_extras::man(Cli::command(), dir.as_deref()),
        _ => {}
    }
    match run(cli.command) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(command: Command) -> Result<Outcome, Error> {
    match command {
        // Printed by `main` before it gets here.
        Command::Completions { .. } | Command::Man { .. } => Ok(Outcome::Pass),
        Command::Scan {
            args,
            report,
            allow_parse_errors,
            fail_on,
            changed_only,
            baseline,
        } => {
            let report = report.resolve()?;
            let mut settings = args.resolve()?;
            settings.scan.changed_only = changed_only;
            let fail_on = fail_on.or(settings.fail_on).unwrap_or(FailOn::High);
            // The flag, else the configuration file's.
            let baseline = baseline.or(settings.baseline.clone());
            scan(
                &settings,
                &report,
                allow_parse_errors,
                fail_on,
                baseline.as_deref(),
            )
        }
        Command::Baseline {
            args,
            allow_parse_errors,
            output,
        } => record_baseline(&args.resolve()?, allow_parse_errors, &output),
        Command::Rules { rule, format } => {
            // One rule, a family, or all.
            let (one, rules): (bool, Vec<&meta::RuleMeta>) = match &rule {
                None => (false, meta::all().iter().collect()),
                Some(r) => match meta::find(r) {
                    Some(m) => (true, vec![m]),
                    None => (false, meta::family(r)),
                },
            };
            if rules.is_empty() {
                return Err(Error::NoSuchRule(rule.unwrap_or_default()));
            }
            let text = match format {
                ExplainFormat::Json => meta::rules_json(&rules),
                ExplainFormat::Text if one => meta::explain_text(rules[0]),
                ExplainFormat::Text => meta::rules_text_of(&rules),
            };
            write_out(None, &text, "standard output")?;
            Ok(Outcome::Pass)
        }
        Command::Graph {
            args,
            allow_parse_errors,
            format,
            output,
        } => graph(
            &args.resolve()?,
            allow_parse_errors,
            format,
            output.as_deref(),
        ),
        Command::Simulate {
            args,
            assume,
            principal,
            context,
            closed_context,
            format,
        } => simulate(args, assume, principal, &context, closed_context, format),
        Command::Diagnose {
            cloudtrail,
            access_analyzer,
            args,
            format,
        } => {
            let settings = args.resolve()?;
            if !access_analyzer.is_empty() {
                let report =
                    rolegraph::diagnose::access_analyzer(&settings.scan, &access_analyzer)?;
                match format {
                    ExplainFormat::Text => {
                        print!("{}", rolegraph::diagnose::render_analyzer_text(&report))
                    }
                    ExplainFormat::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&report).expect("serializable")
                    ),
                }
                return Ok(Outcome::Pass);
            }
            let report = rolegraph::diagnose::cloudtrail(&settings.scan, &cloudtrail)?;
            match format {
                ExplainFormat::Text => print!("{}", rolegraph::diagnose::render_text(&report)),
                ExplainFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("serializable")
                ),
            }
            Ok(Outcome::Pass)
        }
        Command::Explain {
            target,
            args,
            format,
        } => {
            // A rule's documentation, unless there is something to scan.
            if args.paths.is_empty()
                && args.plans.is_empty()
                && let Some(m) = meta::all()
                    .iter()
                    .find(|m| m.id.eq_ignore_ascii_case(&target) || m.slug == target)
            {
                print!("{}", meta::explain_text(m));
                return Ok(Outcome::Pass);
            }
            let settings = args.resolve()?;
            let list = rolegraph::explain::explain(&settings.scan, &target)?;
            match format {
                ExplainFormat::Text => print!("{}", rolegraph::explain::render_text(&list)),
                ExplainFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&list).expect("serializable")
                ),
            }
            Ok(Outcome::Pass)
        }
    }
}

/// `rolegraph simulate`.
fn simulate(
    mut args: ScanArgs,
    assume: Option<String>,
    principal: Option<String>,
    context: &[String],
    closed: bool,
    format: ExplainFormat,
) -> Result<Outcome, Error> {
    use rolegraph::simulate as sim;
    let ctx = sim::context(context, closed)?;
    let list = match (assume, principal) {
        (Some(role), Some(principal)) => {
            let settings = args.resolve()?;
            sim::assume(&settings.scan, &role, &principal, &ctx)?
        }
        _ => {
            // The positionals: ADDRESS ACTION [RESOURCE] PATH...
            let mut pos: Vec<String> = args
                .paths
                .drain(..)
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if pos.len() < 2 {
                return Err(UsageError::Simulate.into());
            }
            let rest = pos.split_off(2);
            let (target, action) = (pos[0].clone(), pos[1].clone());
            let mut rest = rest.into_iter().peekable();
            // A third word is the resource when it is an ARN, `*`, or not a path on disk
            // (an address: `aws_sqs_queue.jobs`, a logical ID).
            let resource =
                rest.next_if(|r| r.starts_with("arn:") || r == "*" || !Path::new(r).exists());
            args.paths = rest.map(PathBuf::from).collect();
            let settings = args.resolve()?;
            sim::simulate(&settings.scan, &target, &action, resource.as_deref(), &ctx)?
        }
    };
    match format {
        ExplainFormat::Text => print!("{}", sim::render_text(&list)),
        ExplainFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&list).expect("serializable")
        ),
    }
    Ok(if list.iter().any(sim::Simulation::allowed) {
        Outcome::Pass
    } else {
        Outcome::Denied
    })
}

/// `rolegraph scan`.
fn scan(
    settings: &Settings,
    shown: &ReportSettings,
    allow_parse_errors: bool,
    fail_on: FailOn,
    baseline: Option<&Path>,
) -> Result<Outcome, Error> {
    // No report may overwrite what it is about.
    for out in shown.outputs.iter().filter_map(|o| o.file.as_deref()) {
        refuse_input_as_output(settings, out, baseline)?;
    }
    let baseline = match baseline {
        None => None,
        Some(path) => {
            // Opened without blocking, a regular file within the plan size limit.
            let text = rolegraph::fsread::read_string(
                path,
                rolegraph::parse::hcl::module::MAX_PLAN_SIZE,
                rolegraph::fsread::Links::Follow,
            )
            .map_err(|e| Error::ReadBaseline {
                path: path.to_path_buf(),
                source: e.into_io(),
            })?;
            Some(
                rolegraph::baseline::Baseline::parse(&text).map_err(|source| Error::Baseline {
                    path: path.to_path_buf(),
                    source,
                })?,
            )
        }
    };
    let mut report = with_progress(settings.quiet, |progress| {
        rolegraph::scan_with_progress(&settings.scan, progress)
    });
    if let Some(b) = &baseline {
        b.apply(&mut report);
    }
    warn_if_empty(&report);
    // The gate counts every finding; `--severity` only filters what is shown.
    let gate = match fail_on.threshold() {
        // A finding suppressed in source never fails the gate.
        Some(t) if report.active().any(|f| f.severity >= t) => Outcome::Findings,
        _ => Outcome::Pass,
    };
    let report = report.showing(&shown.severities);
    let metas: Vec<&meta::RuleMeta> = report
        .rules_run
        .iter()
        .filter_map(|id| meta::get(id))
        .collect();
    let sources = |f: &str| {
        rolegraph::fsread::read_string(
            Path::new(f),
            rolegraph::parse::hcl::module::MAX_PLAN_SIZE,
            rolegraph::fsread::Links::Follow,
        )
        .ok()
    };
    let link_base = github_link_base();
    let mut errors_shown = false;
    for out in &shown.outputs {
        let to_terminal = out.file.is_none() && std::io::stdout().is_terminal();
        let text = rolegraph::report::render(
            &report,
            out.format,
            &RenderOptions {
                color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                tool_version: env!("CARGO_PKG_VERSION"),
                ruleset_version: meta::RULESET_VERSION,
                rules: &metas,
                sources: &sources,
                link_base: link_base.as_deref(),
                sarif: SarifOptions {
                    root: Some(
                        shown
                            .sarif_srcroot
                            .clone()
                            .unwrap_or_else(|| settings.root.clone()),
                    ),
                    cwd: std::env::current_dir().ok(),
                    write_srcroot: shown.sarif_srcroot.is_some(),
                    category: shown.sarif_category.clone(),
                },
                show_notes: shown.show_notes,
            },
        );
        write_out(out.file.as_deref(), &text, "standard output")?;
        errors_shown |= out.file.is_none() && out.format == OutputFormat::Text;
    }
    // The text report on standard output already shows them.
    if !errors_shown {
        print_errors(&report);
    }
    if report.has_parse_errors() && !allow_parse_errors {
        return Ok(Outcome::Unreadable);
    }
    Ok(gate)
}

/// "0 files scanned" on standard error: an empty scan is not a silent pass.
fn warn_if_empty(report: &rolegraph::finding::Report) {
    if report.files_scanned == 0 {
        eprintln!(
            "warning: 0 files scanned: no Terraform or CloudFormation file found (empty, \
             ignored or excluded)"
        );
    }
}

/// `rolegraph baseline`.
fn record_baseline(
    settings: &Settings,
    allow_parse_errors: bool,
    output: &Path,
) -> Result<Outcome, Error> {
    refuse_input_as_output(settings, output, None)?;
    let report = with_progress(settings.quiet, |progress| {
        rolegraph::scan_with_progress(&settings.scan, progress)
    });
    print_errors(&report);
    warn_if_empty(&report);
    if report.has_parse_errors() && !allow_parse_errors {
        return Err(Error::IncompleteBaseline {
            path: output.to_path_buf(),
        });
    }
    write_out(Some(output), &rolegraph::baseline::render(&report), "")?;
    let n = report.active().count();
    eprintln!(
        "recorded {n} finding{} in {}",
        if n == 1 { "" } else { "s" },
        output.display()
    );
    Ok(Outcome::Pass)
}

/// `-o FILE` must not name a file the scan reads (a scanned file, a plan, a var file, the
/// baseline): the report would overwrite it.
fn refuse_input_as_output(
    settings: &Settings,
    out: &Path,
    baseline: Option<&Path>,
) -> Result<(), Error> {
    let opts = &settings.scan;
    let mut read = opts.plans.clone();
    read.extend(opts.vars.var_files.iter().cloned());
    read.extend(baseline.map(Path::to_path_buf));
    if rolegraph::is_input(out, &opts.paths, &read) {
        return Err(UsageError::OutputIsInput {
            path: out.to_path_buf(),
        }
        .into());
    }
    Ok(())
}

/// `rolegraph graph`.
fn graph(
    settings: &Settings,
    allow_parse_errors: bool,
    format: GraphFormat,
    output: Option<&Path>,
) -> Result<Outcome, Error> {
    let (view, report) = with_progress(settings.quiet, |progress| {
        rolegraph::report::graph::view(&settings.scan, progress)
    });
    print_errors(&report);
    warn_if_empty(&report);
    let text = match format {
        GraphFormat::Dot => rolegraph::report::graph::dot(&view),
        GraphFormat::Mermaid => rolegraph::report::graph::mermaid(&view),
        GraphFormat::Json => rolegraph::report::graph::json(&view),
    };
    write_out(output, &text, "the graph")?;
    if report.has_parse_errors() && !allow_parse_errors {
        Ok(Outcome::Unreadable)
    } else {
        Ok(Outcome::Pass)
    }
}

/// Write `text` to the file, else to standard output (`stdout_name` names it in the
/// error).
fn write_out(output: Option<&Path>, text: &str, stdout_name: &str) -> Result<(), Error> {
    let written = match output {
        Some(path) => rolegraph::report::write_atomic(path, text.as_bytes()),
        // A reader that stopped early (`| head`) is not an error.
        None => match std::io::stdout().lock().write_all(text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        },
    };
    written.map_err(|source| Error::Write {
        target: output
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| stdout_name.to_string()),
        source,
    })
}

/// Run `work` with a progress bar when standard error is a terminal (and not `--quiet`).
fn with_progress<T>(quiet: bool, work: impl FnOnce(rolegraph::Progress) -> T) -> T {
    if quiet || !std::io::stderr().is_terminal() {
        return work(&|_, _| {});
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} parsing {bar:30} {pos}/{len} inputs ({elapsed})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let out = work(&|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    out
}

/// Print the error-level diagnostics on standard error (the gate's reason stays visible
/// when the report goes elsewhere).
fn print_errors(report: &rolegraph::finding::Report) {
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.level == rolegraph::document::DiagLevel::Error)
    {
        eprintln!("error: {}: {}", d.span, d.message);
    }
}

/// Links from a report to the source on GitHub, when run in GitHub Actions.
fn github_link_base() -> Option<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}
