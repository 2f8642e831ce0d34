//! The `rolegraph` command line: wires clap to the library.

use clap::{Parser, Subcommand, ValueEnum};
use rolegraph::ScanOptions;
use rolegraph::config::FailOn;
use rolegraph::parse::hcl::module::VarInputs;
use rolegraph::report::{OutputFormat, RenderOptions};
use rolegraph::rules::meta;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

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
    about = "How does each AWS compute workload get its credentials, and is that safe?"
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

/// A 12-digit AWS account ID.
fn parse_account_id(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(format!("{s:?} is not an AWS account ID (12 digits)"))
    }
}

/// `--var NAME=VALUE` pairs, or the usage error.
fn parse_vars(vars: Vec<String>) -> Result<Vec<(String, String)>, String> {
    let mut parsed = Vec::new();
    for v in vars {
        match v.split_once('=') {
            Some((k, val)) if !k.trim().is_empty() => {
                parsed.push((k.trim().to_string(), val.to_string()))
            }
            _ => return Err(format!("--var expects NAME=VALUE, got {v:?}")),
        }
    }
    Ok(parsed)
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

/// What to scan and how: shared by `scan` and `baseline`.
#[derive(clap::Args)]
struct Inputs {
    /// Files or directories (default: the current directory, unless --plan is given).
    paths: Vec<PathBuf>,
    /// A Terraform plan as JSON (`terraform show -json PLANFILE`), of any name;
    /// repeatable. `.json` files under PATHs that are plans are found by their content.
    #[arg(long = "plan", value_name = "FILE")]
    plans: Vec<PathBuf>,
    /// The directory of the configuration a plan was made from, so findings point at the
    /// .tf files (default: the plan file's directory, then the current directory).
    #[arg(long = "tf-dir", value_name = "DIR")]
    tf_dir: Option<PathBuf>,
    /// Run only these rules (IDs or families, comma-separated: IMDS001,WL).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules (IDs or families, comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Set a Terraform root variable (repeatable): --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Load Terraform variables from a .tfvars or .tfvars.json file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Do not fail (exit 2) when a file cannot be parsed; report it and go on.
    #[arg(long)]
    allow_parse_errors: bool,
    /// One of your own AWS account IDs (repeatable): trust in it is not cross-account.
    #[arg(long = "account-id", value_name = "ID", value_parser = parse_account_id)]
    account_ids: Vec<String>,
    /// Read this configuration file instead of looking for `.rolegraph.yaml` from the
    /// scan root up.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// No progress bar (it is only drawn when standard error is a terminal anyway).
    #[arg(long, short)]
    quiet: bool,
}

/// The scan the inputs ask for, with what the configuration file adds.
struct Prepared {
    opts: ScanOptions,
    /// `fail-on` of the configuration file.
    fail_on: Option<FailOn>,
    allow_parse_errors: bool,
    quiet: bool,
    /// `baseline` of the configuration file (relative to the file's directory).
    baseline: Option<PathBuf>,
}

impl Inputs {
    /// The scan options (flags over the configuration file), or a usage error.
    fn prepare(self) -> Result<Prepared, String> {
        let paths = if self.paths.is_empty() && self.plans.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths
        };
        // The configuration: given, or found from the scan root (or the plan) up.
        let config_path = self.config.or_else(|| {
            paths
                .first()
                .or(self.plans.first())
                .and_then(|p| rolegraph::config::discover(p))
        });
        let loaded = match config_path.as_deref().map(rolegraph::config::load) {
            Some(Ok(l)) => Some(l),
            Some(Err(e)) => return Err(e.to_string()),
            None => None,
        };
        let cfg = loaded
            .as_ref()
            .map(|l| l.config.clone())
            .unwrap_or_default();
        // Flags override the configuration.
        let select = if self.select.is_empty() {
            cfg.select.clone()
        } else {
            self.select
        };
        let ignore = if self.ignore.is_empty() {
            cfg.ignore.clone()
        } else {
            self.ignore
        };
        let mut var_files = loaded.as_ref().map(|l| l.var_files()).unwrap_or_default();
        var_files.extend(self.var_files);
        let exclude = match loaded.as_ref().map(|l| l.exclude()) {
            Some(Ok(x)) => x,
            Some(Err(e)) => return Err(e.to_string()),
            None => None,
        };
        let parsed_vars = parse_vars(self.vars)?;
        for f in &var_files {
            if !f.is_file() {
                return Err(format!("--var-file {}: no such file", f.display()));
            }
        }
        for f in &self.plans {
            if !f.is_file() {
                return Err(format!("--plan {}: no such file", f.display()));
            }
        }
        if let Some(d) = &self.tf_dir
            && !d.is_dir()
        {
            return Err(format!("--tf-dir {}: no such directory", d.display()));
        }
        for s in select.iter().chain(ignore.iter()) {
            if !rolegraph::rules::is_rule_or_family(s) {
                return Err(format!(
                    "unknown rule or family {s:?}; `rolegraph rules` lists them"
                ));
            }
        }
        let mut account_ids = cfg.account_ids.clone();
        account_ids.extend(self.account_ids);
        Ok(Prepared {
            opts: ScanOptions {
                paths,
                vars: VarInputs {
                    var_files,
                    vars: parsed_vars,
                },
                select,
                ignore,
                severity: cfg.severity.clone(),
                exclude,
                account_ids,
                plans: self.plans,
                plan_locations: rolegraph::parse::plan::Locations {
                    tf_dir: self.tf_dir,
                },
                changed_only: false,
            },
            fail_on: cfg.fail_on,
            baseline: loaded.as_ref().and_then(|l| l.baseline()),
            allow_parse_errors: self.allow_parse_errors,
            quiet: self.quiet,
        })
    }
}

/// Run a scan, with a progress bar when standard error is a terminal.
fn run_scan(opts: &ScanOptions, quiet: bool) -> rolegraph::finding::Report {
    if !quiet && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} parsing {bar:30} {pos}/{len} inputs ({elapsed})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let report = rolegraph::scan_with_progress(opts, &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        });
        bar.finish_and_clear();
        report
    } else {
        rolegraph::scan(opts)
    }
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

#[derive(Subcommand)]
enum Command {
    /// Scan Terraform (configurations and plans) and CloudFormation under the given paths.
    Scan {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Write the report to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
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
        inputs: Inputs,
        /// The baseline file to write.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// List the rules, or show one rule's full documentation.
    Rules {
        /// Rule ID (IMDS001) or slug (imdsv2-not-required): print its documentation, with
        /// Terraform and CloudFormation examples and the equivalent checks of other tools.
        rule: Option<String>,
    },
    /// Draw the credential graph: workloads -> launch templates and instance profiles ->
    /// roles -> policies, with the resources that have findings marked.
    Graph {
        /// Files or directories (default: the current directory).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
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
        /// Files or directories to scan (default: the current directory).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
        /// Set a Terraform root variable (repeatable): --var name=value.
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Load Terraform variables from a .tfvars or .tfvars.json file (repeatable).
        #[arg(long = "var-file", value_name = "FILE")]
        var_files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Graph {
            paths,
            format,
            output,
        } => {
            let (view, diags) = rolegraph::report::graph::view(&ScanOptions {
                paths,
                ..Default::default()
            });
            for d in diags
                .iter()
                .filter(|d| d.level == rolegraph::document::DiagLevel::Error)
            {
                eprintln!("error: {}: {}", d.span, d.message);
            }
            let text = match format {
                GraphFormat::Dot => rolegraph::report::graph::dot(&view),
                GraphFormat::Mermaid => rolegraph::report::graph::mermaid(&view),
                GraphFormat::Json => rolegraph::report::graph::json(&view),
            };
            let written = match &output {
                Some(path) => std::fs::write(path, &text),
                None => std::io::stdout().lock().write_all(text.as_bytes()),
            };
            if let Err(e) = written {
                eprintln!("error: cannot write the graph: {e}");
                return ExitCode::from(2);
            }
            if rolegraph::has_errors(&diags) {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Rules { rule: None } => {
            print!("{}", meta::rules_text());
            ExitCode::SUCCESS
        }
        Command::Rules { rule: Some(rule) } => match meta::find(&rule) {
            Some(m) => {
                print!("{}", meta::explain_text(m));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: no rule {rule}; `rolegraph rules` lists them");
                ExitCode::from(2)
            }
        },
        Command::Explain {
            target,
            paths,
            format,
            vars,
            var_files,
        } => {
            let meta = meta::all()
                .iter()
                .find(|m| m.id.eq_ignore_ascii_case(&target) || m.slug == target);
            if let (Some(m), true) = (meta, paths.is_empty()) {
                print!("{}", meta::explain_text(m));
                return ExitCode::SUCCESS;
            }
            let vars = match parse_vars(vars) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let opts = ScanOptions {
                paths: if paths.is_empty() {
                    vec![PathBuf::from(".")]
                } else {
                    paths
                },
                vars: VarInputs { var_files, vars },
                ..Default::default()
            };
            match rolegraph::explain::explain(&opts, &target) {
                Ok(list) => {
                    match format {
                        ExplainFormat::Text => print!("{}", rolegraph::explain::render_text(&list)),
                        ExplainFormat::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&list).expect("serializable")
                        ),
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Baseline { inputs, output } => {
            let p = match inputs.prepare() {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut read = p.opts.plans.clone();
            read.extend(p.opts.vars.var_files.iter().cloned());
            if rolegraph::discover::is_input(&output, &p.opts.paths, &read) {
                eprintln!(
                    "error: -o {}: that file is one of the inputs of this scan; not overwritten",
                    output.display()
                );
                return ExitCode::from(2);
            }
            let report = run_scan(&p.opts, p.quiet);
            print_errors(&report);
            if report.has_parse_errors() && !p.allow_parse_errors {
                eprintln!(
                    "error: not writing {}: some files could not be parsed (pass --allow-parse-errors to record the rest)",
                    output.display()
                );
                return ExitCode::from(2);
            }
            if let Err(e) = std::fs::write(&output, rolegraph::baseline::render(&report)) {
                eprintln!("error: cannot write {}: {e}", output.display());
                return ExitCode::from(2);
            }
            let n = report.active().count();
            eprintln!(
                "recorded {n} finding{} in {}",
                if n == 1 { "" } else { "s" },
                output.display()
            );
            ExitCode::SUCCESS
        }
        Command::Scan {
            inputs,
            format,
            output,
            fail_on,
            changed_only,
            baseline,
        } => {
            let p = match inputs.prepare() {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let fail_on = fail_on.or(p.fail_on).unwrap_or(FailOn::High);
            let allow_parse_errors = p.allow_parse_errors;
            let mut opts = p.opts;
            opts.changed_only = changed_only;
            // The flag, else the configuration file's.
            let baseline = baseline.or(p.baseline.clone());
            let baseline_path = baseline.clone();
            let baseline = match &baseline {
                None => None,
                // Opened without blocking, a regular file within the plan size limit.
                Some(path) => match rolegraph::fsread::read_string(
                    path,
                    rolegraph::parse::hcl::module::MAX_PLAN_SIZE,
                    rolegraph::fsread::Links::Follow,
                )
                .map_err(|e| e.to_string())
                .and_then(|t| rolegraph::baseline::Baseline::parse(&t))
                {
                    Ok(b) => Some(b),
                    Err(e) => {
                        eprintln!("error: --baseline {}: {e}", path.display());
                        return ExitCode::from(2);
                    }
                },
            };
            // The report must not overwrite what it is about.
            if let Some(out) = &output {
                let mut read = opts.plans.clone();
                read.extend(opts.vars.var_files.iter().cloned());
                read.extend(baseline_path.iter().cloned());
                if rolegraph::discover::is_input(out, &opts.paths, &read) {
                    eprintln!(
                        "error: -o {}: that file is one of the inputs of this scan; not overwritten",
                        out.display()
                    );
                    return ExitCode::from(2);
                }
            }
            let mut report = run_scan(&opts, p.quiet);
            if let Some(b) = &baseline {
                b.apply(&mut report);
            }
            let metas: Vec<&meta::RuleMeta> = report
                .rules_run
                .iter()
                .filter_map(|id| meta::get(id))
                .collect();
            let to_terminal = output.is_none() && std::io::stdout().is_terminal();
            let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let sources = |f: &str| {
                rolegraph::fsread::read_string(
                    std::path::Path::new(f),
                    rolegraph::parse::hcl::module::MAX_PLAN_SIZE,
                    rolegraph::fsread::Links::Follow,
                )
                .ok()
            };
            let link_base = github_link_base();
            let text = rolegraph::report::render(
                &report,
                format,
                &RenderOptions {
                    color,
                    tool_version: env!("CARGO_PKG_VERSION"),
                    ruleset_version: meta::RULESET_VERSION,
                    rules: &metas,
                    sources: &sources,
                    link_base: link_base.as_deref(),
                },
            );
            let written = match &output {
                Some(path) => std::fs::write(path, &text),
                None => std::io::stdout().lock().write_all(text.as_bytes()),
            };
            if let Err(e) = written {
                let target = output
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "standard output".into());
                eprintln!("error: cannot write {target}: {e}");
                return ExitCode::from(2);
            }
            if output.is_some() || format != OutputFormat::Text {
                print_errors(&report);
            }
            if report.has_parse_errors() && !allow_parse_errors {
                return ExitCode::from(2);
            }
            match fail_on.threshold() {
                // A finding suppressed in source never fails the gate.
                Some(t) if report.active().any(|f| f.severity >= t) => ExitCode::from(1),
                _ => ExitCode::SUCCESS,
            }
        }
    }
}
