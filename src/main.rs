//! The `rolegraph` command line: wires clap to the library.

use clap::{Parser, Subcommand, ValueEnum};
use rolegraph::config::FailOn;
use rolegraph::parse::hcl::module::VarInputs;
use rolegraph::report::{OutputFormat, RenderOptions};
use rolegraph::{ScanOptions, policies};
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
            policies::RULESET_VERSION,
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

#[derive(Subcommand)]
enum Command {
    /// Scan Terraform under the given paths.
    Scan {
        /// Files or directories (default: the current directory).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Write the report to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Exit 1 when a finding has this severity or higher (findings suppressed in
        /// source never count) [default: high, or `fail-on` of the configuration].
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
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
            let (view, diags) = rolegraph::draw::view(&ScanOptions {
                paths,
                ..Default::default()
            });
            for d in diags
                .iter()
                .filter(|d| d.level == rolegraph::doc::DiagLevel::Error)
            {
                eprintln!("error: {}: {}", d.span, d.message);
            }
            let text = match format {
                GraphFormat::Dot => rolegraph::draw::dot(&view),
                GraphFormat::Mermaid => rolegraph::draw::mermaid(&view),
                GraphFormat::Json => rolegraph::draw::json(&view),
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
            print!("{}", policies::rules_text());
            ExitCode::SUCCESS
        }
        Command::Rules { rule: Some(rule) } => match policies::find(&rule) {
            Some(m) => {
                print!("{}", policies::explain_text(m));
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
            let meta = policies::all()
                .iter()
                .find(|m| m.id.eq_ignore_ascii_case(&target) || m.slug == target);
            if let (Some(m), true) = (meta, paths.is_empty()) {
                print!("{}", policies::explain_text(m));
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
        Command::Scan {
            paths,
            format,
            output,
            fail_on,
            select,
            ignore,
            vars,
            var_files,
            allow_parse_errors,
            account_ids,
            config,
            quiet,
        } => {
            // The configuration: given, or found from the scan root up.
            let config_path =
                config.or_else(|| paths.first().and_then(|p| rolegraph::config::discover(p)));
            let loaded = match config_path.as_deref().map(rolegraph::config::load) {
                Some(Ok(l)) => Some(l),
                Some(Err(e)) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
                None => None,
            };
            let cfg = loaded
                .as_ref()
                .map(|l| l.config.clone())
                .unwrap_or_default();
            // Flags override the configuration.
            let fail_on = fail_on.or(cfg.fail_on).unwrap_or(FailOn::High);
            let select = if select.is_empty() {
                cfg.select.clone()
            } else {
                select
            };
            let ignore = if ignore.is_empty() {
                cfg.ignore.clone()
            } else {
                ignore
            };
            let mut all_var_files = loaded.as_ref().map(|l| l.var_files()).unwrap_or_default();
            all_var_files.extend(var_files);
            let var_files = all_var_files;
            let exclude = match loaded.as_ref().map(|l| l.exclude()) {
                Some(Ok(x)) => x,
                Some(Err(e)) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
                None => None,
            };

            let parsed_vars = match parse_vars(vars) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            for f in &var_files {
                if !f.is_file() {
                    eprintln!("error: --var-file {}: no such file", f.display());
                    return ExitCode::from(2);
                }
            }
            for s in select.iter().chain(ignore.iter()) {
                if !rolegraph::rules::is_rule_or_family(s) {
                    eprintln!("error: unknown rule or family {s:?}; `rolegraph rules` lists them");
                    return ExitCode::from(2);
                }
            }
            let opts = ScanOptions {
                paths,
                vars: VarInputs {
                    var_files,
                    vars: parsed_vars,
                },
                select,
                ignore,
                severity: cfg.severity.clone(),
                exclude,
                account_ids: {
                    let mut ids = cfg.account_ids.clone();
                    ids.extend(account_ids);
                    ids
                },
            };
            let report = if !quiet && std::io::stderr().is_terminal() {
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} parsing {bar:30} {pos}/{len} inputs ({elapsed})",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                let report = rolegraph::scan_with_progress(&opts, &|done, total| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                });
                bar.finish_and_clear();
                report
            } else {
                rolegraph::scan(&opts)
            };
            let metas: Vec<&policies::RuleMeta> = report
                .rules_run
                .iter()
                .filter_map(|id| policies::get(id))
                .collect();
            let to_terminal = output.is_none() && std::io::stdout().is_terminal();
            let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let sources = |f: &str| std::fs::read_to_string(f).ok();
            let text = rolegraph::report::render(
                &report,
                format,
                &RenderOptions {
                    color,
                    tool_version: env!("CARGO_PKG_VERSION"),
                    ruleset_version: policies::RULESET_VERSION,
                    rules: &metas,
                    sources: &sources,
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
                // Keep the gate's reason visible when the report goes elsewhere.
                for d in report
                    .diagnostics
                    .iter()
                    .filter(|d| d.level == rolegraph::doc::DiagLevel::Error)
                {
                    eprintln!("error: {}: {}", d.span, d.message);
                }
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
