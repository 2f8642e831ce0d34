//! The errors of rolegraph's commands, by kind, so a caller can tell a file that is not
//! there from an invalid configuration from a bad flag, and the exit code follows from
//! the type ([`Error::exit_code`]).
//!
//! Each part keeps its own error beside it ([`ConfigError`] in `config.rs`,
//! [`BaselineError`] in `baseline.rs`, [`ExplainError`] in `explain.rs`,
//! [`SimulateError`] in `simulate.rs`, `DiagnoseError` in `diagnose.rs`); [`Error`] is
//! what a command hands back to `main`. A scan that runs is not an error whatever it
//! finds: its result is an [`Outcome`] (for `simulate`, a denied request is
//! [`Outcome::Denied`], exit 1).

use crate::baseline::BaselineError;
use crate::config::ConfigError;
use crate::explain::ExplainError;
use crate::simulate::SimulateError;
use std::path::PathBuf;

/// Why a command could not do what it was asked: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration file cannot be read or is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A flag has a value that cannot be used.
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// A baseline file cannot be read.
    #[error("--baseline {}: {source}", path.display())]
    ReadBaseline {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A baseline file is not one rolegraph can use.
    #[error("--baseline {}: {source}", path.display())]
    Baseline {
        path: PathBuf,
        source: BaselineError,
    },
    /// A report, graph or baseline cannot be written.
    #[error("cannot write {target}: {source}")]
    Write {
        /// The file, or what was written to standard output (`standard output`, `the graph`).
        target: String,
        source: std::io::Error,
    },
    /// `rolegraph baseline` does not record a scan that could not read everything.
    #[error(
        "not writing {}: some files could not be parsed (pass --allow-parse-errors to record the rest)",
        path.display()
    )]
    IncompleteBaseline { path: PathBuf },
    /// `rolegraph rules NAME` with a name that is no rule.
    #[error("no rule or family {0}; `rolegraph rules` lists them")]
    NoSuchRule(String),
    #[error(transparent)]
    Explain(#[from] ExplainError),
    #[error(transparent)]
    Simulate(#[from] SimulateError),
    #[error(transparent)]
    Diagnose(#[from] crate::diagnose::DiagnoseError),
}

impl Error {
    /// Every error is a usage or input/output error: 2 (1 means findings).
    pub fn exit_code(&self) -> u8 {
        2
    }
}

/// A flag (or the configuration value it stands for) that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("--var expects NAME=VALUE, got {0:?}")]
    Var(String),
    /// A file named by a flag is not there.
    #[error("{flag} {}: no such file", path.display())]
    NoSuchFile { flag: &'static str, path: PathBuf },
    /// A directory named by a flag is not there.
    #[error("{flag} {}: no such directory", path.display())]
    NoSuchDirectory { flag: &'static str, path: PathBuf },
    #[error("unknown rule or family {0:?}; `rolegraph rules` lists them")]
    UnknownRule(String),
    #[error("simulate needs ADDRESS and ACTION (or --assume ROLE --principal P)")]
    Simulate,
    #[error("{0:?} is not an AWS account ID (12 digits)")]
    AccountId(String),
    /// A path to scan is not there.
    #[error("{}: no such file or directory", .0.display())]
    NoSuchPath(PathBuf),
    /// An `--exclude` pattern that is not a glob.
    #[error("--exclude {0}")]
    Exclude(String),
    /// `--format` given a name that is not a format.
    #[error("--format {0:?}: {1}")]
    Format(String, String),
    /// `--output` with several formats that have no file of their own.
    #[error(
        "--output goes with one format; give each other format its file: --format sarif=rolegraph.sarif"
    )]
    OutputWithSeveralFormats,
    /// `-o FILE` names a file the scan reads: the report must not overwrite its input.
    #[error("-o {}: that file is one of the inputs of this scan; not overwritten", path.display())]
    OutputIsInput { path: PathBuf },
}

/// How a command that ran ends: the exit code of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above `--fail-on`: 0.
    Pass,
    /// A finding (not suppressed, not in the baseline) at or above `--fail-on`: 1.
    Findings,
    /// Some input could not be read or parsed (already reported) and
    /// `--allow-parse-errors` was not given: 2, the gate fails closed.
    Unreadable,
    /// `rolegraph simulate`: the request is denied, or depends on what is not known: 1.
    Denied,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Findings => 1,
            Outcome::Unreadable => 2,
            Outcome::Denied => 1,
        }
    }
}
