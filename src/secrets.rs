//! Secrets: finding AWS credentials in text (CRED001), and the one masking function every
//! output goes through.
//!
//! Detection ([`find`], what CRED001 reports):
//! - access key IDs: `AKIA` (long-term) or `ASIA` (temporary) and 16 more upper-case letters
//!   or digits, not inside a longer word;
//! - secret access keys: 40 characters of `A-Za-z0-9/+`, not inside a longer such run, with
//!   the shape of a generated key (mixed case, no leading or trailing `/`, no `//`, at least
//!   [`MIN_ENTROPY`] bits of entropy per character: an SSM parameter path or a role path of
//!   40 such characters is not a key), bound to a key-like name (`secret`,
//!   `aws_secret_access_key`, `SecretAccessKey`, ...) written before it on its line, or on
//!   the line above when the value stands alone on its line (a YAML block scalar) or under a
//!   generic `Value` key (CloudFormation `- Name: AWS_SECRET_ACCESS_KEY` / `Value: ...`);
//! - base64 blobs (user data): decoded (and gunzipped) and searched once more.
//!
//! AWS's documented example keys are found too ([`Hit::example`]); CRED001 leaves them out.
//!
//! Masking ([`mask_secrets`], called at every output boundary: every report format, the
//! graph, explain, baseline files and standard error) hides more than detection reports,
//! because over-masking costs nothing but readability:
//! - everything [`find`] finds, example keys included (`AKIA****************`), and a base64
//!   blob that holds a key (its first four characters, then `*`);
//! - any 40-character `A-Za-z0-9/+` value assigned to a key-like name (`secret`, `password`,
//!   `token`, `credential`, `private`, `key`), or random-looking on its own;
//! - the user information of URLs (`https://user:****@host`, `git::https://****@github.com`):
//!   the password part, or all of it when it has no `:` and is long enough to be a token;
//! - well-known token shapes (GitHub `ghp_` / `github_pat_`, GitLab `glpat-`, Slack `xox?-`),
//!   after their prefix;
//! - the value of a password-like assignment (`password = "..."`, `db_password: ...`,
//!   `client_secret=...`, `api_key`, `token`, `private_key`), wherever it is written
//!   (source lines, suppression reasons, messages, notes); references and intrinsic
//!   functions (`var.x`, `${...}`, `{{resolve:...}}`, `!Ref`) are not values and stay.
//!
//! What is not masked: a secret in prose (`the password is hunter2`), or of no known shape
//! under a name that does not say what it is. Masking keeps the number of characters of
//! the text (so carets under a masked source line still line up) and never touches a
//! newline.
//!
//! [`escape_controls`] makes untrusted text safe to print in a human-readable output (text,
//! Markdown, JUnit, explain, GitHub annotations, standard error): control characters
//! become visible escapes (`\n`, `\u{1b}`), so a scanned file cannot start a line of its
//! own, forge a GitHub workflow command (`::error`, `::stop-commands::`, `##[`), or send
//! terminal escape sequences. [`sanitize`] is both, for one printed field; [`guard_lines`]
//! is the last defence over a whole human-readable output.

use base64::Engine;
use std::io::Read;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    AccessKeyId,
    SecretAccessKey,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::AccessKeyId => "an AWS access key ID",
            SecretKind::SecretAccessKey => "an AWS secret access key",
        }
    }
}

/// One credential found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub kind: SecretKind,
    /// Byte range in the searched text (for a hit inside a base64 blob: the blob's range).
    pub start: usize,
    pub end: usize,
    /// The credential itself (never printed: see [`mask`]).
    pub secret: String,
    /// It is one of AWS's documented example keys (`AKIAIOSFODNN7EXAMPLE`, ...).
    pub example: bool,
    /// Found by decoding a base64 blob.
    pub encoded: bool,
}

/// One credential shown masked: `AKIA****************` (the first four characters, then
/// one asterisk per character). Used by [`mask_secrets`] and by CRED001's messages.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    secret
        .chars()
        .take(4)
        .chain(std::iter::repeat_n('*', n.saturating_sub(4)))
        .collect()
}

/// AWS's documented example keys (`AKIAIOSFODNN7EXAMPLE`,
/// `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, `AKIAI44QH8DHBEXAMPLE`, ...): they all end
/// in `EXAMPLE` / `EXAMPLEKEY`, which a generated key cannot hold by chance.
fn is_example(s: &str) -> bool {
    s.contains("EXAMPLE")
}

fn secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
}

const ACCESS_KEY_ID_LEN: usize = 20;
const SECRET_LEN: usize = 40;

/// Fragments of a name (lower-cased) that bind a 40-character value to a secret access key
/// for detection.
const KEY_NAMES: &[&str] = &["secret", "aws_secret", "secretaccesskey", "secret_key"];

/// The least Shannon entropy (bits per character) of a generated secret access key: of
/// 100,000 random 40-character keys none is below 4.15, while an SSM parameter path such
/// as `/controlplane/EKSEncryptSecretsKmsKeyArn` is at 3.97.
pub const MIN_ENTROPY: f64 = 4.1;

fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a 40-character run has the shape of a generated secret access key, not of a
/// path, an ARN part or a word.
fn key_shaped(token: &str) -> bool {
    let b = token.as_bytes();
    let mixed = b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter()
            .any(|&c| c.is_ascii_digit() || c == b'/' || c == b'+');
    mixed
        && !token.starts_with('/')
        && !token.ends_with('/')
        && !token.contains("//")
        && entropy(token) >= MIN_ENTROPY
}

/// Whether the value starting at `start` is bound to a key-like name: on its own line
/// before it, or on the line above when nothing but a generic `Value` key (or nothing at
/// all: a YAML block scalar's line) comes before it on its own line.
fn bound_to_key_name(text: &str, start: usize) -> bool {
    let window = floor_boundary(text, start.saturating_sub(LOOK_BACK));
    let line_start = text[window..start]
        .rfind('\n')
        .map_or(window, |p| window + p + 1);
    let before = text[line_start..start].to_ascii_lowercase();
    if KEY_NAMES.iter().any(|k| before.contains(k)) {
        return true;
    }
    let name = before.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '-' | ':' | '=' | ',' | '{' | '>' | '|')
    });
    // Only a value that starts its line (less a generic key) looks at the line above.
    if !(name.is_empty() || name == "value") || line_start == 0 || line_start == window {
        return false;
    }
    // The previous line that is not blank (its last LOOK_BACK bytes).
    text[..line_start - 1]
        .rsplit('\n')
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| {
            let l = &l[floor_boundary(l, l.len().saturating_sub(LOOK_BACK))..];
            let l = l.to_ascii_lowercase();
            KEY_NAMES.iter().any(|k| l.contains(k))
        })
}

/// How far before a value its name is looked for (bytes): a name binds a value near it,
/// and the search stays linear on one-line files of any size.
const LOOK_BACK: usize = 256;

/// The longest assigned value [`mask_secrets`] reads (bytes); a longer one is masked that far.
const MAX_VALUE: usize = 4096;

/// The largest character boundary of `text` at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Every credential in `text`, in order.
pub fn find(text: &str) -> Vec<Hit> {
    let mut out = find_plain(text);
    // Base64 blobs of user data: decode and look again (once).
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !secret_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (secret_char(bytes[i]) || bytes[i] == b'=') {
            i += 1;
        }
        if i - start >= SECRET_LEN
            && let Some(decoded) = decode(&text[start..i])
        {
            for h in find_plain(&decoded) {
                if !out.iter().any(|o| o.secret == h.secret) {
                    out.push(Hit {
                        start,
                        end: i,
                        encoded: true,
                        ..h
                    });
                }
            }
        }
    }
    out.sort_by_key(|h| (h.start, h.end));
    out
}

/// Decode a base64 blob to text (gunzipping it when it is gzip), bounded in size.
fn decode(blob: &str) -> Option<String> {
    const LIMIT: u64 = 4 << 20;
    let raw = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(blob.trim_end_matches('='))
        .ok()?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .take(LIMIT)
            .read_to_end(&mut out)
            .ok()?;
        out
    } else {
        raw
    };
    String::from_utf8(bytes).ok()
}

/// The byte ranges of access key IDs in `text`.
fn access_key_ids(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for prefix in ["AKIA", "ASIA"] {
        let mut from = 0;
        while let Some(pos) = text[from..].find(prefix) {
            let start = from + pos;
            let end = start + ACCESS_KEY_ID_LEN;
            from = start + 1;
            if end > bytes.len() {
                break;
            }
            let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            let after_ok = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
            if before_ok
                && after_ok
                && bytes[start + 4..end]
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                out.push(start..end);
            }
        }
    }
    out
}

/// The byte ranges of the runs of exactly 40 secret-key characters in `text`.
fn forty_char_runs(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !secret_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && secret_char(bytes[i]) {
            i += 1;
        }
        if i - start == SECRET_LEN {
            out.push(start..i);
        }
    }
    out
}

fn find_plain(text: &str) -> Vec<Hit> {
    let mut out: Vec<Hit> = access_key_ids(text)
        .into_iter()
        .map(|r| {
            let secret = text[r.clone()].to_string();
            Hit {
                kind: SecretKind::AccessKeyId,
                start: r.start,
                end: r.end,
                example: is_example(&secret),
                secret,
                encoded: false,
            }
        })
        .collect();
    // Secret access keys: a key-shaped 40-character run bound to a key-like name.
    for r in forty_char_runs(text) {
        let token = &text[r.clone()];
        if key_shaped(token) && bound_to_key_name(text, r.start) {
            out.push(Hit {
                kind: SecretKind::SecretAccessKey,
                start: r.start,
                end: r.end,
                example: is_example(token),
                secret: token.to_string(),
                encoded: false,
            });
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

// ---- masking ----

/// Fragments of a name (lower-cased) under which any 40-character value is masked.
const KEY_LIKE: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "token",
    "credential",
    "private",
    "key",
];

/// Names (lower-cased, `-` and `.` read as `_`) whose assigned value is masked whatever its
/// shape: the name ends with one of these.
const PASSWORD_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "secret_key",
    "secretkey",
    "secret_access_key",
    "secretaccesskey",
    "secret_string",
    "secretstring",
    "api_key",
    "apikey",
    "token",
    "private_key",
    "privatekey",
];

/// Token shapes of well-known services: the prefix stays, the rest is masked.
const TOKEN_PREFIXES: &[&str] = &[
    "github_pat_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxs-",
];

/// A part of the text to mask: `range` (bytes), of which the first `keep` characters stay.
struct Masked {
    range: Range<usize>,
    keep: usize,
}

/// The one masking function: `text` with every secret in it masked (see the module
/// documentation for what counts as one). Every output of rolegraph goes through it: report
/// formats, graph, explain, baseline files and standard error. The result has as many
/// characters as `text`, and the same line breaks.
pub fn mask_secrets(text: &str) -> String {
    let mut parts: Vec<Masked> = Vec::new();
    let hits = find(text);
    for h in &hits {
        parts.push(Masked {
            range: h.start..h.end,
            keep: 4,
        });
    }
    // `find` leaves out IDs inside base64 blobs it cannot decode; masking takes every one.
    for r in access_key_ids(text) {
        parts.push(Masked { range: r, keep: 4 });
    }
    for r in forty_char_runs(text) {
        let token = &text[r.clone()];
        if assigned_to_key_like_name(&text.as_bytes()[..r.start]) || looks_random(token) {
            parts.push(Masked { range: r, keep: 0 });
        }
    }
    url_userinfo(text, &mut parts);
    token_shapes(text, &mut parts);
    password_assignments(text, &mut parts);
    // A credential CRED001 reports shows as its message names it (`AKIA****`, `wJal****`),
    // even when a broader heuristic would mask all of it.
    let mut reported: Vec<Range<usize>> = Vec::with_capacity(hits.len());
    for h in &hits {
        match reported.last_mut() {
            Some(last) if h.start <= last.end => last.end = last.end.max(h.end),
            _ => reported.push(h.start..h.end),
        }
    }
    parts.retain(|p| {
        // The first reported range that ends after this part starts (they are sorted and
        // disjoint): the part overlaps it when it starts before the part ends.
        let i = reported.partition_point(|r| r.end <= p.range.start);
        p.keep > 0 || reported.get(i).is_none_or(|r| r.start >= p.range.end)
    });
    if parts.is_empty() {
        return text.to_string();
    }
    let mut hidden = vec![false; text.len()];
    for p in &parts {
        let Some(slice) = text.get(p.range.clone()) else {
            continue;
        };
        for (i, _) in slice.char_indices().skip(p.keep) {
            hidden[p.range.start + i] = true;
        }
    }
    text.char_indices()
        .map(|(i, c)| if hidden[i] && c != '\n' { '*' } else { c })
        .collect()
}

/// Whether the text before a value ends with a credential-like name and an assignment
/// (`secret_key = "`, `SecretAccessKey: `, `"AWS_SECRET_ACCESS_KEY": "`, `SECRET=`).
fn assigned_to_key_like_name(before: &[u8]) -> bool {
    let (_, name) = name_before(before, before.len());
    !name.is_empty() && KEY_LIKE.iter().any(|k| name.contains(k))
}

/// The name (lower-cased) that ends before `end`, past spaces, quotes and an assignment,
/// with the byte offset where it starts.
fn name_before(b: &[u8], mut end: usize) -> (usize, String) {
    // Bounded, so that a hostile run of separators or of name characters stays linear.
    let floor = end.saturating_sub(16);
    while end > floor && matches!(b[end - 1], b' ' | b'\t' | b'"' | b'\'' | b'=' | b':' | b'>') {
        end -= 1;
    }
    let floor = end.saturating_sub(LOOK_BACK);
    let mut start = end;
    while start > floor
        && (b[start - 1].is_ascii_alphanumeric() || matches!(b[start - 1], b'_' | b'-' | b'.'))
    {
        start -= 1;
    }
    (
        start,
        String::from_utf8_lossy(&b[start..end]).to_ascii_lowercase(),
    )
}

fn looks_random(v: &str) -> bool {
    let b = v.as_bytes();
    b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().any(|&c| c == b'/' || c == b'+')
}

/// `scheme://user:password@host`: the password; `scheme://token@host`: the token, when it
/// is long enough to be one (16 characters; `git@`, `user@` stay).
fn url_userinfo(text: &str, parts: &mut Vec<Masked>) {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text[from..].find("://") {
        let start = from + pos + 3;
        from = start;
        let mut end = start;
        let limit = start + LOOK_BACK;
        while end < b.len().min(limit)
            && !matches!(
                b[end],
                b'/' | b'?' | b'#' | b'@' | b'"' | b'\'' | b'<' | b'>' | b'`'
            )
            && !b[end].is_ascii_whitespace()
        {
            end += 1;
        }
        if end >= b.len() || b[end] != b'@' || end == start {
            continue;
        }
        let info = &text[start..end];
        match info.find(':') {
            Some(c) if c + 1 < info.len() => parts.push(Masked {
                range: start + c + 1..end,
                keep: 0,
            }),
            Some(_) => {}
            None if info.chars().count() >= 16 => parts.push(Masked {
                range: start..end,
                keep: 0,
            }),
            None => {}
        }
    }
}

/// Tokens of well-known services (`ghp_...`): at least 16 characters after the prefix.
fn token_shapes(text: &str, parts: &mut Vec<Masked>) {
    let b = text.as_bytes();
    for prefix in TOKEN_PREFIXES {
        let mut from = 0;
        while let Some(pos) = text[from..].find(prefix) {
            let start = from + pos;
            from = start + prefix.len();
            if start > 0 && b[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            let body = from;
            let mut end = body;
            let limit = body + LOOK_BACK;
            while end < b.len().min(limit) && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                end += 1;
            }
            if end - body >= 16 {
                parts.push(Masked {
                    range: body..end,
                    keep: 0,
                });
                from = end;
            }
        }
    }
}

/// The values of password-like assignments: `name = "value"`, `name: value`, `name=value`,
/// `"name": "value"`, where the name ends with one of [`PASSWORD_NAMES`].
fn password_assignments(text: &str, parts: &mut Vec<Masked>) {
    let b = text.as_bytes();
    for (op, _) in text.match_indices(['=', ':']) {
        // `==`, `!=`, `::`, `:=`, `=>`, `>=`: not an assignment.
        let prev = if op > 0 { b[op - 1] } else { b' ' };
        let next = b.get(op + 1).copied().unwrap_or(b' ');
        if matches!(prev, b'=' | b':' | b'!' | b'<' | b'>') || matches!(next, b'=' | b':' | b'>') {
            continue;
        }
        let (name_start, name) = name_before(b, op);
        let name = name.replace(['-', '.'], "_");
        // A name inside a colon-separated path (`{{resolve:...:SecretString:password}}`, an
        // ARN) is not assigned anything.
        if name.is_empty()
            || (name_start > 0 && b[name_start - 1] == b':')
            || !PASSWORD_NAMES.iter().any(|n| name.ends_with(n))
        {
            continue;
        }
        let mut start = op + 1;
        while start < b.len() && matches!(b[start], b' ' | b'\t') {
            start += 1;
        }
        let Some(&first) = b.get(start) else {
            continue;
        };
        // A value is masked up to MAX_VALUE bytes: the scan stays linear.
        let limit = start + MAX_VALUE;
        let (vstart, vend) = if first == b'"' || first == b'\'' {
            let mut end = start + 1;
            while end < b.len().min(limit) && b[end] != first && b[end] != b'\n' {
                end += if b[end] == b'\\' { 2 } else { 1 };
            }
            (start + 1, end.min(b.len()))
        } else {
            let mut end = start;
            while end < b.len().min(limit)
                && !b[end].is_ascii_whitespace()
                && !matches!(
                    b[end],
                    b',' | b';' | b'}' | b')' | b']' | b'&' | b'"' | b'\'' | b'\\'
                )
            {
                end += 1;
            }
            (start, end)
        };
        let vend = floor_boundary(text, vend.min(b.len())).max(vstart);
        let Some(value) = text.get(vstart..vend) else {
            continue;
        };
        let quoted = vstart > start;
        if !is_literal_secret(value, quoted) {
            continue;
        }
        parts.push(Masked {
            range: vstart..vend,
            keep: 0,
        });
    }
}

/// Whether an assigned value is a literal (masked), not a reference, a function or a
/// placeholder.
fn is_literal_secret(v: &str, quoted: bool) -> bool {
    if v.is_empty()
        || v.starts_with("${")
        || v.starts_with("{{")
        || v.starts_with("arn:")
        || v == "(sensitive)"
        || v.chars().all(|c| c == '*')
    {
        return false;
    }
    if quoted {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(lower.as_str(), "true" | "false" | "null" | "none" | "~")
        || v.starts_with(['{', '[', '(', '!', '<', '|', '>', '*', '&', '$'])
    {
        return false;
    }
    // A Terraform reference or function call: `var.db_password`, `random_password.db.result`,
    // `base64decode(...)`.
    let reference = v.starts_with(|c: char| c.is_ascii_lowercase())
        && (v.contains('(')
            || (v.contains('.')
                && v.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-' | '*')
                })));
    !reference
}

// ---- escaping ----

/// Untrusted text made safe to print in a human-readable output: control characters
/// (newlines, carriage returns, ESC, BEL, DEL, C1 controls) and the Unicode bidirectional
/// controls become visible escapes (`\n`, `\r`, `\u{1b}`, `\u{202e}`); a tab stays. A
/// GitHub workflow command cannot start (`::` first on the line: `\::`; `##[` anywhere:
/// `#\#[`).
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push('\t'),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    guard_line(&out)
}

/// Unicode bidirectional formatting characters, which can make printed text read unlike
/// what it is ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One field of untrusted text for a human-readable output: secrets masked, controls
/// escaped ([`mask_secrets`], then [`escape_controls`]).
pub fn sanitize(text: &str) -> String {
    escape_controls(&mask_secrets(text))
}

/// One line: a leading `::` (after blanks) and every `##[` neutralised.
fn guard_line(line: &str) -> String {
    let mut s = line.replace("##[", "#\\#[");
    let lead = s.len() - s.trim_start().len();
    if s[lead..].starts_with("::") {
        s.insert(lead, '\\');
    }
    s
}

/// The last defence over a whole human-readable output (built from fields already passed
/// through [`sanitize`]): no line starts a GitHub workflow command. Our own ANSI colours
/// and line breaks stay.
pub fn guard_lines(text: &str) -> String {
    if !text.contains("::") && !text.contains("##[") {
        return text.to_string();
    }
    text.split('\n')
        .map(guard_line)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const STARS: &str = "****************************************";
    /// A key CRED001 reports keeps the four characters its message shows.
    const SHOWN: &str = "wJal************************************";

    #[test]
    fn access_keys_and_secrets() {
        let t = "access_key = \"AKIA2E0A8F3B244C9986\"\nsecret_key = \"Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8\"\nother = \"XAKIA2E0A8F3B244C9986\"";
        let hits = find(t);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].kind, SecretKind::AccessKeyId);
        assert_eq!(&t[hits[0].start..hits[0].end], "AKIA2E0A8F3B244C9986");
        assert_eq!(hits[1].kind, SecretKind::SecretAccessKey);
        assert!(!hits[0].example);
        assert_eq!(mask("AKIA2E0A8F3B244C9986"), "AKIA****************");
        assert_eq!(
            mask_secrets("key: AKIA2E0A8F3B244C9986 end"),
            "key: AKIA**************** end"
        );
    }

    #[test]
    fn examples_and_unbound_strings() {
        let hits = find("AKIAIOSFODNN7EXAMPLE secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert_eq!(hits.len(), 2);
        assert!(hits.iter().all(|h| h.example));
        // A 40-character hash not bound to a key-like name is not a secret.
        assert!(find("commit = \"3f786850e387550fdab836ed7e6dc881de23001b\"").is_empty());
        assert!(find("digest = \"Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8\"").is_empty());
    }

    #[test]
    fn paths_are_not_secret_keys() {
        // 40 characters of the alphabet, under a key-like name: a path, not a key.
        for line in [
            "SecretsKmsKeyParam: /controlplane/EKSEncryptSecretsKmsKeyArn",
            "secret_key = \"service-role/AWSCodePipelineServiceRole1\"",
            "secret = \"aaaa//bbbbccccddddeeeeffffgggghhhhiiii1A\"",
        ] {
            assert!(find(line).is_empty(), "{line}");
        }
        assert!(entropy("/controlplane/EKSEncryptSecretsKmsKeyArn") < MIN_ENTROPY);
        assert!(entropy("Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8") > MIN_ENTROPY);
    }

    #[test]
    fn secret_on_the_line_after_its_name() {
        let cfn = "        - Name: AWS_SECRET_ACCESS_KEY\n          Value: Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8\n";
        assert_eq!(find(cfn).len(), 1);
        let block = "aws_secret_access_key: |\n  Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8\n";
        assert_eq!(find(block).len(), 1);
        let json = "{\"name\": \"AWS_SECRET_ACCESS_KEY\",\n \"value\": \"Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8\"}";
        assert_eq!(find(json).len(), 1);
        // Under another name, the line above does not bind it.
        let other =
            "- Name: AWS_SECRET_ACCESS_KEY\n  Checksum: Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8\n";
        assert!(find(other).is_empty());
    }

    #[test]
    fn base64_and_gzip_user_data() {
        let script = "#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986\n";
        let b64 = base64::engine::general_purpose::STANDARD.encode(script);
        let text = format!("user_data_base64 = \"{b64}\"");
        let hits = find(&text);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].encoded);
        assert_eq!(&text[hits[0].start..hits[0].end], b64);
        let masked = mask_secrets(&text);
        assert!(!masked.contains(&b64[4..]), "{masked}");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, script.as_bytes()).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
        assert_eq!(find(&b64).len(), 1);
    }

    #[test]
    fn masks_access_key_ids() {
        assert_eq!(
            mask_secrets(r#"  access_key = "AKIAIOSFODNN7EXAMPLE""#),
            r#"  access_key = "AKIA****************""#
        );
        assert_eq!(
            mask_secrets("AccessKeyId: ASIAY34FZKBOKMUTVV7A"),
            "AccessKeyId: ASIA****************"
        );
        assert_eq!(
            mask_secrets("AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE"),
            "AKIA****************,AKIA****************"
        );
        // In a file name and a resource address.
        assert_eq!(
            mask_secrets("keys/AKIA2E0A8F3B244C9986.tf"),
            "keys/AKIA****************.tf"
        );
        assert_eq!(
            mask_secrets("aws_instance.AKIA2E0A8F3B244C9986"),
            "aws_instance.AKIA****************"
        );
    }

    #[test]
    fn leaves_look_alikes_of_access_key_ids() {
        for s in [
            "AKIAIOSFODNN7EXAMPL",
            "AKIAIOSFODNN7EXAMPLE1",
            "XAKIAIOSFODNN7EXAMPLE",
            "AKIAiosfodnn7example",
            "AROAIOSFODNN7EXAMPLE12",
        ] {
            assert_eq!(mask_secrets(s), s);
        }
    }

    #[test]
    fn masks_secret_values_assigned_to_key_like_names() {
        for (before, after) in [
            (
                format!(r#"  secret_key = "{SECRET}""#),
                format!(r#"  secret_key = "{SHOWN}""#),
            ),
            (
                format!("      SecretAccessKey: {SECRET}"),
                format!("      SecretAccessKey: {SHOWN}"),
            ),
            (
                format!(r#"{{"AWS_SECRET_ACCESS_KEY": "{SECRET}"}}"#),
                format!(r#"{{"AWS_SECRET_ACCESS_KEY": "{SHOWN}"}}"#),
            ),
            (
                format!("export AWS_SECRET_ACCESS_KEY={SECRET}"),
                format!("export AWS_SECRET_ACCESS_KEY={SHOWN}"),
            ),
            (
                "password = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"".to_string(),
                format!("password = \"{STARS}\""),
            ),
            (
                format!(r#"value = "{SECRET}""#),
                format!(r#"value = "{STARS}""#),
            ),
        ] {
            assert_eq!(mask_secrets(&before), after);
        }
    }

    #[test]
    fn leaves_other_values() {
        for s in [
            "source = \"git::https://example.com/m.git?ref=0123456789abcdef0123456789abcdef01234567\"",
            "name = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
            "http_tokens = \"optional\"",
            "password = var.db_password",
            "master_password = random_password.db.result",
            "password = \"${var.db_password}\"",
            "MasterUserPassword: !Ref DbPassword",
            "MasterUserPassword: '{{resolve:secretsmanager:db:SecretString:password}}'",
            "manage_master_user_password = true",
            "secret_arn = \"arn:aws:secretsmanager:eu-west-1:111122223333:secret:x\"",
            "source = \"git@github.com:org/repo.git\"",
            "url = \"ssh://git@github.com/org/repo.git\"",
            "if a == b { x }",
        ] {
            assert_eq!(mask_secrets(s), s);
        }
    }

    #[test]
    fn masks_urls_tokens_and_passwords() {
        assert_eq!(
            mask_secrets(
                "source = \"git::https://oauth2:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r.git\""
            ),
            "source = \"git::https://oauth2:****************************************@github.com/o/r.git\""
        );
        assert_eq!(
            mask_secrets("https://user:hunter2@example.com/x"),
            "https://user:*******@example.com/x"
        );
        assert_eq!(
            mask_secrets("https://abcdefghijklmnopqrst@github.com/o/r"),
            "https://********************@github.com/o/r"
        );
        assert_eq!(
            mask_secrets("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked"),
            "token ghp_************************************ leaked"
        );
        for (before, after) in [
            ("password = \"hunter2\"", "password = \"*******\""),
            ("db_password: hunter2", "db_password: *******"),
            (
                "reason: legacy; password=hunter2!",
                "reason: legacy; password=********",
            ),
            (
                "\"MasterUserPassword\": \"s3cr3t\"",
                "\"MasterUserPassword\": \"******\"",
            ),
            ("client-secret: abc", "client-secret: ***"),
        ] {
            assert_eq!(mask_secrets(before), after);
        }
    }

    #[test]
    fn masking_keeps_characters_and_lines() {
        let s =
            format!("  # clé: AKIAIOSFODNN7EXAMPLE\tsecret = \"{SECRET}\" ✓\npassword = \"pé\"\n");
        let m = mask_secrets(&s);
        assert_eq!(m.chars().count(), s.chars().count());
        assert_eq!(
            m,
            format!("  # clé: AKIA****************\tsecret = \"{SHOWN}\" ✓\npassword = \"**\"\n")
        );
    }

    #[test]
    fn hostile_one_line_texts_stay_linear() {
        // Repeated patterns that would make a naive scan quadratic (each occurrence looking
        // back or ahead to the end of the line). 512 KiB each: quadratic would take minutes.
        let n = 512 << 10;
        let start = std::time::Instant::now();
        for unit in [
            format!("{} = ", "x".repeat(1000)),
            "://a".to_string(),
            "password=\"".to_string(),
            "ghp_".to_string(),
            format!("secret: {SECRET}\n"),
            format!("{SECRET} "),
        ] {
            let text = unit.repeat(n / unit.len());
            assert_eq!(mask_secrets(&text).chars().count(), text.chars().count());
            find(&text);
        }
        assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    }

    #[test]
    fn escapes_controls_and_workflow_commands() {
        let hostile = "optional\n::error file=README.md,line=1::Injected\n::stop-commands::tok\n\u{1b}]0;t\u{7}";
        let e = escape_controls(hostile);
        assert_eq!(
            e,
            "optional\\n::error file=README.md,line=1::Injected\\n::stop-commands::tok\\n\\u{1b}]0;t\\u{7}"
        );
        assert!(!e.contains('\n') && !e.contains('\u{1b}'));
        assert_eq!(escape_controls("  ::warning::x"), "  \\::warning::x");
        assert_eq!(escape_controls("a ##[error]b"), "a #\\#[error]b");
        assert_eq!(escape_controls("a\u{202e}b\tc"), "a\\u{202e}b\tc");
        assert_eq!(
            sanitize("k AKIA2E0A8F3B244C9986\n"),
            "k AKIA****************\\n"
        );
        assert_eq!(
            guard_lines("ok\n::error::x\n  ::notice::y\n\u{1b}[1mbold\u{1b}[0m\n"),
            "ok\n\\::error::x\n  \\::notice::y\n\u{1b}[1mbold\u{1b}[0m\n"
        );
    }
}
