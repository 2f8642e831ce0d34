//! The project configuration file, `.rolegraph.yaml`:
//!
//! ```yaml
//! fail-on: medium            # critical, high, medium, low or none
//! select: [IMDS, WL001]      # run only these rules (IDs or families)
//! ignore: [PRIV005]          # never run these
//! severity:                  # change a rule's severity
//!   PRIV002: high
//! exclude:                   # globs, relative to this file's directory
//!   - legacy/**
//!   - "**/examples/**"
//! account-ids: ["123456789012"]   # the AWS accounts that are yours
//! var-files: [env/prod.tfvars]    # Terraform variables, like --var-file
//! baseline: .rolegraph-baseline.json
//! ```
//!
//! It is found by walking up from the scan root (the first path scanned, or its directory)
//! to the root of the Git repository (the first directory with a `.git`), or given with
//! `--config`. Paths in it are relative to its directory. Command-line flags override it:
//! `--fail-on`, `--select` and `--ignore` replace its values, `--var-file`s are loaded
//! after its `var-files` (so they win). An unknown key is an error that names the key and
//! its line, like any value of the wrong type.
//!
//! The command line comes in two layers, as in ripgrep: [`ScanArgs`] holds the flags of a
//! scan as they were typed, [`ScanArgs::resolve`] merges them with the configuration file
//! into [`Settings`], what the commands run with. `scan`, `baseline`, `explain` and
//! `graph` all resolve the same way, so each reads the same configuration.

use crate::ScanOptions;
use crate::error::UsageError;
use crate::finding::Severity;
use crate::parse::hcl::module::VarInputs;
use crate::report::OutputFormat;
use globset::GlobBuilder;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a configuration file cannot be used. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not YAML, an unknown key, a value of the wrong type.
    #[error("{}:{source}", path.display())]
    Syntax { path: PathBuf, source: SyntaxError },
    /// A value serde cannot check: a rule, an account ID, an exclude pattern.
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// What is wrong in the text of a configuration, and where.
#[derive(Debug, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// An `exclude` pattern that is not a glob.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExcludeError {
    #[error("exclude pattern {pattern:?}: {source}")]
    Pattern {
        pattern: String,
        source: globset::Error,
    },
}

/// The file name looked for.
pub(crate) const FILE_NAME: &str = ".rolegraph.yaml";

/// When the exit code says "findings".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    None,
}

impl FailOn {
    /// The lowest severity that fails the gate; `None` never fails on findings.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::None => None,
        }
    }
}

/// The contents of `.rolegraph.yaml`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Config {
    #[serde(default)]
    pub(crate) fail_on: Option<FailOn>,
    #[serde(default)]
    pub(crate) select: Vec<String>,
    #[serde(default)]
    pub(crate) ignore: Vec<String>,
    /// Severity per rule ID.
    #[serde(default)]
    pub(crate) severity: BTreeMap<String, Severity>,
    /// Globs of paths not to scan, relative to the configuration file's directory.
    #[serde(default)]
    pub(crate) exclude: Vec<String>,
    /// The AWS account IDs that belong to the organisation (12 digits each).
    #[serde(default)]
    pub(crate) account_ids: Vec<String>,
    /// Terraform variable files, relative to the configuration file's directory.
    #[serde(default)]
    pub(crate) var_files: Vec<PathBuf>,
    /// The baseline file, relative to the configuration file's directory.
    #[serde(default)]
    pub(crate) baseline: Option<PathBuf>,
}

/// A configuration read from a file, its relative paths resolved.
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    /// The file it was read from.
    pub(crate) path: PathBuf,
    pub(crate) config: Config,
}

impl Loaded {
    /// The directory its relative paths are relative to.
    pub(crate) fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// `var-files`, relative to the current directory.
    pub(crate) fn var_files(&self) -> Vec<PathBuf> {
        let dir = self.dir();
        self.config.var_files.iter().map(|f| dir.join(f)).collect()
    }

    /// `baseline`, relative to the current directory.
    pub(crate) fn baseline(&self) -> Option<PathBuf> {
        self.config.baseline.as_ref().map(|b| self.dir().join(b))
    }

    /// The `exclude` globs, compiled.
    pub(crate) fn exclude(&self) -> Result<Option<Exclude>, ConfigError> {
        Exclude::new(&self.dir(), &self.config.exclude).map_err(|e| self.invalid(e.to_string()))
    }

    fn invalid(&self, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.clone(),
            message,
        }
    }
}

/// Path globs not to scan, each matched against paths relative to its base directory
/// (the configuration file's directory for `exclude`, the current directory for
/// `--exclude`).
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    globs: Vec<ExcludeGlob>,
}

#[derive(Clone, Debug)]
struct ExcludeGlob {
    base: PathBuf,
    matcher: globset::GlobMatcher,
}

impl ExcludeGlob {
    /// Whether the path, or a directory it is in below the base, matches; `skip` leading
    /// components (of the base-relative path) are not tried on their own.
    fn matches(&self, abs: &Path, skip: usize) -> bool {
        let Ok(rel) = abs.strip_prefix(&self.base) else {
            return false;
        };
        let mut cur = PathBuf::new();
        for (i, c) in rel.components().enumerate() {
            cur.push(c);
            if i >= skip && self.matcher.is_match(&cur) {
                return true;
            }
        }
        false
    }
}

impl Exclude {
    /// `None` when there are no patterns.
    pub(crate) fn new(base: &Path, patterns: &[String]) -> Result<Option<Exclude>, ExcludeError> {
        let mut x = Exclude::default();
        x.add(base, patterns)?;
        Ok((!x.globs.is_empty()).then_some(x))
    }

    /// Add patterns relative to `base`.
    fn add(&mut self, base: &Path, patterns: &[String]) -> Result<(), ExcludeError> {
        let base = absolute(base);
        for p in patterns {
            let pattern = p.trim_start_matches("./").trim_end_matches('/');
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|source| ExcludeError::Pattern {
                    pattern: p.clone(),
                    source,
                })?;
            self.globs.push(ExcludeGlob {
                base: base.clone(),
                matcher: glob.compile_matcher(),
            });
        }
        Ok(())
    }

    /// Whether a path (relative to the current directory, or absolute) is excluded: it, or
    /// any directory it is in below the base, matches a pattern.
    pub(crate) fn matches(&self, path: &Path) -> bool {
        let abs = absolute(path);
        self.globs.iter().any(|g| g.matches(&abs, 0))
    }

    /// The patterns that apply below a path named on the command line: a named path is
    /// always scanned, so a pattern that excludes it (it, a directory it is in, or all
    /// it holds, like `legacy/**` for `legacy`) does not apply inside it; the others do.
    /// `None` when none is left.
    pub(crate) fn below(&self, root: &Path) -> Option<Exclude> {
        let abs = absolute(root);
        // Any entry of the root stands for "all it holds".
        let probe = abs.join("rolegraph-probe");
        let globs: Vec<ExcludeGlob> = self
            .globs
            .iter()
            .filter(|g| !g.matches(&abs, 0) && !g.matches(&probe, 0))
            .cloned()
            .collect();
        (!globs.is_empty()).then_some(Exclude { globs })
    }
}

/// A path made absolute against the current directory, with `.` and `..` resolved
/// lexically (no symlinks followed, the path need not exist).
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Find `.rolegraph.yaml` for a scan of `root`: in its directory or the nearest parent, up
/// to the first directory that holds `.git`.
pub(crate) fn discover(root: &Path) -> Option<PathBuf> {
    let start = absolute(root);
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(relative_to_cwd(&candidate));
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// The path relative to the current directory when it is below it (for messages).
fn relative_to_cwd(p: &Path) -> PathBuf {
    let cwd = absolute(Path::new("."));
    match p.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => p.to_path_buf(),
    }
}

/// Read and check a configuration file. Errors name the file and, where there is one, the
/// line: `.rolegraph.yaml:3:1: unknown key `fial-on``.
pub(crate) fn load(path: &Path) -> Result<Loaded, ConfigError> {
    // Opened without blocking, a regular file of at most 1 MiB (see fsread).
    let text =
        crate::fsread::read_string(path, 1 << 20, crate::fsread::Links::Follow).map_err(|e| {
            ConfigError::Read {
                path: path.to_path_buf(),
                source: e.into_io(),
            }
        })?;
    let config = parse(&text).map_err(|source| ConfigError::Syntax {
        path: path.to_path_buf(),
        source,
    })?;
    let loaded = Loaded {
        path: path.to_path_buf(),
        config,
    };
    check(&loaded)?;
    Ok(loaded)
}

/// Parse the text of a configuration; errors say `line:column: ` first.
pub(crate) fn parse(text: &str) -> Result<Config, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    serde_yaml_ng::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        SyntaxError {
            line,
            column,
            message: describe(&e.to_string()),
        }
    })
}

/// serde's message, in the terms of a configuration file, without its own position.
fn describe(msg: &str) -> String {
    // serde_yaml_ng puts " at line L column C" in the message; the position is given in
    // front instead.
    let msg = strip_position(msg);
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (key, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        let expected = expected
            .trim_start_matches(" one of ")
            .trim_start_matches(' ');
        return if expected.is_empty() {
            format!("unknown key {key}")
        } else {
            format!("unknown key {key} (the keys are {expected})")
        };
    }
    // `key: invalid type: sequence, expected ...`: say what was expected, in YAML terms.
    if let Some(i) = msg.find("invalid type: ") {
        let (key, rest) = msg.split_at(i);
        let rest = &rest["invalid type: ".len()..];
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = if expected.contains("YAML tag") {
            // An enum given something that is not a word (a list, a mapping).
            if key.starts_with("fail-on") {
                "one of critical, high, medium, low, none".to_string()
            } else if key.starts_with("severity") {
                "one of critical, high, medium, low".to_string()
            } else {
                "a single word".to_string()
            }
        } else {
            yaml_kind(expected)
        };
        return format!("{key}expected {expected}, not {}", yaml_kind(found));
    }
    if msg.contains("while parsing a flow sequence") {
        return "a list opened with `[` is not closed with `]` (or an item lacks its `,`)"
            .to_string();
    }
    if msg.contains("while parsing a flow mapping") {
        return "a mapping opened with `{` is not closed with `}` (or an entry lacks its `,`)"
            .to_string();
    }
    if msg.contains("found character that cannot start any token") {
        return format!("{msg} (indent with spaces: YAML does not allow tabs)");
    }
    msg
}

/// `serde`'s name of a kind of value, as YAML calls it.
fn yaml_kind(s: &str) -> String {
    match s {
        "sequence" => "a list".into(),
        "a sequence" => "a list, like [IMDS, WL001]".into(),
        "map" => "a mapping (key: value)".into(),
        "a map" => "a mapping (key: value)".into(),
        "unit value" => "an empty value".into(),
        other => other.to_string(),
    }
}

/// The message without the " at line L column C" serde_yaml_ng writes into it.
fn strip_position(msg: &str) -> String {
    let Some(i) = msg.find(" at line ") else {
        return msg.to_string();
    };
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &msg[i + " at line ".len()..];
    let n = digits(rest);
    if n == 0 {
        return msg.to_string();
    }
    let tail = match rest[n..].strip_prefix(" column ") {
        Some(r) => &r[digits(r)..],
        None => &rest[n..],
    };
    format!("{}{tail}", &msg[..i])
}

/// Values serde cannot check: rule IDs, account IDs.
fn check(l: &Loaded) -> Result<(), ConfigError> {
    let c = &l.config;
    for (key, list) in [("select", &c.select), ("ignore", &c.ignore)] {
        for s in list.iter() {
            if !crate::rules::is_rule_or_family(s) {
                return Err(l.invalid(format!(
                    "{key}: unknown rule or family {s:?}; `rolegraph rules` lists them"
                )));
            }
        }
    }
    for id in c.severity.keys() {
        if crate::rules::meta::get(&id.to_ascii_uppercase()).is_none() {
            return Err(l.invalid(format!(
                "severity: unknown rule {id:?}; `rolegraph rules` lists them"
            )));
        }
    }
    for a in &c.account_ids {
        if !is_account_id(a) {
            return Err(l.invalid(format!(
                "account-ids: {a:?} is not an AWS account ID (12 digits; quote it so \
                 YAML keeps leading zeros)"
            )));
        }
    }
    l.exclude()?;
    // The file belongs to the scanned repository: the files it names must stay inside the
    // repository (its own directory and below, no symbolic link), unlike paths the user
    // gives on the command line.
    let dir = l.dir();
    let named = c
        .var_files
        .iter()
        .map(|f| ("var-files", f))
        .chain(c.baseline.iter().map(|b| ("baseline", b)));
    for (key, f) in named {
        if let Err(why) = crate::fsread::inside(&dir.join(f), &dir) {
            return Err(l.invalid(format!(
                "{key}: {} {why} (a configuration file may only name files inside its own directory)",
                f.display()
            )));
        }
    }
    Ok(())
}

/// A 12-digit AWS account ID.
fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())
}

/// `--account-id`'s value parser.
fn parse_account_id(s: &str) -> Result<String, UsageError> {
    if is_account_id(s) {
        Ok(s.to_string())
    } else {
        Err(UsageError::AccountId(s.to_string()))
    }
}

/// The flags of a scan as they were typed (the low-level layer), shared by `scan`,
/// `baseline`, `explain` and `graph`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct ScanArgs {
    /// Files or directories (default: the current directory, unless --plan is given).
    pub paths: Vec<PathBuf>,
    /// A Terraform plan as JSON (`terraform show -json PLANFILE`), of any name;
    /// repeatable. `.json` files under PATHs that are plans are found by their content.
    #[arg(long = "plan", value_name = "FILE")]
    pub plans: Vec<PathBuf>,
    /// The directory of the configuration a plan was made from, so findings point at the
    /// .tf files (default: the plan file's directory, then the current directory).
    #[arg(long = "tf-dir", value_name = "DIR")]
    pub tf_dir: Option<PathBuf>,
    /// Run only these rules (IDs or families, comma-separated: IMDS001,WL).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (IDs or families, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Set a Terraform root variable (repeatable): --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Load Terraform variables from a .tfvars or .tfvars.json file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// One of your own AWS account IDs (repeatable): trust in it is not cross-account.
    #[arg(long = "account-id", value_name = "ID", value_parser = parse_account_id)]
    pub account_ids: Vec<String>,
    /// Do not scan paths that match this glob, relative to the current directory
    /// (repeatable; added to `exclude` of the configuration). A path named on the command
    /// line is scanned even when a pattern excludes it.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read this configuration file instead of looking for `.rolegraph.yaml` from the
    /// scan root up.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// No progress bar (it is only drawn when standard error is a terminal anyway).
    #[arg(long, short)]
    pub quiet: bool,
}

/// What a command runs with (the high-level layer): the flags over the configuration
/// file.
#[derive(Clone, Debug)]
pub struct Settings {
    pub scan: ScanOptions,
    /// `fail-on` of the configuration file (`--fail-on` wins over it).
    pub fail_on: Option<FailOn>,
    /// `baseline` of the configuration file (relative to the current directory).
    pub baseline: Option<PathBuf>,
    pub quiet: bool,
    /// The repository root: the nearest directory with a `.git` from the first path
    /// scanned up, else the current directory (absolute). SARIF URIs are relative to it.
    pub root: PathBuf,
}

/// The nearest directory holding `.git` from the first path up, else the current
/// directory.
fn repository_root(paths: &[PathBuf]) -> PathBuf {
    let cwd = absolute(Path::new("."));
    let Some(first) = paths.first() else {
        return cwd;
    };
    let start = absolute(first);
    let dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    dir.and_then(crate::discover::git_root)
        .map(Path::to_path_buf)
        .unwrap_or(cwd)
}

impl ScanArgs {
    /// Merge the flags with the configuration file (given with `--config`, else found
    /// from the scan root up): flags win. An error says which flag or file is wrong.
    pub fn resolve(self) -> Result<Settings, crate::error::Error> {
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
                .and_then(|p| discover(p))
        });
        let loaded = config_path.as_deref().map(load).transpose()?;
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
        let mut exclude = match &loaded {
            Some(l) => l.exclude()?,
            None => None,
        };
        if !self.exclude.is_empty() {
            let mut x = exclude.unwrap_or_default();
            x.add(Path::new("."), &self.exclude)
                .map_err(|e| UsageError::Exclude(e.to_string()))?;
            exclude = Some(x);
        }
        // A path that is not there is an error, not an empty scan.
        for p in &paths {
            if std::fs::symlink_metadata(p).is_err() {
                return Err(UsageError::NoSuchPath(p.clone()).into());
            }
        }
        let vars = parse_vars(self.vars)?;
        for f in &var_files {
            if !f.is_file() {
                return Err(UsageError::NoSuchFile {
                    flag: "--var-file",
                    path: f.clone(),
                }
                .into());
            }
        }
        for f in &self.plans {
            if !f.is_file() {
                return Err(UsageError::NoSuchFile {
                    flag: "--plan",
                    path: f.clone(),
                }
                .into());
            }
        }
        if let Some(d) = &self.tf_dir
            && !d.is_dir()
        {
            return Err(UsageError::NoSuchDirectory {
                flag: "--tf-dir",
                path: d.clone(),
            }
            .into());
        }
        for s in select.iter().chain(ignore.iter()) {
            if !crate::rules::is_rule_or_family(s) {
                return Err(UsageError::UnknownRule(s.clone()).into());
            }
        }
        let mut account_ids = cfg.account_ids.clone();
        account_ids.extend(self.account_ids);
        let root = repository_root(if paths.is_empty() {
            &self.plans
        } else {
            &paths
        });
        Ok(Settings {
            scan: ScanOptions {
                paths,
                vars: VarInputs { var_files, vars },
                select,
                ignore,
                severity: cfg.severity.clone(),
                exclude,
                account_ids,
                plans: self.plans,
                plan_locations: crate::parse::plan::Locations {
                    tf_dir: self.tf_dir,
                },
                changed_only: false,
            },
            fail_on: cfg.fail_on,
            baseline: loaded.as_ref().and_then(|l| l.baseline()),
            quiet: self.quiet,
            root,
        })
    }
}

/// The flags of `scan` that choose what is shown and where it goes (the low-level layer of
/// the report, as [`ScanArgs`] is of the scan).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct ReportArgs {
    /// Output format: text, json, sarif, github, junit or markdown [default: text].
    /// Repeat it for several outputs of one scan, and write one to a file with
    /// FORMAT=FILE: --format text --format sarif=rolegraph.sarif --format github.
    #[arg(long = "format", value_name = "FORMAT[=FILE]")]
    pub formats: Vec<String>,
    /// Write the report to this file instead of standard output (the one format that
    /// has no `=FILE`).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show only findings of these severities (comma-separated: high,critical); a
    /// display filter: --fail-on still counts every finding.
    #[arg(long, value_delimiter = ',', value_name = "SEVERITIES", value_parser = parse_severity)]
    pub severity: Vec<Severity>,
    /// List every note (unresolved modules and the like) instead of counting them in the
    /// summary line.
    #[arg(long)]
    pub show_notes: bool,
    /// Verbose: list notes too (as --show-notes).
    #[arg(long, short)]
    pub verbose: bool,
    /// SARIF: write `%SRCROOT%` as this directory's file:// URI (originalUriBaseIds) and
    /// make paths relative to it, so an IDE SARIF viewer opens files without asking
    /// [default: no base URI, paths relative to the repository root].
    #[arg(long, value_name = "DIR")]
    pub sarif_srcroot: Option<PathBuf>,
    /// SARIF: the code scanning category (`automationDetails.id`), which tells several
    /// uploads for one commit apart.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,
}

/// One output of a scan: a format and the file it goes to (`None`: standard output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub format: OutputFormat,
    pub file: Option<PathBuf>,
}

/// What `scan` shows and where: [`ReportArgs`] resolved.
#[derive(Clone, Debug)]
pub struct ReportSettings {
    pub outputs: Vec<Output>,
    /// Empty: every severity.
    pub severities: Vec<Severity>,
    pub show_notes: bool,
    /// `--sarif-srcroot`, absolute.
    pub sarif_srcroot: Option<PathBuf>,
    pub sarif_category: Option<String>,
}

impl ReportArgs {
    /// Check the formats and pair each with its file.
    pub fn resolve(self) -> Result<ReportSettings, UsageError> {
        let mut outputs = Vec::new();
        for f in &self.formats {
            let (name, file) = match f.split_once('=') {
                Some((n, file)) if !file.is_empty() => (n, Some(PathBuf::from(file))),
                Some((n, _)) => (n, None),
                None => (f.as_str(), None),
            };
            let format =
                <OutputFormat as clap::ValueEnum>::from_str(name.trim(), true).map_err(|_| {
                    UsageError::Format(
                        f.clone(),
                        "the formats are text, json, sarif, github, junit, markdown".into(),
                    )
                })?;
            outputs.push(Output { format, file });
        }
        if outputs.is_empty() {
            outputs.push(Output {
                format: OutputFormat::Text,
                file: None,
            });
        }
        if let Some(o) = self.output {
            let mut to_stdout = outputs.iter_mut().filter(|o| o.file.is_none());
            match (to_stdout.next(), to_stdout.next()) {
                (Some(first), None) => first.file = Some(o),
                (None, _) => {}
                (Some(_), Some(_)) => return Err(UsageError::OutputWithSeveralFormats),
            }
        }
        if let Some(d) = &self.sarif_srcroot
            && !d.is_dir()
        {
            return Err(UsageError::NoSuchDirectory {
                flag: "--sarif-srcroot",
                path: d.clone(),
            });
        }
        Ok(ReportSettings {
            outputs,
            severities: self.severity,
            show_notes: self.show_notes || self.verbose,
            sarif_srcroot: self.sarif_srcroot.map(|d| absolute(&d)),
            sarif_category: self.sarif_category,
        })
    }
}

/// `--severity`'s value parser.
fn parse_severity(s: &str) -> Result<Severity, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "critical" => Ok(Severity::Critical),
        "high" => Ok(Severity::High),
        "medium" => Ok(Severity::Medium),
        "low" => Ok(Severity::Low),
        _ => Err(format!(
            "{s:?} is not a severity (critical, high, medium, low)"
        )),
    }
}

/// `--var NAME=VALUE` pairs.
fn parse_vars(vars: Vec<String>) -> Result<Vec<(String, String)>, UsageError> {
    let mut parsed = Vec::new();
    for v in vars {
        match v.split_once('=') {
            Some((k, val)) if !k.trim().is_empty() => {
                parsed.push((k.trim().to_string(), val.to_string()))
            }
            _ => return Err(UsageError::Var(v)),
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let c = parse(
            "fail-on: medium\nselect: [IMDS, WL001]\nignore: [PRIV005]\nseverity:\n  PRIV002: \
             high\nexclude: [legacy/**]\naccount-ids: ['012345678901']\nvar-files: \
             [prod.tfvars]\nbaseline: base.json\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Medium));
        assert_eq!(c.select, ["IMDS", "WL001"]);
        assert_eq!(c.ignore, ["PRIV005"]);
        assert_eq!(c.severity.get("PRIV002"), Some(&Severity::High));
        assert_eq!(c.exclude, ["legacy/**"]);
        assert_eq!(c.account_ids, ["012345678901"]);
        assert_eq!(c.var_files, [PathBuf::from("prod.tfvars")]);
        assert_eq!(c.baseline, Some(PathBuf::from("base.json")));
        assert_eq!(parse("# only a comment\n").unwrap(), Config::default());
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let e = parse("fail-on: high\n\nfial-on: low\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("3:1: unknown key `fial-on` (the keys are `fail-on`, `select`"),
            "{e}"
        );
        let e = parse("fail-on: sometimes\n").unwrap_err().to_string();
        assert!(
            e.starts_with("1:10: fail-on: unknown variant `sometimes`, expected one of"),
            "{e}"
        );
        let e = parse("severity:\n  PRIV002: severe\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 12), "{e}");
        // In YAML's terms, not serde's.
        for (text, want) in [
            (
                "fail-on: [\n",
                "1:10: fail-on: expected one of critical, high, medium, low, none, not a list",
            ),
            (
                "select: IMDS\n",
                "1:9: select: expected a list, like [IMDS, WL001], not string \"IMDS\"",
            ),
            (
                "select: [IMDS\n",
                "2:1: a list opened with `[` is not closed with `]` (or an item lacks its `,`)",
            ),
            (
                "severity: [PRIV002]\n",
                "1:11: severity: expected a mapping (key: value), not a list",
            ),
        ] {
            assert_eq!(parse(text).unwrap_err().to_string(), want, "{text}");
        }
    }

    #[test]
    fn excludes_match_relative_to_the_base() {
        let base = absolute(Path::new("/repo"));
        let x = Exclude::new(
            &base,
            &["legacy".into(), "**/examples/**".into(), "*.json".into()],
        )
        .unwrap()
        .unwrap();
        assert!(x.matches(Path::new("/repo/legacy/main.tf")));
        assert!(x.matches(Path::new("/repo/modules/a/examples/b/main.tf")));
        assert!(x.matches(Path::new("/repo/plan.json")));
        // `*` does not cross a directory.
        assert!(!x.matches(Path::new("/repo/templates/app.json")));
        assert!(!x.matches(Path::new("/repo/main.tf")));
        assert!(!x.matches(Path::new("/elsewhere/legacy/main.tf")));
        // Named on the command line: `legacy` (and all it holds) is scanned, the other
        // patterns still apply inside it.
        let below = x.below(Path::new("/repo/legacy")).unwrap();
        assert!(!below.matches(Path::new("/repo/legacy/main.tf")));
        assert!(below.matches(Path::new("/repo/legacy/examples/a/main.tf")));
        assert!(Exclude::new(&base, &["a[".into()]).is_err());
        assert!(Exclude::new(&base, &[]).unwrap().is_none());
    }

    #[test]
    fn resolve_errors_tell_their_kind() {
        use crate::error::Error;
        let dir = tempfile::tempdir().unwrap();
        let args = |config: &str, var_file: &str| ScanArgs {
            paths: vec![dir.path().to_path_buf()],
            config: Some(dir.path().join(config)),
            var_files: vec![dir.path().join(var_file)],
            ..Default::default()
        };
        std::fs::write(dir.path().join("bad.yaml"), "fial-on: low\n").unwrap();
        std::fs::write(dir.path().join("wrong.yaml"), "select: [XYZ]\n").unwrap();
        std::fs::write(dir.path().join("ok.yaml"), "").unwrap();
        std::fs::write(dir.path().join("a.tfvars"), "").unwrap();
        let e = args("missing.yaml", "a.tfvars").resolve().unwrap_err();
        assert!(matches!(e, Error::Config(ConfigError::Read { .. })), "{e}");
        let e = args("bad.yaml", "a.tfvars").resolve().unwrap_err();
        assert!(
            matches!(&e, Error::Config(ConfigError::Syntax { source, .. }) if source.line == 1),
            "{e}"
        );
        let e = args("wrong.yaml", "a.tfvars").resolve().unwrap_err();
        assert!(
            matches!(e, Error::Config(ConfigError::Invalid { .. })),
            "{e}"
        );
        let e = args("ok.yaml", "missing.tfvars").resolve().unwrap_err();
        assert!(
            matches!(
                e,
                Error::Usage(UsageError::NoSuchFile {
                    flag: "--var-file",
                    ..
                })
            ),
            "{e}"
        );
        let mut a = args("ok.yaml", "a.tfvars");
        a.vars = vec!["novalue".into()];
        let e = a.resolve().unwrap_err();
        assert!(matches!(e, Error::Usage(UsageError::Var(_))), "{e}");
        assert_eq!(e.exit_code(), 2);
        let s = args("ok.yaml", "a.tfvars").resolve().unwrap();
        assert_eq!(s.scan.vars.var_files, [dir.path().join("a.tfvars")]);
    }
}
