//! rolegraph: how does each AWS compute workload get its credentials, and is that safe?
//!
//! The pipeline (see DESIGN.md): discover -> parse -> resolve -> graph -> model -> rules ->
//! report. [`scan`] runs all of it. Every command goes through the same stages with the
//! same [`ScanOptions`] (resolved from flags and `.rolegraph.yaml` by
//! [`config::ScanArgs::resolve`]): `parse_each` discovers and parses the inputs in
//! parallel, `build_model` makes an input's graph and model; `scan` and `baseline` run the
//! rules over them ([`scan_with_progress`]), `graph` keeps the models to draw them
//! ([`report::graph::view`]), `explain` reads the model of the inputs that declare its
//! target ([`explain::explain`]).

pub mod baseline;
pub mod conditions;
pub mod config;
pub mod diagnose;
pub(crate) mod discover;
pub mod document;
pub mod error;
pub mod explain;
pub mod finding;
pub mod fsread;
/// In-memory entry points for the fuzz targets: not part of the API.
#[doc(hidden)]
pub mod fuzzing;
pub mod graph;
pub mod iam;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod simulate;
pub mod suppress;
pub mod value;

pub use discover::is_input;
use document::{Diagnostic, Document};
use finding::{Finding, Report};
use parse::hcl::module::VarInputs;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// What to scan and how.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    /// Terraform variables from `--var` and `--var-file`.
    pub vars: VarInputs,
    /// Run only these rules (empty: all).
    pub select: Vec<String>,
    /// Never run these rules.
    pub ignore: Vec<String>,
    /// Severity overrides per rule ID (`.rolegraph.yaml` `severity`).
    pub severity: BTreeMap<String, finding::Severity>,
    /// Paths not to scan (`.rolegraph.yaml` `exclude`): directories and files the walk
    /// meets that match are skipped; paths named on the command line are always scanned.
    pub exclude: Option<config::Exclude>,
    /// The AWS account IDs that belong to the organisation (`.rolegraph.yaml`
    /// `account-ids`).
    pub account_ids: Vec<String>,
    /// Terraform plans given with `--plan` (plans under `paths` are found by content).
    pub plans: Vec<PathBuf>,
    /// Where the configuration of the plans is (`--tf-dir`).
    pub plan_locations: parse::plan::Locations,
    /// Report only findings about what a plan creates, updates or replaces.
    pub changed_only: bool,
}

impl ScanOptions {
    /// The rules this scan runs.
    pub(crate) fn rules(&self) -> Vec<rules::AnyRule> {
        rules::select(&self.select, &self.ignore)
    }
}

/// Told how far parsing has come: `(inputs parsed, inputs in all)`, where an input is a
/// Terraform root module (with its modules) or a template. Called from parser threads.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// One unit of parallel work.
enum Input<'a> {
    /// A Terraform root module directory and the scan root it was found under.
    Root(&'a PathBuf, &'a PathBuf),
    /// A file that may be a plan or a template; `true` when given with `--plan`.
    File(&'a PathBuf, bool),
}

/// One input, parsed.
pub(crate) struct Parsed {
    pub(crate) doc: Document,
    /// The files it was read from.
    pub(crate) files: BTreeSet<Arc<str>>,
}

/// What [`parse_each`] hands back.
pub(crate) struct ParsedAll<T> {
    /// What `each` made of every input, in input order.
    pub(crate) results: Vec<T>,
    /// What discovery said (unreadable paths, ...); the documents' own diagnostics are in
    /// the documents.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// The first stages of the pipeline, shared by every command: discover the inputs under
/// `opts.paths` (and `opts.plans`), parse each in parallel, and give each document to
/// `each` in the thread that parsed it. A document is dropped once `each` is done with
/// it unless `each` keeps it, so memory holds the documents being worked on, not all of
/// them. Files that turn out to be neither a plan nor a template are skipped.
pub(crate) fn parse_each<T: Send>(
    opts: &ScanOptions,
    progress: Progress,
    each: impl Fn(Parsed) -> T + Sync,
) -> ParsedAll<Option<T>> {
    let inputs = discover::discover(&opts.paths, opts.exclude.as_ref());
    // Plans given with --plan first, then the files that may be plans or templates.
    let jobs: Vec<Input> = inputs
        .terraform_roots
        .iter()
        .map(|(dir, root)| Input::Root(dir, root))
        .chain(opts.plans.iter().map(|p| Input::File(p, true)))
        .chain(
            inputs
                .template_candidates
                .iter()
                .map(|p| Input::File(p, false)),
        )
        .collect();
    // Module definitions used by several root modules: parsed once, shared.
    let shared = Arc::new(parse::hcl::module::SharedDefs::new(inputs.module_uses));
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, total);
    };
    progress(0, total);
    let results =
        jobs.par_iter()
            .map(|job| {
                let parsed = match job {
                    Input::Root(dir, root) => {
                        let (doc, files) = parse::hcl::module::scan_root_module_shared(
                            dir,
                            root,
                            &opts.vars,
                            Some((
                                shared.clone(),
                                inputs.reach.get(*dir).cloned().unwrap_or_default(),
                            )),
                        );
                        Some(Parsed { doc, files })
                    }
                    Input::File(p, explicit) => load_template(p, &opts.plan_locations, *explicit)
                        .map(|doc| {
                            let mut files = BTreeSet::new();
                            files.insert(Arc::from(discover::display(p).as_str()));
                            files.extend(doc.other_files.iter().cloned());
                            Parsed { doc, files }
                        }),
                };
                tick();
                parsed.map(&each)
            })
            .collect();
    // Every root module gave back what discovery counted it for.
    debug_assert_eq!(shared.held(), 0);
    ParsedAll {
        results,
        diagnostics: inputs.diagnostics,
    }
}

/// The graph and model of resources, with the scan's configuration (the organisation's
/// account IDs): what every command builds from a document.
pub(crate) fn build_model(
    resources: Vec<document::Resource>,
    own_accounts: &[String],
) -> model::Model {
    let mut model = model::Model::build(graph::Graph::build(resources));
    model.own_accounts = own_accounts.to_vec();
    model
}

/// Read a file that may be a Terraform plan or a CloudFormation template: `None` when it is
/// neither (other YAML and JSON is skipped silently). A file given with `--plan`
/// (`explicit_plan`) must be a plan.
fn load_template(
    p: &std::path::Path,
    plans: &parse::plan::Locations,
    explicit_plan: bool,
) -> Option<Document> {
    use parse::cfn::detect::may_be_template;
    use parse::hcl::module::{MAX_FILE_SIZE, MAX_PLAN_SIZE};
    let file: std::sync::Arc<str> = std::sync::Arc::from(discover::display(p).as_str());
    let whole = value::Span::new(file.clone(), 1, 1, 1, 1);
    let error = |span: value::Span, message: String| {
        Some(Document {
            diagnostics: vec![Diagnostic::error(span, message)],
            ..Default::default()
        })
    };
    let is_json = p
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    // A JSON file may be a plan, which can be larger than any template.
    let limit = if explicit_plan || is_json {
        MAX_PLAN_SIZE
    } else {
        MAX_FILE_SIZE
    };
    let too_large = |limit: u64| format!("file is larger than {} MiB: not parsed", limit >> 20);
    // Opened without blocking and checked on the handle: a regular file only (see fsread).
    let (f, size) = match fsread::open(p, fsread::Links::Follow) {
        Ok(x) => x,
        Err(e) => return error(whole, e.to_string()),
    };
    if size > limit {
        // Reported only when it is named as a plan or its beginning looks like a template
        // or a plan.
        let mut head = Vec::new();
        {
            use std::io::Read;
            let _ = f.take(64 * 1024).read_to_end(&mut head);
        }
        let head = String::from_utf8_lossy(&head);
        if explicit_plan || may_be_template(p, &head) || head.contains("\"format_version\"") {
            return error(whole, too_large(limit));
        }
        return None;
    }
    // Read through the handle opened above: the file is opened once.
    let bytes = match fsread::read_opened(f, size, limit) {
        Ok(b) => b,
        Err(e) => return error(whole, e.to_string()),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Other YAML and JSON is skipped silently, even when it is not UTF-8.
            let lossy = String::from_utf8_lossy(e.as_bytes());
            if explicit_plan || discover::looks_like_plan(p, &lossy) || may_be_template(p, &lossy) {
                return error(
                    parse::utf8_error_span(&file, &e),
                    "file is not valid UTF-8".into(),
                );
            }
            return None;
        }
    };
    if explicit_plan || discover::looks_like_plan(p, &text) {
        return parse::plan::load(p, &text, plans, explicit_plan);
    }
    if size > MAX_FILE_SIZE {
        return may_be_template(p, &text).then(|| error(whole, too_large(MAX_FILE_SIZE)))?;
    }
    parse::cfn::read_template(p, file, &text)
}

/// Check one document: build its graph and model, run the model rules (once per choice of
/// the undecided conditions its values depend on, see [`conditions`]), mark the findings
/// its resources suppress in source.
pub(crate) fn check(
    doc: Document,
    rules: &[rules::AnyRule],
    own_accounts: &[String],
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let mut diagnostics = doc.diagnostics;
    let run = |resources: Vec<document::Resource>| {
        let model = build_model(resources, own_accounts);
        let mut findings = Vec::new();
        for r in rules {
            if let rules::AnyRule::Model(r) = r {
                findings.extend(r.check(&model));
            }
        }
        (findings, model.graph.resources)
    };
    let (mut findings, resources) = conditions::check(doc.resources, &run, &mut diagnostics);
    diagnostics.extend(suppress::apply(&mut findings, &resources));
    name_constructs(&mut findings, &resources);
    (findings, diagnostics)
}

/// A finding about a CDK-synthesized resource names its construct path beside the logical
/// ID (`Lt (AsgOptionalTokens/Lt)`): CDK users know their resources by construct, not by
/// the generated logical ID.
fn name_constructs(findings: &mut [Finding], resources: &[document::Resource]) {
    for f in findings {
        let Some(path) = resources
            .iter()
            .find(|r| r.address == f.resource)
            .and_then(|r| r.construct_path.as_ref())
        else {
            continue;
        };
        f.construct_path = Some(path.clone());
        // The first mention of the logical ID as a whole word.
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let at = f.message.match_indices(f.resource.as_str()).find(|(i, _)| {
            let before = f.message[..*i].chars().next_back();
            let after = f.message[i + f.resource.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        });
        if let Some((i, _)) = at {
            f.message
                .insert_str(i + f.resource.len(), &format!(" ({path})"));
        }
    }
}

/// Run the file rules among `rules` over one file's text. `resources` are the lines and
/// addresses of the resources declared in the file.
pub(crate) fn check_file(
    rules: &[rules::AnyRule],
    path: &Arc<str>,
    text: &str,
    resources: &[(u32, String)],
) -> Vec<Finding> {
    let file = rules::SourceFile {
        path,
        text,
        resources,
    };
    rules
        .iter()
        .filter_map(|r| match r {
            rules::AnyRule::File(r) => Some(r.check_file(&file)),
            rules::AnyRule::Model(_) => None,
        })
        .flatten()
        .collect()
}

/// Run the whole pipeline.
pub fn scan(opts: &ScanOptions) -> Report {
    scan_with_progress(opts, &|_, _| {})
}

/// [`scan`], telling `progress` how parsing goes.
///
/// Each input (a Terraform root module with its modules, a template, a plan) is read and
/// checked in one parallel task, and its document dropped once checked: no barrier
/// between parsing and checking, and memory holds the documents being worked on, not all
/// of them.
pub fn scan_with_progress(opts: &ScanOptions, progress: Progress) -> Report {
    scan_keeping(opts, progress, |_| ()).0
}

/// [`scan_with_progress`], keeping for each input what `keep` makes of its document
/// before it is checked (the `graph` command keeps its model).
pub(crate) fn scan_keeping<T: Send>(
    opts: &ScanOptions,
    progress: Progress,
    keep: impl Fn(&Document) -> T + Sync,
) -> (Report, Vec<T>) {
    let rules = opts.rules();
    let want_files = rules.iter().any(|r| matches!(r, rules::AnyRule::File(_)));
    let parsed = parse_each(opts, progress, |Parsed { doc, files }| {
        let declared = if want_files {
            doc.resources
                .iter()
                .map(|r| (r.span.file.clone(), r.span.line, r.address.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let suppressions = if want_files {
            doc.resources
                .iter()
                .filter(|r| !r.suppressions.is_empty())
                .map(|r| (r.address.clone(), r.suppressions.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let kept = keep(&doc);
        let changes = doc.changes.clone();
        let loaded = doc.loaded.clone();
        let (mut findings, diagnostics) = check(doc, &rules, &opts.account_ids);
        if opts.changed_only
            && let Some(c) = &changes
        {
            findings.retain(|f| {
                c.addresses.contains(&f.resource)
                    || f.related.iter().any(|r| c.spans.contains(&r.span))
            });
        }
        (
            Checked {
                findings,
                diagnostics,
                is_plan: changes.is_some(),
                files,
                declared,
                loaded,
                suppressions,
            },
            kept,
        )
    });
    let mut checked = Vec::new();
    let mut kept = Vec::new();
    for (c, k) in parsed.results.into_iter().flatten() {
        checked.push(c);
        kept.push(k);
    }
    let mut files = BTreeSet::new();
    // The files whose text became a value, with the call that read each.
    let mut loaded: BTreeMap<Arc<str>, value::Span> = BTreeMap::new();
    // Each file's resources by line, for naming the one a finding of a file rule is in.
    let mut declared: std::collections::HashMap<&str, Vec<(u32, String)>> = Default::default();
    for c in &checked {
        files.extend(c.files.iter().cloned());
        for (file, call) in &c.loaded {
            loaded.entry(file.clone()).or_insert_with(|| call.clone());
        }
        for (file, line, address) in &c.declared {
            declared
                .entry(&**file)
                .or_default()
                .push((*line, address.clone()));
        }
    }
    let files: Vec<Arc<str>> = files.into_iter().collect();
    // Templates' resources that suppress something (for findings of file rules).
    let suppressions: Vec<(String, Vec<document::Suppression>)> = checked
        .iter()
        .flat_map(|c| c.suppressions.iter().cloned())
        .collect();
    let mut in_files = Vec::new();
    if want_files {
        in_files = files
            .par_iter()
            .filter_map(|f| {
                let text = fsread::read_string(
                    std::path::Path::new(&**f),
                    parse::hcl::module::MAX_PLAN_SIZE,
                    fsread::Links::Follow,
                )
                .ok()?;
                // File rules read what people write: a plan holds the values Terraform
                // will write, secrets from a vault included.
                let path = std::path::Path::new(&**f);
                if discover::looks_like_plan(path, &text)
                    || opts.plans.iter().any(|p| discover::display(p) == **f)
                {
                    return None;
                }
                let here = declared.get(&**f).map(Vec::as_slice).unwrap_or(&[]);
                let mut found = check_file(&rules, f, &text, here);
                // Named after the block each is in, suppressed like other findings.
                suppress::text_findings(f, &text, &mut found, &suppressions);
                Some(found)
            })
            .flatten()
            .collect();
    }
    let files_scanned = files.len();
    let any_plan = checked.iter().any(|c| c.is_plan);
    let mut diagnostics = parsed.diagnostics;
    let mut findings = Vec::new();
    let mut left_out = 0;
    // With --changed-only, a plan says what changes: the findings of configurations and
    // templates scanned beside it (and of file rules over written files) are not this
    // change's.
    if opts.changed_only && any_plan {
        left_out += in_files.len();
    } else {
        findings.extend(in_files);
    }
    for c in checked {
        if opts.changed_only && any_plan && !c.is_plan {
            left_out += c.findings.len();
        } else {
            findings.extend(c.findings);
        }
        diagnostics.extend(c.diagnostics);
    }
    if opts.changed_only && !any_plan {
        diagnostics.push(Diagnostic::note(
            value::Span::none(),
            "--changed-only: no Terraform plan was scanned, so every finding is reported",
        ));
    }
    if left_out > 0 {
        diagnostics.push(Diagnostic::note(
            value::Span::none(),
            format!(
                "--changed-only: {left_out} finding(s) of configurations and templates that are not plans are not reported"
            ),
        ));
    }
    for f in &mut findings {
        // A finding in a file read by `file()` / `templatefile()`: the call is part of its
        // path (the line someone may change instead).
        if let Some(call) = loaded.get(&f.span.file)
            && !call.is_none()
            && !f.related.iter().any(|r| r.span == *call)
        {
            let name = f.span.file.rsplit('/').next().unwrap_or(&f.span.file);
            f.related.push(finding::Related {
                span: call.clone(),
                message: format!("{name} is read by the call"),
            });
        }
        if let Some(s) = opts
            .severity
            .iter()
            .find(|(id, _)| id.eq_ignore_ascii_case(f.rule_id))
        {
            f.severity = *s.1;
        }
    }
    let roots: Vec<PathBuf> = opts.paths.iter().chain(&opts.plans).cloned().collect();
    (
        finish(findings, diagnostics, files_scanned, &rules, &roots),
        kept,
    )
}

/// What the task of one input hands back.
struct Checked {
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    /// The input is a plan.
    is_plan: bool,
    /// The files it was read from.
    files: BTreeSet<Arc<str>>,
    /// Its resources: file, line, address (for naming the resource a finding of a file
    /// rule is in).
    declared: Vec<(Arc<str>, u32, String)>,
    /// The files whose text became a value, with the call that read each
    /// ([`Document::loaded`]).
    loaded: BTreeMap<Arc<str>, value::Span>,
    /// The suppressions of its resources that have some, by address.
    suppressions: Vec<(String, Vec<document::Suppression>)>,
}

/// Where the repository of `file` (a path as shown in findings) starts: the nearest
/// directory upward with a `.git` (a directory, or a file in a worktree), else the deepest
/// of the scan `roots` the file is under. `None` when neither is known (a file that no
/// longer exists).
fn repo_root(
    file: &std::path::Path,
    roots: &[PathBuf],
    cache: &mut std::collections::HashMap<PathBuf, Option<PathBuf>>,
) -> Option<PathBuf> {
    let file = std::fs::canonicalize(file).ok()?;
    let dir = file.parent()?.to_path_buf();
    if let Some(hit) = cache.get(&dir) {
        return hit.clone();
    }
    // Only metadata is looked at above the scan root: whether a `.git` exists.
    let found = discover::git_root(&dir)
        .map(std::path::Path::to_path_buf)
        .or_else(|| {
            roots
                .iter()
                .filter_map(|r| std::fs::canonicalize(r).ok())
                .map(|r| {
                    if r.is_file() {
                        r.parent().map(|p| p.to_path_buf()).unwrap_or(r)
                    } else {
                        r
                    }
                })
                .filter(|r| file.starts_with(r))
                .max_by_key(|r| r.components().count())
        });
    cache.insert(dir, found.clone());
    found
}

/// `file` relative to its repository root ([`repo_root`]), with `/` separators; the file
/// as shown when no root is known.
fn repo_file(
    file: &str,
    roots: &[PathBuf],
    cache: &mut std::collections::HashMap<PathBuf, Option<PathBuf>>,
) -> String {
    let path = std::path::Path::new(file);
    repo_root(path, roots, cache)
        .and_then(|root| {
            let abs = std::fs::canonicalize(path).ok()?;
            Some(discover::display(abs.strip_prefix(root).ok()?))
        })
        .unwrap_or_else(|| file.to_string())
}

/// Sort, de-duplicate and fingerprint findings; sort diagnostics. `roots` are the scanned
/// paths: fingerprints name files relative to the repository root, so they do not depend
/// on the current directory or on how a root is spelled.
pub(crate) fn finish(
    mut findings: Vec<Finding>,
    mut diagnostics: Vec<Diagnostic>,
    files_scanned: usize,
    rules: &[rules::AnyRule],
    roots: &[PathBuf],
) -> Report {
    let mut cache = std::collections::HashMap::new();
    for f in &mut findings {
        f.related.dedup();
        if !f.span.is_none() || !f.span.file.is_empty() {
            f.repo_file = repo_file(&f.span.file, roots, &mut cache);
        }
        let mut h = Sha256::new();
        for part in [f.rule_id, &f.repo_file, &f.resource, &f.key] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        f.fingerprint = h
            .finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
    }
    findings.sort_by(|a, b| {
        (
            &a.span.file,
            a.span.line,
            a.span.col,
            a.rule_id,
            &a.key,
            &a.resource,
            &a.message,
        )
            .cmp(&(
                &b.span.file,
                b.span.line,
                b.span.col,
                b.rule_id,
                &b.key,
                &b.resource,
                &b.message,
            ))
    });
    let findings = finding::fold_instances(findings);
    diagnostics.sort();
    diagnostics.dedup();
    Report {
        findings,
        diagnostics,
        files_scanned,
        rules_run: rules.iter().map(|r| r.id()).collect(),
        baselined: 0,
        hidden: 0,
        baseline_stale: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scanned file is parsed once per run: a module that two root modules call is
    /// opened once for both (discovery's look for local module calls aside), and a
    /// CloudFormation template once.
    #[test]
    fn each_file_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let write = |p: &str, text: &str| {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        let module = r#"
variable "name" {}
resource "aws_iam_role" "r" {
  name               = var.name
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
"#;
        write("modules/role/main.tf", module);
        write(
            "modules/role/variables.tf",
            "variable \"unused\" { default = 1 }\n",
        );
        for app in ["a", "b", "c"] {
            write(
                &format!("{app}/main.tf"),
                &format!(
                    "module \"role\" {{\n  source = \"../modules/role\"\n  name = \"{app}\"\n}}\n"
                ),
            );
        }
        write(
            "cfn/template.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n",
        );
        let opts = ScanOptions {
            paths: vec![root.clone()],
            // The file rules read every file's text once more at the end (see below).
            select: vec!["PRIV001".into()],
            ..Default::default()
        };
        let report = scan(&opts);
        assert_eq!(report.files_scanned, 6, "{:?}", report.diagnostics);
        let opens = fsread::opens::under(&root);
        let count = |p: &str| opens.get(&root.join(p)).copied().unwrap_or(0);
        // Discovery reads each `.tf` file once to find the local module calls that decide
        // which directories are root modules; parsing reads it once more, whatever the
        // number of root modules that use it.
        for f in [
            "modules/role/main.tf",
            "modules/role/variables.tf",
            "a/main.tf",
            "b/main.tf",
            "c/main.tf",
        ] {
            assert_eq!(count(f), 2, "{f}: {opens:?}");
        }
        assert_eq!(count("cfn/template.yaml"), 1, "{opens:?}");
    }

    #[test]
    fn progress_counts_every_input() {
        let seen = std::sync::Mutex::new(Vec::new());
        let opts = ScanOptions {
            paths: vec![PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/testdata/PRIV004"
            ))],
            ..Default::default()
        };
        scan_with_progress(&opts, &|n, total| seen.lock().unwrap().push((n, total)));
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        // PRIV004: terraform/{fail,pass} roots, and cloudformation/{fail,pass,suppressed-cfn-nag}
        // templates in YAML and JSON.
        let total = 2 + 6;
        let want: Vec<(usize, usize)> = (0..=total).map(|n| (n, total)).collect();
        assert_eq!(seen, want);
    }
}
