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

use crate::finding::Severity;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for.
pub const FILE_NAME: &str = ".rolegraph.yaml";

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
pub struct Config {
    #[serde(default)]
    pub fail_on: Option<FailOn>,
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule ID.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Globs of paths not to scan, relative to the configuration file's directory.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The AWS account IDs that belong to the organisation (12 digits each).
    #[serde(default)]
    pub account_ids: Vec<String>,
    /// Terraform variable files, relative to the configuration file's directory.
    #[serde(default)]
    pub var_files: Vec<PathBuf>,
    /// The baseline file, relative to the configuration file's directory.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
}

/// A configuration read from a file, its relative paths resolved.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The file it was read from.
    pub path: PathBuf,
    pub config: Config,
}

impl Loaded {
    /// The directory its relative paths are relative to.
    pub fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// `var-files`, relative to the current directory.
    pub fn var_files(&self) -> Vec<PathBuf> {
        let dir = self.dir();
        self.config.var_files.iter().map(|f| dir.join(f)).collect()
    }

    /// `baseline`, relative to the current directory.
    pub fn baseline(&self) -> Option<PathBuf> {
        self.config.baseline.as_ref().map(|b| self.dir().join(b))
    }

    /// The `exclude` globs, compiled.
    pub fn exclude(&self) -> Result<Option<Exclude>, String> {
        Exclude::new(&self.dir(), &self.config.exclude)
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

/// Path globs not to scan, matched against paths relative to a base directory.
#[derive(Clone, Debug)]
pub struct Exclude {
    base: PathBuf,
    set: GlobSet,
}

impl Exclude {
    /// `None` when there are no patterns.
    pub fn new(base: &Path, patterns: &[String]) -> Result<Option<Exclude>, String> {
        if patterns.is_empty() {
            return Ok(None);
        }
        let mut b = GlobSetBuilder::new();
        for p in patterns {
            let pattern = p.trim_start_matches("./").trim_end_matches('/');
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("exclude pattern {p:?}: {e}"))?;
            b.add(glob);
        }
        let set = b.build().map_err(|e| e.to_string())?;
        Ok(Some(Exclude {
            base: absolute(base),
            set,
        }))
    }

    /// Whether a path (relative to the current directory, or absolute) is excluded: it, or
    /// any directory it is in below the base, matches a pattern.
    pub fn matches(&self, path: &Path) -> bool {
        let abs = absolute(path);
        let Ok(rel) = abs.strip_prefix(&self.base) else {
            return false;
        };
        let mut cur = PathBuf::new();
        for c in rel.components() {
            cur.push(c);
            if self.set.is_match(&cur) {
                return true;
            }
        }
        false
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
pub fn discover(root: &Path) -> Option<PathBuf> {
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
pub fn load(path: &Path) -> Result<Loaded, String> {
    // Opened without blocking, a regular file of at most 1 MiB (see fsread).
    let text = crate::fsread::read_string(path, 1 << 20, crate::fsread::Links::Follow)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let config = parse(&text).map_err(|e| format!("{}:{e}", path.display()))?;
    let loaded = Loaded {
        path: path.to_path_buf(),
        config,
    };
    check(&loaded)?;
    Ok(loaded)
}

/// Parse the text of a configuration; errors start with `line:column: `.
pub fn parse(text: &str) -> Result<Config, String> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    serde_yaml_ng::from_str(text).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        format!("{line}:{col}: {}", describe(&e.to_string()))
    })
}

/// serde's message, in the terms of a configuration file, without its own position.
fn describe(msg: &str) -> String {
    // serde_yaml_ng appends " at line L column C"; the position is given in front instead.
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
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
    msg.to_string()
}

/// Values serde cannot check: rule IDs, account IDs.
fn check(l: &Loaded) -> Result<(), String> {
    let file = l.path.display();
    let c = &l.config;
    for (key, list) in [("select", &c.select), ("ignore", &c.ignore)] {
        for s in list.iter() {
            if !crate::rules::is_rule_or_family(s) {
                return Err(format!(
                    "{file}: {key}: unknown rule or family {s:?}; `rolegraph rules` lists them"
                ));
            }
        }
    }
    for id in c.severity.keys() {
        if crate::rules::meta::get(&id.to_ascii_uppercase()).is_none() {
            return Err(format!(
                "{file}: severity: unknown rule {id:?}; `rolegraph rules` lists them"
            ));
        }
    }
    for a in &c.account_ids {
        if a.len() != 12 || !a.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "{file}: account-ids: {a:?} is not an AWS account ID (12 digits; quote it so \
                 YAML keeps leading zeros)"
            ));
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
            return Err(format!(
                "{file}: {key}: {} {why} (a configuration file may only name files inside its own directory)",
                f.display()
            ));
        }
    }
    Ok(())
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
        let e = parse("fail-on: high\n\nfial-on: low\n").unwrap_err();
        assert!(
            e.starts_with("3:1: unknown key `fial-on` (the keys are `fail-on`, `select`"),
            "{e}"
        );
        let e = parse("fail-on: sometimes\n").unwrap_err();
        assert!(
            e.starts_with("1:10: fail-on: unknown variant `sometimes`, expected one of"),
            "{e}"
        );
        let e = parse("severity:\n  PRIV002: severe\n").unwrap_err();
        assert!(e.starts_with("2:12: "), "{e}");
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
        assert!(Exclude::new(&base, &["a[".into()]).is_err());
        assert!(Exclude::new(&base, &[]).unwrap().is_none());
    }
}
