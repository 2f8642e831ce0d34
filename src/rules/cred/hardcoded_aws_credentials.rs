//! CRED001 hardcoded-aws-credentials.
//!
//! Searches the text of every scanned file (not the model: files without resources,
//! such as `variables.tf`, count too) with the detector in `secrets.rs`, including decoded
//! user data, and reports each key masked.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/CRED001.yaml`; `docs/rules/CRED001.md` and `rolegraph rules CRED001` render it.
//!
//! It is a [`FileRule`] (see [`scan_file`]): it reads text, not the model.

use crate::finding::Finding;
use crate::rules::{FileRule, SourceFile, severity};
use crate::secrets::{self, mask};
use crate::value::Span;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub struct Cred001;

pub const ID: &str = "CRED001";

impl FileRule for Cred001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check_file(&self, file: &SourceFile) -> Vec<Finding> {
        scan_file(file.path, file.text, file.resources)
    }
}

/// 1-based line and character column of a byte offset.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line as u32, col as u32)
}

/// The credentials in one file's text. `resources` are the lines and addresses of the
/// scan's resources declared in the file: a finding names the one it is in (the last one
/// declared above it), else the file.
pub fn scan_file(file: &Arc<str>, text: &str, resources: &[(u32, String)]) -> Vec<Finding> {
    let mut out = Vec::new();
    // AWS's documented example keys are in every tutorial and grant nothing: like GitHub
    // secret scanning, they are not reported.
    for hit in secrets::find(text).into_iter().filter(|h| !h.example) {
        let (line, col) = position(text, hit.start);
        let (end_line, end_col) = position(text, hit.end);
        let span = Span::new(file.clone(), line, col, end_line, end_col);
        let resource = resources
            .iter()
            .filter(|(l, _)| *l <= line)
            .max_by_key(|(l, _)| *l)
            .map(|(_, a)| a.clone())
            .unwrap_or_else(|| file.to_string());
        // Fingerprints tell keys apart without holding them.
        let digest: String = Sha256::digest(hit.secret.as_bytes())
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        let masked = mask(&hit.secret);
        let how = if hit.encoded { " (base64-encoded)" } else { "" };
        let message = format!(
            "{} ({masked}){how} is written in the configuration: everyone who can read the repository, its forks and CI logs can use it. Deactivate and rotate the key now, then use a role (or read credentials from the environment or a secrets manager)",
            capitalize(hit.kind.describe())
        );
        out.push(Finding::new(ID, severity(ID), span, resource, message).key(digest));
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
