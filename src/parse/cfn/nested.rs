//! Nested stacks (`AWS::CloudFormation::Stack`) whose `TemplateURL` is a local file, as
//! `aws cloudformation package` expects (`./workers.yaml`): the child template is read
//! with the parent's `Parameters` in place of its defaults, like a Terraform module with
//! its inputs, and its resources join the parent's document under the stack's logical ID
//! (`Workers/LaunchTemplate`). A remote URL (`https://`, `s3://`) is not followed; a note
//! says so. The child file is also scanned on its own, with its defaults.
//!
//! Only a relative path below the parent template's directory is read (no `..`, no
//! absolute path, no symbolic link on the way), and only one level deep.

use crate::document::{Diagnostic, Document};
use crate::value::{Node, Piece, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// The type of a nested stack.
const STACK: &str = "AWS::CloudFormation::Stack";
/// At most this many child templates are read for one parent (each may be large).
const MAX_CHILDREN: usize = 32;

/// Add the resources of the local child templates of `doc` (read from beside `path`).
pub fn expand(path: &Path, doc: &mut Document) {
    let stacks: Vec<usize> = (0..doc.resources.len())
        .filter(|i| doc.resources[*i].rtype == STACK)
        .collect();
    for (k, i) in stacks.into_iter().enumerate() {
        let stack = &doc.resources[i];
        if k == MAX_CHILDREN {
            doc.diagnostics.push(Diagnostic::note(
                stack.span.first_line(),
                format!("more than {MAX_CHILDREN} nested stacks: the rest are not followed"),
            ));
            break;
        }
        let Some(url) = stack.attr(&["TemplateURL"]) else {
            continue;
        };
        let span = url.span.clone();
        let Some(text) = url.as_str().map(str::to_string) else {
            doc.diagnostics.push(Diagnostic::note(
                span,
                format!(
                    "nested stack {}: its TemplateURL is not known statically; the child template is not followed",
                    stack.address
                ),
            ));
            continue;
        };
        let Some(child) = local_child(path, &text) else {
            doc.diagnostics.push(Diagnostic::note(
                span,
                format!(
                    "nested stack {}: TemplateURL {text} is not a local file below this template; remote templates are not followed (scan the child template on its own)",
                    stack.address
                ),
            ));
            continue;
        };
        let overrides: HashMap<String, Node> = match stack.attr(&["Parameters"]).map(|p| &p.value) {
            Some(Value::Map(m)) => m.clone().into_iter().collect(),
            _ => HashMap::new(),
        };
        let prefix = format!("{}/", stack.address);
        let Some(child_doc) = read_child(&child, overrides) else {
            doc.diagnostics.push(Diagnostic::note(
                span,
                format!(
                    "nested stack {}: {text} could not be read as a template; not followed",
                    stack.address
                ),
            ));
            continue;
        };
        let ids: HashSet<String> = child_doc
            .resources
            .iter()
            .map(|r| r.ref_address.clone())
            .collect();
        for mut r in child_doc.resources {
            // A stack in the child is not followed further (one level).
            r.address = format!("{prefix}{}", r.address);
            r.ref_address = format!("{prefix}{}", r.ref_address);
            prefix_refs(&mut r.attrs, &ids, &prefix);
            doc.resources.push(r);
        }
    }
}

/// The child template's path, when `url` is a relative path below `parent`'s directory
/// with no symbolic link on the way.
fn local_child(parent: &Path, url: &str) -> Option<PathBuf> {
    if url.contains("://") || url.starts_with("s3:") || url.is_empty() {
        return None;
    }
    let rel = Path::new(url);
    if !rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let mut p = parent.parent()?.to_path_buf();
    for c in rel.components() {
        if let Component::Normal(n) = c {
            p.push(n);
            let meta = std::fs::symlink_metadata(&p).ok()?;
            if meta.file_type().is_symlink() {
                return None;
            }
        }
    }
    let meta = std::fs::symlink_metadata(&p).ok()?;
    (meta.is_file() && meta.len() <= crate::parse::hcl::module::MAX_FILE_SIZE).then_some(p)
}

fn read_child(path: &Path, overrides: HashMap<String, Node>) -> Option<Document> {
    let text = std::fs::read_to_string(path).ok()?;
    let file: std::sync::Arc<str> = std::sync::Arc::from(path.to_string_lossy().replace('\\', "/"));
    let loaded = super::load(&text, &file);
    let is = match &loaded {
        Ok((root, _)) => super::detect::is_template_tree(root),
        Err(_) => false,
    };
    is.then(|| super::document_with(loaded, overrides))
}

/// Point the child's references to its own resources at their new addresses.
fn prefix_refs(n: &mut Node, ids: &HashSet<String>, prefix: &str) {
    match &mut n.value {
        Value::Ref(r) if ids.contains(&r.target) => r.target = format!("{prefix}{}", r.target),
        Value::Interp(pieces) => {
            for p in pieces {
                if let Piece::Ref(r) = p
                    && ids.contains(&r.target)
                {
                    r.target = format!("{prefix}{}", r.target);
                }
            }
        }
        Value::List(l) => l.iter_mut().for_each(|x| prefix_refs(x, ids, prefix)),
        Value::Map(m) => m.values_mut().for_each(|x| prefix_refs(x, ids, prefix)),
        Value::Json(inner) => prefix_refs(inner, ids, prefix),
        Value::Cond {
            then, otherwise, ..
        } => {
            for b in [then, otherwise].into_iter().flatten() {
                prefix_refs(b, ids, prefix);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_files_below_the_parent_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path().join("stack/parent.yaml");
        std::fs::create_dir_all(dir.path().join("stack/sub")).unwrap();
        std::fs::write(&parent, "").unwrap();
        std::fs::write(dir.path().join("stack/sub/child.yaml"), "").unwrap();
        std::fs::write(dir.path().join("outside.yaml"), "").unwrap();
        assert!(local_child(&parent, "./sub/child.yaml").is_some());
        assert!(local_child(&parent, "sub/child.yaml").is_some());
        assert!(local_child(&parent, "../outside.yaml").is_none());
        assert!(local_child(&parent, "/etc/passwd").is_none());
        assert!(local_child(&parent, "https://example.com/child.yaml").is_none());
        assert!(local_child(&parent, "s3://bucket/child.yaml").is_none());
        assert!(local_child(&parent, "./sub").is_none());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                dir.path().join("outside.yaml"),
                dir.path().join("stack/link.yaml"),
            )
            .unwrap();
            assert!(local_child(&parent, "./link.yaml").is_none());
        }
    }
}
