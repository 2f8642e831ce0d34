//! Discovery: walk the given paths (respecting .gitignore, skipping `.git/` and
//! `.terraform/`, never following a symlink), and sort what is found into inputs: Terraform
//! root modules (a directory of `.tf` / `.tf.json` files that no other scanned module calls
//! as a local module), and other files for the other parsers.

use crate::document::Diagnostic;
use crate::parse::hcl::module::{is_tf_file, local_module_dirs, normalize};
use crate::value::Span;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Default)]
pub(crate) struct Inputs {
    /// Terraform root modules with the scan root each was found under.
    pub(crate) terraform_roots: Vec<(PathBuf, PathBuf)>,
    /// YAML / JSON files that may be CloudFormation templates (decided by content).
    pub(crate) template_candidates: Vec<PathBuf>,
    /// Paths that could not be read or do not exist.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// For each module directory, how many of `terraform_roots` reach it (itself or
    /// through local module calls): the module definitions parsed once and shared.
    pub(crate) module_uses: HashMap<PathBuf, usize>,
    /// For each root module directory, the directories it reaches (itself included): it
    /// gives each of them back to the shared definitions when it is done, used or not.
    pub(crate) reach: HashMap<PathBuf, Vec<PathBuf>>,
}

fn skip_dir(name: &str) -> bool {
    matches!(
        name,
        ".git" | ".terraform" | "node_modules" | ".terragrunt-cache"
    )
}

/// Sort the inputs under `paths`. Entries of the walk that `exclude` matches are skipped
/// (paths given directly are always read).
pub(crate) fn discover(paths: &[PathBuf], exclude: Option<&crate::config::Exclude>) -> Inputs {
    let mut inputs = Inputs::default();
    let mut module_dirs: BTreeSet<(PathBuf, PathBuf)> = BTreeSet::new();
    for p in paths {
        let p = normalize(p);
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) => {
                inputs.diagnostics.push(Diagnostic::error(
                    Span::new(Arc::from(display(&p).as_str()), 0, 0, 0, 0),
                    format!("cannot read {}: {e}", p.display()),
                ));
                continue;
            }
        };
        if meta.is_file() {
            if is_tf_file(&p) {
                let dir = p
                    .parent()
                    .map(normalize)
                    .unwrap_or_else(|| PathBuf::from("."));
                module_dirs.insert((dir.clone(), dir));
            } else if is_template_candidate(&p) {
                // A template named on the command line (read only if it is one).
                inputs.template_candidates.push(p.clone());
            }
            continue;
        }
        // The walker's filter must own what it reads. A path named on the command line is
        // scanned even when a pattern excludes it; the patterns that exclude other things
        // still apply below it.
        let exclude = exclude.and_then(|x| x.below(&p));
        let walker = ignore::WalkBuilder::new(&p)
            .follow_links(false)
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(false)
            .require_git(false)
            .filter_entry(move |e| {
                let skipped = e.file_type().is_some_and(|t| t.is_dir())
                    && skip_dir(e.file_name().to_str().unwrap_or(""));
                // The root itself was named on the command line: never excluded.
                let excluded =
                    e.depth() > 0 && exclude.as_ref().is_some_and(|x| x.matches(e.path()));
                !skipped && !excluded
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    // Symlinks are never followed (a link could lead out of the root).
                    if e.path_is_symlink() {
                        inputs
                            .diagnostics
                            .extend(symlink_warning(&normalize(e.path())));
                    } else if e.file_type().is_some_and(|t| t.is_file()) {
                        if is_tf_file(e.path()) {
                            let dir = e.path().parent().map(normalize).unwrap_or_default();
                            module_dirs.insert((dir, p.clone()));
                        } else if is_template_candidate(e.path()) {
                            inputs.template_candidates.push(normalize(e.path()));
                        }
                    }
                }
                Err(err) => {
                    let path = match &err {
                        ignore::Error::WithPath { path, .. } => display(path),
                        _ => display(&p),
                    };
                    inputs.diagnostics.push(Diagnostic::error(
                        Span::new(Arc::from(path.as_str()), 0, 0, 0, 0),
                        format!("cannot read: {err}"),
                    ));
                }
            }
        }
    }
    // A module directory that another scanned module calls is scanned through that call
    // (with the caller's inputs), not on its own.
    let dirs: HashSet<PathBuf> = module_dirs.iter().map(|(d, _)| d.clone()).collect();
    let mut unique: Vec<&PathBuf> = dirs.iter().collect();
    unique.sort();
    let calls: HashMap<PathBuf, Vec<PathBuf>> = unique
        .par_iter()
        .map(|d| {
            let called: Vec<PathBuf> = local_module_dirs(d)
                .into_iter()
                .filter(|c| c != *d && dirs.contains(c))
                .collect();
            (d.to_path_buf(), called)
        })
        .collect();
    let called: HashSet<&PathBuf> = calls.values().flatten().collect();
    let mut roots: BTreeSet<&PathBuf> = unique
        .iter()
        .copied()
        .filter(|d| !called.contains(d))
        .collect();
    // Modules that only call each other (a -> b -> a) have no caller outside the cycle:
    // the first of them in path order is scanned as a root, so none goes unread.
    let mut reached: HashSet<&PathBuf> = HashSet::new();
    fn reach<'a>(
        calls: &'a HashMap<PathBuf, Vec<PathBuf>>,
        from: &PathBuf,
        reached: &mut HashSet<&'a PathBuf>,
    ) {
        let mut stack = vec![from];
        while let Some(d) = stack.pop() {
            if let Some((k, next)) = calls.get_key_value(d)
                && reached.insert(k)
            {
                stack.extend(next.iter());
            }
        }
    }
    for r in &roots {
        reach(&calls, r, &mut reached);
    }
    for d in &unique {
        if !reached.contains(d) {
            roots.insert(d);
            reach(&calls, d, &mut reached);
        }
    }
    inputs.template_candidates.sort();
    inputs.template_candidates.dedup();
    inputs.terraform_roots = module_dirs
        .iter()
        .filter(|(d, _)| roots.contains(d))
        .cloned()
        .collect();
    for (r, _) in &inputs.terraform_roots {
        // (`reach` marks the root itself too.)
        let mut seen: HashSet<&PathBuf> = HashSet::new();
        reach(&calls, r, &mut seen);
        let mut seen: Vec<PathBuf> = seen.into_iter().cloned().collect();
        seen.sort();
        for d in &seen {
            *inputs.module_uses.entry(d.clone()).or_default() += 1;
        }
        inputs.reach.insert(r.clone(), seen);
    }
    inputs
}

/// A symbolic link met while walking is not followed; one that cannot be resolved (a loop,
/// or a missing target with a name rolegraph reads) or that points back to a directory
/// containing it gets a warning, so nothing is skipped silently.
fn symlink_warning(link: &Path) -> Option<Diagnostic> {
    let shown = display(link);
    let at = Span::new(Arc::from(shown.as_str()), 0, 0, 0, 0);
    match std::fs::metadata(link) {
        Err(e) => {
            let relevant = is_tf_file(link) || is_template_candidate(link);
            (relevant || e.kind() != std::io::ErrorKind::NotFound).then(|| {
                Diagnostic::warning(
                    at,
                    format!("symbolic link cannot be followed: {e}; skipped"),
                )
            })
        }
        Ok(m) if m.is_dir() => {
            let target = std::fs::canonicalize(link).ok()?;
            let parent = std::fs::canonicalize(link.parent()?).ok()?;
            parent.starts_with(&target).then(|| {
                Diagnostic::warning(
                    at,
                    "symbolic link to a directory that contains it (a loop): not followed",
                )
            })
        }
        Ok(_) => None,
    }
}

/// A file that may hold a CloudFormation template (its content decides).
fn is_template_candidate(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".tfvars.json") || name.ends_with(".tf.json") {
        return false;
    }
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "yaml" | "yml" | "json" | "template"
    )
}

/// The display form of a path in findings and every output: as given, without `.`
/// components (`./main.tf` is `main.tf`: GitHub attaches annotations only to clean
/// repository paths; the same file reads the same from the current directory). On Windows
/// a backslash separates directories and becomes `/`; elsewhere it is an ordinary
/// character of a file name (`back\slash/main.tf` is not `back/slash/main.tf`) and is kept.
pub(crate) fn display(p: &Path) -> String {
    let s = normalize(p).to_string_lossy().into_owned();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s
    }
}

/// Is this file a Terraform plan (`terraform show -json PLANFILE`), whatever its name? A
/// JSON document with `format_version` and `planned_values` or `resource_changes` is one
/// (a state file has no planned values; a template has no format version). This is the
/// quick test on the text; the parser checks the keys are at the top level.
pub(crate) fn looks_like_plan(p: &Path, text: &str) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
    ext.eq_ignore_ascii_case("json")
        && text
            .trim_start_matches('\u{FEFF}')
            .trim_start()
            .starts_with('{')
        && text.contains("\"format_version\"")
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
}

/// Is `output` one of the files a scan of `paths` reads (a file given directly in `paths`
/// or `files`, or a file under a scanned directory that would be read as Terraform, a
/// template or a plan)? Writing the report there would overwrite the input.
pub fn is_input(output: &Path, paths: &[PathBuf], files: &[PathBuf]) -> bool {
    let Ok(out) = std::fs::canonicalize(output) else {
        // Not there yet: nothing is overwritten.
        return false;
    };
    let same = |p: &Path| std::fs::canonicalize(p).is_ok_and(|c| c == out);
    if files.iter().any(|f| same(f)) {
        return true;
    }
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let tf_input = is_tf_file(&out) || name.ends_with(".tfvars") || name.ends_with(".tfvars.json");
    paths.iter().any(|p| {
        let Ok(c) = std::fs::canonicalize(p) else {
            return false;
        };
        if c == out {
            return true;
        }
        if !c.is_dir() || !out.starts_with(&c) {
            return false;
        }
        if tf_input {
            return true;
        }
        // A YAML or JSON file is an input when its content makes it one.
        is_template_candidate(&out)
            && crate::fsread::open(&out, crate::fsread::Links::Follow)
                .and_then(|(f, _)| {
                    use std::io::Read;
                    let mut head = Vec::new();
                    f.take(64 * 1024)
                        .read_to_end(&mut head)
                        .map_err(crate::fsread::Refused::Io)?;
                    Ok(head)
                })
                .is_ok_and(|head| {
                    let head = String::from_utf8_lossy(&head);
                    crate::parse::cfn::detect::may_be_template(&out, &head)
                        || head.contains("\"format_version\"")
                })
    })
}

/// The repository a directory belongs to: the nearest directory from `dir` up that holds
/// `.git` (only its existence is looked at). One definition for baseline fingerprints and
/// SARIF URIs, so both name files relative to the same root.
pub(crate) fn git_root(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|d| d.join(".git").exists())
}
