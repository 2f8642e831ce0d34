//! Filesystem functions (`file`, `filebase64`, `fileexists`, `fileset`, `templatefile`,
//! `basename`, `dirname`).
//!
//! Nothing is read outside [`super::FnCtx::root`]: paths are resolved and checked against it,
//! and `fileset` never follows a symbolic link (the scanned repository is attacker-controlled)
//! and stops after [`MAX_FILESET_ENTRIES`] directory entries.

use super::{Cx, R};
use crate::value::{Node, Span, Value};
use base64::Engine as _;
use std::path::{Path, PathBuf};

/// Most directory entries `fileset()` looks at (a guard against huge trees).
pub(crate) const MAX_FILESET_ENTRIES: usize = 10_000;

/// Deepest directory `fileset()` descends into below its path.
const MAX_FILESET_DEPTH: usize = 64;

/// Largest file `file()` / `templatefile()` read.
pub(crate) const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Files

/// Resolve a path argument: relative to the module directory (a path already starting with
/// it, as `"${path.module}/x"` gives, is taken as is). Returns the path as shown and its
/// canonical form, refusing anything outside the root.
pub(crate) fn resolve_path(cx: &Cx, given: &str) -> Result<(PathBuf, PathBuf), String> {
    let p = Path::new(given);
    let shown = if p.is_absolute() || p.starts_with(cx.ctx.module_dir) {
        p.to_path_buf()
    } else {
        cx.ctx.module_dir.join(p)
    };
    let canon = std::fs::canonicalize(&shown)
        .map_err(|_| format!("{}: no file exists at {}", cx.name, shown.display()))?;
    let root = std::fs::canonicalize(cx.ctx.root).unwrap_or_else(|_| cx.ctx.root.to_path_buf());
    if !canon.starts_with(&root) {
        return cx.err(format!(
            "{} is outside the scanned directory and is not read",
            shown.display()
        ));
    }
    Ok((shown, canon))
}

pub(crate) fn read_file(cx: &Cx, given: &str) -> Result<(PathBuf, Vec<u8>), String> {
    let (shown, canon) = resolve_path(cx, given)?;
    // A link is not followed even when it stays inside the root; the canonical path has
    // none, and the read itself checks the opened handle is a regular file.
    if std::fs::symlink_metadata(&shown).is_ok_and(|m| m.file_type().is_symlink()) {
        return cx.err(format!(
            "{} {}",
            shown.display(),
            crate::fsread::Refused::Symlink
        ));
    }
    match crate::fsread::read(&canon, MAX_FILE_BYTES, crate::fsread::Links::Refuse) {
        Ok(bytes) => Ok((shown, bytes)),
        Err(crate::fsread::Refused::TooLarge(_)) => cx.err(format!(
            "{} is larger than {} MB and is not read",
            shown.display(),
            MAX_FILE_BYTES / (1024 * 1024)
        )),
        Err(crate::fsread::Refused::NotRegular(_)) => {
            cx.err(format!("{} is not a file", shown.display()))
        }
        Err(crate::fsread::Refused::Io(e)) => Err(format!("{}: {e}", cx.name)),
        Err(e) => cx.err(format!("{} {e}", shown.display())),
    }
}

pub(crate) fn read_text(cx: &Cx, given: &str) -> Result<(PathBuf, String), String> {
    let (shown, bytes) = read_file(cx, given)?;
    match String::from_utf8(bytes) {
        Ok(t) => Ok((shown, t)),
        Err(_) => cx.err(format!(
            "the contents of {} are not valid UTF-8",
            shown.display()
        )),
    }
}

/// The span of a whole file's text.
pub(crate) fn file_span(shown: &Path, text: &str) -> Span {
    let file: std::sync::Arc<str> = std::sync::Arc::from(crate::discover::display(shown));
    let body = text.strip_suffix('\n').unwrap_or(text);
    let body = body.strip_suffix('\r').unwrap_or(body);
    let end_line = 1 + body.matches('\n').count() as u32;
    let last = body.rsplit('\n').next().unwrap_or("");
    Span::new(file, 1, 1, end_line, last.chars().count() as u32 + 1)
}

pub(crate) fn file(cx: &Cx, a: &[Node], as_base64: bool) -> R {
    cx.arity(a, 1)?;
    let Some(path) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    if as_base64 {
        let (_, bytes) = read_file(cx, &path)?;
        let enc = base64::engine::general_purpose::STANDARD.encode(bytes);
        return Ok(cx.node(Value::String(enc)));
    }
    let (shown, text) = read_text(cx, &path)?;
    let span = file_span(&shown, &text);
    Ok(Node::new(Value::String(text), span))
}

pub(crate) fn fileexists(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(path) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let p = Path::new(&path);
    let shown = if p.is_absolute() || p.starts_with(cx.ctx.module_dir) {
        p.to_path_buf()
    } else {
        cx.ctx.module_dir.join(p)
    };
    if !shown.exists() {
        return Ok(cx.node(Value::Bool(false)));
    }
    let (_, canon) = resolve_path(cx, &path)?;
    if canon.is_dir() {
        return cx.err(format!("{} is a directory, not a file", shown.display()));
    }
    Ok(cx.node(Value::Bool(canon.is_file())))
}

pub(crate) fn templatefile(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(path) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let vars = match &a[1].value {
        Value::Map(m) => m.clone(),
        Value::Null => return cx.err("the variables argument must not be null"),
        Value::Ref(_) | Value::Unknown => return cx.unknown(),
        _ => return cx.err("the variables argument must be a map or object"),
    };
    let (shown, text) = read_text(cx, &path)?;
    Ok((cx.ctx.render_template)(&text, &shown, vars))
}

/// `fileset(path, pattern)`: the regular files under `path` whose path relative to it
/// matches `pattern` (`*` and `?` stay within one directory, `**` crosses directories,
/// `{a,b}` and `[...]` as in Terraform), as a sorted set of `/`-separated relative paths. A
/// path that does not exist gives the empty set, as in Terraform. Symbolic links are skipped
/// (Terraform would follow them; here they could lead out of the scanned repository).
pub(crate) fn fileset(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (path, pattern) = (cx.text(&a[0])?, cx.text(&a[1])?);
    let (Some(path), Some(pattern)) = (path, pattern) else {
        return cx.unknown();
    };
    let glob = globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("fileset: invalid pattern {pattern:?}: {e}"))?
        .compile_matcher();
    let p = Path::new(&path);
    let shown = if p.is_absolute() || p.starts_with(cx.ctx.module_dir) {
        p.to_path_buf()
    } else {
        cx.ctx.module_dir.join(p)
    };
    if std::fs::symlink_metadata(&shown).is_err() {
        return Ok(cx.node(Value::List(Vec::new())));
    }
    let (_, dir) = resolve_path(cx, &path)?;
    let mut found = Vec::new();
    let mut seen = 0usize;
    // (directory, its path relative to `dir`, depth)
    let mut stack = vec![(dir.clone(), String::new(), 0usize)];
    while let Some((d, rel, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_FILESET_ENTRIES {
                return cx.err(format!(
                    "more than {MAX_FILESET_ENTRIES} entries under {}: not listed",
                    shown.display()
                ));
            }
            // file_type() does not follow symbolic links.
            let Ok(ft) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if ft.is_dir() {
                if depth < MAX_FILESET_DEPTH {
                    stack.push((entry.path(), child, depth + 1));
                }
            } else if ft.is_file() && glob.is_match(&child) {
                found.push(child);
            }
        }
    }
    found.sort();
    let items = found
        .into_iter()
        .map(|f| Node::string(f, cx.span()))
        .collect();
    Ok(cx.node(Value::List(items)))
}
