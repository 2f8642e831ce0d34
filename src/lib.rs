//! rolegraph: how does each AWS compute workload get its credentials, and is that safe?
//!
//! The pipeline (see DESIGN.md): discover -> parse -> resolve -> graph -> model -> rules ->
//! report. [`scan`] runs all of it.

pub mod baseline;
pub mod conditions;
pub mod config;
pub mod discover;
pub mod document;
pub mod explain;
pub mod finding;
pub mod fuzzing;
pub mod graph;
pub mod iam;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod suppress;
pub mod value;

use document::{DiagLevel, Diagnostic, Document};
use finding::{Finding, Report};
use parse::hcl::module::VarInputs;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

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
    pub fn rules(&self) -> Vec<&'static dyn rules::Rule> {
        let matches = |list: &[String], id: &str| {
            list.iter().any(|s| {
                s.eq_ignore_ascii_case(id)
                    || (!s.is_empty()
                        && id.starts_with(&s.to_ascii_uppercase())
                        && s.chars().all(|c| c.is_ascii_alphabetic()))
            })
        };
        rules::all()
            .into_iter()
            .filter(|r| self.select.is_empty() || matches(&self.select, r.id()))
            .filter(|r| !matches(&self.ignore, r.id()))
            .collect()
    }
}

/// Told how far parsing has come: `(inputs parsed, inputs in all)`, where an input is a
/// Terraform root module (with its modules) or a template. Called from parser threads.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Parse every input into documents (one per Terraform root module, template or plan).
pub fn load(opts: &ScanOptions) -> (Vec<Document>, Vec<Diagnostic>, Vec<std::sync::Arc<str>>) {
    load_with_progress(opts, &|_, _| {})
}

/// [`load`], telling `progress` after each input.
pub fn load_with_progress(
    opts: &ScanOptions,
    progress: Progress,
) -> (Vec<Document>, Vec<Diagnostic>, Vec<std::sync::Arc<str>>) {
    let inputs = discover::discover(&opts.paths, opts.exclude.as_ref());
    // Plans given with --plan first, then the files that may be plans or templates.
    let candidates: Vec<(&PathBuf, bool)> = opts
        .plans
        .iter()
        .map(|p| (p, true))
        .chain(inputs.template_candidates.iter().map(|p| (p, false)))
        .collect();
    let total = inputs.terraform_roots.len() + candidates.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, total);
    };
    progress(0, total);
    let results: Vec<(Document, BTreeSet<std::sync::Arc<str>>)> = inputs
        .terraform_roots
        .par_iter()
        .map(|(dir, root)| {
            let r = parse::hcl::module::scan_root_module(dir, root, &opts.vars);
            tick();
            r
        })
        .collect();
    let templates: Vec<Option<Document>> = candidates
        .par_iter()
        .map(|(p, explicit)| {
            let d = load_template(p, &opts.plan_locations, *explicit);
            tick();
            d
        })
        .collect();
    let mut files = BTreeSet::new();
    let mut docs = Vec::new();
    for (d, f) in results {
        files.extend(f);
        docs.push(d);
    }
    for (d, (p, _)) in templates.into_iter().zip(&candidates) {
        if let Some(d) = d {
            files.insert(std::sync::Arc::from(discover::display(p).as_str()));
            files.extend(d.other_files.iter().cloned());
            docs.push(d);
        }
    }
    (docs, inputs.diagnostics, files.into_iter().collect())
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
    let size = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    if size > limit {
        // Reported only when it is named as a plan or its beginning looks like a template
        // or a plan.
        let mut head = Vec::new();
        if let Ok(f) = std::fs::File::open(p) {
            use std::io::Read;
            let _ = f.take(64 * 1024).read_to_end(&mut head);
        }
        let head = String::from_utf8_lossy(&head);
        if explicit_plan || may_be_template(p, &head) || head.contains("\"format_version\"") {
            return error(whole, too_large(limit));
        }
        return None;
    }
    let bytes = match std::fs::read(p) {
        Ok(b) => b,
        Err(e) => return error(whole, format!("cannot read file: {e}")),
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

/// Check one document: build its graph and model, run the rules (once per choice of the
/// undecided conditions its values depend on, see [`variants`]), mark the findings its
/// resources suppress in source.
pub fn check(
    doc: Document,
    rules: &[&'static dyn rules::Rule],
    own_accounts: &[String],
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let mut diagnostics = doc.diagnostics;
    let run = |resources: Vec<document::Resource>| {
        let mut model = model::Model::build(graph::Graph::build(resources));
        model.own_accounts = own_accounts.to_vec();
        let mut findings = Vec::new();
        for r in rules {
            findings.extend(r.check(&model));
        }
        (findings, model.graph.resources)
    };
    let (mut findings, resources) = conditions::check(doc.resources, &run, &mut diagnostics);
    diagnostics.extend(suppress::apply(&mut findings, &resources));
    (findings, diagnostics)
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
    let rules = opts.rules();
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
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, total);
    };
    progress(0, total);
    let want_credentials = rules
        .iter()
        .any(|r| r.id() == rules::cred::hardcoded_aws_credentials::ID);
    let checked: Vec<Checked> = jobs
        .par_iter()
        .map(|job| {
            let mut files = BTreeSet::new();
            let doc = match job {
                Input::Root(dir, root) => {
                    let (d, f) = parse::hcl::module::scan_root_module(dir, root, &opts.vars);
                    files = f;
                    Some(d)
                }
                Input::File(p, explicit) => {
                    let d = load_template(p, &opts.plan_locations, *explicit);
                    if let Some(d) = &d {
                        files.insert(std::sync::Arc::from(discover::display(p).as_str()));
                        files.extend(d.other_files.iter().cloned());
                    }
                    d
                }
            };
            tick();
            let Some(doc) = doc else {
                return Checked::default();
            };
            let declared = if want_credentials {
                doc.resources
                    .iter()
                    .map(|r| (r.span.file.clone(), r.span.line, r.address.clone()))
                    .collect()
            } else {
                Vec::new()
            };
            let changes = doc.changes.clone();
            let (mut findings, diagnostics) = check(doc, &rules, &opts.account_ids);
            if opts.changed_only
                && let Some(c) = &changes
            {
                findings.retain(|f| {
                    c.addresses.contains(&f.resource)
                        || f.related.iter().any(|r| c.spans.contains(&r.span))
                });
            }
            Checked {
                findings,
                diagnostics,
                is_plan: changes.is_some(),
                files,
                declared,
            }
        })
        .collect();
    let mut files = BTreeSet::new();
    // Each file's resources by line, for naming the one a credential is in.
    let mut declared: std::collections::HashMap<&str, Vec<(u32, String)>> = Default::default();
    for c in &checked {
        files.extend(c.files.iter().cloned());
        for (file, line, address) in &c.declared {
            declared
                .entry(&**file)
                .or_default()
                .push((*line, address.clone()));
        }
    }
    let files: Vec<std::sync::Arc<str>> = files.into_iter().collect();
    let mut credentials = Vec::new();
    if want_credentials {
        credentials = files
            .par_iter()
            .filter_map(|f| {
                let text = std::fs::read_to_string(&**f).ok()?;
                // A plan holds the values Terraform will write, secrets from a vault
                // included: none of them is written in the code.
                let path = std::path::Path::new(&**f);
                if discover::looks_like_plan(path, &text)
                    || opts.plans.iter().any(|p| discover::display(p) == **f)
                {
                    return None;
                }
                let here = declared.get(&**f).map(Vec::as_slice).unwrap_or(&[]);
                Some(rules::cred::hardcoded_aws_credentials::scan_file(
                    f, &text, here,
                ))
            })
            .flatten()
            .collect();
    }
    let files_scanned = files.len();
    let any_plan = checked.iter().any(|c| c.is_plan);
    let mut diagnostics = inputs.diagnostics;
    let mut findings = Vec::new();
    let mut left_out = 0;
    // With --changed-only, a plan says what changes: the findings of configurations and
    // templates scanned beside it (and of credentials written in files) are not this
    // change's.
    if opts.changed_only && any_plan {
        left_out += credentials.len();
    } else {
        findings.extend(credentials);
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
        if let Some(s) = opts
            .severity
            .iter()
            .find(|(id, _)| id.eq_ignore_ascii_case(f.rule_id))
        {
            f.severity = *s.1;
        }
    }
    finish(findings, diagnostics, files_scanned, &rules)
}

/// One unit of parallel work.
enum Input<'a> {
    /// A Terraform root module directory and the scan root it was found under.
    Root(&'a PathBuf, &'a PathBuf),
    /// A file that may be a plan or a template; `true` when given with `--plan`.
    File(&'a PathBuf, bool),
}

/// What the task of one input hands back.
#[derive(Default)]
struct Checked {
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    /// The input is a plan.
    is_plan: bool,
    /// The files it was read from.
    files: BTreeSet<std::sync::Arc<str>>,
    /// Its resources: file, line, address (for naming the resource a credential is in).
    declared: Vec<(std::sync::Arc<str>, u32, String)>,
}

/// Sort, de-duplicate and fingerprint findings; sort diagnostics.
pub fn finish(
    mut findings: Vec<Finding>,
    mut diagnostics: Vec<Diagnostic>,
    files_scanned: usize,
    rules: &[&'static dyn rules::Rule],
) -> Report {
    for f in &mut findings {
        f.related.dedup();
        let mut h = Sha256::new();
        for part in [f.rule_id, &f.span.file, &f.resource, &f.key] {
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
    }
}

/// Did the scan fail to read something (the gate fails closed on it)?
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.level == DiagLevel::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

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
